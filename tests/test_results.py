"""The output contract (README, "Outputs"): columns, vocabularies, the homicide series, and the run
folder: save, load, overwrite rules, atomic writes, CSV and run.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import TABLES, shipped_results, shipped_scenario
from pandas.testing import assert_frame_equal

import sim
from sim.folder_lock import FolderBusyError
from sim.run_folder import RunExistsError, TemporaryFolderError
from sim.scenario import Scenario

COLUMNS = {
    "violence": ["step", "day", "date", "plaza", "type", "lethal", "perpetrator", "via",
                 "victim", "count"],
    "control": ["step", "day", "date", "plaza", "controller", "contested", "controller_share"],
    "organizations": ["step", "day", "date", "organization", "members", "cells", "treasury",
                      "plazas_held", "police_on_payroll", "leader_alive", "revenue", "wages",
                      "police_pay", "reinforcement_cost", "unpaid_bill"],
}
LETHAL = {"clash", "assassination", "collateral", "kidnap_murder", "police_killed",
          "background"}
NOT_LETHAL = {"kidnapping", "arrest"}
VIA = {"cell", "local_cell", "police", "state", "none"}
ACTORS = {"police", "civilian", "unknown"}
KEY = ["step", "plaza", "type", "perpetrator", "via", "victim"]

# (scenario, seed): the full story with a trigger, and a run with a splinter
RUNS = [("bcs_2014", 1), ("kingpin_removal", 0)]


@pytest.mark.parametrize("name,seed", RUNS)
def test_tables_have_exactly_the_contract_columns(name, seed):
    result = shipped_results(name, seed)
    for table in TABLES:
        assert list(getattr(result, table).columns) == COLUMNS[table], table


@pytest.mark.parametrize("name,seed", RUNS)
def test_violence_rows_follow_the_contract(name, seed):
    result = shipped_results(name, seed)
    v = result.violence
    scenario = shipped_scenario(name)
    orgs = set(result.organizations["organization"].astype(str))
    plazas = {p.name for p in scenario.plazas}
    assert len(v) > 0
    assert (v["count"] > 0).all()
    assert not v.duplicated(KEY).any()
    types = set(v["type"].astype(str))
    assert types <= LETHAL | NOT_LETHAL
    assert {"clash", "background", "arrest"} <= types
    assert (v["lethal"] == v["type"].astype(str).isin(LETHAL)).all()
    assert v["lethal"].dtype == bool
    assert set(v["via"].astype(str)) <= VIA
    assert set(v["perpetrator"].astype(str)) <= orgs | ACTORS
    assert set(v["victim"].astype(str)) <= orgs | ACTORS
    assert set(v["plaza"].astype(str)) <= plazas
    # background homicides have no perpetrator and no organization behind them
    bg = v[v["type"] == "background"]
    assert (bg["via"] == "none").all() and (bg["perpetrator"] == "unknown").all()
    # time columns agree with each other
    assert ((v["date"] - result.start).dt.days == v["day"]).all()
    assert (v["day"] == v["step"]).all()  # one-day steps
    assert v["step"].between(0, result.meta["steps"] - 1).all()


@pytest.mark.parametrize("name,seed", RUNS)
def test_control_and_organizations_tables_have_one_row_per_key(name, seed):
    result = shipped_results(name, seed)
    steps = result.meta["steps"]
    n_plazas = len(shipped_scenario(name).plazas)
    c = result.control
    assert len(c) == steps * n_plazas and not c.duplicated(["step", "plaza"]).any()
    assert c["controller_share"].between(0, 1).all()
    o = result.organizations
    assert not o.duplicated(["step", "organization"]).any()
    assert (o.groupby("organization", observed=True)["step"].max() == steps - 1).all()
    assert (o["members"] >= 0).all()
    # plazas held agree with the control table
    held = c[c["controller"] != ""].groupby(["step", "controller"], observed=True).size()
    mine = o.set_index(["step", "organization"])["plazas_held"]
    held.index.names = mine.index.names
    joined = mine.to_frame().join(held.rename("n").astype("int64")).fillna(0)
    assert (joined["plazas_held"] == joined["n"]).all()


@pytest.mark.parametrize("freq", ["D", "W", "MS", "YS"])
@pytest.mark.parametrize("name,seed", RUNS)
def test_homicides_is_the_lethal_sum_by_date_zero_filled(name, seed, freq):
    result = shipped_results(name, seed)
    v = result.violence
    daily = v[v.lethal].groupby("date")["count"].sum()
    all_days = pd.date_range(result.control["date"].min(), result.control["date"].max(),
                             freq="D")
    assert len(all_days) == result.meta["steps"]
    expected = daily.reindex(all_days, fill_value=0).resample(freq).sum()
    got = result.homicides(freq=freq)
    assert isinstance(got, pd.Series)
    assert list(got.index) == list(expected.index)
    assert got.to_numpy().tolist() == expected.to_numpy().tolist()
    assert got.sum() == v.loc[v["lethal"], "count"].sum()
    if freq == "D":
        assert len(got) == result.meta["steps"]
        assert (got == 0).any(), "quiet days are in the series, as zeros"


def test_conflict_only_leaves_out_background():
    result = shipped_results("bcs_2014", 1)
    v = result.violence
    conflict = v[v["lethal"] & (v["type"] != "background")]["count"].sum()
    assert result.homicides("YS", conflict_only=True).sum() == conflict
    assert 0 < conflict < result.homicides("YS").sum()


# --------------------------------------------------------------------- the run folder
@pytest.fixture(scope="module")
def two_runs():
    scenario = shipped_scenario("two_cartels")
    return sim.run(scenario, seed=1, days=60), sim.run(scenario, seed=2, days=60)


def test_save_then_load_round_trips_the_tables(tmp_path):
    result = shipped_results("kingpin_removal", 0)
    folder = result.save(tmp_path / "run")
    assert sorted(p.name for p in folder.iterdir()) == [
        "control.parquet", "organizations.parquet", "run.json", "violence.parquet"]
    loaded = sim.Results.load(folder)
    for table in TABLES:
        assert_frame_equal(getattr(result, table), getattr(loaded, table))
    assert loaded.seed == result.seed
    assert loaded.meta["steps"] == result.meta["steps"]
    assert loaded.homicides("MS").equals(result.homicides("MS"))
    # the files are plain Parquet that pandas reads without the package
    raw = pd.read_parquet(folder / "violence.parquet")
    assert list(raw.columns) == COLUMNS["violence"]
    assert raw["count"].sum() == result.violence["count"].sum()


def test_save_refuses_to_overwrite_a_different_run(tmp_path, two_runs):
    first, second = two_runs
    folder = tmp_path / "out"
    first.save(folder)
    with pytest.raises(RunExistsError) as error:
        second.save(folder)
    assert str(folder) in str(error.value)
    assert json.loads((folder / "run.json").read_text())["seed"] == first.seed  # untouched
    # the same run again is fine
    first.save(folder)
    assert json.loads((folder / "run.json").read_text())["seed"] == first.seed
    # force replaces it
    second.save(folder, force=True)
    assert json.loads((folder / "run.json").read_text())["seed"] == second.seed
    assert_frame_equal(sim.Results.load(folder).violence, second.violence)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no leftovers


def test_save_refuses_a_folder_that_is_not_a_run(tmp_path, two_runs):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "thesis.txt").write_text("precious")
    with pytest.raises(RunExistsError):
        two_runs[0].save(folder)
    assert (folder / "thesis.txt").read_text() == "precious"


def _fail_on_second_table(monkeypatch):
    original = pd.DataFrame.to_parquet
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(args[0] if args else kwargs.get("path"))
        if len(calls) == 2:
            raise OSError("disk full (simulated)")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", flaky)
    return calls


def test_an_interrupted_save_leaves_nothing_behind(tmp_path, monkeypatch, two_runs):
    calls = _fail_on_second_table(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        two_runs[0].save(tmp_path / "out")
    assert len(calls) == 2
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_an_interrupted_resave_keeps_the_old_folder(tmp_path, monkeypatch, two_runs):
    first = two_runs[0]
    folder = first.save(tmp_path / "out")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _fail_on_second_table(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        first.save(folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def _tables_of(folder: Path) -> dict[str, bytes]:
    return {name: (folder / f"{name}.parquet").read_bytes() for name in TABLES}


def test_saving_again_replaces_only_the_runs_files(tmp_path, two_runs):
    """Re-running into a folder keeps figures/ (cartel-sim plot writes it there) and the
    user's notes; --force replaces the run's files and nothing else."""
    first, second = two_runs
    folder = first.save(tmp_path / "out")
    (folder / "figures").mkdir()
    (folder / "figures" / "homicides.png").write_bytes(b"figure")
    (folder / "notes.txt").write_text("mine")
    first.save(folder)
    second.save(folder, force=True)
    assert (folder / "figures" / "homicides.png").read_bytes() == b"figure"
    assert (folder / "notes.txt").read_text() == "mine"
    assert sim.Results.load(folder).seed == second.seed
    assert_frame_equal(sim.Results.load(folder).violence, second.violence)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no leftovers


def test_force_on_a_folder_with_a_bare_run_json_deletes_nothing_else(tmp_path, two_runs):
    folder = tmp_path / "out"
    (folder / "important").mkdir(parents=True)
    (folder / "important" / "thesis.tex").write_text("precious")
    (folder / "run.json").write_text("{}")
    with pytest.raises(RunExistsError):
        two_runs[0].save(folder)
    two_runs[0].save(folder, force=True)
    assert (folder / "important" / "thesis.tex").read_text() == "precious"
    assert sim.Results.load(folder).seed == two_runs[0].seed


def test_files_of_the_previous_run_are_removed_only_if_unchanged(tmp_path, two_runs):
    """Stale CSVs of a replaced run would disagree with its tables: they go, unless the user
    edited one since (then it is theirs)."""
    first, second = two_runs
    folder = first.save(tmp_path / "out", csv=True)
    (folder / "control.csv").write_text("edited by hand")
    second.save(folder, force=True)
    names = {p.name for p in folder.iterdir()}
    assert "violence.csv" not in names and "organizations.csv" not in names
    assert (folder / "control.csv").read_text() == "edited by hand"
    files = json.loads((folder / "run.json").read_text())["files"]
    assert sorted(files) == sorted(f"{t}.parquet" for t in TABLES)
    for name, digest in files.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_a_second_writer_to_the_folder_is_refused_while_the_first_writes(tmp_path, two_runs):
    fcntl = pytest.importorskip("fcntl")
    folder = two_runs[0].save(tmp_path / "out")
    before = _tables_of(folder)
    with open(tmp_path / ".out.lock", "w") as held:  # another process's lock, as it is held
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(FolderBusyError, match="another process"):
            two_runs[1].save(folder, force=True)
    assert _tables_of(folder) == before
    two_runs[1].save(folder, force=True)  # released: it goes through
    assert sim.Results.load(folder).seed == two_runs[1].seed


def test_a_save_killed_while_replacing_is_finished_by_the_next(tmp_path, two_runs):
    """Killed after moving run.json aside: the folder is no run (load refuses it) until the
    next save, which knows the run it held."""
    first, second = two_runs
    folder = first.save(tmp_path / "out")
    (folder / "run.json").rename(folder / ".run.json.replacing")
    with pytest.raises(FileNotFoundError, match="interrupted"):
        sim.Results.load(folder)
    with pytest.raises(RunExistsError):
        second.save(folder)
    first.save(folder)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{t}.parquet" for t in TABLES] + ["run.json"])


def test_staging_folders_of_a_killed_save_are_refused_and_then_removed(tmp_path, two_runs):
    first = two_runs[0]
    complete = first.save(tmp_path / "staged")  # a staging folder killed just before its rename
    leftover = complete.rename(tmp_path / ".out.k2x_9abc")
    (tmp_path / ".out.3fj8wq1z").mkdir()  # killed while writing
    kept = [tmp_path / ".other.k2x_9abc", tmp_path / ".out.notes", tmp_path / "out.k2x_9abc"]
    for path in kept:
        path.mkdir()
    with pytest.raises(TemporaryFolderError, match=r"interrupted save[\s\S]*out"):
        sim.Results.load(leftover)
    first.save(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out", *(p.name for p in kept)])


def test_csv_option_writes_the_same_tables_as_csv(tmp_path, two_runs):
    result = two_runs[0]
    folder = result.save(tmp_path / "out", csv=True)
    for table in TABLES:
        frame = getattr(result, table)
        csv = pd.read_csv(folder / f"{table}.csv")
        assert list(csv.columns) == COLUMNS[table]
        assert len(csv) == len(frame)
        for col in ("step", "day"):
            assert csv[col].tolist() == frame[col].tolist()
        numeric = [c for c in ("count", "members", "controller_share") if c in frame]
        for col in numeric:
            assert csv[col].tolist() == pytest.approx(frame[col].tolist())
        assert pd.to_datetime(csv["date"]).tolist() == frame["date"].tolist()
    assert (folder / "violence.parquet").exists()


def test_run_json_has_the_contract_fields(tmp_path):
    scenario = shipped_scenario("bcs_2014_no_alliance")
    result = sim.run(scenario, seed=9, days=90)
    folder = result.save(tmp_path / "run")
    meta = json.loads((folder / "run.json").read_text())
    assert meta["scenario"] == "bcs_2014_no_alliance"
    assert meta["seed"] == 9
    assert meta["steps"] == 90
    assert meta["start"] == "2013-01-01"
    assert meta["end"] == str((pd.Timestamp("2013-01-01") + pd.Timedelta(days=89)).date())
    # the scenario file and its base chain, each with the sha256 of its bytes
    hashes = meta["scenario_sha256"]
    assert {Path(p).name for p in hashes} == {"bcs_2014_no_alliance.toml", "bcs_2014.toml",
                                              "behaviour.toml"}
    for path, digest in hashes.items():
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    # the fully resolved scenario, enough to rebuild it
    resolved = Scenario.model_validate(meta["resolved_scenario"])
    assert resolved.name == scenario.name
    assert [e.kind for e in resolved.events] == []  # the variant's removals are applied
    assert resolved.plazas == scenario.plazas
    for package in ("cartel-sim", "mesa", "numba", "numpy", "python"):
        assert meta["versions"][package], package
    assert meta["wall_seconds"] >= 0
