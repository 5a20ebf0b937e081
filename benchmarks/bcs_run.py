"""Wall time of the Baja California Sur scenario (2 years at 1-day steps).

Prints, measured in this one run:
- first run in a new process with an empty numba cache (import + compile + run);
- first run in a new process with the cache warm (import + load + run);
- one run after compilation, in process: the kernel alone (CartelModel.run_for) and the
  whole sim.run call (kernel + tidy tables), median of 20.

    python benchmarks/bcs_run.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "bcs_2014.toml"
FIRST_RUN = f"""
import time; t0 = time.perf_counter()
import sim
sim.run(sim.load_scenario({str(SCENARIO)!r}), seed=1)
print(time.perf_counter() - t0)
"""


def first_run(cache_dir: str) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", FIRST_RUN], env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        cold = first_run(cache)
        warm = first_run(cache)

    import sim

    scenario = sim.load_scenario(SCENARIO)
    sim.run(scenario, seed=0)
    kernel, whole = [], []
    for seed in range(20):
        model = sim.CartelModel(scenario, rng=seed)
        t0 = time.perf_counter()
        model.run_for(model.n_steps)
        kernel.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sim.run(scenario, seed=seed)
        whole.append(time.perf_counter() - t0)
    print(f"bcs_2014, {scenario.n_steps} steps of {scenario.simulation.step_days:g} day")
    print(f"  first run, new process, empty numba cache : {cold:8.2f} s")
    print(f"  first run, new process, warm numba cache  : {warm:8.2f} s")
    print(f"  one run after compilation, kernel only    : {1e3 * statistics.median(kernel):8.1f} ms")
    print(f"  one run after compilation, with tables    : {1e3 * statistics.median(whole):8.1f} ms")


if __name__ == "__main__":
    main()
