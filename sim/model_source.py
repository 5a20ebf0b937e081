"""The source files that decide a run's results, and their sha256.

They are found, not listed: the modules a run executes (its caller names them, e.g. those
defining ``CartelModel`` and ``run_metrics``) and every module of the package they import,
directly or not (the kernel, the mechanisms, rng, codes, the scenario and its parameters,
state, events ...). The package's ``__init__`` is left out: it re-exports the public names
and holds the version, which a sweep records on its own.
"""

from __future__ import annotations

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).parent


@functools.cache
def model_source(roots: tuple[str, ...], package: Path = PACKAGE) -> dict[str, str]:
    """sha256 of the ``roots`` (module names: "sim.model") and of every module of
    ``package`` they import, transitively: {path in the package ("kernel.py",
    "mechanisms/common.py"): hex digest}. Read once per process, like the modules."""
    seen: dict[str, str] = {}
    todo = [package.joinpath(*root.split(".")[1:]).with_suffix(".py") for root in roots]
    while todo:
        path = todo.pop()
        name = path.relative_to(package).as_posix()
        if name in seen:
            continue
        source = path.read_bytes()
        seen[name] = hashlib.sha256(source).hexdigest()
        todo.extend(_imported_modules(ast.parse(source), path, package))
    return dict(sorted(seen.items()))


def _imported_modules(tree: ast.Module, path: Path, package: Path) -> list[Path]:
    """The files of ``package`` that the module ``tree`` (at ``path``) imports, with relative
    imports anywhere in it (``from .codes import X``, ``from . import kernel``, ``from
    ..rng import key``, also inside functions)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = path.parent
        for _ in range(node.level - 1):
            base = base.parent
        if node.module:
            base = base.joinpath(*node.module.split("."))
            found.append(base)
        found.extend(base / alias.name for alias in node.names)  # names may be modules
    files = []
    for candidate in found:
        for file in (candidate.with_suffix(".py"), candidate / "__init__.py"):
            if file.is_file():
                files += [file, *_parent_inits(file, package)]
    return [f for f in files if f != package / "__init__.py"]


def _parent_inits(file: Path, package: Path) -> list[Path]:
    """The ``__init__.py`` of each subpackage above ``file``: importing a module runs them."""
    return [folder / "__init__.py" for folder in file.parents
            if folder != package and package in folder.parents]
