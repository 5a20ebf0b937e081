"""Phases 10, 11 and 13: control of plazas, grievance and intelligence, fragmentation."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..codes import (
    L_MOVED,
    P_BOSS_REPLACEMENT_DAYS,
    P_COLLAPSE_SHARE,
    P_CONTEST_SHARE,
    P_GRIEVANCE_HALF_LIFE_DAYS,
    P_INTEL_HALF_LIFE_DAYS,
    P_LEADER_REPLACEMENT_DAYS,
    P_SPLIT_LOYALTY,
    P_SPLIT_PROBABILITY,
    P_TAKEOVER_SHARE,
    S_BOSS,
    S_SPLIT,
    WAR,
)
from ..rng import bernoulli, key, rate_to_prob
from .common import sort_head


@njit(cache=True)
def control(run, t, index, orgs, cells, plazas):
    """Plazas change hands, become contested, and get new bosses.

    With S_o the firepower of o's cells in a plaza and S the total: the strongest
    organization x at war with the controller d (any organization if there is none) takes
    the plaza when S_x / S >= takeover_share and d is leaderless or below collapse_share;
    it installs a boss. The plaza is contested while two organizations at war each hold at
    least contest_share. A leaderless controller with members there gets a new boss at rate
    1 / boss_replacement_days.
    """
    n_org = orgs.active.shape[0]
    strength = np.zeros(n_org)
    seen = np.zeros(n_org, dtype=np.bool_)
    present = np.empty(n_org, dtype=np.int64)
    p_boss = rate_to_prob(1.0 / max(run.prm[P_BOSS_REPLACEMENT_DAYS], 1e-9), run.dt)
    for p in range(index.cell_ptr.shape[0] - 1):
        k = 0
        total = 0.0
        for j in range(index.cell_ptr[p], index.cell_ptr[p + 1]):
            c = index.cell_idx[j]
            if cells.members[c] <= 0:
                continue
            o = cells.org[c]
            if not seen[o]:
                seen[o] = True
                present[k] = o
                k += 1
            s = cells.members[c] * cells.firepower[c]
            strength[o] += s
            total += s
        sort_head(present, k)
        d = plazas.controller[p]
        share_d = strength[d] / total if d >= 0 and total > 0.0 else 0.0
        x = -1
        for i in range(k):
            o = present[i]
            if o != d and (d < 0 or orgs.relation[o, d] == WAR):
                if x < 0 or strength[o] > strength[x]:
                    x = o
        if x >= 0 and total > 0.0 and strength[x] / total >= run.prm[P_TAKEOVER_SHARE]:
            if d < 0 or not plazas.boss_alive[p] or share_d < run.prm[P_COLLAPSE_SHARE]:
                plazas.controller[p] = x
                plazas.boss_alive[p] = True
                plazas.days_leaderless[p] = 0.0
                d = x
        contested = False
        for i in range(k):
            for j in range(i + 1, k):
                a, b = present[i], present[j]
                if orgs.relation[a, b] == WAR and total > 0.0 \
                        and strength[a] >= run.prm[P_CONTEST_SHARE] * total \
                        and strength[b] >= run.prm[P_CONTEST_SHARE] * total:
                    contested = True
        plazas.contested[p] = contested
        plazas.share[p] = strength[d] / total if d >= 0 and total > 0.0 else 0.0
        if d >= 0 and not plazas.boss_alive[p]:
            plazas.days_leaderless[p] += run.dt
            if strength[d] > 0.0 and bernoulli(key(run.seed, S_BOSS, t, plazas.id[p], 0), p_boss):
                plazas.boss_alive[p] = True
                plazas.days_leaderless[p] = 0.0
        for i in range(k):
            strength[present[i]] = 0.0
            seen[present[i]] = False


@njit(cache=True)
def grievance_and_intel(run, orgs, cells, scratch):
    """Grievance G[victim, perpetrator] and intelligence decay by their half-lives; then
    this step's killings add to G (one unit per death)."""
    g = 0.5 ** (run.dt / max(run.prm[P_GRIEVANCE_HALF_LIFE_DAYS], 1e-9))
    for a in range(orgs.grievance.shape[0]):
        for b in range(orgs.grievance.shape[1]):
            orgs.grievance[a, b] = orgs.grievance[a, b] * g + scratch.kills[a, b]
    f = 0.5 ** (run.dt / max(run.prm[P_INTEL_HALF_LIFE_DAYS], 1e-9))
    for c in range(cells.intel.shape[0]):
        cells.intel[c] *= f


@njit(cache=True)
def fragmentation(run, t, orgs, cells):
    """A leader removal splits the organization with split_probability; returns True if so.

    The splinter takes every cell with loyalty below split_loyalty (no such cell: no
    split), a share of the treasury equal to its share of members, the parent's relations
    and aggression, and is at war with the parent. Leaders are replaced after
    leader_replacement_days.
    """
    split = False
    n_org = orgs.active.shape[0]
    for o in range(n_org):
        if not orgs.active[o]:
            continue
        if not orgs.leader_alive[o]:
            orgs.leader_days[o] += run.dt
            if orgs.leader_days[o] >= run.prm[P_LEADER_REPLACEMENT_DAYS]:
                orgs.leader_alive[o] = True
                orgs.leader_days[o] = 0.0
        if not orgs.split_pending[o]:
            continue
        orgs.split_pending[o] = False
        if not bernoulli(key(run.seed, S_SPLIT, t, orgs.id[o], 0), run.prm[P_SPLIT_PROBABILITY]):
            continue
        s = -1
        for x in range(n_org):
            if not orgs.active[x] and orgs.id[x] == 0:
                s = x
                break
        total, taken = 0, 0
        for c in range(cells.active.shape[0]):
            if cells.active[c] and cells.org[c] == o:
                total += cells.members[c]
                if cells.loyalty[c] < run.prm[P_SPLIT_LOYALTY]:
                    taken += cells.members[c]
        if s < 0 or taken == 0:
            continue
        orgs.n_splits[o] += 1
        orgs.id[s] = np.int64(key(0, S_SPLIT, orgs.n_splits[o], orgs.id[o], 0) >> np.uint64(1))
        orgs.active[s] = True
        orgs.parent[s] = o
        moved_cash = orgs.treasury[o] * taken / total
        orgs.treasury[s] = moved_cash
        orgs.treasury[o] -= moved_cash
        orgs.aggression[s] = orgs.aggression[o]
        orgs.wage[s] = orgs.wage[o]
        orgs.bribe_share[s] = orgs.bribe_share[o]
        orgs.leader_alive[s] = True
        for x in range(n_org):
            orgs.relation[s, x] = orgs.relation[o, x]
            orgs.relation[x, s] = orgs.relation[x, o]
            orgs.intensity[s, x] = orgs.intensity[o, x]
            orgs.intensity[x, s] = orgs.intensity[x, o]
        orgs.relation[s, s] = 0
        orgs.relation[s, o] = orgs.relation[o, s] = WAR
        orgs.intensity[s, o] = orgs.intensity[o, s] = 1.0
        for c in range(cells.active.shape[0]):
            if (cells.active[c] and cells.org[c] == o
                    and cells.loyalty[c] < run.prm[P_SPLIT_LOYALTY]):
                cells.org[c] = s
        orgs.ledger[o, L_MOVED] -= taken
        orgs.ledger[s, L_MOVED] += taken
        split = True
    return split
