"""Hostile scenario files (tests/hostile, described in its manifest.toml): `cartel-sim
validate` and `cartel-sim run` refuse each with exit 2, a message naming the field and a fix,
no traceback, within seconds."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pytest

from sim.cli import main

HOSTILE = Path(__file__).parent / "hostile"
MANIFEST = tomllib.loads((HOSTILE / "manifest.toml").read_text(encoding="utf-8"))
SECONDS = 10.0


def test_the_corpus_covers_every_category_with_60_files_or_more():
    assert len(MANIFEST) >= 60
    assert sorted(HOSTILE.glob("*.toml")) == sorted(HOSTILE / name for name in
                                                     [*MANIFEST, "manifest.toml"])
    assert {case["category"] for case in MANIFEST.values()} == {
        "types", "magnitudes", "dates", "names", "nesting", "resources", "events"}


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_hostile_file_is_refused_naming_the_field_and_a_fix(name, command, tmp_path, capsys):
    args = [command, str(HOSTILE / name)] + (["--out", str(tmp_path / "out")]
                                             if command == "run" else [])
    started = time.perf_counter()
    status = main(args)
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    field = MANIFEST[name]["field"]
    assert status == 2, err
    assert "Traceback" not in err
    assert elapsed < SECONDS
    line = next((line for line in err.splitlines() if field in line), None)
    assert line is not None, f"{field!r} not named in:\n{err}"
    assert "; " in line.split(field, 1)[1], f"no fix after the field in: {line}"
    assert not (tmp_path / "out").exists()


def test_run_refuses_days_beyond_the_dates_tables_hold(capsys, tmp_path):
    status = main(["run", "scenarios/two_cartels.toml", "--days", "3000000",
                   "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert "--days 3000000" in err and "simulation.days" in err


def test_a_run_with_a_progress_bar_writes_the_same_tables(tmp_path, capsys):
    import pandas as pd

    for name, flag in (("plain", []), ("bar", ["--progress"])):
        assert main(["run", "scenarios/two_cartels.toml", "--days", "120", *flag,
                     "--out", str(tmp_path / name)]) == 0
    assert "100%  step 120 of 120" in capsys.readouterr().err
    for table in ("violence", "control", "organizations"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "plain" / f"{table}.parquet"),
                                      pd.read_parquet(tmp_path / "bar" / f"{table}.parquet"))


def test_the_summary_figure_is_skipped_for_very_large_scenarios(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sim.resources.FIGURE_MAX_PLAZAS", 1)
    assert main(["run", "scenarios/two_cartels.toml", "--days", "10",
                 "--out", str(tmp_path / "out")]) == 0
    assert not (tmp_path / "out" / "summary.png").exists()
    assert "no summary.png: more than 1 plazas" in capsys.readouterr().out


def test_a_run_that_produces_a_negative_count_stops_naming_it():
    from sim.engine import Engine, NumericalError
    from sim.scenario import load_scenario

    def overflowing(state, prm, seed, t0, t1, dt, reserve, recorder):
        state.cell_members[0] = -8_700_000_000_000_000_000
        state.org_treasury[0] = float("inf")
        return t1, 0, -1

    engine = Engine(load_scenario("scenarios/two_cartels.toml"), 0, overflowing)
    with pytest.raises(NumericalError, match="cell members became negative .*; org treasury "
                       "stopped being finite. The numbers .* too large; lower the members"):
        engine.run_until(5)


@pytest.mark.parametrize("line, says", [
    ("seed = 1180591620717411303424", "seed: must be at most"),
    ("replicates = 1000000000", "runs is more than the 1,000,000 a sweep may hold; use fewer"),
])
def test_sweep_refuses_a_seed_past_int64_and_runs_beyond_the_estimate(tmp_path, capsys, line,
                                                                      says):
    scenario = Path(__file__).parents[1] / "scenarios" / "two_cartels.toml"
    sweep = tmp_path / "s.toml"
    sweep.write_text(f'scenario = "{scenario}"\ndesign = "lhs"\nn = 4\n{line}\n'
                     '[parameters]\n"parameters.clash_rate" = [0.0001, 0.001]\n')
    started = time.perf_counter()
    status = main(["sweep", str(sweep), "--out", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err and says in err
    assert time.perf_counter() - started < SECONDS
