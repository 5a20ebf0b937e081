"""What a bad scenario raises: :class:`ScenarioError`, one line per problem, and the
:class:`Problems` a validator collects before pydantic hands them to :mod:`.messages`."""

from __future__ import annotations

Problem = tuple[tuple, str]
"""A problem found by a validator: (location relative to the model, message)."""


class ScenarioError(ValueError):
    """A scenario that cannot be used. One line per problem: ``file: field path: what; fix``."""

    def __init__(self, *problems: str):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class Problems(ValueError):
    """Problems found by a model validator; pydantic passes it on in the error's context."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


def raise_problems(problems: list[Problem]) -> None:
    """Raise the problems a validator found, if any (every one is reported, not the first)."""
    if problems:
        raise Problems(problems)
