"""Whole runs: ``CartelModel(scenario, rng=seed, step=reference.advance)`` gives the compiled
model's tables exactly.

The engine drives the reference model (sim.reference) as it drives the compiled kernel:
events, triggers, splits and buffer flushes between calls. For every shipped scenario (its
first days), for the full runs where the shipped scenarios' events, trigger and split
happen, and for a small scenario where every rule and every kind of event acts, the
violence, control and organizations tables are equal with no tolerance, and so is the
final State.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SHIPPED, TABLES, shipped_results, shipped_scenario
from lockstep_worlds import TINY
from pandas.testing import assert_frame_equal
from test_reference import different_arrays

import sim
from sim import reference
from sim.codes import TRIGGER, TYPE_NAMES
from sim.reference.draws import python_samplers
from sim.runner import for_days
from sim.scenario import Scenario


def run_both(scenario: Scenario, seed: int, days: int | None = None):
    """The compiled model and the reference run like ``sim.run(scenario, seed, days)``."""
    scenario, steps = for_days(scenario, days)
    models = [sim.CartelModel(scenario, rng=seed),
              sim.CartelModel(scenario, rng=seed, step=reference.advance)]
    for model in models:
        model.run_for(steps)
    return models


def assert_same_tables(compiled: sim.Results, mesa: sim.Results) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(compiled, name), getattr(mesa, name), check_exact=True,
                           obj=f"{name} table")


def assert_same_runs(compiled: sim.CartelModel, mesa: sim.CartelModel) -> None:
    assert_same_tables(compiled.results(), mesa.results())
    assert not different_arrays(compiled.state, mesa.state)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_scenario_on_its_first_days(name):
    """120 days (18 weekly steps in the national scenarios)."""
    compiled, mesa = run_both(shipped_scenario(name), seed=3, days=120)
    assert_same_runs(compiled, mesa)
    assert compiled.results().violence["count"].sum() > 0


def test_recording_off_changes_nothing():
    """With no buffers to write into (record=False), the reference ends in the same State."""
    scenario, steps = for_days(shipped_scenario("bcs_2014"), 120)
    compiled = sim.CartelModel(scenario, rng=4)
    mesa = sim.CartelModel(scenario, rng=4, record=False, step=reference.advance)
    for model in (compiled, mesa):
        model.run_for(steps)
    assert not different_arrays(compiled.state, mesa.state)
    assert mesa.recorder.vio_n[0] == 0


def reference_run(name: str, seed: int) -> sim.CartelModel:
    model = sim.CartelModel(shipped_scenario(name), rng=seed, step=reference.advance)
    model.run_for(model.n_steps)
    return model


@pytest.mark.parametrize("seed", [9, 2])
def test_bcs_2014_alliance_entry_and_trigger(seed):
    """Two years: the BLO-Zetas alliance and the Zetas' entry (step 546, 2014-07-01), then
    the federal deployment the homicides trigger (seeds in which it fires: 7 no longer does
    since recruit_payback_days)."""
    model = reference_run("bcs_2014", seed)
    mesa = model.results()
    assert_same_tables(shipped_results("bcs_2014", seed), mesa)
    assert model.state.trig_fired[0] and (model.state.unit_kind == 2).sum() == 3
    zetas = mesa.organizations[mesa.organizations["organization"] == "Zetas"]
    assert zetas["members"].iloc[545] == 0 and zetas["members"].iloc[546] > 0


@pytest.mark.parametrize("seed", [1, 3])
def test_kingpin_removal_and_split(seed):
    """The leader removal (step 366, 2021-01-01) and the splinter it makes."""
    mesa = reference_run("kingpin_removal", seed).results()
    assert_same_tables(shipped_results("kingpin_removal", seed), mesa)
    assert "Pacífico splinter 1" in mesa.organizations["organization"].cat.categories


def test_python_samplers_give_the_same_tables():
    """sim.rng's samplers called through their py_func: the same numbers."""
    scenario, steps = for_days(shipped_scenario("two_cartels"), 120)
    with python_samplers():
        model = sim.CartelModel(scenario, rng=5, step=reference.advance)
        model.run_for(steps)
    assert_same_tables(sim.run(scenario, 5, days=120), model.results())


def everything(step_days: float = 1.0) -> Scenario:
    """Four organizations in four plazas with every rule the shipped scenarios leave off
    switched on (hires, moves, national arrests, saturation, neutral and allied fighting,
    shielding, desertion, a repeatable trigger whose deployments reuse their rows), a
    spin-up, and every kind of event: two leader removals that split (the spare rows allow
    two splinters, a third removal finds none), a deployment, an entry after a hire, purges,
    relation changes and a parameter change."""
    return Scenario.model_validate(dict(
        name="everything",
        simulation=dict(start=dt.date(2020, 1, 1), days=300, step_days=step_days,
                        spin_up_days=10, spare_organizations=2, spare_cells=4),
        parameters={**TINY["parameters"], "split_probability": 0.9, "split_loyalty": 0.85},
        organizations=TINY["organizations"],
        plazas=[{**p, "background_homicides_per_100k_year": 20.0} if p["name"] == "Gamma"
                else p for p in TINY["plazas"]],
        cells=TINY["cells"],
        police=TINY["police"],
        relations=TINY["relations"],
        events=[
            dict(day=dt.date(2020, 1, 21), kind="leader_removed", organization="A"),
            dict(day=dt.date(2020, 2, 10), kind="federal_deployment",
                 plazas=["Gamma", "Alfa"], duration_days=30, officers=40, integrity=0.2),
            dict(day=dt.date(2020, 3, 1), kind="enter", organization="D",
                 plazas=["Alfa", "Delta"], members=7, local=True, loyalty=0.3),
            dict(day=dt.date(2020, 3, 21), kind="police_purge", plazas=["Beta"],
                 integrity=0.6),
            dict(day=dt.date(2020, 3, 31), kind="break_alliance", members=["A", "C"]),
            dict(day=dt.date(2020, 4, 10), kind="war", members=["B", "C"]),
            dict(day=dt.date(2020, 4, 10), kind="parameters",
                 values={"national_arrests_per_day": 1.0,
                         "background_homicides_per_100k_year": 300.0},
                 scale={"clash_rate": 2.0}),
            dict(day=dt.date(2020, 4, 30), kind="alliance", members=["C", "D"],
                 against=["A"]),
            dict(day=dt.date(2020, 5, 30), kind="truce", members=["A", "B"]),
            dict(day=dt.date(2020, 6, 9), kind="leader_removed", organization="C"),
            dict(day=dt.date(2020, 7, 19), kind="police_purge"),
            dict(day=dt.date(2020, 7, 29), kind="leader_removed", organization="D"),
        ],
        triggers=TINY["triggers"],
    ))


@pytest.mark.parametrize("step_days, seed", [(1.0, 1), (1.0, 3), (0.7, 2)])
def test_every_rule_and_every_kind_of_event(step_days, seed):
    scenario = everything(step_days)
    compiled = sim.CartelModel(scenario, rng=seed)
    compiled.run_for(scenario.n_steps)
    calls = []

    def counted(*args):
        calls.append(reference.advance(*args))
        return calls[-1]

    mesa = sim.CartelModel(scenario, rng=seed, step=counted)
    entry = scenario.events[2].resolved_step(scenario)
    mesa.run_for(entry)
    first_spare = len(scenario.cells) + len(scenario.events[2].plazas)
    hired_before_entry = mesa.state.cell_active[first_spare:].any()
    mesa.run_for(scenario.n_steps - entry)
    assert_same_runs(compiled, mesa)
    results = mesa.results()
    assert list(results.organizations["organization"].cat.categories)[4:] == [
        "A splinter 1", "C splinter 1"]
    assert hired_before_entry  # so a cell with a higher row exists before the entered ones
    fired = sum(reason == TRIGGER for _, reason, _ in calls)
    assert fired > 2  # more deployments than the trigger's rows: rows are reused
    assert set(results.violence["type"]) == set(TYPE_NAMES)


def test_dated_events_split_defect_ramps_truce_and_plaza_changes(tmp_path):
    """Kernel and reference stay bit-identical through the dated events of issue 13."""
    from dated_world import world

    scenario = world(tmp_path, '''
[[events]]
day = 2020-02-01
kind = "split"
organization = "North"
new_organization = "La Linea"
cells = ["north home"]
share = 0.4
treasury_share = 0.3

[[events]]
day = 2020-02-15
kind = "war"
members = ["La Linea", "South"]
intensity = 2.0
ramp_days = 30

[[events]]
day = 2020-03-01
kind = "truce"
members = ["North", "South"]
hold_probability = 0.0
breaks_after_days = 20

[[events]]
day = 2020-04-01
kind = "defect"
from = "La Linea"
to = "South"
plazas = ["Sur"]
police = []

[[events]]
day = 2020-05-01
kind = "plaza_change"
plazas = ["Norte"]
population = 90000
background_homicides_per_100k_year = 25.0
''')
    compiled, mesa = run_both(scenario, seed=11)
    assert_same_runs(compiled, mesa)
    assert "La Linea" in set(compiled.results().organizations["organization"])
