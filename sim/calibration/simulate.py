"""Simulating the observations at one parameter point: the part that runs in worker processes.

A point's evaluation is a matrix of shape (replicates, observations): what each replicate
run (paired seeds) gives for each observed count, over the same period, region and measure
(homicides, the rows of one violence type, or the plazas an organization holds);
in a joint fit, every episode is run with the same seeds and their observation columns are
put side by side. It depends only on the point and the seeds, so it is the same whatever
process computes it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..codes import BACKGROUND, LETHAL_TYPES, TYPE_NAMES
from ..engine import Engine
from ..results import time_axis
from ..runner import for_days, run_engine
from ..scenario import Scenario
from .observed import CONTROL_MEASURE, Observation


def observation_table(observations: list[Observation]) -> list[dict]:
    """Plain records of what the workers need to measure: start, end, plazas, measure,
    organization."""
    return [{"start": o.start.isoformat(), "end": o.end.isoformat(), "plazas": list(o.plazas),
             "measure": o.measure, "organization": o.organization} for o in observations]


def days_needed(scenario: Scenario, observations: list[Observation]) -> int:
    """Days to simulate so that the last observation's period is covered."""
    last = max(o.end for o in observations)
    return int((last - pd.Timestamp(scenario.simulation.start)).days) + 1


@lru_cache(maxsize=8)
def _scenario(scenario_json: str) -> Scenario:
    return Scenario.model_validate_json(scenario_json)


def evaluate_point(task: dict) -> tuple[tuple, np.ndarray]:
    """Run one point on every episode over its seeds; returns (task key, counts of shape
    (seeds, observations of all episodes)).

    ``task``: episodes (a list of {scenario (JSON), days, observations (records of
    :func:`observation_table`)}), overrides {path: value}, seeds, key (any label, returned
    unchanged).
    """
    parts = []
    for episode in task["episodes"]:
        scenario = _scenario(episode["scenario"]).with_overrides(task["overrides"])
        counts = np.empty((len(task["seeds"]), len(episode["observations"])))
        for r, seed in enumerate(task["seeds"]):
            counts[r] = simulate_counts(scenario, int(seed), episode["days"],
                                        episode["observations"])
        parts.append(counts)
    return tuple(task["key"]), np.concatenate(parts, axis=1)


def simulate_counts(scenario: Scenario, seed: int, days: int,
                    observations: list[dict]) -> np.ndarray:
    """One run's value for each observation, shape (observations,) (see :func:`measure`)."""
    scenario, steps = for_days(scenario, days)
    engine, _ = run_engine(scenario, seed, steps)
    return measure(engine, observations)


def measure(engine: Engine, observations: list[dict]) -> np.ndarray:
    """A run's value for each observation, shape (observations,): the count of its measure
    within its period and region. ``homicides`` and ``conflict_homicides`` sum the lethal
    rows (as :func:`sim.results.count_homicides` counts them; the second without
    ``background``); a violence type's name sums that type's rows, lethal or not (as the
    violence table's ``count`` column gives them); ``plazas_held`` is the mean over the
    period's steps of the region's plazas whose controller is on the organization's side
    (as the control table's ``controller`` column gives them).

    Read from the engine's kernel rows, not from its tables: building the Results tables
    cost more than half of a short run, and the rows' sums by key are the tables' counts."""
    rows = engine.recorder.violence_rows()
    step_dates = time_axis(engine.t, engine.scenario.simulation.start,
                           engine.dt)["date"].to_numpy()
    dates, plazas, types, counts = step_dates[rows[:, 0]], rows[:, 1], rows[:, 2], rows[:, 6]
    names = list(engine.names.plazas)
    values = np.empty(len(observations))
    for i, obs in enumerate(observations):
        region = [names.index(p) for p in obs["plazas"]] or list(range(len(names)))
        if obs["measure"] == CONTROL_MEASURE:
            values[i] = _plazas_held(engine, step_dates, obs, region)
            continue
        inside = _within(dates, obs) & _of_measure(types, obs["measure"])
        if obs["plazas"]:
            inside &= np.isin(plazas, region)
        values[i] = counts[inside].sum()
    return values


def _within(dates: np.ndarray, obs: dict) -> np.ndarray:
    return (dates >= np.datetime64(obs["start"])) & (dates <= np.datetime64(obs["end"]))


def _plazas_held(engine: Engine, step_dates: np.ndarray, obs: dict, region: list[int]
                 ) -> float:
    """Mean over the observation's steps of the ``region`` plazas held by its organization's
    side (NaN if the run recorded none of its steps)."""
    org_names = list(engine.names.organizations)
    side = [org_names.index(o) for o in engine.scenario.side(obs["organization"])
            if o in org_names]  # a named splinter exists only once it has formed
    controller = engine.recorder.dense["rec_controller"][:engine.t][_within(step_dates, obs)]
    held = np.isin(controller[:, region], side).sum(axis=1)
    return float(held.mean()) if len(held) else float("nan")


def _of_measure(types: np.ndarray, measure: str) -> np.ndarray:
    """Which rows of type codes ``types`` (shape (rows,)) a measure counts, shape (rows,)."""
    if measure == "homicides":
        return LETHAL_TYPES[types]
    if measure == "conflict_homicides":
        return LETHAL_TYPES[types] & (types != BACKGROUND)
    return types == TYPE_NAMES.index(measure)
