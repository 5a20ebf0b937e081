"""Sensitivity indices of a sweep (sim.sensitivity, DESIGN §6), checked against toy models
whose indices are known analytically. No cartel model runs here: the runs table is built by
hand from the sweep's own design (``sim.designs.design_points``), with a metric computed as
a known function of the parameters, and carries the spec in ``attrs`` as a real sweep does.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.designs import design_points
from sim.sweep import SweepError, SweepSpec

X = ["parameters.x1", "parameters.x2", "parameters.x3"]  # design_points never reads the scenario


def spec_for(design: str, n: int, bounds: dict, seed: int = 3, replicates: int = 2) -> SweepSpec:
    return SweepSpec(scenario="toy.toml", parameters=bounds, design=design, n=n,
                     replicates=replicates, seed=seed)


def runs_table(spec: SweepSpec, f, noise=None, metric: str = "homicides_total") -> pd.DataFrame:
    """A runs table shaped like sim.sweep's: one row per (point, replicate); the metric is
    f(parameters) plus ``noise(replicate_index, n_points)`` if given."""
    design = design_points(spec)
    reps = spec.replicates
    table = design.loc[design.index.repeat(reps)].reset_index(drop=True)
    table.insert(0, "replicate", np.tile(np.arange(reps), len(design)))
    table.insert(0, "seed", np.tile(np.arange(100, 100 + reps), len(design)))
    table.insert(0, "run", np.arange(len(table)))
    y = f(table[spec.paths].to_numpy(dtype=float))
    if noise is not None:
        y = y + noise(table["replicate"].to_numpy(), len(table))
    table[metric] = y
    table["other_metric"] = 0.0
    table.attrs["sweep"] = {"spec": spec.model_dump(mode="json"), "version": "test"}
    return table


def indices(result: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    return {(r.parameter, r.index): (r.value, r.conf) for r in result.itertuples()}


# ------------------------------------------------------------------------------- Sobol
A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices() -> dict[tuple[str, str], float]:
    """Analytic first-order and total indices of the Ishigami function on [-pi, pi]^3."""
    v1 = 0.5 * (1 + B * math.pi ** 4 / 5) ** 2
    v2 = A ** 2 / 8
    v13 = B ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = [v1 / v, v2 / v, 0.0]
    st = [(v1 + v13) / v, v2 / v, v13 / v]
    return {**{(p, "S1"): s for p, s in zip(X, s1)}, **{(p, "ST"): s for p, s in zip(X, st)}}


def test_sobol_indices_of_the_ishigami_function_match_the_analytic_values():
    known = ishigami_indices()
    assert known[(X[0], "S1")] == pytest.approx(0.314, abs=1e-3)  # the textbook figures
    assert known[(X[2], "ST")] == pytest.approx(0.244, abs=1e-3)
    spec = spec_for("saltelli", 2048, {p: (-math.pi, math.pi) for p in X})
    table = runs_table(spec, ishigami)
    assert len(table) == 2048 * (3 + 2) * spec.replicates

    result = sim.sensitivity(table, "homicides_total", seed=1)  # seed: the bootstrap's
    assert sorted(result["index"].unique()) == ["S1", "ST"]
    assert set(result["parameter"]) == set(X)
    got = indices(result)
    for key, true in known.items():
        value, conf = got[key]
        # the 95% bootstrap half-width holds the true value, and is narrow enough to mean
        # something at n = 2048 (the estimator's error shrinks like 1/sqrt(n))
        assert abs(value - true) <= conf, (key, value, conf, true)
        assert 0 < conf < 0.1, (key, conf)
    # x3 acts only through its interaction with x1: no first-order effect, a total one
    assert got[(X[2], "ST")][0] - got[(X[2], "S1")][0] > 0.15


def linear(a):
    return lambda x: x @ np.asarray(a, dtype=float)


def linear_indices(a, bounds) -> list[float]:
    """S_i = a_i^2 var_i / sum_j a_j^2 var_j for independent uniform inputs (S1 = ST)."""
    part = [ai ** 2 * (hi - lo) ** 2 / 12 for ai, (lo, hi) in zip(a, bounds)]
    return [p / sum(part) for p in part]


def test_sobol_indices_of_a_linear_model_with_replicate_noise():
    a, bounds = [3.0, -1.0, 0.0], [(0.0, 1.0), (0.0, 2.0), (5.0, 9.0)]
    known = linear_indices(a, bounds)  # 0.692, 0.308, 0
    spec = spec_for("saltelli", 1024, dict(zip(X, bounds)), replicates=4)
    rng = np.random.default_rng(0)
    sd = 0.05  # independent noise per run, small next to the spread of y (sd 1.04)
    table = runs_table(spec, linear(a), noise=lambda r, size: rng.normal(0, sd, size))
    # the replicate means keep a noise of variance sd^2 / 4, which the total-effect estimator
    # (Jansen: mean of (y_A - y_AB)^2 / 2V) adds to every ST, a share of the variance:
    noise_share = sd ** 2 / spec.replicates / (9 / 12 + 4 / 12)
    got = indices(sim.sensitivity(table, "homicides_total", seed=1))
    for p, true in zip(X, known):
        for index in ("S1", "ST"):
            value, conf = got[(p, index)]
            assert abs(value - true) <= conf + noise_share, (p, index, value, conf, true)
            assert conf < 0.1


def test_indices_are_computed_on_the_replicate_means_at_each_point():
    """Noise that cancels over the replicates of each point leaves the indices unchanged,
    and the order of the rows does not matter (points are matched by their id)."""
    a, bounds = [2.0, 1.0, 0.5], [(0.0, 1.0)] * 3
    spec = spec_for("saltelli", 256, dict(zip(X, bounds)), replicates=2)
    exact = sim.sensitivity(runs_table(spec, linear(a)), "homicides_total", seed=5)
    noisy = runs_table(spec, linear(a), noise=lambda r, size: np.where(r == 0, 5.0, -5.0))
    assert noisy["homicides_total"].std() > 3  # the single runs are far from f(x)
    pd.testing.assert_frame_equal(sim.sensitivity(noisy, "homicides_total", seed=5), exact)

    shuffled = noisy.sample(frac=1.0, random_state=1)
    shuffled.attrs = noisy.attrs
    pd.testing.assert_frame_equal(sim.sensitivity(shuffled, "homicides_total", seed=5), exact)


def test_the_same_table_gives_the_same_indices_with_the_default_seed():
    spec = spec_for("saltelli", 256, {p: (-math.pi, math.pi) for p in X})
    table = runs_table(spec, ishigami)
    pd.testing.assert_frame_equal(sim.sensitivity(table, "homicides_total"),
                                  sim.sensitivity(table, "homicides_total"))


# ------------------------------------------------------------------------------ Morris
def test_morris_separates_a_strong_parameter_from_one_without_effect():
    bounds = [(0.0, 2.0), (10.0, 20.0), (-1.0, 1.0)]
    spec = spec_for("morris", 20, dict(zip(X, bounds)))
    table = runs_table(spec, lambda x: 5.0 * x[:, 0] + 0.0 * x[:, 1] + x[:, 2] ** 2)
    assert table["point"].nunique() == 20 * (3 + 1)

    result = sim.sensitivity(table, "homicides_total")
    assert sorted(result["index"].unique()) == ["mu_star", "sigma"]
    got = indices(result)
    # elementary effects are per unit of the normalised range: 5 * (2 - 0) for x1, every one
    # alike (linear, so no spread); x2 does nothing
    assert got[(X[0], "mu_star")][0] == pytest.approx(10.0)
    assert got[(X[0], "sigma")][0] == pytest.approx(0.0, abs=1e-9)
    assert got[(X[1], "mu_star")][0] == pytest.approx(0.0, abs=1e-9)
    assert got[(X[1], "mu_star")][1] == pytest.approx(0.0, abs=1e-9)  # its confidence too
    # x3 (a curvature) matters, less than x1, and non-linearly (its effects vary)
    assert 0 < got[(X[2], "mu_star")][0] < got[(X[0], "mu_star")][0]
    assert got[(X[2], "sigma")][0] > 0


# ------------------------------------------------------------------------------ errors
def test_a_design_without_an_analysis_is_refused_naming_the_designs_that_have_one():
    spec = spec_for("lhs", 16, {X[0]: (0.0, 1.0), X[1]: (0.0, 1.0)})
    table = runs_table(spec, linear([1.0, 1.0]))
    with pytest.raises(SweepError, match="lhs") as info:
        sim.sensitivity(table, "homicides_total")
    assert "saltelli" in str(info.value) and "morris" in str(info.value)
    with pytest.raises(SweepError, match="saltelli"):
        sim.sensitivity(table, "homicides_total", method="sobol")


def test_a_method_the_design_does_not_support_is_refused():
    bounds = {X[0]: (0.0, 1.0), X[1]: (0.0, 1.0)}
    saltelli = runs_table(spec_for("saltelli", 16, bounds), linear([1.0, 1.0]))
    with pytest.raises(SweepError, match="morris.*'morris' design.*'saltelli'"):
        sim.sensitivity(saltelli, "homicides_total", method="morris")
    morris = runs_table(spec_for("morris", 4, bounds), linear([1.0, 1.0]))
    with pytest.raises(SweepError, match="sobol.*'saltelli' design.*'morris'"):
        sim.sensitivity(morris, "homicides_total", method="sobol")


def test_an_unknown_method_is_named_in_the_error():
    table = runs_table(spec_for("saltelli", 16, {X[0]: (0.0, 1.0), X[1]: (0.0, 1.0)}),
                       linear([1.0, 1.0]))
    with pytest.raises(SweepError, match="'fast'.*sobol.*morris"):
        sim.sensitivity(table, "homicides_total", method="fast")


def test_an_unknown_metric_is_refused_listing_the_metrics():
    table = runs_table(spec_for("saltelli", 16, {X[0]: (0.0, 1.0), X[1]: (0.0, 1.0)}),
                       linear([1.0, 1.0]))
    with pytest.raises(SweepError, match="homicides_totl") as info:
        sim.sensitivity(table, "homicides_totl")
    message = str(info.value)
    assert "homicides_total" in message and "other_metric" in message
    assert "parameters.x1" not in message and "'seed'" not in message  # not a metric


def test_a_table_without_its_sweep_spec_is_refused():
    table = runs_table(spec_for("saltelli", 16, {X[0]: (0.0, 1.0), X[1]: (0.0, 1.0)}),
                       linear([1.0, 1.0]))
    bare = pd.DataFrame(table.to_dict("list"))  # e.g. rebuilt or read with another tool
    assert not bare.attrs
    with pytest.raises(SweepError, match="load_sweep"):
        sim.sensitivity(bare, "homicides_total")


def test_the_noise_floor_is_the_share_of_variance_the_replicate_seeds_explain():
    """Noise of sd 1 per run, 4 replicates: the means keep a variance of 1/4, against a
    spread of the means of about 1/4 + var(f) (0.083 + 0.333 + 0 for these bounds). Noise
    that a seed adds to every point alike (common random numbers) separates no points."""
    a, bounds = [1.0, 2.0, 0.0], [(0.0, 1.0)] * 3
    spec = spec_for("saltelli", 512, dict(zip(X, bounds)), replicates=4)
    rng = np.random.default_rng(2)
    table = runs_table(spec, linear(a), noise=lambda r, size: rng.normal(0, 1.0, size))
    result = sim.sensitivity(table, "homicides_total")
    expected = 0.25 / (0.25 + 1 / 12 + 4 / 12)
    assert result.attrs["noise_floor"] == pytest.approx(expected, rel=0.1)
    assert result.attrs["replicates"] == 4
    noiseless = sim.sensitivity(runs_table(spec, linear(a)), "homicides_total")
    assert noiseless.attrs["noise_floor"] == 0.0
    common = runs_table(spec, linear(a), noise=lambda r, size: 5.0 * r)  # the same per seed
    assert sim.sensitivity(common, "homicides_total").attrs["noise_floor"] == pytest.approx(0)
    one = spec_for("saltelli", 64, dict(zip(X, bounds)), replicates=1)
    assert math.isnan(sim.sensitivity(runs_table(one, linear(a)), "homicides_total")
                      .attrs["noise_floor"])
