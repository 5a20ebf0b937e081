"""Dotted paths: parsing, reading, setting and removing, and suggestions for bad paths."""

import pytest

from sim.scenario.paths import (
    Index,
    Key,
    PathError,
    Select,
    format_path,
    get_values,
    parse_path,
    remove_items,
    set_value,
)


@pytest.fixture
def data():
    return {
        "parameters": {"clash_rate": 0.1},
        "plazas": [{"name": "La Paz", "population": 10},
                   {"name": "San José del Cabo", "population": 20}],
        "police": [{"kind": "state", "integrity": 0.5}, {"kind": "municipal", "integrity": 0.4},
                   {"kind": "state", "integrity": 0.3}],
        "cells": [{"members": 3}, {"members": 4}],
        "events": [{"kind": "alliance"}, {"kind": "war"}, {"kind": "alliance"}],
    }


def test_parse_path_forms():
    assert parse_path("parameters.clash_rate") == [Key("parameters"), Key("clash_rate")]
    assert parse_path("cells[0].members") == [Key("cells"), Index(0), Key("members")]
    assert parse_path("plazas[name=San José del Cabo]") == [Key("plazas"),
                                                           Select("name", "San José del Cabo")]
    assert parse_path('plazas[name="St. Louis"].lat') == [
        Key("plazas"), Select("name", "St. Louis"), Key("lat")]


def test_format_path_inverts_parse():
    for text in ("parameters.clash_rate", "cells[0].members", "plazas[name=La Paz].population",
                 "relations[1].between[0]"):
        assert format_path(parse_path(text)) == text


def test_get_by_key_index_and_name(data):
    assert get_values(data, "parameters.clash_rate") == [0.1]
    assert get_values(data, "cells[1].members") == [4]
    assert get_values(data, "plazas[name=San José del Cabo].population") == [20]
    assert get_values(data, 'plazas[name="La Paz"].population') == [10]


def test_selector_matches_every_item(data):
    assert get_values(data, "police[kind=state].integrity") == [0.5, 0.3]
    assert set_value(data, "police[kind=state].integrity", 0.9) == 2
    assert [u["integrity"] for u in data["police"]] == [0.9, 0.4, 0.9]


def test_set_copies_the_value_per_match(data):
    set_value(data, "police[kind=state].names", ["a"], create=True)
    data["police"][0]["names"].append("b")
    assert data["police"][2]["names"] == ["a"]


def test_create_adds_missing_table_keys(data):
    with pytest.raises(PathError):
        set_value(data, "parameters.lethality", 0.2)
    assert set_value(data, "parameters.lethality", 0.2, create=True) == 1
    assert set_value(data, "simulation.days", 10, create=True) == 1
    assert data["parameters"]["lethality"] == 0.2 and data["simulation"] == {"days": 10}


def test_remove_items(data):
    assert remove_items(data, "events[kind=alliance]") == 2
    assert data["events"] == [{"kind": "war"}]
    assert remove_items(data, "cells[0]") == 1
    assert data["cells"] == [{"members": 4}]
    with pytest.raises(PathError, match="does not select list items"):
        remove_items(data, "parameters.clash_rate")


@pytest.mark.parametrize("path, suggestion", [
    ("parameters.clash_rat", "parameters.clash_rate"),
    ("plazas[name=La Pas].population", "plazas[name=La Paz].population"),
    ("police[kind=stat].integrity", "police[kind=state].integrity"),
    ("plazas[name=La Paz].populaton", "plazas[name=La Paz].population"),
])
def test_bad_path_suggests_nearest(data, path, suggestion):
    with pytest.raises(PathError) as err:
        get_values(data, path)
    assert f"path '{path}' matches nothing" in str(err.value)
    assert f"did you mean '{suggestion}'?" in str(err.value)


@pytest.mark.parametrize("path, message", [
    ("plazas[", "never closed"), ("plazas[]", "cannot read '[]'"), ("a..b", "cannot read ''"),
    ("plazas[0]x", "unexpected text"), ("plazas[-1]", "cannot read '[-1]'"),
])
def test_syntax_errors(path, message):
    with pytest.raises(PathError) as err:
        parse_path(path)
    assert message in str(err.value)


def test_key_on_a_list_explains(data):
    with pytest.raises(PathError, match=r"plazas is a list.*\[name=La Paz\]"):
        get_values(data, "plazas.population")
