"""CartelModel: the Mesa model that walks scheduled events and drives the compiled kernel.

Mesa's clock is the kernel's step: ``model.step()`` advances one step and
``model.run_for(n)`` n steps, both through :meth:`CartelModel._advance_time`, which calls the
kernel for as many steps as it can at once (up to the next scheduled event, trigger or
split). Random draws come only from :mod:`sim.rng`, keyed by the model's ``seed``; Mesa's
``model.random`` and ``model.rng`` are never used by the model's logic.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import platform
import secrets
import time
from importlib import metadata

import mesa

from . import kernel
from .agents import Cell, Organization, Plaza, PoliceUnit, new_rows
from .codes import BUFFER_FULL, TRIGGER, parameter_vector
from .events import Scheduled, apply_event, deploy_federal, schedule
from .recorder import Recorder, row_reserve
from .results import Results, control_table, organizations_table, time_axis, violence_table
from .scenario import Scenario, apply_parameter_event
from .state import background_rates, build_state


class CartelModel(mesa.Model):
    """Agent-based model of cartels, cells and police competing for plazas.

    Args:
        scenario: a validated :class:`sim.scenario.Scenario` (``sim.load_scenario``).
        rng: the replicate seed (int). Same seed, same results, bit for bit. None draws one.
        record: keep the per-step tables (default). Off, the run is the same but
            ``results()`` is an error: for timing, or when only the final state matters.
        step: the function that runs steps between events (default: the compiled kernel,
            ``sim.kernel.step``; ``sim.reference.advance`` gives the same results).

    The clock is the kernel's: Mesa's own event scheduling (``schedule_event``) is not used
    by the model and events scheduled through it do not run; scenario events and triggers
    are the way to change a run at a given time.

    Attributes:
        spec: the scenario (Mesa reserves ``model.scenario`` for its own use).
        seed: the replicate seed. state: the arrays (:class:`sim.state.State`).
        organization_agents, cell_agents, police_agents, plaza_agents: row -> Mesa agent.
    """

    def __init__(self, scenario: Scenario, rng: int | None = None, record: bool = True,
                 step=None):
        seed = secrets.randbits(63) if rng is None else int(rng)
        if not 0 <= seed < 2**63:
            raise ValueError(f"seed must be a whole number from 0 to 2**63 - 1 (got {seed})")
        super().__init__(rng=seed)
        self._default_schedule.stop()  # our clock is the kernel's, advanced in _advance_time
        self.spec = scenario
        self.seed = seed
        self._step = kernel.step if step is None else step
        self.state, self.names = build_state(scenario)
        self._parameters = scenario.parameters  # as changed by 'parameters' events so far
        self.params = parameter_vector(scenario.parameters)
        self.dt = float(scenario.simulation.step_days)
        self.n_steps = scenario.n_steps
        self._org_row = {o.name: i for i, o in enumerate(scenario.organizations)}
        self._plaza_row = {p.name: i for i, p in enumerate(scenario.plazas)}
        self._events: list[Scheduled] = schedule(scenario)
        self._next_event = 0
        self._t = -math.ceil(scenario.simulation.spin_up_days / self.dt)
        self.recorder = Recorder(self.n_steps, len(self.state.org_id), len(self.names.plazas),
                                 buffer_rows=2 * row_reserve(self.state), enabled=record)
        self.wall_seconds = 0.0
        self.organization_agents: dict[int, Organization] = {}
        self.cell_agents: dict[int, Cell] = {}
        self.police_agents: dict[int, PoliceUnit] = {}
        self.plaza_agents = {p: Plaza(self, p) for p in range(len(self.names.plazas))}
        self._sync_agents()
        self._run_kernel_until(0)  # spin-up, unrecorded

    # ------------------------------------------------------------------ views
    @property
    def organizations(self) -> list[Organization]:
        return list(self.organization_agents.values())

    @property
    def cells(self) -> list[Cell]:
        return list(self.cell_agents.values())

    @property
    def police(self) -> list[PoliceUnit]:
        return [u for u in self.police_agents.values() if u.active]

    @property
    def plazas(self) -> list[Plaza]:
        return list(self.plaza_agents.values())

    @property
    def date(self) -> dt.date:
        """The date of the next step to run."""
        return self.spec.simulation.start + dt.timedelta(days=self._t * self.dt)

    # ------------------------------------------------------------------ clock
    def _advance_time(self, until: float) -> None:
        """Mesa's step(), run_for() and run_until() all land here: run steps to ``until``."""
        target = int(math.floor(until + 1e-9))
        started = time.perf_counter()
        self._run_kernel_until(target)
        self.wall_seconds += time.perf_counter() - started
        self.steps = self._t
        self.time = float(self._t)
        self.running = self._t < self.n_steps

    def _run_kernel_until(self, target: int) -> None:
        self.recorder.ensure_steps(target)
        while self._t < target:
            self._apply_due_events()
            stop = target
            if self._next_event < len(self._events):
                stop = min(stop, max(self._events[self._next_event].step, self._t + 1))
            reserve = row_reserve(self.state)
            self.recorder.ensure_rows(reserve)
            t, reason, fired = self._step(self.state, self.params, self.seed, self._t, stop,
                                          self.dt, reserve, self.recorder)
            self._t = int(t)
            if reason == TRIGGER:
                self._schedule_trigger(int(fired))
            elif reason == BUFFER_FULL:
                self.recorder.flush()
            self._name_splinters()  # a split may share its step with a trigger
            self._sync_agents()

    def _apply_due_events(self) -> None:
        while self._next_event < len(self._events) and self._events[self._next_event].step <= self._t:
            event = self._events[self._next_event]
            if event.kind == "trigger":
                trig = event.spec
                placed = deploy_federal(self.state, trig,
                                        [self._plaza_row[n] for n in trig.plazas],
                                        event.step, self.dt)
                if placed:
                    k = event.order
                    duration = math.ceil(trig.duration_days / self.dt)
                    self.state.trig_blocked_until[k] = event.step + duration
            elif event.kind == "parameters":
                self._parameters = apply_parameter_event(self._parameters, event.spec)
                self.params[:] = parameter_vector(self._parameters)
                self.state.plaza_background[:] = background_rates(self.spec.plazas,
                                                                  self._parameters)
            else:
                apply_event(self.state, event, self._org_row, self._plaza_row, self.dt)
            self._next_event += 1

    def _schedule_trigger(self, k: int) -> None:
        """A trigger fired at the end of the last step: its deployment arrives now."""
        item = Scheduled(self._t, k, "trigger", self.spec.triggers[k])  # order: trigger index
        self._events.insert(self._next_event, item)

    def _name_splinters(self) -> None:
        s = self.state
        for row in range(len(self.names.organizations), len(s.org_id)):
            if s.org_active[row]:
                parent = self.names.organizations[int(s.org_parent[row])]
                n = int(s.org_n_splits[s.org_parent[row]])
                self.names.organizations.append(f"{parent} splinter {n}")

    def _sync_agents(self) -> None:
        s = self.state
        for row in new_rows(s.org_active, self.organization_agents):
            self.organization_agents[row] = Organization(self, row)
        for row in new_rows(s.cell_active, self.cell_agents):
            self.cell_agents[row] = Cell(self, row)
        for row in new_rows(s.unit_active, self.police_agents):
            self.police_agents[row] = PoliceUnit(self, row)

    # ------------------------------------------------------------------ output
    def results(self) -> Results:
        """The tidy tables of everything recorded so far (steps 0 .. model.steps-1)."""
        if not self.recorder.enabled:
            raise RuntimeError("this model was built with record=False: it has no tables")
        T = max(self._t, 0)
        sim = self.spec.simulation
        orgs, plazas = tuple(self.names.organizations), tuple(self.names.plazas)
        times = time_axis(T, sim.start, self.dt)
        rows = self.recorder.violence_rows()
        dense = self.recorder.dense
        meta = {
            "scenario": self.spec.name,
            "scenario_sha256": self.spec.source_sha256,
            "seed": self.seed,
            "steps": T,
            "days": T * self.dt,
            "step_days": self.dt,
            "start": str(sim.start),
            "end": str(sim.start + dt.timedelta(days=max(T * self.dt - 1, 0))),
            "versions": dict(versions()),
            "wall_seconds": round(self.wall_seconds, 4),
            "resolved_scenario": self.spec.model_dump(mode="json"),
        }
        return Results(
            violence=violence_table(rows, orgs, plazas, times),
            control=control_table(dense, orgs, plazas, times),
            organizations=organizations_table(dense, orgs, times),
            meta=meta,
        )


@functools.cache
def versions() -> dict[str, str]:
    """Versions that decide bit-for-bit reproducibility, for run.json."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for dist in ("cartel-sim", "mesa", "numba", "numpy", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out
