"""Paired comparisons of replicate runs on common random numbers.

Two questions come up again and again: does a variant differ from its base (the same seeds
run through both scenarios), and does violence change after an event (the same runs, a
window after against a window before). Both compare two numbers per seed, so both are a
paired comparison: the mean of the per-seed differences, its standard error and interval,
and the relative change of the means with an interval.

    import sim
    from sim.compare import compare, before_after

    base = sim.run_many(sim.load_scenario("scenarios/bcs_2014.toml"), seeds=range(50))
    variant = sim.run_many(sim.load_scenario("scenarios/bcs_2014_no_alliance.toml"), range(50))
    compare(base, variant, start="2014-07-01")     # homicides from the alliance date on
    before_after(sim.run_many(sim.load_scenario("scenarios/kingpin_removal.toml"), range(50)),
                 "2021-01-01", months=6)           # 6 months after vs 6 months before

Intervals: the difference of the means has a Student t interval on the per-seed
differences. The relative change of the means, ``variant_mean / base_mean - 1``, has a
delta-method interval: with ratio r, its standard error is sd(variant - r base) / (sqrt(n)
base_mean), which accounts for the pairing. The p-value is the paired t test's (two-sided).
The result keeps the compared window (``attrs["window"]``: first and last day) for
:func:`sim.plot.plot_compare`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .results import Results

__all__ = ["window", "paired", "compare", "before_after", "before_after_windows"]

FIELDS = ["n", "base_mean", "variant_mean", "difference", "se", "z", "p_value",
          "difference_low", "difference_high", "change_pct", "change_pct_low",
          "change_pct_high"]


class Comparison(pd.Series):
    """The Series :func:`paired` returns, printed readably: ``n`` as a whole number, the
    rest to 4 significant digits. Arithmetic on it gives a plain Series."""

    @property
    def _constructor(self):
        return pd.Series

    def __repr__(self) -> str:
        width = max(map(len, self.index))
        lines = [f"{name:<{width}}  {int(v) if name == 'n' else f'{v:.4g}':>10}"
                 for name, v in self.items()]
        level = self.attrs.get("conf_level")
        return "\n".join(lines + ([f"(intervals at {level:.0%})"] if level else []))


def window(runs: Iterable[Results], start=None, end=None, conflict_only: bool = False,
           plazas: Sequence[str] | None = None) -> pd.Series:
    """Homicides of each run between two dates, both included; a Series indexed by seed.

    Args:
        runs: :class:`sim.Replicates` (or any iterable of :class:`sim.Results`).
        start, end: dates (anything ``pd.Timestamp`` reads); None for the run's first or
            last day.
        conflict_only: leave out background homicides.
        plazas: count only these plazas (default: all).
    """
    start, end = _ts(start), _ts(end)
    totals = {}
    for r in runs:
        v = r.violence  # dates are whole days: comparing them includes both ends
        keep = v["lethal"].to_numpy(dtype=bool, copy=True)
        if conflict_only:
            keep &= (v["type"] != "background").to_numpy()
        if start is not None:
            keep &= (v["date"] >= start.normalize()).to_numpy()
        if end is not None:
            keep &= (v["date"] <= end.normalize()).to_numpy()
        if plazas is not None:
            unknown = set(plazas) - set(r.control["plaza"].cat.categories)
            if unknown:
                raise ValueError(f"no plaza {sorted(unknown)} in the run of "
                                 f"{r.meta['scenario']}")
            keep &= v["plaza"].isin(list(plazas)).to_numpy()
        if r.seed in totals:
            raise ValueError(f"seed {r.seed} appears twice: pass the runs of one scenario, "
                             "one per seed")
        totals[r.seed] = v["count"].to_numpy()[keep].sum()
    out = pd.Series(totals, dtype=float, name="homicides")
    out.index.name = "seed"
    return out


def paired(base, variant, conf_level: float = 0.95) -> pd.Series:
    """Paired comparison of two per-run quantities (variant minus base).

    ``base`` and ``variant`` are Series indexed by seed (as :func:`window` returns; their
    seeds must be the same) or arrays in the same seed order. Returns a Series: ``n``,
    ``base_mean``, ``variant_mean``, ``difference`` (mean of the per-seed differences),
    ``se`` (its standard error), ``z`` (difference / se), ``p_value`` (two-sided paired t
    test of a zero mean difference, on n - 1 degrees of freedom), ``difference_low`` and
    ``difference_high`` (t interval at ``conf_level``), ``change_pct`` (relative change of
    the means, in percent) with ``change_pct_low`` and ``change_pct_high`` (delta method).
    """
    if isinstance(base, pd.Series) and isinstance(variant, pd.Series):
        if set(base.index) != set(variant.index):
            raise ValueError("base and variant hold different seeds; a paired comparison "
                             "needs the same seeds in both (sim.run_many(..., seeds=...))")
        variant = variant.reindex(base.index)
    x = np.asarray(base, dtype=float)
    y = np.asarray(variant, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"base and variant must be 1-d and of the same length "
                         f"(got {x.shape} and {y.shape})")
    n = len(x)
    if n < 2:
        raise ValueError("a paired comparison needs at least 2 seeds")
    t = stats.t.ppf(0.5 + conf_level / 2, df=n - 1)
    d = y - x
    se = d.std(ddof=1) / np.sqrt(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = d.mean() / se if se > 0 else (np.sign(d.mean()) * np.inf if d.mean() else np.nan)
        ratio = y.mean() / x.mean() if x.mean() != 0 else np.nan
        se_ratio = (y - ratio * x).std(ddof=1) / (np.sqrt(n) * abs(x.mean()))
    p_value = 2 * stats.t.sf(abs(z), df=n - 1) if not np.isnan(z) else np.nan
    values = [n, x.mean(), y.mean(), d.mean(), se, z, p_value, d.mean() - t * se,
              d.mean() + t * se, 100 * (ratio - 1), 100 * (ratio - t * se_ratio - 1),
              100 * (ratio + t * se_ratio - 1)]
    out = Comparison(values, index=FIELDS, dtype=float)
    out.attrs["conf_level"] = conf_level
    return out


def compare(base: Iterable[Results], variant: Iterable[Results], start=None, end=None,
            conflict_only: bool = False, plazas: Sequence[str] | None = None,
            conf_level: float = 0.95) -> pd.Series:
    """A variant against its base over the same seeds: homicides between ``start`` and
    ``end`` (both included) in each run, compared seed by seed with :func:`paired`."""
    base, variant = list(base), list(variant)
    out = paired(window(base, start, end, conflict_only, plazas),
                 window(variant, start, end, conflict_only, plazas), conf_level)
    out.attrs["window"] = (_ts(start) or base[0].start, _ts(end) or base[0].end)
    return out


def before_after_windows(date, months: int = 6) -> tuple[tuple, tuple]:
    """The ``months`` calendar months before ``date`` and from ``date`` on, as
    ((start, end), (start, end)) with both ends included: for 2021-01-01 and 6 months,
    2020-07-01 to 2020-12-31 and 2021-01-01 to 2021-06-30."""
    date = _ts(date)
    offset = pd.DateOffset(months=months)
    one_day = pd.Timedelta(days=1)
    return (date - offset, date - one_day), (date, date + offset - one_day)


def before_after(runs: Iterable[Results], date, months: int = 6, conflict_only: bool = False,
                 plazas: Sequence[str] | None = None, conf_level: float = 0.95) -> pd.Series:
    """Homicides in the ``months`` after ``date`` (the variant) against the ``months``
    before it (the base), within each run, compared with :func:`paired`."""
    runs = list(runs)
    (b0, b1), (a0, a1) = before_after_windows(date, months)
    for r in runs:
        if b0 < r.start or a1 > r.end:
            raise ValueError(f"the run of seed {r.seed} covers {r.start.date()} to "
                             f"{r.end.date()}, not both windows ({b0.date()} to {a1.date()})")
    out = paired(window(runs, b0, b1, conflict_only, plazas),
                 window(runs, a0, a1, conflict_only, plazas), conf_level)
    out.attrs["window"] = (a0, a1)  # the window after; the one before ends the day before
    return out


def _ts(value):
    return None if value is None else pd.Timestamp(value)
