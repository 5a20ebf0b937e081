"""The compiled step: arrays in, arrays out, many steps per call.

``advance`` runs steps ``t0 .. t1-1`` of a model on the arrays of a :class:`sim.state.State`
(passed in their declaration order) and the recording buffers, and returns early when a
trigger fires, an organization splits or the violence buffer is nearly full. The mechanisms
live in :mod:`sim.mechanisms`, one module per group of phases; this module holds the step
order, the per-plaza indexes the mechanisms share, and the per-step records. No Mesa, no
globals but constants, no NumPy float reductions, ``fastmath`` off: a plain-Python run of
the same functions gives identical results.

Helpers that take arrays and run every step or for every plaza are compiled into their
callers (``inline="always"``): a call between compiled functions increments and decrements
the reference count of each array argument, atomic operations that cost more than such a
helper's work on a small scenario (BCS runs about 30% faster with them inlined).
"""

from __future__ import annotations

import numpy as np
from numba import njit, types

from .codes import BUFFER_FULL, DONE, SPLIT, TRIGGER
from .mechanisms import decisions, economy, policing, territory, violence
from .mechanisms.common import N_AGG, alliance_weights, hostile_partners, pair_table


@njit(cache=True, inline="always")
def build_index(group, active, n_groups):
    """CSR index of the active rows of each group: rows of group g are idx[ptr[g]:ptr[g+1]].

    group int64 (N,), active bool (N,) -> ptr int64 (n_groups+1,), idx int64 (n_active,),
    rows in ascending order within a group.
    """
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(group.shape[0]):
        if active[i]:
            ptr[group[i] + 1] += 1
    for g in range(n_groups):
        ptr[g + 1] += ptr[g]
    fill = ptr[:-1].copy()
    idx = np.empty(ptr[n_groups], dtype=np.int64)
    for i in range(group.shape[0]):
        if active[i]:
            idx[fill[group[i]]] = i
            fill[group[i]] += 1
    return ptr, idx


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
def record_step(t, org_active, org_treasury, org_leader_alive, ledger, cell_active,
                cell_org, cell_members, unit_active, unit_payroll, unit_officers,
                plaza_controller, plaza_contested, plaza_share, rec_controller,
                rec_contested, rec_share, rec_members, rec_cells, rec_treasury, rec_plazas,
                rec_payroll, rec_leader, rec_active, rec_ledger):
    """Write row t of the dense per-step records (plazas and organizations)."""
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


_INTS, _INTS_2D = types.int64[::1], types.int64[:, ::1]
# numba types of the variables advance makes and passes to the phases (sim.compiling compiles
# the phases with them before advance's first compile)
LOCAL_TYPES = {
    "t": types.int64, "n_plaza": types.intp, "hom": _INTS, "kills": _INTS_2D,
    "pair_ids": _INTS_2D, "h_ptr": _INTS, "h_idx": _INTS, "allies": types.float64[::1],
    "slot": _INTS, "orgs": _INTS, "agg": types.float64[:, ::1], "pair_i": _INTS,
    "pair_j": _INTS, "pc_ptr": _INTS, "pc_idx": _INTS, "pu_ptr": _INTS, "pu_idx": _INTS,
}


@njit(cache=True)
def advance(
    # State arrays, in the order of sim.state.State
    org_id, org_active, org_treasury, org_aggression, org_wage, org_bribe_share,
    org_leader_alive, org_leader_days, org_split_pending, org_parent, org_n_splits,
    relation, intensity, grievance, ledger,
    cell_id, cell_active, cell_org, cell_plaza, cell_members, cell_firepower, cell_loyalty,
    cell_local, cell_attack, cell_intel,
    unit_id, unit_active, unit_plaza, unit_kind, unit_officers, unit_authorized,
    unit_integrity, unit_payroll, unit_payment, unit_effectiveness, unit_expires,
    plaza_id, plaza_population, plaza_value, plaza_background, plaza_controller,
    plaza_boss_alive, plaza_days_leaderless, plaza_contested, plaza_share, nbr_ptr, nbr_idx,
    trig_window, trig_op, trig_threshold, trig_region, trig_blocked_until, trig_once,
    trig_fired, trig_hist,
    # run constants
    prm, seed, t0, t1, dt, row_reserve,
    # recording buffers
    vio, vio_n, rec_controller, rec_contested, rec_share, rec_members, rec_cells,
    rec_treasury, rec_plazas, rec_payroll, rec_leader, rec_active, rec_ledger,
):
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
    n_org = org_id.shape[0]
    n_plaza = plaza_id.shape[0]
    hom = np.zeros(n_plaza, dtype=np.int64)
    kills = np.zeros((n_org, n_org), dtype=np.int64)  # [victim, perpetrator] this step
    # organizations, relations and parameters change only between calls
    pair_ids = pair_table(org_id)
    h_ptr, h_idx = hostile_partners(prm, relation, intensity)
    allies = alliance_weights(relation, intensity)
    # scratch for the phases that work plaza by plaza, so that no step allocates it: slot
    # maps an organization to its index among a plaza's (-1 between uses), orgs lists them,
    # agg aggregates them (common.gather), pair_i/pair_j index their hostile pairs
    slot = np.full(n_org, -1, dtype=np.int64)
    orgs = np.empty(n_org, dtype=np.int64)
    agg = np.zeros((n_org, N_AGG))
    pair_i = np.empty(n_org * n_org, dtype=np.int64)
    pair_j = np.empty(n_org * n_org, dtype=np.int64)
    t = t0
    while t < t1:
        hom[:] = 0
        kills[:, :] = 0
        # 1. deployments end
        for u in range(unit_active.shape[0]):
            if unit_active[u] and unit_expires[u] >= 0 and t >= unit_expires[u]:
                unit_active[u] = False
                unit_officers[u] = 0
        pc_ptr, pc_idx = build_index(cell_plaza, cell_active, n_plaza)
        pu_ptr, pu_idx = build_index(unit_plaza, unit_active, n_plaza)
        # 2. decisions
        decisions.decide_postures(prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members,
                          cell_firepower, cell_local, cell_attack, cell_intel,
                          unit_officers, unit_payroll,
                          org_aggression, relation, grievance, plaza_controller, slot, orgs,
                          agg)
        decisions.move_members(prm, seed, t, dt, pc_ptr, pc_idx, nbr_ptr, nbr_idx, cell_id,
                       cell_org, cell_plaza, cell_members, cell_attack, plaza_contested)
        decisions.hire_cells(prm, seed, t, dt, pc_ptr, pc_idx, nbr_ptr, nbr_idx, org_id, org_active,
                     org_treasury, relation, ledger, cell_id, cell_active, cell_org,
                     cell_plaza, cell_members, cell_firepower, cell_loyalty, cell_local,
                     cell_attack, cell_intel, plaza_id, plaza_controller)
        pc_ptr, pc_idx = build_index(cell_plaza, cell_active, n_plaza)
        # 3 + 5. clashes and their bystanders
        violence.clashes(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, h_ptr, h_idx,
                  org_id, pair_ids, allies, org_aggression, relation, intensity, grievance,
                  ledger, kills, cell_id, cell_org, cell_members, cell_firepower, cell_local,
                  cell_attack, cell_intel, unit_id, unit_officers, unit_payroll, plaza_id,
                  plaza_population, vio, vio_n, hom, slot, orgs, agg, pair_i, pair_j)
        # 4 + 5. assassinations and their bystanders
        violence.assassinations(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, org_id,
                         relation, grievance, ledger, kills, cell_org, cell_members,
                         cell_firepower, cell_local, cell_attack, cell_intel, unit_officers,
                         unit_payroll, plaza_id, plaza_population, plaza_controller,
                         plaza_boss_alive, plaza_days_leaderless, vio, vio_n, hom, slot,
                         orgs, agg)
        # 6. kidnappings
        violence.kidnappings(prm, seed, t, dt, pc_ptr, pc_idx, h_ptr, h_idx, org_id,
                      org_aggression, relation, intensity, grievance, ledger, kills, cell_id,
                      cell_org, cell_members, cell_local, cell_attack, cell_intel, plaza_id,
                      vio, vio_n, hom, slot, orgs, pair_i, pair_j)
        # 7. policing
        policing.policing(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, ledger, cell_id,
                   cell_active, cell_org, cell_plaza, cell_members, cell_local, unit_id,
                   unit_active, unit_officers, unit_authorized, unit_payroll,
                   unit_effectiveness, plaza_id, vio, vio_n, hom)
        # 8. corruption
        policing.corruption(prm, seed, t, dt, pc_ptr, pc_idx, org_id, org_active, org_treasury,
                     org_bribe_share, cell_org, cell_members, unit_id,
                     unit_active, unit_plaza, unit_kind, unit_officers, unit_integrity,
                     unit_payroll, unit_payment, n_plaza)
        # 9. recruitment and money
        economy.economy(prm, seed, t, dt, pc_ptr, pc_idx, org_id, org_active, org_treasury,
                  org_wage, ledger, cell_id, cell_active, cell_org, cell_members,
                  cell_loyalty, unit_id, unit_active, unit_officers, unit_payroll,
                  unit_payment, plaza_population, plaza_value, plaza_controller,
                  plaza_boss_alive)
        # 10. control
        territory.control(prm, seed, t, dt, pc_ptr, pc_idx, org_active, relation, cell_org,
                  cell_members, cell_firepower, plaza_id, plaza_controller,
                  plaza_boss_alive, plaza_days_leaderless, plaza_contested, plaza_share)
        # 11. grievance and intelligence
        territory.grievance_and_intel(prm, dt, grievance, kills, cell_intel)
        # 12. background homicides
        violence.background(prm, seed, t, dt, plaza_id, plaza_population, plaza_background,
                     vio, vio_n, hom)
        # 13. fragmentation
        split = territory.fragmentation(prm, seed, t, dt, org_id, org_active, org_treasury,
                                org_aggression, org_wage, org_bribe_share,
                                org_leader_alive, org_leader_days, org_split_pending,
                                org_parent, org_n_splits, relation, intensity, ledger,
                                cell_active, cell_org, cell_members, cell_loyalty)
        # 14. triggers
        fired = -1
        for k in range(trig_window.shape[0]):
            total = 0
            for p in range(n_plaza):
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
        # 15. record
        if t >= 0 and t < rec_members.shape[0]:
            record_step(t, org_active, org_treasury, org_leader_alive, ledger, cell_active,
                          cell_org, cell_members, unit_active, unit_payroll, unit_officers,
                          plaza_controller, plaza_contested, plaza_share, rec_controller,
                          rec_contested, rec_share, rec_members, rec_cells, rec_treasury,
                          rec_plazas, rec_payroll, rec_leader, rec_active, rec_ledger)
        t += 1
        if fired >= 0:
            return t, TRIGGER, fired
        if split:
            return t, SPLIT, -1
        if vio.shape[0] > 0 and vio.shape[0] - vio_n[0] < row_reserve:
            return t, BUFFER_FULL, -1
    return t, DONE, -1


def step(state, prm, seed, t0, t1, dt, row_reserve, recorder):
    """:func:`advance` on a State and a Recorder (sim.reference.advance's interface)."""
    from .compiling import compile_phases  # sim.compiling imports this module

    args = (*state.arrays().values(), prm, np.int64(seed), np.int64(t0), np.int64(t1),
            float(dt), np.int64(row_reserve), *recorder.kernel_args())
    compile_phases(args)  # before advance's first compile only
    return advance(*args)
