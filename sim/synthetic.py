"""Synthetic countries: valid scenarios of any size, for benchmarks and scaling studies.

``world(2500, 150, 20_000, 175_000, seed=0)`` is a Mexico-sized country: plazas on a grid
linked to their four neighbours, organizations of Zipf-distributed size that each hold a
compact territory around a home plaza, wars and alliances between organizations whose
territories touch (as many per organization as in Mexico's 2020 network), one municipal
police unit per plaza; cells are listed plaza by plaza. Nothing in it is calibrated; it is
built so that every mechanism of the model has work to do.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from .scenario import Scenario

# The calibrated rates of scenarios/bcs_2014.toml, with hiring and reinforcement switched on.
PARAMETERS = {
    "clash_rate": 0.0002, "attack_multiplier": 12.0, "attack_threshold": 0.75,
    "lethality": 0.025, "assassination_rate": 0.02, "kidnap_rate": 0.0002,
    "arrest_rate": 0.0002, "recruit_rate": 0.001, "recruit_cost": 2000.0,
    "max_member_share": 0.005, "grievance_weight": 0.1, "corruption_rate": 0.02,
    "bribe_per_officer_day": 100.0, "hire_rate": 0.002, "move_rate": 0.01,
}


def world(n_plazas: int, n_organizations: int, n_cells: int, n_members: int, seed: int = 0,
          *, days: int = 3650, step_days: float = 1.0) -> Scenario:
    """A random but reproducible scenario of the given size (same arguments, same scenario).

    Args:
        n_plazas: plazas, laid on a near-square grid; each links to its grid neighbours.
        n_organizations: organizations; sizes follow Zipf's law (exponent 1) by rank.
        n_cells: cells in all, at least one per organization, shared out by size.
        n_members: members in all, at least one per cell, shared out by cell.
        seed: seed of the layout (not of the simulation).
        days, step_days: the simulated period, from 2012-01-01.
    """
    if not 1 <= n_organizations <= n_cells <= n_members or n_plazas < 1:
        raise ValueError("need 1 <= n_organizations <= n_cells <= n_members and n_plazas >= 1")
    rng = np.random.default_rng(seed)
    side = math.ceil(math.sqrt(n_plazas))
    xy = np.array([(i % side, i // side) for i in range(n_plazas)], dtype=float)
    population = np.maximum(1000, rng.lognormal(math.log(20_000), 1.0, n_plazas)).astype(int)

    zipf = 1.0 / np.arange(1, n_organizations + 1)
    share = zipf / zipf.sum()
    cells_of = 1 + _apportion(n_cells - n_organizations, share)
    home = rng.choice(n_plazas, size=n_organizations, replace=n_organizations > n_plazas)

    # each organization's cells sit in the plazas nearest its home, nearest first
    cell_org = np.repeat(np.arange(n_organizations), cells_of)
    cell_plaza = np.empty(n_cells, dtype=int)
    start = 0
    for o, k in enumerate(cells_of):
        distance = np.hypot(*(xy - xy[home[o]]).T) + rng.uniform(0, 0.5, n_plazas)
        nearest = np.argsort(distance, kind="stable")
        cell_plaza[start:start + k] = nearest[np.arange(k) % n_plazas]
        start += k
    members = 1 + _apportion(n_members - n_cells, share[cell_org] / cells_of[cell_org])
    by_plaza = np.lexsort((cell_org, cell_plaza))  # a plaza's cells next to each other
    cell_org, cell_plaza, members = cell_org[by_plaza], cell_plaza[by_plaza], members[by_plaza]

    present: list[set[int]] = [set() for _ in range(n_plazas)]
    for o, p in zip(cell_org, cell_plaza):
        present[p].add(int(o))
    strength = np.zeros((n_plazas, n_organizations))
    np.add.at(strength, (cell_plaza, cell_org), members)
    controller = np.where(strength.max(axis=1) > 0, strength.argmax(axis=1), -1)

    names = [f"Org{o + 1:03d}" for o in range(n_organizations)]
    relations = _relations(present, n_organizations, rng)
    return Scenario.model_validate({
        "name": f"synthetic_{n_plazas}p_{n_organizations}o_{n_cells}c",
        "description": f"synthetic country from sim.synthetic.world(..., seed={seed})",
        "simulation": {"start": dt.date(2012, 1, 1), "days": days, "step_days": step_days,
                       "spare_cells": 128},
        "parameters": PARAMETERS,
        "organizations": [{"name": n, "treasury": 1e6 * share[o] * n_organizations,
                           "aggression": round(float(rng.uniform(0.1, 0.5)), 3)}
                          for o, n in enumerate(names)],
        "plazas": [{"name": f"P{p:05d}", "population": int(population[p]),
                    "value_per_day": round(population[p] * 0.5, 2),
                    "neighbours": [f"P{q:05d}" for q in _grid_links(p, side, n_plazas)],
                    "controller": names[controller[p]] if controller[p] >= 0 else ""}
                   for p in range(n_plazas)],
        "cells": [{"organization": names[o], "plaza": f"P{p:05d}", "members": int(m),
                   "name": f"c{c}", "loyalty": round(float(rng.uniform(0.4, 0.95)), 3)}
                  for c, (o, p, m) in enumerate(zip(cell_org, cell_plaza, members))],
        "police": [{"plaza": f"P{p:05d}", "kind": "municipal",
                    "officers": int(max(5, population[p] // 2000)),
                    "integrity": round(float(rng.uniform(0.4, 0.9)), 3)}
                   for p in range(n_plazas)],
        "relations": [{"between": [names[a], names[b]], "state": state}
                      for (a, b), state in relations.items()],
    })


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainders)."""
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(np.int64)
    short = total - int(parts.sum())
    parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return parts


def _grid_links(p: int, side: int, n: int) -> list[int]:
    """Right and lower grid neighbours of plaza p (links are symmetric)."""
    out = []
    if (p + 1) % side and p + 1 < n:
        out.append(p + 1)
    if p + side < n:
        out.append(p + side)
    return out


def _relations(present: list[set[int]], n_org: int, rng) -> dict[tuple[int, int], str]:
    """Wars and alliances between organizations that share a plaza: 92 of each per 150
    organizations, as in the 2020 Mexican network (92 rival and 91 allied pairs among 150
    organizations: Prieto-Curiel et al. 2023, scenarios/data/mexico_2020)."""
    meet = sorted({(a, b) for orgs in present for a in orgs for b in orgs if a < b})
    n_each = min(round(n_org * 92 / 150), len(meet) // 2)
    chosen = rng.choice(len(meet), size=2 * n_each, replace=False)
    return {meet[i]: "war" if j < n_each else "ally" for j, i in enumerate(chosen)}
