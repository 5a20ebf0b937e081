"""A joint calibration: one set of parameters fitted to several episodes at once.

Small synthetic episodes: bcs_2014 on 2013 and two_cartels on 2020, 2 replicates a point.
What a researcher relies on: the distance is the weighted mean of the episodes' distances,
every episode is run with the same seeds; the result is the same serial, on 2 workers or
on Dask; a killed run resumes with nothing lost or repeated; a changed episode is refused
on resume; bad files are refused naming the file, the episode, the field and the fix.
"""

from __future__ import annotations

import json
import os
import shutil
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
from sim.calibration import CalibrationError, CalibrationSpec
from sim.calibration.distance import DISTANCES
from sim.calibration.episodes import load_episodes
from sim.calibration.simulate import evaluate_point
from sim.cli import main

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BCS_OBSERVED = """period,region,measure,value,source
2013-01..2013-06,all,homicides,22,test
2013-07..2013-12,all,homicides,25,test
"""
TWO_OBSERVED = """period,region,measure,value,source
2020-01..2020-06,all,homicides,110,test
2020-07..2020-12,Ciudad Norte,homicides,4,test
"""
SMALL = "[abc]\npopulation = 8\ngenerations = 2\n[optuna]\ntrials = 8\nbatch = 4\n"


def write_joint(folder: Path, method: str = "abc", settings: str = SMALL,
                bcs_weight: float = 1.0) -> Path:
    """A joint calibration of bcs_2014 (fit on 2013, nothing held back) and two_cartels
    (fit on the first half of 2020, the second half held back)."""
    (folder / "bcs.csv").write_text(BCS_OBSERVED, encoding="utf-8")
    (folder / "two.csv").write_text(TWO_OBSERVED, encoding="utf-8")
    two = folder / "two_cartels.toml"
    if not two.exists():
        shutil.copy(SCENARIOS / "two_cartels.toml", two)
    path = folder / f"joint_{method}.toml"
    path.write_text(textwrap.dedent(f"""\
        method = "{method}"
        seed = 5
        replicates = 2
        predictive_draws = 6
        [[episodes]]
        scenario = "{SCENARIOS / 'bcs_2014.toml'}"
        observed = "bcs.csv"
        fit = [2013-01-01, 2013-12-31]
        weight = {bcs_weight}
        [[episodes]]
        scenario = "two_cartels.toml"
        observed = "two.csv"
        fit = [2020-01-01, 2020-06-30]
        check = [2020-07-01, 2020-12-31]
        [parameters]
        "parameters.clash_rate" = {{low = 0.0001, high = 0.004, prior = "loguniform"}}
        "parameters.background_homicides_per_100k_year" = {{low = 3.0, high = 9.0}}
        """) + settings, encoding="utf-8")
    return path


def test_the_distance_is_the_weighted_mean_of_the_episodes_distances(tmp_path):
    path = write_joint(tmp_path, "optuna", "[optuna]\ntrials = 4\nbatch = 4\n", bcs_weight=3.0)
    result = sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    episodes = load_episodes(CalibrationSpec.from_toml(path))
    bcs, two = episodes
    assert (bcs.columns, two.columns) == (slice(0, 2), slice(2, 4))
    assert two.held_back.tolist() == [False, True]  # its second row is not fitted on
    with sqlite3.connect(tmp_path / "out" / "evaluations.db") as connection:
        rows = connection.execute("SELECT idx, shape, counts FROM evaluations WHERE stage = 0 "
                                  "ORDER BY idx").fetchall()
    for (trial, shape, blob), traced in zip(rows, result["trace"]["distance"]):
        counts = np.frombuffer(blob).reshape(json.loads(shape))
        assert counts.shape == (2, 4)  # 2 replicates x (2 + 2) observations
        d_bcs = DISTANCES["log_mean"](counts[:, :2], np.array([22.0, 25.0]))
        d_two = DISTANCES["log_mean"](counts[:, 2:3], np.array([110.0]))
        assert traced == pytest.approx((3 * d_bcs + d_two) / 4, rel=1e-12), trial


def test_every_episode_runs_with_the_same_replicate_seeds(tmp_path):
    episodes = load_episodes(CalibrationSpec.from_toml(write_joint(tmp_path)))
    point = {"parameters.clash_rate": 0.001, "parameters.background_homicides_per_100k_year": 5}
    task = {"key": (0, 0), "overrides": point, "seeds": [11, 12]}
    _, joint = evaluate_point({**task, "episodes": [e.task() for e in episodes]})
    alone = [evaluate_point({**task, "episodes": [e.task()]})[1] for e in episodes]
    np.testing.assert_array_equal(joint, np.concatenate(alone, axis=1))
    bcs_2013 = sim.run(sim.load_scenario(SCENARIOS / "bcs_2014.toml").with_overrides(point),
                       seed=12, days=365).homicides("YS").sum()
    assert joint[1, :2].sum() == bcs_2013  # the second seed's run, both half-years
    two = sim.run(episodes[1].scenario.with_overrides(point), seed=11)  # the first seed
    lethal = two.violence[two.violence["lethal"] & (two.violence["plaza"] == "Ciudad Norte")]
    assert joint[0, 3] == lethal.loc[lethal["date"] >= "2020-07-01", "count"].sum()


def test_joint_same_seed_same_result_serial_two_workers_and_outputs(tmp_path):
    spec = CalibrationSpec.from_toml(write_joint(tmp_path))
    serial = sim.calibrate(spec, tmp_path / "serial", workers=1, progress=False)
    parallel = sim.calibrate(spec, tmp_path / "parallel", workers=2, progress=False)
    assert serial["best"] == parallel["best"] and serial["check"] == parallel["check"]
    pd.testing.assert_frame_equal(serial["posterior"], parallel["posterior"])
    pd.testing.assert_frame_equal(serial["predictive"], parallel["predictive"])

    out = tmp_path / "serial"
    check = serial["check"]
    assert set(check["episodes"]) == {"bcs_2014", "two_cartels"}
    assert check["episodes"]["bcs_2014"]["distance_check"] is None  # nothing held back
    assert check["episodes"]["two_cartels"]["coverage_90"] in (0.0, 1.0)
    assert check["distance_check"] == check["episodes"]["two_cartels"]["distance_check"]
    assert check["distance_fit"] == pytest.approx(np.mean(
        [check["episodes"][n]["distance_fit"] for n in ("bcs_2014", "two_cartels")]))
    assert serial["predictive"].groupby("episode")["held_back"].sum().to_dict() == {
        "bcs_2014": 0, "two_cartels": 1}
    for name in ("posterior.parquet", "trace.parquet", "figures/posterior.png",
                 "figures/convergence.png", "bcs_2014/best.toml", "bcs_2014/predictive.parquet",
                 "bcs_2014/figures/check.png", "two_cartels/figures/check.png"):
        assert (out / name).is_file(), name
    assert pd.read_parquet(out / "two_cartels" / "predictive.parquet")["period"].tolist() == [
        "2020-01..2020-06", "2020-07..2020-12"]
    # each episode's best.toml runs where it is written
    variant = sim.load_scenario(out / "two_cartels" / "best.toml")
    assert variant.parameters.clash_rate == serial["best"]["parameters.clash_rate"]
    # best_parameters.toml is a [parameters] table an episode can take as its base
    shared = tomllib.loads((out / "best_parameters.toml").read_text())
    assert shared == {"parameters": {"clash_rate": serial["best"]["parameters.clash_rate"],
                                     "background_homicides_per_100k_year": serial["best"][
                                         "parameters.background_homicides_per_100k_year"]}}
    episode = tmp_path / "episode.toml"
    episode.write_text(f'base = "{out / "best_parameters.toml"}"\n'
                       + (SCENARIOS / "two_cartels.toml").read_text(), encoding="utf-8")
    assert sim.load_scenario(episode).parameters.background_homicides_per_100k_year == \
        serial["best"]["parameters.background_homicides_per_100k_year"]
    record = json.loads((out / "calibration.json").read_text())
    assert set(record["inputs"]["episodes"]) == {"bcs_2014", "two_cartels"}
    assert set(record["model"]["episodes"]) == {"bcs_2014", "two_cartels"}


def test_joint_on_dask_gives_the_serial_result(tmp_path):
    distributed = pytest.importorskip("distributed")
    spec = CalibrationSpec.from_toml(write_joint(tmp_path))
    serial = sim.calibrate(spec, tmp_path / "serial", workers=1, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = sim.calibrate(spec, tmp_path / "dask", executor=client.get_executor(),
                                progress=False)
    assert on_dask["best"] == serial["best"]
    pd.testing.assert_frame_equal(on_dask["posterior"], serial["posterior"])
    pd.testing.assert_frame_equal(on_dask["predictive"], serial["predictive"])


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=10) as connection:
            return connection.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def test_a_killed_joint_calibration_resumes_with_nothing_lost_or_repeated(tmp_path):
    path = write_joint(tmp_path, "abc", "[abc]\npopulation = 10\ngenerations = 3\n")
    whole = sim.calibrate(path, tmp_path / "whole", workers=1, progress=False)
    out = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-m", "sim.cli", "calibrate", str(path),
                                "--out", str(out), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _stored(out / "evaluations.db") < 15 and process.poll() is None:
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


def test_a_resume_after_an_episode_changed_is_refused_naming_it(tmp_path, capsys):
    path = write_joint(tmp_path, "optuna", "[optuna]\ntrials = 4\nbatch = 4\n")
    out = tmp_path / "out"
    sim.calibrate(path, out, workers=1, progress=False)
    two = tmp_path / "two_cartels.toml"
    two.write_text(two.read_text().replace("clash_rate = 0.002", "clash_rate = 0.003"))
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--resume"]) == 2
    error = capsys.readouterr().err
    assert "holds another calibration" in error
    assert f"episodes.two_cartels.scenario_sha256 of {two}" in error and "bcs_2014" not in error

    record = json.loads((out / "calibration.json").read_text())
    two.write_text(two.read_text().replace("clash_rate = 0.003", "clash_rate = 0.002"))
    record["model"]["episodes"]["bcs_2014"]["model_source_sha256"]["kernel.py"] = "0" * 64
    (out / "calibration.json").write_text(json.dumps(record))
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--resume"]) == 2
    error = capsys.readouterr().err
    assert "started by another model" in error and "sim/kernel.py" in error


def test_the_command_prints_each_episodes_check(tmp_path, capsys):
    path = write_joint(tmp_path, "optuna", "[optuna]\ntrials = 4\nbatch = 4\n")
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "distance on the fit periods (weighted mean)" in printed
    assert "episode two_cartels:" in printed and "held-back observations inside" in printed
    assert "best_parameters.toml" in printed


@pytest.mark.parametrize(("edit", "message"), [
    (('observed = "two.csv"\n', ""), "episodes[1].observed: "),
    (("two_cartels.toml", f"{SCENARIOS / 'bcs_2014.toml'}"),
     "episodes[0] and episodes[1]: scenario"),
    (('"parameters.clash_rate"', '"plazas[name=La Paz].population" = {low = 1e5, high = 2e5}\n'
                                 '"parameters.clash_rate"'),
     "episodes[1] (two_cartels): "),  # the path exists in bcs_2014 only
    (("method = ", 'scenario = "x.toml"\nmethod = '), "scenario given beside [[episodes]]"),
    (("weight = 1.0", "weight = 0"), "episodes[0].weight: "),
    (('observed = "two.csv"', 'observed = "two.csv"\nname = "bcs_2014"'),
     "two episodes have one name"),
    (('observed = "two.csv"', 'observed = "missing.csv"'), "missing.csv: file not found"),
    (('observed = "two.csv"', 'observed = "two.csv"\nname = "../x"'),
     "episodes[name=\"../x\"]: name '../x' cannot name its output folder"),
    (("fit = [2020-01-01, 2020-06-30]", "fit = [2019-01-01, 2019-06-30]"),
     "episodes[1] (two_cartels): "),
])
def test_bad_joint_files_exit_2_naming_the_episode_and_the_fix(tmp_path, capsys, edit,
                                                                message):
    path = write_joint(tmp_path, "optuna")
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(*edit, 1))
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert message in error and str(path) in error and "Traceback" not in error


def test_the_one_scenario_form_and_the_episodes_form_cannot_mix(tmp_path):
    path = write_joint(tmp_path)
    path.write_text(path.read_text().replace("method = ", "fit = [2013-01-01, 2013-12-31]\n"
                                             "method = "))
    with pytest.raises(CalibrationError, match="write it in each"):
        CalibrationSpec.from_toml(path)
    path.write_text("method = 'abc'\n[parameters]\n'parameters.clash_rate' = "
                    "{low = 0.1, high = 0.2}\n")
    with pytest.raises(CalibrationError, match="or \\[\\[episodes\\]\\]"):
        CalibrationSpec.from_toml(path)


def test_the_shipped_joint_fit_frees_only_the_shared_behaviour_of_both_episodes():
    """calibrations/behaviour.toml fits the shipped bcs_2014 and juarez_2008, which read one
    behaviour base (scenarios/shared/behaviour.toml): every parameter it frees is set there and
    in neither episode's own file, so the two differ only in data (issue 13)."""
    calibrations = SCENARIOS.parent / "calibrations"
    spec = tomllib.loads((calibrations / "behaviour.toml").read_text())
    episodes = [(calibrations / e["scenario"]).resolve() for e in spec["episodes"]]
    assert [e.stem for e in episodes] == ["bcs_2014", "juarez_2008"]
    own = [tomllib.loads(e.read_text()) for e in episodes]
    assert {o["base"] for o in own} == {"shared/behaviour.toml"}
    shared = tomllib.loads((SCENARIOS / "shared" / "behaviour.toml").read_text())["parameters"]
    free = {k.removeprefix("parameters.") for k in spec["parameters"]}
    assert free <= set(shared)
    for o in own:
        assert not free & set(o.get("parameters", {}))
