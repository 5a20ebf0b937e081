"""Plazas: where most of a step is fought out, one plaza at a time.

A :class:`Plaza` holds its cells and police units (lists in ascending row order) and its
neighbours; its methods named after a phase (docs/model.md §7) apply that phase's rules to
it. Within a plaza, rates and strengths are those at the start of its phase (its
:meth:`Plaza.forces`), competing claims are taken in ascending organization row, each from
what the earlier ones left, and floating-point sums add in ascending row, one term at a
time, as the compiled kernel adds them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa

from ..codes import (
    ALLY,
    ARREST,
    ASSASSINATION,
    BACKGROUND,
    CIVILIAN,
    CLASH,
    COLLATERAL,
    KIDNAP_MURDER,
    KIDNAPPING,
    L_ARRESTED,
    L_KILLED,
    POLICE,
    POLICE_KILLED,
    S_ARREST,
    S_ASSASSINATION,
    S_BACKGROUND,
    S_BOSS,
    S_CLASH,
    S_CLASH_LOSS,
    S_COLLATERAL,
    S_KIDNAP,
    S_KIDNAP_MURDER,
    S_POLICE_KILLED,
    S_RECRUIT,
    S_VIA,
    S_VIA_CLASH,
    S_VIA_COLLATERAL,
    S_VIA_POLICE_KILLED,
    UNKNOWN,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_NONE,
    VIA_POLICE,
    VIA_STATE,
    WAR,
)
from ..state import State
from .draws import pair_id


@dataclass(slots=True)
class Side:
    """One organization's forces in one plaza: its cells with members, its payroll police."""

    members: int = 0
    fire_cell: float = 0.0  # firepower of its own (non-local) cells
    fire_local: float = 0.0  # of its hired local cells
    fire_police: float = 0.0  # of the police on its payroll there
    attacking: bool = False
    intel: float = 0.0  # the highest intelligence of its cells there
    officers: int = 0  # police on its payroll there

    @property
    def fire(self) -> float:
        return self.fire_cell + self.fire_local + self.fire_police


class Plaza(mesa.Agent):
    """A town on the trafficking network; ``controller`` is an Organization or None."""

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
        """Bystander exposure, 0-1."""
        return self.population / (self.population + self.model.p.collateral_half_population)

    def forces(self) -> dict:
        """Each organization with members here -> its Side, in ascending organization rows."""
        sides: dict = {}
        for c in self.cells:
            if c.members <= 0:
                continue
            side = sides.get(c.org)
            if side is None:
                side = sides[c.org] = Side()
            side.members += c.members
            if c.local:
                side.fire_local += c.members * c.firepower
            else:
                side.fire_cell += c.members * c.firepower
            side.attacking = side.attacking or c.attack
            side.intel = max(side.intel, c.intel)
        for u in self.units:
            side = sides.get(u.payroll)
            if side is not None:
                side.officers += u.officers
                side.fire_police += u.officers * self.model.p.police_firepower
        return dict(sorted(sides.items(), key=lambda item: item[0].row))

    def record_by_via(self, t, typ, perp, victim, stream, fight, x_id, n, side: Side) -> None:
        """Record n acts split among the perpetrator's cells, local cells and payroll police
        by firepower: police ~ Binomial(n, f_police / f) keyed (stream, fight, x_id) = k,
        local cells ~ Binomial(rest, f_local / (f_cell + f_local)) keyed (via, k >> 1)."""
        n_cell, n_local, n_police = n, 0, 0
        if n > 0 and side.fire > 0.0:
            model = self.model
            draw = model.draw
            k = draw.key(model.seed, stream, t, fight, x_id)
            n_police = draw.binomial(k, n, side.fire_police / side.fire)
            n_cell = n - n_police
            if side.fire_cell + side.fire_local > 0.0:
                n_local = draw.binomial(draw.key(model.seed, S_VIA, t, int(k) >> 1, 0), n_cell,
                                        side.fire_local / (side.fire_cell + side.fire_local))
                n_cell -= n_local
        record = self.model.record
        record(t, self, typ, perp, VIA_CELL, victim, n_cell)
        record(t, self, typ, perp, VIA_LOCAL_CELL, victim, n_local)
        record(t, self, typ, perp, VIA_POLICE, victim, n_police)

    # phase 2
    def decide_postures(self) -> None:
        """Every cell of an organization at war with the controller d attacks here when
        (its own and its allies' firepower, allies of d excepted) / (d's side's) x
        (1 + aggression) x (1 + grievance_weight G[a, d]) reaches attack_threshold."""
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
            score = own / max(defence, 1e-9) * (1.0 + a.aggression)
            score *= 1.0 + p.grievance_weight * a.grievance.get(d, 0.0)
            if score >= p.attack_threshold:
                for c in self.cells:  # every cell, an empty one too
                    if c.org is a:
                        c.attack = True

    # phase 3 (+5)
    def clashes(self, t: int) -> None:
        """Each hostile pair (a, b) here meets n ~ Poisson(rate dt) times; each member of a
        (and officer on its payroll) dies with 1 - exp(-n lethality F_b / people /
        shield_a); bystanders ~ Poisson(collateral_per_clash n density), shared by firepower."""
        model, p, dt = self.model, self.model.p, self.model.dt
        seed, draw = model.seed, model.draw
        sides = self.forces()  # the forces at the start of this plaza's fighting
        orgs = list(sides)
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                h = a.hostility(b)
                if h <= 0.0:
                    continue
                A, B = sides[a], sides[b]
                rate = p.clash_rate * h * (1.0 + a.aggression + b.aggression)
                rate *= 1.0 + p.grievance_weight * (a.grievance.get(b, 0.0)
                                                    + b.grievance.get(a, 0.0))
                rate *= 1.0 + p.intel_weight * (A.intel + B.intel)
                if A.attacking or B.attacking:
                    rate *= p.attack_multiplier
                rate *= A.members + B.members
                pid = pair_id(draw, a.id, b.id)
                n = draw.poisson(draw.key(seed, S_CLASH, t, self.id, pid), rate * dt)
                if n == 0:
                    continue
                fight = pair_id(draw, pid, self.id)  # this pair's fight in this plaza
                people = A.members + B.members + A.officers + B.officers
                for x, y, Y in ((a, b, B), (b, a, A)):
                    shield = 1.0
                    if p.ally_shielding > 0.0:
                        shield = (1.0 + x.alliance_weight()) ** p.ally_shielding
                    q = -math.expm1(-n * p.lethality * Y.fire / people / shield)
                    dead = 0
                    for c in self.cells:
                        if c.org is x and c.members > 0:
                            k = draw.binomial(draw.key(seed, S_CLASH_LOSS, t, c.id, y.id),
                                              c.members, q)
                            c.members -= k
                            dead += k
                    cops = 0
                    for u in self.units:
                        if u.payroll is x and u.officers > 0:
                            k = draw.binomial(draw.key(seed, S_POLICE_KILLED, t, u.id, y.id),
                                              u.officers, q)
                            u.officers -= k
                            cops += k
                    x.ledger[L_KILLED] += dead
                    x.killed_by[y] += dead
                    self.record_by_via(t, CLASH, y.row, x.row, S_VIA_CLASH, fight, x.id, dead,
                                       Y)
                    self.record_by_via(t, POLICE_KILLED, y.row, POLICE, S_VIA_POLICE_KILLED,
                                       fight, x.id, cops, Y)
                mean = p.collateral_per_clash * n * self.density()
                bystanders = draw.poisson(draw.key(seed, S_COLLATERAL, t, self.id, pid), mean)
                if bystanders > 0:
                    by_a = draw.binomial(draw.key(seed, S_COLLATERAL, t, pid, self.id),
                                         bystanders, A.fire / max(A.fire + B.fire, 1e-12))
                    for x, X, nx in ((a, A, by_a), (b, B, bystanders - by_a)):
                        self.record_by_via(t, COLLATERAL, x.row, CIVILIAN, S_VIA_COLLATERAL,
                                           fight, x.id, nx, X)

    # phase 4 (+5)
    def assassinations(self, t: int) -> None:
        """Attacking enemies of the controller d try for its boss, ascending rows, at
        assassination_rate (1 + w_g G[a, d]) (1 + w_i I_a); an attempt succeeds with
        assassination_success (1 - boss_protection_per_officer)^officers of d here. The first
        success kills the boss (and the lieutenant) in d's largest cell here."""
        d = self.controller
        if d is None or not self.boss_alive:
            return
        sides = self.forces()
        if d not in sides:
            return
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        for a, A in sides.items():
            if a.relation.get(d) != WAR or not A.attacking:
                continue
            rate = p.assassination_rate * (1.0 + p.grievance_weight * a.grievance.get(d, 0.0))
            rate *= 1.0 + p.intel_weight * A.intel
            kk = draw.key(seed, S_ASSASSINATION, t, self.id, a.id)
            if not draw.bernoulli(kk, draw.rate_to_prob(rate, model.dt)):
                continue
            p_success = p.assassination_success
            p_success *= (1.0 - p.boss_protection_per_officer) ** float(sides[d].officers)
            if draw.uniform(kk, 1) >= p_success:
                continue
            victims = 2 if draw.uniform(kk, 2) < p.lieutenant_kill_probability else 1
            best = None  # the controller's largest cell here; ties: the lowest row
            for c in self.cells:
                if c.org is d and (best is None or c.members > best.members):
                    best = c
            victims = min(victims, best.members)
            best.members -= victims
            d.ledger[L_KILLED] += victims
            d.killed_by[a] += victims
            u = draw.uniform(kk, 3)
            if A.fire <= 0.0 or u * A.fire < A.fire_cell:
                via = VIA_CELL
            elif u * A.fire < A.fire_cell + A.fire_local:
                via = VIA_LOCAL_CELL
            else:
                via = VIA_POLICE
            model.record(t, self, ASSASSINATION, a.row, via, d.row, victims)
            mean = p.collateral_per_clash * self.density()
            model.record(t, self, COLLATERAL, a.row, via, CIVILIAN,
                         draw.poisson(draw.key(seed, S_COLLATERAL, t, a.id, self.id), mean))
            self.boss_alive, self.days_leaderless = False, 0.0
            break

    # phase 6
    def kidnappings(self, t: int) -> None:
        """Each ordered hostile pair (a, b): each member of b is abducted at kidnap_rate h
        (1 + w_g G[a, b]) M_a N_a / (N_a + N_b) (sizes at the start of the plaza's phase) and
        murdered with kidnap_murder_probability; a's cells here (an empty one too) gain
        intel_per_kidnapping per captive."""
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        size: dict = {}
        attacking: dict = {}
        for c in self.cells:
            if c.members > 0:
                size[c.org] = size.get(c.org, 0) + c.members
                attacking[c.org] = attacking.get(c.org, False) or c.attack
        present = sorted(size, key=lambda o: o.row)
        for a in present:
            for b in present:
                h = 0.0 if a is b else a.hostility(b)
                if h <= 0.0:
                    continue
                rate = p.kidnap_rate * h * (1.0 + p.grievance_weight * a.grievance.get(b, 0.0))
                if attacking[a]:
                    rate *= p.attack_multiplier
                rate *= size[a] / (size[a] + size[b])
                taken = murdered = 0
                for c in self.cells:
                    if c.org is not b or c.members <= 0:
                        continue
                    n = draw.binomial_at_rate(draw.key(seed, S_KIDNAP, t, c.id, a.id),
                                              c.members, rate, model.dt)
                    dead = draw.binomial(draw.key(seed, S_KIDNAP_MURDER, t, c.id, a.id), n,
                                         p.kidnap_murder_probability)
                    c.members -= dead
                    taken += n
                    murdered += dead
                if taken == 0:
                    continue
                b.ledger[L_KILLED] += murdered
                b.killed_by[a] += murdered
                via = VIA_CELL
                for c in self.cells:
                    if c.org is a:
                        c.intel += p.intel_per_kidnapping * taken
                        if c.local:
                            via = VIA_LOCAL_CELL
                model.record(t, self, KIDNAPPING, a.row, via, b.row, taken)
                model.record(t, self, KIDNAP_MURDER, a.row, via, b.row, murdered)

    # phase 7
    def arrests(self, t: int) -> None:
        """Each unit arrests each member of every cell here but its patron's at arrest_rate
        effectiveness officers / 100; each arrest kills an officer with
        police_killed_per_arrest."""
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        for u in self.units:
            q = draw.rate_to_prob(p.arrest_rate * u.effectiveness * u.officers / 100.0,
                                  model.dt)
            if q <= 0.0:
                continue
            for c in self.cells:
                if c.org is u.payroll or c.members <= 0:
                    continue
                n = draw.binomial(draw.key(seed, S_ARREST, t, c.id, u.id), c.members, q)
                if n == 0:
                    continue
                c.members -= n
                c.org.ledger[L_ARRESTED] += n
                model.record(t, self, ARREST, POLICE, VIA_STATE, c.org.row, n)
                cops = draw.binomial(draw.key(seed, S_POLICE_KILLED, t, c.id, u.id), n,
                                     p.police_killed_per_arrest)
                cops = min(cops, u.officers)
                u.officers -= cops
                model.record(t, self, POLICE_KILLED, c.org.row,
                             VIA_LOCAL_CELL if c.local else VIA_CELL, POLICE, cops)

    # phase 9
    def pay_controller(self) -> None:
        """The controller collects value_per_day (leaderless_value_share of it without a boss)."""
        d = self.controller
        if d is not None:
            share = 1.0 if self.boss_alive else self.model.p.leaderless_value_share
            d.treasury += self.value * self.model.dt * share

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
            s = c.members * c.firepower
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
