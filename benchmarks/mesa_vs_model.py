"""The whole compiled model vs the same rules as a plain Mesa model (sim.reference), same tables.

Runs a scenario (by default bcs_2014, its full 2 years at daily steps, with its alliance, the
Zetas' entry and the federal-deployment trigger) with ``sim.run``'s path (``CartelModel``,
``run_for``, ``results``: the numba kernel after a warm-up run, so compilation or cache
loading is not timed, best of ``--repeats``) and with the same engine stepping the reference
model instead (``CartelModel(..., step=sim.reference.advance)``: Mesa agents with Python
methods, the same keyed draws; best of ``--mesa-repeats``), checks that the violence,
control and organizations tables are identical (pandas ``assert_frame_equal``, exact), and
prints both times, split into building the model, running the steps and building the
tables, and the speed-ups.

    .venv/bin/python benchmarks/mesa_vs_model.py [--days 730] [--seed 7] [--draws both]
                                                 [--clock wall] [--synthetic CELLS]

``--draws`` says how the reference model calls sim.rng's keyed samplers: "compiled" calls
them as they are (from Python: the fair baseline), "python" calls their ``py_func`` (pure
Python, slower: the samplers' 64-bit arithmetic is emulated with NumPy scalars), "both"
(default) measures each. DESIGN.md section 8 target: the whole model >= 100x faster than a
straightforward pure-Mesa implementation.
"""

from __future__ import annotations

import argparse
import platform
import time
from importlib import metadata
from pathlib import Path

import pandas as pd

import sim
from sim import reference
from sim.reference.draws import python_samplers
from sim.runner import for_days
from sim.synthetic import world

ROOT = Path(__file__).resolve().parents[1]
TABLES = ("violence", "control", "organizations")


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def timed_run(make, steps: int, clock=time.perf_counter) -> tuple[dict[str, float],
                                                                  sim.Results]:
    """Build a model with ``make()``, run ``steps`` steps, build its tables; the seconds of
    each part and the results."""
    t0 = clock()
    model = make()
    t1 = clock()
    model.run_for(steps)
    t2 = clock()
    results = model.results()
    t3 = clock()
    return {"build": t1 - t0, "steps": t2 - t1, "tables": t3 - t2, "total": t3 - t0}, results


def best_runs(makers: dict, repeats: dict, steps: int, clock=time.perf_counter) -> dict:
    """Run each maker ``repeats[name]`` times, interleaved (so that a change in the machine's
    load hits all of them alike); for each, the fastest run by total time: (times, results)."""
    best: dict = {}
    for i in range(max(repeats.values())):
        for name, make in makers.items():
            if i < repeats[name]:
                run = timed_run(make, steps, clock)
                if name not in best or run[0]["total"] < best[name][0]["total"]:
                    best[name] = run
    return best


def mesa_model(scenario: sim.Scenario, seed: int, draws: str) -> sim.CartelModel:
    """The engine stepping the reference model, which calls the samplers compiled or as
    their Python code."""
    step = reference.advance if draws == "compiled" else python_advance
    return sim.CartelModel(scenario, rng=seed, step=step)


def python_advance(*args):
    """sim.reference.advance calling the samplers' Python code."""
    with python_samplers():
        return reference.advance(*args)


def assert_same_tables(a: sim.Results, b: sim.Results) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True,
                                      obj=f"{name} table")


def line(label: str, times: dict[str, float], note: str) -> str:
    parts = "".join(f"{times[k] * 1e3:10.1f}" for k in ("build", "steps", "tables", "total"))
    return f"{label:<28}{parts}  ms  {note}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "bcs_2014.toml")
    parser.add_argument("--days", type=int, default=None,
                        help="simulated days (default: the scenario's, 730 for bcs_2014)")
    parser.add_argument("--synthetic", type=int, default=None, metavar="CELLS",
                        help="instead of --scenario, a synthetic country of this many cells "
                        "(sim.synthetic.world, 8 cells per plaza; 365 days unless --days)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=20,
                        help="compiled-model runs (best is kept)")
    parser.add_argument("--mesa-repeats", type=int, default=3,
                        help="pure-Mesa runs per kind of draws (best is kept)")
    parser.add_argument("--draws", choices=("compiled", "python", "both"), default="both")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="wall",
                        help="wall time, or this process's CPU time (steadier on a busy "
                        "machine: waiting for a core is not counted)")
    args = parser.parse_args(argv)

    if args.synthetic:
        cells = args.synthetic
        scenario = world(max(1, cells // 8), max(3, round(cells * 150 / 20_000)), cells,
                         int(cells * 8.75), seed=0, days=args.days or 365)
    else:
        scenario = sim.load_scenario(args.scenario)
    scenario, steps = for_days(scenario, args.days)
    seed = args.seed
    sim.run(scenario, seed, days=args.days)  # warm-up: compile or load the kernel

    kinds = ("compiled", "python") if args.draws == "both" else (args.draws,)
    makers = {"model": lambda: sim.CartelModel(scenario, rng=seed)}
    makers |= {draws: (lambda d=draws: mesa_model(scenario, seed, d)) for draws in kinds}
    repeats = {name: args.repeats if name == "model" else args.mesa_repeats for name in makers}
    best = best_runs(makers, repeats, steps, CLOCKS[args.clock])
    compiled, results = best.pop("model")
    mesa = {}
    for draws, (times, mesa_results) in best.items():
        assert_same_tables(results, mesa_results)
        mesa[draws] = times

    homicides = int(results.violence.loc[results.violence["lethal"], "count"].sum())
    print(f"{scenario.name}, seed {seed}: {steps} steps ({results.start.date()} to "
          f"{results.end.date()}), {homicides} homicides, {len(results.violence)} violence "
          f"rows; violence, control and organizations tables identical across the models")
    print(f"{args.clock + ' time':<28}{'build':>10}{'steps':>10}{'tables':>10}{'total':>10}")
    print(line("compiled model (sim.run)", compiled, f"best of {args.repeats}"))
    labels = {"compiled": "pure Mesa (reference)", "python": "reference, py_func draws"}
    for draws, times in mesa.items():
        print(line(labels[draws], times, f"best of {args.mesa_repeats}"))
    for draws, times in mesa.items():
        print(f"speed-up vs {labels[draws]}: {times['total'] / compiled['total']:6.1f}x whole "
              f"model (target >= 100x), {times['steps'] / compiled['steps']:6.1f}x steps only")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, mesa {metadata.version('mesa')}, "
          f"numba {metadata.version('numba')}, pandas {metadata.version('pandas')}")


if __name__ == "__main__":
    main()
