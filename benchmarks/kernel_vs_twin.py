"""Compiled kernel vs its plain-Python twin (tests/twin.py), same state, same draws.

Two states: a synthetic region (``sim.synthetic.world(250, 20, 2000, 17500)``, 250 plazas
and 2,000 cells, 200 steps) and the Baja California Sur state at war. For BCS: it builds the state (bcs_2014 with its alliance and the Zetas' entry
applied at step 0, so every phase has work to do), runs it for 730 daily steps with the
compiled ``sim.kernel.advance`` (after a warm-up call, so compilation or cache loading is not
timed) and with the twin, checks that both end in the same State and wrote the same violence
rows, and prints both times and the speed-up. Triggers fire along the way; both runs deploy
federal forces the way ``CartelModel`` does, outside the timed engine calls' control flow.

    .venv/bin/python benchmarks/kernel_vs_twin.py [--steps 730] [--twin-steps 730] [--seed 1]
        [--only bcs|synthetic] [--draws python|compiled]

With --twin-steps below --steps the twin time is measured on that many steps and scaled up
linearly (printed as such); the results are then checked on the twin's steps only.
DESIGN.md section 8 target: the compiled kernel >= 100x faster than the twin.
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections import Counter
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import twin  # noqa: E402
from floor import floor_seconds, hostile_pairs  # noqa: E402
from twin import advance_twin  # noqa: E402

import sim  # noqa: E402
from sim import kernel  # noqa: E402
from sim.codes import BUFFER_FULL, TRIGGER, parameter_vector  # noqa: E402
from sim.engine import Engine  # noqa: E402
from sim.events import APPLY, deploy_federal  # noqa: E402
from sim.recorder import Recorder, row_reserve  # noqa: E402
from sim.state import build_state  # noqa: E402


def bcs_state():
    scenario = sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml")
    run = Engine(scenario, 0, kernel.step)
    for event in run.events:
        if event.kind in ("alliance", "enter"):
            APPLY[event.kind](run, event)
    return scenario, run.state


def synthetic_state():
    from sim.synthetic import world

    scenario = world(250, 20, 2000, 17_500, seed=0, days=200)
    return scenario, build_state(scenario)[0]


def deploy(scenario, state, k, step):
    """What CartelModel does when trigger k fired: federal forces arrive at ``step``."""
    trig = scenario.triggers[k]
    dt = scenario.simulation.step_days
    rows = {p.name: i for i, p in enumerate(scenario.plazas)}
    if deploy_federal(state, trig, [rows[n] for n in trig.plazas], step, dt):
        state.trig_blocked_until[k] = step + math.ceil(trig.duration_days / dt)


def run_kernel(scenario, state, seed, n_steps):
    """Steps 0 .. n_steps-1 with the compiled kernel; returns (seconds, violence rows)."""
    prm = parameter_vector(scenario.parameters)
    dt = float(scenario.simulation.step_days)
    recorder = Recorder(n_steps, len(state.org_id), len(state.plaza_id),
                        buffer_rows=4 * row_reserve(state))
    started = time.perf_counter()
    t = 0
    while t < n_steps:
        reserve = row_reserve(state)
        recorder.ensure_rows(reserve)
        t, reason, fired = kernel.step(state, prm, seed, t, n_steps, dt, reserve, recorder)
        if reason == TRIGGER:
            deploy(scenario, state, int(fired), t)
        elif reason == BUFFER_FULL:
            recorder.flush()
    seconds = time.perf_counter() - started
    return seconds, recorder.violence_rows()


def run_twin(scenario, state, seed, n_steps):
    """Steps 0 .. n_steps-1 with the twin; returns (seconds, violence rows)."""
    prm = parameter_vector(scenario.parameters)
    dt = float(scenario.simulation.step_days)
    rows = []
    started = time.perf_counter()
    t = 0
    while t < n_steps:
        res = advance_twin(state, prm, seed, t, n_steps, dt)
        rows += res.rows
        t = res.t
        if res.reason == TRIGGER:
            deploy(scenario, state, res.fired, t)
    seconds = time.perf_counter() - started
    return seconds, rows


def multiset(rows):
    out = Counter()
    for r in rows:
        out[tuple(int(v) for v in r[:6])] += int(r[6])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=730)
    parser.add_argument("--twin-steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20, help="kernel runs (best is kept)")
    parser.add_argument("--twin-repeats", type=int, default=3)
    parser.add_argument("--only", choices=["bcs", "synthetic"], default=None)
    parser.add_argument("--draws", choices=["compiled", "python"], default="python",
                        help="the twin's keyed samplers: their Python code, py_func (default; "
                        "the 64-bit mixing they call stays compiled, so the speed-up is "
                        "understated) or the compiled samplers themselves "
                        "called from Python (as the test suite does, for speed)")
    args = parser.parse_args(argv)
    if args.draws == "python":
        for name in ("binomial", "key", "poisson", "rate_to_prob", "uniform"):
            setattr(twin, name, getattr(twin, name).py_func)
    if args.only != "bcs":
        compare("synthetic region (250 plazas, 2,000 cells)", *synthetic_state(), args.seed,
                200, 200, max(3, args.repeats // 4), 1)
    if args.only != "synthetic":
        compare("bcs_2014 at war", *bcs_state(), args.seed, args.steps,
                args.twin_steps or args.steps, args.repeats, args.twin_repeats)
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
          f"python {platform.python_version()}, numba {metadata.version('numba')}, "
          f"numpy {metadata.version('numpy')}")


def compare(label, scenario, state0, seed, steps, twin_steps, repeats, twin_repeats):
    """Time both engines from state0 and check they end identical; print the speed-up."""
    run_kernel(scenario, state0.copy(), seed, 5)  # warm-up: load the compiled code
    kernel_times = []
    for _ in range(repeats):
        state_k = state0.copy()
        seconds, rows_k = run_kernel(scenario, state_k, seed, steps)
        kernel_times.append(seconds)
    twin_times = []
    for _ in range(twin_repeats):
        state_t = state0.copy()
        seconds, rows_t = run_twin(scenario, state_t, seed, twin_steps)
        twin_times.append(seconds)

    # identical results on the twin's steps
    if twin_steps != steps:
        state_k = state0.copy()
        _, rows_k = run_kernel(scenario, state_k, seed, twin_steps)
    different = [name for name, a in state_k.arrays().items()
                 if not np.array_equal(a, getattr(state_t, name))]
    assert not different, f"kernel and twin states differ: {different}"
    assert multiset(rows_k) == multiset(rows_t), "kernel and twin violence rows differ"

    k_best, k_median = min(kernel_times), statistics.median(kernel_times)
    t_best = min(twin_times) * steps / twin_steps
    floor = floor_seconds(int(state0.cell_active.sum()),
                          hostile_pairs(state0, parameter_vector(scenario.parameters)), steps)
    lethal = sum(c for key, c in multiset(rows_t).items() if key[2] < 6)
    print(f"{label}, seed {seed}: {steps} steps, "
          f"{len(rows_t)} violence rows, {lethal} homicides (identical in both)")
    print(f"  compiled kernel: {k_best * 1e3:9.2f} ms  (best of {repeats}; "
          f"median {k_median * 1e3:.2f} ms; {k_best / floor:.0f}x the floor)")
    scaled = "" if twin_steps == steps else f", scaled from {twin_steps} steps"
    print(f"  python twin:     {t_best * 1e3:9.2f} ms  (best of {twin_repeats}{scaled}; "
          f"{t_best / floor:.0f}x the floor)")
    print(f"  speed-up:        {t_best / k_best:9.1f}x  (target >= 100x; "
          f"{t_best / k_median:.1f}x against the kernel's median)")


if __name__ == "__main__":
    main()
