"""A small hand-made world for the tests of dated events (split, defect, intensity, truce,
plaza changes): three organizations, two plazas, named cells and police units.

:func:`world` writes it, with extra TOML appended, into a folder and loads it;
:func:`run_to` runs a model to a step; :func:`ledger_gaps` checks the member ledger.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.state import LEDGER_COLUMNS

BASE = '''
name = "dated"
[simulation]
start = 2020-01-01
days = 240

[parameters]
clash_rate = 0.002
attack_threshold = 1.5

[[organizations]]
name = "North"
treasury = 1e6
aggression = 0.5
wage_per_member_day = 100

[[organizations]]
name = "South"
treasury = 1e6
aggression = 0.5
wage_per_member_day = 100

[[organizations]]
name = "East"
treasury = 1e6

[[plazas]]
name = "Norte"
population = 50000
value_per_day = 5000
controller = "North"
neighbours = ["Sur"]

[[plazas]]
name = "Sur"
population = 50000
value_per_day = 5000
controller = "South"

[[cells]]
organization = "North"
plaza = "Norte"
members = 30
name = "north home"

[[cells]]
organization = "North"
plaza = "Sur"
members = 21
name = "north away"

[[cells]]
organization = "South"
plaza = "Sur"
members = 30

[[cells]]
organization = "South"
plaza = "Norte"
members = 15

[[police]]
plaza = "Norte"
kind = "municipal"
officers = 60
payroll = "North"
name = "norte municipal"

[[police]]
plaza = "Sur"
kind = "state"
officers = 40
payroll = "North"
name = "sur state"

[[relations]]
between = ["North", "South"]
state = "war"
'''


def world(folder: Path, extra: str = "", name: str = "dated.toml") -> sim.Scenario:
    """The world with ``extra`` TOML appended, written to ``folder / name`` and loaded."""
    path = folder / name
    path.write_text(BASE + extra, encoding="utf-8")
    return sim.load_scenario(path)


def run_to(scenario: sim.Scenario, step: int, seed: int = 1) -> sim.CartelModel:
    """A model run to ``step`` (events of that step not applied yet)."""
    model = sim.CartelModel(scenario, rng=seed)
    model.run_for(step)
    return model


def members_by_org(model: sim.CartelModel) -> np.ndarray:
    s = model.state
    return np.bincount(s.cell_org[s.cell_active], weights=s.cell_members[s.cell_active],
                       minlength=len(s.org_id)).astype(np.int64)


def ledger_gaps(model: sim.CartelModel) -> np.ndarray:
    """Per organization row: members now - (members at the start + recruited - killed -
    arrested - deserted + moved + mobilized); all zero when the ledger is exact."""
    s, spec = model.state, model.spec
    start = np.zeros(len(s.org_id), dtype=np.int64)
    for cell in spec.cells:
        start[model.engine.org_row[cell.organization]] += cell.members
    col = {name: s.ledger[:, k] for k, name in enumerate(LEDGER_COLUMNS)}
    expected = (start + col["recruited"] - col["killed"] - col["arrested"] - col["deserted"]
                + col["moved"] + col["mobilized"])
    return members_by_org(model) - expected
