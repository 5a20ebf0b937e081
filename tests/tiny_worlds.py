"""Relations and readers the one-mechanism tests share (test_mechanisms.py, test_policing.py,
test_triggers.py)."""

import numpy as np
import pandas as pd

from sim.codes import FEDERAL
from sim.state import LEDGER_COLUMNS

WAR = [{"between": ["A", "B"], "state": "war"}]
ALLY = [{"between": ["A", "B"], "state": "ally"}]


def counts(violence: pd.DataFrame, **where) -> int:
    """Total count of the violence rows matching column == value for every keyword."""
    mask = np.ones(len(violence), dtype=bool)
    for col, value in where.items():
        mask &= (violence[col] == value).to_numpy()
    return int(violence.loc[mask, "count"].sum())


def ledger_total(model, org: str, column: str) -> int:
    row = model.names.organizations.index(org)
    return int(model.state.ledger[row, LEDGER_COLUMNS.index(column)])


def federal_units(model) -> int:
    s = model.state
    return int((s.unit_active & (s.unit_kind == FEDERAL)).sum())
