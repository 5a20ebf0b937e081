"""Wall time of the Baja California Sur scenario, 5 years at 1-day steps (DESIGN §8).

Prints, measured in this one run:
- a new process with an empty numba cache: time to the first step (import + compile) and
  to the end of one run (target: at most 20 s);
- a new process with the cache warm: time to the first step (target: at most 2 s), and
  how much of it is ``import mesa`` alone;
- in this process after compilation: one 5-year run, the kernel alone
  (``CartelModel.run_for``; target: at most 20 ms) and with the tidy tables (``sim.run``),
  best and median of 20, each also as a multiple of the floor (benchmarks/floor.py).

    python benchmarks/bcs_run.py [--years 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from floor import floor_seconds, hostile_pairs
from national_run import timed

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "bcs_2014.toml"
NEW_PROCESS = """
import time; t0 = time.perf_counter()
import sim
scenario = sim.load_scenario({path!r}).with_overrides({{"simulation.days": {days}}})
model = sim.CartelModel(scenario, rng=1)
model.run_for(1)
t1 = time.perf_counter()
model.run_for(model.n_steps - 1)
model.results()
print(t1 - t0, time.perf_counter() - t0)
"""
IMPORT_MESA = "import time; t0 = time.perf_counter(); import mesa; print(time.perf_counter() - t0)"


def in_new_process(code: str, cache_dir: str) -> list[float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True)
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    days = round(365.25 * args.years)
    code = NEW_PROCESS.format(path=str(SCENARIO), days=days)
    with tempfile.TemporaryDirectory() as cache:
        cold_first, cold_end = in_new_process(code, cache)
        warm_first, _ = in_new_process(code, cache)
        mesa_import = in_new_process(IMPORT_MESA, cache)[0]

    import sim

    scenario = sim.load_scenario(SCENARIO).with_overrides({"simulation.days": days})
    sim.run(scenario, seed=0)
    kernel, whole = timed(scenario, range(20))
    model = sim.CartelModel(scenario, rng=0)
    cells = int(model.state.cell_active.sum())
    floor = floor_seconds(cells, hostile_pairs(model.state, model.params), scenario.n_steps,
                          repeats=20)

    def ms(values):
        return (f"{1e3 * min(values):7.1f} ms best, {1e3 * statistics.median(values):.1f} "
                f"median, {min(values) / floor:.0f}x the floor")

    print(f"bcs_2014 over {args.years} years: {scenario.n_steps} steps of "
          f"{scenario.simulation.step_days:g} day, {cells} cells")
    print(f"  new process, empty numba cache: first step {cold_first:6.1f} s, "
          f"whole run {cold_end:.1f} s   (target <= 20 s)")
    print(f"  new process, warm numba cache:  first step {warm_first:6.2f} s   (target <= 2 s;"
          f" `import mesa` alone {mesa_import:.2f} s)")
    print(f"  one run, kernel only          : {ms(kernel)}   (target <= 20 ms)")
    print(f"  one run, with the tidy tables : {ms(whole)}")
    print(f"  floor, same cells and pairs   : {1e3 * floor:7.2f} ms")


if __name__ == "__main__":
    main()
