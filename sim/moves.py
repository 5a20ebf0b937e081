"""``split`` and ``defect`` events: cells, plazas and police units change organization.

Members and cells only move: nothing is created or lost. Every member that changes
organization is booked in the ledger's "moved" column (+ for the receiver, - for the
giver), so ``members(t) = members(0) + recruited - killed - arrested - deserted + moved``
stays exact per organization. A cell, unit or plaza named by an event that no longer
belongs to the giving organization when the event happens is left alone, with a note in
the run's notes (``run.json``).

Each function takes the run (a :class:`sim.engine.Engine`) and the
:class:`sim.events.Scheduled` event, like :data:`sim.events.APPLY`'s.
"""

from __future__ import annotations

import numpy as np

from .codes import L_MOVED, RELATION_CODES, WAR
from .rng import stable_id


def split(run, event) -> None:
    """The parent's named cells, plazas' cells and police move to the new organization (its
    row reserved at load); ``share`` of every other parent cell leaves as a new cell."""
    e, s = event.spec, run.state
    parent, new = run.org_row[e.organization], run.org_row[e.new_organization]
    if not s.org_active[parent]:
        run.note(event, f"'{e.organization}' is not active; the split did not happen")
        return
    s.org_active[new] = True
    s.org_parent[new] = parent
    s.org_leader_alive[new] = True
    s.org_aggression[new] = s.org_aggression[parent] if e.aggression is None else e.aggression
    s.org_wage[new] = (s.org_wage[parent] if e.wage_per_member_day is None
                       else e.wage_per_member_day)
    s.org_bribe_share[new] = s.org_bribe_share[parent] if e.bribe_share is None else e.bribe_share
    cash = s.org_treasury[parent] * e.treasury_share
    s.org_treasury[new] = cash
    s.org_treasury[parent] -= cash
    s.relation[new, :] = s.relation[parent, :]
    s.relation[:, new] = s.relation[:, parent]
    s.intensity[new, :] = s.intensity[parent, :]
    s.intensity[:, new] = s.intensity[:, parent]
    s.relation[new, new] = 0
    s.relation[new, parent] = s.relation[parent, new] = WAR
    s.intensity[new, parent] = s.intensity[parent, new] = 1.0
    for name, word in e.relations.items():
        other = run.org_row[name]
        s.relation[new, other] = s.relation[other, new] = RELATION_CODES[word]
    whole = _move_whole(run, event, parent, new)
    if e.share > 0:
        _split_share(run, event, parent, new, whole)


def defect(run, event) -> None:
    """``from``'s named cells, plazas' cells (and control) and police move to ``to``."""
    e, s = event.spec, run.state
    giver, taker = run.org_row[e.from_], run.org_row[e.to]
    if not s.org_active[taker]:
        run.note(event, f"'{e.to}' is not active; the defection did not happen")
        return
    _move_whole(run, event, giver, taker)
    plazas = {run.plaza_row[name] for name in e.police_plazas}
    for u in np.flatnonzero(s.unit_active & (s.unit_payroll == giver)):
        if s.unit_plaza[u] in plazas:
            s.unit_payroll[u] = taker


def _move_whole(run, event, giver: int, taker: int) -> set[int]:
    """Move the named cells, the giver's cells in the named plazas (and control of those it
    holds) and the named police units; returns the rows of the cells moved."""
    e, s = event.spec, run.state
    names = run.scenario
    named = {c for c, cell in enumerate(names.cells) if cell.name in e.cells}
    plazas = {run.plaza_row[name] for name in e.plazas}
    moved = set()
    for c in np.flatnonzero(s.cell_active & (s.cell_org == giver)):
        if int(c) in named or s.cell_plaza[c] in plazas:
            moved.add(int(c))
    for c in named - moved:
        run.note(event, f"cell '{names.cells[c].name}' is not '{_name(run, giver)}''s then; "
                        "it did not move")
    for c in sorted(moved):
        s.cell_org[c] = taker
        _book(s, giver, taker, int(s.cell_members[c]))
    for p in plazas:
        if s.plaza_controller[p] == giver:
            s.plaza_controller[p] = taker
    for name in e.police:
        rows = [u for u, unit in enumerate(names.police) if unit.name == name]
        if rows and s.unit_active[rows[0]] and s.unit_payroll[rows[0]] == giver:
            s.unit_payroll[rows[0]] = taker
        else:
            run.note(event, f"police unit '{name}' is not on '{_name(run, giver)}''s payroll "
                            "then; it did not move")
    return moved


def _split_share(run, event, parent: int, new: int, moved: set[int]) -> None:
    """floor(share * members) of every other active parent cell becomes a new cell of the
    new organization in the same plaza, in a spare cell row (none left: that share stays)."""
    e, s = event.spec, run.state
    spare = iter(np.flatnonzero(~s.cell_active & (s.cell_id == 0)).tolist())  # taken in order
    for c in np.flatnonzero(s.cell_active & (s.cell_org == parent)):
        leaving = int(np.floor(e.share * s.cell_members[c]))
        if int(c) in moved or leaving == 0:
            continue
        x = next(spare, None)
        if x is None:
            run.note(event, "no spare cell row was left for a share of a cell; raise "
                            "simulation.spare_cells")
            return
        s.cell_id[x] = stable_id(f"cell/split/{event.order}/{int(s.cell_id[c])}")
        s.cell_active[x] = True
        s.cell_org[x] = new
        s.cell_plaza[x] = s.cell_plaza[c]
        s.cell_members[x] = leaving
        s.cell_members[c] -= leaving
        s.cell_firepower[x] = s.cell_firepower[c]
        s.cell_loyalty[x] = s.cell_loyalty[c]
        s.cell_local[x] = s.cell_local[c]
        s.cell_attack[x] = False
        s.cell_intel[x] = 0.0
        _book(s, parent, new, leaving)


def _book(state, giver: int, taker: int, members: int) -> None:
    state.ledger[giver, L_MOVED] -= members
    state.ledger[taker, L_MOVED] += members


def _name(run, row: int) -> str:
    return run.names.organizations[row]
