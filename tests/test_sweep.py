"""Parameter sweeps (sim.sweep, DESIGN §6): the same table whatever executor runs it, common
random numbers, a run's metrics equal to running it directly, resuming an interrupted (or
killed) sweep without losing or repeating a run, the monthly series and load_sweep (bad
specs: test_sweep_refusals.py; the designs: test_designs.py).

Sweeps here are small (the shipped two_cartels scenario for 60 days, ~10 ms a run); the
ones that start worker processes (local processes, a Dask LocalCluster, the CLI in a
subprocess) pay ~1-3 s of start-up each, so there are few of them.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import shipped_scenario
from pandas.testing import assert_frame_equal
from sweep_files import CLASH, DAYS, MEMBERS, TWO, run_sweep, small

import sim
from sim.metrics import run_metrics
from sim.runner import for_days
from sim.sweep import SweepError, SweepSpec, plan, replicate_seeds

# `sim.sweep` is the function (sim/__init__ re-exports it); the module is needed to patch it
sweep_module = importlib.import_module("sim.sweep")

LETHAL = ["clash", "assassination", "collateral", "kidnap_murder", "police_killed",
          "background"]  # the lethal violence types of the output contract (DESIGN §4)


def parts(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("chunk-*.parquet"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[SweepSpec, Path, pd.DataFrame]:
    """The small sweep run serially, uninterrupted: the table the other executors, resumed
    sweeps and direct runs are compared with (read only: copy the folder to change it)."""
    spec = small()
    out = tmp_path_factory.mktemp("sweeps") / "reference"
    return spec, out, run_sweep(spec, out)


# ------------------------------------------------------------------ the table of runs
def test_the_table_has_one_row_per_point_and_replicate_with_the_design_values(reference):
    spec, out, table = reference
    assert table["run"].tolist() == list(range(6 * 4))
    assert not table.duplicated(["point", "replicate"]).any()
    assert sorted(table["point"].unique()) == list(range(6))
    assert sorted(table["replicate"].unique()) == list(range(4))
    _, design, _ = plan(spec)
    params = table.groupby("point")[[CLASH, MEMBERS]].agg(["min", "max"])
    for path in (CLASH, MEMBERS):  # every replicate of a point ran the point's values
        assert (params[(path, "min")] == params[(path, "max")]).all()
        assert params[(path, "min")].to_numpy().tolist() == design[path].tolist()
    for metric in ("homicides_total", "homicides_conflict", "kidnappings", "arrests",
                   "peak_month_homicides", "plazas_changed_hands", "days_to_first_change",
                   "members_North", "members_South", *[f"homicides_{t}" for t in LETHAL]):
        assert metric in table.columns, metric
    assert table["homicides_total"].gt(0).any()  # a war: the metrics are not all trivially 0
    assert_frame_equal(pd.read_parquet(out / "runs.parquet"), table)


def test_serial_local_processes_and_dask_give_identical_tables(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    spec, _, serial = reference
    local = run_sweep(spec, tmp_path / "local", workers=2)
    assert_frame_equal(local, serial)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = run_sweep(spec, tmp_path / "dask", executor=client.get_executor(),
                            workers=None)
        assert len(client.scheduler_info()["workers"]) == 2
    assert_frame_equal(on_dask, serial)


def test_every_point_uses_the_same_replicate_seeds_derived_from_the_root_seed(reference):
    spec, _, table = reference
    seeds = table.sort_values(["point", "replicate"]).groupby("point")["seed"].apply(list)
    expected = replicate_seeds(spec.seed, spec.replicates)
    assert all(s == expected for s in seeds)
    assert len(set(expected)) == spec.replicates
    assert replicate_seeds(spec.seed, spec.replicates) == expected  # a function of the root
    assert replicate_seeds(spec.seed, 2) == expected[:2]  # more replicates extend the list
    other = replicate_seeds(spec.seed + 1, spec.replicates)
    assert not set(other) & set(expected)
    assert plan(small(seed=spec.seed + 1))[2] == other


def test_identical_points_get_identical_runs_replicate_by_replicate(tmp_path):
    """Common random numbers: differences between points come from the parameters only."""
    points = [{CLASH: 0.002}, {CLASH: 0.003}, {CLASH: 0.002}]
    table = run_sweep(SweepSpec(scenario=TWO, design="points", points=points, replicates=3,
                                seed=5, days=DAYS), tmp_path / "crn")
    metrics = [c for c in table.columns if c.startswith(("homicides", "members", "kidnap"))]
    by_point = {p: g.set_index("replicate")[metrics] for p, g in table.groupby("point")}
    assert_frame_equal(by_point[0], by_point[2])
    assert not by_point[0].equals(by_point[1])  # and the parameter does make a difference
    assert by_point[0]["homicides_total"].nunique() > 1  # replicates differ among themselves


def test_a_runs_metrics_equal_those_of_running_it_directly(reference):
    """One run per point, a different replicate at each (sim.run with its tables costs
    ~40 ms a run)."""
    spec, _, table = reference
    base = shipped_scenario("two_cartels")
    sample = table[table["replicate"] == table["point"] % spec.replicates]
    assert sample["point"].nunique() == 6 and sample["replicate"].nunique() == 4
    # rows as records, with their native types (a row Series of this mixed table is float64)
    for row in sample.to_dict("records"):
        scenario = base.with_overrides({p: row[p] for p in (CLASH, MEMBERS)})
        assert scenario.cells[0].members == row[MEMBERS]
        metrics = {k: v for k, v in row.items() if k not in ("run", "point", "replicate",
                                                             "seed", CLASH, MEMBERS)}
        resolved, steps = for_days(scenario, DAYS)
        model = sim.CartelModel(resolved, rng=int(row["seed"]))
        model.run_for(steps)
        direct = run_metrics(model)
        assert direct.keys() == metrics.keys()
        for key, value in direct.items():
            assert value == metrics[key] or (math.isnan(value) and math.isnan(metrics[key])), key

        # the same figures from the tidy tables of the run (the output contract)
        result = sim.run(scenario, seed=int(row["seed"]), days=DAYS)
        violence = result.violence
        assert row["homicides_total"] == result.homicides().sum()
        assert row["homicides_conflict"] == result.homicides(conflict_only=True).sum()
        by_type = violence.groupby("type", observed=False)["count"].sum()
        for kind in LETHAL:
            assert row[f"homicides_{kind}"] == by_type[kind], kind
        assert row["kidnappings"] == by_type["kidnapping"]
        assert row["arrests"] == by_type["arrest"]
        assert row["peak_month_homicides"] == result.homicides("MS").max()
        orgs = result.organizations
        last = orgs[orgs["step"] == orgs["step"].max()].set_index("organization")["members"]
        assert row["members_North"] == last["North"] and row["members_South"] == last["South"]
        control = result.control.pivot(index="day", columns="plaza", values="controller")
        initial = pd.DataFrame([{p.name: p.controller or "" for p in scenario.plazas}],
                               index=[-1])
        history = pd.concat([initial, control.astype(str)])
        moved = history.ne(history.shift()).iloc[1:]
        assert row["plazas_changed_hands"] == moved.to_numpy().sum()
        first = moved.index[moved.any(axis=1)]
        expected = float(first[0]) if len(first) else float("nan")
        assert row["days_to_first_change"] == expected or (
            math.isnan(expected) and math.isnan(row["days_to_first_change"]))


def test_a_row_of_the_table_can_be_rerun_from_its_series_values(reference):
    _, _, table = reference
    row = table.iloc[0]
    scenario = shipped_scenario("two_cartels").with_overrides(
        {CLASH: float(row[CLASH]), MEMBERS: int(row[MEMBERS])})
    assert sim.run(scenario, seed=int(row["seed"]), days=DAYS).homicides().sum() == row[
        "homicides_total"]


# ---------------------------------------------------------------------------- resume
def interrupted_copy(reference, tmp_path: Path, keep: int) -> Path:
    """The reference folder as an interruption leaves it: some parts, no runs.parquet."""
    _, out, _ = reference
    copy = tmp_path / "interrupted"
    shutil.copytree(out, copy)
    for part in parts(copy)[keep:]:
        part.unlink()
    (copy / "runs.parquet").unlink()
    return copy


def test_resume_completes_an_interrupted_sweep_without_losing_or_repeating_a_run(
        reference, tmp_path, monkeypatch):
    spec, out, full = reference
    n_parts = len(parts(out))
    assert n_parts >= 4
    folder = interrupted_copy(reference, tmp_path, keep=n_parts // 2)
    kept = {p.name: p.read_bytes() for p in parts(folder)}

    with pytest.raises(SweepError, match="resume"):  # a plain re-run does not touch it
        run_sweep(spec, folder)
    assert {p.name for p in parts(folder)} == set(kept)

    ran = []
    real = sweep_module.run_chunk
    monkeypatch.setattr(sweep_module, "run_chunk", lambda task: ran.append(task) or real(task))
    table = run_sweep(spec, folder, resume=True)
    assert_frame_equal(table, full)
    assert table["run"].tolist() == list(range(len(full)))
    # only the missing chunks ran; the finished ones were kept as they were
    assert len(ran) == n_parts - len(kept)
    assert sum(len(t["rows"]) for t in ran) == len(full) - sum(
        len(pd.read_parquet(folder / "parts" / name)) for name in kept)
    assert all((folder / "parts" / name).read_bytes() == data for name, data in kept.items())

    ran.clear()  # resuming a finished sweep runs nothing and returns the same table
    assert_frame_equal(run_sweep(spec, folder, resume=True), full)
    assert ran == []
    with pytest.raises(SweepError, match="resume"):
        run_sweep(spec, folder)


def test_a_sweep_that_fails_midway_resumes_to_the_uninterrupted_table(
        reference, tmp_path, monkeypatch):
    spec, _, full = reference
    real = sweep_module.run_chunk

    def failing(task):
        if task["chunk"] == 2:
            raise RuntimeError("worker lost")
        return real(task)

    monkeypatch.setattr(sweep_module, "run_chunk", failing)
    with pytest.raises(RuntimeError, match="worker lost"):
        run_sweep(spec, tmp_path / "s")
    assert not (tmp_path / "s" / "runs.parquet").exists()
    assert "chunk-00002.parquet" not in {p.name for p in parts(tmp_path / "s")}
    monkeypatch.setattr(sweep_module, "run_chunk", real)
    resumed = run_sweep(spec, tmp_path / "s", resume=True)
    assert_frame_equal(resumed, full)
    assert_frame_equal(sim.load_sweep(tmp_path / "s"), full)


def test_ctrl_c_stops_a_serial_sweep(reference, tmp_path, monkeypatch):
    """A KeyboardInterrupt in a chunk ends the sweep there: no later chunk starts."""
    spec, _, _ = reference
    real, started = sweep_module.run_chunk, []

    def interrupted(task):
        started.append(task["chunk"])
        if task["chunk"] == 1:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(sweep_module, "run_chunk", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(spec, tmp_path / "s")
    assert started == [0, 1]


def test_resume_with_another_number_of_workers_loses_no_run(reference, tmp_path):
    """Chunks are cut the same way whatever the workers, so resume skips the right runs."""
    spec, _, full = reference
    folder = tmp_path / "s"
    run_sweep(spec, folder, workers=2)  # e.g. cartel-sim sweep on a 2-core machine
    for part in parts(folder)[len(parts(folder)) // 2:]:
        part.unlink()
    (folder / "runs.parquet").unlink()
    resumed = run_sweep(spec, folder, workers=1, resume=True)  # ... resumed with --workers 1
    assert resumed["run"].tolist() == list(range(len(full)))
    assert_frame_equal(resumed, full)


def test_a_different_sweep_or_a_foreign_folder_is_refused(reference, tmp_path):
    spec, _, full = reference
    folder = interrupted_copy(reference, tmp_path, keep=2)
    before = sorted(p.name for p in folder.rglob("*"))
    for other in (small(seed=12), small(days=DAYS + 1), small(replicates=5),
                  small(parameters={CLASH: (0.001, 0.005), MEMBERS: (10, 40)})):
        for resume in (False, True):
            with pytest.raises(SweepError, match="different sweep"):
                run_sweep(other, folder, resume=resume)
    assert sorted(p.name for p in folder.rglob("*")) == before
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not a sweep folder"):
        run_sweep(spec, foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_resume_refuses_a_scenario_file_changed_since_the_interruption(tmp_path):
    """Otherwise the table would mix runs of the old and the edited scenario."""
    scenario = tmp_path / "war.toml"
    shutil.copy(TWO, scenario)
    spec = small(scenario=str(scenario), n=2, replicates=2, chunk_size=1)
    folder = tmp_path / "s"
    run_sweep(spec, folder)
    parts(folder)[-1].unlink()
    (folder / "runs.parquet").unlink()
    text = scenario.read_text()
    assert "attack_threshold = 1.5" in text
    scenario.write_text(text.replace("attack_threshold = 1.5", "attack_threshold = 3.0"))
    with pytest.raises(SweepError, match="scenario"):
        run_sweep(spec, folder, resume=True)
    assert len(parts(folder)) == 3 and not (folder / "runs.parquet").exists()
    scenario.write_text(text)  # restored: the sweep resumes
    assert len(run_sweep(spec, folder, resume=True)) == 4


def cli(*args: str, cwd: Path, **popen) -> subprocess.Popen:
    script = Path(sys.executable).with_name("cartel-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    return subprocess.Popen([*command, *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def test_a_killed_cli_sweep_resumes_to_the_uninterrupted_table(tmp_path):
    """SIGKILL, not an exception: the process dies between two runs or in the middle of one
    (or of writing a part); ``--resume`` then completes the sweep."""
    sweep_file = tmp_path / "war.toml"
    sweep_file.write_text(
        f'scenario = "{Path(TWO).as_posix()}"\ndesign = "lhs"\nn = 20\nreplicates = 10\n'
        f'seed = 4\ndays = {DAYS}\nchunk_size = 10\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n')
    spec = SweepSpec.from_toml(sweep_file)
    out = tmp_path / "out"
    proc = cli("sweep", str(sweep_file), "--workers", "1", "--out", str(out), cwd=tmp_path)
    deadline = time.monotonic() + 120
    try:
        while not parts(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it was killed"
    finished = sum(len(pd.read_parquet(p)) for p in parts(out))
    assert 1 <= finished < 200 and not (out / "runs.parquet").exists()

    resumed = cli("sweep", str(sweep_file), "--workers", "1", "--out", str(out), "--resume",
                  cwd=tmp_path)
    full = run_sweep(spec, tmp_path / "uninterrupted")  # meanwhile, in this process
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert "200 runs (20 points x 10 replicates)" in stdout
    table = sim.load_sweep(out)
    assert table["run"].tolist() == list(range(200))
    assert_frame_equal(table, full)



# ------------------------------------------------------------------- series, load_sweep
def test_series_are_one_monthly_row_per_run_adding_up_to_the_total(tmp_path):
    spec = small(n=3, replicates=2, days=75, series=True)
    out = tmp_path / "s"
    table = run_sweep(spec, out)
    series = pd.read_parquet(out / "series")
    assert set(series.columns) >= {"run", "date", "homicides"}
    months = pd.date_range("2020-01-01", periods=3, freq="MS")  # 75 days from 2020-01-01
    assert not series.duplicated(["run", "date"]).any()
    for run, group in series.groupby("run"):
        assert sorted(pd.to_datetime(group["date"])) == list(months), run
    assert sorted(series["run"].unique()) == table["run"].tolist()
    totals = series.groupby("run")["homicides"].sum()
    assert totals.to_numpy().tolist() == table.set_index("run")["homicides_total"].tolist()
    peaks = series.groupby("run")["homicides"].max()
    assert peaks.tolist() == table["peak_month_homicides"].tolist()
    # a run's series is the monthly series of running it directly
    row = table.to_dict("records")[-1]
    direct = sim.run(shipped_scenario("two_cartels").with_overrides(
        {p: row[p] for p in spec.paths}), seed=row["seed"], days=75).homicides("MS")
    mine = series[series["run"] == row["run"]].set_index("date")["homicides"]
    assert mine.tolist() == direct.tolist()


def test_load_sweep_returns_the_table_with_its_spec(reference, tmp_path):
    spec, out, table = reference
    loaded = sim.load_sweep(out)
    assert_frame_equal(loaded, table)
    assert loaded.attrs["sweep"]["spec"] == spec.model_dump(mode="json")
    assert loaded.attrs["sweep"]["version"] == sim.__version__
    assert SweepSpec.model_validate(loaded.attrs["sweep"]["spec"]) == spec
    assert table.attrs["sweep"] == loaded.attrs["sweep"]  # as sim.sweep returned it
    record = json.loads((out / "spec.json").read_text())
    assert record["seeds"] == replicate_seeds(spec.seed, spec.replicates)
    with pytest.raises(SweepError, match="resume"):
        sim.load_sweep(interrupted_copy(reference, tmp_path, keep=1))
