"""Reading scenario files: TOML in, a validated Scenario out, every problem named.

:func:`load_scenario` reads a file, merges it over its ``base`` file (recursively), applies
its ``overrides`` and ``remove`` entries, and validates the result. Every problem is reported
at once in a :class:`sim.scenario.ScenarioError`, one line per problem: the file, the field
path in the user's terms, what is wrong and how to fix it, with the nearest valid key or name
for a typo.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from .paths import PathError, remove_items, set_value
from .scenario import COLOR_PATTERN, NAME_PATTERN, Scenario, ScenarioError, _FileKeys, _Problems


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read, merge (base), edit (overrides, remove) and validate a scenario file."""
    files: dict[Path, bytes] = {}
    data = _resolve(Path(path), (), files)
    sources = list(files)
    bases = f" (with base {', '.join(map(str, sources[1:]))})" if len(sources) > 1 else ""
    scenario = validate(data, f"{sources[0]}{bases}")
    scenario._source_files = sources
    scenario._source_sha256 = {str(p): hashlib.sha256(raw).hexdigest() for p, raw in files.items()}
    return scenario


def _resolve(path: Path, chain: tuple[Path, ...], files: dict[Path, bytes]) -> dict:
    """A file's table merged over its base chain, with its overrides and removals applied."""
    data, files[path] = _read(path)
    present = {key: data.pop(key) for key in _FileKeys.model_fields if key in data}
    try:
        keys = _FileKeys.model_validate(present)
    except ValidationError as exc:
        raise ScenarioError(*error_lines(exc, present, str(path), _FileKeys)) from None
    if keys.base:
        base = Path(os.path.normpath(path.parent / keys.base))
        names = " -> ".join(str(p) for p in (*chain, path, base))
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


def validate(data: dict, label: str) -> Scenario:
    """A Scenario from a table, or a ScenarioError listing every problem."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*error_lines(exc, data, label, Scenario)) from None


# ----------------------------------------------------------------------------- messages

def error_lines(exc: ValidationError, data: dict, label: str, root: type[BaseModel]) -> list[str]:
    """One line per problem: ``label: field path: what is wrong; how to fix it``."""
    lines = []
    for err in exc.errors():
        found = err.get("ctx", {}).get("error")
        if isinstance(found, _Problems):
            problems = found.problems
        else:
            problems = [((), _describe(err, data, root))]
        for loc, message in problems:
            lines.append(f"{label}: {_user_path(err['loc'] + loc, data)}: {message}")
    return lines


def _user_path(loc: tuple, data: Any) -> str:
    """A location as a dotted path; list items with a unique ``name`` are named by it."""
    text, node = "", data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            names = [x.get("name") for x in node if isinstance(x, dict)] if name else []
            unique = isinstance(name, str) and names.count(name) == 1
            text += f'[name="{name}"]' if unique else f"[{part}]"
            node = item
        else:
            text = f"{text}.{part}" if text else part
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as ``list[Plaza]`` or ``Simulation``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_inner_model, get_args(annotation)) if m), None)


def _model_at(loc: tuple, root: type[BaseModel]) -> type[BaseModel] | None:
    """The model that validates the table at ``loc`` (list positions skipped), if any."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, str):
            field = model.model_fields.get(part) if model else None
            model = _inner_model(field.annotation) if field else None
    return model


def _constraints(field: Any) -> dict[str, Any]:
    """The constraints of a field that are set (ge, gt, le, lt, min/max_length, pattern)."""
    names = ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
    metadata = field.metadata if field else []
    return {k: getattr(m, k) for m in metadata for k in names if getattr(m, k, None) is not None}


def _show(value: Any) -> str:
    """A value as the user would write it in TOML, shortened."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return str(value).lower()
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TYPE_HINTS = {"float": "a number such as 0.5", "int": "a whole number such as 12",
               "bool": "true or false, without quotes", "string": "text in double quotes",
               "date": "a date such as 2014-05-01, without quotes"}
_BOUND_WORDS = {"greater_than_equal": ("at least", "use {} or more"),
                "greater_than": ("greater than", "use a value above {}"),
                "less_than_equal": ("at most", "use {} or less"),
                "less_than": ("less than", "use a value below {}")}
_PATTERN_HINTS = {NAME_PATTERN: "use only letters, digits, '_' and '-', e.g. bcs_2014",
                  COLOR_PATTERN: 'write a colour as "#rrggbb", e.g. "#1f77b4"'}


def _describe(err: dict, data: dict, root: type[BaseModel]) -> str:
    """What is wrong and how to fix it, for one pydantic error."""
    kind, loc, ctx, got = err["type"], err["loc"], err.get("ctx", {}), _show(err.get("input"))
    model = _model_at(loc[:-1], root)
    field = model.model_fields.get(loc[-1]) if model and loc and isinstance(loc[-1], str) else None
    if kind == "extra_forbidden":
        where = ("the file's top level" if len(loc) == 1 else f"[{loc[0]}]" if len(loc) == 2
                 else _user_path(loc[:-1], data))
        valid = list(model.model_fields) if model else []
        valid += list(_FileKeys.model_fields) if model is Scenario and len(loc) == 1 else []
        close = difflib.get_close_matches(str(loc[-1]), valid, n=1, cutoff=0.6)
        fix = f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(valid)}"
        return f"unknown key '{loc[-1]}' {'at' if len(loc) == 1 else 'in'} {where}; {fix}"
    if kind == "missing" and _inner_model(field.annotation):
        return f"required table [{loc[-1]}] is missing; add a [{loc[-1]}] section"
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing; add {loc[-1]} = ... — {field.description}"
    if kind == "finite_number":
        return f"must be an ordinary finite number, not {got}; write {_TYPE_HINTS['float']}"
    if kind in _BOUND_WORDS:
        return _bound_message(kind, ctx, got, _constraints(field))
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        close = difflib.get_close_matches(str(err.get("input")), allowed, n=1, cutoff=0.5)
        return (f"must be one of {', '.join(map(repr, allowed))} (got {got})"
                + (f"; did you mean '{close[0]}'?" if close else ""))
    if kind == "string_pattern_mismatch":
        hint = _PATTERN_HINTS.get(ctx["pattern"], "see docs/scenario.md")
        return f"has the wrong form (got {got}); {hint}"
    if kind == "string_too_short":
        return "must not be empty; write a name in double quotes"
    if kind in ("too_short", "too_long"):
        word, count = ("at least", ctx.get("min_length")) if kind == "too_short" else (
            "at most", ctx.get("max_length"))
        return (f"must have {word} {count} item(s) (got {ctx.get('actual_length')}); "
                "add or remove items")
    if kind == "list_type" and field and _inner_model(field.annotation):
        return f"must be a list (got {got}); write each entry under its own [[{loc[-1]}]] header"
    if kind == "list_type":
        return f'must be a list (got {got}); write it in square brackets, e.g. ["a", "b"]'
    if kind in ("model_type", "dict_type", "model_attributes_type") and isinstance(loc[-1], int):
        return f"must be a table (got {got}); write each entry under its own [[{loc[-2]}]] header"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a table (got {got}); write it as a [{loc[-1]}] section"
    if kind == "value_error":
        return str(ctx.get("error"))
    family = kind.split("_")[0]
    if family in _TYPE_HINTS:
        return f"must be {_TYPE_HINTS[family]} (got {got})"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {got})"


def _bound_message(kind: str, ctx: dict, got: str, bounds: dict[str, Any]) -> str:
    """A value out of bounds: the limit it broke and the range to use."""
    limit, fix = _BOUND_WORDS[kind]
    value = f"{next(iter(ctx.values())):g}"
    low, high = bounds.get("ge", bounds.get("gt")), bounds.get("le", bounds.get("lt"))
    if low is not None and high is not None:
        fix = f"use a value from {low:g} to {high:g}"
    return f"must be {limit} {value} (got {got}); {fix.format(value)}"
