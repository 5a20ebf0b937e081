"""Observed-data files: counts a researcher copies from official records, one per row.

    period,region,measure,value,source
    2013,all,homicides,47,"INEGI death records, place of occurrence"
    2014-07-31..2014-12-31,all,conflict_homicides,52,"BCS Coordination Group (press)"

``period``: a year (``2013``), a month (``2014-07``), a day (``2014-07-31``) or a range of
those, ``FROM..TO`` (both ends included). ``region``: ``all``, one plaza name, or plaza names
separated by ``;``. ``measure``: ``homicides`` (every homicide), ``conflict_homicides``
(those the conflict caused, background homicides left out), or the name of one violence type
of the output contract (:data:`sim.codes.TYPE_NAMES`, e.g. ``police_killed``): the rows of
that type, lethal or not (a ``kidnapping`` counts people kidnapped, an ``arrest`` people
arrested); or ``plazas_held``: how many of the region's plazas the row's ``organization``
and its clients (the organizations whose ``patron`` it is) control, averaged over the
period's days (who holds a city, which homicide counts alone cannot tell a fit).
``value``: the count, 0 or more.
``source``: where the number comes from (required). ``organization``: an optional column,
filled on the ``plazas_held`` rows only. Every problem is reported with the
file, the row (as a spreadsheet numbers it, the header being row 1), the field and a fix.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..codes import TYPE_NAMES

COLUMNS = ("period", "region", "measure", "value", "source")
HOMICIDE_MEASURES = ("homicides", "conflict_homicides")
CONTROL_MEASURE = "plazas_held"
MEASURES = HOMICIDE_MEASURES + TYPE_NAMES + (CONTROL_MEASURE,)
_UNIT = {4: "YS", 7: "MS", 10: "D"}  # length of a period's text -> the unit it names


class ObservedError(ValueError):
    """An observed-data file that cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True)
class Observation:
    """One observed count: ``value`` of ``measure`` in ``region`` from ``start`` to ``end``
    (both days included); ``plazas`` is empty for the whole scenario."""

    row: int
    start: pd.Timestamp
    end: pd.Timestamp
    plazas: tuple[str, ...]
    measure: str
    value: float
    source: str
    period: str
    organization: str = ""  # whose plazas a ``plazas_held`` row counts


def read_observed(path: str | os.PathLike, plaza_names: list[str] | None = None,
                  organization_names: list[str] | None = None) -> list[Observation]:
    """The observations of a CSV file, checked; with ``plaza_names`` and
    ``organization_names``, regions and organizations are checked against the scenario's
    too. Raises ObservedError listing every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ObservedError(f"{path}: file not found; check the name and the folder") from None
    except UnicodeDecodeError:
        raise ObservedError(f"{path}: not UTF-8 text; save the file as UTF-8 CSV") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ObservedError(f"{path}: empty file; start with the header "
                            f"{','.join(COLUMNS)}")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ObservedError(f"{path}: row 1: the header lacks {', '.join(missing)}; the "
                            f"columns are {','.join(COLUMNS)}")
    observations, problems = [], []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        record = dict(zip(header, (c.strip() for c in cells)))
        row_problems: list[str] = []
        observation = _observation(record, number, plaza_names, organization_names,
                                   row_problems)
        problems += [f"{path}: row {number}: {p}" for p in row_problems]
        if observation is not None:
            observations.append(observation)
    if not observations and not problems:
        problems.append(f"{path}: no observations; add one row per observed count")
    if problems:
        raise ObservedError("\n".join(problems))
    return observations


def period_bounds(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period as the ``period`` column writes it."""
    problems: list[str] = []
    bounds = _period(text, problems)
    if problems:
        raise ObservedError("; ".join(problems))
    return bounds


def _observation(record: dict, row: int, plaza_names: list[str] | None,
                 organization_names: list[str] | None, problems: list[str]
                 ) -> Observation | None:
    period = _period(record.get("period", ""), problems)
    plazas = _region(record.get("region", ""), plaza_names, problems)
    measure = record.get("measure", "")
    if measure not in MEASURES:
        problems.append(f"measure: {measure!r} is not a measure; use one of "
                        f"{', '.join(MEASURES)}")
    value = _value(record.get("value", ""), problems)
    organization = _organization(record.get("organization", ""), measure, organization_names,
                                 problems)
    source = record.get("source", "")
    if not source:
        problems.append("source: empty; name the record the count comes from (e.g. "
                        "'INEGI death records, place of occurrence')")
    if problems:
        return None
    return Observation(row, period[0], period[1], plazas, measure, value, source,
                       record["period"], organization)


def _period(text: str, problems: list[str]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day of a year, month, day or ``FROM..TO`` range of those."""
    start_text, _, end_text = text.partition("..")
    ends = [_day_span(start_text.strip(), problems, text),
            _day_span((end_text or start_text).strip(), problems, text)]
    if None in ends:
        return None
    start, end = ends[0][0], ends[1][1]
    if end < start:
        problems.append(f"period: {text!r} ends before it starts; write FROM..TO in order")
        return None
    return start, end


def _day_span(text: str, problems: list[str], whole: str) -> tuple | None:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) or _invalid_date(text):
        problems.append(f"period: {whole!r} is not a period; write a year (2013), a month "
                        "(2014-07), a day (2014-07-31) or a range FROM..TO (2014-08..2014-12)")
        return None
    start = pd.Timestamp(text)
    unit = _UNIT[len(text)]
    end = start + pd.tseries.frequencies.to_offset(unit) - pd.Timedelta(days=1) if (
        unit != "D") else start
    return start, end


def _invalid_date(text: str) -> bool:
    try:
        pd.Timestamp(text)
    except ValueError:
        return True
    return False


def _region(text: str, plaza_names: list[str] | None, problems: list[str]) -> tuple[str, ...]:
    if text.lower() == "all":
        return ()
    plazas = tuple(p.strip() for p in text.split(";") if p.strip())
    if not plazas:
        problems.append("region: empty; write 'all' or plaza names separated by ';'")
    elif plaza_names is not None:
        for plaza in plazas:
            if plaza not in plaza_names:
                close = [n for n in plaza_names if n.lower().startswith(plaza.lower()[:4])]
                hint = f"did you mean {close[0]!r}? " if close else ""
                problems.append(f"region: {plaza!r} is not a plaza of the scenario; {hint}use "
                                "'all' or names from its [[plazas]]")
    return plazas


def _organization(text: str, measure: str, organization_names: list[str] | None,
                  problems: list[str]) -> str:
    if measure != CONTROL_MEASURE:
        if text:
            problems.append(f"organization: {text!r} on a {measure!r} row; the column is for "
                            f"{CONTROL_MEASURE} rows only, leave it empty")
    elif not text:
        problems.append(f"organization: empty; a {CONTROL_MEASURE} row names whose plazas it "
                        "counts: add an organization column and write its name")
    elif organization_names is not None and text not in organization_names:
        problems.append(f"organization: {text!r} is not an organization of the scenario; use "
                        f"one of {', '.join(organization_names)}")
    return text


def _value(text: str, problems: list[str]) -> float:
    try:
        value = float(text)
    except ValueError:
        problems.append(f"value: {text!r} is not a number; write the count, e.g. 47")
        return float("nan")
    if not value >= 0 or value == float("inf"):
        problems.append(f"value: {text!r}; a count is a finite number, 0 or more")
    return value
