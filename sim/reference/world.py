"""From a State to agents and back, and the per-step records.

:func:`build` makes an agent for every row in use of a :class:`sim.state.State` (active
organizations, cells and police units, every plaza) and the triggers; agents are made in
ascending row order, so every AgentSet, and every plaza's lists, run in row order, the
order that breaks ties. The rows not in use stay in the State: a splinter or a hired cell
takes the first spare one (an unused row), read from it as it stands, so it is made in row
order too. :func:`write_back` copies every agent and trigger into the State's rows;
:func:`record_step` fills one step of the recorder's dense tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..recorder import Recorder
from ..state import State
from .agents import Cell, Organization, PoliceUnit
from .plaza import Plaza


@dataclass
class Trigger:
    """A scenario trigger: homicides in ``region`` over a window of steps vs a threshold."""

    window: int  # steps
    op: int  # sim.state code of the comparison
    threshold: float  # homicides
    region: list  # Plaza agents, ascending rows
    blocked_until: int  # step before which it cannot fire again, -1 free
    once: bool
    fired: bool
    hist: list  # homicides per step in the region, a ring buffer (its first `window` items)

    def fires(self, t: int, can_fire: bool) -> bool:
        """Count step t's homicides; whether the trigger fires at its end (it cannot in
        spin-up, while blocked, once fired if ``once``, or when ``can_fire`` is False)."""
        self.hist[t % self.window] = sum(q.homicides for q in self.region)
        if t < 0 or not can_fire or t < self.blocked_until or (self.once and self.fired):
            return False
        if not compare(float(sum(self.hist[:self.window])), self.op, self.threshold):
            return False
        self.fired = True
        return True


def compare(value: float, op: int, threshold: float) -> bool:
    """A trigger's condition; op codes as in sim.state: 0 >=, 1 >, 2 <=, 3 <, otherwise ==."""
    if op == 0:
        return value >= threshold
    if op == 1:
        return value > threshold
    if op == 2:
        return value <= threshold
    if op == 3:
        return value < threshold
    return value == threshold


def link(a: Organization, b: Organization, state: State) -> None:
    """Load the pair's relation, intensity and grievance (both ways) from the State."""
    for x, y in ((a, b), (b, a)):
        x.relation[y] = int(state.relation[x.row, y.row])
        x.intensity[y] = float(state.intensity[x.row, y.row])
        grievance = float(state.grievance[x.row, y.row])
        if grievance:
            x.grievance[y] = grievance
        share = float(state.grievance_share[x.row, y.row])
        if share:
            x.grievance_share[y] = share


def build(model, state: State) -> None:
    """Agents and triggers for the rows in use of ``state``, in ascending rows."""
    orgs = {row: Organization(model, state, row) for row in np.flatnonzero(state.org_active)}
    listed = list(orgs.values())
    for i, a in enumerate(listed):
        for b in listed[i + 1:]:
            link(a, b, state)
    plazas = [Plaza(model, state, p, orgs.get(int(state.plaza_controller[p])))
              for p in range(state.plaza_id.shape[0])]
    for q in plazas:
        q.neighbours = [plazas[j] for j in state.nbr_idx[state.nbr_ptr[q.row]:
                                                           state.nbr_ptr[q.row + 1]]]
    for c in np.flatnonzero(state.cell_active):
        Cell(model, state, c, orgs[int(state.cell_org[c])], plazas[state.cell_plaza[c]])
    for u in np.flatnonzero(state.unit_active):
        payroll = int(state.unit_payroll[u])
        PoliceUnit(model, state, u, plazas[state.unit_plaza[u]], orgs.get(payroll))
    model.spare_organization_rows = [
        int(o) for o in np.flatnonzero(~state.org_active & (state.org_id == 0))]
    model.spare_cell_rows = [
        int(c) for c in np.flatnonzero(~state.cell_active & (state.cell_id == 0))]
    model.triggers = [
        Trigger(int(state.trig_window[k]), int(state.trig_op[k]),
                float(state.trig_threshold[k]),
                [plazas[p] for p in np.flatnonzero(state.trig_region[k])],
                int(state.trig_blocked_until[k]), bool(state.trig_once[k]),
                bool(state.trig_fired[k]), [int(v) for v in state.trig_hist[k]])
        for k in range(state.trig_window.shape[0])
    ]


def write_back(model, state: State) -> None:
    """Copy every agent (departed police units too) and trigger into ``state``, in place."""
    for agent in model.agents:
        agent.write(state)
    for unit in model.departed:
        unit.write(state)
    for k, trig in enumerate(model.triggers):
        state.trig_blocked_until[k], state.trig_fired[k] = trig.blocked_until, trig.fired
        state.trig_hist[k] = trig.hist


def record_step(model, t: int, recorder: Recorder) -> None:
    """Row t of the dense records: per plaza its controller, contested flag and controller's
    share; per organization row its members and cells with members, treasury, plazas held,
    officers on its payroll, leader, whether it exists, ledger and money flows (rows not in
    use: as the State has them)."""
    dense, state = recorder.dense, model.state
    if not 0 <= t < dense["rec_members"].shape[0]:
        return
    n_org = state.org_id.shape[0]
    members, cells, held, payroll = [0] * n_org, [0] * n_org, [0] * n_org, [0] * n_org
    treasury, leader = state.org_treasury.tolist(), state.org_leader_alive.tolist()
    active, ledger = state.org_active.tolist(), state.ledger.tolist()
    flows = state.org_flows.tolist()
    for o in model.every(Organization):
        treasury[o.row], leader[o.row], active[o.row] = o.treasury, o.leader_alive, True
        ledger[o.row], flows[o.row] = o.ledger, o.flows
    for c in model.every(Cell):
        if c.members > 0:
            members[c.org.row] += c.members
            cells[c.org.row] += 1
    for u in model.every(PoliceUnit):
        if u.payroll is not None:
            payroll[u.payroll.row] += u.officers
    plazas = list(model.every(Plaza))
    for q in plazas:
        if q.controller is not None:
            held[q.controller.row] += 1
    dense["rec_controller"][t] = [-1 if q.controller is None else q.controller.row
                                  for q in plazas]
    dense["rec_contested"][t] = [q.contested for q in plazas]
    dense["rec_share"][t] = [q.share for q in plazas]
    for name, values in (("rec_members", members), ("rec_cells", cells),
                         ("rec_treasury", treasury), ("rec_plazas", held),
                         ("rec_payroll", payroll), ("rec_leader", leader),
                         ("rec_active", active), ("rec_ledger", ledger),
                         ("rec_flows", flows)):
        dense[name][t] = values
