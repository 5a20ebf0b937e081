"""The phases where people are killed or taken, plaza by plaza: clashes with their
bystanders (3, 5), assassinations (4, 5), kidnappings (6) and arrests (7).

:class:`Fighting` is part of :class:`sim.reference.plaza.Plaza` (a mixin): its methods use
the plaza's cells, units and :meth:`~sim.reference.plaza.Plaza.forces`. Rates and sizes are
those at the start of the plaza's phase; competing claims are taken in ascending
organization row, each from what the earlier ones left.
"""

from __future__ import annotations

import math

from ..codes import (
    ARREST,
    ASSASSINATION,
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
    S_CLASH,
    S_CLASH_LOSS,
    S_COLLATERAL,
    S_KIDNAP,
    S_KIDNAP_MURDER,
    S_POLICE_KILLED,
    S_VIA,
    S_VIA_CLASH,
    S_VIA_COLLATERAL,
    S_VIA_POLICE_KILLED,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_POLICE,
    VIA_STATE,
    WAR,
)
from .draws import pair_id
from .forces import fight_share


def engagement(p, a, b) -> float:
    """a's engaged share against b: e0 + (1 - e0) R / (R + R_half), R = a's relative
    grievance against b; 1 while engagement is off (engagement_initial = 1)."""
    e0 = p.engagement_initial
    if e0 >= 1.0:
        return 1.0
    share = a.grievance_share.get(b, 0.0)
    if share <= 0.0:
        return e0
    return e0 + (1.0 - e0) * share / (share + p.engagement_half_share)


class Fighting:
    """Clashes, assassinations, kidnappings and arrests in one plaza."""

    def record_by_via(self, t, typ, perp, victim, stream, fight, x_id, n, side) -> None:
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

    def kill(self, t: int, stream: int, org, other_id: int, q: float) -> int:
        """Each member of org's cells here dies with probability q, one draw per cell keyed
        (stream, t, cell id, other_id); returns the deaths (the kernel's violence.kill)."""
        draw, seed, dead = self.model.draw, self.model.seed, 0
        for c in self.cells:
            if c.org is org and c.members > 0:
                k = draw.binomial(draw.key(seed, stream, t, c.id, other_id), c.members, q)
                c.members -= k
                dead += k
        return dead

    # phase 3 (+5)
    def clashes(self, t: int) -> None:
        """Each hostile pair (a, b) here meets n ~ Poisson(rate dt) times; each member of a
        dies with q_a = 1 - exp(-n lethality F_b / people / shield_a), each officer on its
        payroll with q_a times the unit's fight share; rate ~ (N_a + N_b)^(1 -
        relative_clash_scaling); bystanders ~ Poisson(density (collateral_per_clash n (N_a +
        N_b)^relative_clash_scaling + collateral_per_member_killed K)), K the members of both
        sides killed in the fight, shared by firepower. With engagement on, each side's
        members, officers and firepower count times its engaged share e (:func:`engagement`),
        and each member dies with e q."""
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
                rate = p.clash_rate * h * (1.0 + a.acting_aggression + b.acting_aggression)
                rate *= (1.0 + p.grievance_weight * (a.grievance.get(b, 0.0)
                                                     + b.grievance.get(a, 0.0))
                         + p.grievance_relative_weight * (a.grievance_share.get(b, 0.0)
                                                          + b.grievance_share.get(a, 0.0)))
                rate *= 1.0 + p.intel_weight * (A.intel + B.intel)
                if A.attacking or B.attacking:
                    rate *= p.attack_multiplier
                e_a, e_b = engagement(p, a, b), engagement(p, b, a)
                members = A.members * e_a + B.members * e_b
                scaling = p.relative_clash_scaling
                rate *= members if scaling == 0.0 else members ** (1.0 - scaling)
                pid = pair_id(draw, a.id, b.id)
                n = draw.poisson(draw.key(seed, S_CLASH, t, self.id, pid), rate * dt)
                if n == 0:
                    continue
                fight = pair_id(draw, pid, self.id)  # this pair's fight in this plaza
                people = A.members + B.members + A.officers + B.officers
                fire = {a: A.fire, b: B.fire}
                if p.engagement_initial < 1.0:
                    people = max((A.members + A.officers) * e_a
                                 + (B.members + B.officers) * e_b, 1e-12)
                    fire = {a: A.fire * e_a, b: B.fire * e_b}
                killed = 0  # members of both sides killed in this fight
                for x, y, Y, e_x in ((a, b, B, e_a), (b, a, A, e_b)):
                    shield = 1.0
                    if p.ally_shielding > 0.0:
                        shield = (1.0 + x.alliance_weight()) ** p.ally_shielding
                    q = -math.expm1(-n * p.lethality * fire[y] / people / shield)
                    q *= e_x  # only x's engaged members are exposed
                    dead = self.kill(t, S_CLASH_LOSS, x, y.id, q)
                    cops = 0
                    for u in self.units:
                        if u.payroll is x and u.officers > 0:
                            k = draw.binomial(draw.key(seed, S_POLICE_KILLED, t, u.id, y.id),
                                              u.officers, q * fight_share(p, u))
                            u.officers -= k
                            cops += k
                    x.ledger[L_KILLED] += dead
                    x.killed_by[y] += dead
                    killed += dead
                    self.record_by_via(t, CLASH, y.row, x.row, S_VIA_CLASH, fight, x.id, dead,
                                       Y)
                    self.record_by_via(t, POLICE_KILLED, y.row, POLICE, S_VIA_POLICE_KILLED,
                                       fight, x.id, cops, Y)
                exposure = self.density()
                mean = p.collateral_per_clash * n * exposure
                if scaling > 0.0:
                    mean *= members ** scaling
                mean += p.collateral_per_member_killed * exposure * killed
                bystanders = draw.poisson(draw.key(seed, S_COLLATERAL, t, self.id, pid), mean)
                if bystanders > 0:
                    by_a = draw.binomial(draw.key(seed, S_COLLATERAL, t, pid, self.id),
                                         bystanders, fire[a] / max(fire[a] + fire[b], 1e-12))
                    for x, X, nx in ((a, A, by_a), (b, B, bystanders - by_a)):
                        self.record_by_via(t, COLLATERAL, x.row, CIVILIAN, S_VIA_COLLATERAL,
                                           fight, x.id, nx, X)

    # phase 4 (+5)
    def assassinations(self, t: int) -> None:
        """Attacking enemies of the controller d try for its boss, ascending rows, at
        assassination_rate (1 + w_g G[a, d] + w_r R[a, d]) (1 + w_i I_a); an attempt succeeds
        with
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
            rate = p.assassination_rate * (1.0 + p.grievance_weight * a.grievance.get(d, 0.0)
                                           + p.grievance_relative_weight
                                           * a.grievance_share.get(d, 0.0))
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
        (1 + w_g G[a, b] + w_r R[a, b]) M_a N_a / (N_a + N_b) (sizes at the start of the
        plaza's phase) and murdered with kidnap_murder_probability; a's cells here (an empty
        one too) gain intel_per_kidnapping per captive plus intel_per_kidnapped_share per
        share of N_b taken."""
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
                rate = p.kidnap_rate * h * (1.0 + p.grievance_weight * a.grievance.get(b, 0.0)
                                            + p.grievance_relative_weight
                                            * a.grievance_share.get(b, 0.0))
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
                        c.intel += (p.intel_per_kidnapping * taken
                                    + p.intel_per_kidnapped_share * taken / size[b])
                        if c.local:
                            via = VIA_LOCAL_CELL
                model.record(t, self, KIDNAPPING, a.row, via, b.row, taken)
                model.record(t, self, KIDNAP_MURDER, a.row, via, b.row, murdered)

    # phase 7
    def arrests(self, t: int) -> None:
        """Each unit arrests each member of every cell here but its patron's at (arrest_rate
        officers / 100 + arrest_rate_per_officer_density officers 100,000 / population)
        effectiveness; each arrest kills an officer with police_killed_per_arrest."""
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        for u in self.units:
            density = u.officers * 1e5 / max(self.population, 1)
            q = draw.rate_to_prob(p.arrest_rate * u.effectiveness * u.officers / 100.0
                                  + p.arrest_rate_per_officer_density * u.effectiveness
                                  * density, model.dt)
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
