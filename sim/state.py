"""Every array of a running model, its dtype, shape and unit, in one place.

Shapes use O organizations, C cells, U police units and P plazas; each count includes the
spare rows preallocated for entities created mid-run (splinters, hired and entering cells,
federal deployments). A spare row has ``*_active == False`` until it is used.

Codes:
- relation: -1 war, 0 neutral, 1 ally;
- police kind: 0 municipal, 1 state, 2 federal, 3 army;
- organization, controller and payroll references are row indices, -1 meaning none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numpy as np

from .codes import FLOW_COLUMNS, POLICE_KINDS, RELATION_CODES
from .rng import stable_id
from .scenario import Scenario
from .scenario.ids import enter_cell_key, entity_keys
from .scenario.timeline import created_names

LEDGER_COLUMNS = ("recruited", "killed", "arrested", "deserted", "moved", "mobilized")
"""Cumulative member flows of each organization: moved is net, into the organization;
mobilized counts members brought in from its reserve."""
N_LEDGER = len(LEDGER_COLUMNS)
NO_STEP = np.iinfo(np.int64).min
"""A step before every step (an org_cohesion_until that never applies)."""


@dataclass
class State:
    """The model state as a struct of arrays, mutated in place by the kernel.

    The kernel reads it as one record per entity (:mod:`sim.records`): a field belongs to the
    entity its name starts with, or to the one its metadata names (``entity``).

    Organizations, shape (O,) unless said:
        org_id int64 stable id (hash of the name) used to key random draws;
        org_active bool; org_treasury float64 pesos; org_aggression float64 0-1;
        org_wage float64 pesos per member per day; org_bribe_share float64 0-1, share of the
        treasury budgeted per 30 days for bribes; org_leader_alive bool;
        org_leader_days float64 days since the leader was removed;
        org_split_pending bool (a removal whose split has not been drawn yet);
        org_parent int64 row of the organization a splinter broke from, -1 otherwise;
        org_n_splits int64 splinters formed so far;
        org_cohesion_until int64 the step (exclusive) until which it has lost cohesion
        after a leader's removal, NO_STEP for none;
        org_reserve int64 members outside the modelled plazas it can still bring in;
        org_patron int64 row of the organization paying it as a client, -1 for none;
        org_stipend float64 pesos per day its patron pays it;
        org_unpaid_days float64 days its stipend has gone unpaid in a row;
        org_outside_income float64 pesos per day earned outside the modelled plazas;
        org_flows float64 (O, 5) pesos in the current step: revenue collected, wages and
        police pay paid, reinforcement cost, the bill left unpaid (FLOW_COLUMNS; zeroed at
        the start of a step);
        relation int8 (O, O) symmetric; intensity float64 (O, O) clash-rate factor at war;
        grievance float64 (O, O) [victim, perpetrator], deaths, decaying with a half-life;
        grievance_share float64 (O, O) [victim, perpetrator], the same deaths each as a share
        of the victim's members when they died, decaying alike (relative grievance);
        ledger int64 (O, N_LEDGER) cumulative flows of members (LEDGER_COLUMNS).
    Cells, shape (C,):
        cell_id int64; cell_active bool; cell_org int64; cell_plaza int64;
        cell_members int64; cell_firepower float64 per member; cell_loyalty float64 0-1;
        cell_local bool; cell_attack bool (posture: attack, else hold);
        cell_intel float64 intelligence units from kidnappings, decaying.
    Police units, shape (U,):
        unit_id int64; unit_active bool; unit_plaza int64; unit_kind int8;
        unit_officers int64; unit_authorized int64 strength it is replenished toward;
        unit_integrity float64 0-1; unit_payroll int64; unit_payment float64 pesos per
        officer per day paid by the patron; unit_effectiveness float64 arrest multiplier;
        unit_expires int64 step at which a deployment leaves, -1 never.
    Plazas, shape (P,):
        plaza_id int64; plaza_population int64 people; plaza_value float64 pesos per day;
        plaza_background float64 homicides per 100,000 people per year;
        plaza_controller int64; plaza_boss_alive bool; plaza_days_leaderless float64 days;
        plaza_contested bool; plaza_share float64 controller's share of armed strength;
        nbr_ptr int64 (P+1,), nbr_idx int64 (sum of degrees,) neighbours in CSR form.
    Triggers, shape (K,) unless said:
        trig_window int64 steps; trig_op int64 (0 >=, 1 >, 2 <=, 3 <, 4 ==);
        trig_threshold float64 homicides; trig_region bool (K, P);
        trig_blocked_until int64 step before which a trigger cannot fire again (-1 free);
        trig_once bool; trig_fired bool; trig_hist int64 (K, max window) ring buffer of
        homicides per step in the trigger's region.
    """

    org_id: np.ndarray
    org_active: np.ndarray
    org_treasury: np.ndarray
    org_aggression: np.ndarray
    org_wage: np.ndarray
    org_bribe_share: np.ndarray
    org_leader_alive: np.ndarray
    org_leader_days: np.ndarray
    org_split_pending: np.ndarray
    org_parent: np.ndarray
    org_n_splits: np.ndarray
    org_cohesion_until: np.ndarray
    org_reserve: np.ndarray
    org_patron: np.ndarray
    org_stipend: np.ndarray
    org_unpaid_days: np.ndarray
    org_outside_income: np.ndarray
    org_flows: np.ndarray
    relation: np.ndarray = field(metadata={"entity": "org"})
    intensity: np.ndarray = field(metadata={"entity": "org"})
    grievance: np.ndarray = field(metadata={"entity": "org"})
    grievance_share: np.ndarray = field(metadata={"entity": "org"})
    ledger: np.ndarray = field(metadata={"entity": "org"})
    cell_id: np.ndarray
    cell_active: np.ndarray
    cell_org: np.ndarray
    cell_plaza: np.ndarray
    cell_members: np.ndarray
    cell_firepower: np.ndarray
    cell_loyalty: np.ndarray
    cell_local: np.ndarray
    cell_attack: np.ndarray
    cell_intel: np.ndarray
    unit_id: np.ndarray
    unit_active: np.ndarray
    unit_plaza: np.ndarray
    unit_kind: np.ndarray
    unit_officers: np.ndarray
    unit_authorized: np.ndarray
    unit_integrity: np.ndarray
    unit_payroll: np.ndarray
    unit_payment: np.ndarray
    unit_effectiveness: np.ndarray
    unit_expires: np.ndarray
    plaza_id: np.ndarray
    plaza_population: np.ndarray
    plaza_value: np.ndarray
    plaza_background: np.ndarray
    plaza_controller: np.ndarray
    plaza_boss_alive: np.ndarray
    plaza_days_leaderless: np.ndarray
    plaza_contested: np.ndarray
    plaza_share: np.ndarray
    nbr_ptr: np.ndarray = field(metadata={"entity": "plaza"})
    nbr_idx: np.ndarray = field(metadata={"entity": "plaza"})
    trig_window: np.ndarray
    trig_op: np.ndarray
    trig_threshold: np.ndarray
    trig_region: np.ndarray
    trig_blocked_until: np.ndarray
    trig_once: np.ndarray
    trig_fired: np.ndarray
    trig_hist: np.ndarray

    def copy(self) -> "State":
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays by name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class Names:
    """Names of the rows, for turning codes back into tidy tables (grown by splits)."""

    organizations: list[str]
    plazas: list[str]


def _entity_ids(prefix: str, keys: list[tuple[str, ...]]) -> np.ndarray:
    """Stable ids for rows keyed by names (:func:`sim.scenario.ids.entity_keys`)."""
    return np.array([stable_id(k) for k in entity_keys(prefix, keys)], dtype=np.int64)


def enter_cell_id(event, order: int, plaza: str) -> int:
    """Stable id of the cell an ``enter`` event (the scenario's ``order``-th) puts in a plaza."""
    return stable_id(enter_cell_key(event, order, plaza))


def n_federal_slots(scenario: Scenario) -> int:
    """Spare police rows: every plaza of every deployment, twice for repeatable triggers."""
    n = sum(len(e.plazas) for e in scenario.events if e.kind == "federal_deployment")
    n += sum(len(t.plazas) * (1 if t.once else 2) for t in scenario.triggers)
    return n


def background_rates(plazas, parameters) -> np.ndarray:
    """Background homicides per 100,000 people per year of each plaza (P,): its own rate
    where the scenario gives one, else the parameter."""
    default = parameters.background_homicides_per_100k_year
    return np.array([default if p.background_homicides_per_100k_year is None
                     else p.background_homicides_per_100k_year for p in plazas],
                    dtype=np.float64)


def client_relations(scenario: Scenario, org_row: dict[str, int], relation: np.ndarray) -> None:
    """A client is an ally of its patron and at war with the patron's enemies, in place in
    relation (O, O), for every pair the scenario's relations do not give."""
    given = {frozenset(r.between) for r in scenario.relations}
    for client in scenario.organizations:
        if not client.patron:
            continue
        c, q = org_row[client.name], org_row[client.patron]
        pairs = [(q, RELATION_CODES["ally"])] + [
            (x, RELATION_CODES["war"]) for x in range(len(scenario.organizations))
            if x != c and relation[q, x] == RELATION_CODES["war"]]
        for x, code in pairs:
            if frozenset((client.name, scenario.organizations[x].name)) not in given:
                relation[c, x] = relation[x, c] = code


def build_state(scenario: Scenario) -> tuple[State, Names]:
    """Arrays for the scenario's initial state, with spare rows for mid-run entities."""
    orgs, plazas = scenario.organizations, scenario.plazas
    org_row = {o.name: i for i, o in enumerate(orgs)}
    plaza_row = {p.name: i for i, p in enumerate(plazas)}
    entering = [enter_cell_id(e, i, name) for i, e in enumerate(scenario.events)
                if e.kind == "enter" for name in e.plazas]
    n_enter = len(entering)
    created = created_names(scenario)  # rows reserved for organizations split events create
    O = len(orgs) + len(created) + scenario.simulation.spare_organizations
    C = len(scenario.cells) + scenario.simulation.spare_cells + n_enter
    U = len(scenario.police) + n_federal_slots(scenario)
    P = len(plazas)

    def pad(values, n, dtype, fill=0):
        out = np.full(n, fill, dtype=dtype)
        out[: len(values)] = values
        return out

    relation = np.zeros((O, O), dtype=np.int8)
    intensity = np.ones((O, O), dtype=np.float64)
    for r in scenario.relations:
        a, b = org_row[r.between[0]], org_row[r.between[1]]
        relation[a, b] = relation[b, a] = RELATION_CODES[r.state]
        intensity[a, b] = intensity[b, a] = r.intensity
    client_relations(scenario, org_row, relation)

    neighbours: list[list[int]] = [[] for _ in plazas]
    for i, j in scenario.neighbour_pairs():
        neighbours[i].append(j)
        neighbours[j].append(i)
    nbr_ptr = np.zeros(P + 1, dtype=np.int64)
    nbr_ptr[1:] = np.cumsum([len(n) for n in neighbours])
    nbr_idx = np.array([j for n in neighbours for j in sorted(n)], dtype=np.int64)

    cells = scenario.cells
    police = scenario.police
    dt = scenario.simulation.step_days
    triggers = scenario.triggers
    windows = [max(1, math.ceil(t.condition()[0] / dt)) for t in triggers]
    region = np.zeros((len(triggers), P), dtype=np.bool_)
    for k, t in enumerate(triggers):
        names = t.region or [p.name for p in plazas]
        region[k, [plaza_row[n] for n in names]] = True
    ops = {">=": 0, ">": 1, "<=": 2, "<": 3, "==": 4}

    state = State(
        org_id=pad(_entity_ids("org", [(name,) for name in [o.name for o in orgs] + created]),
                   O, np.int64),
        org_active=pad([True] * len(orgs), O, np.bool_, False),
        org_treasury=pad([o.treasury for o in orgs], O, np.float64),
        org_aggression=pad([o.aggression for o in orgs], O, np.float64),
        org_wage=pad([o.wage_per_member_day for o in orgs], O, np.float64),
        org_bribe_share=pad([o.bribe_share for o in orgs], O, np.float64),
        org_leader_alive=pad([o.leader_alive for o in orgs], O, np.bool_, True),
        org_leader_days=np.zeros(O, dtype=np.float64),
        org_split_pending=np.zeros(O, dtype=np.bool_),
        org_parent=np.full(O, -1, dtype=np.int64),
        org_n_splits=np.zeros(O, dtype=np.int64),
        org_cohesion_until=np.full(O, NO_STEP, dtype=np.int64),
        org_reserve=pad([o.reserve for o in orgs], O, np.int64),
        org_patron=pad([org_row[o.patron] if o.patron else -1 for o in orgs], O, np.int64, -1),
        org_stipend=pad([o.stipend_per_day for o in orgs], O, np.float64),
        org_unpaid_days=np.zeros(O, dtype=np.float64),
        org_outside_income=pad([o.outside_income_per_day for o in orgs], O, np.float64),
        org_flows=np.zeros((O, len(FLOW_COLUMNS)), dtype=np.float64),
        relation=relation,
        intensity=intensity,
        grievance=np.zeros((O, O), dtype=np.float64),
        grievance_share=np.zeros((O, O), dtype=np.float64),
        ledger=np.zeros((O, N_LEDGER), dtype=np.int64),
        cell_id=pad(  # rows reserved for entries carry their id; spare rows have id 0
            np.concatenate([
                _entity_ids("cell", [(c.organization, c.plaza, c.name) for c in cells]),
                np.array(entering, dtype=np.int64),
            ]),
            C,
            np.int64,
        ),
        cell_active=pad([True] * len(cells), C, np.bool_, False),
        cell_org=pad([org_row[c.organization] for c in cells], C, np.int64, -1),
        cell_plaza=pad([plaza_row[c.plaza] for c in cells], C, np.int64, 0),
        cell_members=pad([c.members for c in cells], C, np.int64),
        cell_firepower=pad([c.firepower for c in cells], C, np.float64),
        cell_loyalty=pad([c.loyalty for c in cells], C, np.float64),
        cell_local=pad([c.local for c in cells], C, np.bool_, False),
        cell_attack=np.zeros(C, dtype=np.bool_),
        cell_intel=np.zeros(C, dtype=np.float64),
        unit_id=pad(
            _entity_ids("police", [(u.plaza, u.kind, u.name) for u in police]), U, np.int64
        ),
        unit_active=pad([True] * len(police), U, np.bool_, False),
        unit_plaza=pad([plaza_row[u.plaza] for u in police], U, np.int64, 0),
        unit_kind=pad([POLICE_KINDS.index(u.kind) for u in police], U, np.int8),
        unit_officers=pad([u.officers for u in police], U, np.int64),
        unit_authorized=pad([u.officers for u in police], U, np.int64),
        unit_integrity=pad([u.integrity for u in police], U, np.float64),
        unit_payroll=pad(
            [org_row[u.payroll] if u.payroll else -1 for u in police], U, np.int64, -1
        ),
        unit_payment=pad(
            [scenario.parameters.bribe_per_officer_day if u.payroll else 0.0 for u in police],
            U,
            np.float64,
        ),
        unit_effectiveness=pad([u.effectiveness for u in police], U, np.float64),
        unit_expires=np.full(U, -1, dtype=np.int64),
        plaza_id=_entity_ids("plaza", [(p.name,) for p in plazas]),
        plaza_population=np.array([p.population for p in plazas], dtype=np.int64),
        plaza_value=np.array([p.value_per_day for p in plazas], dtype=np.float64),
        plaza_background=background_rates(plazas, scenario.parameters),
        plaza_controller=np.array(
            [org_row[p.controller] if p.controller else -1 for p in plazas], dtype=np.int64
        ),
        plaza_boss_alive=np.array(
            [bool(p.controller) and p.boss_alive for p in plazas], dtype=np.bool_
        ),
        plaza_days_leaderless=np.zeros(P, dtype=np.float64),
        plaza_contested=np.zeros(P, dtype=np.bool_),
        plaza_share=np.zeros(P, dtype=np.float64),
        nbr_ptr=nbr_ptr,
        nbr_idx=nbr_idx,
        trig_window=np.array(windows, dtype=np.int64),
        trig_op=np.array([ops[t.condition()[1]] for t in triggers], dtype=np.int64),
        trig_threshold=np.array([t.condition()[2] for t in triggers], dtype=np.float64),
        trig_region=region,
        trig_blocked_until=np.full(len(triggers), -1, dtype=np.int64),
        trig_once=np.array([t.once for t in triggers], dtype=np.bool_),
        trig_fired=np.zeros(len(triggers), dtype=np.bool_),
        trig_hist=np.zeros((len(triggers), max(windows, default=1)), dtype=np.int64),
    )
    names = Names(organizations=[o.name for o in orgs] + created, plazas=[p.name for p in plazas])
    return state, names
