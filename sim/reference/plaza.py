"""Plazas: where most of a step is fought out, one plaza at a time.

A :class:`Plaza` holds its cells and police units (lists in ascending row order) and its
neighbours; its methods named after a phase (docs/model.md §7) apply that phase's rules to
it, those where people are killed or taken in :mod:`sim.reference.fighting`. Within a
plaza, rates and strengths are those at the start of its phase (its :meth:`Plaza.forces`),
competing claims are taken in ascending organization row, each from what the earlier ones
left, and floating-point sums add in ascending row, one term at a time, as the compiled
kernel adds them.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa

from ..codes import (
    ALLY,
    BACKGROUND,
    CIVILIAN,
    F_REVENUE,
    S_BACKGROUND,
    S_BOSS,
    S_RECRUIT,
    S_RECRUIT_PER_POPULATION,
    UNKNOWN,
    VIA_NONE,
    WAR,
)
from ..state import State
from .fighting import Fighting
from .forces import StateForces, fight_share


@dataclass(slots=True)
class Side:
    """One organization's forces in one plaza: its cells with members, its payroll police."""

    members: int = 0
    fire_cell: float = 0.0  # firepower of its own (non-local) cells
    fire_local: float = 0.0  # of its hired local cells
    fire_police: float = 0.0  # of the police on its payroll there
    attacking: bool = False
    intel: float = 0.0  # the highest intelligence of its cells there
    officers: float = 0.0  # police on its payroll there that fight for it

    @property
    def fire(self) -> float:
        return self.fire_cell + self.fire_local + self.fire_police


class Plaza(Fighting, StateForces, mesa.Agent):
    """A town on the trafficking network; ``controller`` is an Organization or None. Its
    clashes, assassinations, kidnappings and arrests are in :mod:`sim.reference.fighting`,
    its confrontations, extortion and civilian kidnappings in :mod:`sim.reference.forces`."""

    def __init__(self, model, state: State, row: int, controller):
        super().__init__(model)
        self.row = row
        self.id = int(state.plaza_id[row])
        self.population = int(state.plaza_population[row])
        self.value = float(state.plaza_value[row])  # pesos per day to the controller
        self.background = float(state.plaza_background[row])  # homicides per 100,000 a year
        self.controller = controller
        self.boss_alive = bool(state.plaza_boss_alive[row])
        self.days_leaderless = float(state.plaza_days_leaderless[row])
        self.contested = bool(state.plaza_contested[row])
        self.share = float(state.plaza_share[row])  # the controller's share of armed strength
        self.neighbours: list[Plaza] = []
        self.cells = []  # ascending rows
        self.units = []  # ascending rows
        self.homicides = 0  # this step's, for the triggers

    def write(self, state: State) -> None:
        r = self.row
        state.plaza_controller[r] = -1 if self.controller is None else self.controller.row
        state.plaza_boss_alive[r], state.plaza_days_leaderless[r] = (self.boss_alive,
                                                                     self.days_leaderless)
        state.plaza_contested[r], state.plaza_share[r] = self.contested, self.share

    def has_cell_of(self, org) -> bool:
        return any(c.org is org for c in self.cells)

    def density(self) -> float:
        """Bystander exposure, 0-1; 0 in a plaza nobody lives in."""
        if self.population <= 0:
            return 0.0
        return self.population / (self.population + self.model.p.collateral_half_population)

    def forces(self) -> dict:
        """Each organization with members here -> its Side, in ascending organization rows
        (payroll police: the share of each unit's officers that fight, forces.fight_share)."""
        sides: dict = {}
        for c in self.cells:
            if c.members <= 0:
                continue
            side = sides.get(c.org)
            if side is None:
                side = sides[c.org] = Side()
            side.members += c.members
            fire = c.members * c.firepower * c.org.fire_factor  # cohesion's factor
            if c.local:
                side.fire_local += fire
            else:
                side.fire_cell += fire
            side.attacking = side.attacking or c.attack
            side.intel = max(side.intel, c.intel)
        for u in self.units:
            side = sides.get(u.payroll)
            if side is not None:
                fighting = u.officers * fight_share(self.model.p, u)
                side.officers += fighting
                side.fire_police += fighting * self.model.p.police_firepower
        return dict(sorted(sides.items(), key=lambda item: item[0].row))

    # phase 2
    def decide_postures(self) -> None:
        """Every cell of an organization at war with the controller d attacks here when
        (its own and its allies' firepower, allies of d excepted) / (d's side's) x
        (1 + aggression) x (1 + grievance_weight G[a, d] + grievance_relative_weight R[a, d])
        reaches attack_threshold."""
        d = self.controller
        if d is None:
            return
        p = self.model.p
        sides = self.forces()
        defence = 0.0
        for x, side in sides.items():
            if x is d or d.relation[x] == ALLY:
                defence += side.fire
        for a in sides:
            if a is d or a.relation[d] != WAR:
                continue
            own = 0.0
            for x, side in sides.items():
                if x is a or (a.relation[x] == ALLY and x.relation[d] != ALLY):
                    own += side.fire
            score = own / max(defence, 1e-9) * (1.0 + a.acting_aggression)
            score *= (1.0 + p.grievance_weight * a.grievance.get(d, 0.0)
                      + p.grievance_relative_weight * a.grievance_share.get(d, 0.0))
            if score >= p.attack_threshold:
                for c in self.cells:  # every cell, an empty one too
                    if c.org is a:
                        c.attack = True

    # phase 9
    def pay_controller(self) -> None:
        """The controller collects value_per_day (leaderless_value_share of it without a boss):
        its revenue."""
        d = self.controller
        if d is not None:
            share = 1.0 if self.boss_alive else self.model.p.leaderless_value_share
            income = self.value * self.model.dt * share
            d.treasury += income
            d.flows[F_REVENUE] += income

    def draw_recruits(self, t: int) -> None:
        """Recruits per cell ~ Poisson(recruit_rate members dt room), room the share of the
        plaza's capacity (max_member_share population) its members leave free."""
        model, p = self.model, self.model.p
        members = sum(c.members for c in self.cells)
        capacity = p.max_member_share * self.population
        room = 1.0 - members / capacity if capacity > 0.0 else 0.0
        for c in self.cells:
            c.recruits = 0
            if room > 0.0:
                lam = p.recruit_rate * c.members * model.dt * room
                c.recruits = model.draw.poisson(
                    model.draw.key(model.seed, S_RECRUIT, t, c.id, 0), lam)
                c.org.wanted += c.recruits
        if room > 0.0 and p.recruit_per_100k_year > 0.0:
            self.draw_recruits_per_population(t, room)

    def draw_recruits_per_population(self, t: int, room: float) -> None:
        """Scale-free recruits: the K organizations with members here share Poisson means
        summing to recruit_per_100k_year / 1e5 population dt / 365.25 room, each
        (1 - m) / K + m b / sum(b) of it (m = recruit_means_share, b its recruit budget
        floored at 0; equal shares where the b sum to 0), for its largest cell here (the
        lowest row on a tie)."""
        model, p = self.model, self.model.p
        largest: dict = {}
        for c in self.cells:  # rows ascend: a tie keeps the earlier
            if c.members > 0 and (c.org not in largest or c.members > largest[c.org].members):
                largest[c.org] = c
        if not largest:
            return
        present = sorted(largest.items(), key=lambda item: item[1].row)  # the kernel's order
        means = 0.0
        for org, _ in present:
            means += max(org.recruit_budget, 0.0)
        k = len(present)
        total = p.recruit_per_100k_year / 1e5 * self.population * model.dt / 365.25
        m = p.recruit_means_share
        for org, c in present:
            lam = total * room / k
            if m > 0.0 and means > 0.0:
                lam = total * room * ((1.0 - m) / k + m * max(org.recruit_budget, 0.0) / means)
            n = model.draw.poisson(
                model.draw.key(model.seed, S_RECRUIT_PER_POPULATION, t, self.id, org.id), lam)
            c.recruits += n
            org.wanted += n

    # phase 10
    def control(self, t: int, p_boss: float) -> None:
        """The strongest organization at war with the controller (anyone, if none) takes the
        plaza at takeover_share of the armed strength when the controller is leaderless or
        below collapse_share; contested while two at war each hold contest_share; a
        leaderless controller with strength here gets a boss with probability p_boss."""
        model, p = self.model, self.model.p
        strength: dict = {}
        total = 0.0
        for c in self.cells:
            if c.members <= 0:
                continue
            s = c.members * c.firepower * c.org.fire_factor
            strength[c.org] = strength.get(c.org, 0.0) + s
            total += s
        present = sorted(strength, key=lambda o: o.row)
        d = self.controller
        share_d = strength.get(d, 0.0) / total if d is not None and total > 0.0 else 0.0
        x = None
        for o in present:
            if o is not d and (d is None or o.relation[d] == WAR):
                if x is None or strength[o] > strength[x]:
                    x = o
        if x is not None and total > 0.0 and strength[x] / total >= p.takeover_share:
            if d is None or not self.boss_alive or share_d < p.collapse_share:
                self.controller, self.boss_alive, self.days_leaderless = x, True, 0.0
                d = x
        self.contested = total > 0.0 and any(
            a.relation[b] == WAR and strength[a] >= p.contest_share * total
            and strength[b] >= p.contest_share * total
            for i, a in enumerate(present) for b in present[i + 1:])
        self.share = strength.get(d, 0.0) / total if d is not None and total > 0.0 else 0.0
        if d is not None and not self.boss_alive:
            self.days_leaderless += model.dt
            if strength.get(d, 0.0) > 0.0 and model.draw.bernoulli(
                    model.draw.key(model.seed, S_BOSS, t, self.id, 0), p_boss):
                self.boss_alive, self.days_leaderless = True, 0.0

    # phase 12
    def background_homicides(self, t: int) -> None:
        """Poisson(background rate / 100,000 x population x dt / 365.25) homicides."""
        model = self.model
        lam = self.background / 1e5 * self.population * model.dt / 365.25
        n = model.draw.poisson(model.draw.key(model.seed, S_BACKGROUND, t, self.id, 0), lam)
        model.record(t, self, BACKGROUND, UNKNOWN, VIA_NONE, CIVILIAN, n)

    def __repr__(self) -> str:
        return f"Plaza(row={self.row}, controller={self.controller!r})"
