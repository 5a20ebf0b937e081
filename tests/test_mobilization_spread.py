"""mobilization_spread (docs/model.md §7.9b): a share of the members an organization brings
from its reserve goes to the plazas at stake for it in proportion to its enemies' members
there, on a tiny scenario with every other rate off (``conftest.tiny``)."""

from __future__ import annotations

import numpy as np
from conftest import tiny

import sim
from sim.codes import L_MOBILIZED

AT_WAR = [{"between": ["A", "B"], "state": "war"}]
PLAZAS = [{"name": "Home", "population": 100_000, "controller": "A", "value_per_day": 1000},
          {"name": "P1", "population": 100_000, "controller": "B", "value_per_day": 1000},
          {"name": "P2", "population": 100_000, "controller": "B", "value_per_day": 1000}]
# A's largest cell is at Home (not at stake); B holds P1 (300 members) and P2 (100), 3:1;
# A has a cell in P1 only
CELLS = [{"organization": "A", "plaza": "Home", "members": 500},
         {"organization": "A", "plaza": "P1", "members": 10},
         {"organization": "B", "plaza": "P1", "members": 300},
         {"organization": "B", "plaza": "P2", "members": 100}]
ORGS = [{"name": "A", "treasury": 1e9, "reserve": 3000}, {"name": "B", "treasury": 1e9}]


def world(spread=None, days=3, spare_cells=64):
    params = {"mobilization_rate": 0.05, "mobilization_cost": 100.0}
    if spread is not None:
        params["mobilization_spread"] = spread
    return tiny(params, days=days, plazas=PLAZAS, cells=CELLS, organizations=ORGS,
                relations=AT_WAR, simulation={"start": "2020-01-01", "days": days,
                                              "spare_cells": spare_cells})


def run(scenario, seed=1):
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(model.n_steps)
    return model.state


def members_of_a(state, plaza: int) -> int:
    rows = state.cell_active & (state.cell_org == 0) & (state.cell_plaza == plaza)
    return int(state.cell_members[rows].sum())


def mobilized(state) -> int:
    return int(state.ledger[0, L_MOBILIZED])


def test_spread_zero_is_todays_placement():
    """spread 0 (the default): every mobilized member joins A's largest cell in a plaza at
    stake (P1, though Home's cell is larger), no cell is opened, the run is the default's."""
    default, zero = run(world()), run(world(spread=0.0))
    for name in ("cell_members", "cell_active", "ledger", "org_treasury", "org_reserve"):
        np.testing.assert_array_equal(getattr(default, name), getattr(zero, name))
    n = mobilized(zero)
    assert n > 100
    assert members_of_a(zero, 1) == 10 + n and members_of_a(zero, 0) == 500
    assert members_of_a(zero, 2) == 0 and zero.cell_active.sum() == len(CELLS)


def test_spread_one_follows_the_enemy_strength_and_opens_a_cell():
    """spread 1: P1 (300 enemies) gets ~3 times what P2 (100) gets; A had no cell in P2,
    so one is opened there (firepower 1, the loyalty of its cell in P1, not local); every
    member brought is in a cell and the reserve paid them (ledger exact)."""
    state = run(world(spread=1.0))
    n = mobilized(state)
    to_p1, to_p2 = members_of_a(state, 1) - 10, members_of_a(state, 2)
    assert n > 100 and to_p1 + to_p2 == n and members_of_a(state, 0) == 500
    assert 2.8 < to_p1 / to_p2 < 3.2
    new = np.flatnonzero(state.cell_active & (state.cell_org == 0) & (state.cell_plaza == 2))
    assert new.size == 1 and new[0] >= len(CELLS)
    c = new[0]
    assert state.cell_firepower[c] == 1.0 and not state.cell_local[c]
    assert state.cell_loyalty[c] == state.cell_loyalty[1]
    assert state.org_reserve[0] == 3000 - n
    assert state.org_treasury[0] == 1e9 + 1000.0 * 3 - 100.0 * n  # Home's value, 3 days


def test_without_a_spare_row_the_part_joins_the_largest_cell_at_stake():
    state = run(world(spread=1.0, spare_cells=0))
    n = mobilized(state)
    assert n > 100 and members_of_a(state, 1) == 10 + n and members_of_a(state, 2) == 0
    assert state.cell_active.sum() == len(CELLS)
