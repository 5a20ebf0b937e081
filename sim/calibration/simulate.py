"""Simulating the observations at one parameter point: the part that runs in worker processes.

A point's evaluation is a matrix of shape (replicates, observations): what each replicate
run (paired seeds) gives for each observed count, over the same period, region and measure;
in a joint fit, every episode is run with the same seeds and their observation columns are
put side by side. It depends only on the point and the seeds, so it is the same whatever
process computes it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..runner import run
from ..scenario import Scenario
from .observed import Observation


def observation_table(observations: list[Observation]) -> list[dict]:
    """Plain records of what the workers need to measure: start, end, plazas, measure."""
    return [{"start": o.start.isoformat(), "end": o.end.isoformat(), "plazas": list(o.plazas),
             "measure": o.measure} for o in observations]


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
            counts[r] = measure(run(scenario, seed=int(seed), days=episode["days"]),
                                episode["observations"])
        parts.append(counts)
    return tuple(task["key"]), np.concatenate(parts, axis=1)


def measure(results, observations: list[dict]) -> np.ndarray:
    """One run's value for each observation, shape (observations,): the lethal events of
    its violence table (as ``Results.homicides`` counts them) within the period, region
    and measure."""
    lethal = results.violence[results.violence["lethal"]]
    dates = lethal["date"].to_numpy()
    plazas = lethal["plaza"].astype(str).to_numpy()
    conflict = (lethal["type"] != "background").to_numpy()
    counts = lethal["count"].to_numpy()
    values = np.empty(len(observations))
    for i, obs in enumerate(observations):
        inside = ((dates >= np.datetime64(obs["start"])) & (dates <= np.datetime64(obs["end"])))
        if obs["plazas"]:
            inside &= np.isin(plazas, obs["plazas"])
        if obs["measure"] == "conflict_homicides":
            inside &= conflict
        values[i] = counts[inside].sum()
    return values
