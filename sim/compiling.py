"""Saying so while numba compiles the kernel.

The first run on a machine (or after the model's source changed: the cache is keyed to it,
see ``sim/__init__.py``) spends 30-60 s compiling before its first step; later runs load
the compiled code from numba's cache in a second or two. When the kernel is neither compiled
in this process nor in the cache, :func:`announce_compiling` logs that it compiles, how long
it has been compiling every :data:`EVERY` seconds, and how long it took, to the logger
``sim.compiling`` at level INFO.

The ``cartel-sim`` command prints these messages on stderr. A Python program sees them only
if it shows INFO messages, e.g. ``logging.basicConfig(level=logging.INFO)``, or just these
with :func:`show_compile_messages`.
"""

from __future__ import annotations

import functools
import gc
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)
EVERY = 10.0  # seconds between "still compiling" messages


def is_compiled(kernel) -> bool:
    """Whether calling the numba dispatcher ``kernel`` runs at once: compiled in this process
    already, or its cache holds code compiled from the current source."""
    if kernel.signatures:
        return True
    cache = getattr(kernel, "_cache", None)
    index = getattr(getattr(cache, "_cache_file", None), "_load_index", None)
    # numba internals (0.5x-0.6x): the index is empty when absent or from another source
    return bool(index()) if index is not None else False


def announce_compiling(kernel) -> Callable:
    """Decorate the function that first calls ``kernel`` (and the compiled helpers it calls
    before it): while they compile, say so (see the module's docstring)."""

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if kernel.signatures:  # compiled or loaded in this process: every call but the first
                return function(*args, **kwargs)
            with _notice(is_compiled(kernel)):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def announce_compiling_in_workers(kernel) -> None:
    """Before a sweep: its worker processes compile ``kernel`` first if the cache does not
    hold it, silently (their logs are not shown), so say so here."""
    if not is_compiled(kernel):
        logger.info("compiling the model in the workers first: first run on this machine "
                    "only (or after an update), about 30-60 s before the first runs finish ...")


@contextmanager
def _notice(compiled: bool) -> Iterator[None]:
    if compiled:
        yield
        return
    logger.info("compiling the model: first run on this machine only (or after an update), "
                "about 30-60 s ...")
    start = time.perf_counter()
    done = threading.Event()

    def tick() -> None:
        while not done.wait(EVERY):
            logger.info("  still compiling, %.0f s", time.perf_counter() - start)

    ticker = threading.Thread(target=tick, name="compile-notice", daemon=True)
    ticker.start()
    collecting = gc.isenabled()
    gc.disable()  # numba's compiler makes millions of objects: the collector adds ~25% to it
    try:
        yield
    finally:
        if collecting:
            gc.enable()
        done.set()
        ticker.join()
    logger.info("compiled in %.0f s; later runs load it from the cache",
                time.perf_counter() - start)


def show_compile_messages(stream=None) -> logging.Handler:
    """Print the compile messages on ``stream`` (default: stderr) without touching any other
    logger; returns the handler (``logging.getLogger("sim.compiling").removeHandler`` it to
    stop). What ``cartel-sim`` does."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # once, not again through a root handler the user set up
    return handler
