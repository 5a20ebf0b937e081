"""Calibration targets by violence type: an observed row may name any type of the output
contract (``police_killed``, ``kidnapping``, ...) as its measure, and the simulated value is
the count of that type's rows (lethal or not) in the period and region, the count the
results table gives. An unknown measure is refused naming the row, the field and the valid
names. Small runs of bcs_2014 on its first year (2013).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.calibration import CalibrationSpec, ObservedError, read_observed
from sim.calibration.episodes import load_episodes
from sim.calibration.simulate import evaluate_point
from sim.codes import TYPE_NAMES

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
BCS = SCENARIOS / "bcs_2014.toml"
OBSERVED = """period,region,measure,value,source
2013,all,homicides,47,test
2013,all,police_killed,3,test
2013-07..2013-12,La Paz,police_killed,1,test
2013,all,arrest,100,test
"""
POINT = {"parameters.clash_rate": 0.001, "parameters.police_killed_per_arrest": 0.2}
SEEDS = [11, 12, 13]


def write_single(folder: Path) -> Path:
    (folder / "observed.csv").write_text(OBSERVED, encoding="utf-8")
    path = folder / "calibration.toml"
    path.write_text(textwrap.dedent(f"""\
        scenario = "{BCS}"
        observed = "observed.csv"
        fit = [2013-01-01, 2013-12-31]
        replicates = 2
        method = "optuna"
        seed = 3
        predictive_draws = 4
        [parameters]
        "parameters.clash_rate" = {{low = 0.0001, high = 0.004, prior = "loguniform"}}
        [optuna]
        trials = 4
        batch = 4
        """), encoding="utf-8")
    return path


def table_count(violence, measure: str, first: str, plazas: tuple[str, ...] = ()) -> int:
    rows = violence[(violence["type"] == measure) & (violence["date"] >= first)]
    if plazas:
        rows = rows[rows["plaza"].isin(plazas)]
    return int(rows["count"].sum())


def test_a_type_measure_counts_what_the_results_table_gives_for_that_type(tmp_path):
    episode, = load_episodes(CalibrationSpec.from_toml(write_single(tmp_path)))
    task = {"key": (0,), "overrides": POINT, "seeds": SEEDS, "episodes": [episode.task()]}
    _, counts = evaluate_point(task)
    scenario = episode.scenario.with_overrides(POINT)
    for r, seed in enumerate(SEEDS):
        run = sim.run(scenario, seed=seed, days=365)
        violence = run.violence
        assert counts[r, 0] == run.homicides("YS").sum()
        assert counts[r, 1] == table_count(violence, "police_killed", "2013-01-01")
        assert counts[r, 2] == table_count(violence, "police_killed", "2013-07-01", ("La Paz",))
        assert counts[r, 3] == table_count(violence, "arrest", "2013-01-01")
    assert counts[:, 1].sum() > 0 and counts[:, 3].sum() > 0  # the types occur at this point
    assert not violence.loc[violence["type"] == "arrest", "lethal"].any()  # counted all the same


def test_an_unknown_measure_is_refused_naming_the_row_field_and_valid_names(tmp_path):
    path = tmp_path / "observed.csv"
    path.write_text("period,region,measure,value,source\n2013,all,homicides,5,x\n"
                    "2013,all,police_kiled,5,x\n", encoding="utf-8")
    with pytest.raises(ObservedError) as info:
        read_observed(path)
    message = str(info.value)
    assert f"{path}: row 3: measure: 'police_kiled' is not a measure; use one of" in message
    for name in ("homicides", "conflict_homicides", *TYPE_NAMES):
        assert name in message


def test_every_type_of_the_output_contract_is_a_measure(tmp_path):
    path = tmp_path / "observed.csv"
    path.write_text("period,region,measure,value,source\n" + "".join(
        f"2013,all,{name},1,x\n" for name in TYPE_NAMES), encoding="utf-8")
    assert [o.measure for o in read_observed(path)] == list(TYPE_NAMES)


def test_a_joint_calibration_fits_a_type_measure_with_homicides(tmp_path):
    (tmp_path / "bcs.csv").write_text(OBSERVED, encoding="utf-8")
    (tmp_path / "two.csv").write_text("period,region,measure,value,source\n"
                                      "2020,all,homicides,110,test\n"
                                      "2020,all,police_killed,2,test\n", encoding="utf-8")
    path = tmp_path / "joint.toml"
    path.write_text(textwrap.dedent(f"""\
        method = "optuna"
        seed = 5
        replicates = 2
        predictive_draws = 4
        [[episodes]]
        scenario = "{BCS}"
        observed = "bcs.csv"
        fit = [2013-01-01, 2013-12-31]
        [[episodes]]
        scenario = "{SCENARIOS / 'two_cartels.toml'}"
        observed = "two.csv"
        fit = [2020-01-01, 2020-12-31]
        [parameters]
        "parameters.police_killed_per_arrest" = {{low = 0.0, high = 0.3}}
        [optuna]
        trials = 4
        batch = 4
        """), encoding="utf-8")
    episodes = load_episodes(CalibrationSpec.from_toml(path))
    task = {"key": (0,), "overrides": POINT, "seeds": [11]}
    _, joint = evaluate_point({**task, "episodes": [e.task() for e in episodes]})
    two = sim.run(episodes[1].scenario.with_overrides(POINT), seed=11)
    assert joint[0, 5] == table_count(two.violence, "police_killed", "2020-01-01")
    result = sim.calibrate(path, tmp_path / "out", workers=1, progress=False)
    predictive = result["predictive"]
    assert predictive["measure"].tolist().count("police_killed") == 3
    assert np.isfinite(result["trace"]["distance"]).all()
