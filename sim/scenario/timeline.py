"""Checks of a scenario's events in date order: the organizations an event names exist by
then (the scenario's, or created by an earlier ``split`` or ``leader_removed`` splinter),
the names they create are new, the cells and police units they move exist and belong to
the giving organization, and the plazas' yearly series fall within the run.

Events are walked in the order the engine applies them: (step, position in the file).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator
from typing import Any

from .errors import Problem
from .fields import DATE_MIN, name_fields

RESERVED_ACTORS = ("police", "civilian", "unknown", "state")  # perpetrators and victims in the tables
SPLINTER_NAME = re.compile(r".+ splinter \d+")  # names the model gives splinters


def unknown_name(what: str, name: str, known: list[str]) -> str:
    """Message for a reference to an unknown name, with the nearest known name."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {what} '{name}'; did you mean '{close[0]}'?"
    listed = ", ".join(f"'{k}'" for k in known[:10]) + (", …" if len(known) > 10 else "")
    return (f"unknown {what} '{name}'; " + (f"use one of: {listed}, or " if listed else "")
            + f"add it to [[{what}s]]")


def reserved_name_problem(name: str) -> str | None:
    """Why an organization cannot take this name (one the output tables use), or None."""
    if name in RESERVED_ACTORS or SPLINTER_NAME.fullmatch(name):
        listed = ", ".join(f"'{a}'" for a in RESERVED_ACTORS)
        return (f"'{name}' is reserved (the output tables use {listed} and "
                "'<organization> splinter <n>'); choose another name")
    return None


def created_names(scenario: Any) -> list[str]:
    """Organizations the scenario's ``split`` events create, in file order (rows reserved
    after the scenario's organizations)."""
    return [e.new_organization for e in scenario.events if e.kind == "split"]


def organization_names(scenario: Any) -> list[str]:
    """Every organization a run can name: the scenario's, those its ``split`` events create
    and the named splinters of its ``leader_removed`` events (which may not form)."""
    return [*(o.name for o in scenario.organizations), *created_names(scenario),
            *_named_splinters(scenario)]


def _named_splinters(scenario: Any) -> list[str]:
    return [e.splinter for e in scenario.events if e.kind == "leader_removed" and e.splinter]


def date_order(scenario: Any) -> list[int]:
    """Indices of the events in the order they are applied."""
    return sorted(range(len(scenario.events)),
                  key=lambda i: (scenario.events[i].resolved_step(scenario), i))


def check_event_names(scenario: Any) -> Iterator[Problem]:
    """Every organization an event names exists when it happens; created names are new."""
    known = dict.fromkeys(o.name for o in scenario.organizations)  # in file order
    later = {*created_names(scenario), *_named_splinters(scenario)}
    owner = {c.name: c.organization for c in scenario.cells if c.name}
    police = {u.name: u.payroll for u in scenario.police if u.name}
    for i in date_order(scenario):
        event = scenario.events[i]
        when = f"(event {i}, {event.day or f'step {event.step}'})"
        for field, loc, name in _organizations_named(event):
            if name not in known:
                yield ("events", i, field, *loc), _missing(name, known, later, when)
        if event.kind in ("split", "defect"):
            giver = event.organization if event.kind == "split" else event.from_
            taker = event.new_organization if event.kind == "split" else event.to
            yield from _check_moves(event, i, giver, taker, owner, police)
        created = [("new_organization", event.new_organization)] if event.kind == "split" else (
            [("splinter", event.splinter)] if event.kind == "leader_removed" and event.splinter
            else [])
        for field, name in created:
            if name in known:
                yield ("events", i, field), (f"'{name}' already names an organization {when}; "
                                             "give the new organization a name of its own")
            elif reserved := reserved_name_problem(name):
                yield ("events", i, field), reserved
            known[name] = None


def organizations_named(event: Any) -> list[str]:
    """Every organization an event names (none for an internal event of the engine)."""
    return [name for _, _, name in _organizations_named(event)]


def _organizations_named(event: Any) -> Iterator[tuple[str, tuple, str]]:
    """(field, location in it, name) of every organization an event refers to."""
    if not hasattr(type(event), "model_fields"):
        return
    for field, marker in name_fields(type(event)):
        if marker.section != "organization":
            continue
        value = getattr(event, field)
        label = type(event).model_fields[field].alias or field
        if isinstance(value, str):
            yield label, (), value
        for k, name in enumerate(value if isinstance(value, list) else []):
            yield label, (k,), name
    if event.kind == "split":
        for name in event.relations:
            yield "relations", (name,), name


def _missing(name: str, known: dict[str, None], later: set[str], when: str) -> str:
    """Message for an organization not existing when an event names it."""
    if name in later:
        return (f"'{name}' does not exist yet {when}: it is created by a later event; move "
                "this event after the one that creates it")
    return f"{unknown_name('organization', name, list(known))} {when}"


def _check_moves(event: Any, i: int, giver: str, taker: str, owner: dict[str, str],
                 police: dict[str, str]) -> Iterator[Problem]:
    """Named cells exist and belong to ``giver`` then (and now to ``taker``); named police
    units exist and are on ``giver``'s payroll at the start or moved to it by name."""
    for field, table, what in (("cells", owner, "cell"), ("police", police, "police unit")):
        for k, name in enumerate(getattr(event, field)):
            if name not in table:
                close = difflib.get_close_matches(name, list(table), n=1)
                hint = f"did you mean '{close[0]}'?" if close else (
                    f"list {what}s by the name label of their [[{field}]] entry")
                yield ("events", i, field, k), f"no {what} is named '{name}'; {hint}"
            elif field == "cells" and table[name] != giver:
                yield ("events", i, field, k), (
                    f"the cell '{name}' belongs to '{table[name]}' then, not to '{giver}'; "
                    "list only the giving organization's cells")
            else:
                table[name] = taker


def check_yearly_series(scenario: Any) -> Iterator[Problem]:
    """Years of ``population_by_year`` and ``background_by_year`` start within the dates
    the tables hold and not after the run's last day."""
    last = scenario.end - dt.timedelta(days=1)
    for i, plaza in enumerate(scenario.plazas):
        for field in ("population_by_year", "background_by_year"):
            for year in getattr(plaza, field):
                if not DATE_MIN.year < year <= last.year:
                    yield ("plazas", i, field, str(year)), (
                        f"year {year} is outside the run (its days end {last}); give years "
                        f"from {DATE_MIN.year + 1} to {last.year}")
