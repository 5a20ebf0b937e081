"""The kernel's first compile, shared between this process and a child.

numba compiles one function at a time, and the first run on a machine (or after any change
to the kernel's source) spends most of its time compiling the phases ``kernel.advance``
calls. When ``advance`` is neither compiled in this process nor in numba's cache,
:func:`compile_phases` compiles the largest phases in a child process while this process
compiles the rest, each with the argument types ``advance`` will pass them; when numba then
compiles ``advance``, it loads the child's phases from its cache. The compiled code is the
same as numba's own serial compile: results do not depend on it.

The phases are the compiled functions of :mod:`sim.mechanisms` whose parameters are all
named after ``advance``'s arguments (its records, :mod:`sim.records`) or ``t`` (the step, of
``t0``'s type): a phase's parameter names are its types. Anything unexpected (one CPU, a
failed child) leaves the phases concerned to numba's serial compile, which is only slower.
"""

from __future__ import annotations

import inspect
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from importlib import import_module
from pathlib import Path
from pkgutil import iter_modules

import numba
from numba.core.dispatcher import Dispatcher

from . import mechanisms

# Phases compiled by the child process while this one compiles the others: the larger
# share, as the child starts up first (2026-12-06, one core: clashes 3.5 s and kidnappings
# 2.6 s; decide_postures 1.9, assassinations 2.2 and economy 1.5; the child's start-up about
# 2.6 s; then advance itself, with the phases it inlines, 12.3 s).
CHILD_PHASES = ("clashes", "kidnappings")
CHILD = ("import sys; sys.path.append(sys.argv[1]); "
         "from sim.compiling import compile_from_stdin; compile_from_stdin()")
# In numba's cache folder (keyed to the kernel's source by sim/__init__): the kernel was
# compiled here once, so its phases are in the cache.
COMPILED_MARK = "cartel-sim-kernel-compiled"


def phases(advance: Dispatcher) -> list[Dispatcher]:
    """The mechanisms' phases: compiled functions, not inlined, whose parameters are all
    kernel records (named as ``advance``'s) or ``t``."""
    known = set(inspect.signature(advance.py_func).parameters) | {"t"}
    found = []
    for info in iter_modules(mechanisms.__path__):
        module = import_module(f"{mechanisms.__name__}.{info.name}")
        for function in vars(module).values():
            if (isinstance(function, Dispatcher) and function.py_func.__module__ == module.__name__
                    and function.targetoptions.get("inline", "never") == "never"
                    and set(inspect.signature(function.py_func).parameters) <= known):
                found.append(function)
    return found


def phase_signatures(advance: Dispatcher, advance_args: tuple) -> list[tuple[Dispatcher, tuple]]:
    """Each phase with the argument types ``advance`` passes it when called with
    ``advance_args``."""
    names = list(inspect.signature(advance.py_func).parameters)
    types = {name: numba.typeof(value) for name, value in zip(names, advance_args)}
    types["t"] = types["t0"]
    return [(f, tuple(types[name] for name in inspect.signature(f.py_func).parameters))
            for f in phases(advance)]


def _mark() -> Path | None:
    """The file that says the kernel was compiled into numba's cache folder, if there is one."""
    return Path(numba.config.CACHE_DIR) / COMPILED_MARK if numba.config.CACHE_DIR else None


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def compile_phases(advance: Dispatcher, advance_args: tuple) -> None:
    """Before ``advance``'s first compile: compile its phases in two processes.

    Does nothing when ``advance`` is compiled in this process or was compiled into numba's
    cache folder before, or when only one CPU is available.
    """
    mark = _mark()
    if advance.signatures or mark is None or mark.exists() or usable_cpus() < 2:
        return
    jobs = phase_signatures(advance, advance_args)
    mine = [(f, sig) for f, sig in jobs if f.py_func.__name__ not in CHILD_PHASES]
    theirs = [(f.py_func.__module__, f.py_func.__name__, sig)
              for f, sig in jobs if f.py_func.__name__ in CHILD_PHASES]
    with tempfile.TemporaryFile() as errors:
        # the child inherits NUMBA_CACHE_DIR (set by sim/__init__); it finds this copy of
        # sim even when sys.path was extended by hand
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(Path(__file__).parents[1])],
                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=errors)
        try:
            child.stdin.write(pickle.dumps(theirs))
            child.stdin.close()
            for function, sig in mine:
                function.compile(sig)
        except BaseException:
            child.kill()
            raise
        finally:
            child.wait()
        if child.returncode != 0:
            errors.seek(0)
            warnings.warn("the child process compiling part of the kernel failed; numba "
                          "compiles that part in this process instead (slower, same results):\n"
                          + errors.read().decode(errors="replace")[-2000:], stacklevel=2)
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    except OSError:  # a read-only cache: the next process shares its compile again
        pass


def compile_from_stdin() -> None:
    """The child: compile (and so cache) the phases listed, pickled, on standard input."""
    for module, name, sig in pickle.loads(sys.stdin.buffer.read()):
        getattr(import_module(module), name).compile(sig)
