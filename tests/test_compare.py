"""Paired comparisons (sim/compare.py): windows of runs, the paired statistics and their
intervals, variants against a base and after against before an event."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import shipped_results
from scipy import stats

from sim.compare import before_after, before_after_windows, compare, paired, window


@pytest.fixture(scope="module")
def kingpin():
    """Four runs of kingpin_removal (seeds 0-3)."""
    return [shipped_results("kingpin_removal", seed) for seed in range(4)]


def test_paired_gives_the_t_interval_of_the_mean_difference():
    rng = np.random.default_rng(0)
    base = rng.poisson(20, 40).astype(float)
    variant = base + rng.normal(5, 3, 40)
    out = paired(base, variant)
    d = variant - base
    assert out["n"] == 40
    assert out["base_mean"] == pytest.approx(base.mean())
    assert out["variant_mean"] == pytest.approx(variant.mean())
    assert out["difference"] == pytest.approx(d.mean())
    assert out["se"] == pytest.approx(stats.sem(d))
    assert out["z"] == pytest.approx(stats.ttest_rel(variant, base).statistic)
    low, high = stats.t.interval(0.95, df=39, loc=d.mean(), scale=stats.sem(d))
    assert (out["difference_low"], out["difference_high"]) == pytest.approx((low, high))
    assert out["change_pct"] == pytest.approx(100 * (variant.mean() / base.mean() - 1))
    assert out["change_pct_low"] < out["change_pct"] < out["change_pct_high"]
    assert out.attrs["conf_level"] == 0.95


def test_a_variant_proportional_to_its_base_has_an_exact_relative_change():
    base = np.array([10.0, 20.0, 5.0, 8.0])
    out = paired(base, 1.5 * base)
    assert out["change_pct"] == pytest.approx(50)
    assert out["change_pct_low"] == pytest.approx(50)
    assert out["change_pct_high"] == pytest.approx(50)


def test_the_relative_change_interval_covers_the_truth_about_as_often_as_it_says():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(400):
        base = rng.poisson(10, 50).astype(float)
        variant = rng.poisson(base * 1.4 + 1).astype(float)
        out = paired(base, variant, conf_level=0.9)
        truth = 100 * ((10 * 1.4 + 1) / 10 - 1)
        covered += out["change_pct_low"] <= truth <= out["change_pct_high"]
    assert 0.84 <= covered / 400 <= 0.95


def test_paired_series_are_matched_by_seed_and_must_hold_the_same_seeds():
    base = pd.Series([1.0, 2.0, 3.0], index=[7, 8, 9])
    variant = pd.Series([13.0, 12.0, 11.0], index=[9, 8, 7])  # seed order differs
    assert paired(base, variant)["difference"] == pytest.approx(10)
    with pytest.raises(ValueError, match="same seeds"):
        paired(base, variant.rename(index={9: 10}))
    with pytest.raises(ValueError, match="same length"):
        paired(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="at least 2"):
        paired(np.ones(1), np.ones(1))


def test_window_counts_each_runs_homicides_between_two_dates_included(kingpin):
    totals = window(kingpin, "2020-03-01", "2020-03-31")
    assert list(totals.index) == [0, 1, 2, 3]
    for r in kingpin:
        daily = r.violence[r.violence["lethal"]].groupby("date")["count"].sum()
        assert totals[r.seed] == daily["2020-03-01":"2020-03-31"].sum()
    assert window(kingpin).equals(window(kingpin, kingpin[0].start, kingpin[0].end))
    conflict = window(kingpin, conflict_only=True)
    assert (conflict <= window(kingpin)).all()


def test_window_by_plaza_adds_up_to_the_whole(kingpin):
    plazas = ["Puerto", "Valle", "Sierra"]
    parts = sum(window(kingpin, plazas=[p]) for p in plazas)
    assert parts.equals(window(kingpin))
    assert window(kingpin, plazas=plazas).equals(window(kingpin))
    with pytest.raises(ValueError, match="no plaza"):
        window(kingpin, plazas=["Atlantis"])


def test_window_refuses_a_seed_given_twice(kingpin):
    with pytest.raises(ValueError, match="twice"):
        window(kingpin + kingpin[:1])


def test_compare_pairs_a_variant_with_its_base_over_a_window(kingpin):
    base, variant = kingpin[:2], kingpin[2:]  # different seeds: refused
    with pytest.raises(ValueError, match="same seeds"):
        compare(base, variant)
    same = compare(kingpin, kingpin, start="2021-01-01")
    assert same["difference"] == 0 and same["change_pct"] == 0


def test_before_after_windows_are_whole_calendar_months():
    (b0, b1), (a0, a1) = before_after_windows("2021-01-01", months=6)
    assert (b0, b1) == (pd.Timestamp("2020-07-01"), pd.Timestamp("2020-12-31"))
    assert (a0, a1) == (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-06-30"))


def test_before_after_compares_each_run_with_itself(kingpin):
    out = before_after(kingpin, "2021-01-01", months=6)
    before = window(kingpin, "2020-07-01", "2020-12-31")
    after = window(kingpin, "2021-01-01", "2021-06-30")
    assert out["base_mean"] == pytest.approx(before.mean())
    assert out["variant_mean"] == pytest.approx(after.mean())
    assert out["difference"] == pytest.approx((after - before).mean())
    with pytest.raises(ValueError, match="covers"):
        before_after(kingpin, "2020-03-01", months=6)  # the run starts 2020-01-01


def test_the_paired_t_test_p_value_is_given():
    rng = np.random.default_rng(3)
    base = rng.poisson(20, 30).astype(float)
    variant = base + rng.normal(1, 3, 30)
    assert paired(base, variant)["p_value"] == pytest.approx(
        stats.ttest_rel(variant, base).pvalue)


def test_a_comparison_prints_whole_counts_as_integers_and_a_p_value():
    text = repr(paired(np.arange(20.0), np.arange(20.0) + np.linspace(0, 2, 20)))
    lines = dict(line.split() for line in text.splitlines() if not line.startswith("("))
    assert lines["n"] == "20"
    assert "p_value" in lines
    assert "20.000000" not in text


def test_compare_keeps_its_window_for_the_figure(kingpin):
    out = compare(kingpin, kingpin, start="2020-07-01", end="2020-12-31")
    assert out.attrs["window"] == (pd.Timestamp("2020-07-01"), pd.Timestamp("2020-12-31"))
    after = before_after(kingpin, "2021-01-01", months=6)
    assert after.attrs["window"] == (pd.Timestamp("2021-01-01"), pd.Timestamp("2021-06-30"))
