"""Scenario files the scenario tests write: a minimal and a rich scenario, the snippets the
bad-file cases are made of, and helpers to write a file and read the error loading it gives."""

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

MINIMAL = """
name = "mini"

[simulation]
start = 2013-01-01
days = 365
"""

RICH = """
name = "bcs_2014"
description = "Baja California Sur: BLO and Zetas against the Sinaloa incumbent"

[simulation]
start = 2013-01-01
days = 730
step_days = 0.5

[parameters]
clash_rate = 0.02
hire_members = 6

[[organizations]]
name = "Sinaloa"
color = "#1f77b4"
treasury = 5e6

[[organizations]]
name = "BLO"

[[organizations]]
name = "Zetas"

[[plazas]]
name = "Los Barriles"
population = 1174
lat = 23.681
lon = -109.705
value_per_day = 800
neighbours = ["La Paz", "San José del Cabo"]
controller = "Sinaloa"

[[plazas]]
name = "La Paz"
population = 215000
neighbours = ["Los Barriles"]

[[plazas]]
name = "San José del Cabo"
population = 70000
background_homicides_per_100k_year = 8

[[cells]]
organization = "Sinaloa"
plaza = "Los Barriles"
members = 12
local = true

[[police]]
plaza = "La Paz"
kind = "state"
officers = 120
integrity = 0.6
payroll = "Sinaloa"

[[police]]
plaza = "Los Barriles"
kind = "state"
officers = 20
payroll = "Sinaloa"

[[police]]
plaza = "Los Barriles"
kind = "municipal"
officers = 8
payroll = "Sinaloa"
name = "barriles_municipal"

[[relations]]
between = ["BLO", "Sinaloa"]
state = "war"

[[events]]
day = 2014-05-01
kind = "alliance"
members = ["BLO", "Zetas"]
against = ["Sinaloa"]

[[events]]
step = 1000
kind = "enter"
organization = "BLO"
plazas = ["La Paz"]
members = 10

[[events]]
day = 2014-06-01
kind = "federal_deployment"
plazas = ["La Paz"]

[[events]]
day = 2014-07-01
kind = "police_purge"

[[triggers]]
kind = "federal_deployment"
when = "homicides_30d >= 8"
plazas = ["La Paz", "San José del Cabo"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(folder: Path, text: str, name: str = "bad.toml") -> str:
    """The message of the ScenarioError raised by loading ``text``."""
    path = write(folder, name, text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value)


def error_line(message: str, path: str) -> str:
    """The line of a ScenarioError message about the field ``path`` (the test fails if none)."""
    line = next((line for line in message.splitlines() if f": {path}: " in line), None)
    assert line is not None, message
    return line


ORGS = '[[organizations]]\nname = "Sinaloa"\n[[organizations]]\nname = "BLO"\n'
PLAZA = '[[plazas]]\nname = "La Paz"\npopulation = 100\n'
WAR = '[[events]]\nkind = "war"\nmembers = ["Sinaloa", "BLO"]\n'
TRIGGER = '[[triggers]]\nkind = "federal_deployment"\nplazas = ["La Paz"]\n'
