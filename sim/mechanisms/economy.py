"""Phase 9: revenue, recruitment, wages and police pay, desertion and saturation."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..codes import (
    L_DESERTED,
    L_RECRUITED,
    P_DESERTION_RATE,
    P_LEADERLESS_VALUE_SHARE,
    P_MAX_MEMBER_SHARE,
    P_RECRUIT_COST,
    P_RECRUIT_RATE,
    P_SATURATION_RATE,
    S_DESERTION,
    S_RECRUIT,
)
from ..rng import bernoulli, binomial_at_rate, key, poisson


@njit(cache=True)
def economy(run, t, index, orgs, cells, units, plazas):
    """Revenue, recruitment, wages, payroll, desertion and saturation.

    Controllers collect value_per_day (times leaderless_value_share without a boss).
    Recruits per cell ~ Poisson(recruit_rate members dt (1 - M_p / (max_member_share
    population_p))^+), scaled down pro rata (floor) to what the treasury can pay at
    recruit_cost. Then wages and police pay are due; an organization that cannot pay them
    all pays what it has, and with unpaid share f its members desert at rate
    desertion_rate (1 - loyalty) f and each payroll unit quits with probability f.
    Saturation: each member leaves at rate saturation_rate N_o (the national model's
    omega C^2 term).
    """
    n_org = orgs.active.shape[0]
    n_cells = cells.active.shape[0]
    for p in range(plazas.controller.shape[0]):
        d = plazas.controller[p]
        if d >= 0 and orgs.active[d]:
            share = 1.0 if plazas.boss_alive[p] else run.prm[P_LEADERLESS_VALUE_SHARE]
            orgs.treasury[d] += plazas.value[p] * run.dt * share
    recruits = np.zeros(n_cells, dtype=np.int64)
    wanted = np.zeros(n_org, dtype=np.int64)
    for p in range(index.cell_ptr.shape[0] - 1):
        members = 0
        for j in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
            members += cells.members[index.cell_idx[j]]
        capacity = run.prm[P_MAX_MEMBER_SHARE] * plazas.population[p]
        room = 1.0 - members / capacity if capacity > 0.0 else 0.0
        if room <= 0.0:
            continue
        for j in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
            c = index.cell_idx[j]
            lam = run.prm[P_RECRUIT_RATE] * cells.members[c] * run.dt * room
            recruits[c] = poisson(key(run.seed, S_RECRUIT, t, cells.id[c], 0), lam)
            wanted[cells.org[c]] += recruits[c]
    for c in range(n_cells):
        if recruits[c] == 0:
            continue
        o = cells.org[c]
        if run.prm[P_RECRUIT_COST] > 0.0:
            affordable = np.floor(max(orgs.treasury[o], 0.0) / run.prm[P_RECRUIT_COST])
            if affordable < wanted[o]:  # a float: it may exceed the int64 range
                recruits[c] = np.int64(math.floor(recruits[c] * affordable / wanted[o]))
        cells.members[c] += recruits[c]
        orgs.ledger[o, L_RECRUITED] += recruits[c]
    if run.prm[P_RECRUIT_COST] > 0.0:
        hired = np.zeros(n_org, dtype=np.int64)
        for c in range(n_cells):
            hired[cells.org[c]] += recruits[c]
        for o in range(n_org):
            if wanted[o] > 0:
                orgs.treasury[o] -= hired[o] * run.prm[P_RECRUIT_COST]
    size = np.zeros(n_org, dtype=np.int64)
    for c in range(n_cells):
        if cells.active[c]:
            size[cells.org[c]] += cells.members[c]
    bill = np.zeros(n_org)
    for o in range(n_org):
        bill[o] = orgs.wage[o] * size[o] * run.dt
    for u in range(units.active.shape[0]):
        if units.active[u] and units.payroll[u] >= 0:
            bill[units.payroll[u]] += units.payment[u] * units.officers[u] * run.dt
    unpaid = np.zeros(n_org)
    for o in range(n_org):
        if bill[o] <= 0.0:
            continue
        if orgs.treasury[o] >= bill[o]:
            orgs.treasury[o] -= bill[o]
        else:
            unpaid[o] = 1.0 - max(orgs.treasury[o], 0.0) / bill[o]
            orgs.treasury[o] = 0.0
    for c in range(n_cells):
        if not cells.active[c] or cells.members[c] <= 0:
            continue
        o = cells.org[c]
        rate = run.prm[P_DESERTION_RATE] * (1.0 - cells.loyalty[c]) * unpaid[o]
        rate += run.prm[P_SATURATION_RATE] * size[o]
        if rate > 0.0:
            n = binomial_at_rate(key(run.seed, S_DESERTION, t, cells.id[c], 0), cells.members[c],
                                 rate, run.dt)
            cells.members[c] -= n
            orgs.ledger[o, L_DESERTED] += n
    for u in range(units.active.shape[0]):
        o = units.payroll[u]
        if units.active[u] and o >= 0 and unpaid[o] > 0.0:
            if bernoulli(key(run.seed, S_DESERTION, t, units.id[u], orgs.id[o]), unpaid[o]):
                units.payroll[u] = -1
                units.payment[u] = 0.0
