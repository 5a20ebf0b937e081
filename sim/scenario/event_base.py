"""The base of every kind of event and the pieces kinds share: a time (day or step), every
problem reported at once, lists of organizations or plazas.

The kinds themselves are in :mod:`.events` (the union on ``kind``) and :mod:`.dated_changes`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any, ClassVar, Literal, get_origin

from pydantic import (
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from .errors import Problem, Problems, raise_problems
from .fields import OrganizationName, Section


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
        keys = [field.alias or name for name, field in cls.model_fields.items()]
        uses = [key for key in keys if key not in Event.model_fields]
        foreign = [key for key in data if key in _fields_of_any_kind() and key not in keys]
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
    """Every field (its key in a file) some kind of event has: the kinds are the subclasses
    of :class:`Event` whose ``kind`` is a fixed word."""
    kinds, stack = [], list(Event.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if get_origin(cls.model_fields["kind"].annotation) is Literal:
            kinds.append(cls)
    return {field.alias or name for kind in kinds for name, field in kind.model_fields.items()}


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
