"""Organizations, cells and police units: Mesa agents holding their own state.

Each agent is built from its row of a :class:`sim.state.State` (``row`` is that row) and
writes itself back with :meth:`write`. The methods named after a phase of the step
(docs/model.md §3) are that agent's part of it; :mod:`sim.reference.model` calls them in
the step's order through Mesa's ``AgentSet.do``. An agent's ``model`` carries the
parameters (``model.p.clash_rate``), the step length ``model.dt``, the seed and the keyed
samplers ``model.draw``.
"""

from __future__ import annotations

import math
from collections import Counter

import mesa

from ..codes import (
    ALLY,
    ARMY,
    ARREST,
    FEDERAL,
    L_ARRESTED,
    L_DESERTED,
    L_RECRUITED,
    POLICE,
    S_CORRUPTION,
    S_DESERTION,
    S_HIRE,
    S_MOVE,
    S_NATIONAL_ARREST,
    S_PURGE,
    S_REPLENISH,
    VIA_STATE,
    WAR,
)
from ..state import State
from .books import Books


class Organization(Books, mesa.Agent):
    """A cartel. ``relation``, ``intensity``, ``grievance`` and ``grievance_share`` are keyed
    by the other organization; grievance[b] counts this organization's members killed by b
    (decaying), grievance_share[b] the same deaths as shares of its members, and
    ``killed_by`` this step's. ``flows``: this step's money, pesos (sim.codes.FLOW_COLUMNS)."""

    def __init__(self, model, state: State, row: int):
        super().__init__(model)
        self.row = row
        self.id = int(state.org_id[row])  # stable id: keys the draws
        self.treasury = float(state.org_treasury[row])  # pesos
        self.aggression = float(state.org_aggression[row])
        self.wage = float(state.org_wage[row])  # pesos per member per day
        self.bribe_share = float(state.org_bribe_share[row])
        self.leader_alive = bool(state.org_leader_alive[row])
        self.leader_days = float(state.org_leader_days[row])
        self.split_pending = bool(state.org_split_pending[row])
        self.parent = int(state.org_parent[row])  # row it split from, -1 for none
        self.n_splits = int(state.org_n_splits[row])
        self.cohesion_until = int(state.org_cohesion_until[row])  # step, exclusive
        self.reserve = int(state.org_reserve[row])  # members outside the plazas
        self.patron_row = int(state.org_patron[row])  # -1 for none
        self.stipend = float(state.org_stipend[row])  # pesos per day from the patron
        self.unpaid_days = float(state.org_unpaid_days[row])
        self.outside_income = float(state.org_outside_income[row])  # pesos per day
        self.fire_factor = 1.0  # this step's factors of lost cohesion (phase 1)
        self.acting_aggression = self.aggression
        self.ledger = [int(v) for v in state.ledger[row]]  # sim.codes L_* columns
        self.relation: dict[Organization, int] = {}
        self.intensity: dict[Organization, float] = {}
        self.grievance: dict[Organization, float] = {}
        self.grievance_share: dict[Organization, float] = {}
        self.killed_by: Counter = Counter()
        self.flows = [float(v) for v in state.org_flows[row]]
        # the books of one step (phases 8 and 9)
        self.bribe_budget = self.bill = self.police_bill = self.unpaid = self.unfunded = 0.0
        self.recruit_budget = self.cover = 0.0
        self.wanted = self.hired = self.size = 0

    def write(self, state: State) -> None:
        r = self.row
        state.org_id[r], state.org_active[r] = self.id, True
        state.org_treasury[r], state.org_aggression[r] = self.treasury, self.aggression
        state.org_wage[r], state.org_bribe_share[r] = self.wage, self.bribe_share
        state.org_leader_alive[r], state.org_leader_days[r] = self.leader_alive, self.leader_days
        state.org_split_pending[r], state.org_parent[r] = self.split_pending, self.parent
        state.org_n_splits[r] = self.n_splits
        state.org_cohesion_until[r], state.org_reserve[r] = self.cohesion_until, self.reserve
        state.org_patron[r], state.org_stipend[r] = self.patron_row, self.stipend
        state.org_unpaid_days[r] = self.unpaid_days
        state.org_outside_income[r] = self.outside_income
        state.ledger[r], state.org_flows[r] = self.ledger, self.flows
        for other in self.relation:
            state.relation[r, other.row] = self.relation[other]
            state.intensity[r, other.row] = self.intensity[other]
            state.grievance[r, other.row] = self.grievance.get(other, 0.0)
            state.grievance_share[r, other.row] = self.grievance_share.get(other, 0.0)

    def hostility(self, other: Organization) -> float:
        """Clash-rate factor of the pair: the intensity at war, else the neutral/ally factor."""
        relation = self.relation[other]
        if relation == WAR:
            return self.intensity[other]
        if relation == ALLY:
            return self.model.p.ally_conflict_factor
        return self.model.p.neutral_conflict_factor

    def alliance_weight(self) -> float:
        """The sum of this organization's alliance weights (intensities), in row order."""
        weight = 0.0  # float sums add in row order, one by one, as the kernel does
        for other in sorted(self.relation, key=lambda o: o.row):
            if self.relation[other] == ALLY:
                weight += self.intensity[other]
        return weight

    # phase 8
    def open_bribe_budget(self) -> None:
        """Pesos per day it can spend on police: bribe_share of its treasury per 30 days."""
        self.bribe_budget = self.bribe_share * max(self.treasury, 0.0) / 30.0

    # phase 11
    def remember_killings(self, decay: float, members: int | None) -> None:
        """Grievance decays and grows by this step's deaths: in G one per death, in the
        relative grievance (kept when ``members``, its members after the step, is given)
        each as a share of the members it had before them."""
        for perp in set(self.grievance) | set(self.killed_by):
            self.grievance[perp] = self.grievance.get(perp, 0.0) * decay + self.killed_by[perp]
        if members is not None:
            self.remember_shares(decay, members)
        self.killed_by.clear()

    def remember_shares(self, decay: float, members: int) -> None:
        before = max(members + sum(self.killed_by.values()), 1.0)
        for perp in set(self.grievance_share) | set(self.killed_by):
            self.grievance_share[perp] = (self.grievance_share.get(perp, 0.0) * decay
                                          + self.killed_by[perp] / before)

    def __repr__(self) -> str:
        return f"Organization(row={self.row}, treasury={self.treasury:.0f})"


class Cell(mesa.Agent):
    """A local armed group of one organization in one plaza."""

    def __init__(self, model, state: State, row: int, org: Organization, plaza):
        super().__init__(model)
        self.row = row
        self.id = int(state.cell_id[row])
        self.org = org
        self.plaza = plaza
        self.members = int(state.cell_members[row])
        self.firepower = float(state.cell_firepower[row])  # per member
        self.loyalty = float(state.cell_loyalty[row])
        self.local = bool(state.cell_local[row])
        self.attack = bool(state.cell_attack[row])  # posture: attack, else hold
        self.intel = float(state.cell_intel[row])
        self.recruits = 0  # this step's (phase 9)
        plaza.cells.append(self)  # rows ascend: cells are created in row order

    def write(self, state: State) -> None:
        r = self.row
        state.cell_id[r], state.cell_active[r] = self.id, True
        state.cell_org[r], state.cell_plaza[r] = self.org.row, self.plaza.row
        state.cell_members[r], state.cell_firepower[r] = self.members, self.firepower
        state.cell_loyalty[r], state.cell_local[r] = self.loyalty, self.local
        state.cell_attack[r], state.cell_intel[r] = self.attack, self.intel

    # phase 2
    def plan_move(self, t: int, p_move: float, moves: list) -> None:
        """A holding cell with 2+ members in an uncontested plaza sends Binomial(members - 1,
        p_move) members to its organization's first attacking cell next door."""
        if self.plaza.contested or self.attack or self.members <= 1:
            return
        target = next((x for q in self.plaza.neighbours for x in q.cells
                       if x.org is self.org and x.attack), None)
        if target is not None:
            draw = self.model.draw
            n = draw.binomial(draw.key(self.model.seed, S_MOVE, t, self.id, 0),
                              self.members - 1, p_move)
            moves.append((self, target, n))

    def hire_nearby(self, t: int, p_hire: float) -> None:
        """In each enemy-held neighbouring plaza where its organization has no cell (one
        hired this step counts), hire a local cell with probability p_hire (key: hire,
        organization, plaza; the new cell's id is that key >> 1) if the treasury covers
        hire_cost and a spare row is free."""
        model, org, p = self.model, self.org, self.model.p
        draw = model.draw
        for plaza in self.plaza.neighbours:
            d = plaza.controller
            if d is None or org.relation.get(d) != WAR or plaza.has_cell_of(org):
                continue
            if org.treasury < p.hire_cost:
                continue
            k = draw.key(model.seed, S_HIRE, t, org.id, plaza.id)
            if not draw.bernoulli(k, p_hire) or not model.spare_cell_rows:
                continue
            cell = model.new_cell(org, plaza)
            cell.id = int(k) >> 1
            cell.members, cell.firepower = int(p.hire_members), 1.0
            cell.loyalty, cell.local, cell.attack, cell.intel = p.hire_loyalty, True, False, 0.0
            org.treasury -= p.hire_cost
            org.ledger[L_RECRUITED] += cell.members

    # phase 7
    def national_arrests(self, t: int, q: float) -> None:
        """Each member is arrested with probability q (national incapacitation)."""
        if self.members <= 0:
            return
        draw = self.model.draw
        n = draw.binomial(draw.key(self.model.seed, S_NATIONAL_ARREST, t, self.id, 0),
                          self.members, q)
        self.members -= n
        self.org.ledger[L_ARRESTED] += n
        self.model.record(t, self.plaza, ARREST, POLICE, VIA_STATE, self.org.row, n)

    # phase 9
    def take_recruits(self) -> None:
        """The recruits its plaza drew for it, cut pro rata (floor) to what the organization's
        recruit budget pays at recruit_cost plus recruit_payback_days of wages each."""
        n = self.recruits
        if n == 0:
            return
        org, p = self.org, self.model.p
        price = p.recruit_cost + org.wage * p.recruit_payback_days
        if price > 0.0:
            affordable = float(math.floor(max(org.recruit_budget, 0.0) / price))  # may pass 2**63
            if affordable < org.wanted:
                n = self.recruits = math.floor(n * affordable / org.wanted)
        self.members += n
        org.ledger[L_RECRUITED] += n
        org.hired += n

    def count_for_organization(self) -> None:
        self.org.size += self.members

    def desert(self, t: int) -> None:
        """Members leave at desertion_rate (1 - loyalty) x the unpaid share of the bill (plus
        cohesion_desertion_factor - 1 while the organization has lost cohesion), plus
        unfunded_desertion_rate x its unfunded share, plus saturation_rate x its size."""
        if self.members <= 0:
            return
        model, org, p = self.model, self.org, self.model.p
        f = org.unpaid
        if t < org.cohesion_until:
            f = max(f + p.cohesion_desertion_factor - 1.0, 0.0)
        rate = p.desertion_rate * (1.0 - self.loyalty) * f
        rate += p.unfunded_desertion_rate * org.unfunded
        rate += p.saturation_rate * org.size
        if rate > 0.0:
            draw = model.draw
            n = draw.binomial_at_rate(draw.key(model.seed, S_DESERTION, t, self.id, 0),
                                      self.members, rate, model.dt)
            self.members -= n
            org.ledger[L_DESERTED] += n

    # phase 11
    def forget_intel(self, decay: float) -> None:
        self.intel *= decay

    def __repr__(self) -> str:
        return f"Cell(row={self.row}, org={self.org.row}, members={self.members})"


class PoliceUnit(mesa.Agent):
    """Municipal, state or federal police, or an army unit, in one plaza; ``payroll`` is its
    patron or None."""

    def __init__(self, model, state: State, row: int, plaza, payroll: Organization | None):
        super().__init__(model)
        self.row = row
        self.id = int(state.unit_id[row])
        self.active = True
        self.plaza = plaza
        self.kind = int(state.unit_kind[row])  # sim.codes POLICE_KINDS
        self.officers = int(state.unit_officers[row])
        self.authorized = int(state.unit_authorized[row])  # strength it is brought back to
        self.integrity = float(state.unit_integrity[row])
        self.payroll = payroll
        self.payment = float(state.unit_payment[row])  # pesos per officer per day
        self.effectiveness = float(state.unit_effectiveness[row])
        self.expires = int(state.unit_expires[row])  # step a deployment leaves, -1 never
        plaza.units.append(self)  # rows ascend: units are created in row order

    def write(self, state: State) -> None:
        r = self.row
        state.unit_id[r], state.unit_active[r] = self.id, self.active
        state.unit_plaza[r], state.unit_kind[r] = self.plaza.row, self.kind
        state.unit_officers[r], state.unit_authorized[r] = self.officers, self.authorized
        state.unit_integrity[r] = self.integrity
        state.unit_payroll[r] = -1 if self.payroll is None else self.payroll.row
        state.unit_payment[r], state.unit_effectiveness[r] = self.payment, self.effectiveness
        state.unit_expires[r] = self.expires

    # phase 1
    def leave_if_due(self, t: int) -> None:
        """A federal deployment whose time is up leaves (its row is free for the next)."""
        if self.expires >= 0 and t >= self.expires:
            self.active, self.officers = False, 0
            self.plaza.units.remove(self)
            self.model.departed.append(self)
            self.remove()

    # phase 7
    def replenish(self, t: int, q: float) -> None:
        short = self.authorized - self.officers
        if short > 0:
            draw = self.model.draw
            self.officers += draw.binomial(draw.key(self.model.seed, S_REPLENISH, t, self.id, 0),
                                           short, q)

    # phase 8
    def charge_patron_budget(self) -> None:
        if self.payroll is not None:
            self.payroll.bribe_budget -= self.payment * self.officers

    def consider_bribes(self, t: int, p_consider: float, p_purge: float, present: set,
                        federal: set) -> None:
        """Purged (maybe) if federal forces are in its plaza; else it accepts each affordable
        offer with probability p_consider (1 - integrity), and the largest budget wins.
        Army units are never bought."""
        if self.officers <= 0:
            return
        model, p = self.model, self.model.p
        draw = model.draw
        if self.plaza in federal and self.kind != FEDERAL and self.payroll is not None:
            if draw.bernoulli(draw.key(model.seed, S_PURGE, t, self.id, 0), p_purge):
                self.payroll, self.payment = None, 0.0
            return
        if self.kind == ARMY:
            return
        if self.payroll is None:
            price = p.bribe_per_officer_day
        else:
            price = p.turn_margin * self.payment
        p_accept = p_consider * (1.0 - self.integrity)
        best = None
        for org in model.every(Organization):
            if (self.plaza, org) not in present or org is self.payroll:
                continue
            if org.bribe_budget < price * self.officers:
                continue
            if draw.uniform(draw.key(model.seed, S_CORRUPTION, t, self.id, org.id), 0) >= p_accept:
                continue
            if best is None or org.bribe_budget > best.bribe_budget:
                best = org
        if best is not None:
            self.payroll, self.payment = best, price

    # phase 9
    def add_to_patron_bill(self) -> None:
        if self.payroll is not None:
            pay = self.payment * self.officers * self.model.dt
            self.payroll.bill += pay
            self.payroll.police_bill += pay

    def quit_if_unpaid(self, t: int) -> None:
        """Leaves its patron with probability equal to the unpaid share of the patron's bill."""
        o = self.payroll
        if o is not None and o.unpaid > 0.0:
            draw = self.model.draw
            if draw.bernoulli(draw.key(self.model.seed, S_DESERTION, t, self.id, o.id),
                              o.unpaid):
                self.payroll, self.payment = None, 0.0

    def __repr__(self) -> str:
        return f"PoliceUnit(row={self.row}, officers={self.officers})"
