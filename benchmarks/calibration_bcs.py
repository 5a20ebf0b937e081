"""An ABC-SMC calibration of bcs_2014 with 4 free parameters: wall time, simulations,
simulations per second and the tool's overhead (target: <= 15 minutes on 2 cores,
overhead <= 10% of the simulations' compute). With --recovery, a full-size recovery check
instead: bcs_2014 simulated at known values, calibrated on that output, the true values
against the posterior's 90% intervals.

How each figure is measured:
- worker start-up: the 2 worker processes (forkserver, as sim.calibrate starts them),
  timed until each has run bcs_2014 for one day (numba's cache loaded); not in the wall time;
- wall time: sim.calibrate(calibrations/bcs_2014_check_2014.toml, executor=those workers);
  simulations per second = simulations / wall time;
- the simulations' compute: a sample of the calibration's own evaluated points (read back
  from its evaluations.db) run again in this process, one run each, timed from sim.run to the
  end of the counts per observation; mean time per run x the number of runs;
- overhead share, by wall time = (workers x wall - compute) / compute: the worker-seconds
  the calibration spends outside its runs (proposals, pyabc bookkeeping, SQLite, dispatch,
  the batch tail when one worker waits for the other) per second of runs. On a machine
  that other jobs share, the workers do not get their 2 cores and this figure counts the
  time they wait for a CPU as overhead;
- of the wall time, the part spent between batches (no point submitted: proposing,
  pyabc's bookkeeping between generations, the predictive check, the outputs and figures),
  timed by wrapping the calibration's Evaluator in this process;
- overhead share, by CPU time = (CPU of this process + CPU of the workers - CPU of the runs)
  / CPU of the runs, the runs' CPU measured like their compute (process_time); the
  workers' CPU read with psutil. It counts only work done, so a loaded machine does not
  inflate it, but it leaves out idle workers (dispatch latency, the batch tail).

    python benchmarks/calibration_bcs.py [--workers 2] [--sample 200]
    python benchmarks/calibration_bcs.py --recovery [--population 128] [--generations 6]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sqlite3
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

import numpy as np

import sim
import sim.calibration.api as calibration_api
from sim.calibration import CalibrationSpec, summary
from sim.calibration.observed import read_observed
from sim.calibration.simulate import days_needed, observation_table, simulate_counts
from sim.calibration.synthetic import half_years, write_synthetic_observed
from sim.sweep import warm_up

ROOT = Path(__file__).resolve().parent.parent
CALIBRATION = ROOT / "calibrations" / "bcs_2014_check_2014.toml"


def started_workers(n: int, scenario_json: str) -> tuple[ProcessPoolExecutor, float]:
    """A pool like sim.calibrate's, every worker warmed up; and the seconds that took."""
    started = time.perf_counter()
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context(
        "forkserver"), initializer=warm_up, initargs=(scenario_json,))
    wait([pool.submit(time.sleep, 0.5) for _ in range(n)])  # one task per worker
    return pool, time.perf_counter() - started


_in_batches = {"seconds": 0.0}
_evaluate = calibration_api.Evaluator.__call__


def _timed_evaluate(self, *args, **kwargs):
    started = time.perf_counter()
    try:
        return _evaluate(self, *args, **kwargs)
    finally:
        _in_batches["seconds"] += time.perf_counter() - started


def run_seconds(spec: CalibrationSpec, out: Path, sample: int) -> tuple[float, float]:
    """Mean wall and CPU seconds per run, over ``sample`` of the calibration's evaluated
    points."""
    scenario = sim.load_scenario(spec.scenario)
    observations = read_observed(spec.observed)
    records, days = observation_table(observations), days_needed(scenario, observations)
    with sqlite3.connect(out / "evaluations.db") as db:
        points = [json.loads(p) for (p,) in db.execute(
            "SELECT parameters FROM evaluations ORDER BY stage, idx")]
    rng = np.random.default_rng(0)
    chosen = [points[i] for i in rng.choice(len(points), size=min(sample, len(points)),
                                            replace=False)]
    wall = cpu = 0.0
    for i, point in enumerate(chosen):
        variant = scenario.with_overrides(point)
        started, started_cpu = time.perf_counter(), time.process_time()
        simulate_counts(variant, i, days, records)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    return wall / len(chosen), cpu / len(chosen)


def cpu_seconds(pool: ProcessPoolExecutor) -> float:
    """CPU seconds (user + system) used so far by the pool's worker processes."""
    import psutil

    times = [psutil.Process(p.pid).cpu_times() for p in pool._processes.values()]
    return sum(t.user + t.system for t in times)


def performance(workers: int, sample: int) -> None:
    spec = CalibrationSpec.from_toml(CALIBRATION)
    scenario_json = sim.load_scenario(spec.scenario).model_dump_json()
    pool, startup = started_workers(workers, scenario_json)
    with tempfile.TemporaryDirectory() as folder, pool:
        out = Path(folder) / "bcs"
        workers_cpu = cpu_seconds(pool)
        calibration_api.Evaluator.__call__ = _timed_evaluate
        started, started_cpu = time.perf_counter(), time.process_time()
        record = sim.calibrate(spec, out, executor=pool, progress=False)
        wall, main_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        workers_cpu = cpu_seconds(pool) - workers_cpu
        per_run, per_run_cpu = run_seconds(spec, out, sample)
    runs = record["simulations_this_run"]
    compute, compute_cpu = runs * per_run, runs * per_run_cpu
    print(f"ABC-SMC of bcs_2014, 4 parameters ({CALIBRATION.name}: population "
          f"{spec.abc.population}, {spec.abc.generations} generations, {spec.replicates} "
          f"seeds a point), {workers} workers")
    print(summary(record))
    print(f"worker start-up (not in the wall time): {startup:.1f} s")
    print(f"wall time: {wall:.1f} s ({wall / 60:.1f} min); simulations: {runs}; "
          f"{runs / wall:.1f} simulations/s")
    print(f"one run: {per_run * 1000:.1f} ms, {per_run_cpu * 1000:.1f} ms CPU (mean of "
          f"{sample} evaluated points, serial); compute {compute:.1f} s, {compute_cpu:.1f} s CPU")
    print(f"overhead by wall time: {(workers * wall - compute) / compute:.1%} of the compute; "
          f"{wall - _in_batches['seconds']:.1f} s of the wall time between batches")
    print(f"overhead by CPU time: {(main_cpu + workers_cpu - compute_cpu) / compute_cpu:.1%} "
          f"(this process {main_cpu:.1f} s, workers {workers_cpu:.1f} s)")


def recovery(population: int, generations: int, workers: int) -> None:
    scenario = sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml")
    truth = {"parameters.background_homicides_per_100k_year": 5.5,
             "parameters.clash_rate": 0.03, "parameters.attack_multiplier": 2.5,
             "parameters.lethality": 0.0046}
    priors = {"parameters.background_homicides_per_100k_year": (2.0, 10.0, "uniform"),
              "parameters.clash_rate": (0.0075, 0.12, "loguniform"),
              "parameters.attack_multiplier": (0.625, 10.0, "loguniform"),
              "parameters.lethality": (0.00115, 0.0184, "loguniform")}
    with tempfile.TemporaryDirectory() as folder:
        observed = write_synthetic_observed(scenario, truth, half_years(scenario),
                                            Path(folder) / "observed.csv", runs=50)
        spec = CalibrationSpec(
            scenario=str(ROOT / "scenarios" / "bcs_2014.toml"), observed=str(observed),
            fit=("2013-01-01", "2014-06-30"), check=("2014-07-01", "2014-12-31"),
            replicates=6, seed=1, predictive_draws=100,
            parameters={p: {"low": lo, "high": hi, "prior": kind}
                        for p, (lo, hi, kind) in priors.items()},
            abc={"population": population, "generations": generations})
        started = time.perf_counter()
        record = sim.calibrate(spec, Path(folder) / "out", workers=workers, progress=False)
        wall = time.perf_counter() - started
    posterior = record["posterior"]
    weights = posterior["weight"].to_numpy()
    print(f"recovery: bcs_2014 at known values, population {population}, {generations} "
          f"generations, {wall:.0f} s")
    print(summary(record))
    for path, value in truth.items():
        values = posterior[path].to_numpy()
        order = np.argsort(values)
        cumulative = np.cumsum(weights[order]) / weights.sum()
        low, high = values[order][np.searchsorted(cumulative, [0.05, 0.95]).clip(
            0, len(values) - 1)]
        inside = "inside" if low <= value <= high else "OUTSIDE"
        print(f"  {path}: true {value:g}, 90% interval {low:.4g}..{high:.4g} ({inside}); "
              f"prior {priors[path][0]:g}..{priors[path][1]:g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=200,
                        help="evaluated points rerun to time one run")
    parser.add_argument("--recovery", action="store_true")
    parser.add_argument("--population", type=int, default=128)
    parser.add_argument("--generations", type=int, default=6)
    args = parser.parse_args()
    if args.recovery:
        recovery(args.population, args.generations, args.workers)
    else:
        performance(args.workers, args.sample)


if __name__ == "__main__":
    main()
