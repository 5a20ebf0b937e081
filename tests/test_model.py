"""The model as a whole: reproducibility, common random numbers, the clock, the ledger, the
Mesa views, and the one-call entry points (docs/model.md; README, "From Python")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import (
    GENERIC_DAYS,
    SHIPPED,
    TABLES,
    finished_model,
    generic_model,
    initial_members,
    shipped_results,
    shipped_scenario,
)
from pandas.testing import assert_frame_equal

import sim
from sim.codes import FEDERAL
from sim.scenario import Scenario
from sim.state import LEDGER_COLUMNS

KILLED_TYPES = ("clash", "assassination", "kidnap_murder", "killed_by_forces")  # lethal, victim an org


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with categories as text, so tables of scenarios with different name lists
    (an extra plaza, a splinter) compare by value."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(str)
    return out.reset_index(drop=True)


def sorted_violence(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["step", "plaza", "type", "perpetrator", "via", "victim"]
    return plain(frame).sort_values(keys).reset_index(drop=True)


# --------------------------------------------------------------------- reproducibility
@pytest.mark.parametrize("name", SHIPPED)
def test_same_seed_same_tables_and_other_seed_differs(name):
    scenario = shipped_scenario(name)
    days = min(scenario.simulation.days, GENERIC_DAYS)
    first, again = sim.run(scenario, seed=11, days=days), sim.run(scenario, seed=11, days=days)
    for table in TABLES:
        assert_frame_equal(getattr(first, table), getattr(again, table))
    assert first.meta["seed"] == again.meta["seed"] == 11
    other = sim.run(scenario, seed=12, days=days)
    assert not first.violence.equals(other.violence)
    assert len(first.violence) > 0


# --------------------------------------------------------------------- common random numbers
def test_no_alliance_matches_bcs_2014_until_the_alliance_and_differs_after():
    base = shipped_scenario("bcs_2014")
    alliance = next(e for e in base.events if e.kind == "alliance")
    assert alliance.day == dt.date(2014, 7, 1)
    cut = alliance.resolved_step(base)
    assert cut == (dt.date(2014, 7, 1) - base.simulation.start).days
    for seed in (1, 2):
        a, b = shipped_results("bcs_2014", seed), shipped_results("bcs_2014_no_alliance", seed)
        for table in TABLES:
            ta, tb = getattr(a, table), getattr(b, table)
            assert (ta["step"] < cut).any()
            assert_frame_equal(ta[ta["step"] < cut].reset_index(drop=True),
                               tb[tb["step"] < cut].reset_index(drop=True))
        after = [not getattr(a, t)[getattr(a, t)["step"] >= cut].reset_index(drop=True).equals(
                 getattr(b, t)[getattr(b, t)["step"] >= cut].reset_index(drop=True))
                 for t in TABLES]
        assert after[0] and after[2], "the alliance changed nothing after its step"


def _with_extra_plaza(scenario: Scenario, first: bool) -> Scenario:
    data = scenario.model_dump(mode="python")
    position = 0 if first else len(data["plazas"])
    data["plazas"].insert(position, {"name": "Pueblo Nuevo", "population": 80_000,
                                     "value_per_day": 0.0})
    return Scenario.model_validate(data)


@pytest.mark.parametrize("first", [True, False])
def test_an_unrelated_plaza_does_not_change_the_others_draws(bcs, first):
    """Draws are keyed by stable ids, not array rows: inserting a plaza (first, shifting
    every row, or last) leaves the original plazas' violence and control identical."""
    bigger = _with_extra_plaza(bcs, first)
    assert len(bigger.plazas) == len(bcs.plazas) + 1
    assert (bigger.plazas[0 if first else -1].name == "Pueblo Nuevo")
    for seed in (1, 3):
        a, b = shipped_results("bcs_2014", seed), sim.run(bigger, seed=seed)
        extra = b.violence["plaza"] == "Pueblo Nuevo"
        assert extra.any(), "the new plaza should have background homicides of its own"
        pd.testing.assert_frame_equal(sorted_violence(a.violence),
                                      sorted_violence(b.violence[~extra]))
        ca = plain(a.control).sort_values(["step", "plaza"]).reset_index(drop=True)
        cb = b.control[b.control["plaza"] != "Pueblo Nuevo"]
        cb = plain(cb).sort_values(["step", "plaza"]).reset_index(drop=True)
        assert_frame_equal(ca, cb)


# --------------------------------------------------------------------- the clock
def _federal_active(model) -> bool:
    s = model.state
    return bool((s.unit_active & (s.unit_kind == FEDERAL)).any())


def test_step_run_for_and_run_are_bit_identical_across_an_event_and_a_trigger(bcs):
    seed = 2  # the federal trigger fires on step 651, 105 steps after the alliance (546)
    alliance_step = next(e for e in bcs.events if e.kind == "alliance").resolved_step(bcs)
    stepped = sim.CartelModel(bcs, rng=seed)
    federal_steps = []
    while stepped.running:
        stepped.step()
        if _federal_active(stepped):
            federal_steps.append(stepped.steps)
    assert stepped.steps == bcs.n_steps
    assert federal_steps, "choose a seed where the federal trigger fires"
    assert federal_steps[0] > alliance_step, "the trigger should fire after the alliance here"

    at_once = sim.CartelModel(bcs, rng=seed)
    at_once.run_for(bcs.n_steps)
    in_chunks = sim.CartelModel(bcs, rng=seed)
    for n in (1, alliance_step - 1, 1, federal_steps[0] - alliance_step, 30):
        in_chunks.run_for(n)
    in_chunks.run_for(bcs.n_steps - in_chunks.steps)
    one_call = sim.run(bcs, seed=seed)

    reference = stepped.results()
    for other in (at_once.results(), in_chunks.results(), one_call):
        for table in TABLES:
            assert_frame_equal(getattr(reference, table), getattr(other, table))
    for model in (at_once, in_chunks):
        assert model.steps == stepped.steps
        for name, array in stepped.state.arrays().items():
            np.testing.assert_array_equal(array, model.state.arrays()[name], err_msg=name)


def test_time_and_steps_follow_the_kernel(bcs):
    model = sim.CartelModel(bcs, rng=4)
    assert model.time == model.steps == 0
    for n in (1, 9, 200, 400, 120):
        model.run_for(n)
        assert model.time == model.steps
        assert isinstance(model.steps, int)
        recorded = model.results()
        assert recorded.meta["steps"] == model.steps
        assert recorded.control["step"].max() == model.steps - 1
        assert recorded.control["step"].nunique() == model.steps
    assert model.steps == bcs.n_steps
    assert not model.running


# --------------------------------------------------------------------- the ledger
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("name", SHIPPED)
def test_ledger_identity_and_violence_match_the_ledger(name, seed):
    scenario = shipped_scenario(name)
    model = generic_model(name, seed)
    T = model.steps
    members = model.recorder.dense["rec_members"][:T]
    ledger = model.recorder.dense["rec_ledger"][:T]
    col = {c: i for i, c in enumerate(LEDGER_COLUMNS)}
    start = initial_members(scenario)
    expected = (start[None, :] + ledger[:, :, col["recruited"]] - ledger[:, :, col["killed"]]
                - ledger[:, :, col["arrested"]] - ledger[:, :, col["deserted"]]
                + ledger[:, :, col["moved"]] + ledger[:, :, col["mobilized"]])
    np.testing.assert_array_equal(members, expected)
    assert (members >= 0).all()

    # per step, the violence table's deaths and arrests of each organization are the
    # ledger's increments (no spin-up in the shipped scenarios: the ledger starts at 0)
    assert scenario.simulation.spin_up_days == 0
    increments = np.diff(ledger, axis=0, prepend=np.zeros((1, *ledger.shape[1:]), np.int64))
    names = model.names.organizations
    v = model.results().violence
    for kind, types in (("killed", KILLED_TYPES), ("arrested", ("arrest",))):
        rows = v[v["type"].isin(types) & v["victim"].isin(names)]
        table = np.zeros((T, len(names)), dtype=np.int64)
        np.add.at(table, (rows["step"].to_numpy(),
                          rows["victim"].astype(str).map({n: i for i, n in enumerate(names)})
                          .to_numpy(dtype=np.int64)),
                  rows["count"].to_numpy())
        np.testing.assert_array_equal(table, increments[:, : len(names), col[kind]],
                                      err_msg=f"{name} seed {seed}: {kind}")
    # organizations table members are the recorded members
    orgs = model.results().organizations
    rows = orgs["organization"].astype(str).map({n: i for i, n in enumerate(names)})
    rows = rows.to_numpy(dtype=np.int64)
    np.testing.assert_array_equal(orgs["members"].to_numpy(), members[orgs["step"], rows])


def test_something_happens_in_the_ledger(bcs):
    """Guard for the identity test: the shipped war kills, arrests and recruits."""
    model = finished_model("bcs_2014", 1)
    final = model.recorder.dense["rec_ledger"][model.steps - 1]
    killed, arrested, recruited = (final[:, LEDGER_COLUMNS.index(c)].sum()
                                   for c in ("killed", "arrested", "recruited"))
    assert killed > 0 and arrested > 0 and recruited > 0


# --------------------------------------------------------------------- Mesa views
def _check_views(model) -> None:
    s = model.state
    recorded = model.results()
    last = model.steps - 1
    orgs = recorded.organizations[recorded.organizations["step"] == last]
    by_name = orgs.set_index("organization")
    for org in model.organizations:
        in_cells = sum(c.members for c in model.cells if c.organization is org)
        assert org.members == in_cells
        assert org.members == int(by_name.loc[org.name, "members"])
        assert org.leader_alive == bool(by_name.loc[org.name, "leader_alive"])
        assert org.treasury == pytest.approx(float(by_name.loc[org.name, "treasury"]))
    assert sorted(o.name for o in model.organizations) == sorted(orgs["organization"].astype(str))
    control = recorded.control[recorded.control["step"] == last].set_index("plaza")
    for plaza in model.plazas:
        name = plaza.controller.name if plaza.controller else ""
        assert name == control.loc[plaza.name, "controller"]
        assert plaza.contested == bool(control.loc[plaza.name, "contested"])
        assert plaza.boss_alive == bool(s.plaza_boss_alive[plaza.row])
    for unit in model.police:
        assert unit.active and unit.officers == int(s.unit_officers[unit.row])
    assert len(model.police) == int(s.unit_active.sum())
    assert len(model.cells) == int(s.cell_active.sum())


def test_mesa_agents_read_the_arrays_at_any_time_including_a_splinter():
    scenario = shipped_scenario("kingpin_removal")
    removal = next(e for e in scenario.events if e.kind == "leader_removed")
    at = removal.resolved_step(scenario)
    model = sim.CartelModel(scenario, rng=0)
    model.run_for(1)
    _check_views(model)
    model.run_for(at - 1)
    _check_views(model)
    assert [o.name for o in model.organizations] == ["Pacífico", "Golfo"]
    model.step()  # the removal's step: the split is drawn at its end
    _check_views(model)
    names = [o.name for o in model.organizations]
    assert "Pacífico splinter 1" in names, "choose a seed where the organization splits"
    splinter = next(o for o in model.organizations if o.name == "Pacífico splinter 1")
    parent = next(o for o in model.organizations if o.name == "Pacífico")
    assert splinter.members > 0
    assert splinter.relation_to(parent) == "war"
    assert not parent.leader_alive
    for n in (1, 10, 100):
        model.run_for(n)
        _check_views(model)
    model.run_for(model.n_steps - model.steps)
    _check_views(model)
    # the splinter's cells, as Mesa agents, name it
    assert all(c.organization.name in names for c in model.cells)


# --------------------------------------------------------------------- entry points
def test_run_days_runs_that_many_days():
    scenario = shipped_scenario("two_cartels")
    result = sim.run(scenario, seed=2, days=100)
    assert result.meta["steps"] == 100
    assert result.control["step"].nunique() == 100
    assert result.end == result.start + pd.Timedelta(days=99)
    assert len(result.homicides("D")) == 100
    longer = sim.run(scenario, seed=2, days=200)
    assert longer.meta["steps"] == 200
    # the first 100 days do not depend on how long the run goes on
    assert_frame_equal(longer.control[longer.control["step"] < 100].reset_index(drop=True),
                       result.control)


def test_run_days_shorter_than_the_scenarios_events(bcs):
    """Fewer days than the file's run its beginning; events after day N never happen."""
    result = sim.run(bcs, seed=1, days=100)  # bcs_2014's events are on 2014-07-01
    assert result.meta["steps"] == 100
    assert len(result.homicides("D")) == 100
    full = shipped_results("bcs_2014", 1)
    assert_frame_equal(full.control[full.control["step"] < 100].reset_index(drop=True),
                       result.control)


def test_run_many_replicates_and_bands():
    scenario = shipped_scenario("two_cartels")
    seeds = [5, 6, 7, 8, 9, 10]
    reps = sim.run_many(scenario, seeds=seeds, days=120)
    assert reps.seeds == seeds
    monthly = reps.homicides("MS")
    assert list(monthly.columns) == seeds
    for seed in seeds:
        pd.testing.assert_series_equal(monthly[seed], sim.run(scenario, seed, days=120)
                                       .homicides("MS"), check_names=False)
    bands = reps.bands("MS")
    assert {"mean", "q05", "q50", "q95"} <= set(bands.columns)
    assert (bands["q05"] <= bands["q50"]).all() and (bands["q50"] <= bands["q95"]).all()
    np.testing.assert_allclose(bands["mean"], monthly.mean(axis=1))
    np.testing.assert_allclose(bands["q50"], monthly.median(axis=1))
    assert (bands["q95"] > bands["q05"]).any(), "replicates should differ"


# --------------------------------------------------------------------- parameter events
def test_a_parameters_event_changes_the_rates_from_its_step_on():
    base = shipped_scenario("two_cartels")
    cut = base.n_steps // 2
    data = base.model_dump(mode="python")
    data["events"] = [*data["events"], {"kind": "parameters", "step": cut,
                                        "values": {"arrest_rate": 0.0},
                                        "scale": {"background_homicides_per_100k_year": 10.0}}]
    changed = sim.run(Scenario.model_validate(data), seed=3)
    plain = sim.run(base, seed=3)
    before = [t[t["step"] < cut].reset_index(drop=True) for t in (plain.violence,
                                                                 changed.violence)]
    assert_frame_equal(*before)
    arrests = [r.violence.query("type == 'arrest' and step >= @cut")["count"].sum()
               for r in (plain, changed)]
    assert arrests[0] > 0 and arrests[1] == 0
    background = [r.violence.query("type == 'background' and step >= @cut")["count"].sum()
                  for r in (plain, changed)]
    assert background[1] > 4 * background[0] > 0


def test_parameters_events_that_break_a_bound_are_refused_with_the_event_named():
    data = shipped_scenario("two_cartels").model_dump(mode="python")
    events = data["events"]
    data["events"] = [*events, {"kind": "parameters", "step": 5,
                                "scale": {"contest_share": 10.0}}]
    with pytest.raises(ValueError, match=r"contest_share.*less than or equal to 1"):
        Scenario.model_validate(data)
    data["events"] = [*events, {"kind": "parameters", "step": 6, "values": {"recruit_rat": 0.1}}]
    with pytest.raises(ValueError, match="did you mean 'recruit_rate'"):
        Scenario.model_validate(data)


def test_recording_off_runs_the_same_model():
    scenario = shipped_scenario("bcs_2014")
    quiet = sim.CartelModel(scenario, rng=5, record=False)
    quiet.run_for(quiet.n_steps)
    loud = finished_model("bcs_2014", 5)
    for name, array in quiet.state.arrays().items():
        np.testing.assert_array_equal(array, getattr(loud.state, name), err_msg=name)
    assert quiet.recorder.vio.shape[0] == 0 and quiet.recorder.chunks == []
    with pytest.raises(RuntimeError, match="record=False"):
        quiet.results()
