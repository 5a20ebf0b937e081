"""Rates that carry across scales (issue 13, item 6): with the scale-free forms on, a place
twice or four times as large (members, populations, plaza values, treasuries, police, entry
sizes, trigger thresholds) has the same conflict homicides per capita; with the absolute
grievance it does not (the failure a Juárez trial met: bcs_2014's grievance_weight exploded
at thousands of deaths).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.model import CartelModel
from sim.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SEEDS = range(40)

# bcs_2014's BCS-alone rates (BCS_ALONE) with every scale-bound feedback in its scale-free form (docs/model.md, "Scale"):
# the absolute forms off, the relative ones sized to BCS's organizations of ~150 members.
# Not a calibration: a setup whose behaviour must not depend on size.
SCALE_FREE = {
    "grievance_weight": 0.0, "grievance_relative_weight": 20.0,
    "relative_clash_scaling": 1.0,
    "intel_per_kidnapping": 0.0, "intel_per_kidnapped_share": 50.0,
    "arrest_rate": 0.0, "arrest_rate_per_officer_density": 4e-6,
    "collateral_half_population": 0.0,
}
MEMBERS_OF_A_FIGHT = 150  # the BCS pair size at which clash and collateral rates carry over


def scale_free(scenario: Scenario) -> Scenario:
    """The scenario with SCALE_FREE, its clash and collateral rates converted at
    MEMBERS_OF_A_FIGHT members."""
    p = scenario.parameters
    return scenario.with_overrides({
        **{f"parameters.{name}": value for name, value in SCALE_FREE.items()},
        "parameters.clash_rate": p.clash_rate * MEMBERS_OF_A_FIGHT,
        "parameters.collateral_per_clash": p.collateral_per_clash / MEMBERS_OF_A_FIGHT,
    })


def scaled(scenario: Scenario, k: int) -> Scenario:
    """The same place k times as large: every size in people or pesos (the data) times k,
    every behavioural parameter as it was."""
    d = scenario.model_dump()
    for cell in d["cells"]:
        cell["members"] *= k
    for plaza in d["plazas"]:
        plaza["population"] *= k
        plaza["value_per_day"] *= k
    for unit in d["police"]:
        unit["officers"] *= k
    for org in d["organizations"]:
        org["treasury"] *= k
    for event in d["events"]:
        for size in ("members", "officers"):
            if isinstance(event.get(size), int):
                event[size] *= k
    for trigger in d["triggers"]:
        trigger["when"] = re.sub(r"[\d.]+$", lambda m: str(float(m.group()) * k),
                                 trigger["when"])
        if trigger.get("officers") is not None:
            trigger["officers"] *= k
    return Scenario.model_validate(d)


def conflict_per_100k(scenario: Scenario) -> float:
    """Mean over SEEDS of the run's homicides other than background, per 100,000 people."""
    population = sum(p.population for p in scenario.plazas)
    totals = []
    for seed in SEEDS:
        v = sim.run(scenario, seed=seed).violence
        totals.append(v.loc[v.lethal & (v.type != "background"), "count"].sum())
    return float(np.mean(totals)) / population * 1e5


@pytest.fixture(scope="module")
def bcs() -> Scenario:
    return sim.load_scenario(SCENARIOS / "bcs_2014.toml")


def test_scaled_doubles_the_data_and_nothing_else(bcs):
    big = scaled(bcs, 2)
    assert big.parameters == bcs.parameters
    assert [c.members for c in big.cells] == [2 * c.members for c in bcs.cells]
    assert sum(p.population for p in big.plazas) == 2 * sum(p.population for p in bcs.plazas)
    assert big.triggers[0].when.endswith(">= 20.0")


# bcs_2014's behaviour before the joint fit (scenarios/shared/behaviour.toml until
# 2026-12-07: fitted to BCS alone, absolute forms, issue 13's mechanisms off). The shipped
# base is now scale-free and fitted to both episodes, so the absolute grievance's failure is
# shown on the setup where it was met, written out here rather than read from the base.
BCS_ALONE = {
    "clash_rate": 0.000185, "attack_multiplier": 22.3, "lethality": 0.0215,
    "assassination_rate": 0.0261, "recruit_rate": 0.001, "arrest_rate": 0.0002,
    "grievance_weight": 0.1, "grievance_half_life_days": 90.0,
    "grievance_relative_weight": 0.0, "relative_clash_scaling": 0.0,
    "intel_per_kidnapping": 1.0, "intel_per_kidnapped_share": 0.0,
    "arrest_rate_per_officer_density": 0.0, "police_killed_per_arrest": 0.02,
    "collateral_per_clash": 0.05, "collateral_half_population": 50000.0,
    "collateral_per_member_killed": 0.0, "neutral_conflict_factor": 0.0,
    "recruit_per_100k_year": 0.0, "recruit_means_share": 0.0,
    "mobilization_rate": 0.0, "mobilization_spread": 0.0, "confront_rate": 0.0,
    "payroll_fight_share_municipal": 1.0, "payroll_fight_share_state": 1.0,
    "payroll_fight_share_federal": 1.0,
    "engagement_initial": 1.0, "engagement_half_share": 0.05,
}


@pytest.mark.parametrize("k", [2, 4])
def test_scale_free_forms_keep_violence_per_capita_across_sizes(bcs, k):
    """The scale-free forms on BCS's own rates (BCS_ALONE, converted by scale_free): within
    15% at twice and four times BCS's size (40 seeds; measured 1.04 and 1.09: what remains is small
    cells of 2-6 members dying out at BCS's size, not at larger ones)."""
    free = scale_free(bcs.with_overrides({f"parameters.{k}": v for k, v in BCS_ALONE.items()}))
    ratio = conflict_per_100k(scaled(free, k)) / conflict_per_100k(free)
    assert 0.85 < ratio < 1.15


@pytest.mark.parametrize("k", [2, 4])
def test_the_shipped_base_carries_across_sizes_but_for_its_plaza_bosses(bcs, k):
    """bcs_2014 as shipped (its base is scale-free and jointly fitted) at 2 and 4 times its
    sizes, with the assassination of plaza bosses off (one boss per plaza at any size: the
    one per-plaza rate; with it on the ratios are 0.75 and 0.68, and without it 0.98 and
    0.98, 2026-12-07): within 15%."""
    shipped = bcs.with_overrides({"parameters.assassination_rate": 0.0})
    ratio = conflict_per_100k(scaled(shipped, k)) / conflict_per_100k(shipped)
    assert 0.85 < ratio < 1.15


def test_absolute_grievance_does_not_carry_across_sizes(bcs):
    """The same setup with bcs_2014's absolute grievance instead (0.1 per death), on the
    BCS-alone behaviour (BCS_ALONE): four times the size gives more violence per capita
    (40 seeds: measured 1.68 times; 1.09 with the relative grievance), and more the larger
    the place."""
    alone = bcs.with_overrides({f"parameters.{k}": v for k, v in BCS_ALONE.items()})
    absolute = scale_free(alone).with_overrides({"parameters.grievance_weight": 0.1,
                                                 "parameters.grievance_relative_weight": 0.0})
    ratio = conflict_per_100k(scaled(absolute, 4)) / conflict_per_100k(absolute)
    assert ratio > 1.3


def test_relative_grievance_counts_each_death_as_a_share_of_the_victims_members():
    """After one step of a war, R[a, b] = G[a, b] / (a's members after the step + its deaths
    in it): ten deaths in an organization of 100 weigh what 100 weigh in one of 1,000."""
    cells = [dict(organization=o, plaza="Town", name=f"{o} {i}", members=n)
             for o, sizes in (("Big", (600, 400)), ("Small", (100,))) for i, n in enumerate(sizes)]
    scenario = Scenario.model_validate(dict(
        name="one_war", simulation=dict(start="2020-01-01", days=1),
        parameters=dict(clash_rate=0.01, lethality=0.5, grievance_relative_weight=1.0),
        organizations=[dict(name="Big"), dict(name="Small")],
        plazas=[dict(name="Town", population=1_000_000, controller="Big")],
        cells=cells, relations=[dict(between=["Big", "Small"], state="war")]))
    model = CartelModel(scenario, rng=3)
    model.run_for(1)
    state = model.state
    members = np.bincount(state.cell_org[state.cell_active], state.cell_members[state.cell_active],
                          minlength=2)
    G, R = state.grievance[:2, :2], state.grievance_share[:2, :2]
    assert G[0, 1] > 0 and G[1, 0] > 0
    before = members + G.sum(axis=1)
    np.testing.assert_allclose(R, G / before[:, None], rtol=1e-12)
    assert R[1, 0] > R[0, 1] * G[1, 0] / G[0, 1]  # the small side feels each death more
