"""The scenarios of the kernel-against-reference checks (tests/test_reference.py,
tests/test_reference_runs.py): shipped scenarios set up so that every phase has work (their
events moved to the first day, leaders removed on it), a tiny world where every rule acts,
hand-made worlds for single rules (patronage, mobilization, money) and for the states that
once broke the kernel, and random synthetic worlds (sim.synthetic).
"""

from __future__ import annotations

import datetime as dt

from conftest import shipped_scenario

from sim.scenario import Scenario
from sim.synthetic import world


def remove_leaders(scenario: Scenario, *names: str, day: dt.date | None = None) -> Scenario:
    """``scenario`` with the leaders of ``names`` removed on ``day`` (default its first
    day: step 0 draws the splits)."""
    events = scenario.model_dump(mode="python", exclude_none=True)["events"]
    removals = [dict(kind="leader_removed", organization=name,
                     day=day or scenario.simulation.start) for name in names]
    return scenario.with_overrides({"events": events + removals})


def kingpin_split() -> Scenario:
    return remove_leaders(shipped_scenario("kingpin_removal"), "Pacífico")


def bcs_at_war() -> Scenario:
    """bcs_2014 with its alliance and the Zetas' entry on the first day: the attack phase."""
    scenario = shipped_scenario("bcs_2014")
    start = scenario.simulation.start
    return scenario.with_overrides({"events[kind=alliance].day": start,
                                    "events[kind=enter].day": start})


def bcs_blo_split() -> Scenario:
    """bcs_at_war with the BLO's leader removed too: a splinter inherits an alliance."""
    return remove_leaders(bcs_at_war(), "BLO")


SCALE_FREE = {"parameters.grievance_relative_weight": 30.0,
              "parameters.relative_clash_scaling": 0.6, "parameters.clash_rate": 0.05,
              "parameters.intel_per_kidnapped_share": 5.0,
              "parameters.arrest_rate_per_officer_density": 0.0002}


def bcs_scale_free() -> Scenario:
    """bcs_at_war with every scale-free form on (the base's absolute forms are 0) and a
    fractional clash-scaling exponent (the powers must agree too), and recruits paid for
    ahead."""
    return bcs_at_war().with_overrides({**SCALE_FREE,
                                        "parameters.recruit_payback_days": 20000.0})


def bcs_engaged() -> Scenario:
    """bcs_at_war with engagement (a war that grows) starting lower and saturating sooner
    than the base's, a fractional clash-scaling exponent of engaged members, and bystanders
    per member killed (engaged or not)."""
    return bcs_at_war().with_overrides({"parameters.engagement_initial": 0.2,
                                        "parameters.engagement_half_share": 0.02,
                                        "parameters.relative_clash_scaling": 0.6,
                                        "parameters.clash_rate": 0.02,
                                        "parameters.collateral_per_member_killed": 0.3})


def bcs_outside() -> Scenario:
    """bcs_scale_free with outside income (the Zetas, so it pays recruits ahead) and
    bystanders per member killed."""
    return bcs_scale_free().with_overrides({
        "organizations[name=Zetas].outside_income_per_day": 50000.0,
        "parameters.collateral_per_member_killed": 0.7})


def _org(name, treasury, aggression, wage, bribe_share=0.1):
    return dict(name=name, treasury=treasury, aggression=aggression,
                wage_per_member_day=wage, bribe_share=bribe_share)


def _cell(org, plaza, members, **kw):
    return dict(organization=org, plaza=plaza, members=members, **kw)


TINY = dict(
    name="tiny",
    description="four organizations, four plazas: every rule the shipped scenarios leave off",
    simulation=dict(start=dt.date(2020, 1, 1), days=300, spare_organizations=2, spare_cells=4),
    parameters=dict(
        clash_rate=0.002, attack_threshold=0.8, kidnap_rate=0.002, assassination_rate=0.05,
        collateral_per_clash=0.3, hire_rate=0.2, hire_cost=20000.0, hire_members=4,
        move_rate=0.05, national_arrests_per_day=0.3, saturation_rate=2e-4,
        neutral_conflict_factor=0.5, ally_conflict_factor=0.3, ally_shielding=1.0,
        recruit_rate=0.01, recruit_cost=500.0, max_member_share=0.02, corruption_rate=0.1,
        bribe_per_officer_day=20.0, desertion_rate=0.05,
        # state forces and civilians (issue 13 items 4, 5)
        confront_rate=0.02, army_firepower=1.5, payroll_fight_share_municipal=1.0,
        payroll_fight_share_state=0.6, extortion_per_person_day=0.05,
        extortion_killing_per_100k_year=40.0, extortion_contested_factor=3.0,
        civilian_kidnap_per_100k_year=60.0, civilian_kidnap_murder_probability=0.3,
        recruit_per_100k_year=600.0,  # recruitment that scales with population (item 6)
    ),
    organizations=[
        _org("A", 2e5, 0.5, 50, 0.3),
        _org("B", 1000, 0.4, 100, 0.2),  # tiny treasury: unpaid wages, capped recruits
        _org("C", 1e5, 0.3, 20),
        _org("D", 5e4, 0.6, 20),
    ],
    plazas=[
        dict(name="Alfa", population=20000, value_per_day=3000, controller="A",
             neighbours=["Beta", "Gamma", "Delta"]),
        dict(name="Beta", population=8000, value_per_day=2000, controller="B",
             neighbours=["Gamma"]),
        dict(name="Gamma", population=5000, value_per_day=1000, controller="C"),
        dict(name="Delta", population=3000, value_per_day=500, controller="B"),
    ],
    cells=[
        _cell("A", "Alfa", 30), _cell("A", "Beta", 20), _cell("A", "Gamma", 5, firepower=2.0),
        _cell("A", "Beta", 6, local=True, loyalty=0.5, name="crew"),  # mixed vias
        _cell("B", "Beta", 15), _cell("B", "Delta", 6),
        _cell("B", "Alfa", 4, local=True, loyalty=0.3),
        _cell("C", "Gamma", 12), _cell("C", "Beta", 6, local=True, loyalty=0.4),
        _cell("D", "Gamma", 5), _cell("D", "Beta", 4, firepower=1.5),
    ],
    police=[
        dict(plaza="Alfa", kind="municipal", officers=50, integrity=0.7),
        dict(plaza="Beta", kind="state", officers=20, integrity=0.3, payroll="B"),
        dict(plaza="Gamma", kind="municipal", officers=15, integrity=0.1),
        dict(plaza="Delta", kind="municipal", officers=5, integrity=0.5),
        dict(plaza="Delta", kind="army", officers=10),
    ],
    relations=[  # B-C and A-D are neutral: they fight at neutral_conflict_factor
        dict(between=["A", "B"], state="war"), dict(between=["A", "C"], state="ally"),
        dict(between=["B", "D"], state="ally"),
        dict(between=["C", "D"], state="war", intensity=0.7),
    ],
    events=[dict(kind="federal_deployment", force="army", day=dt.date(2020, 2, 1),
                 plazas=["Alfa", "Delta"], officers=25, duration_days=60)],
    triggers=[dict(kind="federal_deployment", when="homicides_10d >= 4", plazas=["Beta"],
                   officers=30, duration_days=15, once=False)],
)


def tiny(step_days: float = 1.0, spin_up_days: int = 0) -> Scenario:
    """TINY, every split certain, C's leader removed on the second day: C's local cell in
    Beta breaks away. (After a spin-up the trigger fires at the end of step 0, and the
    step function reports the trigger, not a split in the same step.)"""
    scenario = Scenario.model_validate(
        {**TINY, "simulation": {**TINY["simulation"], "step_days": step_days,
                                "spin_up_days": spin_up_days},
         "parameters": {**TINY["parameters"], "split_probability": 1.0}})
    return remove_leaders(scenario, "C", day=dt.date(2020, 1, 2))


def small(name: str, parameters: dict, days: int, simulation: dict | None = None,
          **sections) -> Scenario:
    """A hand-made scenario from 2020-01-01."""
    return Scenario.model_validate(dict(
        name=name, simulation=dict(start=dt.date(2020, 1, 1), days=days, **(simulation or {})),
        parameters=parameters, **sections))


def hire_chain() -> Scenario:
    """X holds Home; its enemy Y holds Mid and Far, a line Home - Mid - Far; hires are
    near-certain. X's cell in Home may hire in Mid; X has no cell next to Far."""
    return small(
        "hire_chain", dict(hire_rate=50.0, hire_cost=1000.0, clash_rate=0.0, kidnap_rate=0.0,
                           arrest_rate=0.0, recruit_rate=0.0), 5,
        simulation=dict(spare_organizations=0, spare_cells=3),
        organizations=[dict(name="X", treasury=1e6), dict(name="Y", treasury=1e6)],
        plazas=[dict(name="Home", population=10000, controller="X", neighbours=["Mid"]),
                dict(name="Mid", population=10000, controller="Y", neighbours=["Far"]),
                dict(name="Far", population=10000, controller="Y")],
        cells=[_cell("X", "Home", 10), _cell("Y", "Mid", 10), _cell("Y", "Far", 10)],
        relations=[dict(between=["X", "Y"], state="war")])


def zero_firepower() -> Scenario:
    """A valid scenario (firepower >= 0): one unarmed cell in a plaza nobody controls."""
    return small("zero_firepower", {}, 5, organizations=[dict(name="X")],
                 plazas=[dict(name="Town", population=10000)],
                 cells=[_cell("X", "Town", 10, firepower=0.0)])


def cheap_recruits() -> Scenario:
    """A valid scenario whose treasury buys more than 2**63 recruits at recruit_cost."""
    return small("cheap_recruits", dict(recruit_rate=0.1, recruit_cost=1e-12), 5,
                 organizations=[dict(name="X", treasury=1e7)],
                 plazas=[dict(name="Town", population=10000, controller="X")],
                 cells=[_cell("X", "Town", 20)])


def leaders_and_mobilization() -> Scenario:
    """Issue 13 items 2 and 3 all on: Patron's leader is removed (lost cohesion, a certain
    succession fight); Patron and Rival bring members from their reserves at a price;
    Rival supports its poorer ally Friend; Patron pays its client Gang until its treasury
    runs out, and Gang leaves it; Friend's leader is captured and its wars end."""
    return small(
        "leaders_and_mobilization",
        dict(clash_rate=0.003, attack_threshold=0.8, recruit_rate=0.002, desertion_rate=0.05,
             kidnap_rate=0.001, cohesion_loss_days=25, cohesion_desertion_factor=3.0,
             cohesion_firepower_factor=0.5, cohesion_aggression_factor=0.4,
             split_probability=0.0, succession_fight_probability=1.0, split_loyalty=0.7,
             mobilization_rate=0.05, mobilization_cost=200.0, ally_support_share=0.3,
             client_loyalty_days=8),
        200, simulation=dict(spare_organizations=2),
        organizations=[
            dict(name="Patron", treasury=6e4, aggression=0.5, wage_per_member_day=20,
                 reserve=150),
            dict(name="Gang", treasury=500, wage_per_member_day=5, patron="Patron",
                 stipend_per_day=400),
            dict(name="Rival", treasury=3e5, aggression=0.4, wage_per_member_day=15,
                 reserve=300),
            dict(name="Friend", treasury=2000, wage_per_member_day=10),
        ],
        plazas=[
            dict(name="North", population=30000, value_per_day=800, controller="Patron",
                 neighbours=["South", "East"]),
            dict(name="South", population=20000, value_per_day=3000, controller="Rival",
                 neighbours=["East"]),
            dict(name="East", population=10000, value_per_day=500, controller="Friend"),
        ],
        cells=[_cell("Patron", "North", 30), _cell("Patron", "South", 15, loyalty=0.5),
               _cell("Gang", "North", 10, local=True, loyalty=0.6),
               _cell("Gang", "East", 8, local=True), _cell("Rival", "South", 35),
               _cell("Rival", "North", 12), _cell("Friend", "East", 12),
               _cell("Friend", "North", 5)],
        relations=[dict(between=["Patron", "Rival"], state="war"),
                   dict(between=["Rival", "Friend"], state="ally"),
                   dict(between=["Friend", "Patron"], state="war")],
        events=[dict(kind="leader_removed", organization="Patron", day=dt.date(2020, 1, 10)),
                dict(kind="leader_removed", organization="Friend", day=dt.date(2020, 5, 1),
                     ends_wars=True, cohesion_days=10)])


# every rule the synthetic country leaves off, on
SYNTHETIC_RULES = {
    "parameters.national_arrests_per_day": 0.5, "parameters.neutral_conflict_factor": 0.2,
    "parameters.ally_conflict_factor": 0.1, "parameters.ally_shielding": 0.5,
    "parameters.saturation_rate": 1e-5, "parameters.desertion_rate": 0.05,
    "parameters.kidnap_rate": 0.002, "parameters.split_probability": 1.0,
    "parameters.split_loyalty": 0.7, "simulation.spare_organizations": 3,
}


def synthetic(n_plazas: int, n_orgs: int, n_cells: int, layout: int) -> Scenario:
    """A random country (sim.synthetic.world, layout seed ``layout``) with every rule on,
    a 5-day spin-up and its three largest organizations' leaders removed on the first day."""
    scenario = world(n_plazas, n_orgs, n_cells, n_cells * 9, seed=layout, days=200)
    scenario = scenario.with_overrides({**SYNTHETIC_RULES, "simulation.spin_up_days": 5})
    return remove_leaders(scenario, *(o.name for o in scenario.organizations[:3]))
