"""Homicides per day, week, month or year: one run or replicates, in total or split by a
column, as lines over each period (or stacked areas), against observed counts."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib import colors as mcolors
from matplotlib.axes import Axes

from ..results import Results
from .style import TYPE_COLORS, date_axis, legend, new_axes, organization_colors

PERIODS = {"D": "D", "day": "D", "W": "W", "week": "W", "M": "M", "MS": "M", "month": "M",
           "Y": "Y", "YS": "Y", "year": "Y"}  # also pandas' "MS" and "YS", as Results.homicides
PERIOD_WORDS = {"D": "day", "W": "week", "M": "month", "Y": "year"}


def plot_homicides(data, freq: str = "month", by: str | None = None,
                   observed: pd.Series | None = None, stacked: bool = False,
                   ax: Axes | None = None, **style) -> Axes:
    """Homicides (all lethal types) per day, week, month or year, as steps over each period.

    Args:
        data: a :class:`~sim.results.Results`, or replicates (:func:`sim.run_many`): with
            several runs the replicate mean is drawn with its 50% band (and 90% band for the
            total).
        freq: "D"/"day", "W"/"week" (Monday to Sunday), "M"/"MS"/"month" or
            "Y"/"YS"/"year".
        by: None for the total, or "type", "plaza" (or "perpetrator", "victim", "via") for
            one line per value that occurs.
        observed: counts per period to compare with, indexed by dates (or whole years), drawn
            as black markers in the middle of their period; use the same ``freq``.
        stacked: the groups' means as filled areas stacked on each other (no bands), so the
            top is the total (the dashboard's view).
        style: passed to the lines, e.g. ``linewidth``, ``color`` (the bands follow it).
    """
    runs, period = _runs(data), _period(freq)
    ax = new_axes(ax)
    tables = _period_table(runs, period, by)
    colours = _group_colors(by, list(tables), runs)
    first, last = runs[0].start, runs[0].end
    bottom = 0.0
    for group, table in tables.items():
        x = _edges(table.index, first, last)
        line = {"color": colours[group], "label": _label(group, by, len(runs))} | style
        mean = table.mean(axis=1).to_numpy()
        if stacked:
            ax.stairs(bottom + mean, x, baseline=bottom, fill=True, linewidth=0, **line)
            bottom = bottom + mean
            continue
        _steps(ax, x, mean, **line)
        if len(runs) > 1:
            _replicate_bands(ax, x, table, line["color"], ninety=by is None)
    if observed is not None:
        _observed(ax, observed, period)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"homicides per {PERIOD_WORDS[period]}")
    date_axis(ax, first, last, yearly=period == "Y")
    legend(ax, outside=by is not None and len(tables) > 6)
    return ax


def _runs(data) -> list[Results]:
    """One Results, or replicates (a list such as :func:`sim.run_many` returns)."""
    if isinstance(data, Results):
        return [data]
    runs = list(data) if isinstance(data, Iterable) else []
    if not runs or not all(isinstance(r, Results) for r in runs):
        raise TypeError("expected a Results (sim.run) or Replicates (sim.run_many), got "
                        f"{type(data).__name__}")
    return runs


def _period(freq: str) -> str:
    if freq not in PERIODS:
        raise ValueError(f"freq must be one of {', '.join(map(repr, PERIODS))} (got {freq!r})")
    return PERIODS[freq]


def _period_table(runs: list[Results], period: str, by: str | None) -> dict[str, pd.DataFrame]:
    """Homicides per period: {group: DataFrame (periods x runs, 0 where a run has none)};
    one group "homicides" when ``by`` is None. Periods are pandas Periods ("D", "W" Monday to
    Sunday, "M", "Y")."""
    tables: dict[str, dict[int, pd.Series]] = {}
    for i, run in enumerate(runs):
        daily = run.homicides("D", by=by)
        daily = daily.to_frame() if by is None else daily
        sums = daily.groupby(daily.index.to_period(period)).sum()
        for group in sums.columns:
            tables.setdefault(str(group), {})[i] = sums[group]
    return {g: pd.DataFrame(cols).reindex(columns=range(len(runs))).fillna(0)
            for g, cols in tables.items()}


def _edges(index: pd.PeriodIndex, first: pd.Timestamp, last: pd.Timestamp) -> np.ndarray:
    """Step edges (len + 1) of the periods, clipped to the run's days [first, last + 1 day)."""
    edges = [*index.start_time, (index[-1] + 1).start_time]
    return np.clip(np.array(edges, dtype="datetime64[ns]"), np.datetime64(first),
                   np.datetime64(last + pd.Timedelta(days=1)))


def _steps(ax: Axes, x: np.ndarray, values: np.ndarray, **kwargs):
    """A step line over period edges ``x`` (one more than values)."""
    return ax.plot(x, np.append(values, values[-1]), drawstyle="steps-post", **kwargs)[0]


def _band(ax: Axes, x: np.ndarray, low: np.ndarray, high: np.ndarray, **kwargs) -> None:
    ax.fill_between(x, np.append(low, low[-1]), np.append(high, high[-1]), step="post",
                    linewidth=0, **kwargs)


def _group_colors(by: str | None, groups: list[str], runs: list[Results]) -> dict[str, str]:
    """Types in their fixed colours, organizations in theirs, anything else (plazas) in
    matplotlib's tab20 by position."""
    if by == "type":
        return {g: TYPE_COLORS.get(g, "#333333") for g in groups}
    if by in ("perpetrator", "victim"):
        known = organization_colors(runs)
        return {g: known.get(g, "#333333") for g in groups}
    if by is None:
        return {g: "#222222" for g in groups}
    cycle = [mcolors.to_hex(c) for c in colormaps["tab20"].colors]
    return {g: cycle[i % len(cycle)] for i, g in enumerate(groups)}


def _label(group: str, by: str | None, n_runs: int) -> str:
    if by is not None:
        return group
    return "simulated" if n_runs == 1 else f"mean of {n_runs} runs"


def _replicate_bands(ax: Axes, x: np.ndarray, table: pd.DataFrame, colour: str,
                     ninety: bool) -> None:
    """The 50% band (25th-75th percentile) and, if ``ninety``, the 90% band (5th-95th)."""
    q = table.quantile([0.05, 0.25, 0.75, 0.95], axis=1).to_numpy()
    _band(ax, x, q[1], q[2], color=colour, alpha=0.3 if ninety else 0.2,
          label="50% of runs" if ninety else None)
    if ninety:
        _band(ax, x, q[0], q[3], color=colour, alpha=0.12, label="90% of runs")


def _observed(ax: Axes, observed: pd.Series, period: str) -> None:
    """Observed counts as markers at the middle of their period."""
    index = observed.index
    if pd.api.types.is_integer_dtype(index):
        index = pd.to_datetime(index.astype(str), format="%Y")
    periods = pd.PeriodIndex(pd.DatetimeIndex(index).to_period(period))
    middle = periods.start_time + (periods.end_time - periods.start_time) / 2
    ax.plot(middle.to_numpy(), observed.to_numpy(dtype=float), linestyle="none", marker="o",
            markersize=7, color="black", label=observed.name or "observed", zorder=5)
