"""The sweep folder on disk: its manifest (``spec.json``), its parts, and the leftovers of
killed runs.

- ``spec.json`` records the sweep (spec, design, seeds, chunking), the scenario files'
  sha256 and the model that ran it (package version, the sha256 of each source file that
  decides a run's results, the resolved parameters), so a resume that would mix two sweeps,
  two scenario files or two models in one table is refused.
- A part counts as done only if it is readable and holds exactly its chunk's runs (and, with
  series, its series files too); a bad one is removed, saying so on stderr, and runs again.
- Files are written as ``.NAME.PID.tmp`` and renamed into place; the ones a killed process
  left are removed by the next run (only those names, only inside the sweep folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .model_source import model_source
from .scenario import Scenario

SPEC, PARTS, SERIES, RUNS = "spec.json", "parts", "series", "runs.parquet"
SAME_SWEEP = ("spec", "design", "seeds", "chunk_size")  # what makes two sweeps the same one
MODEL = ("version", "model_source_sha256", "parameters", "resolved_scenario_sha256")
RUN_KEYS = ["run", "point", "replicate", "seed"]
PART = re.compile(r"^chunk-(\d{5})\.parquet$")
LEFTOVER = re.compile(r"^\.(chunk-\d{5}\.parquet|runs\.parquet|spec\.json)\.\d+\.tmp$")


class SweepError(ValueError):
    """A sweep spec that cannot run, or an output folder that holds another sweep.

    Where the message says how to resume, it says ``resume=True`` (Python);
    ``cli_message`` says ``--resume`` (the command line).
    """

    def __init__(self, message: str):
        super().__init__(message.replace("{resume}", "resume=True"))
        self.cli_message = message.replace("{resume}", "--resume")


def part_name(chunk: int) -> str:
    return f"chunk-{chunk:05d}.parquet"


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """``write(tmp)`` a hidden temporary file beside ``path``, then rename it to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)


def model_record(scenario: Scenario, roots: tuple[str, ...]) -> dict:
    """What decides a run's results besides its spec: the package version, the sha256 of
    the source files of the modules ``roots`` and those they import, the scenario's
    resolved parameters and the sha256 of the whole resolved scenario."""
    resolved = scenario.model_dump_json().encode()
    return {"version": metadata.version("cartel-sim"), "model_source_sha256": model_source(roots),
            "parameters": scenario.parameters.model_dump(mode="json"),
            "resolved_scenario_sha256": hashlib.sha256(resolved).hexdigest()}


def read_manifest(out: Path) -> dict | None:
    """The record in ``out/spec.json``, None if there is none; SweepError if it is damaged."""
    path = out / SPEC
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        missing = [k for k in SAME_SWEEP if k not in record] if isinstance(record, dict) else [
            "everything: not a JSON object"]
        problem = f"no {', '.join(missing)}" if missing else None
    except (OSError, ValueError) as exc:
        problem = str(exc) or type(exc).__name__
    if problem:
        raise SweepError(f"{path} is damaged ({problem}). It says which sweep {out} holds, "
                         "so its finished runs cannot be checked: restore it, or run the sweep "
                         f"again in another folder (or after deleting {out})")
    return record


def write_manifest(out: Path, record: dict) -> None:
    write_atomic(out / SPEC, lambda tmp: tmp.write_text(json.dumps(record, indent=2)))


def model_changes(previous: dict, record: dict) -> list[str]:
    """How the model that started a sweep (``previous``) differs from this one, in words."""
    if any(key not in previous for key in MODEL):
        return ["spec.json does not record the model: it was written by cartel-sim 0.1.0"]
    changes = []
    if previous["version"] != record["version"]:
        changes.append(f"cartel-sim {previous['version']} -> {record['version']}")
    old, new = previous["model_source_sha256"], record["model_source_sha256"]
    if files := sorted(f for f in old.keys() | new.keys() if old.get(f) != new.get(f)):
        changes.append("source changed: " + ", ".join(f"sim/{f}" for f in files))
    old, new = previous["parameters"], record["parameters"]
    if names := sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k)):
        changes.append("parameters changed: " + ", ".join(
            f"{k} {old.get(k)} -> {new.get(k)}" for k in names))
    if not changes and previous["resolved_scenario_sha256"] != record["resolved_scenario_sha256"]:
        changes.append("the resolved scenario differs")
    return changes


def verified_chunks(out: Path, runs: pd.DataFrame, size: int, series: bool) -> set[int]:
    """The chunks whose part (and series) files are readable and hold exactly the chunk's
    runs. The other part files are removed, saying so on stderr, so their runs run again.

    ``runs``: the sweep's runs table (one row per run, in run order); ``size``: runs per
    chunk."""
    n_chunks = -(-len(runs) // size)
    done = set()
    for path in sorted((out / PARTS).glob("chunk-*.parquet")):
        match = PART.match(path.name)
        chunk = int(match[1]) if match else -1
        if not 0 <= chunk < n_chunks:
            problem = "not a chunk of this sweep"
        else:
            expected = runs.iloc[chunk * size:(chunk + 1) * size]
            problem = _part_problem(path, expected) or (
                _series_problem(out, path.name, expected) if series else None)
        if problem is None:
            done.add(chunk)
            continue
        print(f"{path}: {problem}; its runs will run again", file=sys.stderr)
        path.unlink()
    return done


def _read(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    try:
        return pd.read_parquet(path), None
    except (OSError, ValueError, pa.ArrowException) as exc:
        return None, f"unreadable ({type(exc).__name__}: {str(exc)[:200]})"


def _part_problem(path: Path, expected: pd.DataFrame) -> str | None:
    part, problem = _read(path)
    if problem:
        return problem
    if not set(RUN_KEYS) <= set(part.columns):
        return f"no {', '.join(sorted(set(RUN_KEYS) - set(part.columns)))} column"
    if part.shape[0] != expected.shape[0] or not np.array_equal(
            part[RUN_KEYS].to_numpy(), expected[RUN_KEYS].to_numpy()):
        return f"holds other runs than its chunk's {len(expected)}"
    return None


def _series_problem(out: Path, name: str, expected: pd.DataFrame) -> str | None:
    for point, rows in expected.groupby("point"):
        path = out / SERIES / f"point={point}" / name
        series, problem = (None, "missing") if not path.exists() else _read(path)
        if problem or not set(series.get("run", ())) == set(rows["run"]):
            return f"its series {path} is {problem or 'not that of its runs'}"
    return None


def remove_leftovers(out: Path) -> None:
    """Remove the temporary files killed processes left in the sweep folder ``out`` (only
    the names :func:`write_atomic` gives; the caller holds the folder's lock)."""
    folders = [out, out / PARTS, *sorted((out / SERIES).glob("point=*"))]
    removed = 0
    for folder in filter(Path.is_dir, folders):
        for path in folder.iterdir():
            if LEFTOVER.match(path.name) and path.is_file() and not path.is_symlink():
                path.unlink()
                removed += 1
    if removed:
        print(f"{out}: removed {removed} temporary files left by an interrupted sweep",
              file=sys.stderr)
