"""Bad sweep specs and sweep files are refused before any run or folder, saying what to fix,
and the CLI exits 2 with the message and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sweep_files import CLASH, DAYS, MEMBERS, TWO, run_sweep, small

from sim.cli import main
from sim.sweep import SweepError, SweepSpec


def test_an_unknown_path_is_refused_naming_the_nearest_valid_one(tmp_path):
    out = tmp_path / "s"
    with pytest.raises(SweepError, match=r"did you mean 'parameters\.clash_rate'"):
        run_sweep(small(parameters={"parameters.clash_rat": (0.001, 0.004)}), out)
    with pytest.raises(SweepError, match=r"did you mean 'cells\[0\]\.members'"):
        run_sweep(small(parameters={"cells[0].member": (10, 40)}), out)
    with pytest.raises(SweepError, match="plazas"):
        run_sweep(small(design="points", points=[{"plazas[name=Ciudad Nort].population": 1e5}]),
                  out)
    assert not out.exists()  # refused before the folder, let alone a run


def test_a_range_the_scenario_refuses_is_refused_before_any_run(tmp_path):
    out = tmp_path / "s"
    with pytest.raises(SweepError, match=r"scenario refuses[\s\S]*integrity[\s\S]*at most 1"):
        run_sweep(small(parameters={"police[kind=municipal].integrity": (0.5, 1.5)}), out)
    with pytest.raises(SweepError, match=r"members[\s\S]*at least 0"):
        run_sweep(small(parameters={MEMBERS: (-5, 10)}), out)
    with pytest.raises(SweepError, match="refuses"):
        run_sweep(small(design="points", points=[{CLASH: 0.002}, {CLASH: -1.0}]), out)
    with pytest.raises(SweepError, match=r"cells\[0\]\.members[\s\S]*lhs"):  # indices need
        run_sweep(small(design="saltelli", n=4), out)  # continuous parameters
    assert not out.exists()


@pytest.mark.parametrize("changes, message", [
    ({"parameters": {CLASH: (0.004, 0.004)}}, r"empty range \(0\.004, 0\.004\).*low < high"),
    ({"parameters": {CLASH: (0.004, 0.001)}}, r"empty range"),
    ({"design": "sobol", "n": 12}, r"power of 2 \(got 12\); use 16"),
    ({"design": "saltelli", "n": 100}, r"power of 2 \(got 100\); use 128"),
    ({"design": "points"}, r"design 'points' needs a non-empty 'points' list"),
    ({"design": "points", "points": [{CLASH: 0.001}, {MEMBERS: 3}]}, r"same paths"),
    ({"parameters": {}}, r"design 'lhs' needs 'parameters'"),
    ({"replicates": 0}, r"replicates"),
    ({"design": "latin"}, r"design"),
])
def test_an_invalid_spec_is_refused_saying_what_to_fix(changes, message):
    with pytest.raises(ValueError, match=message):
        small(**changes)


def write_sweep(folder: Path, text: str) -> Path:
    path = folder / "bad.toml"
    path.write_text(f'scenario = "{Path(TWO).as_posix()}"\ndays = {DAYS}\nreplicates = 1\n'
                    + text)
    return path


def test_a_sweep_file_with_an_unknown_key_or_missing_is_refused(tmp_path):
    path = write_sweep(tmp_path, f'replicate = 3\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n')
    with pytest.raises(SweepError, match=r"bad\.toml[\s\S]*'replicate'"):
        SweepSpec.from_toml(path)
    with pytest.raises(SweepError, match="no such sweep file"):
        SweepSpec.from_toml(tmp_path / "nowhere.toml")
    path.write_text("design = 'lhs\n")
    with pytest.raises(SweepError, match="TOML"):
        SweepSpec.from_toml(path)


@pytest.mark.parametrize("text, message", [
    (f'replicate = 3\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n', "replicate"),
    ('[parameters]\n"parameters.clash_rat" = [0.001, 0.004]\n',
     "did you mean 'parameters.clash_rate'"),
    ('[parameters]\n"police[kind=municipal].integrity" = [0.5, 1.5]\n', "at most 1"),
    (f'design = "sobol"\nn = 10\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n', "use 16"),
    (f'[parameters]\n"{CLASH}" = [0.004, 0.001]\n', "empty range"),
    (None, "no such sweep file"),
    ("SCENARIO", "file not found"),
])
def test_the_cli_exits_2_with_the_message_and_no_traceback(tmp_path, capsys, text, message):
    if text is None:
        path = tmp_path / "missing.toml"
    elif text == "SCENARIO":  # the sweep's scenario file does not exist
        path = tmp_path / "bad.toml"
        path.write_text(f'scenario = "gone.toml"\n[parameters]\n"{CLASH}" = [0.001, 0.004]\n')
    else:
        path = write_sweep(tmp_path, text)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--workers", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err, err
    assert "Traceback" not in err
    assert not out.exists()
