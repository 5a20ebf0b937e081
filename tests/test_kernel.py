"""The compiled kernel against its plain-Python twin (tests/twin.py), bit for bit.

Each case builds a small State, runs the compiled ``sim.kernel.advance`` and the twin on
copies of it in lockstep (call by call, the way ``CartelModel`` drives the kernel: federal
deployments when a trigger fires, a flush when the violence buffer is full) and checks that
after every call they agree on the returned (step, reason, trigger), on every State array
(floats exactly), and at the end on the violence rows (as a multiset, summed by key) and the
dense per-step records. A last test checks a whole ``sim.CartelModel`` run (events included)
against the twin driven the same way.

Kernel bugs found this way keep their minimal state as a regression test (hires chaining
within a step, plazas whose cells have no firepower, recruits too cheap for int64).
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from twin import advance_twin

import sim
from sim import kernel
from sim.codes import BUFFER_FULL, SPLIT, TRIGGER, TYPE_NAMES, parameter_vector
from sim.engine import Engine
from sim.events import APPLY, deploy_federal
from sim.recorder import Recorder, row_reserve
from sim.scenario import Scenario
from sim.state import State, build_state

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


# ----------------------------------------------------------------------------- states


def rows_of(scenario: Scenario) -> tuple[dict, dict]:
    return ({o.name: i for i, o in enumerate(scenario.organizations)},
            {p.name: i for i, p in enumerate(scenario.plazas)})


def two_cartels() -> tuple[Scenario, State]:
    scenario = sim.load_scenario(SCENARIOS / "two_cartels.toml")
    return scenario, build_state(scenario)[0]


def kingpin_split() -> tuple[Scenario, State]:
    """kingpin_removal with its leader removal applied at once, so step 0 draws the split."""
    scenario = sim.load_scenario(SCENARIOS / "kingpin_removal.toml")
    state = build_state(scenario)[0]
    o = rows_of(scenario)[0]["Pacífico"]
    state.org_leader_alive[o] = False
    state.org_split_pending[o] = True
    return scenario, state


def bcs_at_war() -> tuple[Scenario, State]:
    """bcs_2014 with its alliance and the Zetas' entry applied at once: the attack phase."""
    scenario = sim.load_scenario(SCENARIOS / "bcs_2014.toml")
    run = Engine(scenario, 0, kernel.step)
    for event in run.events:
        if event.kind in ("alliance", "enter"):
            APPLY[event.kind](run, event)
    return scenario, run.state


def bcs_blo_split() -> tuple[Scenario, State]:
    """bcs_at_war with the BLO's leader removed too: a splinter inherits an alliance."""
    scenario, state = bcs_at_war()
    o = rows_of(scenario)[0]["BLO"]
    state.org_leader_alive[o] = False
    state.org_split_pending[o] = True
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
    # A hires in Delta (a leaf next to its Alfa): no hire can lead to another the same step
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
    data = {**TINY, "simulation": {**TINY["simulation"], "step_days": step_days}}
    scenario = Scenario.model_validate(data)
    return scenario, build_state(scenario)[0]


def hire_chain() -> tuple[Scenario, State]:
    """X holds Home; its enemy Y holds Mid and Far, a line Home - Mid - Far; hires are
    near-certain. X's cell in Home may hire in Mid; X has no cell next to Far."""
    scenario = Scenario.model_validate(dict(
        name="hire_chain", simulation=dict(start=dt.date(2020, 1, 1), days=5,
                                           spare_organizations=0, spare_cells=3),
        parameters=dict(hire_rate=50.0, hire_cost=1000.0, clash_rate=0.0, kidnap_rate=0.0,
                        arrest_rate=0.0, recruit_rate=0.0),
        organizations=[dict(name="X", treasury=1e6), dict(name="Y", treasury=1e6)],
        plazas=[dict(name="Home", population=10000, controller="X", neighbours=["Mid"]),
                dict(name="Mid", population=10000, controller="Y", neighbours=["Far"]),
                dict(name="Far", population=10000, controller="Y")],
        cells=[_cell("X", "Home", 10), _cell("Y", "Mid", 10), _cell("Y", "Far", 10)],
        relations=[dict(between=["X", "Y"], state="war")],
    ))
    return scenario, build_state(scenario)[0]


def zero_firepower() -> tuple[Scenario, State]:
    """A valid scenario (firepower >= 0): one unarmed cell in a plaza nobody controls."""
    scenario = Scenario.model_validate(dict(
        name="zero_firepower", simulation=dict(start=dt.date(2020, 1, 1), days=5),
        organizations=[dict(name="X")], plazas=[dict(name="Town", population=10000)],
        cells=[_cell("X", "Town", 10, firepower=0.0)],
    ))
    return scenario, build_state(scenario)[0]


def cheap_recruits() -> tuple[Scenario, State]:
    """A valid scenario whose treasury buys more than 2**63 recruits at recruit_cost."""
    scenario = Scenario.model_validate(dict(
        name="cheap_recruits", simulation=dict(start=dt.date(2020, 1, 1), days=5),
        parameters=dict(recruit_rate=0.1, recruit_cost=1e-12),
        organizations=[dict(name="X", treasury=1e7)],
        plazas=[dict(name="Town", population=10000, controller="X")],
        cells=[_cell("X", "Town", 20)],
    ))
    return scenario, build_state(scenario)[0]


# ----------------------------------------------------------------------------- lockstep


@dataclass
class Run:
    kernel_state: State
    twin_state: State
    recorder: Recorder
    twin_rows: list = field(default_factory=list)
    twin_records: dict = field(default_factory=dict)
    calls: list = field(default_factory=list)  # (t, reason, fired) of each call
    tally: Counter = field(default_factory=Counter)


def different_arrays(a: State, b: State) -> list[str]:
    return [name for name, x in a.arrays().items()
            if x.dtype != getattr(b, name).dtype or not np.array_equal(x, getattr(b, name))]


def deploy(scenario: Scenario, state: State, k: int, step: int) -> None:
    """What CartelModel does when trigger k fired: federal forces arrive at ``step``."""
    trig = scenario.triggers[k]
    dt_ = scenario.simulation.step_days
    plaza_row = rows_of(scenario)[1]
    if deploy_federal(state, trig, [plaza_row[n] for n in trig.plazas], step, dt_):
        state.trig_blocked_until[k] = step + math.ceil(trig.duration_days / dt_)


def lockstep(scenario: Scenario, state: State, seed: int, t0: int, t1: int,
             buffer_rows: int | None = None) -> Run:
    """Run the kernel and the twin from copies of ``state``, comparing after every call."""
    prm = parameter_vector(scenario.parameters)
    dt_ = float(scenario.simulation.step_days)
    sk, st = state.copy(), state.copy()
    recorder = Recorder(max(t1, 1), len(sk.org_id), len(sk.plaza_id),
                        buffer_rows=buffer_rows or 4 * row_reserve(sk))
    run = Run(sk, st, recorder)
    t = t0
    while t < t1:
        reserve = row_reserve(sk)
        recorder.ensure_rows(reserve)
        rows_free = recorder.vio.shape[0] - int(recorder.vio_n[0])
        tk, reason, fired = kernel.step(sk, prm, seed, t, t1, dt_, reserve, recorder)
        res = advance_twin(st, prm, seed, t, t1, dt_, row_reserve=reserve,
                           rows_free=rows_free, record_steps=recorder.capacity)
        call = (int(tk), int(reason), int(fired))
        assert call == (res.t, res.reason, res.fired), f"call from step {t}"
        differ = different_arrays(sk, st)
        assert not differ, f"state differs after the call from step {t} to {call[0]}"
        run.calls.append(call)
        run.twin_rows += res.rows
        for name, by_step in res.records.items():
            run.twin_records.setdefault(name, {}).update(by_step)
        run.tally.update(res.tally)
        if reason == TRIGGER:
            for s in (sk, st):
                deploy(scenario, s, int(fired), int(tk))
        elif reason == BUFFER_FULL:
            recorder.flush()
        t = int(tk)
    return run


def violence_multiset(rows) -> Counter:
    """Counts summed by (step, plaza, type, perpetrator, via, victim)."""
    out: Counter = Counter()
    for r in rows:
        out[tuple(int(v) for v in r[:6])] += int(r[6])
    return out


def assert_outputs_equal(run: Run, t_first: int, t_end: int) -> None:
    assert violence_multiset(run.recorder.violence_rows()) == violence_multiset(run.twin_rows)
    for name, dense in run.recorder.dense.items():
        steps = range(max(t_first, 0), t_end)
        assert sorted(run.twin_records.get(name, {})) == list(steps), name
        for t in steps:
            assert np.array_equal(dense[t], run.twin_records[name][t]), (name, t)


# ----------------------------------------------------------------------------- cases

CASES = {
    # name: (state builder, seed, t0, t1, violence buffer rows or None)
    "two_cartels": (two_cartels, 7, 0, 300, None),
    "two_cartels_spin_up": (two_cartels, 11, -30, 200, None),  # unrecorded steps < 0
    "two_cartels_small_buffer": (two_cartels, 7, 0, 150, "tight"),  # BUFFER_FULL returns
    "kingpin_split": (kingpin_split, 7, 0, 250, None),
    "bcs_at_war": (bcs_at_war, 7, 0, 300, None),
    "bcs_blo_split": (bcs_blo_split, 6, 0, 200, None),
    "tiny": (tiny, 5, -10, 300, None),
    "tiny_fractional_step": (lambda: tiny(0.7), 4, 0, 300, None),  # dt=0.7: float order
}


@pytest.mark.parametrize("case", list(CASES))
def test_kernel_matches_twin(case):
    build, seed, t0, t1, buffer = CASES[case]
    scenario, state = build()
    buffer_rows = row_reserve(state) + 8 if buffer == "tight" else None
    run = lockstep(scenario, state, seed, t0, t1, buffer_rows)
    assert run.calls[-1][0] == t1
    assert_outputs_equal(run, t0, t1)
    assert run.twin_rows, "no violence at all: the case exercises nothing"
    reasons = Counter(c[1] for c in run.calls)
    if case == "two_cartels_small_buffer":
        assert reasons[BUFFER_FULL] > 0
    if case in ("kingpin_split", "bcs_blo_split"):
        assert reasons[SPLIT] == 1
        parent = 0 if case == "kingpin_split" else 1
        splinter = len(scenario.organizations)
        assert run.kernel_state.org_parent[splinter] == parent
    if case == "bcs_at_war":
        assert reasons[TRIGGER] > 0
        for rule in ("clash", "assassination", "kidnapping", "takeover", "purge", "arrest"):
            assert run.tally[rule] > 0, rule
    if case.startswith("tiny"):  # seeds chosen so that every rule below acts at least once
        assert reasons[TRIGGER] > 1  # a repeatable trigger, deployments that leave
        for rule in ("move", "hire", "national_arrest", "deserted", "unpaid", "clash_neutral",
                     "clash_ally", "shielded", "bribed", "turned", "purge", "police_quit",
                     "recruit_capped", "kidnapping", "assassination", "takeover"):
            assert run.tally[rule] > 0, rule


def test_hires_do_not_chain_within_a_step():
    scenario, state = hire_chain()
    run = lockstep(scenario, state, seed=1, t0=0, t1=1)
    assert_outputs_equal(run, 0, 1)


def test_unarmed_cells_do_not_crash_control():
    scenario, state = zero_firepower()
    run = lockstep(scenario, state, seed=1, t0=0, t1=5)
    assert_outputs_equal(run, 0, 5)


def test_cheap_recruits_are_not_negative():
    scenario, state = cheap_recruits()
    run = lockstep(scenario, state, seed=1, t0=0, t1=5)
    assert_outputs_equal(run, 0, 5)


# ----------------------------------------------------------------------------- the model


def run_twin_model(scenario: Scenario, seed: int, n_steps: int) -> tuple[State, list]:
    """The twin driven by the engine, like CartelModel drives the kernel."""
    rows = []

    def twin_step(state, prm, seed, t0, t1, dt, row_reserve, recorder):
        res = advance_twin(state, prm, seed, t0, t1, dt)
        rows.extend(res.rows)
        return res.t, res.reason, res.fired

    run = Engine(scenario, seed, twin_step, record=False)
    run.run_until(n_steps)
    return run.state, rows


@pytest.mark.parametrize("name, n_steps", [("kingpin_removal", 420), ("bcs_2014", 620)])
def test_model_run_matches_twin(name, n_steps):
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    seed = 3
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(n_steps)
    assert model.steps == n_steps
    state, rows = run_twin_model(scenario, seed, n_steps)
    violence = model.results().violence
    twin_totals = Counter()
    for r in rows:
        twin_totals[TYPE_NAMES[r[2]]] += r[6]
    model_totals = violence.groupby("type", observed=True)["count"].sum()
    assert {k: int(v) for k, v in model_totals.items() if v} == dict(twin_totals)
    assert violence_multiset(model.recorder.violence_rows()) == violence_multiset(rows)
    assert not different_arrays(model.state, state)
    assert twin_totals["clash"] > 0


def test_twin_is_independent_of_the_kernel():
    """The twin may use sim.rng, sim.codes and sim.state, never the code it checks."""
    tree = ast.parse((Path(__file__).parent / "twin.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for a in node.names}
    sim_modules = {m for m in imported if m and m.split(".")[0] == "sim"}
    assert sim_modules <= {"sim.rng", "sim.codes", "sim.state"}, sim_modules


def test_hostile_pairs_among_lists_the_pairs_of_a_plain_double_loop():
    """The sparse pair walk (hostile partners, or a merge when they outnumber those present)
    gives exactly the hostile pairs, in the order of a loop over i then j."""
    from sim.codes import ALLY, NEUTRAL, WAR
    from sim.codes import P_ALLY_CONFLICT_FACTOR as P_ALLY_FACTOR
    from sim.codes import P_NEUTRAL_CONFLICT_FACTOR as P_NEUTRAL_FACTOR
    from sim.mechanisms.common import hostile_pairs_among, hostile_partners, hostility
    from sim.scenario import Parameters

    g = np.random.default_rng(5)
    n_org = 30
    for trial in range(60):
        relation = g.choice(np.array([WAR, NEUTRAL, ALLY], dtype=np.int8), size=(n_org, n_org),
                            p=[0.1, 0.8, 0.1])
        relation = np.triu(relation, 1) + np.triu(relation, 1).T
        intensity = g.choice([0.0, 1.0, 2.5], size=(n_org, n_org))
        prm = parameter_vector(Parameters())
        prm[P_NEUTRAL_FACTOR] = [0.0, 0.3][trial % 2]  # sparse or dense partner lists
        prm[P_ALLY_FACTOR] = [0.0, 0.1][trial // 2 % 2]
        h_ptr, h_idx = hostile_partners(prm, relation, intensity)
        k = int(g.integers(0, 12))
        orgs = np.sort(g.choice(n_org, size=k, replace=False)).astype(np.int64)
        slot = np.full(n_org, -1, dtype=np.int64)
        slot[orgs] = np.arange(k)
        for ordered in (True, False):
            pair_i = np.empty(k * k, dtype=np.int64)
            pair_j = np.empty(k * k, dtype=np.int64)
            n = hostile_pairs_among(orgs, k, slot, h_ptr, h_idx, ordered, pair_i, pair_j)
            expected = [(i, j) for i in range(k) for j in range(k)
                        if (j != i if ordered else j > i)
                        and hostility(prm, relation, intensity, orgs[i], orgs[j]) > 0.0]
            assert list(zip(pair_i[:n].tolist(), pair_j[:n].tolist())) == expected
