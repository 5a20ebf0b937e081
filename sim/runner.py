"""One-call entry points: run a scenario once, or over replicate seeds.

They drive the engine (:mod:`sim.engine`) with the compiled kernel directly, as
:class:`sim.CartelModel` does, without its Mesa agents: the same results, bit for bit
(tests/test_runner.py), and no Mesa import (about half a second of a ``cartel-sim run``).
"""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from . import kernel
from .engine import Engine
from .results import Results, run_results
from .scenario import Scenario


def run(scenario: Scenario, seed: int = 0, days: int | None = None) -> Results:
    """Run a scenario to its end, or for ``days`` days, and return its :class:`Results`.

    Fewer days than the scenario's run its beginning (later events never happen); more
    days extend it.
    """
    scenario, steps = for_days(scenario, days)
    return simulate(scenario, seed, steps)


def simulate(scenario: Scenario, seed: int, steps: int, pieces: int = 1,
             after_piece: Callable[[int], object] | None = None) -> Results:
    """Results of the first ``steps`` steps of ``scenario`` at ``seed``, the same as
    ``CartelModel(scenario, rng=seed)`` run for ``steps`` steps gives. The steps run in
    about ``pieces`` pieces, ``after_piece(steps done)`` called after each (a progress
    bar): the same results as one (the draws are keyed by step, not by call)."""
    return run_results(*run_engine(scenario, seed, steps, pieces, after_piece))


def run_engine(scenario: Scenario, seed: int, steps: int, pieces: int = 1,
               after_piece: Callable[[int], object] | None = None) -> tuple[Engine, float]:
    """The engine of :func:`simulate` after its ``steps`` steps, and the seconds they took
    (for a caller that reads the kernel's rows rather than the tables)."""
    engine = Engine(scenario, checked_seed(seed), kernel.step)
    engine.run_until(0)  # spin-up, unrecorded
    piece, wall_seconds = max(1, steps // pieces), 0.0
    while engine.t < steps:
        started = time.perf_counter()
        engine.run_until(min(engine.t + piece, steps))
        wall_seconds += time.perf_counter() - started
        if after_piece is not None:
            after_piece(engine.t)
    return engine, wall_seconds


def checked_seed(seed: int | None) -> int:
    """A replicate seed: ``seed`` as an int, or a random one for None; a ValueError unless
    it is from 0 to 2**63 - 1 (the draws' keys are int64)."""
    seed = secrets.randbits(63) if seed is None else int(seed)
    if not 0 <= seed < 2**63:
        raise ValueError(f"seed must be a whole number from 0 to 2**63 - 1 (got {seed})")
    return seed


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
