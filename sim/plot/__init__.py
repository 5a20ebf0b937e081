"""Figures of runs and sweeps, with matplotlib only.

Every ``plot_*`` function draws on ``ax`` (new axes on a new pyplot figure when None, for
notebooks) and returns it; none calls ``plt.show()`` or changes rcParams. Colours are fixed
per organization across every figure (:func:`organization_colors`), plazas sit at the same
place on every map (:func:`plaza_positions`): both in :mod:`sim.plot.style`, which the
dashboard (:mod:`sim.viz`) uses too.

    import sim, sim.plot
    runs = sim.run_many(sim.load_scenario("scenarios/bcs_2014.toml"), seeds=range(20))
    sim.plot.plot_homicides(runs, freq="month", by="type")
    sim.plot.summary_figure(runs[0]).savefig("summary.png")

Modules: ``style`` (colours, plaza layout, date axes, legends), ``homicides``, ``network``
(the plaza map), ``timelines`` (control, strength), ``sweeps`` (response surface,
sensitivity), ``compare`` (scenarios side by side, with :mod:`sim.compare`'s result), ``figures`` (whole figures and files).
"""

from .compare import plot_compare
from .figures import run_figures, save_figure, summary_figure, sweep_figures
from .homicides import plot_homicides
from .network import plot_network
from .style import (
           NOBODY,
           PALETTE,
           TYPE_COLORS,
           organization_colors,
           parameter_label,
           plaza_positions,
)
from .sweeps import plot_response_surface, plot_sensitivity
from .timelines import plot_control, plot_strength

__all__ = ["NOBODY", "PALETTE", "TYPE_COLORS", "organization_colors", "parameter_label",
           "plaza_positions", "plot_compare", "plot_control", "plot_homicides", "plot_network", "plot_response_surface", "plot_sensitivity", "plot_strength",
           "run_figures", "save_figure", "summary_figure", "sweep_figures"]
