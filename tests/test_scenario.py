"""Scenario files: loading, every kind of bad file, base inheritance, round trip, schema."""

import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path

import pytest

from sim.scenario import (
    Alliance,
    BreakAlliance,
    Defect,
    Enter,
    Event,
    FederalDeployment,
    IntensityChange,
    LeaderRemoved,
    ParameterChange,
    Parameters,
    PlazaChange,
    PolicePurge,
    Scenario,
    ScenarioError,
    Split,
    Truce,
    War,
    json_schema,
    load_scenario,
    parse_when,
)
from sim.scenario.docs import scenario_reference_markdown

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


def test_minimal_scenario_loads_with_defaults(tmp_path):
    path = write(tmp_path, "mini.toml", MINIMAL)
    s = load_scenario(path)
    assert s.name == "mini" and s.parameters == Parameters()
    assert s.simulation.step_days == 1.0 and s.n_steps == 365
    assert s.end == dt.date(2014, 1, 1)
    assert s.source_files == [path]
    assert s.source_sha256 == {str(path): hashlib.sha256(path.read_bytes()).hexdigest()}


def test_rich_scenario_loads(tmp_path):
    s = load_scenario(write(tmp_path, "rich.toml", RICH))
    assert s.n_steps == 1460
    assert s.neighbour_pairs() == [(0, 1), (0, 2)]
    assert [e.resolved_step(s) for e in s.events] == [970, 1000, 1032, 1092]
    deployment, purge = s.events[2], s.events[3]
    assert (deployment.officers, deployment.duration_days, deployment.integrity) == (100, 180, 0.95)
    assert purge.kinds == ["municipal", "state", "federal"] and purge.plazas is None
    assert s.triggers[0].condition() == (30, ">=", 8.0)


# Every bad case: (TOML added to the minimal file, field path, fix named in the message).
ORGS = '[[organizations]]\nname = "Sinaloa"\n[[organizations]]\nname = "BLO"\n'
PLAZA = '[[plazas]]\nname = "La Paz"\npopulation = 100\n'
WAR = '[[events]]\nkind = "war"\nmembers = ["Sinaloa", "BLO"]\n'
TRIGGER = '[[triggers]]\nkind = "federal_deployment"\nplazas = ["La Paz"]\n'
BAD_CASES = {
    "unknown key": (
        "[parameters]\nclash_rat = 0.1\n", "parameters.clash_rat",
        "unknown key 'clash_rat' in [parameters]; did you mean 'clash_rate'?"),
    "single table instead of a list": (
        '[plazas]\nname = "La Paz"\npopulation = 1\n', "plazas",
        "must be a list (got {'name': 'La Paz', 'population': 1}); write each entry under its own "
        "[[plazas]] header"),
    "negative": (
        '[[plazas]]\nname = "La Paz"\npopulation = -5\n', 'plazas[name="La Paz"].population',
        "must be at least 0 (got -5); use 0 or more"),
    "nan": ("[parameters]\nclash_rate = nan\n", "parameters.clash_rate", "finite number, not nan"),
    "inf": ("[parameters]\nlethality = inf\n", "parameters.lethality", "finite number, not inf"),
    "probability > 1": (
        "[parameters]\nkidnap_murder_probability = 1.5\n", "parameters.kidnap_murder_probability",
        "must be at most 1 (got 1.5); use a value from 0 to 1"),
    "wrong type": (
        "[parameters]\nhire_members = 2.5\n", "parameters.hire_members",
        "must be a whole number such as 12 (got 2.5)"),
    "missing field": (
        '[[plazas]]\nname = "La Paz"\n', 'plazas[name="La Paz"].population',
        "required key 'population' is missing; add population = ..."),
    "bad choice": (
        ORGS + '[[relations]]\nbetween = ["Sinaloa", "BLO"]\nstate = "wra"\n',
        "relations[0].state",
        "must be one of 'war', 'neutral', 'ally' (got \"wra\"); did you mean 'war'?"),
    "duplicate organization": (
        ORGS + '[[organizations]]\nname = "BLO"\n', "organizations[2].name",
        "'BLO' is already used by organizations[1]; give each entry a different name"),
    "duplicate plaza": (PLAZA + PLAZA, "plazas[1].name", "'La Paz' is already used by plazas[0]"),
    "cell in unknown plaza": (
        ORGS + PLAZA + '[[cells]]\norganization = "BLO"\nplaza = "La Pas"\nmembers = 3\n',
        "cells[0].plaza", "unknown plaza 'La Pas'; did you mean 'La Paz'?"),
    "relation with unknown org": (
        ORGS + '[[relations]]\nbetween = ["Sinaloa", "BLOO"]\nstate = "war"\n',
        "relations[0].between[1]", "unknown organization 'BLOO'; did you mean 'BLO'?"),
    "payroll unknown": (
        ORGS + PLAZA + '[[police]]\nplaza = "La Paz"\nkind = "state"\nofficers = 5\n'
        'payroll = "Sinalo"\n', "police[0].payroll", "did you mean 'Sinaloa'?"),
    "neighbour unknown": (
        '[[plazas]]\nname = "La Paz"\npopulation = 1\nneighbours = ["Cabo"]\n'
        '[[plazas]]\nname = "Cabo San Lucas"\npopulation = 1\n',
        'plazas[name="La Paz"].neighbours[0]',
        "unknown plaza 'Cabo'; use one of: 'La Paz', 'Cabo San Lucas', or add it to [[plazas]]"),
    "self neighbour": (
        '[[plazas]]\nname = "La Paz"\npopulation = 1\nneighbours = ["La Paz"]\n',
        'plazas[name="La Paz"].neighbours[0]', "cannot be its own neighbour; remove it"),
    "relation pair twice": (
        ORGS + '[[relations]]\nbetween = ["Sinaloa", "BLO"]\nstate = "war"\n'
        '[[relations]]\nbetween = ["BLO", "Sinaloa"]\nstate = "ally"\n',
        "relations[1].between", "already given in relations[0]; keep one entry"),
    "event before start": (
        ORGS + WAR + "day = 2012-12-31\n", "events[0].day",
        "before the start (2013-01-01); use a day from 2013-01-01 to 2013-12-31"),
    "event after end": (
        ORGS + WAR + "day = 2014-01-01\n", "events[0].day",
        "after the last day (2013-12-31); use a day from 2013-01-01 to 2013-12-31"),
    "step after end": (
        ORGS + WAR + "step = 365\n", "events[0].step", "use a step from 0 to 364"),
    "event field not used by kind": (
        ORGS + WAR + "day = 2013-05-01\nofficers = 100\n", "events[0].officers",
        "field 'officers' is not used by events of kind 'war'; remove it"),
    "event missing required field": (
        '[[events]]\nday = 2013-05-01\nkind = "leader_removed"\n', "events[0].organization",
        "events of kind 'leader_removed' need 'organization'; add organization = ..."),
    "event with day and step": (
        ORGS + WAR + "day = 2013-05-01\nstep = 3\n", "events[0].step", "keep only one"),
    "event without time": (ORGS + WAR, "events[0].day", "add a day (e.g. day = 2014-05-01)"),
    "war needs two": (
        ORGS + '[[events]]\nday = 2013-05-01\nkind = "war"\nmembers = ["BLO"]\n',
        "events[0].members", "need exactly 2 organizations in members (got 1)"),
    "event with unknown org": (
        ORGS + '[[events]]\nday = 2013-05-01\nkind = "alliance"\nmembers = ["Sinaloa", "Zeta"]\n',
        "events[0].members[1]", "unknown organization 'Zeta'; use one of"),
    "trigger bad when": (
        PLAZA + TRIGGER + 'when = "homicides_30 >= 8"\n', "triggers[0].when",
        "cannot read the condition 'homicides_30 >= 8'; write homicides_<days>d <op> <number>"),
    "trigger unknown plaza": (
        PLAZA + TRIGGER + 'when = "homicides_30d > 2"\nregion = ["LaPaz"]\n',
        "triggers[0].region[0]", "unknown plaza 'LaPaz'; did you mean 'La Paz'?"),
}


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_case_names_file_path_and_fix(tmp_path, case):
    text, path, fix = BAD_CASES[case]
    message = load_error(tmp_path, MINIMAL + text)
    line = next((line for line in message.splitlines() if f": {path}: " in line), None)
    assert line is not None, message
    assert line.startswith(f"{tmp_path / 'bad.toml'}: {path}: ")
    assert fix in line, line


def test_bad_top_level(tmp_path):
    message = load_error(tmp_path, MINIMAL.replace('"mini"', '"my scenario"\nbse = "x.toml"'))
    assert message.splitlines() == [
        f"{tmp_path / 'bad.toml'}: name: has the wrong form (got \"my scenario\"); "
        "use only letters, digits, '_' and '-', e.g. bcs_2014",
        f"{tmp_path / 'bad.toml'}: bse: unknown key 'bse' at the file's top level; "
        "did you mean 'base'?"]


def test_all_problems_reported_at_once(tmp_path):
    message = load_error(tmp_path, MINIMAL + "[parameters]\nclash_rate = -1\nlethality = nan\n"
                         "kidnap_rate = 2e-3\nsplit_probability = 3\nfoo = 1\n")
    assert len(message.splitlines()) == 4
    for path in ("clash_rate", "lethality", "split_probability", "foo"):
        assert f"parameters.{path}:" in message


def test_toml_syntax_error_names_file_and_line(tmp_path):
    message = load_error(tmp_path, 'name = "x"\n[simulation\nstart = 2013-01-01\n')
    assert message.startswith(f"{tmp_path / 'bad.toml'}: line 2: TOML syntax error")


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nothing.toml")


def test_missing_base_file(tmp_path):
    message = load_error(tmp_path, 'base = "gone.toml"\nname = "v"\n', "v.toml")
    assert f"{tmp_path / 'v.toml'}: base: base file 'gone.toml' not found" in message
    assert "relative to the folder" in message


def test_circular_base(tmp_path):
    write(tmp_path, "a.toml", 'base = "b.toml"\nname = "a"\n')
    write(tmp_path, "b.toml", 'base = "a.toml"\nname = "b"\n')
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "a.toml")
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    assert f"circular base chain {a} -> {b} -> {a}" in str(err.value)


def test_variant_changes_one_parameter(tmp_path):
    base = write(tmp_path, "rich.toml", RICH)
    variant = write(tmp_path, "v.toml",
                    'base = "rich.toml"\nname = "v"\n[parameters]\nlethality = 0.2\n')
    s, original = load_scenario(variant), load_scenario(base)
    assert s.parameters.lethality == 0.2 and s.parameters.clash_rate == 0.02  # table merged
    assert s.name == "v" and s.plazas == original.plazas and s.events == original.events
    assert s.source_files == [variant, base]
    assert set(s.source_sha256) == {str(variant), str(base)}


def test_variant_lists_replace_whole(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    s = load_scenario(write(tmp_path, "v.toml", 'base = "rich.toml"\nname = "v"\nevents = []\n'))
    assert s.events == []


def test_overrides_apply_to_every_match(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    s = load_scenario(write(tmp_path, "clean.toml", 'base = "rich.toml"\nname = "clean"\n'
                            '[overrides]\n"police[kind=state].payroll" = ""\n'
                            '"plazas[name=San José del Cabo].population" = 5\n'
                            'parameters.lethality = 0.3\n"simulation.spin_up_days" = 10\n'))
    assert [u.payroll for u in s.police] == ["", "", "Sinaloa"]
    assert s.plazas[2].population == 5 and s.parameters.lethality == 0.3
    assert s.simulation.spin_up_days == 10


def test_remove_list_items(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    s = load_scenario(write(tmp_path, "v.toml", 'base = "rich.toml"\nname = "no_alliance"\n'
                            'remove = ["events[kind=alliance]"]\n'))
    assert [e.kind for e in s.events] == ["enter", "federal_deployment", "police_purge"]


def test_chain_of_bases(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    write(tmp_path, "v1.toml", 'base = "rich.toml"\nname = "v1"\n[parameters]\nlethality = 0.2\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    s = load_scenario(write(sub, "v2.toml", 'base = "../v1.toml"\nname = "v2"\n'
                            '[overrides]\n"parameters.clash_rate" = 0.5\n'))
    assert (s.name, s.parameters.lethality, s.parameters.clash_rate) == ("v2", 0.2, 0.5)
    assert len(s.source_files) == 3


def test_override_matching_nothing_suggests(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    message = load_error(tmp_path, 'base = "rich.toml"\nname = "v"\n'
                         '[overrides]\n"plazas[name=La Pas].population" = 5\n', "v.toml")
    assert message.startswith(f"{tmp_path / 'v.toml'}: overrides: path ")
    assert "did you mean 'plazas[name=La Paz].population'?" in message
    message = load_error(tmp_path, 'base = "rich.toml"\nname = "v"\n'
                         'remove = ["events[kind=alliane]"]\n', "v.toml")
    assert "remove: " in message and "did you mean 'events[kind=alliance]'?" in message


def test_override_unknown_key_suggests(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    message = load_error(tmp_path, 'base = "rich.toml"\nname = "v"\n'
                         '[overrides]\n"parameters.clash_rat" = 5\n', "v.toml")
    assert ("parameters.clash_rat: unknown key 'clash_rat' in [parameters]; "
            "did you mean 'clash_rate'?") in message
    assert f"(with base {tmp_path / 'rich.toml'})" in message


def test_result_has_no_file_keys(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    s = load_scenario(write(tmp_path, "v.toml", 'base = "rich.toml"\nname = "v"\n'
                            'remove = ["events[0]"]\n[overrides]\n"cells[0].members" = 1\n'))
    written = tomllib.loads(s.to_toml())
    assert not {"base", "overrides", "remove"} & (set(s.model_dump()) | set(written))
    assert written["cells"][0]["members"] == 1 and len(written["events"]) == 3


def test_to_toml_round_trip(tmp_path):
    original = load_scenario(write(tmp_path, "rich.toml", RICH))
    out = tmp_path / "written.toml"
    text = original.to_toml(out)
    assert out.read_text(encoding="utf-8") == text
    assert "start = 2013-01-01" in text and "day = 2014-05-01" in text  # TOML dates
    assert "color" in text and "null" not in text
    again = load_scenario(out)
    assert again == original
    assert again.source_files == [out]


def test_round_trip_of_a_variant(tmp_path):
    write(tmp_path, "rich.toml", RICH)
    variant = load_scenario(write(tmp_path, "v.toml", 'base = "rich.toml"\nname = "v"\n'
                                  'remove = ["events[kind=alliance]"]\n'))
    assert load_scenario(write(tmp_path, "w.toml", variant.to_toml())) == variant


def test_json_schema():
    schema = json.loads(json.dumps(json_schema()))
    assert {"name", "description", "simulation", "parameters", "organizations", "plazas", "cells",
            "police", "relations", "events", "triggers", "base", "overrides", "remove"} \
        <= set(schema["properties"])
    assert "required" not in schema  # a variant file takes its sections from its base
    assert {"start", "days"} <= set(schema["$defs"]["Simulation"]["required"])
    assert schema["$defs"]["Parameters"]["additionalProperties"] is False


def test_with_overrides(tmp_path):
    original = load_scenario(write(tmp_path, "rich.toml", RICH))
    s = original.with_overrides({"parameters.clash_rate": 0.3,
                                 "police[kind=state].integrity": 0.1,
                                 "plazas[name=La Paz].population": 7})
    assert s.parameters.clash_rate == 0.3 and original.parameters.clash_rate == 0.02
    assert [u.integrity for u in s.police] == [0.1, 0.1, 0.7]
    assert s.plazas[1].population == 7 and s.source_files == original.source_files
    with pytest.raises(ScenarioError, match=r"did you mean 'police\[kind=state\].integrity'"):
        original.with_overrides({"police[kind=stat].integrity": 0.1})
    with pytest.raises(ScenarioError, match=r"parameters.clash_rate: must be at least 0"):
        original.with_overrides({"parameters.clash_rate": -1.0})


def test_resolved_step_and_rounding(tmp_path):
    text = MINIMAL.replace("days = 365", "days = 730\nstep_days = 0.1")
    s = load_scenario(write(tmp_path, "s.toml", text
                            + '[[organizations]]\nname = "A"\n[[organizations]]\nname = "B"\n'
                            '[[events]]\nday = 2013-01-04\nkind = "war"\nmembers = ["A", "B"]\n'))
    assert s.n_steps == 7300  # 730 / 0.1 is 7300.000000000001 in floating point
    assert s.events[0].resolved_step(s) == 30  # 3 / 0.1 is 29.999999999999996


def test_parse_when_is_never_evaluated():
    assert parse_when("homicides_7d<2.5") == (7, "<", 2.5)
    assert parse_when(" homicides_365d == 1e2 ") == (365, "==", 100.0)
    for bad in ("homicides_0d >= 1", "homicides_30d => 8", "__import__('os').system('x')",
                "homicides_30d >= 8 or True"):
        with pytest.raises(ValueError, match="cannot read the condition"):
            parse_when(bad)


def test_reference_docs_are_current():
    text = scenario_reference_markdown()
    assert text.startswith("*Generated by `python -m sim.scenario.docs > docs/scenario.md`")
    for name in Parameters.model_fields:
        assert f"| `{name}` |" in text
    docs = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
    assert docs.read_text(encoding="utf-8") == text, "python -m sim.scenario.docs > docs/scenario.md"


def test_equality_ignores_source(tmp_path):
    a = load_scenario(write(tmp_path, "a.toml", MINIMAL))
    b = load_scenario(write(tmp_path, "b.toml", MINIMAL))
    assert a == b and a.source_files != b.source_files
    assert a != a.with_overrides({"simulation.days": 10}) and a != "mini"
    assert isinstance(a, Scenario)


# ----------------------------------------------------------------------------- event kinds

EVENT_CASES = {
    "unknown kind lists the kinds": (
        ORGS + '[[events]]\nday = 2013-05-01\nkind = "wra"\nmembers = ["Sinaloa", "BLO"]\n',
        "events[0].kind", "must be one of 'alliance', 'break_alliance', 'war', 'truce', "
        "'leader_removed', 'federal_deployment', 'police_purge', 'enter', 'parameters', "
        "'split', 'defect', 'intensity', 'plaza_change' (got \"wra\"); did you mean 'war'?"),
    "kind missing lists the kinds": (
        ORGS + '[[events]]\nday = 2013-05-01\nmembers = ["Sinaloa", "BLO"]\n',
        "events[0].kind", "required key 'kind' is missing; add kind = ... — one of 'alliance'"),
    "a bound of one kind's field, without the tag in the path": (
        PLAZA + '[[events]]\nday = 2013-05-01\nkind = "federal_deployment"\nplazas = ["La Paz"]\n'
        "officers = 0\n", "events[0].officers", "must be greater than 0 (got 0)"),
    "another kind's field names the kind's own": (
        ORGS + '[[events]]\nday = 2013-05-01\nkind = "alliance"\nmembers = ["Sinaloa", "BLO"]\n'
        'organization = "BLO"\n', "events[0].organization",
        "field 'organization' is not used by events of kind 'alliance'; remove it "
        "(this kind uses: members, against)"),
    "a key no kind has": (
        ORGS + WAR + "day = 2013-05-01\nmembres = 3\n", "events[0].membres",
        "unknown key 'membres' in events[0]; did you mean 'members'?"),
    "enter counts members": (
        ORGS + PLAZA + '[[events]]\nday = 2013-05-01\nkind = "enter"\norganization = "BLO"\n'
        'plazas = ["La Paz"]\nmembers = ["BLO"]\n', "events[0].members",
        "for an 'enter' event, members is the number of members of each new cell"),
    "war names organizations": (
        ORGS + '[[events]]\nday = 2013-05-01\nkind = "war"\nmembers = 2\n', "events[0].members",
        'members must be a list of organization names, e.g. members = ["BLO", "Zetas"]'),
    "enter in an unknown plaza": (
        ORGS + PLAZA + '[[events]]\nday = 2013-05-01\nkind = "enter"\norganization = "BLO"\n'
        'plazas = ["La Pas"]\nmembers = 4\n', "events[0].plazas[0]",
        "unknown plaza 'La Pas'; did you mean 'La Paz'?"),
    "purge of an unknown kind of unit": (
        '[[events]]\nday = 2013-05-01\nkind = "police_purge"\nkinds = ["federl"]\n',
        "events[0].kinds[0]", "did you mean 'federal'?"),
    "parameter event with an unknown name": (
        '[[events]]\nday = 2013-05-01\nkind = "parameters"\nscale = {clash_rat = 2.0}\n',
        "events[0].scale.clash_rat", "unknown parameter 'clash_rat'; did you mean 'clash_rate'?"),
}


@pytest.mark.parametrize("case", EVENT_CASES)
def test_bad_event_names_file_path_and_fix(tmp_path, case):
    text, path, fix = EVENT_CASES[case]
    message = load_error(tmp_path, MINIMAL + text)
    line = next((line for line in message.splitlines() if f": {path}: " in line), None)
    assert line is not None, message
    assert fix in line, line
    assert not any(f".{kind}." in message for kind in EVENT_KINDS), message  # no union tag


EVENT_KINDS = {"alliance": Alliance, "break_alliance": BreakAlliance, "war": War,
               "truce": Truce, "leader_removed": LeaderRemoved,
               "federal_deployment": FederalDeployment, "police_purge": PolicePurge,
               "enter": Enter, "parameters": ParameterChange, "split": Split,
               "defect": Defect, "intensity": IntensityChange, "plaza_change": PlazaChange}


def test_each_kind_of_event_is_its_own_class(tmp_path):
    s = load_scenario(write(tmp_path, "rich.toml", RICH))
    assert [type(e) for e in s.events] == [Alliance, Enter, FederalDeployment, PolicePurge]
    assert all(isinstance(e, Event) for e in s.events)
    assert not hasattr(s.events[0], "officers")  # an alliance has no deployment fields


def test_json_schema_gives_each_kind_its_own_fields():
    schema = json_schema()
    union = schema["properties"]["events"]["items"]
    assert union["discriminator"]["propertyName"] == "kind"
    mapping = union["discriminator"]["mapping"]
    assert set(mapping) == set(EVENT_KINDS)
    war = schema["$defs"][mapping["war"].rsplit("/", 1)[1]]
    deployment = schema["$defs"][mapping["federal_deployment"].rsplit("/", 1)[1]]
    assert set(war["properties"]) == {"kind", "day", "step", "members", "intensity", "ramp_days"}
    assert war["additionalProperties"] is False and "members" in war["required"]
    assert deployment["properties"]["officers"]["default"] == 100


def test_reference_docs_describe_each_kind():
    text = scenario_reference_markdown()
    for kind in EVENT_KINDS:
        assert f'### `kind = "{kind}"`' in text
    enter = text.split('### `kind = "enter"`')[1].split("###")[0]
    assert "| `members` | integer | **required** |" in enter and "`officers`" not in enter


def test_a_run_json_listing_every_field_of_every_kind_still_loads(tmp_path):
    """run.json files written when events were one class list unused fields as null."""
    s = load_scenario(write(tmp_path, "rich.toml", RICH))
    data = s.model_dump(mode="json")
    unused = {"members": None, "against": None, "organization": None, "officers": None,
              "values": None, "scale": None}
    data["events"] = [{**unused, **event} for event in data["events"]]
    assert Scenario.model_validate(data) == s


def test_every_problem_of_an_event_at_once(tmp_path):
    """A field of another kind hides neither the kind's checks nor the missing time."""
    message = load_error(tmp_path, MINIMAL + ORGS + '[[events]]\nkind = "war"\n'
                         'members = ["BLO"]\nofficers = 3\n')
    assert [line.split(": ")[1] for line in message.splitlines()] == [
        "events[0].officers", "events[0].members", "events[0].day"]


# --- issue 16: inputs that corrupted a run, collided, overflowed or crashed are refused -------

SMALL = MINIMAL + """
[[organizations]]
name = "A"

[[organizations]]
name = "B"

[[plazas]]
name = "P"
population = 100000

[[plazas]]
name = "Q"
population = 50000

[[cells]]
organization = "A"
plaza = "P"
members = 20
"""


@pytest.mark.parametrize("extra, where, says", [
    ('[[cells]]\norganization = "B"\nplaza = "P"\nmembers = 7\nname = "enter"\n'
     '[[events]]\nkind = "enter"\nstep = 3\norganization = "B"\nplazas = ["P"]\nmembers = 100\n',
     "events[0].plazas[0]", "same stable id as cells[1]"),
    ('[[events]]\nkind = "enter"\nstep = 3\norganization = "B"\nplazas = ["P", "P"]\n'
     'members = 10\n', "events[0].plazas[1]", "'P' is listed twice; list each once"),
    ('[[events]]\nkind = "police_purge"\nstep = 3\nplazas = []\n', "events[0].plazas",
     "an empty list purges no plazas; list some, or remove the plazas line"),
    ('[[events]]\nkind = "police_purge"\nstep = 3\nkinds = []\n', "events[0].kinds",
     "an empty list purges no kinds of unit"),
])
def test_events_that_would_corrupt_the_state_are_refused(tmp_path, extra, where, says):
    message = load_error(tmp_path, SMALL + extra)
    assert f"{where}: " in message and says in message


def test_colliding_stable_ids_are_refused_and_others_keep_their_ids(tmp_path):
    collide = ('[[organizations]]\nname = "X/Y"\n[[organizations]]\nname = "X"\n'
               '[[plazas]]\nname = "Z"\npopulation = 5\n[[plazas]]\nname = "Y/Z"\npopulation = 5\n'
               '[[cells]]\norganization = "X/Y"\nplaza = "Z"\nmembers = 5\n'
               '[[cells]]\norganization = "X"\nplaza = "Y/Z"\nmembers = 5\n')
    message = load_error(tmp_path, SMALL + collide)
    assert "cells[2]: gets the same stable id as cells[1] (both are 'cell/X/Y/Z//0')" in message
    from sim.rng import stable_id
    from sim.state import build_state

    state, _ = build_state(load_scenario(write(tmp_path, "ok.toml", SMALL)))
    assert state.cell_id[0] == stable_id("cell/A/P//0")  # ids of names that cannot collide


@pytest.mark.parametrize("edit, where, says", [
    (("cells", "members = 20", "members = true"), "cells[0].members",
     "must be a whole number such as 12 (got true); write a whole number"),
    (("organizations", 'name = "A"', 'name = "A"\nleader_alive = "no"'),
     'organizations[name="A"].leader_alive', 'must be true or false (got "no")'),
    (("parameters", "[simulation]", '[parameters]\nclash_rate = "0.5"\n[simulation]'),
     "parameters.clash_rate", "must be a number such as 0.5 (got \"0.5\"); remove the quotes"),
    (("members", "members = 20", "members = 9223372036854775808"), "cells[0].members",
     "must be at most 1e+09"),
    (("clash", "[simulation]", "[parameters]\nclash_rate = 1e18\n[simulation]"),
     "parameters.clash_rate", "must be at most 1e+06"),
    (("firepower", "members = 20", "members = 20\nfirepower = 1e308"), "cells[0].firepower",
     "must be at most 1e+06"),
    (("value", "population = 50000", "population = 50000\nvalue_per_day = 1e308"),
     'plazas[name="Q"].value_per_day', "must be at most 1e+15"),
    (("days", "days = 365", "days = 3000000"), "simulation.days", "must be at most 213"),
    (("end", "start = 2013-01-01", "start = 2262-01-01"), "simulation.days",
     "start + days ends after 2262-04-11"),
    (("start", "start = 2013-01-01", "start = 1600-01-01"), "simulation.start", "too early"),
    (("tiny step", "days = 365", "days = 365\nstep_days = 1e-300"), "simulation.step_days",
     "must be at least 0.001"),
    (("huge step", "days = 365", "days = 365\nstep_days = 1e300"), "simulation.step_days",
     "must be at most 213"),
    (("event step", "members = 20", 'members = 20\n[[events]]\nkind = "leader_removed"\n'
      'organization = "A"\nstep = 1180591620717411303424'), "events[0].step", "must be at most"),
])
def test_wrong_types_and_numbers_the_kernel_cannot_hold_are_refused(tmp_path, edit, where, says):
    _, old, new = edit
    message = load_error(tmp_path, SMALL.replace(old, new, 1))
    assert f"{where}: " in message and says in message


def test_deep_nesting_and_long_base_chains_are_refused_without_recursion(tmp_path):
    deep = load_error(tmp_path, "overrides = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n" + SMALL)
    assert "nested too deeply to read" in deep
    write(tmp_path, "link_0.toml", SMALL)
    for i in range(1, 2000):
        write(tmp_path, f"link_{i}.toml", f'base = "link_{i - 1}.toml"\n')
    with pytest.raises(ScenarioError, match="base: the base chain is longer than 32 files"):
        load_scenario(tmp_path / "link_1999.toml")


def test_validate_refuses_a_run_that_needs_more_memory_than_available(tmp_path):
    from sim.resources import ResourceError, available_memory, check

    scenario = load_scenario(write(tmp_path, "s.toml", SMALL.replace(
        "days = 365", "days = 365\nspare_cells = 300000000")))
    with pytest.raises(ResourceError, match="needs about .* GB of memory .* more than the") as err:
        check(scenario)
    assert available_memory() > 0 and "fewer spare_cells" in str(err.value)
    many_steps = scenario.with_overrides({"simulation.spare_cells": 0,
                                          "simulation.spin_up_days": 200000,
                                          "simulation.step_days": 0.001})
    with pytest.raises(ResourceError, match="steps .* is more than the 100,000,000"):
        check(many_steps)
