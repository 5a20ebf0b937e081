"""The compiled step: records in, records out, many steps per call.

:func:`step` runs steps ``t0 .. t1-1`` of a model on a :class:`sim.state.State` and a
:class:`sim.recorder.Recorder`, through :func:`advance`, which takes them as typed records
(:mod:`sim.records`), and returns early when a trigger fires, an organization splits or the
violence buffer is nearly full. The mechanisms live in :mod:`sim.mechanisms`, one module per
group of phases; this module holds the step order, the per-plaza indexes the mechanisms
share, and the per-step records. No Mesa, no globals but constants, no NumPy float
reductions, ``fastmath`` off: a plain-Python run of the same rules gives identical results.

Helpers that run every step or for every plaza are compiled into their callers
(``inline="always"``): a call between compiled functions increments and decrements the
reference count of each array argument, atomic operations that cost more than such a
helper's work on a small scenario (BCS runs about 30% faster with them inlined).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import records
from .codes import BUFFER_FULL, DONE, SPLIT, TRIGGER
from .compiling import compile_phases
from .mechanisms.common import N_AGG, alliance_weights, hostile_partners, pair_table
from .mechanisms.decisions import decide_postures, hire_cells, move_members
from .mechanisms.economy import economy
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
    for o in range(orgs.active.shape[0]):
        dense.members[t, o] = 0
        dense.cells[t, o] = 0
        dense.plazas[t, o] = 0
        dense.payroll[t, o] = 0
        dense.treasury[t, o] = orgs.treasury[o]
        dense.leader[t, o] = orgs.leader_alive[o]
        dense.active[t, o] = orgs.active[o]
        for col in range(orgs.ledger.shape[1]):
            dense.ledger[t, o, col] = orgs.ledger[o, col]
    for c in range(cells.active.shape[0]):
        if cells.active[c] and cells.members[c] > 0:
            dense.members[t, cells.org[c]] += cells.members[c]
            dense.cells[t, cells.org[c]] += 1
    for u in range(units.active.shape[0]):
        if units.active[u] and units.payroll[u] >= 0:
            dense.payroll[t, units.payroll[u]] += units.officers[u]
    for p in range(plazas.controller.shape[0]):
        dense.controller[t, p] = plazas.controller[p]
        dense.contested[t, p] = plazas.contested[p]
        dense.share[t, p] = plazas.share[p]
        if plazas.controller[p] >= 0:
            dense.plazas[t, plazas.controller[p]] += 1


@njit(cache=True, inline="always")
def fire_triggers(t, trigs, hom):
    """Step 14: record this step's homicides in each trigger's region (hom int64 (P,)) and
    return the first trigger whose window total meets its condition, or -1."""
    fired = -1
    for k in range(trigs.window.shape[0]):
        total = 0
        for p in range(hom.shape[0]):
            if trigs.region[k, p]:
                total += hom[p]
        trigs.hist[k, (t % trigs.window[k] + trigs.window[k]) % trigs.window[k]] = total
        if t < 0 or fired >= 0 or t < trigs.blocked_until[k]:
            continue
        if trigs.once[k] and trigs.fired[k]:
            continue
        window_total = 0.0
        for j in range(trigs.window[k]):
            window_total += trigs.hist[k, j]
        if compare(window_total, trigs.op[k], trigs.threshold[k]):
            trigs.fired[k] = True
            fired = k
    return fired


@njit(cache=True)
def advance(orgs, cells, units, plazas, trigs, run, pairs, index, scratch, violence, dense,
            t0, t1, row_reserve):
    """Advance steps t0 .. t1-1 and return (next step, reason, trigger index or -1).

    One step, in this order (each phase reads the state left by the previous one; within a
    phase, competing claims are resolved by the rules in docs/model.md, never by loop
    order):

    1. Scheduled events: applied by the model before this call (it stops at each event
       step); here, federal deployments whose time is up leave.
    2. Decisions: postures (attack where own + allied strength, weighted by aggression
       and grievance, beats the defender's), reinforcements moving along the plaza
       network, local cells hired in enemy-held plazas next to the organization's cells.
    3. Clashes between hostile organizations in each plaza (Lanchester-like attrition;
       payroll police fight, and die, for their patron).
    4. Assassinations of plaza bosses (and lieutenants) by attacking organizations.
    5. Bystanders: collateral deaths drawn with each clash and assassination (3, 4).
    6. Kidnappings: abductions, murders of some captives, intelligence for the captor.
    7. Policing: arrests by units not on the organization's payroll, police killed while
       arresting, national incapacitation, units replenished.
    8. Corruption: units bought within bribe budgets, or turned by rivals who pay more;
       federal forces purge payrolls.
    9. Recruitment and money: recruits within population and treasury, plaza revenue,
       wages and payroll paid, desertion when unpaid, saturation.
    10. Control: plazas change hands or become contested; bosses replaced.
    11. Grievance and intelligence (gained in 6) decay; grievance grows with this step's
        killings.
    12. Background homicides.
    13. Fragmentation: a pending leader removal may split the organization.
    14. Endogenous triggers are evaluated (return early when one fires).
    15. Record this step.
    """
    t = t0
    while t < t1:
        violence.hom[:] = 0
        scratch.kills[:, :] = 0
        # 1. deployments end
        for u in range(units.active.shape[0]):
            if units.active[u] and units.expires[u] >= 0 and t >= units.expires[u]:
                units.active[u] = False
                units.officers[u] = 0
        fill_index(cells.plaza, cells.active, index.cell_ptr, index.cell_idx)
        fill_index(units.plaza, units.active, index.unit_ptr, index.unit_idx)
        # 2. decisions
        decide_postures(run, index, orgs, cells, units, plazas, scratch)
        move_members(run, t, index, cells, plazas)
        hire_cells(run, t, index, orgs, cells, plazas)
        fill_index(cells.plaza, cells.active, index.cell_ptr, index.cell_idx)
        # 3 + 5. clashes and their bystanders
        clashes(run, t, index, pairs, orgs, cells, units, plazas, violence, scratch)
        # 4 + 5. assassinations and their bystanders
        assassinations(run, t, index, orgs, cells, units, plazas, violence, scratch)
        # 6. kidnappings
        kidnappings(run, t, index, pairs, orgs, cells, plazas, violence, scratch)
        # 7. policing
        policing(run, t, index, orgs, cells, units, violence)
        # 8. corruption
        corruption(run, t, index, orgs, cells, units)
        # 9. recruitment and money
        economy(run, t, index, orgs, cells, units, plazas)
        # 10. control
        control(run, t, index, orgs, cells, plazas)
        # 11. grievance and intelligence
        grievance_and_intel(run, orgs, cells, scratch)
        # 12. background homicides
        background(run, t, plazas, violence)
        # 13. fragmentation
        split = fragmentation(run, t, orgs, cells)
        # 14. triggers
        fired = fire_triggers(t, trigs, violence.hom)
        # 15. record
        if t >= 0 and t < dense.members.shape[0]:
            record_step(t, orgs, cells, units, plazas, dense)
        t += 1
        if fired >= 0:
            return t, TRIGGER, fired
        if split:
            return t, SPLIT, -1
        if violence.vio.shape[0] > 0 and violence.vio.shape[0] - violence.vio_n[0] < row_reserve:
            return t, BUFFER_FULL, -1
    return t, DONE, -1


def step(state: State, prm: np.ndarray, seed: int, t0: int, t1: int, dt: float,
         row_reserve: int, recorder: Recorder) -> tuple[int, int, int]:
    """Run steps t0 .. t1-1 on ``state`` (in place), recording into ``recorder``.

    Returns (next step, reason: a sim.codes DONE, TRIGGER, SPLIT or BUFFER_FULL, index of
    the trigger that fired or -1). Returns early after a step where a trigger fired, an
    organization split, or fewer than ``row_reserve`` rows are left in the violence buffer.
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
            np.int64(row_reserve))
    compile_phases(advance, args)  # before the first compile only
    t, reason, fired = advance(*args)
    return int(t), int(reason), int(fired)
