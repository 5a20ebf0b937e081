"""The state's forces and the people of a plaza: confrontations of army and federal units
with armed cells (6a), extortion and kidnapping of civilians (6b).

:class:`StateForces` is part of :class:`sim.reference.plaza.Plaza` (a mixin), like
:class:`sim.reference.fighting.Fighting`: its methods use the plaza's cells, units,
controller and :meth:`~sim.reference.plaza.Plaza.forces`.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..codes import (
    ARMY,
    CIVILIAN,
    CIVILIAN_KIDNAP_MURDER,
    CIVILIAN_KIDNAPPING,
    EXTORTION_KILLING,
    F_REVENUE,
    FEDERAL,
    FORCES_KILLED,
    KILLED_BY_FORCES,
    L_KILLED,
    MUNICIPAL,
    POLICE,
    S_CIVILIAN_KIDNAP,
    S_CIVILIAN_KIDNAP_MURDER,
    S_CONFRONT,
    S_CONFRONT_LOSS,
    S_EXTORTION_KILLING,
    S_FORCES_KILLED,
    S_VIA_FORCES_KILLED,
    STATE_FORCES,
    STATE_POLICE,
    VIA_CELL,
    VIA_STATE,
)


def fight_share(p, unit) -> float:
    """The share of a payroll unit's officers that fight for its patron
    (payroll_fight_share_<kind>; p the model's parameters); army units are never on one."""
    return {MUNICIPAL: p.payroll_fight_share_municipal, STATE_POLICE: p.payroll_fight_share_state,
            FEDERAL: p.payroll_fight_share_federal}.get(unit.kind, 0.0)


class StateForces:
    """Confrontations, extortion and civilian kidnapping in one plaza."""

    # phase 6a
    def confrontations(self, t: int) -> None:
        """Each army or federal unit here (ascending rows) meets each organization with
        members here but its patron (ascending rows) n ~ Poisson(confront_rate M dt) times
        (M = attack_multiplier if it attacks here); members die with 1 - exp(-n lethality
        F_unit / (members + officers)), officers with 1 - exp(-n lethality F_cells /
        (members + officers)); sizes at the start of the plaza's phase."""
        model, p, dt = self.model, self.model.p, self.model.dt
        seed, draw = model.seed, model.draw
        sides: dict | None = None
        for u in self.units:
            if u.kind not in (ARMY, FEDERAL) or u.officers <= 0:
                continue
            if sides is None:
                sides = self.forces()
            officers = u.officers
            fire_u = officers * (p.army_firepower if u.kind == ARMY else p.police_firepower)
            for o, side in sides.items():
                if o is u.payroll:
                    continue
                rate = p.confront_rate * (p.attack_multiplier if side.attacking else 1.0)
                n = draw.poisson(draw.key(seed, S_CONFRONT, t, u.id, o.id), rate * dt)
                if n == 0:
                    continue
                people = float(side.members) + officers
                fire_o = side.fire_cell + side.fire_local
                q_o = -math.expm1(-n * p.lethality * fire_u / people)
                q_u = -math.expm1(-n * p.lethality * fire_o / people)
                dead = self.kill(t, S_CONFRONT_LOSS, o, u.id, q_o)
                o.ledger[L_KILLED] += dead
                model.record(t, self, KILLED_BY_FORCES, STATE_FORCES, VIA_STATE, o.row, dead)
                soldiers = draw.binomial(draw.key(seed, S_FORCES_KILLED, t, u.id, o.id),
                                         u.officers, q_u)
                u.officers -= soldiers
                self.record_by_via(t, FORCES_KILLED, o.row, POLICE, S_VIA_FORCES_KILLED, u.id,
                                   o.id, soldiers, replace(side, fire_police=0.0))

    # phase 6b
    def prey_on_civilians(self, t: int) -> None:
        """The controller d collects extortion_per_person_day per inhabitant (revenue), kills
        Poisson(extortion_killing_per_100k_year (x extortion_contested_factor if contested)
        / 1e5 population dt / 365.25) who resist, and kidnaps Poisson(
        civilian_kidnap_per_100k_year / 1e5 population dt / 365.25) civilians, murdering
        each with civilian_kidnap_murder_probability."""
        d = self.controller
        if d is None:
            return
        model, p, dt = self.model, self.model.p, self.model.dt
        seed, draw = model.seed, model.draw
        people = self.population
        extorted = p.extortion_per_person_day * people * dt
        d.treasury += extorted
        d.flows[F_REVENUE] += extorted
        per_year = p.extortion_killing_per_100k_year
        if self.contested:
            per_year *= p.extortion_contested_factor
        killed = draw.poisson(draw.key(seed, S_EXTORTION_KILLING, t, self.id, d.id),
                              per_year / 1e5 * people * dt / 365.25)
        model.record(t, self, EXTORTION_KILLING, d.row, VIA_CELL, CIVILIAN, killed)
        taken = draw.poisson(draw.key(seed, S_CIVILIAN_KIDNAP, t, self.id, d.id),
                             p.civilian_kidnap_per_100k_year / 1e5 * people * dt / 365.25)
        if taken == 0:
            return
        murdered = draw.binomial(draw.key(seed, S_CIVILIAN_KIDNAP_MURDER, t, self.id, d.id),
                                 taken, p.civilian_kidnap_murder_probability)
        model.record(t, self, CIVILIAN_KIDNAPPING, d.row, VIA_CELL, CIVILIAN, taken)
        model.record(t, self, CIVILIAN_KIDNAP_MURDER, d.row, VIA_CELL, CIVILIAN, murdered)
