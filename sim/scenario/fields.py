"""Building blocks of every scenario section: the shared configuration, number fields,
name patterns with the fix for each, and the fields that name another section's entries."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """Shared configuration: unknown keys and non-finite numbers (nan, inf) are errors."""
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


def nonneg(default: float, description: str) -> Any:
    """A rate, count, amount or factor: a number of 0 or more."""
    return Field(default, ge=0, description=description)


def share(default: float, description: str) -> Any:
    """A probability or share: a number from 0 to 1."""
    return Field(default, ge=0, le=1, description=description)


NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
COLOR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
PATTERN_FIXES = {NAME_PATTERN: "use only letters, digits, '_' and '-', e.g. bcs_2014",
                 COLOR_PATTERN: 'write a colour as "#rrggbb", e.g. "#1f77b4"'}
"""For each pattern a field must match, how to write a value that does."""

PoliceKind = Literal["municipal", "state", "federal"]
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
