"""The ``cartel-sim`` command end to end, in a subprocess from a scratch folder (the README's commands):
outputs, summary, exit statuses and messages. Each subprocess pays the import (~3 s with a
warm numba cache), so the checks are grouped into few of them; ``--help`` texts, which need
no simulation, are read in-process."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SCENARIO_DIR, TABLES, shipped_scenario
from pandas.testing import assert_frame_equal

import sim
from sim.cli import main

TWO = str(SCENARIO_DIR / "two_cartels.toml")
FILES = ["control.parquet", "organizations.parquet", "run.json", "summary.png",
         "violence.parquet"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("cartel-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


@pytest.fixture(scope="module", autouse=True)
def compiled():
    """Compile in this process first, so the subprocesses find numba's cache warm."""
    sim.run(shipped_scenario("two_cartels"), seed=0, days=5)


def test_run_writes_the_folder_and_refuses_another_run_in_it(tmp_path):
    out = tmp_path / "out"
    proc = cli("run", TWO, "--seed", "3", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    assert sorted(p.name for p in out.iterdir()) == FILES
    # the summary: homicides by year, control changes, members at the end
    text = proc.stdout
    assert "Homicides by year" in text and "2020" in text
    assert "Control changes" in text
    assert "members" in text and "North" in text and "South" in text
    # the files hold the run the library gives for that seed (another process: same bits)
    written = sim.Results.load(out)
    again = sim.run(shipped_scenario("two_cartels"), seed=3)
    for table in TABLES:
        assert_frame_equal(getattr(written, table), getattr(again, table))
    assert str(again.homicides("YS").iloc[0]) in text  # the yearly total is printed
    before = (out / "run.json").read_bytes()

    proc = cli("run", TWO, "--seed", "4", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2
    no_traceback(proc)
    assert "out" in proc.stderr and "--force" in proc.stderr
    assert (out / "run.json").read_bytes() == before

    proc = cli("run", TWO, "--seed", "4", "--days", "30", "--out", "out", "--force", "--csv",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((out / "run.json").read_text())
    assert meta["seed"] == 4 and meta["steps"] == 30
    assert {"violence.csv", "control.csv", "organizations.csv"} <= {p.name for p in out.iterdir()}


def test_validate_and_schema(tmp_path):
    bad = tmp_path / "typo.toml"
    bad.write_text('name = "typo"\n[simulation]\nstart = 2020-01-01\ndays = 10\n'
                   "[parameters]\nclash_rat = 0.1\n")
    good = [str(SCENARIO_DIR / f"{n}.toml") for n in ("two_cartels", "bcs_2014_no_alliance")]

    proc = cli("validate", *good, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("ok") == 2

    proc = cli("validate", good[0], str(bad), cwd=tmp_path)
    assert proc.returncode == 2
    no_traceback(proc)
    assert "typo.toml" in proc.stderr and "clash_rat" in proc.stderr
    assert "clash_rate" in proc.stderr  # the suggestion

    proc = cli("schema", cwd=tmp_path)
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert {"simulation", "parameters", "organizations", "plazas"} <= set(schema["properties"])


@pytest.mark.parametrize("command", ["run", "validate", "schema"])
def test_every_command_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "example" in text.lower()
    assert f"cartel-sim {command}" in text


def test_top_level_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    for command in ("run", "validate", "schema"):
        assert command in text


def test_user_mistakes_exit_2(tmp_path, capsys, monkeypatch):
    """Missing scenario paths and bad values: status 2, a message naming the problem, no
    traceback and nothing written (in-process, to save subprocesses)."""
    monkeypatch.chdir(tmp_path)
    assert main(["run", "no/such/scenario.toml"]) == 2
    assert "no/such/scenario.toml" in capsys.readouterr().err
    assert not (tmp_path / "outputs").exists()
    assert main(["run", TWO, "--days", "0", "--out", str(tmp_path / "x")]) == 2
    assert "--days" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.toml")]) == 2
    assert "missing.toml" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_run_days_shorter_than_the_events(tmp_path, capsys):
    """--days shorter than a scenario's events runs the beginning (no traceback)."""
    code = main(["run", str(SCENARIO_DIR / "bcs_2014.toml"), "--days", "60",
                 "--out", str(tmp_path / "short")])
    assert code == 0
    assert json.loads((tmp_path / "short" / "run.json").read_text())["steps"] == 60


def test_two_concurrent_runs_into_one_folder_one_wins_the_other_exits_2(tmp_path):
    """Both used to exit 0 and print "Wrote out/" while only one run survived."""
    script = Path(sys.executable).with_name("cartel-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    procs = {seed: subprocess.Popen([*command, "run", TWO, "--seed", seed, "--out", "out"],
                                    cwd=tmp_path, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
             for seed in ("1", "2")}
    outcomes = {seed: (proc.communicate(timeout=300)[1], proc.returncode)[::-1]
                for seed, proc in procs.items()}
    assert sorted(code for code, _ in outcomes.values()) == [0, 2], outcomes
    winner = next(seed for seed, (code, _) in outcomes.items() if code == 0)
    loser_err = next(err for code, err in outcomes.values() if code == 2)
    assert "Traceback" not in loser_err and "error: " in loser_err
    assert "another process" in loser_err or "different run" in loser_err
    assert json.loads((tmp_path / "out" / "run.json").read_text())["seed"] == int(winner)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no lock, no staging left


def test_plot_refuses_a_staging_folder_left_by_a_killed_run(tmp_path, capsys):
    folder = sim.run(shipped_scenario("two_cartels"), seed=0, days=20).save(tmp_path / "run")
    leftover = folder.rename(tmp_path / ".run.x7k2m9qa")
    assert main(["plot", str(leftover)]) == 2
    err = capsys.readouterr().err
    assert "interrupted save" in err and str(tmp_path / "run") in err
    assert not (leftover / "figures").exists()


def test_a_run_killed_while_saving_writes_no_run_and_the_next_run_cleans_up(tmp_path):
    """SIGKILL while the tables and summary.png are being written (into the hidden staging
    folder): no `out` appears, and the next run into `out` removes the staging folder."""
    script = Path(sys.executable).with_name("cartel-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    run = [*command, "run", TWO, "--seed", "5", "--out", "out"]
    for _ in range(5):  # the staging folder lives ~0.5 s: retried if the poll missed it
        proc = subprocess.Popen(run, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        while proc.poll() is None and not [p for p in tmp_path.glob(".out.*") if p.is_dir()]:
            time.sleep(0.002)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.returncode == -signal.SIGKILL:
            break
        shutil.rmtree(tmp_path / "out")
    assert proc.returncode == -signal.SIGKILL, "every run finished before the kill"
    assert not (tmp_path / "out").exists()
    assert [p for p in tmp_path.glob(".out.*") if p.is_dir()]  # what the kill left
    proc = cli("run", TWO, "--seed", "5", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == FILES


# ------------------------------------------------------------------------ the first hour
def test_validate_a_folder_checks_every_scenario_in_it_with_counts_in_words(capsys):
    assert main(["validate", str(SCENARIO_DIR)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(list(SCENARIO_DIR.glob("*.toml")))
    mean_field = next(line for line in out if "mexico_2012_mean_field.toml" in line)
    assert " 1 plaza," in mean_field  # not "1 plazas"


def test_validate_a_folder_without_scenarios_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert ".toml" in capsys.readouterr().err


def raise_oserror(code: int):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("code, fix", [(errno.ENOSPC, "free some disk space"),
                                       (errno.EACCES, "a folder you can write to"),
                                       (errno.EROFS, "read-only")])
def test_a_disk_that_refuses_the_write_exits_2_and_leaves_nothing(tmp_path, capsys,
                                                                   monkeypatch, code, fix):
    """Disk full or read-only while the run is saved (simulated: the summary figure's write
    fails): a message with the fix, no traceback, and no run folder nor temporary left."""
    monkeypatch.setattr("sim.plot.save_figure", raise_oserror(code))
    out = tmp_path / "run"
    assert main(["run", TWO, "--days", "5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert fix in err and "--out" in err and "Traceback" not in err
    assert not out.exists() or not any(p.name.endswith(".parquet") for p in out.iterdir())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_out_under_a_file_exits_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["run", TWO, "--days", "5", "--out", str(tmp_path / "notes.txt" / "run")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert main(["run", TWO, "--days", "5", "--out", str(tmp_path / "ok")]) == 0
    capsys.readouterr()
    assert main(["plot", str(tmp_path / "ok"), "--out", str(tmp_path / "notes.txt")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_a_scheduler_that_is_not_an_address_exits_2(tmp_path, capsys):
    pytest.importorskip("distributed")
    sweepfile = tmp_path / "s.toml"
    sweepfile.write_text(f'scenario = "{TWO}"\ndesign = "grid"\nn = 2\nreplicates = 1\n'
                         '[parameters]\n"parameters.clash_rate" = [0.1, 0.2]\n')
    assert main(["sweep", str(sweepfile), "--scheduler", "not a url",
                 "--out", str(tmp_path / "out")]) == 2
    assert "--scheduler not a url" in capsys.readouterr().err


def test_compile_messages_go_to_stderr_from_the_command_only(capsys, monkeypatch):
    """The command shows what sim.compiling logs; a Python program does not, by default."""
    import logging

    import sim.cli as cli

    def compiling(args):
        logging.getLogger("sim.compiling").info("compiling the model")

    monkeypatch.setattr(cli, "cmd_schema", compiling)
    assert main(["schema"]) == 0
    assert "compiling the model" in capsys.readouterr().err
    compiling(None)  # after the command, as in a library
    assert "compiling the model" not in capsys.readouterr().err


class FakeKernel:
    """A numba dispatcher's face: compiled in this process (signatures), or in its cache."""

    def __init__(self, signatures, cached):
        self.signatures = signatures
        index = type("Index", (), {"_load_index": lambda _: {"sig": 1} if cached else {}})
        self._cache = type("Cache", (), {"_cache_file": index()})()


@pytest.mark.parametrize("signatures, cached, announced", [
    ([], False, True), ([], True, False), (["(int64,)"], False, False)])
def test_compiling_is_announced_only_when_the_kernel_is_not_compiled(
        caplog, signatures, cached, announced):
    from sim.compiling import announce_compiling

    step = announce_compiling(FakeKernel(signatures, cached))(lambda x: x + 1)
    with caplog.at_level("INFO", logger="sim.compiling"):
        assert step(1) == 2
    said = " ".join(r.getMessage() for r in caplog.records)
    assert ("compiling the model" in said and "compiled in" in said) == announced
    assert bool(said) == announced


def test_the_real_kernel_is_known_compiled_after_a_run():
    from sim.compiling import is_compiled
    from sim.kernel import advance

    assert is_compiled(advance)  # the module fixture ran it


def test_import_sim_loads_no_heavy_library_and_keeps_its_names():
    code = ("import sys, sim; heavy = {'pandas', 'numba', 'mesa', 'matplotlib', 'scipy', "
            "'SALib', 'dask'} & set(sys.modules); assert not heavy, heavy; "
            "import sim.sweep, sim.sensitivity; "
            "assert callable(sim.sweep) and callable(sim.sensitivity), sim.sweep; "
            "assert sim.run.__module__ == 'sim.runner'; assert 'load_scenario' in dir(sim)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_sweep_says_its_workers_compile_when_the_cache_is_cold(caplog):
    from sim.compiling import announce_compiling_in_workers

    with caplog.at_level("INFO", logger="sim.compiling"):
        announce_compiling_in_workers(FakeKernel([], cached=True))
        assert not caplog.records
        announce_compiling_in_workers(FakeKernel([], cached=False))
    assert "compiling the model in the workers" in caplog.records[0].getMessage()
