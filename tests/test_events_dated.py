"""Dated changes per pair and per plaza, and variants that append: war intensity and its
ramps, truces that may not hold, plaza_change events and yearly series, [[append.*]]."""

from __future__ import annotations

import pytest
from dated_world import run_to, world

import sim
from sim.codes import NEUTRAL, WAR
from sim.scenario import ScenarioError

RAMP = '''
[[events]]
day = 2020-02-01
kind = "intensity"
between = ["North", "South"]
intensity = 0.2
ramp_days = 28
'''  # step 31; weekly changes: 0.8, 0.6, 0.4, 0.2 at steps 38, 45, 52, 59


def pair(model, a="North", b="South"):
    row = model.engine.org_row
    return row[a], row[b]


@pytest.mark.parametrize(("step", "value"), [(31, 1.0), (32, 1.0), (39, 0.8), (46, 0.6),
                                             (53, 0.4), (60, 0.2), (120, 0.2)])
def test_an_intensity_ramp_moves_linearly_in_weekly_changes(tmp_path, step, value):
    model = run_to(world(tmp_path, RAMP), step)
    a, b = pair(model)
    assert model.state.intensity[a, b] == pytest.approx(value)
    assert model.state.intensity[b, a] == model.state.intensity[a, b]


def test_without_a_ramp_the_intensity_changes_at_once(tmp_path):
    model = run_to(world(tmp_path, RAMP.replace("ramp_days = 28", "")), 32)
    assert model.state.intensity[pair(model)] == 0.2


def test_a_war_from_peace_ramps_up_from_zero_and_a_truce_cancels_the_ramp(tmp_path):
    war = '''
[[events]]
day = 2020-02-01
kind = "war"
members = ["North", "East"]
intensity = 2.0
ramp_days = 14

[[events]]
day = 2020-02-10
kind = "truce"
members = ["North", "East"]
'''
    scenario = world(tmp_path, war)
    model = run_to(scenario, 39)
    a, b = pair(model, "North", "East")
    assert model.state.relation[a, b] == WAR and model.state.intensity[a, b] == 1.0  # 0 -> 2
    model.run_for(20)
    assert model.state.relation[a, b] == NEUTRAL and model.state.intensity[a, b] == 1.0


TRUCE = '''
[[events]]
day = 2020-02-01
kind = "truce"
members = ["North", "South"]
hold_probability = {p}
breaks_after_days = 30
'''


@pytest.mark.parametrize(("p", "at_war_later"), [(1.0, False), (0.0, True)])
def test_a_truce_that_does_not_hold_ends_in_war_after_breaks_after_days(tmp_path, p,
                                                                         at_war_later):
    model = run_to(world(tmp_path, TRUCE.format(p=p)), 32)
    assert model.state.relation[pair(model)] == NEUTRAL
    model.run_for(29)  # step 61: the break is due at step 31 + 30
    assert model.state.relation[pair(model)] == NEUTRAL
    model.run_for(1)
    assert (model.state.relation[pair(model)] == WAR) == at_war_later
    notes = model.results().meta.get("notes", [])
    assert any("the truce does not hold" in n for n in notes) == at_war_later


def test_a_truce_draw_is_seeded_same_seed_same_result(tmp_path):
    scenario = world(tmp_path, TRUCE.format(p=0.5))
    outcomes = {seed: [run_to(scenario, 70, seed).state.relation[0, 1] for _ in range(2)]
                for seed in range(12)}
    assert all(a == b for a, b in outcomes.values())
    assert {a for a, _ in outcomes.values()} == {WAR, NEUTRAL}  # both happen across seeds


PLAZA_CHANGE = '''
[[events]]
day = 2020-03-01
kind = "plaza_change"
plazas = ["Sur"]
population = 80000
background_homicides_per_100k_year = 30.0
value_per_day = 9000

[[events]]
day = 2020-04-01
kind = "parameters"
values = { background_homicides_per_100k_year = 1.0 }
'''


def test_a_plaza_change_sets_population_value_and_background_from_its_day(tmp_path):
    scenario = world(tmp_path, PLAZA_CHANGE)
    model = run_to(scenario, 60)  # 2020-03-01 is step 60
    s = model.state
    assert (s.plaza_population[1], s.plaza_value[1]) == (50000, 5000)
    model.run_for(1)
    assert (s.plaza_population[1], s.plaza_value[1], s.plaza_background[1]) == (80000, 9000,
                                                                                30.0)
    model.run_for(40)
    assert s.plaza_background[1] == 30.0 and s.plaza_background[0] == 1.0  # kept its own


def test_yearly_series_apply_from_1_january_and_a_year_before_the_start_from_the_start(
        tmp_path):
    series = world(tmp_path, "").model_dump()
    series["simulation"]["days"] = 500
    series["plazas"][0]["population_by_year"] = {2019: 40000, 2021: 70000}
    series["plazas"][1]["background_by_year"] = {2021: 12.0}
    scenario = sim.scenario.validate(series, "series")
    model = run_to(scenario, 1)
    assert model.state.plaza_population[0] == 40000
    model.run_for(365)  # 2021-01-01 is step 366
    assert model.state.plaza_population[0] == 40000
    model.run_for(1)
    assert model.state.plaza_population[0] == 70000 and model.state.plaza_background[1] == 12.0


def test_a_variant_appends_to_the_merged_lists_after_remove(tmp_path):
    world(tmp_path, RAMP)
    (tmp_path / "variant.toml").write_text('''
base = "dated.toml"
remove = ["events[kind=intensity]"]

[[append.organizations]]
name = "West"

[[append.events]]
day = 2020-03-01
kind = "war"
members = ["West", "East"]
''', encoding="utf-8")
    scenario = sim.load_scenario(tmp_path / "variant.toml")
    assert [o.name for o in scenario.organizations][-1] == "West"
    assert [e.kind for e in scenario.events] == ["war"]


def test_a_base_may_hold_only_parameters_and_only_the_merge_is_validated(tmp_path):
    (tmp_path / "behaviour.toml").write_text("[parameters]\nclash_rate = 0.004\n")
    world(tmp_path, "").to_toml(tmp_path / "full.toml")
    text = (tmp_path / "full.toml").read_text()
    (tmp_path / "full.toml").write_text('base = "behaviour.toml"\n' + text.replace(
        "clash_rate = 0.002\n", ""))
    assert sim.load_scenario(tmp_path / "full.toml").parameters.clash_rate == 0.004
    with pytest.raises(ScenarioError, match="name"):
        sim.load_scenario(tmp_path / "behaviour.toml")


def test_an_appended_entry_is_validated_like_any_other(tmp_path):
    world(tmp_path, "")
    (tmp_path / "variant.toml").write_text(
        'base = "dated.toml"\n[[append.cells]]\norganization = "Nobody"\nplaza = "Sur"\n'
        "members = 3\n")
    with pytest.raises(ScenarioError, match=r"cells\[4\]\.organization: unknown organization "
                       "'Nobody'"):
        sim.load_scenario(tmp_path / "variant.toml")


def test_a_scenario_with_the_new_fields_round_trips_through_its_resolved_toml(tmp_path):
    scenario = world(tmp_path, TRUCE.format(p=0.5) + '''
[[events]]
day = 2020-03-01
kind = "defect"
from = "North"
to = "East"
cells = ["north away"]
''')
    data = scenario.model_dump()
    data["plazas"][0]["population_by_year"] = {2020: 45000}
    scenario = sim.scenario.validate(data, "series")
    scenario.to_toml(tmp_path / "resolved.toml")
    assert sim.load_scenario(tmp_path / "resolved.toml") == scenario
