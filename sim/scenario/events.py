"""Events and triggers: what happens on a given day or step, and reactions to violence.

Each kind of event is its own class with only the fields it uses; ``EventSpec`` is their
union, told apart by ``kind``. An event reports all its problems at once, like the other
sections: a field of another kind, its own fields, its kind's checks, its time. Nothing
here is executed: trigger conditions are parsed (:func:`parse_when`), never evaluated.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, get_args

from pydantic import (
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from .errors import Problem, Problems, raise_problems
from .fields import (
    COUNT_MAX,
    DAYS_MAX,
    POLICE_KINDS,
    OrganizationName,
    PlazaName,
    PoliceKind,
    Section,
    nonneg,
    share,
)
from .parameters import Parameters

_WHEN = re.compile(r"\s*homicides_(\d+)d\s*(>=|<=|==|>|<)\s*"
                   r"([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*")

Officers = Annotated[int, Field(gt=0, le=COUNT_MAX, description="officers per plaza (officers)")]
DurationDays = Annotated[int, Field(gt=0, le=DAYS_MAX, description="how long the forces stay (days)")]
Effectiveness = Annotated[float, Field(ge=0, le=1e6, description="arrest effectiveness of the forces "
                                       "relative to a usual unit (factor)")]
ForcesIntegrity = Annotated[float, Field(ge=0, le=1, description="integrity of the forces "
                                         "(share, 0-1)")]


class Event(Section):
    """Something that happens on a given day or step; ``kind`` says what, and each kind
    below has fields of its own. Any field the kind does not list is an error."""
    kind: str = Field(..., description="what happens: one of the kinds below (kind)")
    day: dt.date | None = Field(
        None, description="day it happens; give day or step, not both (date)")
    step: int | None = Field(
        None, ge=0, le=2**62,
        description="step it happens at, from 0; give day or step, not both (step)")

    @model_validator(mode="after")
    def _check(self) -> Event:
        """The kind's checks across its fields (defined before :meth:`_every_problem`, which
        wraps it and so reports its problems with the others)."""
        raise_problems(list(self._check_kind()))
        return self

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Event:
        """Every problem of the event at once: fields of other kinds, the kind's own fields and
        checks (:meth:`_check_kind`), and the time, which a field's error does not hide.

        A null field is a field not given (TOML has no null; run.json files written when
        events were one class list every field of every kind, null where unused)."""
        if not isinstance(data, dict):
            return handler(data)
        data = {key: value for key, value in data.items() if value is not None}
        uses = [name for name in cls.model_fields if name not in Event.model_fields]
        foreign = [key for key in data
                   if key in _fields_of_any_kind() and key not in cls.model_fields]
        first = [((key,), f"field '{key}' is not used by events of kind '{data.get('kind')}'; "
                  f"remove it (this kind uses: {', '.join(uses)})") for key in foreign]
        last = list(_check_time(data))
        try:
            event = handler({key: value for key, value in data.items() if key not in foreign})
            errors = []
        except ValidationError as exc:
            errors = [{key: e[key] for key in ("type", "loc", "input", "ctx") if key in e}
                      for e in exc.errors()]
        if not (first or errors or last):
            return event
        raise ValidationError.from_exception_data(cls.__name__, [
            *_problems_error(first, data), *errors, *_problems_error(last, data)])

    def _check_kind(self) -> Iterator[Problem]:
        """Checks across the fields of one kind; none unless the kind has some."""
        return iter(())

    def resolved_step(self, scenario: Any) -> int:
        """The step index of the event in ``scenario`` (the :class:`~.schema.Scenario` that
        holds it): ``step``, or floor((day - start) / step_days)."""
        if self.step is not None:
            return self.step
        days = (self.day - scenario.simulation.start).days
        return math.floor(round(days / scenario.simulation.step_days, 9))


def _check_time(data: dict) -> Iterator[Problem]:
    """An event has a day or a step, not both."""
    if "day" not in data and "step" not in data:
        yield ("day",), ("the event has no time; add a day (e.g. day = 2014-05-01) or a step "
                         "(e.g. step = 485)")
    elif "day" in data and "step" in data:
        yield ("step",), "the event has both a day and a step; keep only one"


def _problems_error(problems: list[Problem], data: dict) -> list[dict]:
    """Problems as the detail of one pydantic error (none if there are none)."""
    return [{"type": "value_error", "loc": (), "input": data,
             "ctx": {"error": Problems(problems)}}] if problems else []


def _fields_of_any_kind() -> set[str]:
    """Every field some kind of event has."""
    return {name for kind in get_args(get_args(EventSpec)[0]) for name in kind.model_fields}


class _BetweenOrganizations(Event):
    """An event among organizations named in ``members``."""
    members_needed: ClassVar[tuple[int, bool]]
    """How many organizations ``members`` names: (count, exactly that many or at least)."""
    members: list[OrganizationName]

    @field_validator("members", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError('members must be a list of organization names, '
                             'e.g. members = ["BLO", "Zetas"]')
        return value

    def _check_kind(self) -> Iterator[Problem]:
        """The number of organizations; none listed twice."""
        need, exact = self.members_needed
        if len(self.members) < need or (exact and len(self.members) != need):
            how = "exactly" if exact else "at least"
            yield ("members",), (f"events of kind '{self.kind}' need {how} {need} organizations "
                                 f"in members (got {len(self.members)}); list {how} {need}")
        if len(set(self.members)) < len(self.members):
            yield ("members",), "an organization is listed twice; list each once"


class Alliance(_BetweenOrganizations):
    """Organizations become allies, and optionally go to war together against others."""
    members_needed = (2, False)
    kind: Literal["alliance"]
    members: list[OrganizationName] = Field(
        ..., description="the allies, 2 or more (organization names)")
    against: list[OrganizationName] = Field(
        [], description="organizations every member goes to war with (organization names)")

    def _check_kind(self) -> Iterator[Problem]:
        yield from super()._check_kind()
        if set(self.members) & set(self.against):
            yield ("against",), ("an organization is both in members and in against; "
                                 "remove it from one of them")


class BreakAlliance(_BetweenOrganizations):
    """Allies become neutral to each other."""
    members_needed = (2, False)
    kind: Literal["break_alliance"]
    members: list[OrganizationName] = Field(
        ..., description="the former allies, 2 or more (organization names)")


class War(_BetweenOrganizations):
    """Two organizations go to war."""
    members_needed = (2, True)
    kind: Literal["war"]
    members: list[OrganizationName] = Field(
        ..., description="the two organizations (organization names)")


class Truce(_BetweenOrganizations):
    """Two organizations at war become neutral."""
    members_needed = (2, True)
    kind: Literal["truce"]
    members: list[OrganizationName] = Field(
        ..., description="the two organizations (organization names)")


class LeaderRemoved(Event):
    """An organization's leader is arrested or killed; it may split (split_probability,
    succession_fight_probability) and loses cohesion for a while (cohesion_* parameters)."""
    kind: Literal["leader_removed"]
    organization: OrganizationName = Field(
        ..., description="the organization (organization name)")
    ends_wars: bool = Field(
        False, description="a capture that ends the organization's wars: each war becomes "
        "neutral, both ways (true/false)")
    cohesion_days: int | None = Field(
        None, ge=0, le=DAYS_MAX, description="days of lost cohesion from this removal; not "
        "set: the parameter cohesion_loss_days (days)")


class _InPlazas(Event):
    """An event in one or more plazas; each kind declares ``plazas`` with its own description."""

    def _check_kind(self) -> Iterator[Problem]:
        if self.plazas == []:
            yield ("plazas",), (f"events of kind '{self.kind}' need at least one plaza; list "
                                "one or more in plazas")
        yield from _listed_twice("plazas", self.plazas or [])


def _listed_twice(field: str, names: list[str]) -> Iterator[Problem]:
    """A list of plazas or kinds that names one twice (an event would apply twice there)."""
    for k, name in enumerate(names):
        if name in names[:k]:
            yield (field, k), f"'{name}' is listed twice; list each once"


class FederalDeployment(_InPlazas):
    """Federal forces are stationed in plazas for a while."""
    kind: Literal["federal_deployment"]
    plazas: list[PlazaName] = Field(..., description="where, 1 or more (plaza names)")
    officers: Officers = 100
    duration_days: DurationDays = 180
    effectiveness: Effectiveness = 2.0
    integrity: ForcesIntegrity = 0.95


class PolicePurge(Event):
    """Police units are taken off every payroll (clean again), optionally with a new integrity."""
    kind: Literal["police_purge"]
    plazas: list[PlazaName] | None = Field(
        None, description="where; not set: every plaza (plaza names)")
    kinds: list[PoliceKind] = Field(
        list(POLICE_KINDS), description="kinds of unit purged (kinds)")
    integrity: float | None = Field(
        None, ge=0, le=1, description="new integrity of the purged units; not set: unchanged "
        "(share, 0-1)")

    def _check_kind(self) -> Iterator[Problem]:
        """An empty list purges nothing, which is not what an empty list reads as: refused."""
        for field, what in (("plazas", "plazas"), ("kinds", "kinds of unit")):
            if getattr(self, field) == []:
                yield (field,), (f"an empty list purges no {what}; list some, or remove the "
                                 f"{field} line to purge every one")
            yield from _listed_twice(field, getattr(self, field) or [])


class Enter(_InPlazas):
    """An organization enters plazas with a new cell in each."""
    kind: Literal["enter"]
    organization: OrganizationName = Field(
        ..., description="the organization (organization name)")
    plazas: list[PlazaName] = Field(..., description="where, 1 or more (plaza names)")
    members: int = Field(..., le=COUNT_MAX,
                         description="members of each new cell (members per plaza)")
    local: bool = Field(False, description="the new cells are local (true/false)")
    firepower: float = nonneg(1.0, "firepower of the new cells (firepower units per member)")
    loyalty: float = share(0.8, "loyalty of the new cells (share, 0-1)")

    @field_validator("members", mode="before")
    @classmethod
    def _count(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("for an 'enter' event, members is the number of members of each "
                             "new cell; write a whole number such as members = 10")
        return value

    def _check_kind(self) -> Iterator[Problem]:
        if self.members < 1:
            yield ("members",), (f"must be at least 1 member per plaza (got {self.members}); "
                                 "use 1 or more")
        yield from super()._check_kind()


class ParameterChange(Event):
    """Parameters are set or scaled from this step on (e.g. a policy change)."""
    kind: Literal["parameters"]
    values: dict[str, float] = Field(
        {}, description="new values from this step on, e.g. values = "
        "{national_arrests_per_day = 30.0} (parameter name = value)")
    scale: dict[str, float] = Field(
        {}, description="factors applied to the current values from this step on, e.g. "
        "scale = {recruit_rate = 0.5} (parameter name = factor)")

    def _check_kind(self) -> Iterator[Problem]:
        """``values`` and ``scale`` name parameters, each once, with finite numbers."""
        if not self.values and not self.scale:
            yield ("values",), ("a 'parameters' event changes nothing; give values = {name = "
                                "value} or scale = {name = factor}")
        for field in ("values", "scale"):
            for name, number in getattr(self, field).items():
                if name not in Parameters.model_fields:
                    close = difflib.get_close_matches(name, list(Parameters.model_fields), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else (
                        "the names are those of [parameters] in docs/scenario.md")
                    yield (field, name), f"unknown parameter '{name}'; {hint}"
                elif not math.isfinite(number) or (field == "scale" and number < 0):
                    yield (field, name), (f"{number} is not a usable "
                                          f"{'factor' if field == 'scale' else 'value'}; give a "
                                          "finite number" + (" ≥ 0" if field == "scale" else ""))
        for name in set(self.values) & set(self.scale):
            yield ("scale", name), (f"'{name}' is both set and scaled in this event; keep one "
                                    "(or use two events)")


EventSpec = Annotated[
    Alliance | BreakAlliance | War | Truce | LeaderRemoved | FederalDeployment | PolicePurge
    | Enter | ParameterChange,
    Field(discriminator="kind")]
"""Any event of a scenario file: the class is chosen by its ``kind``."""


def apply_parameter_event(parameters: Parameters, event: ParameterChange) -> Parameters:
    """The parameters after a ``parameters`` event: ``values`` set, ``scale`` factors applied.

    Raises pydantic's ValidationError when a result is out of bounds (e.g. a share above 1).
    """
    data = parameters.model_dump()
    data.update(event.values)
    for name, factor in event.scale.items():
        data[name] = data[name] * factor
    return Parameters.model_validate(data)


def parse_when(text: str) -> tuple[int, str, float]:
    """Read ``homicides_<N>d <op> <number>`` into (window_days, op, threshold); never evaluated."""
    match = _WHEN.fullmatch(text)
    if match is None or not 1 <= int(match.group(1)) <= DAYS_MAX:
        raise ValueError(f"cannot read the condition '{text}'; write homicides_<days>d <op> "
                         f"<number>, e.g. \"homicides_30d >= 8\", with 1 to {DAYS_MAX} days "
                         "and op one of >=, >, <=, <, ==")
    return int(match.group(1)), match.group(2), float(match.group(3))


class Trigger(Section):
    """A reaction to violence: deploy federal forces when a region's homicides pass a threshold.

    ``federal_deployment`` is the only kind, and it uses every field; a second kind would
    make triggers a union by kind, as events are."""
    kind: Literal["federal_deployment"] = Field(
        ..., description="what happens when the condition holds (kind)")
    when: str = Field(
        ..., description='condition `homicides_<N>d <op> <number>`, op one of >=, >, <=, <, ==, '
        'e.g. "homicides_30d >= 8" (homicides in the last N days)')
    region: list[PlazaName] = Field(
        [], description="plazas whose homicides count; empty for every plaza (plaza names)")
    plazas: list[PlazaName] = Field(
        ..., min_length=1, description="where forces deploy (plaza names)")
    officers: Officers = 100
    duration_days: DurationDays = 180
    effectiveness: Effectiveness = 2.0
    integrity: ForcesIntegrity = 0.95
    once: bool = Field(
        True, description="fire at most once; false to fire again after the forces leave "
        "(true/false)")

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: str) -> str:
        """The condition must follow the grammar (it is parsed, never evaluated)."""
        parse_when(value)
        return value

    @model_validator(mode="after")
    def _check_lists(self) -> Trigger:
        """No plaza listed twice (it would get two deployments, or count twice)."""
        raise_problems([*_listed_twice("region", self.region),
                        *_listed_twice("plazas", self.plazas)])
        return self

    def condition(self) -> tuple[int, str, float]:
        """(window_days, op, threshold) of ``when``, e.g. (30, ">=", 8.0)."""
        return parse_when(self.when)
