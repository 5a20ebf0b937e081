"""The compiled step: records in, records out, many steps per call.

:func:`step` runs steps ``t0 .. t1-1`` of a model on a :class:`sim.state.State` and a
:class:`sim.recorder.Recorder`, through :func:`advance`, which takes them as typed records
(:mod:`sim.records`), and returns early when a trigger fires, an organization splits, a
client leaves its patron or the violence buffer is nearly full. The mechanisms live in
:mod:`sim.mechanisms`, one module per group of phases; this module holds the step order, the
per-plaza indexes the mechanisms share, and the per-step records. No Mesa, no globals but constants, no NumPy float
reductions, ``fastmath`` off: a plain-Python run of the same rules gives identical results.

Reference counts: numba raises and lowers the reference count of each array a compiled
function takes from a record, and of every array of a record that it still uses after its
first lines, at each call: atomic operations that cost more than a small scenario's work.
So each phase takes its arrays at its top, and helpers called in its loops take arrays, or
a tuple of them made at the top (``common.gather_inputs``): BCS 5 years 26.7 -> 22.0 ms,
2026-12-07. Helpers that run every step or for every plaza are compiled into their callers
(``inline="always"``; BCS about 30% faster when measured). So are the
phases whose work on a small scenario is less than the cost of passing them whole records
(every array of each record is copied into the call: policing, corruption, control, moves,
hires, grievance, background homicides and fragmentation; BCS 5 years 19.1 -> 16.9 ms,
2026-12-06); the five largest stay separate functions, compiled without the wrappers
that would let Python call them (``INTERNAL`` in :mod:`sim.mechanisms.common`).
The optional parts, off in most scenarios, are compiled only for a scenario that uses them:
confrontations (6a), civilians (6b) and the recruits per population of phase 9
(``advance``'s argument ``optional``), and patronage and mobilization (9b, ``mobilizing``):
a None lets numba prune them (the README's speed rows give the figures).
(Compiling the separate phases in a second process on the first run no longer paid once
advance compiled the others: 39.0 s wall with it, 34.6 s without, median of 3, two_cartels
on 2 cores, 2026-12-06.)
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import records
from .codes import (
    BUFFER_FULL,
    DONE,
    P_ALLY_SUPPORT_SHARE,
    P_MOBILIZATION_RATE,
    P_MOBILIZATION_SPREAD,
    P_RECRUIT_PER_100K_YEAR,
    RELATIONS,
    SPLIT,
    TRIGGER,
)
from .compiling import announce_compiling
from .mechanisms.civilians import civilians, preying
from .mechanisms.common import (
    N_AGG,
    alliance_weights,
    cohesion_factors,
    hostile_partners,
    pair_table,
)
from .mechanisms.decisions import decide_postures, hire_cells, move_members
from .mechanisms.economy import economy
from .mechanisms.forces import confrontations, confronting
from .mechanisms.mobilization import mobilization
from .mechanisms.policing import corruption, policing
from .mechanisms.territory import control, fragmentation, grievance_and_intel
from .mechanisms.violence import assassinations, background, clashes, kidnappings
from .recorder import Recorder
from .state import State


@njit(cache=True, inline="always")
def fill_index(group, active, ptr, idx):
    """CSR index of the active rows of each group, in place: rows of group g are
    idx[ptr[g]:ptr[g+1]], ascending.

    group int64 (N,), active bool (N,); ptr int64 (n_groups+1,), idx int64 (>= n_active,)
    (entries past ptr[n_groups] are left as they were).
    """
    n_groups = ptr.shape[0] - 1
    ptr[:] = 0
    for i in range(group.shape[0]):
        if active[i]:
            ptr[group[i] + 1] += 1
    for g in range(n_groups):
        ptr[g + 1] += ptr[g]
    for i in range(group.shape[0]):
        if active[i]:
            idx[ptr[group[i]]] = i
            ptr[group[i]] += 1
    for g in range(n_groups, 0, -1):  # the fill advanced each start to the next group's
        ptr[g] = ptr[g - 1]
    ptr[0] = 0


@njit(cache=True, inline="always")
def compare(value, op, threshold):
    if op == 0:
        return value >= threshold
    if op == 1:
        return value > threshold
    if op == 2:
        return value <= threshold
    if op == 3:
        return value < threshold
    return value == threshold


@njit(cache=True, inline="always")
def record_step(t, orgs, cells, units, plazas, dense):
    """Write row t of the dense per-step records (plazas and organizations)."""
    org_active, org_leader_alive, ledger = orgs.active, orgs.leader_alive, orgs.ledger
    org_flows, org_treasury = orgs.flows, orgs.treasury
    cell_active, cell_members, cell_org = cells.active, cells.members, cells.org
    unit_active, unit_officers, unit_payroll = units.active, units.officers, units.payroll
    plaza_contested, plaza_controller = plazas.contested, plazas.controller
    plaza_share = plazas.share
    rec_active, rec_cells, rec_contested = dense.active, dense.cells, dense.contested
    rec_controller, rec_leader, rec_ledger = dense.controller, dense.leader, dense.ledger
    rec_members, rec_payroll, rec_plazas = dense.members, dense.payroll, dense.plazas
    rec_flows, rec_share, rec_treasury = dense.flows, dense.share, dense.treasury
    for o in range(org_active.shape[0]):
        rec_members[t, o] = 0
        rec_cells[t, o] = 0
        rec_plazas[t, o] = 0
        rec_payroll[t, o] = 0
        rec_treasury[t, o] = org_treasury[o]
        rec_leader[t, o] = org_leader_alive[o]
        rec_active[t, o] = org_active[o]
        for col in range(ledger.shape[1]):
            rec_ledger[t, o, col] = ledger[o, col]
        for col in range(org_flows.shape[1]):
            rec_flows[t, o, col] = org_flows[o, col]
    for c in range(cell_active.shape[0]):
        if cell_active[c] and cell_members[c] > 0:
            rec_members[t, cell_org[c]] += cell_members[c]
            rec_cells[t, cell_org[c]] += 1
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            rec_payroll[t, unit_payroll[u]] += unit_officers[u]
    for p in range(plaza_controller.shape[0]):
        rec_controller[t, p] = plaza_controller[p]
        rec_contested[t, p] = plaza_contested[p]
        rec_share[t, p] = plaza_share[p]
        if plaza_controller[p] >= 0:
            rec_plazas[t, plaza_controller[p]] += 1


@njit(cache=True, inline="always")
def fire_triggers(t, trigs, hom):
    """Step 14: record this step's homicides in each trigger's region (hom int64 (P,)) and
    return the first trigger whose window total meets its condition, or -1."""
    trig_blocked_until, trig_fired, trig_hist = trigs.blocked_until, trigs.fired, trigs.hist
    trig_once, trig_op, trig_region = trigs.once, trigs.op, trigs.region
    trig_threshold, trig_window = trigs.threshold, trigs.window
    fired = -1
    for k in range(trig_window.shape[0]):
        total = 0
        for p in range(hom.shape[0]):
            if trig_region[k, p]:
                total += hom[p]
        trig_hist[k, (t % trig_window[k] + trig_window[k]) % trig_window[k]] = total
        if t < 0 or fired >= 0 or t < trig_blocked_until[k]:
            continue
        if trig_once[k] and trig_fired[k]:
            continue
        window_total = 0.0
        for j in range(trig_window[k]):
            window_total += trig_hist[k, j]
        if compare(window_total, trig_op[k], trig_threshold[k]):
            trig_fired[k] = True
            fired = k
    return fired


@njit(cache=True)
def advance(orgs, cells, units, plazas, trigs, run, pairs, index, scratch, violence, dense,
            t0, t1, row_reserve, optional, mobilizing):
    """Advance steps t0 .. t1-1 and return (next step, reason, trigger index or -1).

    The arguments are the records of :mod:`sim.records` (the state's five, the run
    constants, the organization pairs, the per-plaza index, the scratch, the violence buffer
    and the dense tables), int64 t0, t1 and row_reserve (see :func:`step`), optional: None
    when phases 6a, 6b and the recruits per population of phase 9 are all off, else True (6a
    and 6b check their own parameters), and mobilizing: None when phase 9b cannot act, else
    True. numba prunes what a None leaves out: a scenario without those parts never
    compiles them. See :func:`optional_phases`.

    One step, in this order (each phase reads the state left by the previous one; within a
    phase, competing claims are resolved by the rules in docs/model.md, never by loop
    order):

    1. Scheduled events: applied by the engine (:mod:`sim.engine`) before this call (it
       stops at each event step); here, federal deployments whose time is up leave, and
       each organization's firepower and aggression factors of lost cohesion are set for
       the step (after a leader's removal; read by 2, 3, 10).
    2. Decisions: postures (attack where own + allied strength, weighted by aggression
       and grievance, beats the defender's), reinforcements moving along the plaza
       network, local cells hired in enemy-held plazas next to the organization's cells.
    3. Clashes between hostile organizations in each plaza (Lanchester-like attrition;
       payroll police fight, and die, for their patron: the payroll_fight_share of their
       kind).
    4. Assassinations of plaza bosses (and lieutenants) by attacking organizations.
    5. Bystanders: collateral deaths drawn with each clash and assassination (3, 4).
    6. Kidnappings: abductions, murders of some captives, intelligence for the captor.
    6a. Confrontations: army and federal units fight the armed organizations of their
        plaza; deaths on both sides.
    6b. Civilians: controllers extort their plazas' people (revenue; killings of those who
        resist) and kidnap some (murdering some captives).
    7. Policing: arrests by units not on the organization's payroll, police killed while
       arresting, national incapacitation, units replenished.
    8. Corruption: units bought within bribe budgets, or turned by rivals who pay more;
       federal forces purge payrolls.
    9. Recruitment and money: recruits within population and treasury, plaza revenue,
       wages and payroll paid, desertion when unpaid or without cohesion, saturation (the
       step's revenue, wages and police pay go to orgs.flows, zeroed at the start of the
       step).
    9b. Patronage and mobilization: stipends to clients (a client unpaid too long
        leaves its patron: return early), allies' support, members from the reserve.
    10. Control: plazas change hands or become contested; bosses replaced.
    11. Grievance and intelligence (gained in 6) decay; grievance grows with this step's
        killings (absolute and as a share of the victim's members).
    12. Background homicides.
    13. Fragmentation: a pending leader removal may split the organization (split or
        succession fight).
    14. Endogenous triggers are evaluated (return early when one fires).
    15. Record this step.
    """
    cell_active, cell_plaza = cells.active, cells.plaza
    unit_active, unit_expires, unit_officers = units.active, units.expires, units.officers
    unit_plaza = units.plaza
    cell_idx, cell_ptr, unit_idx = index.cell_idx, index.cell_ptr, index.unit_idx
    unit_ptr = index.unit_ptr
    org_flows = orgs.flows
    kills = scratch.kills
    hom, vio, vio_n = violence.hom, violence.vio, violence.vio_n
    rec_members = dense.members
    org_treasury, before = orgs.treasury, scratch.before
    t = t0
    while t < t1:
        hom[:] = 0
        kills[:, :] = 0
        org_flows[:, :] = 0.0  # this step's money (phase 9; mobilization adds its cost)
        # 1. deployments end
        for u in range(unit_active.shape[0]):
            if unit_active[u] and unit_expires[u] >= 0 and t >= unit_expires[u]:
                unit_active[u] = False
                unit_officers[u] = 0
        cohesion_factors(run, t, orgs, scratch)
        fill_index(cell_plaza, cell_active, cell_ptr, cell_idx)
        fill_index(unit_plaza, unit_active, unit_ptr, unit_idx)
        # 2. decisions
        decide_postures(run, index, orgs, cells, units, plazas, scratch)
        move_members(run, t, index, cells, plazas)
        hire_cells(run, t, index, orgs, cells, plazas)
        fill_index(cell_plaza, cell_active, cell_ptr, cell_idx)
        # 3 + 5. clashes and their bystanders
        clashes(run, t, index, pairs, orgs, cells, units, plazas, violence, scratch)
        # 4 + 5. assassinations and their bystanders
        assassinations(run, t, index, orgs, cells, units, plazas, violence, scratch)
        # 6. kidnappings
        kidnappings(run, t, index, pairs, orgs, cells, plazas, violence, scratch)
        # 6a. confrontations with state forces (6a and 6b: no call at all while off)
        if optional is not None and confronting(run.prm):
            confrontations(run, t, index, orgs, cells, units, violence, scratch)
        # 6b. extortion and kidnapping of civilians
        if optional is not None and preying(run.prm):
            civilians(run, t, orgs, plazas, violence)
        # 7. policing
        policing(run, t, index, orgs, cells, units, plazas, violence)
        # 8. corruption
        corruption(run, t, index, orgs, cells, units)
        # 9. recruitment and money
        if mobilizing is not None:
            before[:] = org_treasury
        economy(run, t, index, orgs, cells, units, plazas, optional)
        # 9b. patronage and mobilization
        left = False
        if mobilizing is not None:
            left = mobilization(run, t, index, orgs, cells, plazas, scratch)
            if run.prm[P_MOBILIZATION_SPREAD] > 0.0:  # cells it opened join the index
                fill_index(cell_plaza, cell_active, cell_ptr, cell_idx)
        # 10. control
        control(run, t, index, orgs, cells, plazas, scratch)
        # 11. grievance and intelligence
        grievance_and_intel(run, orgs, cells, scratch)
        # 12. background homicides
        background(run, t, plazas, violence)
        # 13. fragmentation
        split = fragmentation(run, t, orgs, cells)
        # 14. triggers
        fired = fire_triggers(t, trigs, hom)
        # 15. record
        if t >= 0 and t < rec_members.shape[0]:
            record_step(t, orgs, cells, units, plazas, dense)
        t += 1
        if fired >= 0:
            return t, TRIGGER, fired
        if split:
            return t, SPLIT, -1
        if left:
            return t, RELATIONS, -1
        if vio.shape[0] > 0 and vio.shape[0] - vio_n[0] < row_reserve:
            return t, BUFFER_FULL, -1
    return t, DONE, -1


def optional_phases(state: State, prm: np.ndarray) -> tuple[bool | None, bool | None]:
    """advance's arguments ``optional`` and ``mobilizing``, each None or True.

    optional: True when phase 6a (confrontations), 6b (civilians) or the recruits per
    population of phase 9 is on. mobilizing: True when any part of phase 9b can act (a
    client, ally support, or mobilization with an organization that has a reserve: bcs_2014's
    have none, and the phase would only cost its call every step and its compilation).
    Reserves only shrink within a call, and the engine calls again after every event (where
    an event changes a flag, as a client made mid-run, the run compiles a second signature
    once; every shipped scenario keeps one)."""
    mobilizing = bool((state.org_patron >= 0).any() or prm[P_ALLY_SUPPORT_SHARE] > 0.0
                      or (prm[P_MOBILIZATION_RATE] > 0.0 and (state.org_reserve > 0).any()))
    optional = (confronting.py_func(prm) or preying.py_func(prm)
                or prm[P_RECRUIT_PER_100K_YEAR] > 0.0)
    return (True if optional else None), (True if mobilizing else None)


@announce_compiling(advance)
def step(state: State, prm: np.ndarray, seed: int, t0: int, t1: int, dt: float,
         row_reserve: int, recorder: Recorder) -> tuple[int, int, int]:
    """Run steps t0 .. t1-1 on ``state`` (in place), recording into ``recorder``.

    Returns (next step, reason: a sim.codes DONE, TRIGGER, SPLIT, RELATIONS or BUFFER_FULL,
    index of the trigger that fired or -1). Returns early after a step where a trigger
    fired, an organization split, a client left its patron, or fewer than ``row_reserve``
    rows are left in the violence buffer.
    """
    orgs, cells, units, plazas, trigs = records.state_records(state)
    n_org, n_plaza = orgs.id.shape[0], plazas.id.shape[0]
    run = records.Run(prm, np.int64(seed), float(dt))
    # organizations, relations and parameters change only between calls
    pairs = records.Pairs(pair_table(orgs.id),
                          *hostile_partners(prm, orgs.relation, orgs.intensity),
                          alliance_weights(orgs.relation, orgs.intensity))
    args = (orgs, cells, units, plazas, trigs, run, pairs,
            records.index(n_plaza, cells.id.shape[0], units.id.shape[0]),
            records.scratch(n_org, N_AGG),
            records.Violence(recorder.vio, recorder.vio_n, np.zeros(n_plaza, dtype=np.int64)),
            records.dense_record(recorder.dense), np.int64(t0), np.int64(t1),
            np.int64(row_reserve), *optional_phases(state, prm))
    t, reason, fired = advance(*args)
    return int(t), int(reason), int(fired)
