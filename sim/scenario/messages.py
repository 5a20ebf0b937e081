"""Turning pydantic's errors into the lines a user reads: ``file: field path: what; fix``.

The field path is the user's (``plazas[name="La Paz"].population``, ``events[0].members``):
pydantic's locations are mapped back, list items with a unique name are named by it, and
the tag of a union told apart by ``kind`` (``events.0.war.members``) is left out. Each
message says what is wrong in the file's terms and how to fix it, with the nearest valid
key, name or choice for a typo.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import re
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import Problem, Problems
from .fields import PATTERN_FIXES

_TAG_ERRORS = ("union_tag_invalid", "union_tag_not_found")


def error_lines(exc: ValidationError, data: dict, label: str, root: type[BaseModel],
                file_keys: type[BaseModel] | None = None) -> list[str]:
    """One line per problem: ``label: field path: what is wrong; how to fix it``.

    ``root`` is the model ``data`` was validated against; ``file_keys``, a model of the keys
    a file may also have at its top level (suggested for a top-level typo).
    """
    lines = []
    for err in exc.errors():
        place = _place(err["loc"], root)
        found = err.get("ctx", {}).get("error")
        if isinstance(found, Problems):
            problems = found.problems
        elif err["type"] in _TAG_ERRORS:
            problems = [_tag_problem(err, place)]
        else:
            problems = [((), _describe(err, place.loc, data, root, file_keys))]
        for loc, message in problems:
            lines.append(f"{label}: {_user_path(place.loc + loc, data)}: {message}")
    return lines


@dataclasses.dataclass
class _Place:
    """Where a location leads in the models: the location without union tags, the model of
    the table there (None if it is not a table, or a union not yet told apart), the field
    that holds it, and for a tagged union its models by tag and the tag that was chosen."""
    loc: tuple = ()
    model: type[BaseModel] | None = None
    section: str = ""
    kinds: dict[str, type[BaseModel]] = dataclasses.field(default_factory=dict)
    kind: str = ""


def _place(loc: tuple, root: type[BaseModel]) -> _Place:
    """Follow a pydantic location from ``root``, dropping the tags of tagged unions."""
    place = _Place(model=root)
    for part in loc:
        if isinstance(part, int):
            place.loc += (part,)
        elif place.model is None and part in place.kinds:
            place.model, place.kind = place.kinds[part], part
        else:
            field = place.model.model_fields.get(part) if place.model else None
            kinds = _tagged_union(field.annotation) if field else {}
            model = None if kinds or not field else inner_model(field.annotation)
            place = _Place(place.loc + (part,), model, part, kinds)
    return place


def _tagged_union(annotation: Any) -> dict[str, type[BaseModel]]:
    """The models of a union told apart by a discriminator field, by tag; {} if none."""
    if get_origin(annotation) is Annotated:
        inner, *metadata = get_args(annotation)
        key = next((m.discriminator for m in metadata
                    if isinstance(m, FieldInfo) and m.discriminator), None)
        if key:
            return {get_args(m.model_fields[key].annotation)[0]: m for m in get_args(inner)}
        return _tagged_union(inner)
    return next(filter(None, map(_tagged_union, get_args(annotation))), {})


def _tag_problem(err: dict, place: _Place) -> Problem:
    """A union entry whose tag (``kind``) is missing or not one of the kinds."""
    key, kinds = err["ctx"]["discriminator"].strip("'"), list(place.kinds)
    listed = ", ".join(map(repr, kinds))
    if err["type"] == "union_tag_not_found":
        return (key,), f"required key '{key}' is missing; add {key} = ... — one of {listed}"
    tag = err["input"].get(key)
    close = difflib.get_close_matches(str(tag), kinds, n=1, cutoff=0.5)
    return (key,), (f"must be one of {listed} (got {show(tag)})"
                    + (f"; did you mean '{close[0]}'?" if close else ""))


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


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside an annotation such as ``list[Plaza]`` or ``Simulation``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(inner_model, get_args(annotation)) if m), None)


def constraints(field: Any) -> dict[str, Any]:
    """The constraints of a field that are set (ge, gt, le, lt, min/max_length, pattern)."""
    names = ("ge", "gt", "le", "lt", "min_length", "max_length", "pattern")
    metadata = field.metadata if field else []
    return {k: getattr(m, k) for m in metadata for k in names if getattr(m, k, None) is not None}


def show(value: Any) -> str:
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


def _describe(err: dict, loc: tuple, data: dict, root: type[BaseModel],
              file_keys: type[BaseModel] | None) -> str:
    """What is wrong and how to fix it, for one pydantic error at ``loc`` (the user's)."""
    kind, ctx, got = err["type"], err.get("ctx", {}), show(err.get("input"))
    parent = _place(err["loc"][:-1], root)
    model = parent.model
    field = model.model_fields.get(loc[-1]) if model and loc and isinstance(loc[-1], str) else None
    if kind == "extra_forbidden":
        return _unknown_key(loc, parent, data, file_keys)
    if kind == "missing" and inner_model(field.annotation):
        return f"required table [{loc[-1]}] is missing; add a [{loc[-1]}] section"
    if kind == "missing" and parent.kind:
        return (f"{parent.section} of kind '{parent.kind}' need '{loc[-1]}'; "
                f"add {loc[-1]} = ... — {field.description}")
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing; add {loc[-1]} = ... — {field.description}"
    if kind == "finite_number":
        return f"must be an ordinary finite number, not {got}; write {_TYPE_HINTS['float']}"
    if kind in _BOUND_WORDS:
        return _bound_message(kind, ctx, got, constraints(field))
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        close = difflib.get_close_matches(str(err.get("input")), allowed, n=1, cutoff=0.5)
        return (f"must be one of {', '.join(map(repr, allowed))} (got {got})"
                + (f"; did you mean '{close[0]}'?" if close else ""))
    if kind == "string_pattern_mismatch":
        hint = PATTERN_FIXES.get(ctx["pattern"], "see docs/scenario.md")
        return f"has the wrong form (got {got}); {hint}"
    if kind == "string_too_short":
        return "must not be empty; write a name in double quotes"
    if kind in ("too_short", "too_long"):
        word, count = ("at least", ctx.get("min_length")) if kind == "too_short" else (
            "at most", ctx.get("max_length"))
        return (f"must have {word} {count} item(s) (got {ctx.get('actual_length')}); "
                "add or remove items")
    if kind == "list_type" and field and inner_model(field.annotation):
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
        return f"must be {_TYPE_HINTS[family]} (got {got}); change the value to one"
    return f"{err['msg'][0].lower()}{err['msg'][1:]} (got {got})"


def _unknown_key(loc: tuple, parent: _Place, data: dict,
                 file_keys: type[BaseModel] | None) -> str:
    """A key the table does not have, with the nearest key it has (a field of another kind
    of event is reported by the event itself)."""
    key, model = str(loc[-1]), parent.model
    where = ("the file's top level" if len(loc) == 1 else f"[{loc[0]}]" if len(loc) == 2
             else _user_path(loc[:-1], data))
    valid = list(model.model_fields) if model else []
    valid += list(file_keys.model_fields) if file_keys and len(loc) == 1 else []
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    fix = f"did you mean '{close[0]}'?" if close else f"valid keys: {', '.join(valid)}"
    return f"unknown key '{key}' {'at' if len(loc) == 1 else 'in'} {where}; {fix}"


def _bound_message(kind: str, ctx: dict, got: str, bounds: dict[str, Any]) -> str:
    """A value out of bounds: the limit it broke and the range to use."""
    limit, fix = _BOUND_WORDS[kind]
    value = f"{next(iter(ctx.values())):g}"
    low, high = bounds.get("ge", bounds.get("gt")), bounds.get("le", bounds.get("lt"))
    if low is not None and high is not None and (kind.startswith("less") or high <= 1):
        fix = f"use a value from {low:g} to {high:g}"
    return f"must be {limit} {value} (got {got}); {fix.format(value)}"
