"""Figures of runs and sweeps, with matplotlib only.

Every ``plot_*`` function draws on ``ax`` (new axes on a new pyplot figure when None, for
notebooks) and returns it; none calls ``plt.show()`` or changes rcParams. Colours are fixed
per organization across every figure (:func:`organization_colors`).

    import sim, sim.plot
    runs = sim.run_many(sim.load_scenario("scenarios/bcs_2014.toml"), seeds=range(20))
    sim.plot.plot_homicides(runs, freq="month", by="type")
    sim.plot.summary_figure(runs[0]).savefig("summary.png")
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib import colors as mcolors
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import EngFormatter

from .results import Results
from .scenario import Scenario

__all__ = ["organization_colors", "plaza_positions", "plot_control", "plot_homicides",
           "plot_network", "plot_response_surface", "plot_sensitivity", "plot_strength",
           "run_figures", "save_figure", "summary_figure", "sweep_figures"]

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf")
"""Organization colours by position: matplotlib's tab10 without its grey (kept for police)."""
ACTOR_COLORS = {"police": "#4d4d4d", "civilian": "#9e9e9e", "unknown": "#c8c8c8"}
NOBODY = "#ececec"  # a plaza nobody controls
TYPE_COLORS = {"clash": "#d62728", "assassination": "#7b3294", "collateral": "#fdae61",
               "kidnap_murder": "#1a9641", "police_killed": "#2b83ba", "background": "#9e9e9e"}
INDEX_COLORS = {"S1": "#6baed6", "ST": "#08519c", "mu_star": "#08519c", "sigma": "#6baed6"}
SPLINTER = re.compile(r"(.+) splinter (\d+)")
PERIODS = {"D": "D", "day": "D", "W": "W", "week": "W", "M": "M", "MS": "M", "month": "M",
           "Y": "Y", "YS": "Y", "year": "Y"}  # also pandas' "MS" and "YS", as Results.homicides
PERIOD_WORDS = {"D": "day", "W": "week", "M": "month", "Y": "year"}
STRENGTH = {"members": "members", "cells": "cells", "treasury": "treasury (pesos)",
            "plazas_held": "plazas held", "police_on_payroll": "police officers on payroll"}
"""Columns of the organizations table that :func:`plot_strength` draws, with axis labels."""
MAX_LABELS = 40  # plaza names are written on charts of at most this many plazas
MAX_LEGEND = 12  # legend entries; beyond, the heaviest are named and the rest counted


# ------------------------------------------------------------------------ colours
def organization_colors(names_or_scenario) -> dict[str, str]:
    """A fixed colour ("#rrggbb" or the scenario's colour string) per organization.

    Args:
        names_or_scenario: a :class:`~sim.scenario.Scenario`, a :class:`~sim.results.Results`
            (its scenario plus the splinters that formed), a list of them (replicates), or
            organization names.

    Organizations get the scenario's ``color`` if set, otherwise the next unused colour of
    :data:`PALETTE` in scenario (or list) order; "X splinter N" gets a lighter shade of X's
    colour. ``police``, ``civilian`` and ``unknown`` always get the same greys.
    """
    names, chosen = _names_and_overrides(names_or_scenario)
    roots = list(dict.fromkeys(_root(n) for n in names))
    free = _palette(exclude={mcolors.to_hex(c) for c in chosen.values()})
    base = {n: chosen.get(n) or next(free) for n in roots}
    return {n: _shade(n, base) for n in names} | ACTOR_COLORS


def _names_and_overrides(source) -> tuple[list[str], dict[str, str]]:
    """Organization names in order, and the colours the scenario sets."""
    if isinstance(source, Scenario):
        orgs = source.organizations
        return [o.name for o in orgs], {o.name: o.color for o in orgs if o.color}
    if isinstance(source, Results):
        names, chosen = _names_and_overrides(source.scenario)
        return list(dict.fromkeys(names + source.organization_names)), chosen
    if isinstance(source, str):
        raise TypeError("give a list of organization names, not one string")
    items = list(source)
    if items and all(isinstance(i, Results) for i in items):
        parts = [_names_and_overrides(r) for r in items]
        names = list(dict.fromkeys(n for part, _ in parts for n in part))
        return names, {k: v for _, chosen in parts for k, v in chosen.items()}
    return [str(n) for n in items if str(n) not in ACTOR_COLORS], {}


def _palette(exclude: set[str]):
    """PALETTE without the excluded colours, then golden-angle hues, without end."""
    yield from (c for c in PALETTE if c not in exclude)
    for i in itertools.count():
        hue = (0.11 + i * 0.618034) % 1.0
        yield mcolors.to_hex(mcolors.hsv_to_rgb((hue, 0.7, 0.75)))


def _root(name: str) -> str:
    """The organization a (possibly nested) splinter broke from first."""
    while (match := SPLINTER.fullmatch(name)) is not None:
        name = match.group(1)
    return name


def _shade(name: str, base: dict[str, str]) -> str:
    """The root's colour, mixed with white a little more for each level of splintering."""
    match = SPLINTER.fullmatch(name)
    if match is None:
        return base[name]
    parent = np.array(mcolors.to_rgb(_shade(match.group(1), base)))
    mix = min(0.75, 0.35 + 0.15 * (int(match.group(2)) - 1))
    return mcolors.to_hex(parent + (1.0 - parent) * mix)


# ------------------------------------------------------------------------ helpers
def _axes(ax: Axes | None, figsize=(8.0, 4.0)) -> Axes:
    """``ax``, or the axes of a new pyplot figure (shown by notebooks)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def _date_axis(ax: Axes, yearly: bool = False) -> None:
    """Readable dates on the x axis: concise labels, ticks chosen automatically (or at the
    start of each year)."""
    locator = mdates.YearLocator() if yearly else mdates.AutoDateLocator(maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


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


def _legend(ax: Axes, outside: bool = False, weight=None, **options):
    """A small legend of the labelled artists, if any; beside the axes when ``outside``.

    With more than MAX_LEGEND entries, only the heaviest are named (``weight(handle)``, a
    number; default: the first ones) and a last line says how many are left out."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if len(handles) > MAX_LEGEND:
        order = range(len(handles)) if weight is None else sorted(
            range(len(handles)), key=lambda i: -weight(handles[i]))
        keep = sorted(list(order)[:MAX_LEGEND - 1])
        more = len(handles) - len(keep)
        handles = [handles[i] for i in keep] + [Line2D([], [], linestyle="none")]
        labels = [labels[i] for i in keep] + [f"+ {more} more"]
    where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if outside else {"loc": "best"}
    return ax.legend(handles, labels, fontsize="small", frameon=False, **where | options)


# ------------------------------------------------------------------------ homicides
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


def plot_homicides(data, freq: str = "month", by: str | None = None,
                   observed: pd.Series | None = None, ax: Axes | None = None,
                   **style) -> Axes:
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
        style: passed to the lines, e.g. ``linewidth``, ``color`` (the bands follow it).
    """
    runs, period = _runs(data), _period(freq)
    ax = _axes(ax)
    tables = _period_table(runs, period, by)
    colours = _group_colors(by, list(tables), runs)
    first, last = runs[0].start, runs[0].end
    for group, table in tables.items():
        x = _edges(table.index, first, last)
        line = {"color": colours[group], "label": _label(group, by, len(runs))} | style
        _steps(ax, x, table.mean(axis=1).to_numpy(), **line)
        if len(runs) > 1:
            _replicate_bands(ax, x, table, line["color"], ninety=by is None)
    if observed is not None:
        _observed(ax, observed, period)
    ax.set_xlim(np.datetime64(first), np.datetime64(last + pd.Timedelta(days=1)))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"homicides per {PERIOD_WORDS[period]}")
    _date_axis(ax, yearly=period == "Y")
    _legend(ax, outside=by is not None and len(tables) > 6)
    return ax


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


# ------------------------------------------------------------------------ control
def plot_control(results: Results, ax: Axes | None = None) -> Axes:
    """Who controls each plaza over time: one row per plaza, coloured by the controller
    (light grey for nobody), contested periods hatched.

    Uses the ``control`` table: ``date``, ``plaza``, ``controller``, ``contested``.
    """
    ax = _axes(ax, figsize=(9.0, 0.3 * len(results.plaza_names) + 1.5))
    colours = organization_colors(results) | {"": NOBODY}
    segments = _control_segments(results)
    for controller, rows in segments.groupby("controller", sort=False, observed=True):
        ax.barh(rows["row"], rows["width"], left=rows["left"], height=0.8, linewidth=0,
                color=colours[controller], label=controller or "nobody")
    contested = segments[segments["contested"]]
    if len(contested):
        ax.barh(contested["row"], contested["width"], left=contested["left"], height=0.8,
                fill=False, hatch="////", edgecolor="#222222", linewidth=0, label="contested")
    names = results.plaza_names
    ax.set_yticks(range(len(names)), names if len(names) <= MAX_LABELS else [""] * len(names))
    ax.set_ylim(len(names) - 0.5, -0.5)  # first plaza on top
    ax.set_xlim(mdates.date2num(results.start),
                mdates.date2num(results.end + pd.Timedelta(days=1)))
    _date_axis(ax)
    ax.tick_params(axis="y", labelsize="small")
    _legend(ax, outside=True, weight=lambda bars: float("inf") if bars.patches[0].get_hatch()
            else sum(p.get_width() for p in bars.patches))
    return ax


def _control_segments(results: Results) -> pd.DataFrame:
    """Runs of unchanged (controller, contested) per plaza: ``row`` (plaza position),
    ``controller``, ``contested``, ``left`` and ``width`` in matplotlib date units (days)."""
    c = results.control.sort_values(["plaza", "step"])
    plaza = c["plaza"].cat.codes.to_numpy()
    key = c["controller"].cat.codes.to_numpy() * 2 + c["contested"].to_numpy()
    first = np.flatnonzero(np.r_[True, (key[1:] != key[:-1]) | (plaza[1:] != plaza[:-1])])
    steps = np.diff(np.r_[first, len(c)])
    return pd.DataFrame({
        "row": plaza[first],
        "controller": c["controller"].astype(str).to_numpy()[first],
        "contested": c["contested"].to_numpy()[first],
        "left": mdates.date2num(c["date"].to_numpy()[first]),
        "width": steps * float(results.meta.get("step_days", 1.0)),
    })


# ------------------------------------------------------------------------ network
def plaza_positions(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """(x, y) per plaza: (lon, lat) where the scenario gives them; plazas without
    coordinates are placed by a spring layout (fixed seed) that keeps the others fixed,
    starting from the mean of their neighbours. Without any coordinates: a spring layout."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(p.name for p in scenario.plazas)
    graph.add_edges_from((scenario.plazas[i].name, scenario.plazas[j].name)
                         for i, j in scenario.neighbour_pairs())
    known = {p.name: (p.lon, p.lat) for p in scenario.plazas
             if p.lat is not None and p.lon is not None}
    if not known:
        return {n: tuple(xy) for n, xy in nx.spring_layout(graph, seed=1).items()}
    if len(known) == len(graph):
        return known
    centre = np.mean(list(known.values()), axis=0)
    start = dict(known)
    for name in graph:
        if name not in known:
            near = [known[n] for n in graph[name] if n in known]
            start[name] = tuple(np.mean(near, axis=0) if near else centre)
    spread = np.ptp(np.array(list(known.values())), axis=0).max() or 1.0
    layout = nx.spring_layout(graph, pos=start, fixed=list(known), seed=1,
                              k=0.3 * spread / math.sqrt(len(graph)))
    return {n: tuple(map(float, xy)) for n, xy in layout.items()}


def plot_network(results_or_scenario: Results | Scenario, ax: Axes | None = None) -> Axes:
    """The plazas as a map: routes between neighbours as lines, plazas coloured by their
    controller at the end of the run (at the start for a scenario) and sized by homicides.

    Positions are the plazas' ``lon``/``lat`` when the scenario gives them (see
    :func:`plaza_positions`)."""
    results = results_or_scenario if isinstance(results_or_scenario, Results) else None
    scenario = results.scenario if results else results_or_scenario
    ax = _axes(ax, figsize=(6.0, 6.0))
    pos = plaza_positions(scenario)
    names = [p.name for p in scenario.plazas]
    edges = [(pos[names[i]], pos[names[j]]) for i, j in scenario.neighbour_pairs()]
    ax.add_collection(LineCollection(edges, colors="#b0b0b0", linewidths=1.0, zorder=1))
    controller, sizes = _network_nodes(results, scenario)
    colours = organization_colors(results or scenario) | {"": NOBODY}
    xy = np.array([pos[n] for n in names])
    for org in dict.fromkeys(controller):
        mine = np.array([c == org for c in controller])
        ax.scatter(xy[mine, 0], xy[mine, 1], s=sizes[mine], color=colours[org],
                   edgecolors="#333333", linewidths=0.6, zorder=2, label=org or "nobody")
    if len(names) <= MAX_LABELS:
        for name, (x, y), area in zip(names, xy, sizes):
            ax.annotate(name, (x, y), xytext=(math.sqrt(area) / 2 + 2, 0),
                        textcoords="offset points", va="center", fontsize="x-small",
                        color="#333333")
    _map_axes(ax, scenario, xy)
    title = ("controller at the end\n(size: homicides)" if results
             else "controller at the start")
    legend = _legend(ax, outside=len(set(controller)) > 6, title=title, title_fontsize="small",
                     weight=lambda dots: len(dots.get_offsets()))
    for handle in legend.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([40.0])
    return ax


def _network_nodes(results: Results | None, scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """Controller per plaza (final, or initial for a scenario) and marker areas (points²)."""
    if results is None:
        return [p.controller for p in scenario.plazas], np.full(len(scenario.plazas), 80.0)
    c = results.control
    final = c[c["step"] == c["step"].max()].set_index("plaza")["controller"]
    names = [p.name for p in scenario.plazas]
    v = results.violence
    killed = v[v["lethal"]].groupby("plaza", observed=False)["count"].sum()
    killed = killed.reindex(names, fill_value=0).to_numpy(dtype=float)
    area = 30.0 + 600.0 * np.sqrt(killed / killed.max()) if killed.max() > 0 else np.full(
        len(names), 30.0)
    return [str(final[n]) for n in names], area


def _map_axes(ax: Axes, scenario: Scenario, xy: np.ndarray) -> None:
    """Longitude/latitude axes with a local aspect ratio, or none for an abstract layout."""
    margin = 0.08 * max(np.ptp(xy, axis=0).max(), 1e-9)
    ax.set_xlim(xy[:, 0].min() - margin, xy[:, 0].max() + 3 * margin)
    ax.set_ylim(xy[:, 1].min() - margin, xy[:, 1].max() + margin)
    if any(p.lat is not None for p in scenario.plazas):
        ax.set_aspect(1.0 / math.cos(math.radians(float(np.mean(xy[:, 1])))))
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        ax.tick_params(labelsize="small")
    else:
        ax.set_axis_off()


# ------------------------------------------------------------------------ strength
def plot_strength(results: Results, what: str = "members", ax: Axes | None = None) -> Axes:
    """One line per organization over time of a column of the ``organizations`` table:
    "members", "cells", "treasury" (pesos), "plazas_held" or "police_on_payroll" (officers).
    """
    if what not in STRENGTH:
        raise ValueError(f"what must be one of {', '.join(map(repr, STRENGTH))} (got {what!r})")
    ax = _axes(ax)
    colours = organization_colors(results)
    table = results.organizations
    for org, rows in table.groupby("organization", sort=False, observed=True):
        ax.plot(rows["date"].to_numpy(), rows[what].to_numpy(), drawstyle="steps-post",
                color=colours[org], label=org)
    ax.set_xlim(np.datetime64(results.start),
                np.datetime64(results.end + pd.Timedelta(days=1)))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(STRENGTH[what])
    if what == "treasury":
        ax.yaxis.set_major_formatter(EngFormatter())  # 5 M rather than 5 x 1e6
    _date_axis(ax)
    _legend(ax, outside=table["organization"].nunique() > 6,
            weight=lambda line: float(np.max(line.get_ydata(), initial=0)))
    return ax


# ------------------------------------------------------------------------ sweeps
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
    ax = _axes(ax, figsize=(6.0, 4.5))
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
    ax.figure.colorbar(shown, ax=ax, label=f"{metric} (mean of runs)")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
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
    """
    missing = {"parameter", "index", "value", "conf"} - set(indices.columns)
    if missing:
        raise ValueError(f"indices lack columns {sorted(missing)}; pass what sim.sensitivity "
                         "returns")
    wide = indices.pivot(index="parameter", columns="index", values="value")
    conf = indices.pivot(index="parameter", columns="index", values="conf")
    kinds = list(dict.fromkeys(indices["index"]))
    order = wide[next((k for k in ("ST", "mu_star") if k in wide), kinds[0])].sort_values()
    ax = _axes(ax, figsize=(7.0, 0.5 * len(order) * len(kinds) + 1.5))
    height = 0.8 / len(kinds)
    rows = np.arange(len(order))
    for k, kind in enumerate(kinds):
        y = rows + (len(kinds) - 1 - 2 * k) * height / 2
        errors = conf.loc[order.index, kind].to_numpy(dtype=float)
        ax.barh(y, wide.loc[order.index, kind], height=height, label=kind,
                color=INDEX_COLORS.get(kind, "#777777"),
                xerr=None if np.isnan(errors).all() else np.nan_to_num(errors),
                error_kw={"elinewidth": 1, "capsize": 3, "ecolor": "#333333"})
    ax.set_yticks(rows, order.index)
    ax.axvline(0.0, color="#555555", linewidth=0.8)
    ax.set_xlabel("sensitivity index")
    _legend(ax, outside=True)
    return ax


# ------------------------------------------------------------------------ whole figures
def summary_figure(results: Results) -> Figure:
    """One page: homicides by type per month, control, members, and the plaza map.

    A :class:`matplotlib.figure.Figure` made without pyplot (no backend state), as
    ``cartel-sim run`` writes it to ``summary.png``."""
    fig = Figure(figsize=(14.0, 9.0), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=(1.6, 1.0))
    axes = {"homicides": fig.add_subplot(grid[0, 0]), "control": fig.add_subplot(grid[1, 0]),
            "strength": fig.add_subplot(grid[0, 1]), "network": fig.add_subplot(grid[1, 1])}
    plot_homicides(results, freq="month", by="type", ax=axes["homicides"])
    plot_control(results, ax=axes["control"])
    plot_strength(results, "members", ax=axes["strength"])
    plot_network(results, ax=axes["network"])
    titles = {"homicides": "Homicides by type", "control": "Control of plazas",
              "strength": "Members", "network": "Plazas and routes"}
    for name, ax in axes.items():
        ax.set_title(titles[name], loc="left", fontweight="bold")
    meta = results.meta
    fig.suptitle(f"{meta['scenario']}, seed {meta['seed']}: {results.start.date()} to "
                 f"{results.end.date()}")
    return fig


def _single(draw: Callable[[Axes], Axes], figsize=(8.0, 4.0)) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig.add_subplot())
    return fig


def run_figures(results: Results) -> dict[str, Figure]:
    """The figures ``cartel-sim plot`` writes for a run folder, by file stem."""
    plazas = len(results.plaza_names)
    return {
        "summary": summary_figure(results),
        "homicides": _single(lambda ax: plot_homicides(results, by="type", ax=ax)),
        "control": _single(lambda ax: plot_control(results, ax=ax),
                           figsize=(9.0, min(0.3 * plazas + 1.5, 30.0))),
        "network": _single(lambda ax: plot_network(results, ax=ax), figsize=(7.0, 7.0)),
        "strength": _single(lambda ax: plot_strength(results, ax=ax)),
    }


def sweep_figures(runs: pd.DataFrame, metric: str = "homicides_total") -> dict[str, Figure]:
    """The figures ``cartel-sim plot`` writes for a sweep folder, by file stem: the response
    surface over the first two swept parameters and, for a Saltelli or Morris design, the
    sensitivity indices of ``metric``. ``runs`` is what :func:`sim.load_sweep` returns."""
    from .sensitivity import METHODS, sensitivity
    from .sweep import SweepSpec

    spec = SweepSpec.model_validate(runs.attrs["sweep"]["spec"])
    figures = {}
    if len(spec.paths) >= 2:
        x, y = spec.paths[:2]
        figures["response_surface"] = _single(
            lambda ax: plot_response_surface(runs, x, y, metric, ax=ax), figsize=(7.0, 5.0))
    if spec.design in METHODS:
        indices = sensitivity(runs, metric)
        figures["sensitivity"] = _single(lambda ax: plot_sensitivity(indices, ax=ax),
                                         figsize=(7.0, 1.0 + 0.6 * len(spec.paths) * 2))
    return figures


def save_figure(fig: Figure, path: str | os.PathLike, dpi: int = 100) -> Path:
    """Write a figure atomically (a temporary file renamed into place); returns the path.
    The format follows the suffix (.png, .svg, ...)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or "png")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
