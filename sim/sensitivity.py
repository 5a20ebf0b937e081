"""Sensitivity indices of a sweep: Sobol (Saltelli design) and Morris, via SALib.

Indices are computed on the replicate mean of a metric at each design point, so the
stochastic noise of single runs is averaged out before the analysis. What is left of it is
the noise floor (Sobol only, :func:`noise_floor`): the share of the variance of those means
that the replicate seeds alone explain. An index below it cannot be told from noise; it is
in ``attrs["noise_floor"]`` of the table :func:`sensitivity` returns (NaN with one
replicate), with ``attrs["replicates"]`` and ``attrs["conf_level"]``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .designs import MORRIS_LEVELS, problem
from .sweep import SweepError, SweepSpec, metric_columns

METHODS = {"saltelli": "sobol", "morris": "morris"}


def sensitivity(table: pd.DataFrame, metric: str = "homicides_total",
                method: str | None = None, conf_level: float = 0.95,
                seed: int = 1) -> pd.DataFrame:
    """Tidy table of indices: parameter, index, value, conf (half-width at ``conf_level``).

    The confidence intervals come from a bootstrap seeded by ``seed`` (at least 1), so the
    same table always gives the same table of indices.

    ``table`` is what :func:`sim.sweep` or :func:`sim.load_sweep` returns. Sobol gives the
    first-order (``S1``) and total (``ST``) indices and needs a Saltelli design; Morris gives
    ``mu_star`` (with its confidence) and ``sigma`` and needs a Morris design.
    """
    if "sweep" not in table.attrs:
        raise SweepError("the table has no sweep spec: use the table sim.sweep or "
                         "sim.load_sweep returns")
    spec = SweepSpec.model_validate(table.attrs["sweep"]["spec"])
    if seed < 1:
        raise SweepError(f"seed must be at least 1 (got {seed})")
    if method is not None and method not in METHODS.values():
        raise SweepError(f"unknown method '{method}'; use 'sobol' (on a saltelli design) or "
                         "'morris' (on a morris design)")
    expected = METHODS.get(spec.design)
    method = method or expected
    if method is None:
        raise SweepError(f"no sensitivity analysis for a '{spec.design}' design; run the sweep "
                         "with design 'saltelli' (Sobol indices) or 'morris'")
    if method != expected:
        need = {v: k for k, v in METHODS.items()}[method]
        raise SweepError(f"{method} indices need a '{need}' design; this sweep used "
                         f"'{spec.design}'")
    if metric not in table.columns:
        raise SweepError(f"no metric '{metric}' in the table; choose one of "
                         f"{metric_columns(table, spec)}")
    by_point = table.groupby("point", sort=True)
    y = by_point[metric].mean().to_numpy(dtype=float)
    replicates = int(by_point[metric].size().min())
    names = list(spec.parameters)
    if method == "sobol":
        from SALib.analyze import sobol

        s = sobol.analyze(problem(spec), y, calc_second_order=False, conf_level=conf_level,
                          seed=seed)
        rows = [(n, idx, s[idx][i], s[f"{idx}_conf"][i])
                for idx in ("S1", "ST") for i, n in enumerate(names)]
    else:
        from SALib.analyze import morris

        x = by_point[names].first().to_numpy(dtype=float)
        s = morris.analyze(problem(spec), x, y, conf_level=conf_level,
                           num_levels=MORRIS_LEVELS, seed=seed)
        rows = [(n, "mu_star", s["mu_star"][i], s["mu_star_conf"][i]) for i, n in enumerate(names)]
        rows += [(n, "sigma", s["sigma"][i], np.nan) for i, n in enumerate(names)]
    out = pd.DataFrame(rows, columns=["parameter", "index", "value", "conf"])
    out.attrs["replicates"] = replicates
    out.attrs["conf_level"] = conf_level
    out.attrs["noise_floor"] = noise_floor(table, metric) if method == "sobol" else np.nan
    return out


def noise_floor(table: pd.DataFrame, metric: str) -> float:
    """Share of the variance of the points' replicate means that replicate noise explains;
    NaN with fewer than 2 replicates or means that do not vary.

    ``table``: a sweep's runs (columns ``point``, ``seed`` and ``metric``). The noise of a
    mean is its point's noise variance over the number of replicates, and the floor is that
    over the variance of the means. When every point ran the same seeds (common random
    numbers, as :func:`sim.sweep` does), what a seed adds to every point alike does not
    separate points, so the noise variance is the point x seed interaction's (the residual
    of a two-way table without replication); otherwise the variance within each point.
    """
    by_point = table.groupby("point", sort=True)[metric]
    n = by_point.size().to_numpy(dtype=float)
    spread = by_point.mean().var(ddof=1)
    if n.min() < 2 or not spread > 0:
        return np.nan
    seeds = table.groupby("point", sort=True)["seed"].agg(lambda s: tuple(sorted(s)))
    if seeds.nunique() == 1 and len(seeds.iloc[0]) == len(set(seeds.iloc[0])):
        runs = table.pivot(index="point", columns="seed", values=metric).to_numpy(dtype=float)
        residual = (runs - runs.mean(axis=1, keepdims=True) - runs.mean(axis=0, keepdims=True)
                    + runs.mean())
        points, replicates = runs.shape
        noise = (residual ** 2).sum() / ((points - 1) * (replicates - 1)) / replicates
    else:
        noise = float((by_point.var(ddof=1).to_numpy(dtype=float) / n).mean())
    return min(noise / spread, 1.0)
