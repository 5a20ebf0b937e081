"""Compiled kernel vs the reference model (sim.reference), same state, same draws.

Two scenarios: a synthetic region (``sim.synthetic.world(250, 20, 2000, 17500)``, 250
plazas and 2,000 cells, 200 steps) and the Baja California Sur state at war (bcs_2014 with
its alliance and the Zetas' entry moved to the first day, so every phase has work to do,
730 daily steps). Each is run by the engine (``sim.engine.Engine``: events, federal forces
when a trigger fires, the violence buffer flushed when nearly full) with the compiled step
(``sim.kernel.step``, after a warm-up run, so compilation or cache loading is not timed)
and with ``sim.reference.advance``; the benchmark checks that both end in the same State
with the same violence rows, and prints both times and the speed-up. Building the engine
(the initial State and the recorder) is not timed.

    .venv/bin/python benchmarks/kernel_vs_reference.py [--steps 730] [--reference-steps 730]
        [--seed 1] [--only bcs|synthetic] [--draws python|compiled] [--clock wall|cpu]

With --reference-steps below --steps the reference's time is measured on that many steps
and scaled up linearly (printed as such); the results are then checked on those steps
only. DESIGN.md section 8 target: the compiled kernel >= 100x faster than plain Python.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from floor import floor_seconds, hostile_pairs  # benchmarks/ is on sys.path as a script

import sim
from sim import kernel, reference
from sim.codes import DONE, LETHAL_TYPES
from sim.engine import Engine
from sim.reference.draws import python_samplers
from sim.synthetic import world

ROOT = Path(__file__).resolve().parents[1]
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def bcs_at_war() -> sim.Scenario:
    """bcs_2014 with its alliance and the Zetas' entry on the first day."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml")
    start = scenario.simulation.start
    return scenario.with_overrides({"events[kind=alliance].day": start,
                                    "events[kind=enter].day": start})


def synthetic_region() -> sim.Scenario:
    return world(250, 20, 2000, 17_500, seed=0, days=200)


def run(step, scenario, seed, n_steps, clock=time.perf_counter) -> tuple[float, Engine]:
    """Steps up to ``n_steps`` (from the spin-up) of ``scenario``, the engine driving
    ``step`` (kernel.step or reference.advance); returns (seconds, the engine)."""
    engine = Engine(scenario, seed, step)
    started = clock()
    engine.run_until(n_steps)
    return clock() - started, engine


def opening_state(scenario):
    """The State step 0 starts from: the initial state with the first day's events applied
    (by the engine, before it calls a step function that does nothing)."""
    def idle(state, prm, seed, t0, t1, dt, reserve, recorder):
        return t1, DONE, -1

    engine = Engine(scenario, 0, idle)
    engine.run_until(1)
    return engine.state, engine.prm


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=730)
    parser.add_argument("--reference-steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="kernel runs (best is kept)")
    parser.add_argument("--reference-repeats", type=int, default=3)
    parser.add_argument("--only", choices=["bcs", "synthetic"], default=None)
    parser.add_argument("--draws", choices=["compiled", "python"], default="python",
                        help="the reference's keyed samplers: their Python code, py_func "
                        "(default; the 64-bit mixing they call stays compiled, so the "
                        "speed-up is understated) or the compiled samplers themselves called "
                        "from Python (as the test suite does, for speed)")
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="wall",
                        help="wall time, or this process's CPU time (steadier on a busy "
                        "machine: waiting for a core is not counted)")
    args = parser.parse_args(argv)
    draws = python_samplers() if args.draws == "python" else contextlib.nullcontext()
    with draws:
        if args.only != "bcs":
            compare("synthetic region (250 plazas, 2,000 cells)", synthetic_region(),
                    args.seed, 200, 200, max(3, args.repeats // 4), 1, CLOCKS[args.clock])
        if args.only != "synthetic":
            compare("bcs_2014 at war", bcs_at_war(), args.seed, args.steps,
                    args.reference_steps or args.steps, args.repeats, args.reference_repeats,
                    CLOCKS[args.clock])
    print(f"draws: {args.draws}, {args.clock} time; machine: {platform.platform()}, "
          f"{platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"numba {metadata.version('numba')}, numpy {metadata.version('numpy')}, "
          f"mesa {metadata.version('mesa')}")


def compare(label, scenario, seed, steps, reference_steps, repeats, reference_repeats,
            clock):
    """Time both on ``scenario`` and check they end identical; print the speed-up."""
    run(kernel.step, scenario, seed, 5)  # warm-up: load the compiled code
    kernel_times = []
    for _ in range(repeats):
        seconds, engine_k = run(kernel.step, scenario, seed, steps, clock)
        kernel_times.append(seconds)
    reference_times = []
    for _ in range(reference_repeats):
        seconds, engine_r = run(reference.advance, scenario, seed, reference_steps, clock)
        reference_times.append(seconds)

    if reference_steps != steps:  # identical results on the reference's steps
        _, engine_k = run(kernel.step, scenario, seed, reference_steps)
    different = [name for name, a in engine_k.state.arrays().items()
                 if not np.array_equal(a, getattr(engine_r.state, name))]
    assert not different, f"kernel and reference states differ: {different}"
    rows_r = engine_r.recorder.violence_rows()
    assert np.array_equal(engine_k.recorder.violence_rows(), rows_r), \
        "kernel and reference violence rows differ"

    k_best, k_median = min(kernel_times), statistics.median(kernel_times)
    r_best = min(reference_times) * steps / reference_steps
    state0, prm = opening_state(scenario)
    floor = floor_seconds(int(state0.cell_active.sum()), hostile_pairs(state0, prm), steps)
    lethal = int(rows_r[LETHAL_TYPES[rows_r[:, 2]], 6].sum())
    print(f"{label}, seed {seed}: {steps} steps, {len(rows_r)} violence rows, {lethal} "
          f"homicides (identical in both)")
    print(f"  compiled kernel: {k_best * 1e3:9.2f} ms  (best of {repeats}; "
          f"median {k_median * 1e3:.2f} ms; {k_best / floor:.0f}x the floor)")
    scaled = "" if reference_steps == steps else f", scaled from {reference_steps} steps"
    print(f"  reference model: {r_best * 1e3:9.2f} ms  (best of {reference_repeats}{scaled}; "
          f"{r_best / floor:.0f}x the floor)")
    print(f"  speed-up:        {r_best / k_best:9.1f}x  (target >= 100x; "
          f"{r_best / k_median:.1f}x against the kernel's median)")


if __name__ == "__main__":
    main()
