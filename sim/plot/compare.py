"""Two or more scenarios on one axes, and the paired comparison :mod:`sim.compare` made of
them (:func:`plot_compare`)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.axes import Axes

from .homicides import PERIOD_WORDS, _band, _edges, _period, _period_table, _runs, _steps
from .style import PALETTE, date_axis, legend, new_axes


def plot_compare(series: Mapping[str, object], comparison: pd.Series | None = None,
                 freq: str = "month", ax: Axes | None = None) -> Axes:
    """Homicides of several scenarios, one colour each, and what :func:`sim.compare.compare`
    (or ``before_after``) found.

    Args:
        series: label -> a :class:`~sim.results.Results` or replicates (:func:`sim.run_many`),
            e.g. ``{"bcs_2014": base, "no alliance": variant}``; each is drawn in its own
            colour of :data:`~sim.plot.style.PALETTE` (in order), the replicate mean as a
            line with its 50% band, one legend entry per label.
        comparison: what :mod:`sim.compare` returns for these runs, or None; its window
            (``attrs["window"]``, set by ``compare`` and ``before_after``) is shaded and
            the change of the means, its interval and the paired test's p-value are written
            in the corner.
        freq: "day", "week", "month" or "year" (as :func:`~sim.plot.plot_homicides`).
    """
    if not series:
        raise ValueError("nothing to compare: pass {label: runs} with at least one entry")
    if len(series) > len(PALETTE):
        raise ValueError(f"at most {len(PALETTE)} series on one axes (got {len(series)})")
    period = _period(freq)
    ax = new_axes(ax)
    first = last = None
    for colour, (label, data) in zip(PALETTE, series.items()):
        runs = _runs(data)
        table = _period_table(runs, period, None)["homicides"]
        x = _edges(table.index, runs[0].start, runs[0].end)
        n = f" ({len(runs)} runs)" if len(runs) > 1 else ""
        _steps(ax, x, table.mean(axis=1).to_numpy(), color=colour, label=f"{label}{n}")
        if len(runs) > 1:
            q = table.quantile([0.25, 0.75], axis=1).to_numpy()
            _band(ax, x, q[0], q[1], color=colour, alpha=0.2)
        first = runs[0].start if first is None else min(first, runs[0].start)
        last = runs[0].end if last is None else max(last, runs[0].end)
    if comparison is not None:
        _comparison(ax, comparison)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"homicides per {PERIOD_WORDS[period]} (lines: mean; bands: 50% of runs)")
    date_axis(ax, first, last, yearly=period == "Y")
    legend(ax)
    return ax


def _comparison(ax: Axes, comparison: pd.Series) -> None:
    window = comparison.attrs.get("window")
    if window is not None:
        start, end = (pd.Timestamp(d) for d in window)
        ax.axvspan(start, end + pd.Timedelta(days=1), color="#000000", alpha=0.06, linewidth=0)
    level = round(100 * comparison.attrs.get("conf_level", 0.95))
    text = (f"change of the means {comparison['change_pct']:+.0f}% "
            f"({level}% CI {comparison['change_pct_low']:+.0f}% to "
            f"{comparison['change_pct_high']:+.0f}%)\n"
            f"paired t test over {int(comparison['n'])} seeds: p = {comparison['p_value']:.2g}")
    ax.text(0.01, 0.98, text, transform=ax.transAxes, ha="left", va="top", fontsize="small")
