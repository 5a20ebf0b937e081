"""The loop that drives a step function through a scenario: the only copy.

An :class:`Engine` holds a run's state, its recorder and its schedule, and advances it to a
target step by calling a step function (``sim.kernel.step``, the compiled kernel, or
``sim.reference.advance``, the plain-Python reference) for as many steps as it can at once:
up to the next scheduled event. Between calls it applies the events that are due
(:data:`sim.events.APPLY`), schedules the deployment of a trigger that fired, flushes the
violence buffer when the step function reports it nearly full, and names new splinters.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Callable

import numpy as np

from . import resources
from .codes import BUFFER_FULL, TRIGGER, parameter_vector
from .events import APPLY, Scheduled, schedule
from .recorder import Recorder, row_reserve
from .scenario import Scenario, ScenarioError
from .scenario.timeline import organizations_named
from .state import LEDGER_COLUMNS, State, build_state

COUNTS = ("cell_members", "unit_officers", "unit_authorized")
"""Integer arrays of the state that count people: never negative in a sound run."""
FLOATS = ("org_treasury", "grievance", "grievance_share", "cell_intel", "plaza_share",
          "unit_payment", "org_flows")
"""Float arrays of the state that must stay finite."""


class NumericalError(ScenarioError):
    """A run whose numbers left what the model can compute (an overflow, an infinity)."""

Step = Callable[[State, np.ndarray, int, int, int, float, int, Recorder], tuple[int, int, int]]
"""(state, prm, seed, t0, t1, dt, row_reserve, recorder) -> (next step, reason code from
sim.codes, index of the trigger that fired or -1): runs steps t0 .. t1-1 in place."""


class Engine:
    """A run of a scenario at one seed, advanced by a step function.

    Attributes:
        scenario, seed, step (the step function), dt (days per step).
        state (:class:`sim.state.State`), names (:class:`sim.state.Names`, grown by splits),
        recorder (:class:`sim.recorder.Recorder`).
        t: the next step to run (negative during the spin-up).
        parameters: the scenario's parameters as changed by ``parameters`` events so far;
        prm: the same as the kernel's vector (sim.codes).
        org_row, plaza_row: name -> row (organizations created by splits included, and
        named splinters once they form).
        notes: what the run did not do as written (an event skipped, a truce that broke),
        one line each, for run.json.
        pending_splinters: organization row -> (the name its next splinter takes, the step of
            the removal that named it).
        plaza_background: plaza row -> its rate set by a ``plaza_change``.
    """

    def __init__(self, scenario: Scenario, seed: int, step: Step, record: bool = True):
        resources.check(scenario, record=record)  # before allocating anything
        self.scenario = scenario
        self.seed = seed
        self.step = step
        self.state, self.names = build_state(scenario)
        self.dt = float(scenario.simulation.step_days)
        self.parameters = scenario.parameters
        self.prm = parameter_vector(scenario.parameters)
        self.org_row = {name: i for i, name in enumerate(self.names.organizations)}
        self.plaza_row = {p.name: i for i, p in enumerate(scenario.plazas)}
        self.events: list[Scheduled] = schedule(scenario)
        self.next_event = 0
        self.notes: list[str] = []
        self.pending_splinters: dict[int, tuple[str, int]] = {}
        self.plaza_background: dict[int, float] = {}
        self._pair_generation: dict[tuple[int, int], int] = {}
        self.t = -math.ceil(scenario.simulation.spin_up_days / self.dt)
        self.recorder = Recorder(scenario.n_steps, len(self.state.org_id), len(scenario.plazas),
                                 buffer_rows=2 * row_reserve(self.state), enabled=record)

    def run_until(self, target: int, after_call: Callable[[], None] | None = None) -> None:
        """Run steps up to ``target`` (exclusive); ``after_call`` runs after each call of the
        step function."""
        self.recorder.ensure_steps(target)
        while self.t < target:
            self._apply_due_events()
            stop = target
            if self.next_event < len(self.events):
                stop = min(stop, max(self.events[self.next_event].step, self.t + 1))
            reserve = row_reserve(self.state)
            self.recorder.ensure_rows(reserve)
            self.t, reason, fired = self.step(self.state, self.prm, self.seed, self.t, stop,
                                              self.dt, reserve, self.recorder)
            if reason == TRIGGER:
                trigger = self.scenario.triggers[fired]
                self.events.insert(self.next_event, Scheduled(self.t, fired, "trigger", trigger))
            elif reason == BUFFER_FULL:
                self.recorder.flush()
            self._name_splinters()  # a split may share its step with a trigger
            self._check_numbers()
            if after_call is not None:
                after_call()

    def _check_numbers(self) -> None:
        """Stop the run, rather than record it, when a count went negative or a number
        stopped being finite: the scenario's numbers were too large for int64 or float64."""
        s, problems = self.state, []
        for name in COUNTS:
            if (getattr(s, name) < 0).any():
                problems.append(f"{name.replace('_', ' ', 1)} became negative (an overflow)")
        for name in FLOATS:
            if not np.isfinite(getattr(s, name)).all():
                problems.append(f"{name.replace('_', ' ', 1)} stopped being finite")
        counted = np.delete(s.ledger, LEDGER_COLUMNS.index("moved"), axis=1)
        rows = self.recorder.vio[: int(self.recorder.vio_n[0])]
        if (counted < 0).any() or (rows[:, -1] < 0).any():
            problems.append("a count of deaths, arrests or recruits became negative (an overflow)")
        if problems:
            files = self.scenario.source_files
            label = str(files[0]) if files else f"scenario '{self.scenario.name}'"
            raise NumericalError(
                f"{label}: step {self.t}: {'; '.join(problems)}. The "
                "numbers it asks the model to compute are too large; lower the members, rates, "
                "firepower or values (docs/scenario.md gives the bounds)")

    def date(self, step: int) -> dt.date:
        """The date of a step."""
        return self.scenario.simulation.start + dt.timedelta(days=step * self.dt)

    def note(self, event: Scheduled, text: str) -> None:
        """Record, for run.json, what an event did not do as written."""
        when = self.date(event.step)
        self.notes.append(f"{when}: event {event.order} ({event.kind}): {text}")

    def touch_pair(self, a: int, b: int, keep: bool = False) -> int:
        """The generation of the pair's relation, advanced by one unless ``keep``: ramps and
        truce breaks carry the generation they were scheduled in, and lapse when it moved."""
        pair = (min(a, b), max(a, b))
        self._pair_generation[pair] = self._pair_generation.get(pair, 0) + (not keep)
        return self._pair_generation[pair]

    def schedule_later(self, event: Scheduled) -> None:
        """Add an internal event, after the due ones of its (step, order)."""
        at = bisect.bisect_right(self.events, (event.step, event.order), lo=self.next_event,
                                 key=lambda e: (e.step, e.order))
        self.events.insert(at, event)

    def _apply_due_events(self) -> None:
        while self.next_event < len(self.events) and self.events[self.next_event].step <= self.t:
            event = self.events[self.next_event]
            missing = [name for name in organizations_named(event.spec)
                       if name not in self.org_row]
            if missing:
                self.note(event, f"skipped: '{missing[0]}' never formed (its split draw made "
                                 "no splinter)")
            else:
                APPLY[event.kind](self, event)
            self.next_event += 1

    def _name_splinters(self) -> None:
        """Name the splinters formed in the last call: the name their removal gave, or
        '<parent> splinter <n>'; a removal whose draw made none leaves its name unused."""
        s = self.state
        for row in range(len(self.names.organizations), len(s.org_id)):
            if s.org_active[row]:
                o = int(s.org_parent[row])
                named = self.pending_splinters.pop(o, None)
                name = named[0] if named else (
                    f"{self.names.organizations[o]} splinter {int(s.org_n_splits[o])}")
                self.names.organizations.append(name)
                self.org_row.setdefault(name, row)
        for o in [o for o in self.pending_splinters if not s.org_split_pending[o]]:
            name, step = self.pending_splinters.pop(o)
            self.notes.append(f"{self.date(step)}: the removal in '{self.names.organizations[o]}' made "
                              f"no splinter, so no '{name}'")
