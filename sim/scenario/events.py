"""Events and triggers: what happens on a given day or step, and reactions to violence.

Each kind of event is its own class with only the fields it uses; ``EventSpec`` is their
union, told apart by ``kind``. An event reports all its problems at once, like the other
sections: a field of another kind, its own fields, its kind's checks, its time. Nothing
here is executed: trigger conditions are parsed (:func:`parse_when`), never evaluated.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from .dated_changes import Defect, IntensityChange, PlazaChange, RampDays, Split
from .errors import Problem, raise_problems
from .event_base import Event, _BetweenOrganizations, _InPlazas, _listed_twice
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
                                         "(share, 0-1; army units are never bought)")]
Force = Annotated[Literal["federal", "army"], Field(
    description="who deploys: federal police, or the army (never bought, confronts armed "
    "cells at confront_rate) (force)")]


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
    """Two organizations go to war, fighting at ``intensity`` (reached over ``ramp_days``)."""
    members_needed = (2, True)
    kind: Literal["war"]
    members: list[OrganizationName] = Field(
        ..., description="the two organizations (organization names)")
    intensity: float | None = Field(
        None, ge=0, le=1e6, description="clash-rate factor of the pair at war; not set: the "
        "pair's current one, 1.0 unless a relation or an event set it (factor)")
    ramp_days: RampDays = 0


class Truce(_BetweenOrganizations):
    """Two organizations at war become neutral; with ``hold_probability`` below 1, one seeded
    draw at the event decides whether it holds, and a truce that does not hold returns the
    pair to war ``breaks_after_days`` later."""
    members_needed = (2, True)
    kind: Literal["truce"]
    members: list[OrganizationName] = Field(
        ..., description="the two organizations (organization names)")
    hold_probability: float = share(1.0, "chance that the truce holds (probability, 0-1)")
    breaks_after_days: int = Field(
        90, ge=0, le=DAYS_MAX, description="days after which a truce that does not hold ends "
        "in war again (days)")


class LeaderRemoved(Event):
    """An organization's leader is arrested or killed; it may split (split_probability,
    succession_fight_probability) and loses cohesion for a while (cohesion_* parameters)."""
    kind: Literal["leader_removed"]
    organization: OrganizationName = Field(
        ..., description="the organization (organization name)")
    splinter: str | None = Field(
        None, min_length=1, description="the name a splinter from this removal takes, if the "
        "split draw makes one; later events may name it, and are skipped (with a note in "
        "run.json) if it never formed (text)")
    ends_wars: bool = Field(
        False, description="a capture that ends the organization's wars: each war becomes "
        "neutral, both ways (true/false)")
    cohesion_days: int | None = Field(
        None, ge=0, le=DAYS_MAX, description="days of lost cohesion from this removal; not "
        "set: the parameter cohesion_loss_days (days)")


class FederalDeployment(_InPlazas):
    """Federal forces (federal police or the army) are stationed in plazas for a while."""
    kind: Literal["federal_deployment"]
    plazas: list[PlazaName] = Field(..., description="where, 1 or more (plaza names)")
    force: Force = "federal"
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
        [k for k in POLICE_KINDS if k != "army"],
        description="kinds of unit purged; the army is never on a payroll (kinds)")
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
    | Enter | ParameterChange | Split | Defect | IntensityChange | PlazaChange,
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
    force: Force = "federal"
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
