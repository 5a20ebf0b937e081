"""The plaza map: routes between neighbouring plazas, plazas coloured by their controller and
sized by homicides. :func:`plot_network` draws a run or a scenario; the dashboard's live map
is made of the same pieces (:func:`draw_routes`, :func:`draw_plazas`, :func:`label_plazas`,
:func:`map_axes`, :func:`map_legend`) at :func:`~sim.plot.style.plaza_positions`."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from ..results import Results
from ..scenario import Scenario
from .style import NOBODY, legend, new_axes, organization_colors, plaza_positions

MAX_LABELS = 40  # plaza names are written on maps of at most this many plazas


def plot_network(results_or_scenario: Results | Scenario, ax: Axes | None = None) -> Axes:
    """The plazas as a map: routes between neighbours as lines, plazas coloured by their
    controller at the end of the run (at the start for a scenario) and sized by homicides.

    Positions are the plazas' ``lon``/``lat`` when the scenario gives them (see
    :func:`~sim.plot.style.plaza_positions`)."""
    results = results_or_scenario if isinstance(results_or_scenario, Results) else None
    scenario = results.scenario if results else results_or_scenario
    ax = new_axes(ax, figsize=(6.0, 6.0))
    xy = plaza_xy(scenario)
    draw_routes(ax, scenario, xy)
    if results is None:
        controller = [p.controller for p in scenario.plazas]
        sizes = np.full(len(scenario.plazas), 80.0)
    else:
        controller = final_controllers(results)
        killed = results.homicides(freq=None, by="plaza")
        sizes = plaza_areas(killed.reindex(results.plaza_names, fill_value=0).to_numpy())
    draw_plazas(ax, xy, controller, sizes, organization_colors(results or scenario))
    if len(xy) <= MAX_LABELS:
        label_plazas(ax, [p.name for p in scenario.plazas], xy, sizes)
    map_axes(ax, scenario, xy)
    map_legend(ax, "controller at the end\n(size: homicides)" if results
               else "controller at the start", outside=len(set(controller)) > 6)
    return ax


def map_legend(ax: Axes, title: str, outside: bool) -> None:
    """The legend of a map: its labelled dots at one size, those on most plazas first."""
    shown = legend(ax, outside=outside, title=title, title_fontsize="small",
                   weight=lambda dots: len(dots.get_offsets()))
    for handle in shown.legend_handles:
        if hasattr(handle, "set_sizes"):
            handle.set_sizes([40.0])


def plaza_xy(scenario: Scenario) -> np.ndarray:
    """Positions float64 (P, 2) of the scenario's plazas in file order."""
    pos = plaza_positions(scenario)
    return np.array([pos[p.name] for p in scenario.plazas], dtype=float)


def final_controllers(results: Results) -> list[str]:
    """The controller of each plaza (in the scenario's order) at the last step, "" for none."""
    c = results.control
    final = c[c["step"] == c["step"].max()].set_index("plaza")["controller"]
    return [str(final[n]) for n in results.plaza_names]


def plaza_areas(killed: np.ndarray) -> np.ndarray:
    """Marker areas (points²) (P,) for homicides per plaza (P,): 30 for none, growing with
    the square root of the count to 630 for the most."""
    killed = np.asarray(killed, dtype=float)
    if killed.max(initial=0) <= 0:
        return np.full(len(killed), 30.0)
    return 30.0 + 600.0 * np.sqrt(killed / killed.max())


def draw_routes(ax: Axes, scenario: Scenario, xy: np.ndarray) -> None:
    """A grey line for each pair of neighbouring plazas (positions (P, 2))."""
    edges = [(xy[i], xy[j]) for i, j in scenario.neighbour_pairs()]
    ax.add_collection(LineCollection(edges, colors="#b0b0b0", linewidths=1.0, zorder=1))


def draw_plazas(ax: Axes, xy: np.ndarray, controller: list[str], sizes: np.ndarray,
                colours: dict[str, str]) -> None:
    """One dot per plaza at ``xy`` (P, 2) of area ``sizes`` (P,) (points²), one collection
    per controller ("" for nobody, light grey), labelled with its name for the legend."""
    colours = colours | {"": NOBODY}
    for org in dict.fromkeys(controller):
        mine = np.array([c == org for c in controller])
        ax.scatter(xy[mine, 0], xy[mine, 1], s=sizes[mine], color=colours.get(org, "#333333"),
                   edgecolors="#333333", linewidths=0.6, zorder=2, label=org or "nobody")


def label_plazas(ax: Axes, texts: list[str], xy: np.ndarray, sizes: np.ndarray,
                 only=None) -> None:
    """Write ``texts`` (one per plaza) right of the dots (positions (P, 2), areas (P,)
    points²); only at the plazas whose index is in ``only`` when given."""
    for i, (text, (x, y), area) in enumerate(zip(texts, xy, sizes)):
        if only is None or i in only:
            ax.annotate(text, (x, y), xytext=(math.sqrt(area) / 2 + 2, 0),
                        textcoords="offset points", va="center", fontsize="x-small",
                        color="#333333")


def map_axes(ax: Axes, scenario: Scenario, xy: np.ndarray) -> None:
    """Longitude/latitude axes with a local aspect ratio, or none for an abstract layout;
    room on the right for the labels."""
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
