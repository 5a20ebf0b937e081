"""``sim.calibrate``: fit a scenario's free parameters to observed counts, check on held-back ones.

    spec = sim.calibration.CalibrationSpec.from_toml("calibrations/bcs_2014.toml")
    result = sim.calibrate(spec, out="outputs/calibrations/bcs_2014", workers=2)
    result["check"]          # coverage of the held-back observations, distances

The folder holds ``calibration.json`` (inputs, hashes, versions, wall time, the check),
``best.toml`` (the best point as a scenario variant), ``posterior.parquet``,
``trace.parquet``, ``predictive.parquet`` (bands per observation), ``evaluations.db``
(every point evaluated) and the method's own database (``abc.db`` or ``optuna.db``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from concurrent.futures import Executor
from contextlib import ExitStack
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from ..folder_lock import FolderBusyError, folder_lock
from ..scenario import ScenarioError, load_scenario
from ..sweep import MODEL_ROOTS, replicate_seeds, warm_up
from ..sweep_folder import model_changes, model_record
from .distance import DISTANCES
from .evaluator import Evaluator, LocalWorkers
from .observed import Observation, ObservedError, read_observed
from .outputs import write_outputs
from .predictive import bands, coverage, draw_points
from .simulate import days_needed, observation_table
from .spec import CalibrationError, CalibrationSpec
from .store import EvaluationStore

PREDICTIVE_STAGE = -1000  # evaluation-store stage of the predictive runs
# the modules whose source decides an evaluation (with those they import)
CALIBRATION_ROOTS = tuple(sorted({*MODEL_ROOTS, "sim.calibration.simulate", "sim.runner"}))


def calibrate(spec: CalibrationSpec | str | os.PathLike, out: str | os.PathLike,
              executor: Executor | None = None, workers: int | None = None,
              resume: bool = False, progress: bool = True) -> dict:
    """Run (or resume) a calibration into ``out``; returns what ``calibration.json`` holds
    plus ``posterior`` and ``trace`` DataFrames and the ``predictive`` bands.

    Args:
        spec: a CalibrationSpec, or the path of a calibration file.
        executor: any ``concurrent.futures.Executor`` (e.g. ``dask_client.get_executor()``);
            default: local processes, or this process when ``workers == 1``.
        workers: local worker processes when no executor is given (default: all cores).
        resume: continue a calibration whose folder holds an interrupted run of it.
    """
    started = time.perf_counter()
    out = Path(out)
    if not isinstance(spec, CalibrationSpec):
        spec = CalibrationSpec.from_toml(spec)
    scenario, observations, held_back = _inputs(spec)
    record = _record(spec, scenario)
    try:
        with folder_lock(out):
            return _calibrate(spec, out, scenario, observations, held_back, record, executor,
                              workers, resume, progress, started)
    except FolderBusyError as exc:
        raise CalibrationError(f"another calibration is running in {out}: {exc}; wait for "
                               "it to finish, or choose another folder") from None


def _calibrate(spec, out, scenario, observations, held_back, record, executor, workers,
               resume, progress, started) -> dict:
    _prepare_folder(out, record, resume)
    scenario_json = scenario.model_dump_json()
    fit_columns = ~np.array(held_back)
    distance = DISTANCES[spec.distance]
    observed = np.array([o.value for o in observations])
    common = {"scenario": scenario_json, "days": days_needed(scenario, observations),
              "observations": observation_table(observations),
              "seeds": replicate_seeds(spec.seed, spec.replicates)}
    store = EvaluationStore(out / "evaluations.db")
    with ExitStack() as stack:
        stack.callback(store.close)
        bar = stack.enter_context(_progress(progress))
        if executor is None and workers != 1:
            executor = LocalWorkers(workers, initializer=warm_up, initargs=(scenario_json,))
            stack.callback(executor.close)
        evaluate = Evaluator(common, store, executor, bar)

        def score(batch):
            return [{"distance": distance(c[:, fit_columns], observed[fit_columns])}
                    for c in evaluate(batch)]

        posterior, trace, best = _run_method(spec, score, out)
        points = draw_points(posterior, spec.paths, spec.predictive_draws, spec.seed)
        seeds = replicate_seeds(spec.seed + 1, spec.predictive_draws)
        predictive = np.concatenate(evaluate(
            [((PREDICTIVE_STAGE, i), p) for i, p in enumerate(points)],
            seeds=[[s] for s in seeds]))
        evaluations = store.count()
    table = bands(observations, predictive, held_back)
    check = {**coverage(table),
             "distance_fit": distance(predictive[:, fit_columns], observed[fit_columns]),
             "distance_check": (distance(predictive[:, ~fit_columns], observed[~fit_columns])
                                if (~fit_columns).any() else None)}
    record.update(best=best, check=check, evaluations=evaluations,
                  points_this_run=evaluate.points, simulations_this_run=evaluate.simulations,
                  wall_seconds=round(time.perf_counter() - started, 2))
    write_outputs(out, spec, record, posterior, trace, table)
    return {**record, "posterior": posterior, "trace": trace, "predictive": table}


def _run_method(spec: CalibrationSpec, score, out: Path):
    """(posterior with a ``weight`` column, trace, best point) of the spec's method."""
    if spec.method == "optuna":
        from .optuna_method import run_optuna

        best, trace = run_optuna(spec, score, out)
        return pd.DataFrame([{**best, "weight": 1.0}]), trace, best
    from .abc_method import run_abc

    posterior, trace = run_abc(spec, score, out)
    return posterior, trace, _weighted_median(posterior, spec.paths)


def _weighted_median(posterior: pd.DataFrame, paths: list[str]) -> dict:
    weights = posterior["weight"].to_numpy()
    best = {}
    for path in paths:
        order = np.argsort(posterior[path].to_numpy(), kind="stable")
        cumulative = np.cumsum(weights[order]) / weights.sum()
        best[path] = float(posterior[path].to_numpy()[order][np.searchsorted(cumulative, 0.5)])
    return best


def _inputs(spec: CalibrationSpec):
    """The scenario, the observations in the fit or check period, and which are held back."""
    try:
        scenario = load_scenario(spec.scenario)
        for end in ("low", "high"):
            scenario.with_overrides({p: getattr(v, end) for p, v in spec.parameters.items()})
        observations = read_observed(spec.observed, [p.name for p in scenario.plazas])
    except (ScenarioError, ObservedError) as exc:
        raise CalibrationError(str(exc)) from None
    start = pd.Timestamp(scenario.simulation.start)
    chosen, held_back, problems = [], [], []
    for o in observations:
        where = [name for name, period in (("fit", spec.fit), ("check", spec.check))
                 if period is not None and _inside(o, period)]
        if o.start < start:
            problems.append(f"{spec.observed}: row {o.row}: period {o.period} starts before "
                            f"the scenario ({start.date()}); drop the row or move the "
                            "scenario's start")
        elif where:
            chosen.append(o)
            held_back.append(where[0] == "check")
    if problems:
        raise CalibrationError("\n".join(problems))
    if not any(not h for h in held_back):
        raise CalibrationError(f"{spec.observed}: no observation lies inside the fit period "
                               f"{spec.fit[0]}..{spec.fit[1]}; widen 'fit' or add rows")
    return scenario, chosen, held_back


def _inside(o: Observation, period) -> bool:
    return pd.Timestamp(period[0]) <= o.start and o.end <= pd.Timestamp(period[1])


def _record(spec: CalibrationSpec, scenario) -> dict:
    """Inputs, the model (as sweeps record it: version, source hashes, resolved scenario)
    and versions. Imports only the chosen method's library (ModuleNotFoundError if absent)."""
    library = "optuna" if spec.method == "optuna" else "pyabc"
    method_version = importlib.import_module(library).__version__
    observed_bytes = Path(spec.observed).read_bytes()
    return {"inputs": {"spec": spec.model_dump(mode="json"),
                       "observed_sha256": hashlib.sha256(observed_bytes).hexdigest(),
                       "scenario_sha256": scenario.source_sha256},
            "model": model_record(scenario, CALIBRATION_ROOTS),
            "versions": {"cartel-sim": metadata.version("cartel-sim"), library: method_version,
                         "numpy": np.__version__}}


def _prepare_folder(out: Path, record: dict, resume: bool) -> None:
    record_file = out / "calibration.json"
    if record_file.exists():
        previous = json.loads(record_file.read_text())
        if previous.get("inputs") != json.loads(json.dumps(record["inputs"])):
            raise CalibrationError(f"{out} holds another calibration (or its inputs changed "
                                   "since); choose another folder")
        if not resume:
            raise CalibrationError(f"{out} holds a run of this calibration; pass resume=True "
                                   "(--resume) to continue it, or choose another folder")
        if "model" not in previous:
            changes = ["calibration.json does not record the model (written by an older "
                       "cartel-sim)"]
        else:
            changes = model_changes(previous["model"], record["model"])
        if changes:
            raise CalibrationError(
                f"{out} was started by another model ({'; '.join(changes)}); resuming would "
                "mix evaluations of two models. Start the calibration again in another folder "
                f"(or after deleting {out}), or resume it with the model it started with")
        return
    if out.exists() and any(out.iterdir()):
        raise CalibrationError(f"{out} exists and is not a calibration folder; choose another "
                               "folder")
    out.mkdir(parents=True, exist_ok=True)
    tmp = record_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(record, indent=2))
    os.replace(tmp, record_file)


def _progress(enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(unit="point", disable=not enabled, desc="calibrate", smoothing=0.1)
