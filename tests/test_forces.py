"""State forces and violence against civilians (issue 13, items 4 and 5): what a researcher
relies on, on hand-made scenarios at fixed seeds."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

import sim
from sim.metrics import run_metrics
from sim.scenario import Scenario

QUIET = dict(clash_rate=0.0, kidnap_rate=0.0, assassination_rate=0.0, arrest_rate=0.0,
             recruit_rate=0.0, corruption_rate=0.0, background_homicides_per_100k_year=0.0)


def scenario(parameters: dict, days: int = 1, police: list | None = None,
             events: list | None = None, rival: str | None = None) -> Scenario:
    """Cartel A (50 members, 1e6 pesos, no wages) controls Town (100,000 people); ``rival``:
    "war" or "neutral", a second organization B with 50 members there too."""
    organizations = [dict(name="A", treasury=1e6, wage_per_member_day=0.0)]
    cells = [dict(organization="A", plaza="Town", members=50)]
    relations = []
    if rival:
        organizations.append(dict(name="B", treasury=1e6, wage_per_member_day=0.0))
        cells.append(dict(organization="B", plaza="Town", members=50))
        relations.append(dict(between=["A", "B"], state=rival))
    return Scenario.model_validate(dict(
        name="forces", simulation=dict(start=dt.date(2020, 1, 1), days=days),
        parameters={**QUIET, **parameters}, organizations=organizations,
        plazas=[dict(name="Town", population=100_000, controller="A", value_per_day=0.0)],
        cells=cells, police=police or [], relations=relations, events=events or []))


def counts_by_type(result) -> dict[str, int]:
    v = result.violence
    return {str(k): int(n) for k, n in v.groupby("type", observed=True)["count"].sum().items()}


def test_army_units_kill_and_lose_at_the_confrontation_rate():
    """An army unit of 100 soldiers meets A's 50 members n ~ Poisson(1) times a day; each
    member dies with 1 - exp(-n lethality 100 army_firepower / 150), each soldier with
    1 - exp(-n lethality 50 / 150): the means over 300 one-day runs match."""
    s = scenario(dict(confront_rate=1.0, lethality=0.05, army_firepower=2.0),
                 police=[dict(plaza="Town", kind="army", officers=100)])

    def expected(people_at_risk, firepower):
        a = 0.05 * firepower / 150  # E[1 - exp(-n a)], n ~ Poisson(1)
        return people_at_risk * -math.expm1(-(-math.expm1(-a)))

    members, soldiers = [], []
    for seed in range(300):
        c = counts_by_type(sim.run(s, seed=seed))
        members.append(c.get("killed_by_forces", 0))
        soldiers.append(c.get("forces_killed", 0))
    for got, want in ((members, expected(50, 200.0)), (soldiers, expected(100, 50.0))):
        se = np.std(got) / math.sqrt(len(got))
        assert abs(np.mean(got) - want) < 4 * se, (np.mean(got), want, se)


def test_confrontations_are_typed_homicides_distinct_from_arrests():
    """Deaths on both sides are homicides of their own types, with the state as the
    perpetrator of members' deaths and the police as the victims of soldiers' deaths; the
    killed members leave the ledger's killed column, not its arrested one."""
    s = scenario(dict(confront_rate=2.0, lethality=0.2), days=30,
                 police=[dict(plaza="Town", kind="army", officers=100)])
    result = sim.run(s, seed=3)
    v = result.violence
    by_forces = v[v["type"] == "killed_by_forces"]
    of_forces = v[v["type"] == "forces_killed"]
    assert by_forces["count"].sum() > 0 and of_forces["count"].sum() > 0
    assert set(by_forces["perpetrator"]) == {"state"} and set(by_forces["via"]) == {"state"}
    assert set(of_forces["victim"]) == {"police"} and set(of_forces["perpetrator"]) == {"A"}
    assert by_forces["lethal"].all() and of_forces["lethal"].all()
    assert "arrest" not in set(v["type"])
    by_type = result.homicides(freq=None, by="type")
    assert by_type["killed_by_forces"] == by_forces["count"].sum()
    members = result.organizations.set_index("date")["members"]
    assert members.iloc[0] - members.iloc[-1] <= by_forces["count"].sum()


def test_a_federal_unit_on_a_payroll_does_not_confront_its_patron():
    s = scenario(dict(confront_rate=5.0), days=30,
                 police=[dict(plaza="Town", kind="federal", officers=100, payroll="A")])
    assert "killed_by_forces" not in counts_by_type(sim.run(s, seed=1))


def test_an_army_deployment_confronts_and_leaves():
    """force = "army" on a federal_deployment stations soldiers who confront A while they
    stay, and never join a payroll however cheap they come."""
    s = scenario(dict(confront_rate=1.0, corruption_rate=50.0, bribe_per_officer_day=0.01),
                 days=120, events=[dict(kind="federal_deployment", force="army",
                                        day=dt.date(2020, 2, 1), plazas=["Town"],
                                        officers=200, duration_days=30, integrity=0.0)])
    result = sim.run(s, seed=2)
    v = result.violence
    days = v.loc[v["type"] == "killed_by_forces", "date"]
    assert len(days) > 0
    assert days.min() >= np.datetime64("2020-02-01") and days.max() < np.datetime64("2020-03-02")
    assert (result.organizations["police_on_payroll"] == 0).all()


@pytest.mark.parametrize("share, killed", [(0.0, False), (1.0, True)])
def test_payroll_fight_share_decides_whether_payroll_police_die_in_clashes(share, killed):
    """Municipal police on A's payroll fight (and die) in A's clashes with B only for the
    share of their officers that fight: none at 0."""
    s = scenario(dict(clash_rate=0.01, lethality=0.5, payroll_fight_share_municipal=share),
                 days=60, rival="war",
                 police=[dict(plaza="Town", kind="municipal", officers=200, payroll="A")])
    c = counts_by_type(sim.run(s, seed=4))
    assert c.get("clash", 0) > 0
    assert (c.get("police_killed", 0) > 0) is killed


def test_extortion_revenue_reaches_the_controllers_treasury():
    """0.1 pesos per inhabitant per day of Town's 100,000: 10,000 pesos a day to A, and
    nothing to B, which controls nothing."""
    s = scenario(dict(extortion_per_person_day=0.1), days=10, rival="neutral")
    org = sim.run(s, seed=0).organizations
    last = org[org["date"] == org["date"].max()].set_index("organization")["treasury"]
    assert last["A"] == pytest.approx(1e6 + 10 * 10_000.0)
    assert last["B"] == pytest.approx(1e6)


def test_extortion_killings_rise_when_the_plaza_is_contested():
    """At 100 per 100,000 a year in Town (100 a year), a factor of 4 while contested: B at
    war with A, as strong, contests Town and the killings are about four times those with B
    neutral (Town uncontested); all are homicides by the controller."""
    parameters = dict(extortion_killing_per_100k_year=100.0, extortion_contested_factor=4.0,
                      attack_threshold=1e9)
    totals = {}
    for rival in ("neutral", "war"):
        result = sim.run(scenario(parameters, days=365, rival=rival), seed=5)
        v = result.violence
        killings = v[v["type"] == "extortion_killing"]
        assert set(killings["perpetrator"]) == {"A"} and killings["lethal"].all()
        totals[rival] = int(killings["count"].sum())
    assert 70 < totals["neutral"] < 130
    assert 3.0 < totals["war"] / totals["neutral"] < 5.0


def test_civilian_kidnappings_count_as_homicides_only_when_the_captive_is_murdered():
    s = scenario(dict(civilian_kidnap_per_100k_year=200.0,
                      civilian_kidnap_murder_probability=0.4), days=365)
    result = sim.run(s, seed=6)
    c = counts_by_type(result)
    taken, murdered = c["civilian_kidnapping"], c["civilian_kidnap_murder"]
    assert 150 < taken < 250 and 0.25 < murdered / taken < 0.55
    v = result.violence
    assert not v.loc[v["type"] == "civilian_kidnapping", "lethal"].any()
    assert v.loc[v["type"] == "civilian_kidnap_murder", "lethal"].all()
    assert result.homicides(freq=None) == murdered


def test_sweep_metrics_count_the_new_types():
    """A sweep's run metrics count confrontation deaths and civilian kidnappings apart."""
    s = scenario(dict(confront_rate=1.0, civilian_kidnap_per_100k_year=200.0,
                      civilian_kidnap_murder_probability=0.4), days=60,
                 police=[dict(plaza="Town", kind="army", officers=100)])
    model = sim.CartelModel(s, rng=6)
    model.run_for(model.n_steps)
    metrics, c = run_metrics(model), counts_by_type(model.results())
    assert metrics["civilian_kidnappings"] == c["civilian_kidnapping"] > 0
    for name in ("killed_by_forces", "forces_killed", "civilian_kidnap_murder"):
        assert metrics[f"homicides_{name}"] == c[name] > 0
