"""Whole figures: the one-page summary of a run (``summary.png``), the figures ``cartel-sim
plot`` writes for a run or a sweep folder, and writing a figure to a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..results import Results
from .homicides import plot_homicides
from .network import plot_network
from .sweeps import plot_response_surface, plot_sensitivity
from .timelines import plot_control, plot_strength


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
    from ..sensitivity import METHODS, sensitivity
    from ..sweep import SweepSpec

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
