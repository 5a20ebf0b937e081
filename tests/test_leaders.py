"""A leader's removal beyond the split draw (lost cohesion, succession fights, captures that
end wars) and mobilization and patronage (reserves, allies' support, clients), on tiny
scenarios with every other rate off (``conftest.tiny``); docs/model.md §7."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import tiny

import sim
from sim.codes import ALLY, L_MOBILIZED, NEUTRAL, WAR
from sim.state import LEDGER_COLUMNS

AT_WAR = [{"between": ["A", "B"], "state": "war"}]
NO_SPLIT = {"split_probability": 0.0}


def run(scenario, seed=1):
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(model.n_steps)
    return model


def per_step(model, org: str, column: str) -> np.ndarray:
    """The ledger column's change in each recorded step, int64 (T,)."""
    row = model.names.organizations.index(org)
    cumulative = model.recorder.dense["rec_ledger"][: model.n_steps, row,
                                                    LEDGER_COLUMNS.index(column)]
    return np.diff(cumulative, prepend=0)


def removal(org: str, day: str, **fields) -> dict:
    return {"kind": "leader_removed", "organization": org, "day": day, **fields}


# --------------------------------------------------------------------- lost cohesion
def test_lost_cohesion_raises_desertion_for_exactly_its_days():
    """A paid organization does not desert; during lost cohesion (5 days from day 10) its
    members desert at desertion_rate (1 - loyalty) (factor - 1), on each of those days only."""
    params = {**NO_SPLIT, "desertion_rate": 0.2, "cohesion_desertion_factor": 3.0}
    model = run(tiny(params, days=30, events=[removal("B", "2020-01-11", cohesion_days=5)]))
    deserted = per_step(model, "B", "deserted")
    assert (deserted[10:15] > 0).all()
    assert deserted[:10].sum() == 0 and deserted[15:].sum() == 0
    assert per_step(model, "A", "deserted").sum() == 0


def test_lost_cohesion_lowers_firepower_for_exactly_its_days():
    """The controller's share of the armed strength in its plaza falls from 1/2 to 1/3 while
    its firepower is halved (cohesion_loss_days, the parameter), and comes back."""
    params = {**NO_SPLIT, "cohesion_loss_days": 4, "cohesion_firepower_factor": 0.5}
    model = run(tiny(params, days=20, events=[removal("A", "2020-01-06")]))
    share = model.recorder.dense["rec_share"][:20, 0]
    expected = np.full(20, 0.5)
    expected[5:9] = 50 / 150
    assert np.array_equal(share, expected)


def test_lost_cohesion_lowers_aggression_so_the_organization_stops_attacking():
    """B out-guns nobody: it attacks A's plaza only through its aggression (score (1 +
    aggression) >= attack_threshold); a cohesion factor of 0 takes the attacks away for
    the period, so clashes (and their deaths) fall to the rate without the attack multiplier."""
    params = {**NO_SPLIT, "clash_rate": 0.004, "lethality": 0.001, "attack_threshold": 1.5,
              "attack_multiplier": 20.0, "cohesion_aggression_factor": 0.0}
    orgs = [{"name": "A", "treasury": 1e9}, {"name": "B", "aggression": 0.9, "treasury": 1e9}]
    events = [removal("B", "2020-02-01", cohesion_days=60)]
    v = run(tiny(params, days=120, organizations=orgs, relations=AT_WAR, events=events),
            seed=2).results().violence
    clashes = v[v["type"] == "clash"].groupby("date")["count"].sum()  # deaths in clashes
    def daily(first, last):
        return clashes[pd.Timestamp(first):pd.Timestamp(last)].sum() / (
            (pd.Timestamp(last) - pd.Timestamp(first)).days + 1)
    assert daily("2020-02-01", "2020-03-31") * 5 < daily("2020-01-01", "2020-01-31")
    assert daily("2020-02-01", "2020-03-31") * 5 < daily("2020-04-01", "2020-04-29")


def test_a_capture_that_ends_wars_ends_them_both_ways():
    params = {**NO_SPLIT, "clash_rate": 0.01, "lethality": 0.01}
    model = run(tiny(params, days=40, relations=AT_WAR,
                     events=[removal("A", "2020-01-11", ends_wars=True)]))
    assert model.state.relation[0, 1] == model.state.relation[1, 0] == NEUTRAL
    clashes = model.results().violence.query("type == 'clash'")
    assert len(clashes) > 0 and clashes["date"].max() < pd.Timestamp("2020-01-11")
    kept = run(tiny(params, days=40, relations=AT_WAR, events=[removal("A", "2020-01-11")]))
    assert kept.state.relation[0, 1] == WAR


def test_a_succession_fight_forms_a_splinter_at_war_with_the_parent():
    cells = [{"organization": "A", "plaza": "P", "members": 100, "loyalty": 0.3},
             {"organization": "A", "plaza": "P", "members": 50},
             {"organization": "B", "plaza": "P", "members": 100}]
    events = [removal("A", "2020-01-05")]
    fight = run(tiny({**NO_SPLIT, "succession_fight_probability": 1.0}, days=10, cells=cells,
                     events=events))
    assert fight.names.organizations == ["A", "B", "A splinter 1"]
    assert fight.state.relation[0, 2] == WAR
    calm = run(tiny(NO_SPLIT, days=10, cells=cells, events=events))
    assert calm.names.organizations == ["A", "B"]


# --------------------------------------------------------------------- mobilization
def mobilizing(days=60, **sections):
    params = {"mobilization_rate": 0.05, "mobilization_cost": 100.0}
    plazas = [{"name": "P", "population": 100_000, "controller": "A", "value_per_day": 1000}]
    return tiny(params, days=days, plazas=plazas, **sections)


def test_a_reserve_flows_in_only_while_at_war():
    orgs = [{"name": "A", "treasury": 1e9, "reserve": 2000},
            {"name": "B", "treasury": 1e9, "reserve": 2000}]
    truce = [{"kind": "truce", "members": ["A", "B"], "day": "2020-01-31"}]
    model = run(mobilizing(organizations=orgs, relations=AT_WAR, events=truce))
    for org in ("A", "B"):
        arrived = per_step(model, org, "mobilized")
        assert (arrived[:30] > 0).sum() > 20 and arrived[30:].sum() == 0
    peace = run(mobilizing(organizations=orgs))
    assert peace.state.ledger[:, L_MOBILIZED].sum() == 0


def test_a_reserve_flows_in_only_while_paid_for_and_the_ledger_stays_exact():
    """B (no money, wages due) brings no one; A pays mobilization_cost for each arrival; the
    members identity holds with the mobilized column."""
    orgs = [{"name": "A", "treasury": 1e6, "reserve": 2000},
            {"name": "B", "treasury": 0.0, "wage_per_member_day": 10.0, "reserve": 2000}]
    model = run(mobilizing(organizations=orgs, relations=AT_WAR))
    state, col = model.state, {c: i for i, c in enumerate(LEDGER_COLUMNS)}
    arrived = state.ledger[:, col["mobilized"]]
    assert arrived[1] == 0 and arrived[0] > 0
    assert state.org_reserve[0] == 2000 - arrived[0]
    assert state.org_treasury[0] == 1e6 + 1000 * 60 - 100.0 * arrived[0]
    for row in (0, 1):
        members = state.cell_members[(state.cell_org == row) & state.cell_active].sum()
        flows = state.ledger[row]
        assert members == 100 + flows[col["recruited"]] - flows[col["killed"]] \
            - flows[col["arrested"]] - flows[col["deserted"]] + flows[col["moved"]] \
            + flows[col["mobilized"]]


def test_the_stakes_drive_mobilization():
    """B, holding nothing while A holds the plaza (stakes 1), brings more than A, whose
    contested plaza is half of what it holds and has at stake (stakes 1/2)."""
    orgs = [{"name": "A", "treasury": 1e9, "reserve": 5000},
            {"name": "B", "treasury": 1e9, "reserve": 5000}]
    model = run(mobilizing(days=10, organizations=orgs, relations=AT_WAR))
    a, b = model.state.ledger[:2, L_MOBILIZED]
    assert 1.5 < b / a < 2.6


# --------------------------------------------------------------------- patronage
def client_world(patron_treasury=1e9, params=None, relations=AT_WAR, **orgs_extra):
    orgs = [{"name": "A", "treasury": patron_treasury}, {"name": "B", "treasury": 1e9},
            {"name": "C", "patron": "A", "stipend_per_day": 100.0, **orgs_extra}]
    cells = [{"organization": "A", "plaza": "P", "members": 100},
             {"organization": "B", "plaza": "P", "members": 100},
             {"organization": "C", "plaza": "P", "members": 50, "local": True}]
    return tiny(params or {}, days=30, organizations=orgs, cells=cells, relations=relations)


def test_a_client_is_paid_by_its_patron_and_fights_its_enemies():
    model = run(client_world(params={"clash_rate": 0.002, "lethality": 0.02}))
    state = model.state
    assert state.org_treasury[2] == 100.0 * 30 and state.org_treasury[0] == 1e9 - 100.0 * 30
    assert state.relation[2, 0] == ALLY and state.relation[2, 1] == WAR
    v = model.results().violence
    assert ((v["type"] == "clash") & (v["perpetrator"] == "C") & (v["victim"] == "B")).any()


def test_relations_given_in_the_scenario_override_a_clients_defaults():
    given = AT_WAR + [{"between": ["C", "B"], "state": "neutral"}]
    state = run(client_world(relations=given)).state
    assert state.relation[2, 1] == NEUTRAL and state.relation[2, 0] == ALLY


def test_a_client_unpaid_for_client_loyalty_days_stops_fighting_for_its_patron():
    """A can pay 5 days of stipend; 10 days later (client_loyalty_days) C leaves it."""
    model = run(client_world(patron_treasury=500.0, params={"client_loyalty_days": 10}))
    state = model.state
    assert state.org_patron[2] == -1
    assert state.relation[2, 0] == NEUTRAL and state.relation[2, 1] == NEUTRAL
    assert state.relation[0, 1] == WAR
    assert state.org_treasury[2] == 500.0
    loyal = run(client_world(patron_treasury=500.0)).state  # client_loyalty_days = 0: never
    assert loyal.org_patron[2] == 0 and loyal.relation[2, 1] == WAR


def test_an_ally_sends_a_share_of_its_surplus_to_a_poorer_ally_at_war():
    """A collects 1000 a day and spends nothing; C (no money) is its ally at war with B."""
    orgs = [{"name": "A", "treasury": 1e6}, {"name": "B", "treasury": 1e9},
            {"name": "C", "treasury": 0.0}]
    plazas = [{"name": "P", "population": 100_000, "controller": "A", "value_per_day": 1000}]
    relations = [{"between": ["A", "C"], "state": "ally"},
                 {"between": ["C", "B"], "state": "war"}]
    params = {"ally_support_share": 0.25}
    state = run(tiny(params, days=20, organizations=orgs, plazas=plazas,
                     relations=relations)).state
    assert state.org_treasury[2] == 250.0 * 20
    assert state.org_treasury[0] == 1e6 + 750.0 * 20
    at_peace = run(tiny(params, days=20, organizations=orgs, plazas=plazas,
                        relations=relations[:1])).state
    assert at_peace.org_treasury[2] == 0.0
