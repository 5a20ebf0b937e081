"""The keyed random draws the reference model makes: :mod:`sim.rng`'s samplers.

A draw is a pure function of its key ``key(seed, stream, step, a, b)`` (sim.rng), so the
reference calls the same samplers as the compiled kernel and gets the same numbers. By
default it calls them compiled, from Python, like a C random-number library; the speed
benchmarks can switch to their Python code (``py_func``: the same numbers, slower) with
:func:`python_samplers`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

from .. import rng

NAMES = ("key", "uniform", "bernoulli", "binomial", "binomial_at_rate", "poisson",
         "rate_to_prob")
COMPILED = SimpleNamespace(**{name: getattr(rng, name) for name in NAMES})
PYTHON = SimpleNamespace(**{name: getattr(rng, name).py_func for name in NAMES})
_in_use = [COMPILED]


def samplers() -> SimpleNamespace:
    """The samplers a reference model built now calls (``draw.binomial(k, n, p)``...)."""
    return _in_use[-1]


@contextmanager
def python_samplers() -> Iterator[None]:
    """Within the block, reference models are built calling the samplers' Python code."""
    _in_use.append(PYTHON)
    try:
        yield
    finally:
        _in_use.pop()


def pair_id(draw: SimpleNamespace, a_id: int, b_id: int) -> int:
    """Order-free stable id of two stable ids (keys a pair's draws)."""
    return int(draw.key(0, 0, 0, min(a_id, b_id), max(a_id, b_id))) >> 1
