"""Money and people from outside the modelled plazas, and bystanders per member killed
(docs/model.md §7.9 outside income, §7.3 bystanders per member killed): each rule does what
it says, is booked where it says, and leaves a run unchanged while off."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import sim

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def two_cartels(**overrides) -> sim.Scenario:
    return sim.load_scenario(SCENARIOS / "two_cartels.toml").with_overrides(overrides)


def money(scenario: sim.Scenario, days: int = 365) -> pd.DataFrame:
    org = sim.run(scenario, seed=3, days=days).organizations
    org = org.sort_values(["organization", "step"])
    org["change"] = org.groupby("organization", observed=True)["treasury"].diff()
    return org


def test_outside_income_is_revenue_every_step_and_the_money_columns_still_add_up():
    base = money(two_cartels())
    paid = money(two_cartels(**{"organizations[name=North].outside_income_per_day": 2500.0}))
    north, north0 = paid[paid.organization == "North"], base[base.organization == "North"]
    assert (north.revenue.to_numpy() >= 2500.0).all()  # every step, plazas or none
    first = north.iloc[0]
    assert first.revenue == north0.iloc[0].revenue + 2500.0  # step 0: same plazas held
    solvent = paid.change.notna() & (paid.treasury > 0)
    expected = paid.revenue - paid.wages - paid.police_pay
    np.testing.assert_allclose(paid.change[solvent], expected[solvent], rtol=1e-9, atol=1e-6)
    south, south0 = paid[paid.organization == "South"], base[base.organization == "South"]
    assert south.revenue.iloc[0] == south0.revenue.iloc[0]  # only North has it


def test_outside_income_pays_the_wages_of_an_organization_without_plazas():
    """North's plaza yields nothing and it has 100 pesos: its members go unpaid and desert, unless it
    earns outside what their wages cost (45 members x 100 pesos a day)."""
    poor = {"plazas[name=Ciudad Norte].value_per_day": 0.0, "organizations[name=North].treasury": 100.0,
            "parameters.desertion_rate": 0.05, "parameters.recruit_rate": 0.0,
            "parameters.clash_rate": 0.0, "parameters.arrest_rate": 0.0}  # no other losses

    def members_left(**extra) -> int:
        org = sim.run(two_cartels(**poor, **extra), seed=1, days=200).organizations
        return int(org[org.organization == "North"].members.iloc[-1])

    broke = members_left()
    funded = members_left(**{"organizations[name=North].outside_income_per_day": 6000.0})
    assert broke < 30 and funded == 45, (broke, funded)


def bystanders_and_killed(**parameters) -> tuple[int, int]:
    overrides = {"parameters.collateral_per_clash": 0.0, "parameters.clash_rate": 0.004,
                 **{f"parameters.{k}": v for k, v in parameters.items()}}
    bystanders = killed = 0
    for seed in range(6):
        v = sim.run(two_cartels(**overrides), seed=seed, days=200).violence
        bystanders += int(v[v.type == "collateral"]["count"].sum())
        killed += int(v[v.type == "clash"]["count"].sum())
    return bystanders, killed


def test_bystanders_per_member_killed_follow_the_members_killed():
    """With collateral_per_clash = 0 there are bystanders only with the new rate, and then
    about mu_k x density x members killed of them (density 1/2: 50,000 people, half
    population 50,000)."""
    assert bystanders_and_killed()[0] == 0
    bystanders, killed = bystanders_and_killed(collateral_per_member_killed=0.8)
    assert killed > 100
    expected = 0.8 * 0.5 * killed
    assert abs(bystanders - expected) < 4 * np.sqrt(expected), (bystanders, expected)


def test_the_two_bystander_rates_add_and_are_attributed_to_the_sides():
    """Per clash and per member killed together give more bystanders than per clash alone,
    each attributed to a fighting organization."""
    per_clash = sim.run(two_cartels(), seed=2, days=300).violence
    both = sim.run(two_cartels(**{"parameters.collateral_per_member_killed": 2.0}), seed=2,
                   days=300).violence
    count = [int(v[v.type == "collateral"]["count"].sum()) for v in (per_clash, both)]
    assert count[1] > count[0]
    collateral = both[both.type == "collateral"]
    assert set(collateral.perpetrator.astype(str)) <= {"North", "South"}
    assert set(collateral.victim.astype(str)) == {"civilian"}


def test_outside_income_counts_in_the_recruit_budget():
    """North has no money, no plaza income and earns 100 pesos a day outside; a recruit costs
    1,000. Without recruit_payback_days it cannot pay one in its first 5 days (500 pesos
    saved); with 30 days its outside income pays them ahead (budget 30 x 100 = 3,000)."""
    broke = {"plazas[name=Ciudad Norte].value_per_day": 0.0,
             "organizations[name=North].treasury": 0.0,
             "organizations[name=North].wage_per_member_day": 0.0,
             "organizations[name=North].outside_income_per_day": 100.0,
             "parameters.recruit_rate": 0.02, "parameters.recruit_cost": 1000.0,
             "parameters.clash_rate": 0.0}

    def recruited(payback: float) -> int:
        scenario = two_cartels(**broke, **{"parameters.recruit_payback_days": payback})
        north = sim.run(scenario, seed=1, days=5).organizations
        north = north[north.organization == "North"].members
        return int(north.max() - north.iloc[0])

    assert recruited(0.0) == 0
    assert recruited(30.0) > 0
