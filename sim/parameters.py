"""The model-wide parameters of a scenario (``[parameters]``): every rate with its unit and
default, and the shared base of all scenario sections.

Rates are per day unless the name says otherwise; docs/model.md gives each one's symbol,
source and role in the equations, and :mod:`sim.codes` its place in the kernel's vector.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    """Shared configuration: unknown keys and non-finite numbers (nan, inf) are errors."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _nonneg(default: float, description: str) -> Any:
    """A rate, count, amount or factor: a number of 0 or more."""
    return Field(default, ge=0, description=description)


def _share(default: float, description: str) -> Any:
    """A probability or share: a number from 0 to 1."""
    return Field(default, ge=0, le=1, description=description)


class Parameters(_Section):
    """Model-wide rates and constants. Rates are per day unless the name says otherwise."""
    background_homicides_per_100k_year: float = _nonneg(
        5.5, "homicides not caused by the modelled conflict (per 100,000 people per year)")
    clash_rate: float = _nonneg(
        0.0005, "clashes of a hostile pair where both hold cells, per member of both sides "
        "(clashes per member per day)")
    attack_multiplier: float = _nonneg(
        10.0, "clash, kidnap and assassination rates are multiplied by this when a side "
        "attacks (factor)")
    attack_threshold: float = _nonneg(
        0.8, "attack when (own + allied strength) / (defender strength) * (1 + aggression) * "
        "(1 + grievance_weight * grievance) reaches this (ratio)")
    lethality: float = _nonneg(
        0.05, "deaths per clash per unit of enemy firepower, times the victim side's share "
        "of the people in the fight; Lanchester aimed fire (deaths per firepower unit per clash)")
    police_firepower: float = _nonneg(
        0.5, "firepower of one officer (cell-member equivalents per officer)")
    assassination_rate: float = _nonneg(
        0.01, "attempts per attacking organization per plaza with a live boss (attempts per day)")
    assassination_success: float = _share(
        0.5, "chance an attempt succeeds before protection (probability)")
    boss_protection_per_officer: float = _share(
        0.05, "each officer on the defender's payroll cuts success by this share, "
        "multiplicatively (share per officer)")
    lieutenant_kill_probability: float = _share(
        0.5, "chance a successful assassination also kills a lieutenant (probability)")
    boss_replacement_days: float = _nonneg(30.0, "mean time to replace a plaza boss (days)")
    collateral_per_clash: float = _nonneg(
        0.05, "expected bystander deaths per clash (and per assassination) in a very dense "
        "plaza; times population / (population + collateral_half_population) (deaths per clash)")
    collateral_half_population: float = _nonneg(
        50000.0, "population at which half of collateral_per_clash applies (people)")
    kidnap_rate: float = _nonneg(
        0.0005, "kidnappings in a hostile pair, per member of the victim organization "
        "(kidnappings per member per day)")
    kidnap_murder_probability: float = _share(
        0.5, "chance a kidnapped member is murdered (probability)")
    intel_per_kidnapping: float = _nonneg(
        1.0, "intelligence gained per kidnapping (intelligence units)")
    intel_half_life_days: float = _nonneg(30.0, "half-life of intelligence (days)")
    intel_weight: float = _nonneg(
        0.5, "clash and assassination rate multiplier per intelligence unit (factor per unit)")
    arrest_rate: float = _nonneg(
        0.0005, "arrests per member per 100 officers, times unit effectiveness "
        "(arrests per member per day per 100 officers)")
    police_killed_per_arrest: float = _share(
        0.02, "chance an arrest kills an officer (probability)")
    police_replenish_days: float = _nonneg(90.0, "mean time to refill a lost officer (days)")
    corruption_rate: float = _nonneg(
        0.01, "rate at which a unit considers each affordable offer, times 1 - integrity "
        "(per offer per day)")
    bribe_per_officer_day: float = _nonneg(
        50.0, "price of a clean police unit: its pay on a payroll (pesos per officer per day)")
    turn_margin: float = _nonneg(
        1.5, "a unit on a payroll costs a rival this multiple of its current pay (factor)")
    federal_purge_rate: float = _nonneg(
        0.02, "chance that a payroll unit in a plaza with federal forces is purged "
        "(per unit per day)")
    recruit_rate: float = _nonneg(0.0004, "recruits before limits (recruits per member per day)")
    recruit_cost: float = _nonneg(0.0, "cost of one recruit (pesos per recruit)")
    max_member_share: float = _share(
        0.01, "recruitment in a plaza slows as members of all organizations approach this "
        "share of its population, and stops there (share)")
    hire_rate: float = _nonneg(
        0.0, "local cells hired per organization and neighbouring enemy plaza (cells per day)")
    hire_members: int = _nonneg(5, "members of a hired local cell (members)")
    hire_cost: float = _nonneg(50000.0, "cost of hiring a local cell (pesos per cell)")
    hire_loyalty: float = _share(0.5, "loyalty of a hired local cell (0-1)")
    move_rate: float = _nonneg(
        0.0, "share of a holding cell's members sent to a neighbouring attack (share per day)")
    takeover_share: float = _share(
        0.6, "presence share a challenger needs to take a plaza over (share)")
    collapse_share: float = _share(
        0.15, "presence share below which the incumbent loses control (share)")
    contest_share: float = _share(
        0.2, "presence share each hostile side needs for a plaza to be contested (share)")
    grievance_half_life_days: float = _nonneg(90.0, "half-life of grievance (days)")
    grievance_weight: float = _nonneg(
        0.1, "rate multiplier per unit of grievance (factor per death)")
    split_probability: float = _share(
        0.5, "chance an organization splits when its leader is removed (probability)")
    split_loyalty: float = _share(
        0.6, "a splinter takes the cells whose loyalty is below this (0-1)")
    leader_replacement_days: float = _nonneg(
        180.0, "time until a removed leader is replaced (days)")
    leaderless_value_share: float = _share(
        0.5, "share of plaza value collected while leaderless (share)")
    desertion_rate: float = _nonneg(
        0.01, "desertions when unpaid, times (1 - loyalty) (per member per day)")
    neutral_conflict_factor: float = _nonneg(
        0.0, "clash-rate factor between neutral organizations (factor)")
    ally_conflict_factor: float = _nonneg(0.0, "clash-rate factor between allies (factor)")
    ally_shielding: float = _nonneg(
        0.0, "losses are divided by (1 + the sum of alliance weights, 1 per alliance unless "
        "its intensity says otherwise) to this power (exponent)")
    saturation_rate: float = _nonneg(
        0.0, "members lost per member per member, omega (per member squared per day)")
    national_arrests_per_day: float = _nonneg(
        0.0, "arrests shared by all organizations in proportion to size (arrests per day)")
