"""The checks of an organization's patronage fields (``patron``, ``stipend_per_day``),
kept apart from :mod:`.schema`, whose :class:`~.schema.Organization` inherits them."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from .errors import raise_problems
from .fields import Section


class PatronageChecks(Section):
    """An organization is not its own patron, and only a client has a stipend."""

    @model_validator(mode="after")
    def _check_patron(self) -> Any:
        problems = []
        if self.patron == self.name:
            problems.append((("patron",), f"'{self.name}' cannot be its own patron; name "
                             'another organization, or write patron = ""'))
        if self.stipend_per_day > 0 and not self.patron:
            problems.append((("stipend_per_day",), "a stipend is paid by a patron, and patron "
                             "is not set; name the paying organization in patron, or remove "
                             "stipend_per_day"))
        raise_problems(problems)
        return self
