"""Helpers the mechanisms share: recording a violence row, per-plaza aggregates, keyed
splits of killings by who did them, and small formulas."""

from __future__ import annotations

import numpy as np
from numba import njit, typeof, types

from ..codes import (
    ALLY,
    FEDERAL,
    LETHAL_TYPES,
    MUNICIPAL,
    P_ALLY_CONFLICT_FACTOR,
    P_COHESION_AGGRESSION_FACTOR,
    P_COHESION_FIREPOWER_FACTOR,
    P_COLLATERAL_HALF_POPULATION,
    P_NEUTRAL_CONFLICT_FACTOR,
    P_PAYROLL_FIGHT_SHARE_FEDERAL,
    P_PAYROLL_FIGHT_SHARE_MUNICIPAL,
    P_PAYROLL_FIGHT_SHARE_STATE,
    P_POLICE_FIREPOWER,
    S_VIA,
    STATE_POLICE,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_POLICE,
    WAR,
)
from ..recorder import VIOLENCE_COLUMNS
from ..records import Violence
from ..rng import binomial, key

# Helpers that run for every plaza are inline="always" and take arrays, or a tuple of them
# made once at the top of the phase (gather_inputs): see sim.kernel on reference counts.
# INTERNAL: for functions called only from compiled code, without the wrappers to call
# them from Python (converting each array of each record) or C.
INTERNAL = {"cache": True, "no_cpython_wrapper": True, "no_cfunc_wrapper": True}
# Explicit signatures for the helpers called with constant arguments (codes, stream ids):
# numba would otherwise compile a copy for every combination of constants.
INT, FLOAT = types.int64, types.float64
VECTOR = types.Array(INT, 1, "C")
VIOLENCE = typeof(Violence(np.zeros((0, VIOLENCE_COLUMNS), dtype=np.int64),
                           np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)))

# columns of the per-plaza aggregate table filled by gather()
A_N, A_FC, A_FL, A_FP, A_ATT, A_INTEL, A_OFF = 0, 1, 2, 3, 4, 5, 6
N_AGG = 7


@njit(types.void(VIOLENCE, INT, INT, INT, INT, INT, INT, INT), **INTERNAL)
def record(violence, t, plaza, typ, perp, via, victim, count):
    """Append one violence row (step, plaza, type, perpetrator, via, victim, count).

    Lethal rows also add to ``violence.hom`` (P,), this step's homicides per plaza, which
    the triggers read. Steps before 0 (spin-up) count for triggers but are not written, and
    nothing is written into a buffer of no rows (recording off).
    """
    hom, vio, vio_n = violence.hom, violence.vio, violence.vio_n
    if count <= 0:
        return
    if LETHAL_TYPES[typ]:
        hom[plaza] += count
    vio, vio_n = vio, vio_n
    if t < 0 or vio.shape[0] == 0:  # spin-up, or recording switched off
        return
    n = vio_n[0]
    if n >= vio.shape[0]:
        raise RuntimeError("violence buffer overflow: raise the per-step row reserve")
    vio[n, 0] = t
    vio[n, 1] = plaza
    vio[n, 2] = typ
    vio[n, 3] = perp
    vio[n, 4] = via
    vio[n, 5] = victim
    vio[n, 6] = count
    vio_n[0] = n + 1


@njit(cache=True)
def pair_id(a_id, b_id):
    """Order-free id of a pair of stable ids (int64)."""
    lo, hi = min(a_id, b_id), max(a_id, b_id)
    return np.int64(key(0, 0, 0, lo, hi) >> np.uint64(1))


@njit(cache=True)
def pair_table(org_id):
    """int64 (O, O): pair_id of every two organizations' ids, computed once per kernel call
    (ids do not change within one)."""
    n = org_id.shape[0]
    table = np.empty((n, n), dtype=np.int64)
    for a in range(n):
        for b in range(n):
            table[a, b] = pair_id(org_id[a], org_id[b])
    return table


@njit(types.void(VECTOR, INT), cache=True, inline="always")
def sort_head(values, k):
    """Sort values[:k] in place, ascending (insertion sort: k is small, no allocation)."""
    for i in range(1, k):
        v = values[i]
        j = i - 1
        while j >= 0 and values[j] > v:
            values[j + 1] = values[j]
            j -= 1
        values[j + 1] = v


@njit(cache=True, inline="always")
def fight_share(prm, kind):
    """Share of a payroll unit's officers that fight for its patron, by police kind (army
    units are never on a payroll)."""
    if kind == MUNICIPAL:
        return prm[P_PAYROLL_FIGHT_SHARE_MUNICIPAL]
    if kind == STATE_POLICE:
        return prm[P_PAYROLL_FIGHT_SHARE_STATE]
    if kind == FEDERAL:
        return prm[P_PAYROLL_FIGHT_SHARE_FEDERAL]
    return 0.0


@njit(cache=True, inline="always")
def cohesion_factors(run, t, orgs, scratch):
    """This step's factors on each organization's firepower (scratch.fire, float64 (O,))
    and its aggression as it acts (scratch.aggression, float64 (O,)): the cohesion_*
    parameters while t < org_cohesion_until (after a leader's removal), else 1."""
    prm = run.prm
    org_aggression, org_cohesion_until = orgs.aggression, orgs.cohesion_until
    fire, aggression = scratch.fire, scratch.aggression
    for o in range(org_aggression.shape[0]):
        if t < org_cohesion_until[o]:
            fire[o] = prm[P_COHESION_FIREPOWER_FACTOR]
            aggression[o] = org_aggression[o] * prm[P_COHESION_AGGRESSION_FACTOR]
        else:
            fire[o] = 1.0
            aggression[o] = org_aggression[o]


@njit(cache=True, inline="always")
def largest_cell(cell_ptr, cell_idx, cell_members, cell_org, p, o):
    """Row of organization o's cell in plaza p with the most members (the lowest row on a
    tie, cells with no members included), or -1 if o has no cell there. The plaza index
    (cell_ptr, cell_idx) and the cells' columns, as in :mod:`sim.records`."""
    best = -1
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        c = cell_idx[j]
        if cell_org[c] == o and (best < 0 or cell_members[c] > cell_members[best]):
            best = c
    return best


@njit(cache=True, inline="always")
def gather_inputs(index, cells, units, scratch):
    """The arrays :func:`gather` reads and fills, as one tuple (see sim.kernel on reference
    counts)."""
    return (index.cell_idx, index.cell_ptr, index.unit_idx, index.unit_ptr, cells.attack,
            cells.firepower, cells.intel, cells.local, cells.members, cells.org, units.kind,
            units.officers, units.payroll, scratch.agg, scratch.fire, scratch.present,
            scratch.slot)


@njit(cache=True, inline="always")
def gather(p, prm, inputs):
    """Aggregate plaza p by organization; returns k, the number of organizations present.

    Fills scratch.present[:k] (rows, ascending) and scratch.agg[:k] (k, 7): members,
    firepower of own cells and of local cells (times scratch.fire, the cohesion factor of
    :func:`cohesion_factors`), firepower of payroll police, attacking (0/1), highest cell
    intelligence, payroll officers; the payroll police count for the share of their
    officers that fight (:func:`fight_share`). scratch.slot (O,) must be all -1 on entry
    and is left so. inputs: :func:`gather_inputs` of the phase's index, cells, units and
    scratch.
    """
    (cell_idx, cell_ptr, unit_idx, unit_ptr, cell_attack, cell_firepower, cell_intel,
     cell_local, cell_members, cell_org, unit_kind, unit_officers, unit_payroll, agg,
     fire_factor, present, slot) = inputs
    k = 0
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        c = cell_idx[j]
        if cell_members[c] <= 0:
            continue
        o = cell_org[c]
        if slot[o] < 0:
            present[k] = o
            slot[o] = k
            k += 1
    sort_head(present, k)
    for i in range(k):
        slot[present[i]] = i
        for col in range(N_AGG):
            agg[i, col] = 0.0
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        c = cell_idx[j]
        if cell_members[c] <= 0:
            continue
        i = slot[cell_org[c]]
        agg[i, A_N] += cell_members[c]
        fire = cell_members[c] * cell_firepower[c] * fire_factor[cell_org[c]]
        if cell_local[c]:
            agg[i, A_FL] += fire
        else:
            agg[i, A_FC] += fire
        if cell_attack[c]:
            agg[i, A_ATT] = 1.0
        agg[i, A_INTEL] = max(agg[i, A_INTEL], cell_intel[c])
    for j in range(unit_ptr[p], unit_ptr[p + 1]):
        u = unit_idx[j]
        o = unit_payroll[u]
        if o >= 0 and slot[o] >= 0:
            fighting = unit_officers[u] * fight_share(prm, unit_kind[u])
            agg[slot[o], A_OFF] += fighting
            agg[slot[o], A_FP] += fighting * prm[P_POLICE_FIREPOWER]
    for i in range(k):
        slot[present[i]] = -1
    return k


@njit(cache=True, inline="always")
def group_cells_by_org(p, cell_ptr, cell_idx, cell_org, present, k, slot, group_ptr,
                       group_cells):
    """Group plaza p's cells (with or without members) of the organizations present[:k].

    Fills group_ptr[:k+1] and group_cells so that the cells of present[i] are
    group_cells[group_ptr[i]:group_ptr[i+1]], rows ascending (a counting sort). slot (O,)
    maps present[i] to i and every other organization to -1. cell_ptr, cell_idx: the plaza
    index; cell_org: each cell's organization.
    """
    for i in range(k):
        group_ptr[i + 1] = 0
    group_ptr[0] = 0
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        i = slot[cell_org[cell_idx[j]]]
        if i >= 0:
            group_ptr[i + 1] += 1
    for i in range(k):
        group_ptr[i + 1] += group_ptr[i]
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        c = cell_idx[j]
        i = slot[cell_org[c]]
        if i >= 0:
            group_cells[group_ptr[i]] = c
            group_ptr[i] += 1
    for i in range(k, 0, -1):  # the fill advanced each start to the next group's start
        group_ptr[i] = group_ptr[i - 1]
    group_ptr[0] = 0


@njit(cache=True, inline="always")
def hostility(prm, relation, intensity, a, b):
    """Clash-rate factor of a pair: relation intensity at war, else the neutral/ally factor."""
    r = relation[a, b]
    if r == WAR:
        return intensity[a, b]
    if r == ALLY:
        return prm[P_ALLY_CONFLICT_FACTOR]
    return prm[P_NEUTRAL_CONFLICT_FACTOR]


@njit(cache=True)
def hostile_partners(prm, relation, intensity):
    """Each organization's hostile partners (hostility > 0), ascending rows: a's are
    idx[ptr[a]:ptr[a+1]]. Computed once per kernel call: relations and parameters change
    only between calls. -> ptr int64 (O+1,), idx int64 (at most O*O,).
    """
    n = relation.shape[0]
    ptr = np.zeros(n + 1, dtype=np.int64)
    idx = np.empty(n * n, dtype=np.int64)
    m = 0
    for a in range(n):
        for b in range(n):
            if b != a and hostility(prm, relation, intensity, a, b) > 0.0:
                idx[m] = b
                m += 1
        ptr[a + 1] = m
    return ptr, idx[:m]


@njit(cache=True, inline="always")
def hostile_pairs_among(orgs, k, slot, h_ptr, h_idx, ordered, pair_i, pair_j):
    """The hostile pairs among a plaza's organizations orgs[:k] (ascending rows; slot maps
    orgs[i] to i and every other organization to -1), as indexes into orgs: fills
    pair_i[:n], pair_j[:n] (each at least k*k long) and returns n.

    ordered: every (a, b) with b hostile to a; else only those with b after a. Pairs come in
    the order of a loop over i and, within it, over j; each i walks whichever is shorter,
    its hostile partners or the k organizations present.
    """
    n = 0
    for i in range(k):
        a = orgs[i]
        if h_ptr[a + 1] - h_ptr[a] <= k:
            for m in range(h_ptr[a], h_ptr[a + 1]):
                j = slot[h_idx[m]]
                if j >= 0 and (ordered or j > i):
                    pair_i[n] = i
                    pair_j[n] = j
                    n += 1
        else:
            m = h_ptr[a]
            for j in range(k):  # both lists ascend: merge them
                while m < h_ptr[a + 1] and h_idx[m] < orgs[j]:
                    m += 1
                if m < h_ptr[a + 1] and h_idx[m] == orgs[j] and (ordered or j > i):
                    pair_i[n] = i
                    pair_j[n] = j
                    n += 1
    return n


@njit(types.UniTuple(INT, 3)(INT, INT, INT, INT, INT, INT, FLOAT, FLOAT, FLOAT), **INTERNAL)
def split_by_via(seed, stream, t, x_id, y_id, n, f_cell, f_local, f_police):
    """Split n killings among the perpetrator's own cells, local cells and payroll police
    in proportion to their firepower; returns (n_cell, n_local, n_police).

    Keyed by (stream, step, x_id, y_id): callers pass a stream per kind of killing and ids
    that name the event (the pair, the victim), so no two splits share their draws.
    """
    total = f_cell + f_local + f_police
    if n <= 0 or total <= 0.0:
        return n, 0, 0
    k = key(seed, stream, t, x_id, y_id)
    n_police = binomial(k, n, f_police / total)
    rest = n - n_police
    n_local = 0
    if f_cell + f_local > 0.0:
        n_local = binomial(key(seed, S_VIA, t, np.int64(k >> np.uint64(1)), 0), rest,
                           f_local / (f_cell + f_local))
    return rest - n_local, n_local, n_police


@njit(types.void(VIOLENCE, INT, INT, INT, INT, INT, VECTOR), **INTERNAL)
def record_by_via(violence, t, p, typ, perp, victim, counts):
    record(violence, t, p, typ, perp, VIA_CELL, victim, counts[0])
    record(violence, t, p, typ, perp, VIA_LOCAL_CELL, victim, counts[1])
    record(violence, t, p, typ, perp, VIA_POLICE, victim, counts[2])


@njit(**INTERNAL)
def pick_via(u, f_cell, f_local, f_police):
    """The via of a single act, drawn from a uniform u by the perpetrator's firepower."""
    total = f_cell + f_local + f_police
    if total <= 0.0 or u * total < f_cell:
        return VIA_CELL
    if u * total < f_cell + f_local:
        return VIA_LOCAL_CELL
    return VIA_POLICE


@njit(**INTERNAL)
def density(prm, population):
    """Bystander exposure of a plaza, 0-1: population / (population + half population); 0
    in a plaza nobody lives in (a plaza_change can empty one, and half population may be 0)."""
    if population <= 0:
        return 0.0
    return population / (population + prm[P_COLLATERAL_HALF_POPULATION])


@njit(cache=True)
def alliance_weights(relation, intensity):
    """float (O,): each organization's sum of alliance weights (the relation intensity of
    each alliance, 1 unless the scenario gives one): the "allies" of ally shielding."""
    n = relation.shape[0]
    out = np.zeros(n)
    for o in range(n):
        for x in range(n):
            if x != o and relation[o, x] == ALLY:
                out[o] += intensity[o, x]
    return out


@njit(cache=True, inline="always")
def has_cell(o, p, cell_ptr, cell_idx, cell_org):
    """Whether organization o has a cell (with members or not) in plaza p."""
    for j in range(cell_ptr[p], cell_ptr[p + 1]):
        if cell_org[cell_idx[j]] == o:
            return True
    return False
