"""The floor: the least work any implementation of the model must do, timed on this machine.

Every step, every cell draws at least once (recruitment, arrests, desertion all need a keyed
draw per cell) and every hostile pair in a plaza draws its clashes. The floor is exactly
that and nothing more: one keyed binomial draw and an update per cell, one keyed Poisson
draw per hostile pair, per step, compiled with numba like the kernel. Other benchmarks
report their figures as multiples of it.

    python benchmarks/floor.py                   # the synthetic country, 10 years
    python benchmarks/floor.py --cells 200 --steps 1826
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from numba import njit

from sim.rng import binomial, key, poisson


@njit(cache=True)
def floor_steps(cell_id, members, pair_id, pair_rate, n_steps, seed):
    """n_steps of one draw per cell (int64 (C,) ids and members) and per hostile pair
    (int64 (H,) ids, float64 (H,) clashes per step); returns the total drawn (int64)."""
    total = 0
    for t in range(n_steps):
        for c in range(cell_id.shape[0]):
            d = binomial(key(seed, 1, t, cell_id[c], 0), members[c], 0.001)
            members[c] += d - d // 2
            total += d
        for h in range(pair_id.shape[0]):
            total += poisson(key(seed, 2, t, pair_id[h], 0), pair_rate[h])
    return total


def floor_seconds(n_cells: int, n_pairs: int, n_steps: int, members_per_cell: int = 9,
                  repeats: int = 3) -> float:
    """Best wall time of ``repeats`` floor runs (compiled beforehand), in seconds."""
    cell_id = np.arange(1, n_cells + 1, dtype=np.int64)
    pair_id = np.arange(1, n_pairs + 1, dtype=np.int64) + n_cells
    pair_rate = np.full(n_pairs, 0.05)
    floor_steps(cell_id[:1], np.ones(1, dtype=np.int64), pair_id[:1], pair_rate[:1], 1, 0)
    best = float("inf")
    for _ in range(repeats):
        members = np.full(n_cells, members_per_cell, dtype=np.int64)
        started = time.perf_counter()
        floor_steps(cell_id, members, pair_id, pair_rate, n_steps, 7)
        best = min(best, time.perf_counter() - started)
    return best


def hostile_pairs(state, params) -> int:
    """Hostile (organization pair, plaza) combinations in a State (sim.state.State), with
    the parameter vector ``params`` (sim.codes.parameter_vector)."""
    from sim.mechanisms.common import hostility

    s = state
    live = s.cell_active & (s.cell_members > 0)
    total = 0
    for p in range(s.plaza_id.shape[0]):
        orgs = sorted(set(s.cell_org[live & (s.cell_plaza == p)].tolist()))
        total += sum(hostility.py_func(params, s.relation, s.intensity, a, b) > 0
                     for i, a in enumerate(orgs) for b in orgs[i + 1:])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=None,
                        help="hostile pairs per step (default: as in the synthetic country)")
    parser.add_argument("--steps", type=int, default=3650)
    args = parser.parse_args()
    pairs = args.pairs
    if pairs is None:
        import sim.synthetic
        from sim import CartelModel

        model = CartelModel(sim.synthetic.world(2500, 150, args.cells, 175_000), rng=0)
        pairs = hostile_pairs(model.state, model.params)
    seconds = floor_seconds(args.cells, pairs, args.steps)
    print(f"floor: {args.cells:,} cells and {pairs:,} hostile pairs, {args.steps:,} steps: "
          f"{seconds:.2f} s ({1e6 * seconds / args.steps:.0f} µs per step)")


if __name__ == "__main__":
    main()
