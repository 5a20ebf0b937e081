"""Scheduled events: the scenario's ``[[events]]`` and fired triggers applied to the state.

Events change relations, leaders, police and presence between kernel calls; the model stops
the kernel at every event step. Everything here is deterministic: no random draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .codes import ALLY, FEDERAL, L_MOVED, NEUTRAL, POLICE_KINDS, WAR
from .rng import stable_id
from .state import State, enter_cell_id


@dataclass(frozen=True)
class Scheduled:
    """An event bound to a step. ``order`` keeps same-step events in file order."""

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


def apply_event(state: State, event: Scheduled, org_row: dict, plaza_row: dict,
                dt: float) -> None:
    """Apply one scheduled event to the state in place."""
    e = event.spec
    if event.kind == "alliance":
        members = [org_row[n] for n in e.members]
        _set_relation(state, members, members, ALLY)
        _set_relation(state, members, [org_row[n] for n in e.against or []], WAR)
    elif event.kind == "break_alliance":
        members = [org_row[n] for n in e.members]
        _set_relation(state, members, members, NEUTRAL)
    elif event.kind in ("war", "truce"):
        a, b = (org_row[n] for n in e.members)
        _set_relation(state, [a], [b], WAR if event.kind == "war" else NEUTRAL)
    elif event.kind == "leader_removed":
        o = org_row[e.organization]
        state.org_leader_alive[o] = False
        state.org_leader_days[o] = 0.0
        state.org_split_pending[o] = True
    elif event.kind == "federal_deployment":
        deploy_federal(state, e, [plaza_row[n] for n in e.plazas], event.step, dt)
    elif event.kind == "police_purge":
        plazas = {plaza_row[n] for n in (e.plazas or plaza_row)}
        kinds = {POLICE_KINDS.index(k) for k in (e.kinds or POLICE_KINDS)}
        for u in np.flatnonzero(state.unit_active):
            if state.unit_plaza[u] in plazas and state.unit_kind[u] in kinds:
                state.unit_payroll[u] = -1
                state.unit_payment[u] = 0.0
                if e.integrity is not None:
                    state.unit_integrity[u] = e.integrity
    elif event.kind == "enter":
        o = org_row[e.organization]
        for name in e.plazas:  # build_state reserved a row for each, carrying its id
            c = int(np.flatnonzero(state.cell_id == enter_cell_id(e, event.order, name))[0])
            state.cell_active[c] = True
            state.cell_org[c] = o
            state.cell_plaza[c] = plaza_row[name]
            state.cell_members[c] = e.members
            state.cell_firepower[c] = e.firepower
            state.cell_loyalty[c] = e.loyalty
            state.cell_local[c] = e.local
            state.cell_attack[c] = False
            state.cell_intel[c] = 0.0
            state.ledger[o, L_MOVED] += e.members
    else:  # pragma: no cover - the scenario schema admits no other kind
        raise ValueError(f"unknown event kind {event.kind!r}")


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
