"""ABC-SMC with pyabc, deterministic and resumable: a sampler of fixed, seeded batches.

pyabc's own samplers accept particles in the order they finish (so a parallel run is not
reproducible) and lose the generation in progress when killed. :class:`BatchSampler`
keeps pyabc's SMC machinery (transitions, adaptive epsilon, weights, the populations in
its SQLite history) and changes only how a generation is sampled:

1. seed numpy's global generator (the one pyabc's priors and transitions draw from) from
   (root seed, generation, batch) and let pyabc propose ``batch`` particles with a model
   that only records the proposals;
2. evaluate the proposals through our executor, each stored as it completes
   (:class:`~sim.calibration.store.EvaluationStore`, key (generation, index));
3. seed again and let pyabc propose the same particles, now with the model answering from
   the stored counts; keep them in index order up to the population size.

The proposals depend only on the seed and the previous population (which pyabc reads back
from its history), so a serial and a parallel run, or a killed and resumed one, give the
same populations; a resumed generation finds its finished evaluations in the store.

pyabc works on each parameter's prior quantile, uniform on [0, 1], not on the value: its
perturbation kernels are multivariate normals, and with values of scales as far apart as
a rate of 1e-4 and a multiplier of 10 their covariance is numerically singular (scipy then
gives proposals a density of 0 and the weights become NaN).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pyabc

from .spec import CalibrationSpec

# pyabc draws its calibration sample (for the first epsilon) as generation -1
FIRST_STAGE = -1


class _ReplayModel(pyabc.Model):
    """Records the proposed parameters (as values), or answers with the stored summary
    statistics."""

    def __init__(self, spec: CalibrationSpec):
        super().__init__(name="cartel-sim")
        self.spec = spec
        self.proposals: list[dict] = []
        self.answers: list[dict] | None = None

    def sample(self, pars) -> dict:
        if self.answers is None:
            self.proposals.append(to_values(self.spec, pars))
            return {"distance": 0.0}
        return self.answers.pop(0)


def _unit_names(spec: CalibrationSpec) -> dict[str, str]:
    """pyabc's name of each parameter's quantile: p0, p1, ... in the spec's order."""
    return {path: f"p{i}" for i, path in enumerate(spec.paths)}


def to_values(spec: CalibrationSpec, units) -> dict:
    """Parameter values from pyabc's quantiles (a mapping, or a DataFrame's columns)."""
    return {path: spec.parameters[path].value(units[name])
            for path, name in _unit_names(spec).items()}


class BatchSampler(pyabc.sampler.Sampler):
    """Samples each generation in seeded batches of fixed size, in index order."""

    def __init__(self, model: _ReplayModel, score, batch: int, seed: int):
        super().__init__()
        self.model, self.score, self.batch, self.seed = model, score, batch, seed
        self.show_progress = False

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):
        sample = self._create_empty_sample()
        evaluations, batch_number = 0, 0
        while sample.n_accepted < n and evaluations < max_eval:
            particles = self._batch(simulate_one, t, batch_number)
            for particle in particles:
                sample.append(particle)
                evaluations += 1
                if sample.n_accepted >= n:
                    break
            batch_number += 1
        self.nr_evaluations_ = evaluations
        sample.ok = sample.n_accepted >= n
        return sample

    def _batch(self, simulate_one, t: int, number: int) -> list:
        seed = int(np.random.SeedSequence([self.seed, t - FIRST_STAGE, number])
                   .generate_state(1)[0])
        self.model.proposals, self.model.answers = [], None
        np.random.seed(seed)
        for _ in range(self.batch):
            simulate_one()
        points = self.model.proposals
        first = number * self.batch
        scored = self.score([((t, first + i), p) for i, p in enumerate(points)])
        self.model.answers = list(scored)
        np.random.seed(seed)
        particles = [simulate_one() for _ in range(self.batch)]
        self.model.answers = None
        return particles


def _prior(spec: CalibrationSpec) -> pyabc.Distribution:
    return pyabc.Distribution(**{name: pyabc.RV("uniform", 0.0, 1.0)
                                 for name in _unit_names(spec).values()})


def run_abc(spec: CalibrationSpec, score, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run (or resume) ABC-SMC; returns the final population (one row per particle: the
    parameters and ``weight``) and the trace (one row per generation).

    ``score``: [(key, parameters)] -> [{"distance": float}], in order.

    The batches seed numpy's global generator (pyabc draws from it); the caller's state of
    that generator is restored on return.
    """
    state = np.random.get_state()
    try:
        return _run_abc(spec, score, out)
    finally:
        np.random.set_state(state)


def _run_abc(spec: CalibrationSpec, score, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    logging.getLogger("ABC").setLevel(logging.WARNING)
    model = _ReplayModel(spec)
    settings = spec.abc
    sampler = BatchSampler(model, score, settings.batch or settings.population, spec.seed)
    abc = pyabc.ABCSMC(model, _prior(spec), distance_function=lambda x, x0: x["distance"],
                       population_size=settings.population, sampler=sampler)
    db = out / "abc.db"
    url = f"sqlite:///{db}"
    history = abc.load(url, 1) if db.exists() else abc.new(url, {"distance": 0.0})
    remaining = settings.generations - (history.max_t + 1)
    if remaining > 0 and not _reached(history, settings.min_epsilon):
        history = abc.run(minimum_epsilon=settings.min_epsilon, max_nr_populations=remaining)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    population = pd.DataFrame(to_values(spec, frame.reset_index(drop=True)))
    population["weight"] = weights
    populations = history.get_all_populations()
    trace = populations[populations["t"] >= 0].rename(
        columns={"t": "generation", "samples": "simulations"}).reset_index(drop=True)
    return population, trace[["generation", "epsilon", "simulations", "population_end_time"]]


def _reached(history, min_epsilon: float) -> bool:
    populations = history.get_all_populations()
    return bool(len(populations)) and populations["epsilon"].iloc[-1] <= min_epsilon
