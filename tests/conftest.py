"""Shared fixtures: the shipped scenarios, cached runs of them, and tiny hand-made scenarios.

Runs are cached per test process (pytest-xdist gives each worker its own session), so a
scenario and seed is simulated once however many tests read its tables.
"""

from __future__ import annotations

import copy
import functools
import math
from pathlib import Path

import numpy as np
import pytest

import sim
from sim import rng
from sim.scenario import Scenario
from sim.state import build_state

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_DIR = ROOT / "scenarios"
SHIPPED = sorted(p.stem for p in SCENARIO_DIR.glob("*.toml"))
TABLES = ("violence", "control", "organizations")


def uniforms(seed, stream, step, a_ids, b=0, counter=0) -> np.ndarray:
    """float (len(a_ids),): sim.rng's uniform(key(seed, stream, step, a, b), counter) per id."""
    return np.array([rng.uniform(rng.key(seed, stream, step, int(a), b), counter) for a in a_ids])


@functools.cache
def shipped_scenario(name: str) -> Scenario:
    return sim.load_scenario(SCENARIO_DIR / f"{name}.toml")


@functools.cache
def finished_model(name: str, seed: int) -> sim.CartelModel:
    """A model of a shipped scenario run to its end (shared: do not step it further)."""
    model = sim.CartelModel(shipped_scenario(name), rng=seed)
    model.run_for(model.n_steps)
    return model


GENERIC_DAYS = 730  # tests run on every shipped scenario look at its first two years


@functools.cache
def generic_model(name: str, seed: int) -> sim.CartelModel:
    """A shipped scenario's model run for its first GENERIC_DAYS at most (the 10- and
    20-year national scenarios are checked on their first years, the others to the end)."""
    scenario = shipped_scenario(name)
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(min(model.n_steps, math.ceil(GENERIC_DAYS / scenario.simulation.step_days)))
    return model


@functools.cache
def shipped_results(name: str, seed: int) -> sim.Results:
    return finished_model(name, seed).results()


def initial_members(scenario: Scenario) -> np.ndarray:
    """Members per organization row at the start, from the initial state arrays (O,)."""
    state, _ = build_state(scenario)
    n_org = state.org_id.shape[0]
    return np.array([state.cell_members[state.cell_active & (state.cell_org == o)].sum()
                     for o in range(n_org)], dtype=np.int64)


# Every rate that makes something happen, switched off: a tiny scenario turns on only the
# mechanism it tests.
QUIET = {
    "background_homicides_per_100k_year": 0.0,
    "clash_rate": 0.0,
    "assassination_rate": 0.0,
    "collateral_per_clash": 0.0,
    "kidnap_rate": 0.0,
    "arrest_rate": 0.0,
    "police_killed_per_arrest": 0.0,
    "corruption_rate": 0.0,
    "federal_purge_rate": 0.0,
    "recruit_rate": 0.0,
    "hire_rate": 0.0,
    "move_rate": 0.0,
    "desertion_rate": 0.0,
    "grievance_weight": 0.0,
    "intel_weight": 0.0,
    "saturation_rate": 0.0,
    "national_arrests_per_day": 0.0,
    "split_probability": 0.0,
    "neutral_conflict_factor": 0.0,
    "ally_conflict_factor": 0.0,
    "attack_threshold": 1e9,  # nobody attacks unless a test says so
}


def tiny(parameters: dict | None = None, days: int = 100, **sections) -> Scenario:
    """A validated scenario: two organizations A and B in one plaza "P" of 100,000 people,
    A controlling it, 100 members each, neutral, every rate off except ``parameters``.

    ``sections`` replace whole top-level entries (organizations, plazas, cells, police,
    relations, events, triggers, simulation).
    """
    data = {
        "name": "tiny",
        "simulation": {"start": "2020-01-01", "days": days},
        "parameters": {**QUIET, **(parameters or {})},
        "organizations": [{"name": "A", "aggression": 0.0, "treasury": 1e9},
                          {"name": "B", "aggression": 0.0, "treasury": 1e9}],
        "plazas": [{"name": "P", "population": 100_000, "controller": "A"}],
        "cells": [{"organization": "A", "plaza": "P", "members": 100},
                  {"organization": "B", "plaza": "P", "members": 100}],
    }
    for key, value in sections.items():
        data[key] = copy.deepcopy(value)
    return Scenario.model_validate(data)


@pytest.fixture(scope="session")
def bcs():
    return shipped_scenario("bcs_2014")
