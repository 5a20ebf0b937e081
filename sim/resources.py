"""What a run will need, estimated from the scenario before anything is allocated, and the
refusal of a run that cannot fit: memory (state, recording buffers, output tables) against
what the machine has available, and steps against a bound on time.

The estimate counts the arrays :func:`sim.state.build_state` and :class:`sim.recorder.Recorder`
allocate, from the same counts they use, and the tidy tables :class:`sim.results.Results`
builds from the recorded ones (about 3 times their bytes: the frame, its columns' copies and
the Parquet writer's buffers). Violence rows depend on the run and are not counted.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from .codes import FLOW_COLUMNS
from .recorder import DENSE_TABLES, VIOLENCE_COLUMNS, axis_sizes, reserve_for
from .scenario import Scenario, ScenarioError
from .scenario.timeline import created_names
from .state import N_LEDGER, n_federal_slots

MAX_STEPS = 10**8
"""Steps (spin-up included) a run may take: about 30 minutes of a small scenario."""
TABLE_FACTOR = 3
"""Bytes of the tidy output tables per byte of the recorded ones (measured on bcs_2014)."""
FIGURE_MAX_PLAZAS = 2_000
"""Above this many plazas the summary figure is not drawn (its map and legends grow with
the plazas: 290,000 plazas took over 12 GB)."""
STATE_BYTES = {"org": 8 * 15 + 3, "cell": 8 * 7 + 3, "unit": 8 * 9 + 2, "plaza": 8 * 8 + 2}
"""Bytes of one row of each entity in :class:`sim.state.State` (its docstring lists them)."""


MAX_SWEEP_RUNS = 1_000_000
"""Runs a sweep may hold: its runs table and results are kept in memory."""
MAX_SWEEP_STEPS = 10**10
"""Steps summed over a sweep's runs: days of computing on a small cluster."""


class ResourceError(ScenarioError):
    """A run that would need more memory or steps than this machine can give."""


@dataclass(frozen=True)
class Estimate:
    """Bytes a run needs, by part, and the steps it takes."""
    state: int
    recording: int
    tables: int
    steps: int

    @property
    def total(self) -> int:
        return self.state + self.recording + self.tables


def estimate(scenario: Scenario, steps: int | None = None, record: bool = True) -> Estimate:
    """The memory and steps of a run of ``steps`` recorded steps (None: the scenario's)."""
    sim = scenario.simulation
    steps = scenario.n_steps if steps is None else steps
    n_enter = sum(len(e.plazas) for e in scenario.events if e.kind == "enter")
    O = len(scenario.organizations) + len(created_names(scenario)) + sim.spare_organizations
    C = len(scenario.cells) + sim.spare_cells + n_enter
    U = len(scenario.police) + n_federal_slots(scenario)
    P = len(scenario.plazas)
    windows = [math.ceil(t.condition()[0] / sim.step_days) for t in scenario.triggers]
    state = (O * STATE_BYTES["org"] + O * O * 25 + O * (N_LEDGER + len(FLOW_COLUMNS)) * 8
             + C * STATE_BYTES["cell"]
             + U * STATE_BYTES["unit"] + P * (STATE_BYTES["plaza"] + 16)
             + 8 * len(windows) * (max(windows, default=1) + P))
    spin_up = math.ceil(sim.spin_up_days / sim.step_days)
    if not record:
        return Estimate(state, 0, 0, steps + spin_up)
    sizes = axis_sizes(P, O)
    per_step = sum(math.prod(sizes[a] for a in axes) * np.dtype(dtype).itemsize
                   for axes, dtype in DENSE_TABLES.values())
    recorded = per_step * max(steps, 1)
    return Estimate(state, recorded + 2 * _violence_rows(scenario) * VIOLENCE_COLUMNS * 8,
                    TABLE_FACTOR * recorded, steps + spin_up)


def _violence_rows(scenario: Scenario) -> int:
    """The violence buffer's rows at the start: twice :func:`sim.recorder.row_reserve`, as
    the engine allocates it; the estimate counts it twice more, for a flushed copy."""
    row = {p.name: i for i, p in enumerate(scenario.plazas)}
    P = len(row)
    cells = np.bincount([row[c.plaza] for c in scenario.cells], minlength=P)
    units = np.bincount([row[u.plaza] for u in scenario.police], minlength=P)
    k = np.bincount([row[p] for p in {(c.plaza, c.organization): c.plaza
                                       for c in scenario.cells}.values()], minlength=P)
    spare = scenario.simulation.spare_cells + sum(
        len(e.plazas) for e in scenario.events if e.kind == "enter")
    return 2 * reserve_for(k, units, cells, spare, len(scenario.organizations))


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (MemAvailable), None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gb(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e8 else f"{n / 1e6:.1f} MB"


def check(scenario: Scenario, steps: int | None = None, record: bool = True,
          label: str | None = None) -> Estimate:
    """The estimate of a run, or a ResourceError when it needs more steps than MAX_STEPS
    or more memory than the machine has available; ``label`` starts the message (default:
    the scenario's first source file, else its name)."""
    need = estimate(scenario, steps, record)
    files = scenario.source_files
    label = label or (str(files[0]) if files else f"scenario '{scenario.name}'")
    fix = ("fewer days, a longer step_days, a shorter spin_up_days, fewer spare_cells or "
           "spare_organizations, or fewer plazas")
    if need.steps > MAX_STEPS:
        raise ResourceError(f"{label}: simulation: {need.steps:,} steps (spin-up included) is "
                            f"more than the {MAX_STEPS:,} a run may take; use {fix}")
    free = available_memory()
    if free is not None and need.total > free:
        raise ResourceError(
            f"{label}: simulation: a run needs about {_gb(need.total)} of "
            f"memory (state {_gb(need.state)}, recording {_gb(need.recording)}, tables "
            f"{_gb(need.tables)}), more than the {_gb(free)} this machine has available; "
            f"use {fix}")
    return need


def check_sweep(scenario: Scenario, points: int, replicates: int, steps: int | None = None) -> int:
    """The runs of a sweep of ``points`` design points times ``replicates`` seeds (each run
    ``steps`` steps, None: the scenario's), or a ResourceError when there are more than
    MAX_SWEEP_RUNS, their steps sum past MAX_SWEEP_STEPS, or one run does not fit."""
    runs, one = points * replicates, check(scenario, steps)
    fix = "use fewer replicates, a smaller n, or fewer parameters"
    if runs > MAX_SWEEP_RUNS:
        raise ResourceError(f"sweep of {points:,} points x {replicates:,} replicates: {runs:,} "
                            f"runs is more than the {MAX_SWEEP_RUNS:,} a sweep may hold; {fix}")
    if runs * one.steps > MAX_SWEEP_STEPS:
        raise ResourceError(f"sweep of {runs:,} runs of {one.steps:,} steps: {runs * one.steps:,} "
                            f"steps in all is more than the {MAX_SWEEP_STEPS:,} a sweep may "
                            f"take; {fix}, or fewer days")
    return runs
