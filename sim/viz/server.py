"""The dashboard's page: solara components around SolaraViz's controls, the page the server
shows, and the server (``cartel-sim viz``)."""

from __future__ import annotations

import os
import socket
import warnings
from pathlib import Path

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from ..scenario import ScenarioError, load_scenario
from .model import DashboardModel, model_params, steps_per_click
from .views import homicides_figure, members_figure, plaza_map_figure, run_summary, svg

SCENARIO_ENV = "CARTEL_SIM_VIZ_SCENARIO"
"""Environment variable naming the scenario file the server's :func:`Page` shows."""


def _figure_view(make, model: DashboardModel):
    """An image of ``make(model)``, drawn again only when the model or its step changes;
    it fills the width of its panel."""
    image = solara.use_memo(lambda: svg(make(model)), [model, model.steps])
    return solara.Image(image, format="svg+xml", width="100%")


@solara.component
def PlazaMap(model: DashboardModel):
    """The plaza map, redrawn after each step."""
    update_counter.get()
    return _figure_view(plaza_map_figure, model)


@solara.component
def HomicidesPlot(model: DashboardModel):
    """Homicides so far by week (or month) and type, redrawn after each step."""
    update_counter.get()
    return _figure_view(homicides_figure, model)


@solara.component
def MembersPlot(model: DashboardModel):
    """Members of each organization over time, redrawn after each step."""
    update_counter.get()
    return _figure_view(members_figure, model)


@solara.component
def RunInfo(model: DashboardModel):
    """The run's scenario, day, seed, parameters and totals."""
    update_counter.get()
    return solara.HTML(unsafe_innerHTML=run_summary(model),
                       style="font-size: 0.9rem; line-height: 1.5;")


@solara.component
def Dashboard(model: solara.Reactive):
    """The dashboard of the model a reactive variable holds: SolaraViz's controls and sliders
    (its Reset puts a new model into ``model``), and the four views below them.

    The views are laid out here rather than through SolaraViz's ``components``: with
    ipyvue / ipyvuetify 3, the draggable grid SolaraViz puts them in stays blank in the
    browser ("GlobalVue.use is not a function", mesa issue #3806).
    """
    params = solara.use_memo(lambda: model_params(model.value), [])
    SolaraViz(model, components=[], model_params=params,
              name=f"cartel-sim: {model.value.spec.name}",
              render_interval=steps_per_click(model.value.spec))
    current = model.value
    with solara.ColumnsResponsive(12, large=6):
        for view in (PlazaMap, HomicidesPlot, MembersPlot, RunInfo):
            with solara.Card(margin=0, classes=["cartel-sim-panel"]):
                view(current)


def dashboard(model: DashboardModel | solara.Reactive):
    """The dashboard element for a :class:`DashboardModel` (or a reactive variable holding
    one), e.g. as the last line of a notebook cell."""
    return Dashboard(model if isinstance(model, solara.Reactive) else solara.reactive(model))


@solara.component
def Page():
    """The server's page: the dashboard of the scenario named by ``$CARTEL_SIM_VIZ_SCENARIO``,
    one model per browser session."""
    path = os.environ.get(SCENARIO_ENV, "")

    def build():
        if not path:
            return None, (f"No scenario: start the dashboard with 'cartel-sim viz SCENARIO' "
                          f"(or set {SCENARIO_ENV} to a scenario file).")
        try:
            return solara.reactive(DashboardModel(load_scenario(path))), None
        except (ScenarioError, OSError) as exc:
            return None, str(exc)

    model, error = solara.use_memo(build, [path])
    if error:
        return solara.Error(error)
    return Dashboard(model)


def free_port(host: str, port: int) -> int:
    """``port`` if it can be listened on at ``host`` now (0: a free port); OSError if not."""
    with socket.create_server((host, port)) as probe:
        return probe.getsockname()[1]


def serve(path: str | os.PathLike, host: str = "127.0.0.1", port: int = 8765,
          open_browser: bool = True) -> None:
    """Serve the dashboard of the scenario file ``path`` with solara's server until Ctrl-C;
    prints the address first. Check the port with :func:`free_port` beforehand."""
    os.environ[SCENARIO_ENV] = str(Path(path).resolve())
    print(f"Dashboard of {Path(path).name}: http://{host}:{port}  (Ctrl-C to stop)", flush=True)
    import click
    import solara.server.settings as server_settings
    from solara.__main__ import run as solara_run

    server_settings.theme.title = f"cartel-sim: {Path(path).stem}"  # the browser tab's
    server_settings.theme.show_banner = False  # solara's badge would cover the summary
    # solara warns that a page served over http from 127.0.0.1 (not "localhost") cannot set a
    # cookie for embedding in another site's frame: true, and beside the point here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none", category=UserWarning)
    try:
        solara_run.main([f"{__name__}:Page", "--host", host, "--port", str(port), "--production",
                         "--no-check-version", "--open" if open_browser else "--no-open"],
                        prog_name="cartel-sim viz", standalone_mode=False)
    except (KeyboardInterrupt, click.exceptions.Abort):  # Ctrl-C: the server has shut down
        pass
    print("Dashboard stopped.", flush=True)
