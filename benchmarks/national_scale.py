"""A whole synthetic country: 2,500 plazas, 150 organizations, 20,000 cells, 175,000
members, 10 years at 1-day steps (DESIGN §8: at most 20 s on one core and 2 GB).

Prints, measured in this one run (the kernel compiled beforehand on a small world):
building the scenario and the model, the run itself (kernel, with recording on), building
the tidy tables, the process's peak memory, and the floor for the same number of cells and
hostile pairs (benchmarks/floor.py) with the run as a multiple of it.

    python benchmarks/national_scale.py [--years 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

from floor import floor_seconds, hostile_pairs

import sim
from sim.synthetic import world

SIZE = dict(n_plazas=2500, n_organizations=150, n_cells=20_000, n_members=175_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sim.run(world(20, 3, 40, 400, seed=0, days=5), seed=0)  # compile or load the kernel

    started = time.perf_counter()
    scenario = world(**SIZE, seed=0, days=365 * args.years)
    model = sim.CartelModel(scenario, rng=args.seed)
    built = time.perf_counter() - started
    pairs = hostile_pairs(model.state, model.params)

    started, cpu = time.perf_counter(), time.process_time()
    model.run_for(model.n_steps)
    kernel, cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    results = model.results()
    tables = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20

    floor = floor_seconds(SIZE["n_cells"], pairs, model.n_steps)
    homicides = results.homicides(freq="YS")
    members = results.organizations.groupby("step")["members"].sum()
    print(f"synthetic country: {SIZE['n_plazas']:,} plazas, {SIZE['n_organizations']} "
          f"organizations, {SIZE['n_cells']:,} cells, {SIZE['n_members']:,} members; "
          f"{model.n_steps:,} steps of 1 day; {pairs:,} hostile pairs at the start")
    print(f"  build scenario and model : {built:7.2f} s")
    print(f"  run (kernel, recording)  : {kernel:7.2f} s   target <= 20 s; "
          f"{kernel / floor:.1f}x the floor (CPU time {cpu:.2f} s)")
    print(f"  tidy tables              : {tables:7.2f} s   ({len(results.control):,} control "
          f"rows, {len(results.violence):,} violence rows)")
    print(f"  peak memory (process)    : {peak_gb:7.2f} GB  target <= 2 GB")
    print(f"  floor, same cells/pairs  : {floor:7.2f} s")
    print(f"  homicides per year       : {', '.join(f'{int(v):,}' for v in homicides)}")
    print(f"  members, first and last  : {int(members.iloc[0]):,} -> {int(members.iloc[-1]):,}")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}")


if __name__ == "__main__":
    main()
