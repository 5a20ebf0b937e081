"""The 150 organizations of Prieto-Curiel, Campedelli & Hope (Science 2023) and the paper's
construction: members by Zipf's law, the agent model's relations, the conflict matrix K.

Units: the paper's rates are per week (``*_WEEK``); scenario rates are per day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "scenarios" / "data" / "mexico_2020"
STATES_FILE = ROOT / "scenarios" / "data" / "mexico_states_2020.csv"
SCENARIO_DIR = ROOT / "scenarios"

# The fitted values of the national model, per week: Prieto-Curiel, Campedelli & Hope (2023),
# Science 381:1312 (as listed in the project's shared data README).
RHO_WEEK = 2.527e-3        # recruits per member per week
ETA_WEEK = 110.0           # members incapacitated per week, all organizations together
THETA_WEEK = 1.549e-8      # conflict deaths per member per member per week, times K
OMEGA_WEEK = 4e-8          # saturation losses per member per member per week
MEMBERS_2012 = 115_000     # members of all organizations in 2012, same source
ZIPF_EXPONENT = 1.0        # sizes proportional to rank^-1, same source
START = dt.date(2012, 1, 1)
STEP_DAYS = 7              # the paper's model is weekly
DAYS_10_YEARS = (dt.date(2022, 1, 1) - START).days   # 2012-2021: 3,653 days, 522 steps
DAYS_20_YEARS = (dt.date(2032, 1, 1) - START).days   # 2012-2031: 7,305 days, 1,044 steps
ALLIES = ("weight", "count")  # how K's allies_i is read (k_matrix)


@dataclass(frozen=True)
class Network:
    """The organizations and their relations, as in the data, symmetrised.

    Attributes, n = 150 organizations in the order of ``BACRIM2020_Nodes.csv``:
        node: (n,) the data's ``Node`` ids (``N10001`` ...), unique.
        name: (n,) the ``Group`` column without surrounding white space (one name ends in
            a non-breaking space), unique; the organization names in the scenarios.
        home: (n,) the state in which the organization was recorded (``State``; not its
            home base or territory), spelled as in ``mexico_states_2020.csv``.
        rival, ally: float (n, n) symmetric weights (open-source reports of the relation),
            0 for none: the elementwise maximum of the listed matrix and its transpose.
    """

    node: tuple[str, ...]
    name: tuple[str, ...]
    home: tuple[str, ...]
    rival: np.ndarray
    ally: np.ndarray

    @property
    def n(self) -> int:
        return len(self.node)

    @property
    def both(self) -> np.ndarray:
        """bool (n, n): pairs listed as both rivals and allies (5 pairs in the data)."""
        return (self.rival > 0) & (self.ally > 0)

    @property
    def strength(self) -> np.ndarray:
        """float (n,): network strength, the sum of an organization's rival and ally weights."""
        return self.rival.sum(axis=1) + self.ally.sum(axis=1)

    @property
    def isolated(self) -> np.ndarray:
        """bool (n,): organizations with no relation at all (36 in the data)."""
        return self.strength == 0


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig")  # the files start with a byte-order mark


def read_network(folder: Path = DATA_DIR) -> Network:
    """The organizations of ``BACRIM2020_Nodes.csv`` and the symmetrised edge weights of
    ``BACRIM2020_Rivals.csv`` and ``BACRIM2020_Alliances.csv``.

    Symmetrising takes the elementwise maximum of each matrix and its transpose, as the
    paper's code does: 57 of the 127 rival rows and 52 of the 130 alliance rows have no
    reverse row; where both directions are listed their weights agree.
    """
    nodes = _read_csv(folder / "BACRIM2020_Nodes.csv")
    row = {node: i for i, node in enumerate(nodes["Node"])}
    n = len(nodes)

    def matrix(file: str) -> np.ndarray:
        m = np.zeros((n, n))
        for e in _read_csv(folder / file).itertuples():
            m[row[e.Node], row[e.RNode]] = max(m[row[e.Node], row[e.RNode]], float(e.weight))
        return np.maximum(m, m.T)

    return Network(node=tuple(nodes["Node"]), name=tuple(g.strip() for g in nodes["Group"]),
                   home=tuple(nodes["State"]), rival=matrix("BACRIM2020_Rivals.csv"),
                   ally=matrix("BACRIM2020_Alliances.csv"))


def read_states(path: Path = STATES_FILE) -> pd.DataFrame:
    """The 32 states: ``state``, ``population_2020`` (INEGI census 2020), ``capital``,
    ``capital_lat``, ``capital_lon``, in the file's (alphabetical) order."""
    return pd.read_csv(path, encoding="utf-8-sig")


def zipf_ranks(strength: np.ndarray) -> np.ndarray:
    """int (n,): the rank of each organization, 1 for the largest strength; ties (the 36
    organizations without relations share strength 0, and others tie too) go to the
    earlier ``Node`` (file order)."""
    order = np.lexsort((np.arange(len(strength)), -strength))
    ranks = np.empty(len(strength), dtype=np.int64)
    ranks[order] = np.arange(1, len(strength) + 1)
    return ranks


def largest_remainder(shares: np.ndarray, total: int) -> np.ndarray:
    """int (n,) summing to ``total``, proportional to ``shares`` (n,): floors, then one more
    for the largest remainders (ties: the earlier row)."""
    exact = total * shares / shares.sum()
    out = np.floor(exact).astype(np.int64)
    left = total - int(out.sum())
    order = np.lexsort((np.arange(len(shares)), -(exact - out)))
    out[order[:left]] += 1
    return out


def zipf_members(network: Network, total: int = MEMBERS_2012,
                 exponent: float = ZIPF_EXPONENT) -> np.ndarray:
    """int (n,): members in 2012, proportional to rank^-exponent, ranks by decreasing network
    strength (:func:`zipf_ranks`), whole members summing to ``total`` (largest remainder).

    With exponent 1 the largest organization has 115,000 / H_150, about 20,568 members, and
    the smallest 137 (H_150 = 1 + 1/2 + ... + 1/150).
    """
    return largest_remainder(zipf_ranks(network.strength).astype(float) ** -exponent, total)


def model_relations(network: Network) -> tuple[np.ndarray, np.ndarray]:
    """The agent model's one relation per pair: (war weight float (n, n), allied bool (n, n)).

    A pair listed as both rivals and allies keeps the relation with the larger weight; a
    tie goes to the alliance. In the data all five such pairs become alliances (weights
    rival/ally 1/2, 3/3, 2/4, 1/2, 3/3).
    """
    war = np.where(network.rival > network.ally, network.rival, 0.0)
    allied = (network.ally > 0) & (network.ally >= network.rival)
    return war, allied


def k_matrix(network: Network, construction: str = "paper", allies: str | None = None
             ) -> np.ndarray:
    """float (n, n): the conflict matrix K_ij = (rival_ij + 1) / (allies_i + 1), K_ii = 0.

    ``construction = "paper"``: the paper's, from the symmetrised weights: rival_ij the
    rival weight (0 for none), allies_i the sum of i's alliance weights, and the five pairs
    listed both ways count as both. With ``zipf_members`` this reproduces the published
    trajectory (115,000 -> 174,000 members over 2012-2021).

    ``construction = "model"``: what the agent model's conflict term is in expectation
    (docs/model.md §9): pairs from :func:`model_relations` (a pair listed both ways is one
    relation), rival_ij the war weight, and allies_i the sum of alliance weights, which ally
    shielding divides by when the alliances carry their weights as intensities (the
    mean-field scenario). ``allies`` ("weight" or "count") overrides how allies_i is read.

    The diagonal is 0: an organization does not fight itself.
    """
    if construction == "paper":
        rival, ally = network.rival, network.ally
        allies = allies or "weight"
    elif construction == "model":
        rival, allied = model_relations(network)
        ally = np.where(allied, network.ally, 0.0)
        allies = allies or "weight"
    else:
        raise ValueError(f"construction must be 'paper' or 'model' (got {construction!r})")
    if allies not in ALLIES:
        raise ValueError(f"allies must be one of {ALLIES} (got {allies!r})")
    allies_i = ally.sum(axis=1) if allies == "weight" else (ally > 0).sum(axis=1)
    k = (rival + 1.0) / (allies_i[:, None] + 1.0)
    np.fill_diagonal(k, 0.0)
    return k
