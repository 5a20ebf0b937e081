"""The plain-Mesa model of benchmarks/pure_mesa.py gives ``sim.run``'s tables exactly.

benchmarks/mesa_vs_model.py times the compiled model against that model (Mesa agents with
Python methods, the same keyed draws); these tests show the two do the same work: for the
shipped scenarios (events, a trigger, a split) and for a small scenario where every rule and
every kind of event acts, the violence, control and organizations tables are equal, with no
tolerance.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib.util
import sys

import pytest
from conftest import ROOT, TABLES, shipped_results, shipped_scenario
from pandas.testing import assert_frame_equal
from test_kernel import TINY

import sim
from sim.scenario import Scenario

PURE_MESA = ROOT / "benchmarks" / "pure_mesa.py"


def load_pure_mesa():
    """benchmarks/pure_mesa.py as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("pure_mesa", PURE_MESA)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


pure_mesa = sys.modules.get("pure_mesa") or load_pure_mesa()


def run_pure_mesa(scenario: Scenario, seed: int, days: int | None = None, **kw):
    """The pure-Mesa model run like ``sim.run(scenario, seed, days)``: (model, results)."""
    scenario, steps = sim.runner.for_days(scenario, days)
    model = pure_mesa.PureMesaModel(scenario, seed, **kw)
    model.run(steps)
    return model, model.results()


def organization_names(results: sim.Results) -> list[str]:
    return list(results.organizations["organization"].cat.categories)


def assert_same_tables(compiled: sim.Results, mesa: sim.Results) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(compiled, name), getattr(mesa, name), check_exact=True,
                           obj=f"{name} table")


# ----------------------------------------------------------------------------- shipped


@pytest.mark.parametrize("seed", [7, 2])
def test_bcs_2014_alliance_entry_and_trigger(seed):
    """Two years: the BLO-Zetas alliance and the Zetas' entry (step 546, 2014-07-01), then
    the federal deployment the homicides trigger."""
    model, mesa = run_pure_mesa(shipped_scenario("bcs_2014"), seed)
    assert_same_tables(shipped_results("bcs_2014", seed), mesa)
    assert model.triggers[0].fired and model.deployed == 3  # one unit in each of 3 plazas
    zetas = mesa.organizations[mesa.organizations["organization"] == "Zetas"]
    assert zetas["members"].iloc[545] == 0 and zetas["members"].iloc[546] > 0


@pytest.mark.parametrize("seed", [1, 4])
def test_two_cartels(seed):
    assert_same_tables(shipped_results("two_cartels", seed),
                       run_pure_mesa(shipped_scenario("two_cartels"), seed)[1])


@pytest.mark.parametrize("seed", [1, 3])
def test_kingpin_removal_and_split(seed):
    """The leader removal (step 366, 2021-01-01) and the splinter it makes."""
    mesa = run_pure_mesa(shipped_scenario("kingpin_removal"), seed)[1]
    assert_same_tables(shipped_results("kingpin_removal", seed), mesa)
    assert "Pacífico splinter 1" in organization_names(mesa)


def test_python_draws_give_the_same_tables():
    """sim.rng's samplers called through their py_func: the same numbers."""
    scenario = shipped_scenario("two_cartels")
    assert_same_tables(sim.run(scenario, 5, days=120),
                       run_pure_mesa(scenario, 5, days=120, draws="python")[1])


# ----------------------------------------------------------------------------- every rule


def everything(step_days: float = 1.0) -> Scenario:
    """Four organizations in four plazas with every rule the shipped scenarios leave off
    switched on (hires, moves, national arrests, saturation, neutral and allied fighting,
    shielding, desertion, a repeatable trigger whose deployments reuse their slots), a
    spin-up, and every kind of event: two leader removals that split (the spare rows allow
    two splinters, a third removal finds none), a deployment, an entry after a hire, purges,
    relation changes and a parameter change."""
    return Scenario.model_validate(dict(
        name="everything",
        simulation=dict(start=dt.date(2020, 1, 1), days=300, step_days=step_days,
                        spin_up_days=10, spare_organizations=2, spare_cells=4),
        parameters=dict(
            clash_rate=0.002, attack_threshold=0.8, kidnap_rate=0.002,
            assassination_rate=0.05, collateral_per_clash=0.3, hire_rate=0.2,
            hire_cost=20000.0, hire_members=4, move_rate=0.05, national_arrests_per_day=0.3,
            saturation_rate=2e-4, neutral_conflict_factor=0.5, ally_conflict_factor=0.3,
            ally_shielding=1.0, recruit_rate=0.01, recruit_cost=500.0, max_member_share=0.02,
            corruption_rate=0.1, bribe_per_officer_day=20.0, desertion_rate=0.05,
            split_probability=0.9, split_loyalty=0.85,
        ),
        organizations=[
            dict(name="A", treasury=2e5, aggression=0.5, wage_per_member_day=50,
                 bribe_share=0.3),
            dict(name="B", treasury=1000, aggression=0.4, wage_per_member_day=100,
                 bribe_share=0.2),  # tiny treasury: unpaid wages, capped recruits
            dict(name="C", treasury=1e5, aggression=0.3, wage_per_member_day=20),
            dict(name="D", treasury=5e4, aggression=0.6, wage_per_member_day=20),
        ],
        plazas=[
            dict(name="Alfa", population=20000, value_per_day=3000, controller="A",
                 neighbours=["Beta", "Gamma", "Delta"]),
            dict(name="Beta", population=8000, value_per_day=2000, controller="B",
                 neighbours=["Gamma"]),
            dict(name="Gamma", population=5000, value_per_day=1000, controller="C",
                 background_homicides_per_100k_year=20.0),
            dict(name="Delta", population=3000, value_per_day=500, controller="B"),
        ],
        cells=TINY["cells"],  # the kernel test's cells and police
        police=TINY["police"],
        relations=[
            dict(between=["A", "B"], state="war"), dict(between=["A", "C"], state="ally"),
            dict(between=["B", "D"], state="ally"),
            dict(between=["C", "D"], state="war", intensity=0.7),
        ],
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
        triggers=[dict(kind="federal_deployment", when="homicides_10d >= 4", plazas=["Beta"],
                       officers=30, duration_days=15, once=False)],
    ))


@pytest.mark.parametrize("step_days, seed", [(1.0, 1), (1.0, 3), (0.7, 2)])
def test_every_rule_and_every_kind_of_event(step_days, seed):
    scenario = everything(step_days)
    entry = scenario.events[2].resolved_step(scenario)
    model = pure_mesa.PureMesaModel(scenario, seed)
    model.run(entry)
    hired_before_entry = model.spare_cells < scenario.simulation.spare_cells
    model.run(model.n_steps - entry)
    mesa = model.results()
    assert_same_tables(sim.run(scenario, seed), mesa)
    assert organization_names(mesa)[4:] == ["A splinter 1", "C splinter 1"]
    assert hired_before_entry  # so a cell with a higher row exists before the entered ones
    assert model.deployed > len(model.federal_slots)  # the trigger fired again: slots reused
    kinds = set(mesa.violence["type"])
    assert {"clash", "assassination", "collateral", "kidnapping", "kidnap_murder",
            "police_killed", "background", "arrest"} <= kinds


# ----------------------------------------------------------------------------- independence


def test_pure_mesa_does_not_use_the_compiled_model():
    """It may use sim's scenario, ids, codes, keyed draws, events list and Results; never
    the kernel, the mechanisms, CartelModel or the State arrays."""
    tree = ast.parse(PURE_MESA.read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names}
    names = {a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             for a in node.names}
    sim_modules = {m for m in imported if m and m.split(".")[0] == "sim"}
    assert sim_modules <= {"sim", "sim.rng", "sim.codes", "sim.events", "sim.results",
                           "sim.scenario", "sim.state"}, sim_modules
    assert not names & {"kernel", "mechanisms", "model", "CartelModel", "build_state",
                        "State", "apply_event", "deploy_federal"}
