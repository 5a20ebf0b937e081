"""Distances between a point's simulated counts and the observed ones (smaller is closer).

Both take ``counts`` of shape (replicates, observations) and ``observed`` of shape
(observations,): per observation, its count (homicides, or the rows of one violence type)
over its period and region.

- ``log_mean``: root mean square, over observations, of log(1 + replicate mean) minus
  log(1 + observed). On the log scale a miss by a factor counts the same for a small and a
  large count; 0.1 is about 10% off on average.
- ``poisson_deviance``: the mean Poisson deviance of the observations with the replicate
  mean as the rate, 2 [y log(y / m) - (y - m)] per observation (m floored at 0.5, so a
  point whose replicates all give 0 still has a finite distance). A likelihood built from
  the replicates: it weighs a miss by the count's own noise (a miss of 10 on 10 counts more
  than on 100).
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy


def log_mean(counts: np.ndarray, observed: np.ndarray) -> float:
    diff = np.log1p(counts.mean(axis=0)) - np.log1p(observed)
    return float(np.sqrt(np.mean(diff ** 2)))


def poisson_deviance(counts: np.ndarray, observed: np.ndarray) -> float:
    rate = np.maximum(counts.mean(axis=0), 0.5)
    return float(np.mean(2 * (xlogy(observed, observed / rate) - (observed - rate))))


DISTANCES = {"log_mean": log_mean, "poisson_deviance": poisson_deviance}
