"""Calibration of a scenario's free parameters against observed counts (docs/calibration.md).

Two methods: ``optuna`` (the best point by TPE) and ``abc`` (a posterior by ABC-SMC, pyabc),
both deterministic for a seed and resumable after a kill. Fit on one period, judged on a
held-back one.
"""

from .api import calibrate
from .observed import Observation, ObservedError, read_observed
from .outputs import summary, written
from .spec import CalibrationError, CalibrationSpec

__all__ = ["CalibrationError", "CalibrationSpec", "Observation", "ObservedError", "calibrate",
           "read_observed", "summary", "written"]
