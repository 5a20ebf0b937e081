"""Phases 3-6 and 12: clashes, assassinations, bystanders, kidnappings, background homicides."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..codes import (
    ASSASSINATION,
    BACKGROUND,
    CIVILIAN,
    CLASH,
    COLLATERAL,
    KIDNAP_MURDER,
    KIDNAPPING,
    L_KILLED,
    P_ALLY_SHIELDING,
    P_ASSASSINATION_RATE,
    P_ASSASSINATION_SUCCESS,
    P_ATTACK_MULTIPLIER,
    P_BOSS_PROTECTION_PER_OFFICER,
    P_CLASH_RATE,
    P_COLLATERAL_PER_CLASH,
    P_COLLATERAL_PER_MEMBER_KILLED,
    P_GRIEVANCE_RELATIVE_WEIGHT,
    P_GRIEVANCE_WEIGHT,
    P_INTEL_PER_KIDNAPPED_SHARE,
    P_INTEL_PER_KIDNAPPING,
    P_INTEL_WEIGHT,
    P_KIDNAP_MURDER_PROBABILITY,
    P_KIDNAP_RATE,
    P_LETHALITY,
    P_LIEUTENANT_KILL_PROBABILITY,
    P_RELATIVE_CLASH_SCALING,
    POLICE,
    POLICE_KILLED,
    S_ASSASSINATION,
    S_BACKGROUND,
    S_CLASH,
    S_CLASH_LOSS,
    S_COLLATERAL,
    S_KIDNAP,
    S_KIDNAP_MURDER,
    S_POLICE_KILLED,
    S_VIA_CLASH,
    S_VIA_COLLATERAL,
    S_VIA_POLICE_KILLED,
    UNKNOWN,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_NONE,
)
from ..rng import bernoulli, binomial, binomial_at_rate, key, poisson, rate_to_prob, uniform
from .common import (
    A_ATT,
    A_FC,
    A_FL,
    A_FP,
    A_INTEL,
    A_N,
    A_OFF,
    FLOAT,
    INT,
    INTERNAL,
    VECTOR,
    WAR,
    density,
    fight_share,
    gather,
    gather_inputs,
    group_cells_by_org,
    hostile_pairs_among,
    hostility,
    largest_cell,
    pair_id,
    pick_via,
    record,
    record_by_via,
    sort_head,
    split_by_via,
)
from .engagement import engagement, engaging


@njit(INT(INT, INT, INT, INT, INT, INT, FLOAT, VECTOR, VECTOR, VECTOR, VECTOR, VECTOR), **INTERNAL)
def kill(seed, stream, t, other_id, o, p, q, ptr, idx, ids, owner, counts):
    """Each member of plaza p's cells of organization o (ptr/idx the plaza index, owner the
    cells' organizations, counts their members) dies with probability q; returns the
    deaths. Each cell's draw is keyed by its id and the killer's ``other_id``.
    """
    total = 0
    for j in range(ptr[p], ptr[p + 1]):
        r = idx[j]
        if owner[r] != o or counts[r] <= 0:
            continue
        d = binomial(key(seed, stream, t, ids[r], other_id), counts[r], q)
        counts[r] -= d
        total += d
    return total


@njit(**INTERNAL)
def clashes(run, t, index, pairs, orgs, cells, units, plazas, violence, scratch):
    """Hostile organizations in a plaza meet and kill each other's members.

    For a pair (a, b) with hostility h > 0, clashes per step n ~ Poisson(lambda dt) with
    lambda = clash_rate h (1 + aggr_a + aggr_b) (1 + w_g (G_ab + G_ba) + w_r (R_ab + R_ba))
    (1 + w_i (I_a + I_b)) M (N_a + N_b)^(1 - s), M = attack_multiplier if either side
    attacks, R relative grievance, s relative_clash_scaling.
    Each member of a then dies with probability q_a = 1 - exp(-n lethality F_b / (people
    in the fight) / (1 + allies_a)^shielding), and each officer on a's payroll with q_a
    times its kind's payroll_fight_share (the share that fights, common.fight_share), allies_a
    the sum of a's alliance weights (its alliances' intensities, 1 each by default): attrition
    driven by the enemy's firepower F_b (cells, local cells and payroll police), Lanchester's
    aimed fire. Bystanders: Poisson(density (collateral_per_clash n (N_a + N_b)^s +
    collateral_per_member_killed K)) civilians, K the members of both sides killed in the fight.
    With engagement on (engagement.py) only the shares e_a, e_b of each side take part: N,
    people, firepower and officers of a side are counted times its e, and each member of a
    dies with e_a q_a. Pairs are taken in ascending rows of a, then b. pairs, scratch: the
    kernel's (:mod:`sim.records`); scratch.slot all -1, and left so.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr, unit_idx = index.cell_idx, index.cell_ptr, index.unit_idx
    unit_ptr = index.unit_ptr
    allies, h_idx, h_ptr, pair_ids = pairs.allies, pairs.h_idx, pairs.h_ptr, pairs.pair_ids
    aggression, grievance, org_id = scratch.aggression, orgs.grievance, orgs.id
    grievance_share, intensity = orgs.grievance_share, orgs.intensity
    ledger, relation = orgs.ledger, orgs.relation
    cell_id, cell_members, cell_org = cells.id, cells.members, cells.org
    unit_id, unit_kind, unit_officers = units.id, units.kind, units.officers
    unit_payroll = units.payroll
    plaza_id, plaza_population = plazas.id, plazas.population
    agg, kills, pair_i, pair_j = scratch.agg, scratch.kills, scratch.pair_i, scratch.pair_j
    present, slot = scratch.present, scratch.slot
    inputs = gather_inputs(index, cells, units, scratch)
    counts = np.zeros(3, dtype=np.int64)
    for p in range(cell_ptr.shape[0] - 1):
        k = gather(p, prm, inputs)
        for i in range(k):
            slot[present[i]] = i
        n_pairs = hostile_pairs_among(present, k, slot, h_ptr, h_idx, False,
                                      pair_i, pair_j)
        for i in range(k):
            slot[present[i]] = -1
        for m in range(n_pairs):
            i, j = pair_i[m], pair_j[m]
            a, b = present[i], present[j]
            h = hostility(prm, relation, intensity, a, b)
            rate = prm[P_CLASH_RATE] * h * (1.0 + aggression[a] + aggression[b])
            rate *= (1.0 + prm[P_GRIEVANCE_WEIGHT] * (grievance[a, b] + grievance[b, a])
                     + prm[P_GRIEVANCE_RELATIVE_WEIGHT]
                     * (grievance_share[a, b] + grievance_share[b, a]))
            rate *= 1.0 + prm[P_INTEL_WEIGHT] * (agg[i, A_INTEL] + agg[j, A_INTEL])
            if agg[i, A_ATT] > 0.0 or agg[j, A_ATT] > 0.0:
                rate *= prm[P_ATTACK_MULTIPLIER]
            e_a, e_b = 1.0, 1.0  # engaged shares (engagement.py); 1 while off
            if engaging(prm):
                e_a = engagement(prm, grievance_share[a, b])
                e_b = engagement(prm, grievance_share[b, a])
            members = agg[i, A_N] * e_a + agg[j, A_N] * e_b
            scaling = prm[P_RELATIVE_CLASH_SCALING]
            rate *= members if scaling == 0.0 else members ** (1.0 - scaling)
            pid = pair_ids[a, b]
            n = poisson(key(seed, S_CLASH, t, plaza_id[p], pid), rate * dt)
            if n == 0:
                continue
            fight = pair_id(pid, plaza_id[p])  # this pair's fight in this plaza
            people = agg[i, A_N] + agg[j, A_N] + agg[i, A_OFF] + agg[j, A_OFF]
            fire_a = agg[i, A_FC] + agg[i, A_FL] + agg[i, A_FP]
            fire_b = agg[j, A_FC] + agg[j, A_FL] + agg[j, A_FP]
            if engaging(prm):
                people = max((agg[i, A_N] + agg[i, A_OFF]) * e_a
                             + (agg[j, A_N] + agg[j, A_OFF]) * e_b, 1e-12)
                fire_a *= e_a
                fire_b *= e_b
            killed = 0  # members of both sides killed in this fight
            for side in range(2):
                x, y = (a, b) if side == 0 else (b, a)
                ix, iy = (i, j) if side == 0 else (j, i)
                fire_y = fire_b if side == 0 else fire_a
                shield = 1.0
                if prm[P_ALLY_SHIELDING] > 0.0:
                    shield = (1.0 + allies[x]) ** prm[P_ALLY_SHIELDING]
                q = -math.expm1(-n * prm[P_LETHALITY] * fire_y / people / shield)
                q *= e_a if side == 0 else e_b  # only x's engaged members are exposed
                dead = kill(seed, S_CLASH_LOSS, t, org_id[y], x, p, q, cell_ptr,
                            cell_idx, cell_id, cell_org, cell_members)
                cops = 0
                for ju in range(unit_ptr[p], unit_ptr[p + 1]):
                    u = unit_idx[ju]
                    if unit_payroll[u] == x and unit_officers[u] > 0:
                        lost = binomial(key(seed, S_POLICE_KILLED, t, unit_id[u], org_id[y]),
                                        unit_officers[u], q * fight_share(prm, unit_kind[u]))
                        unit_officers[u] -= lost
                        cops += lost
                ledger[x, L_KILLED] += dead
                kills[x, y] += dead
                killed += dead
                counts[0], counts[1], counts[2] = split_by_via(
                    seed, S_VIA_CLASH, t, fight, org_id[x], dead, agg[iy, A_FC],
                    agg[iy, A_FL], agg[iy, A_FP])
                record_by_via(violence, t, p, CLASH, y, x, counts)
                counts[0], counts[1], counts[2] = split_by_via(
                    seed, S_VIA_POLICE_KILLED, t, fight, org_id[x], cops, agg[iy, A_FC],
                    agg[iy, A_FL], agg[iy, A_FP])
                record_by_via(violence, t, p, POLICE_KILLED, y, POLICE, counts)
            exposure = density(prm, plaza_population[p])
            mean = prm[P_COLLATERAL_PER_CLASH] * n * exposure
            if scaling > 0.0:
                mean *= members ** scaling
            mean += prm[P_COLLATERAL_PER_MEMBER_KILLED] * exposure * killed
            bystanders = poisson(key(seed, S_COLLATERAL, t, plaza_id[p], pid), mean)
            if bystanders > 0:
                by_a = binomial(key(seed, S_COLLATERAL, t, pid, plaza_id[p]), bystanders,
                                fire_a / max(fire_a + fire_b, 1e-12))
                for side in range(2):
                    x = a if side == 0 else b
                    ix = i if side == 0 else j
                    nx = by_a if side == 0 else bystanders - by_a
                    counts[0], counts[1], counts[2] = split_by_via(
                        seed, S_VIA_COLLATERAL, t, fight, org_id[x], nx, agg[ix, A_FC],
                        agg[ix, A_FL], agg[ix, A_FP])
                    record_by_via(violence, t, p, COLLATERAL, x, CIVILIAN, counts)


@njit(**INTERNAL)
def assassinations(run, t, index, orgs, cells, units, plazas, violence, scratch):
    """Attacking enemies of a plaza's controller try to kill its boss.

    Attempts per day: assassination_rate (1 + w_g G[a, d] + w_r R[a, d]) (1 + w_i I_a); an
    attempt
    succeeds with probability assassination_success (1 - boss_protection_per_officer)^K,
    K the officers on the controller's payroll there. The first attacker (ascending row)
    that succeeds kills the boss, and the lieutenant with lieutenant_kill_probability;
    both are members of the controller's largest cell in the plaza. The plaza is leaderless
    until control (phase 10) replaces the boss. scratch: the kernel's (:mod:`sim.records`);
    scratch.slot all -1, and left so.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    grievance, org_id, ledger, relation = orgs.grievance, orgs.id, orgs.ledger, orgs.relation
    grievance_share = orgs.grievance_share
    cell_members, cell_org = cells.members, cells.org
    plaza_boss_alive, plaza_controller = plazas.boss_alive, plazas.controller
    plaza_days_leaderless, plaza_id = plazas.days_leaderless, plazas.id
    plaza_population = plazas.population
    agg, kills, present = scratch.agg, scratch.kills, scratch.present
    inputs = gather_inputs(index, cells, units, scratch)
    for p in range(cell_ptr.shape[0] - 1):
        d = plaza_controller[p]
        if d < 0 or not plaza_boss_alive[p]:
            continue
        k = gather(p, prm, inputs)
        i_d = -1
        for i in range(k):
            if present[i] == d:
                i_d = i
        if i_d < 0:
            continue
        for i in range(k):
            a = present[i]
            if relation[a, d] != WAR or agg[i, A_ATT] == 0.0:
                continue
            rate = prm[P_ASSASSINATION_RATE]
            rate *= (1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, d]
                     + prm[P_GRIEVANCE_RELATIVE_WEIGHT] * grievance_share[a, d])
            rate *= 1.0 + prm[P_INTEL_WEIGHT] * agg[i, A_INTEL]
            kk = key(seed, S_ASSASSINATION, t, plaza_id[p], org_id[a])
            if not bernoulli(kk, rate_to_prob(rate, dt)):
                continue
            p_success = prm[P_ASSASSINATION_SUCCESS]
            p_success *= (1.0 - prm[P_BOSS_PROTECTION_PER_OFFICER]) ** agg[i_d, A_OFF]
            if uniform(kk, 1) >= p_success:
                continue
            victims = 1
            if uniform(kk, 2) < prm[P_LIEUTENANT_KILL_PROBABILITY]:
                victims = 2
            best = largest_cell(cell_ptr, cell_idx, cell_members, cell_org, p, d)  # the boss's and lieutenant's cell
            victims = min(victims, cell_members[best])
            cell_members[best] -= victims
            ledger[d, L_KILLED] += victims
            kills[d, a] += victims
            via = pick_via(uniform(kk, 3), agg[i, A_FC], agg[i, A_FL], agg[i, A_FP])
            record(violence, t, p, ASSASSINATION, a, via, d, victims)
            mean = prm[P_COLLATERAL_PER_CLASH] * density(prm, plaza_population[p])
            record(violence, t, p, COLLATERAL, a, via, CIVILIAN,
                   poisson(key(seed, S_COLLATERAL, t, org_id[a], plaza_id[p]), mean))
            plaza_boss_alive[p] = False
            plaza_days_leaderless[p] = 0.0
            break


@njit(**INTERNAL)
def kidnappings(run, t, index, pairs, orgs, cells, plazas, violence, scratch):
    """Organizations abduct hostile members in their plaza; some captives are murdered.

    A member of b is abducted by a with rate kidnap_rate h (1 + w_g G[a, b] + w_r R[a, b])
    M_a N_a / (N_a + N_b) per day (M_a = attack_multiplier if a attacks there); each
    captive is murdered with kidnap_murder_probability, the rest released. Every abduction
    gives a's cells in the plaza intel_per_kidnapping units of intelligence, plus
    intel_per_kidnapped_share / N_b (N_b: b's members in the plaza before the abductions).
    Pairs are taken in ascending rows of a, then b. pairs, scratch: the kernel's
    (:mod:`sim.records`); scratch.slot all -1, and left so.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    h_idx, h_ptr = pairs.h_idx, pairs.h_ptr
    grievance, org_id, intensity, ledger = orgs.grievance, orgs.id, orgs.intensity, orgs.ledger
    grievance_share, relation = orgs.grievance_share, orgs.relation
    cell_attack, cell_id, cell_intel, cell_local = cells.attack, cells.id, cells.intel, cells.local
    cell_members, cell_org = cells.members, cells.org
    kills, pair_i, pair_j, present = scratch.kills, scratch.pair_i, scratch.pair_j, scratch.present
    slot = scratch.slot
    if prm[P_KIDNAP_RATE] <= 0.0:
        return
    n_org = relation.shape[0]
    size = np.zeros(n_org, dtype=np.int64)
    attacking = np.zeros(n_org, dtype=np.bool_)
    group_ptr = np.zeros(n_org + 1, dtype=np.int64)
    group_cells = np.empty(cell_idx.shape[0], dtype=np.int64)
    for p in range(cell_ptr.shape[0] - 1):
        k = 0
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            c = cell_idx[j]
            o = cell_org[c]
            if cell_members[c] <= 0:
                continue
            if size[o] == 0:
                present[k] = o
                k += 1
            size[o] += cell_members[c]
            attacking[o] = attacking[o] or cell_attack[c]
        sort_head(present, k)
        for i in range(k):
            slot[present[i]] = i
        n_pairs = hostile_pairs_among(present, k, slot, h_ptr, h_idx, True,
                                      pair_i, pair_j)
        if n_pairs > 0:
            # each pair reads only its two organizations' cells
            group_cells_by_org(p, cell_ptr, cell_idx, cell_org, present, k, slot, group_ptr,
                               group_cells)
        for m in range(n_pairs):
            ia, ib = pair_i[m], pair_j[m]
            a, b = present[ia], present[ib]
            h = hostility(prm, relation, intensity, a, b)
            rate = prm[P_KIDNAP_RATE] * h * (1.0 + prm[P_GRIEVANCE_WEIGHT] * grievance[a, b]
                                             + prm[P_GRIEVANCE_RELATIVE_WEIGHT]
                                             * grievance_share[a, b])
            if attacking[a]:
                rate *= prm[P_ATTACK_MULTIPLIER]
            rate *= size[a] / (size[a] + size[b])
            taken = 0
            murdered = 0
            for j in range(group_ptr[ib], group_ptr[ib + 1]):
                c = group_cells[j]
                if cell_members[c] <= 0:
                    continue
                n = binomial_at_rate(key(seed, S_KIDNAP, t, cell_id[c], org_id[a]),
                                     cell_members[c], rate, dt)
                if n == 0:
                    continue
                dead = binomial(key(seed, S_KIDNAP_MURDER, t, cell_id[c], org_id[a]), n,
                                prm[P_KIDNAP_MURDER_PROBABILITY])
                cell_members[c] -= dead
                taken += n
                murdered += dead
            if taken == 0:
                continue
            ledger[b, L_KILLED] += murdered
            kills[b, a] += murdered
            via = VIA_CELL
            for j in range(group_ptr[ia], group_ptr[ia + 1]):
                c = group_cells[j]
                cell_intel[c] += (prm[P_INTEL_PER_KIDNAPPING] * taken
                                  + prm[P_INTEL_PER_KIDNAPPED_SHARE] * taken / size[b])
                if cell_local[c]:
                    via = VIA_LOCAL_CELL
            record(violence, t, p, KIDNAPPING, a, via, b, taken)
            record(violence, t, p, KIDNAP_MURDER, a, via, b, murdered)
        for i in range(k):
            size[present[i]] = 0
            attacking[present[i]] = False
            slot[present[i]] = -1


@njit(cache=True, inline="always")
def background(run, t, plazas, violence):
    """Homicides unrelated to the conflict: Poisson(rate / 100,000 population dt / 365.25)."""
    dt, seed = run.dt, run.seed
    plaza_background, plaza_id, plaza_population = plazas.background, plazas.id, plazas.population
    for p in range(plaza_id.shape[0]):
        lam = plaza_background[p] / 1e5 * plaza_population[p] * dt / 365.25
        n = poisson(key(seed, S_BACKGROUND, t, plaza_id[p], 0), lam)
        record(violence, t, p, BACKGROUND, UNKNOWN, VIA_NONE, CIVILIAN, n)
