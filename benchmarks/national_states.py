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
    by_state = [national.homicides_by_state(result, conflict_only=c) for c in (False, True)]
    return by_state[0], by_state[1], national.annual(national.weekly(result))


def report_states(runs, observed: pd.DataFrame) -> pd.DataFrame:
    """Prints the per-year correlations; returns the mean simulated shares (year x state)."""
    states = list(observed.columns)
    guess = national.population_shares().loc[states]
    print(f"{'year':<6}{'':>22}{'Spearman':>10}{'Pearson':>10}   per-seed range")
    for year in observed.index:
        obs = observed.loc[year]
        for label, column in (("model, all homicides", 0), ("model, conflict only", 1)):
            tables = [r[column] for r in runs]
            c = national.compare(national.mean_shares(tables, states).loc[year], obs)
            each = pd.DataFrame([national.compare(national.shares(t, states).loc[year], obs)
                                 for t in tables])
            print(f"{year:<6}{label:>22}{c['spearman']:>10.3f}{c['pearson']:>10.3f}   "
                  f"S {each['spearman'].min():.3f}-{each['spearman'].max():.3f}, "
                  f"P {each['pearson'].min():.3f}-{each['pearson'].max():.3f}")
        c = national.compare(guess, obs)
        print(f"{year:<6}{'population only':>22}{c['spearman']:>10.3f}{c['pearson']:>10.3f}")
        ratio = (national.mean_shares([r[0] for r in runs], states).loc[year] / obs)
        ratio = ratio.sort_values()
        print(f"      share ratio model/observed: lowest {ratio.index[0]} {ratio.iloc[0]:.2f}, "
              f"highest {ratio.index[-1]} {ratio.iloc[-1]:.2f}")
    return national.mean_shares([r[0] for r in runs], states)


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
    observed = national.observed_shares()
    print(f"mexico_2012 over {args.seeds} seeds: shares of homicides by state\n")
    model = report_states(runs, observed)
    present = {c.plaza for c in sim.load_scenario(SCENARIO).cells}
    big = observed.columns[(observed > BIG_SHARE).any(axis=0)]
    print(f"states above {BIG_SHARE:.0%} of observed homicides without a cell: "
          f"{[s for s in big if s not in present] or 'none'}")
    report_national(runs)
    if args.figure:
        figure(model.loc[observed.index], observed, args.figure)


if __name__ == "__main__":
    main()
