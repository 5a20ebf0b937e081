"""Compiled kernel vs the reference model (sim.reference), same state, same draws.

Two states: a synthetic region (``sim.synthetic.world(250, 20, 2000, 17500)``, 250 plazas
and 2,000 cells, 200 steps) and the Baja California Sur state at war (bcs_2014 with its
alliance and the Zetas' entry applied at step 0, so every phase has work to do, 730 daily
steps). Each is run with the compiled step (``sim.kernel.step``, after a warm-up call, so
compilation or cache loading is not timed) and with ``sim.reference.advance``, both
through the same loop (federal forces deployed when a trigger fires, the violence buffer
flushed when nearly full), checks that both end in the same State with the same violence
rows, and prints both times and the speed-up.

    .venv/bin/python benchmarks/kernel_vs_reference.py [--steps 730] [--reference-steps 730]
        [--seed 1] [--only bcs|synthetic] [--draws python|compiled] [--clock wall|cpu]

With --reference-steps below --steps the reference's time is measured on that many steps
and scaled up linearly (printed as such); the results are then checked on those steps
only. DESIGN.md section 8 target: the compiled kernel >= 100x faster than plain Python.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import platform
import statistics
import time
from importlib import metadata
from pathlib import Path

import numpy as np
from floor import floor_seconds, hostile_pairs  # benchmarks/ is on sys.path as a script

import sim
from sim import kernel, reference
from sim.codes import BUFFER_FULL, LETHAL_TYPES, TRIGGER, parameter_vector
from sim.events import apply_event, deploy_federal, schedule
from sim.recorder import Recorder, row_reserve
from sim.reference.draws import python_samplers
from sim.state import build_state

ROOT = Path(__file__).resolve().parents[1]
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def bcs_state():
    scenario = sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml")
    state = build_state(scenario)[0]
    org_row = {o.name: i for i, o in enumerate(scenario.organizations)}
    plaza_row = {p.name: i for i, p in enumerate(scenario.plazas)}
    for event in schedule(scenario):
        if event.kind in ("alliance", "enter"):
            apply_event(state, event, org_row, plaza_row, scenario.simulation.step_days)
    return scenario, state


def synthetic_state():
    from sim.synthetic import world

    scenario = world(250, 20, 2000, 17_500, seed=0, days=200)
    return scenario, build_state(scenario)[0]


def deploy(scenario, state, k, step):
    """What the engine does when trigger k fired: federal forces arrive at ``step``."""
    trig = scenario.triggers[k]
    dt = scenario.simulation.step_days
    rows = {p.name: i for i, p in enumerate(scenario.plazas)}
    if deploy_federal(state, trig, [rows[n] for n in trig.plazas], step, dt):
        state.trig_blocked_until[k] = step + math.ceil(trig.duration_days / dt)


def run(step, scenario, state, seed, n_steps, clock=time.perf_counter):
    """Steps 0 .. n_steps-1 with ``step`` (kernel.step or reference.advance), driven like
    the engine drives it; returns (seconds, violence rows int64 (N, 7))."""
    prm = parameter_vector(scenario.parameters)
    dt = float(scenario.simulation.step_days)
    recorder = Recorder(n_steps, len(state.org_id), len(state.plaza_id),
                        buffer_rows=4 * row_reserve(state))
    started = clock()
    t = 0
    while t < n_steps:
        reserve = row_reserve(state)
        recorder.ensure_rows(reserve)
        t, reason, fired = step(state, prm, seed, t, n_steps, dt, reserve, recorder)
        t = int(t)
        if reason == TRIGGER:
            deploy(scenario, state, int(fired), t)
        elif reason == BUFFER_FULL:
            recorder.flush()
    return clock() - started, recorder.violence_rows()


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
            compare("synthetic region (250 plazas, 2,000 cells)", *synthetic_state(),
                    args.seed, 200, 200, max(3, args.repeats // 4), 1, CLOCKS[args.clock])
        if args.only != "synthetic":
            compare("bcs_2014 at war", *bcs_state(), args.seed, args.steps,
                    args.reference_steps or args.steps, args.repeats, args.reference_repeats,
                    CLOCKS[args.clock])
    print(f"draws: {args.draws}, {args.clock} time; machine: {platform.platform()}, "
          f"{platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"numba {metadata.version('numba')}, numpy {metadata.version('numpy')}, "
          f"mesa {metadata.version('mesa')}")


def compare(label, scenario, state0, seed, steps, reference_steps, repeats,
            reference_repeats, clock):
    """Time both from state0 and check they end identical; print the speed-up."""
    run(kernel.step, scenario, state0.copy(), seed, 5)  # warm-up: load the compiled code
    kernel_times = []
    for _ in range(repeats):
        state_k = state0.copy()
        seconds, rows_k = run(kernel.step, scenario, state_k, seed, steps, clock)
        kernel_times.append(seconds)
    reference_times = []
    for _ in range(reference_repeats):
        state_r = state0.copy()
        seconds, rows_r = run(reference.advance, scenario, state_r, seed, reference_steps,
                              clock)
        reference_times.append(seconds)

    if reference_steps != steps:  # identical results on the reference's steps
        state_k = state0.copy()
        _, rows_k = run(kernel.step, scenario, state_k, seed, reference_steps)
    different = [name for name, a in state_k.arrays().items()
                 if not np.array_equal(a, getattr(state_r, name))]
    assert not different, f"kernel and reference states differ: {different}"
    assert np.array_equal(rows_k, rows_r), "kernel and reference violence rows differ"

    k_best, k_median = min(kernel_times), statistics.median(kernel_times)
    r_best = min(reference_times) * steps / reference_steps
    floor = floor_seconds(int(state0.cell_active.sum()),
                          hostile_pairs(state0, parameter_vector(scenario.parameters)), steps)
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
