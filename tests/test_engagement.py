"""Engagement (docs/model.md, "Engagement"): a war that grows. Only a share e of each side's
members takes part in a pair's clashes; e starts at engagement_initial and rises with the
side's relative grievance against the other, so a war starts small and grows as its dead
mount, instead of every armed member meeting the enemy at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import sim
from sim.codes import parameter_vector
from sim.mechanisms.engagement import engagement, engaging
from sim.model import CartelModel
from sim.reference import fighting
from sim.scenario import Parameters, ScenarioError

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(12)


def two_cartels(**parameters) -> sim.Scenario:
    scenario = sim.load_scenario(ROOT / "scenarios" / "two_cartels.toml")
    return scenario.with_overrides({f"parameters.{k}": v for k, v in parameters.items()})


def clash_deaths_by_quarter(scenario: sim.Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Mean clash deaths in days 0-89, 90-179, 180-269, 270-359, and mean members of both
    organizations on days 0, 90, 180, 270."""
    deaths, members = [], []
    for run in sim.run_many(scenario, seeds=SEEDS):
        v = run.violence[run.violence.type == "clash"]
        day = (v.date - run.start).dt.days
        deaths.append([v["count"][(day >= a) & (day < a + 90)].sum() for a in (0, 90, 180, 270)])
        total = run.organizations.groupby("date").members.sum()
        members.append(total.iloc[[0, 90, 180, 270]].to_numpy())
    return np.mean(deaths, axis=0), np.mean(members, axis=0)


def test_the_engaged_share_starts_at_e0_is_half_way_at_r_half_and_tends_to_one():
    p = Parameters(engagement_initial=0.1, engagement_half_share=0.05)
    prm = parameter_vector(p)
    assert engaging(prm)
    assert engagement(prm, 0.0) == 0.1
    assert engagement(prm, 0.05) == pytest.approx(0.55)
    shares = [0.0, 0.001, 0.01, 0.1, 1.0, 100.0]
    e = [engagement(prm, r) for r in shares]
    assert all(x < y for x, y in zip(e, e[1:])) and e[-1] == pytest.approx(1.0, abs=1e-3)
    # the reference's twin gives the same numbers, and 1 while off
    for r in shares:
        a = SimpleNamespace(grievance_share={"b": r})
        assert fighting.engagement(p, a, "b") == engagement(prm, r)
    off = Parameters()
    assert not engaging(parameter_vector(off))
    assert fighting.engagement(off, SimpleNamespace(grievance_share={"b": 0.0}), "b") == 1.0


def test_a_war_with_engagement_kills_fewer_in_its_first_90_days():
    off, _ = clash_deaths_by_quarter(two_cartels())
    on, _ = clash_deaths_by_quarter(two_cartels(engagement_initial=0.2,
                                                engagement_half_share=0.05))
    assert on[0] < 0.75 * off[0]


def test_with_engagement_violence_rises_over_the_first_months_at_constant_members():
    """Without engagement the first quarter is the bloodiest (every member meets the enemy
    at once); with it the second quarter kills more than the first while the organizations
    keep their size."""
    off, _ = clash_deaths_by_quarter(two_cartels())
    assert off[1] < off[0]
    on, members = clash_deaths_by_quarter(two_cartels(engagement_initial=0.05,
                                                      engagement_half_share=0.5))
    assert on[1] > 3 * on[0]
    assert members[1] >= 0.9 * members[0]  # the rise is not more people


def test_engagement_one_is_off_whatever_its_half_share():
    a = sim.run(two_cartels(), seed=3).violence
    b = sim.run(two_cartels(engagement_half_share=0.9), seed=3).violence
    assert a.equals(b)


@pytest.mark.parametrize("name, value", [("engagement_initial", 1.5),
                                         ("engagement_initial", -0.1),
                                         ("engagement_half_share", -1.0)])
def test_bad_engagement_values_are_refused(name, value):
    with pytest.raises(ScenarioError, match=name):
        two_cartels(**{name: value})


def test_the_engaged_share_falls_back_towards_e0_when_the_pair_stops_killing():
    """A truce on day 91: the engaged share the war raised decays with the relative
    grievance (half-life grievance_half_life_days) back towards engagement_initial."""
    scenario = two_cartels(engagement_initial=0.2, engagement_half_share=0.05,
                           grievance_half_life_days=20.0)
    scenario = scenario.with_overrides({"events": [dict(
        kind="truce", members=["North", "South"], day=scenario.simulation.start
        + dt.timedelta(days=91))]})
    prm = parameter_vector(scenario.parameters)
    model = CartelModel(scenario, rng=2)
    model.run_for(90)
    share = model.state.grievance_share
    at_war = max(engagement(prm, share[0, 1]), engagement(prm, share[1, 0]))
    model.run_for(270)
    share = model.state.grievance_share
    after = max(engagement(prm, share[0, 1]), engagement(prm, share[1, 0]))
    assert at_war > 0.5
    assert 0.2 <= after < 0.2 + 0.05 * (at_war - 0.2)
