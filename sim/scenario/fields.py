"""Building blocks of every scenario section: the shared configuration (strict types), number
fields and their bounds, name patterns with the fix for each, and the fields that name another
section's entries.

Bounds: every number the kernel computes with has an upper bound, chosen so that no sum or
product the model forms can leave what int64 (9.2e18) and float64 (1.8e308) hold: a count of
one entity is at most COUNT_MAX, so the members of up to a million cells sum to at most 1e15;
money per entity and day is at most MONEY_MAX, so 1e6 plazas over DAYS_MAX days collect at most
2e26 pesos; rates and factors are at most FACTOR_MAX. A run that still produces a non-finite or
negative count stops with an error (:mod:`sim.engine`).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import raise_problems

COUNT_MAX = 10**9
"""Members, officers or recruits of one entity (members)."""
POPULATION_MAX = 10**10
"""Inhabitants of one plaza: above the world's population, 8.1e9 in 2024 (UN World Population
Prospects 2024) (people)."""
MONEY_MAX = 1e15
"""A treasury, a price or a revenue per day (pesos)."""
FACTOR_MAX = 1e6
"""A rate per day, a factor, a firepower or a number of days of a parameter."""
DATE_MIN, DATE_MAX = dt.date(1678, 1, 1), dt.date(2262, 4, 11)
"""The whole days pandas' nanosecond timestamps hold (1677-09-21 to 2262-04-11)."""
DAYS_MAX = (DATE_MAX - DATE_MIN).days
"""The longest period those dates hold (days)."""
STEP_DAYS_MIN = 0.001
"""The shortest step: 86 seconds (days)."""

_TYPE_WORDS = {bool: "true or false", int: "a whole number such as 12",
               float: "a number such as 0.5"}


def _scalar_type(annotation: Any) -> type | None:
    """bool, int or float for a field of that type (or that type | None); None otherwise."""
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [a for a in get_args(annotation) if a is not type(None)]
        return _scalar_type(kinds[0]) if len(kinds) == 1 else None
    return annotation if annotation in _TYPE_WORDS else None


def _wrong_type(wanted: type, value: Any) -> bool:
    """True for a value of another type that pydantic's lax mode would convert: text for a
    number or a boolean, a boolean for a number, a number for a boolean."""
    if wanted is bool:
        return not isinstance(value, bool)
    return isinstance(value, (bool, str))


class Section(BaseModel):
    """Shared configuration: unknown keys and non-finite numbers (nan, inf) are errors, and
    types are strict (members = true, leader_alive = "no", clash_rate = "0.5" are errors)."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _strict_scalars(cls, data: Any) -> Any:
        """Refuse a value that is not of its field's type (each value, for a table of
        numbers) instead of converting it; every such field of the table at once."""
        if not isinstance(data, dict):
            return data
        problems = []
        for name, value in data.items():
            field = cls.model_fields.get(name)
            if field is None or value is None:
                continue
            if get_origin(field.annotation) is dict and isinstance(value, dict):
                wanted = _scalar_type(get_args(field.annotation)[1])
                items = [((name, key), item) for key, item in value.items()]
            else:
                wanted, items = _scalar_type(field.annotation), [((name,), value)]
            for loc, item in items:
                if wanted is not None and _wrong_type(wanted, item):
                    shown = (str(item).lower() if isinstance(item, bool)
                             else json.dumps(item, default=str))
                    fix = ("remove the quotes" if isinstance(item, str) and wanted is not bool
                           else f"write {_TYPE_WORDS[wanted]}, without quotes")
                    problems.append((loc, f"must be {_TYPE_WORDS[wanted]} (got {shown}); {fix}"))
        raise_problems(problems)
        return data


def nonneg(default: float, description: str, le: float = FACTOR_MAX) -> Any:
    """A rate, count, amount or factor: a number from 0 to ``le``."""
    return Field(default, ge=0, le=le, description=description)


def money(default: float, description: str) -> Any:
    """An amount of money: a number from 0 to MONEY_MAX."""
    return nonneg(default, description, le=MONEY_MAX)


def share(default: float, description: str) -> Any:
    """A probability or share: a number from 0 to 1."""
    return Field(default, ge=0, le=1, description=description)


NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
PATTERN_FIXES = {NAME_PATTERN: "use only letters, digits, '_' and '-', e.g. bcs_2014",
                 COLOR_PATTERN: 'write a colour as "#rrggbb", e.g. "#1f77b4"'}
"""For each pattern a field must match, how to write a value that does."""

PoliceKind = Literal["municipal", "state", "federal", "army"]
POLICE_KINDS = get_args(PoliceKind)


@dataclass(frozen=True)
class Names:
    """Marks a text field whose value names an entry of [[organizations]] or [[plazas]];
    ``nobody``: "" is allowed and names nobody. The scenario checks every marked field."""
    section: Literal["organization", "plaza"]
    nobody: bool = False


OrganizationName = Annotated[str, Names("organization")]
PlazaName = Annotated[str, Names("plaza")]
OrganizationOrNobody = Annotated[str, Names("organization", nobody=True)]


def _names_marker(annotation: Any, metadata: tuple = ()) -> Names | None:
    """The :class:`Names` marker of a field's type (``PlazaName``, ``list[PlazaName]``,
    ``list[PlazaName] | None``), if it has one."""
    marker = next((m for m in metadata if isinstance(m, Names)), None)
    if marker is None and get_origin(annotation) is Annotated:
        inner, *extra = get_args(annotation)
        return _names_marker(inner, tuple(extra))
    return marker or next(filter(None, map(_names_marker, get_args(annotation))), None)


@functools.cache
def name_fields(model: type[BaseModel]) -> list[tuple[str, Names]]:
    """(field, marker) for each field of ``model`` that names organizations or plazas."""
    markers = {name: _names_marker(field.annotation, tuple(field.metadata))
               for name, field in model.model_fields.items()}
    return [(name, marker) for name, marker in markers.items() if marker is not None]
