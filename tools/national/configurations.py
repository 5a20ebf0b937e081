"""The two configurations of the agent model built on the national network: the mean-field
scenario (the paper's ODE in one plaza) and the spatial scenario (the 32 states)."""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario, validate

from .geography import (
    background_rates,
    neighbours,
    placed_members,
    read_borders,
    read_presence,
    read_state_homicides,
)
from .network import (
    DAYS_10_YEARS,
    ETA_WEEK,
    OMEGA_WEEK,
    RHO_WEEK,
    START,
    STEP_DAYS,
    THETA_WEEK,
    Network,
    model_relations,
    read_network,
    read_states,
    zipf_members,
)


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
# the ODE's national members and member deaths within 10% in every year 2012-2021, and the
# background share so that 10 seeds match INEGI's national homicides of 2012-2013 (the only
# years fitted; benchmarks/national_states.py).
BACKGROUND_SHARE = 0.845    # calibrated: background = this share of a state's 2012-13 homicides
WAR_SCALE = 0.05            # calibrated: intensity at war = 1 + WAR_SCALE * rival weight
OFFICERS_PER_PERSON = 1 / 2000   # assumed: state police officers per inhabitant
VALUE_PER_PERSON_DAY = 0.1  # assumed: plaza value, pesos per inhabitant per day
# Rows for cells hired during a run. Not a model parameter: it only has to be large enough
# that no hire is ever skipped for want of a free row (sim/mechanisms/decisions.py). With
# 4,000 spare rows, seeds 0-9 of mexico_2012_to_2032 peak at 676-683 active cells over
# 2012-2031 (69-76 hires on the 607 initial cells); 160 leaves twice that margin. The
# default (64) capped seed 0 at 671 cells from 2013 on.
SPARE_CELLS = 160
SPATIAL_PARAMETERS: dict[str, tuple[float, str]] = {
    "recruit_rate": (4.2e-4, "calibrated (the paper's rho / 7 is 3.61e-4)"),
    "max_member_share": (0.02, "assumed: recruitment slows as a state's members near 2%"),
    "saturation_rate": (_per_day(OMEGA_WEEK), "the paper's omega / 7"),
    "national_arrests_per_day": (_per_day(ETA_WEEK), "the paper's eta / 7"),
    "arrest_rate": (5e-7, "assumed: state police add about 10% to the paper's arrests"),
    "clash_rate": (2.7e-5, "calibrated"),
    "attack_threshold": (3.0, "calibrated: few attacks, so 2012 has no burst from the start"),
    "hire_rate": (0.01, "calibrated: hiring into neighbouring enemy states (default cost)"),
    "move_rate": (0.001, "calibrated: members sent to attacks in neighbouring states"),
    "lethality": (1e-3, "assumed: small, so a clash is a small event (docs/model.md §9)"),
    "neutral_conflict_factor": (1.0, "the paper: every pair fights at a base rate"),
    "ally_conflict_factor": (1.0, "the paper: allies too"),
    "ally_shielding": (1.0, "the paper: losses divided by 1 + allies"),
    "kidnap_rate": (5e-7, "calibrated"),
    "grievance_weight": (0.001, "assumed: 100 deaths in a half-life raise a pair's rates 10%"),
    "collateral_per_clash": (0.0, "bystanders are in the background rate at this scale"),
}


def spatial_scenario(network: Network | None = None, days: int = DAYS_10_YEARS,
                     war_scale: float | None = None, background_share: float | None = None
                     ) -> Scenario:
    """``mexico_2012``: the 150 organizations in the 32 states, with police and alliances.

    - plazas: the 32 states with their 2020 populations and capitals' coordinates, value
      ``VALUE_PER_PERSON_DAY`` per inhabitant, neighbours by land border
      (:func:`national.geography.neighbours`), background homicides at
      ``background_share`` of the state's recorded 2012-2013 homicides
      (:func:`national.geography.background_rates`); the controller is the organization
      with the most members in the state at the start (ties: the earlier row), or nobody
      where no cell is;
    - cells: one per organization and state where
      :func:`national.geography.placed_members` puts members (cited presence for the
      large organizations, the documented rule for the others);
    - police: one state unit per state, ``OFFICERS_PER_PERSON`` officers per inhabitant,
      clean at the start, corruptible (defaults: integrity 0.7, corruption_rate 0.01);
    - relations: rivals at war with intensity 1 + ``war_scale`` x rival weight, allies
      allied (:func:`model_relations`); every pair fights at the base rate where both are
      present;
    - ``war_scale`` and ``background_share`` default to ``WAR_SCALE`` and
      ``BACKGROUND_SHARE``;
    - parameters: :data:`SPATIAL_PARAMETERS`;
    - ``SPARE_CELLS`` spare cell rows, so that hiring is never capped over 2012-2031.
    """
    network = network or read_network()
    states = read_states()
    names = list(states["state"])
    war_scale = WAR_SCALE if war_scale is None else war_scale
    background_share = BACKGROUND_SHARE if background_share is None else background_share
    by_state = placed_members(network, zipf_members(network), states, read_presence())
    links = neighbours(names, read_borders())
    background = background_rates(states, read_state_homicides(), background_share)
    controller = {}
    for k, state in enumerate(names):
        column = by_state[:, k]
        if column.max() > 0:
            controller[state] = network.name[int(np.argmax(column))]  # first maximum
    return validate({
        "name": "mexico_2012",
        "description": "Mexico 2012-2021: the 150 organizations of Prieto-Curiel et al. "
                       "(2023) in the 32 states, with state police and alliances",
        "simulation": {"start": START, "days": days, "step_days": STEP_DAYS,
                       "spare_cells": SPARE_CELLS},
        "parameters": {key: value for key, (value, _) in SPATIAL_PARAMETERS.items()},
        "organizations": [{"name": name} for name in network.name],
        "plazas": [{"name": row.state, "population": int(row.population_2020),
                    "lat": float(row.capital_lat), "lon": float(row.capital_lon),
                    "value_per_day": float(round(VALUE_PER_PERSON_DAY * row.population_2020)),
                    "controller": controller.get(row.state, ""),
                    "neighbours": links[row.state],
                    "background_homicides_per_100k_year": float(background[k])}
                   for k, row in enumerate(states.itertuples())],
        "cells": [{"organization": network.name[i], "plaza": names[k],
                   "members": int(by_state[i, k])}
                  for i in range(network.n) for k in range(len(names)) if by_state[i, k] > 0],
        "police": [{"plaza": row.state, "kind": "state",
                    "officers": max(1, round(OFFICERS_PER_PERSON * row.population_2020))}
                   for row in states.itertuples()],
        "relations": _relations(network, war_scale),
    }, "mexico_2012")
