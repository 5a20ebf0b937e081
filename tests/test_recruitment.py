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


def two_gangs(treasury_a: float, treasury_b: float, share: float, days: int = YEAR,
              **parameters) -> sim.Scenario:
    """A and B with 50 members each in a city of a million at 200 recruits per 100,000 a
    year (2,000 a year), recruits free, wages nil: only the split of the yield differs."""
    return tiny({"recruit_per_100k_year": 200.0, "max_member_share": 1.0,
                 "recruit_means_share": share, **parameters}, days=days,
                plazas=[{"name": "P", "population": 1_000_000, "controller": "A"}],
                organizations=[{"name": "A", "treasury": treasury_a},
                               {"name": "B", "treasury": treasury_b}],
                cells=[{"organization": "A", "plaza": "P", "members": 50},
                       {"organization": "B", "plaza": "P", "members": 50}])


def test_of_two_organizations_the_one_with_k_times_the_means_gets_k_times_the_recruits():
    """recruit_means_share 1: A's treasury 3 times B's, so A draws about 3 times B's recruits
    (1,500 and 500 of the city's 2,000 a year); the total is the equal split's."""
    seeds = range(1, 4)
    by_means = np.array([recruited(finished(two_gangs(3e6, 1e6, 1.0), s))[:2] for s in seeds])
    equal = np.array([recruited(finished(two_gangs(3e6, 1e6, 0.0), s))[:2] for s in seeds])
    a, b = by_means.mean(axis=0)
    assert a / b == pytest.approx(3.0, rel=0.1)
    assert a + b == pytest.approx(equal.sum(axis=1).mean(), rel=0.05)
    assert equal[:, 0].mean() / equal[:, 1].mean() == pytest.approx(1.0, rel=0.1)


def test_a_share_of_the_yield_by_means_the_rest_equally():
    """recruit_means_share 0.5, A with all the money: A draws 3/4 of the yield, B 1/4."""
    a, b = np.mean([recruited(finished(two_gangs(1e6, 0.0, 0.5), s))[:2] for s in (1, 2, 3)],
                   axis=0)
    assert a / (a + b) == pytest.approx(0.75, abs=0.03)


def test_means_count_net_income_so_a_side_that_loses_its_plazas_stops_recruiting():
    """recruit_payback_days 30: A and B start with a million pesos each and pay 100 pesos a
    day per member; A holds the plaza's 50,000 pesos a day, B nothing. By means A takes
    most of the yield (its budget grows, B's drains): more than at an equal split, where A
    is held back only by the payment limit on B (B's budget drains either way)."""
    def run(share):
        scenario = two_gangs(1e6, 1e6, share, days=180, recruit_payback_days=30.0)
        scenario = scenario.with_overrides({
            "plazas[name=P].value_per_day": 50_000.0,
            "organizations[name=A].wage_per_member_day": 100.0,
            "organizations[name=B].wage_per_member_day": 100.0})
        return recruited(finished(scenario))[:2]
    (a, b), (a_equal, b_equal) = run(0.9), run(0.0)
    assert a > 1.5 * a_equal and 0 < b < 0.7 * b_equal


def test_with_nobody_able_to_pay_the_yield_is_shared_equally():
    """Both treasuries 0 and no recruit price: the means weights are undefined, so each
    takes half, as at recruit_means_share 0."""
    scenario = two_gangs(0.0, 0.0, 1.0)
    assert list(recruited(finished(scenario))[:2]) == list(
        recruited(finished(two_gangs(0.0, 0.0, 0.0)))[:2])
