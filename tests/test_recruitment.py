"""Recruitment that scales with population (`recruit_per_100k_year`, docs/model.md §7.9):
a plaza yields recruits in proportion to its inhabitants, shared equally by the
organizations with members there, so a decimated organization in a large city rebuilds;
never where the plaza has no room, and never past what the treasury pays."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny

import sim
from sim.codes import L_RECRUITED

YEAR = 365  # days


def finished(scenario: sim.Scenario, seed: int = 1) -> sim.CartelModel:
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(model.n_steps)
    return model


def members_by_cell(model: sim.CartelModel) -> list[int]:
    """Members of the active cells, in row order (the order the scenario lists them)."""
    state = model.state
    return [int(m) for m in state.cell_members[state.cell_active]]


def recruited(model: sim.CartelModel) -> np.ndarray:
    """Recruits per organization row over the run (O,)."""
    return model.state.ledger[:, L_RECRUITED]


def one_gang(population: int, rate: float, members: int = 10, parameters: dict | None = None,
             **sections) -> sim.Scenario:
    """A alone in plaza P with ``members`` members for a year, room for everyone
    (max_member_share 1)."""
    return tiny({"recruit_per_100k_year": rate, "max_member_share": 1.0, **(parameters or {})},
                days=YEAR, plazas=[{"name": "P", "population": population, "controller": "A"}],
                cells=[{"organization": "A", "plaza": "P", "members": members}], **sections)


def test_a_plaza_twice_as_populous_yields_twice_the_recruits():
    """500 recruits per 100,000 per year: about 500 a year in a plaza of 100,000 and 1,000
    in one of 200,000 (the room, 1 - members / population, is above 0.99)."""
    seeds = range(1, 6)
    small = [recruited(finished(one_gang(100_000, 500.0), s))[0] for s in seeds]
    large = [recruited(finished(one_gang(200_000, 500.0), s))[0] for s in seeds]
    assert np.mean(small) == pytest.approx(500, rel=0.05)
    assert np.mean(large) / np.mean(small) == pytest.approx(2.0, rel=0.05)


def test_the_default_zero_recruits_nobody():
    assert recruited(finished(one_gang(1_000_000, 0.0)))[0] == 0


def test_an_organization_down_to_one_member_rebuilds_with_an_equal_share():
    """A with one member and B with 100 in a city of a million at 100 per 100,000 a year:
    the city's 1,000 recruits a year are shared equally, so A rebuilds to about 500, as many
    as B gains; the ledger stays exact."""
    scenario = tiny({"recruit_per_100k_year": 100.0, "max_member_share": 1.0}, days=YEAR,
                    plazas=[{"name": "P", "population": 1_000_000, "controller": "A"}],
                    cells=[{"organization": "A", "plaza": "P", "members": 1},
                           {"organization": "B", "plaza": "P", "members": 100}])
    model = finished(scenario)
    a, b = members_by_cell(model)
    assert a - 1 == pytest.approx(500, rel=0.15)
    assert b - 100 == pytest.approx(a - 1, rel=0.2)
    assert list(recruited(model)[:2]) == [a - 1, b - 100]


def test_each_share_joins_the_largest_cell_of_its_organization():
    """A's cells in P of 3, 5 and 5 members: its recruits all join the first cell of 5."""
    cells = [{"organization": "A", "plaza": "P", "members": m} for m in (3, 5, 5)]
    model = finished(tiny({"recruit_per_100k_year": 1000.0, "max_member_share": 1.0},
                          days=60, cells=cells))
    first, largest, tied = members_by_cell(model)
    assert (first, tied) == (3, 5) and largest > 5
    assert largest - 5 == recruited(model)[0]


def test_no_recruits_where_the_plaza_has_no_room():
    """A and B hold 200 members, max_member_share 0.002 of 100,000 people: no room, so not
    one recruit even at a million per 100,000 a year."""
    model = finished(tiny({"recruit_per_100k_year": 1e6, "max_member_share": 0.002}, days=60))
    assert (recruited(model) == 0).all()
    assert members_by_cell(model) == [100, 100]


@pytest.mark.parametrize("payback_days, expected", [(0.0, 5), (10.0, 4)])
def test_the_treasury_limits_recruits_as_it_limits_recruit_rate(payback_days, expected):
    """5,000 pesos at 1,000 a recruit buy 5. With recruit_payback_days 10 and a wage of
    10 pesos a day a recruit costs 1,100 and the budget is the treasury less 10 days of
    the member's wage, 4,900: 4 recruits."""
    scenario = one_gang(
        1_000_000, 1e4, members=1,
        parameters={"recruit_cost": 1000.0, "recruit_payback_days": payback_days},
        organizations=[{"name": "A", "treasury": 5000.0, "wage_per_member_day": 10.0},
                       {"name": "B"}])
    model = finished(scenario)
    assert recruited(model)[0] == expected
