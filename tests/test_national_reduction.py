"""The national model (Prieto-Curiel, Campedelli & Hope, Science 2023) as a special case.

With every organization in one plaza, no police, no money, no corruption, no grievance
feedback and no attacks (the paper's rates are constant), the model's
expected dynamics follow, per organization i,
    dC_i/dt = rho C_i - eta C_i / sum(C) - theta C_i sum_j K_ij C_j - omega C_i^2
with rho = recruit_rate, eta = national_arrests_per_day, omega = saturation_rate,
theta = clash_rate * lethality and K_ij the hostility factor (relation intensity at war,
neutral_conflict_factor otherwise). docs/model.md, "Reduction to the national model".
"""

from __future__ import annotations

import numpy as np

import sim
from sim.scenario import Scenario

WEEKS = 52
RHO, ETA, THETA, OMEGA = 0.02 / 7, 40.0 / 7, 4e-6 / 7, 2e-6 / 7  # per day
LETHALITY = 1e-3
SIZES = {"A": 6000, "B": 4000, "C": 2000}
WAR_INTENSITY = 2.0  # A and B are rivals (the paper's K = rival weight + 1)


def national_scenario() -> Scenario:
    return Scenario.model_validate({
        "name": "national_reduction",
        "simulation": {"start": "2012-01-01", "days": 7 * WEEKS, "step_days": 7},
        "parameters": {
            "background_homicides_per_100k_year": 0.0,
            "recruit_rate": RHO, "national_arrests_per_day": ETA, "saturation_rate": OMEGA,
            "clash_rate": THETA / LETHALITY, "lethality": LETHALITY,
            "neutral_conflict_factor": 1.0, "kidnap_rate": 0.0, "max_member_share": 1.0,
            "grievance_weight": 0.0, "collateral_per_clash": 0.0, "attack_threshold": 1e9,
        },
        "organizations": [{"name": n, "aggression": 0.0} for n in SIZES],
        "plazas": [{"name": "Mexico", "population": 100_000_000}],
        "cells": [{"organization": n, "plaza": "Mexico", "members": m} for n, m in SIZES.items()],
        "relations": [{"between": ["A", "B"], "state": "war", "intensity": WAR_INTENSITY}],
    })


def ode_members() -> np.ndarray:
    """Members per organization after WEEKS weeks, forward Euler with daily steps."""
    c = np.array(list(SIZES.values()), dtype=float)
    k = np.ones((3, 3)) - np.eye(3)
    k[0, 1] = k[1, 0] = WAR_INTENSITY
    for _ in range(7 * WEEKS):
        c = c + RHO * c - ETA * c / c.sum() - THETA * c * (k @ c) - OMEGA * c**2
    return c


def test_mean_members_follow_the_national_ode():
    scenario = national_scenario()
    runs = sim.run_many(scenario, seeds=range(30))
    final = np.array([
        r.organizations[r.organizations["step"] == WEEKS - 1].set_index("organization")
        .loc[list(SIZES), "members"].to_numpy() for r in runs
    ])
    expected = ode_members()
    start = np.array(list(SIZES.values()))
    assert np.all(np.abs(expected - start) > 0.1 * start)  # the dynamics matter here
    np.testing.assert_allclose(final.mean(axis=0), expected, rtol=0.03)
