"""Kinds of event that change who holds what, and how hard pairs fight, on a given day:
``split``, ``defect``, ``intensity``, ``plaza_change``; and the plazas' yearly series
(``population_by_year``, ``background_by_year``), which load as ``plaza_change`` events.

Names an event creates (``split.new_organization``) and names it uses are checked in date
order by :mod:`.timeline`; nothing here is executed (:mod:`sim.events` applies them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal, TypeVar

from pydantic import ConfigDict, Field, PlainSerializer

from .errors import Problem
from .event_base import Event, _InPlazas, _listed_twice
from .fields import (
    COLOR_PATTERN,
    DAYS_MAX,
    MONEY_MAX,
    POPULATION_MAX,
    OrganizationName,
    PlazaName,
    money,
)
from .fields import (
    share as share_field,
)

T = TypeVar("T")
RelationWord = Literal["war", "neutral", "ally"]
Intensity = Annotated[float, Field(ge=0, le=1e6, description="clash-rate factor of the pair at "
                                   "war (factor)")]
RampDays = Annotated[int, Field(ge=0, le=DAYS_MAX, description="days over which the intensity "
                                "moves linearly to its new value; 0: at once (days)")]
Background = Annotated[float, Field(ge=0, le=100_000, description="background homicides "
                                    "(per 100,000 people per year)")]
YearSeries = Annotated[dict[int, T], PlainSerializer(
    lambda series: {str(year): value for year, value in series.items()})]
"""A value per year, keyed by the year; written with the years as text, as TOML keys are."""


class _Moves(Event):
    """An event that moves cells (by name or plaza) and police units from one organization."""
    cells: list[str] = Field([], description="cells (their name labels) that move whole (names)")
    plazas: list[PlazaName] = Field(
        [], description="every cell of the giving organization in these plazas moves whole, and "
        "control of these plazas if it holds it (plaza names)")
    police: list[str] = Field(
        [], description="police units (their name labels) on the giving organization's payroll "
        "that move to the receiver's (names)")

    def _moves_anything(self) -> bool:
        return bool(self.cells or self.plazas or self.police)

    def _check_kind(self) -> Iterator[Problem]:
        for field in ("cells", "plazas", "police"):
            yield from _listed_twice(field, getattr(self, field))
        if not self._moves_anything():
            yield ("cells",), (f"a '{self.kind}' event moves nothing; list cells, plazas or "
                               f"police{' (or a share)' if self.kind == 'split' else ''}")


class Split(_Moves):
    """An organization splits: a new organization (named here, at war with the parent unless
    ``relations`` says otherwise) takes the cells, plazas and police listed and a share of
    every other cell's members. Its row is reserved at load; it exists from this day on."""
    kind: Literal["split"]
    organization: OrganizationName = Field(
        ..., description="the parent, active that day (organization name)")
    new_organization: str = Field(
        ..., min_length=1, description="name of the new organization, not used before; later "
        "events may name it (text)")
    share: float = share_field(0.0, "in addition, this share of the members of every other cell of "
                         "the parent (rounded down) leaves as a new cell of the new organization "
                         "in the same plaza, using a spare cell row (share, 0-1)")
    treasury_share: float = share_field(0.0, "share of the parent's treasury the new organization "
                                  "takes (share, 0-1)")
    relations: dict[str, RelationWord] = Field(
        {}, description='relations of the new organization, e.g. {"Sinaloa" = "war"}; an '
        "organization not listed gets the parent's relation, the parent itself war "
        "(organization name = war, neutral or ally)")
    color: str | None = Field(None, pattern=COLOR_PATTERN, description='colour in figures, '
                              '"#rrggbb"; default the palette\'s (colour)')
    aggression: float | None = Field(None, ge=0, le=1, description="default the parent's "
                                     "(share, 0-1)")
    wage_per_member_day: float | None = Field(
        None, ge=0, le=MONEY_MAX, description="default the parent's (pesos per member per day)")
    bribe_share: float | None = Field(None, ge=0, le=1, description="default the parent's "
                                      "(share)")

    def _moves_anything(self) -> bool:
        return super()._moves_anything() or self.share > 0

    def _check_kind(self) -> Iterator[Problem]:
        yield from super()._check_kind()
        if self.new_organization == self.organization:
            yield ("new_organization",), ("the new organization has the parent's name; give "
                                          "it a name of its own")
        if self.new_organization in self.relations:
            yield ("relations", self.new_organization), ("the new organization cannot have a "
                                                         "relation with itself; remove it")


class Defect(_Moves):
    """Cells, plazas' cells and police units of one organization now belong to another."""
    model_config = ConfigDict(**Event.model_config, serialize_by_alias=True)
    kind: Literal["defect"]
    from_: OrganizationName = Field(..., alias="from", description="the organization they "
                                    "leave (organization name)")
    to: OrganizationName = Field(..., description="the organization they join "
                                 "(organization name)")
    police_plazas: list[PlazaName] = Field(
        [], description="every unit on the giving organization's payroll in these plazas "
        "switches to the receiver's (plaza names)")

    def _moves_anything(self) -> bool:
        return super()._moves_anything() or bool(self.police_plazas)

    def _check_kind(self) -> Iterator[Problem]:
        yield from super()._check_kind()
        yield from _listed_twice("police_plazas", self.police_plazas)
        if self.from_ == self.to:
            yield ("to",), (f"'{self.to}' would defect to itself; name two different "
                            "organizations in from and to")


class IntensityChange(Event):
    """The clash-rate factor of a pair moves to a new value, at once or over ramp_days."""
    kind: Literal["intensity"]
    between: list[OrganizationName] = Field(
        ..., description="the two organizations (organization names)")
    intensity: Intensity
    ramp_days: RampDays = 0

    def _check_kind(self) -> Iterator[Problem]:
        if len(self.between) != 2 or self.between[0] == self.between[1]:
            yield ("between",), ("an 'intensity' event names exactly two different "
                                 f"organizations (got {self.between}); list two")


class PlazaChange(_InPlazas):
    """A plaza's population, background rate or value changes from this day on."""
    kind: Literal["plaza_change"]
    plazas: list[PlazaName] = Field(..., description="where, 1 or more (plaza names)")
    population: int | None = Field(None, ge=0, le=POPULATION_MAX,
                                   description="new inhabitants; not set: unchanged (people)")
    background_homicides_per_100k_year: Background | None = None
    value_per_day: float | None = money(None, "new revenue to the controller; not set: "
                                        "unchanged (pesos per day)")

    def _check_kind(self) -> Iterator[Problem]:
        yield from super()._check_kind()
        if (self.population is None and self.background_homicides_per_100k_year is None
                and self.value_per_day is None):
            yield ("plazas",), ("a 'plaza_change' event changes nothing; give population, "
                                "background_homicides_per_100k_year or value_per_day")


def yearly_changes(plazas: list[Any]) -> list[PlazaChange]:
    """The ``population_by_year`` and ``background_by_year`` series of ``plazas`` as
    ``plaza_change`` events on 1 January of each year, in plaza then year order."""
    changes = []
    for p in plazas:
        for field, series in (("population", p.population_by_year),
                              ("background_homicides_per_100k_year", p.background_by_year)):
            for year, value in sorted(series.items()):
                changes.append(PlazaChange(kind="plaza_change", day=dt.date(year, 1, 1),
                                           plazas=[p.name], **{field: value}))
    return changes
