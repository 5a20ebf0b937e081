"""The compiled kernel against the reference model (sim.reference), bit for bit, call by call.

Each case builds a State, then drives the compiled step (``sim.kernel.step``) and the
reference (``sim.reference.advance``) from copies of it in lockstep, the way the engine
does (federal forces when a trigger fires, a flush when the violence buffer is nearly
full), and checks after every call that both returned the same (step, reason, trigger),
left every State array identical (floats exactly) and wrote the same violence rows, in the
same order, and the same dense per-step records. Cases: states from the shipped scenarios
set up so that every phase has work, a tiny world where every rule acts, the states that
once exposed kernel bugs (hires chaining within a step, plazas whose cells have no
firepower, recruits too cheap for int64), and random synthetic worlds (sim.synthetic).
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import kernel, reference
from sim.codes import BUFFER_FULL, SPLIT, TRIGGER, TYPE_NAMES, parameter_vector
from sim.events import apply_event, deploy_federal, schedule
from sim.recorder import Recorder, row_reserve
from sim.scenario import Scenario
from sim.state import State, build_state
from sim.synthetic import world

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


# ----------------------------------------------------------------------------- states


def rows_of(scenario: Scenario) -> tuple[dict, dict]:
    return ({o.name: i for i, o in enumerate(scenario.organizations)},
            {p.name: i for i, p in enumerate(scenario.plazas)})


def remove_leader(scenario: Scenario, state: State, name: str) -> None:
    """A leader removal applied at once: step 0 draws the split."""
    o = rows_of(scenario)[0][name]
    state.org_leader_alive[o] = False
    state.org_split_pending[o] = True


def shipped(name: str) -> tuple[Scenario, State]:
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    return scenario, build_state(scenario)[0]


def kingpin_split() -> tuple[Scenario, State]:
    scenario, state = shipped("kingpin_removal")
    remove_leader(scenario, state, "Pacífico")
    return scenario, state


def bcs_at_war() -> tuple[Scenario, State]:
    """bcs_2014 with its alliance and the Zetas' entry applied at once: the attack phase."""
    scenario, state = shipped("bcs_2014")
    org_row, plaza_row = rows_of(scenario)
    for event in schedule(scenario):
        if event.kind in ("alliance", "enter"):
            apply_event(state, event, org_row, plaza_row, scenario.simulation.step_days)
    return scenario, state


def bcs_blo_split() -> tuple[Scenario, State]:
    """bcs_at_war with the BLO's leader removed too: a splinter inherits an alliance."""
    scenario, state = bcs_at_war()
    remove_leader(scenario, state, "BLO")
    return scenario, state


def _org(name, treasury, aggression, wage, bribe_share=0.1):
    return dict(name=name, treasury=treasury, aggression=aggression,
                wage_per_member_day=wage, bribe_share=bribe_share)


def _cell(org, plaza, members, **kw):
    return dict(organization=org, plaza=plaza, members=members, **kw)


TINY = dict(
    name="tiny",
    description="four organizations, four plazas: every rule the shipped scenarios leave off",
    simulation=dict(start=dt.date(2020, 1, 1), days=300, spare_organizations=2, spare_cells=4),
    parameters=dict(
        clash_rate=0.002, attack_threshold=0.8, kidnap_rate=0.002, assassination_rate=0.05,
        collateral_per_clash=0.3, hire_rate=0.2, hire_cost=20000.0, hire_members=4,
        move_rate=0.05, national_arrests_per_day=0.3, saturation_rate=2e-4,
        neutral_conflict_factor=0.5, ally_conflict_factor=0.3, ally_shielding=1.0,
        recruit_rate=0.01, recruit_cost=500.0, max_member_share=0.02, corruption_rate=0.1,
        bribe_per_officer_day=20.0, desertion_rate=0.05,
    ),
    organizations=[
        _org("A", 2e5, 0.5, 50, 0.3),
        _org("B", 1000, 0.4, 100, 0.2),  # tiny treasury: unpaid wages, capped recruits
        _org("C", 1e5, 0.3, 20),
        _org("D", 5e4, 0.6, 20),
    ],
    plazas=[
        dict(name="Alfa", population=20000, value_per_day=3000, controller="A",
             neighbours=["Beta", "Gamma", "Delta"]),
        dict(name="Beta", population=8000, value_per_day=2000, controller="B",
             neighbours=["Gamma"]),
        dict(name="Gamma", population=5000, value_per_day=1000, controller="C"),
        dict(name="Delta", population=3000, value_per_day=500, controller="B"),
    ],
    cells=[
        _cell("A", "Alfa", 30), _cell("A", "Beta", 20), _cell("A", "Gamma", 5, firepower=2.0),
        _cell("A", "Beta", 6, local=True, loyalty=0.5, name="crew"),  # mixed vias
        _cell("B", "Beta", 15), _cell("B", "Delta", 6),
        _cell("B", "Alfa", 4, local=True, loyalty=0.3),
        _cell("C", "Gamma", 12), _cell("C", "Beta", 6, local=True, loyalty=0.4),
        _cell("D", "Gamma", 5), _cell("D", "Beta", 4, firepower=1.5),
    ],
    police=[
        dict(plaza="Alfa", kind="municipal", officers=50, integrity=0.7),
        dict(plaza="Beta", kind="state", officers=20, integrity=0.3, payroll="B"),
        dict(plaza="Gamma", kind="municipal", officers=15, integrity=0.1),
        dict(plaza="Delta", kind="municipal", officers=5, integrity=0.5),
    ],
    relations=[  # B-C and A-D are neutral: they fight at neutral_conflict_factor
        dict(between=["A", "B"], state="war"), dict(between=["A", "C"], state="ally"),
        dict(between=["B", "D"], state="ally"),
        dict(between=["C", "D"], state="war", intensity=0.7),
    ],
    triggers=[dict(kind="federal_deployment", when="homicides_10d >= 4", plazas=["Beta"],
                   officers=30, duration_days=15, once=False)],
)


def tiny(step_days: float = 1.0) -> tuple[Scenario, State]:
    scenario = Scenario.model_validate(
        {**TINY, "simulation": {**TINY["simulation"], "step_days": step_days},
         "parameters": {**TINY["parameters"], "split_probability": 1.0}})
    state = build_state(scenario)[0]
    remove_leader(scenario, state, "C")  # C's local cell in Beta breaks away
    return scenario, state


def small(name: str, parameters: dict, days: int, simulation: dict | None = None,
          **sections) -> tuple[Scenario, State]:
    """A hand-made scenario from 2020-01-01 and its initial state."""
    scenario = Scenario.model_validate(dict(
        name=name, simulation=dict(start=dt.date(2020, 1, 1), days=days, **(simulation or {})),
        parameters=parameters, **sections))
    return scenario, build_state(scenario)[0]


def hire_chain() -> tuple[Scenario, State]:
    """X holds Home; its enemy Y holds Mid and Far, a line Home - Mid - Far; hires are
    near-certain. X's cell in Home may hire in Mid; X has no cell next to Far."""
    return small(
        "hire_chain", dict(hire_rate=50.0, hire_cost=1000.0, clash_rate=0.0, kidnap_rate=0.0,
                           arrest_rate=0.0, recruit_rate=0.0), 5,
        simulation=dict(spare_organizations=0, spare_cells=3),
        organizations=[dict(name="X", treasury=1e6), dict(name="Y", treasury=1e6)],
        plazas=[dict(name="Home", population=10000, controller="X", neighbours=["Mid"]),
                dict(name="Mid", population=10000, controller="Y", neighbours=["Far"]),
                dict(name="Far", population=10000, controller="Y")],
        cells=[_cell("X", "Home", 10), _cell("Y", "Mid", 10), _cell("Y", "Far", 10)],
        relations=[dict(between=["X", "Y"], state="war")])


def zero_firepower() -> tuple[Scenario, State]:
    """A valid scenario (firepower >= 0): one unarmed cell in a plaza nobody controls."""
    return small("zero_firepower", {}, 5, organizations=[dict(name="X")],
                 plazas=[dict(name="Town", population=10000)],
                 cells=[_cell("X", "Town", 10, firepower=0.0)])


def cheap_recruits() -> tuple[Scenario, State]:
    """A valid scenario whose treasury buys more than 2**63 recruits at recruit_cost."""
    return small("cheap_recruits", dict(recruit_rate=0.1, recruit_cost=1e-12), 5,
                 organizations=[dict(name="X", treasury=1e7)],
                 plazas=[dict(name="Town", population=10000, controller="X")],
                 cells=[_cell("X", "Town", 20)])


# every rule the synthetic country leaves off, on
SYNTHETIC_RULES = {
    "parameters.national_arrests_per_day": 0.5, "parameters.neutral_conflict_factor": 0.2,
    "parameters.ally_conflict_factor": 0.1, "parameters.ally_shielding": 0.5,
    "parameters.saturation_rate": 1e-5, "parameters.desertion_rate": 0.05,
    "parameters.kidnap_rate": 0.002, "parameters.split_probability": 1.0,
    "parameters.split_loyalty": 0.7, "simulation.spare_organizations": 3,
}


def synthetic(n_plazas: int, n_orgs: int, n_cells: int, layout: int) -> tuple[Scenario, State]:
    """A random country (sim.synthetic.world, layout seed ``layout``) with every rule on
    and its three largest organizations' leaders removed."""
    scenario = world(n_plazas, n_orgs, n_cells, n_cells * 9, seed=layout, days=200)
    scenario = scenario.with_overrides(SYNTHETIC_RULES)
    state = build_state(scenario)[0]
    for o in scenario.organizations[:3]:
        remove_leader(scenario, state, o.name)
    return scenario, state


# ----------------------------------------------------------------------------- lockstep


@dataclass
class Run:
    kernel_state: State
    reference_state: State
    recorder: Recorder  # the kernel's
    calls: list = field(default_factory=list)  # (t, reason, fired) of each call


def different_arrays(a: State, b: State) -> list[str]:
    return [name for name, x in a.arrays().items()
            if x.dtype != getattr(b, name).dtype or not np.array_equal(x, getattr(b, name))]


def deploy(scenario: Scenario, state: State, k: int, step: int) -> None:
    """What the engine does when trigger k fired: federal forces arrive at ``step``."""
    trig = scenario.triggers[k]
    dt_ = scenario.simulation.step_days
    plaza_row = rows_of(scenario)[1]
    if deploy_federal(state, trig, [plaza_row[n] for n in trig.plazas], step, dt_):
        state.trig_blocked_until[k] = step + math.ceil(trig.duration_days / dt_)


def assert_recorders_equal(a: Recorder, b: Recorder, where: str) -> None:
    n = int(a.vio_n[0])
    assert int(b.vio_n[0]) == n, f"violence rows {where}"
    assert np.array_equal(a.vio[:n], b.vio[:n]), f"violence rows {where}"
    assert len(a.chunks) == len(b.chunks)
    for name, dense in a.dense.items():
        assert np.array_equal(dense, b.dense[name]), f"{name} {where}"


def lockstep(scenario: Scenario, state: State, seed: int, t0: int, t1: int,
             buffer_rows: int | None = None) -> Run:
    """Run the kernel and the reference from copies of ``state``, comparing after every call."""
    prm = parameter_vector(scenario.parameters)
    dt_ = float(scenario.simulation.step_days)
    sk, sr = state.copy(), state.copy()
    recorders = [Recorder(max(t1, 1), len(sk.org_id), len(sk.plaza_id),
                          buffer_rows=buffer_rows or 4 * row_reserve(sk)) for _ in range(2)]
    run = Run(sk, sr, recorders[0])
    t = t0
    while t < t1:
        reserve = row_reserve(sk)
        for recorder in recorders:
            recorder.ensure_rows(reserve)
        call = tuple(int(v) for v in kernel.step(sk, prm, seed, t, t1, dt_, reserve,
                                                 recorders[0]))
        assert reference.advance(sr, prm, seed, t, t1, dt_, reserve, recorders[1]) == call, \
            f"call from step {t}"
        differ = different_arrays(sk, sr)
        assert not differ, f"{differ} differ after the call from step {t} to {call[0]}"
        assert_recorders_equal(*recorders, f"after the call from step {t}")
        run.calls.append(call)
        t, reason, fired = call
        if reason == TRIGGER:
            for s in (sk, sr):
                deploy(scenario, s, fired, t)
        elif reason == BUFFER_FULL:
            for recorder in recorders:
                recorder.flush()
    return run


def violence_types(run: Run) -> set[str]:
    return {TYPE_NAMES[k] for k in np.unique(run.recorder.violence_rows()[:, 2])}


def held_changed(run: Run, start: State) -> bool:
    """Whether any plaza changed hands."""
    return bool((run.recorder.dense["rec_controller"] != start.plaza_controller).any())


# ----------------------------------------------------------------------------- cases

CASES = {
    # name: (state builder, seed, t0, t1, violence buffer rows or None)
    "two_cartels": (lambda: shipped("two_cartels"), 7, 0, 300, None),
    "two_cartels_spin_up": (lambda: shipped("two_cartels"), 11, -30, 200, None),
    "two_cartels_small_buffer": (lambda: shipped("two_cartels"), 7, 0, 150, "tight"),
    "kingpin_split": (kingpin_split, 7, 0, 250, None),
    "bcs_at_war": (bcs_at_war, 7, 0, 300, None),
    "bcs_blo_split": (bcs_blo_split, 6, 0, 200, None),
    "tiny": (tiny, 5, -10, 300, None),
    "tiny_fractional_step": (lambda: tiny(0.7), 4, 0, 300, None),  # dt=0.7: float order
}


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_matches_reference(case):
    build, seed, t0, t1, buffer = CASES[case]
    scenario, state = build()
    buffer_rows = row_reserve(state) + 8 if buffer == "tight" else None
    run = lockstep(scenario, state, seed, t0, t1, buffer_rows)
    assert run.calls[-1][0] == t1
    reasons = [c[1] for c in run.calls]
    assert "clash" in violence_types(run), "no fighting: the case exercises little"
    if case == "two_cartels_small_buffer":
        assert BUFFER_FULL in reasons
    if case in ("kingpin_split", "bcs_blo_split"):
        assert reasons.count(SPLIT) == 1
        parent = 0 if case == "kingpin_split" else 1
        assert run.kernel_state.org_parent[len(scenario.organizations)] == parent
    if case == "bcs_at_war":
        assert TRIGGER in reasons and held_changed(run, state)
        assert {"assassination", "kidnapping", "arrest"} <= violence_types(run)
    if case.startswith("tiny"):  # seeds chosen so that every rule below acts at least once
        assert reasons.count(TRIGGER) > 1  # a repeatable trigger, deployments that leave
        assert reasons.count(SPLIT) == 1 and held_changed(run, state)
        assert violence_types(run) == set(TYPE_NAMES)
        end = run.kernel_state
        assert end.cell_active.sum() > state.cell_active.sum()  # hires
        assert (end.ledger[:, 1:4] > 0).any(axis=0).all()  # killed, arrested, deserted
        payroll = run.recorder.dense["rec_payroll"]
        assert (np.diff(payroll, axis=0) > 0).any() and (np.diff(payroll, axis=0) < 0).any()


@pytest.mark.parametrize("build", [hire_chain, zero_firepower, cheap_recruits])
def test_states_that_once_broke_the_kernel(build):
    """Hires do not chain within a step; unarmed cells do not divide control by zero;
    recruits too cheap for int64 are not negative."""
    scenario, state = build()
    lockstep(scenario, state, seed=1, t0=0, t1=5)


@pytest.mark.parametrize("size, layout, seed", [
    ((12, 4, 40), 0, 1), ((30, 8, 150), 1, 2), ((60, 12, 400), 2, 3), ((25, 20, 200), 3, 4),
])
def test_kernel_matches_reference_on_synthetic_worlds(size, layout, seed):
    scenario, state = synthetic(*size, layout)
    run = lockstep(scenario, state, seed, -5, 120)
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
