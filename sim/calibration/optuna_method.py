"""The best point by Optuna's TPE, asked and told in batches, the study in SQLite.

Each trial is proposed by a TPE sampler seeded from (root seed, trial number), which sees
only the completed trials: the proposal depends on the trials before its batch and its
number, not on timing, so serial and parallel runs agree. A batch is asked, evaluated
through the executor (each point stored as it completes), then told in trial order.
Batches are fixed ranges of trial numbers (0 to batch - 1, ...). After a kill, a resumed
study finishes the batch of the first unfinished trial: it asks the trials of that range
not yet asked, evaluates those not in the store (once), tells those not yet told, then
goes on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import optuna
import pandas as pd
from optuna.distributions import FloatDistribution
from optuna.trial import TrialState

from .spec import CalibrationSpec

STAGE = 0  # evaluation-store stage of every trial (the index is the trial number)


def run_optuna(spec: CalibrationSpec, score, out: Path) -> tuple[dict, pd.DataFrame]:
    """Run (or resume) the study; returns the best point and the trace (one row per trial:
    ``trial``, ``distance`` and the parameters).

    ``score``: [(key, parameters)] -> [{"distance": float}], in order.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name="calibration", direction="minimize",
                                storage=f"sqlite:///{out / 'optuna.db'}", load_if_exists=True)
    distributions = {path: FloatDistribution(p.low, p.high, log=p.prior == "loguniform")
                     for path, p in spec.parameters.items()}
    settings = spec.optuna
    while True:
        trials = study.get_trials(deepcopy=False)
        unfinished = [t.number for t in trials if t.state != TrialState.COMPLETE]
        first = unfinished[0] if unfinished else len(trials)
        if first >= settings.trials:
            break
        # batches are fixed ranges of trial numbers; a killed run may have told part of one
        start = first - first % settings.batch
        end = min(start + settings.batch, settings.trials)
        batch = [(t.number, t.params) for t in trials[start:end]
                 if t.state == TrialState.RUNNING]
        for number in range(len(trials), end):
            study.sampler = optuna.samplers.TPESampler(
                seed=int(np.random.SeedSequence([spec.seed, number]).generate_state(1)[0]),
                multivariate=True)
            trial = study.ask(distributions)
            batch.append((trial.number, trial.params))
        scored = score([((STAGE, number), params) for number, params in batch])
        for (number, _), result in zip(batch, scored):
            study.tell(number, result["distance"])
    trace = pd.DataFrame([{"trial": t.number, "distance": t.value, **t.params}
                          for t in study.get_trials(states=(TrialState.COMPLETE,))])
    return dict(study.best_params), trace
