"""Designs of parameter points: full grid, Latin hypercube, Sobol, Saltelli, Morris, explicit.

Each returns a DataFrame with a ``point`` column (0 .. N-1) and one column per parameter
path. Randomised designs are seeded by the sweep's root seed, so a spec always gives the
same points.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

MORRIS_LEVELS = 4


def problem(spec) -> dict:
    """The SALib problem of a spec: names and bounds of its parameters."""
    return {"num_vars": len(spec.parameters), "names": list(spec.parameters),
            "bounds": [list(b) for b in spec.parameters.values()]}


def _unit_sample(spec) -> np.ndarray:
    """Points in the unit hypercube, shape (N, k), for lhs and sobol."""
    from scipy.stats import qmc

    k = len(spec.parameters)
    if spec.design == "lhs":
        return qmc.LatinHypercube(d=k, seed=spec.seed).random(spec.n)
    if spec.design == "sobol":
        return qmc.Sobol(d=k, scramble=True, seed=spec.seed).random(spec.n)
    raise ValueError(spec.design)


def design_size(spec) -> int:
    """The number of points :func:`design_points` gives for ``spec``, without building them
    (a grid of n levels for each of k parameters has n**k: too many is refused first)."""
    k = len(spec.parameters)
    sizes = {"points": lambda: len(spec.points), "grid": lambda: spec.n ** k,
             "saltelli": lambda: spec.n * (k + 2),  # first-order and total indices only
             "morris": lambda: spec.n * (k + 1), "lhs": lambda: spec.n, "sobol": lambda: spec.n}
    return sizes[spec.design]()


def design_points(spec) -> pd.DataFrame:
    """The design of a :class:`sim.sweep.SweepSpec`: one row per point."""
    if spec.design == "points":
        table = pd.DataFrame(spec.points)
    elif spec.design == "saltelli":
        from SALib.sample import sobol

        x = sobol.sample(problem(spec), spec.n, calc_second_order=False, seed=spec.seed)
        table = pd.DataFrame(x, columns=list(spec.parameters))
    elif spec.design == "morris":
        from SALib.sample import morris

        x = morris.sample(problem(spec), spec.n, num_levels=MORRIS_LEVELS, seed=spec.seed)
        table = pd.DataFrame(x, columns=list(spec.parameters))
    elif spec.design == "grid":  # linspace ends exactly on both bounds
        levels = [np.linspace(low, high, spec.n) if spec.n > 1 else [(low + high) / 2]
                  for low, high in spec.parameters.values()]
        table = pd.DataFrame(list(itertools.product(*levels)), columns=list(spec.parameters))
    else:
        low = np.array([b[0] for b in spec.parameters.values()])
        high = np.array([b[1] for b in spec.parameters.values()])
        table = pd.DataFrame(low + _unit_sample(spec) * (high - low), columns=list(spec.parameters))
    table.insert(0, "point", np.arange(len(table)))
    return table
