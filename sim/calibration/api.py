"""``sim.calibrate``: fit a scenario's free parameters to observed counts, check on held-back ones.

    spec = sim.calibration.CalibrationSpec.from_toml("calibrations/bcs_2014.toml")
    result = sim.calibrate(spec, out="outputs/calibrations/bcs_2014", workers=2)
    result["check"]          # coverage of the held-back observations, distances

The folder holds ``calibration.json`` (inputs, hashes, versions, wall time, the check),
``best.toml`` (the best point as a scenario variant), ``posterior.parquet``,
``trace.parquet``, ``predictive.parquet`` (bands per observation), ``evaluations.db``
(every point evaluated) and the method's own database (``abc.db`` or ``optuna.db``).
A joint fit (``[[episodes]]``) runs each point on every episode with the same seeds; its
distance is the weighted mean of the episodes' distances; it writes ``best_parameters.toml``
and, per episode, ``<name>/best.toml``, ``predictive.parquet`` and ``figures/check.png``.
"""

from __future__ import annotations

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
from ..sweep import MODEL_ROOTS, replicate_seeds
from ..sweep_folder import model_changes, model_record
from .episodes import EpisodeInputs, inputs_record, load_episodes, weighted_distance
from .evaluator import Evaluator, LocalWorkers, warm_up_episodes
from .outputs import write_outputs
from .predictive import bands, coverage, draw_points
from .spec import CalibrationError, CalibrationSpec
from .store import EvaluationStore

PREDICTIVE_STAGE = -1000  # evaluation-store stage of the predictive runs
# the modules whose source decides an evaluation (with those they import)
CALIBRATION_ROOTS = tuple(sorted({*MODEL_ROOTS, "sim.calibration.simulate", "sim.runner"}))


def calibrate(spec: CalibrationSpec | str | os.PathLike, out: str | os.PathLike,
              executor: Executor | None = None, workers: int | None = None,
              resume: bool = False, progress: bool = True) -> dict:
    """Run (or resume) a calibration into ``out``; returns what ``calibration.json`` holds
    plus ``posterior`` and ``trace`` DataFrames and the ``predictive`` bands (in a joint
    fit, with an ``episode`` column).

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
    episodes = load_episodes(spec)
    record = _record(spec, episodes)
    try:
        with folder_lock(out):
            return _calibrate(spec, out, episodes, record, executor, workers, resume,
                              progress, started)
    except FolderBusyError as exc:
        raise CalibrationError(f"another calibration is running in {out}: {exc}; wait for "
                               "it to finish, or choose another folder") from None


def _calibrate(spec, out, episodes, record, executor, workers, resume, progress,
               started) -> dict:
    _prepare_folder(out, record, resume)
    tasks = [e.task() for e in episodes]
    common = {"episodes": tasks, "seeds": replicate_seeds(spec.seed, spec.replicates)}
    store = EvaluationStore(out / "evaluations.db")
    with ExitStack() as stack:
        stack.callback(store.close)
        bar = stack.enter_context(_progress(progress))
        if executor is None and workers != 1:
            executor = LocalWorkers(workers, initializer=warm_up_episodes,
                                    initargs=([t["scenario"] for t in tasks],))
            stack.callback(executor.close)
        evaluate = Evaluator(common, store, executor, bar)

        def score(batch):
            return [{"distance": weighted_distance(episodes, spec.distance, c)}
                    for c in evaluate(batch)]

        posterior, trace, best = _run_method(spec, score, out)
        points = draw_points(posterior, spec.paths, spec.predictive_draws, spec.seed)
        seeds = replicate_seeds(spec.seed + 1, spec.predictive_draws)
        predictive = np.concatenate(evaluate(
            [((PREDICTIVE_STAGE, i), p) for i, p in enumerate(points)],
            seeds=[[s] for s in seeds]))
        evaluations = store.count()
    tables = {e.name: bands(e.observations, predictive[:, e.columns], list(e.held_back))
              for e in episodes}
    checks = {e.name: {**coverage(tables[e.name]),
                       "distance_fit": e.distance(spec.distance, predictive),
                       "distance_check": e.distance(spec.distance, predictive, held_back=True)}
              for e in episodes}
    if spec.joint:
        check = {"distance_fit": weighted_distance(episodes, spec.distance, predictive),
                 "distance_check": weighted_distance(episodes, spec.distance, predictive,
                                                     held_back=True),
                 "episodes": checks}
        table = pd.concat([t.assign(episode=name) for name, t in tables.items()],
                          ignore_index=True)
    else:
        (check,), (table,) = checks.values(), tables.values()
    record.update(best=best, check=check, evaluations=evaluations,
                  points_this_run=evaluate.points, simulations_this_run=evaluate.simulations,
                  wall_seconds=round(time.perf_counter() - started, 2))
    write_outputs(out, spec, record, posterior, trace, tables)
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


def _record(spec: CalibrationSpec, episodes: list[EpisodeInputs]) -> dict:
    """Inputs, the model (as sweeps record it: version, source hashes, resolved scenario;
    in a joint fit, per episode) and versions. Imports only the chosen method's library
    (ModuleNotFoundError if absent)."""
    library = "optuna" if spec.method == "optuna" else "pyabc"
    method_version = importlib.import_module(library).__version__
    models = {e.name: model_record(e.scenario, CALIBRATION_ROOTS) for e in episodes}
    return {"inputs": inputs_record(spec, episodes),
            "model": {"episodes": models} if spec.joint else models[episodes[0].name],
            "versions": {"cartel-sim": metadata.version("cartel-sim"), library: method_version,
                         "numpy": np.__version__}}


def _model_changes(previous: dict, model: dict) -> list[str]:
    """How the model that started the calibration differs from this one, in words; in a
    joint fit, a scenario's resolved parameters are named with their episode."""
    if "episodes" not in model:
        return model_changes(previous, model)
    changes: list[str] = []
    for name, record in model["episodes"].items():
        for change in model_changes(previous["episodes"][name], record):
            shared = change.startswith(("cartel-sim", "source changed"))
            change = change if shared else f"episode {name}: {change}"
            if change not in changes:
                changes.append(change)
    return changes


def _prepare_folder(out: Path, record: dict, resume: bool) -> None:
    record_file = out / "calibration.json"
    if record_file.exists():
        previous = json.loads(record_file.read_text())
        inputs = json.loads(json.dumps(record["inputs"]))
        if previous.get("inputs") != inputs:
            raise CalibrationError(f"{out} holds another calibration (or its inputs changed "
                                   f"since: {_changed(previous.get('inputs'), inputs)}); "
                                   "choose another folder")
        if not resume:
            raise CalibrationError(f"{out} holds a run of this calibration; pass resume=True "
                                   "(--resume) to continue it, or choose another folder")
        if "model" not in previous:
            changes = ["calibration.json does not record the model (written by an older "
                       "cartel-sim)"]
        else:
            changes = _model_changes(previous["model"], record["model"])
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


def _changed(previous, inputs, prefix: str = "") -> str:
    """The entries of calibration.json's ``inputs`` that differ, as dotted keys; a digest
    table (``scenario_sha256``: file -> SHA-256) names the files that changed."""
    if not (isinstance(previous, dict) and isinstance(inputs, dict)):
        return prefix.rstrip(".") or "inputs"
    if prefix.endswith("_sha256."):
        files = sorted(f for f in previous.keys() | inputs.keys()
                       if previous.get(f) != inputs.get(f))
        return f"{prefix.rstrip('.')} of {', '.join(files)}"
    return ", ".join(_changed(previous.get(k), inputs.get(k), f"{prefix}{k}.")
                     for k in sorted(previous.keys() | inputs.keys())
                     if previous.get(k) != inputs.get(k))


def _progress(enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(unit="point", disable=not enabled, desc="calibrate", smoothing=0.1)
