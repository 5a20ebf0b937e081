"""Integer codes shared by the kernel and the tables, and the parameter vector's layout.

The kernel works on integers; :mod:`sim.results` turns them back into the names of the
output contract (README, "Outputs").
"""

from __future__ import annotations

import numpy as np

from .rng import stream_id

# relations between organizations, and police kinds (the scenario's words, in this order)
WAR, NEUTRAL, ALLY = -1, 0, 1
RELATION_CODES = {"war": WAR, "neutral": NEUTRAL, "ally": ALLY}
POLICE_KINDS = ("municipal", "state", "federal")
FEDERAL = POLICE_KINDS.index("federal")

# violence types; the first six are lethal (homicides)
CLASH, ASSASSINATION, COLLATERAL, KIDNAP_MURDER, POLICE_KILLED, BACKGROUND = 0, 1, 2, 3, 4, 5
KIDNAPPING, ARREST = 6, 7
TYPE_NAMES = (
    "clash", "assassination", "collateral", "kidnap_murder", "police_killed", "background",
    "kidnapping", "arrest",
)
LETHAL_TYPES = np.array([True] * 6 + [False] * 2)

# who did it for the perpetrator
VIA_CELL, VIA_LOCAL_CELL, VIA_POLICE, VIA_STATE, VIA_NONE = 0, 1, 2, 3, 4
VIA_NAMES = ("cell", "local_cell", "police", "state", "none")

# perpetrators and victims that are not organizations (organizations are rows >= 0)
POLICE, CIVILIAN, UNKNOWN = -1, -2, -3
ACTOR_NAMES = {POLICE: "police", CIVILIAN: "civilian", UNKNOWN: "unknown"}

# why advance() returned
DONE, TRIGGER, SPLIT, BUFFER_FULL = 0, 1, 2, 3

# ledger columns (see sim.state.LEDGER_COLUMNS)
L_RECRUITED, L_KILLED, L_ARRESTED, L_DESERTED, L_MOVED = 0, 1, 2, 3, 4

# random streams: one per kind of draw, so draws for different purposes never collide
S_CLASH = stream_id("clash")
S_CLASH_LOSS = stream_id("clash_loss")
S_COLLATERAL = stream_id("collateral")
S_ASSASSINATION = stream_id("assassination")
S_KIDNAP = stream_id("kidnap")
S_KIDNAP_MURDER = stream_id("kidnap_murder")
S_ARREST = stream_id("arrest")
S_POLICE_KILLED = stream_id("police_killed")
S_CORRUPTION = stream_id("corruption")
S_PURGE = stream_id("purge")
S_RECRUIT = stream_id("recruit")
S_DESERTION = stream_id("desertion")
S_HIRE = stream_id("hire")
S_MOVE = stream_id("move")
S_BOSS = stream_id("boss")
S_SPLIT = stream_id("split")
S_BACKGROUND = stream_id("background")
S_REPLENISH = stream_id("replenish")
S_NATIONAL_ARREST = stream_id("national_arrest")
S_VIA = stream_id("via")
S_VIA_CLASH = stream_id("via_clash")
S_VIA_POLICE_KILLED = stream_id("via_police_killed")
S_VIA_COLLATERAL = stream_id("via_collateral")

# The parameter vector: prm[P_X] is scenario.parameters.x (units in sim/parameters.py).
PARAM_NAMES = (
    "background_homicides_per_100k_year", "clash_rate", "attack_multiplier",
    "attack_threshold", "lethality", "police_firepower", "assassination_rate",
    "assassination_success", "boss_protection_per_officer", "lieutenant_kill_probability",
    "boss_replacement_days", "collateral_per_clash", "collateral_half_population",
    "kidnap_rate", "kidnap_murder_probability", "intel_per_kidnapping",
    "intel_half_life_days", "intel_weight", "arrest_rate", "police_killed_per_arrest",
    "police_replenish_days", "corruption_rate", "bribe_per_officer_day", "turn_margin",
    "federal_purge_rate", "recruit_rate", "recruit_cost", "max_member_share", "hire_rate",
    "hire_members", "hire_cost", "hire_loyalty", "move_rate", "takeover_share",
    "collapse_share", "contest_share", "grievance_half_life_days", "grievance_weight",
    "split_probability", "split_loyalty", "leader_replacement_days",
    "leaderless_value_share", "desertion_rate", "neutral_conflict_factor",
    "ally_conflict_factor", "ally_shielding", "saturation_rate", "national_arrests_per_day",
)
(
    P_BACKGROUND, P_CLASH_RATE, P_ATTACK_MULT, P_ATTACK_THRESHOLD, P_LETHALITY,
    P_POLICE_FIREPOWER, P_ASSASSINATION_RATE, P_ASSASSINATION_SUCCESS, P_BOSS_PROTECTION,
    P_LIEUTENANT, P_BOSS_REPLACEMENT_DAYS, P_COLLATERAL, P_COLLATERAL_HALF_POP,
    P_KIDNAP_RATE, P_KIDNAP_MURDER, P_INTEL_PER_KIDNAP, P_INTEL_HALF_LIFE, P_INTEL_WEIGHT,
    P_ARREST_RATE, P_POLICE_KILLED_PER_ARREST, P_REPLENISH_DAYS, P_CORRUPTION_RATE,
    P_BRIBE_PRICE, P_TURN_MARGIN, P_PURGE_RATE, P_RECRUIT_RATE, P_RECRUIT_COST,
    P_MAX_MEMBER_SHARE, P_HIRE_RATE, P_HIRE_MEMBERS, P_HIRE_COST, P_HIRE_LOYALTY,
    P_MOVE_RATE, P_TAKEOVER_SHARE, P_COLLAPSE_SHARE, P_CONTEST_SHARE, P_GRIEVANCE_HALF_LIFE,
    P_GRIEVANCE_WEIGHT, P_SPLIT_PROBABILITY, P_SPLIT_LOYALTY, P_LEADER_REPLACEMENT_DAYS,
    P_LEADERLESS_VALUE, P_DESERTION_RATE, P_NEUTRAL_FACTOR, P_ALLY_FACTOR, P_ALLY_SHIELDING,
    P_SATURATION, P_NATIONAL_ARRESTS,
) = range(len(PARAM_NAMES))


def parameter_vector(parameters) -> np.ndarray:
    """float64 (len(PARAM_NAMES),) from a :class:`sim.scenario.Parameters`."""
    return np.array([float(getattr(parameters, n)) for n in PARAM_NAMES], dtype=np.float64)
