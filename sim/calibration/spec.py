"""Calibration files (TOML): what to fit, to which observations, on which period, and how.

One scenario:

    scenario = "../scenarios/bcs_2014.toml"
    observed = "../scenarios/data/bcs/observed.csv"
    fit = ["2013-01-01", "2013-12-31"]
    check = ["2014-01-01", "2014-12-31"]
    replicates = 6
    distance = "log_mean"
    method = "abc"

    [parameters]
    "parameters.clash_rate" = {low = 0.01, high = 0.04, prior = "loguniform"}

    [abc]
    population = 64
    generations = 5

or several episodes sharing the parameters fitted (a joint fit), each with its own
scenario, observations, periods and weight in the distance:

    [[episodes]]
    scenario = "../scenarios/bcs_2014.toml"
    observed = "bcs_2014_observed.csv"
    fit = [2013-01-01, 2014-12-31]
    weight = 1.0

``observed`` is one CSV or a list of them (e.g. counts from one record and a reading of
who held the territory kept apart), read as one. Relative paths are relative to the
calibration file. See docs/calibration.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..scenario.messages import error_lines  # the scenario files' error wording, shared


class CalibrationError(ValueError):
    """A calibration that cannot run; the message says what to fix."""


class Prior(BaseModel):
    """A free parameter's range and prior: uniform, or uniform in its logarithm."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    low: float = Field(..., description="smallest value tried")
    high: float = Field(..., description="largest value tried")
    prior: Literal["uniform", "loguniform"] = Field(
        "uniform", description="uniform on [low, high], or uniform in log (low > 0)")

    def value(self, unit):
        """The parameter value at ``unit`` in [0, 1] (a float or an array): its prior's
        quantile, so a uniform ``unit`` has this prior."""
        if self.prior == "loguniform":
            return self.low * (self.high / self.low) ** unit
        return self.low + unit * (self.high - self.low)

    @model_validator(mode="after")
    def _ordered(self) -> "Prior":
        if not self.low < self.high:
            raise ValueError(f"empty range ({self.low}, {self.high}); give low < high")
        if self.prior == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform prior needs low > 0 (got {self.low}); use "
                             "prior = 'uniform' or a positive low")
        return self


class AbcSettings(BaseModel):
    """ABC-SMC (pyabc): population size, generations, stopping threshold, batch size."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    population: int = Field(64, gt=1, description="accepted particles per generation")
    generations: int = Field(5, gt=0, description="populations at most")
    min_epsilon: float = Field(0.0, ge=0, description="stop once the threshold is below this")
    batch: int = Field(0, ge=0, description="proposals evaluated together (0: population)")


class OptunaSettings(BaseModel):
    """Optuna TPE: trials in all, and trials asked and evaluated together."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    trials: int = Field(64, gt=0, description="parameter points evaluated in all")
    batch: int = Field(8, gt=0, description="trials asked together, then told together")


Period = tuple[dt.date, dt.date]


def check_periods(fit: Period, check: Period | None) -> None:
    """ValueError if a period ends before it starts or the two overlap."""
    for name, period in (("fit", fit), ("check", check)):
        if period is not None and period[1] < period[0]:
            raise ValueError(f"{name} period {period[0]}..{period[1]} ends before it "
                             "starts; give [first day, last day]")
    if check is not None and not (check[0] > fit[1] or check[1] < fit[0]):
        raise ValueError("the fit and check periods overlap; a held-back check must use "
                         "days the fit does not see")


def check_observed(observed: str | list[str]) -> None:
    """An empty list of observed files is refused (a list names one file or more)."""
    if isinstance(observed, list) and not observed:
        raise ValueError("observed = []: name one observed-data CSV, or a list of them")


class Episode(BaseModel):
    """One scenario of a joint fit, with its observations, periods and weight."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str = Field("", description="folder of its outputs (default: the scenario file's "
                                      "name without .toml)")
    scenario: str = Field(..., description="scenario file (relative: to the calibration file)")
    observed: str | list[str] = Field(..., description="observed-data CSV, or a list of them "
                                                       "(relative: to the calibration file)")
    fit: Period = Field(..., description="first and last day fitted on")
    check: Period | None = Field(None, description="first and last day held back for "
                                                   "checking")
    weight: float = Field(1.0, gt=0, description="its weight in the mean of the episodes' "
                                                 "distances")

    @model_validator(mode="after")
    def _periods(self) -> "Episode":
        check_periods(self.fit, self.check)
        check_observed(self.observed)
        if not self.name:
            self.name = Path(self.scenario).stem
        if not re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*", self.name) or self.name == "figures":
            raise ValueError(f"name {self.name!r} cannot name its output folder; give name = "
                             "letters, digits, '_', '-' or '.' (not 'figures')")
        return self


class CalibrationSpec(BaseModel):
    """A calibration: the scenario (or the episodes), the free parameters, the observations
    and the method."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    scenario: str | None = Field(None, description="scenario file (relative: to the "
                                                   "calibration file); or give [[episodes]]")
    observed: str | list[str] | None = Field(
        None, description="observed-data CSV, or a list of them (relative: to the calibration "
                          "file)")
    parameters: dict[str, Prior] = Field(..., min_length=1,
                                         description="dotted path -> range and prior")
    fit: Period | None = Field(None, description="first and last day fitted on")
    check: Period | None = Field(None, description="first and last day held back for checking")
    episodes: list[Episode] | None = Field(
        None, min_length=1, description="a joint fit: scenarios sharing the parameters fitted "
                                        "(instead of scenario, observed, fit, check)")
    replicates: int = Field(6, gt=0, description="seeds per parameter point (paired)")
    distance: Literal["log_mean", "poisson_deviance"] = Field(
        "log_mean", description="see docs/calibration.md, 'Distances'")
    method: Literal["abc", "optuna"] = "abc"
    seed: int = Field(0, ge=0, description="root seed: proposals and replicate seeds")
    predictive_draws: int = Field(
        40, gt=0, description="posterior points drawn for the predictive bands")
    abc: AbcSettings = Field(default_factory=AbcSettings)
    optuna: OptunaSettings = Field(default_factory=OptunaSettings)
    _source: str = PrivateAttr("the calibration")

    @property
    def source(self) -> str:
        """The calibration file read (for messages)."""
        return self._source

    @model_validator(mode="after")
    def _form(self) -> "CalibrationSpec":
        single = {k: getattr(self, k) for k in ("scenario", "observed", "fit", "check")}
        if self.episodes is None:
            if missing := [k for k in ("scenario", "observed", "fit") if single[k] is None]:
                raise ValueError(f"no {', '.join(missing)}; give scenario, observed and fit "
                                 "(one scenario), or [[episodes]] (a joint fit)")
            check_periods(self.fit, self.check)
            check_observed(self.observed)
            return self
        if given := [k for k, v in single.items() if v is not None]:
            raise ValueError(f"{', '.join(given)} given beside [[episodes]]; write it in "
                             "each [[episodes]] table instead")
        _distinct(self.episodes, "scenario", "two episodes run one scenario file; a joint fit "
                  "needs different scenarios (merge their observed files into one episode)")
        _distinct(self.episodes, "name", "two episodes have one name (their output folder); "
                  "give one of them name = \"...\"")
        return self

    @property
    def joint(self) -> bool:
        """True for the [[episodes]] form, even with one episode."""
        return self.episodes is not None

    def episode_list(self) -> list[Episode]:
        """The episodes fitted; the one-scenario form is one episode of weight 1."""
        if self.episodes is not None:
            return self.episodes
        return [Episode(scenario=self.scenario, observed=self.observed, fit=self.fit,
                        check=self.check)]

    def inputs_record(self) -> dict:
        """The settings as calibration.json records them (the one-scenario form as before
        episodes existed, so its folders still resume)."""
        return self.model_dump(mode="json", exclude={"scenario", "observed", "fit", "check"}
                               if self.joint else {"episodes"})

    @property
    def paths(self) -> list[str]:
        return list(self.parameters)

    @classmethod
    def from_toml(cls, path: str | os.PathLike) -> "CalibrationSpec":
        """Read a calibration file; its file paths become absolute."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CalibrationError(f"{path}: no such calibration file") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CalibrationError(f"{path}: not a TOML file: {exc}; check the quotes, "
                                   "brackets and '=' on that line") from None
        tables = [data, *(e for e in data.get("episodes", ()) if isinstance(e, dict))]
        for table in tables:
            for key in ("scenario", "observed"):
                if isinstance(table.get(key), str):
                    table[key] = str((path.parent / table[key]).resolve())
                elif isinstance(table.get(key), list):
                    table[key] = [str((path.parent / v).resolve()) if isinstance(v, str) else v
                                  for v in table[key]]
        try:
            spec = cls.model_validate(data)
        except ValidationError as exc:
            raise CalibrationError("\n".join(error_lines(exc, data, str(path), cls))) from None
        spec._source = str(path)
        return spec


def _distinct(episodes: list[Episode], field: str, problem: str) -> None:
    seen: dict[str, int] = {}
    for i, episode in enumerate(episodes):
        value = getattr(episode, field)
        if value in seen:
            raise ValueError(f"episodes[{seen[value]}] and episodes[{i}]: {field} "
                             f"{value!r}: {problem}")
        seen[value] = i
