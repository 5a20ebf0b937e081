"""Summary metrics of one run, computed from the model's records without building its tables
(the homicide counts by :func:`sim.results.count_homicides`, as every other count).

Used by parameter sweeps (one row of ``runs.parquet`` per run). Names and units:

- ``homicides_total``: all lethal violence; ``homicides_conflict``: all but background;
  ``homicides_<type>`` for each lethal type (clash, assassination, …);
- ``kidnappings``, ``arrests``, ``civilian_kidnappings``: non-lethal counts;
- ``peak_month_homicides``: the largest calendar-month total;
- ``plazas_changed_hands``: control changes over the run (a plaza changing twice counts 2);
- ``days_to_first_change``: days from the start to the first control change (NaN if none);
- ``members_<organization>``: members at the last step, for the scenario's organizations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codes import ARREST, CIVILIAN_KIDNAPPING, KIDNAPPING, LETHAL_TYPES, TYPE_NAMES
from .results import TYPES, count_homicides, time_axis


def run_metrics(model) -> dict[str, float]:
    """Metrics of a :class:`sim.CartelModel` after a run of at least one step."""
    rows = model.recorder.violence_rows()
    steps, types, counts = rows[:, 0], rows[:, 2], rows[:, 6]
    times = time_axis(model.steps, model.spec.simulation.start, model.dt)
    violence = pd.DataFrame({  # the kernel's rows, not summed by key: the counts add up alike
        "date": times["date"][steps], "type": pd.Categorical.from_codes(types, TYPES),
        "lethal": LETHAL_TYPES[types], "count": counts})
    first, last = times["date"][0], times["date"][-1]

    def homicides(**options):
        return count_homicides(violence, first, last, **options)

    by_type = homicides(freq=None, by="type").to_dict()
    out: dict[str, float] = {"homicides_total": homicides(freq=None),
                             "homicides_conflict": homicides(freq=None, conflict_only=True)}
    for code, name in enumerate(TYPE_NAMES):
        if LETHAL_TYPES[code]:
            out[f"homicides_{name}"] = by_type.get(name, 0)
    kinds = np.bincount(types, weights=counts, minlength=len(TYPE_NAMES)).astype(np.int64)
    out["kidnappings"] = int(kinds[KIDNAPPING])
    out["arrests"] = int(kinds[ARREST])
    out["civilian_kidnappings"] = int(kinds[CIVILIAN_KIDNAPPING])
    out["peak_month_homicides"] = int(homicides(freq="MS").max())

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
