"""A warm ``cartel-sim run`` in about 2 s (issue 16): ``sim.run`` and the command drive the
engine without Mesa and give what :class:`sim.CartelModel` gives, bit for bit; the program
ends itself once its files are written, its output all there and its exit status kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.results import TABLES
from sim.runner import for_days

ROOT = Path(__file__).resolve().parent.parent
CASES = [("bcs_2014", 3, 400), ("kingpin_removal", 11, None), ("two_cartels", 5, 200)]


def model_results(name: str, seed: int, days: int | None) -> sim.Results:
    scenario, steps = for_days(sim.load_scenario(ROOT / "scenarios" / f"{name}.toml"), days)
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(steps)
    return model.results()


def assert_same_run(got: sim.Results, expected: sim.Results) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(getattr(got, table), getattr(expected, table),
                                      check_exact=True)
    varies = ("wall_seconds", "files")  # the time taken; the files of a saved run's run.json
    assert ({k: v for k, v in got.meta.items() if k not in varies}
            == {k: v for k, v in expected.meta.items() if k not in varies})


@pytest.mark.parametrize(("name", "seed", "days"), CASES)
def test_sim_run_gives_the_mesa_models_results(name, seed, days):
    scenario = sim.load_scenario(ROOT / "scenarios" / f"{name}.toml")
    assert_same_run(sim.run(scenario, seed=seed, days=days), model_results(name, seed, days))


@pytest.mark.parametrize("progress", [False, True])
def test_cli_run_folder_holds_the_mesa_models_results(tmp_path, capsys, progress):
    """With --progress the run goes in 100 pieces: the same tables as the model's one run."""
    out = tmp_path / "run"
    argv = ["run", str(ROOT / "scenarios" / "kingpin_removal.toml"), "--seed", "11",
            "--out", str(out)] + (["--progress"] if progress else [])
    assert main(argv) == 0
    assert_same_run(sim.Results.load(out), model_results("kingpin_removal", 11, None))
    assert json.loads((out / "run.json").read_text())["files"].keys() == {
        *(f"{t}.parquet" for t in TABLES), "summary.png"}
    if progress:
        assert "100%" in capsys.readouterr().err


def test_seeds_out_of_range_are_refused_alike():
    scenario = sim.load_scenario(ROOT / "scenarios" / "two_cartels.toml")
    for seed in (-1, 2**63):
        with pytest.raises(ValueError, match="seed must be a whole number from 0 to 2"):
            sim.run(scenario, seed=seed, days=10)
        with pytest.raises(ValueError, match="seed must be a whole number from 0 to 2"):
            sim.CartelModel(scenario, rng=seed)


def test_cartel_sim_run_does_not_import_mesa(tmp_path):
    """Mesa's import is about half a second of a one-second run: the command does without."""
    code = ("import sys; from sim.cli import main; "
            f"code = main(['run', {str(ROOT / 'scenarios' / 'bcs_2014.toml')!r}, '--days', '30', "
            f"'--out', {str(tmp_path / 'run')!r}]); "
            "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'mesa'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    assert done.stdout.splitlines()[-1] == "0 []"


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``cartel-sim ARGS`` as a new process, its output through pipes (so buffered)."""
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_the_program_ends_with_its_files_output_and_status(tmp_path):
    out = tmp_path / "run"
    done = command("run", str(ROOT / "scenarios" / "bcs_2014.toml"), "--days", "60", "--out",
                   str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("bcs_2014, seed 0: 2013-01-01 to 2013-03-01 (60 steps)")
    assert done.stdout.rstrip().endswith(f"Wrote {out}/ (violence, control and organizations "
                                         "tables; run.json; summary.png)")
    assert done.stderr.startswith("Running bcs_2014 (seed 0) ...")
    files = json.loads((out / "run.json").read_text())["files"]
    assert sorted(p.name for p in out.iterdir()) == sorted([*files, "run.json"])
    assert_same_run(sim.Results.load(out), model_results("bcs_2014", 0, 60))

    again = command("run", str(ROOT / "scenarios" / "two_cartels.toml"), "--out", str(out),
                    cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.startswith(f"error: {out} holds a different run")
    assert "Traceback" not in again.stderr
