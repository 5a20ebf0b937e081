"""One-call entry points: run a scenario once, or over replicate seeds."""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .model import CartelModel
from .results import Results
from .scenario import Scenario


def run(scenario: Scenario, seed: int = 0, days: int | None = None) -> Results:
    """Run a scenario to its end, or for ``days`` days, and return its :class:`Results`.

    Fewer days than the scenario's run its beginning (later events never happen); more
    days extend it.
    """
    scenario, steps = for_days(scenario, days)
    model = CartelModel(scenario, rng=seed)
    model.run_for(steps)
    return model.results()


def for_days(scenario: Scenario, days: int | None) -> tuple[Scenario, int]:
    """The scenario and number of steps that simulate ``days`` days (None: the file's)."""
    if days is None:
        return scenario, scenario.n_steps
    steps = math.ceil(days / scenario.simulation.step_days)
    if steps > scenario.n_steps:
        scenario = scenario.with_overrides({"simulation.days": int(days)})
    return scenario, steps


class Replicates(list):
    """Results of one scenario over several seeds, in seed order."""

    @property
    def seeds(self) -> list[int]:
        return [r.seed for r in self]

    def homicides(self, freq: str = "MS", conflict_only: bool = False) -> pd.DataFrame:
        """Homicides per period, one column per seed."""
        return pd.DataFrame(
            {r.seed: r.homicides(freq, conflict_only=conflict_only) for r in self}
        )

    def bands(self, freq: str = "MS", quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)) -> pd.DataFrame:
        """Replicate mean and quantiles (the 50% and 90% bands) of homicides per period."""
        table = self.homicides(freq)
        out = table.quantile(list(quantiles), axis=1).T
        out.columns = [f"q{round(q * 100):02d}" for q in quantiles]
        out.insert(0, "mean", table.mean(axis=1))
        return out


def run_many(scenario: Scenario, seeds: Iterable[int], days: int | None = None) -> Replicates:
    """Run the scenario once per seed. Seeds are paired across scenarios: the same seed
    gives the same draws wherever two scenarios agree (common random numbers)."""
    return Replicates(run(scenario, seed=int(s), days=days) for s in np.atleast_1d(list(seeds)))
