"""Phase 2, decisions: postures, reinforcements along the plaza network, hired local cells."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    ALLY,
    L_RECRUITED,
    P_ATTACK_THRESHOLD,
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
from .common import A_FC, A_FL, A_FP, gather, has_cell


@njit(cache=True)
def decide_postures(run, index, orgs, cells, units, plazas, scratch):
    """Cells attack where their side out-guns the controller's side, else hold.

    Strength of a side in a plaza: firepower of its organization's and its allies' cells
    plus its payroll police there. Organization a attacks controller d when
    (S_a / S_d) (1 + aggression_a) (1 + grievance_weight G[a, d]) >= attack_threshold.
    scratch: the kernel's (:mod:`sim.records`); scratch.slot all -1, and left so.
    """
    for c in range(cells.attack.shape[0]):
        cells.attack[c] = False
    for p in range(index.cell_ptr.shape[0] - 1):
        d = plazas.controller[p]
        if d < 0:
            continue
        k = gather(p, run.prm, index, cells, units, scratch)
        defence = 0.0
        for i in range(k):
            x = scratch.present[i]
            if x == d or orgs.relation[d, x] == ALLY:
                defence += scratch.agg[i, A_FC] + scratch.agg[i, A_FL] + scratch.agg[i, A_FP]
        for i in range(k):
            a = scratch.present[i]
            if a == d or orgs.relation[a, d] != WAR:
                continue
            own = 0.0
            for j in range(k):
                x = scratch.present[j]
                if x == a or (orgs.relation[a, x] == ALLY and orgs.relation[x, d] != ALLY):
                    own += scratch.agg[j, A_FC] + scratch.agg[j, A_FL] + scratch.agg[j, A_FP]
            score = own / max(defence, 1e-9) * (1.0 + orgs.aggression[a])
            score *= 1.0 + run.prm[P_GRIEVANCE_WEIGHT] * orgs.grievance[a, d]
            if score >= run.prm[P_ATTACK_THRESHOLD]:
                for j in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
                    c = index.cell_idx[j]
                    if cells.org[c] == a:
                        cells.attack[c] = True


@njit(cache=True)
def move_members(run, t, index, cells, plazas):
    """Holding cells in quiet plazas send members to their organization's attack next door.

    A holding cell (keeping at least one member) in an uncontested plaza sends
    Binomial(members - 1, p_move) members to the attacking cell of its organization in the
    first neighbouring plaza (ascending row) where it attacks. Sizes at the start of the
    phase decide every move.
    """
    p_move = rate_to_prob(run.prm[P_MOVE_RATE], run.dt)
    if p_move <= 0.0:
        return
    n_plaza = index.cell_ptr.shape[0] - 1
    # each plaza's attacking organizations, with their first attacking cell (plaza order)
    att_ptr = np.zeros(n_plaza + 1, dtype=np.int64)
    att_org = np.empty(index.cell_idx.shape[0], dtype=np.int64)
    att_cell = np.empty(index.cell_idx.shape[0], dtype=np.int64)
    n = 0
    for p in range(n_plaza):
        for j in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
            x = index.cell_idx[j]
            if not cells.attack[x]:
                continue
            listed = False
            for i in range(att_ptr[p], n):
                listed = listed or att_org[i] == cells.org[x]
            if not listed:
                att_org[n] = cells.org[x]
                att_cell[n] = x
                n += 1
        att_ptr[p + 1] = n
    delta = np.zeros(cells.members.shape[0], dtype=np.int64)
    for q in range(n_plaza):
        if plazas.contested[q]:
            continue
        for jj in range(index.cell_ptr[q], index.cell_ptr[q + 1]):
            c = index.cell_idx[jj]
            if cells.attack[c] or cells.members[c] <= 1:
                continue
            target = -1
            for m in range(plazas.nbr_ptr[q], plazas.nbr_ptr[q + 1]):
                p = plazas.nbr_idx[m]
                for i in range(att_ptr[p], att_ptr[p + 1]):
                    if att_org[i] == cells.org[c]:
                        target = att_cell[i]
                        break
                if target >= 0:
                    break
            if target < 0:
                continue
            moved = binomial(key(run.seed, S_MOVE, t, cells.id[c], 0), cells.members[c] - 1, p_move)
            delta[c] -= moved
            delta[target] += moved
    for c in range(cells.members.shape[0]):
        cells.members[c] += delta[c]


@njit(cache=True)
def hire_cells(run, t, index, orgs, cells, plazas):
    """Organizations hire local cells in enemy-held plazas next to where they operate.

    Each (organization, enemy-held neighbouring plaza without its cells) hires with
    probability p_hire per step, if its treasury covers hire_cost and a spare cell row is
    free; hires are paid in ascending order of the organization's first adjacent cell.
    """
    p_hire = rate_to_prob(run.prm[P_HIRE_RATE], run.dt)
    if p_hire <= 0.0:
        return
    n_cells = cells.active.shape[0]
    hiring = cells.active & (cells.members > 0)  # cells hired in this phase do not hire
    for c in range(n_cells):
        if not hiring[c]:
            continue
        o = cells.org[c]
        q = cells.plaza[c]
        for n in range(plazas.nbr_ptr[q], plazas.nbr_ptr[q + 1]):
            p = plazas.nbr_idx[n]
            d = plazas.controller[p]
            if d < 0 or orgs.relation[o, d] != WAR or has_cell(o, p, index, cells):
                continue
            if orgs.treasury[o] < run.prm[P_HIRE_COST]:
                continue
            k = key(run.seed, S_HIRE, t, orgs.id[o], plazas.id[p])
            if not bernoulli(k, p_hire):
                continue
            new_id = np.int64(k >> np.uint64(1))
            hired_already = False
            free = -1
            for x in range(n_cells):
                if cells.id[x] == new_id:
                    hired_already = True
                    break
                if free < 0 and not cells.active[x] and cells.id[x] == 0:
                    free = x
            if hired_already or free < 0:
                continue
            size = np.int64(run.prm[P_HIRE_MEMBERS])
            cells.id[free] = new_id
            cells.active[free] = True
            cells.org[free] = o
            cells.plaza[free] = p
            cells.members[free] = size
            cells.firepower[free] = 1.0
            cells.loyalty[free] = run.prm[P_HIRE_LOYALTY]
            cells.local[free] = True
            cells.attack[free] = False
            cells.intel[free] = 0.0
            orgs.treasury[o] -= run.prm[P_HIRE_COST]
            orgs.ledger[o, L_RECRUITED] += size
