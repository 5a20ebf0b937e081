"""The kernel's records (sim.records) and the State agree: every array in exactly one record,
the State's own arrays, with the dtypes, dimensions and entity sizes the kernel is compiled for."""

from __future__ import annotations

from dataclasses import fields

import numba
import numpy as np
import pytest
from conftest import shipped_scenario

import sim
from sim import kernel, records
from sim.codes import parameter_vector
from sim.recorder import DENSE_TABLES, Recorder
from sim.state import N_LEDGER, State, build_state


@pytest.fixture(scope="module")
def state() -> State:
    return build_state(shipped_scenario("bcs_2014"))[0]


def test_every_state_array_is_in_exactly_one_record_and_is_the_states_own(state):
    recs = records.state_records(state)
    seen = {}
    for record in recs:
        for name, array in zip(record._fields, record):
            owners = [f.name for f in fields(State) if getattr(state, f.name) is array]
            assert len(owners) == 1, (type(record).__name__, name)
            assert owners[0] not in seen, owners[0]
            seen[owners[0]] = type(record).__name__
    assert sorted(seen) == sorted(f.name for f in fields(State))


def test_a_record_field_is_the_state_field_without_its_entity_prefix(state):
    orgs, cells, units, plazas, trigs = records.state_records(state)
    assert cells.members is state.cell_members
    assert orgs.relation is state.relation and orgs.treasury is state.org_treasury
    assert units.officers is state.unit_officers and plazas.nbr_idx is state.nbr_idx
    assert trigs.hist is state.trig_hist


def test_each_record_has_its_entitys_rows(state):
    orgs, cells, units, plazas, trigs = records.state_records(state)
    for record, rows in ((orgs, state.org_id.size), (cells, state.cell_id.size),
                         (units, state.unit_id.size), (plazas, state.plaza_id.size),
                         (trigs, state.trig_window.size)):
        for name, array in zip(record._fields, record):
            if name not in ("nbr_ptr", "nbr_idx"):  # CSR: (P+1,) and (sum of degrees,)
                assert array.shape[0] == rows, (type(record).__name__, name)
            assert array.flags.c_contiguous, name


def test_the_kernel_is_compiled_for_the_records_types(state):
    """A run compiles advance once, for exactly the types of the records built from a State
    and a Recorder (a dtype or dimension that drifts would compile a second signature); runs
    whose optional phases differ (sim.kernel.optional_phases) have a signature each."""
    scenario = shipped_scenario("bcs_2014")
    model = sim.CartelModel(scenario, rng=1)
    model.run_for(3)
    flags = kernel.optional_phases(build_state(scenario)[0], parameter_vector(scenario.parameters))
    tail = tuple(numba.typeof(flag) for flag in flags)
    (signature,) = [s for s in kernel.advance.signatures if tuple(s[-2:]) == tail]
    recorder = Recorder(3, state.org_id.size, state.plaza_id.size, buffer_rows=8)
    expected = [numba.typeof(r) for r in records.state_records(state)]
    expected.append(numba.typeof(records.dense_record(recorder.dense)))
    for record_type in expected:
        assert record_type in signature, record_type


def test_dense_record_holds_the_recorders_tables():
    recorder = Recorder(4, 3, 2, buffer_rows=8)
    dense = records.dense_record(recorder.dense)
    assert len(dense) == len(DENSE_TABLES)
    for name in DENSE_TABLES:
        assert getattr(dense, name.removeprefix("rec_")) is recorder.dense[name]
    assert dense.ledger.shape == (4, 3, N_LEDGER) and dense.controller.dtype == np.int64


def test_parameter_codes_follow_the_parameters_declaration():
    """A parameter declared in sim.scenario.parameters gets its place in the kernel's vector and its
    P_ index without a line in sim.codes."""
    from sim import codes
    from sim.scenario import Parameters

    assert codes.PARAM_NAMES == tuple(Parameters.model_fields)
    for i, name in enumerate(Parameters.model_fields):
        assert getattr(codes, f"P_{name.upper()}") == i
    vector = codes.parameter_vector(Parameters(clash_rate=0.25))
    assert vector[codes.P_CLASH_RATE] == 0.25 and vector.shape == (len(Parameters.model_fields),)
