"""The compiled kernel against the reference model (sim.reference), bit for bit, call by call.

Each case is a scenario that the engine (sim.engine.Engine) runs with a checked step
function: on every call it runs the compiled step (``sim.kernel.step``) on the engine's
State and recorder and the reference (``sim.reference.advance``) on copies of them as they
were before the call, and checks that both returned the same (step, reason, trigger), left
every State array identical (floats exactly) and wrote the same violence rows, in the same
order, and the same dense per-step records. Between calls the engine does what it does in
every run: events, federal forces when a trigger fires, a flush when the violence buffer is
nearly full, splinters named. The cases' scenarios (tests/lockstep_worlds.py): shipped
scenarios set up so that every phase has work (their events moved to the first day, leaders
removed on it), a tiny world where every rule acts, hand-made worlds for single rules, the
scenarios that once exposed kernel bugs (hires chaining within a step, plazas whose cells
have no firepower, recruits too cheap for int64), and random synthetic worlds
(sim.synthetic).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import shipped_scenario
from lockstep_worlds import (
    bcs_at_war,
    bcs_blo_split,
    bcs_engaged,
    bcs_outside,
    bcs_scale_free,
    cheap_recruits,
    hire_chain,
    kingpin_split,
    leaders_and_mobilization,
    synthetic,
    tiny,
    zero_firepower,
)

from sim import kernel, reference
from sim.codes import (
    BUFFER_FULL,
    L_DESERTED,
    L_MOBILIZED,
    L_RECRUITED,
    RELATIONS,
    SPLIT,
    TRIGGER,
    TYPE_NAMES,
)
from sim.engine import Engine
from sim.recorder import Recorder, row_reserve
from sim.scenario import Scenario
from sim.state import State

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- lockstep


def different_arrays(a: State, b: State) -> list[str]:
    return [name for name, x in a.arrays().items()
            if x.dtype != getattr(b, name).dtype or not np.array_equal(x, getattr(b, name))]


def assert_recorders_equal(a: Recorder, b: Recorder, where: str) -> None:
    n = int(a.vio_n[0])
    assert int(b.vio_n[0]) == n, f"violence rows {where}"
    assert np.array_equal(a.vio[:n], b.vio[:n]), f"violence rows {where}"
    assert len(a.chunks) == len(b.chunks)
    for name, dense in a.dense.items():
        assert np.array_equal(dense, b.dense[name]), f"{name} {where}"


class CheckedStep:
    """A step function (:data:`sim.engine.Step`) that runs the compiled kernel and checks
    the reference against it.

    Each call copies the State and the recorder it is given, runs ``sim.kernel.step`` on
    the originals (so the engine goes on from the kernel's results) and
    ``sim.reference.advance`` on the copies, and asserts both return the same (next step,
    reason, trigger) and leave the same State arrays, violence rows and dense records.
    ``calls`` keeps the returned triples in order.
    """

    def __init__(self):
        self.calls: list[tuple[int, int, int]] = []

    def __call__(self, state: State, prm: np.ndarray, seed: int, t0: int, t1: int, dt: float,
                 reserve: int, recorder: Recorder) -> tuple[int, int, int]:
        state_r, prm_r, recorder_r = state.copy(), prm.copy(), copy.deepcopy(recorder)
        call = tuple(int(v) for v in kernel.step(state, prm, seed, t0, t1, dt, reserve,
                                                 recorder))
        assert reference.advance(state_r, prm_r, seed, t0, t1, dt, reserve,
                                 recorder_r) == call, f"call from step {t0}"
        differ = different_arrays(state, state_r)
        assert not differ, f"{differ} differ after the call from step {t0} to {call[0]}"
        assert_recorders_equal(recorder, recorder_r, f"after the call from step {t0}")
        self.calls.append(call)
        return call


@dataclass
class Run:
    engine: Engine  # its state and recorder are the kernel's
    start: State  # the state the engine was built with
    calls: list[tuple[int, int, int]]  # (next step, reason, trigger) of each call


def lockstep(scenario: Scenario, seed: int, t1: int, tight_buffer: bool = False) -> Run:
    """The engine run of ``scenario`` up to step ``t1`` (from its spin-up) with the kernel
    and the reference checked against each other on every call. ``tight_buffer``: a
    violence buffer only 8 rows over one step's reserve, so that it fills often."""
    check = CheckedStep()
    engine = Engine(scenario, seed, check)
    start = engine.state.copy()
    if tight_buffer:
        engine.recorder = Recorder(scenario.n_steps, len(start.org_id), len(start.plaza_id),
                                   buffer_rows=row_reserve(start) + 8)
    engine.run_until(t1)
    return Run(engine, start, check.calls)


def violence_types(run: Run) -> set[str]:
    return {TYPE_NAMES[k] for k in np.unique(run.engine.recorder.violence_rows()[:, 2])}


def held_changed(run: Run) -> bool:
    """Whether any plaza changed hands."""
    return bool((run.engine.recorder.dense["rec_controller"]
                 != run.start.plaza_controller).any())


# ----------------------------------------------------------------------------- cases

CASES = {
    # name: (scenario, seed, last step + 1, tight violence buffer)
    "two_cartels": (lambda: shipped_scenario("two_cartels"), 7, 300, False),
    "two_cartels_spin_up": (lambda: shipped_scenario("two_cartels").with_overrides(
        {"simulation.spin_up_days": 30}), 11, 200, False),
    "two_cartels_small_buffer": (lambda: shipped_scenario("two_cartels"), 7, 150, True),
    "kingpin_split": (kingpin_split, 7, 250, False),
    "bcs_at_war": (bcs_at_war, 7, 300, False),
    "bcs_blo_split": (bcs_blo_split, 6, 200, False),
    "bcs_scale_free": (bcs_scale_free, 7, 300, False),
    "bcs_engaged": (bcs_engaged, 7, 300, False),
    "tiny": (lambda: tiny(spin_up_days=10), 5, 300, False),
    "tiny_fractional_step": (lambda: tiny(0.7), 4, 300, False),  # dt=0.7: float order
    # the population yield shared by means (four organizations in Beta: the order of the sum)
    "tiny_recruits_by_means": (lambda: tiny(spin_up_days=10).with_overrides(
        {"parameters.recruit_means_share": 0.7, "parameters.recruit_payback_days": 30.0}),
        5, 300, False),
    "leaders_and_mobilization": (leaders_and_mobilization, 3, 200, False),
    "bcs_outside": (bcs_outside, 7, 300, False),
    # mobilized members spread over the plazas at stake: Patron opens a cell in East
    "mobilization_spread": (lambda: leaders_and_mobilization().with_overrides(
        {"parameters.mobilization_spread": 0.6}), 3, 200, False),
    "mobilization_spread_no_spare_row": (lambda: leaders_and_mobilization().with_overrides(
        {"parameters.mobilization_spread": 0.6, "simulation.spare_cells": 0}), 3, 200, False),
    # members leave organizations going broke (Patron, Friend) before they cannot pay
    "unfunded_desertion": (lambda: leaders_and_mobilization().with_overrides(
        {"parameters.recruit_payback_days": 60.0,
         "parameters.unfunded_desertion_rate": 0.05}), 3, 200, False),
    # ... and without the recruit limit: the cover looks unfunded_horizon_days ahead itself
    "unfunded_without_payback": (lambda: leaders_and_mobilization().with_overrides(
        {"parameters.unfunded_desertion_rate": 0.05,
         "parameters.unfunded_horizon_days": 90.0}), 3, 200, False),
    # stipends in the recruit budgets of a patron with two clients, at a fractional step
    "two_clients": (lambda: leaders_and_mobilization().with_overrides(
        {"parameters.recruit_payback_days": 60.0, "parameters.unfunded_desertion_rate": 0.05,
         "organizations[name=Gang].patron": "Rival",
         "organizations[name=Friend].patron": "Rival",
         "organizations[name=Friend].stipend_per_day": 300.0,
         "simulation.step_days": 0.7}), 3, 200, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_matches_reference(case):
    build, seed, t1, tight_buffer = CASES[case]
    scenario = build()
    run = lockstep(scenario, seed, t1, tight_buffer)
    assert run.calls[-1][0] == t1
    reasons = [c[1] for c in run.calls]
    assert "clash" in violence_types(run), "no fighting: the case exercises little"
    if case == "two_cartels_small_buffer":
        assert BUFFER_FULL in reasons
    if case in ("kingpin_split", "bcs_blo_split"):
        assert reasons.count(SPLIT) == 1
        parent = 0 if case == "kingpin_split" else 1
        assert run.engine.state.org_parent[len(scenario.organizations)] == parent
    if case == "bcs_scale_free":
        state = run.engine.state
        assert state.grievance_share.max() > 0.0 and state.cell_intel.max() > 0.0
        assert state.ledger[:, L_RECRUITED].sum() > 0
        assert {"kidnapping", "arrest", "collateral"} <= violence_types(run)
    if case == "bcs_outside":
        assert "collateral" in violence_types(run)
        assert run.engine.state.org_outside_income[2] == 50000.0
    if case == "bcs_at_war":
        assert TRIGGER in reasons and held_changed(run)
        assert {"assassination", "kidnapping", "arrest"} <= violence_types(run)
    if case.startswith("tiny"):  # seeds chosen so that every rule below acts at least once
        assert reasons.count(TRIGGER) > 1  # a repeatable trigger, deployments that leave
        assert reasons.count(SPLIT) == 1 and held_changed(run)
        assert violence_types(run) == set(TYPE_NAMES)
        end = run.engine.state
        assert end.cell_active.sum() > run.start.cell_active.sum()  # hires
        assert (end.ledger[:, 1:4] > 0).any(axis=0).all()  # killed, arrested, deserted
        payroll = run.engine.recorder.dense["rec_payroll"]
        assert (np.diff(payroll, axis=0) > 0).any() and (np.diff(payroll, axis=0) < 0).any()
    if case == "leaders_and_mobilization":  # every rule of items 2 and 3 acted
        assert SPLIT in reasons and RELATIONS in reasons
        end = run.engine.state
        mobilized = end.ledger[:, L_MOBILIZED]
        assert mobilized[0] > 0 and mobilized[2] > 0
        assert end.org_patron[1] == -1 and end.org_reserve[0] < 150
    if case == "mobilization_spread":  # a part went where Patron had no cell
        end, east = run.engine.state, 2
        opened = end.cell_active & ~run.start.cell_active
        assert ((end.cell_org == 0) & (end.cell_plaza == east) & opened).any()
    if case == "mobilization_spread_no_spare_row":  # the parts joined existing cells
        end = run.engine.state
        assert end.ledger[0, L_MOBILIZED] > 0
        assert not (end.cell_active & ~run.start.cell_active).any()
    if case == "two_clients":  # Rival (row 2) paid both its clients to the end
        assert (run.engine.state.org_patron[:4] == 2).sum() == 2
    if case.startswith("unfunded"):  # the rule acted: more left than unpaid wages make leave
        unpaid_only = lockstep(build().with_overrides(
            {"parameters.unfunded_desertion_rate": 0.0}), seed, t1, tight_buffer)
        deserted = run.engine.state.ledger[:, L_DESERTED]
        assert deserted.sum() > unpaid_only.engine.state.ledger[:, L_DESERTED].sum()


@pytest.mark.parametrize("build", [hire_chain, zero_firepower, cheap_recruits])
def test_states_that_once_broke_the_kernel(build):
    """Hires do not chain within a step; unarmed cells do not divide control by zero;
    recruits too cheap for int64 are not negative."""
    lockstep(build(), seed=1, t1=5)


@pytest.mark.parametrize("size, layout, seed", [
    ((12, 4, 40), 0, 1), ((30, 8, 150), 1, 2), ((60, 12, 400), 2, 3), ((25, 20, 200), 3, 4),
])
def test_kernel_matches_reference_on_synthetic_worlds(size, layout, seed):
    run = lockstep(synthetic(*size, layout), seed, 120)
    assert {"clash", "kidnapping", "arrest"} <= violence_types(run)


# ----------------------------------------------------------------------------- independence


def imported(path: Path, package: str) -> set[str]:
    """Dotted names a module of ``package`` imports: modules, and module.name for each name
    taken from one (relative imports resolved)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")[:len(package.split(".")) - node.level + 1]
            module = ".".join((parts if node.level else []) + [node.module or ""]).strip(".")
            out |= {module} | {f"{module}.{a.name}" for a in node.names}
    return out


def test_reference_does_not_import_the_kernel():
    """The reference may use sim.rng, sim.codes, sim.state and sim.recorder (and itself),
    never the code it checks."""
    allowed = ("sim.rng", "sim.codes", "sim.state", "sim.recorder", "sim.reference")
    names = set()
    for path in (ROOT / "sim" / "reference").glob("*.py"):
        names |= {n for n in imported(path, "sim.reference") if n.split(".")[0] == "sim"}
    assert "sim.codes.WAR" in names, "the check finds nothing: it is broken"
    outside = {n for n in names if n != "sim" and not n.startswith(
        tuple(m + "." for m in allowed)) and n not in allowed}
    assert not outside, outside
