"""Scenario files: the TOML format as pydantic models, and its validation.

A scenario file is data only; nothing in it is executed. :class:`Scenario` and its sections
check every field (bounds, units in the descriptions), every cross-reference and the
timeline. :mod:`sim.loading` reads files (with ``base`` inheritance) into a Scenario and
reports every problem at once in a :class:`ScenarioError`; :mod:`sim.paths` reads dotted
paths (``plazas[name=La Paz].population``); :mod:`sim.scenario_docs` renders the field reference
(docs/scenario.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import math
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, get_args

import tomli_w
from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .parameters import Parameters, _nonneg, _Section, _share
from .paths import PathError, set_value

__all__ = ["Simulation", "Parameters", "Organization", "Plaza", "Cell", "Police", "Relation",
           "Event", "Trigger", "Scenario", "ScenarioError", "parse_when", "json_schema"]

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
PoliceKind = Literal["municipal", "state", "federal"]
POLICE_KINDS = get_args(PoliceKind)
RESERVED_ACTORS = ("police", "civilian", "unknown")  # perpetrators and victims in the tables
SPLINTER_NAME = re.compile(r".+ splinter \d+")  # names the model gives splinters
_WHEN = re.compile(r"\s*homicides_(\d+)d\s*(>=|<=|==|>|<)\s*"
                   r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*")

Problem = tuple[tuple, str]
"""A problem found by a validator: (location relative to the model, message)."""


class ScenarioError(ValueError):
    """A scenario that cannot be used. One line per problem: ``file: field path: what; fix``."""

    def __init__(self, *problems: str):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class _Problems(ValueError):
    """Problems found by a model validator; pydantic passes it on in the error's context."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


class Simulation(_Section):
    """The simulated period and how it is cut into steps."""
    start: dt.date = Field(..., description="first recorded day, e.g. 2013-01-01 (date)")
    days: int = Field(..., gt=0, description="number of simulated days from start (days)")
    step_days: float = Field(
        1.0, gt=0, description="length of a step; steps = ceil(days / step_days) (days)")
    spin_up_days: int = Field(
        0, ge=0, description="days simulated before start and not recorded (days)")
    spare_organizations: int = Field(
        8, ge=0, description="at most this many splinter organizations can form in a run; "
        "a split beyond it does not happen (organizations)")
    spare_cells: int = Field(
        64, ge=0, description="at most this many local cells can be hired in a run; a hire "
        "beyond it does not happen (entries have rows of their own) (cells)")


class Organization(_Section):
    """A cartel or other trafficking organization."""
    name: str = Field(..., min_length=1, description="unique name, used by references (text)")
    color: str | None = Field(
        None, description='colour in every figure: "#rrggbb" or a matplotlib colour name such '
        'as "tab:blue" or "darkred" (colour)')
    treasury: float = _nonneg(0.0, "money at the start (pesos)")
    aggression: float = _share(0.3, "propensity to attack (share, 0-1)")
    wage_per_member_day: float = _nonneg(0.0, "pay of one member (pesos per member per day)")
    bribe_share: float = _share(
        0.1, "share of the treasury budgeted for police pay per 30 days; a unit is bought "
        "only if the daily budget covers its price on top of the police already paid (share)")
    leader_alive: bool = Field(
        True, description="whether the leader is free and alive at the start (true/false)")

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


class Plaza(_Section):
    """A local trafficking territory: a town or municipality on the route network."""
    name: str = Field(..., min_length=1, description="unique name, used by references (text)")
    population: int = Field(..., ge=0, description="inhabitants (people)")
    value_per_day: float = _nonneg(0.0, "revenue to the controller (pesos per day)")
    lat: float | None = Field(None, ge=-90, le=90, description="latitude, for maps (degrees)")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude, for maps (degrees)")
    neighbours: list[str] = Field(
        [], description="plazas linked by a route; links are symmetric, so listing one side "
        "is enough (plaza names)")
    controller: str = Field(
        "", description='organization in control at the start, "" for nobody (organization name)')
    boss_alive: bool = Field(
        True, description="whether the controller's plaza boss is alive at the start (true/false)")
    background_homicides_per_100k_year: float | None = Field(
        None, ge=0, description="replaces the parameter of that name for this plaza "
        "(per 100,000 people per year)")


class Cell(_Section):
    """A local armed group working for one organization in one plaza.

    Cells keep the file's order in memory: a large scenario (100,000 cells and more) runs
    about twice as fast with its cells listed plaza by plaza."""
    organization: str = Field(..., description="organization it works for (organization name)")
    plaza: str = Field(..., description="plaza where it operates (plaza name)")
    members: int = Field(..., ge=0, description="armed members at the start (members)")
    firepower: float = _nonneg(1.0, "firepower of one member (firepower units per member)")
    loyalty: float = _share(0.8, "loyalty to the organization (share, 0-1)")
    local: bool = Field(False, description="a subcontracted local cell, less loyal (true/false)")
    name: str = Field(
        "", description="optional unique label; the stable id is organization/plaza/name (text)")


class Police(_Section):
    """A police unit in one plaza, clean or on an organization's payroll."""
    plaza: str = Field(..., description="plaza where it serves (plaza name)")
    kind: PoliceKind = Field(..., description="level of government (kind)")
    officers: int = Field(..., ge=0, description="officers at the start (officers)")
    integrity: float = _share(0.7, "resistance to bribes (share, 0-1)")
    payroll: str = Field(
        "", description='organization paying it at the start, "" for clean (organization name)')
    effectiveness: float = _nonneg(1.0, "arrest effectiveness relative to a usual unit (factor)")
    name: str = Field("", description="optional unique label (text)")


class Relation(_Section):
    """The starting relation of a pair of organizations. Pairs not listed are neutral."""
    between: list[str] = Field(
        ..., min_length=2, max_length=2, description="the two organizations (organization names)")
    state: Literal["war", "neutral", "ally"] = Field(
        ..., description="relation at the start (state)")
    intensity: float = _nonneg(1.0, "at war: clash-rate factor; allied: the alliance's weight "
                               "in ally_shielding (factor)")


_REQUIRED = "required"
EVENT_FIELDS: dict[str, dict[str, Any]] = {
    "alliance": {"members": _REQUIRED, "against": []},
    "break_alliance": {"members": _REQUIRED},
    "war": {"members": _REQUIRED},
    "truce": {"members": _REQUIRED},
    "leader_removed": {"organization": _REQUIRED},
    "federal_deployment": {"plazas": _REQUIRED, "officers": 100, "duration_days": 180,
                           "effectiveness": 2.0, "integrity": 0.95},
    "police_purge": {"plazas": None, "kinds": list(POLICE_KINDS), "integrity": None},
    "enter": {"organization": _REQUIRED, "plazas": _REQUIRED, "members": _REQUIRED,
              "local": False, "firepower": 1.0, "loyalty": 0.8},
    "parameters": {"values": {}, "scale": {}},
}
"""For each kind of event, the fields it uses and their defaults (None: optional, no default)."""

_ORG_COUNTS = {"alliance": (2, False), "break_alliance": (2, False), "war": (2, True),
               "truce": (2, True)}
"""For each kind of event with organizations in ``members``: (how many, exactly or at least)."""


class Event(_Section):
    """Something that happens on a given day or step. Which fields apply depends on ``kind``.

    Fields a kind does not use are errors; defaults of the kind are filled in when validated.
    ``police_purge`` without ``plazas`` applies to every plaza."""
    kind: Literal["alliance", "break_alliance", "war", "truce", "leader_removed",
                  "federal_deployment", "police_purge", "enter", "parameters"] = Field(
        ..., description="what happens (kind)")
    day: dt.date | None = Field(
        None, description="day it happens; give day or step, not both (date)")
    step: int | None = Field(
        None, ge=0, description="step it happens at, from 0; give day or step, not both (step)")
    members: list[str] | int | None = Field(
        None, union_mode="left_to_right", description="alliance, break_alliance: 2 or more "
        "organizations; war, truce: exactly 2; enter: members of each new cell "
        "(organization names, or members per plaza)")
    against: list[str] | None = Field(
        None, description="alliance: organizations every member goes to war with, default none "
        "(organization names)")
    organization: str | None = Field(
        None, description="leader_removed, enter: the organization (organization name)")
    plazas: list[str] | None = Field(
        None, description="federal_deployment, enter: where, 1 or more; police_purge: where, "
        "default every plaza (plaza names)")
    officers: int | None = Field(
        None, gt=0, description="federal_deployment: officers per plaza, default 100 (officers)")
    duration_days: int | None = Field(
        None, gt=0, description="federal_deployment: how long forces stay, default 180 (days)")
    effectiveness: float | None = Field(
        None, ge=0, description="federal_deployment: arrest effectiveness, default 2.0 (factor)")
    integrity: float | None = Field(
        None, ge=0, le=1, description="federal_deployment: integrity of the forces, default "
        "0.95; police_purge: new integrity of purged units, optional (share, 0-1)")
    kinds: list[PoliceKind] | None = Field(
        None, description="police_purge: kinds of unit purged, default all three (kinds)")
    local: bool | None = Field(
        None, description="enter: the new cells are local, default false (true/false)")
    firepower: float | None = Field(
        None, ge=0, description="enter: firepower of the new cells, default 1.0 "
        "(firepower units per member)")
    loyalty: float | None = Field(
        None, ge=0, le=1, description="enter: loyalty of the new cells, default 0.8 (share, 0-1)")
    values: dict[str, float] | None = Field(
        None, description="parameters: new values from this step on, e.g. values = "
        "{national_arrests_per_day = 30.0} (parameter name = value)")
    scale: dict[str, float] | None = Field(
        None, description="parameters: factors applied to the current values from this step "
        "on, e.g. scale = {recruit_rate = 0.5} (parameter name = factor)")

    @field_validator("members", mode="before")
    @classmethod
    def _members_type(cls, value: Any, info: ValidationInfo) -> Any:
        """Members are organization names, except for ``enter`` where they are a count."""
        kind = info.data.get("kind")
        if kind is None:  # the kind is wrong, and reported: members cannot be checked
            return None
        if value is None:
            return value
        if kind == "enter" and (isinstance(value, bool) or not isinstance(value, int)):
            raise ValueError("for an 'enter' event, members is the number of members of each "
                             "new cell, a whole number such as members = 10")
        names = isinstance(value, list) and all(isinstance(v, str) for v in value)
        if kind != "enter" and not names:
            raise ValueError('members must be a list of organization names, '
                             'e.g. members = ["BLO", "Zetas"]')
        return value

    @model_validator(mode="after")
    def _check_kind(self) -> Event:
        """One of day/step; fields match the kind (defaults filled in); counts are right."""
        problems = [*self._check_fields(), *self._check_counts()]
        if self.day is None and self.step is None:
            problems.append((("day",), "the event has no time; add a day (e.g. day = 2014-05-01) "
                             "or a step (e.g. step = 485)"))
        elif self.day is not None and self.step is not None:
            problems.append((("step",), "the event has both a day and a step; keep only one"))
        if problems:
            raise _Problems(problems)
        return self

    def _check_fields(self) -> Iterator[Problem]:
        """Fields not used by the kind are errors, missing required ones too; fill defaults."""
        used = EVENT_FIELDS[self.kind]
        for name, field in type(self).model_fields.items():
            if name in ("kind", "day", "step"):
                continue
            value = getattr(self, name)
            if name not in used and value is not None:
                yield (name,), (f"field '{name}' is not used by events of kind '{self.kind}'; "
                                f"remove it (this kind uses: {', '.join(used)})")
            elif name in used and value is None and used[name] == _REQUIRED:
                yield (name,), (f"events of kind '{self.kind}' need '{name}'; "
                                f"add {name} = ... — {field.description}")
            elif name in used and value is None and used[name] is not None:
                setattr(self, name, copy.copy(used[name]))

    def _check_counts(self) -> Iterator[Problem]:
        """How many organizations or plazas the kind needs; no organization listed twice."""
        members, kind = self.members, self.kind
        if kind in _ORG_COUNTS and isinstance(members, list):
            need, exact = _ORG_COUNTS[kind]
            if len(members) < need or (exact and len(members) != need):
                how = "exactly" if exact else "at least"
                yield ("members",), (f"events of kind '{kind}' need {how} {need} organizations "
                                     f"in members (got {len(members)})")
            if len(set(members)) < len(members):
                yield ("members",), "an organization is listed twice; list each once"
            if set(members) & set(self.against or []):
                yield ("against",), ("an organization is both in members and in against; "
                                     "remove it from one of them")
        if kind == "enter" and isinstance(members, int) and members < 1:
            yield ("members",), f"must be at least 1 member per plaza (got {members})"
        if kind in ("federal_deployment", "enter") and self.plazas == []:
            yield ("plazas",), f"events of kind '{kind}' need at least one plaza"
        if kind == "parameters":
            yield from self._check_parameter_names()

    def _check_parameter_names(self) -> Iterator[Problem]:
        """``values`` and ``scale`` name parameters, each once, with finite numbers."""
        if not self.values and not self.scale:
            yield ("values",), ("a 'parameters' event changes nothing; give values = {name = "
                                "value} or scale = {name = factor}")
        for field in ("values", "scale"):
            for name, number in (getattr(self, field) or {}).items():
                if name not in Parameters.model_fields:
                    close = difflib.get_close_matches(name, list(Parameters.model_fields), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else (
                        "the names are those of [parameters] in docs/scenario.md")
                    yield (field, name), f"unknown parameter '{name}'; {hint}"
                elif not math.isfinite(number) or (field == "scale" and number < 0):
                    yield (field, name), (f"{number} is not a usable "
                                          f"{'factor' if field == 'scale' else 'value'}; give a "
                                          "finite number" + (" ≥ 0" if field == "scale" else ""))
        for name in set(self.values or {}) & set(self.scale or {}):
            yield ("scale", name), (f"'{name}' is both set and scaled in this event; keep one "
                                    "(or use two events)")

    def resolved_step(self, scenario: Scenario) -> int:
        """The step index of the event: ``step``, or floor((day - start) / step_days)."""
        if self.step is not None:
            return self.step
        days = (self.day - scenario.simulation.start).days
        return math.floor(round(days / scenario.simulation.step_days, 9))


def apply_parameter_event(parameters: Parameters, event: Event) -> Parameters:
    """The parameters after a ``parameters`` event: ``values`` set, ``scale`` factors applied.

    Raises pydantic's ValidationError when a result is out of bounds (e.g. a share above 1).
    """
    data = parameters.model_dump()
    data.update(event.values or {})
    for name, factor in (event.scale or {}).items():
        data[name] = data[name] * factor
    return Parameters.model_validate(data)


def parse_when(text: str) -> tuple[int, str, float]:
    """Read ``homicides_<N>d <op> <number>`` into (window_days, op, threshold); never evaluated."""
    match = _WHEN.fullmatch(text)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"cannot read the condition '{text}'; write homicides_<days>d <op> "
                         "<number>, e.g. \"homicides_30d >= 8\", with 1 or more days and op one of "
                         ">=, >, <=, <, ==")
    return int(match.group(1)), match.group(2), float(match.group(3))


class Trigger(_Section):
    """A reaction to violence: deploy federal forces when a region's homicides pass a threshold.

    ``federal_deployment`` is the only kind, and it uses every field; a new kind would get a
    field table like the events' ``EVENT_FIELDS``."""
    kind: Literal["federal_deployment"] = Field(
        ..., description="what happens when the condition holds (kind)")
    when: str = Field(
        ..., description='condition `homicides_<N>d <op> <number>`, op one of >=, >, <=, <, ==, '
        'e.g. "homicides_30d >= 8" (homicides in the last N days)')
    region: list[str] = Field(
        [], description="plazas whose homicides count; empty for every plaza (plaza names)")
    plazas: list[str] = Field(..., min_length=1, description="where forces deploy (plaza names)")
    officers: int = Field(100, gt=0, description="officers per plaza (officers)")
    duration_days: int = Field(180, gt=0, description="how long forces stay (days)")
    effectiveness: float = _nonneg(2.0, "arrest effectiveness of the forces (factor)")
    integrity: float = _share(0.95, "integrity of the forces (share, 0-1)")
    once: bool = Field(
        True, description="fire at most once; false to fire again after the forces leave "
        "(true/false)")

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: str) -> str:
        """The condition must follow the grammar (it is parsed, never evaluated)."""
        parse_when(value)
        return value

    def condition(self) -> tuple[int, str, float]:
        """(window_days, op, threshold) of ``when``, e.g. (30, ">=", 8.0)."""
        return parse_when(self.when)


_REFERENCES = [  # (section, field, what it names, "" allowed for nobody)
    ("cells", "organization", "organization", False), ("cells", "plaza", "plaza", False),
    ("police", "plaza", "plaza", False), ("police", "payroll", "organization", True),
    ("plazas", "controller", "organization", True), ("plazas", "neighbours", "plaza", False),
    ("relations", "between", "organization", False),
    ("events", "members", "organization", False), ("events", "against", "organization", False),
    ("events", "organization", "organization", False), ("events", "plazas", "plaza", False),
    ("triggers", "plazas", "plaza", False), ("triggers", "region", "plaza", False),
]
"""Every field that names an organization or a plaza."""


def _unknown(what: str, name: str, known: list[str]) -> str:
    """Message for a reference to an unknown name, with the nearest known name."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} '{name}'; did you mean '{close[0]}'?"
    listed = ", ".join(f"'{k}'" for k in known[:10]) + (", …" if len(known) > 10 else "")
    return (f"unknown {what} '{name}'; " + (f"use one of: {listed}, or " if listed else "")
            + f"add it to [[{what}s]]")


class Scenario(_Section):
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
    events: list[Event] = Field([], description="[[events]] entries (tables)")
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

    def neighbour_pairs(self) -> list[tuple[int, int]]:
        """Sorted unique (i, j) plaza index pairs, i < j, of the symmetric neighbour links."""
        row = {p.name: i for i, p in enumerate(self.plazas)}
        return sorted({tuple(sorted((i, row[n])))
                       for i, p in enumerate(self.plazas) for n in p.neighbours})

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        """Names unique, references known, relations distinct, events within the period."""
        problems = [*self._check_names(), *self._check_links(), *self._check_pairs(),
                    *self._check_timeline(), *self._check_parameter_events()]
        if problems:
            raise _Problems(problems)
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
            if org.name in RESERVED_ACTORS or SPLINTER_NAME.fullmatch(org.name):
                yield ("organizations", i, "name"), (
                    f"'{org.name}' is reserved (the output tables use 'police', 'civilian', "
                    "'unknown' and '<organization> splinter <n>'); choose another name")

    def _check_links(self) -> Iterator[Problem]:
        """Every field in ``_REFERENCES`` names a known organization or plaza."""
        known = {"organization": [o.name for o in self.organizations],
                 "plaza": [p.name for p in self.plazas]}
        for section, field, what, empty_ok in _REFERENCES:
            for i, item in enumerate(getattr(self, section)):
                value = getattr(item, field)
                named = [((), value)] if isinstance(value, str) else (
                    [((k,), v) for k, v in enumerate(value)] if isinstance(value, list) else [])
                for where, name in named:
                    if name not in known[what] and not (empty_ok and name == ""):
                        yield (section, i, field, *where), _unknown(what, name, known[what])

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
            if event.kind != "parameters":
                continue
            try:
                parameters = apply_parameter_event(parameters, event)
            except ValidationError as err:
                for e in err.errors():
                    name = e["loc"][0]
                    field = "scale" if name in (event.scale or {}) else "values"
                    yield ("events", i, field, name), (
                        f"would make {name} {e['input']!r}, which is not allowed: {e['msg']}")

    def with_overrides(self, mapping: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with each dotted path set to its value (at every match)."""
        origin = str(self._source_files[0]) if self._source_files else f"scenario '{self.name}'"
        label, data = f"{origin} with overrides", self.model_dump(mode="python")
        for path, value in mapping.items():
            try:
                set_value(data, path, value)
            except PathError as exc:
                raise ScenarioError(f"{label}: {exc}") from None
        from .loading import validate  # loading builds on this module

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


class _FileKeys(_Section):
    """Keys only files have: load_scenario resolves them and the Scenario does not keep them."""
    base: str = Field(
        "", description="scenario file this one builds on, relative to this file's folder; keys "
        "here replace the base's, tables merge key by key, lists are replaced whole (path)")
    overrides: dict[str, Any] = Field(
        {}, description='values set after merging with base, by dotted path, every match, e.g. '
        '"police[kind=state].payroll" = "" (table of path = value)')
    remove: list[str] = Field(
        [], description='list items deleted after the overrides, by dotted path, '
        'e.g. ["events[kind=alliance]"] (paths)')


def json_schema() -> dict:
    """JSON Schema of a scenario file (the Scenario model plus base, overrides and remove).

    No top-level section is required: a variant file takes them from its ``base``
    (``load_scenario`` checks the merged result).
    """
    schema = Scenario.model_json_schema()
    schema["properties"] = {**schema["properties"], **_FileKeys.model_json_schema()["properties"]}
    schema.pop("required", None)
    return schema
