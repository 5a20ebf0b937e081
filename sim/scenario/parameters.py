"""The model-wide parameters of a scenario (``[parameters]``): every rate with its unit and
default.

Rates are per day unless the name says otherwise; docs/model.md gives each one's symbol,
source and role in the equations, and :mod:`sim.codes` its place in the kernel's vector
(which follows the order of the fields here).
"""

from __future__ import annotations

from pydantic import Field

from .fields import COUNT_MAX, MONEY_MAX, POPULATION_MAX, Section, money, nonneg, share


class Parameters(Section):
    """Model-wide rates and constants. Rates are per day unless the name says otherwise."""
    background_homicides_per_100k_year: float = nonneg(
        5.5, "homicides not caused by the modelled conflict (per 100,000 people per year)")
    clash_rate: float = nonneg(
        0.0005, "clashes of a hostile pair where both hold cells, per member of both sides "
        "(clashes per member per day)")
    attack_multiplier: float = nonneg(
        10.0, "clash, kidnap and assassination rates are multiplied by this when a side "
        "attacks (factor)")
    attack_threshold: float = nonneg(
        0.8, "attack when (own + allied strength) / (defender strength) * (1 + aggression) * "
        "(1 + grievance_weight * grievance) reaches this; only compared, so a very large "
        "value (1e9) means never (ratio)", le=MONEY_MAX)
    lethality: float = nonneg(
        0.05, "deaths per clash per unit of enemy firepower, times the victim side's share "
        "of the people in the fight; Lanchester aimed fire (deaths per firepower unit per clash)")
    police_firepower: float = nonneg(
        0.5, "firepower of one officer (cell-member equivalents per officer)")
    assassination_rate: float = nonneg(
        0.01, "attempts per attacking organization per plaza with a live boss (attempts per day)")
    assassination_success: float = share(
        0.5, "chance an attempt succeeds before protection (probability)")
    boss_protection_per_officer: float = share(
        0.05, "each officer on the defender's payroll cuts success by this share, "
        "multiplicatively (share per officer)")
    lieutenant_kill_probability: float = share(
        0.5, "chance a successful assassination also kills a lieutenant (probability)")
    boss_replacement_days: float = nonneg(30.0, "mean time to replace a plaza boss (days)")
    collateral_per_clash: float = nonneg(
        0.05, "expected bystander deaths per clash (and per assassination) in a very dense "
        "plaza; times population / (population + collateral_half_population) (deaths per clash)")
    collateral_half_population: float = nonneg(
        50000.0, "population at which half of collateral_per_clash applies (people)",
        le=POPULATION_MAX)
    kidnap_rate: float = nonneg(
        0.0005, "kidnappings in a hostile pair, per member of the victim organization "
        "(kidnappings per member per day)")
    kidnap_murder_probability: float = share(
        0.5, "chance a kidnapped member is murdered (probability)")
    intel_per_kidnapping: float = nonneg(
        1.0, "intelligence gained per kidnapping (intelligence units)")
    intel_half_life_days: float = nonneg(30.0, "half-life of intelligence (days)")
    intel_weight: float = nonneg(
        0.5, "clash and assassination rate multiplier per intelligence unit (factor per unit)")
    arrest_rate: float = nonneg(
        0.0005, "arrests per member per 100 officers, times unit effectiveness "
        "(arrests per member per day per 100 officers)")
    police_killed_per_arrest: float = share(
        0.02, "chance an arrest kills an officer (probability)")
    police_replenish_days: float = nonneg(90.0, "mean time to refill a lost officer (days)")
    corruption_rate: float = nonneg(
        0.01, "rate at which a unit considers each affordable offer, times 1 - integrity "
        "(per offer per day)")
    bribe_per_officer_day: float = money(
        50.0, "price of a clean police unit: its pay on a payroll (pesos per officer per day)")
    turn_margin: float = nonneg(
        1.5, "a unit on a payroll costs a rival this multiple of its current pay (factor)")
    federal_purge_rate: float = nonneg(
        0.02, "chance that a payroll unit in a plaza with federal forces is purged "
        "(per unit per day)")
    recruit_rate: float = nonneg(0.0004, "recruits before limits (recruits per member per day)")
    recruit_cost: float = money(0.0, "cost of one recruit (pesos per recruit)")
    recruit_payback_days: float = nonneg(
        0.0, "an organization recruits only what its treasury plus this many days of its net "
        "income pays, at recruit_cost plus this many days of a recruit's wage; 0: only "
        "recruit_cost limits recruiting (days)", le=1e5)
    max_member_share: float = share(
        0.01, "recruitment in a plaza slows as members of all organizations approach this "
        "share of its population, and stops there (share)")
    hire_rate: float = nonneg(
        0.0, "local cells hired per organization and neighbouring enemy plaza (cells per day)")
    hire_members: int = nonneg(5, "members of a hired local cell (members)", le=COUNT_MAX)
    hire_cost: float = money(50000.0, "cost of hiring a local cell (pesos per cell)")
    hire_loyalty: float = share(0.5, "loyalty of a hired local cell (0-1)")
    move_rate: float = nonneg(
        0.0, "share of a holding cell's members sent to a neighbouring attack (share per day)")
    takeover_share: float = share(
        0.6, "presence share a challenger needs to take a plaza over (share)")
    collapse_share: float = share(
        0.15, "presence share below which the incumbent loses control (share)")
    contest_share: float = share(
        0.2, "presence share each hostile side needs for a plaza to be contested (share)")
    grievance_half_life_days: float = nonneg(90.0, "half-life of grievance (days)")
    grievance_weight: float = nonneg(
        0.1, "rate multiplier per unit of grievance (factor per death)")
    split_probability: float = share(
        0.5, "chance an organization splits when its leader is removed (probability)")
    split_loyalty: float = share(
        0.6, "a splinter takes the cells whose loyalty is below this (0-1)")
    leader_replacement_days: float = nonneg(
        180.0, "time until a removed leader is replaced (days)")
    leaderless_value_share: float = share(
        0.5, "share of plaza value collected while leaderless (share)")
    desertion_rate: float = nonneg(
        0.01, "desertions when unpaid, times (1 - loyalty) (per member per day)")
    unfunded_desertion_rate: float = nonneg(
        0.0, "members of an organization going broke leave at this rate times the share of "
        "its bill that its net income (stipends included) and its treasury spread over "
        "unfunded_horizon_days do not pay; 0: off (per member per day)")
    unfunded_horizon_days: float = nonneg(
        365.0, "an organization is going broke (unfunded_desertion_rate) while its treasury "
        "covers fewer than this many days of its deficit (days)", le=1e5)
    neutral_conflict_factor: float = nonneg(
        0.0, "clash-rate factor between neutral organizations (factor)")
    ally_conflict_factor: float = nonneg(0.0, "clash-rate factor between allies (factor)")
    ally_shielding: float = nonneg(
        0.0, "losses are divided by (1 + the sum of alliance weights, 1 per alliance unless "
        "its intensity says otherwise) to this power (exponent)")
    saturation_rate: float = nonneg(
        0.0, "members lost per member per member, omega (per member squared per day)")
    national_arrests_per_day: float = nonneg(
        0.0, "arrests shared by all organizations in proportion to size (arrests per day)")
    # Scale-free forms (docs/model.md, "Scale"): each is 0 by default, which keeps the
    # absolute form above; a scale-free setup sets the absolute one to 0 and this one instead.
    grievance_relative_weight: float = nonneg(
        0.0, "rate multiplier per unit of relative grievance: deaths as a share of the "
        "aggrieved organization's members when they died, decaying like grievance "
        "(factor per share)")
    relative_clash_scaling: float = share(
        0.0, "s, 0-1: a pair's clashes grow as (members of both)^(1 - s) instead of in "
        "proportion to them, and bystanders per clash as (members of both)^s, so that at "
        "s = 1 deaths grow in proportion to members (exponent)")
    intel_per_kidnapped_share: float = nonneg(
        0.0, "intelligence gained per share of the victim organization's members in the plaza "
        "abducted (intelligence units per share)")
    arrest_rate_per_officer_density: float = nonneg(
        0.0, "arrests per member per day per officer per 100,000 inhabitants of the plaza, "
        "times unit effectiveness (arrests per member per day per officer per 100,000 people)")
    recruit_per_100k_year: float = nonneg(
        0.0, "recruits a plaza yields per 100,000 inhabitants per year, times the room its "
        "members leave (as for recruit_rate), shared by the organizations with members "
        "there (equally, or by means: recruit_means_share), each share to its largest cell; "
        "limited by the treasury as "
        "recruit_rate is (recruits per 100,000 people per year)")
    recruit_means_share: float = share(
        0.0, "m, 0-1: share of a plaza's recruit_per_100k_year yield that goes to the "
        "organizations there in proportion to what they can pay (their recruit budget: "
        "treasury plus recruit_payback_days of net income, floored at 0); the rest is "
        "shared equally; 0 = an equal share each (share)")
    # state forces as actors (docs/model.md, "Confrontations"); 0 and 1 leave them off
    confront_rate: float = nonneg(
        0.0, "confrontations of an army or federal unit with each organization that has "
        "members in its plaza, times attack_multiplier where the organization attacks "
        "(confrontations per unit per organization per day)")
    army_firepower: float = nonneg(
        2.0, "firepower of one soldier in a confrontation (cell-member equivalents per soldier)")
    payroll_fight_share_municipal: float = share(
        1.0, "share of a municipal payroll unit's officers that fight for its patron: their "
        "firepower and deaths in its clashes, their guard of its bosses (share)")
    payroll_fight_share_state: float = share(
        1.0, "the same for a state police unit on a payroll (share)")
    payroll_fight_share_federal: float = share(
        1.0, "the same for a federal police unit on a payroll (share)")
    # violence against civilians (docs/model.md, "Extortion and civilian kidnapping")
    extortion_per_person_day: float = money(
        0.0, "extortion a plaza's controller collects (pesos per inhabitant per day)")
    extortion_killing_per_100k_year: float = nonneg(
        0.0, "killings of people who resist extortion in a controlled plaza, by its "
        "controller (homicides per 100,000 people per year)")
    extortion_contested_factor: float = nonneg(
        1.0, "factor on extortion killings while the plaza is contested (factor)")
    civilian_kidnap_per_100k_year: float = nonneg(
        0.0, "kidnappings of civilians by a plaza's controller (kidnappings per 100,000 "
        "people per year)")
    civilian_kidnap_murder_probability: float = share(
        0.0, "chance a kidnapped civilian is murdered (probability)")
    cohesion_loss_days: float = nonneg(
        0.0, "days of lost cohesion after a leader's removal; 0: none (days)")
    cohesion_desertion_factor: float = nonneg(
        1.0, "during lost cohesion members desert at desertion_rate (1 - loyalty) (unpaid "
        "share + this - 1): this times the fully unpaid rate, or this - 1 times it when paid "
        "(factor)")
    cohesion_firepower_factor: float = nonneg(
        1.0, "factor on the organization's firepower during lost cohesion (factor)")
    cohesion_aggression_factor: float = nonneg(
        1.0, "factor on the organization's aggression during lost cohesion (factor)")
    succession_fight_probability: float = share(
        0.0, "chance, at a leader's removal, that its factions fight: a splinter forms at war "
        "with the parent, drawn independently of split_probability (probability)")
    mobilization_rate: float = nonneg(
        0.0, "share of its reserve an organization at war brings in per day, times the "
        "stakes, value at stake / (value at stake + value held) (share per day)")
    mobilization_cost: float = money(
        0.0, "cost of bringing in one member from the reserve (pesos per member)")
    mobilization_spread: float = share(
        0.0, "share of the members an organization brings from its reserve in a step that it "
        "divides among the plazas at stake for it, in proportion to the members of its "
        "enemies there, each part joining its largest cell in that plaza (a new cell where "
        "it has none); 0: all join its largest cell in a plaza at stake (share)")
    ally_support_share: float = share(
        0.0, "share of an organization's surplus of the step (treasury gained in the money "
        "phase) it sends to its poorer allies at war, split equally (share)")
    client_loyalty_days: float = nonneg(
        0.0, "a client whose stipend has gone unpaid this long stops fighting for its "
        "patron: truce with the patron's enemies, alliance ended; 0: never (days)")
    # engagement: a war that grows (docs/model.md, "Engagement"); 1 leaves it off
    engagement_initial: float = Field(
        1.0, gt=0, le=1, description="e0: share of an organization's members in a plaza that "
        "take part in its clashes with an enemy that has killed none of them; the share rises "
        "towards 1 with the relative grievance against that enemy; 1: all take part, always; "
        "above 0, or no war would ever start (share)")
    engagement_half_share: float = nonneg(
        0.05, "relative grievance (deaths caused by the enemy as shares of the organization's "
        "members, decaying like grievance) at which half of the members not yet engaged take "
        "part (share of members)")
    collateral_per_member_killed: float = nonneg(
        0.0, "expected bystander deaths per member killed in a clash, in a very dense plaza; "
        "times population / (population + collateral_half_population), added to "
        "collateral_per_clash's; 0: none (deaths per member killed)")
