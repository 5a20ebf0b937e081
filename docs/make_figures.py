"""Regenerate the figures of the README in docs/figures/ (small PNGs, 100 dpi).

    .venv/bin/python docs/make_figures.py               # the static figures
    .venv/bin/python docs/make_figures.py --dashboard   # and the dashboard's screenshot

Baja California Sur 2013-2014 (scenarios/bcs_2014.toml): homicides over 40 seeds against the
observed yearly counts, and control, the plaza map and members for seed 1; the response
surface and the Sobol indices are what ``cartel-sim plot`` draws for the shipped sweep,
sweeps/bcs_sobol.toml (1,280 runs). About two minutes on two cores once compiled; with
``--sweep outputs/sweeps/bcs_sobol`` (a finished ``cartel-sim sweep sweeps/bcs_sobol.toml``)
the sweep is read instead of run.
The dashboard's screenshot (bcs_2014, seed 0, on 25 August 2014: step 602) is taken by
headless Chromium (Debian's chromium and chromium-driver, and selenium) from
``cartel-sim viz``; about two minutes.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

import sim
from sim import plot

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures"
SCENARIO = ROOT / "scenarios" / "bcs_2014.toml"
SWEEP = ROOT / "sweeps" / "bcs_sobol.toml"


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


def shipped_sweep(folder: Path | None) -> pd.DataFrame:
    """The runs of sweeps/bcs_sobol.toml: read from ``folder``, or run (2 workers) into a
    temporary folder when None."""
    if folder is not None:
        return sim.load_sweep(folder)
    with tempfile.TemporaryDirectory() as tmp:
        return sim.sweep(sim.SweepSpec.from_toml(SWEEP), Path(tmp) / "bcs_sobol", workers=2,
                         progress=False)


def dashboard_screenshot(path: Path, step: int = 602, size=(1600, 1050),
                         scale: float = 0.78125) -> Path:
    """Serve the dashboard of bcs_2014, press Step until ``step`` in headless Chromium and
    save the window (``size`` CSS pixels, so the page lays its views out two by two) as a
    PNG of ``size`` x ``scale`` pixels (1250 x 820)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sim.cli", "viz", str(SCENARIO), "--port",
                               str(port), "--no-browser"], stdout=subprocess.DEVNULL)
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--window-size={size[0]},{size[1]}", f"--force-device-scale-factor={scale}"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = None
    try:
        for _ in range(240):  # the server answers within a minute
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        driver.set_window_size(2 * size[0] - inner[0], 2 * size[1] - inner[1])  # the page's
        driver.get(f"http://127.0.0.1:{port}/")
        wait = WebDriverWait(driver, 120)

        def clock(d) -> float | None:
            found = d.find_elements(By.XPATH, "//*[starts-with(normalize-space(text()), 'Time:')]")
            return float(found[0].text.split()[1]) if found else None

        wait.until(lambda d: clock(d) is not None)
        while clock(driver) < step:
            now = clock(driver)
            [b for b in driver.find_elements(By.TAG_NAME, "button")
             if b.text.strip().lower() == "step"][0].click()
            wait.until(lambda d: clock(d) != now)
        time.sleep(3)  # the views of the last step
        driver.save_screenshot(str(path))
    finally:
        if driver is not None:
            driver.quit()
        server.terminate()
        server.wait(timeout=30)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dashboard", action="store_true",
                        help="also take the dashboard's screenshot (needs Chromium)")
    parser.add_argument("--sweep", type=Path,
                        help="folder of a finished 'cartel-sim sweep sweeps/bcs_sobol.toml' "
                             "(default: run it)")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    scenario = sim.load_scenario(SCENARIO)
    result = sim.run(scenario, seed=1)
    figures = {
        "homicides": homicides_figure(sim.run_many(scenario, seeds=range(40))),
        "control": single(lambda ax: plot.plot_control(result, ax=ax), (9.0, 4.6)),
        "network": single(lambda ax: plot.plot_network(result, ax=ax), (6.0, 6.5)),
        "strength": single(lambda ax: plot.plot_strength(result, ax=ax), (7.0, 3.2)),
        "summary": plot.summary_figure(result),
    } | plot.sweep_figures(shipped_sweep(args.sweep), "homicides_total")
    for name, fig in figures.items():
        print(plot.save_figure(fig, OUT / f"{name}.png", dpi=100 if name != "summary" else 80))
    if args.dashboard:
        print(dashboard_screenshot(OUT / "dashboard.png"))


if __name__ == "__main__":
    main()
