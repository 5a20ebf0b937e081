"""The shipped episodes against their observed series: yearly homicides and issue 13's targets.

For each episode (bcs_2014, juarez_2008): the mean over N seeds of homicides per year, their
10-90% band, the observed count (from the episode's calibrations/<name>_observed.csv), and
the targets as PASS/FAIL lines:

- bcs_2014: the bands of tests/test_calibration.py (checked there over 100 seeds);
- juarez_2008 (issue 13): each year's mean within 30% of the observed count; the peak in 2009
  or 2010 in at least 70% of seeds; 2012 at most 0.35 x 2010 (means); police killed in 2010 of
  the observed order; Sinaloa's side holding most plazas at the end in at least 60% of seeds.

    python benchmarks/episodes.py [n_seeds]        # default 40

A fitted point instead of the shipped files: the episodes of a joint calibration file, with
the best parameters a run of it wrote (the same scenarios and parameters the fit judged):

    python benchmarks/episodes.py 40 --fit calibrations/behaviour.toml OUT/best_parameters.toml
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.calibration import CalibrationSpec

ROOT = Path(__file__).resolve().parent.parent
BCS_ALLIANCE = pd.Timestamp("2014-07-01")  # the alliance event of scenarios/bcs_2014.toml
JUAREZ_POLICE_KILLED_2010 = 101
"""Police killed in Ciudad Juárez in 2010: 101-102 (66-67 municipal, the rest federal), EFE via
El Economista and RPP, 2011-01-01 (scenarios/data/juarez/README.md)."""

Check = tuple[str, bool]
"""A target's description with its figures, and whether it is met."""


def observed_by_year(name: str) -> pd.Series:
    """The episode's observed homicides per calendar year for the whole scenario, from its
    calibration file's observed CSV (rows with a year as period, region "all")."""
    table = pd.read_csv(ROOT / "calibrations" / f"{name}_observed.csv", dtype={"period": str})
    yearly = table[table["period"].str.fullmatch(r"\d{4}") & (table["region"] == "all")
                   & (table["measure"] == "homicides")]
    return pd.Series(yearly["value"].to_numpy(float), index=yearly["period"].astype(int))


def yearly_homicides(runs: sim.Replicates) -> pd.DataFrame:
    """Homicides per year, shape (years, seeds), indexed by the year (int)."""
    table = runs.homicides("YS")
    table.index = table.index.year
    return table


def window(runs: sim.Replicates, start=None, end=None, conflict_only: bool = False) -> np.ndarray:
    """Homicides per run between two dates (inclusive), shape (runs,)."""
    return np.array([r.homicides("D", conflict_only=conflict_only)[start:end].sum()
                     for r in runs], dtype=float)


def bcs_checks(runs: sim.Replicates, yearly: pd.DataFrame, n: int) -> list[Check]:
    """The bands of tests/test_calibration.py, on these seeds."""
    y2013, y2014 = yearly.loc[2013].mean(), yearly.loc[2014].mean()
    monthly = runs.homicides("MS").mean(axis=1)
    before, wave = monthly[monthly.index < BCS_ALLIANCE].mean(), monthly["2014-08":"2014-12"].mean()
    after = window(runs, BCS_ALLIANCE).sum()
    after_conflict = window(runs, BCS_ALLIANCE, conflict_only=True).sum()
    behaviour = {f"parameters.{k}": v for k, v in runs[0].scenario.parameters.model_dump().items()}
    no_alliance_file = sim.load_scenario(ROOT / "scenarios" / "bcs_2014_no_alliance.toml")
    no_alliance = sim.run_many(no_alliance_file.with_overrides(behaviour),  # the runs' parameters
                               seeds=runs.seeds)
    base, variant = window(runs, BCS_ALLIANCE), window(no_alliance, BCS_ALLIANCE)
    d = variant - base
    z = d.mean() / (d.std(ddof=1) / np.sqrt(n))
    return [
        (f"2013 mean {y2013:.1f} within 40-65", 40 <= y2013 <= 65),
        (f"2014 mean {y2014:.1f} within 70-115", 70 <= y2014 <= 115),
        (f"2014 / 2013 = {y2014 / y2013:.2f} >= 1.4", y2014 >= 1.4 * y2013),
        (f"monthly mean before the alliance {before:.1f} <= 6", before <= 6),
        (f"monthly mean Aug-Dec 2014 {wave:.1f} within 7-15", 7 <= wave <= 15),
        (f"conflict share from the alliance on {after_conflict / after:.0%} >= 60%",
         after_conflict / after >= 0.6),
        (f"no-alliance variant {variant.mean() / base.mean() - 1:+.0%} from the alliance on "
         f"(<= -30%, paired z = {z:+.1f} < -3)", variant.mean() <= 0.7 * base.mean() and z < -3),
    ]


def juarez_checks(runs: sim.Replicates, yearly: pd.DataFrame, n: int) -> list[Check]:
    """Issue 13's targets for juarez_2008."""
    observed = observed_by_year("juarez_2008")
    means = yearly.mean(axis=1)
    checks = [(f"{year} mean {means[year]:.0f} within 30% of {count:.0f}",
               abs(means[year] / count - 1) <= 0.3) for year, count in observed.items()]
    peak_share = yearly.idxmax(axis=0).isin([2009, 2010]).mean()
    checks.append((f"peak in 2009 or 2010 in {peak_share:.0%} of seeds (>= 70%)",
                   peak_share >= 0.7))
    checks.append((f"2012 / 2010 = {means[2012] / means[2010]:.2f} <= 0.35",
                   means[2012] <= 0.35 * means[2010]))
    police = np.mean([police_killed(r, 2010) for r in runs])
    checks.append((f"police killed in 2010: mean {police:.0f}, observed "
                   f"{JUAREZ_POLICE_KILLED_2010} (within a factor 2: tens, not hundreds)",
                   JUAREZ_POLICE_KILLED_2010 / 2 <= police <= 2 * JUAREZ_POLICE_KILLED_2010))
    holding = np.mean([holds_most_plazas(r, "Sinaloa") for r in runs])
    checks.append((f"Sinaloa's side holds most plazas at the end in {holding:.0%} of seeds "
                   "(>= 60%)", holding >= 0.6))
    return checks


def police_killed(results: sim.Results, year: int) -> int:
    """Lethal violence against police in a calendar year: officers killed in their patron's
    clashes or in arrests (police_killed) and soldiers and federal agents killed in
    confrontations (forces_killed), as the observed 101-102 count municipal and federal police."""
    v = results.violence
    rows = v["lethal"] & (v["victim"] == "police") & (v["date"].dt.year == year)
    return int(v.loc[rows, "count"].sum())


def holds_most_plazas(results: sim.Results, organization: str) -> bool:
    """Whether the organization and its clients (organizations whose ``patron`` it is)
    control more than half the plazas on the last recorded day."""
    side = results.scenario.side(organization)
    last = results.control[results.control["date"] == results.end]
    return int(last["controller"].isin(side).sum()) > len(last) / 2


EPISODES: dict[str, Callable[[sim.Replicates, pd.DataFrame, int], list[Check]]] = {
    "bcs_2014": bcs_checks,
    "juarez_2008": juarez_checks,
}




def report(name: str, n: int, scenario: sim.Scenario | None = None) -> None:
    """Print the episode's yearly table and targets over n seeds (the shipped file unless
    another scenario for it is given)."""
    scenario = scenario or sim.load_scenario(ROOT / "scenarios" / f"{name}.toml")
    runs = sim.run_many(scenario, seeds=range(n))
    yearly = yearly_homicides(runs)
    observed = observed_by_year(name)
    table = pd.DataFrame({
        "observed": observed.reindex(yearly.index),
        "mean": yearly.mean(axis=1),
        "q10": yearly.quantile(0.1, axis=1),
        "q90": yearly.quantile(0.9, axis=1),
    })
    table.index.name = "year"
    print(f"{name} over {n} seeds: homicides per year")
    print(table.round(1).to_string(na_rep="-"))
    checks = EPISODES[name](runs, yearly, n)
    for text, met in checks:
        print(f"  {'PASS' if met else 'FAIL'}  {text}")
    print(f"  {sum(met for _, met in checks)} of {len(checks)} targets met\n")


def fitted_episodes(calibration: Path, best: Path) -> dict[str, sim.Scenario]:
    """The episodes of a joint calibration file, by name (the shipped episode each stands
    for), with a best_parameters.toml of a run of it applied."""
    fitted = tomllib.loads(best.read_text())["parameters"]
    overrides = {f"parameters.{k}": v for k, v in fitted.items()}
    out = {}
    for episode in CalibrationSpec.from_toml(calibration).episode_list():
        if episode.name not in EPISODES:
            sys.exit(f"{calibration}: episode {episode.name} is none of {', '.join(EPISODES)}; "
                     "name it after the episode it stands for")
        out[episode.name] = sim.load_scenario(episode.scenario).with_overrides(overrides)
    return out


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv and not argv[0].startswith("--") else 40
    if "--fit" in argv:
        at = argv.index("--fit")
        if len(argv) < at + 3:
            sys.exit("usage: python benchmarks/episodes.py [n_seeds] "
                     "[--fit CALIBRATION.toml BEST_PARAMETERS.toml]")
        scenarios = fitted_episodes(Path(argv[at + 1]), Path(argv[at + 2]))
        print(f"fitted point {argv[at + 2]} on the episodes of {argv[at + 1]}\n")
    else:
        scenarios = {}
    for name in EPISODES:
        report(name, n, scenarios.get(name))


if __name__ == "__main__":
    main(sys.argv[1:])
