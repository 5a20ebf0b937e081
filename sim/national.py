"""Mexico at national scale: the 150 organizations of Prieto-Curiel, Campedelli & Hope
(Science 2023) read from their data, the paper's construction, and the scenarios built on it.

Every construction choice lives here, so that the scenario builder, the test suite's ODE
oracle (``tests/national_ode.py``) and the figures in the README use the same ones
(docs/model.md, "Reduction to the national model" and "The national scenario"):

- :func:`read_network`: organizations, home states, rivalry and alliance weights;
- :func:`zipf_members`: 115,000 members in 2012 spread over the organizations by Zipf's law;
- :func:`model_relations`: the one relation per pair the agent model needs;
- :func:`k_matrix`: the paper's conflict matrix K;
- :func:`mean_field_scenario`, :func:`spatial_scenario`: the two configurations;
- :func:`build`: writes them as ``scenarios/mexico_2012_mean_field.toml`` and
  ``scenarios/mexico_2012.toml``.

    python -m sim.national build              # rewrite the generated scenario files
    python -m sim.national build --out DIR    # write them elsewhere

Units: the paper's rates are per week (``*_WEEK``); scenario rates are per day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from .scenario import Scenario, validate

ROOT = Path(__file__).resolve().parent.parent
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
        home: (n,) home state (``State``), spelled as in ``mexico_states_2020.csv``.
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


# --------------------------------------------------------------------------- scenarios

def _per_day(rate_per_week: float) -> float:
    """A weekly rate as a daily one, to 10 significant digits (so the file reads well)."""
    return float(f"{rate_per_week / 7:.10g}")


def _relations(network: Network, war_scale: float = 1.0,
               alliance_weights: bool = False) -> list[dict]:
    """[[relations]]: rivals at war with intensity 1 + war_scale * rival weight (K's
    numerator when war_scale is 1), allies allied, with their alliance weight as intensity
    when ``alliance_weights`` (ally shielding then divides by 1 + the sum of the weights,
    K's denominator) and 1 otherwise (1 + the number of allies); every other pair is
    neutral (not listed). Rows ascend by (i, j)."""
    war, allied = model_relations(network)
    out = []
    for i in range(network.n):
        for j in range(i + 1, network.n):
            if war[i, j] > 0:
                out.append({"between": [network.name[i], network.name[j]], "state": "war",
                            "intensity": float(f"{1.0 + war_scale * war[i, j]:.10g}")})
            elif allied[i, j]:
                ally = {"between": [network.name[i], network.name[j]], "state": "ally"}
                if alliance_weights:
                    ally["intensity"] = float(network.ally[i, j])
                out.append(ally)
    return out


MEAN_FIELD_PARAMETERS = {
    # the paper's rates, per day (docs/model.md §9)
    "recruit_rate": _per_day(RHO_WEEK),
    "national_arrests_per_day": _per_day(ETA_WEEK),
    "saturation_rate": _per_day(OMEGA_WEEK),
    "clash_rate": float(f"{THETA_WEEK / 7 / 1e-3:.10g}"),  # clash_rate * lethality = theta/day
    "lethality": 1e-3,  # small: a clash kills at most 0.1% of a side (docs/model.md §9)
    # every pair fights: K's 1 for neutral pairs and allies, divided by 1 + allies
    "neutral_conflict_factor": 1.0,
    "ally_conflict_factor": 1.0,
    "ally_shielding": 1.0,
    # nothing the ODE does not have
    "max_member_share": 1.0,
    "grievance_weight": 0.0,
    "kidnap_rate": 0.0,
    "arrest_rate": 0.0,
    "collateral_per_clash": 0.0,
    "background_homicides_per_100k_year": 0.0,
}
"""The mean-field configuration's parameters (docs/model.md §9). The plaza has no controller
and no police, so nobody attacks, bribes or is arrested locally; wages and recruit costs are
0 (the defaults), and every organization has aggression 0 and firepower 1."""


def mean_field_scenario(network: Network | None = None, days: int = DAYS_10_YEARS) -> Scenario:
    """The agent model configured as the paper's ODE: all 150 organizations in one plaza
    (Mexico, 126,014,024 people), one cell each with its Zipf members, the paper's rates.

    Its expected dynamics are one Euler step per week of the ODE with
    ``k_matrix(network, "model")`` (docs/model.md §9).
    """
    network = network or read_network()
    members = zipf_members(network)
    population = int(read_states()["population_2020"].sum())
    return validate({
        "name": "mexico_2012_mean_field",
        "description": "The 150 organizations of Mexico in one plaza with the rates of "
                       "Prieto-Curiel et al. (2023): the agent model as the paper's ODE",
        "simulation": {"start": START, "days": days, "step_days": STEP_DAYS},
        "parameters": dict(MEAN_FIELD_PARAMETERS),
        "organizations": [{"name": name, "aggression": 0.0} for name in network.name],
        "plazas": [{"name": "Mexico", "population": population}],
        "cells": [{"organization": name, "plaza": "Mexico", "members": int(m)}
                  for name, m in zip(network.name, members)],
        "relations": _relations(network, alliance_weights=True),
    }, "mexico_2012_mean_field")


# The spatial scenario: what is assumed and what is calibrated (docs/model.md §10.1,
# "The national scenario"). Calibrated values were set so that the mean of 20 seeds follows
# the ODE's national members and member deaths within 10% in every year 2012-2021.
HOME_SHARE = 0.5            # assumed: share of an organization's members in its home state
WAR_SCALE = 0.05            # calibrated: intensity at war = 1 + WAR_SCALE * rival weight
OFFICERS_PER_PERSON = 1 / 2000   # assumed: state police officers per inhabitant
VALUE_PER_PERSON_DAY = 0.1  # assumed: plaza value, pesos per inhabitant per day
SPATIAL_PARAMETERS: dict[str, tuple[float, str]] = {
    "recruit_rate": (4.53e-4, "calibrated (the paper's rho / 7 is 3.61e-4)"),
    "max_member_share": (0.02, "assumed: recruitment slows as a state's members near 2%"),
    "saturation_rate": (_per_day(OMEGA_WEEK), "the paper's omega / 7"),
    "national_arrests_per_day": (_per_day(ETA_WEEK), "the paper's eta / 7"),
    "arrest_rate": (5e-7, "assumed: state police add about 10% to the paper's arrests"),
    "clash_rate": (1.045e-5, "calibrated"),
    "lethality": (1e-3, "assumed: small, so a clash is a small event (docs/model.md §9)"),
    "neutral_conflict_factor": (1.0, "the paper: every pair fights at a base rate"),
    "ally_conflict_factor": (1.0, "the paper: allies too"),
    "ally_shielding": (1.0, "the paper: losses divided by 1 + allies"),
    "kidnap_rate": (5e-7, "calibrated"),
    "grievance_weight": (0.001, "assumed: 100 deaths in a half-life raise a pair's rates 10%"),
    "collateral_per_clash": (0.0, "bystanders are in the background rate at this scale"),
    "background_homicides_per_100k_year": (
        17.2, "with the conflict's, 2012 totals about 25,967 homicides (INEGI)"),
}


def spatial_members(network: Network, members: np.ndarray, states: list[str],
                    home_share: float = HOME_SHARE) -> np.ndarray:
    """int (n, 32): each organization's members by state at the start.

    ``HOME_SHARE`` of them in its home state; the rest spread over the home states of its
    rivals and allies (other than its own), in proportion to the weights of its relations
    there; an organization without relations outside its home state keeps all at home.
    Whole members by largest remainder, per organization.
    """
    col = {s: k for k, s in enumerate(states)}
    out = np.zeros((network.n, len(states)), dtype=np.int64)
    weight = network.rival + network.ally
    for i in range(network.n):
        away = np.zeros(len(states))
        for j in np.flatnonzero(weight[i] > 0):
            if network.home[j] != network.home[i]:
                away[col[network.home[j]]] += weight[i, j]
        shares = np.zeros(len(states))
        if away.sum() > 0:
            shares = (1 - home_share) * away / away.sum()
            shares[col[network.home[i]]] = home_share
        else:
            shares[col[network.home[i]]] = 1.0
        out[i] = largest_remainder(shares, int(members[i]))
    return out


def spatial_scenario(network: Network | None = None, days: int = DAYS_10_YEARS,
                     home_share: float | None = None, war_scale: float | None = None
                     ) -> Scenario:
    """``mexico_2012``: the 150 organizations in the 32 states, with police and alliances.

    - plazas: the 32 states with their 2020 populations and capitals' coordinates, value
      ``VALUE_PER_PERSON_DAY`` per inhabitant, no routes (members do not move between
      states, nobody hires); the controller is the organization with the most members in
      the state at the start (ties: the earlier row), or nobody where no cell is;
    - cells: one per organization and state where :func:`spatial_members` puts members;
    - police: one state unit per state, ``OFFICERS_PER_PERSON`` officers per inhabitant,
      clean at the start, corruptible (defaults: integrity 0.7, corruption_rate 0.01);
    - relations: rivals at war with intensity 1 + ``war_scale`` x rival weight, allies
      allied (:func:`model_relations`); every pair fights at the base rate where both are
      present;
    - ``home_share`` and ``war_scale`` default to ``HOME_SHARE`` and ``WAR_SCALE``;
    - parameters: :data:`SPATIAL_PARAMETERS`.
    """
    network = network or read_network()
    states = read_states()
    names = list(states["state"])
    home_share = HOME_SHARE if home_share is None else home_share
    war_scale = WAR_SCALE if war_scale is None else war_scale
    by_state = spatial_members(network, zipf_members(network), names, home_share)
    controller = {}
    for k, state in enumerate(names):
        column = by_state[:, k]
        if column.max() > 0:
            controller[state] = network.name[int(np.argmax(column))]  # first maximum
    return validate({
        "name": "mexico_2012",
        "description": "Mexico 2012-2021: the 150 organizations of Prieto-Curiel et al. "
                       "(2023) in the 32 states, with state police and alliances",
        "simulation": {"start": START, "days": days, "step_days": STEP_DAYS},
        "parameters": {key: value for key, (value, _) in SPATIAL_PARAMETERS.items()},
        "organizations": [{"name": name} for name in network.name],
        "plazas": [{"name": row.state, "population": int(row.population_2020),
                    "lat": float(row.capital_lat), "lon": float(row.capital_lon),
                    "value_per_day": float(round(VALUE_PER_PERSON_DAY * row.population_2020)),
                    "controller": controller.get(row.state, "")}
                   for row in states.itertuples()],
        "cells": [{"organization": network.name[i], "plaza": names[k],
                   "members": int(by_state[i, k])}
                  for i in range(network.n) for k in range(len(names)) if by_state[i, k] > 0],
        "police": [{"plaza": row.state, "kind": "state",
                    "officers": max(1, round(OFFICERS_PER_PERSON * row.population_2020))}
                   for row in states.itertuples()],
        "relations": _relations(network, war_scale),
    }, "mexico_2012")


# --------------------------------------------------------------------------- files

def _value(value) -> str:
    """A TOML value as tomli_w writes it (strings escaped, floats round-tripping)."""
    return tomli_w.dumps({"x": value})[len("x = "):-1]


def _table(header: str, entries: dict, comments: dict | None = None) -> list[str]:
    lines = [header]
    for key, value in entries.items():
        line = f"{key} = {_value(value)}"
        note = (comments or {}).get(key)
        lines.append(f"{line:<44} # {note}" if note else line)
    return lines


def to_toml(scenario: Scenario, header: str, notes: dict[str, str] | None = None,
            row_notes: dict[str, list[str]] | None = None) -> str:
    """The scenario as a TOML file: ``header`` (paragraphs separated by blank lines, reflowed
    as comments), then every section with only the fields that differ from the defaults.
    ``notes`` comments a parameter; ``row_notes[section]`` puts a comment line above each
    entry of a list section. The text depends only on its inputs (byte-reproducible)."""
    data = scenario.model_dump(mode="python", exclude_defaults=True)
    paragraphs = [textwrap.fill(" ".join(p.split()), width=88) for p in header.split("\n\n")]
    lines = [f"# {line}".rstrip() for line in "\n\n".join(paragraphs).splitlines()]
    lines += ["", f"name = {_value(data['name'])}",
              f"description = {_value(data['description'])}", ""]
    lines += _table("[simulation]", data["simulation"]) + [""]
    lines += _table("[parameters]", data.get("parameters", {}), notes) + [""]
    for section in ("organizations", "plazas", "cells", "police", "relations"):
        notes_here = (row_notes or {}).get(section)
        for i, entry in enumerate(data.get(section, [])):
            if notes_here:
                lines.append(f"# {notes_here[i]}")
            lines += _table(f"[[{section}]]", entry) + [""]
    return "\n".join(lines).rstrip() + "\n"


HEADER_COMMON = """\
Generated by `python -m sim.national build` from scenarios/data/mexico_2020/ and
scenarios/data/mexico_states_2020.csv (provenance: scenarios/data/README.md). Do not edit:
change sim/national.py and rebuild (tests/test_national.py checks the bytes).

Organizations: the 150 of BACRIM2020_Nodes.csv (the `Group` names), compiled from open
sources by CentroGeo, GeoInt and DataLab (CONACYT) and published with Prieto-Curiel,
Campedelli & Hope, Science 381:1312 (2023), data doi:10.5061/dryad.zw3r228d7. Members in
2012: 115,000 spread by Zipf's law (exponent 1) over the ranks of network strength (the sum
of rival and alliance weights; ties by Node id), as in the paper. Relations: the rival and
alliance edges symmetrised (elementwise maximum); rivals at war, allies allied; the five
pairs listed as both keep the relation with the larger weight, ties to the alliance (all
five become alliances); the 36 organizations without relations are neutral to all.
Weekly steps from 2012-01-01 for 10 years."""


def _organization_notes(network: Network) -> list[str]:
    ranks, members = zipf_ranks(network.strength), zipf_members(network)
    return [f"{network.node[i]}, home {network.home[i]}: strength {network.strength[i]:g}, "
            f"Zipf rank {ranks[i]}, {members[i]} members in 2012" for i in range(network.n)]


def mean_field_toml(network: Network | None = None) -> str:
    network = network or read_network()
    header = HEADER_COMMON + """

The mean-field configuration (docs/model.md §9, "Reduction to the national model"): every
organization in one plaza, one cell each, no police, no controller (so no attacks, bribes
or revenue), no grievance or kidnappings, aggression 0, and the paper's fitted rates per
day: recruit_rate = rho / 7, national_arrests_per_day = eta / 7, saturation_rate =
omega / 7, clash_rate * lethality = theta / 7 (rho = 2.527e-3, eta = 110, theta =
1.549e-8, omega = 4e-8 per week). Rivals fight with intensity rival weight + 1 (the
numerator of the paper's K), every other pair too (neutral and ally conflict factors 1),
and losses are divided by 1 + the sum of alliance weights (ally_shielding 1, each alliance's
weight as its intensity): in expectation the paper's ODE with
K_ij = (rival_ij + 1) / (alliance weights_i + 1)."""
    notes = {"recruit_rate": "rho / 7", "national_arrests_per_day": "eta / 7",
             "saturation_rate": "omega / 7", "clash_rate": "theta / 7 / lethality",
             "lethality": "small: x << 1 in docs/model.md §9"}
    return to_toml(mean_field_scenario(network), header, notes,
                   {"organizations": _organization_notes(network)})


def spatial_toml(network: Network | None = None) -> str:
    network = network or read_network()
    header = HEADER_COMMON + f"""

The spatial scenario (docs/model.md §10.1, "The national scenario"). Plazas: the 32 states
with their 2020 census populations (INEGI) and their capitals' coordinates; value
{VALUE_PER_PERSON_DAY:g} pesos per inhabitant per day (assumed: it only pays police); no
routes. Cells: {HOME_SHARE:.0%} of an organization's members in its home state (assumed),
the rest in the home states of its rivals and allies, in proportion to the relation
weights. A state's controller is the organization with the most members there. One state
police unit per state, one officer per {1 / OFFICERS_PER_PERSON:,.0f} inhabitants
(assumed), clean at the start and corruptible (default integrity and rates). Rivals fight
with intensity 1 + {WAR_SCALE:g} x rival weight (calibrated), every other pair at the base
rate. Values marked "calibrated" were set so that the mean of 20 seeds follows the ODE
(the paper's construction) within 10% in every year 2012-2021, in national members and
member deaths (tests/test_national.py)."""
    notes = {key: note for key, (_, note) in SPATIAL_PARAMETERS.items()}
    return to_toml(spatial_scenario(network), header, notes,
                   {"organizations": _organization_notes(network)})


GENERATED = {"mexico_2012_mean_field.toml": mean_field_toml, "mexico_2012.toml": spatial_toml}
"""The files ``build`` writes, and the function that makes each one's text."""


def build(out: Path = SCENARIO_DIR) -> list[Path]:
    """Write the generated scenario files into ``out``; returns their paths."""
    network = read_network()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in GENERATED.items():
        path = out / name
        path.write_bytes(make(network).encode("utf-8"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sim.national",
        description="Build the national Mexico scenarios from scenarios/data/mexico_2020/.")
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("build", help="write mexico_2012.toml and mexico_2012_mean_field.toml")
    cmd.add_argument("--out", type=Path, default=SCENARIO_DIR,
                     help="folder to write into (default: scenarios/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"wrote {path}")


# --------------------------------------------------------------------------- figures

MEMBER_DEATH_TYPES = ("clash", "assassination", "kidnap_murder")
"""Homicides whose victims are members ("member deaths", the paper's conflict term): the
lethal types with an organization as victim. Saturation losses are desertions, not deaths;
arrests are incapacitation."""


def steps(days: int) -> int:
    """Weekly steps that simulate ``days`` days: ceil(days / 7)."""
    return math.ceil(days / STEP_DAYS)


def weekly(results) -> pd.DataFrame:
    """One row per step of a run (:class:`sim.Results`): ``date``, national ``members`` at
    the end of the step, ``member_deaths``, ``arrests``, ``homicides`` (every lethal type),
    ``conflict_homicides`` (every lethal type but ``background``) and ``collateral``
    during it."""
    members = results.organizations.groupby("step")["members"].sum()
    v = results.violence
    organizations = set(results.organizations["organization"].astype(str))
    is_member = v["victim"].astype(str).isin(organizations)
    counts = {
        "member_deaths": v[v["type"].isin(MEMBER_DEATH_TYPES) & is_member],
        "arrests": v[v["type"] == "arrest"],
        "homicides": v[v["lethal"]],
        "conflict_homicides": v[v["lethal"] & (v["type"] != "background")],
        "collateral": v[v["type"] == "collateral"],
    }
    out = pd.DataFrame({"members": members})
    for name, rows in counts.items():
        out[name] = rows.groupby("step")["count"].sum().reindex(out.index, fill_value=0)
    start = dt.date.fromisoformat(results.meta["start"])
    step_days = results.meta["step_days"]
    out.insert(0, "date", [start + dt.timedelta(days=step_days * int(t)) for t in out.index])
    return out.reset_index(drop=True)


def annual(frame: pd.DataFrame) -> pd.DataFrame:
    """Per calendar year of ``frame["date"]`` (one row per step): ``members`` of the year's
    last step, every other numeric column summed over the year's steps. Steps are binned
    by the date they start on, so a year has 52 or 53 weekly steps (2012 has 53)."""
    years = pd.Series([d.year for d in frame["date"]], index=frame.index, name="year")
    numeric = frame.drop(columns="date")
    out = numeric.groupby(years).sum()
    if "members" in numeric:
        out["members"] = numeric["members"].groupby(years).last()
    out.insert(0, "weeks", years.value_counts().sort_index())
    return out


if __name__ == "__main__":
    main()
