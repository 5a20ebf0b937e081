"""Figures (sim.plot): every plot function draws what its data says, and colours are fixed
per organization across figures (sweep figures: test_plot_sweeps.py; the CLI's figure files: test_plot_cli.py). Drawn on the Agg
backend, on ``Figure`` objects (no pyplot state)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import SCENARIO_DIR, shipped_results, shipped_scenario, tiny  # noqa: E402
from matplotlib import colors as mcolors  # noqa: E402
from matplotlib import dates as mdates  # noqa: E402
from matplotlib.collections import FillBetweenPolyCollection, PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import sim  # noqa: E402
from sim import plot  # noqa: E402

TWO = str(SCENARIO_DIR / "two_cartels.toml")


def new_ax():
    return Figure(figsize=(6, 4)).add_subplot()


def hexes(values) -> list[str]:
    return [mcolors.to_hex(v) for v in values]


def line_values(line) -> np.ndarray:
    """The values of a step line drawn over period edges (the last value is repeated)."""
    return np.asarray(line.get_ydata(), dtype=float)[:-1]


@pytest.fixture(scope="module")
def two():
    return sim.run(shipped_scenario("two_cartels"), seed=1, days=120)


@pytest.fixture(scope="module")
def reps():
    return sim.run_many(shipped_scenario("two_cartels"), seeds=range(5), days=120)


@pytest.fixture(scope="module")
def bcs():
    return shipped_results("bcs_2014", 1)


# ------------------------------------------------------------------------ colours
def test_scenario_colours_are_honoured_and_others_take_unused_palette_colours():
    orgs = [{"name": "A", "color": "#d62728"}, {"name": "B"}, {"name": "C", "color": "darkred"},
            {"name": "D"}]
    colours = plot.organization_colors(tiny(organizations=orgs))
    assert colours["A"] == "#d62728" and colours["C"] == "darkred"
    # B and D take the palette in order, skipping the red that A already has
    assert [colours["B"], colours["D"]] == [plot.PALETTE[0], plot.PALETTE[2]]
    assert plot.PALETTE[1] == "#d62728"
    assert {colours["police"], colours["civilian"]} == {"#4d4d4d", "#9e9e9e"}


def test_splinters_are_lighter_shades_of_their_parent():
    colours = plot.organization_colors(["X", "Y", "X splinter 1", "X splinter 2",
                                        "X splinter 1 splinter 1"])
    assert colours["X"] == plot.PALETTE[0] and colours["Y"] == plot.PALETTE[1]
    x, s1, s2 = (np.array(mcolors.to_rgb(colours[n])) for n in
                 ("X", "X splinter 1", "X splinter 2"))
    nested = np.array(mcolors.to_rgb(colours["X splinter 1 splinter 1"]))
    assert x.sum() < s1.sum() < s2.sum() and s1.sum() < nested.sum()  # lighter each time
    hue = mcolors.rgb_to_hsv(x)[0]
    assert mcolors.rgb_to_hsv(s1)[0] == pytest.approx(hue, abs=0.01)  # same hue


def test_results_colours_cover_the_splinters_of_the_run():
    result = shipped_results("kingpin_removal", 0)
    colours = plot.organization_colors(result)
    assert result.organization_names == ["Pacífico", "Golfo", "Pacífico splinter 1"]
    assert colours["Pacífico"] == "#9467bd"  # the file's colour
    parent = np.array(mcolors.to_rgb(colours["Pacífico"]))
    child = np.array(mcolors.to_rgb(colours["Pacífico splinter 1"]))
    np.testing.assert_allclose(child, parent + (1 - parent) * 0.35, atol=1 / 255)


def test_a_colour_that_is_not_one_is_refused_with_the_file_field_and_fix(tmp_path):
    path = tmp_path / "v.toml"
    path.write_text(f'base = "{SCENARIO_DIR / "two_cartels.toml"}"\n'
                    'overrides = {"organizations[name=North].color" = "blu"}\n')
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(path)
    message = str(err.value)
    assert str(path) in message and 'organizations[name="North"].color' in message
    assert "'blu' is not a colour" in message and "did you mean 'blue'" in message
    assert "#rrggbb" in message
    path.write_text(path.read_text().replace('"blu"', '"tab:olive"'))
    assert sim.load_scenario(path).organizations[0].color == "tab:olive"


def test_the_same_organization_has_the_same_colour_in_every_figure(two):
    colours = plot.organization_colors(two)
    control = plot.plot_control(two, ax=new_ax())
    strength = plot.plot_strength(two, ax=new_ax())
    network = plot.plot_network(two, ax=new_ax())
    for org in ("North", "South"):
        bars = [c for c in control.containers if c.get_label() == org]
        assert hexes(p.get_facecolor() for p in bars[0]) == [colours[org]] * len(bars[0])
        line = [ln for ln in strength.lines if ln.get_label() == org][0]
        assert mcolors.to_hex(line.get_color()) == colours[org]
        dots = [c for c in network.collections if c.get_label() == org]
        if dots:  # a controller at the end
            assert hexes(dots[0].get_facecolors()) == [colours[org]]
    assert colours["North"] == "#1f77b4" and colours["South"] == "#d62728"  # the file's


# ------------------------------------------------------------------------ homicides
def test_total_of_one_run_is_one_line_of_its_monthly_homicides(bcs):
    ax = plot.plot_homicides(bcs, ax=new_ax())
    assert len(ax.lines) == 1 and not ax.collections  # no bands for one run
    np.testing.assert_array_equal(line_values(ax.lines[0]), bcs.homicides("MS").to_numpy())
    assert ax.get_ylabel() == "homicides per month"
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)


def test_one_line_per_homicide_type_in_its_colour(bcs):
    ax = plot.plot_homicides(bcs, freq="M", by="type", ax=new_ax())
    expected = bcs.homicides("MS", by="type")
    assert [ln.get_label() for ln in ax.lines] == [str(c) for c in expected.columns]
    for line in ax.lines:
        np.testing.assert_array_equal(line_values(line), expected[line.get_label()].to_numpy())
        assert mcolors.to_hex(line.get_color()) == plot.TYPE_COLORS[line.get_label()]


def test_one_line_per_plaza_with_homicides(bcs):
    ax = plot.plot_homicides(bcs, freq="year", by="plaza", ax=new_ax())
    yearly = bcs.homicides("YS", by="plaza")
    assert sorted(ln.get_label() for ln in ax.lines) == sorted(map(str, yearly.columns))
    assert len(ax.lines) > 5


def test_frequency_words_and_letters_agree_and_weeks_start_on_monday(two):
    words = plot.plot_homicides(two, freq="week", ax=new_ax()).lines[0]
    letters = plot.plot_homicides(two, freq="W", ax=new_ax()).lines[0]
    np.testing.assert_array_equal(words.get_ydata(), letters.get_ydata())
    np.testing.assert_array_equal(words.get_xdata(), letters.get_xdata())
    edges = pd.DatetimeIndex(words.get_xdata())
    assert edges[0] == two.start and edges[-1] == two.end + pd.Timedelta(days=1)  # clipped
    assert (edges[1:-1].day_of_week == 0).all()
    assert line_values(words).sum() == two.homicides().sum()
    daily = plot.plot_homicides(two, freq="D", ax=new_ax()).lines[0]
    np.testing.assert_array_equal(line_values(daily), two.homicides("D").to_numpy())
    for word, pandas_freq in (("month", "MS"), ("year", "YS")):  # as Results.homicides
        a = plot.plot_homicides(two, freq=word, ax=new_ax()).lines[0]
        b = plot.plot_homicides(two, freq=pandas_freq, ax=new_ax()).lines[0]
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    with pytest.raises(ValueError, match="freq must be one of"):
        plot.plot_homicides(two, freq="fortnight", ax=new_ax())


def test_replicates_draw_the_mean_and_the_50_and_90_percent_bands(reps):
    ax = plot.plot_homicides(reps, ax=new_ax())
    bands = reps.bands("MS")
    assert len(ax.lines) == 1 and ax.lines[0].get_label() == "mean of 5 runs"
    np.testing.assert_allclose(line_values(ax.lines[0]), bands["mean"].to_numpy())
    fills = [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)]
    assert [f.get_label() for f in fills] == ["50% of runs", "90% of runs"]
    top = [f.get_paths()[0].vertices[:, 1].max() for f in fills]
    assert top == pytest.approx([bands["q75"].max(), bands["q95"].max()])


def test_replicates_split_by_type_draw_a_mean_and_a_band_per_type(reps):
    ax = plot.plot_homicides(reps, by="type", ax=new_ax())
    fills = [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)]
    assert len(ax.lines) == len(fills) >= 2
    # each mean is over every run, counting 0 for a run without that type
    runs_with = {ln.get_label(): sum(ln.get_label() in r.homicides(by="type") for r in reps)
                 for ln in ax.lines}
    assert min(runs_with.values()) < len(reps)
    total = sum(line_values(ln) for ln in ax.lines)
    np.testing.assert_allclose(total, reps.bands("MS")["mean"].to_numpy())


def test_stacked_types_are_areas_whose_top_is_the_total(bcs):
    ax = plot.plot_homicides(bcs, freq="month", by="type", stacked=True, ax=new_ax())
    areas = ax.patches
    assert [a.get_label() for a in areas] == [str(c) for c in bcs.homicides("MS", by="type")]
    assert not ax.lines
    top = areas[-1].get_data()
    np.testing.assert_array_equal(top.values, bcs.homicides("MS").to_numpy())
    np.testing.assert_array_equal(top.baseline, bcs.homicides("MS").to_numpy()
                                  - bcs.homicides("MS", by="type").iloc[:, -1].to_numpy())


def test_observed_counts_are_markers_in_the_middle_of_their_period(bcs):
    observed = pd.Series({2013: 47, 2014: 91}, name="observed (INEGI)")
    ax = plot.plot_homicides(bcs, freq="year", observed=observed, ax=new_ax())
    marks = [ln for ln in ax.lines if ln.get_label() == "observed (INEGI)"][0]
    assert marks.get_marker() == "o" and marks.get_linestyle() == "None"
    np.testing.assert_array_equal(marks.get_ydata(), [47.0, 91.0])
    middle = pd.DatetimeIndex(marks.get_xdata())
    assert list(middle.month) == [7, 7]
    assert "observed (INEGI)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_homicides_refuses_what_is_not_results():
    with pytest.raises(TypeError, match="Results"):
        plot.plot_homicides(pd.Series([1, 2]), ax=new_ax())


# ------------------------------------------------------------------------ control
def test_control_rows_cover_every_day_and_contested_periods_are_hatched(bcs):
    ax = plot.plot_control(bcs, ax=new_ax())
    filled = [p for c in ax.containers if c.get_label() != "contested" for p in c]
    days = (bcs.end - bcs.start).days + 1
    for row in range(len(bcs.plaza_names)):
        widths = [p.get_width() for p in filled if round(p.get_y() + 0.4) == row]
        assert sum(widths) == pytest.approx(days)
    hatched = [c for c in ax.containers if c.get_label() == "contested"][0]
    assert all(p.get_hatch() == "////" for p in hatched)
    contested_days = sum(p.get_width() for p in hatched)
    assert contested_days == pytest.approx(bcs.control["contested"].sum())
    assert [t.get_text() for t in ax.get_yticklabels()] == bcs.plaza_names


def test_control_shows_who_holds_each_plaza_when(bcs):
    ax = plot.plot_control(bcs, ax=new_ax())
    c = bcs.control
    final = c[c["step"] == c["step"].max()].set_index("plaza")["controller"]
    colours = plot.organization_colors(bcs) | {"": plot.NOBODY}
    last_day = mdates.date2num(bcs.end)
    for row, plaza in enumerate(bcs.plaza_names):
        last = [p for ctr in ax.containers if ctr.get_label() != "contested" for p in ctr
                if round(p.get_y() + 0.4) == row and p.get_x() <= last_day < p.get_x()
                + p.get_width()]
        assert hexes([last[0].get_facecolor()]) == [colours[final[plaza]]]


# ------------------------------------------------------------------------ network
def test_network_places_plazas_at_their_coordinates_and_draws_every_route(bcs):
    ax = plot.plot_network(bcs, ax=new_ax())
    scenario = bcs.scenario
    routes = ax.collections[0]
    assert len(routes.get_segments()) == len(scenario.neighbour_pairs())
    pos = plot.plaza_positions(scenario)
    la_paz = next(p for p in scenario.plazas if p.name == "La Paz")
    assert pos["La Paz"] == (la_paz.lon, la_paz.lat)
    unplaced = [p.name for p in scenario.plazas if p.lat is None]
    assert unplaced and all(np.isfinite(pos[n]).all() for n in unplaced)
    assert len({pos[n] for n in pos}) == len(pos)  # nobody on top of another
    assert ax.get_xlabel() == "longitude"


def test_network_sizes_follow_homicides_and_colours_the_final_controller(bcs):
    ax = plot.plot_network(bcs, ax=new_ax())
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    size = {tuple(xy): s for d in dots for xy, s in zip(d.get_offsets(), d.get_sizes())}
    pos = plot.plaza_positions(bcs.scenario)
    v = bcs.violence
    killed = v[v["lethal"]].groupby("plaza", observed=False)["count"].sum()
    most = killed.idxmax()
    assert size[pos[most]] == max(size.values())
    assert sum(len(d.get_offsets()) for d in dots) == len(bcs.plaza_names)


def test_network_of_a_scenario_without_coordinates_uses_a_seeded_layout():
    scenario = shipped_scenario("two_cartels")
    assert plot.plaza_positions(scenario) == plot.plaza_positions(scenario)
    ax = plot.plot_network(scenario, ax=new_ax())
    labels = [c.get_label() for c in ax.collections if isinstance(c, PathCollection)]
    assert labels == ["North", "South"]  # the controllers at the start
    assert not ax.axison


# ------------------------------------------------------------------------ strength
def test_strength_draws_one_line_per_organization_with_its_values():
    result = shipped_results("kingpin_removal", 0)
    ax = plot.plot_strength(result, "plazas_held", ax=new_ax())
    assert [ln.get_label() for ln in ax.lines] == result.organization_names
    table = result.organizations
    for line in ax.lines:
        rows = table[table["organization"] == line.get_label()]
        np.testing.assert_array_equal(line.get_ydata(), rows["plazas_held"].to_numpy())
    assert ax.get_ylabel() == "plazas held"
    with pytest.raises(ValueError, match="what must be one of"):
        plot.plot_strength(result, "guns", ax=new_ax())


def test_strength_can_name_the_largest_and_grey_the_others():
    result = shipped_results("kingpin_removal", 0)
    last = result.organizations[result.organizations["step"] == result.organizations["step"].max()]
    largest = last.sort_values("members", ascending=False).iloc[0]
    ax = plot.plot_strength(result, "members", named=1, ax=new_ax())
    assert [ln.get_label() for ln in ax.lines] == [
        f"{largest['organization']} ({largest['members']})"]
    others = [c for c in ax.collections if c.get_label() == "2 others"]
    assert len(others) == 1 and len(others[0].get_segments()) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "2 others", ax.lines[0].get_label()]


# ------------------------------------------------------------------------ sweeps
def test_summary_figure_has_the_four_panels(bcs):
    fig = plot.summary_figure(bcs)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["Homicides by type", "Control of plazas", "Members", "Plazas and routes"]
    assert "bcs_2014, seed 1" in fig.get_suptitle()


# ------------------------------------------------------------------------ comparisons
def test_compare_draws_each_series_in_its_own_colour_with_one_legend_entry(reps):
    variant = sim.run_many(shipped_scenario("two_cartels").with_overrides(
        {"parameters.clash_rate": 0.5}), seeds=range(5), days=120)
    from sim.compare import compare

    result = compare(reps, variant)
    ax = plot.plot_compare({"base": reps, "more clashes": variant}, comparison=result,
                           ax=new_ax())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["base (5 runs)", "more clashes (5 runs)"]
    colours = hexes(line.get_color() for line in ax.lines)
    assert len(set(colours)) == 2
    means = [line_values(line) for line in ax.lines]
    assert means[0].sum() == pytest.approx(result["base_mean"])  # the window is the whole run
    assert means[1].sum() == pytest.approx(result["variant_mean"])
    assert any("p = " in t.get_text() for t in ax.texts)
