"""Where ``mexico_2012`` puts its homicides, against INEGI's state records (issue 15).

Over ``--seeds`` seeds (default 10), for each year of the state file (2012 and 2013, the
fitting years; later years are not given on purpose):
- the Spearman and Pearson correlations of the simulated and observed shares of homicides
  by state (simulated: the mean over seeds of each state's homicides, all lethal types),
  next to the population-only guess (shares in proportion to 2020 population) and to the
  conflict homicides alone (every lethal type but ``background``); the range of the
  per-seed correlations in brackets;
- the largest and smallest ratio of simulated to observed share, and the states with an
  observed share above 2% and no cell at the start;
then the national homicides per year 2012-2021 against ``Trends2012_2021.csv`` (the fit
uses 2012-2013 only; later years are reported, not tuned to), and the members and member
deaths per year against the paper's ODE (tests/national_ode.py).

    python benchmarks/national_states.py [--seeds 10] [--jobs 2] [--figure PATH]

``--figure`` writes the ranked chart of simulated against observed shares, 2012-2013
(docs/figures/national_states.png in the README).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tools"), str(ROOT / "tests")]

import national  # noqa: E402
import sim  # noqa: E402

SCENARIO = ROOT / "scenarios" / "mexico_2012.toml"
TRENDS = ROOT / "scenarios" / "data" / "mexico_2020" / "Trends2012_2021.csv"
BIG_SHARE = 0.02  # the threshold: a state above it must have cartel presence


def one_run(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(all homicides, conflict homicides) by year (rows) and state (columns), and the
    national annual series (``national.annual``) of one seed."""
    result = sim.run(sim.load_scenario(SCENARIO), seed=seed)
    by_state = [result.homicides("YS", by="plaza", conflict_only=c) for c in (False, True)]
    by_state = [t.set_axis(t.index.year, axis=0) for t in by_state]
    return by_state[0], by_state[1], national.annual(national.weekly(result))


def shares(table: pd.DataFrame, states: list[str]) -> pd.DataFrame:
    """Rows divided by their sums, columns in ``states`` order (0 where absent)."""
    table = table.reindex(columns=states, fill_value=0).astype(float)
    return table.div(table.sum(axis=1), axis=0)


def correlations(model: pd.Series, observed: pd.Series) -> tuple[float, float]:
    return spearmanr(model, observed).statistic, pearsonr(model, observed).statistic


def report_states(runs, observed: pd.DataFrame, population: pd.Series) -> pd.DataFrame:
    """Prints the per-year correlations; returns the mean simulated shares (year x state)."""
    states = list(observed.columns)
    everything = [shares(r[0], states) for r in runs]
    conflict = [shares(r[1], states) for r in runs]
    mean_all = shares(sum(r[0].reindex(columns=states, fill_value=0) for r in runs), states)
    mean_conflict = shares(sum(r[1].reindex(columns=states, fill_value=0) for r in runs),
                           states)
    guess = population / population.sum()
    print(f"{'year':<6}{'':>22}{'Spearman':>10}{'Pearson':>10}   per-seed range")
    for year in observed.index:
        obs = observed.loc[year]
        rows = [("model, all homicides", mean_all.loc[year], everything),
                ("model, conflict only", mean_conflict.loc[year], conflict),
                ("population only", guess, None)]
        for label, model, per_seed in rows:
            s, p = correlations(model, obs)
            span = ""
            if per_seed is not None:
                each = np.array([correlations(t.loc[year], obs) for t in per_seed])
                span = (f"S {each[:, 0].min():.3f}-{each[:, 0].max():.3f}, "
                        f"P {each[:, 1].min():.3f}-{each[:, 1].max():.3f}")
            print(f"{year:<6}{label:>22}{s:>10.3f}{p:>10.3f}   {span}")
        ratio = (mean_all.loc[year] / obs).sort_values()
        print(f"      share ratio model/observed: lowest {ratio.index[0]} {ratio.iloc[0]:.2f}, "
              f"highest {ratio.index[-1]} {ratio.iloc[-1]:.2f}")
    return mean_all


def report_national(runs) -> None:
    trends = pd.read_csv(TRENDS, encoding="utf-8-sig").set_index("YEAR")["homicide"]
    frames = [r[2] for r in runs]
    mean = sum(frames) / len(frames)
    from national_ode import annual, oracle
    ode = annual(oracle("paper"))
    print(f"\n{'year':<6}{'homicides':>11}{'INEGI':>8}{'ratio':>7}"
          f"{'members':>10}{'/ODE':>7}{'member deaths':>15}{'/ODE':>7}")
    for year in mean.index:
        h = mean.loc[year, "homicides"]
        print(f"{year:<6}{h:>11,.0f}{trends[year]:>8,}{h / trends[year]:>7.3f}"
              f"{mean.loc[year, 'members']:>10,.0f}"
              f"{mean.loc[year, 'members'] / ode.loc[year, 'members']:>7.3f}"
              f"{mean.loc[year, 'member_deaths']:>15,.0f}"
              f"{mean.loc[year, 'member_deaths'] / ode.loc[year, 'member_deaths']:>7.3f}")


def figure(model: pd.DataFrame, observed: pd.DataFrame, path: Path) -> None:
    """Ranked bars: observed and simulated shares by state, one panel per year."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    years = list(observed.index)
    fig, axes = plt.subplots(1, len(years), figsize=(11, 8), sharex=True)
    for ax, year in zip(np.atleast_1d(axes), years):
        order = observed.loc[year].sort_values().index
        y = np.arange(len(order))
        ax.barh(y - 0.2, 100 * observed.loc[year, order], height=0.4, label="INEGI")
        ax.barh(y + 0.2, 100 * model.loc[year, order], height=0.4, label="mexico_2012")
        ax.set_yticks(y, order, fontsize=8)
        ax.set_title(f"{year}: share of homicides by state")
        ax.set_xlabel("% of national homicides")
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python benchmarks/national_states.py",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--figure", type=Path)
    args = parser.parse_args(argv)
    with ProcessPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(one_run, range(args.seeds)))
    states = national.read_states()
    observed = national.read_state_homicides().T.reindex(columns=list(states["state"]))
    observed = observed.div(observed.sum(axis=1), axis=0)
    population = states.set_index("state")["population_2020"].astype(float)
    print(f"mexico_2012 over {args.seeds} seeds: shares of homicides by state\n")
    model = report_states(runs, observed, population)
    present = {c.plaza for c in sim.load_scenario(SCENARIO).cells}
    big = observed.columns[(observed > BIG_SHARE).any(axis=0)]
    print(f"states above {BIG_SHARE:.0%} of observed homicides without a cell: "
          f"{[s for s in big if s not in present] or 'none'}")
    report_national(runs)
    if args.figure:
        figure(model.loc[observed.index], observed, args.figure)


if __name__ == "__main__":
    main()
