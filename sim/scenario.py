"""Scenario files: the TOML format, its validation, and loading with ``base`` inheritance.

A scenario file is data only; nothing in it is executed. :func:`load_scenario` reads a file,
merges it over its ``base`` file (recursively), applies its ``overrides`` and ``remove``
entries, and validates the result into a :class:`Scenario`. Every problem is reported at once
in a :class:`ScenarioError`, one line per problem: the file, the field path, what is wrong
and how to fix it. Dotted paths (``plazas[name=La Paz].population``) are read by
:mod:`sim.paths`. ``python -m sim.scenario`` prints the Markdown reference (docs/scenario.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import json
import math
import os
import re
import tomllib
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import tomli_w
from pydantic import (BaseModel, ConfigDict, Field, PrivateAttr, ValidationError,
                      ValidationInfo, field_validator, model_validator)

from .paths import PathError, remove_items, set_value

__all__ = ["Simulation", "Parameters", "Organization", "Plaza", "Cell", "Police", "Relation",
           "Event", "Trigger", "Scenario", "ScenarioError", "load_scenario", "parse_when",
           "json_schema", "scenario_reference_markdown"]

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
PoliceKind = Literal["municipal", "state", "federal"]
POLICE_KINDS = get_args(PoliceKind)
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


class _Section(BaseModel):
    """Shared configuration: unknown keys and non-finite numbers (nan, inf) are errors."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def _nonneg(default: float, description: str) -> Any:
    """A rate, count, amount or factor: a number of 0 or more."""
    return Field(default, ge=0, description=description)


def _share(default: float, description: str) -> Any:
    """A probability or share: a number from 0 to 1."""
    return Field(default, ge=0, le=1, description=description)


class Simulation(_Section):
    """The simulated period and how it is cut into steps."""
    start: dt.date = Field(..., description="first recorded day, e.g. 2013-01-01 (date)")
    days: int = Field(..., gt=0, description="number of simulated days from start (days)")
    step_days: float = Field(
        1.0, gt=0, description="length of a step; steps = ceil(days / step_days) (days)")
    spin_up_days: int = Field(
        0, ge=0, description="days simulated before start and not recorded (days)")
    spare_organizations: int = Field(
        8, ge=0, description="rows kept free for splinter organizations (rows)")
    spare_cells: int = Field(
        64, ge=0, description="rows kept free for hired cells and entries (rows)")


class Parameters(_Section):
    """Model-wide rates and constants. Rates are per day unless the name says otherwise."""
    background_homicides_per_100k_year: float = _nonneg(
        5.5, "homicides not caused by the modelled conflict (per 100,000 people per year)")
    clash_rate: float = _nonneg(
        0.0005, "clashes of a hostile pair where both hold cells, per member of both sides "
        "(clashes per member per day)")
    attack_multiplier: float = _nonneg(
        10.0, "clash, kidnap and assassination rates are multiplied by this when a side "
        "attacks (factor)")
    attack_threshold: float = _nonneg(
        0.8, "attack when (own + allied strength) / (defender strength) * (1 + aggression) * "
        "(1 + grievance_weight * grievance) reaches this (ratio)")
    lethality: float = _nonneg(
        0.05, "deaths per clash per unit of enemy firepower, times the victim side's share "
        "of the people in the fight; Lanchester aimed fire (deaths per firepower unit per clash)")
    police_firepower: float = _nonneg(
        0.5, "firepower of one officer (cell-member equivalents per officer)")
    assassination_rate: float = _nonneg(
        0.01, "attempts per attacking organization per plaza with a live boss (attempts per day)")
    assassination_success: float = _share(
        0.5, "chance an attempt succeeds before protection (probability)")
    boss_protection_per_officer: float = _share(
        0.05, "each officer on the defender's payroll cuts success by this share, "
        "multiplicatively (share per officer)")
    lieutenant_kill_probability: float = _share(
        0.5, "chance a successful assassination also kills a lieutenant (probability)")
    boss_replacement_days: float = _nonneg(30.0, "mean time to replace a plaza boss (days)")
    collateral_per_clash: float = _nonneg(
        0.05, "expected bystander deaths per clash (and per assassination) in a very dense "
        "plaza; times population / (population + collateral_half_population) (deaths per clash)")
    collateral_half_population: float = _nonneg(
        50000.0, "population at which half of collateral_per_clash applies (people)")
    kidnap_rate: float = _nonneg(
        0.0005, "kidnappings in a hostile pair, per member of the victim organization "
        "(kidnappings per member per day)")
    kidnap_murder_probability: float = _share(
        0.5, "chance a kidnapped member is murdered (probability)")
    intel_per_kidnapping: float = _nonneg(
        1.0, "intelligence gained per kidnapping (intelligence units)")
    intel_half_life_days: float = _nonneg(30.0, "half-life of intelligence (days)")
    intel_weight: float = _nonneg(
        0.5, "clash and assassination rate multiplier per intelligence unit (factor per unit)")
    arrest_rate: float = _nonneg(
        0.0005, "arrests per member per 100 officers, times unit effectiveness "
        "(arrests per member per day per 100 officers)")
    police_killed_per_arrest: float = _share(
        0.02, "chance an arrest kills an officer (probability)")
    police_replenish_days: float = _nonneg(90.0, "mean time to refill a lost officer (days)")
    corruption_rate: float = _nonneg(
        0.01, "bribe offers each police unit considers (offers per unit per day)")
    bribe_per_officer_day: float = _nonneg(
        50.0, "price of a police unit on the payroll (pesos per officer per day)")
    turn_margin: float = _nonneg(
        1.5, "a rival must offer this multiple of the current payment to turn a unit (factor)")
    federal_purge_rate: float = _nonneg(
        0.02, "chance that a payroll unit in a plaza with federal forces is purged "
        "(per unit per day)")
    recruit_rate: float = _nonneg(0.0004, "recruits before limits (recruits per member per day)")
    recruit_cost: float = _nonneg(0.0, "cost of one recruit (pesos per recruit)")
    max_member_share: float = _share(
        0.01, "recruitment in a plaza slows as members of all organizations approach this "
        "share of its population, and stops there (share)")
    hire_rate: float = _nonneg(
        0.0, "local cells hired per organization and neighbouring enemy plaza (cells per day)")
    hire_members: int = _nonneg(5, "members of a hired local cell (members)")
    hire_cost: float = _nonneg(50000.0, "cost of hiring a local cell (pesos per cell)")
    hire_loyalty: float = _share(0.5, "loyalty of a hired local cell (0-1)")
    move_rate: float = _nonneg(
        0.0, "share of a holding cell's members sent to a neighbouring attack (share per day)")
    takeover_share: float = _share(
        0.6, "presence share a challenger needs to take a plaza over (share)")
    collapse_share: float = _share(
        0.15, "presence share below which the incumbent loses control (share)")
    contest_share: float = _share(
        0.2, "presence share each hostile side needs for a plaza to be contested (share)")
    grievance_half_life_days: float = _nonneg(90.0, "half-life of grievance (days)")
    grievance_weight: float = _nonneg(
        0.1, "rate multiplier per unit of grievance (factor per death)")
    split_probability: float = _share(
        0.5, "chance an organization splits when its leader is removed (probability)")
    split_loyalty: float = _share(
        0.6, "a splinter takes the cells whose loyalty is below this (0-1)")
    leader_replacement_days: float = _nonneg(
        180.0, "time until a removed leader is replaced (days)")
    leaderless_value_share: float = _share(
        0.5, "share of plaza value collected while leaderless (share)")
    desertion_rate: float = _nonneg(
        0.01, "desertions when unpaid, times (1 - loyalty) (per member per day)")
    neutral_conflict_factor: float = _nonneg(
        0.0, "clash-rate factor between neutral organizations (factor)")
    ally_conflict_factor: float = _nonneg(0.0, "clash-rate factor between allies (factor)")
    ally_shielding: float = _nonneg(
        0.0, "losses are divided by (1 + number of allies) to this power (exponent)")
    saturation_rate: float = _nonneg(
        0.0, "members lost per member per member, omega (per member squared per day)")
    national_arrests_per_day: float = _nonneg(
        0.0, "arrests shared by all organizations in proportion to size (arrests per day)")


class Organization(_Section):
    """A cartel or other trafficking organization."""
    name: str = Field(..., min_length=1, description="unique name, used by references (text)")
    color: str | None = Field(
        None, pattern=COLOR_PATTERN, description='colour in every figure, "#rrggbb" (hex colour)')
    treasury: float = _nonneg(0.0, "money at the start (pesos)")
    aggression: float = _share(0.3, "propensity to attack (share, 0-1)")
    wage_per_member_day: float = _nonneg(0.0, "pay of one member (pesos per member per day)")
    bribe_share: float = _share(
        0.1, "share of the treasury budgeted for police pay per 30 days; a unit is bought "
        "only if the daily budget covers its price on top of the police already paid (share)")
    leader_alive: bool = Field(
        True, description="whether the leader is free and alive at the start (true/false)")


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
    """A local armed group working for one organization in one plaza."""
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
    intensity: float = _nonneg(1.0, "clash-rate factor while at war (factor)")


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
                  "federal_deployment", "police_purge", "enter"] = Field(
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

    def resolved_step(self, scenario: Scenario) -> int:
        """The step index of the event: ``step``, or floor((day - start) / step_days)."""
        if self.step is not None:
            return self.step
        days = (self.day - scenario.simulation.start).days
        return math.floor(round(days / scenario.simulation.step_days, 9))


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
    listed = ", ".join(f"'{k}'" for k in known[:10])
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
                    *self._check_timeline()]
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

    def with_overrides(self, mapping: Mapping[str, Any]) -> Scenario:
        """A new validated scenario with each dotted path set to its value (at every match)."""
        origin = str(self._source_files[0]) if self._source_files else f"scenario '{self.name}'"
        label, data = f"{origin} with overrides", self.model_dump(mode="python")
        for path, value in mapping.items():
            try:
                set_value(data, path, value)
            except PathError as exc:
                raise ScenarioError(f"{label}: {exc}") from None
        new = _validate(data, label)
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


# ----------------------------------------------------------------------------- loading

def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, merge (base), edit (overrides, remove) and validate a scenario file."""
    files: dict[Path, bytes] = {}
    data = _resolve(Path(path), (), files)
    sources = list(files)
    bases = f" (with base {', '.join(map(str, sources[1:]))})" if len(sources) > 1 else ""
    scenario = _validate(data, f"{sources[0]}{bases}")
    scenario._source_files = sources
    scenario._source_sha256 = {str(p): hashlib.sha256(raw).hexdigest() for p, raw in files.items()}
    return scenario


def _resolve(path: Path, chain: tuple[Path, ...], files: dict[Path, bytes]) -> dict:
    """A file's table merged over its base chain, with its overrides and removals applied."""
    data, files[path] = _read(path)
    present = {key: data.pop(key) for key in _FileKeys.model_fields if key in data}
    try:
        keys = _FileKeys.model_validate(present)
    except ValidationError as exc:
        raise ScenarioError(*_error_lines(exc, present, str(path), _FileKeys)) from None
    if keys.base:
        base = Path(os.path.normpath(path.parent / keys.base))
        names = " -> ".join(str(p) for p in (*chain, path, base))
        if base.resolve() in [p.resolve() for p in (*chain, path)]:
            raise ScenarioError(f"{path}: base: circular base chain {names}; "
                                "remove the base line from one of these files")
        if not base.is_file():
            raise ScenarioError(f"{path}: base: base file '{keys.base}' not found (looked for "
                                f"{base}; chain {names}); the path is relative to the folder "
                                f"of {path}")
        data = _merge(_resolve(base, (*chain, path), files), data)
    for dotted, value in _flatten(keys.overrides):
        _edit(path, "overrides", set_value, data, dotted, value, create=True)
    for dotted in keys.remove:
        _edit(path, "remove", remove_items, data, dotted)
    return data


def _read(path: Path) -> tuple[dict, bytes]:
    """The TOML table of a file and its bytes; unreadable files and bad TOML are ScenarioError."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found; check the name and the folder") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return tomllib.loads(text), raw
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ScenarioError(f"{path}: line {line.group(1) if line else '?'}: TOML syntax error: "
                            f"{str(exc).split(' (at ')[0]}; check the quotes, brackets, '=' and "
                            "commas on that line") from None


def _merge(base: dict, variant: dict) -> dict:
    """Variant keys replace base keys; tables merge recursively; lists are replaced whole."""
    merged = dict(base)
    for key, value in variant.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _flatten(table: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) pairs of an overrides table; nested tables give longer paths."""
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            yield from _flatten(value, path)
        else:
            yield path, value


def _edit(path: Path, key: str, function: Any, *args: Any, **kwargs: Any) -> None:
    """Apply one ``overrides`` or ``remove`` entry; a path matching nothing is a ScenarioError."""
    try:
        function(*args, **kwargs)
    except PathError as exc:
        raise ScenarioError(f"{path}: {key}: {exc}") from None


def _validate(data: dict, label: str) -> Scenario:
    """A Scenario from a table, or a ScenarioError listing every problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*_error_lines(exc, data, label, Scenario)) from None


# ----------------------------------------------------------------------------- messages

def _error_lines(exc: ValidationError, data: dict, label: str, root: type[BaseModel]) -> list[str]:
    """One line per problem: ``label: field path: what is wrong; how to fix it``."""
    lines = []
    for err in exc.errors():
        found = err.get("ctx", {}).get("error")
        if isinstance(found, _Problems):
            problems = found.problems
        else:
            problems = [((), _describe(err, data, root))]
        for loc, message in problems:
            lines.append(f"{label}: {_user_path(err['loc'] + loc, data)}: {message}")
    return lines


def _user_path(loc: tuple, data: Any) -> str:
    """A location as a dotted path; list items with a unique ``name`` are named by it."""
    text, node = "", data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            names = [x.get("name") for x in node if isinstance(x, dict)] if name else []
            unique = isinstance(name, str) and names.count(name) == 1
            text += f'[name="{name}"]' if unique else f"[{part}]"
            node = item
        else:
            text = f"{text}.{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as ``list[Plaza]`` or ``Simulation``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_inner_model, get_args(annotation)) if m), None)


def _model_at(loc: tuple, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model that validates the table at ``loc`` (list positions skipped), if any."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, str):
            field = model.model_fields.get(part) if model else None
            model = _inner_model(field.annotation) if field else None
    return model


def _constraints(field: Any) -> dict[str, Any]:
    """The constraints of a field that are set (ge, gt, le, lt, min/max_length, pattern)."""
    names = ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
    metadata = field.metadata if field else []
    return {k: getattr(m, k) for m in metadata for k in names if getattr(m, k, None) is not None}


def _show(value: Any) -> str:
    """A value as the user would write it in TOML, shortened."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(value).lower()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_HINTS = {"float": "a number such as 0.5", "int": "a whole number such as 12",
               "bool": "true or false, without quotes", "string": "text in double quotes",
               "date": "a date such as 2014-05-01, without quotes"}
_BOUND_WORDS = {"greater_than_equal": ("at least", "use {} or more"),
                "greater_than": ("greater than", "use a value above {}"),
                "less_than_equal": ("at most", "use {} or less"),
                "less_than": ("less than", "use a value below {}")}
_PATTERN_HINTS = {NAME_PATTERN: "use only letters, digits, '_' and '-', e.g. bcs_2014",
                  COLOR_PATTERN: 'write a colour as "#rrggbb", e.g. "#1f77b4"'}


def _describe(err: dict, data: dict, root: type[BaseModel]) -> str:
    """What is wrong and how to fix it, for one pydantic error."""
    kind, loc, ctx, got = err["type"], err["loc"], err.get("ctx", {}), _show(err.get("input"))
    model = _model_at(loc[:-1], root)
    field = model.model_fields.get(loc[-1]) if model and loc and isinstance(loc[-1], str) else None
    if kind == "extra_forbidden":
        where = ("the file's top level" if len(loc) == 1 else f"[{loc[0]}]" if len(loc) == 2
                 else _user_path(loc[:-1], data))
        valid = list(model.model_fields) if model else []
        valid += list(_FileKeys.model_fields) if model is Scenario and len(loc) == 1 else []
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        fix = f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(valid)}"
        return f"unknown key '{loc[-1]}' {'at' if len(loc) == 1 else 'in'} {where}; {fix}"
    if kind == "missing" and _inner_model(field.annotation):
        return f"required table [{loc[-1]}] is missing; add a [{loc[-1]}] section"
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing; add {loc[-1]} = ... — {field.description}"
    if kind == "finite_number":
        return f"must be an ordinary finite number, not {got}; write {_TYPE_HINTS['float']}"
    if kind in _BOUND_WORDS:
        return _bound_message(kind, ctx, got, _constraints(field))
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        close = difflib.get_close_matches(str(err.get("input")), allowed, n=1, cutoff=0.5)
        return (f"must be one of {', '.join(map(repr, allowed))} (got {got})"
                + (f"; did you mean '{close[0]}'?" if close else ""))
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx["pattern"], "see docs/scenario.md")
        return f"has the wrong form (got {got}); {hint}"
    if kind == "string_too_short":
        return "must not be empty; write a name in double quotes"
    if kind in ("too_short", "too_long"):
        word, count = ("at least", ctx.get("min_length")) if kind == "too_short" else (
            "at most", ctx.get("max_length"))
        return (f"must have {word} {count} item(s) (got {ctx.get('actual_length')}); "
                "add or remove items")
    if kind == "list_type" and field and _inner_model(field.annotation):
        return f"must be a list (got {got}); write each entry under its own [[{loc[-1]}]] header"
    if kind == "list_type":
        return f'must be a list (got {got}); write it in square brackets, e.g. ["a", "b"]'
    if kind in ("model_type", "dict_type", "model_attributes_type") and isinstance(loc[-1], int):
        return f"must be a table (got {got}); write each entry under its own [[{loc[-2]}]] header"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a table (got {got}); write it as a [{loc[-1]}] section"
    if kind == "value_error":
        return str(ctx.get("error"))
    family = kind.split("_")[0]
    if family in _TYPE_HINTS:
        return f"must be {_TYPE_HINTS[family]} (got {got})"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {got})"


def _bound_message(kind: str, ctx: dict, got: str, bounds: dict[str, Any]) -> str:
    """A value out of bounds: the limit it broke and the range to use."""
    limit, fix = _BOUND_WORDS[kind]
    value = f"{next(iter(ctx.values())):g}"
    low, high = bounds.get("ge", bounds.get("gt")), bounds.get("le", bounds.get("lt"))
    if low is not None and high is not None:
        fix = f"use a value from {low:g} to {high:g}"
    return f"must be {limit} {value} (got {got}); {fix.format(value)}"


# ----------------------------------------------------------------------------- schema and docs

def json_schema() -> dict:
    """JSON Schema of a scenario file (the Scenario model plus base, overrides and remove)."""
    schema = Scenario.model_json_schema()
    schema["properties"] = {**schema["properties"], **_FileKeys.model_json_schema()["properties"]}
    return schema


def _type_text(annotation: Any) -> str:
    """A field type in plain words."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return "one of " + ", ".join(f'"{a}"' for a in args)
    if origin in (Union, types.UnionType):
        return " or ".join(_type_text(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if origin is dict or _inner_model(annotation):
        return "table"
    return {float: "number", int: "integer", str: "text", bool: "true/false",
            dt.date: "date"}.get(annotation, str(annotation))


def _allowed_text(field: Any) -> str:
    """The bounds of a field: ``0 to 1``, ``≥ 0``, ``> 0``, a list length or a pattern."""
    found, parts = _constraints(field), []
    if "ge" in found and "le" in found:
        parts.append(f"{found['ge']:g} to {found['le']:g}")
    else:
        parts += [f"{sign} {found[k]:g}" for k, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"))
                  if k in found]
    low, high = found.get("min_length"), found.get("max_length")
    if field.annotation is str and low:
        parts.append("not empty")
    elif low:
        parts.append(f"exactly {low} items" if low == high else f"{low} or more items")
    if "pattern" in found:
        parts.append(f"`{found['pattern']}`")
    return ", ".join(parts)


def _default_text(field: Any) -> str:
    """A field default as written in TOML, or **required**."""
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "(not set)"
    if isinstance(value, BaseModel):
        return "(defaults)"
    return f"`{json.dumps(value) if isinstance(value, (list, dict)) else _show(value)}`"


def _table(fields: dict[str, Any]) -> list[str]:
    """A Markdown table of fields: key, type, default, allowed values, description (unit)."""
    rows = ["| key | type | default | allowed | description (unit) |", "|---|---|---|---|---|"]
    for name, field in fields.items():
        rows.append(f"| `{name}` | {_type_text(field.annotation)} | {_default_text(field)} | "
                    f"{_allowed_text(field)} | {field.description} |")
    return rows


def _event_kinds_table() -> list[str]:
    """A Markdown table of the fields each kind of event uses, with their defaults."""
    rows = ["| kind | fields (default) |", "|---|---|"]
    for kind, used in EVENT_FIELDS.items():
        shown = [f"`{k}` ({'optional' if d is None else d if d == _REQUIRED else json.dumps(d)})"
                 for k, d in used.items()]
        rows.append(f"| `{kind}` | {', '.join(shown)} |")
    return rows


def scenario_reference_markdown() -> str:
    """The Markdown reference of the scenario format (docs/scenario.md)."""
    top = {k: f for k, f in Scenario.model_fields.items() if not _inner_model(f.annotation)}
    lines = ["*Generated by `python -m sim.scenario > docs/scenario.md` from `sim/scenario.py`; "
             "edit the models there, not this file.*", "", "# Scenario file reference", "",
             "A scenario is a TOML file of data; nothing in it is executed. Numbers must be "
             "finite, unknown keys are errors, and names must refer to entries of the same "
             "scenario. Dotted paths (in `overrides`, `remove` and sweeps) look like "
             "`parameters.clash_rate`, `plazas[name=La Paz].population`, "
             "`police[kind=state].integrity` (every match) or `cells[0].members`.",
             "", "## Top level", "", *_table({**top, **_FileKeys.model_fields})]
    for header, model in (("[simulation]", Simulation), ("[parameters]", Parameters),
                          ("[[organizations]]", Organization), ("[[plazas]]", Plaza),
                          ("[[cells]]", Cell), ("[[police]]", Police),
                          ("[[relations]]", Relation), ("[[events]]", Event),
                          ("[[triggers]]", Trigger)):
        lines += ["", f"## `{header}`", "", " ".join(model.__doc__.split()), "",
                  *_table(model.model_fields)]
        if model is Event:
            lines += ["", "Fields each kind of event uses (any other field is an error):", "",
                      *_event_kinds_table()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(scenario_reference_markdown(), end="")
