"""The names behind stable ids: each entity's key text, hashed into its id by
:func:`sim.rng.stable_id` (ids key the random draws, so two entities with one key would share
their draws).

Keys join names with '/', and names may contain '/' (shipped scenarios do), so two different
entities can get the same key: organization "A/B" in plaza "C" and organization "A" in plaza
"B/C". The keys stay as they are (changing them would change every result); the scenario
refuses a file in which two keys collide (:func:`colliding_keys`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FEDERAL = "federal unit in"


def collision_fix(key: str) -> str:
    """How to avoid a collision of ``key`` with another."""
    if key.startswith(FEDERAL):
        return "deploy to a plaza once per step: merge the two deployments or move one"
    return ("rename one of them (a name, an organization or a plaza), e.g. avoid '/' and the "
            "label 'enter'")


def entity_keys(prefix: str, keys: list[tuple[str, ...]]) -> list[str]:
    """Key texts of rows named by tuples; repeats get their rank among equals appended."""
    seen: dict[tuple[str, ...], int] = {}
    texts = []
    for k in keys:
        rank = seen.get(k, 0)
        seen[k] = rank + 1
        texts.append("/".join((prefix, *k, str(rank))))
    return texts


def enter_cell_key(event: Any, order: int, plaza: str) -> str:
    """Key text of the cell an ``enter`` event (the scenario's ``order``-th) puts in a plaza."""
    return f"cell/{event.organization}/{plaza}/enter/{order}"


def scenario_keys(scenario: Any) -> Iterator[tuple[tuple, str]]:
    """(location in the file, key text) of every entity the scenario names at the start,
    and of the federal units its deployments station (triggers fire during the run)."""
    sections = {"organizations": ("org", lambda o: (o.name,)),
                "plazas": ("plaza", lambda p: (p.name,)),
                "cells": ("cell", lambda c: (c.organization, c.plaza, c.name)),
                "police": ("police", lambda u: (u.plaza, u.kind, u.name))}
    for section, (prefix, key) in sections.items():
        items = getattr(scenario, section)
        for i, text in enumerate(entity_keys(prefix, [key(item) for item in items])):
            yield (section, i), text
    for i, event in enumerate(scenario.events):
        if event.kind == "split":  # its row is reserved at load, keyed like the others
            yield ("events", i, "new_organization"), f"org/{event.new_organization}/0"
        if event.kind == "enter":
            for k, plaza in enumerate(event.plazas):
                yield ("events", i, "plazas", k), enter_cell_key(event, i, plaza)
        if event.kind == "federal_deployment":  # its units' ids hash the plaza's id and step
            step = event.resolved_step(scenario)
            for k, plaza in enumerate(event.plazas):
                yield ("events", i, "plazas", k), f"{FEDERAL} {plaza} at step {step}"


def colliding_keys(scenario: Any) -> Iterator[tuple[tuple, tuple, str]]:
    """(location, location of the first holder, key) for each entity whose key is taken."""
    first: dict[str, tuple] = {}
    for loc, text in scenario_keys(scenario):
        if text in first:
            yield loc, first[text], text
        first.setdefault(text, loc)
