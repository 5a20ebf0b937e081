"""The small sweep the sweep tests share: two_cartels for 60 days, and the paths they vary."""

from pathlib import Path

import pandas as pd
from conftest import SCENARIO_DIR

import sim
from sim.sweep import SweepSpec

TWO = str(SCENARIO_DIR / "two_cartels.toml")
CLASH, MEMBERS = "parameters.clash_rate", "cells[0].members"  # a float and an integer field
DAYS = 60


def small(**changes) -> SweepSpec:
    """6 points x 4 replicates = 24 runs of two_cartels for 60 days (~0.3 s in one process)."""
    fields = dict(scenario=TWO, parameters={CLASH: (0.001, 0.004), MEMBERS: (10, 40)},
                  design="lhs", n=6, replicates=4, seed=11, days=DAYS)
    return SweepSpec(**{**fields, **changes})


def run_sweep(spec: SweepSpec, out: Path, **kwargs) -> pd.DataFrame:
    return sim.sweep(spec, out, progress=False, **{"workers": 1, **kwargs})
