"""How step time grows with the number of cells, recording on and off.

Synthetic countries (``sim.synthetic.world``) of 200, 2,000, 20,000 and 200,000 cells with
8 cells per plaza, 8.75 members per cell and 150 organizations (the national count: the
organization-pair tables stay the same size), each run for the same number of steps after
a warm-up. Prints the time per step with the
tidy tables' raw recording on and off, the time per cell and step, and each as a multiple
of the floor for the same cells and hostile pairs (benchmarks/floor.py). Linear growth
shows as a flat time per cell.

    python benchmarks/scaling.py [--steps 180] [--sizes 200,2000,20000,200000]
"""

from __future__ import annotations

import argparse
import platform
import time

from floor import floor_seconds, hostile_pairs

import sim
from sim.synthetic import world


def country(cells: int, steps: int):
    return world(max(1, cells // 8), min(150, cells), cells, int(cells * 8.75), seed=0,
                 days=steps + 30)


def step_seconds(scenario, record: bool, steps: int) -> float:
    model = sim.CartelModel(scenario, rng=1, record=record)
    model.run_for(30)  # past the first days, when every cell is new to its plaza
    started = time.perf_counter()
    model.run_for(steps)
    return (time.perf_counter() - started) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=180)
    parser.add_argument("--sizes", default="200,2000,20000,200000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    sim.run(world(20, 3, 40, 400, seed=0, days=5), seed=0)  # compile or load the kernel
    print(f"{args.steps} steps of 1 day per size; times per step")
    print(f"{'cells':>9} {'plazas':>7} {'orgs':>5} {'pairs':>7} | {'recording':>10} "
          f"{'ns/cell':>8} {'x floor':>7} | {'no record':>10} {'ns/cell':>8} {'x floor':>7}")
    for cells in sizes:
        scenario = country(cells, args.steps)
        model = sim.CartelModel(scenario, rng=1)
        pairs = hostile_pairs(model.state, model.params)
        floor = floor_seconds(cells, pairs, args.steps) / args.steps
        on = step_seconds(scenario, True, args.steps)
        off = step_seconds(scenario, False, args.steps)
        print(f"{cells:9,} {len(scenario.plazas):7,} {len(scenario.organizations):5} "
              f"{pairs:7,} | {1e3 * on:8.2f}ms {1e9 * on / cells:8.0f} {on / floor:7.1f} | "
              f"{1e3 * off:8.2f}ms {1e9 * off / cells:8.0f} {off / floor:7.1f}")
    print(f"machine: {platform.platform()}, {platform.processor() or platform.machine()}")


if __name__ == "__main__":
    main()
