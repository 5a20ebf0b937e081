"""Phase 6a: the army and federal police confront armed cells (distinct from arrests)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..codes import (
    ARMY,
    FEDERAL,
    FORCES_KILLED,
    KILLED_BY_FORCES,
    L_KILLED,
    P_ARMY_FIREPOWER,
    P_ATTACK_MULTIPLIER,
    P_CONFRONT_RATE,
    P_LETHALITY,
    P_POLICE_FIREPOWER,
    POLICE,
    S_CONFRONT,
    S_CONFRONT_LOSS,
    S_FORCES_KILLED,
    S_VIA_FORCES_KILLED,
    STATE_FORCES,
    VIA_STATE,
)
from ..rng import binomial, key, poisson
from .common import (
    A_ATT,
    A_FC,
    A_FL,
    A_N,
    INTERNAL,
    gather,
    gather_inputs,
    record,
    record_by_via,
    split_by_via,
)
from .violence import kill


@njit(cache=True, inline="always")
def confronting(prm):
    """Whether phase 6a has anything to do (its rate is positive)."""
    return prm[P_CONFRONT_RATE] > 0.0


@njit(**INTERNAL)
def confrontations(run, t, index, orgs, cells, units, violence, scratch):
    """Army and federal units fight the armed organizations of their plaza.

    Each active army or federal unit u with K_u officers meets each organization o with
    members in its plaza (but its patron, if a federal unit is on a payroll) n ~
    Poisson(confront_rate M_o dt) times, M_o = attack_multiplier if o attacks there, else
    1. Then each member of o dies with probability 1 - exp(-n lethality F_u / (N_o + K_u)),
    F_u = K_u army_firepower (federal police: police_firepower), and each officer of u with
    1 - exp(-n lethality F_o / (N_o + K_u)), F_o the firepower of o's cells and local cells
    there (its payroll police stay out): the aimed fire of the clashes. Sizes and firepower
    are those at the start of the plaza's phase; units are taken in ascending rows, and
    each unit's organizations in ascending rows. Rows: ``killed_by_forces`` (perpetrator
    state, via state) and ``forces_killed`` (victim police, via the organization's cells
    or local cells by firepower). scratch: the kernel's (:mod:`sim.records`); scratch.slot
    all -1, and left so.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr, unit_idx = index.cell_idx, index.cell_ptr, index.unit_idx
    unit_ptr = index.unit_ptr
    org_id, ledger = orgs.id, orgs.ledger
    cell_id, cell_members, cell_org = cells.id, cells.members, cells.org
    unit_id, unit_kind, unit_officers = units.id, units.kind, units.officers
    unit_payroll = units.payroll
    agg, present = scratch.agg, scratch.present
    inputs = gather_inputs(index, cells, units, scratch)
    counts = np.zeros(3, dtype=np.int64)
    for p in range(cell_ptr.shape[0] - 1):
        k = -1  # the plaza's organizations, gathered when a unit is there to fight them
        for ju in range(unit_ptr[p], unit_ptr[p + 1]):
            u = unit_idx[ju]
            kind = unit_kind[u]
            if (kind != ARMY and kind != FEDERAL) or unit_officers[u] <= 0:
                continue
            if k < 0:
                k = gather(p, prm, inputs)
            officers = unit_officers[u]  # only this unit's own fights change it
            per_officer = prm[P_ARMY_FIREPOWER] if kind == ARMY else prm[P_POLICE_FIREPOWER]
            fire_u = officers * per_officer
            for i in range(k):
                o = present[i]
                if o == unit_payroll[u]:
                    continue
                rate = prm[P_CONFRONT_RATE]
                if agg[i, A_ATT] > 0.0:
                    rate *= prm[P_ATTACK_MULTIPLIER]
                n = poisson(key(seed, S_CONFRONT, t, unit_id[u], org_id[o]), rate * dt)
                if n == 0:
                    continue
                people = agg[i, A_N] + officers
                fire_o = agg[i, A_FC] + agg[i, A_FL]
                q_o = -math.expm1(-n * prm[P_LETHALITY] * fire_u / people)
                q_u = -math.expm1(-n * prm[P_LETHALITY] * fire_o / people)
                dead = kill(seed, S_CONFRONT_LOSS, t, unit_id[u], o, p, q_o, cell_ptr,
                            cell_idx, cell_id, cell_org, cell_members)
                ledger[o, L_KILLED] += dead
                record(violence, t, p, KILLED_BY_FORCES, STATE_FORCES, VIA_STATE, o, dead)
                soldiers = binomial(key(seed, S_FORCES_KILLED, t, unit_id[u], org_id[o]),
                                    unit_officers[u], q_u)
                unit_officers[u] -= soldiers
                counts[0], counts[1], counts[2] = split_by_via(
                    seed, S_VIA_FORCES_KILLED, t, unit_id[u], org_id[o], soldiers,
                    agg[i, A_FC], agg[i, A_FL], 0.0)
                record_by_via(violence, t, p, FORCES_KILLED, o, POLICE, counts)
