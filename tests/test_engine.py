"""The engine loop (sim.engine): any step function, stopped at every event, triggers deployed
at the next step, the buffer flushed, every event kind applied from one table."""

from __future__ import annotations

from typing import get_args

import numpy as np
from conftest import shipped_scenario, tiny

import sim
from sim import kernel
from sim.codes import BUFFER_FULL, DONE, FEDERAL, TRIGGER
from sim.engine import Engine
from sim.events import APPLY
from sim.scenario import EventSpec


def test_every_event_kind_and_a_fired_trigger_have_one_function():
    kinds = {get_args(cls.model_fields["kind"].annotation)[0]
             for cls in get_args(get_args(EventSpec)[0])}
    assert set(APPLY) == kinds | {"trigger", "ramp", "truce_break"}  # the last two internal


def test_the_step_function_is_called_up_to_each_event_step():
    scenario = shipped_scenario("bcs_2014")
    calls = []

    def idle(state, prm, seed, t0, t1, dt, row_reserve, recorder):
        calls.append((t0, t1))
        return t1, DONE, -1

    run = Engine(scenario, 3, idle)
    run.run_until(scenario.n_steps)
    assert run.t == scenario.n_steps
    starts = [t0 for t0, _ in calls]
    assert starts == sorted(starts)
    for event in run.events:
        if 0 < event.step < scenario.n_steps:
            assert any(t1 == event.step for _, t1 in calls), event
    assert run.next_event == len(run.events)


def test_a_fired_trigger_deploys_at_the_next_step_and_a_full_buffer_is_flushed():
    scenario = tiny(triggers=[{"kind": "federal_deployment", "when": "homicides_7d >= 1",
                               "plazas": ["P"], "officers": 40,
                               "duration_days": 30}])
    answers = iter([(5, TRIGGER, 0), (9, BUFFER_FULL, -1)])

    def scripted(state, prm, seed, t0, t1, dt, row_reserve, recorder):
        t, reason, fired = next(answers, (t1, DONE, -1))
        if reason == BUFFER_FULL:
            recorder.vio[0] = [t0, 0, 0, 0, 0, 0, 1]
            recorder.vio_n[0] = 1
        return t, reason, fired

    run = Engine(scenario, 1, scripted)
    run.t = 0  # no spin-up
    run.run_until(5)
    federal = run.state.unit_active & (run.state.unit_kind == FEDERAL)
    assert not federal.any()  # the trigger fired at the end of step 4: it arrives at step 5
    run.run_until(20)
    federal = run.state.unit_active & (run.state.unit_kind == FEDERAL)
    assert federal.sum() == 1 and run.state.unit_officers[federal][0] == 40
    assert run.state.unit_expires[federal][0] == run.state.trig_blocked_until[0] == 5 + 30
    assert run.recorder.vio_n[0] == 0 and len(run.recorder.chunks) == 1


def test_a_trigger_and_a_dated_deployment_in_one_plaza_and_step_give_two_unit_ids():
    """Each unit's draws are keyed by its id: two units with one id would draw alike."""
    deployment = {"kind": "federal_deployment", "plazas": ["P"], "officers": 40,
                  "duration_days": 30}
    scenario = tiny(triggers=[{**deployment, "when": "homicides_7d >= 1"}],
                    events=[{**deployment, "step": 5, "officers": 60}])
    answers = iter([(5, TRIGGER, 0)])

    def scripted(state, prm, seed, t0, t1, dt, row_reserve, recorder):
        return next(answers, (t1, DONE, -1))

    run = Engine(scenario, 1, scripted)
    run.t = 0  # no spin-up
    run.run_until(6)
    federal = run.state.unit_active & (run.state.unit_kind == FEDERAL)
    assert sorted(run.state.unit_officers[federal]) == [40, 60]  # both arrived at step 5
    assert len(set(run.state.unit_id[run.state.unit_active])) == run.state.unit_active.sum()


def test_a_model_driven_by_another_step_function_gets_its_results():
    """CartelModel(step=...) runs the engine with that step: here the kernel, wrapped."""
    scenario = shipped_scenario("kingpin_removal")
    calls = []

    def counted(*args):
        calls.append(args[3])
        return kernel.step(*args)

    model = sim.CartelModel(scenario, rng=2, step=counted)
    model.run_for(200)
    plain = sim.CartelModel(scenario, rng=2)
    plain.run_for(200)
    assert calls and calls == sorted(calls)
    assert model.results().violence.equals(plain.results().violence)
    np.testing.assert_array_equal(model.state.cell_members, plain.state.cell_members)
