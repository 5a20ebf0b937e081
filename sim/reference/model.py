"""The step: the parts of docs/model.md §3, in order, over Mesa AgentSets.

:class:`ReferenceModel` is a ``mesa.Model`` built from a :class:`sim.state.State`; its
:meth:`~ReferenceModel.step` runs one step of the rules by calling each agent type's phase
methods through Mesa's ``AgentSet.do``. :func:`advance` runs steps between two events with
the compiled kernel's interface, so the engine (``sim.CartelModel(..., step=advance)``)
drives it like the kernel.
"""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import mesa
import numpy as np
from mesa.agentset import AgentSet

from ..codes import (
    BUFFER_FULL,
    DONE,
    FEDERAL,
    FLOW_COLUMNS,
    LETHAL_TYPES,
    PARAM_NAMES,
    RELATIONS,
    SPLIT,
    TRIGGER,
)
from ..recorder import Recorder
from ..state import State
from . import draws, leaders, mobilization
from .agents import Cell, Organization, PoliceUnit
from .plaza import Plaza
from .world import build, link, record_step, write_back


class ReferenceModel(mesa.Model):
    """cartel-sim's rules as plain Mesa agents, built from ``state`` (read, not changed,
    until :meth:`write_back`).

    Args:
        state: the model state (sim.state.State).
        prm: parameter values, float (len(PARAM_NAMES),), in sim.codes order.
        seed: the replicate seed keying every draw. dt: days per step.
        t: the first step to run (``model.t`` is the next one; steps before 0 are spin-up).
        recorder: where violence rows and dense per-step records go (sim.recorder).
    """

    def __init__(self, state: State, prm: np.ndarray, seed: int, dt: float, t: int,
                 recorder: Recorder):
        super().__init__(rng=int(seed))  # Mesa's own generator is never used
        self.state, self.recorder = state, recorder
        self.p = SimpleNamespace(**{n: float(v) for n, v in zip(PARAM_NAMES, prm, strict=True)})
        self.seed, self.dt, self.t = int(seed), float(dt), int(t)
        self.draw = draws.samplers()
        self.departed: list[PoliceUnit] = []  # federal units that left (written back)
        self.split = False  # an organization split this step
        self.client_left = False  # a client left its patron this step
        self.fired = -1  # the trigger that fired at the end of this step, if any
        build(self, state)

    # ------------------------------------------------------------------ agents
    def every(self, kind: type) -> AgentSet:
        """The agents of a kind, in ascending rows (an empty set if there are none)."""
        agents = self.agents_by_type.get(kind)
        return AgentSet([], random=self.random) if agents is None else agents

    def new_organization(self) -> Organization:
        """An organization in the first spare row (a splinter), as that row stands."""
        org = Organization(self, self.state, self.spare_organization_rows.pop(0))
        for other in self.every(Organization):
            if other is not org:
                link(org, other, self.state)
        return org

    def new_cell(self, org: Organization, plaza: Plaza) -> Cell:
        """A cell of ``org`` in ``plaza`` in the first spare row, as that row stands."""
        return Cell(self, self.state, self.spare_cell_rows.pop(0), org, plaza)

    def record(self, t, plaza, typ, perp, via, victim, count) -> None:
        """A violence row (perpetrator and victim: organization rows or sim.codes actors):
        lethal ones count toward the triggers; spin-up steps and a buffer of no rows
        (recording off) get none."""
        if count <= 0:
            return
        if LETHAL_TYPES[typ]:
            plaza.homicides += count
        vio, vio_n = self.recorder.vio, self.recorder.vio_n
        if t < 0 or vio.shape[0] == 0:
            return
        if vio_n[0] >= vio.shape[0]:
            raise RuntimeError("violence buffer overflow: raise the per-step row reserve")
        vio[vio_n[0]] = (t, plaza.row, typ, perp, via, victim, count)
        vio_n[0] += 1

    # ------------------------------------------------------------------ one step
    def step(self) -> None:
        """Run step ``self.t`` (``model.step()`` through Mesa's clock) and move to the next;
        ``self.fired`` is then the index of the trigger that fired at its end, or -1."""
        t, p, dt, draw = self.t, self.p, self.dt, self.draw
        orgs, plazas = self.every(Organization), self.every(Plaza)
        cells, units = self.every(Cell), self.every(PoliceUnit)  # live: they grow and shrink
        plazas.set("homicides", 0)
        for org in orgs:
            org.flows = [0.0] * len(FLOW_COLUMNS)  # this step's money
        self.split = self.client_left = False

        # 1. scheduled events were applied before this call; deployments whose time is up
        # leave; lost cohesion sets this step's factors
        units.do("leave_if_due", t)
        orgs.do(leaders.set_cohesion, t)

        # 2. decisions: postures, reinforcements, hired local cells
        cells.set("attack", False)
        plazas.do("decide_postures")
        p_move = draw.rate_to_prob(p.move_rate, dt)
        if p_move > 0.0:
            moves: list = []
            cells.do("plan_move", t, p_move, moves)
            for cell, target, n in moves:  # the sizes at the start decide every move
                cell.members -= n
                target.members += n
        p_hire = draw.rate_to_prob(p.hire_rate, dt)
        if p_hire > 0.0:  # the cells with members now hire; those hired now do not
            cells.select(lambda c: c.members > 0).do("hire_nearby", t, p_hire)

        plazas.do("clashes", t)  # 3 (+5)
        plazas.do("assassinations", t)  # 4 (+5)
        if p.kidnap_rate > 0.0:
            plazas.do("kidnappings", t)  # 6
        if p.confront_rate > 0.0:
            plazas.do("confrontations", t)  # 6a
        if (p.extortion_per_person_day > 0.0 or p.extortion_killing_per_100k_year > 0.0
                or p.civilian_kidnap_per_100k_year > 0.0):
            plazas.do("prey_on_civilians", t)  # 6b

        # 7. policing
        plazas.do("arrests", t)
        if p.national_arrests_per_day > 0.0:
            total = sum(c.members for c in cells)
            if total > 0:
                cells.do("national_arrests", t, min(1.0, p.national_arrests_per_day * dt / total))
        units.do("replenish", t, draw.rate_to_prob(1.0 / max(p.police_replenish_days, 1e-9),
                                                    dt))

        # 8. corruption, from budgets and presence at the start of the phase
        present = {(c.plaza, c.org) for c in cells if c.members > 0}
        federal = {u.plaza for u in units if u.kind == FEDERAL and u.officers > 0}
        orgs.do("open_bribe_budget")
        units.do("charge_patron_budget")
        units.do("consider_bribes", t, draw.rate_to_prob(p.corruption_rate, dt),
                 draw.rate_to_prob(p.federal_purge_rate, dt), present, federal)

        # 9. recruitment and money
        before = {o: o.treasury for o in orgs}
        plazas.do("pay_controller")
        orgs.do("collect_outside_income")
        orgs.do("open_books", orgs, cells, units)
        plazas.do("draw_recruits", t)
        cells.do("take_recruits")
        orgs.do("pay_recruits")
        cells.do("count_for_organization")
        orgs.do("open_bill")
        units.do("add_to_patron_bill")
        orgs.do("pay_bill")
        cells.do("desert", t)
        units.do("quit_if_unpaid", t)
        # 9b. patronage and mobilization
        self.client_left = mobilization.pay_stipends(self)
        if p.ally_support_share > 0.0:
            mobilization.support_allies(self, before)
        if p.mobilization_rate > 0.0:
            mobilization.bring_reserves(self, t)

        # 10. control
        plazas.do("control", t, draw.rate_to_prob(1.0 / max(p.boss_replacement_days, 1e-9), dt))
        # 11. grievance and intelligence
        # kept only while a rule reads them (relative grievance weight, engagement)
        shares = p.grievance_relative_weight > 0.0 or p.engagement_initial < 1.0
        members = Counter()
        for c in cells if shares else ():
            members[c.org] += c.members
        decay = 0.5 ** (dt / max(p.grievance_half_life_days, 1e-9))
        for org in orgs:
            org.remember_killings(decay, members[org] if shares else None)
        cells.do("forget_intel", 0.5 ** (dt / max(p.intel_half_life_days, 1e-9)))
        plazas.do("background_homicides", t)  # 12
        orgs.do(leaders.replace_leader_or_split, t)  # 13

        # 14. triggers: the first (in file order) whose condition holds fires
        self.fired = -1
        for k, trig in enumerate(self.triggers):
            if trig.fires(t, can_fire=self.fired < 0):
                self.fired = k
        record_step(self, t, self.recorder)  # 15
        self.t += 1

    def write_back(self) -> None:
        """Copy the agents into the State they were built from."""
        write_back(self, self.state)


def advance(state: State, prm: np.ndarray, seed: int, t0: int, t1: int, dt: float,
            row_reserve: int, recorder: Recorder) -> tuple[int, int, int]:
    """Run steps t0 .. t1-1 on ``state`` (changed in place), like ``sim.kernel.advance``.

    Violence rows go to ``recorder.vio`` (from row ``recorder.vio_n[0]``, advancing it) and
    the records of steps 0 <= t < capacity to ``recorder.dense``. Returns (next step,
    reason, trigger index or -1), reason a sim.codes code: after a step where a trigger
    fired (TRIGGER), an organization split (SPLIT), a client left its patron (RELATIONS) or
    fewer than ``row_reserve`` violence
    rows are left (BUFFER_FULL); DONE at t1.
    """
    model = ReferenceModel(state, prm, seed, dt, t0, recorder)
    reason = DONE
    rows = recorder.vio.shape[0]
    while reason == DONE and model.t < t1:
        model.step()
        if model.fired >= 0:
            reason = TRIGGER
        elif model.split:
            reason = SPLIT
        elif model.client_left:
            reason = RELATIONS
        elif rows > 0 and rows - recorder.vio_n[0] < row_reserve:
            reason = BUFFER_FULL
    model.write_back()
    return model.t, reason, model.fired if reason == TRIGGER else -1
