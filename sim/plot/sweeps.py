"""Figures of a sweep: a metric over two swept parameters (:func:`plot_response_surface`)
and sensitivity indices (:func:`plot_sensitivity`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .style import INDEX_COLORS, legend, new_axes, parameter_label


def plot_response_surface(runs: pd.DataFrame, x: str, y: str, metric: str,
                          ax: Axes | None = None) -> Axes:
    """Heat map of a metric's mean over two swept parameters.

    Args:
        runs: a sweep's runs table (:func:`sim.sweep`, :func:`sim.load_sweep`): one row per
            run, a column per swept parameter (its dotted path) and per metric.
        x, y: parameter columns; metric: a metric column (e.g. "homicides_total").

    The mean is over replicates (and over any other swept parameter). A grid design is drawn
    as cells (values written in them when there are at most 100); other designs as points
    coloured by the mean.
    """
    missing = [c for c in (x, y, metric) if c not in runs.columns]
    if missing:
        raise ValueError(f"no column {', '.join(map(repr, missing))} in the runs table; "
                         f"it has {', '.join(map(repr, runs.columns))}")
    ax = new_axes(ax, figsize=(6.0, 4.5))
    means = runs.groupby([x, y])[metric].mean()
    grid = means.unstack(x)
    if grid.notna().all().all() and grid.shape[0] > 1 and grid.shape[1] > 1:
        shown = ax.pcolormesh(grid.columns, grid.index, grid.to_numpy(), shading="nearest",
                              cmap="viridis")
        ax.set_xticks(grid.columns, [f"{v:.3g}" for v in grid.columns])
        ax.set_yticks(grid.index, [f"{v:.3g}" for v in grid.index])
        if grid.size <= 100:
            _cell_values(ax, grid, shown)
    else:
        shown = ax.scatter(means.index.get_level_values(x), means.index.get_level_values(y),
                           c=means.to_numpy(), cmap="viridis", s=60, edgecolors="none")
    ax.figure.colorbar(shown, ax=ax, label=f"{metric.replace('_', ' ')} (mean of runs)")
    ax.set_xlabel(parameter_label(x))
    ax.set_ylabel(parameter_label(y))
    return ax


def _cell_values(ax: Axes, grid: pd.DataFrame, mesh) -> None:
    """Write each cell's value, dark on light cells and light on dark ones."""
    values = grid.to_numpy()
    light = mesh.to_rgba(values)[..., :3] @ np.array([0.299, 0.587, 0.114]) > 0.5  # luminance
    for i, yv in enumerate(grid.index):
        for j, xv in enumerate(grid.columns):
            ax.text(xv, yv, f"{values[i, j]:.3g}", ha="center", va="center", fontsize="small",
                    color="black" if light[i, j] else "white")


def plot_sensitivity(indices: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Horizontal bars of sensitivity indices per parameter, largest on top, with their
    confidence intervals as error bars.

    Args:
        indices: what :func:`sim.sensitivity` returns: columns ``parameter``, ``index``
            (Sobol "S1"/"ST" or Morris "mu_star"/"sigma"), ``value``, ``conf`` (half-width,
            NaN when none).

    Sobol estimates and their intervals are clipped to [0, 1], the range of the index. The noise floor
    (``attrs["noise_floor"]``), when known, is a dashed line: indices left of it cannot be
    told from replicate noise. Parameters are labelled in words (:func:`parameter_label`).
    """
    missing = {"parameter", "index", "value", "conf"} - set(indices.columns)
    if missing:
        raise ValueError(f"indices lack columns {sorted(missing)}; pass what sim.sensitivity "
                         "returns")
    wide = indices.pivot(index="parameter", columns="index", values="value")
    conf = indices.pivot(index="parameter", columns="index", values="conf")
    kinds = list(dict.fromkeys(indices["index"]))
    order = wide[next((k for k in ("ST", "mu_star") if k in wide), kinds[0])].sort_values()
    ax = new_axes(ax, figsize=(7.0, 0.5 * len(order) * len(kinds) + 1.5))
    height = 0.8 / len(kinds)
    rows = np.arange(len(order))
    sobol = set(kinds) <= {"S1", "ST"}
    for k, kind in enumerate(kinds):
        y = rows + (len(kinds) - 1 - 2 * k) * height / 2
        values = wide.loc[order.index, kind].to_numpy(dtype=float)
        if sobol:  # an estimate outside [0, 1], the index's range, is noise
            values = np.clip(values, 0.0, 1.0)
        errors = conf.loc[order.index, kind].to_numpy(dtype=float)
        ax.barh(y, values, height=height, label=kind, color=INDEX_COLORS.get(kind, "#777777"),
                xerr=None if np.isnan(errors).all() else _error_bars(values, errors, sobol),
                error_kw={"elinewidth": 1, "capsize": 3, "ecolor": "#333333"})
    ax.set_yticks(rows, [parameter_label(p) for p in order.index])
    ax.axvline(0.0, color="#555555", linewidth=0.8)
    floor = indices.attrs.get("noise_floor", np.nan)
    if np.isfinite(floor):
        ax.axvline(floor, color="#d62728", linestyle="--", linewidth=1,
                   label=f"noise floor ({indices.attrs.get('replicates', '?')} replicates)")
    level = round(100 * indices.attrs.get("conf_level", 0.95))
    ax.set_xlabel(f"Sobol index (lines: {level}% bootstrap interval; both clipped to [0, 1])"
                  if sobol else "sensitivity index")
    legend(ax, outside=True)
    return ax


def _error_bars(values: np.ndarray, half_widths: np.ndarray, sobol: bool) -> np.ndarray:
    """Error bars (2 x n: below, above) of ``values`` +- ``half_widths``, the interval clipped
    to [0, 1] for Sobol indices (``values`` already are); none where the half-width is NaN."""
    half = np.nan_to_num(half_widths)
    low, high = values - half, values + half
    if sobol:
        low, high = np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)
    return np.vstack([np.maximum(values - low, 0.0), np.maximum(high - values, 0.0)])
