"""The kernel's first compile, shared between this process and a child.

numba compiles one function at a time, and the first run on a machine (or after any change
to the kernel's source) spends most of its time compiling the phases ``kernel.advance``
calls. When ``advance`` is neither compiled in this process nor in numba's cache,
:func:`compile_phases` compiles the largest phases (about half of the phases' compile time)
in a child process while this process compiles the rest, each with the exact argument types
``advance`` will pass them; when numba then compiles ``advance``, it loads the child's
phases from its cache. The compiled code
is the same as numba's own serial compile: results do not depend on it.

Anything unexpected (one CPU, no cache file, an argument whose type is unknown, a failed
child) leaves the phases concerned to numba's serial compile, which is only slower.
"""

from __future__ import annotations

import ast
import inspect
import os
import pickle
import subprocess
import sys
import tempfile
import textwrap
import warnings
from importlib import import_module
from pathlib import Path

import numba
from numba.core.dispatcher import Dispatcher

from . import kernel

# Phases compiled by the child process: about half of the phases' compile time, less the
# child's start-up (2026-11-25, 2 cores: 10.3 s of 22.8 s; start-up 2.6 s).
CHILD_PHASES = ("clashes", "kidnappings", "economy")
CHILD = ("import sys; sys.path.append(sys.argv[1]); "
         "from sim.compiling import compile_from_stdin; compile_from_stdin()")


def phase_calls() -> list[tuple[Dispatcher, list[str]]]:
    """The compiled functions ``advance`` calls (``function(...)`` or ``module.function(...)``),
    with the names of the variables it passes, in the order of its source; functions it
    inlines are left out (they are compiled into ``advance``)."""
    source = textwrap.dedent(inspect.getsource(kernel.advance.py_func))
    calls = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not all(isinstance(a, ast.Name) for a in node.args):
            continue
        if isinstance(node.func, ast.Name):
            function = getattr(kernel, node.func.id, None)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            function = getattr(getattr(kernel, node.func.value.id, None), node.func.attr, None)
        else:
            continue
        if (isinstance(function, Dispatcher)
                and function.targetoptions.get("inline", "never") == "never"):
            calls.append((function, [a.id for a in node.args]))
    return calls


def phase_signatures(advance_args: tuple) -> list[tuple[Dispatcher, tuple]]:
    """Each phase with the argument types ``advance`` passes it when called with
    ``advance_args``; phases passed a variable of unknown type are left out."""
    names = inspect.signature(kernel.advance.py_func).parameters
    known = {name: numba.typeof(value) for name, value in zip(names, advance_args)}
    known.update(kernel.LOCAL_TYPES)
    return [(function, tuple(known[name] for name in args))
            for function, args in phase_calls() if all(name in known for name in args)]


def _cached(function: Dispatcher) -> bool:
    """Whether numba's cache holds an index for ``function`` (unknown counts as yes)."""
    try:
        return os.path.exists(function._cache._cache_file._index_path)
    except AttributeError:  # no cache (cache=False), or another numba's internals
        return True


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def compile_phases(advance_args: tuple) -> None:
    """Before ``advance``'s first compile: compile its phases in two processes.

    Does nothing when ``advance`` is compiled in this process or in numba's cache, or when
    only one CPU is available.
    """
    advance = kernel.advance
    if (not isinstance(advance, Dispatcher) or advance.signatures or _cached(advance)
            or usable_cpus() < 2):
        return
    jobs = phase_signatures(advance_args)
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


def compile_from_stdin() -> None:
    """The child: compile (and so cache) the phases listed, pickled, on standard input."""
    for module, name, sig in pickle.loads(sys.stdin.buffer.read()):
        getattr(import_module(module), name).compile(sig)
