"""Phase 2, decisions: postures, reinforcements along the plaza network, hired local cells."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    ALLY,
    L_RECRUITED,
    P_ATTACK_THRESHOLD,
    P_GRIEVANCE_RELATIVE_WEIGHT,
    P_GRIEVANCE_WEIGHT,
    P_HIRE_COST,
    P_HIRE_LOYALTY,
    P_HIRE_MEMBERS,
    P_HIRE_RATE,
    P_MOVE_RATE,
    S_HIRE,
    S_MOVE,
    WAR,
)
from ..rng import bernoulli, binomial, key, rate_to_prob
from .common import A_FC, A_FL, A_FP, INTERNAL, gather, gather_inputs, has_cell


@njit(**INTERNAL)
def decide_postures(run, index, orgs, cells, units, plazas, scratch):
    """Cells attack where their side out-guns the controller's side, else hold.

    Strength of a side in a plaza: firepower of its organization's and its allies' cells
    plus its payroll police there. Organization a attacks controller d when
    (S_a / S_d) (1 + aggression_a) (1 + grievance_weight G[a, d]
    + grievance_relative_weight R[a, d]) >= attack_threshold (firepower and aggression as
    this step's cohesion leaves them: scratch.fire, .aggression).
    scratch: the kernel's (:mod:`sim.records`); scratch.slot all -1, and left so.
    """
    prm = run.prm
    inputs = gather_inputs(index, cells, units, scratch)
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    aggression, grievance, relation = scratch.aggression, orgs.grievance, orgs.relation
    grievance_share = orgs.grievance_share
    cell_attack, cell_org = cells.attack, cells.org
    plaza_controller = plazas.controller
    agg, present = scratch.agg, scratch.present
    for c in range(cell_attack.shape[0]):
        cell_attack[c] = False
    for p in range(cell_ptr.shape[0] - 1):
        d = plaza_controller[p]
        if d < 0:
            continue
        k = gather(p, prm, inputs)
        defence = 0.0
        for i in range(k):
            x = present[i]
            if x == d or relation[d, x] == ALLY:
                defence += agg[i, A_FC] + agg[i, A_FL] + agg[i, A_FP]
        for i in range(k):
            a = present[i]
            if a == d or relation[a, d] != WAR:
                continue
            own = 0.0
            for j in range(k):
                x = present[j]
                if x == a or (relation[a, x] == ALLY and relation[x, d] != ALLY):
                    own += agg[j, A_FC] + agg[j, A_FL] + agg[j, A_FP]
            score = own / max(defence, 1e-9) * (1.0 + aggression[a])
            score *= (1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, d]
                      + prm[P_GRIEVANCE_RELATIVE_WEIGHT] * grievance_share[a, d])
            if score >= prm[P_ATTACK_THRESHOLD]:
                for j in range(cell_ptr[p], cell_ptr[p + 1]):
                    c = cell_idx[j]
                    if cell_org[c] == a:
                        cell_attack[c] = True


@njit(cache=True, inline="always")
def move_members(run, t, index, cells, plazas):
    """Holding cells in quiet plazas send members to their organization's attack next door.

    A holding cell (keeping at least one member) in an uncontested plaza sends
    Binomial(members - 1, p_move) members to the attacking cell of its organization in the
    first neighbouring plaza (ascending row) where it attacks. Sizes at the start of the
    phase decide every move.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    cell_attack, cell_id, cell_members, cell_org = cells.attack, cells.id, cells.members, cells.org
    plaza_contested, nbr_idx, nbr_ptr = plazas.contested, plazas.nbr_idx, plazas.nbr_ptr
    p_move = rate_to_prob(prm[P_MOVE_RATE], dt)
    if p_move <= 0.0:
        return
    n_plaza = cell_ptr.shape[0] - 1
    # each plaza's attacking organizations, with their first attacking cell (plaza order)
    att_ptr = np.zeros(n_plaza + 1, dtype=np.int64)
    att_org = np.empty(cell_idx.shape[0], dtype=np.int64)
    att_cell = np.empty(cell_idx.shape[0], dtype=np.int64)
    n = 0
    for p in range(n_plaza):
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            x = cell_idx[j]
            if not cell_attack[x]:
                continue
            listed = False
            for i in range(att_ptr[p], n):
                listed = listed or att_org[i] == cell_org[x]
            if not listed:
                att_org[n] = cell_org[x]
                att_cell[n] = x
                n += 1
        att_ptr[p + 1] = n
    delta = np.zeros(cell_members.shape[0], dtype=np.int64)
    for q in range(n_plaza):
        if plaza_contested[q]:
            continue
        for jj in range(cell_ptr[q], cell_ptr[q + 1]):
            c = cell_idx[jj]
            if cell_attack[c] or cell_members[c] <= 1:
                continue
            target = -1
            for m in range(nbr_ptr[q], nbr_ptr[q + 1]):
                p = nbr_idx[m]
                for i in range(att_ptr[p], att_ptr[p + 1]):
                    if att_org[i] == cell_org[c]:
                        target = att_cell[i]
                        break
                if target >= 0:
                    break
            if target < 0:
                continue
            moved = binomial(key(seed, S_MOVE, t, cell_id[c], 0), cell_members[c] - 1, p_move)
            delta[c] -= moved
            delta[target] += moved
    for c in range(cell_members.shape[0]):
        cell_members[c] += delta[c]


@njit(cache=True, inline="always")
def spare_row(cells, new_id):
    """The first spare cell row (inactive, id 0); -1 if none is free or a cell with id new_id
    exists already (a cell is made once)."""
    cell_active, cell_id = cells.active, cells.id
    free = -1
    for x in range(cell_active.shape[0]):
        if cell_id[x] == new_id:
            return -1
        if free < 0 and not cell_active[x] and cell_id[x] == 0:
            free = x
    return free


@njit(cache=True, inline="always")
def open_cell(cells, x, new_id, o, p, size, loyalty, local):
    """A new cell of organization o in plaza p in spare row x: size members, firepower 1,
    holding, no intelligence."""
    cells.id[x] = new_id
    cells.active[x] = True
    cells.org[x] = o
    cells.plaza[x] = p
    cells.members[x] = size
    cells.firepower[x] = 1.0
    cells.loyalty[x] = loyalty
    cells.local[x] = local
    cells.attack[x] = False
    cells.intel[x] = 0.0


@njit(cache=True, inline="always")
def hire_cells(run, t, index, orgs, cells, plazas):
    """Organizations hire local cells in enemy-held plazas next to where they operate.

    Each (organization, enemy-held neighbouring plaza without its cells) hires with
    probability p_hire per step, if its treasury covers hire_cost and a spare cell row is
    free; hires are paid in ascending order of the organization's first adjacent cell.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    org_id, ledger, relation, org_treasury = orgs.id, orgs.ledger, orgs.relation, orgs.treasury
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    cell_active, cell_members, cell_org = cells.active, cells.members, cells.org
    cell_plaza = cells.plaza
    plaza_controller, plaza_id, nbr_idx = plazas.controller, plazas.id, plazas.nbr_idx
    nbr_ptr = plazas.nbr_ptr
    p_hire = rate_to_prob(prm[P_HIRE_RATE], dt)
    if p_hire <= 0.0:
        return
    n_cells = cell_active.shape[0]
    hiring = cell_active & (cell_members > 0)  # cells hired in this phase do not hire
    for c in range(n_cells):
        if not hiring[c]:
            continue
        o = cell_org[c]
        q = cell_plaza[c]
        for n in range(nbr_ptr[q], nbr_ptr[q + 1]):
            p = nbr_idx[n]
            d = plaza_controller[p]
            if d < 0 or relation[o, d] != WAR or has_cell(o, p, cell_ptr, cell_idx, cell_org):
                continue
            if org_treasury[o] < prm[P_HIRE_COST]:
                continue
            k = key(seed, S_HIRE, t, org_id[o], plaza_id[p])
            if not bernoulli(k, p_hire):
                continue
            new_id = np.int64(k >> np.uint64(1))
            free = spare_row(cells, new_id)
            if free < 0:
                continue
            size = np.int64(prm[P_HIRE_MEMBERS])
            open_cell(cells, free, new_id, o, p, size, prm[P_HIRE_LOYALTY], True)
            org_treasury[o] -= prm[P_HIRE_COST]
            ledger[o, L_RECRUITED] += size
