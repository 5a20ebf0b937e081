"""Who holds what over time: control of each plaza (:func:`plot_control`) and a column of the
organizations table per organization (:func:`plot_strength`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.ticker import EngFormatter

from ..results import Results
from .network import MAX_LABELS
from .style import NOBODY, date_axis, legend, new_axes, organization_colors

STRENGTH = {"members": "members", "cells": "cells", "treasury": "treasury (pesos)",
            "plazas_held": "plazas held", "police_on_payroll": "police officers on payroll"}
"""Columns of the organizations table that :func:`plot_strength` draws, with axis labels."""


def plot_control(results: Results, ax: Axes | None = None) -> Axes:
    """Who controls each plaza over time: one row per plaza, coloured by the controller
    (light grey for nobody), contested periods hatched.

    Uses the ``control`` table: ``date``, ``plaza``, ``controller``, ``contested``.
    """
    ax = new_axes(ax, figsize=(9.0, 0.3 * len(results.plaza_names) + 1.5))
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
    date_axis(ax, results.start, results.end)
    ax.tick_params(axis="y", labelsize="small")
    legend(ax, outside=True, weight=lambda bars: float("inf") if bars.patches[0].get_hatch()
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


def plot_strength(results: Results, what: str = "members", named: int | None = None,
                  ax: Axes | None = None) -> Axes:
    """One line per organization over time of a column of the ``organizations`` table:
    "members", "cells", "treasury" (pesos), "plazas_held" or "police_on_payroll" (officers).

    Args:
        named: draw only the ``named`` largest organizations (at the last step) in their
            colours, labelled with their last value, and the others as thin grey lines
            counted in the legend (the dashboard's view of 150 organizations); None: all.
    """
    if what not in STRENGTH:
        raise ValueError(f"what must be one of {', '.join(map(repr, STRENGTH))} (got {what!r})")
    ax = new_axes(ax)
    colours = organization_colors(results)
    wide = results.organizations.pivot_table(index="date", columns="organization", values=what,
                                             aggfunc="sum", observed=True, sort=False)
    shown = list(wide.columns)
    if named is not None and len(wide):
        shown = list(wide.iloc[-1].sort_values(ascending=False, kind="stable").index[:named])
        _others(ax, wide[[c for c in wide.columns if c not in shown]])
    for org in shown:
        rows = wide[org].dropna()
        label = org if named is None else f"{_short(org)} ({rows.iloc[-1]:g})"
        ax.plot(rows.index.to_numpy(), rows.to_numpy(), drawstyle="steps-post",
                color=colours[org], label=label)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(STRENGTH[what])
    if what == "treasury":
        ax.yaxis.set_major_formatter(EngFormatter())  # 5 M rather than 5 x 1e6
    date_axis(ax, results.start, results.end)
    legend(ax, outside=named is not None or len(shown) > 6,
           weight=lambda line: float(np.nanmax(line.get_ydata(), initial=0))
           if hasattr(line, "get_ydata") else 0.0)
    return ax


def _others(ax: Axes, wide: pd.DataFrame) -> None:
    """The organizations of ``wide`` (dates x organizations) as one grey collection: quick to
    draw, however many."""
    if not len(wide.columns):
        return
    days = mdates.date2num(wide.index)
    lines = [np.column_stack([days, wide[name].to_numpy(float)]) for name in wide.columns]
    ax.add_collection(LineCollection(lines, colors="0.8", linewidths=0.8,
                                     label=f"{len(wide.columns)} others"))


def _short(name: str, most: int = 15) -> str:
    """A name for a legend: cut to ``most`` characters."""
    return name if len(name) <= most else name[: most - 1] + "\u2026"
