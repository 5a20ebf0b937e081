"""Reading scenario files: TOML in, a validated Scenario out, every problem named.

:func:`load_scenario` reads a file, merges it over its ``base`` file (recursively), applies
its ``overrides`` and ``remove`` entries, then its ``append`` entries, and validates the
merged result only (a base may hold only ``[parameters]``). Every problem is reported
at once in a :class:`~.errors.ScenarioError`, one line per problem (:mod:`.messages`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import ScenarioError
from .file_keys import FileKeys
from .messages import error_lines
from .paths import PathError, remove_items, set_value
from .schema import Scenario, validate

MAX_BASE_CHAIN = 32
"""Files a base chain may hold, the file itself included."""


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, merge (base), edit (overrides, remove) and validate a scenario file."""
    files: dict[Path, bytes] = {}
    try:
        data = _resolve(Path(path), (), files)
        sources = list(files)
        bases = f" (with base {', '.join(map(str, sources[1:]))})" if len(sources) > 1 else ""
        scenario = validate(data, f"{sources[0]}{bases}")
    except RecursionError:
        raise ScenarioError(f"{path}: tables or lists nested too deeply to read; a scenario "
                            "needs at most a few levels ([[plazas]], a list of names)") from None
    scenario._source_files = sources
    scenario._source_sha256 = {str(p): hashlib.sha256(raw).hexdigest() for p, raw in files.items()}
    return scenario


def _resolve(path: Path, chain: tuple[Path, ...], files: dict[Path, bytes]) -> dict:
    """A file's table merged over its base chain, with its overrides and removals applied."""
    data, files[path] = _read(path)
    present = {key: data.pop(key) for key in FileKeys.model_fields if key in data}
    try:
        keys = FileKeys.model_validate(present)
    except ValidationError as exc:
        raise ScenarioError(*error_lines(exc, present, str(path), FileKeys)) from None
    if keys.base:
        base = Path(os.path.normpath(path.parent / keys.base))
        names = " -> ".join(str(p) for p in (*chain, path, base))
        if len(chain) + 2 > MAX_BASE_CHAIN:
            raise ScenarioError(f"{path}: base: the base chain is longer than {MAX_BASE_CHAIN} "
                                f"files (from {chain[0]}); merge some of the files into one")
        if base.resolve() in [p.resolve() for p in (*chain, path)]:
            raise ScenarioError(f"{path}: base: circular base chain {names}; "
                                "remove the base line from one of these files")
        if not base.is_file():
            raise ScenarioError(f"{path}: base: base file '{keys.base}' not found (looked for "
                                f"{base}; chain {names}); the path is relative to the folder "
                                f"of {path}")
        data = _merge(_resolve(base, (*chain, path), files), data)
    for dotted, value in _flatten(keys.overrides):
        _edit(path, "overrides", set_value, data, dotted, value, create=True)
    for dotted in keys.remove:
        _edit(path, "remove", remove_items, data, dotted)
    for section, entries in keys.append.items():
        listed = data.get(section, [])
        if isinstance(listed, list):  # otherwise validation names the section's wrong type
            data[section] = [*listed, *entries]
    return data


def _read(path: Path) -> tuple[dict, bytes]:
    """The TOML table of a file and its bytes; unreadable files and bad TOML are ScenarioError."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: file not found; check the name and the folder") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    try:
        return tomllib.loads(text), raw
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ScenarioError(f"{path}: line {line.group(1) if line else '?'}: TOML syntax error: "
                            f"{str(exc).split(' (at ')[0]}; check the quotes, brackets, '=' and "
                            "commas on that line") from None


def _merge(base: dict, variant: dict) -> dict:
    """Variant keys replace base keys; tables merge recursively; lists are replaced whole."""
    merged = dict(base)
    for key, value in variant.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _flatten(table: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, value) pairs of an overrides table; nested tables give longer paths."""
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            yield from _flatten(value, path)
        else:
            yield path, value


def _edit(path: Path, key: str, function: Any, *args: Any, **kwargs: Any) -> None:
    """Apply one ``overrides`` or ``remove`` entry; a path matching nothing is a ScenarioError."""
    try:
        function(*args, **kwargs)
    except PathError as exc:
        raise ScenarioError(f"{path}: {key}: {exc}") from None
