"""Phases 7 and 8: arrests, police deaths and replenishment; bribes, turned units, purges."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    ARREST,
    FEDERAL,
    L_ARRESTED,
    P_ARREST_RATE,
    P_BRIBE_PER_OFFICER_DAY,
    P_CORRUPTION_RATE,
    P_FEDERAL_PURGE_RATE,
    P_NATIONAL_ARRESTS_PER_DAY,
    P_POLICE_KILLED_PER_ARREST,
    P_POLICE_REPLENISH_DAYS,
    P_TURN_MARGIN,
    POLICE,
    POLICE_KILLED,
    S_ARREST,
    S_CORRUPTION,
    S_NATIONAL_ARREST,
    S_POLICE_KILLED,
    S_PURGE,
    S_REPLENISH,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_STATE,
)
from ..rng import bernoulli, binomial, key, rate_to_prob, uniform
from .common import present_organizations, record


@njit(cache=True)
def policing(run, t, index, orgs, cells, units, violence):
    """Police arrest members of every organization but their patron's; some die doing it.

    A unit of K officers arrests each member of a non-patron cell in its plaza with rate
    arrest_rate effectiveness K / 100 per day; each arrest kills an officer with
    police_killed_per_arrest. National incapacitation arrests national_arrests_per_day
    members in all, each member equally likely. Lost officers are replaced with mean delay
    police_replenish_days.
    """
    for p in range(index.cell_ptr.shape[0] - 1):
        for ju in range(index.unit_ptr[p], index.unit_ptr[p + 1]):
            u = index.unit_idx[ju]
            q = rate_to_prob(run.prm[P_ARREST_RATE] * units.effectiveness[u] * units.officers[u]
                             / 100.0, run.dt)
            if q <= 0.0:
                continue
            for jc in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
                c = index.cell_idx[jc]
                o = cells.org[c]
                if o == units.payroll[u] or cells.members[c] <= 0:
                    continue
                n = binomial(key(run.seed, S_ARREST, t, cells.id[c], units.id[u]),
                             cells.members[c], q)
                if n == 0:
                    continue
                cells.members[c] -= n
                orgs.ledger[o, L_ARRESTED] += n
                record(violence, t, p, ARREST, POLICE, VIA_STATE, o, n)
                cops = binomial(key(run.seed, S_POLICE_KILLED, t, cells.id[c], units.id[u]), n,
                                run.prm[P_POLICE_KILLED_PER_ARREST])
                cops = min(cops, units.officers[u])
                units.officers[u] -= cops
                via = VIA_LOCAL_CELL if cells.local[c] else VIA_CELL
                record(violence, t, p, POLICE_KILLED, o, via, POLICE, cops)
    if run.prm[P_NATIONAL_ARRESTS_PER_DAY] > 0.0:
        total = 0
        for c in range(cells.members.shape[0]):
            if cells.active[c]:
                total += cells.members[c]
        if total > 0:
            q = min(1.0, run.prm[P_NATIONAL_ARRESTS_PER_DAY] * run.dt / total)
            for c in range(cells.members.shape[0]):
                if not cells.active[c] or cells.members[c] <= 0:
                    continue
                n = binomial(key(run.seed, S_NATIONAL_ARREST, t, cells.id[c], 0),
                             cells.members[c], q)
                cells.members[c] -= n
                orgs.ledger[cells.org[c], L_ARRESTED] += n
                record(violence, t, cells.plaza[c], ARREST, POLICE, VIA_STATE,
                       cells.org[c], n)
    q = rate_to_prob(1.0 / max(run.prm[P_POLICE_REPLENISH_DAYS], 1e-9), run.dt)
    for u in range(units.active.shape[0]):
        short = units.authorized[u] - units.officers[u]
        if units.active[u] and short > 0:
            units.officers[u] += binomial(key(run.seed, S_REPLENISH, t, units.id[u], 0), short, q)


@njit(cache=True)
def corruption(run, t, index, orgs, cells, units):
    """Organizations bribe the police where they operate; federal forces purge payrolls.

    A unit's price is bribe_per_officer_day per officer, or turn_margin times its current
    pay if it is on another organization's payroll. Organization o can buy unit u in a
    plaza where o has members if its daily bribe budget, bribe_share treasury / 30, covers
    what it already pays police per day plus the unit's price for all its officers (budgets
    and pay as at the start of the phase). The unit considers each affordable
    offer with probability (1 - integrity) p_corruption per step; of the offers it accepts,
    the largest budget wins (ties: lower row), and the unit is paid its price from then on
    (phase 9). In a plaza with federal forces each payroll unit is purged with probability
    p_purge per step instead.
    """
    n_org = orgs.active.shape[0]
    po_ptr, po_idx = present_organizations(index, cells, n_org)
    federal = np.zeros(index.cell_ptr.shape[0] - 1, dtype=np.bool_)
    for u in range(units.active.shape[0]):
        if units.active[u] and units.kind[u] == FEDERAL and units.officers[u] > 0:
            federal[units.plaza[u]] = True
    budget = np.zeros(n_org)  # pesos per day left for new bribes
    for o in range(n_org):
        if orgs.active[o]:
            budget[o] = orgs.bribe_share[o] * max(orgs.treasury[o], 0.0) / 30.0
    for u in range(units.active.shape[0]):
        if units.active[u] and units.payroll[u] >= 0:
            budget[units.payroll[u]] -= units.payment[u] * units.officers[u]
    p_consider = rate_to_prob(run.prm[P_CORRUPTION_RATE], run.dt)
    p_purge = rate_to_prob(run.prm[P_FEDERAL_PURGE_RATE], run.dt)
    for u in range(units.active.shape[0]):
        if not units.active[u] or units.officers[u] <= 0:
            continue
        p = units.plaza[u]
        if federal[p] and units.kind[u] != FEDERAL and units.payroll[u] >= 0:
            if bernoulli(key(run.seed, S_PURGE, t, units.id[u], 0), p_purge):
                units.payroll[u] = -1
                units.payment[u] = 0.0
            continue
        price = run.prm[P_BRIBE_PER_OFFICER_DAY]
        if units.payroll[u] >= 0:
            price = run.prm[P_TURN_MARGIN] * units.payment[u]
        p_accept = p_consider * (1.0 - units.integrity[u])
        best = -1
        for j in range(po_ptr[p], po_ptr[p + 1]):
            o = po_idx[j]
            if o == units.payroll[u]:
                continue
            if budget[o] < price * units.officers[u]:
                continue
            if uniform(key(run.seed, S_CORRUPTION, t, units.id[u], orgs.id[o]), 0) >= p_accept:
                continue
            if best < 0 or budget[o] > budget[best]:
                best = o
        if best >= 0:
            units.payroll[u] = best
            units.payment[u] = price
