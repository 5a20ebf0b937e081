"""The dashboard's views of a :class:`~sim.viz.model.DashboardModel` as it runs: the plaza
map, homicides by type, members, each a matplotlib figure drawn by :mod:`sim.plot`'s
functions on the tables so far, and the run summary in HTML."""

from __future__ import annotations

import html
import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..events import schedule
from ..plot.homicides import plot_homicides
from ..plot.network import draw_plazas, draw_routes, label_plazas, map_axes, map_legend, plaza_areas
from ..plot.style import date_axis, legend, organization_colors
from ..plot.timelines import plot_strength
from ..scenario import Parameters
from .model import SLIDERS, DashboardModel

MAX_NAMED = 8
"""Organizations named in the members' legend or the summary at most: the largest (national
scenarios have 150); the others are drawn grey and counted."""
MAX_LABELS = 14
"""Plazas named on the map at most: those with the most homicides so far."""
PLOT_MARGINS = {"left": 0.12, "right": 0.7, "bottom": 0.1, "top": 0.91}
"""Where the axes of a view sit in its figure: room for the legend on the right."""


def colors(model: DashboardModel) -> dict[str, str]:
    """Colour of every organization of the run so far, splinters included: those of every
    figure (:func:`sim.plot.organization_colors`)."""
    return model.memo("colors", lambda: organization_colors(model.results()))


def period(model: DashboardModel) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the scenario: the x range of the time views."""
    start = pd.Timestamp(model.spec.simulation.start)
    return start, start + pd.Timedelta(days=model.spec.simulation.days - 1)


def series_frequency(model: DashboardModel) -> str:
    """Weekly bins for runs up to three years, monthly beyond."""
    return "week" if model.spec.simulation.days <= 3 * 366 else "month"


def plaza_table(model: DashboardModel) -> pd.DataFrame:
    """One row per plaza now: plaza, x, y (:func:`sim.plot.plaza_positions`), controller (""
    for nobody), contested, boss_alive and homicides (lethal, every type) so far."""
    killed = model.results().homicides(freq=None, by="plaza")
    return pd.DataFrame({
        "plaza": [p.name for p in model.plazas],
        "x": model.plaza_xy[:, 0], "y": model.plaza_xy[:, 1],
        "controller": [p.controller.name if p.controller else "" for p in model.plazas],
        "contested": [bool(p.contested) for p in model.plazas],
        "boss_alive": [bool(p.boss_alive) for p in model.plazas],
        "homicides": [int(killed.get(p.name, 0)) for p in model.plazas],
    })


def plaza_map_figure(model: DashboardModel) -> Figure:
    """The plaza network now: colour = controller, area = homicides so far (the number by the
    name), dashed ring = contested, white dot = no plaza boss (killed, not yet replaced)."""
    table, xy = plaza_table(model), model.plaza_xy
    fig = Figure(figsize=(4.9, 3.5))
    ax = fig.subplots(gridspec_kw={"left": 0.01, "right": 0.7, "bottom": 0.01, "top": 0.92})
    draw_routes(ax, model.spec, xy)
    sizes = plaza_areas(table["homicides"].to_numpy())
    draw_plazas(ax, xy, list(table["controller"]), sizes, colors(model))
    hot = table["contested"].to_numpy()
    if hot.any():
        ax.scatter(xy[hot, 0], xy[hot, 1], s=sizes[hot] * 1.6 + 120, facecolors="none",
                   edgecolors="#cb181d", linewidths=1.6, linestyles="--", zorder=1.5,
                   label="contested")
    headless = ~table["boss_alive"].to_numpy()
    if headless.any():
        ax.scatter(xy[headless, 0], xy[headless, 1], s=30, c="white", edgecolors="0.15",
                   linewidths=0.6, zorder=4, label="no plaza boss")
    most = table.sort_values("homicides", ascending=False, kind="stable").index[:MAX_LABELS]
    label_plazas(ax, [f"{row.plaza} ({row.homicides})" for row in table.itertuples()], xy,
                 sizes, only=set(most))
    map_axes(ax, model.spec, xy)
    ax.set_axis_off()  # no room for coordinates in a panel
    map_legend(ax, "controller", outside=True)
    ax.set_title(f"Plazas on {last_day(model)}: controller, homicides so far", fontsize=10,
                 loc="left")
    return fig


def homicides_figure(model: DashboardModel) -> Figure:
    """Homicides so far per week (or month), stacked by type, over the whole period."""
    fig = Figure(figsize=(4.9, 3.2))
    ax = fig.subplots(gridspec_kw=PLOT_MARGINS)
    freq = series_frequency(model)
    total = model.results().homicides(freq=None) if model.steps > 0 else 0
    if model.steps > 0:
        plot_homicides(model.results(), freq=freq, by="type", stacked=True, ax=ax)
        legend(ax, outside=True)
        ax.set_ylim(0, max(ax.get_ylim()[1] * 1.1, 3))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _waiting(ax, ymax=3)
    _event_lines(ax, model, labels=True)
    date_axis(ax, *period(model), maxticks=8)
    ax.set_ylabel(f"homicides per {freq}")
    ax.set_title(f"Homicides per {freq} by type: {total} so far", fontsize=10, loc="left")
    return fig


def members_figure(model: DashboardModel) -> Figure:
    """Members of each organization over time, the largest named with their members now."""
    fig = Figure(figsize=(4.9, 3.2))
    ax = fig.subplots(gridspec_kw={**PLOT_MARGINS, "right": 0.64})  # room for the counts
    if model.steps > 0:
        plot_strength(model.results(), "members", named=MAX_NAMED, ax=ax)
        ax.set_ylim(0, max(ax.get_ylim()[1] * 1.15, 5))
    else:
        _waiting(ax, ymax=5)
    _event_lines(ax, model, labels=False)
    date_axis(ax, *period(model), maxticks=8)
    ax.set_ylabel("members")
    ax.set_title("Members by organization (now)", fontsize=10, loc="left")
    return fig


def _waiting(ax, ymax: float) -> None:
    """An empty time plot before the first step: a fixed y range and a hint."""
    ax.set_ylim(0, ymax)
    ax.text(0.5, 0.5, "press Step or \u25b6 to run", transform=ax.transAxes, ha="center",
            color="0.5")


def _event_lines(ax, model: DashboardModel, labels: bool) -> None:
    """A dotted line at each scheduled event, labelled with its kind."""
    start, last = period(model)
    kinds: dict[int, list[str]] = {}
    for event in schedule(model.spec):
        kinds.setdefault(event.step, [])
        if event.kind not in kinds[event.step]:
            kinds[event.step].append(event.kind)
    middle = start + (last - start) / 2
    for step, names in kinds.items():
        when = start + pd.Timedelta(days=step * model.dt)
        ax.axvline(when, color="0.35", lw=0.8, ls=":", zorder=0)
        if labels:  # on the inner side of the line, away from the legend
            left = when > middle
            ax.annotate(", ".join(names).replace("_", " "), (when, 1),
                        xycoords=("data", "axes fraction"), xytext=(-3 if left else 3, -3),
                        textcoords="offset points", va="top", ha="right" if left else "left",
                        fontsize=8, color="0.3")


def last_day(model: DashboardModel) -> str:
    """The last simulated day, or the start before the first step."""
    start = model.spec.simulation.start
    if model.steps <= 0:
        return f"{start} (start)"
    return str((pd.Timestamp(start) + pd.Timedelta(days=model.steps * model.dt - 1)).date())


def svg(figure: Figure) -> bytes:
    """A figure as SVG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()


def run_summary(model: DashboardModel) -> str:
    """HTML: the scenario, the day, the seed, homicides so far, each organization's members
    and plazas, and the slider parameters of this run beside the file's."""
    spec, esc = model.spec, html.escape
    by_type = model.results().homicides(freq=None, by="type") if model.steps > 0 else (
        pd.Series(dtype=np.int64))
    kinds = ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in by_type.items() if n)
    held: dict[str, int] = {}
    for p in model.plazas:
        if p.controller is not None:
            held[p.controller.name] = held.get(p.controller.name, 0) + 1
    palette = colors(model)
    out = ["<style>.cartel-sim-table{border-collapse:collapse;margin:0 0 10px 0}"
           ".cartel-sim-table th,.cartel-sim-table td{padding:1px 14px 1px 0;text-align:left}"
           ".cartel-sim-table th{border-bottom:1px solid #bbb}</style>",
           f"<p><b>{esc(spec.name)}</b>" + (f": {esc(spec.description)}" if spec.description
                                            else "") + "</p>",
           f"<p>Day <b>{last_day(model)}</b>, step {model.steps} of {model.n_steps}, "
           f"seed <b>{model.seed}</b>. Homicides so far: <b>{int(by_type.sum())}</b>"
           + (f" ({kinds})" if kinds else "") + ".</p>",
           '<table class="cartel-sim-table"><tr><th>organization</th><th>members</th>'
           "<th>plazas held</th></tr>"]
    active = sorted((o for o in model.organizations if model.state.org_active[o.row]),
                    key=lambda o: -o.members)
    for o in active[:MAX_NAMED]:
        swatch = f'<span style="color:{palette.get(o.name, "#444")}">&#9679;</span>'
        out.append(f"<tr><td>{swatch} {esc(o.name)}</td><td>{o.members}</td>"
                   f"<td>{held.get(o.name, 0)}</td></tr>")
    if len(active) > MAX_NAMED:
        rest = active[MAX_NAMED:]
        out.append(f"<tr><td>{len(rest)} more</td><td>{sum(o.members for o in rest)}</td>"
                   f"<td>{sum(held.get(o.name, 0) for o in rest)}</td></tr>")
    out.append('</table><table class="cartel-sim-table"><tr><th>parameter</th>'
               "<th>this run</th><th>in the file</th></tr>")
    for name in SLIDERS:  # the description (with the unit) shows on hovering the name
        description = esc(Parameters.model_fields[name].description or "", quote=True)
        out.append(f'<tr><td title="{description}">{name}</td>'
                   f"<td>{getattr(spec.parameters, name):g}</td>"
                   f"<td>{getattr(model.spec_file.parameters, name):g}</td></tr>")
    out.append("</table><p>Move a slider, then press <b>Reset</b> to run with it.</p>")
    return "\n".join(out)
