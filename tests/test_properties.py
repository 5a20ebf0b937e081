"""Property: any scenario, with any overrides, is either refused cleanly (a ScenarioError whose
every line names a field and a fix) or runs with finite, non-negative counts and an exact
ledger per organization: members now = members at start + recruited - killed - arrested -
deserted + moved in + mobilized.

Hypothesis generates small scenarios whose values mix ordinary ones with hostile ones (wrong
types, huge and non-finite numbers, colliding names, duplicate plazas); the runs are short
and the examples few and derandomized, so the test is fast and the same on every machine.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import CartelModel
from sim.scenario import ScenarioError, validate
from sim.state import LEDGER_COLUMNS

HOSTILE = st.sampled_from([True, "0.5", -1, -0.5, 1e6, 10**9, 1e15, 1e18, 1e308, float("nan"),
                           float("inf"),
                           2**63, 2**70, None])


def hostile_or(ordinary: st.SearchStrategy, wild: bool) -> st.SearchStrategy:
    """An ordinary value, or in a ``wild`` scenario an ordinary or a hostile one."""
    return st.one_of(ordinary, HOSTILE) if wild else ordinary


RATES = ("clash_rate", "lethality", "recruit_rate", "arrest_rate", "kidnap_rate", "hire_rate",
         "move_rate", "desertion_rate", "saturation_rate", "national_arrests_per_day",
         "mobilization_rate", "ally_support_share")


@st.composite
def scenarios(draw) -> tuple[dict, dict]:
    """(a scenario table as read from TOML, overrides by dotted path); about one in three
    is wild: any number in it may be hostile."""
    wild = draw(st.sampled_from([False, False, True]))

    def sometimes_hostile(ordinary: st.SearchStrategy) -> st.SearchStrategy:
        return hostile_or(ordinary, wild)

    orgs = draw(st.lists(st.sampled_from(["A", "B", "C/D", "C"]), min_size=1, max_size=3,
                         unique=True))
    plazas = draw(st.lists(st.sampled_from(["P", "Q", "D/P", "R"]), min_size=1, max_size=3,
                           unique=True))
    org, plaza = st.sampled_from(orgs), st.sampled_from(plazas)
    cells = draw(st.lists(st.fixed_dictionaries({
        "organization": org, "plaza": plaza,
        "members": sometimes_hostile(st.integers(0, 300)),
        "firepower": sometimes_hostile(st.floats(0, 3)),
        "loyalty": st.floats(0, 1), "name": st.sampled_from(["", "", "enter", "x"])}),
        max_size=4))
    police = draw(st.lists(st.fixed_dictionaries({
        "plaza": plaza, "kind": st.sampled_from(["municipal", "state", "federal"]),
        "officers": sometimes_hostile(st.integers(0, 200))}), max_size=2))
    parameters = draw(st.dictionaries(st.sampled_from(RATES),
                                      sometimes_hostile(st.floats(0, 0.05)), max_size=4))
    events = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"kind": st.just("enter"), "step": st.integers(0, 20),
                               "organization": org, "members": sometimes_hostile(
                                   st.integers(1, 50)),
                               "plazas": st.lists(plaza, min_size=0, max_size=3)}),
        st.fixed_dictionaries({"kind": st.just("police_purge"), "step": st.integers(0, 20),
                               "plazas": st.lists(plaza, max_size=2)}),
        st.fixed_dictionaries({"kind": st.just("parameters"), "step": st.integers(0, 20),
                               "scale": st.dictionaries(st.sampled_from(RATES),
                                                        sometimes_hostile(st.floats(0, 10)),
                                                        min_size=1, max_size=2)})),
        max_size=2))
    data = {
        "name": "generated",
        "simulation": {"start": dt.date(2013, 1, 1), "days": draw(st.integers(1, 30)),
                       "step_days": draw(st.sampled_from([1.0, 0.5, 7.0])),
                       "spin_up_days": draw(st.integers(0, 10))},
        "parameters": parameters,
        "organizations": [{"name": name, "aggression": draw(st.floats(0, 1)),
                           "treasury": draw(sometimes_hostile(st.floats(0, 1e7))),
                           "reserve": draw(sometimes_hostile(st.integers(0, 500)))}
                          for name in orgs],
        "plazas": [{"name": name, "population": draw(sometimes_hostile(st.integers(0, 10**6))),
                    "value_per_day": draw(sometimes_hostile(st.floats(0, 1e5)))}
                   for name in plazas],
        "cells": cells, "police": police, "events": events,
        "relations": [{"between": orgs[:2], "state": "war"}] if len(orgs) > 1 else [],
    }
    overrides = draw(st.dictionaries(
        st.sampled_from(["parameters.clash_rate", "parameters.lethality", "simulation.days"]),
        sometimes_hostile(st.integers(1, 20)), max_size=2))
    return data, overrides


def _without_none(value):
    """A TOML file has no null: a None drawn as a hostile value means the key is left out."""
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios(), st.integers(0, 2**63 - 1))
def test_a_scenario_is_refused_cleanly_or_runs_with_sound_counts(generated, seed):
    data, overrides = generated
    try:
        scenario = validate(_without_none(data), "generated.toml")
        if overrides:
            scenario = scenario.with_overrides(overrides)
        model = CartelModel(scenario, rng=seed)
        model.run_for(scenario.n_steps)
    except ScenarioError as exc:
        assert exc.problems and all(": " in line and "; " in line for line in exc.problems), exc
        event("refused")
        return
    event("ran")
    state = model.state
    for name in ("cell_members", "unit_officers", "ledger"):
        counts = getattr(state, name) if name != "ledger" else np.delete(
            state.ledger, LEDGER_COLUMNS.index("moved"), axis=1)
        assert (counts >= 0).all(), name
    assert np.isfinite(state.org_treasury).all() and np.isfinite(state.plaza_share).all()
    tables = model.results()
    for table in (tables.violence, tables.control, tables.organizations):
        numbers = table.select_dtypes("number").to_numpy(dtype=np.float64)
        assert np.isfinite(numbers).all()
    assert (tables.violence["count"] >= 0).all()

    start = np.zeros(len(state.org_id), dtype=np.int64)
    row = {o.name: i for i, o in enumerate(scenario.organizations)}
    for cell in scenario.cells:
        start[row[cell.organization]] += cell.members
    now = np.bincount(state.cell_org[state.cell_active], weights=state.cell_members[
        state.cell_active], minlength=len(start)).astype(np.int64)
    col = {c: state.ledger[:, i] for i, c in enumerate(LEDGER_COLUMNS)}
    np.testing.assert_array_equal(now, start + col["recruited"] - col["killed"]
                                  - col["arrested"] - col["deserted"] + col["moved"]
                                  + col["mobilized"])
