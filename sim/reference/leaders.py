"""What a leader's removal does, over the reference's organizations: the step's factors of
lost cohesion (phase 1) and leader replacement, splits and succession fights (phase 13),
the twins of ``sim.mechanisms.common.cohesion_factors`` and
``sim.mechanisms.territory.fragmentation``. Each function takes the organization first,
as ``AgentSet.do`` calls it."""

from __future__ import annotations

from ..codes import L_MOVED, S_SPLIT, S_SUCCESSION, WAR
from .agents import Cell, Organization


def set_cohesion(org: Organization, t: int) -> None:
    """Until cohesion_until (after a leader's removal) its firepower and aggression act
    times the cohesion_* factors."""
    p = org.model.p
    if t < org.cohesion_until:
        org.fire_factor = p.cohesion_firepower_factor
        org.acting_aggression = org.aggression * p.cohesion_aggression_factor
    else:
        org.fire_factor, org.acting_aggression = 1.0, org.aggression


def replace_leader_or_split(org: Organization, t: int) -> None:
    """Leaders are replaced after leader_replacement_days; a pending removal splits the
    organization with split_probability or, drawn independently, when its factions
    fight (succession_fight_probability): the splinter (the first spare row)
    takes the cells below split_loyalty, the same share of the treasury, this
    organization's relations, aggression, wage and bribe share, and is at war with it."""
    model, p, draw = org.model, org.model.p, org.model.draw
    if not org.leader_alive:
        org.leader_days += model.dt
        if org.leader_days >= p.leader_replacement_days:
            org.leader_alive, org.leader_days = True, 0.0
    if not org.split_pending:
        return
    org.split_pending = False
    splits = draw.bernoulli(draw.key(model.seed, S_SPLIT, t, org.id, 0),
                            p.split_probability)
    if p.succession_fight_probability > 0.0:  # the factions fight: an independent draw
        splits |= draw.bernoulli(draw.key(model.seed, S_SUCCESSION, t, org.id, 0),
                                 p.succession_fight_probability)
    if not splits:
        return
    mine = [c for c in model.every(Cell) if c.org is org]
    leaving = [c for c in mine if c.loyalty < p.split_loyalty]
    total = sum(c.members for c in mine)
    taken = sum(c.members for c in leaving)
    if not model.spare_organization_rows or taken == 0:
        return
    splinter = model.new_organization()
    org.n_splits += 1
    splinter.id = int(draw.key(0, S_SPLIT, org.n_splits, org.id, 0)) >> 1
    splinter.parent = org.row
    splinter.treasury = org.treasury * taken / total
    org.treasury -= splinter.treasury
    splinter.aggression, splinter.wage = org.aggression, org.wage
    splinter.bribe_share, splinter.leader_alive = org.bribe_share, True
    for other in model.every(Organization):
        if other is not org and other is not splinter:
            splinter.relation[other] = org.relation[other]
            other.relation[splinter] = other.relation[org]
            splinter.intensity[other] = org.intensity[other]
            other.intensity[splinter] = other.intensity[org]
    splinter.relation[org] = org.relation[splinter] = WAR
    splinter.intensity[org] = org.intensity[splinter] = 1.0
    for c in leaving:
        c.org = splinter
    org.ledger[L_MOVED] -= taken
    splinter.ledger[L_MOVED] += taken
    model.split = True
