"""The package's shape: no module of ``sim`` imports, directly or through others, itself;
no module is long enough to hold more than one job.

The import graph is read from the source (``ast``), not by importing: every ``import`` and
``from ... import``, absolute or relative, at the top of a module or inside a function.
``from package import name`` depends on the module ``package.name`` when there is one, and
on the package (its ``__init__``) otherwise.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"
MAX_LINES = 400


def module_name(path: Path) -> str:
    """``sim/scenario/events.py`` -> ``sim.scenario.events``; a package is its folder's name."""
    parts = path.relative_to(SIM.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> set[str]:
    """The modules of ``modules`` that the file at ``path`` imports, anywhere in it."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            source = node.module
            if node.level:  # from . import x, from ..y import z
                base = package.rsplit(".", node.level - 1)[0]
                source = f"{base}.{node.module}" if node.module else base
            submodules = {f"{source}.{alias.name}" for alias in node.names} & modules
            found |= submodules or {source}
    return found & modules


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of sim it imports."""
    paths = sorted(SIM.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imported_modules(p, modules) - {module_name(p)} for p in paths}


def tangles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of two or more modules that import each other, directly or not (Tarjan's
    strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = {stack.pop()}
            while node not in group:
                group.add(stack.pop())
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (a -> b -> ... -> a) through each group of :func:`tangles`."""
    return [_cycle_through(graph, group) for group in tangles(graph)]


def _cycle_through(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle from the first module of ``group`` back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        reached = []
        for node in frontier:
            for nxt in sorted(graph[node] & group):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    reached.append(nxt)
        frontier = reached
    raise AssertionError(f"{sorted(group)} is not a cycle")


def test_the_graph_sees_every_kind_of_import():
    graph = import_graph()
    assert "sim.scenario.schema" in graph["sim.scenario.loading"]  # from .schema import ...
    assert "sim.scenario.messages" in graph["sim.sweep"]  # from .scenario.messages import ...
    assert "sim.scenario" in graph["sim.cli"]  # inside a function
    assert "sim.kernel" in graph["sim.model"]  # from . import kernel: the module


def test_cycles_are_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e2"}, "e2": {"e"}}
    assert sorted(cycles(graph)) == [["a", "b", "c", "a"], ["e", "e2", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_sim_has_no_import_cycle():
    found = cycles(import_graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_no_module_is_over_400_lines():
    """A module that grows past this is doing two jobs: split it (the architecture paragraph
    of the README says what lives where)."""
    long = {p.relative_to(ROOT).as_posix(): n for p in sorted(
        [*SIM.rglob("*.py"), *(ROOT / "tools").rglob("*.py")])
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long
