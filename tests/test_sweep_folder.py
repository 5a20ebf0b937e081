"""The sweep folder (sim.sweep_folder): a resume never mixes models, damaged parts run again,
a damaged spec.json is named with its fix, leftovers of killed runs go, one sweep per folder,
and the resume hint speaks the caller's language (resume=True in Python, --resume on the CLI).

Sweeps are the small ones of test_sweep.py (24 runs of two_cartels for 60 days, ~0.3 s).
"""

from __future__ import annotations

import importlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from test_sweep import CLASH, DAYS, TWO, parts, run_sweep, small

import sim
from sim.cli import main
from sim.model_source import PACKAGE, model_source
from sim.sweep import MODEL_ROOTS, SweepError

sweep_module = importlib.import_module("sim.sweep")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small sweep, finished (read only: copy it to change it)."""
    spec = small()
    out = tmp_path_factory.mktemp("sweeps") / "reference"
    return spec, out, run_sweep(spec, out)


def copy_of(reference, tmp_path: Path, keep: int | None = None) -> Path:
    """The reference folder without runs.parquet and with its first ``keep`` parts."""
    folder = tmp_path / "s"
    shutil.copytree(reference[1], folder)
    (folder / "runs.parquet").unlink()
    for part in parts(folder)[keep:] if keep is not None else []:
        part.unlink()
    return folder


def counting_chunks(monkeypatch) -> list[int]:
    ran, real = [], sweep_module.run_chunk
    monkeypatch.setattr(sweep_module, "run_chunk",
                        lambda task: ran.append(task["chunk"]) or real(task))
    return ran


def edit_manifest(folder: Path, change) -> None:
    record = json.loads((folder / "spec.json").read_text())
    change(record)
    (folder / "spec.json").write_text(json.dumps(record))


# ----------------------------------------------------------- the model that ran it (item 1)
def test_the_model_source_is_every_rule_module_and_changes_with_them(tmp_path):
    files = model_source(MODEL_ROOTS)
    for name in ("kernel.py", "rng.py", "codes.py", "scenario/parameters.py", "state.py",
                 "events.py", "scenario/schema.py", "model.py", "metrics.py",
                 *(f"mechanisms/{p.name}" for p in (PACKAGE / "mechanisms").glob("*.py"))):
        assert name in files, name
    assert not {"plot.py", "cli.py", "viz.py", "__init__.py"} & set(files)
    same, edited = tmp_path / "same" / "sim", tmp_path / "edited" / "sim"
    for copy in (same, edited):
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert model_source(MODEL_ROOTS, same) == files
    text = (edited / "scenario" / "parameters.py").read_text()
    (edited / "scenario" / "parameters.py").write_text(text + "\n# a changed default\n")
    changed = model_source(MODEL_ROOTS, edited)
    assert {f for f in files if files[f] != changed[f]} == {"scenario/parameters.py"}


@pytest.mark.parametrize("change, message", [
    (lambda r: r.update(version="0.0.1"), r"cartel-sim 0\.0\.1 -> "),
    (lambda r: r["model_source_sha256"].update({"scenario/parameters.py": "0" * 64}),
     r"source changed: sim/scenario/parameters\.py"),
    (lambda r: r["parameters"].update(clash_rate=0.5), r"clash_rate 0\.5 -> "),
    (lambda r: [r.pop(k) for k in ("version", "model_source_sha256")], r"0\.1\.0"),
])
def test_resume_refuses_a_sweep_started_by_another_model(reference, tmp_path, monkeypatch,
                                                         change, message):
    """Otherwise the table would mix runs of two models (issue 16, item 1)."""
    folder = copy_of(reference, tmp_path, keep=2)
    edit_manifest(folder, change)
    ran = counting_chunks(monkeypatch)
    with pytest.raises(SweepError, match=rf"another model \([\s\S]*{message}[\s\S]*another "
                                         "folder"):
        run_sweep(reference[0], folder, resume=True)
    assert ran == [] and len(parts(folder)) == 2 and not (folder / "runs.parquet").exists()
    for part in parts(folder):  # nothing ran yet: the folder takes the current model
        part.unlink()
    assert_frame_equal(run_sweep(reference[0], folder, resume=True), reference[2])


def test_the_cli_refuses_resuming_with_another_model_exit_2(tmp_path, capsys):
    sweep_file = tmp_path / "war.toml"
    sweep_file.write_text(f'scenario = "{Path(TWO).as_posix()}"\nn = 2\nreplicates = 2\n'
                          f'days = {DAYS}\nchunk_size = 1\n[parameters]\n'
                          f'"{CLASH}" = [0.001, 0.004]\n')
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(out)]) == 0
    parts(out)[-1].unlink()
    edit_manifest(out, lambda r: r["parameters"].update(clash_rate=0.5))
    capsys.readouterr()
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(out),
                 "--resume"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "another model" in err and "clash_rate" in err
    assert "Traceback" not in err and len(parts(out)) == 3


# -------------------------------------------------------------- damaged files (item 12)
def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 not a parquet file PAR1")


def _other_chunks_runs(path: Path) -> None:
    shutil.copy(path.with_name("chunk-00000.parquet"), path)


def _stray_chunk(path: Path) -> None:
    shutil.copy(path, path.with_name("chunk-00099.parquet"))


@pytest.mark.parametrize("damage", [_empty, _truncated, _garbage, _other_chunks_runs,
                                    _stray_chunk])
def test_resume_runs_damaged_parts_again_and_says_so(reference, tmp_path, monkeypatch, capsys,
                                                     damage):
    folder = copy_of(reference, tmp_path)
    part = parts(folder)[1]
    damage(part)
    ran = counting_chunks(monkeypatch)
    table = run_sweep(reference[0], folder, resume=True)
    assert_frame_equal(table, reference[2])  # nothing lost, nothing twice
    err = capsys.readouterr().err
    if damage is _stray_chunk:
        assert ran == [] and "chunk-00099.parquet: not a chunk of this sweep" in err
    else:
        assert ran == [1] and f"{part}: " in err and "run again" in err
    assert [p.name for p in parts(folder)] == [p.name for p in parts(reference[1])]


def test_a_chunk_whose_series_is_damaged_runs_again(tmp_path, monkeypatch, capsys):
    spec = small(n=2, replicates=2, chunk_size=2, series=True)
    folder = tmp_path / "s"
    full = run_sweep(spec, folder)
    series = pd.read_parquet(folder / "series")
    _truncated(folder / "series" / "point=1" / "chunk-00001.parquet")
    ran = counting_chunks(monkeypatch)
    assert_frame_equal(run_sweep(spec, folder, resume=True), full)
    assert ran == [1] and "series" in capsys.readouterr().err
    assert_frame_equal(pd.read_parquet(folder / "series"), series)


@pytest.mark.parametrize("text", ["", "{not json", "[]", '{"spec": {}}', "\xff\xfe"])
def test_a_damaged_spec_json_is_named_with_its_fix(reference, tmp_path, capsys, text):
    folder = copy_of(reference, tmp_path, keep=2)
    (folder / "spec.json").write_text(text, encoding="latin-1")
    for call in (lambda: run_sweep(reference[0], folder, resume=True),
                 lambda: sim.load_sweep(folder)):
        with pytest.raises(SweepError, match=r"spec\.json is damaged[\s\S]*another folder"):
            call()
    assert len(parts(folder)) == 2


# ------------------------------------------------------------ leftovers, one writer (14)
def test_leftovers_of_killed_runs_are_removed_and_nothing_else(reference, tmp_path, capsys):
    folder = copy_of(reference, tmp_path)
    leftovers = [folder / "parts" / ".chunk-00001.parquet.4242.tmp",
                 folder / ".runs.parquet.17.tmp", folder / ".spec.json.99.tmp"]
    kept = [folder / "notes.txt", folder / "parts" / ".chunk-00001.parquet.tmp",
            folder / ".runs.parquet.17.tmp.bak"]
    for path in leftovers + kept:
        path.write_bytes(b"half a file")
    assert_frame_equal(run_sweep(reference[0], folder, resume=True), reference[2])
    assert not any(p.exists() for p in leftovers) and all(p.exists() for p in kept)
    assert "removed 3 temporary files" in capsys.readouterr().err


def test_a_second_sweep_into_the_same_folder_is_refused(reference, tmp_path):
    fcntl = pytest.importorskip("fcntl")
    folder = copy_of(reference, tmp_path, keep=2)
    with open(tmp_path / ".s.lock", "w") as held:  # as the running sweep holds it
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(SweepError, match="another sweep is running"):
            run_sweep(reference[0], folder, resume=True)
    assert len(parts(folder)) == 2


# --------------------------------------------------------------- the resume hint (18)
def test_the_resume_hint_says_resume_true_in_python_and_dash_dash_resume_on_the_cli(
        reference, tmp_path, capsys):
    folder = copy_of(reference, tmp_path, keep=2)
    with pytest.raises(SweepError) as error:
        run_sweep(reference[0], folder)
    assert "resume=True" in str(error.value) and "--resume" not in str(error.value)
    with pytest.raises(SweepError, match="resume=True"):
        sim.load_sweep(folder)

    sweep_file = tmp_path / "war.toml"
    sweep_file.write_text(f'scenario = "{Path(TWO).as_posix()}"\nn = 2\nreplicates = 1\n'
                          f'days = {DAYS}\nchunk_size = 1\n[parameters]\n'
                          f'"{CLASH}" = [0.001, 0.004]\n')
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--resume" in err and "resume=True" not in err
