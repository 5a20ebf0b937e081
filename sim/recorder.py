"""Preallocated recording buffers the kernel writes into, and their growth between calls."""

from __future__ import annotations

import numpy as np

from .codes import FLOW_COLUMNS
from .state import N_LEDGER, State

VIOLENCE_COLUMNS = 7  # step, plaza, type, perpetrator, via, victim, count
# The dense per-step tables: name -> (axes after the step axis: P plazas, O organizations,
# L ledger columns, F money flows; dtype).
DENSE_TABLES = {
    "rec_controller": ("P", np.int64),
    "rec_contested": ("P", np.bool_),
    "rec_share": ("P", np.float64),
    "rec_members": ("O", np.int64),
    "rec_cells": ("O", np.int64),
    "rec_treasury": ("O", np.float64),
    "rec_plazas": ("O", np.int64),
    "rec_payroll": ("O", np.int64),
    "rec_leader": ("O", np.bool_),
    "rec_active": ("O", np.bool_),
    "rec_ledger": ("OL", np.int64),
    "rec_flows": ("OF", np.float64),
}


def axis_sizes(n_plaza: int, n_org: int) -> dict[str, int]:
    """The length of each axis letter of DENSE_TABLES."""
    return {"P": n_plaza, "O": n_org, "L": N_LEDGER, "F": len(FLOW_COLUMNS)}


class Recorder:
    """Dense per-step tables (plazas and organizations) and the violence append buffer.

    Dense arrays have shape (T, P) or (T, O) (and (T, O, 5) for the ledger, (T, O, 5) for the
    money flows), T the steps allocated so far; the violence buffer is int64 (rows, 7) with ``vio_n`` rows filled,
    flushed into ``chunks`` whenever the kernel reports it nearly full.
    """

    def __init__(self, n_steps: int, n_org: int, n_plaza: int, buffer_rows: int,
                 enabled: bool = True):
        self.n_org, self.n_plaza = n_org, n_plaza
        self.enabled = enabled  # when off, buffers have no rows and the kernel writes nothing
        self.dense: dict[str, np.ndarray] = {}
        self._allocate(max(n_steps, 1) if enabled else 0)
        self.vio = np.zeros((buffer_rows if enabled else 0, VIOLENCE_COLUMNS), dtype=np.int64)
        self.vio_n = np.zeros(1, dtype=np.int64)
        self.chunks: list[np.ndarray] = []

    def _allocate(self, T: int) -> None:
        sizes = axis_sizes(self.n_plaza, self.n_org)
        shapes = {name: ((T, *(sizes[axis] for axis in axes)), dtype)
                  for name, (axes, dtype) in DENSE_TABLES.items()}
        for name, (shape, dtype) in shapes.items():
            new = np.zeros(shape, dtype=dtype)
            old = self.dense.get(name)
            if old is not None:
                new[: old.shape[0]] = old
            self.dense[name] = new

    @property
    def capacity(self) -> int:
        return self.dense["rec_members"].shape[0]

    def ensure_steps(self, n_steps: int) -> None:
        """Grow the dense tables (doubling) so steps 0 .. n_steps-1 fit."""
        if self.enabled and n_steps > self.capacity:
            self._allocate(max(n_steps, 2 * self.capacity))

    def ensure_rows(self, reserve: int) -> None:
        """Make room for at least ``reserve`` more violence rows."""
        if self.enabled and self.vio.shape[0] - self.vio_n[0] < reserve:
            self.flush()
            if self.vio.shape[0] < reserve:
                self.vio = np.zeros((2 * reserve, VIOLENCE_COLUMNS), dtype=np.int64)

    def flush(self) -> None:
        n = int(self.vio_n[0])
        if n:
            self.chunks.append(self.vio[:n].copy())
            self.vio_n[0] = 0

    def violence_rows(self) -> np.ndarray:
        """All violence rows recorded so far, int64 (N, 7)."""
        self.flush()
        if not self.chunks:
            return np.zeros((0, VIOLENCE_COLUMNS), dtype=np.int64)
        if len(self.chunks) > 1:
            self.chunks = [np.concatenate(self.chunks)]
        return self.chunks[0]


def row_reserve(state: State) -> int:
    """An upper bound on the violence rows one step can append, for the current state.

    Per plaza with k organizations, c cells and u units: clashes write at most 18 rows per
    pair of organizations (clash, police killed and bystanders, 3 vias, 2 sides),
    kidnappings 2 per ordered pair, assassinations 2, policing 2 per (unit, cell),
    confrontations 3 per (unit, organization) (killed by forces, forces killed by 2 vias),
    civilians 3 (extortion killings, kidnappings, their murders); plus background, and
    national arrests per cell. A hired cell brings at most one organization more into its
    plaza.
    """
    P, O = state.plaza_id.shape[0], state.org_id.shape[0]
    active = state.cell_active
    units = np.bincount(state.unit_plaza[state.unit_active], minlength=P)
    cells = np.bincount(state.cell_plaza[active], minlength=P)
    present = np.zeros((P, O), dtype=bool)
    present[state.cell_plaza[active], state.cell_org[active]] = True
    k = present.sum(axis=1)  # organizations with cells in each plaza
    return reserve_for(k, units, cells, spare=int((~active).sum()),
                       organizations=int(state.org_active.sum()))


def reserve_for(k: np.ndarray, units: np.ndarray, cells: np.ndarray, spare: int,
                organizations: int) -> int:
    """:func:`row_reserve` from counts: per plaza (P,) the organizations ``k``, police
    ``units`` and ``cells`` present; ``spare`` inactive cell rows (hires can fill them) and
    the active ``organizations``."""
    per_plaza = 22 * k * (k - 1) // 2 + 2 * units * cells + 3 * units * k + 6
    k_max = min(int(k.max(initial=0)) + spare, organizations)  # hires can add up to spare cells
    per_hire = 22 * k_max + 5 * int(units.max(initial=0)) + 1
    return int(per_plaza.sum()) + spare * per_hire + int(cells.sum()) + 64
