"""Splits and defections as dated events: what moves, the ledger, the new organization in
the tables, and names created by splits and leader removals used by later events."""

from __future__ import annotations

import numpy as np
import pytest
from dated_world import ledger_gaps, members_by_org, run_to, world

from sim.codes import ALLY, NEUTRAL, WAR
from sim.scenario import ScenarioError

SPLIT_DAY_STEP = 59  # 2020-02-29 from 2020-01-01

SPLIT = '''
[[events]]
day = 2020-02-29
kind = "split"
organization = "North"
new_organization = "La Linea"
cells = ["north home"]
police = ["norte municipal"]
treasury_share = 0.25
relations = { "South" = "ally" }
'''


def test_a_split_moves_the_named_cells_police_and_treasury_and_nothing_else(tmp_path):
    scenario = world(tmp_path, SPLIT)
    before = run_to(scenario, SPLIT_DAY_STEP)
    s0 = before.state.copy()
    model = run_to(scenario, SPLIT_DAY_STEP)
    model.engine._apply_due_events()  # the split alone, no step after it
    s, row = model.state, model.engine.org_row
    north, linea = row["North"], row["La Linea"]
    assert linea == 3  # reserved after the scenario's organizations
    assert not s0.org_active[linea] and s.org_active[linea]
    assert s.cell_org[0] == linea and s.cell_org[1] == north
    assert s.unit_payroll[0] == linea and s.unit_payroll[1] == north
    assert s.org_treasury[linea] == pytest.approx(0.25 * s0.org_treasury[north])
    assert s.org_treasury[north] + s.org_treasury[linea] == pytest.approx(s0.org_treasury[north])
    assert (s.cell_members == s0.cell_members).all()  # members move, none made or lost
    assert s.ledger[linea, 4] == s0.cell_members[0] == -(s.ledger[north, 4] - s0.ledger[north, 4])
    assert s.relation[linea, north] == WAR  # the parent, by default
    assert s.relation[linea, row["South"]] == ALLY  # listed
    assert s.relation[linea, row["East"]] == s.relation[north, row["East"]] == NEUTRAL


def test_a_split_by_plaza_moves_control_and_a_share_leaves_every_other_cell(tmp_path):
    scenario = world(tmp_path, SPLIT.replace('cells = ["north home"]', 'plazas = ["Norte"]\n'
                                             'share = 0.5'))
    model = run_to(scenario, SPLIT_DAY_STEP)
    s0 = model.state.copy()
    model.engine._apply_due_events()
    s, linea = model.state, model.engine.org_row["La Linea"]
    assert s.plaza_controller[0] == linea
    assert s.cell_org[0] == linea
    new = np.flatnonzero(s.cell_active & ~s0.cell_active)
    assert len(new) == 1 and s.cell_org[new[0]] == linea and s.cell_plaza[new[0]] == 1
    assert s.cell_members[new[0]] == s0.cell_members[1] // 2
    assert s.cell_members[1] + s.cell_members[new[0]] == s0.cell_members[1]
    assert members_by_org(model).sum() == s0.cell_members[s0.cell_active].sum()


def test_the_ledger_stays_exact_through_a_split_and_a_defection(tmp_path):
    scenario = world(tmp_path, SPLIT.replace("treasury_share", "share = 0.3\ntreasury_share")
                     + '''
[[events]]
day = 2020-05-01
kind = "defect"
from = "La Linea"
to = "South"
plazas = ["Norte"]
police_plazas = ["Norte"]
''')
    model = run_to(scenario, scenario.n_steps)
    assert not ledger_gaps(model).any()
    s, row = model.state, model.engine.org_row
    assert s.unit_payroll[0] in (row["South"], -1)  # defected (a purge may clear it later)
    assert s.ledger[:, 4].sum() == 0  # moves only


def test_the_new_organization_is_in_the_tables_from_its_split_day(tmp_path):
    orgs = run_to(world(tmp_path, SPLIT), 240).results().organizations
    linea = orgs[orgs["organization"] == "La Linea"]
    assert str(linea["date"].min().date()) == "2020-02-29"
    assert set(orgs["organization"].cat.categories) >= {"North", "South", "East", "La Linea"}


def test_same_seed_same_run_with_splits(tmp_path):
    scenario = world(tmp_path, SPLIT)
    a, b = (run_to(scenario, 240, seed=5).results() for _ in range(2))
    assert a.violence.equals(b.violence) and a.organizations.equals(b.organizations)


def test_a_name_used_before_its_split_is_refused_with_the_event_and_fix(tmp_path):
    early = '\n[[events]]\nday = 2020-02-01\nkind = "war"\nmembers = ["La Linea", "East"]\n'
    with pytest.raises(ScenarioError) as err:
        world(tmp_path, early + SPLIT)
    assert ("events[0].members[0]: 'La Linea' does not exist yet (event 0, 2020-02-01): it is "
            "created by a later event; move this event after the one that creates it"
            in str(err.value))
    world(tmp_path, SPLIT + early.replace("2020-02-01", "2020-02-29"))  # same day, after: fine


def test_a_cell_moved_away_cannot_be_split_off_again(tmp_path):
    again = SPLIT.replace("La Linea", "Second").replace("2020-02-29", "2020-03-10")
    with pytest.raises(ScenarioError, match=r"events\[1\]\.cells\[0\]: the cell 'north home' "
                       "belongs to 'La Linea' then, not to 'North'"):
        world(tmp_path, SPLIT + again)


REMOVAL = '''
[[events]]
day = 2020-02-01
kind = "leader_removed"
organization = "North"
splinter = "Aztecas"

[[events]]
day = 2020-03-01
kind = "alliance"
members = ["Aztecas", "East"]
'''


def test_a_named_splinter_takes_its_name_and_later_events_use_it(tmp_path):
    scenario = world(tmp_path, REMOVAL).with_overrides(
        {"parameters.split_probability": 1.0, "parameters.split_loyalty": 0.9})
    model = run_to(scenario, 120)
    row = model.engine.org_row
    assert "Aztecas" in model.names.organizations
    assert model.state.relation[row["Aztecas"], row["East"]] == ALLY
    assert "Aztecas" in set(model.results().organizations["organization"])
    assert "notes" not in model.results().meta


def test_events_naming_a_splinter_that_never_formed_are_skipped_with_a_note(tmp_path):
    scenario = world(tmp_path, REMOVAL).with_overrides({"parameters.split_probability": 0.0})
    model = run_to(scenario, 120)
    notes = model.results().meta["notes"]
    # dated as every note is: the removal's day
    assert "2020-02-01: the removal in 'North' made no splinter, so no 'Aztecas'" in notes
    assert any("event 1 (alliance): skipped: 'Aztecas' never formed" in n for n in notes)
