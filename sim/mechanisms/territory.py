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
    P_GRIEVANCE_RELATIVE_WEIGHT,
    P_INTEL_HALF_LIFE_DAYS,
    P_LEADER_REPLACEMENT_DAYS,
    P_SPLIT_LOYALTY,
    P_SPLIT_PROBABILITY,
    P_SUCCESSION_FIGHT_PROBABILITY,
    P_TAKEOVER_SHARE,
    S_BOSS,
    S_SPLIT,
    S_SUCCESSION,
    WAR,
)
from ..rng import bernoulli, key, rate_to_prob
from .common import sort_head
from .engagement import engaging


@njit(cache=True, inline="always")
def control(run, t, index, orgs, cells, plazas, scratch):
    """Plazas change hands, become contested, and get new bosses.

    With S_o the firepower of o's cells in a plaza (times scratch.fire, its cohesion factor)
    and S the total: the strongest
    organization x at war with the controller d (any organization if there is none) takes
    the plaza when S_x / S >= takeover_share and d is leaderless or below collapse_share;
    it installs a boss. The plaza is contested while two organizations at war each hold at
    least contest_share. A leaderless controller with members there gets a new boss at rate
    1 / boss_replacement_days.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    cell_idx, cell_ptr = index.cell_idx, index.cell_ptr
    org_active, relation = orgs.active, orgs.relation
    cell_firepower, cell_members, cell_org = cells.firepower, cells.members, cells.org
    plaza_boss_alive, plaza_contested = plazas.boss_alive, plazas.contested
    plaza_controller, plaza_days_leaderless = plazas.controller, plazas.days_leaderless
    plaza_id, plaza_share = plazas.id, plazas.share
    fire_factor = scratch.fire
    n_org = org_active.shape[0]
    strength = np.zeros(n_org)
    seen = np.zeros(n_org, dtype=np.bool_)
    present = np.empty(n_org, dtype=np.int64)
    p_boss = rate_to_prob(1.0 / max(prm[P_BOSS_REPLACEMENT_DAYS], 1e-9), dt)
    for p in range(cell_ptr.shape[0] - 1):
        k = 0
        total = 0.0
        for j in range(cell_ptr[p], cell_ptr[p + 1]):
            c = cell_idx[j]
            if cell_members[c] <= 0:
                continue
            o = cell_org[c]
            if not seen[o]:
                seen[o] = True
                present[k] = o
                k += 1
            s = cell_members[c] * cell_firepower[c] * fire_factor[o]
            strength[o] += s
            total += s
        sort_head(present, k)
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


@njit(cache=True, inline="always")
def grievance_and_intel(run, orgs, cells, scratch):
    """Grievance G[victim, perpetrator], relative grievance R (the same deaths as shares of
    the victim's members) and intelligence decay by their half-lives; then this step's
    killings add to G (one unit per death) and to R (k / (N_v + K_v) per k deaths, N_v the
    victim's members after the step, K_v its deaths in it: its members before them). R is
    kept only while grievance_relative_weight > 0 or engagement is on, the rules that read
    it."""
    dt, prm = run.dt, run.prm
    grievance, grievance_share = orgs.grievance, orgs.grievance_share
    cell_active, cell_intel = cells.active, cells.intel
    cell_members, cell_org = cells.members, cells.org
    kills = scratch.kills
    g = 0.5 ** (dt / max(prm[P_GRIEVANCE_HALF_LIFE_DAYS], 1e-9))
    n_org = grievance.shape[0]
    for a in range(n_org):
        for b in range(n_org):
            grievance[a, b] = grievance[a, b] * g + kills[a, b]
    if prm[P_GRIEVANCE_RELATIVE_WEIGHT] > 0.0 or engaging(prm):
        before = np.zeros(n_org)  # members before this step's deaths
        for c in range(cell_active.shape[0]):
            if cell_active[c]:
                before[cell_org[c]] += cell_members[c]
        for a in range(n_org):
            for b in range(n_org):
                before[a] += kills[a, b]
        for a in range(n_org):
            for b in range(n_org):
                grievance_share[a, b] = (grievance_share[a, b] * g
                                         + kills[a, b] / max(before[a], 1.0))
    f = 0.5 ** (dt / max(prm[P_INTEL_HALF_LIFE_DAYS], 1e-9))
    for c in range(cell_intel.shape[0]):
        cell_intel[c] *= f


@njit(cache=True, inline="always")
def fragmentation(run, t, orgs, cells):
    """A leader removal splits the organization; returns True if so.

    Two independent draws: the split (split_probability) and the succession fight among its
    factions (succession_fight_probability); either forms the one splinter of the removal.

    The splinter takes every cell with loyalty below split_loyalty (no such cell: no
    split), a share of the treasury equal to its share of members, the parent's relations
    and aggression, and is at war with the parent. Leaders are replaced after
    leader_replacement_days.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    org_active, org_aggression, org_bribe_share = orgs.active, orgs.aggression, orgs.bribe_share
    org_id, intensity, org_leader_alive = orgs.id, orgs.intensity, orgs.leader_alive
    org_leader_days, ledger, org_n_splits = orgs.leader_days, orgs.ledger, orgs.n_splits
    org_parent, relation, org_split_pending = orgs.parent, orgs.relation, orgs.split_pending
    org_treasury, org_wage = orgs.treasury, orgs.wage
    cell_active, cell_loyalty, cell_members = cells.active, cells.loyalty, cells.members
    cell_org = cells.org
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
        splits = bernoulli(key(seed, S_SPLIT, t, org_id[o], 0), prm[P_SPLIT_PROBABILITY])
        if prm[P_SUCCESSION_FIGHT_PROBABILITY] > 0.0:
            splits |= bernoulli(key(seed, S_SUCCESSION, t, org_id[o], 0),
                                prm[P_SUCCESSION_FIGHT_PROBABILITY])
        if not splits:
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
            if (cell_active[c] and cell_org[c] == o
                    and cell_loyalty[c] < prm[P_SPLIT_LOYALTY]):
                cell_org[c] = s
        ledger[o, L_MOVED] -= taken
        ledger[s, L_MOVED] += taken
        split = True
    return split
