"""Sweep designs (sim.designs): counted sizes equal built sizes, grids span their bounds,
LHS and Sobol fill every stratum reproducibly by seed, Saltelli and Morris sizes, integer
fields get integers, a too-large grid is refused before it is built."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from pandas.testing import assert_frame_equal
from sweep_files import CLASH, MEMBERS, small

import sim
from sim.designs import design_points, design_size
from sim.scenario import ScenarioError
from sim.sweep import SweepSpec, plan

# `sim.sweep` is the function (sim/__init__ re-exports it); the module is needed to patch it
sweep_module = importlib.import_module("sim.sweep")


def design_of(design: str, n: int, parameters: dict | None = None, seed: int = 0):
    parameters = parameters or {CLASH: (0.0001, 0.0004), "police[kind=state].integrity":
                                (0.2, 0.9), "plazas[name=La Paz].population": (1e5, 3e5)}
    spec = SweepSpec(scenario="unused.toml", parameters=parameters, design=design, n=n,
                     seed=seed)
    return spec, design_points(spec)


def within_bounds(spec: SweepSpec, design: pd.DataFrame) -> bool:
    return all(design[p].between(lo, hi).all() for p, (lo, hi) in spec.parameters.items())


@pytest.mark.parametrize(("design", "n"), [("grid", 3), ("lhs", 7), ("sobol", 8),
                                           ("saltelli", 8), ("morris", 5)])
def test_the_counted_size_of_a_design_is_its_built_size(design, n):
    spec, built = design_of(design, n)
    assert design_size(spec) == len(built)
    points = SweepSpec(scenario="unused.toml", design="points", points=[{CLASH: 0.001}] * 3)
    assert design_size(points) == len(design_points(points)) == 3


def test_a_grid_too_large_is_refused_from_its_counts_before_it_is_built(monkeypatch):
    """10**12 points: building them first would take the machine's memory and hours."""
    def never(spec):
        raise AssertionError("the design was built")

    monkeypatch.setattr(sweep_module, "design_points", never)
    spec = small(design="grid", n=1000, replicates=1, parameters={
        CLASH: (0.001, 0.004), MEMBERS: (10, 40), "cells[1].members": (10, 40),
        "parameters.kidnap_rate": (0.0, 0.001)})
    with pytest.raises(ScenarioError, match="sweep of 1,000,000,000,000 points x 1 replicates"):
        plan(spec)


def test_a_grid_has_n_to_the_k_points_spanning_the_bounds():
    spec, design = design_of("grid", 4)
    paths = list(spec.parameters)
    assert len(design) == 4 ** 3 and design["point"].tolist() == list(range(64))
    assert not design.duplicated(paths).any()  # every combination, once
    for path, (lo, hi) in spec.parameters.items():
        levels = np.sort(design[path].unique())
        assert levels == pytest.approx(np.linspace(lo, hi, 4), rel=1e-12)
        assert (design[path].value_counts() == 16).all()
    assert within_bounds(spec, design)


def test_grid_levels_are_exactly_the_bounds():
    spec, design = design_of("grid", 3)
    for path, (lo, hi) in spec.parameters.items():
        assert design[path].min() == lo and design[path].max() == hi, path


@pytest.mark.parametrize("kind", ["lhs", "sobol"])
def test_lhs_and_sobol_have_n_points_within_bounds_reproducible_by_seed(kind):
    spec, design = design_of(kind, 16, seed=3)
    assert len(design) == 16 and design["point"].tolist() == list(range(16))
    assert within_bounds(spec, design)
    assert_frame_equal(design_of(kind, 16, seed=3)[1], design)
    assert not design_of(kind, 16, seed=4)[1].equals(design)
    for path, (lo, hi) in spec.parameters.items():  # both fill the range: one per stratum
        strata = np.floor((design[path] - lo) / (hi - lo) * 16).astype(int)
        assert sorted(strata) == list(range(16)), path


def test_saltelli_and_morris_sizes():
    for k in (1, 2, 3):
        parameters = dict(list(design_of("lhs", 2)[0].parameters.items())[:k])
        spec, design = design_of("saltelli", 8, parameters)
        assert len(design) == 8 * (k + 2) and within_bounds(spec, design)
        spec, design = design_of("morris", 5, parameters)
        assert len(design) == 5 * (k + 1) and within_bounds(spec, design)
        assert_frame_equal(design_of("morris", 5, parameters)[1], design)


def test_integer_fields_get_integer_values():
    spec = small(n=16, parameters={MEMBERS: (10, 40), "plazas[name=Ciudad Sur].population":
                                   (20_000, 80_000), CLASH: (0.001, 0.004)})
    _, design, _ = plan(spec)
    for path, (lo, hi) in spec.parameters.items():
        assert design[path].between(lo, hi).all()
    assert design[MEMBERS].dtype == np.int64
    assert design["plazas[name=Ciudad Sur].population"].dtype == np.int64
    assert design[MEMBERS].nunique() > 8  # rounded, not collapsed
    assert design[CLASH].dtype == np.float64 and design[CLASH].nunique() == 16
    grid = plan(small(design="grid", n=4, parameters={MEMBERS: (10, 40)}))[1]
    assert grid[MEMBERS].tolist() == [10, 20, 30, 40]


def test_the_shipped_sobol_sweep_plans_as_its_comment_says():
    spec = SweepSpec.from_toml(ROOT / "sweeps" / "bcs_sobol.toml")
    assert Path(spec.scenario) == (ROOT / "scenarios" / "bcs_2014.toml").resolve()
    scenario, design, seeds = plan(spec)
    assert scenario.name == sim.load_scenario(ROOT / "scenarios" / "bcs_2014.toml").name
    assert len(design) * len(seeds) == 1280 and len(design) == 128  # n (k + 2) x 10
