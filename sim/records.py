"""The compiled kernel's arguments: a few typed records (named tuples of arrays) per entity.

Numba compiles a named tuple of arrays into a struct of pointers: reading ``cells.members[c]``
costs what reading a bare array does, a phase takes a handful of records instead of dozens of
arrays, and each record's numba type (``numba.typeof``) is the type the kernel is compiled
for, so nothing lists the kernel's argument types by hand. (Measured against numba's
structrefs and jitclasses, 2026-12-06: a jitclass argument defeats numba's on-disk cache, and
each structref type compiles its constructor in every new process, 0.5-0.8 s; named tuples
cost neither.)

The records of the state are made by a rule from :class:`sim.state.State`'s fields: a field
belongs to the entity its name starts with (``org_``, ``cell_``, ``unit_``, ``plaza_``,
``trig_``) or to the one its metadata names (``relation``, ``nbr_ptr``, ...), and is called
by its name without that prefix (``state.cell_members`` is ``cells.members``). The arrays are
the State's own: the kernel writes into the State.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import fields

import numpy as np

from .recorder import DENSE_TABLES
from .state import State


def _entity(field) -> str:
    return field.metadata.get("entity", field.name.split("_")[0])


def _record_field(field) -> str:
    return field.name.removeprefix(_entity(field) + "_")


def _state_record(name: str, entity: str):
    return namedtuple(name, [_record_field(f) for f in fields(State) if _entity(f) == entity])


Organizations = _state_record("Organizations", "org")  # (O,), (O, O) and the ledger (O, 5)
Cells = _state_record("Cells", "cell")  # (C,)
Units = _state_record("Units", "unit")  # police units, (U,)
Plazas = _state_record("Plazas", "plaza")  # (P,) and the neighbour CSR
Triggers = _state_record("Triggers", "trig")  # (K,), (K, P) and (K, max window)
STATE_RECORDS = {"org": Organizations, "cell": Cells, "unit": Units, "plaza": Plazas,
                 "trig": Triggers}

# Run constants: prm float64 (len(PARAM_NAMES),) the parameter vector (sim.codes), seed
# int64 the replicate seed, dt float64 days per step.
Run = namedtuple("Run", "prm seed dt")
# The violence append buffer: vio int64 (rows, 7), vio_n int64 (1,) rows filled, and hom
# int64 (P,) this step's homicides per plaza (what the triggers read).
Violence = namedtuple("Violence", "vio vio_n hom")
# The dense per-step tables of sim.recorder (rec_members is dense.members), (T, P) or (T, O).
Dense = namedtuple("Dense", [name.removeprefix("rec_") for name in DENSE_TABLES])
# What changes only between calls: pair_ids int64 (O, O) order-free ids of organization
# pairs; h_ptr int64 (O+1,), h_idx int64 (<= O*O,) each organization's hostile partners;
# allies float64 (O,) each organization's sum of alliance weights (sim.mechanisms.common).
Pairs = namedtuple("Pairs", "pair_ids h_ptr h_idx allies")
# The active cells and units of each plaza, rebuilt in place every step (CSR, rows
# ascending): cells of plaza p are cell_idx[cell_ptr[p]:cell_ptr[p+1]]. int64 (P+1,) and
# (C,) or (U,): only the first cell_ptr[P] (unit_ptr[P]) entries of an idx are in use.
Index = namedtuple("Index", "cell_ptr cell_idx unit_ptr unit_idx")
# Per-call scratch of the phases that work plaza by plaza, so that no step allocates it:
# kills int64 (O, O) this step's deaths [victim, perpetrator]; slot int64 (O,) an
# organization's index among a plaza's (-1 between uses); present int64 (O,) those
# organizations; agg float64 (O, N_AGG) their aggregates (common.gather); pair_i, pair_j
# int64 (O*O,) their hostile pairs; fire, aggression float64 (O,) this step's cohesion factor
# on firepower and aggression as acted on (common.cohesion_factors); before float64 (O,) the
# treasuries before the money phase (pesos, read by ally support).
Scratch = namedtuple("Scratch", "kills slot present agg pair_i pair_j fire aggression before")


def state_records(state: State) -> tuple:
    """(organizations, cells, units, plazas, triggers): the State's arrays as records."""
    groups: dict[str, dict[str, np.ndarray]] = {entity: {} for entity in STATE_RECORDS}
    for f in fields(State):
        groups[_entity(f)][_record_field(f)] = getattr(state, f.name)
    return tuple(record(**groups[entity]) for entity, record in STATE_RECORDS.items())


def dense_record(dense: dict[str, np.ndarray]) -> Dense:
    """The recorder's dense tables (``Recorder.dense``) as a record."""
    return Dense(**{name.removeprefix("rec_"): dense[name] for name in DENSE_TABLES})


def scratch(n_org: int, n_agg: int) -> Scratch:
    return Scratch(
        kills=np.zeros((n_org, n_org), dtype=np.int64),
        slot=np.full(n_org, -1, dtype=np.int64),
        present=np.empty(n_org, dtype=np.int64),
        agg=np.zeros((n_org, n_agg)),
        pair_i=np.empty(n_org * n_org, dtype=np.int64),
        pair_j=np.empty(n_org * n_org, dtype=np.int64),
        fire=np.ones(n_org),
        aggression=np.zeros(n_org),
        before=np.zeros(n_org),
    )


def index(n_plaza: int, n_cells: int, n_units: int) -> Index:
    return Index(np.zeros(n_plaza + 1, dtype=np.int64), np.zeros(n_cells, dtype=np.int64),
                 np.zeros(n_plaza + 1, dtype=np.int64), np.zeros(n_units, dtype=np.int64))
