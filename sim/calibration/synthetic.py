"""Synthetic observations: a scenario run at known parameter values, written as an
observed-data file, so a calibration can be checked by recovering those values."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..scenario import Scenario
from ..sweep import replicate_seeds
from .observed import Observation, period_bounds
from .simulate import days_needed, observation_table, simulate_counts


def half_years(scenario: Scenario) -> list[str]:
    """Consecutive six-month periods (``2013-01..2013-06``, ...) from the first month that
    starts within the scenario, each simulated whole."""
    start = pd.Timestamp(scenario.simulation.start)
    end = start + pd.Timedelta(days=scenario.simulation.days - 1)
    halves = pd.date_range(start, end, freq="6MS")
    return [f"{h:%Y-%m}..{h + pd.DateOffset(months=5):%Y-%m}" for h in halves
            if h + pd.DateOffset(months=6) - pd.Timedelta(days=1) <= end]


def write_synthetic_observed(scenario: Scenario, truth: dict[str, float], periods: list[str],
                             path: str | os.PathLike, runs: int = 20, seed: int = 12345) -> Path:
    """Write an observed-data CSV: for each period, all and conflict homicides of the whole
    scenario, each the mean of ``runs`` runs at ``truth`` (seeds from ``seed``)."""
    source = (f"synthetic: mean of {runs} runs of {scenario.name} at "
              + "; ".join(f"{k} = {v:g}" for k, v in truth.items()))
    observations = [Observation(0, *period_bounds(p), (), m, 0.0, source, p)
                    for p in periods for m in ("homicides", "conflict_homicides")]
    at_truth = scenario.with_overrides(truth)
    days, records = days_needed(scenario, observations), observation_table(observations)
    counts = np.array([simulate_counts(at_truth, s, days, records)
                       for s in replicate_seeds(seed, runs)])
    lines = ["period,region,measure,value,source"] + [
        f"{o.period},all,{o.measure},{value:.2f},\"{o.source}\""
        for o, value in zip(observations, counts.mean(axis=0))]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
