"""The shipped scenarios against the observed record and the literature, over 100 seeds.

Targets (issue "The simulation core"; data in scenarios/data/bcs/homicides_by_year.csv):
Baja California Sur had 47 (INEGI) / 56 (SESNSP) homicides in 2013 and 91 (INEGI,
preliminary) in 2014; the wave began on 31 July 2014 with about 10 murders a month.
Variant comparisons are paired over the same seeds (common random numbers) and must exceed
3 standard errors of the paired difference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim

SCENARIOS = Path(__file__).parent.parent / "scenarios"
SEEDS = range(100)
ALLIANCE = pd.Timestamp("2014-07-01")  # the alliance event in scenarios/bcs_2014.toml


def _replicates(name: str, overrides: dict | None = None) -> sim.Replicates:
    scenario = sim.load_scenario(SCENARIOS / name).with_overrides(overrides or {})
    return sim.run_many(scenario, seeds=SEEDS)


@pytest.fixture(scope="module")
def bcs() -> sim.Replicates:
    return _replicates("bcs_2014.toml")


def _homicides(runs, start=None, end=None, conflict_only=False) -> np.ndarray:
    """Homicides per run between two dates (inclusive), shape (runs,)."""
    return np.array([r.homicides("D", conflict_only=conflict_only)[start:end].sum() for r in runs])


def _paired_z(a: np.ndarray, b: np.ndarray) -> float:
    """Mean paired difference a - b in standard errors."""
    d = a - b
    return d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))


def test_alliance_date_matches_the_scenario(bcs):
    events = bcs[0].meta["resolved_scenario"]["events"]
    assert pd.Timestamp(next(e["day"] for e in events if e["kind"] == "alliance")) == ALLIANCE


def test_yearly_homicides_match_the_record(bcs):
    y2013 = _homicides(bcs, "2013-01-01", "2013-12-31").mean()
    y2014 = _homicides(bcs, "2014-01-01", "2014-12-31").mean()
    assert 40 <= y2013 <= 65
    assert 70 <= y2014 <= 115
    assert y2014 >= 1.4 * y2013


def test_monthly_homicides_before_and_during_the_wave(bcs):
    monthly = bcs.homicides("MS").mean(axis=1)
    assert monthly[monthly.index < ALLIANCE].mean() <= 6
    assert 7 <= monthly["2014-08-01":"2014-12-01"].mean() <= 15


def test_the_wave_comes_from_the_conflict_not_the_background(bcs):
    after = _homicides(bcs, ALLIANCE).sum()
    after_conflict = _homicides(bcs, ALLIANCE, conflict_only=True).sum()
    before = _homicides(bcs, None, ALLIANCE - pd.Timedelta(days=1)).sum()
    before_conflict = _homicides(bcs, None, ALLIANCE - pd.Timedelta(days=1),
                                 conflict_only=True).sum()
    assert after_conflict / after >= 0.6
    assert before_conflict / before < 0.5


def test_without_the_alliance_the_wave_does_not_come(bcs):
    base = _homicides(bcs, ALLIANCE)
    variant = _homicides(_replicates("bcs_2014_no_alliance.toml"), ALLIANCE)
    assert variant.mean() <= 0.7 * base.mean()
    assert _paired_z(variant, base) < -3


def _events(runs, kind: str, start) -> np.ndarray:
    """People of one type of the violence table (its count column) per run from ``start``,
    shape (runs,)."""
    return np.array([int(r.violence.loc[(r.violence["type"] == kind)
                                         & (r.violence["date"] >= start), "count"].sum())
                     for r in runs])


def test_clean_police_arrest_everyone_die_less_and_took_a_guard_away(bcs):
    """What scenarios/bcs_2014_clean_police.toml says the mechanisms make of clean police,
    from the alliance on (100 paired seeds): they arrest Sinaloa's members too (more people
    arrested) and none die fighting for a cartel (fewer police killed). And the bought police
    they replace guarded Sinaloa: where every bought state officer fights for it
    (payroll_fight_share_state = 1), bcs_2014 has fewer homicides than with the shipped share
    (clean police do not depend on that share: none is bought). The net change of homicides
    is not asserted: with the shipped base (2026-12-07) it is +5.3 (z = 4.2), the lost guard
    outweighing the arrests, and +11.5 (z = 7.5) against share 1; under the previous base it
    was -10.2 (z = -4.2): its sign depends on the calibrated rates."""
    clean = _replicates("bcs_2014_clean_police.toml")
    assert _paired_z(_events(clean, "arrest", ALLIANCE), _events(bcs, "arrest", ALLIANCE)) > 3
    assert _paired_z(_events(clean, "police_killed", ALLIANCE),
                     _events(bcs, "police_killed", ALLIANCE)) < -3
    guarded = _replicates("bcs_2014.toml", {"parameters.payroll_fight_share_state": 1.0})
    assert _paired_z(_homicides(guarded, ALLIANCE), _homicides(bcs, ALLIANCE)) < -3


def test_violence_rises_after_a_kingpin_removal():
    runs = _replicates("kingpin_removal.toml")
    before = _homicides(runs, "2020-07-01", "2020-12-31")
    after = _homicides(runs, "2021-01-01", "2021-06-30")
    assert _paired_z(after, before) > 3
    assert any("Pacífico splinter 1" in set(r.organizations["organization"]) for r in runs)
