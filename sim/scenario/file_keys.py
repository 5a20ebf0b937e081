"""The keys only scenario files have (``base``, ``overrides``, ``remove``, ``append``):
:func:`sim.scenario.loading.load_scenario` resolves them before validation."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .fields import Section


class FileKeys(Section):
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
    append: dict[Literal["organizations", "plazas", "cells", "police", "relations", "events",
                         "triggers"], list[dict[str, Any]]] = Field(
        {}, description="entries added at the end of the merged lists after overrides and "
        "remove, e.g. [[append.events]] (tables, by section)")
