"""Phases 7 and 8: arrests, police deaths and replenishment; bribes, turned units, purges."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    ARMY,
    ARREST,
    FEDERAL,
    L_ARRESTED,
    P_ARREST_RATE,
    P_ARREST_RATE_PER_OFFICER_DENSITY,
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
from .common import record, sort_head


@njit(cache=True, inline="always")
def present_organizations(index, cells, n_org):
    """CSR list of the organizations with members in each plaza, ascending rows.

    -> ptr int64 (P+1,), idx int64 (at most the number of cells,): plaza p's organizations
    are idx[ptr[p]:ptr[p+1]].
    """
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    cell_members, cell_org = cells.members, cells.org
    n_plaza = cell_ptr.shape[0] - 1
    seen = np.zeros(n_org, dtype=np.bool_)
    ptr = np.zeros(n_plaza + 1, dtype=np.int64)
    idx = np.empty(cell_idx.shape[0], dtype=np.int64)
    n = 0
    for p in range(n_plaza):
        start = n
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            o = cell_org[cell_idx[j]]
            if cell_members[cell_idx[j]] > 0 and not seen[o]:
                seen[o] = True
                idx[n] = o
                n += 1
        for i in range(start, n):
            seen[idx[i]] = False
        sort_head(idx[start:], n - start)
        ptr[p + 1] = n
    return ptr, idx


@njit(cache=True, inline="always")
def policing(run, t, index, orgs, cells, units, plazas, violence):
    """Police arrest members of every organization but their patron's; some die doing it.

    A unit of K officers arrests each member of a non-patron cell in its plaza with rate
    (arrest_rate K / 100 + arrest_rate_per_officer_density K 100,000 / population)
    effectiveness per day; each arrest kills an officer with
    police_killed_per_arrest. National incapacitation arrests national_arrests_per_day
    members in all, each member equally likely. Lost officers are replaced with mean delay
    police_replenish_days.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr, unit_idx = index.cell_idx, index.cell_ptr, index.unit_idx
    unit_ptr = index.unit_ptr
    ledger = orgs.ledger
    cell_active, cell_id, cell_local = cells.active, cells.id, cells.local
    cell_members, cell_org, cell_plaza = cells.members, cells.org, cells.plaza
    unit_active, unit_authorized = units.active, units.authorized
    unit_effectiveness, unit_id, unit_officers = units.effectiveness, units.id, units.officers
    unit_payroll = units.payroll
    plaza_population = plazas.population
    for p in range(cell_ptr.shape[0] - 1):
        for ju in range(unit_ptr[p], unit_ptr[p + 1]):
            u = unit_idx[ju]
            density = unit_officers[u] * 1e5 / max(plaza_population[p], 1)
            q = rate_to_prob(prm[P_ARREST_RATE] * unit_effectiveness[u] * unit_officers[u]
                             / 100.0 + prm[P_ARREST_RATE_PER_OFFICER_DENSITY]
                             * unit_effectiveness[u] * density, dt)
            if q <= 0.0:
                continue
            for jc in range(cell_ptr[p], cell_ptr[p + 1]):
                c = cell_idx[jc]
                o = cell_org[c]
                if o == unit_payroll[u] or cell_members[c] <= 0:
                    continue
                n = binomial(key(seed, S_ARREST, t, cell_id[c], unit_id[u]),
                             cell_members[c], q)
                if n == 0:
                    continue
                cell_members[c] -= n
                ledger[o, L_ARRESTED] += n
                record(violence, t, p, ARREST, POLICE, VIA_STATE, o, n)
                cops = binomial(key(seed, S_POLICE_KILLED, t, cell_id[c], unit_id[u]), n,
                                prm[P_POLICE_KILLED_PER_ARREST])
                cops = min(cops, unit_officers[u])
                unit_officers[u] -= cops
                via = VIA_LOCAL_CELL if cell_local[c] else VIA_CELL
                record(violence, t, p, POLICE_KILLED, o, via, POLICE, cops)
    if prm[P_NATIONAL_ARRESTS_PER_DAY] > 0.0:
        total = 0
        for c in range(cell_members.shape[0]):
            if cell_active[c]:
                total += cell_members[c]
        if total > 0:
            q = min(1.0, prm[P_NATIONAL_ARRESTS_PER_DAY] * dt / total)
            for c in range(cell_members.shape[0]):
                if not cell_active[c] or cell_members[c] <= 0:
                    continue
                n = binomial(key(seed, S_NATIONAL_ARREST, t, cell_id[c], 0),
                             cell_members[c], q)
                cell_members[c] -= n
                ledger[cell_org[c], L_ARRESTED] += n
                record(violence, t, cell_plaza[c], ARREST, POLICE, VIA_STATE,
                       cell_org[c], n)
    q = rate_to_prob(1.0 / max(prm[P_POLICE_REPLENISH_DAYS], 1e-9), dt)
    for u in range(unit_active.shape[0]):
        short = unit_authorized[u] - unit_officers[u]
        if unit_active[u] and short > 0:
            unit_officers[u] += binomial(key(seed, S_REPLENISH, t, unit_id[u], 0), short, q)


@njit(cache=True, inline="always")
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
    p_purge per step instead. Army units are never bought, and do not purge.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_ptr = index.cell_ptr
    org_active, org_bribe_share, org_id = orgs.active, orgs.bribe_share, orgs.id
    org_treasury = orgs.treasury
    unit_active, unit_id, unit_integrity = units.active, units.id, units.integrity
    unit_kind, unit_officers, unit_payment = units.kind, units.officers, units.payment
    unit_payroll, unit_plaza = units.payroll, units.plaza
    n_org = org_active.shape[0]
    po_ptr, po_idx = present_organizations(index, cells, n_org)
    federal = np.zeros(cell_ptr.shape[0] - 1, dtype=np.bool_)
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_kind[u] == FEDERAL and unit_officers[u] > 0:
            federal[unit_plaza[u]] = True
    budget = np.zeros(n_org)  # pesos per day left for new bribes
    for o in range(n_org):
        if org_active[o]:
            budget[o] = org_bribe_share[o] * max(org_treasury[o], 0.0) / 30.0
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            budget[unit_payroll[u]] -= unit_payment[u] * unit_officers[u]
    p_consider = rate_to_prob(prm[P_CORRUPTION_RATE], dt)
    p_purge = rate_to_prob(prm[P_FEDERAL_PURGE_RATE], dt)
    for u in range(unit_active.shape[0]):
        if not unit_active[u] or unit_officers[u] <= 0:
            continue
        p = unit_plaza[u]
        if federal[p] and unit_kind[u] != FEDERAL and unit_payroll[u] >= 0:
            if bernoulli(key(seed, S_PURGE, t, unit_id[u], 0), p_purge):
                unit_payroll[u] = -1
                unit_payment[u] = 0.0
            continue
        if unit_kind[u] == ARMY:
            continue
        price = prm[P_BRIBE_PER_OFFICER_DAY]
        if unit_payroll[u] >= 0:
            price = prm[P_TURN_MARGIN] * unit_payment[u]
        p_accept = p_consider * (1.0 - unit_integrity[u])
        best = -1
        for j in range(po_ptr[p], po_ptr[p + 1]):
            o = po_idx[j]
            if o == unit_payroll[u]:
                continue
            if budget[o] < price * unit_officers[u]:
                continue
            if uniform(key(seed, S_CORRUPTION, t, unit_id[u], org_id[o]), 0) >= p_accept:
                continue
            if best < 0 or budget[o] > budget[best]:
                best = o
        if best >= 0:
            unit_payroll[u] = best
            unit_payment[u] = price
