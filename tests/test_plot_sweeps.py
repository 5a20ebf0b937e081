"""Sweep figures (sim.plot): response surfaces of grids and of scattered points, Sobol bars
with their intervals clipped to 0-1 and the noise floor, parameters labelled in words."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from sim import plot  # noqa: E402


def new_ax():
    return Figure(figsize=(6, 4)).add_subplot()


def fake_runs(grid: bool) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    if grid:
        x, y = np.meshgrid([0.1, 0.2, 0.3], [1.0, 2.0])
        x, y = x.ravel(), y.ravel()
    else:
        x, y = rng.uniform(0, 1, 7), rng.uniform(0, 1, 7)
    rows = [{"point": p, "replicate": r, "a": x[p], "b": y[p], "m": 10 * x[p] + y[p] + r}
            for p in range(len(x)) for r in range(3)]
    return pd.DataFrame(rows)


def test_response_surface_of_a_grid_shows_the_replicate_means():
    runs = fake_runs(grid=True)
    ax = plot.plot_response_surface(runs, "a", "b", "m", ax=new_ax())
    mesh = ax.collections[0]
    expected = runs.groupby(["a", "b"])["m"].mean().unstack("a").to_numpy()
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(expected.shape), expected)
    assert {t.get_text() for t in ax.texts} == {f"{v:.3g}" for v in expected.ravel()}
    assert ax.get_xlabel() == "a" and ax.get_ylabel() == "b"
    assert len(ax.figure.axes) == 2  # the colour bar


def test_response_surface_of_scattered_points_colours_each_point():
    ax = plot.plot_response_surface(fake_runs(grid=False), "a", "b", "m", ax=new_ax())
    assert isinstance(ax.collections[0], PathCollection)
    assert len(ax.collections[0].get_offsets()) == 7
    with pytest.raises(ValueError, match="no column 'c'"):
        plot.plot_response_surface(fake_runs(grid=False), "a", "c", "m", ax=new_ax())


def test_sensitivity_bars_are_sorted_with_confidence_intervals():
    indices = pd.DataFrame({"parameter": ["p", "q", "r"] * 2, "index": ["S1"] * 3 + ["ST"] * 3,
                            "value": [0.1, 0.5, 0.2, 0.15, 0.7, 0.3],
                            "conf": [0.02, 0.05, 0.03, 0.02, 0.06, 0.04]})
    ax = plot.plot_sensitivity(indices, ax=new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["p", "r", "q"]  # largest ST on top
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [c.get_label() for c in bars] == ["S1", "ST"]
    assert [p.get_width() for p in bars[1]] == [0.15, 0.3, 0.7]
    assert all(c.errorbar is not None for c in bars)
    morris = pd.DataFrame({"parameter": ["p", "q"] * 2, "index": ["mu_star"] * 2 + ["sigma"] * 2,
                           "value": [3.0, 1.0, 2.0, 0.5], "conf": [0.5, 0.2, np.nan, np.nan]})
    ax = plot.plot_sensitivity(morris, ax=new_ax())
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [c.get_label() for c in bars] == ["mu_star", "sigma"]
    assert bars[0].errorbar is not None and bars[1].errorbar is None  # none for sigma


@pytest.mark.parametrize("path, words", [
    ("parameters.clash_rate", "clash rate"),
    ("police[kind=state].integrity", "integrity of state police"),
    ("organizations[name=CJNG].members", "members of CJNG"),
    ("simulation.step_days", "step days"),
])
def test_parameters_are_labelled_in_words(path, words):
    assert plot.parameter_label(path) == words


def test_sweep_figures_label_the_parameters_in_words():
    runs = fake_runs(grid=True).rename(columns={"a": "parameters.clash_rate",
                                                "b": "police[kind=state].integrity"})
    ax = plot.plot_response_surface(runs, "parameters.clash_rate",
                                    "police[kind=state].integrity", "m", ax=new_ax())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("clash rate", "integrity of state police")
    indices = pd.DataFrame({"parameter": ["parameters.clash_rate"] * 2, "index": ["S1", "ST"],
                            "value": [0.5, 0.6], "conf": [0.1, 0.1]})
    ax = plot.plot_sensitivity(indices, ax=new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["clash rate"]


def error_bar_ends(container) -> list[tuple[float, float]]:
    """(low, high) of each horizontal error bar of a bar container."""
    segments = container.errorbar.lines[2][0].get_segments()
    return [(min(s[:, 0]), max(s[:, 0])) for s in segments]


def test_sobol_intervals_are_clipped_to_0_1_and_the_noise_floor_is_drawn():
    indices = pd.DataFrame({"parameter": ["p", "q"] * 2, "index": ["S1"] * 2 + ["ST"] * 2,
                            "value": [0.97, -0.02, 1.0, 0.03], "conf": [0.1, 0.05, 0.08, 0.02]})
    indices.attrs.update(noise_floor=0.04, replicates=10)
    ax = plot.plot_sensitivity(indices, ax=new_ax())
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for container in bars:
        for low, high in error_bar_ends(container):
            assert 0.0 <= low <= high <= 1.0
    assert error_bar_ends(bars[0])[1] == pytest.approx((0.87, 1.0))  # p's S1: 0.97 +- 0.1
    assert [p.get_width() for p in bars[0]] == [0.0, 0.97]  # q's S1 of -0.02 drawn as 0
    floor = [ln for ln in ax.lines if ln.get_label().startswith("noise floor")]
    assert len(floor) == 1 and floor[0].get_xdata()[0] == 0.04
    assert "10 replicates" in floor[0].get_label()
