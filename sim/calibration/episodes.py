"""The episodes of a calibration, loaded and checked: scenario, observations, held-back ones.

A point's evaluation runs every episode with the same replicate seeds; its counts are the
episodes' observation columns side by side, shape (replicates, observations of all
episodes), episode after episode in the file's order. :class:`EpisodeInputs` knows its
columns, so the distance, bands and coverage are computed per episode.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..scenario import Scenario, ScenarioError, load_scenario
from ..scenario.timeline import organization_names
from .distance import DISTANCES
from .observed import Observation, ObservedError, read_observed
from .simulate import days_needed, observation_table
from .spec import CalibrationError, CalibrationSpec, Episode


@dataclass(frozen=True)
class EpisodeInputs:
    """One episode, loaded: its scenario, the observations inside its fit or check period
    (``held_back`` per observation) and its columns in a point's counts."""

    episode: Episode
    scenario: Scenario
    observations: list[Observation]
    held_back: np.ndarray  # bool, shape (observations,)
    columns: slice  # this episode's columns of the (replicates, all observations) counts

    @property
    def name(self) -> str:
        return self.episode.name

    @property
    def observed(self) -> np.ndarray:
        """The observed counts, shape (observations,)."""
        return np.array([o.value for o in self.observations])

    def task(self) -> dict:
        """What a worker needs to run this episode at a point (see ``evaluate_point``)."""
        return {"scenario": self.scenario.model_dump_json(),
                "days": days_needed(self.scenario, self.observations),
                "observations": observation_table(self.observations)}

    def distance(self, name: str, counts: np.ndarray, held_back: bool = False) -> float | None:
        """The distance ``name`` on this episode's fit (or held-back) observations of
        ``counts``, shape (runs, all observations); None if there are none."""
        chosen = self.held_back if held_back else ~self.held_back
        if not chosen.any():
            return None
        return DISTANCES[name](counts[:, self.columns][:, chosen], self.observed[chosen])


def load_episodes(spec: CalibrationSpec) -> list[EpisodeInputs]:
    """Every episode of ``spec`` loaded and checked; CalibrationError lists the problems,
    each naming the file, the episode and the fix."""
    episodes, problems, first = [], [], 0
    for index, episode in enumerate(spec.episode_list()):
        where = f"{spec.source}: episodes[{index}] ({episode.name}): " if spec.joint else ""
        try:
            loaded = _load(spec, episode, first)
        except CalibrationError as exc:
            problems += [where + line for line in str(exc).splitlines()]
            continue
        episodes.append(loaded)
        first = loaded.columns.stop
    if problems:
        raise CalibrationError("\n".join(problems))
    return episodes


def _load(spec: CalibrationSpec, episode: Episode, first: int) -> EpisodeInputs:
    try:
        scenario = load_scenario(episode.scenario)
    except ScenarioError as exc:
        raise CalibrationError(str(exc)) from None
    try:
        for end in ("low", "high"):
            scenario.with_overrides({p: getattr(v, end) for p, v in spec.parameters.items()})
    except ScenarioError as exc:
        shared = ("; a parameter fitted jointly must exist in every episode's scenario (or "
                  "fit the episodes apart)") if spec.joint else ""
        raise CalibrationError(f"{exc}{shared}") from None
    start = pd.Timestamp(scenario.simulation.start)
    chosen, held_back, problems = [], [], []
    for path in observed_files(episode):
        try:
            observations = read_observed(path, [p.name for p in scenario.plazas],
                                         organization_names(scenario))
        except ObservedError as exc:
            problems.append(str(exc))
            continue
        for o in observations:
            where = [name for name, period in (("fit", episode.fit), ("check", episode.check))
                     if period is not None and _inside(o, period)]
            if o.start < start:
                problems.append(f"{path}: row {o.row}: period {o.period} starts before the "
                                f"scenario ({start.date()}); drop the row or move the "
                                "scenario's start")
            elif where:
                chosen.append(o)
                held_back.append(where[0] == "check")
    if problems:
        raise CalibrationError("\n".join(problems))
    if all(held_back):
        raise CalibrationError(f"{', '.join(observed_files(episode))}: no observation lies "
                               f"inside the fit period {episode.fit[0]}..{episode.fit[1]}; "
                               "widen 'fit' or add rows")
    return EpisodeInputs(episode, scenario, chosen, np.array(held_back),
                         slice(first, first + len(chosen)))


def observed_files(episode: Episode) -> list[str]:
    """The episode's observed-data files, in the order given."""
    return [episode.observed] if isinstance(episode.observed, str) else list(episode.observed)


def _inside(o: Observation, period) -> bool:
    return pd.Timestamp(period[0]) <= o.start and o.end <= pd.Timestamp(period[1])


def weighted_distance(episodes: list[EpisodeInputs], name: str, counts: np.ndarray,
                      held_back: bool = False) -> float | None:
    """The weighted mean over episodes of each one's distance (those with fit, or held-back,
    observations); None if no episode has any. One episode: its distance, exactly."""
    pairs = [(e.episode.weight, e.distance(name, counts, held_back)) for e in episodes]
    pairs = [(w, d) for w, d in pairs if d is not None]
    if not pairs:
        return None
    return sum(w * d for w, d in pairs) / sum(w for w, _ in pairs)


def inputs_record(spec: CalibrationSpec, episodes: list[EpisodeInputs]) -> dict:
    """The settings and the SHA-256 of every input file, as calibration.json records them
    (the one-scenario form keeps its layout, so its folders still resume)."""
    digests = [{"observed_sha256": _observed_sha256(e.episode),
                "scenario_sha256": e.scenario.source_sha256} for e in episodes]
    if not spec.joint:
        return {"spec": spec.inputs_record(), **digests[0]}
    return {"spec": spec.inputs_record(),
            "episodes": {e.name: d for e, d in zip(episodes, digests)}}


def _observed_sha256(episode: Episode) -> str | list[str]:
    """The SHA-256 of the observed file, or of each of a list (in the order given)."""
    digests = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in observed_files(episode)]
    return digests[0] if isinstance(episode.observed, str) else digests
