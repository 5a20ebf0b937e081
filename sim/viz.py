"""The interactive dashboard: a Mesa SolaraViz page for one scenario (``cartel-sim viz``).

It shows the plaza map (colour: controller; size: homicides so far; dashed ring: contested),
the homicides so far per week (per month for runs over three years) by type, the members of
each organization over time, and a summary of the run. SolaraViz gives the play / step /
reset controls and the sliders: the seed and five parameters of docs/model.md §8. A slider
takes effect when Reset rebuilds the model (:class:`DashboardModel`, from keyword arguments).
Each view is a matplotlib figure (the static figures' colours, :mod:`sim.plot`) sent as SVG,
drawn again after each Step.

From the command line::

    cartel-sim viz scenarios/bcs_2014.toml            # opens http://127.0.0.1:8765

In a notebook::

    from sim.viz import DashboardModel, dashboard
    dashboard(DashboardModel(sim.load_scenario("scenarios/bcs_2014.toml"), seed=7))

Needs the ``viz`` extra (``pip install 'cartel-sim[viz]'``: Mesa's solara stack). The
browser's JavaScript comes from the ``solara-assets`` package installed with it, so the
page works offline.
"""

from __future__ import annotations

import html
import io
import math
import os
import socket
import warnings
from pathlib import Path

# A research tool should not report usage from the researcher's machine: switch solara's
# telemetry off unless the user asked for it (read when solara is first imported).
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402
from mesa.visualization import Slider, SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from .codes import TYPE_NAMES  # noqa: E402
from .events import schedule  # noqa: E402
from .model import CartelModel  # noqa: E402
from .plot import NOBODY, TYPE_COLORS  # noqa: E402  (the static figures' colours)
from .plot import organization_colors as figure_colors  # noqa: E402
from .scenario import Parameters, Scenario, ScenarioError, load_scenario  # noqa: E402

SCENARIO_ENV = "CARTEL_SIM_VIZ_SCENARIO"
"""Environment variable naming the scenario file the server's :func:`Page` shows."""

STEPS_PER_CLICK = 7
"""Steps per click of Step (and per redraw while playing) at first, at daily steps: a week
(:func:`steps_per_click`); SolaraViz's "Render Interval" slider, which the user can change."""


def steps_per_click(scenario: Scenario) -> int:
    """A week of steps, at least one: 7 at daily steps, 1 at weekly steps."""
    return max(1, round(STEPS_PER_CLICK / scenario.simulation.step_days))

SLIDERS = {
    "clash_rate": "Clash rate",
    "lethality": "Lethality",
    "attack_multiplier": "Attack ×",
    "recruit_rate": "Recruit rate",
    "corruption_rate": "Corruption",
}
"""Parameters with a slider, and their (short) labels: the rates docs/model.md §8
calibrates, and the one that drives police corruption. The run summary shows their values;
hovering a name there shows its description and unit."""

LETHAL = list(TYPE_NAMES[:6])
MAX_NAMED = 8
"""Organizations named in a legend or the summary at most: the largest (national scenarios
have 150); the others are drawn grey and counted."""
MAX_LABELS = 14
"""Plazas named on the map at most: those with the most homicides so far."""


class DashboardModel(CartelModel):
    """A :class:`CartelModel` built from keyword arguments, as SolaraViz builds models.

    Args:
        spec: the scenario (Mesa reserves the name ``scenario``).
        seed: the replicate seed.
        clash_rate, lethality, attack_multiplier, recruit_rate, corruption_rate: values for
            the scenario's ``[parameters]``; None keeps the scenario's.

    Attributes: ``spec_file`` the scenario as given, ``spec`` with the parameters set here.
    Stepping stops at the end of the scenario's period.
    """

    def __init__(self, spec: Scenario, seed: int = 0, clash_rate: float | None = None,
                 lethality: float | None = None, attack_multiplier: float | None = None,
                 recruit_rate: float | None = None, corruption_rate: float | None = None):
        given = {"clash_rate": clash_rate, "lethality": lethality,
                 "attack_multiplier": attack_multiplier, "recruit_rate": recruit_rate,
                 "corruption_rate": corruption_rate}
        overrides = {f"parameters.{name}": float(value) for name, value in given.items()
                     if value is not None and float(value) != getattr(spec.parameters, name)}
        super().__init__(spec.with_overrides(overrides) if overrides else spec, rng=int(seed))
        self.spec_file = spec  # as read from the file; self.spec has the slider values
        self._memo: tuple[int, dict] = (-1, {})

    def _advance_time(self, until: float) -> None:
        """Mesa's step() and run_for() land here: never past the scenario's last step (the
        Step button may ask for several steps at the end)."""
        super()._advance_time(min(until, self.n_steps))

    def memo(self, key: str, compute):
        """``compute()``, computed once per step however many views ask for it."""
        if self._memo[0] != self.steps:
            self._memo = (self.steps, {})
        if key not in self._memo[1]:
            self._memo[1][key] = compute()
        return self._memo[1][key]

    def results(self):
        """The tidy tables so far (computed once per step)."""
        return self.memo("results", super().results)


# ----------------------------------------------------------------------------- data

def organization_colors(model: CartelModel) -> dict[str, str]:
    """Colour of every organization of a model, splinters included: the static figures'
    (:func:`sim.plot.organization_colors`)."""
    return _memo(model, "colors", lambda: figure_colors(model.results()))


def plaza_positions(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """(x, y) of each plaza: (lon, lat) where given; a plaza without coordinates sits beside
    the middle of its placed neighbours (or of all placed plazas); with no coordinates at
    all, plazas lie on a circle in file order."""
    plazas = scenario.plazas
    if not any(p.lat is not None and p.lon is not None for p in plazas):
        n = len(plazas)
        return {p.name: (math.cos(math.pi - 2 * math.pi * i / n),
                         math.sin(math.pi - 2 * math.pi * i / n)) for i, p in enumerate(plazas)}
    pos = {p.name: (p.lon, p.lat) for p in plazas if p.lat is not None and p.lon is not None}
    links: dict[str, set[str]] = {p.name: set() for p in plazas}
    for i, j in scenario.neighbour_pairs():
        links[plazas[i].name].add(plazas[j].name)
        links[plazas[j].name].add(plazas[i].name)
    xs, ys = zip(*pos.values())
    offset = 0.06 * max(max(xs) - min(xs), max(ys) - min(ys), 0.1)
    order = {p.name: i for i, p in enumerate(plazas)}
    pending = [p.name for p in plazas if p.name not in pos]

    def place(name: str, near: list[tuple[float, float]]) -> None:
        angle = 2 * math.pi * (0.125 + 0.37 * order[name])  # apart from its neighbours
        pos[name] = (sum(x for x, _ in near) / len(near) + offset * math.cos(angle),
                     sum(y for _, y in near) / len(near) + offset * math.sin(angle))

    while pending:
        ready = [n for n in pending if any(m in pos for m in links[n])]
        for name in ready:
            place(name, [pos[m] for m in links[name] if m in pos])
        if not ready:  # linked to no placed plaza: near the middle of all
            middle = list(zip(xs, ys))
            for name in pending:
                place(name, middle)
            break
        pending = [n for n in pending if n not in pos]
    return pos


def plaza_table(model: CartelModel) -> pd.DataFrame:
    """One row per plaza now: x, y, controller ("" for nobody), contested, boss_alive and
    homicides (lethal, every type) so far."""
    v = model.results().violence
    killed = v[v["lethal"]].groupby("plaza", observed=False)["count"].sum()
    pos = plaza_positions(model.spec)
    rows = []
    for p in model.plazas:
        rows.append({"plaza": p.name, "x": pos[p.name][0], "y": pos[p.name][1],
                     "controller": p.controller.name if p.controller else "",
                     "contested": p.contested, "boss_alive": p.boss_alive,
                     "homicides": int(killed.get(p.name, 0))})
    return pd.DataFrame(rows)


def series_frequency(scenario: Scenario) -> str:
    """Weekly bins ("W") for runs up to three years, monthly ("MS") beyond."""
    return "W" if scenario.simulation.days <= 3 * 366 else "MS"


def homicide_series(model: CartelModel) -> pd.DataFrame:
    """Homicides so far per week (or month, :func:`series_frequency`), one column per lethal
    type in the order of the output contract; no rows before the first step."""
    def compute() -> pd.DataFrame:
        if model.steps <= 0:
            return pd.DataFrame(columns=LETHAL, dtype=np.int64)
        table = model.results().homicides(freq=series_frequency(model.spec), by="type")
        return table.reindex(columns=LETHAL, fill_value=0).astype(np.int64)

    return _memo(model, "homicide_series", compute)


def _memo(model: CartelModel, key: str, compute):
    """``compute()``, once per step for a :class:`DashboardModel`."""
    return model.memo(key, compute) if isinstance(model, DashboardModel) else compute()


def member_series(model: CartelModel) -> pd.DataFrame:
    """Members of each organization at the end of each step so far (index: date)."""
    orgs = model.results().organizations
    if orgs.empty:
        return pd.DataFrame()
    return orgs.pivot_table(index="date", columns="organization", values="members",
                            aggfunc="sum", observed=True)


def _period(model: CartelModel) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(model.spec.simulation.start)
    return start, start + pd.Timedelta(days=model.spec.simulation.days)


def _event_lines(ax, model: CartelModel, labels: bool) -> None:
    """A dotted line at each scheduled event, labelled with its kind."""
    start = pd.Timestamp(model.spec.simulation.start)
    kinds: dict[int, list[str]] = {}
    for event in schedule(model.spec):
        kinds.setdefault(event.step, [])
        if event.kind not in kinds[event.step]:
            kinds[event.step].append(event.kind)
    middle = start + pd.Timedelta(days=model.spec.simulation.days / 2)
    for step, names in kinds.items():
        when = start + pd.Timedelta(days=step * model.dt)
        ax.axvline(when, color="0.35", lw=0.8, ls=":", zorder=0)
        if labels:  # on the inner side of the line, away from the legend
            left = when > middle
            ax.annotate(", ".join(names).replace("_", " "), (when, 1),
                        xycoords=("data", "axes fraction"), xytext=(-3 if left else 3, -3),
                        textcoords="offset points", va="top", ha="right" if left else "left",
                        fontsize=8, color="0.3")


def _date_axis(ax, model: CartelModel) -> None:
    ax.set_xlim(*_period(model))
    locator = mdates.AutoDateLocator(minticks=4, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.spines[["top", "right"]].set_visible(False)


# ----------------------------------------------------------------------------- figures

_PLOT_MARGINS = {"left": 0.12, "right": 0.7, "bottom": 0.1, "top": 0.91}
"""Where the axes of a time plot sit in its figure: room for the legend on the right."""


def plaza_map_figure(model: CartelModel) -> Figure:
    """The plaza network now: colour = controller, area = homicides so far (the number by the
    name), dashed ring = contested, white dot = no plaza boss (killed, not yet replaced)."""
    table = plaza_table(model)
    colors = organization_colors(model)
    fig = Figure(figsize=(4.9, 3.5))
    ax = fig.subplots(gridspec_kw={"left": 0.01, "right": 0.7, "bottom": 0.01, "top": 0.92})
    xy = {row.plaza: (row.x, row.y) for row in table.itertuples()}
    names = [p.name for p in model.spec.plazas]
    links = [(xy[names[i]], xy[names[j]]) for i, j in model.spec.neighbour_pairs()]
    ax.add_collection(LineCollection(links, colors="0.75", linewidths=1.2, zorder=1),
                      autolim=False)
    most = max(int(table["homicides"].max()), 1)
    size = 80 + 1000 * table["homicides"] / most
    face = [colors.get(c, NOBODY) if c else NOBODY for c in table["controller"]]
    ax.scatter(table["x"], table["y"], s=size, c=face, edgecolors="0.15", linewidths=0.8,
               zorder=3, alpha=0.9)
    hot = table[table["contested"]]
    if len(hot):
        ax.scatter(hot["x"], hot["y"], s=size[hot.index] * 1.6 + 120, facecolors="none",
                   edgecolors="#cb181d", linewidths=1.6, linestyles="--", zorder=2)
    headless = table[~table["boss_alive"]]
    if len(headless):
        ax.scatter(headless["x"], headless["y"], s=30, c="white", edgecolors="0.15",
                   linewidths=0.6, zorder=4)
    xs, ys = table["x"], table["y"]
    named = set(table.sort_values("homicides", ascending=False, kind="stable")
                .index[:MAX_LABELS])
    for row, (dx, dy), r in zip(table.itertuples(), _label_directions(xs, ys),
                                np.sqrt(size) / 2 + 2):
        if row.Index not in named:
            continue
        label = row.plaza.replace(" municipality", "")
        ax.annotate(f"{label} ({row.homicides})", (row.x, row.y), xytext=(r * dx, r * dy),
                    textcoords="offset points", fontsize=8, zorder=5,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
                    ha="left" if dx > 0.3 else "right" if dx < -0.3 else "center",
                    va="bottom" if dy > 0.3 else "top" if dy < -0.3 else "center")
    if any(p.lat is not None for p in model.spec.plazas):  # lon, lat: a local projection
        pad = 0.12 * max(np.ptp(xs), np.ptp(ys), 0.2)
        limits = (xs.min() - 2.5 * pad, xs.max() + 1.5 * pad, ys.min() - pad, ys.max() + pad)
        _fill_box(ax, limits, aspect=1 / math.cos(math.radians(float(ys.mean()))))
    else:  # a circle of radius 1
        _fill_box(ax, (-1.7, 1.7, -1.35, 1.35), aspect=1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    shown = _active(model)
    if len(shown) > MAX_NAMED:  # the organizations holding most plazas now
        held = table["controller"].value_counts()
        shown = sorted((o for o in shown if held.get(o.name, 0)),
                       key=lambda o: -held[o.name])
    handles = [ax.scatter([], [], s=60, c=colors[o.name], edgecolors="0.15",
                          label=_short(o.name)) for o in shown[:MAX_NAMED]]
    if len(shown) > MAX_NAMED:
        handles.append(ax.scatter([], [], s=0, label=f"{len(shown) - MAX_NAMED} more"))
    handles.append(ax.scatter([], [], s=60, c=NOBODY, edgecolors="0.15", label="nobody"))
    handles.append(ax.scatter([], [], s=90, facecolors="none", edgecolors="#cb181d",
                              linestyles="--", label="contested"))
    handles.append(ax.scatter([], [], s=30, c="white", edgecolors="0.15", label="no plaza boss"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8,
              frameon=False, title="controller", title_fontsize=8.5)
    ax.set_title(f"Plazas on {_last_day(model)}: controller, homicides so far", fontsize=10,
                 loc="left")
    return fig


def _fill_box(ax, limits: tuple[float, float, float, float], aspect: float) -> None:
    """Set the limits to hold ``limits`` (x0, x1, y0, y1) at ``aspect`` (y unit / x unit)
    and fill the axes box, by widening x or y about the middle."""
    x0, x1, y0, y1 = limits
    box = ax.get_position()
    width, height = ax.figure.get_size_inches()
    want = (box.height * height) / (box.width * width)  # the box's height / width, inches
    dx, dy = x1 - x0, y1 - y0
    if dy * aspect / dx < want:
        grow = (dx * want / aspect - dy) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (dy * aspect / want - dx) / 2
        x0, x1 = x0 - grow, x1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(aspect, adjustable="box")


def _short(name: str, most: int = 17) -> str:
    """A name for a legend: cut to ``most`` characters."""
    return name if len(name) <= most else name[: most - 1] + "\u2026"


def _label_directions(xs: pd.Series, ys: pd.Series) -> list[tuple[float, float]]:
    """A unit direction per plaza for its label, away from the plazas nearest to it (to the
    right when none is near), so crowded labels fan out instead of piling up."""
    x, y = xs.to_numpy(float), ys.to_numpy(float)
    span = max(np.ptp(x), np.ptp(y), 1e-9)
    out = []
    for i in range(len(x)):
        d = np.stack([x[i] - x, y[i] - y], axis=1) / span
        r2 = (d ** 2).sum(axis=1)
        near = (r2 > 0) & (r2 < 0.25 ** 2)
        push = (d[near] / r2[near, None]).sum(axis=0) if near.any() else np.array([1.0, 0.0])
        norm = float(np.hypot(*push))
        dx, dy = (1.0, 0.0) if norm == 0 else (float(push[0] / norm), float(push[1] / norm))
        if dx < -0.3 and (x[i] - x.min()) < 0.2 * span:  # at the left edge: above or below
            dx, dy = 0.0, (1.0 if dy >= 0 else -1.0)
        out.append((dx, dy))
    return out


def homicides_figure(model: CartelModel) -> Figure:
    """Homicides so far per week (or month), stacked by type, over the whole period."""
    table = homicide_series(model)
    freq = series_frequency(model.spec)
    fig = Figure(figsize=(4.9, 3.2))
    ax = fig.subplots(gridspec_kw=_PLOT_MARGINS)
    if len(table):
        # one filled step outline per type, stacked: cheap to draw at every step
        starts = table.index - pd.Timedelta(days=6) if freq == "W" else table.index
        ends = table.index + pd.Timedelta(days=1) if freq == "W" else (
            table.index + pd.offsets.MonthBegin(1))
        edges = mdates.date2num(np.append(starts.to_numpy(), ends.to_numpy()[-1:]))
        bottom = np.zeros(len(table))
        for kind in LETHAL:
            counts = table[kind].to_numpy()
            if counts.sum():
                ax.stairs(bottom + counts, edges, baseline=bottom, fill=True,
                          color=TYPE_COLORS[kind], label=kind.replace("_", " "), lw=0)
                bottom = bottom + counts
        if bottom.any():
            ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(0, max(bottom.max() * 1.15, 3))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        _waiting(ax, ymax=3)
    _event_lines(ax, model, labels=True)
    _date_axis(ax, model)
    total = int(table.to_numpy().sum()) if len(table) else 0
    unit = "week" if freq == "W" else "month"
    ax.set_ylabel(f"homicides per {unit}")
    ax.set_title(f"Homicides per {unit} by type: {total} so far", fontsize=10, loc="left")
    return fig


def _waiting(ax, ymax: float) -> None:
    """An empty time plot before the first step: a fixed y range and a hint."""
    ax.set_ylim(0, ymax)
    ax.text(0.5, 0.5, "press Step or \u25b6 to run", transform=ax.transAxes, ha="center",
            color="0.5")


def members_figure(model: CartelModel) -> Figure:
    """Members of each organization over time."""
    table = member_series(model)
    colors = organization_colors(model)
    fig = Figure(figsize=(4.9, 3.2))
    ax = fig.subplots(gridspec_kw={**_PLOT_MARGINS, "right": 0.64})  # room for the counts
    largest = list(table.iloc[-1].sort_values(ascending=False, kind="stable")
                   .index[:MAX_NAMED]) if len(table) else []
    others = [name for name in table.columns if name not in largest]
    if others:  # one grey collection: quick to draw, however many
        days = mdates.date2num(table.index)
        lines = [np.column_stack([days, table[name].to_numpy(float)]) for name in others]
        ax.add_collection(LineCollection(lines, colors="0.8", linewidths=0.8,
                                         label=f"{len(others)} others"))
    for name in largest:
        ax.plot(table.index, table[name], color=colors.get(name, "0.3"), lw=1.6,
                label=f"{_short(name, 15)} ({int(table[name].iloc[-1])})")
    if len(table.columns):
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.set_ylim(0, max(float(np.nanmax(table.to_numpy())) * 1.25, 5))
    else:
        _waiting(ax, ymax=5)
    _event_lines(ax, model, labels=False)
    _date_axis(ax, model)
    ax.set_ylabel("members")
    ax.set_title("Members by organization (now)", fontsize=10, loc="left")
    return fig


def _active(model: CartelModel) -> list:
    """Organizations that exist now (a splinter's row is active once it has split)."""
    return [o for o in model.organizations if model.state.org_active[o.row]]


def _spec_file(model: CartelModel) -> Scenario:
    return getattr(model, "spec_file", model.spec)


def _last_day(model: CartelModel) -> str:
    """The last simulated day, or the start before the first step."""
    start = model.spec.simulation.start
    if model.steps <= 0:
        return f"{start} (start)"
    return str((pd.Timestamp(start) + pd.Timedelta(days=model.steps * model.dt - 1)).date())


def run_summary(model: CartelModel) -> str:
    """HTML: the scenario, the day, the seed, homicides so far, each organization's members
    and plazas, and the slider parameters of this run beside the file's."""
    spec, esc = model.spec, html.escape
    table = homicide_series(model)
    total = int(table.to_numpy().sum()) if len(table) else 0
    by_type = ", ".join(f"{k.replace('_', ' ')} {int(table[k].sum())}" for k in LETHAL
                        if len(table) and table[k].sum())
    held: dict[str, int] = {}
    for p in model.plazas:
        if p.controller is not None:
            held[p.controller.name] = held.get(p.controller.name, 0) + 1
    colors = organization_colors(model)
    out = ["<style>.cartel-sim-table{border-collapse:collapse;margin:0 0 10px 0}"
           ".cartel-sim-table th,.cartel-sim-table td{padding:1px 14px 1px 0;text-align:left}"
           ".cartel-sim-table th{border-bottom:1px solid #bbb}</style>",
           f"<p><b>{esc(spec.name)}</b>" + (f": {esc(spec.description)}" if spec.description
                                            else "") + "</p>",
           f"<p>Day <b>{_last_day(model)}</b>, step {model.steps} of {model.n_steps}, "
           f"seed <b>{model.seed}</b>. Homicides so far: <b>{total}</b>"
           + (f" ({by_type})" if by_type else "") + ".</p>",
           '<table class="cartel-sim-table"><tr><th>organization</th><th>members</th>'
           "<th>plazas held</th></tr>"]
    active = sorted(_active(model), key=lambda o: -o.members)
    for o in active[:MAX_NAMED]:
        swatch = f'<span style="color:{colors.get(o.name, "#444")}">&#9679;</span>'
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
                   f"<td>{getattr(_spec_file(model).parameters, name):g}</td></tr>")
    out.append("</table><p>Move a slider, then press <b>Reset</b> to run with it.</p>")
    return "\n".join(out)


# ----------------------------------------------------------------------------- components

def _figure_view(make, model: CartelModel):
    """An image of ``make(model)``, drawn again only when the model or its step changes;
    it fills the width of its panel."""
    image = solara.use_memo(lambda: svg(make(model)), [model, model.steps])
    return solara.Image(image, format="svg+xml", width="100%")


def svg(figure: Figure) -> bytes:
    """A figure as SVG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()


@solara.component
def PlazaMap(model: CartelModel):
    """The plaza map, redrawn after each step."""
    update_counter.get()
    return _figure_view(plaza_map_figure, model)


@solara.component
def HomicidesPlot(model: CartelModel):
    """Homicides so far by week (or month) and type, redrawn after each step."""
    update_counter.get()
    return _figure_view(homicides_figure, model)


@solara.component
def MembersPlot(model: CartelModel):
    """Members of each organization over time, redrawn after each step."""
    update_counter.get()
    return _figure_view(members_figure, model)


_TABLE_STYLE = "font-size: 0.9rem; line-height: 1.5;"


@solara.component
def RunInfo(model: CartelModel):
    """The run's scenario, day, seed, parameters and totals."""
    update_counter.get()
    return solara.HTML(unsafe_innerHTML=run_summary(model), style=_TABLE_STYLE)


def model_params(model: CartelModel) -> dict:
    """SolaraViz's ``model_params``: the scenario (fixed), the seed and one slider per entry
    of :data:`SLIDERS`, each starting at the model's value."""
    params: dict = {"spec": _spec_file(model),
                    "seed": Slider("Seed", value=int(model.seed), min=0,
                                   max=max(999, int(model.seed)), step=1, dtype=int)}
    for name, label in SLIDERS.items():
        value = float(getattr(model.spec.parameters, name))
        low, high, step = slider_range(value, float(Parameters.model_fields[name].default))
        params[name] = Slider(label, value=value, min=low, max=high, step=step, dtype=float)
    return params


def slider_range(value: float, default: float) -> tuple[float, float, float]:
    """(min, max, step) of a slider: 0 to four times the value (or the default when the value
    is 0), in steps of a tenth of the value's leading power of ten."""
    scale = value if value > 0 else (default if default > 0 else 1.0)
    step = 10.0 ** (math.floor(math.log10(scale)) - 1)
    high = step * math.ceil(4 * scale / step)
    return 0.0, float(f"{high:.12g}"), float(f"{step:.12g}")


@solara.component
def Dashboard(model: solara.Reactive):
    """The dashboard of the model a reactive variable holds: SolaraViz's controls and sliders
    (its Reset puts a new model into ``model``), and the four views below them.

    The views are laid out here rather than through SolaraViz's ``components``: with
    ipyvue / ipyvuetify 3, the draggable grid SolaraViz puts them in stays blank in the
    browser ("GlobalVue.use is not a function", mesa issue #3806).
    """
    params = solara.use_memo(lambda: model_params(model.value), [])
    SolaraViz(model, components=[], model_params=params,
              name=f"cartel-sim: {model.value.spec.name}",
              render_interval=steps_per_click(model.value.spec))
    current = model.value
    with solara.ColumnsResponsive(12, large=6):
        for view in (PlazaMap, HomicidesPlot, MembersPlot, RunInfo):
            with solara.Card(margin=0, classes=["cartel-sim-panel"]):
                view(current)


def dashboard(model: DashboardModel | solara.Reactive):
    """The dashboard element for a :class:`DashboardModel` (or a reactive variable holding
    one), e.g. as the last line of a notebook cell."""
    return Dashboard(model if isinstance(model, solara.Reactive) else solara.reactive(model))


@solara.component
def Page():
    """The server's page: the dashboard of the scenario named by ``$CARTEL_SIM_VIZ_SCENARIO``,
    one model per browser session."""
    path = os.environ.get(SCENARIO_ENV, "")

    def build():
        if not path:
            return None, (f"No scenario: start the dashboard with 'cartel-sim viz SCENARIO' "
                          f"(or set {SCENARIO_ENV} to a scenario file).")
        try:
            return solara.reactive(DashboardModel(load_scenario(path))), None
        except (ScenarioError, OSError) as exc:
            return None, str(exc)

    model, error = solara.use_memo(build, [path])
    if error:
        return solara.Error(error)
    return Dashboard(model)


def free_port(host: str, port: int) -> int:
    """``port`` if it can be listened on at ``host`` now (0: a free port); OSError if not."""
    with socket.create_server((host, port)) as probe:
        return probe.getsockname()[1]


def serve(path: str | os.PathLike, host: str = "127.0.0.1", port: int = 8765,
          open_browser: bool = True) -> None:
    """Serve the dashboard of the scenario file ``path`` with solara's server until Ctrl-C;
    prints the address first. Check the port with :func:`free_port` beforehand."""
    os.environ[SCENARIO_ENV] = str(Path(path).resolve())
    print(f"Dashboard of {Path(path).name}: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    import click
    import solara.server.settings as server_settings
    from solara.__main__ import run as solara_run

    server_settings.theme.title = f"cartel-sim: {Path(path).stem}"  # the browser tab's
    server_settings.theme.show_banner = False  # solara's badge would cover the summary
    # solara warns that a page served over http from 127.0.0.1 (not "localhost") cannot set a
    # cookie for embedding in another site's frame: true, and beside the point here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    try:
        solara_run.main([f"{__name__}:Page", "--host", host, "--port", str(port), "--production",
                         "--no-check-version", "--open" if open_browser else "--no-open"],
                        prog_name="cartel-sim viz", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl-C: the server has shut down
        pass
    print("Dashboard stopped.", flush=True)
