"""Summary metrics of one run, computed from the model's records without building tables.

Used by parameter sweeps (one row of ``runs.parquet`` per run). Names and units:

- ``homicides_total``: all lethal violence; ``homicides_conflict``: all but background;
  ``homicides_<type>`` for each lethal type (clash, assassination, …);
- ``kidnappings``, ``arrests``: non-lethal counts;
- ``peak_month_homicides``: the largest calendar-month total;
- ``plazas_changed_hands``: control changes over the run (a plaza changing twice counts 2);
- ``days_to_first_change``: days from the start to the first control change (NaN if none);
- ``members_<organization>``: members at the last step, for the scenario's organizations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import ARREST, BACKGROUND, KIDNAPPING, LETHAL_TYPES, TYPE_NAMES


def run_metrics(model) -> dict[str, float]:
    """Metrics of a :class:`sim.CartelModel` after a run of at least one step."""
    rows = model.recorder.violence_rows()
    steps, types, counts = rows[:, 0], rows[:, 2], rows[:, 6]
    lethal = LETHAL_TYPES[types]
    by_type = np.bincount(types, weights=counts, minlength=len(TYPE_NAMES)).astype(np.int64)
    out: dict[str, float] = {
        "homicides_total": int(counts[lethal].sum()),
        "homicides_conflict": int(counts[lethal & (types != BACKGROUND)].sum()),
    }
    for code, name in enumerate(TYPE_NAMES):
        if LETHAL_TYPES[code]:
            out[f"homicides_{name}"] = int(by_type[code])
    out["kidnappings"] = int(by_type[KIDNAPPING])
    out["arrests"] = int(by_type[ARREST])

    start = pd.Timestamp(model.spec.simulation.start)
    days = pd.to_timedelta(steps[lethal] * model.dt, unit="D")
    _, month = np.unique((start + days).values.astype("datetime64[M]"), return_inverse=True)
    out["peak_month_homicides"] = (
        int(np.bincount(month, weights=counts[lethal]).max()) if lethal.any() else 0
    )

    T = model.steps
    controller = model.recorder.dense["rec_controller"][:T]
    initial = np.array(
        [model._org_row.get(p.controller, -1) if p.controller else -1 for p in model.spec.plazas]
    )
    history = np.vstack([initial, controller])
    changes = history[1:] != history[:-1]
    out["plazas_changed_hands"] = int(changes.sum())
    changed_steps = np.flatnonzero(changes.any(axis=1))
    out["days_to_first_change"] = (
        float(changed_steps[0] * model.dt) if changed_steps.size else float("nan")
    )
    members = model.recorder.dense["rec_members"][T - 1]
    for row, org in enumerate(model.spec.organizations):
        out[f"members_{org.name}"] = int(members[row])
    return out
