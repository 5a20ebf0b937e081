"""One mechanism at a time, on tiny hand-made scenarios with every other rate off
(``conftest.tiny``), read from the output tables and the state (docs/model.md): violence,
grievance, background homicides and fragmentation here; policing and corruption in
test_policing.py; triggers in test_triggers.py."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny
from tiny_worlds import ALLY, WAR, counts, ledger_total

import sim
from sim.state import LEDGER_COLUMNS


# --------------------------------------------------------------------- 3. clashes
def test_a_clash_kills_on_both_sides():
    scenario = tiny({"clash_rate": 0.001, "lethality": 0.05}, relations=WAR)
    model = sim.CartelModel(scenario, rng=1)
    model.run_for(model.n_steps)
    v = model.results().violence
    a_killed = counts(v, type="clash", perpetrator="B", victim="A")
    b_killed = counts(v, type="clash", perpetrator="A", victim="B")
    assert a_killed > 0 and b_killed > 0
    assert ledger_total(model, "A", "killed") == a_killed
    assert ledger_total(model, "B", "killed") == b_killed
    assert set(v["type"]) == {"clash"}, "only clashes were switched on"
    # neutral organizations (neutral_conflict_factor = 0) never clash
    calm = sim.run(tiny({"clash_rate": 0.001, "lethality": 0.05}), seed=1)
    assert calm.violence.empty


def test_payroll_police_fight_for_their_patron():
    """Deaths a patron inflicts are split by firepower among its cells and its payroll
    police: with strong police, some of B's deaths are the patron's, done by police."""
    params = {"clash_rate": 0.001, "lethality": 0.05, "police_firepower": 5.0,
              "bribe_per_officer_day": 0.0}
    police = [{"plaza": "P", "kind": "state", "officers": 100, "payroll": "A"}]
    v = sim.run(tiny(params, relations=WAR, police=police), seed=1).violence
    by_police = v[(v["via"] == "police") & (v["type"] == "clash")]
    assert counts(by_police) > 0
    assert set(by_police["perpetrator"]) == {"A"} and set(by_police["victim"]) == {"B"}
    # B's own killings are never attributed to police (B has none on its payroll)
    assert counts(v, type="clash", perpetrator="B", via="police") == 0
    # officers on A's payroll die in the fight, killed by B
    assert counts(v, type="police_killed", perpetrator="B", victim="police") > 0
    # with the same police clean, nobody's killings are done by police
    clean = [{"plaza": "P", "kind": "state", "officers": 100}]
    v_clean = sim.run(tiny(params, relations=WAR, police=clean), seed=1).violence
    assert counts(v_clean, via="police") == 0
    assert counts(v_clean, type="clash") > 0


# --------------------------------------------------------------------- 2 + 3. alliances
def test_allies_do_not_fight_and_enemies_do():
    params = {"clash_rate": 0.001, "lethality": 0.02, "kidnap_rate": 0.002}
    allied = sim.run(tiny(params, relations=ALLY), seed=3).violence
    assert allied.empty
    at_war = sim.run(tiny(params, relations=WAR), seed=3).violence
    assert counts(at_war, type="clash") > 0 and counts(at_war, type="kidnapping") > 0
    # the parameter that lets allies fight a little (the national model) does so
    rivals = sim.run(tiny({**params, "ally_conflict_factor": 1.0}, relations=ALLY), seed=3)
    assert counts(rivals.violence, type="clash") > 0


def test_an_alliance_event_stops_the_fighting_from_its_step():
    orgs = [{"name": "A", "aggression": 0.0}, {"name": "B", "aggression": 0.0}, {"name": "C"}]
    events = [{"kind": "alliance", "step": 100, "members": ["A", "B"], "against": ["C"]}]
    scenario = tiny({"clash_rate": 0.001, "lethality": 0.01}, days=250, relations=WAR,
                    organizations=orgs, events=events)
    model = sim.CartelModel(scenario, rng=1)
    model.run_for(model.n_steps)
    v = model.results().violence
    clash = v[v["type"] == "clash"]
    assert counts(clash[clash["step"] < 100]) > 0
    assert counts(clash[clash["step"] >= 100]) == 0
    a, b, c = model.organizations
    assert a.relation_to(b) == "ally" and a.relation_to(c) == "war"


# --------------------------------------------------------------------- 4. assassinations
ASSASSINS = {"assassination_rate": 0.05, "assassination_success": 1.0,
             "lieutenant_kill_probability": 0.0, "attack_threshold": 0.0,
             "boss_replacement_days": 20.0}


def test_a_dead_boss_leaves_the_plaza_leaderless_until_a_replacement_arrives():
    scenario = tiny({**ASSASSINS, "takeover_share": 1.0}, days=200, relations=WAR)
    model = sim.CartelModel(scenario, rng=1)
    alive = []
    while model.running:
        model.step()
        alive.append(bool(model.state.plaza_boss_alive[0]))
    v = model.results().violence
    hits = v[v["type"] == "assassination"]
    assert len(hits) >= 2
    assert set(hits["perpetrator"]) == {"B"} and set(hits["victim"]) == {"A"}
    assert (hits["count"] == 1).all()  # no lieutenants
    first = int(hits["step"].min())
    assert all(alive[:first]), "the boss was alive until the first assassination"
    assert not alive[first], "the plaza is leaderless after the assassination"
    back = first + alive[first:].index(True)
    assert back > first + 1, "the replacement takes time"
    # the next assassination only comes once a new boss is there to kill
    second = int(hits["step"][hits["step"] > first].min())
    assert second > back
    assert not alive[second]
    # takeover_share = 1 keeps A in control however weak its leadership
    assert model.state.plaza_controller[0] == 0
    assert ledger_total(model, "A", "killed") == counts(hits)


def test_lieutenants_die_with_their_boss():
    scenario = tiny({**ASSASSINS, "takeover_share": 1.0, "lieutenant_kill_probability": 1.0},
                    days=200, relations=WAR)
    hits = sim.run(scenario, seed=1).violence.query("type == 'assassination'")
    assert len(hits) > 0 and (hits["count"] == 2).all()


def test_a_stronger_challenger_takes_the_plaza_only_once_the_boss_is_dead():
    """B holds 75% of the firepower (>= takeover_share 0.6) but A is above collapse_share:
    the plaza changes hands at the step its boss is assassinated, not before."""
    cells = [{"organization": "A", "plaza": "P", "members": 100},
             {"organization": "B", "plaza": "P", "members": 300}]
    scenario = tiny({**ASSASSINS, "assassination_rate": 0.02}, days=200, relations=WAR,
                    cells=cells)
    result = sim.run(scenario, seed=2)
    first = int(result.violence.query("type == 'assassination'")["step"].min())
    ctrl = result.control.set_index("step")["controller"]
    assert (ctrl[ctrl.index < first] == "A").all()
    assert (ctrl[ctrl.index >= first] == "B").all()


def test_payroll_police_protect_the_boss():
    """Each payroll officer of the controller cuts an attempt's success multiplicatively:
    100 officers at 5% each leave 0.95^100 (under 1%) of the success."""
    guards = [{"plaza": "P", "kind": "state", "officers": 100, "payroll": "A"}]
    params = {**ASSASSINS, "takeover_share": 1.0, "assassination_success": 0.5,
              "bribe_per_officer_day": 0.0}
    hits = []
    for police in ([], guards):
        scenario = tiny(params, days=200, relations=WAR, police=police)
        hits.append(sum(counts(sim.run(scenario, seed=s).violence, type="assassination")
                        for s in range(5)))
    assert hits[0] >= 10
    assert hits[1] <= 1


# --------------------------------------------------------------------- 6. kidnappings
def test_kidnappings_produce_kidnapping_rows_and_some_murders():
    scenario = tiny({"kidnap_rate": 0.002, "kidnap_murder_probability": 0.5}, relations=WAR)
    model = sim.CartelModel(scenario, rng=1)
    model.run_for(model.n_steps)
    v = model.results().violence
    taken, murdered = counts(v, type="kidnapping"), counts(v, type="kidnap_murder")
    assert taken > 0 and 0 < murdered < taken
    assert not v.loc[v["type"] == "kidnapping", "lethal"].any()
    assert v.loc[v["type"] == "kidnap_murder", "lethal"].all()
    for victim, captor in (("A", "B"), ("B", "A")):
        assert counts(v, type="kidnapping", perpetrator=captor, victim=victim) > 0
        assert ledger_total(model, victim, "killed") == counts(
            v, type="kidnap_murder", perpetrator=captor, victim=victim)
    # kidnappings give the captor intelligence
    assert model.state.cell_intel[model.state.cell_active].max() > 0
    # nobody is murdered when captives are always released
    spared = tiny({"kidnap_rate": 0.002, "kidnap_murder_probability": 0.0}, relations=WAR)
    v0 = sim.run(spared, seed=1).violence
    assert counts(v0, type="kidnapping") > 0 and counts(v0, type="kidnap_murder") == 0


# --------------------------------------------------------------------- 11. grievance
@pytest.mark.slow
def test_grievance_makes_conflict_homicides_more_overdispersed():
    """Retaliation clusters killings in time (self-exciting): the variance/mean ratio of
    weekly conflict homicides, pooled over 40 seeds, is much higher with grievance at a
    matched mean. Big cells keep the rates nearly constant over the half year."""
    cells = [{"organization": "A", "plaza": "P", "members": 1000},
             {"organization": "B", "plaza": "P", "members": 1000}]
    plazas = [{"name": "P", "population": 10_000_000, "controller": "A"}]

    def weekly(params):
        scenario = tiny(params, days=182, relations=WAR, cells=cells, plazas=plazas)
        series = [sim.run(scenario, seed=s).homicides("W", conflict_only=True).to_numpy()[1:-1]
                  for s in range(40)]  # whole weeks only
        x = np.concatenate(series)
        return x.mean(), x.var(ddof=1) / x.mean()

    mean_0, ratio_0 = weekly({"clash_rate": 7e-5, "lethality": 0.004})
    mean_g, ratio_g = weekly({"clash_rate": 2e-5, "lethality": 0.004,
                              "grievance_weight": 0.5, "grievance_half_life_days": 7})
    assert mean_0 > 2 and mean_g > 2
    assert abs(mean_g / mean_0 - 1) < 0.25, "means should be roughly matched"
    assert ratio_g > 1.4 * ratio_0


def test_grievance_raises_the_clash_rate():
    """The same seeds and base rate with grievance on give more conflict deaths."""
    cells = [{"organization": "A", "plaza": "P", "members": 300},
             {"organization": "B", "plaza": "P", "members": 300}]
    base = {"clash_rate": 1e-4, "lethality": 0.005, "grievance_half_life_days": 30}
    totals = []
    for weight in (0.0, 0.3):
        scenario = tiny({**base, "grievance_weight": weight}, days=120, relations=WAR,
                        cells=cells)
        totals.append(sum(counts(sim.run(scenario, seed=s).violence, type="clash")
                          for s in range(10)))
    assert totals[1] > 1.3 * totals[0] > 0


# --------------------------------------------------------------------- 12. background
@pytest.mark.slow
def test_background_homicides_match_their_poisson_expectation():
    plazas = [{"name": "P", "population": 100_000, "controller": "A"},
              {"name": "Q", "population": 30_000, "background_homicides_per_100k_year": 40.0}]
    days, seeds = 730, range(60)
    scenario = tiny({"background_homicides_per_100k_year": 10.0}, days=days, plazas=plazas)
    totals = {"P": 0, "Q": 0}
    for seed in seeds:
        v = sim.run(scenario, seed=seed).violence
        assert set(v["type"]) <= {"background"}
        assert set(v["perpetrator"]) <= {"unknown"} and set(v["victim"]) <= {"civilian"}
        assert set(v["via"]) <= {"none"}
        for plaza in totals:
            totals[plaza] += counts(v, plaza=plaza)
    for plaza, rate, population in (("P", 10.0, 100_000), ("Q", 40.0, 30_000)):
        expected = rate / 1e5 * population * days / 365.25 * len(seeds)
        assert abs(totals[plaza] - expected) < 4 * np.sqrt(expected), (plaza, totals[plaza],
                                                                       expected)


# --------------------------------------------------------------------- 13. fragmentation
def test_a_leader_removal_splits_off_the_least_loyal_cells():
    cells = [{"organization": "A", "plaza": "P", "members": 50, "loyalty": 0.9},
             {"organization": "A", "plaza": "P", "members": 20, "loyalty": 0.3, "name": "crew"},
             {"organization": "A", "plaza": "Q", "members": 7, "loyalty": 0.2, "name": "far"},
             {"organization": "B", "plaza": "P", "members": 30}]
    plazas = [{"name": "P", "population": 100_000, "controller": "A"},
              {"name": "Q", "population": 10_000, "controller": "A"}]
    events = [{"kind": "leader_removed", "step": 10, "organization": "A"}]
    params = {"split_probability": 1.0, "split_loyalty": 0.6}
    scenario = tiny(params, days=40, relations=WAR, cells=cells, plazas=plazas, events=events)
    model = sim.CartelModel(scenario, rng=1)
    model.run_for(10)
    assert [o.name for o in model.organizations] == ["A", "B"]
    model.step()
    a, b, splinter = model.organizations
    assert splinter.name == "A splinter 1"
    assert splinter.relation_to(a) == "war"
    assert splinter.relation_to(b) == a.relation_to(b) == "war"  # inherits the parent's
    assert {(c.organization.name, c.members) for c in model.cells} == {
        ("A", 50), ("A splinter 1", 20), ("A splinter 1", 7), ("B", 30)}
    assert not a.leader_alive and splinter.leader_alive
    model.run_for(model.n_steps - model.steps)
    orgs = model.results().organizations
    spl = orgs[orgs["organization"] == "A splinter 1"]
    assert spl["step"].min() == 10
    assert spl.set_index("step").loc[10, "members"] == 27
    moved = LEDGER_COLUMNS.index("moved")
    assert model.state.ledger[0, moved] == -27 and model.state.ledger[2, moved] == 27

    # no split when it is not drawn, or when every cell is loyal
    for other in ({"split_probability": 0.0, "split_loyalty": 0.6},
                  {"split_probability": 1.0, "split_loyalty": 0.1}):
        quiet = tiny(other, days=40, relations=WAR, cells=cells, plazas=plazas, events=events)
        assert set(sim.run(quiet, seed=1).organizations["organization"]) == {"A", "B"}
