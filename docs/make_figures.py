"""Regenerate the figures of the README in docs/figures/ (small PNGs, 100 dpi).

    .venv/bin/python docs/make_figures.py

Baja California Sur 2013-2014 (scenarios/bcs_2014.toml): homicides over 40 seeds against the
observed yearly counts, and control, the plaza map and members for seed 1; a small grid
sweep and a small Sobol sweep of the clash rate and the state police's integrity for the
response surface and the sensitivity chart. About a minute on one core once compiled.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

import sim
from sim import plot

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures"
SCENARIO = ROOT / "scenarios" / "bcs_2014.toml"
SWEPT = {"parameters.clash_rate": (0.0001, 0.0004), "police[kind=state].integrity": (0.2, 0.9)}


def observed_inegi() -> pd.Series:
    """Observed homicides per year in Baja California Sur (INEGI death records)."""
    table = pd.read_csv(ROOT / "scenarios" / "data" / "bcs" / "homicides_by_year.csv")
    inegi = table[table["series"].str.startswith("INEGI") & table["year"].between(2013, 2014)]
    return inegi.set_index("year")["homicides"].rename("observed (INEGI)")


def homicides_figure(replicates: sim.Replicates) -> Figure:
    """Monthly homicides with replicate bands; yearly against the observed counts."""
    fig = Figure(figsize=(10.0, 3.6), layout="constrained")
    monthly, yearly = fig.subplots(1, 2, width_ratios=(1.8, 1.0))
    plot.plot_homicides(replicates, freq="month", ax=monthly)
    plot.plot_homicides(replicates, freq="year", observed=observed_inegi(), ax=yearly)
    yearly.legend(handles=yearly.lines[-1:], loc="upper left", fontsize="small",
                  frameon=False)  # the bands are explained on the left
    monthly.set_title("bcs_2014: homicides per month, 40 seeds", loc="left")
    yearly.set_title("per year, against observed", loc="left")
    return fig


def single(draw, figsize) -> Figure:
    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig.add_subplot())
    return fig


def sweep_runs(design: str, n: int, replicates: int, folder: Path) -> pd.DataFrame:
    spec = sim.SweepSpec(scenario=str(SCENARIO), parameters=SWEPT, design=design, n=n,
                         replicates=replicates, seed=1)
    return sim.sweep(spec, folder / design, workers=1, progress=False)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    scenario = sim.load_scenario(SCENARIO)
    result = sim.run(scenario, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        grid = sweep_runs("grid", 4, 5, Path(tmp))
        sobol = sweep_runs("saltelli", 32, 3, Path(tmp))
    x, y = SWEPT
    figures = {
        "homicides": homicides_figure(sim.run_many(scenario, seeds=range(40))),
        "control": single(lambda ax: plot.plot_control(result, ax=ax), (9.0, 4.6)),
        "network": single(lambda ax: plot.plot_network(result, ax=ax), (6.0, 6.5)),
        "strength": single(lambda ax: plot.plot_strength(result, ax=ax), (7.0, 3.2)),
        "response_surface": single(
            lambda ax: plot.plot_response_surface(grid, x, y, "homicides_total", ax=ax),
            (6.5, 4.5)),
        "sensitivity": single(
            lambda ax: plot.plot_sensitivity(sim.sensitivity(sobol, "homicides_total"), ax=ax),
            (6.5, 2.8)),
        "summary": plot.summary_figure(result),
    }
    for name, fig in figures.items():
        print(plot.save_figure(fig, OUT / f"{name}.png", dpi=100 if name != "summary" else 80))


if __name__ == "__main__":
    main()
