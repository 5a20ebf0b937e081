"""Integer codes shared by the kernel and the tables, and the parameter vector's layout.

The kernel works on integers; :mod:`sim.results` turns them back into the names of the
output contract (README, "Outputs").
"""

from __future__ import annotations

import numpy as np

from .rng import stream_id
from .scenario.fields import POLICE_KINDS
from .scenario.parameters import Parameters

# relations between organizations, and police kinds (POLICE_KINDS: the scenario's words, in
# this order; a unit's kind is its index)
WAR, NEUTRAL, ALLY = -1, 0, 1
RELATION_CODES = {"war": WAR, "neutral": NEUTRAL, "ally": ALLY}
MUNICIPAL, STATE_POLICE, FEDERAL, ARMY = (POLICE_KINDS.index(k)
                                          for k in ("municipal", "state", "federal", "army"))

# violence types, new ones appended so that codes keep their numbers
CLASH, ASSASSINATION, COLLATERAL, KIDNAP_MURDER, POLICE_KILLED, BACKGROUND = 0, 1, 2, 3, 4, 5
KIDNAPPING, ARREST = 6, 7
KILLED_BY_FORCES, FORCES_KILLED = 8, 9  # confrontations with the army or federal police
EXTORTION_KILLING, CIVILIAN_KIDNAPPING, CIVILIAN_KIDNAP_MURDER = 10, 11, 12
TYPE_NAMES = (
    "clash", "assassination", "collateral", "kidnap_murder", "police_killed", "background",
    "kidnapping", "arrest", "killed_by_forces", "forces_killed", "extortion_killing",
    "civilian_kidnapping", "civilian_kidnap_murder",
)
# which types are homicides
LETHAL_TYPES = np.array([True] * 6 + [False] * 2 + [True] * 3 + [False, True])

# who did it for the perpetrator (VIA_STATE: police or soldiers)
VIA_CELL, VIA_LOCAL_CELL, VIA_POLICE, VIA_STATE, VIA_NONE = 0, 1, 2, 3, 4
VIA_NAMES = ("cell", "local_cell", "police", "state", "none")

# perpetrators and victims that are not organizations (organizations are rows >= 0)
# (STATE_FORCES: soldiers and federal police confronting armed cells)
POLICE, CIVILIAN, UNKNOWN, STATE_FORCES = -1, -2, -3, -4
ACTOR_NAMES = {POLICE: "police", CIVILIAN: "civilian", UNKNOWN: "unknown",
               STATE_FORCES: "state"}

# why advance() returned
DONE, TRIGGER, SPLIT, BUFFER_FULL, RELATIONS = 0, 1, 2, 3, 4  # RELATIONS: a client left

# ledger columns (see sim.state.LEDGER_COLUMNS)
L_RECRUITED, L_KILLED, L_ARRESTED, L_DESERTED, L_MOVED, L_MOBILIZED = 0, 1, 2, 3, 4, 5

# An organization's money flows in one step (pesos), the columns of State.org_flows and of
# the organizations table: org_flows[o, F_REVENUE] ... org_flows[o, F_UNPAID_BILL]
# (unpaid_bill: the wages and police pay due in the step that it could not pay).
FLOW_COLUMNS = ("revenue", "wages", "police_pay", "reinforcement_cost", "unpaid_bill")
globals().update({f"F_{name.upper()}": i for i, name in enumerate(FLOW_COLUMNS)})

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
S_RECRUIT_PER_POPULATION = stream_id("recruit_per_population")
S_DESERTION = stream_id("desertion")
S_HIRE = stream_id("hire")
S_MOVE = stream_id("move")
S_BOSS = stream_id("boss")
S_SPLIT = stream_id("split")
S_SUCCESSION = stream_id("succession")
S_MOBILIZE = stream_id("mobilize")
S_MOBILIZE_CELL = stream_id("mobilize_cell")
S_BACKGROUND = stream_id("background")
S_REPLENISH = stream_id("replenish")
S_NATIONAL_ARREST = stream_id("national_arrest")
S_VIA = stream_id("via")
S_VIA_CLASH = stream_id("via_clash")
S_VIA_POLICE_KILLED = stream_id("via_police_killed")
S_VIA_COLLATERAL = stream_id("via_collateral")
S_TRUCE_HOLD = stream_id("truce_hold")
S_CONFRONT = stream_id("confront")
S_CONFRONT_LOSS = stream_id("confront_loss")
S_FORCES_KILLED = stream_id("forces_killed")
S_VIA_FORCES_KILLED = stream_id("via_forces_killed")
S_EXTORTION_KILLING = stream_id("extortion_killing")
S_CIVILIAN_KIDNAP = stream_id("civilian_kidnap")
S_CIVILIAN_KIDNAP_MURDER = stream_id("civilian_kidnap_murder")

# The parameter vector: prm[P_<NAME>] is scenario.parameters.<name> (units in
# sim/scenario/parameters.py), in the order the Parameters model declares them; P_CLASH_RATE and the
# other indices are made here from that declaration, so a new parameter needs no line here.
PARAM_NAMES = tuple(Parameters.model_fields)
globals().update({f"P_{name.upper()}": i for i, name in enumerate(PARAM_NAMES)})


def parameter_vector(parameters) -> np.ndarray:
    """float64 (len(PARAM_NAMES),) from a :class:`sim.scenario.Parameters`."""
    return np.array([float(getattr(parameters, n)) for n in PARAM_NAMES], dtype=np.float64)
