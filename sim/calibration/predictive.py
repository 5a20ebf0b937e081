"""The posterior predictive check: bands per observation, coverage of the held-back ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .observed import Observation

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def draw_points(posterior: pd.DataFrame, paths: list[str], n: int, seed: int) -> list[dict]:
    """``n`` points drawn from a weighted posterior (columns: the paths and ``weight``),
    with replacement, by a generator seeded from ``seed``."""
    weights = posterior["weight"].to_numpy(dtype=float)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1]))
    rows = rng.choice(len(posterior), size=n, p=weights / weights.sum())
    return [{p: float(posterior[p].iloc[r]) for p in paths} for r in rows]


def bands(observations: list[Observation], counts: np.ndarray, held_back: list[bool]
          ) -> pd.DataFrame:
    """One row per observation: the period, region, measure (and organization, for
    ``plazas_held``), observed value, whether it was held back, and the 5/25/50/75/95%
    quantiles and mean of the predictive ``counts`` (shape (runs, observations))."""
    q = np.quantile(counts, QUANTILES, axis=0)
    table = pd.DataFrame({
        "row": [o.row for o in observations], "period": [o.period for o in observations],
        "start": [o.start for o in observations], "end": [o.end for o in observations],
        "region": [";".join(o.plazas) or "all" for o in observations],
        "measure": [o.measure for o in observations],
        "organization": [o.organization for o in observations],
        "observed": [o.value for o in observations], "held_back": held_back,
        "mean": counts.mean(axis=0)})
    for level, values in zip(QUANTILES, q):
        table[f"q{round(level * 100):02d}"] = values
    return table


def coverage(table: pd.DataFrame) -> dict[str, float | None]:
    """Share of the held-back observations inside the 50% and 90% predictive bands
    (None without held-back observations)."""
    held = table[table["held_back"]]
    if held.empty:
        return {"coverage_50": None, "coverage_90": None}
    inside = {50: (held["q25"] <= held["observed"]) & (held["observed"] <= held["q75"]),
              90: (held["q05"] <= held["observed"]) & (held["observed"] <= held["q95"])}
    return {f"coverage_{k}": float(v.mean()) for k, v in inside.items()}
