"""The scenario file format as pydantic models: the sections, the :class:`Scenario` that
holds them with its checks across sections, :func:`validate` and the :func:`json_schema`
of a file (with the keys only files have, :mod:`sim.scenario.file_keys`).

A scenario file is data only; nothing in it is executed. Each section checks its own fields
(bounds, units in the descriptions); the Scenario checks names, references and the timeline.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import tomli_w
from pydantic import Field, PrivateAttr, ValidationError, field_validator, model_validator

from .dated_changes import Background, YearSeries
from .errors import Problem, ScenarioError, raise_problems
from .events import EventSpec, ParameterChange, Trigger, apply_parameter_event
from .fields import (
    COLOR_PATTERN,
    COUNT_MAX,
    DATE_MAX,
    DATE_MIN,
    DAYS_MAX,
    NAME_PATTERN,
    POPULATION_MAX,
    STEP_DAYS_MIN,
    OrganizationName,
    OrganizationOrNobody,
    PlazaName,
    PoliceKind,
    Section,
    money,
    name_fields,
    nonneg,
    share,
)
from .file_keys import FileKeys
from .ids import colliding_keys, collision_fix
from .messages import error_lines
from .parameters import Parameters
from .paths import PathError, set_value
from .patronage import PatronageChecks
from .timeline import check_event_names, check_yearly_series, reserved_name_problem, unknown_name


class Simulation(Section):
    """The simulated period and how it is cut into steps."""
    start: dt.date = Field(..., description=f"first recorded day, e.g. 2013-01-01; from "
                           f"{DATE_MIN} on, and start + days at most {DATE_MAX}, the dates the "
                           "output tables can hold (date)")
    days: int = Field(..., gt=0, le=DAYS_MAX,
                      description="number of simulated days from start (days)")
    step_days: float = Field(
        1.0, ge=STEP_DAYS_MIN, le=DAYS_MAX,
        description="length of a step; steps = ceil(days / step_days) (days)")
    spin_up_days: int = Field(
        0, ge=0, le=DAYS_MAX, description="days simulated before start and not recorded (days)")
    spare_organizations: int = Field(
        8, ge=0, le=100_000, description="at most this many splinter organizations can form in "
        "a run; a split beyond it does not happen (organizations)")
    spare_cells: int = Field(
        64, ge=0, le=10**9, description="at most this many local cells can be hired in a run; a "
        "hire beyond it does not happen (entries have rows of their own) (cells)")

    @model_validator(mode="after")
    def _check_dates(self) -> Simulation:
        """The recorded period lies within the dates the output tables can hold."""
        fix = f"the output tables hold dates from {DATE_MIN} to {DATE_MAX}"
        problems = []
        if self.start < DATE_MIN:
            problems.append((("start",), f"{self.start} is too early; {fix}: use a later start"))
        elif (DATE_MAX - self.start).days < self.days:
            most = (DATE_MAX - self.start).days
            problems.append((("days",), f"start + days ends after {DATE_MAX}; {fix}: use at most "
                             f"{most} days, or an earlier start"))
        raise_problems(problems)
        return self


class Organization(PatronageChecks):
    """A cartel or other trafficking organization."""
    name: str = Field(..., min_length=1, description="unique name, used by references (text)")
    color: str | None = Field(
        None, description='colour in every figure: "#rrggbb" or a matplotlib colour name such '
        'as "tab:blue" or "darkred" (colour)')
    treasury: float = money(0.0, "money at the start (pesos)")
    aggression: float = share(0.3, "propensity to attack (share, 0-1)")
    wage_per_member_day: float = money(0.0, "pay of one member (pesos per member per day)")
    bribe_share: float = share(
        0.1, "share of the treasury budgeted for police pay per 30 days; a unit is bought "
        "only if the daily budget covers its price on top of the police already paid (share)")
    leader_alive: bool = Field(
        True, description="whether the leader is free and alive at the start (true/false)")
    reserve: int = Field(0, ge=0, le=COUNT_MAX, description="members outside the modelled "
                         "plazas, brought in while at war (mobilization_rate) (members)")
    patron: OrganizationOrNobody = Field("", description='organization paying it as a client, '
                                         '"" for none; at the start an ally of it and at war '
                                         "with its enemies unless relations say otherwise "
                                         "(organization name)")
    stipend_per_day: float = money(0.0, "what the patron pays it while it can (pesos per day)")
    outside_income_per_day: float = money(0.0, "earned outside the modelled plazas (e.g. "
                                          "national trafficking): revenue (pesos per day)")

    @field_validator("color")
    @classmethod
    def _check_color(cls, value: str | None) -> str | None:
        """A colour matplotlib can draw; names are looked up only when not "#rrggbb"."""
        if value is None or re.fullmatch(COLOR_PATTERN, value):
            return value
        from matplotlib import colors  # imported only for a named colour

        if colors.is_color_like(value):
            return value
        close = difflib.get_close_matches(value, list(colors.get_named_colors_mapping()), n=1)
        hint = f"did you mean '{close[0]}'? Or write" if close else "write"
        raise ValueError(f"'{value}' is not a colour; {hint} \"#rrggbb\" (e.g. \"#1f77b4\") "
                         "or a matplotlib colour name (e.g. \"tab:blue\", \"darkred\")")


class Plaza(Section):
    """A local trafficking territory: a town or municipality on the route network."""
    name: str = Field(..., min_length=1, description="unique name, used by references (text)")
    population: int = Field(..., ge=0, le=POPULATION_MAX, description="inhabitants (people)")
    value_per_day: float = money(0.0, "revenue to the controller (pesos per day)")
    lat: float | None = Field(None, ge=-90, le=90, description="latitude, for maps (degrees)")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude, for maps (degrees)")
    neighbours: list[PlazaName] = Field(
        [], description="plazas linked by a route; links are symmetric, so listing one side "
        "is enough (plaza names)")
    controller: OrganizationOrNobody = Field(
        "", description='organization in control at the start, "" for nobody (organization name)')
    boss_alive: bool = Field(
        True, description="whether the controller's plaza boss is alive at the start (true/false)")
    background_homicides_per_100k_year: float | None = Field(
        None, ge=0, le=100_000, description="replaces the parameter of that name for this plaza "
        "(per 100,000 people per year)")
    population_by_year: YearSeries[Annotated[int, Field(ge=0, le=POPULATION_MAX)]] = Field(
        {}, description="inhabitants from 1 January of each year, e.g. {2007 = 1250000, 2010 = "
        "1332131}; a year before the start applies from the start (year = people)")
    background_by_year: YearSeries[Background] = Field(
        {}, description="background homicides from 1 January of each year, e.g. {2007 = 8.0} "
        "(year = per 100,000 people per year)")

class Cell(Section):
    """A local armed group working for one organization in one plaza.

    Cells keep the file's order in memory: a large scenario (100,000 cells and more) runs
    about twice as fast with its cells listed plaza by plaza."""
    organization: OrganizationName = Field(..., description="organization it works for (organization name)")
    plaza: PlazaName = Field(..., description="plaza where it operates (plaza name)")
    members: int = Field(..., ge=0, le=COUNT_MAX,
                         description="armed members at the start (members)")
    firepower: float = nonneg(1.0, "firepower of one member (firepower units per member)")
    loyalty: float = share(0.8, "loyalty to the organization (share, 0-1)")
    local: bool = Field(False, description="a subcontracted local cell, less loyal (true/false)")
    name: str = Field(
        "", description="optional unique label; the stable id is organization/plaza/name (text)")


class Police(Section):
    """A police unit in one plaza, clean or on an organization's payroll; an army unit is
    never on a payroll and never bought."""
    plaza: PlazaName = Field(..., description="plaza where it serves (plaza name)")
    kind: PoliceKind = Field(..., description="level of government (kind)")
    officers: int = Field(..., ge=0, le=COUNT_MAX, description="officers at the start (officers)")
    integrity: float = share(0.7, "resistance to bribes (share, 0-1)")
    payroll: OrganizationOrNobody = Field(
        "", description='organization paying it at the start, "" for clean (organization name)')
    effectiveness: float = nonneg(1.0, "arrest effectiveness relative to a usual unit (factor)")
    name: str = Field("", description="optional unique label (text)")

    @model_validator(mode="after")
    def _army_unbought(self) -> Police:
        """An army unit cannot start on a payroll (it is never bought)."""
        if self.kind == "army" and self.payroll:
            raise_problems([(("payroll",), (
                f"an army unit is never on a payroll (got payroll = '{self.payroll}'); remove "
                "payroll, or make the unit municipal, state or federal police"))])
        return self


class Relation(Section):
    """The starting relation of a pair of organizations. Pairs not listed are neutral."""
    between: list[OrganizationName] = Field(
        ..., min_length=2, max_length=2, description="the two organizations (organization names)")
    state: Literal["war", "neutral", "ally"] = Field(
        ..., description="relation at the start (state)")
    intensity: float = nonneg(1.0, "at war: clash-rate factor; allied: the alliance's weight "
                               "in ally_shielding (factor)")


class Scenario(Section):
    """A complete scenario, as read from a file by :func:`load_scenario`."""
    name: str = Field(
        ..., pattern=NAME_PATTERN, description="short name: letters, digits, '_' and '-' (text)")
    description: str = Field("", description="what the scenario represents (text)")
    simulation: Simulation = Field(..., description="the [simulation] table (table)")
    parameters: Parameters = Field(
        default_factory=Parameters, description="the [parameters] table (table)")
    organizations: list[Organization] = Field([], description="[[organizations]] entries (tables)")
    plazas: list[Plaza] = Field([], description="[[plazas]] entries (tables)")
    cells: list[Cell] = Field([], description="[[cells]] entries (tables)")
    police: list[Police] = Field([], description="[[police]] entries (tables)")
    relations: list[Relation] = Field([], description="[[relations]] entries (tables)")
    events: list[EventSpec] = Field([], description="[[events]] entries (tables)")
    triggers: list[Trigger] = Field([], description="[[triggers]] entries (tables)")
    _source_files: list[Path] = PrivateAttr(default_factory=list)
    _source_sha256: dict[str, str] = PrivateAttr(default_factory=dict)

    def __eq__(self, other: object) -> bool:
        """Equal content; where the scenarios were read from does not count."""
        return isinstance(other, Scenario) and self.model_dump() == other.model_dump()

    @property
    def n_steps(self) -> int:
        """Number of recorded steps, ceil(days / step_days)."""
        return math.ceil(round(self.simulation.days / self.simulation.step_days, 9))

    @property
    def end(self) -> dt.date:
        """The first day after the simulated period, start + days (events come before it)."""
        return self.simulation.start + dt.timedelta(days=self.simulation.days)

    @property
    def source_files(self) -> list[Path]:
        """The files this scenario was read from: the file itself, then its base files."""
        return list(self._source_files)

    @property
    def source_sha256(self) -> dict[str, str]:
        """SHA-256 of the bytes of each source file, by path."""
        return dict(self._source_sha256)

    def side(self, organization: str) -> set[str]:
        """The organization and its clients (the organizations whose ``patron`` it is)."""
        return {organization} | {o.name for o in self.organizations
                                 if o.patron == organization}

    def neighbour_pairs(self) -> list[tuple[int, int]]:
        """Sorted unique (i, j) plaza index pairs, i < j, of the symmetric neighbour links."""
        row = {p.name: i for i, p in enumerate(self.plazas)}
        return sorted({tuple(sorted((i, row[n])))
                       for i, p in enumerate(self.plazas) for n in p.neighbours})

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        """Names unique, references known, relations distinct, events within the period."""
        problems = [*self._check_names(), *self._check_links(), *self._check_pairs(),
                    *self._check_timeline(), *self._check_parameter_events(),
                    *check_yearly_series(self)]
        raise_problems(problems)  # events are in the run, so their order is known
        problems = list(check_event_names(self))
        raise_problems(problems)  # the ids below are those of known names only
        problems = list(self._check_ids())
        raise_problems(problems)
        return self

    def _check_names(self) -> Iterator[Problem]:
        """Organization and plaza names unique; cell and police names unique when given."""
        for section in ("organizations", "plazas", "cells", "police"):
            first: dict[str, int] = {}
            for i, item in enumerate(getattr(self, section)):
                if item.name and item.name in first:
                    yield (section, i, "name"), (
                        f"the name '{item.name}' is already used by {section}[{first[item.name]}];"
                        " give each entry a different name")
                first.setdefault(item.name, i)
        for i, org in enumerate(self.organizations):
            if reserved := reserved_name_problem(org.name):
                yield ("organizations", i, "name"), reserved

    def _check_ids(self) -> Iterator[Problem]:
        """No two entities share a stable id, hence their random draws (:mod:`.ids`)."""
        for loc, first, key in colliding_keys(self):
            where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                            for part in first).lstrip(".")
            yield loc, (f"gets the same stable id as {where} (both are '{key}'), so the two "
                        f"would share their random draws; {collision_fix(key)}")

    def _check_links(self) -> Iterator[Problem]:
        """Every field marked with :class:`~.fields.Names` names a known organization or plaza."""
        known = {"organization": [o.name for o in self.organizations],
                 "plaza": [p.name for p in self.plazas]}
        for section in type(self).model_fields:
            items = getattr(self, section)
            for i, item in enumerate(items if isinstance(items, list) else []):
                for field, names in name_fields(type(item)):
                    if section == "events" and names.section == "organization":
                        continue  # checked in date order (.timeline)
                    value = getattr(item, field)
                    listed = [((), value)] if isinstance(value, str) else (
                        [((k,), v) for k, v in enumerate(value)] if isinstance(value, list)
                        else [])
                    for where, name in listed:
                        if name not in known[names.section] and not (names.nobody and name == ""):
                            yield ((section, i, field, *where),
                                   unknown_name(names.section, name, known[names.section]))

    def _check_pairs(self) -> Iterator[Problem]:
        """No plaza is its own neighbour; relations name two organizations, each pair once."""
        for i, p in enumerate(self.plazas):
            if p.name in p.neighbours:
                yield (("plazas", i, "neighbours", p.neighbours.index(p.name)),
                       "a plaza cannot be its own neighbour; remove it")
        seen: dict[frozenset, int] = {}
        for i, r in enumerate(self.relations):
            pair = frozenset(r.between)
            if len(pair) == 1:
                yield ("relations", i, "between"), "names one organization twice; name two"
            elif pair in seen:
                yield ("relations", i, "between"), (
                    f"this pair is already given in relations[{seen[pair]}]; keep one entry")
            seen.setdefault(pair, i)

    def _check_timeline(self) -> Iterator[Problem]:
        """Events happen within the simulated period."""
        start, last, n = self.simulation.start, self.end - dt.timedelta(days=1), self.n_steps
        fix = f"use a day from {start} to {last}, or change start or days in [simulation]"
        for i, e in enumerate(self.events):
            if e.day is not None and e.day < start:
                yield ("events", i, "day"), f"{e.day} is before the start ({start}); {fix}"
            elif e.day is not None and e.day > last:
                yield ("events", i, "day"), f"{e.day} is after the last day ({last}); {fix}"
            if e.step is not None and e.step >= n:
                yield ("events", i, "step"), (f"step {e.step} is after the last step ({n - 1}); "
                                              f"use a step from 0 to {n - 1}, or lengthen the "
                                              "simulation")

    def _check_parameter_events(self) -> Iterator[Problem]:
        """'parameters' events, applied in time order, leave every parameter valid (the
        events themselves are valid here: their names are known, their times given)."""
        parameters = self.parameters
        order = sorted(range(len(self.events)), key=lambda i: (self.events[i].resolved_step(self), i))
        for i in order:
            event = self.events[i]
            if not isinstance(event, ParameterChange):
                continue
            try:
                parameters = apply_parameter_event(parameters, event)
            except ValidationError as err:
                for e in err.errors():
                    name = e["loc"][0]
                    field = "scale" if name in event.scale else "values"
                    yield ("events", i, field, name), (
                        f"would make {name} {e['input']!r}, which is not allowed: {e['msg']}; "
                        "change the value or factor (docs/scenario.md gives each parameter's "
                        "range)")

    def with_overrides(self, mapping: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with each dotted path set to its value (at every match)."""
        origin = str(self._source_files[0]) if self._source_files else f"scenario '{self.name}'"
        label, data = f"{origin} with overrides", self.model_dump(mode="python")
        for path, value in mapping.items():
            try:
                set_value(data, path, value)
            except PathError as exc:
                raise ScenarioError(f"{label}: {exc}") from None
        new = validate(data, label)
        new._source_files, new._source_sha256 = self.source_files, self.source_sha256
        return new

    def to_toml(self, path: str | os.PathLike | None = None) -> str:
        """TOML of the fully resolved scenario (no base); also written to ``path`` if given."""
        text = (f"# scenario '{self.name}', fully resolved (no base, overrides or remove)\n"
                + tomli_w.dumps(self.model_dump(mode="python", exclude_none=True)))
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text


def json_schema() -> dict:
    """JSON Schema of a scenario file (the Scenario model plus base, overrides and remove).

    No top-level section is required: a variant file takes them from its ``base``
    (``load_scenario`` checks the merged result).
    """
    schema = Scenario.model_json_schema()
    schema["properties"] = {**schema["properties"], **FileKeys.model_json_schema()["properties"]}
    schema.pop("required", None)
    return schema


def validate(data: dict, label: str) -> Scenario:
    """A Scenario from a table (``label``: the file it came from), or a ScenarioError
    listing every problem, one line each."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*error_lines(exc, data, label, Scenario, FileKeys)) from None
