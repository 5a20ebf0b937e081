"""The kinds of dated event in a scenario file: each its own class and schema, every mistake
in one named with its file, field and fix."""

import pytest
from scenario_files import MINIMAL, ORGS, PLAZA, RICH, WAR, error_line, load_error, write

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
    PlazaChange,
    PolicePurge,
    Scenario,
    Split,
    Truce,
    War,
    json_schema,
    load_scenario,
)
from sim.scenario.docs import scenario_reference_markdown

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
    line = error_line(message, path)
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
