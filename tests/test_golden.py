"""Every shipped scenario gives, at fixed seeds, the tables recorded in tests/golden/tables.json.

The fingerprints were recorded before the engine redesign; a change that alters any result
fails here, and rewriting the file (tests/golden/record.py) is a deliberate act.
"""

from __future__ import annotations

import json

import pytest
from golden.record import GOLDEN, SEEDS, TABLES, cases, fingerprints

RECORDED = json.loads(GOLDEN.read_text())


def test_every_shipped_scenario_is_fingerprinted():
    assert sorted(f"{n}/{s}" for n, s, _ in cases()) == sorted(RECORDED)


@pytest.mark.parametrize("key", sorted(RECORDED))
def test_tables_match_the_recorded_fingerprints(key):
    name, seed = key.rsplit("/", 1)
    assert int(seed) in SEEDS
    expected = RECORDED[key]
    got = fingerprints(name, int(seed), expected["days"])
    assert {t: got[t] for t in TABLES} == {t: expected[t] for t in TABLES}
