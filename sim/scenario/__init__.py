"""Scenario files: the TOML format as pydantic models, reading, checking and describing it.

Modules, each with one job (imports go down this list, never up):

- :mod:`.errors`: :class:`ScenarioError`, one line per problem;
- :mod:`.fields`: the base of every section, number fields, name patterns, name references;
- :mod:`.parameters`: :class:`Parameters`, the model-wide rates (``[parameters]``);
- :mod:`.paths`: dotted paths such as ``plazas[name=La Paz].population``;
- :mod:`.event_base`: the base of every kind of event, and what kinds share;
- :mod:`.dated_changes`: split, defect, intensity and plaza_change events, yearly series;
- :mod:`.events`: one class per kind of event (a union on ``kind``), triggers;
- :mod:`.timeline`: event names checked in date order, yearly series within the run;
- :mod:`.messages`: pydantic's errors as the user's field paths, with a fix each;
- :mod:`.schema`: the sections, :class:`Scenario` and its checks, :func:`validate`,
  :func:`json_schema`;
- :mod:`.loading`: :func:`load_scenario`: files, ``base`` chains, ``overrides``, ``remove``;
- :mod:`.docs`: the field reference, ``python -m sim.scenario.docs > docs/scenario.md``.
"""

from .dated_changes import Defect, IntensityChange, PlazaChange, Split
from .errors import ScenarioError
from .events import (
    Alliance,
    BreakAlliance,
    Enter,
    Event,
    EventSpec,
    FederalDeployment,
    LeaderRemoved,
    ParameterChange,
    PolicePurge,
    Trigger,
    Truce,
    War,
    apply_parameter_event,
    parse_when,
)
from .loading import load_scenario
from .parameters import Parameters
from .paths import PathError
from .schema import (
    Cell,
    Organization,
    Plaza,
    Police,
    Relation,
    Scenario,
    Simulation,
    json_schema,
    validate,
)

__all__ = ["Alliance", "BreakAlliance", "Cell", "Defect", "Enter", "Event", "EventSpec",
           "IntensityChange", "PlazaChange", "Split",
           "FederalDeployment", "LeaderRemoved", "Organization", "ParameterChange",
           "Parameters", "PathError", "Plaza", "Police", "PolicePurge", "Relation", "Scenario",
           "ScenarioError", "Simulation", "Trigger", "Truce", "War", "apply_parameter_event",
           "json_schema", "load_scenario", "parse_when", "validate"]
