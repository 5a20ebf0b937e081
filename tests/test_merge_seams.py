"""Where the rules of issue 13, written on separate branches, meet (the review of their
merge): money columns that must see every mechanism that spends or collects, and runs that
combine them."""

from __future__ import annotations

import time

import numpy as np
from conftest import tiny

import sim
from sim import reference
from sim.codes import L_MOBILIZED
from sim.recorder import row_reserve

AT_WAR = [{"between": ["A", "B"], "state": "war"}]


def run(scenario, seed=1, step=None):
    model = sim.CartelModel(scenario, rng=seed, **({"step": step} if step else {}))
    model.run_for(model.n_steps)
    return model


def money_world(days=40):
    """A (controller, value 1,000 a day) and B at war, both mobilizing from a reserve at
    100 pesos each, A extorting 0.01 pesos per inhabitant a day."""
    params = {"mobilization_rate": 0.05, "mobilization_cost": 100.0,
              "extortion_per_person_day": 0.01}
    orgs = [{"name": "A", "treasury": 1e9, "reserve": 2000},
            {"name": "B", "treasury": 1e9, "reserve": 2000}]
    plazas = [{"name": "P", "population": 100_000, "controller": "A", "value_per_day": 1000}]
    return tiny(params, days=days, organizations=orgs, plazas=plazas, relations=AT_WAR)


def test_reinforcement_cost_is_what_mobilization_pays():
    """The organizations table's reinforcement_cost sums to mobilization_cost times the
    members each organization brought from its reserve, in the kernel and the reference."""
    for step in (None, reference.advance):
        model = run(money_world(), step=step)
        table = model.results().organizations
        mobilized = model.state.ledger[:2, L_MOBILIZED]
        assert (mobilized > 0).all()
        for row, org in enumerate("AB"):
            paid = table.loc[table["organization"] == org, "reinforcement_cost"].sum()
            assert paid == 100.0 * mobilized[row]


def test_extortion_is_part_of_the_controllers_revenue():
    """Revenue per step: the plaza's value plus 0.01 x 100,000 pesos of extortion."""
    for step in (None, reference.advance):
        table = run(money_world(), step=step).results().organizations
        revenue = table.loc[table["organization"] == "A", "revenue"].to_numpy()
        assert np.allclose(revenue, 1000.0 + 1000.0)


def test_one_step_writes_no_more_violence_rows_than_the_reserve():
    """300 federal units that arrest and confront two organizations in one plaza, with
    extortion and kidnapping of civilians: the rows of the first step stay within
    sim.recorder.row_reserve, the bound the kernel's buffer checks rely on."""
    params = {"confront_rate": 0.5, "arrest_rate": 0.001, "police_killed_per_arrest": 0.5,
              "extortion_killing_per_100k_year": 1e5, "civilian_kidnap_per_100k_year": 1e5,
              "civilian_kidnap_murder_probability": 0.5}
    police = [{"plaza": "P", "kind": "federal", "officers": 200, "integrity": 1.0}] * 300
    cells = [{"organization": org, "plaza": "P", "members": 50_000, "firepower": 1e-4}
             for org in "AB"]
    scenario = tiny(params, days=1, police=police, cells=cells,
                    simulation={"start": "2020-01-01", "days": 1, "spare_cells": 0})
    model = sim.CartelModel(scenario, rng=1)
    reserve = row_reserve(model.state)
    model.run_for(1)
    rows = sum(len(chunk) for chunk in model.recorder.chunks) + int(model.recorder.vio_n[0])
    assert 1000 < rows <= reserve


def test_the_longest_ramp_schedules_its_changes_quickly(tmp_path):
    """A ramp of the most days validation allows makes some 30,000 internal events; the
    engine files each in order by bisection (before: a copy of the whole queue per event,
    about a minute for a 240-day run)."""
    from dated_world import world

    from sim.scenario.fields import DAYS_MAX

    scenario = world(tmp_path, f'''
[[events]]
day = 2020-01-05
kind = "intensity"
between = ["North", "South"]
intensity = 3.0
ramp_days = {DAYS_MAX}
''')
    started = time.perf_counter()
    model = run(scenario)
    assert time.perf_counter() - started < 15
    ramp = [e for e in model.engine.events if e.kind == "ramp"]
    assert len(ramp) > 30_000
    assert [(e.step, e.order) for e in model.engine.events] == sorted(
        (e.step, e.order) for e in model.engine.events)


def test_a_plaza_emptied_by_a_plaza_change_has_no_bystanders_at_any_half_population():
    """The scale-free setting collateral_half_population = 0 (density 1) and a plaza_change
    to population 0: clashes go on there without bystanders (before: a ZeroDivisionError
    from the kernel), in the kernel and the reference alike."""
    params = {"clash_rate": 0.0005, "collateral_per_clash": 1.0,
              "collateral_half_population": 0.0, "attack_threshold": 0.5}
    orgs = [{"name": org, "aggression": 0.9, "treasury": 1e9} for org in "AB"]
    emptied = [{"kind": "plaza_change", "day": "2020-01-05", "plazas": ["P"], "population": 0}]
    scenario = tiny(params, days=20, organizations=orgs, relations=AT_WAR, events=emptied)
    for step in (None, reference.advance):
        violence = run(scenario, step=step).results().violence
        after = violence[violence["step"] >= 4]
        assert after.loc[after["type"] == "clash", "count"].sum() > 0
        assert after.loc[after["type"] == "collateral", "count"].sum() == 0
        assert violence.loc[violence["type"] == "collateral", "count"].sum() > 0
