"""The dashboard's model: a :class:`~sim.model.CartelModel` built from keyword arguments, as
SolaraViz builds models, and the sliders that set them."""

from __future__ import annotations

import functools
import math

import numpy as np
from mesa.visualization import Slider

from ..model import CartelModel
from ..plot.network import plaza_xy
from ..scenario import Parameters, Scenario

STEPS_PER_CLICK = 7
"""Steps per click of Step (and per redraw while playing) at first, at daily steps: a week
(:func:`steps_per_click`); SolaraViz's "Render Interval" slider, which the user can change."""

SLIDERS = {
    "clash_rate": "Clash rate",
    "lethality": "Lethality",
    "attack_multiplier": "Attack ×",
    "recruit_rate": "Recruit rate",
    "corruption_rate": "Corruption",
}
"""Parameters with a slider, and their (short) labels: the rates docs/model.md §8
calibrates, and the one that drives police corruption. The run summary shows their values;
hovering a name there shows its description and unit."""


def steps_per_click(scenario: Scenario) -> int:
    """A week of steps, at least one: 7 at daily steps, 1 at weekly steps."""
    return max(1, round(STEPS_PER_CLICK / scenario.simulation.step_days))


class DashboardModel(CartelModel):
    """A :class:`CartelModel` built from keyword arguments, as SolaraViz builds models.

    Args:
        spec: the scenario (Mesa reserves the name ``scenario``).
        seed: the replicate seed.
        clash_rate, lethality, attack_multiplier, recruit_rate, corruption_rate: values for
            the scenario's ``[parameters]``; None keeps the scenario's.

    Attributes: ``spec_file`` the scenario as given, ``spec`` with the parameters set here.
    Stepping stops at the end of the scenario's period.
    """

    def __init__(self, spec: Scenario, seed: int = 0, clash_rate: float | None = None,
                 lethality: float | None = None, attack_multiplier: float | None = None,
                 recruit_rate: float | None = None, corruption_rate: float | None = None):
        given = {"clash_rate": clash_rate, "lethality": lethality,
                 "attack_multiplier": attack_multiplier, "recruit_rate": recruit_rate,
                 "corruption_rate": corruption_rate}
        overrides = {f"parameters.{name}": float(value) for name, value in given.items()
                     if value is not None and float(value) != getattr(spec.parameters, name)}
        super().__init__(spec.with_overrides(overrides) if overrides else spec, rng=int(seed))
        self.spec_file = spec  # as read from the file; self.spec has the slider values
        self._memo: tuple[int, dict] = (-1, {})

    def _advance_time(self, until: float) -> None:
        """Mesa's step() and run_for() land here: never past the scenario's last step (the
        Step button may ask for several steps at the end)."""
        super()._advance_time(min(until, self.n_steps))

    def memo(self, key: str, compute):
        """``compute()``, computed once per step however many views ask for it."""
        if self._memo[0] != self.steps:
            self._memo = (self.steps, {})
        if key not in self._memo[1]:
            self._memo[1][key] = compute()
        return self._memo[1][key]

    def results(self):
        """The tidy tables so far (computed once per step)."""
        return self.memo("results", super().results)

    @functools.cached_property
    def plaza_xy(self) -> np.ndarray:
        """Map positions float64 (P, 2) of the plazas, those of every figure
        (:func:`sim.plot.plaza_positions`), computed once per model."""
        return plaza_xy(self.spec)


def model_params(model: DashboardModel) -> dict:
    """SolaraViz's ``model_params``: the scenario (fixed), the seed and one slider per entry
    of :data:`SLIDERS`, each starting at the model's value."""
    params: dict = {"spec": model.spec_file,
                    "seed": Slider("Seed", value=int(model.seed), min=0,
                                   max=max(999, int(model.seed)), step=1, dtype=int)}
    for name, label in SLIDERS.items():
        value = float(getattr(model.spec.parameters, name))
        low, high, step = slider_range(value, float(Parameters.model_fields[name].default))
        params[name] = Slider(label, value=value, min=low, max=high, step=step, dtype=float)
    return params


def slider_range(value: float, default: float) -> tuple[float, float, float]:
    """(min, max, step) of a slider: 0 to four times the value (or the default when the value
    is 0), in steps of a tenth of the value's leading power of ten."""
    scale = value if value > 0 else (default if default > 0 else 1.0)
    step = 10.0 ** (math.floor(math.log10(scale)) - 1)
    high = step * math.ceil(4 * scale / step)
    return 0.0, float(f"{high:.12g}"), float(f"{step:.12g}")
