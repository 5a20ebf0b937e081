"""Results of a run: the tidy tables of the output contract, the homicide series, save/load.

The contract (README, "Outputs"): ``violence.parquet``, ``control.parquet``,
``organizations.parquet`` and ``run.json`` in one folder per run.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import platform
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .codes import ACTOR_NAMES, FLOW_COLUMNS, LETHAL_TYPES, TYPE_NAMES, VIA_NAMES
from .run_folder import REPLACING, refuse_temporary, write_run_folder
from .scenario import Scenario

if TYPE_CHECKING:
    from .engine import Engine

TABLES = ("violence", "control", "organizations")
TYPES = tuple(TYPE_NAMES)
VIAS = tuple(VIA_NAMES)
HOMICIDES_BY = ("type", "plaza", "perpetrator", "victim", "via")
"""The (categorical) columns of the violence table homicides can be counted by."""


def time_axis(n_steps: int, start, step_days: float) -> dict[str, np.ndarray]:
    """The time columns of steps 0 .. n_steps-1: step int64 (T,), day (T,) (int64 when
    step_days is whole, else float64; days since start), date (T,) (the calendar day).

    Tables index them with their rows' steps, so dates are computed once per step, not once
    per row.
    """
    steps = np.arange(n_steps, dtype=np.int64)
    day = steps * step_days
    if float(step_days).is_integer():
        day = day.astype(np.int64)
    date = pd.Timestamp(start) + pd.to_timedelta(steps * step_days, unit="D")
    return {"step": steps, "day": day, "date": date.normalize()}


def _time_columns(times: dict[str, np.ndarray], steps: np.ndarray) -> dict[str, np.ndarray]:
    return {name: column[steps] for name, column in times.items()}


def _sum_by_key(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kernel rows int64 (N, 7) summed by their key (the first 6 columns), in key order,
    keeping positive sums -> keys int64 (M, 6), counts int64 (M,)."""
    if not len(rows):
        return np.zeros((0, 6), dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = rows[np.lexsort(rows[:, 5::-1].T)]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = (rows[1:, :6] != rows[:-1, :6]).any(axis=1)
    starts = np.flatnonzero(first)
    counts = np.add.reduceat(rows[:, 6], starts)
    keep = counts > 0
    return rows[starts[keep], :6], counts[keep]


@functools.lru_cache(maxsize=256)
def _dtype(categories: tuple[str, ...]) -> pd.CategoricalDtype:
    """One dtype per list of categories: building one validates the categories, which costs
    more than the rest of a small table."""
    return pd.CategoricalDtype(list(categories))


def _categorical(codes: np.ndarray, categories: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, dtype=_dtype(categories))


def violence_table(rows: np.ndarray, org_names: tuple[str, ...],
                   plaza_names: tuple[str, ...], times: dict) -> pd.DataFrame:
    """Tidy violence table from kernel rows int64 (N, 7) of steps within ``times``
    (:func:`time_axis`); one row per key with count > 0."""
    keys, counts = _sum_by_key(rows)
    actor_names = org_names + tuple(ACTOR_NAMES.values())

    def actors(codes: np.ndarray) -> pd.Categorical:
        codes = codes.copy()
        for index, code in enumerate(ACTOR_NAMES, start=len(org_names)):
            codes[codes == code] = index
        return _categorical(codes, actor_names)

    return pd.DataFrame({
        **_time_columns(times, keys[:, 0]),
        "plaza": _categorical(keys[:, 1], plaza_names),
        "type": _categorical(keys[:, 2], TYPES),
        "lethal": LETHAL_TYPES[keys[:, 2]],
        "perpetrator": actors(keys[:, 3]),
        "via": _categorical(keys[:, 4], VIAS),
        "victim": actors(keys[:, 5]),
        "count": counts,
    })


def control_table(dense: dict, org_names: tuple[str, ...], plaza_names: tuple[str, ...],
                  times: dict) -> pd.DataFrame:
    """One row per (step, plaza) of ``times``: controller ("" for none), contested,
    controller_share."""
    T, P = len(times["step"]), len(plaza_names)
    ctrl = dense["rec_controller"][:T].ravel()
    return pd.DataFrame({
        **_time_columns(times, np.repeat(np.arange(T), P)),
        "plaza": _categorical(np.tile(np.arange(P), T), plaza_names),
        "controller": _categorical(np.where(ctrl >= 0, ctrl, len(org_names)),
                                   org_names + ("",)),
        "contested": dense["rec_contested"][:T].ravel(),
        "controller_share": dense["rec_share"][:T].ravel(),
    })


def organizations_table(dense: dict, org_names: tuple[str, ...], times: dict) -> pd.DataFrame:
    """One row per (step, organization) that exists at that step of ``times``; the money
    columns (sim.codes.FLOW_COLUMNS) are pesos in the step."""
    T, O = len(times["step"]), len(org_names)
    steps, rows = np.nonzero(dense["rec_active"][:T, :O])
    return pd.DataFrame({
        **_time_columns(times, steps),
        "organization": _categorical(rows, org_names),
        "members": dense["rec_members"][steps, rows],
        "cells": dense["rec_cells"][steps, rows],
        "treasury": dense["rec_treasury"][steps, rows],
        "plazas_held": dense["rec_plazas"][steps, rows],
        "police_on_payroll": dense["rec_payroll"][steps, rows],
        "leader_alive": dense["rec_leader"][steps, rows],
        **{name: dense["rec_flows"][steps, rows, i] for i, name in enumerate(FLOW_COLUMNS)},
    })


def run_results(engine: Engine, wall_seconds: float) -> Results:
    """The tidy tables and run.json metadata of everything ``engine`` recorded so far (steps
    0 .. engine.t-1): what :meth:`sim.CartelModel.results` and :func:`sim.run` return.
    ``wall_seconds``: the time spent running steps, for run.json."""
    if not engine.recorder.enabled:
        raise RuntimeError("this model was built with record=False: it has no tables")
    T = max(engine.t, 0)
    scenario = engine.scenario
    start = scenario.simulation.start
    orgs, plazas = tuple(engine.names.organizations), tuple(engine.names.plazas)
    times = time_axis(T, start, engine.dt)
    dense = engine.recorder.dense
    meta = {
        "scenario": scenario.name,
        "scenario_sha256": scenario.source_sha256,
        "seed": engine.seed,
        "steps": T,
        "days": T * engine.dt,
        "step_days": engine.dt,
        "start": str(start),
        "end": str(start + dt.timedelta(days=max(T * engine.dt - 1, 0))),
        "versions": dict(versions()),
        "wall_seconds": round(wall_seconds, 4),
        "resolved_scenario": scenario.model_dump(mode="json"),
    }
    if engine.notes:  # what events did not do as written (sim.engine.Engine.notes)
        meta["notes"] = list(engine.notes)
    return Results(
        violence=violence_table(engine.recorder.violence_rows(), orgs, plazas, times),
        control=control_table(dense, orgs, plazas, times),
        organizations=organizations_table(dense, orgs, times),
        meta=meta,
    )


@functools.cache
def versions() -> dict[str, str]:
    """Versions that decide bit-for-bit reproducibility, for run.json."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for dist in ("cartel-sim", "mesa", "numba", "numpy", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def count_homicides(violence: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp,
                    freq: str | None = "D", by: str | None = None,
                    conflict_only: bool = False) -> int | pd.Series | pd.DataFrame:
    """The homicide count every total, series and figure of the package comes from.

    Args:
        violence: rows with ``date``, ``type``, ``lethal``, ``count`` and the ``by`` column:
            the violence table, or kernel rows not yet summed by key (the sums are the same).
        first, last: the run's first and last day; periods are zero-filled between them.
        freq: a pandas frequency ("D" daily, "W" weekly, "MS" monthly, "YS" yearly), or None
            for totals over the whole run.
        by: None, or a column of :data:`HOMICIDES_BY` to count each of its values apart.
        conflict_only: leave out background homicides.

    Returns (counts are int64 homicides):
        freq None, by None: the total (int); freq None, by given: a Series per value that
        occurs; by None: a Series "homicides" per period; else a DataFrame, periods x values.
    """
    if by is not None and by not in HOMICIDES_BY:
        raise ValueError(f"by must be None or one of {', '.join(map(repr, HOMICIDES_BY))} "
                         f"(got {by!r})")
    keep = violence["lethal"].to_numpy(dtype=bool)
    if conflict_only:
        keep = keep & (violence["type"] != "background").to_numpy()
    counts = violence["count"].to_numpy()[keep]
    if by is None:
        groups, codes = None, np.zeros(len(counts), dtype=np.int64)
    else:  # the table's columns are categorical
        groups, codes = violence[by].cat.categories, violence[by].cat.codes.to_numpy()[keep]
    n_groups = 1 if groups is None else len(groups)
    seen = np.bincount(codes, minlength=n_groups) > 0

    def labels() -> pd.CategoricalIndex:
        return pd.CategoricalIndex(groups[seen], categories=groups, name=by)

    if freq is None:
        if by is None:
            return int(counts.sum())
        totals = np.bincount(codes, weights=counts, minlength=n_groups).astype(np.int64)
        return pd.Series(totals[seen], index=labels(), name="count")
    days = pd.date_range(first, last, freq="D")
    day = (violence["date"].to_numpy()[keep] - days[0].to_datetime64()) // np.timedelta64(1, "D")
    daily = np.zeros((len(days), n_groups), dtype=np.int64)
    np.add.at(daily, (day, codes), counts)
    if by is None:
        return pd.Series(daily[:, 0], index=days).resample(freq).sum().rename("homicides")
    return pd.DataFrame(daily[:, seen], index=days, columns=labels()).resample(freq).sum()


class Results:
    """A finished (or paused) run: tables, metadata, and the series researchers ask for.

    Attributes:
        violence, control, organizations: the tidy tables of the output contract.
        meta: what ``run.json`` holds (scenario, seed, steps, dates, versions, wall time).
    """

    def __init__(self, violence: pd.DataFrame, control: pd.DataFrame,
                 organizations: pd.DataFrame, meta: dict):
        self.violence = violence
        self.control = control
        self.organizations = organizations
        self.meta = meta

    @property
    def seed(self) -> int:
        return self.meta["seed"]

    @functools.cached_property
    def scenario(self) -> Scenario:
        """The run's fully resolved scenario (from ``run.json``): plaza coordinates, colours."""
        return Scenario.model_validate(self.meta["resolved_scenario"])

    @property
    def organization_names(self) -> list[str]:
        """Every organization of the run in row order: the scenario's, then splinters and
        entries as they formed."""
        return list(self.organizations["organization"].cat.categories)

    @property
    def plaza_names(self) -> list[str]:
        """The plazas in the scenario's order."""
        return list(self.control["plaza"].cat.categories)

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["start"])

    @property
    def end(self) -> pd.Timestamp:
        """The last recorded day."""
        return pd.Timestamp(self.meta["end"])

    def homicides(self, freq: str | None = "D", by: str | None = None,
                  conflict_only: bool = False) -> int | pd.Series | pd.DataFrame:
        """Homicides (all lethal types) per period, zero-filled over the whole run, or in
        total: :func:`count_homicides` of this run's violence."""
        return count_homicides(self.violence, self.start, self.end, freq, by, conflict_only)

    def save(self, path: str | os.PathLike, csv: bool = False, force: bool = False,
             extra: Callable[[Path], object] | None = None) -> Path:
        """Write the run folder (see :mod:`sim.run_folder`): a new folder appears all at
        once; in an existing one only the files a run writes are replaced, anything else
        (``figures/``, notes) is left as it is.

        An existing folder holding the same run (same resolved scenario, seed and steps) is
        rewritten; a different run only with ``force=True``; a folder that holds no run
        never. ``extra``, if given, is called with the staging folder to write more files
        into it (the CLI's ``summary.png``); if it raises, nothing is written. Raises
        RunExistsError, or FolderBusyError while another process writes to ``path``.
        """
        def write(folder: Path) -> None:
            for name in TABLES:
                table = getattr(self, name)
                table.to_parquet(folder / f"{name}.parquet", index=False)
                if csv:
                    table.to_csv(folder / f"{name}.csv", index=False)
            if extra is not None:
                extra(folder)

        return write_run_folder(Path(path), self.meta, force, write)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Results":
        """Read a run folder written by :meth:`save` (or ``cartel-sim run``)."""
        path = Path(path)
        refuse_temporary(path)
        if (path / REPLACING).exists() and not (path / "run.json").exists():
            raise FileNotFoundError(f"{path}: a save into it was interrupted, so its files may "
                                    "belong to two runs; run it again to complete it")
        if not (path / "run.json").exists():
            raise FileNotFoundError(f"{path} is not a run folder (no run.json in it)")
        tables = {name: pd.read_parquet(path / f"{name}.parquet") for name in TABLES}
        return cls(**tables, meta=json.loads((path / "run.json").read_text()))
