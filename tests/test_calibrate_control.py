"""Calibration targets on who holds the territory: an observed ``plazas_held`` row names an
organization, and the simulated value is the mean, over the row's period, of the region's
plazas controlled by that organization or its clients, as the control table gives them.
A row without an organization, with an unknown one, or with an organization on another
measure is refused naming the file, the row, the field and the fix. An episode's
``observed`` may list several files (here the homicide counts and the reading of who held
the city kept apart), read as one. Runs of juarez_2008's first two years.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import sim
from sim.calibration import CalibrationError, CalibrationSpec, ObservedError, read_observed
from sim.calibration.episodes import load_episodes
from sim.calibration.simulate import evaluate_point

JUAREZ = Path(__file__).resolve().parent.parent / "scenarios" / "juarez_2008.toml"
HEADER = "period,region,measure,value,source,organization\n"
COUNTS = "period,region,measure,value,source\n2008,all,homicides,1623,test\n"
CONTROL = HEADER + ("2007-07..2008-12,all,plazas_held,2,test,Sinaloa\n"
                    "2008-12-31,Centro;Sur,plazas_held,1,test,Juárez Cartel\n")
SEEDS = [3, 4, 5]
CLIENT_HOLDS_CENTRO = {'plazas[name="Centro"].controller': "Mexicles"}  # Sinaloa's client


def write_spec(folder: Path, control: str = CONTROL) -> Path:
    (folder / "counts.csv").write_text(COUNTS, encoding="utf-8")
    (folder / "control.csv").write_text(control, encoding="utf-8")
    path = folder / "calibration.toml"
    path.write_text(textwrap.dedent(f"""\
        scenario = "{JUAREZ}"
        observed = ["counts.csv", "control.csv"]
        fit = [2007-01-01, 2008-12-31]
        replicates = 2
        method = "optuna"
        seed = 3
        [parameters]
        "parameters.clash_rate" = {{low = 0.01, high = 0.05}}
        [optuna]
        trials = 4
        batch = 4
        """), encoding="utf-8")
    return path


def held_by_side(control, side: set[str], first: str, last: str, plazas=None) -> float:
    """Mean over the days from first to last of the plazas (all, or those named) whose
    controller is in ``side``, from the results' control table."""
    rows = control[(control["date"] >= first) & (control["date"] <= last)]
    if plazas:
        rows = rows[rows["plaza"].isin(plazas)]
    return rows["controller"].isin(side).groupby(rows["date"]).sum().mean()


def test_a_side_is_the_organization_and_its_clients():
    scenario = sim.load_scenario(JUAREZ)
    assert scenario.side("Sinaloa") == {"Sinaloa", "Mexicles", "Artistas Asesinos"}
    assert scenario.side("Barrio Azteca") == {"Barrio Azteca"}  # a client has no clients


def test_plazas_held_is_the_mean_over_the_period_of_the_plazas_the_side_controls(tmp_path):
    episode, = load_episodes(CalibrationSpec.from_toml(write_spec(tmp_path)))
    assert [o.measure for o in episode.observations] == ["homicides"] + 2 * ["plazas_held"]
    _, counts = evaluate_point({"key": (0,), "overrides": CLIENT_HOLDS_CENTRO, "seeds": SEEDS,
                                "episodes": [episode.task()]})
    by_clients = []
    for r, seed in enumerate(SEEDS):
        run = sim.run(episode.scenario.with_overrides(CLIENT_HOLDS_CENTRO), seed=seed, days=731)
        assert counts[r, 0] == run.homicides("YS").loc["2008"].sum()
        control = run.control
        assert counts[r, 1] == pytest.approx(held_by_side(
            control, episode.scenario.side("Sinaloa"), "2007-07-01", "2008-12-31"))
        assert counts[r, 2] == held_by_side(control, episode.scenario.side("Juárez Cartel"),
                                            "2008-12-31", "2008-12-31", ["Centro", "Sur"])
        by_clients.append(counts[r, 1] - held_by_side(control, {"Sinaloa"}, "2007-07-01",
                                                      "2008-12-31"))
    assert max(by_clients) > 0  # a client's plaza counts for its patron's side
    assert (counts[:, 2] <= 2).all()


@pytest.mark.parametrize("row, message", [
    ("2008,all,plazas_held,2,test,", "row 2: organization: empty; a plazas_held row names "
     "whose plazas it counts: add an organization column and write its name"),
    ("2008,all,plazas_held,2,test,Sinaloa Cartel", "row 2: organization: 'Sinaloa Cartel' is "
     "not an organization of the scenario; use one of Juárez Cartel, La Línea"),
    ("2008,all,homicides,2,test,Sinaloa", "row 2: organization: 'Sinaloa' on a 'homicides' "
     "row; the column is for plazas_held rows only, leave it empty"),
])
def test_a_bad_organization_is_refused_naming_the_file_row_field_and_fix(tmp_path, row, message):
    path = tmp_path / "observed.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    scenario = sim.load_scenario(JUAREZ)
    with pytest.raises(ObservedError) as info:
        read_observed(path, [p.name for p in scenario.plazas],
                      [o.name for o in scenario.organizations])
    assert f"{path}: {message}" in str(info.value)


def test_a_problem_in_one_of_an_episodes_files_names_that_file(tmp_path):
    with pytest.raises(CalibrationError) as info:
        load_episodes(CalibrationSpec.from_toml(write_spec(
            tmp_path, HEADER + "2008,all,plazas_held,2,test,Sinaloa Cartel\n")))
    assert f"{tmp_path / 'control.csv'}: row 2: organization: 'Sinaloa Cartel'" in str(info.value)


def test_a_file_without_the_organization_column_still_reads():
    observed = Path(__file__).resolve().parent.parent / "calibrations" / "bcs_2014_observed.csv"
    assert all(o.organization == "" for o in read_observed(observed))


def test_a_calibration_fits_plazas_held_with_homicides(tmp_path):
    result = sim.calibrate(write_spec(tmp_path), tmp_path / "out", workers=1, progress=False)
    recorded = json.loads((tmp_path / "out" / "calibration.json").read_text())
    assert len(recorded["inputs"]["observed_sha256"]) == 2  # one digest per file, in order
    predictive = result["predictive"]
    held = predictive[predictive["measure"] == "plazas_held"]
    assert held["organization"].tolist() == ["Sinaloa", "Juárez Cartel"]
    assert ((held["q05"] >= 0) & (held["q95"] <= [6, 2])).all()


def test_an_empty_list_of_observed_files_is_refused_naming_the_field(tmp_path):
    path = write_spec(tmp_path)
    path.write_text(path.read_text().replace('observed = ["counts.csv", "control.csv"]',
                                             "observed = []"), encoding="utf-8")
    with pytest.raises(CalibrationError) as info:
        CalibrationSpec.from_toml(path)
    assert "observed = []: name one observed-data CSV, or a list of them" in str(info.value)
