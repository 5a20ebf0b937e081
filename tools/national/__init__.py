"""Mexico at national scale: the 150 organizations of Prieto-Curiel, Campedelli & Hope
(Science 2023) read from their data, the paper's construction, and the scenarios built on it.

A build tool, not part of the ``sim`` package: it reads scenarios/data/ from the repository
and writes scenarios/mexico_2012*.toml (``python tools/build_national.py``). Every
construction choice lives here, so that the builder, the test suite's ODE oracle
(``tests/national_ode.py``) and the README's figures use the same ones (docs/model.md,
"Reduction to the national model" and "The national scenario"):

- :mod:`.network`: organizations, rivalry and alliance weights, Zipf members, the model's
  relations, the paper's conflict matrix K;
- :mod:`.geography`: where organizations are, state borders, state homicides 2012-2013;
- :mod:`.configurations`: the mean-field and spatial scenarios;
- :mod:`.files`: the generated TOML files (:func:`build`);
- :mod:`.series`: a run's national weekly and yearly series, binned as the paper's;
- :mod:`.shares`: shares of homicides by state, simulated and observed, compared.
"""

from .configurations import (
    BACKGROUND_SHARE,
    MEAN_FIELD_PARAMETERS,
    SPATIAL_PARAMETERS,
    WAR_SCALE,
    mean_field_scenario,
    spatial_scenario,
)
from .files import GENERATED, build, mean_field_toml, spatial_toml, to_toml
from .geography import (
    FIT_YEARS,
    RECORDED_SHARE,
    background_rates,
    locations,
    neighbours,
    placed_members,
    read_borders,
    read_presence,
    read_state_homicides,
)
from .network import (
    DAYS_10_YEARS,
    DAYS_20_YEARS,
    ETA_WEEK,
    MEMBERS_2012,
    OMEGA_WEEK,
    RHO_WEEK,
    SCENARIO_DIR,
    START,
    STEP_DAYS,
    THETA_WEEK,
    Network,
    k_matrix,
    largest_remainder,
    model_relations,
    read_network,
    read_states,
    zipf_members,
    zipf_ranks,
)
from .series import MEMBER_DEATH_TYPES, annual, steps, weekly
from .shares import (
    compare,
    homicides_by_state,
    mean_shares,
    observed_shares,
    population_shares,
    shares,
)

__all__ = [
    "DAYS_10_YEARS", "DAYS_20_YEARS", "ETA_WEEK", "GENERATED", "BACKGROUND_SHARE",
    "FIT_YEARS", "RECORDED_SHARE", "background_rates", "locations", "neighbours",
    "placed_members", "read_borders", "read_presence", "read_state_homicides",
    "compare", "homicides_by_state", "mean_shares", "observed_shares", "population_shares", "shares",
    "MEAN_FIELD_PARAMETERS", "MEMBERS_2012", "MEMBER_DEATH_TYPES", "OMEGA_WEEK", "RHO_WEEK",
    "SCENARIO_DIR", "SPATIAL_PARAMETERS", "START", "STEP_DAYS", "THETA_WEEK", "WAR_SCALE",
    "Network", "annual", "build", "k_matrix", "largest_remainder", "mean_field_scenario",
    "mean_field_toml", "model_relations", "read_network", "read_states",
    "spatial_scenario", "spatial_toml", "steps", "to_toml", "weekly", "zipf_members",
    "zipf_ranks",
]
