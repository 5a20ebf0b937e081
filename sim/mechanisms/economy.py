"""Phase 9: revenue, recruitment, wages and police pay, desertion and saturation."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..codes import (
    F_POLICE_PAY,
    F_REVENUE,
    F_UNPAID_BILL,
    F_WAGES,
    L_DESERTED,
    L_RECRUITED,
    P_COHESION_DESERTION_FACTOR,
    P_DESERTION_RATE,
    P_LEADERLESS_VALUE_SHARE,
    P_MAX_MEMBER_SHARE,
    P_RECRUIT_COST,
    P_RECRUIT_MEANS_SHARE,
    P_RECRUIT_PAYBACK_DAYS,
    P_RECRUIT_PER_100K_YEAR,
    P_RECRUIT_RATE,
    P_SATURATION_RATE,
    P_UNFUNDED_DESERTION_RATE,
    P_UNFUNDED_HORIZON_DAYS,
    S_DESERTION,
    S_RECRUIT,
    S_RECRUIT_PER_POPULATION,
)
from ..rng import bernoulli, binomial_at_rate, key, poisson
from .common import INTERNAL


@njit(cache=True, inline="always")
def net_income_inputs(orgs, cells, units):
    """The arrays :func:`net_income` reads, as one tuple (see sim.kernel on reference
    counts)."""
    return (orgs.active, orgs.flows, orgs.patron, orgs.stipend, orgs.wage, cells.active,
            cells.members, cells.org, units.active, units.officers, units.payment,
            units.payroll)


@njit(cache=True, inline="always")
def net_income(dt, inputs):
    """float (O,): each organization's net income, pesos per day: this step's revenue per
    day, plus the stipend its patron owes it per day, less the wages and police pay it owes
    per day before recruiting and the stipends it owes its clients. dt days per step;
    inputs: :func:`net_income_inputs`."""
    (org_active, org_flows, org_patron, org_stipend, org_wage, cell_active, cell_members,
     cell_org, unit_active, unit_officers, unit_payment, unit_payroll) = inputs
    net = np.zeros(org_flows.shape[0])
    for o in range(net.shape[0]):
        net[o] = org_flows[o, F_REVENUE] / dt
    for c in range(cell_active.shape[0]):
        if cell_active[c]:
            net[cell_org[c]] -= org_wage[cell_org[c]] * cell_members[c]
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            net[unit_payroll[u]] -= unit_payment[u] * unit_officers[u]
    # two passes, as in the reference: each one's own stipend first, then those it owes its
    # clients in ascending rows (the order of the float sums)
    for o in range(net.shape[0]):
        if org_active[o] and org_patron[o] >= 0 and org_active[org_patron[o]]:
            net[o] += org_stipend[o]
    for o in range(net.shape[0]):
        if org_active[o] and org_patron[o] >= 0 and org_active[org_patron[o]]:
            net[org_patron[o]] -= org_stipend[o]
    return net


@njit(cache=True, inline="always")
def ahead(treasury, net, days):
    """float (O,) pesos: the treasury (O,) pesos plus ``days`` days of net income (O,)
    pesos per day (a new array)."""
    out = treasury.copy()
    for o in range(out.shape[0]):
        out[o] += days * net[o]
    return out


@njit(cache=True, inline="always")
def unfunding(prm):
    """Whether members of an organization going broke leave (unfunded_desertion_rate and
    unfunded_horizon_days both above 0)."""
    return prm[P_UNFUNDED_DESERTION_RATE] > 0.0 and prm[P_UNFUNDED_HORIZON_DAYS] > 0.0


@njit(cache=True, inline="always")
def unfunded_share(run, cover, bill):
    """float (O,): the share of each organization's bill (O,) pesos per step that neither its
    net income nor its treasury spread over unfunded_horizon_days H pays,
    -cover dt / (H bill) capped at 1, where ``cover`` (O,) pesos, the treasury plus H days
    of net income, is negative; 0 elsewhere, and everywhere while the rule is off."""
    unfunded = np.zeros(bill.shape[0])
    if not unfunding(run.prm):
        return unfunded
    horizon = run.prm[P_UNFUNDED_HORIZON_DAYS]
    for o in range(bill.shape[0]):
        if cover[o] < 0.0 and bill[o] > 0.0:
            unfunded[o] = min(1.0, -cover[o] * run.dt / (horizon * bill[o]))
    return unfunded


@njit(cache=True, inline="always")
def recruit_inputs(index, orgs, cells, plazas):
    """The arrays :func:`draw_recruits_per_population` reads, as one tuple (see sim.kernel on
    reference counts)."""
    return (index.cell_idx, index.cell_ptr, cells.members, cells.org, orgs.id, plazas.id,
            plazas.population)


@njit(cache=True, inline="always")
def draw_recruits_per_population(run, t, inputs, budget, room, recruits, wanted):
    """Scale-free recruits of every plaza p with room[p] > 0 (room (P,), the share of its
    capacity left): the K organizations with members there share Poisson means summing to
    recruit_per_100k_year / 1e5 population_p dt / 365.25 room_p, each (1 - m) / K +
    m b_o / sum(b) of it (m = recruit_means_share, b = the recruit budget (O,) floored at 0;
    an equal share where the b sum to 0); each draw is added to recruits (C,) at the
    organization's largest cell in the plaza (ties: the first in the plaza's index, as
    common.largest_cell) and to wanted (O,). inputs: :func:`recruit_inputs`."""
    cell_idx, cell_ptr, cell_members, cell_org, org_id, plaza_id, plaza_population = inputs
    yearly, m = run.prm[P_RECRUIT_PER_100K_YEAR], run.prm[P_RECRUIT_MEANS_SHARE]
    largest = np.full(org_id.shape[0], -1, dtype=np.int64)  # per organization, in p
    for p in range(cell_ptr.shape[0] - 1):
        first, end = cell_ptr[p], cell_ptr[p + 1]
        if room[p] <= 0.0 or first == end:
            continue
        for j in range(first, end):
            c = cell_idx[j]
            o = cell_org[c]
            if largest[o] < 0 or cell_members[c] > cell_members[largest[o]]:
                largest[o] = c
        n_present = 0
        means = 0.0
        for j in range(first, end):
            c = cell_idx[j]
            if largest[cell_org[c]] == c and cell_members[c] > 0:
                n_present += 1
                means += max(budget[cell_org[c]], 0.0)
        total = yearly / 1e5 * plaza_population[p] * run.dt / 365.25 * room[p]
        for j in range(first, end):
            c = cell_idx[j]
            o = cell_org[c]
            if largest[o] != c or cell_members[c] <= 0:
                continue
            lam = total / n_present
            if m > 0.0 and means > 0.0:
                lam = total * ((1.0 - m) / n_present + m * max(budget[o], 0.0) / means)
            n = poisson(key(run.seed, S_RECRUIT_PER_POPULATION, t, plaza_id[p], org_id[o]),
                        lam)
            recruits[c] += n
            wanted[o] += n
        for j in range(first, end):
            largest[cell_org[cell_idx[j]]] = -1


@njit(**INTERNAL)
def economy(run, t, index, orgs, cells, units, plazas, optional):
    """Revenue, recruitment, wages, payroll, desertion and saturation.

    Controllers collect value_per_day (times leaderless_value_share without a boss); then
    each organization (ascending rows) collects its outside_income_per_day, also revenue.
    Recruits per cell ~ Poisson(recruit_rate members dt (1 - M_p / (max_member_share
    population_p))^+), scaled down pro rata (floor) to what the organization's
    recruit_budget pays at recruit_cost + wage recruit_payback_days per recruit (with
    recruit_payback_days 0: its treasury, at recruit_cost). With recruit_per_100k_year,
    the plaza also yields recruits in proportion to its population, before the same limits,
    shared among the organizations there equally or (recruit_means_share) by their recruit
    budgets (draw_recruits_per_population).
    optional: None when the scenario uses none of the optional parts of the kernel (see
    sim.kernel.optional_phases; numba then prunes the recruits per population).
    Then wages and police pay are due; an organization that cannot pay them
    all pays what it has, and with unpaid share f its members desert at rate
    desertion_rate (1 - loyalty) f and each payroll unit quits with probability f; while it
    has lost cohesion (t < org_cohesion_until) f + cohesion_desertion_factor - 1 replaces f.
    Members of an organization going broke also leave at unfunded_desertion_rate times the
    unfunded share of its bill (unfunded_share), paid or not.
    Saturation: each member leaves at rate saturation_rate N_o (the national model's
    omega C^2 term).
    The step's revenue, the wages and police pay actually paid (the bill times the share
    paid) and the part of the bill left unpaid (unpaid_bill) are added to orgs.flows (O, 5)
    pesos.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    org_active, org_id, ledger, org_treasury = orgs.active, orgs.id, orgs.ledger, orgs.treasury
    org_cohesion_until, org_flows, org_wage = orgs.cohesion_until, orgs.flows, orgs.wage
    cell_active, cell_id, cell_loyalty = cells.active, cells.id, cells.loyalty
    cell_members, cell_org = cells.members, cells.org
    unit_active, unit_id, unit_officers = units.active, units.id, units.officers
    unit_payment, unit_payroll = units.payment, units.payroll
    plaza_boss_alive, plaza_controller = plazas.boss_alive, plazas.controller
    plaza_population, plaza_value = plazas.population, plazas.value
    org_outside_income = orgs.outside_income
    # the records' arrays are all taken here (see sim.kernel on reference counts)
    money = net_income_inputs(orgs, cells, units)
    recruiting = recruit_inputs(index, orgs, cells, plazas)
    n_org = org_active.shape[0]
    n_cells = cell_active.shape[0]
    for p in range(plaza_controller.shape[0]):
        d = plaza_controller[p]
        if d >= 0 and org_active[d]:
            share = 1.0 if plaza_boss_alive[p] else prm[P_LEADERLESS_VALUE_SHARE]
            income = plaza_value[p] * dt * share
            org_treasury[d] += income
            org_flows[d, F_REVENUE] += income
    for o in range(n_org):
        if org_active[o] and org_outside_income[o] > 0.0:
            income = org_outside_income[o] * dt
            org_treasury[o] += income
            org_flows[o, F_REVENUE] += income
    # budget: what it may spend on recruits and their wages, its treasury plus
    # recruit_payback_days of net income (without them, the treasury itself: recruitment
    # reads it before changing it); cover: the treasury plus unfunded_horizon_days of it
    payback, going_broke = prm[P_RECRUIT_PAYBACK_DAYS], unfunding(prm)
    budget = cover = org_treasury
    if payback > 0.0 or going_broke:
        net = net_income(dt, money)
        if payback > 0.0:
            budget = ahead(org_treasury, net, payback)
        if going_broke:
            cover = ahead(org_treasury, net, prm[P_UNFUNDED_HORIZON_DAYS])
    recruits = np.zeros(n_cells, dtype=np.int64)
    wanted = np.zeros(n_org, dtype=np.int64)
    room = np.zeros(cell_ptr.shape[0] - 1)
    for p in range(cell_ptr.shape[0] - 1):
        members = 0
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            members += cell_members[cell_idx[j]]
        capacity = prm[P_MAX_MEMBER_SHARE] * plaza_population[p]
        room[p] = 1.0 - members / capacity if capacity > 0.0 else 0.0
        if room[p] <= 0.0:
            continue
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            c = cell_idx[j]
            lam = prm[P_RECRUIT_RATE] * cell_members[c] * dt * room[p]
            recruits[c] = poisson(key(seed, S_RECRUIT, t, cell_id[c], 0), lam)
            wanted[cell_org[c]] += recruits[c]
    if optional is not None and prm[P_RECRUIT_PER_100K_YEAR] > 0.0:
        draw_recruits_per_population(run, t, recruiting, budget, room, recruits, wanted)
    for c in range(n_cells):
        if recruits[c] == 0:
            continue
        o = cell_org[c]
        price = prm[P_RECRUIT_COST] + org_wage[o] * payback
        if price > 0.0:
            affordable = np.floor(max(budget[o], 0.0) / price)
            if affordable < wanted[o]:  # a float: it may exceed the int64 range
                recruits[c] = np.int64(math.floor(recruits[c] * affordable / wanted[o]))
        cell_members[c] += recruits[c]
        ledger[o, L_RECRUITED] += recruits[c]
    if prm[P_RECRUIT_COST] > 0.0:
        hired = np.zeros(n_org, dtype=np.int64)
        for c in range(n_cells):
            hired[cell_org[c]] += recruits[c]
        for o in range(n_org):
            if wanted[o] > 0:
                org_treasury[o] -= hired[o] * prm[P_RECRUIT_COST]
    size = np.zeros(n_org, dtype=np.int64)
    for c in range(n_cells):
        if cell_active[c]:
            size[cell_org[c]] += cell_members[c]
    bill = np.zeros(n_org)
    police_bill = np.zeros(n_org)
    for o in range(n_org):
        bill[o] = org_wage[o] * size[o] * dt
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            pay = unit_payment[u] * unit_officers[u] * dt
            bill[unit_payroll[u]] += pay
            police_bill[unit_payroll[u]] += pay
    unpaid = np.zeros(n_org)
    for o in range(n_org):
        if bill[o] <= 0.0:
            continue
        if org_treasury[o] >= bill[o]:
            org_treasury[o] -= bill[o]
        else:
            unpaid[o] = 1.0 - max(org_treasury[o], 0.0) / bill[o]
            org_treasury[o] = 0.0
        org_flows[o, F_WAGES] += org_wage[o] * size[o] * dt * (1.0 - unpaid[o])
        org_flows[o, F_POLICE_PAY] += police_bill[o] * (1.0 - unpaid[o])
        org_flows[o, F_UNPAID_BILL] += bill[o] * unpaid[o]
    unfunded = unfunded_share(run, cover, bill)
    for c in range(n_cells):
        if not cell_active[c] or cell_members[c] <= 0:
            continue
        o = cell_org[c]
        f = unpaid[o]
        if t < org_cohesion_until[o]:
            f = max(f + prm[P_COHESION_DESERTION_FACTOR] - 1.0, 0.0)
        rate = prm[P_DESERTION_RATE] * (1.0 - cell_loyalty[c]) * f
        rate += prm[P_UNFUNDED_DESERTION_RATE] * unfunded[o]
        rate += prm[P_SATURATION_RATE] * size[o]
        if rate > 0.0:
            n = binomial_at_rate(key(seed, S_DESERTION, t, cell_id[c], 0), cell_members[c],
                                 rate, dt)
            cell_members[c] -= n
            ledger[o, L_DESERTED] += n
    for u in range(unit_active.shape[0]):
        o = unit_payroll[u]
        if unit_active[u] and o >= 0 and unpaid[o] > 0.0:
            if bernoulli(key(seed, S_DESERTION, t, unit_id[u], org_id[o]), unpaid[o]):
                unit_payroll[u] = -1
                unit_payment[u] = 0.0
