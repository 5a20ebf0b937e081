"""CartelModel: the Mesa model of a run, driven by the engine (:mod:`sim.engine`).

Mesa's clock is the kernel's step: ``model.step()`` advances one step and
``model.run_for(n)`` n steps, both through :meth:`CartelModel._advance_time`, which lets the
engine call the step function (the compiled kernel unless said) for as many steps as it can
at once (up to the next scheduled event, trigger or split). Random draws come only from
:mod:`sim.rng`, keyed by the model's ``seed``; Mesa's ``model.random`` and ``model.rng``
are never used by the model's logic.
"""

from __future__ import annotations

import datetime as dt
import math
import time

import mesa

from . import kernel
from .agents import Cell, Organization, Plaza, PoliceUnit, new_rows
from .engine import Engine, Step
from .results import Results, run_results
from .runner import checked_seed
from .scenario import Scenario


class CartelModel(mesa.Model):
    """Agent-based model of cartels, cells and police competing for plazas.

    Args:
        scenario: a validated :class:`sim.scenario.Scenario` (``sim.load_scenario``).
        rng: the replicate seed (int). Same seed, same results, bit for bit. None draws one.
        record: keep the per-step tables (default). Off, the run is the same but
            ``results()`` is an error: for timing, or when only the final state matters.
        step: the step function (:data:`sim.engine.Step`); default the compiled kernel,
            ``sim.kernel.step``.

    The clock is the kernel's: Mesa's own event scheduling (``schedule_event``) is not used
    by the model and events scheduled through it do not run; scenario events and triggers
    are the way to change a run at a given time.

    Attributes:
        spec: the scenario (Mesa reserves ``model.scenario`` for its own use).
        seed: the replicate seed. state: the arrays (:class:`sim.state.State`).
        engine: the :class:`sim.engine.Engine` that runs it.
        organization_agents, cell_agents, police_agents, plaza_agents: row -> Mesa agent.
    """

    def __init__(self, scenario: Scenario, rng: int | None = None, record: bool = True,
                 step: Step | None = None):
        seed = checked_seed(rng)
        super().__init__(rng=seed)
        self._default_schedule.stop()  # our clock is the kernel's, advanced in _advance_time
        self.spec = scenario
        self.seed = seed
        self.engine = Engine(scenario, seed, step or kernel.step, record=record)
        self.state, self.names = self.engine.state, self.engine.names
        self.recorder = self.engine.recorder
        self.params = self.engine.prm  # changed in place by 'parameters' events
        self.dt = self.engine.dt
        self.n_steps = scenario.n_steps
        self._org_row = self.engine.org_row
        self.wall_seconds = 0.0
        self.organization_agents: dict[int, Organization] = {}
        self.cell_agents: dict[int, Cell] = {}
        self.police_agents: dict[int, PoliceUnit] = {}
        self.plaza_agents = {p: Plaza(self, p) for p in range(len(self.names.plazas))}
        self._sync_agents()
        self.engine.run_until(0, self._sync_agents)  # spin-up, unrecorded

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
        return self.engine.date(self.engine.t)

    # ------------------------------------------------------------------ clock
    def _advance_time(self, until: float) -> None:
        """Mesa's step(), run_for() and run_until() all land here: run steps to ``until``."""
        target = int(math.floor(until + 1e-9))
        started = time.perf_counter()
        self.engine.run_until(target, self._sync_agents)
        self.wall_seconds += time.perf_counter() - started
        self.steps = self.engine.t
        self.time = float(self.engine.t)
        self.running = self.engine.t < self.n_steps

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
        return run_results(self.engine, self.wall_seconds)
