"""The dashboard (the sim.viz package, ``cartel-sim viz``): rendered headless with solara's test
renderer (views, controls, sliders, Step, Reset), the CLI's checks before a server starts,
and the real thing: the server in a subprocess, driven by headless Chromium.

The browser test needs Debian's chromium and chromium-driver (/usr/bin/chromium,
/usr/bin/chromedriver, which .ci/run installs) and solara's browser code (the solara-assets
package of the viz extra); it is skipped without them, except under CI (the CI variable
set), where it fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SCENARIO_DIR, shipped_scenario, tiny

solara = pytest.importorskip("solara", reason="the dashboard needs the viz extra")
import ipyvuetify as v  # noqa: E402
import ipywidgets as widgets  # noqa: E402

import sim  # noqa: E402
from sim import plot, viz  # noqa: E402
from sim.cli import main  # noqa: E402
from sim.viz import SLIDERS, STEPS_PER_CLICK, DashboardModel, steps_per_click, views  # noqa: E402
from sim.viz import model as viz_model  # noqa: E402

TWO = SCENARIO_DIR / "two_cartels.toml"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
WAIT = 90  # seconds: the longest any one wait in the browser test may take


def render(model: DashboardModel):
    """The dashboard rendered without a browser, inside the app layout the server gives it
    (the controls live in its sidebar). Returns the reactive model and the render context."""
    reactive = solara.reactive(model)

    @solara.component
    def App():
        with solara.AppLayout():
            viz.Dashboard(reactive)

    _, rc = solara.render(App(), handle_error=False)
    return reactive, rc


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def slider(rc, label: str):
    return rc.find(v.Slider, label=label).widget


def images(rc) -> list[bytes]:
    return [bytes(w.value) for w in rc.find(widgets.Image).widgets]


def summary(rc) -> str:
    """The run summary's HTML."""
    return rc.find(solara.widgets.HTML).widget.unsafe_innerHTML


# ----------------------------------------------------------------------------- headless

def test_page_shows_views_controls_and_sliders():
    model, rc = render(DashboardModel(shipped_scenario("two_cartels")))
    for label in ("Reset", "Step", "▶"):
        assert button(rc, label)
    labels = [s.label for s in rc.find(v.Slider).widgets]
    assert ["Seed", *SLIDERS.values()] == [x for x in labels if x not in
                                           ("Play Interval (ms)", "Render Interval (steps)")]
    assert slider(rc, SLIDERS["clash_rate"]).v_model == model.value.spec.parameters.clash_rate
    assert slider(rc, "Render Interval (steps)").v_model == STEPS_PER_CLICK
    shown = images(rc)  # map, homicides, members
    assert len(shown) == 3 and all(b.lstrip().startswith(b"<?xml") and b"<svg" in b
                                   for b in shown)
    rc.find(children=["Time: 0.0"]).assert_single()
    assert "two_cartels" in summary(rc) and "step 0 of 365" in summary(rc)


def test_step_advances_the_model_and_redraws_the_views():
    model, rc = render(DashboardModel(shipped_scenario("two_cartels"), seed=1))
    before = images(rc)
    button(rc, "Step").click()
    assert model.value.steps == STEPS_PER_CLICK
    rc.find(children=[f"Time: {float(STEPS_PER_CLICK)}"]).assert_single()
    after = images(rc)
    assert all(a != b for a, b in zip(before, after))  # each view drew the new step
    assert f"step {STEPS_PER_CLICK} of 365" in summary(rc)
    for _ in range(30):  # a war: homicides come within weeks (bounded: 30 clicks)
        if model.value.results().homicides(freq=None):
            break
        button(rc, "Step").click()
    m = model.value
    total = m.results().homicides(freq=None)
    assert total > 0
    homicides = views.homicides_figure(m).axes[0]
    assert homicides.get_title(loc="left").endswith(f": {total} so far")
    stacked = [p for p in homicides.patches if p.get_label() in plot.TYPE_COLORS]
    assert max(p.get_path().vertices[:, 1].max() for p in stacked) == (
        m.results().homicides("W").max())  # the top of the stack is the weekly total
    legend = views.members_figure(m).axes[0].get_legend().get_texts()
    assert sorted(t.get_text() for t in legend) == [f"{o.name} ({o.members})"
                                                    for o in m.organizations]  # members now
    table = views.plaza_table(m)
    assert table["homicides"].sum() == total
    assert set(table["controller"]) <= {"North", "South", ""}
    assert f"Homicides so far: <b>{total}</b>" in summary(rc)


def test_sliders_take_effect_on_reset():
    spec = shipped_scenario("two_cartels")
    model, rc = render(DashboardModel(spec))
    button(rc, "Step").click()
    first = model.value
    slider(rc, SLIDERS["clash_rate"]).v_model = 0.004
    slider(rc, "Seed").v_model = 5
    assert model.value is first  # a slider alone changes nothing
    button(rc, "Reset").click()
    rebuilt = model.value
    assert rebuilt is not first and isinstance(rebuilt, DashboardModel)
    assert rebuilt.steps == 0 and rebuilt.seed == 5
    assert rebuilt.spec.parameters.clash_rate == 0.004
    assert rebuilt.spec.parameters.lethality == spec.parameters.lethality  # untouched
    assert rebuilt.spec_file is spec
    assert re.search(r">clash_rate</td><td>0.004</td><td>0.002</td>", summary(rc))
    button(rc, "Step").click()
    # the dashboard's run is the library's run of the scenario with that value and seed
    plain = sim.CartelModel(spec.with_overrides({"parameters.clash_rate": 0.004}), rng=5)
    plain.run_for(STEPS_PER_CLICK)
    assert (rebuilt.results().homicides().to_dict() == plain.results().homicides().to_dict())
    assert rebuilt.results().organizations.equals(plain.results().organizations)


def test_dashboard_model_stops_at_the_end_and_keeps_unchanged_values():
    spec = shipped_scenario("two_cartels")
    model = DashboardModel(spec, seed=2, clash_rate=spec.parameters.clash_rate)
    assert model.spec is spec  # same values: no override, same scenario
    model.run_for(spec.n_steps + 20)
    assert model.steps == spec.n_steps and not model.running
    model.step()
    assert model.steps == spec.n_steps


def test_slider_ranges_hold_the_scenario_value():
    for name in ("bcs_2014", "two_cartels", "kingpin_removal"):
        model = DashboardModel(shipped_scenario(name))
        params = viz_model.model_params(model)
        assert params["spec"] is model.spec
        for key in SLIDERS:
            s = params[key]
            assert s.min <= s.value <= s.max and s.max > s.value, (name, key)
            assert s.is_float_slider and 20 <= (s.max - s.min) / s.step <= 400


def test_views_of_many_organizations_name_the_largest():
    names = [f"Org{i:02d}" for i in range(12)]
    spec = tiny({"recruit_rate": 0.001}, days=30,
                organizations=[{"name": n, "treasury": 1e9} for n in names],
                cells=[{"organization": n, "plaza": "P", "members": 10 + 5 * i}
                       for i, n in enumerate(names)],
                plazas=[{"name": "P", "population": 100_000, "controller": "Org00"}])
    model = DashboardModel(spec)
    model.run_for(10)
    legend = [t.get_text() for t in views.members_figure(model).axes[0].get_legend().get_texts()]
    assert legend[0] == f"{12 - views.MAX_NAMED} others" and len(legend) == views.MAX_NAMED + 1
    assert legend[1].startswith("Org11 (")  # the largest first
    text = views.run_summary(model)
    assert text.count("&#9679;") == views.MAX_NAMED and f"{12 - views.MAX_NAMED} more" in text
    svg = views.svg(views.plaza_map_figure(model))
    assert svg.lstrip().startswith(b"<?xml")


def test_map_of_many_controllers_names_those_holding_most_plazas():
    names = [f"Org{i:02d}" for i in range(15)]
    holder = ["Org00"] * 4 + names[1:]  # Org00 holds four plazas, every other one
    spec = tiny(days=30, organizations=[{"name": n, "treasury": 1e9} for n in names],
                plazas=[{"name": f"P{i}", "population": 10_000, "controller": org}
                        for i, org in enumerate(holder)],
                cells=[{"organization": org, "plaza": f"P{i}", "members": 10}
                       for i, org in enumerate(holder)])
    model = DashboardModel(spec)
    model.run_for(2)
    legend = views.plaza_map_figure(model).axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert len(texts) == 12 and texts[0] == "Org00" and texts[-1] == "+ 4 more"


@pytest.mark.parametrize("name", ["bcs_2014", "two_cartels"])
def test_the_dashboard_map_places_plazas_where_the_static_map_does(name):
    """One layout: a plaza sits at the same place on the dashboard and in summary.png."""
    model = DashboardModel(shipped_scenario(name))
    model.run_for(3)
    table = views.plaza_table(model).set_index("plaza")
    static = plot.plaza_positions(model.spec)
    assert {n: (row.x, row.y) for n, row in table.iterrows()} == static
    dots = [c for c in views.plaza_map_figure(model).axes[0].collections
            if c.get_label() in {o.name for o in model.organizations} | {"nobody"}]
    drawn = {tuple(xy) for d in dots for xy in d.get_offsets()}
    assert drawn == set(static.values())


def test_server_page_reads_the_scenario_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(viz.SCENARIO_ENV, raising=False)
    _, rc = solara.render(viz.Page(), handle_error=False)
    assert "cartel-sim viz SCENARIO" in rc.find(v.Alert).widget.children[0]

    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[simulation]\nstart = 2020-01-01\n')
    monkeypatch.setenv(viz.SCENARIO_ENV, str(bad))
    _, rc = solara.render(viz.Page(), handle_error=False)
    assert "days" in rc.find(v.Alert).widget.children[0]

    monkeypatch.setenv(viz.SCENARIO_ENV, str(TWO))

    @solara.component
    def App():
        with solara.AppLayout():
            viz.Page()

    _, rc = solara.render(App(), handle_error=False)
    assert button(rc, "Step") and len(images(rc)) == 3


# ----------------------------------------------------------------------------- CLI

def test_cli_viz_refuses_a_bad_scenario_before_starting_a_server(tmp_path, capsys, monkeypatch):
    def no_server(*args, **kwargs):
        raise AssertionError("the server must not start")

    monkeypatch.setattr(viz, "serve", no_server)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "bad"\n[simulation]\nstart = 2020-01-01\ndays = -5\n')
    assert main(["viz", str(bad), "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bad.toml" in err and "simulation.days" in err
    assert "Traceback" not in err

    assert main(["viz", str(tmp_path / "missing.toml")]) == 2
    assert "no such scenario file" in capsys.readouterr().err

    with socket.socket() as busy:  # a port in use
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["viz", str(TWO), "--port", str(port), "--no-browser"]) == 2
    assert f"port {port}" in capsys.readouterr().err

    assert main(["viz", str(TWO), "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_cli_viz_help_shows_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["viz", "--help"])
    out = capsys.readouterr().out
    assert "cartel-sim viz scenarios/" in out and "--no-browser" in out and "--port" in out


# ----------------------------------------------------------------------------- browser

def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must provide it (see .ci/run)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except OSError as exc:  # refused, timed out, HTTP errors
        return getattr(exc, "code", 0) or 0, b""


@pytest.fixture
def server(tmp_path):
    """``cartel-sim viz scenarios/two_cartels.toml`` on a free port of 127.0.0.1, answering;
    stopped (and killed if need be) afterwards. Yields its URL."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        _missing(f"{' and '.join(missing)} not found (Debian packages chromium and "
                 "chromium-driver)")
    sim.run(shipped_scenario("two_cartels"), seed=0, days=2)  # numba's cache warm for the server
    port = _free_port()
    script = Path(sys.executable).with_name("cartel-sim")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sim.cli"]
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*command, "viz", str(TWO), "--port", str(port), "--no-browser"],
                                stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + WAIT
        status, page = 0, b""
        while time.monotonic() < deadline and proc.poll() is None:
            status, page = _get(url, timeout=5)
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, f"the server did not answer in {WAIT} s:\n{log.read_text()}"
        assert f"127.0.0.1:{port}" in log.read_text()  # the URL is printed
        # the page's own code comes from the solara-assets package (the viz extra)
        app_js = re.search(rb'src="([^"]*solara-vuetify[^"]*\.js)"', page)
        assert app_js, "solara's page names no app script"
        status, _ = _get(url.rstrip("/") + app_js.group(1).decode(), timeout=WAIT)
        if status != 200:
            _missing("solara's browser code is not installed (pip install -e '.[viz]')")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def test_browser_steps_the_dashboard(server, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.set_page_load_timeout(WAIT)
        driver.get(server)
        wait = WebDriverWait(driver, WAIT)

        def step_button(d):
            found = [b for b in d.find_elements(By.TAG_NAME, "button")
                     if b.text.strip().lower() == "step"]
            return found[0] if found else False

        def plots(d):  # the three views, drawn (an image that has loaded has a width)
            shown = [i for i in d.find_elements(By.TAG_NAME, "img")
                     if d.execute_script("return arguments[0].naturalWidth", i) > 0]
            return shown if len(shown) >= 3 else False

        def clock(d):
            texts = [e.text for e in d.find_elements(
                By.XPATH, "//*[starts-with(normalize-space(text()), 'Time:')]")]
            return texts[0].strip() if texts else False

        step = wait.until(step_button)
        first = [i.get_attribute("src") for i in wait.until(plots)]
        assert wait.until(clock) == "Time: 0.0"
        step.click()
        wait.until(lambda d: clock(d) == f"Time: {float(STEPS_PER_CLICK)}")
        wait.until(lambda d: [i.get_attribute("src") for i in plots(d) or []] != first)
        assert len(plots(driver)) >= 3
        assert "two_cartels" in driver.find_element(By.TAG_NAME, "body").text
    except Exception:
        driver.save_screenshot(str(tmp_path / "dashboard.png"))  # for a look after a failure
        raise
    finally:
        driver.quit()


def test_a_step_click_is_a_week_whatever_the_step_length():
    assert steps_per_click(shipped_scenario("two_cartels")) == STEPS_PER_CLICK == 7
    assert steps_per_click(shipped_scenario("mexico_2012")) == 1
