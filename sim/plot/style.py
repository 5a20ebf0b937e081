"""The look every figure shares, static or in the dashboard: a colour per organization, per
homicide type and for the greys; where each plaza sits on a map; date axes; axes and legends.

Colours are fixed per organization across every figure (:func:`organization_colors`), and a
plaza sits at the same place on every map (:func:`plaza_positions`).
"""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ..results import Results
from ..scenario import Scenario

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
           "#bcbd22", "#17becf")
"""Organization colours by position: matplotlib's tab10 without its grey (kept for police)."""
ACTOR_COLORS = {"police": "#4d4d4d", "civilian": "#9e9e9e", "unknown": "#c8c8c8"}
NOBODY = "#ececec"  # a plaza nobody controls
TYPE_COLORS = {"clash": "#d62728", "assassination": "#7b3294", "collateral": "#fdae61",
               "kidnap_murder": "#1a9641", "police_killed": "#2b83ba", "background": "#9e9e9e",
               "killed_by_forces": "#525252", "forces_killed": "#92c5de",
               "extortion_killing": "#e7298a", "civilian_kidnap_murder": "#a6d96a"}
INDEX_COLORS = {"S1": "#6baed6", "ST": "#08519c", "mu_star": "#08519c", "sigma": "#6baed6"}
SPLINTER = re.compile(r"(.+) splinter (\d+)")
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
        splits = [e for e in source.events if e.kind == "split"]
        return ([o.name for o in orgs] + [e.new_organization for e in splits],
                {x.name if hasattr(x, "name") else x.new_organization: x.color
                 for x in [*orgs, *splits] if x.color})
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


# ------------------------------------------------------------------------ plaza layout
def plaza_positions(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """(x, y) per plaza, the same on every map: (lon, lat) where the scenario gives them;
    plazas without coordinates are placed by a spring layout (fixed seed) that keeps the
    others fixed, starting from the mean of their neighbours. Without any coordinates: a
    spring layout, neighbours near each other, in a box of about [-1, 1]²."""
    known = {p.name: (p.lon, p.lat) for p in scenario.plazas
             if p.lat is not None and p.lon is not None}
    if len(known) == len(scenario.plazas):
        return known  # no layout needed, nor networkx (0.2 s of a run's summary.png)
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(p.name for p in scenario.plazas)
    graph.add_edges_from((scenario.plazas[i].name, scenario.plazas[j].name)
                         for i, j in scenario.neighbour_pairs())
    if not known:
        return {n: tuple(map(float, xy)) for n, xy in nx.spring_layout(graph, seed=1).items()}
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


# ------------------------------------------------------------------------ labels
SELECTOR = re.compile(r"(\w+)\[(\w+)=([^\]]+)\]")
UNNAMED = ("parameters", "simulation")  # top-level tables whose name a label leaves out


def parameter_label(path: str) -> str:
    """A scenario path (as sweeps and overrides name parameters) in words:
    "parameters.clash_rate" -> "clash rate", "police[kind=state].integrity" -> "integrity
    of state police", "organizations[name=CJNG].members" -> "members of CJNG"."""
    *owners, field = path.split(".")
    words = []
    for owner in reversed(owners):
        match = SELECTOR.fullmatch(owner)
        if match is None:
            if owner not in UNNAMED:
                words.append(owner.replace("_", " "))
            continue
        table, key, value = match.groups()
        words.append(value if key == "name" else f"{value} {table}".replace("_", " "))
    label = field.replace("_", " ")
    return f"{label} of {' of '.join(words)}" if words else label


# ------------------------------------------------------------------------ axes
def new_axes(ax: Axes | None, figsize=(8.0, 4.0)) -> Axes:
    """``ax``, or the axes of a new pyplot figure (shown by notebooks)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def date_axis(ax: Axes, first=None, last=None, yearly: bool = False,
              maxticks: int = 10) -> None:
    """Readable dates on the x axis: concise labels, ticks chosen automatically (at most
    ``maxticks``) or at the start of each year; the x range from day ``first`` to the end of
    day ``last`` when given."""
    if first is not None:
        ax.set_xlim(np.datetime64(first, "D"), np.datetime64(last, "D") + np.timedelta64(1, "D"))
    locator = mdates.YearLocator() if yearly else mdates.AutoDateLocator(maxticks=maxticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def legend(ax: Axes, outside: bool = False, weight=None, most: int = MAX_LEGEND, **options):
    """A small legend of the labelled artists, if any; beside the axes when ``outside``.

    With more than ``most`` entries, only the heaviest are named (``weight(handle)``, a
    number; default: the first ones) and a last line says how many are left out."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if len(handles) > most:
        order = range(len(handles)) if weight is None else sorted(
            range(len(handles)), key=lambda i: -weight(handles[i]))
        keep = sorted(list(order)[:most - 1])
        more = len(handles) - len(keep)
        handles = [handles[i] for i in keep] + [Line2D([], [], linestyle="none")]
        labels = [labels[i] for i in keep] + [f"+ {more} more"]
    where = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0)} if outside else {"loc": "best"}
    return ax.legend(handles, labels, fontsize="small", frameon=False, **where | options)
