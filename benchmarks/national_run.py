"""Wall time of one 10-year national run (Mexico 2012-2021, 522 weekly steps).

Prints, after one warm-up run (compilation or numba cache load), the median over a few
seeds of:
- ``mexico_2012``: 150 organizations, 32 states, 607 cells, 32 police units;
- ``mexico_2012_mean_field``: the same 150 organizations in one plaza, every pair fighting
  (11,175 hostile pairs in one plaza: the kernel's worst case for pairwise loops);
each as the kernel alone (``CartelModel.run_for``) and the whole ``sim.run`` call (kernel
plus the tidy tables).

    python benchmarks/national_run.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import sim

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def timed(scenario: sim.Scenario, seeds) -> tuple[list[float], list[float]]:
    """Seconds of one run per seed: the kernel alone (``CartelModel.run_for``) and the
    whole ``sim.run`` call (kernel and tables)."""
    kernel, whole = [], []
    for seed in seeds:
        model = sim.CartelModel(scenario, rng=seed)
        t0 = time.perf_counter()
        model.run_for(model.n_steps)
        kernel.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sim.run(scenario, seed=seed)
        whole.append(time.perf_counter() - t0)
    return kernel, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="runs per scenario (default 5)")
    args = parser.parse_args()
    for name in ("mexico_2012", "mexico_2012_mean_field"):
        scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
        t0 = time.perf_counter()
        sim.run(scenario, seed=0)  # warm-up: compiles the kernel or loads numba's cache
        warm = time.perf_counter() - t0
        kernel, whole = map(statistics.median, timed(scenario, range(1, 1 + args.seeds)))
        print(f"{name}: {len(scenario.organizations)} organizations, "
              f"{len(scenario.plazas)} plazas, {len(scenario.cells)} cells, "
              f"{scenario.n_steps} steps of {scenario.simulation.step_days:g} days")
        print(f"  first run in this process (compile or cache): {warm:7.2f} s")
        print(f"  one run after compilation, kernel only      : {kernel:7.2f} s "
              f"(median of {args.seeds})")
        print(f"  one run after compilation, with tables      : {whole:7.2f} s")


if __name__ == "__main__":
    main()
