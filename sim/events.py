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

from .codes import (
    ALLY,
    L_MOVED,
    NEUTRAL,
    POLICE_KINDS,
    S_TRUCE_HOLD,
    WAR,
    parameter_vector,
)
from .moves import defect, split
from .rng import bernoulli, key, stable_id
from .scenario import apply_parameter_event
from .scenario.dated_changes import yearly_changes
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
    """The scenario's events, then its plazas' yearly series (after every event of their
    step), sorted by (step, order)."""
    specs = [*scenario.events, *yearly_changes(scenario.plazas)]
    events = [Scheduled(e.resolved_step(scenario), i, e.kind, e) for i, e in enumerate(specs)]
    return sorted(events, key=lambda e: (e.step, e.order))


RAMP_EVERY_DAYS = 7.0
"""Days between the internal changes of an intensity ramp (assumed: weekly)."""


@dataclass(frozen=True)
class RampChange:
    """One change of a ramp: the pair's rows, the new intensity, the ramp it belongs to."""

    a: int
    b: int
    intensity: float
    generation: int


def _set_relation(run, rows_a, rows_b, value: int) -> None:
    for a in rows_a:
        for b in rows_b:
            if a != b:
                run.state.relation[a, b] = run.state.relation[b, a] = value
                run.touch_pair(a, b)


def alliance(run, event: Scheduled) -> None:
    members = [run.org_row[n] for n in event.spec.members]
    _set_relation(run, members, members, ALLY)
    _set_relation(run, members, [run.org_row[n] for n in event.spec.against or []], WAR)


def break_alliance(run, event: Scheduled) -> None:
    members = [run.org_row[n] for n in event.spec.members]
    _set_relation(run, members, members, NEUTRAL)


def war(run, event: Scheduled) -> None:
    """War; intensity from 0 (a pair not at war) or its current value to the target."""
    e, s = event.spec, run.state
    a, b = (run.org_row[n] for n in e.members)
    start = s.intensity[a, b] if s.relation[a, b] == WAR else 0.0
    _set_relation(run, [a], [b], WAR)
    if e.intensity is not None:
        _ramp(run, event, a, b, start, e.intensity, e.ramp_days)


def intensity(run, event: Scheduled) -> None:
    """The pair's clash-rate factor moves to the target, from its current value."""
    e, s = event.spec, run.state
    a, b = (run.org_row[n] for n in e.between)
    run.touch_pair(a, b)
    _ramp(run, event, a, b, s.intensity[a, b], e.intensity, e.ramp_days)


def _ramp(run, event: Scheduled, a: int, b: int, start: float, target: float,
          days: int) -> None:
    """Set the intensity now (ramp_days 0), or schedule n = ceil(days / max(RAMP_EVERY_DAYS,
    dt)) changes: the k-th at step + round(k * days / dt / n), to start + (target - start) k/n."""
    s = run.state
    if days == 0:
        s.intensity[a, b] = s.intensity[b, a] = target
        return
    s.intensity[a, b] = s.intensity[b, a] = start
    n = math.ceil(days / max(RAMP_EVERY_DAYS, run.dt))
    generation = run.touch_pair(a, b, keep=True)
    for k in range(1, n + 1):
        step = event.step + max(1, round(k * days / run.dt / n))
        value = start + (target - start) * k / n
        run.schedule_later(Scheduled(step, event.order, "ramp",
                                     RampChange(a, b, value, generation)))


def ramp(run, event: Scheduled) -> None:
    """One change of a ramp, unless a later event on the pair replaced the ramp."""
    c = event.spec
    if run.touch_pair(c.a, c.b, keep=True) == c.generation:
        run.state.intensity[c.a, c.b] = run.state.intensity[c.b, c.a] = c.intensity


def truce(run, event: Scheduled) -> None:
    """Neutral now; with probability 1 - hold_probability back to war breaks_after_days on."""
    e, s = event.spec, run.state
    a, b = (run.org_row[n] for n in e.members)
    _set_relation(run, [a], [b], NEUTRAL)
    if e.hold_probability >= 1.0 or bernoulli(
            key(run.seed, S_TRUCE_HOLD, event.step, s.org_id[a], s.org_id[b]), e.hold_probability):
        return
    run.note(event, f"the truce does not hold: war again after {e.breaks_after_days} days")
    steps = max(1, math.ceil(e.breaks_after_days / run.dt))
    run.schedule_later(Scheduled(event.step + steps, event.order, "truce_break",
                                 RampChange(a, b, 0.0, run.touch_pair(a, b, keep=True))))


def truce_break(run, event: Scheduled) -> None:
    """A truce that did not hold ends: war, unless a later event on the pair came first."""
    c = event.spec
    if run.touch_pair(c.a, c.b, keep=True) == c.generation:
        _set_relation(run, [c.a], [c.b], WAR)


def leader_removed(run, event: Scheduled) -> None:
    """The leader is gone (a split is drawn at the step's end); cohesion is lost for
    cohesion_days (the event's, else the parameter's) from this step on, and with
    ``ends_wars`` every war of the organization ends (neutral, both ways). A ``splinter``
    name goes to a splinter formed by this removal."""
    e, state = event.spec, run.state
    o = run.org_row[e.organization]
    state.org_leader_alive[o] = False
    state.org_leader_days[o] = 0.0
    state.org_split_pending[o] = True
    if e.splinter:
        run.pending_splinters[o] = (e.splinter, event.step)
    days = run.parameters.cohesion_loss_days if e.cohesion_days is None else e.cohesion_days
    if days > 0:
        until = event.step + math.ceil(round(days / run.dt, 9))
        state.org_cohesion_until[o] = max(state.org_cohesion_until[o], until)
    if e.ends_wars:
        _set_relation(run, [o], np.flatnonzero(state.relation[o] == WAR), NEUTRAL)


def plaza_change(run, event: Scheduled) -> None:
    """New population, background rate or value of the plazas from now on (the background
    rate stays the plaza's own through later ``parameters`` events)."""
    e, s = event.spec, run.state
    for name in e.plazas:
        p = run.plaza_row[name]
        if e.population is not None:
            s.plaza_population[p] = e.population
        if e.value_per_day is not None:
            s.plaza_value[p] = e.value_per_day
        if e.background_homicides_per_100k_year is not None:
            run.plaza_background[p] = e.background_homicides_per_100k_year
            s.plaza_background[p] = e.background_homicides_per_100k_year


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
    for p, rate in run.plaza_background.items():
        run.state.plaza_background[p] = rate


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
                            federal_deployment, police_purge, enter, parameters, trigger,
                            split, defect, intensity, ramp, truce_break, plaza_change)
}
"""Event kind -> the function that applies it (a fired trigger's kind is ``trigger``; the
internal ``ramp`` and ``truce_break`` are scheduled by ``war``, ``intensity`` and ``truce``)."""


def deploy_federal(state: State, spec, plazas: list[int], step: int, dt: float) -> int:
    """Station a unit of ``spec.force`` (federal police or army) in each plaza until
    ``spec.duration_days`` have passed.

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
        state.unit_id[u] = _unit_id(state, spec.force, p, step)
        state.unit_active[u] = True
        state.unit_plaza[u] = p
        state.unit_kind[u] = POLICE_KINDS.index(spec.force)
        state.unit_officers[u] = state.unit_authorized[u] = spec.officers
        state.unit_integrity[u] = spec.integrity
        state.unit_payroll[u] = -1
        state.unit_payment[u] = 0.0
        state.unit_effectiveness[u] = spec.effectiveness
        state.unit_expires[u] = step + steps
        placed += 1
    return placed


def _unit_id(state: State, force: str, plaza: int, step: int) -> int:
    """The id of a ``force`` unit ("federal" or "army") arriving in row ``plaza`` at ``step``,
    keyed by all three and, when another unit arrived there in the same step (a trigger's and
    a dated deployment's), by a count: no two units share an id, and so their draws."""
    name = f"police/{force}/{state.plaza_id[plaza]}/{step}"
    unit_id, n = stable_id(name), 1
    while (state.unit_id == unit_id).any():
        n += 1
        unit_id = stable_id(f"{name}/{n}")
    return unit_id
