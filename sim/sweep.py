"""Parameter sweeps: a design of points × replicate seeds, run through any Executor, resumable.

    spec = sim.SweepSpec(scenario="scenarios/bcs_2014.toml",
                         parameters={"parameters.clash_rate": (0.0001, 0.0004)},
                         design="lhs", n=16, replicates=10, seed=1)
    table = sim.sweep(spec, out="outputs/sweeps/clash")     # one row per run

The sweep folder holds ``spec.json`` (the spec, the design, the model that runs it:
:mod:`sim.sweep_folder`), ``parts/chunk-NNNNN.parquet`` (one per finished chunk of runs,
written atomically), optionally ``series/point=P/chunk-NNNNN.parquet`` (monthly homicides
per run, a Parquet dataset partitioned by design point), and ``runs.parquet`` (all runs,
sorted) once every chunk is done. A chunk's part, once verified, is the manifest entry that
it finished: an interrupted sweep resumes by running the chunks without one, so no run is
lost or done twice. One sweep at a time writes to a folder (:mod:`sim.folder_lock`); local
workers die with the sweep and a lost one's chunks run again (:mod:`sim.workers`). Every
design point uses the same replicate seeds (common random numbers), and a run's result
depends only on its parameters and seed, so the table is identical whatever executor ran it.
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from concurrent.futures import Executor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .designs import design_points, design_size
from .folder_lock import FolderBusyError, folder_lock
from .metrics import run_metrics
from .model import CartelModel
from .resources import check_sweep
from .rng import key, stream_id
from .runner import for_days
from .scenario import PathError, Scenario, ScenarioError, load_scenario
from .scenario.messages import error_lines
from .scenario.paths import get_values
from .sweep_folder import (
    PARTS,
    RUNS,
    SAME_SWEEP,
    SERIES,
    SweepError,
    model_changes,
    model_record,
    part_name,
    read_manifest,
    remove_leftovers,
    verified_chunks,
    write_atomic,
    write_manifest,
)
from .workers import run_on_workers

# what a run executes (run_chunk): their modules and those they import decide its results
MODEL_ROOTS = tuple(sorted({f.__module__ for f in (CartelModel, run_metrics, for_days,
                                                    Scenario)}))


class SweepSpec(BaseModel):
    """What to run: a scenario, parameters with ranges, a design, replicates.

    ``parameters`` maps a dotted path (any scenario field: ``parameters.clash_rate``,
    ``plazas[name=La Paz].population``, ``police[kind=state].integrity``) to a range
    ``(low, high)``; with ``design="points"`` give ``points`` instead, a list of
    {path: value}. ``n`` means: grid, levels per parameter; lhs and sobol, points; saltelli,
    the base sample (n (k + 2) points for k parameters, first-order and total indices);
    morris, trajectories (n (k + 1) points). sobol and saltelli need n a power of 2.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    scenario: str = Field(..., description="scenario file (relative paths: to the sweep file)")
    parameters: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="dotted path -> (low, high)")
    design: Literal["grid", "lhs", "sobol", "saltelli", "morris", "points"] = "lhs"
    n: int = Field(16, gt=0, description="design size (see the class docstring)")
    points: list[dict[str, float]] = Field(default_factory=list,
                                           description="explicit points for design='points'")
    replicates: int = Field(10, gt=0, description="seeds per design point")
    seed: int = Field(0, ge=0, le=2**63 - 1,
                      description="root seed: design sampling and replicate seeds")
    days: int | None = Field(None, gt=0, description="days to simulate (default: the file's)")
    series: bool = Field(False, description="also save monthly homicides per run")
    chunk_size: int = Field(0, ge=0, description="runs per task (0: chosen automatically)")

    @field_validator("parameters")
    @classmethod
    def _ranges(cls, value: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        for path, (low, high) in value.items():
            if not low < high:
                raise ValueError(f"{path}: empty range ({low}, {high}); give (low, high) "
                                 "with low < high")
        return value

    @model_validator(mode="after")
    def _design_inputs(self) -> "SweepSpec":
        if self.design == "points":
            if not self.points:
                raise ValueError("design 'points' needs a non-empty 'points' list")
            paths = set(self.points[0])
            if any(set(p) != paths for p in self.points):
                raise ValueError("every entry of 'points' must set the same paths")
        elif not self.parameters:
            raise ValueError(f"design '{self.design}' needs 'parameters' with ranges")
        if self.design in ("sobol", "saltelli") and self.n & (self.n - 1):
            raise ValueError(f"design '{self.design}' needs n a power of 2 (got {self.n}); "
                             f"use {2 ** math.ceil(math.log2(self.n))}")
        return self

    @property
    def paths(self) -> list[str]:
        return list(self.points[0]) if self.design == "points" else list(self.parameters)

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> "SweepSpec":
        """Read a sweep file; its ``scenario`` path is relative to the sweep file."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SweepError(f"{path}: no such sweep file") from None
        except tomllib.TOMLDecodeError as exc:
            raise SweepError(f"{path}: TOML syntax error: {exc}") from None
        if isinstance(data.get("scenario"), str):
            data["scenario"] = str((path.parent / data["scenario"]).resolve())
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise SweepError("\n".join(error_lines(exc, data, str(path), cls))) from None


def metric_columns(runs: pd.DataFrame, spec: SweepSpec) -> list[str]:
    """The metric columns of a sweep's runs table: all but the run keys and the parameters."""
    return [c for c in runs.columns if c not in ("run", "point", "replicate", "seed", *spec.paths)]


def replicate_seeds(root: int, replicates: int) -> list[int]:
    """Seeds derived from the root seed, the same at every design point. They are below
    2**31, so they survive a trip through float64, a spreadsheet or JSON unchanged."""
    stream = stream_id("replicate")
    return [int(key(root, stream, 0, r, 0) >> np.uint64(33)) for r in range(replicates)]


def check_paths(spec: SweepSpec, scenario: Scenario) -> dict[str, bool]:
    """Validate every path against the scenario before any run; returns path -> is integer.

    A path that matches nothing names the nearest valid one; a range whose ends the
    scenario does not accept (a probability above 1, a negative count) is refused.
    """
    data = scenario.model_dump(mode="python")
    integer = {}
    for path in spec.paths:
        try:
            values = get_values(data, path)
        except PathError as exc:
            raise SweepError(f"{spec.scenario}: sweep parameter {exc}") from None
        integer[path] = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    ends = ([dict(zip(spec.parameters, ends)) for ends in zip(*spec.parameters.values())]
            if spec.design != "points" else spec.points)
    for point in ends:
        try:
            scenario.with_overrides(point)
        except ScenarioError as exc:
            raise SweepError(f"the sweep sets values the scenario refuses:\n{exc}") from None
    return integer


def plan(spec: SweepSpec) -> tuple[Scenario, pd.DataFrame, list[int]]:
    """The scenario, the design (one row per point, columns ``point`` and each path) and the
    replicate seeds; everything is checked before a single run starts."""
    scenario = load_scenario(spec.scenario)
    integer = check_paths(spec, scenario)
    whole = [path for path, is_int in integer.items() if is_int]
    if whole and spec.design in ("saltelli", "morris"):
        raise SweepError(f"{', '.join(whole)}: a whole-number field; Sobol and Morris indices "
                         "assume continuous parameters: sweep it with a grid, lhs or sobol design")
    check_sweep(scenario, design_size(spec), spec.replicates, for_days(scenario, spec.days)[1])
    design = design_points(spec)
    for path, is_int in integer.items():
        if is_int:
            design[path] = design[path].round().astype(np.int64)
    return scenario, design, replicate_seeds(spec.seed, spec.replicates)


# ---------------------------------------------------------------------------- running
def run_chunk(task: dict) -> int:
    """Run one chunk of runs and write its part (and series) atomically; returns its size.

    ``task``: scenario (resolved, as JSON), days, rows (run, point, replicate, seed and
    the parameter values), chunk id, out folder, series flag. Runs in a worker process.
    """
    base = Scenario.model_validate_json(task["scenario"])
    out = Path(task["out"])
    records, series = [], []
    point_scenario: dict[int, tuple[Scenario, int]] = {}  # replicates share their point's
    for row in task["rows"]:
        if row["point"] not in point_scenario:
            overrides = {p: row[p] for p in task["paths"]}
            point_scenario[row["point"]] = for_days(base.with_overrides(overrides), task["days"])
        scenario, steps = point_scenario[row["point"]]
        model = CartelModel(scenario, rng=row["seed"])
        model.run_for(steps)
        records.append({**row, **run_metrics(model)})
        if task["series"]:
            monthly = model.results().homicides("MS")
            series.append(pd.DataFrame({"point": row["point"], "run": row["run"],
                                        "date": monthly.index, "homicides": monthly.to_numpy()}))
    name = part_name(task["chunk"])
    if series:  # written first: a part on disk means its series is there too
        for point, rows in pd.concat(series, ignore_index=True).groupby("point"):
            _write_table(rows.drop(columns="point"), out / SERIES / f"point={point}" / name)
    _write_table(pd.DataFrame.from_records(records), out / PARTS / name)
    return len(records)


def _write_table(table: pd.DataFrame, path: Path) -> None:
    write_atomic(path, lambda tmp: table.to_parquet(tmp, index=False))


def warm_up(scenario_json: str) -> None:
    """Compile (or load from numba's cache) the kernel in this process: one step of the
    sweep's scenario. Run once per worker process, so no run pays for it."""
    CartelModel(Scenario.model_validate_json(scenario_json), rng=0).run_for(1)


def sweep(spec: SweepSpec, out: str | os.PathLike, executor: Executor | None = None,
          workers: int | None = None, resume: bool = False,
          progress: bool = True) -> pd.DataFrame:
    """Run the sweep into ``out`` and return the table of runs (also ``out/runs.parquet``).

    Args:
        executor: any ``concurrent.futures.Executor`` (e.g. ``dask_client.get_executor()``);
            default: local processes, or this process when ``workers == 1``.
        workers: local worker processes when no executor is given (default: all cores).
        resume: continue a sweep whose folder holds some finished chunks.

    Raises SweepError for a folder that holds another sweep, a sweep started by another
    model, a damaged spec.json, another sweep writing to ``out``, or local workers lost
    too many times.
    """
    out = Path(out)
    scenario, design, seeds = plan(spec)
    runs = _runs_table(design, seeds)
    record = {"spec": spec.model_dump(mode="json"), "design": design.to_dict("list"),
              "seeds": seeds, "chunk_size": spec.chunk_size or default_chunk_size(len(runs)),
              "scenario_sha256": sorted(scenario.source_sha256.values()),
              **model_record(scenario, MODEL_ROOTS)}
    try:
        with folder_lock(out):
            _prepare_folder(out, record, resume)
            remove_leftovers(out)
            _run_missing(spec, scenario, runs, out, record["chunk_size"], executor, workers,
                         progress)
            remove_leftovers(out)  # of workers lost on the way
            return _collect(out, record, len(runs))
    except FolderBusyError as exc:
        raise SweepError(f"another sweep is running in {out}: {exc}") from None


def _run_missing(spec: SweepSpec, scenario: Scenario, runs: pd.DataFrame, out: Path,
                 size: int, executor: Executor | None, workers: int | None,
                 progress: bool) -> None:
    """Run the chunks of ``runs`` (``size`` runs each) that have no verified part."""
    done = verified_chunks(out, runs, size, spec.series)
    scenario_json = scenario.model_dump_json()
    common = {"scenario": scenario_json, "days": spec.days, "paths": spec.paths,
              "out": str(out), "series": spec.series}
    tasks = [{**common, "chunk": c, "rows": runs.iloc[i:i + size].to_dict("records")}
             for c, i in enumerate(range(0, len(runs), size)) if c not in done]
    bar = _progress(total=len(runs), done=len(runs) - sum(len(t["rows"]) for t in tasks),
                    enabled=progress)
    try:
        if executor is None and workers == 1:
            for task in tasks:
                bar.update(run_chunk(task))
        elif executor is None:
            run_on_workers(run_chunk, tasks, workers,
                           on_done=lambda task: bar.update(len(task["rows"])),
                           done=lambda task: (out / PARTS / part_name(task["chunk"])).exists(),
                           initializer=warm_up, initargs=(scenario_json,))
        else:
            _run_tasks(executor, tasks, bar)
    except BrokenProcessPool as exc:
        raise SweepError(f"{out}: worker processes were lost ({exc}; killed, or out of "
                         "memory?); the finished chunks are kept: continue the sweep with "
                         "{resume}") from None
    finally:
        bar.close()


def default_chunk_size(n_runs: int) -> int:
    """Runs per task: about 128 tasks (enough to balance dozens of workers), 1 to 64 runs
    each. Fixed by the number of runs alone, so a resumed sweep cuts its chunks the same
    way whatever runs it."""
    return max(1, min(64, math.ceil(n_runs / 128)))


def _runs_table(design: pd.DataFrame, seeds: list[int]) -> pd.DataFrame:
    """One row per run: run id, point, replicate, seed and the point's parameter values."""
    reps = len(seeds)
    runs = design.loc[design.index.repeat(reps)].reset_index(drop=True)
    runs.insert(0, "replicate", np.tile(np.arange(reps), len(design)))
    runs.insert(0, "seed", np.tile(np.array(seeds, dtype=np.int64), len(design)))
    runs.insert(0, "run", np.arange(len(runs)))
    return runs[["run", "point", "replicate", "seed", *[c for c in design if c != "point"]]]


def _progress(total: int, done: int, enabled: bool):
    """A progress bar: runs done, rate, time left."""
    from tqdm.auto import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: local workers are forked from this process
    return tqdm(total=total, initial=done, unit="run", disable=not enabled, desc="sweep",
                smoothing=0.1)


def _run_tasks(executor: Executor, tasks: list[dict], bar) -> None:
    futures = [executor.submit(run_chunk, task) for task in tasks]
    try:
        for future in as_completed(futures):
            bar.update(future.result())
    finally:
        for future in futures:
            future.cancel()


def _prepare_folder(out: Path, record: dict, resume: bool) -> None:
    """Make ``out`` a folder of this sweep, or check that it is one that may continue: the
    same sweep, scenario files and model, and ``resume`` if it holds finished chunks."""
    previous = read_manifest(out)
    if previous is None:
        if out.exists() and any(out.iterdir()):
            raise SweepError(f"{out} exists and is not a sweep folder; choose another folder")
        out.mkdir(parents=True, exist_ok=True)
        write_manifest(out, record)
        return
    if {k: previous[k] for k in SAME_SWEEP} != json.loads(json.dumps(
            {k: record[k] for k in SAME_SWEEP})):
        raise SweepError(f"{out} holds a different sweep; choose another folder")
    if previous.get("scenario_sha256") != record["scenario_sha256"]:
        raise SweepError(f"{out}: the scenario file changed since this sweep started; "
                         "restore it, or start the sweep again in another folder")
    started = any((out / PARTS).glob("chunk-*.parquet"))
    if changes := model_changes(previous, record):
        if started:
            raise SweepError(
                f"{out} was started by another model ({'; '.join(changes)}); continuing "
                "would mix runs of two models in one table. Start the sweep again in another "
                f"folder (or after deleting {out}), or continue it with the model it started "
                "with")
        write_manifest(out, record)  # nothing ran yet: the folder takes this model
    if started and not resume:
        raise SweepError(f"{out} holds an unfinished or finished run of this sweep; "
                         "pass {resume} to continue it")


def _collect(out: Path, record: dict, n_runs: int) -> pd.DataFrame:
    table = pd.read_parquet(out / PARTS).sort_values("run", ignore_index=True)
    if not np.array_equal(table["run"].to_numpy(), np.arange(n_runs)):
        raise SweepError(f"{out}/{PARTS} does not hold each run exactly once; start the "
                         "sweep again in another folder")
    table.attrs["sweep"] = {k: record[k] for k in ("spec", "version")}
    _write_table(table, out / RUNS)
    return table


def load_sweep(out: str | os.PathLike) -> pd.DataFrame:
    """The runs table of a finished sweep folder, with its spec in ``table.attrs``."""
    out = Path(out)
    record = read_manifest(out)
    if record is None:
        raise SweepError(f"{out}: not a sweep folder (no spec.json)")
    if not (out / RUNS).exists():
        raise SweepError(f"{out}: no runs.parquet; the sweep has not finished (continue it "
                         "with {resume})")
    try:
        table = pd.read_parquet(out / RUNS)
    except (OSError, ValueError) as exc:
        raise SweepError(f"{out / RUNS} is unreadable ({exc}); continue the sweep with "
                         "{resume} to write it again") from None
    table.attrs["sweep"] = {k: record[k] for k in ("spec", "version")}
    return table


__all__ = ["SweepError", "SweepSpec", "load_sweep", "plan", "replicate_seeds",
           "sweep"]
