"""The interactive dashboard: a Mesa SolaraViz page for one scenario (``cartel-sim viz``).

It shows the plaza map (colour: controller; size: homicides so far; dashed ring: contested),
the homicides so far per week (per month for runs over three years) by type, the members of
each organization over time, and a summary of the run. SolaraViz gives the play / step /
reset controls and the sliders: the seed and five parameters of docs/model.md §8. A slider
takes effect when Reset rebuilds the model (:class:`DashboardModel`, from keyword arguments).
Each view is a figure drawn by :mod:`sim.plot`'s functions (the static figures' colours and
plaza layout) on the tables so far, sent as SVG, drawn again after each Step.

From the command line::

    cartel-sim viz scenarios/bcs_2014.toml            # opens http://127.0.0.1:8765

In a notebook::

    from sim.viz import DashboardModel, dashboard
    dashboard(DashboardModel(sim.load_scenario("scenarios/bcs_2014.toml"), seed=7))

Modules: ``model`` (the model SolaraViz builds, the sliders), ``views`` (the figures and the
summary), ``server`` (the page and the server). Needs the ``viz`` extra (``pip install
'cartel-sim[viz]'``: Mesa's solara stack). The browser's JavaScript comes from the
``solara-assets`` package installed with it, so the page works offline.
"""

import os

# A research tool should not report usage from the researcher's machine: switch solara's
# telemetry off unless the user asked for it (read when solara is first imported).
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

from .model import SLIDERS, STEPS_PER_CLICK, DashboardModel, steps_per_click  # noqa: E402
from .server import SCENARIO_ENV, Dashboard, Page, dashboard, free_port, serve  # noqa: E402

__all__ = ["SCENARIO_ENV", "SLIDERS", "STEPS_PER_CLICK", "Dashboard", "DashboardModel", "Page",
           "dashboard", "free_port", "serve", "steps_per_click"]
