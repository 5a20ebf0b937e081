"""The mechanisms of one step, as compiled functions over the state arrays.

Each function is one phase of the step order documented in :func:`sim.kernel.advance`
and, with its equations, in docs/model.md. Conventions:

- ``prm`` is the parameter vector (layout in :mod:`sim.codes`), ``dt`` the step in days;
  a rate r per day becomes the per-step probability ``rate_to_prob(r, dt)``.
- ``pc_ptr/pc_idx`` and ``pu_ptr/pu_idx`` index the active cells and police units of each
  plaza (CSR, ascending rows).
- Every draw is keyed by (seed, stream, step, stable ids) so it does not depend on loop
  order or on unrelated rows. Where claims compete (two pairs killing the same cell's
  members, two organizations bribing one unit, two assassins after one boss), they are
  resolved in ascending order of organization row, each capped at what is left; a police
  unit choosing among bribes takes the largest budget.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .codes import (
    ARREST, ASSASSINATION, BACKGROUND, CIVILIAN, CLASH, COLLATERAL, KIDNAP_MURDER,
    KIDNAPPING, LETHAL_TYPES, L_ARRESTED, L_DESERTED, L_KILLED, L_MOVED, L_RECRUITED, POLICE,
    POLICE_KILLED, UNKNOWN, VIA_CELL, VIA_LOCAL_CELL, VIA_NONE, VIA_POLICE, VIA_STATE,
    P_ALLY_FACTOR, P_ALLY_SHIELDING, P_ARREST_RATE, P_ASSASSINATION_RATE,
    P_ASSASSINATION_SUCCESS, P_ATTACK_MULT, P_ATTACK_THRESHOLD, P_BOSS_PROTECTION,
    P_BOSS_REPLACEMENT_DAYS, P_BRIBE_PRICE, P_CLASH_RATE, P_COLLAPSE_SHARE, P_COLLATERAL,
    P_COLLATERAL_HALF_POP, P_CONTEST_SHARE, P_CORRUPTION_RATE, P_DESERTION_RATE,
    P_GRIEVANCE_HALF_LIFE, P_GRIEVANCE_WEIGHT, P_HIRE_COST, P_HIRE_LOYALTY, P_HIRE_MEMBERS,
    P_HIRE_RATE, P_INTEL_HALF_LIFE, P_INTEL_PER_KIDNAP, P_INTEL_WEIGHT, P_KIDNAP_MURDER,
    P_KIDNAP_RATE, P_LEADER_REPLACEMENT_DAYS, P_LEADERLESS_VALUE, P_LETHALITY, P_LIEUTENANT,
    P_MAX_MEMBER_SHARE, P_MOVE_RATE, P_NATIONAL_ARRESTS, P_NEUTRAL_FACTOR,
    P_POLICE_FIREPOWER, P_POLICE_KILLED_PER_ARREST, P_PURGE_RATE, P_RECRUIT_COST,
    P_RECRUIT_RATE, P_REPLENISH_DAYS, P_SATURATION, P_SPLIT_LOYALTY, P_SPLIT_PROBABILITY,
    P_TAKEOVER_SHARE, P_TURN_MARGIN, S_ARREST, S_ASSASSINATION, S_BACKGROUND, S_BOSS,
    S_CLASH, S_CLASH_LOSS, S_COLLATERAL, S_CORRUPTION, S_DESERTION, S_HIRE, S_KIDNAP,
    S_KIDNAP_MURDER, S_MOVE, S_NATIONAL_ARREST, S_POLICE_KILLED, S_PURGE, S_RECRUIT,
    S_REPLENISH, S_SPLIT, S_VIA, S_VIA_CLASH, S_VIA_COLLATERAL, S_VIA_POLICE_KILLED,
)
from .rng import bernoulli, binomial, key, poisson, rate_to_prob, uniform

WAR, NEUTRAL, ALLY = -1, 0, 1
FEDERAL = 2
# columns of the per-plaza aggregate table filled by gather()
A_N, A_FC, A_FL, A_FP, A_ATT, A_INTEL, A_OFF = 0, 1, 2, 3, 4, 5, 6
N_AGG = 7


@njit(cache=True)
def record(vio, vio_n, hom, t, plaza, typ, perp, via, victim, count):
    """Append one violence row (step, plaza, type, perpetrator, via, victim, count).

    Lethal rows also add to ``hom`` (P,), this step's homicides per plaza, which the
    triggers read. Steps before 0 (spin-up) count for triggers but are not written.
    """
    if count <= 0:
        return
    if LETHAL_TYPES[typ]:
        hom[plaza] += count
    if t < 0:
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
def gather(p, prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members, cell_firepower,
           cell_local, cell_attack, cell_intel, unit_officers, unit_payroll, slot, orgs, agg):
    """Aggregate plaza p by organization; returns k, the number of organizations present.

    Fills orgs[:k] (rows, ascending) and agg[:k] (k, 7): members, firepower of own cells,
    firepower of local cells, firepower of payroll police, attacking (0/1), highest cell
    intelligence, payroll officers. slot (O,) must be all -1 on entry and is left so.
    """
    k = 0
    for j in range(pc_ptr[p], pc_ptr[p + 1]):
        c = pc_idx[j]
        if cell_members[c] <= 0:
            continue
        o = cell_org[c]
        if slot[o] < 0:
            orgs[k] = o
            slot[o] = k
            k += 1
    # ascending organization rows (insertion sort: k is small)
    for i in range(1, k):
        v = orgs[i]
        j = i - 1
        while j >= 0 and orgs[j] > v:
            orgs[j + 1] = orgs[j]
            j -= 1
        orgs[j + 1] = v
    for i in range(k):
        slot[orgs[i]] = i
        for col in range(N_AGG):
            agg[i, col] = 0.0
    for j in range(pc_ptr[p], pc_ptr[p + 1]):
        c = pc_idx[j]
        if cell_members[c] <= 0:
            continue
        i = slot[cell_org[c]]
        agg[i, A_N] += cell_members[c]
        fire = cell_members[c] * cell_firepower[c]
        if cell_local[c]:
            agg[i, A_FL] += fire
        else:
            agg[i, A_FC] += fire
        if cell_attack[c]:
            agg[i, A_ATT] = 1.0
        agg[i, A_INTEL] = max(agg[i, A_INTEL], cell_intel[c])
    for j in range(pu_ptr[p], pu_ptr[p + 1]):
        u = pu_idx[j]
        o = unit_payroll[u]
        if o >= 0 and slot[o] >= 0:
            agg[slot[o], A_OFF] += unit_officers[u]
            agg[slot[o], A_FP] += unit_officers[u] * prm[P_POLICE_FIREPOWER]
    for i in range(k):
        slot[orgs[i]] = -1
    return k


@njit(cache=True)
def hostility(prm, relation, intensity, a, b):
    """Clash-rate factor of a pair: relation intensity at war, else the neutral/ally factor."""
    r = relation[a, b]
    if r == WAR:
        return intensity[a, b]
    if r == ALLY:
        return prm[P_ALLY_FACTOR]
    return prm[P_NEUTRAL_FACTOR]


@njit(cache=True)
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


@njit(cache=True)
def record_by_via(vio, vio_n, hom, t, p, typ, perp, victim, counts):
    record(vio, vio_n, hom, t, p, typ, perp, VIA_CELL, victim, counts[0])
    record(vio, vio_n, hom, t, p, typ, perp, VIA_LOCAL_CELL, victim, counts[1])
    record(vio, vio_n, hom, t, p, typ, perp, VIA_POLICE, victim, counts[2])


@njit(cache=True)
def pick_via(u, f_cell, f_local, f_police):
    """The via of a single act, drawn from a uniform u by the perpetrator's firepower."""
    total = f_cell + f_local + f_police
    if total <= 0.0 or u * total < f_cell:
        return VIA_CELL
    if u * total < f_cell + f_local:
        return VIA_LOCAL_CELL
    return VIA_POLICE


@njit(cache=True)
def density(prm, population):
    """Bystander exposure of a plaza, 0-1: population / (population + half population)."""
    return population / (population + prm[P_COLLATERAL_HALF_POP])


@njit(cache=True)
def n_allies(relation, o):
    n = 0
    for x in range(relation.shape[0]):
        if x != o and relation[o, x] == ALLY:
            n += 1
    return n


# ---------------------------------------------------------------- 2. decisions
@njit(cache=True)
def decide_postures(prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members,
                    cell_firepower, cell_local, cell_attack, cell_intel, unit_officers, unit_payroll,
                    org_aggression, relation, grievance, plaza_controller):
    """Cells attack where their side out-guns the controller's side, else hold.

    Strength of a side in a plaza: firepower of its organization's and its allies' cells
    plus its payroll police there. Organization a attacks controller d when
    (S_a / S_d) (1 + aggression_a) (1 + grievance_weight G[a, d]) >= attack_threshold.
    """
    n_org = relation.shape[0]
    slot = np.full(n_org, -1, dtype=np.int64)
    orgs = np.empty(n_org, dtype=np.int64)
    agg = np.zeros((n_org, N_AGG))
    for c in range(cell_attack.shape[0]):
        cell_attack[c] = False
    for p in range(pc_ptr.shape[0] - 1):
        d = plaza_controller[p]
        if d < 0:
            continue
        k = gather(p, prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members,
                   cell_firepower, cell_local, cell_attack, cell_intel, unit_officers,
                   unit_payroll, slot, orgs, agg)
        defence = 0.0
        for i in range(k):
            x = orgs[i]
            if x == d or relation[d, x] == ALLY:
                defence += agg[i, A_FC] + agg[i, A_FL] + agg[i, A_FP]
        for i in range(k):
            a = orgs[i]
            if a == d or relation[a, d] != WAR:
                continue
            own = 0.0
            for j in range(k):
                x = orgs[j]
                if x == a or (relation[a, x] == ALLY and relation[x, d] != ALLY):
                    own += agg[j, A_FC] + agg[j, A_FL] + agg[j, A_FP]
            score = own / max(defence, 1e-9) * (1.0 + org_aggression[a])
            score *= 1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, d]
            if score >= prm[P_ATTACK_THRESHOLD]:
                for j in range(pc_ptr[p], pc_ptr[p + 1]):
                    c = pc_idx[j]
                    if cell_org[c] == a:
                        cell_attack[c] = True


@njit(cache=True)
def move_members(prm, seed, t, dt, pc_ptr, pc_idx, nbr_ptr, nbr_idx, cell_id, cell_org,
                 cell_plaza, cell_members, cell_attack, plaza_contested):
    """Holding cells in quiet plazas send members to their organization's attack next door.

    A holding cell (keeping at least one member) in an uncontested plaza sends
    Binomial(members - 1, p_move) members to the attacking cell of its organization in the
    first neighbouring plaza (ascending row) where it attacks. Sizes at the start of the
    phase decide every move.
    """
    p_move = rate_to_prob(prm[P_MOVE_RATE], dt)
    if p_move <= 0.0:
        return
    delta = np.zeros(cell_members.shape[0], dtype=np.int64)
    for q in range(pc_ptr.shape[0] - 1):
        if plaza_contested[q]:
            continue
        for jj in range(pc_ptr[q], pc_ptr[q + 1]):
            c = pc_idx[jj]
            if cell_attack[c] or cell_members[c] <= 1:
                continue
            target = -1
            for n in range(nbr_ptr[q], nbr_ptr[q + 1]):
                p = nbr_idx[n]
                for j in range(pc_ptr[p], pc_ptr[p + 1]):
                    x = pc_idx[j]
                    if cell_org[x] == cell_org[c] and cell_attack[x]:
                        target = x
                        break
                if target >= 0:
                    break
            if target < 0:
                continue
            moved = binomial(key(seed, S_MOVE, t, cell_id[c], 0), cell_members[c] - 1, p_move)
            delta[c] -= moved
            delta[target] += moved
    for c in range(cell_members.shape[0]):
        cell_members[c] += delta[c]


@njit(cache=True)
def has_cell(o, p, pc_ptr, pc_idx, cell_org):
    for j in range(pc_ptr[p], pc_ptr[p + 1]):
        if cell_org[pc_idx[j]] == o:
            return True
    return False


@njit(cache=True)
def hire_cells(prm, seed, t, dt, pc_ptr, pc_idx, nbr_ptr, nbr_idx, org_id, org_active,
               org_treasury, relation, ledger, cell_id, cell_active, cell_org, cell_plaza,
               cell_members, cell_firepower, cell_loyalty, cell_local, cell_attack,
               cell_intel, plaza_id, plaza_controller):
    """Organizations hire local cells in enemy-held plazas next to where they operate.

    Each (organization, enemy-held neighbouring plaza without its cells) hires with
    probability p_hire per step, if its treasury covers hire_cost and a spare cell row is
    free; hires are paid in ascending order of the organization's first adjacent cell.
    """
    p_hire = rate_to_prob(prm[P_HIRE_RATE], dt)
    if p_hire <= 0.0:
        return
    n_cells = cell_active.shape[0]
    hiring = cell_active & (cell_members > 0)  # cells hired in this phase do not hire
    for c in range(n_cells):
        if not hiring[c]:
            continue
        o = cell_org[c]
        q = cell_plaza[c]
        for n in range(nbr_ptr[q], nbr_ptr[q + 1]):
            p = nbr_idx[n]
            d = plaza_controller[p]
            if d < 0 or relation[o, d] != WAR or has_cell(o, p, pc_ptr, pc_idx, cell_org):
                continue
            if org_treasury[o] < prm[P_HIRE_COST]:
                continue
            new_id = np.int64(key(seed, S_HIRE, t, org_id[o], plaza_id[p]) >> np.uint64(1))
            hired_already = False
            free = -1
            for x in range(n_cells):
                if cell_id[x] == new_id:
                    hired_already = True
                    break
                if free < 0 and not cell_active[x] and cell_id[x] == 0:
                    free = x
            if hired_already or free < 0:
                continue
            if not bernoulli(key(seed, S_HIRE, t, org_id[o], plaza_id[p]), p_hire):
                continue
            size = np.int64(prm[P_HIRE_MEMBERS])
            cell_id[free] = new_id
            cell_active[free] = True
            cell_org[free] = o
            cell_plaza[free] = p
            cell_members[free] = size
            cell_firepower[free] = 1.0
            cell_loyalty[free] = prm[P_HIRE_LOYALTY]
            cell_local[free] = True
            cell_attack[free] = False
            cell_intel[free] = 0.0
            org_treasury[o] -= prm[P_HIRE_COST]
            ledger[o, L_RECRUITED] += size


# ---------------------------------------------------------------- 3. clashes (+5)
@njit(cache=True)
def kill_members(seed, stream, t, other_id, o, p, q, pc_ptr, pc_idx, cell_id, cell_org,
                 cell_members):
    """Each member of o's cells in plaza p dies with probability q; returns the deaths."""
    total = 0
    for j in range(pc_ptr[p], pc_ptr[p + 1]):
        c = pc_idx[j]
        if cell_org[c] != o or cell_members[c] <= 0:
            continue
        d = binomial(key(seed, stream, t, cell_id[c], other_id), cell_members[c], q)
        cell_members[c] -= d
        total += d
    return total


@njit(cache=True)
def kill_police(seed, t, other_id, o, p, q, pu_ptr, pu_idx, unit_id, unit_officers,
                unit_payroll):
    """Each officer on o's payroll in plaza p dies with probability q; returns the deaths."""
    total = 0
    for j in range(pu_ptr[p], pu_ptr[p + 1]):
        u = pu_idx[j]
        if unit_payroll[u] != o or unit_officers[u] <= 0:
            continue
        d = binomial(key(seed, S_POLICE_KILLED, t, unit_id[u], other_id), unit_officers[u], q)
        unit_officers[u] -= d
        total += d
    return total


@njit(cache=True)
def clashes(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, org_id, org_aggression,
            relation, intensity, grievance, ledger, kills, cell_id, cell_org, cell_members,
            cell_firepower, cell_local, cell_attack, cell_intel, unit_id, unit_officers,
            unit_payroll, plaza_id, plaza_population, vio, vio_n, hom):
    """Hostile organizations in a plaza meet and kill each other's members.

    For a pair (a, b) with hostility h > 0, clashes per step n ~ Poisson(lambda dt) with
    lambda = clash_rate h (1 + aggr_a + aggr_b) (1 + w_g (G_ab + G_ba))
    (1 + w_i (I_a + I_b)) M (N_a + N_b), M = attack_multiplier if either side attacks.
    Each member of a (and each officer on a's payroll) then dies with probability
    1 - exp(-n lethality F_b / (people in the fight) / (1 + allies_a)^shielding): attrition
    driven by the enemy's firepower F_b (cells, local cells and payroll police), Lanchester's
    aimed fire. Bystanders: Poisson(collateral_per_clash n density) civilians.
    """
    n_org = relation.shape[0]
    slot = np.full(n_org, -1, dtype=np.int64)
    orgs = np.empty(n_org, dtype=np.int64)
    agg = np.zeros((n_org, N_AGG))
    counts = np.zeros(3, dtype=np.int64)
    for p in range(pc_ptr.shape[0] - 1):
        k = gather(p, prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members,
                   cell_firepower, cell_local, cell_attack, cell_intel, unit_officers,
                   unit_payroll, slot, orgs, agg)
        for i in range(k):
            for j in range(i + 1, k):
                a, b = orgs[i], orgs[j]
                h = hostility(prm, relation, intensity, a, b)
                if h <= 0.0:
                    continue
                rate = prm[P_CLASH_RATE] * h * (1.0 + org_aggression[a] + org_aggression[b])
                rate *= 1.0 + prm[P_GRIEVANCE_WEIGHT] * (grievance[a, b] + grievance[b, a])
                rate *= 1.0 + prm[P_INTEL_WEIGHT] * (agg[i, A_INTEL] + agg[j, A_INTEL])
                if agg[i, A_ATT] > 0.0 or agg[j, A_ATT] > 0.0:
                    rate *= prm[P_ATTACK_MULT]
                rate *= agg[i, A_N] + agg[j, A_N]
                pid = pair_id(org_id[a], org_id[b])
                n = poisson(key(seed, S_CLASH, t, plaza_id[p], pid), rate * dt)
                if n == 0:
                    continue
                people = agg[i, A_N] + agg[j, A_N] + agg[i, A_OFF] + agg[j, A_OFF]
                fire_a = agg[i, A_FC] + agg[i, A_FL] + agg[i, A_FP]
                fire_b = agg[j, A_FC] + agg[j, A_FL] + agg[j, A_FP]
                for side in range(2):
                    x, y = (a, b) if side == 0 else (b, a)
                    ix, iy = (i, j) if side == 0 else (j, i)
                    fire_y = fire_b if side == 0 else fire_a
                    shield = 1.0
                    if prm[P_ALLY_SHIELDING] > 0.0:
                        shield = (1.0 + n_allies(relation, x)) ** prm[P_ALLY_SHIELDING]
                    q = -math.expm1(-n * prm[P_LETHALITY] * fire_y / people / shield)
                    dead = kill_members(seed, S_CLASH_LOSS, t, org_id[y], x, p, q, pc_ptr,
                                        pc_idx, cell_id, cell_org, cell_members)
                    cops = kill_police(seed, t, org_id[y], x, p, q, pu_ptr, pu_idx, unit_id,
                                       unit_officers, unit_payroll)
                    ledger[x, L_KILLED] += dead
                    kills[x, y] += dead
                    counts[0], counts[1], counts[2] = split_by_via(
                        seed, S_VIA_CLASH, t, pid, org_id[x], dead, agg[iy, A_FC],
                        agg[iy, A_FL], agg[iy, A_FP])
                    record_by_via(vio, vio_n, hom, t, p, CLASH, y, x, counts)
                    counts[0], counts[1], counts[2] = split_by_via(
                        seed, S_VIA_POLICE_KILLED, t, pid, org_id[x], cops, agg[iy, A_FC],
                        agg[iy, A_FL], agg[iy, A_FP])
                    record_by_via(vio, vio_n, hom, t, p, POLICE_KILLED, y, POLICE, counts)
                mean = prm[P_COLLATERAL] * n * density(prm, plaza_population[p])
                bystanders = poisson(key(seed, S_COLLATERAL, t, plaza_id[p], pid), mean)
                if bystanders > 0:
                    by_a = binomial(key(seed, S_COLLATERAL, t, pid, plaza_id[p]), bystanders,
                                    fire_a / max(fire_a + fire_b, 1e-12))
                    for side in range(2):
                        x = a if side == 0 else b
                        ix = i if side == 0 else j
                        nx = by_a if side == 0 else bystanders - by_a
                        counts[0], counts[1], counts[2] = split_by_via(
                            seed, S_VIA_COLLATERAL, t, pid, org_id[x], nx, agg[ix, A_FC],
                            agg[ix, A_FL], agg[ix, A_FP])
                        record_by_via(vio, vio_n, hom, t, p, COLLATERAL, x, CIVILIAN, counts)


# ---------------------------------------------------------------- 4. assassinations (+5)
@njit(cache=True)
def assassinations(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, org_id, relation,
                   grievance, ledger, kills, cell_org, cell_members, cell_firepower,
                   cell_local, cell_attack, cell_intel, unit_officers, unit_payroll,
                   plaza_id, plaza_population, plaza_controller, plaza_boss_alive,
                   plaza_days_leaderless, vio, vio_n, hom):
    """Attacking enemies of a plaza's controller try to kill its boss.

    Attempts per day: assassination_rate (1 + w_g G[a, d]) (1 + w_i I_a); an attempt
    succeeds with probability assassination_success (1 - boss_protection_per_officer)^K,
    K the officers on the controller's payroll there. The first attacker (ascending row)
    that succeeds kills the boss, and the lieutenant with lieutenant_kill_probability;
    both are members of the controller's largest cell in the plaza. The plaza is leaderless
    until control (phase 10) replaces the boss.
    """
    n_org = relation.shape[0]
    slot = np.full(n_org, -1, dtype=np.int64)
    orgs = np.empty(n_org, dtype=np.int64)
    agg = np.zeros((n_org, N_AGG))
    counts = np.zeros(3, dtype=np.int64)
    for p in range(pc_ptr.shape[0] - 1):
        d = plaza_controller[p]
        if d < 0 or not plaza_boss_alive[p]:
            continue
        k = gather(p, prm, pc_ptr, pc_idx, pu_ptr, pu_idx, cell_org, cell_members,
                   cell_firepower, cell_local, cell_attack, cell_intel, unit_officers,
                   unit_payroll, slot, orgs, agg)
        i_d = -1
        for i in range(k):
            if orgs[i] == d:
                i_d = i
        if i_d < 0:
            continue
        for i in range(k):
            a = orgs[i]
            if relation[a, d] != WAR or agg[i, A_ATT] == 0.0:
                continue
            rate = prm[P_ASSASSINATION_RATE] * (1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, d])
            rate *= 1.0 + prm[P_INTEL_WEIGHT] * agg[i, A_INTEL]
            kk = key(seed, S_ASSASSINATION, t, plaza_id[p], org_id[a])
            if not bernoulli(kk, rate_to_prob(rate, dt)):
                continue
            p_success = prm[P_ASSASSINATION_SUCCESS]
            p_success *= (1.0 - prm[P_BOSS_PROTECTION]) ** agg[i_d, A_OFF]
            if uniform(kk, 1) >= p_success:
                continue
            victims = 1
            if uniform(kk, 2) < prm[P_LIEUTENANT]:
                victims = 2
            # the boss and lieutenant belong to the controller's largest cell here
            best = -1
            for j in range(pc_ptr[p], pc_ptr[p + 1]):
                c = pc_idx[j]
                if cell_org[c] == d and (best < 0 or cell_members[c] > cell_members[best]):
                    best = c
            victims = min(victims, cell_members[best])
            cell_members[best] -= victims
            ledger[d, L_KILLED] += victims
            kills[d, a] += victims
            via = pick_via(uniform(kk, 3), agg[i, A_FC], agg[i, A_FL], agg[i, A_FP])
            record(vio, vio_n, hom, t, p, ASSASSINATION, a, via, d, victims)
            mean = prm[P_COLLATERAL] * density(prm, plaza_population[p])
            record(vio, vio_n, hom, t, p, COLLATERAL, a, via, CIVILIAN,
                   poisson(key(seed, S_COLLATERAL, t, org_id[a], plaza_id[p]), mean))
            plaza_boss_alive[p] = False
            plaza_days_leaderless[p] = 0.0
            break


# ---------------------------------------------------------------- 6. kidnappings
@njit(cache=True)
def kidnappings(prm, seed, t, dt, pc_ptr, pc_idx, org_id, org_aggression, relation,
                intensity, grievance, ledger, kills, cell_id, cell_org, cell_members,
                cell_local, cell_attack, cell_intel, plaza_id, vio, vio_n, hom):
    """Organizations abduct hostile members in their plaza; some captives are murdered.

    A member of b is abducted by a with rate kidnap_rate h (1 + w_g G[a, b])
    M_a N_a / (N_a + N_b) per day (M_a = attack_multiplier if a attacks there); each
    captive is murdered with kidnap_murder_probability, the rest released. Every abduction
    gives a's cells in the plaza intel_per_kidnapping units of intelligence.
    """
    n_org = relation.shape[0]
    size = np.zeros(n_org, dtype=np.int64)
    attacking = np.zeros(n_org, dtype=np.bool_)
    present = np.empty(n_org, dtype=np.int64)
    for p in range(pc_ptr.shape[0] - 1):
        k = 0
        for j in range(pc_ptr[p], pc_ptr[p + 1]):
            c = pc_idx[j]
            o = cell_org[c]
            if cell_members[c] <= 0:
                continue
            if size[o] == 0:
                present[k] = o
                k += 1
            size[o] += cell_members[c]
            attacking[o] = attacking[o] or cell_attack[c]
        present[:k].sort()
        for ia in range(k):
            a = present[ia]
            for ib in range(k):
                b = present[ib]
                if a == b:
                    continue
                h = hostility(prm, relation, intensity, a, b)
                if h <= 0.0:
                    continue
                rate = prm[P_KIDNAP_RATE] * h * (1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, b])
                if attacking[a]:
                    rate *= prm[P_ATTACK_MULT]
                rate *= size[a] / (size[a] + size[b])
                q = rate_to_prob(rate, dt)
                taken = 0
                murdered = 0
                for j in range(pc_ptr[p], pc_ptr[p + 1]):
                    c = pc_idx[j]
                    if cell_org[c] != b or cell_members[c] <= 0:
                        continue
                    n = binomial(key(seed, S_KIDNAP, t, cell_id[c], org_id[a]), cell_members[c], q)
                    dead = binomial(key(seed, S_KIDNAP_MURDER, t, cell_id[c], org_id[a]), n,
                                    prm[P_KIDNAP_MURDER])
                    cell_members[c] -= dead
                    taken += n
                    murdered += dead
                if taken == 0:
                    continue
                ledger[b, L_KILLED] += murdered
                kills[b, a] += murdered
                via = VIA_CELL
                for j in range(pc_ptr[p], pc_ptr[p + 1]):
                    c = pc_idx[j]
                    if cell_org[c] == a:
                        cell_intel[c] += prm[P_INTEL_PER_KIDNAP] * taken
                        if cell_local[c]:
                            via = VIA_LOCAL_CELL
                record(vio, vio_n, hom, t, p, KIDNAPPING, a, via, b, taken)
                record(vio, vio_n, hom, t, p, KIDNAP_MURDER, a, via, b, murdered)
        for i in range(k):
            size[present[i]] = 0
            attacking[present[i]] = False


# ---------------------------------------------------------------- 7. policing
@njit(cache=True)
def policing(prm, seed, t, dt, pc_ptr, pc_idx, pu_ptr, pu_idx, ledger, cell_id,
             cell_active, cell_org, cell_plaza, cell_members, cell_local, unit_id,
             unit_active, unit_officers, unit_authorized, unit_payroll, unit_effectiveness,
             plaza_id, vio, vio_n, hom):
    """Police arrest members of every organization but their patron's; some die doing it.

    A unit of K officers arrests each member of a non-patron cell in its plaza with rate
    arrest_rate effectiveness K / 100 per day; each arrest kills an officer with
    police_killed_per_arrest. National incapacitation arrests national_arrests_per_day
    members in all, each member equally likely. Lost officers are replaced with mean delay
    police_replenish_days.
    """
    for p in range(pc_ptr.shape[0] - 1):
        for ju in range(pu_ptr[p], pu_ptr[p + 1]):
            u = pu_idx[ju]
            q = rate_to_prob(prm[P_ARREST_RATE] * unit_effectiveness[u] * unit_officers[u] / 100.0, dt)
            if q <= 0.0:
                continue
            for jc in range(pc_ptr[p], pc_ptr[p + 1]):
                c = pc_idx[jc]
                o = cell_org[c]
                if o == unit_payroll[u] or cell_members[c] <= 0:
                    continue
                n = binomial(key(seed, S_ARREST, t, cell_id[c], unit_id[u]), cell_members[c], q)
                if n == 0:
                    continue
                cell_members[c] -= n
                ledger[o, L_ARRESTED] += n
                record(vio, vio_n, hom, t, p, ARREST, POLICE, VIA_STATE, o, n)
                cops = binomial(key(seed, S_POLICE_KILLED, t, cell_id[c], unit_id[u]), n,
                                prm[P_POLICE_KILLED_PER_ARREST])
                cops = min(cops, unit_officers[u])
                unit_officers[u] -= cops
                via = VIA_LOCAL_CELL if cell_local[c] else VIA_CELL
                record(vio, vio_n, hom, t, p, POLICE_KILLED, o, via, POLICE, cops)
    if prm[P_NATIONAL_ARRESTS] > 0.0:
        total = 0
        for c in range(cell_members.shape[0]):
            if cell_active[c]:
                total += cell_members[c]
        if total > 0:
            q = min(1.0, prm[P_NATIONAL_ARRESTS] * dt / total)
            for c in range(cell_members.shape[0]):
                if not cell_active[c] or cell_members[c] <= 0:
                    continue
                n = binomial(key(seed, S_NATIONAL_ARREST, t, cell_id[c], 0), cell_members[c], q)
                cell_members[c] -= n
                ledger[cell_org[c], L_ARRESTED] += n
                record(vio, vio_n, hom, t, cell_plaza[c], ARREST, POLICE, VIA_STATE,
                       cell_org[c], n)
    q = rate_to_prob(1.0 / max(prm[P_REPLENISH_DAYS], 1e-9), dt)
    for u in range(unit_active.shape[0]):
        short = unit_authorized[u] - unit_officers[u]
        if unit_active[u] and short > 0:
            unit_officers[u] += binomial(key(seed, S_REPLENISH, t, unit_id[u], 0), short, q)


# ---------------------------------------------------------------- 8. corruption
@njit(cache=True)
def corruption(prm, seed, t, dt, pc_ptr, pc_idx, org_id, org_active, org_treasury,
               org_bribe_share, cell_org, cell_members, unit_id, unit_active,
               unit_plaza, unit_kind, unit_officers, unit_integrity, unit_payroll,
               unit_payment, n_plaza):
    """Organizations bribe the police where they operate; federal forces purge payrolls.

    A unit's price is bribe_per_officer_day per officer, or turn_margin times its current
    pay if it is on another organization's payroll. Organization o can buy unit u in a
    plaza where o has members if its daily bribe budget, bribe_share treasury / 30, covers
    what it already pays police per day plus the unit's price for all its officers (budgets
    and pay as at the start of the phase). The unit considers each affordable
    offer with probability (1 - integrity) p_corruption per step; of the offers it accepts,
    the largest budget wins (ties: lower row), and the unit is paid its price from then on
    (phase 9). In a plaza with federal forces each payroll unit is purged with probability
    p_purge per step instead.
    """
    n_org = org_active.shape[0]
    present = np.zeros((n_plaza, n_org), dtype=np.bool_)
    for p in range(n_plaza):
        for j in range(pc_ptr[p], pc_ptr[p + 1]):
            c = pc_idx[j]
            if cell_members[c] > 0:
                present[p, cell_org[c]] = True
    federal = np.zeros(n_plaza, dtype=np.bool_)
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_kind[u] == FEDERAL and unit_officers[u] > 0:
            federal[unit_plaza[u]] = True
    budget = np.zeros(n_org)  # pesos per day left for new bribes
    for o in range(n_org):
        if org_active[o]:
            budget[o] = org_bribe_share[o] * max(org_treasury[o], 0.0) / 30.0
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            budget[unit_payroll[u]] -= unit_payment[u] * unit_officers[u]
    p_consider = rate_to_prob(prm[P_CORRUPTION_RATE], dt)
    p_purge = rate_to_prob(prm[P_PURGE_RATE], dt)
    for u in range(unit_active.shape[0]):
        if not unit_active[u] or unit_officers[u] <= 0:
            continue
        p = unit_plaza[u]
        if federal[p] and unit_kind[u] != FEDERAL and unit_payroll[u] >= 0:
            if bernoulli(key(seed, S_PURGE, t, unit_id[u], 0), p_purge):
                unit_payroll[u] = -1
                unit_payment[u] = 0.0
            continue
        price = prm[P_BRIBE_PRICE]
        if unit_payroll[u] >= 0:
            price = prm[P_TURN_MARGIN] * unit_payment[u]
        p_accept = p_consider * (1.0 - unit_integrity[u])
        best = -1
        for o in range(n_org):
            if not present[p, o] or o == unit_payroll[u]:
                continue
            if budget[o] < price * unit_officers[u]:
                continue
            if uniform(key(seed, S_CORRUPTION, t, unit_id[u], org_id[o]), 0) >= p_accept:
                continue
            if best < 0 or budget[o] > budget[best]:
                best = o
        if best >= 0:
            unit_payroll[u] = best
            unit_payment[u] = price


# ---------------------------------------------------------------- 9. recruitment and money
@njit(cache=True)
def economy(prm, seed, t, dt, pc_ptr, pc_idx, org_id, org_active, org_treasury, org_wage,
            ledger, cell_id, cell_active, cell_org, cell_members, cell_loyalty, unit_id,
            unit_active, unit_officers, unit_payroll, unit_payment, plaza_population,
            plaza_value, plaza_controller, plaza_boss_alive):
    """Revenue, recruitment, wages, payroll, desertion and saturation.

    Controllers collect value_per_day (times leaderless_value_share without a boss).
    Recruits per cell ~ Poisson(recruit_rate members dt (1 - M_p / (max_member_share
    population_p))^+), scaled down pro rata (floor) to what the treasury can pay at
    recruit_cost. Then wages and police pay are due; an organization that cannot pay them
    all pays what it has, and with unpaid share f its members desert at rate
    desertion_rate (1 - loyalty) f and each payroll unit quits with probability f.
    Saturation: each member leaves at rate saturation_rate N_o (the national model's
    omega C^2 term).
    """
    n_org = org_active.shape[0]
    n_cells = cell_active.shape[0]
    for p in range(plaza_controller.shape[0]):
        d = plaza_controller[p]
        if d >= 0 and org_active[d]:
            share = 1.0 if plaza_boss_alive[p] else prm[P_LEADERLESS_VALUE]
            org_treasury[d] += plaza_value[p] * dt * share
    recruits = np.zeros(n_cells, dtype=np.int64)
    wanted = np.zeros(n_org, dtype=np.int64)
    for p in range(pc_ptr.shape[0] - 1):
        members = 0
        for j in range(pc_ptr[p], pc_ptr[p + 1]):
            members += cell_members[pc_idx[j]]
        capacity = prm[P_MAX_MEMBER_SHARE] * plaza_population[p]
        room = 1.0 - members / capacity if capacity > 0.0 else 0.0
        if room <= 0.0:
            continue
        for j in range(pc_ptr[p], pc_ptr[p + 1]):
            c = pc_idx[j]
            lam = prm[P_RECRUIT_RATE] * cell_members[c] * dt * room
            recruits[c] = poisson(key(seed, S_RECRUIT, t, cell_id[c], 0), lam)
            wanted[cell_org[c]] += recruits[c]
    for c in range(n_cells):
        if recruits[c] == 0:
            continue
        o = cell_org[c]
        if prm[P_RECRUIT_COST] > 0.0:
            affordable = np.floor(max(org_treasury[o], 0.0) / prm[P_RECRUIT_COST])
            if affordable < wanted[o]:  # a float: it may exceed the int64 range
                recruits[c] = np.int64(math.floor(recruits[c] * affordable / wanted[o]))
        cell_members[c] += recruits[c]
        ledger[o, L_RECRUITED] += recruits[c]
    for o in range(n_org):
        if wanted[o] > 0 and prm[P_RECRUIT_COST] > 0.0:
            hired = 0
            for c in range(n_cells):
                if cell_org[c] == o:
                    hired += recruits[c]
            org_treasury[o] -= hired * prm[P_RECRUIT_COST]
    size = np.zeros(n_org, dtype=np.int64)
    for c in range(n_cells):
        if cell_active[c]:
            size[cell_org[c]] += cell_members[c]
    bill = np.zeros(n_org)
    for o in range(n_org):
        bill[o] = org_wage[o] * size[o] * dt
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            bill[unit_payroll[u]] += unit_payment[u] * unit_officers[u] * dt
    unpaid = np.zeros(n_org)
    for o in range(n_org):
        if bill[o] <= 0.0:
            continue
        if org_treasury[o] >= bill[o]:
            org_treasury[o] -= bill[o]
        else:
            unpaid[o] = 1.0 - max(org_treasury[o], 0.0) / bill[o]
            org_treasury[o] = 0.0
    for c in range(n_cells):
        if not cell_active[c] or cell_members[c] <= 0:
            continue
        o = cell_org[c]
        rate = prm[P_DESERTION_RATE] * (1.0 - cell_loyalty[c]) * unpaid[o]
        rate += prm[P_SATURATION] * size[o]
        if rate > 0.0:
            n = binomial(key(seed, S_DESERTION, t, cell_id[c], 0), cell_members[c],
                         rate_to_prob(rate, dt))
            cell_members[c] -= n
            ledger[o, L_DESERTED] += n
    for u in range(unit_active.shape[0]):
        o = unit_payroll[u]
        if unit_active[u] and o >= 0 and unpaid[o] > 0.0:
            if bernoulli(key(seed, S_DESERTION, t, unit_id[u], org_id[o]), unpaid[o]):
                unit_payroll[u] = -1
                unit_payment[u] = 0.0


# ---------------------------------------------------------------- 10. control
@njit(cache=True)
def control(prm, seed, t, dt, pc_ptr, pc_idx, org_active, relation, cell_org, cell_members,
            cell_firepower, plaza_id, plaza_controller, plaza_boss_alive,
            plaza_days_leaderless, plaza_contested, plaza_share):
    """Plazas change hands, become contested, and get new bosses.

    With S_o the firepower of o's cells in a plaza and S the total: the strongest
    organization x at war with the controller d (any organization if there is none) takes
    the plaza when S_x / S >= takeover_share and d is leaderless or below collapse_share;
    it installs a boss. The plaza is contested while two organizations at war each hold at
    least contest_share. A leaderless controller with members there gets a new boss at rate
    1 / boss_replacement_days.
    """
    n_org = org_active.shape[0]
    strength = np.zeros(n_org)
    seen = np.zeros(n_org, dtype=np.bool_)
    present = np.empty(n_org, dtype=np.int64)
    p_boss = rate_to_prob(1.0 / max(prm[P_BOSS_REPLACEMENT_DAYS], 1e-9), dt)
    for p in range(pc_ptr.shape[0] - 1):
        k = 0
        total = 0.0
        for j in range(pc_ptr[p], pc_ptr[p + 1]):
            c = pc_idx[j]
            if cell_members[c] <= 0:
                continue
            o = cell_org[c]
            if not seen[o]:
                seen[o] = True
                present[k] = o
                k += 1
            s = cell_members[c] * cell_firepower[c]
            strength[o] += s
            total += s
        present[:k].sort()
        d = plaza_controller[p]
        share_d = strength[d] / total if d >= 0 and total > 0.0 else 0.0
        x = -1
        for i in range(k):
            o = present[i]
            if o != d and (d < 0 or relation[o, d] == WAR):
                if x < 0 or strength[o] > strength[x]:
                    x = o
        if x >= 0 and total > 0.0 and strength[x] / total >= prm[P_TAKEOVER_SHARE]:
            if d < 0 or not plaza_boss_alive[p] or share_d < prm[P_COLLAPSE_SHARE]:
                plaza_controller[p] = x
                plaza_boss_alive[p] = True
                plaza_days_leaderless[p] = 0.0
                d = x
        contested = False
        for i in range(k):
            for j in range(i + 1, k):
                a, b = present[i], present[j]
                if relation[a, b] == WAR and total > 0.0 \
                        and strength[a] >= prm[P_CONTEST_SHARE] * total \
                        and strength[b] >= prm[P_CONTEST_SHARE] * total:
                    contested = True
        plaza_contested[p] = contested
        plaza_share[p] = strength[d] / total if d >= 0 and total > 0.0 else 0.0
        if d >= 0 and not plaza_boss_alive[p]:
            plaza_days_leaderless[p] += dt
            if strength[d] > 0.0 and bernoulli(key(seed, S_BOSS, t, plaza_id[p], 0), p_boss):
                plaza_boss_alive[p] = True
                plaza_days_leaderless[p] = 0.0
        for i in range(k):
            strength[present[i]] = 0.0
            seen[present[i]] = False


# ---------------------------------------------------------------- 11. grievance
@njit(cache=True)
def grievance_and_intel(prm, dt, grievance, kills, cell_intel):
    """Grievance G[victim, perpetrator] and intelligence decay by their half-lives; then
    this step's killings add to G (one unit per death)."""
    g = 0.5 ** (dt / max(prm[P_GRIEVANCE_HALF_LIFE], 1e-9))
    for a in range(grievance.shape[0]):
        for b in range(grievance.shape[1]):
            grievance[a, b] = grievance[a, b] * g + kills[a, b]
    f = 0.5 ** (dt / max(prm[P_INTEL_HALF_LIFE], 1e-9))
    for c in range(cell_intel.shape[0]):
        cell_intel[c] *= f


# ---------------------------------------------------------------- 12. background
@njit(cache=True)
def background(prm, seed, t, dt, plaza_id, plaza_population, plaza_background, vio, vio_n,
               hom):
    """Homicides unrelated to the conflict: Poisson(rate / 100,000 population dt / 365.25)."""
    for p in range(plaza_id.shape[0]):
        lam = plaza_background[p] / 1e5 * plaza_population[p] * dt / 365.25
        n = poisson(key(seed, S_BACKGROUND, t, plaza_id[p], 0), lam)
        record(vio, vio_n, hom, t, p, BACKGROUND, UNKNOWN, VIA_NONE, CIVILIAN, n)


# ---------------------------------------------------------------- 13. fragmentation
@njit(cache=True)
def fragmentation(prm, seed, t, dt, org_id, org_active, org_treasury, org_aggression,
                  org_wage, org_bribe_share, org_leader_alive, org_leader_days,
                  org_split_pending, org_parent, org_n_splits, relation, intensity, ledger,
                  cell_active, cell_org, cell_members, cell_loyalty):
    """A leader removal splits the organization with split_probability; returns True if so.

    The splinter takes every cell with loyalty below split_loyalty (no such cell: no
    split), a share of the treasury equal to its share of members, the parent's relations
    and aggression, and is at war with the parent. Leaders are replaced after
    leader_replacement_days.
    """
    split = False
    n_org = org_active.shape[0]
    for o in range(n_org):
        if not org_active[o]:
            continue
        if not org_leader_alive[o]:
            org_leader_days[o] += dt
            if org_leader_days[o] >= prm[P_LEADER_REPLACEMENT_DAYS]:
                org_leader_alive[o] = True
                org_leader_days[o] = 0.0
        if not org_split_pending[o]:
            continue
        org_split_pending[o] = False
        if not bernoulli(key(seed, S_SPLIT, t, org_id[o], 0), prm[P_SPLIT_PROBABILITY]):
            continue
        s = -1
        for x in range(n_org):
            if not org_active[x] and org_id[x] == 0:
                s = x
                break
        total, taken = 0, 0
        for c in range(cell_active.shape[0]):
            if cell_active[c] and cell_org[c] == o:
                total += cell_members[c]
                if cell_loyalty[c] < prm[P_SPLIT_LOYALTY]:
                    taken += cell_members[c]
        if s < 0 or taken == 0:
            continue
        org_n_splits[o] += 1
        org_id[s] = np.int64(key(0, S_SPLIT, org_n_splits[o], org_id[o], 0) >> np.uint64(1))
        org_active[s] = True
        org_parent[s] = o
        moved_cash = org_treasury[o] * taken / total
        org_treasury[s] = moved_cash
        org_treasury[o] -= moved_cash
        org_aggression[s] = org_aggression[o]
        org_wage[s] = org_wage[o]
        org_bribe_share[s] = org_bribe_share[o]
        org_leader_alive[s] = True
        for x in range(n_org):
            relation[s, x] = relation[o, x]
            relation[x, s] = relation[x, o]
            intensity[s, x] = intensity[o, x]
            intensity[x, s] = intensity[x, o]
        relation[s, s] = 0
        relation[s, o] = relation[o, s] = WAR
        intensity[s, o] = intensity[o, s] = 1.0
        for c in range(cell_active.shape[0]):
            if cell_active[c] and cell_org[c] == o and cell_loyalty[c] < prm[P_SPLIT_LOYALTY]:
                cell_org[c] = s
        ledger[o, L_MOVED] -= taken
        ledger[s, L_MOVED] += taken
        split = True
    return split


# ---------------------------------------------------------------- 14 + 15
@njit(cache=True)
def compare(value, op, threshold):
    if op == 0:
        return value >= threshold
    if op == 1:
        return value > threshold
    if op == 2:
        return value <= threshold
    if op == 3:
        return value < threshold
    return value == threshold


@njit(cache=True)
def record_step(t, org_active, org_treasury, org_leader_alive, ledger, cell_active,
                cell_org, cell_members, unit_active, unit_payroll, unit_officers,
                plaza_controller, plaza_contested, plaza_share, rec_controller,
                rec_contested, rec_share, rec_members, rec_cells, rec_treasury, rec_plazas,
                rec_payroll, rec_leader, rec_active, rec_ledger):
    """Write row t of the dense per-step records (plazas and organizations)."""
    for o in range(org_active.shape[0]):
        rec_members[t, o] = 0
        rec_cells[t, o] = 0
        rec_plazas[t, o] = 0
        rec_payroll[t, o] = 0
        rec_treasury[t, o] = org_treasury[o]
        rec_leader[t, o] = org_leader_alive[o]
        rec_active[t, o] = org_active[o]
        for col in range(ledger.shape[1]):
            rec_ledger[t, o, col] = ledger[o, col]
    for c in range(cell_active.shape[0]):
        if cell_active[c] and cell_members[c] > 0:
            rec_members[t, cell_org[c]] += cell_members[c]
            rec_cells[t, cell_org[c]] += 1
    for u in range(unit_active.shape[0]):
        if unit_active[u] and unit_payroll[u] >= 0:
            rec_payroll[t, unit_payroll[u]] += unit_officers[u]
    for p in range(plaza_controller.shape[0]):
        rec_controller[t, p] = plaza_controller[p]
        rec_contested[t, p] = plaza_contested[p]
        rec_share[t, p] = plaza_share[p]
        if plaza_controller[p] >= 0:
            rec_plazas[t, plaza_controller[p]] += 1
