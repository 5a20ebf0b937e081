"""Phase 9b, patronage and mobilization, over the reference's agents (the twin of
:mod:`sim.mechanisms.mobilization`; docs/model.md §7 gives the rules)."""

from __future__ import annotations

import math

from ..codes import (
    ALLY,
    F_REINFORCEMENT_COST,
    L_MOBILIZED,
    NEUTRAL,
    S_MOBILIZE,
    S_MOBILIZE_CELL,
    WAR,
)
from .agents import Cell, Organization
from .plaza import Plaza


def at_war(org: Organization) -> bool:
    """Whether the organization is at war with another that exists."""
    return any(r == WAR for r in org.relation.values())


def pay_stipends(model) -> bool:
    """Clients, in ascending rows, get stipend x dt from their patron, up to its treasury;
    one paid less than due for client_loyalty_days in a row (if > 0) leaves its patron.
    Returns True if a client left."""
    p, dt = model.p, model.dt
    orgs = {o.row: o for o in model.every(Organization)}
    left = False
    for client in orgs.values():
        if client.patron_row < 0:
            continue
        patron = orgs.get(client.patron_row)
        due = client.stipend * dt
        paid = min(due, max(patron.treasury, 0.0)) if patron is not None else 0.0
        if patron is not None:
            patron.treasury -= paid
        client.treasury += paid
        client.unpaid_days = client.unpaid_days + dt if paid < due else 0.0
        if p.client_loyalty_days > 0.0 and client.unpaid_days >= p.client_loyalty_days:
            if patron is not None:
                for x in orgs.values():
                    if x is not client and x is not patron and patron.relation[x] == WAR \
                            and client.relation[x] == WAR:
                        client.relation[x] = x.relation[client] = NEUTRAL
                if client.relation[patron] == ALLY:
                    client.relation[patron] = patron.relation[client] = NEUTRAL
            client.patron_row = -1
            left = True
    return left


def support_allies(model, before: dict) -> None:
    """Each organization whose treasury grew in phase 9 (from ``before``, organization ->
    pesos) sends ally_support_share of the gain, in equal parts, to its allies at war that
    are poorer than it; every gift is decided on the treasuries before any of them."""
    orgs = list(model.every(Organization))
    sent = {o: 0.0 for o in orgs}
    received = {o: 0.0 for o in orgs}
    for o in orgs:
        surplus = o.treasury - before[o]
        if surplus <= 0.0:
            continue
        poorer = [x for x in orgs if x is not o and o.relation[x] == ALLY
                  and x.treasury < o.treasury and at_war(x)]
        if not poorer:
            continue
        sent[o] = model.p.ally_support_share * surplus
        for x in poorer:
            received[x] += sent[o] / len(poorer)
    for o in orgs:
        o.treasury += received[o]
        o.treasury -= sent[o]


def stakes(model) -> tuple[dict, dict]:
    """(value held, value at stake) per organization, pesos per day: the plazas it controls;
    those controlled by an organization at war with it or contested where it controls or
    has members (each plaza once)."""
    held: dict = {}
    stake: dict = {}
    for q in model.every(Plaza):
        d = q.controller
        at_stake = set()
        if d is not None:
            held[d] = held.get(d, 0.0) + q.value
            at_stake |= {o for o in d.relation if d.relation[o] == WAR}
            if q.contested:
                at_stake.add(d)
        if q.contested:
            at_stake |= {c.org for c in q.cells if c.members > 0}
        for o in sorted(at_stake, key=lambda o: o.row):
            stake[o] = stake.get(o, 0.0) + q.value
    return held, stake


def spread_reserves(model, t: int, o: Organization, s: int, target: Cell) -> None:
    """s of o's mobilized members go to the plazas at stake for it, in proportion to its
    enemies' members there (cumulative integer parts, plazas in row order); each part joins
    o's largest cell there (even an emptied one), else a new cell (key mobilize_cell, step,
    organization, plaza;
    firepower 1, the target's loyalty), else the target. No enemy at stake: all to target."""
    enemy: dict = {}
    for q in model.every(Plaza):
        mine = [c for c in q.cells if c.org is o and c.members > 0]
        d = q.controller
        if (d is not None and d is not o and o.relation.get(d) == WAR) \
                or (q.contested and (d is o or mine)):
            enemy[q] = sum(c.members for c in q.cells if o.relation.get(c.org) == WAR)
    total = sum(enemy.values())
    if total <= 0:
        target.members += s
        return
    cum = given = 0
    for q in sorted(enemy, key=lambda q: q.row):
        if enemy[q] <= 0:
            continue
        cum += enemy[q]
        part = s * cum // total - given
        given += part
        if part <= 0:
            continue
        own = [c for c in q.cells if c.org is o]  # emptied cells too, before a new row
        if own:
            cell = max(own, key=lambda c: (c.members, -c.row))
        elif model.spare_cell_rows:
            k = model.draw.key(model.seed, S_MOBILIZE_CELL, t, o.id, q.id)
            cell = model.new_cell(o, q)
            cell.id = int(k) >> 1
            cell.members, cell.firepower, cell.loyalty = 0, 1.0, target.loyalty
            cell.local, cell.attack, cell.intel = False, False, 0.0
        else:
            cell = target
        cell.members += part


def bring_reserves(model, t: int) -> None:
    """An organization at war brings Binomial(reserve, 1 - exp(-mobilization_rate x stakes x
    dt)) members, stakes = at stake / (at stake + held), as many as its treasury pays at
    mobilization_cost + wage x dt each (charged mobilization_cost, its reinforcement_cost),
    into its largest cell in a plaza at stake (else its largest cell); floor(mobilization_spread
    x n) of them are spread instead (:func:`spread_reserves`)."""
    p, dt, draw = model.p, model.dt, model.draw
    held, stake = stakes(model)
    for o in model.every(Organization):
        at = stake.get(o, 0.0)
        if o.reserve <= 0 or at <= 0.0 or not at_war(o):
            continue
        rate = p.mobilization_rate * at / (at + held.get(o, 0.0))
        n = draw.binomial_at_rate(draw.key(model.seed, S_MOBILIZE, t, o.id, 0), o.reserve,
                                  rate, dt)
        price = p.mobilization_cost + o.wage * dt
        if price > 0.0:
            n = min(n, math.floor(min(max(o.treasury, 0.0) / price, 1e18)))
        if n <= 0:
            continue
        cells = [c for c in model.every(Cell) if c.org is o and c.members > 0]
        if not cells:
            continue

        def rank(c):
            d = c.plaza.controller
            at_stake = c.plaza.contested or (d is not None and o.relation.get(d) == WAR)
            return (at_stake, c.members, -c.row)

        target = max(cells, key=rank)
        spread = math.floor(p.mobilization_spread * n)
        target.members += n - spread
        if spread > 0:
            spread_reserves(model, t, o, spread, target)
        o.reserve -= n
        o.ledger[L_MOBILIZED] += n
        o.treasury -= n * p.mobilization_cost
        o.flows[F_REINFORCEMENT_COST] += n * p.mobilization_cost
