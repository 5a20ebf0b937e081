"""Where the organizations are at the start, which states border each other, and the
homicides recorded by state: the national scenario's geography (scenarios/data/README.md,
"Where organizations operate").

Data files (scenarios/data/):
- ``mexico_presence.csv``: states where a large organization operates, one row per
  (organization, state), each with the key of its published source;
- ``mexico_state_borders.csv``: the pairs of states that share a land border (INEGI);
- ``mexico_states_homicides_2012_2013.csv``: homicides by state of occurrence (INEGI death
  records), 2012 and 2013 only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .network import ROOT, Network, largest_remainder

DATA = ROOT / "scenarios" / "data"
PRESENCE_FILE = DATA / "mexico_presence.csv"
BORDERS_FILE = DATA / "mexico_state_borders.csv"
HOMICIDES_FILE = DATA / "mexico_states_homicides_2012_2013.csv"
FIT_YEARS = (2012, 2013)   # the only years of state homicides given (fitting data)
RECORDED_SHARE = 0.25      # calibrated: share of a small group's members in its recorded state


def read_presence(path: Path = PRESENCE_FILE) -> dict[str, list[str]]:
    """{organization: [state, ...]}: the cited states of each large organization, in the
    file's order."""
    rows = pd.read_csv(path, encoding="utf-8")
    return {org: list(group["state"]) for org, group in rows.groupby("organization", sort=False)}


def read_borders(path: Path = BORDERS_FILE) -> list[tuple[str, str]]:
    """The (state, neighbour) pairs sharing a land border, each pair once."""
    rows = pd.read_csv(path, encoding="utf-8")
    return list(zip(rows["state"], rows["neighbour"]))


def read_state_homicides(path: Path = HOMICIDES_FILE) -> pd.DataFrame:
    """Homicides (INEGI death records, state of occurrence), one row per state and one
    column per year of ``FIT_YEARS``."""
    rows = pd.read_csv(path, encoding="utf-8")
    return rows.pivot(index="state", columns="year", values="homicides")


def locations(network: Network, presence: dict[str, list[str]]) -> list[list[str]]:
    """Per organization (n,): its cited states, or its one recorded state (``State``)."""
    return [presence.get(name, [home]) for name, home in zip(network.name, network.home)]


def placed_members(network: Network, members: np.ndarray, states: pd.DataFrame,
                   presence: dict[str, list[str]],
                   recorded_share: float = RECORDED_SHARE) -> np.ndarray:
    """int (n, 32): each organization's members by state at the start.

    - An organization with cited presence: over its cited states, in proportion to their
      populations (assumed).
    - Any other (the rule for the smaller groups): ``recorded_share`` in its recorded
      state, the rest where its rivals and allies are, in proportion to the relation
      weight, each partner's weight split evenly over the partner's locations
      (:func:`locations`) other than the group's recorded state; a group without such
      partners keeps all its members in its recorded state.

    Whole members by largest remainder, per organization. ``states`` is
    :func:`national.read_states` (columns ``state``, ``population_2020``).
    """
    names = list(states["state"])
    col = {s: k for k, s in enumerate(names)}
    population = states["population_2020"].to_numpy(dtype=float)
    where = locations(network, presence)
    weight = network.rival + network.ally
    out = np.zeros((network.n, len(names)), dtype=np.int64)
    for i, name in enumerate(network.name):
        shares = np.zeros(len(names))
        if name in presence:
            cited = [col[s] for s in presence[name]]
            shares[cited] = population[cited]
        else:
            recorded = col[network.home[i]]
            for j in np.flatnonzero(weight[i] > 0):
                away = [col[s] for s in where[j] if col[s] != recorded]
                for k in away:
                    shares[k] += weight[i, j] / len(where[j])
            if shares.sum() > 0:
                shares *= (1 - recorded_share) / shares.sum()
            shares[recorded] = recorded_share if shares.sum() > 0 else 1.0
        out[i] = largest_remainder(shares, int(members[i]))
    return out


def neighbours(states: list[str], borders: list[tuple[str, str]]) -> dict[str, list[str]]:
    """{state: [neighbour, ...]}: each border listed once, on the state that comes first in
    ``states`` (links are symmetric in the scenario format)."""
    order = {s: k for k, s in enumerate(states)}
    out: dict[str, list[str]] = {s: [] for s in states}
    for a, b in borders:
        first, second = sorted((a, b), key=order.__getitem__)
        out[first].append(second)
    return {s: sorted(v, key=order.__getitem__) for s, v in out.items()}


def background_rates(states: pd.DataFrame, homicides: pd.DataFrame, share: float
                     ) -> np.ndarray:
    """float (32,): background homicides per 100,000 a year by state, ``share`` of the
    state's mean recorded homicides over ``FIT_YEARS``, per 100,000 of its 2020
    population (the scenario's plaza population); rounded to 4 significant digits."""
    mean = homicides.loc[states["state"], list(FIT_YEARS)].mean(axis=1).to_numpy()
    rate = share * mean / states["population_2020"].to_numpy(dtype=float) * 1e5
    return np.array([float(f"{r:.4g}") for r in rate])
