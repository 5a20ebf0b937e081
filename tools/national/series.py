"""National weekly and yearly series of a run, binned as the paper's model is (weekly steps)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from .network import STEP_DAYS

MEMBER_DEATH_TYPES = ("clash", "assassination", "kidnap_murder")
"""Homicides whose victims are members ("member deaths", the paper's conflict term): the
lethal types with an organization as victim. Saturation losses are desertions, not deaths;
arrests are incapacitation."""


def steps(days: int) -> int:
    """Weekly steps that simulate ``days`` days: ceil(days / 7)."""
    return math.ceil(days / STEP_DAYS)


def weekly(results) -> pd.DataFrame:
    """One row per step of a run (:class:`sim.Results`): ``date``, national ``members`` at
    the end of the step, ``member_deaths``, ``arrests``, ``homicides`` (every lethal type),
    ``conflict_homicides`` (every lethal type but ``background``) and ``collateral``
    during it."""
    members = results.organizations.groupby("step")["members"].sum()
    v = results.violence
    organizations = set(results.organizations["organization"].astype(str))
    is_member = v["victim"].astype(str).isin(organizations)
    counts = {
        "member_deaths": v[v["type"].isin(MEMBER_DEATH_TYPES) & is_member],
        "arrests": v[v["type"] == "arrest"],
        "homicides": v[v["lethal"]],
        "conflict_homicides": v[v["lethal"] & (v["type"] != "background")],
        "collateral": v[v["type"] == "collateral"],
    }
    out = pd.DataFrame({"members": members})
    for name, rows in counts.items():
        out[name] = rows.groupby("step")["count"].sum().reindex(out.index, fill_value=0)
    start = dt.date.fromisoformat(results.meta["start"])
    step_days = results.meta["step_days"]
    out.insert(0, "date", [start + dt.timedelta(days=step_days * int(t)) for t in out.index])
    return out.reset_index(drop=True)


def annual(frame: pd.DataFrame) -> pd.DataFrame:
    """Per calendar year of ``frame["date"]`` (one row per step): ``members`` of the year's
    last step, every other numeric column summed over the year's steps. Steps are binned
    by the date they start on, so a year has 52 or 53 weekly steps (2012 has 53)."""
    years = pd.Series([d.year for d in frame["date"]], index=frame.index, name="year")
    numeric = frame.drop(columns="date")
    out = numeric.groupby(years).sum()
    if "members" in numeric:
        out["members"] = numeric["members"].groupby(years).last()
    out.insert(0, "weeks", years.value_counts().sort_index())
    return out
