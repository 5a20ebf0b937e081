"""Dotted paths into nested scenario data (dicts and lists), as written by users.

One grammar, used by scenario ``overrides`` and ``remove`` and by parameter sweeps::

    parameters.clash_rate               a key in a table
    plazas[name=La Paz].population      every list item whose ``name`` is "La Paz"
    plazas[name="San José del Cabo"]    quotes around a selector value are optional
    police[kind=state].integrity        a selector may match several items: all are used
    cells[0].members                    a list item by position (0 is the first)

A path is a dot-separated list of keys, each followed by any number of ``[index]`` or
``[field=value]`` selectors. Dots inside brackets belong to the selector value. A path that
matches nothing is an error (:class:`PathError`) that suggests the nearest valid path.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["Key", "Index", "Select", "PathError", "parse_path", "format_path",
           "get_values", "set_value", "remove_items"]

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class PathError(ValueError):
    """A dotted path that cannot be read or that matches nothing in the data."""


@dataclass(frozen=True)
class Key:
    """A key of a table (dict)."""
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Index:
    """A list item by position, counted from 0."""
    index: int

    def __str__(self) -> str:
        return f"[{self.index}]"


@dataclass(frozen=True)
class Select:
    """Every list item (a table) whose ``field`` equals ``value`` (compared as text)."""
    field: str
    value: str

    def __str__(self) -> str:
        return f"[{self.field}={self.value}]"

    def matches(self, item: Any) -> bool:
        """True if ``item`` is a table whose field, written as text, equals the value."""
        if not isinstance(item, dict) or self.field not in item:
            return False
        return _text(item[self.field]) == self.value


Segment = Key | Index | Select


def _text(value: Any) -> str:
    """A value as it would be written in a selector (``true``, ``2014-05-01``, ``12``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _split_dots(path: str) -> list[str]:
    """Split ``path`` at the dots that are outside brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(path):
        depth += {"[": 1, "]": -1}.get(char, 0)
        if depth < 0 or depth > 1:
            raise PathError(f"unbalanced brackets in path '{path}'")
        if char == "." and depth == 0:
            parts.append(path[start:i])
            start = i + 1
    if depth:
        raise PathError(f"unbalanced brackets in path '{path}': a '[' is never closed")
    return parts + [path[start:]]


def _parse_bracket(inner: str, path: str) -> Segment:
    """Read what is inside one pair of brackets: an index or a ``field=value`` selector."""
    inner = inner.strip()
    if inner.isdigit():
        return Index(int(inner))
    field, eq, value = inner.partition("=")
    field, value = field.strip(), value.strip()
    if not eq or not _KEY.fullmatch(field) or not value:
        raise PathError(f"cannot read '[{inner}]' in path '{path}'; write a position such "
                        "as [0] or a selector such as [name=La Paz]")
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return Select(field, value)


def parse_path(path: str) -> list[Segment]:
    """Parse a dotted path into segments: ``Key``, ``Index`` and ``Select`` objects.

    >>> parse_path("plazas[name=La Paz].population")
    [Key(name='plazas'), Select(field='name', value='La Paz'), Key(name='population')]
    """
    segments: list[Segment] = []
    for part in _split_dots(path.strip()):
        key = _KEY.match(part)
        if key is None:
            raise PathError(f"cannot read '{part}' in path '{path}'; each part must start with "
                            "a name of letters, digits and '_', e.g. parameters.clash_rate")
        segments.append(Key(key.group()))
        rest = part[key.end():]
        for inner in re.findall(r"\[([^\]]*)\]", rest):
            segments.append(_parse_bracket(inner, path))
        if re.sub(r"\[[^\]]*\]", "", rest):
            raise PathError(f"unexpected text after '{key.group()}' in path '{path}'")
    return segments


def _join(head: str, tail: str) -> str:
    """Join two path texts with a dot, unless the tail starts with a bracket."""
    if not head or not tail:
        return head + tail
    return head + tail if tail.startswith("[") else f"{head}.{tail}"


def format_path(segments: list[Segment]) -> str:
    """Write segments back as a dotted path (the inverse of :func:`parse_path`)."""
    text = ""
    for seg in segments:
        text = _join(text, str(seg))
    return text


def _options(node: Any) -> list[str]:
    """The segments that would select something in ``node`` (for suggestions)."""
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        found = [f"[{i}]" for i in range(len(node))]
        for item in node:
            for field in ("name", "kind"):
                if isinstance(item, dict) and field in item:
                    found.append(f"[{field}={_text(item[field])}]")
        return list(dict.fromkeys(found))
    return []


def _no_match(path: str, segments: list[Segment], pos: int, nodes: list[Any]) -> PathError:
    """The error for a path whose segment ``pos`` matches nothing in ``nodes``."""
    where = format_path(segments[:pos]) or "the top level"
    seg = segments[pos]
    options = list(dict.fromkeys(o for node in nodes for o in _options(node)))
    close = difflib.get_close_matches(str(seg), options, n=1, cutoff=0.4)
    message = f"path '{path}' matches nothing: no '{seg}' in {where}"
    if isinstance(seg, Key) and any(isinstance(n, list) for n in nodes):
        message += f" ({where} is a list: pick items with [0] or [name=...])"
    if close:
        head = _join(format_path(segments[:pos]), close[0])
        better = _join(head, format_path(segments[pos + 1:]))
        message += f"; did you mean '{better}'?"
    elif options:
        message += f"; valid here: {', '.join(options[:12])}"
    return PathError(message)


def _locate(data: dict, path: str, create: bool = False) -> list[tuple[Any, Any]]:
    """Every (container, key-or-index) pair the path designates; at least one, or PathError.

    With ``create``, missing table keys are added (as empty tables on the way, the final key
    being set by the caller), so a value can be set that the file left at its default.
    """
    segments = parse_path(path)
    found: list[tuple[Any, Any]] = [({"": data}, "")]
    for pos, seg in enumerate(segments):
        last = pos == len(segments) - 1
        nodes, found = [container[key] for container, key in found], []
        for node in nodes:
            if isinstance(seg, Key) and isinstance(node, dict):
                table_next = not last and isinstance(segments[pos + 1], Key)
                if seg.name not in node and create and table_next:
                    node[seg.name] = {}
                if seg.name in node or (create and last):
                    found.append((node, seg.name))
            elif isinstance(seg, Index) and isinstance(node, list) and seg.index < len(node):
                found.append((node, seg.index))
            elif isinstance(seg, Select) and isinstance(node, list):
                found.extend((node, i) for i, item in enumerate(node) if seg.matches(item))
        if not found:
            raise _no_match(path, segments, pos, nodes)
    return found


def get_values(data: dict, path: str) -> list[Any]:
    """The values the path designates (several when a selector matches several items)."""
    return [container[key] for container, key in _locate(data, path)]


def set_value(data: dict, path: str, value: Any, create: bool = False) -> int:
    """Set every place the path designates to (a copy of) ``value``; return how many.

    ``create=True`` also adds table keys that are missing (used for file ``overrides``,
    where the files may have left a field at its default).
    """
    places = _locate(data, path, create=create)
    for container, key in places:
        container[key] = copy.deepcopy(value)
    return len(places)


def remove_items(data: dict, path: str) -> int:
    """Delete the list items the path designates (it must end with a selector or index)."""
    if isinstance(parse_path(path)[-1], Key):
        raise PathError(f"path '{path}' does not select list items; end it with a selector "
                        "such as events[kind=alliance] or a position such as cells[0]")
    places = _locate(data, path)
    for container, index in sorted(places, key=lambda p: (id(p[0]), -p[1])):
        del container[index]
    return len(places)
