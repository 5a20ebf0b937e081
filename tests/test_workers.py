"""Kill tests of a local sweep (sim.workers), with real processes and SIGKILL: workers die
with the sweep's main process, and a killed worker's chunks run again on new workers. Each
ends with nothing lost, nothing run twice and no process left behind.

The sweep: 400 runs of two_cartels for 60 days in chunks of 5 on 2 workers (~2-4 s), so a
kill lands while most chunks are still to run.
"""

from __future__ import annotations

import importlib
import os
import signal
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from pandas.testing import assert_frame_equal
from test_sweep import CLASH, DAYS, TWO, cli, parts, run_sweep, small

import sim
from sim.sweep import SweepError, SweepSpec
from sim.workers import RESTARTS, run_on_workers

psutil = pytest.importorskip("psutil")
N_CHUNKS = 80


@pytest.fixture(scope="module")
def war(tmp_path_factory) -> tuple[Path, object]:
    """The sweep file and its uninterrupted table (computed first: the kernel compiled, so
    the subprocesses find numba's cache warm)."""
    tmp_path = tmp_path_factory.mktemp("war")
    sweep_file = tmp_path / "war.toml"
    sweep_file.write_text(
        f'scenario = "{Path(TWO).as_posix()}"\ndesign = "lhs"\nn = 40\nreplicates = 10\n'
        f'seed = 4\ndays = {DAYS}\nchunk_size = 5\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n')
    return sweep_file, run_sweep(SweepSpec.from_toml(sweep_file), tmp_path / "uninterrupted")


def start_sweep(sweep_file: Path, out: Path):
    """The CLI sweep on 2 workers, once both workers run and a first chunk is written:
    (process, its worker processes)."""
    proc = cli("sweep", str(sweep_file), "--workers", "2", "--out", str(out),
               cwd=out.parent)
    deadline = time.monotonic() + 120
    workers = []
    while proc.poll() is None and time.monotonic() < deadline:
        workers = psutil.Process(proc.pid).children()
        if len(workers) >= 2 and parts(out):
            break
        time.sleep(0.005)
    assert proc.poll() is None and len(parts(out)) < N_CHUNKS, "finished before the kill"
    return proc, workers


def reap(processes) -> list:
    """Wait up to 10 s for ``processes`` to end; kill and return those still alive."""
    _, alive = psutil.wait_procs(processes, timeout=10)
    for process in alive:
        process.kill()
    return alive


def test_killing_the_sweep_kills_its_workers_and_resume_completes_it(war, tmp_path):
    sweep_file, full = war
    out = tmp_path / "out"
    proc, workers = start_sweep(sweep_file, out)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        orphans = reap(workers)
    assert orphans == [], "workers outlived the sweep"
    assert not (out / "runs.parquet").exists()

    resumed = cli("sweep", str(sweep_file), "--workers", "2", "--out", str(out), "--resume",
                  cwd=tmp_path)
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert_frame_equal(sim.load_sweep(out), full)


def test_a_killed_worker_costs_a_retry_not_the_sweep(war, tmp_path):
    sweep_file, full = war
    out = tmp_path / "out"
    proc, workers = start_sweep(sweep_file, out)
    try:
        workers[0].kill()
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        survivors = reap(workers[1:])
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "a worker process died" in stderr
    assert survivors == []
    assert "400 runs (40 points x 10 replicates)" in stdout
    table = sim.load_sweep(out)
    assert table["run"].tolist() == list(range(400))  # each run once
    assert_frame_equal(table, full)
    assert len(parts(out)) == N_CHUNKS
    assert not [p for p in out.rglob(".*") if p.is_file()]  # no temporary file left


def die(task) -> None:
    """A task whose worker is killed every time (as by the OOM killer)."""
    os.kill(os.getpid(), signal.SIGKILL)


def test_workers_lost_every_time_end_in_an_error_with_the_resume_hint(tmp_path, monkeypatch,
                                                                     capsys):
    finished = []
    with pytest.raises(BrokenProcessPool, match="died 3 times"):
        run_on_workers(die, ["a", "b"], 1, on_done=finished.append, done=lambda _: False,
                       restarts=2)
    assert finished == [] and capsys.readouterr().err.count("a worker process died") == 2

    monkeypatch.setattr(importlib.import_module("sim.sweep"), "run_chunk", die)
    with pytest.raises(SweepError, match=r"worker processes were lost[\s\S]*resume=True"):
        run_sweep(small(n=2, replicates=1), tmp_path / "s", workers=2)
    assert capsys.readouterr().err.count("a worker process died") == RESTARTS
