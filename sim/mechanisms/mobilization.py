"""Phase 9b: patronage and mobilization: stipends to clients, support among allies, members
brought in from the reserve.

Runs after the money phase (9), so that an organization spends what is left after wages.
:func:`sim.kernel.advance` calls :func:`mobilization` only when something in it is on (a
client, ally_support_share > 0 or mobilization_rate > 0).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..codes import (
    ALLY,
    F_REINFORCEMENT_COST,
    L_MOBILIZED,
    NEUTRAL,
    P_ALLY_SUPPORT_SHARE,
    P_CLIENT_LOYALTY_DAYS,
    P_MOBILIZATION_COST,
    P_MOBILIZATION_RATE,
    P_MOBILIZATION_SPREAD,
    S_MOBILIZE,
    S_MOBILIZE_CELL,
    WAR,
)
from ..rng import binomial_at_rate, key
from .common import INTERNAL
from .decisions import open_cell, spare_row


@njit(cache=True, inline="always")
def at_war(relation, org_active, o):
    """Whether organization o is at war with an active organization."""
    for x in range(org_active.shape[0]):
        if org_active[x] and x != o and relation[o, x] == WAR:
            return True
    return False


@njit(cache=True, inline="always")
def pay_stipends(run, orgs):
    """Each client (ascending rows) gets stipend dt from its patron, capped at the patron's
    treasury; a client paid less than due for client_loyalty_days in a row (if > 0) leaves:
    neutral to its patron and to every organization both were at war with, no patron.
    Returns True if a client left (the relations changed)."""
    dt, prm = run.dt, run.prm
    org_active, org_patron, org_stipend = orgs.active, orgs.patron, orgs.stipend
    org_treasury, org_unpaid_days, relation = orgs.treasury, orgs.unpaid_days, orgs.relation
    left = False
    for o in range(org_active.shape[0]):
        q = org_patron[o]
        if q < 0 or not org_active[o]:
            continue
        due = org_stipend[o] * dt
        paid = min(due, max(org_treasury[q], 0.0)) if org_active[q] else 0.0
        org_treasury[q] -= paid
        org_treasury[o] += paid
        if paid < due:
            org_unpaid_days[o] += dt
        else:
            org_unpaid_days[o] = 0.0
        loyalty = prm[P_CLIENT_LOYALTY_DAYS]
        if loyalty > 0.0 and org_unpaid_days[o] >= loyalty:
            for x in range(org_active.shape[0]):
                if org_active[x] and relation[q, x] == WAR and relation[o, x] == WAR:
                    relation[o, x] = relation[x, o] = NEUTRAL
            if relation[o, q] == ALLY:
                relation[o, q] = relation[q, o] = NEUTRAL
            org_patron[o] = -1
            left = True
    return left


@njit(cache=True, inline="always")
def support_allies(run, orgs, scratch):
    """An organization whose treasury grew in the money phase (surplus s, from
    scratch.before) sends ally_support_share s, in equal parts, to its allies at war whose
    treasury is below its own; every gift is decided on the treasuries before any of them."""
    prm = run.prm
    org_active, org_treasury, relation = orgs.active, orgs.treasury, orgs.relation
    before = scratch.before
    n_org = org_active.shape[0]
    sent = np.zeros(n_org)
    received = np.zeros(n_org)
    for o in range(n_org):
        surplus = org_treasury[o] - before[o]
        if not org_active[o] or surplus <= 0.0:
            continue
        poorer_allies = np.empty(n_org, dtype=np.int64)
        n = 0
        for x in range(n_org):
            if (org_active[x] and x != o and relation[o, x] == ALLY
                    and org_treasury[x] < org_treasury[o] and at_war(relation, org_active, x)):
                poorer_allies[n] = x
                n += 1
        if n == 0:
            continue
        sent[o] = prm[P_ALLY_SUPPORT_SHARE] * surplus
        for k in range(n):
            received[poorer_allies[k]] += sent[o] / n
    for o in range(n_org):
        org_treasury[o] += received[o]
        org_treasury[o] -= sent[o]


@njit(cache=True, inline="always")
def at_stake(relation, o, d, contested, present):
    """Whether a plaza is at stake for organization o: controlled by an organization d at war
    with o, or contested where o controls it or has members (``present``)."""
    return (d >= 0 and d != o and relation[o, d] == WAR) or (contested and (d == o or present))


@njit(cache=True, inline="always")
def spread_reserves(run, t, o, s, target, orgs, cells, plazas):
    """s members of organization o's mobilized go to the plazas at stake for it (controlled
    by an organization at war with it, or contested where it controls or has members), in
    proportion to the members of its active enemies there, cumulative integer parts in
    ascending plaza row; each part joins o's largest cell in that plaza, else
    a new cell in a spare row (key mobilize_cell, step, organization, plaza; firepower 1, loyalty
    of the target cell, not local), else the target cell. No enemy member in any plaza at
    stake: all s join the target cell. A cell of o emptied by the war is refilled before a
    row is opened, so spare rows are not used up by a plaza o keeps returning to."""
    seed = run.seed
    org_active, org_id, relation = orgs.active, orgs.id, orgs.relation
    cell_active, cell_members, cell_org, cell_plaza = (cells.active, cells.members, cells.org,
                                                       cells.plaza)
    plaza_contested, plaza_controller, plaza_id = (plazas.contested, plazas.controller,
                                                   plazas.id)
    n_plaza = plaza_controller.shape[0]
    enemy = np.zeros(n_plaza, dtype=np.int64)
    mine = np.full(n_plaza, -1, dtype=np.int64)  # o's largest cell per plaza, even if empty
    for c in range(cell_active.shape[0]):
        if not cell_active[c]:
            continue
        x, p = cell_org[c], cell_plaza[c]
        if x == o:
            if mine[p] < 0 or cell_members[c] > cell_members[mine[p]]:
                mine[p] = c
        elif org_active[x] and relation[o, x] == WAR:
            enemy[p] += cell_members[c]
    total = np.int64(0)
    for p in range(n_plaza):
        present = mine[p] >= 0 and cell_members[mine[p]] > 0
        if not at_stake(relation, o, plaza_controller[p], plaza_contested[p], present):
            enemy[p] = 0
        total += enemy[p]
    if total <= 0:
        cell_members[target] += s
        return
    cum, given = np.int64(0), np.int64(0)
    for p in range(n_plaza):
        if enemy[p] <= 0:
            continue
        cum += enemy[p]
        part = s * cum // total - given
        given += part
        if part <= 0:
            continue
        c = mine[p]
        if c < 0:
            new_id = np.int64(key(seed, S_MOBILIZE_CELL, t, org_id[o], plaza_id[p])
                              >> np.uint64(1))
            c = spare_row(cells, new_id)
            if c >= 0:
                open_cell(cells, c, new_id, o, p, np.int64(0), cells.loyalty[target], False)
            else:
                c = target
        cell_members[c] += part


@njit(cache=True, inline="always")
def bring_reserves(run, t, index, orgs, cells, plazas):
    """An organization at war brings members from its reserve R:
    n ~ Binomial(R, 1 - exp(-mobilization_rate stakes dt)), stakes = V / (V + H) with H the
    value per day of the plazas it controls and V that of the plazas controlled by an
    organization at war with it or contested where it controls or has members; n is capped
    at what its treasury pays, mobilization_cost + wage dt each, and paid mobilization_cost
    each. They join its largest cell in a plaza at stake (else its largest cell; none: no one
    comes), booked as mobilized; what they cost goes to the step's reinforcement_cost.
    floor(mobilization_spread n) of them are spread instead (:func:`spread_reserves`)."""
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    org_active, org_id, org_reserve = orgs.active, orgs.id, orgs.reserve
    org_treasury, org_wage, ledger, relation = orgs.treasury, orgs.wage, orgs.ledger, orgs.relation
    org_flows = orgs.flows
    cell_active, cell_members, cell_org, cell_plaza = (cells.active, cells.members, cells.org,
                                                       cells.plaza)
    plaza_contested, plaza_controller, plaza_value = (plazas.contested, plazas.controller,
                                                      plazas.value)
    n_org = org_active.shape[0]
    held = np.zeros(n_org)
    stake = np.zeros(n_org)
    counted = np.full(n_org, -1, dtype=np.int64)  # the plaza o's stake last counted
    for p in range(plaza_controller.shape[0]):
        d, v = plaza_controller[p], plaza_value[p]
        if d >= 0:
            held[d] += v
            for o in range(n_org):
                if o != d and relation[o, d] == WAR:
                    stake[o] += v
                    counted[o] = p
            if plaza_contested[p]:  # d is not at war with itself: not counted above
                stake[d] += v
                counted[d] = p
        if plaza_contested[p]:
            for j in range(cell_ptr[p], cell_ptr[p + 1]):
                o = cell_org[cell_idx[j]]
                if cell_members[cell_idx[j]] > 0 and counted[o] != p:
                    stake[o] += v
                    counted[o] = p
    for o in range(n_org):
        if not org_active[o] or org_reserve[o] <= 0 or stake[o] <= 0.0:
            continue
        if not at_war(relation, org_active, o):
            continue
        rate = prm[P_MOBILIZATION_RATE] * stake[o] / (stake[o] + held[o])
        n = binomial_at_rate(key(seed, S_MOBILIZE, t, org_id[o], 0), org_reserve[o], rate, dt)
        price = prm[P_MOBILIZATION_COST] + org_wage[o] * dt
        if price > 0.0:
            n = min(n, np.int64(math.floor(min(max(org_treasury[o], 0.0) / price, 1e18))))
        if n <= 0:
            continue
        target, best_at_stake = -1, False
        for c in range(cell_active.shape[0]):
            if not cell_active[c] or cell_org[c] != o or cell_members[c] <= 0:
                continue
            p = cell_plaza[c]
            staked = at_stake(relation, o, plaza_controller[p], plaza_contested[p], True)
            if (target < 0 or (staked and not best_at_stake)
                    or (staked == best_at_stake and cell_members[c] > cell_members[target])):
                target, best_at_stake = c, staked
        if target < 0:
            continue
        spread = np.int64(math.floor(prm[P_MOBILIZATION_SPREAD] * n))
        cell_members[target] += n - spread
        if spread > 0:
            spread_reserves(run, t, o, spread, target, orgs, cells, plazas)
        org_reserve[o] -= n
        ledger[o, L_MOBILIZED] += n
        org_treasury[o] -= n * prm[P_MOBILIZATION_COST]
        org_flows[o, F_REINFORCEMENT_COST] += n * prm[P_MOBILIZATION_COST]


@njit(**INTERNAL)
def mobilization(run, t, index, orgs, cells, plazas, scratch):
    """Phase 9b: stipends (:func:`pay_stipends`), ally support (:func:`support_allies`),
    reserves (:func:`bring_reserves`), each only when on. Returns True if a client left its
    patron (relations changed: the kernel returns so the engine recomputes the pairs)."""
    prm = run.prm
    left = pay_stipends(run, orgs)
    if prm[P_ALLY_SUPPORT_SHARE] > 0.0:
        support_allies(run, orgs, scratch)
    if prm[P_MOBILIZATION_RATE] > 0.0:
        bring_reserves(run, t, index, orgs, cells, plazas)
    return left
