"""cartel-sim calibrate: same seed same result (serial or parallel), a killed run resumes
with nothing lost and nothing evaluated twice, bad files refused with exit status 2.

Small calibrations of bcs_2014 on its first year (2013), with 2 replicates per point.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration import CalibrationError, CalibrationSpec, ObservedError, read_observed
from sim.calibration.distance import DISTANCES
from sim.calibration.observed import period_bounds
from sim.cli import main

BCS = Path(__file__).resolve().parent.parent / "scenarios" / "bcs_2014.toml"
OBSERVED = """period,region,measure,value,source
2013-01..2013-06,all,homicides,22,test
2013-07..2013-12,all,homicides,25,test
2013,La Paz;Los Barriles,conflict_homicides,4,test
"""


SMALL = "[abc]\npopulation = 8\ngenerations = 2\n[optuna]\ntrials = 8\nbatch = 4\n"


def write_calibration(folder: Path, method: str, settings: str = SMALL) -> Path:
    (folder / "observed.csv").write_text(OBSERVED, encoding="utf-8")
    path = folder / f"{method}.toml"
    path.write_text(textwrap.dedent(f"""\
        scenario = "{BCS}"
        observed = "observed.csv"
        fit = [2013-01-01, 2013-09-30]
        check = [2013-10-01, 2013-12-31]
        replicates = 2
        method = "{method}"
        seed = 3
        predictive_draws = 6
        [parameters]
        "parameters.clash_rate" = {{low = 0.0001, high = 0.0004, prior = "loguniform"}}
        "parameters.background_homicides_per_100k_year" = {{low = 3.0, high = 9.0}}
        """) + settings, encoding="utf-8")
    return path


@pytest.mark.parametrize("method", ["abc", "optuna"])
def test_same_seed_same_result_serial_or_two_workers(tmp_path, method):
    spec = CalibrationSpec.from_toml(write_calibration(tmp_path, method))
    serial = sim.calibrate(spec, tmp_path / "serial", workers=1, progress=False)
    parallel = sim.calibrate(spec, tmp_path / "parallel", workers=2, progress=False)
    assert serial["best"] == parallel["best"]
    assert serial["check"] == parallel["check"]
    pd.testing.assert_frame_equal(serial["posterior"], parallel["posterior"])
    pd.testing.assert_frame_equal(serial["predictive"], parallel["predictive"])
    assert serial["evaluations"] == parallel["evaluations"] > 0
    best = tomllib.loads((tmp_path / "serial" / "best.toml").read_text())
    variant = sim.load_scenario(tmp_path / "serial" / "best.toml")  # runs where it is written
    assert best["overrides"] == serial["best"]
    assert variant.parameters.clash_rate == serial["best"]["parameters.clash_rate"]
    for name in ("posterior.parquet", "trace.parquet", "predictive.parquet",
                 "figures/check.png", "figures/posterior.png", "figures/convergence.png"):
        assert (tmp_path / "serial" / name).is_file(), name


def test_dask_gives_the_serial_result(tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = CalibrationSpec.from_toml(write_calibration(tmp_path, "abc"))
    serial = sim.calibrate(spec, tmp_path / "serial", workers=1, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sim.calibrate(spec, tmp_path / "dask", executor=client.get_executor(),
                                progress=False)
    assert on_dask["best"] == serial["best"]
    pd.testing.assert_frame_equal(on_dask["posterior"], serial["posterior"])
    pd.testing.assert_frame_equal(on_dask["predictive"], serial["predictive"])


def test_the_command_prints_and_stores_the_check(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["calibrate", str(write_calibration(tmp_path, "optuna")), "--out", str(out),
                 "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "distance on the fit period" in printed and "parameters.clash_rate = " in printed
    record = json.loads((out / "calibration.json").read_text())
    assert record["check"]["distance_check"] is None  # no observation inside 'check'
    assert set(record["inputs"]["scenario_sha256"].values()) == {
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in (BCS, BCS.parent / "shared" / "behaviour.toml")}
    assert record["versions"]["cartel-sim"] == sim.__version__
    # the yearly row spans both periods and the second half-year ends after 'fit': left out
    assert pd.read_parquet(out / "predictive.parquet")["period"].tolist() == [
        "2013-01..2013-06"]


def test_held_back_coverage_is_measured(tmp_path):
    path = write_calibration(tmp_path, "optuna")
    path.write_text(path.read_text().replace("fit = [2013-01-01, 2013-09-30]",
                                             "fit = [2013-01-01, 2013-06-30]")
                    .replace("check = [2013-10-01, 2013-12-31]",
                             "check = [2013-07-01, 2013-12-31]"))
    record = sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    assert record["predictive"]["held_back"].tolist() == [False, True]
    assert record["check"]["coverage_90"] in (0.0, 1.0)
    assert record["check"]["distance_check"] >= 0


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=10) as connection:
            return connection.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


@pytest.mark.parametrize("method", ["abc", "optuna"])
def test_a_killed_calibration_resumes_with_nothing_lost_or_repeated(tmp_path, method):
    path = write_calibration(tmp_path, method, "[abc]\npopulation = 12\ngenerations = 4\n"
                             "[optuna]\ntrials = 48\nbatch = 8\n")
    whole = sim.calibrate(path, tmp_path / "whole", workers=1, progress=False)

    out = tmp_path / "killed"
    command = [sys.executable, "-m", "sim.cli", "calibrate", str(path), "--out", str(out),
               "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _stored(out / "evaluations.db") < 20 and process.poll() is None:
        assert time.monotonic() < deadline, "the calibration stored nothing in 5 minutes"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    before = _stored(out / "evaluations.db")
    assert 0 < before < whole["evaluations"], "killed too late to test a resume"

    resumed = sim.calibrate(path, out, workers=2, resume=True, progress=False)
    assert resumed["points_this_run"] == whole["evaluations"] - before  # none twice
    assert resumed["evaluations"] == whole["evaluations"]  # none lost
    assert resumed["best"] == whole["best"]
    pd.testing.assert_frame_equal(resumed["posterior"], whole["posterior"])
    pd.testing.assert_frame_equal(resumed["predictive"], whole["predictive"])


def test_optuna_resumes_a_batch_that_was_told_in_part(tmp_path, monkeypatch):
    """A kill between two tells of a batch (here: an exception at the 14th tell, in the
    fourth batch of 4, once TPE has left its 10 random start-up trials) leaves trials told
    and trials running in one batch."""
    import optuna

    path = write_calibration(tmp_path, "optuna", "[optuna]\ntrials = 20\nbatch = 4\n")
    whole = sim.calibrate(path, tmp_path / "whole", workers=1, progress=False)
    tell, told = optuna.study.Study.tell, []

    def killed_at_the_14th(self, *args, **kwargs):
        if len(told) == 13:
            raise KeyboardInterrupt
        told.append(args)
        return tell(self, *args, **kwargs)

    monkeypatch.setattr(optuna.study.Study, "tell", killed_at_the_14th)
    with pytest.raises(KeyboardInterrupt):
        sim.calibrate(path, tmp_path / "killed", workers=1, progress=False)
    monkeypatch.setattr(optuna.study.Study, "tell", tell)
    resumed = sim.calibrate(path, tmp_path / "killed", workers=1, resume=True, progress=False)
    assert resumed["points_this_run"] == whole["evaluations"] - 16  # 4 batches were stored
    assert resumed["best"] == whole["best"]
    pd.testing.assert_frame_equal(resumed["trace"], whole["trace"])


def test_a_finished_folder_is_not_overwritten_without_resume(tmp_path):
    path = write_calibration(tmp_path, "optuna")
    first = sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    with pytest.raises(CalibrationError, match="--resume"):
        sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    again = sim.calibrate(path, tmp_path / "out", workers=1, resume=True, progress=False)
    assert again["points_this_run"] == 0 and again["best"] == first["best"]


@pytest.mark.parametrize(("row", "message"), [
    ("2013-13,all,homicides,5,x", "row 2: period: '2013-13' is not a period"),
    ("2014..2013,all,homicides,5,x", "row 2: period: '2014..2013' ends before it starts"),
    ("2013,La Pas,homicides,5,x", "row 2: region: 'La Pas' is not a plaza of the scenario; "
                                  "did you mean 'La Paz'?"),
    ("2013,all,murders,5,x", "row 2: measure: 'murders' is not a measure"),
    ("2013,all,homicides,-1,x", "row 2: value: '-1'; a count is a finite number, 0 or more"),
    ("2013,all,homicides,many,x", "row 2: value: 'many' is not a number"),
    ("2013,all,homicides,5,", "row 2: source: empty"),
])
def test_bad_observed_rows_are_named_with_a_fix(tmp_path, row, message):
    path = tmp_path / "observed.csv"
    path.write_text(f"period,region,measure,value,source\n{row}\n", encoding="utf-8")
    names = [p.name for p in sim.load_scenario(BCS).plazas]
    with pytest.raises(ObservedError) as info:
        read_observed(path, names)
    assert f"{path}: {message}" in str(info.value)


def test_an_observed_file_without_a_column_is_refused(tmp_path):
    path = tmp_path / "observed.csv"
    path.write_text("year,value\n2013,47\n", encoding="utf-8")
    with pytest.raises(ObservedError, match="row 1: the header lacks period, region, measure"):
        read_observed(path)


@pytest.mark.parametrize(("edit", "message"), [
    (("replicates = 2", "replicates = 0"), "replicates: "),
    (("low = 3.0, high = 9.0", "low = 9.0, high = 3.0"),
     "empty range (9.0, 3.0); give low < high"),
    (("method = \"optuna\"", "method = \"mcmc\""), "method: "),
    (("check = [2013-10-01, 2013-12-31]", "check = [2013-09-01, 2013-12-31]"),
     "the fit and check periods overlap"),
    (("parameters.clash_rate", "parameters.clash_rat"), "clash_rat"),
    (("observed = \"observed.csv\"", "observed = \"missing.csv\""), "file not found"),
    (("fit = [2013-01-01, 2013-09-30]", "fit = [2012-01-01, 2012-12-31]"),
     "no observation lies inside the fit period"),
])
def test_bad_calibration_files_exit_2_with_a_fix(tmp_path, capsys, edit, message):
    path = write_calibration(tmp_path, "optuna")
    path.write_text(path.read_text().replace(*edit))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2013", "2013-01-01", "2013-12-31"),
    ("2014-02", "2014-02-01", "2014-02-28"),
    ("2014-07-31", "2014-07-31", "2014-07-31"),
    ("2014-08..2014-12", "2014-08-01", "2014-12-31"),
    ("2014-07-31..2014", "2014-07-31", "2014-12-31"),
])
def test_periods_cover_whole_years_months_and_days(period, first, last):
    assert period_bounds(period) == (pd.Timestamp(first), pd.Timestamp(last))


def test_distances_are_zero_on_the_observations_and_grow_with_the_miss():
    observed = np.array([47.0, 91.0])
    exact = np.array([[45.0, 90.0], [49.0, 92.0]])  # replicate means 47 and 91
    for distance in DISTANCES.values():
        assert distance(exact, observed) == pytest.approx(0.0, abs=1e-12)
        assert 0 < distance(exact * 1.2, observed) < distance(exact * 2, observed)
    # log_mean: a miss by a factor costs the same on a small and a large count
    assert DISTANCES["log_mean"](np.array([[9.0]]), np.array([4.0])) == pytest.approx(
        np.log(10 / 5))
    # poisson_deviance: all-zero replicates still give a finite distance
    assert np.isfinite(DISTANCES["poisson_deviance"](np.zeros((3, 2)), observed))


# --- review fixes: model recorded, folder lock, exit 2, workers, global RNG, sweep message ---

def test_a_resume_after_a_model_change_is_refused_naming_it(tmp_path, capsys):
    path = write_calibration(tmp_path, "optuna", "[optuna]\ntrials = 4\nbatch = 4\n")
    out = tmp_path / "out"
    sim.calibrate(path, out, workers=1, progress=False)
    record = json.loads((out / "calibration.json").read_text())
    assert record["model"]["model_source_sha256"]["kernel.py"]
    record["model"]["model_source_sha256"]["kernel.py"] = "0" * 64  # as if kernel.py changed
    (out / "calibration.json").write_text(json.dumps(record))
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--resume"]) == 2
    error = capsys.readouterr().err
    assert "started by another model" in error and "sim/kernel.py" in error
    assert "Traceback" not in error


def test_a_second_calibration_of_a_locked_folder_exits_2(tmp_path, capsys):
    from sim.folder_lock import folder_lock

    path = write_calibration(tmp_path, "optuna")
    out = tmp_path / "out"
    code = ("import sys, time; from sim.folder_lock import folder_lock\n"
            f"with folder_lock({str(out)!r}):\n    print('held', flush=True); time.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert main(["calibrate", str(path), "--out", str(out), "--workers", "1"]) == 2
    finally:
        holder.kill()
        holder.wait()
    error = capsys.readouterr().err
    assert "another calibration is running in" in error and "Traceback" not in error
    with folder_lock(out):  # released by the holder's death
        pass


def test_an_unwritable_folder_exits_2_with_a_fix(tmp_path, capsys):
    path = write_calibration(tmp_path, "optuna")
    (tmp_path / "file").write_text("x")
    assert main(["calibrate", str(path), "--out", str(tmp_path / "file" / "out"),
                 "--workers", "1"]) == 2
    error = capsys.readouterr().err
    assert "--out" in error and "Traceback" not in error


@pytest.mark.parametrize(("method", "missing"), [("abc", "pyabc"), ("optuna", "optuna")])
def test_a_missing_method_library_exits_2_with_the_install_command(tmp_path, capsys,
                                                                   monkeypatch, method,
                                                                   missing):
    path = write_calibration(tmp_path, method)
    monkeypatch.setitem(sys.modules, missing, None)  # import raises ModuleNotFoundError
    other = {"abc": "optuna", "optuna": "pyabc"}[method]
    monkeypatch.setitem(sys.modules, other, None)  # only the chosen method's is imported
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out"),
                 "--workers", "1"]) == 2
    error = capsys.readouterr().err
    assert f"needs {missing}" in error and "pip install 'cartel-sim[calibrate]'" in error
    assert "Traceback" not in error


def _kill_first_run(marker: str) -> int:
    if not os.path.exists(marker):
        Path(marker).write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return os.getpid()


def _death_signal(_task) -> int:
    import ctypes

    value = ctypes.c_int()
    ctypes.CDLL(None).prctl(2, ctypes.byref(value))  # PR_GET_PDEATHSIG
    return value.value


def test_calibration_workers_die_with_their_parent_and_survive_a_lost_one(tmp_path):
    from sim.calibration.evaluator import LocalWorkers

    workers = LocalWorkers(2)
    try:
        if sys.platform.startswith("linux"):
            assert list(workers.imap_unordered(_death_signal, [0, 1])) == [signal.SIGKILL] * 2
        marker = str(tmp_path / "marker")
        results = list(workers.imap_unordered(_kill_first_run, [marker] * 3))
    finally:
        workers.close()
    assert len(results) == 3 and os.path.exists(marker)


def test_calibrate_leaves_numpys_global_generator_alone(tmp_path):
    path = write_calibration(tmp_path, "abc", "[abc]\npopulation = 4\ngenerations = 1\n")
    np.random.seed(12345)
    before = np.random.get_state()
    sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    after = np.random.get_state()
    assert before[0] == after[0] and np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_a_one_worker_sweep_does_not_announce_compiling_in_workers(tmp_path, capsys,
                                                                   monkeypatch):
    import importlib

    compiling = importlib.import_module("sim.compiling")
    sweep_module = importlib.import_module("sim.sweep")  # sim.sweep is the function
    announced = []
    monkeypatch.setattr(compiling, "announce_compiling_in_workers", announced.append)
    monkeypatch.setattr(sweep_module, "sweep", lambda *a, **k: pd.DataFrame({"point": [0]}))
    spec = tmp_path / "sweep.toml"
    spec.write_text(f'scenario = "{BCS}"\ndesign = "saltelli"\nn = 2\nreplicates = 1\n'
                    '[parameters]\n"parameters.clash_rate" = [0.0001, 0.0004]\n',
                    encoding="utf-8")
    assert main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    assert announced == []
    assert main(["sweep", str(spec), "--out", str(tmp_path / "out"), "--workers", "2"]) == 0
    assert len(announced) == 1
