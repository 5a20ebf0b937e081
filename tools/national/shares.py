"""Shares of homicides by state, simulated and observed, and how they compare (issue 15's
targets; used by benchmarks/national_states.py and tests/test_national.py)."""

from __future__ import annotations

import pandas as pd
from scipy.stats import pearsonr, spearmanr

from .geography import read_state_homicides
from .network import read_states


def homicides_by_state(results, conflict_only: bool = False) -> pd.DataFrame:
    """int (years, plazas): a run's (:class:`sim.Results`) homicides per calendar year (rows,
    the year as an int) and state; every lethal type, or all but ``background`` when
    ``conflict_only``."""
    table = results.homicides("YS", by="plaza", conflict_only=conflict_only)
    return table.set_axis(table.index.year, axis=0)


def shares(table: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """float (years, 32): each row of a homicide count table (years x states) divided by
    its sum, columns in ``states`` order (0 where a state is absent)."""
    table = table.reindex(columns=states, fill_value=0).astype(float)
    return table.div(table.sum(axis=1), axis=0)


def observed_shares() -> pd.DataFrame:
    """float (2, 32): INEGI's shares of homicides by state, 2012 and 2013 (rows), states in
    the order of ``mexico_states_2020.csv``."""
    states = list(read_states()["state"])
    return shares(read_state_homicides().T, states)


def population_shares() -> pd.Series:
    """float (32,): the population-only guess, each state's share of the 2020 population."""
    states = read_states().set_index("state")["population_2020"].astype(float)
    return states / states.sum()


def mean_shares(tables: list[pd.DataFrame], states: list[str]) -> pd.DataFrame:
    """float (years, 32): the shares of the homicides summed over runs (one table of counts,
    years x states, per run): the shares of the mean over seeds."""
    return shares(sum(t.reindex(columns=states, fill_value=0) for t in tables), states)


def compare(model: pd.Series, observed: pd.Series) -> dict[str, float]:
    """Spearman and Pearson correlations of two (32,) share vectors, and the lowest and
    highest ratio of ``model`` to ``observed``."""
    ratio = model / observed
    return {"spearman": float(spearmanr(model, observed).statistic),
            "pearson": float(pearsonr(model, observed).statistic),
            "lowest_ratio": float(ratio.min()), "highest_ratio": float(ratio.max())}
