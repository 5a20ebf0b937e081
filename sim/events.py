"""Scheduled events: the scenario's ``[[events]]`` and fired triggers applied to a run.

Events change relations, leaders, police, presence and parameters between kernel calls; the
engine (:mod:`sim.engine`) stops the kernel at every event step and applies each event with
the function :data:`APPLY` gives for its kind. Everything here is deterministic: no random
draws.

An event function takes the run it changes (a :class:`sim.engine.Engine`: ``state``,
``prm``, ``parameters``, ``scenario``, ``org_row``, ``plaza_row``, ``dt``) and the
:class:`Scheduled` event.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .codes import ALLY, FEDERAL, L_MOVED, NEUTRAL, POLICE_KINDS, WAR, parameter_vector
from .rng import stable_id
from .scenario import apply_parameter_event
from .state import State, background_rates, enter_cell_id


@dataclass(frozen=True)
class Scheduled:
    """An event bound to a step. ``order`` keeps same-step events in file order (for a
    fired trigger: the trigger's index)."""

    step: int
    order: int
    kind: str
    spec: object  # a sim.scenario.Event or sim.scenario.Trigger


def schedule(scenario) -> list[Scheduled]:
    """The scenario's events sorted by (step, file order)."""
    events = [
        Scheduled(e.resolved_step(scenario), i, e.kind, e) for i, e in enumerate(scenario.events)
    ]
    return sorted(events, key=lambda e: (e.step, e.order))


def _set_relation(state: State, rows_a, rows_b, value: int) -> None:
    for a in rows_a:
        for b in rows_b:
            if a != b:
                state.relation[a, b] = state.relation[b, a] = value


def alliance(run, event: Scheduled) -> None:
    members = [run.org_row[n] for n in event.spec.members]
    _set_relation(run.state, members, members, ALLY)
    _set_relation(run.state, members, [run.org_row[n] for n in event.spec.against or []], WAR)


def break_alliance(run, event: Scheduled) -> None:
    members = [run.org_row[n] for n in event.spec.members]
    _set_relation(run.state, members, members, NEUTRAL)


def war(run, event: Scheduled) -> None:
    a, b = (run.org_row[n] for n in event.spec.members)
    _set_relation(run.state, [a], [b], WAR)


def truce(run, event: Scheduled) -> None:
    a, b = (run.org_row[n] for n in event.spec.members)
    _set_relation(run.state, [a], [b], NEUTRAL)


def leader_removed(run, event: Scheduled) -> None:
    """The leader is gone (a split is drawn at the step's end); cohesion is lost for
    cohesion_days (the event's, else the parameter's) from this step on, and with
    ``ends_wars`` every war of the organization ends (neutral, both ways)."""
    e, state = event.spec, run.state
    o = run.org_row[e.organization]
    state.org_leader_alive[o] = False
    state.org_leader_days[o] = 0.0
    state.org_split_pending[o] = True
    days = run.parameters.cohesion_loss_days if e.cohesion_days is None else e.cohesion_days
    if days > 0:
        until = event.step + math.ceil(round(days / run.dt, 9))
        state.org_cohesion_until[o] = max(state.org_cohesion_until[o], until)
    if e.ends_wars:
        at_war = np.flatnonzero(state.relation[o] == WAR)
        _set_relation(state, [o], at_war, NEUTRAL)


def federal_deployment(run, event: Scheduled) -> None:
    deploy_federal(run.state, event.spec, [run.plaza_row[n] for n in event.spec.plazas],
                   event.step, run.dt)


def police_purge(run, event: Scheduled) -> None:
    e, state = event.spec, run.state
    plazas = {run.plaza_row[n] for n in (e.plazas or run.plaza_row)}
    kinds = {POLICE_KINDS.index(k) for k in (e.kinds or POLICE_KINDS)}
    for u in np.flatnonzero(state.unit_active):
        if state.unit_plaza[u] in plazas and state.unit_kind[u] in kinds:
            state.unit_payroll[u] = -1
            state.unit_payment[u] = 0.0
            if e.integrity is not None:
                state.unit_integrity[u] = e.integrity


def enter(run, event: Scheduled) -> None:
    e, state = event.spec, run.state
    o = run.org_row[e.organization]
    reserved = len(run.scenario.cells)  # build_state reserved a row for each, after the cells
    for name in e.plazas:
        rows = np.flatnonzero(state.cell_id[reserved:] == enter_cell_id(e, event.order, name))
        c = reserved + int(rows[0])
        state.cell_active[c] = True
        state.cell_org[c] = o
        state.cell_plaza[c] = run.plaza_row[name]
        state.cell_members[c] = e.members
        state.cell_firepower[c] = e.firepower
        state.cell_loyalty[c] = e.loyalty
        state.cell_local[c] = e.local
        state.cell_attack[c] = False
        state.cell_intel[c] = 0.0
        state.ledger[o, L_MOVED] += e.members


def parameters(run, event: Scheduled) -> None:
    """New parameter values: the vector the kernel reads, and the plazas' background rates
    that follow the parameter."""
    run.parameters = apply_parameter_event(run.parameters, event.spec)
    run.prm[:] = parameter_vector(run.parameters)
    run.state.plaza_background[:] = background_rates(run.scenario.plazas, run.parameters)


def trigger(run, event: Scheduled) -> None:
    """A trigger fired at the end of the last step: its deployment arrives now, and the
    trigger cannot fire again while it stays."""
    spec = event.spec
    if deploy_federal(run.state, spec, [run.plaza_row[n] for n in spec.plazas], event.step,
                      run.dt):
        run.state.trig_blocked_until[event.order] = (event.step
                                                     + math.ceil(spec.duration_days / run.dt))


APPLY: dict[str, Callable[[object, Scheduled], None]] = {
    f.__name__: f for f in (alliance, break_alliance, war, truce, leader_removed,
                            federal_deployment, police_purge, enter, parameters, trigger)
}
"""Event kind -> the function that applies it (a fired trigger's kind is ``trigger``)."""


def deploy_federal(state: State, spec, plazas: list[int], step: int, dt: float) -> int:
    """Station a federal unit in each plaza until ``spec.duration_days`` have passed.

    Uses the spare police rows (freed again when a deployment leaves); returns the number
    of units placed, which is smaller than asked only if every spare row is in use.
    """
    placed = 0
    steps = max(1, int(np.ceil(spec.duration_days / dt)))
    for p in plazas:
        spare = (state.unit_id == 0) | (state.unit_expires >= 0)  # never used, or left
        free = np.flatnonzero(~state.unit_active & spare)
        if not free.size:
            break
        u = int(free[0])
        state.unit_id[u] = stable_id(f"police/federal/{state.plaza_id[p]}/{step}")
        state.unit_active[u] = True
        state.unit_plaza[u] = p
        state.unit_kind[u] = FEDERAL
        state.unit_officers[u] = state.unit_authorized[u] = spec.officers
        state.unit_integrity[u] = spec.integrity
        state.unit_payroll[u] = -1
        state.unit_payment[u] = 0.0
        state.unit_effectiveness[u] = spec.effectiveness
        state.unit_expires[u] = step + steps
        placed += 1
    return placed
