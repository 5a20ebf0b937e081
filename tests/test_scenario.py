"""Scenario files: loading, every kind of bad file, base inheritance, round trip, schema."""

import datetime as dt
import hashlib
import json
import tomllib
from pathlib import Path

import pytest
from scenario_files import MINIMAL, ORGS, PLAZA, RICH, TRIGGER, WAR, error_line, load_error, write

from sim.scenario import (
    Parameters,
    Scenario,
    ScenarioError,
    json_schema,
    load_scenario,
    parse_when,
)
from sim.scenario.docs import scenario_reference_markdown


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
    line = error_line(message, path)
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
