"""A plain-Python twin of the compiled kernel (``sim.kernel.advance``).

The same rules as the kernel, written the straightforward way: one object per organization,
cell, police unit and plaza, ``for org in present`` loops over dicts, lists instead of CSR
indexes, nothing preallocated, no numba. It exists to prove the compiled kernel exact (same
starting State + same seed -> the same final State, bit for bit, and the same violence rows)
and to measure its speed-up (``benchmarks/kernel_vs_twin.py``).

Independence: the twin shares no code with what it checks; it does not import ``sim.kernel``
or ``sim.mechanisms`` (a test enforces this). It uses ``sim.rng`` (the keyed draws are
deterministic functions of their key, so calling the compiled samplers from Python is no
loss of independence), ``sim.codes`` (integer codes, stream ids, parameter layout) and
``sim.state`` (the State struct). It follows the documented rules (the docstrings of the step
order and of each phase, docs/model.md); where they leave a detail open (which cells
count, the key of each draw, the order of a float sum) it follows the kernel's choice and
says so. Where the kernel contradicts its own rules the twin follows the rules, and
tests/test_kernel.py keeps the comparison as an expected failure:

- hiring: cells hired during the phase do not themselves look for plazas to hire in (the
  phase reads the state at its start); the kernel lets them, so hires chain in one step;
- control: a plaza with no armed strength at all (every cell has firepower 0) changes no
  hands; the kernel divides by that zero strength;
- recruitment: "affordable" recruits is an exact integer; the kernel's int64 overflows.

Rules the twin has to share with the kernel to be exact, besides the equations:

- Draw keys: every draw is ``key(seed, stream, step, a, b)`` with the stable ids named in the
  comments below; a sampler consumes its whole key.
- Competing claims are resolved in ascending order of organization row (pairs (a, b) with
  a < b in clashes; ordered pairs (a, b) in kidnappings; attackers in assassinations), each
  taking from what is left by the earlier ones. Within a plaza, the strengths, sizes and
  firepower that set the rates are those at the start of that plaza's phase.
- Floating-point sums are accumulated in the kernel's order, which is "ascending row" almost
  everywhere (cells in a plaza, police units, plazas for revenue). Such places are marked
  ``# float order``. Integer sums and products of small integers are exact in any order.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from sim.codes import (
    ALLY,
    ARREST,
    ASSASSINATION,
    BACKGROUND,
    BUFFER_FULL,
    CIVILIAN,
    CLASH,
    COLLATERAL,
    DONE,
    FEDERAL,
    KIDNAP_MURDER,
    KIDNAPPING,
    L_ARRESTED,
    L_DESERTED,
    L_KILLED,
    L_MOVED,
    L_RECRUITED,
    LETHAL_TYPES,
    P_ALLY_SHIELDING,
    P_ARREST_RATE,
    P_ASSASSINATION_RATE,
    P_ASSASSINATION_SUCCESS,
    P_ATTACK_THRESHOLD,
    P_BOSS_REPLACEMENT_DAYS,
    P_CLASH_RATE,
    P_COLLAPSE_SHARE,
    P_CONTEST_SHARE,
    P_CORRUPTION_RATE,
    P_DESERTION_RATE,
    P_GRIEVANCE_WEIGHT,
    P_HIRE_COST,
    P_HIRE_LOYALTY,
    P_HIRE_MEMBERS,
    P_HIRE_RATE,
    P_INTEL_WEIGHT,
    P_KIDNAP_RATE,
    P_LEADER_REPLACEMENT_DAYS,
    P_LETHALITY,
    P_MAX_MEMBER_SHARE,
    P_MOVE_RATE,
    P_POLICE_FIREPOWER,
    P_POLICE_KILLED_PER_ARREST,
    P_RECRUIT_COST,
    P_RECRUIT_RATE,
    P_SPLIT_LOYALTY,
    P_SPLIT_PROBABILITY,
    P_TAKEOVER_SHARE,
    P_TURN_MARGIN,
    POLICE,
    POLICE_KILLED,
    S_ARREST,
    S_ASSASSINATION,
    S_BACKGROUND,
    S_BOSS,
    S_CLASH,
    S_CLASH_LOSS,
    S_COLLATERAL,
    S_CORRUPTION,
    S_DESERTION,
    S_HIRE,
    S_KIDNAP,
    S_KIDNAP_MURDER,
    S_MOVE,
    S_NATIONAL_ARREST,
    S_POLICE_KILLED,
    S_PURGE,
    S_RECRUIT,
    S_REPLENISH,
    S_SPLIT,
    S_VIA,
    S_VIA_CLASH,
    S_VIA_COLLATERAL,
    S_VIA_POLICE_KILLED,
    SPLIT,
    TRIGGER,
    UNKNOWN,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_NONE,
    VIA_POLICE,
    VIA_STATE,
    WAR,
)
from sim.codes import (
    P_ALLY_CONFLICT_FACTOR as P_ALLY_FACTOR,
)
from sim.codes import (
    P_ATTACK_MULTIPLIER as P_ATTACK_MULT,
)
from sim.codes import (
    P_BOSS_PROTECTION_PER_OFFICER as P_BOSS_PROTECTION,
)
from sim.codes import (
    P_BRIBE_PER_OFFICER_DAY as P_BRIBE_PRICE,
)
from sim.codes import (
    P_COLLATERAL_HALF_POPULATION as P_COLLATERAL_HALF_POP,
)
from sim.codes import (
    P_COLLATERAL_PER_CLASH as P_COLLATERAL,
)
from sim.codes import (
    P_FEDERAL_PURGE_RATE as P_PURGE_RATE,
)
from sim.codes import (
    P_GRIEVANCE_HALF_LIFE_DAYS as P_GRIEVANCE_HALF_LIFE,
)
from sim.codes import (
    P_INTEL_HALF_LIFE_DAYS as P_INTEL_HALF_LIFE,
)
from sim.codes import (
    P_INTEL_PER_KIDNAPPING as P_INTEL_PER_KIDNAP,
)
from sim.codes import (
    P_KIDNAP_MURDER_PROBABILITY as P_KIDNAP_MURDER,
)
from sim.codes import (
    P_LEADERLESS_VALUE_SHARE as P_LEADERLESS_VALUE,
)
from sim.codes import (
    P_LIEUTENANT_KILL_PROBABILITY as P_LIEUTENANT,
)
from sim.codes import (
    P_NATIONAL_ARRESTS_PER_DAY as P_NATIONAL_ARRESTS,
)
from sim.codes import (
    P_NEUTRAL_CONFLICT_FACTOR as P_NEUTRAL_FACTOR,
)
from sim.codes import (
    P_POLICE_REPLENISH_DAYS as P_REPLENISH_DAYS,
)
from sim.codes import (
    P_SATURATION_RATE as P_SATURATION,
)
from sim.rng import binomial, key, poisson, rate_to_prob, uniform
from sim.state import State

# ----------------------------------------------------------------------------- entities


@dataclass
class Org:
    row: int
    id: int
    active: bool
    treasury: float
    aggression: float
    wage: float
    bribe_share: float
    leader_alive: bool
    leader_days: float
    split_pending: bool
    parent: int
    n_splits: int
    ledger: list[int]  # recruited, killed, arrested, deserted, moved in (net)


@dataclass
class Cell:
    row: int
    id: int
    active: bool
    org: int
    plaza: int
    members: int
    firepower: float
    loyalty: float
    local: bool
    attack: bool
    intel: float


@dataclass
class Unit:
    row: int
    id: int
    active: bool
    plaza: int
    kind: int
    officers: int
    authorized: int
    integrity: float
    payroll: int
    payment: float
    effectiveness: float
    expires: int


@dataclass
class Plaza:
    row: int
    id: int
    population: int
    value: float
    background: float
    controller: int
    boss_alive: bool
    days_leaderless: float
    contested: bool
    share: float
    neighbours: list[int]


@dataclass
class Trigger:
    window: int
    op: int
    threshold: float
    region: list[int]
    blocked_until: int
    once: bool
    fired: bool
    hist: list[int]


@dataclass
class Side:
    """One organization's forces in one plaza (its cells with members, its payroll police)."""
    members: int = 0
    fire_cell: float = 0.0
    fire_local: float = 0.0
    fire_police: float = 0.0
    attacking: bool = False
    intel: float = 0.0
    officers: int = 0

    @property
    def fire(self) -> float:
        # float order: (cell + local) + police, as the kernel adds them
        return self.fire_cell + self.fire_local + self.fire_police


@dataclass
class TwinResult:
    """What one twin call returns, like the kernel's (t, reason, fired) plus its outputs."""
    t: int
    reason: int
    fired: int
    rows: list[tuple]  # violence rows (step, plaza, type, perpetrator, via, victim, count)
    records: dict[str, dict[int, np.ndarray]]  # dense name -> {step: row}
    tally: dict[str, int] = field(default_factory=dict)  # how often each rule acted


def pair_id(a_id: int, b_id: int) -> int:
    """Order-free stable id of a pair of stable ids."""
    return int(key(0, 0, 0, min(a_id, b_id), max(a_id, b_id))) >> 1


def second_id(x: int) -> int:
    """A second stable id derived from x (keys the via split of police killed in a clash)."""
    return int(key(0, S_POLICE_KILLED, 0, x, 0)) >> 1


def bernoulli(k: int, p: float) -> bool:
    return uniform(k, 0) < p


def compare(value: float, op: int, threshold: float) -> bool:
    """Trigger condition; op codes as in sim.state (0 >=, 1 >, 2 <=, 3 <, otherwise ==)."""
    if op == 0:
        return value >= threshold
    if op == 1:
        return value > threshold
    if op == 2:
        return value <= threshold
    if op == 3:
        return value < threshold
    return value == threshold


# ----------------------------------------------------------------------------- the world


class World:
    """The model state as Python objects, with the rules of one step as methods."""

    def __init__(self, state: State, prm, seed: int, dt: float):
        s = state
        self.prm = [float(x) for x in prm]
        self.seed = int(seed)
        self.dt = float(dt)
        self.tally: dict[str, int] = defaultdict(int)
        self.orgs = [
            Org(o, int(s.org_id[o]), bool(s.org_active[o]), float(s.org_treasury[o]),
                float(s.org_aggression[o]), float(s.org_wage[o]), float(s.org_bribe_share[o]),
                bool(s.org_leader_alive[o]), float(s.org_leader_days[o]),
                bool(s.org_split_pending[o]), int(s.org_parent[o]), int(s.org_n_splits[o]),
                [int(v) for v in s.ledger[o]])
            for o in range(len(s.org_id))
        ]
        self.relation = [[int(v) for v in row] for row in s.relation]
        self.intensity = [[float(v) for v in row] for row in s.intensity]
        self.grievance = [[float(v) for v in row] for row in s.grievance]  # [victim][perpetrator]
        self.cells = [
            Cell(c, int(s.cell_id[c]), bool(s.cell_active[c]), int(s.cell_org[c]),
                 int(s.cell_plaza[c]), int(s.cell_members[c]), float(s.cell_firepower[c]),
                 float(s.cell_loyalty[c]), bool(s.cell_local[c]), bool(s.cell_attack[c]),
                 float(s.cell_intel[c]))
            for c in range(len(s.cell_id))
        ]
        self.units = [
            Unit(u, int(s.unit_id[u]), bool(s.unit_active[u]), int(s.unit_plaza[u]),
                 int(s.unit_kind[u]), int(s.unit_officers[u]), int(s.unit_authorized[u]),
                 float(s.unit_integrity[u]), int(s.unit_payroll[u]), float(s.unit_payment[u]),
                 float(s.unit_effectiveness[u]), int(s.unit_expires[u]))
            for u in range(len(s.unit_id))
        ]
        self.plazas = [
            Plaza(p, int(s.plaza_id[p]), int(s.plaza_population[p]), float(s.plaza_value[p]),
                  float(s.plaza_background[p]), int(s.plaza_controller[p]),
                  bool(s.plaza_boss_alive[p]), float(s.plaza_days_leaderless[p]),
                  bool(s.plaza_contested[p]), float(s.plaza_share[p]),
                  [int(q) for q in s.nbr_idx[s.nbr_ptr[p]:s.nbr_ptr[p + 1]]])
            for p in range(len(s.plaza_id))
        ]
        self.triggers = [
            Trigger(int(s.trig_window[k]), int(s.trig_op[k]), float(s.trig_threshold[k]),
                    [p for p in range(len(s.plaza_id)) if s.trig_region[k, p]],
                    int(s.trig_blocked_until[k]), bool(s.trig_once[k]), bool(s.trig_fired[k]),
                    [int(v) for v in s.trig_hist[k]])
            for k in range(len(s.trig_window))
        ]
        self.rows: list[tuple] = []
        self.records: dict[str, dict[int, np.ndarray]] = defaultdict(dict)

    # ------------------------------------------------------------------ writing back
    def write_back(self, s: State) -> None:
        """Copy the objects back into the State's arrays (in place)."""
        for o in self.orgs:
            r = o.row
            s.org_id[r], s.org_active[r], s.org_treasury[r] = o.id, o.active, o.treasury
            s.org_aggression[r], s.org_wage[r], s.org_bribe_share[r] = (
                o.aggression, o.wage, o.bribe_share)
            s.org_leader_alive[r], s.org_leader_days[r] = o.leader_alive, o.leader_days
            s.org_split_pending[r], s.org_parent[r] = o.split_pending, o.parent
            s.org_n_splits[r] = o.n_splits
            s.ledger[r, :] = o.ledger
        s.relation[:, :] = self.relation
        s.intensity[:, :] = self.intensity
        s.grievance[:, :] = self.grievance
        for c in self.cells:
            r = c.row
            s.cell_id[r], s.cell_active[r], s.cell_org[r], s.cell_plaza[r] = (
                c.id, c.active, c.org, c.plaza)
            s.cell_members[r], s.cell_firepower[r], s.cell_loyalty[r] = (
                c.members, c.firepower, c.loyalty)
            s.cell_local[r], s.cell_attack[r], s.cell_intel[r] = c.local, c.attack, c.intel
        for u in self.units:
            r = u.row
            s.unit_id[r], s.unit_active[r], s.unit_plaza[r], s.unit_kind[r] = (
                u.id, u.active, u.plaza, u.kind)
            s.unit_officers[r], s.unit_authorized[r], s.unit_integrity[r] = (
                u.officers, u.authorized, u.integrity)
            s.unit_payroll[r], s.unit_payment[r] = u.payroll, u.payment
            s.unit_effectiveness[r], s.unit_expires[r] = u.effectiveness, u.expires
        for p in self.plazas:
            r = p.row
            s.plaza_controller[r], s.plaza_boss_alive[r] = p.controller, p.boss_alive
            s.plaza_days_leaderless[r], s.plaza_contested[r] = p.days_leaderless, p.contested
            s.plaza_share[r] = p.share
        for k, trig in enumerate(self.triggers):
            s.trig_blocked_until[k], s.trig_fired[k] = trig.blocked_until, trig.fired
            s.trig_hist[k, :] = trig.hist

    # ------------------------------------------------------------------ helpers
    def cells_by_plaza(self) -> dict[int, list[Cell]]:
        """Active cells of every plaza, ascending rows (zero-member cells included)."""
        out: dict[int, list[Cell]] = {p.row: [] for p in self.plazas}
        for c in self.cells:
            if c.active:
                out[c.plaza].append(c)
        return out

    def units_by_plaza(self) -> dict[int, list[Unit]]:
        out: dict[int, list[Unit]] = {p.row: [] for p in self.plazas}
        for u in self.units:
            if u.active:
                out[u.plaza].append(u)
        return out

    def forces(self, cells: list[Cell], units: list[Unit]) -> dict[int, Side]:
        """Each organization present (a cell with members) -> its Side; ascending rows."""
        sides: dict[int, Side] = {}
        for c in cells:  # float order: ascending cell rows
            if c.members <= 0:
                continue
            side = sides.setdefault(c.org, Side())
            side.members += c.members
            if c.local:
                side.fire_local += c.members * c.firepower
            else:
                side.fire_cell += c.members * c.firepower
            side.attacking = side.attacking or c.attack
            side.intel = max(side.intel, c.intel)
        for u in units:  # float order: ascending unit rows
            if u.payroll in sides:
                sides[u.payroll].officers += u.officers
                sides[u.payroll].fire_police += u.officers * self.prm[P_POLICE_FIREPOWER]
        return dict(sorted(sides.items()))

    def hostility(self, a: int, b: int) -> float:
        r = self.relation[a][b]
        if r == WAR:
            return self.intensity[a][b]
        if r == ALLY:
            return self.prm[P_ALLY_FACTOR]
        return self.prm[P_NEUTRAL_FACTOR]

    def alliance_weight(self, o: int) -> float:
        """The sum of o's alliance weights (intensities), in row order."""
        return sum(self.intensity[o][x] for x in range(len(self.orgs))
                   if x != o and self.relation[o][x] == ALLY)

    def density(self, plaza: Plaza) -> float:
        return plaza.population / (plaza.population + self.prm[P_COLLATERAL_HALF_POP])

    def record(self, t, plaza, typ, perp, via, victim, count) -> None:
        if count <= 0:
            return
        if LETHAL_TYPES[typ]:
            self.hom[plaza] += count
        if t >= 0:
            self.rows.append((t, plaza, typ, perp, via, victim, count))

    def record_by_via(self, t, plaza, typ, perp, victim, stream, x_id, y_id, n,
                      side: Side) -> None:
        """Split n acts among the perpetrator's cells, local cells and payroll police in
        proportion to their firepower: police ~ Binomial(n, f_police / f) keyed (stream,
        x_id, y_id) = k, local cells ~ Binomial(rest, f_local / (f_cell + f_local)) keyed
        (via, k >> 1, 0)."""
        n_cell, n_local, n_police = n, 0, 0
        total = side.fire_cell + side.fire_local + side.fire_police
        if n > 0 and total > 0.0:
            k = key(self.seed, stream, t, x_id, y_id)
            n_police = binomial(k, n, side.fire_police / total)
            n_cell = n - n_police
            if side.fire_cell + side.fire_local > 0.0:
                n_local = binomial(key(self.seed, S_VIA, t, int(k) >> 1, 0), n_cell,
                                   side.fire_local / (side.fire_cell + side.fire_local))
                n_cell -= n_local
        self.record(t, plaza, typ, perp, VIA_CELL, victim, n_cell)
        self.record(t, plaza, typ, perp, VIA_LOCAL_CELL, victim, n_local)
        self.record(t, plaza, typ, perp, VIA_POLICE, victim, n_police)

    # ------------------------------------------------------------------ 2. decisions
    def decide_postures(self) -> None:
        """Attack the controller d where (own + allies not allied to d) firepower over d's side
        (d and its allies, with payroll police) x (1 + aggression) x (1 + w_g G[a, d]) reaches
        the threshold; every cell of the attacker in the plaza attacks, others hold."""
        prm = self.prm
        for c in self.cells:
            c.attack = False
        cells, units = self.cells_by_plaza(), self.units_by_plaza()
        for plaza in self.plazas:
            d = plaza.controller
            if d < 0:
                continue
            sides = self.forces(cells[plaza.row], units[plaza.row])
            defence = 0.0
            for x, side in sides.items():  # float order: ascending organization rows
                if x == d or self.relation[d][x] == ALLY:
                    defence += side.fire
            for a in sides:
                if a == d or self.relation[a][d] != WAR:
                    continue
                own = 0.0
                for x, side in sides.items():  # float order: ascending organization rows
                    if x == a or (self.relation[a][x] == ALLY and self.relation[x][d] != ALLY):
                        own += side.fire
                score = own / max(defence, 1e-9) * (1.0 + self.orgs[a].aggression)
                score *= 1.0 + prm[P_GRIEVANCE_WEIGHT] * self.grievance[a][d]
                if score >= prm[P_ATTACK_THRESHOLD]:
                    for c in cells[plaza.row]:  # every active cell, even an empty one
                        if c.org == a:
                            c.attack = True

    def move_members(self, t: int) -> None:
        """A holding cell with 2+ members in an uncontested plaza sends Binomial(members - 1,
        p_move) members (key: move, cell id) to its organization's first attacking cell in
        the neighbouring plazas; the sizes at the start of the phase decide every move."""
        p_move = rate_to_prob(self.prm[P_MOVE_RATE], self.dt)
        if p_move <= 0.0:
            return
        cells = self.cells_by_plaza()
        moves = []
        for plaza in self.plazas:
            if plaza.contested:
                continue
            for c in cells[plaza.row]:
                if c.attack or c.members <= 1:
                    continue
                target = next((x for q in plaza.neighbours for x in cells[q]
                               if x.org == c.org and x.attack), None)
                if target is None:
                    continue
                n = binomial(key(self.seed, S_MOVE, t, c.id, 0), c.members - 1, p_move)
                moves.append((c, target, n))
        for c, target, n in moves:
            c.members -= n
            target.members += n
            self.tally["move"] += n

    def hire_cells(self, t: int) -> None:
        """Each (organization, enemy-held neighbouring plaza of one of its cells with members,
        where it has no cell) hires a local cell with probability p_hire (key: hire, org id,
        plaza id; the new cell's id is that key >> 1), if its treasury covers hire_cost and a
        spare row is free. Which cells look for neighbours, and where organizations already
        have cells, is read at the start of the phase; hires are paid in ascending order of
        the hiring organization's cell rows, then neighbour order."""
        prm = self.prm
        p_hire = rate_to_prob(prm[P_HIRE_RATE], self.dt)
        if p_hire <= 0.0:
            return
        scouts = [c for c in self.cells if c.active and c.members > 0]
        has = {(c.org, c.plaza) for c in self.cells if c.active}
        for c in scouts:
            org = self.orgs[c.org]
            for p in self.plazas[c.plaza].neighbours:
                d = self.plazas[p].controller
                if d < 0 or self.relation[org.row][d] != WAR or (org.row, p) in has:
                    continue
                if org.treasury < prm[P_HIRE_COST]:
                    continue
                spare = next((x for x in self.cells if not x.active and x.id == 0), None)
                if spare is None:
                    continue
                k = key(self.seed, S_HIRE, t, org.id, self.plazas[p].id)
                if not bernoulli(k, p_hire):
                    continue
                size = int(prm[P_HIRE_MEMBERS])
                spare.id, spare.active, spare.org, spare.plaza = int(k) >> 1, True, org.row, p
                spare.members, spare.firepower, spare.loyalty = size, 1.0, prm[P_HIRE_LOYALTY]
                spare.local, spare.attack, spare.intel = True, False, 0.0
                org.treasury -= prm[P_HIRE_COST]
                org.ledger[L_RECRUITED] += size
                has.add((org.row, p))
                self.tally["hire"] += 1

    # ------------------------------------------------------------------ 3. clashes (+5)
    def clashes(self, t: int) -> None:
        """Each hostile pair (a < b) present in a plaza: n ~ Poisson(rate dt) clashes (key:
        clash, plaza id, pair id); each member of x (and officer on x's payroll) dies with
        1 - exp(-n lethality F_y / people / shield_x); bystanders ~ Poisson(collateral n
        density), shared by firepower."""
        prm, seed = self.prm, self.seed
        cells, units = self.cells_by_plaza(), self.units_by_plaza()
        for plaza in self.plazas:
            here, cops_here = cells[plaza.row], units[plaza.row]
            sides = self.forces(here, cops_here)  # the start of this plaza's fighting
            orgs = list(sides)
            for i, a in enumerate(orgs):
                for b in orgs[i + 1:]:
                    h = self.hostility(a, b)
                    if h <= 0.0:
                        continue
                    A, B = sides[a], sides[b]
                    rate = prm[P_CLASH_RATE] * h * (
                        1.0 + self.orgs[a].aggression + self.orgs[b].aggression)
                    rate *= 1.0 + prm[P_GRIEVANCE_WEIGHT] * (
                        self.grievance[a][b] + self.grievance[b][a])
                    rate *= 1.0 + prm[P_INTEL_WEIGHT] * (A.intel + B.intel)
                    if A.attacking or B.attacking:
                        rate *= prm[P_ATTACK_MULT]
                    rate *= A.members + B.members
                    pid = pair_id(self.orgs[a].id, self.orgs[b].id)
                    fight = pair_id(pid, plaza.id)  # this pair's fight in this plaza
                    n = poisson(key(seed, S_CLASH, t, plaza.id, pid), rate * self.dt)
                    if n == 0:
                        continue
                    self.tally["clash"] += n
                    if self.relation[a][b] != WAR:
                        self.tally["clash_ally" if self.relation[a][b] == ALLY
                                   else "clash_neutral"] += n
                    people = A.members + B.members + A.officers + B.officers
                    for x, y, Y in ((a, b, B), (b, a, A)):
                        y_id = self.orgs[y].id
                        shield = 1.0
                        if prm[P_ALLY_SHIELDING] > 0.0:
                            shield = (1.0 + self.alliance_weight(x)) ** prm[P_ALLY_SHIELDING]
                            self.tally["shielded"] += shield > 1.0
                        q = -math.expm1(-n * prm[P_LETHALITY] * Y.fire / people / shield)
                        dead = 0
                        for c in here:  # each claim takes from what earlier pairs left
                            if c.org == x and c.members > 0:
                                d = binomial(key(seed, S_CLASH_LOSS, t, c.id, y_id), c.members, q)
                                c.members -= d
                                dead += d
                        cops = 0
                        for u in cops_here:
                            if u.payroll == x and u.officers > 0:
                                d = binomial(key(seed, S_POLICE_KILLED, t, u.id, y_id),
                                             u.officers, q)
                                u.officers -= d
                                cops += d
                        self.orgs[x].ledger[L_KILLED] += dead
                        self.kills[x, y] += dead
                        x_id = self.orgs[x].id
                        self.record_by_via(t, plaza.row, CLASH, y, x, S_VIA_CLASH, fight, x_id,
                                           dead, Y)
                        self.record_by_via(t, plaza.row, POLICE_KILLED, y, POLICE,
                                           S_VIA_POLICE_KILLED, fight, x_id, cops, Y)
                    mean = prm[P_COLLATERAL] * n * self.density(plaza)
                    bystanders = poisson(key(seed, S_COLLATERAL, t, plaza.id, pid), mean)
                    if bystanders > 0:
                        by_a = binomial(key(seed, S_COLLATERAL, t, pid, plaza.id), bystanders,
                                        A.fire / max(A.fire + B.fire, 1e-12))
                        for x, X, nx in ((a, A, by_a), (b, B, bystanders - by_a)):
                            self.record_by_via(t, plaza.row, COLLATERAL, x, CIVILIAN,
                                               S_VIA_COLLATERAL, fight, self.orgs[x].id, nx, X)

    # ------------------------------------------------------------------ 4. assassinations (+5)
    def assassinations(self, t: int) -> None:
        """Attackers at war with the controller d, ascending rows, try for d's boss; the first
        that succeeds kills the boss (and the lieutenant) in d's largest cell there."""
        prm, seed = self.prm, self.seed
        cells, units = self.cells_by_plaza(), self.units_by_plaza()
        for plaza in self.plazas:
            d = plaza.controller
            if d < 0 or not plaza.boss_alive:
                continue
            here = cells[plaza.row]
            sides = self.forces(here, units[plaza.row])
            if d not in sides:
                continue
            for a, A in sides.items():
                if self.relation[a][d] != WAR or not A.attacking:
                    continue
                rate = prm[P_ASSASSINATION_RATE] * (
                    1.0 + prm[P_GRIEVANCE_WEIGHT] * self.grievance[a][d])
                rate *= 1.0 + prm[P_INTEL_WEIGHT] * A.intel
                kk = key(seed, S_ASSASSINATION, t, plaza.id, self.orgs[a].id)
                if not bernoulli(kk, rate_to_prob(rate, self.dt)):
                    continue
                p_success = prm[P_ASSASSINATION_SUCCESS] * (
                    (1.0 - prm[P_BOSS_PROTECTION]) ** float(sides[d].officers))
                if uniform(kk, 1) >= p_success:
                    continue
                victims = 2 if uniform(kk, 2) < prm[P_LIEUTENANT] else 1
                best = None  # the largest of d's cells here; ties: the lowest row
                for c in here:
                    if c.org == d and (best is None or c.members > best.members):
                        best = c
                victims = min(victims, best.members)
                best.members -= victims
                self.orgs[d].ledger[L_KILLED] += victims
                self.kills[d, a] += victims
                u, total = uniform(kk, 3), A.fire
                if total <= 0.0 or u * total < A.fire_cell:
                    via = VIA_CELL
                elif u * total < A.fire_cell + A.fire_local:
                    via = VIA_LOCAL_CELL
                else:
                    via = VIA_POLICE
                self.record(t, plaza.row, ASSASSINATION, a, via, d, victims)
                mean = prm[P_COLLATERAL] * self.density(plaza)
                self.record(t, plaza.row, COLLATERAL, a, via, CIVILIAN,
                            poisson(key(seed, S_COLLATERAL, t, self.orgs[a].id, plaza.id), mean))
                plaza.boss_alive = False
                plaza.days_leaderless = 0.0
                self.tally["assassination"] += 1
                break

    # ------------------------------------------------------------------ 6. kidnappings
    def kidnappings(self, t: int) -> None:
        """Ordered hostile pairs (a, b), ascending: each member of b's cells is taken with
        rate_to_prob(kidnap_rate h (1 + w_g G[a, b]) M_a N_a / (N_a + N_b)) (sizes at the start
        of the plaza's phase), murdered with kidnap_murder_probability; each of a's cells in
        the plaza (an empty one too) gains intel_per_kidnapping per captive."""
        prm, seed = self.prm, self.seed
        cells = self.cells_by_plaza()
        for plaza in self.plazas:
            here = cells[plaza.row]
            size: dict[int, int] = {}
            attacking: dict[int, bool] = {}
            for c in here:
                if c.members > 0:
                    size[c.org] = size.get(c.org, 0) + c.members
                    attacking[c.org] = attacking.get(c.org, False) or c.attack
            present = sorted(size)
            for a in present:
                for b in present:
                    if a == b:
                        continue
                    h = self.hostility(a, b)
                    if h <= 0.0:
                        continue
                    rate = prm[P_KIDNAP_RATE] * h * (
                        1.0 + prm[P_GRIEVANCE_WEIGHT] * self.grievance[a][b])
                    if attacking[a]:
                        rate *= prm[P_ATTACK_MULT]
                    rate *= size[a] / (size[a] + size[b])
                    q = rate_to_prob(rate, self.dt)
                    a_id = self.orgs[a].id
                    taken = murdered = 0
                    for c in here:
                        if c.org != b or c.members <= 0:
                            continue
                        n = binomial(key(seed, S_KIDNAP, t, c.id, a_id), c.members, q)
                        dead = binomial(key(seed, S_KIDNAP_MURDER, t, c.id, a_id), n,
                                        prm[P_KIDNAP_MURDER])
                        c.members -= dead
                        taken += n
                        murdered += dead
                    if taken == 0:
                        continue
                    self.orgs[b].ledger[L_KILLED] += murdered
                    self.kills[b, a] += murdered
                    via = VIA_CELL
                    for c in here:
                        if c.org == a:
                            c.intel += prm[P_INTEL_PER_KIDNAP] * taken
                            if c.local:
                                via = VIA_LOCAL_CELL
                    self.record(t, plaza.row, KIDNAPPING, a, via, b, taken)
                    self.record(t, plaza.row, KIDNAP_MURDER, a, via, b, murdered)
                    self.tally["kidnapping"] += taken

    # ------------------------------------------------------------------ 7. policing
    def policing(self, t: int) -> None:
        """Each unit arrests members of every cell in its plaza but its patron's (key: arrest,
        cell id, unit id); arrests kill officers; national arrests; units replenished."""
        prm, seed = self.prm, self.seed
        cells, units = self.cells_by_plaza(), self.units_by_plaza()
        for plaza in self.plazas:
            for u in units[plaza.row]:
                q = rate_to_prob(prm[P_ARREST_RATE] * u.effectiveness * u.officers / 100.0,
                                 self.dt)
                if q <= 0.0:
                    continue
                for c in cells[plaza.row]:
                    if c.org == u.payroll or c.members <= 0:
                        continue
                    n = binomial(key(seed, S_ARREST, t, c.id, u.id), c.members, q)
                    if n == 0:
                        continue
                    c.members -= n
                    self.orgs[c.org].ledger[L_ARRESTED] += n
                    self.record(t, plaza.row, ARREST, POLICE, VIA_STATE, c.org, n)
                    cops = binomial(key(seed, S_POLICE_KILLED, t, c.id, u.id), n,
                                    prm[P_POLICE_KILLED_PER_ARREST])
                    cops = min(cops, u.officers)
                    u.officers -= cops
                    self.record(t, plaza.row, POLICE_KILLED, c.org,
                                VIA_LOCAL_CELL if c.local else VIA_CELL, POLICE, cops)
                    self.tally["arrest"] += n
        if prm[P_NATIONAL_ARRESTS] > 0.0:
            total = sum(c.members for c in self.cells if c.active)
            if total > 0:
                q = min(1.0, prm[P_NATIONAL_ARRESTS] * self.dt / total)
                for c in self.cells:
                    if not c.active or c.members <= 0:
                        continue
                    n = binomial(key(seed, S_NATIONAL_ARREST, t, c.id, 0), c.members, q)
                    c.members -= n
                    self.orgs[c.org].ledger[L_ARRESTED] += n
                    self.record(t, c.plaza, ARREST, POLICE, VIA_STATE, c.org, n)
                    self.tally["national_arrest"] += n
        q = rate_to_prob(1.0 / max(prm[P_REPLENISH_DAYS], 1e-9), self.dt)
        for u in self.units:
            short = u.authorized - u.officers
            if u.active and short > 0:
                u.officers += binomial(key(seed, S_REPLENISH, t, u.id, 0), short, q)

    # ------------------------------------------------------------------ 8. corruption
    def corruption(self, t: int) -> None:
        """A unit costs bribe_per_officer_day per officer (turn_margin times its pay to turn
        it); an organization with members in its plaza can buy it if bribe_share treasury / 30,
        less what it already pays police per day, covers the unit's daily price; of the offers the unit accepts, the largest budget wins
        (ties: lower row) and the unit is paid its price. Federal forces in a plaza purge its
        payroll units (and then no bribe is considered that step)."""
        prm, seed = self.prm, self.seed
        present = {(c.plaza, c.org) for c in self.cells if c.active and c.members > 0}
        federal = {u.plaza for u in self.units
                   if u.active and u.kind == FEDERAL and u.officers > 0}
        budget = {o.row: (o.bribe_share * max(o.treasury, 0.0) / 30.0 if o.active else 0.0)
                  for o in self.orgs}
        for u in self.units:  # float order: ascending unit rows
            if u.active and u.payroll >= 0:
                budget[u.payroll] -= u.payment * u.officers
        p_consider = rate_to_prob(prm[P_CORRUPTION_RATE], self.dt)
        p_purge = rate_to_prob(prm[P_PURGE_RATE], self.dt)
        for u in self.units:
            if not u.active or u.officers <= 0:
                continue
            if u.plaza in federal and u.kind != FEDERAL and u.payroll >= 0:
                if bernoulli(key(seed, S_PURGE, t, u.id, 0), p_purge):
                    u.payroll, u.payment = -1, 0.0
                    self.tally["purge"] += 1
                continue
            price = prm[P_TURN_MARGIN] * u.payment if u.payroll >= 0 else prm[P_BRIBE_PRICE]
            best = -1
            for o in self.orgs:
                if (u.plaza, o.row) not in present or o.row == u.payroll:
                    continue
                if budget[o.row] < price * u.officers:
                    continue
                p_accept = p_consider * (1.0 - u.integrity)
                if uniform(key(seed, S_CORRUPTION, t, u.id, o.id), 0) >= p_accept:
                    continue
                if best < 0 or budget[o.row] > budget[best]:
                    best = o.row
            if best >= 0:
                self.tally["turned" if u.payroll >= 0 else "bribed"] += 1
                u.payroll, u.payment = best, price

    # ------------------------------------------------------------------ 9. recruitment and money
    def economy(self, t: int) -> None:
        """Revenue; recruits ~ Poisson(recruit_rate members dt room) scaled down (floor) to what
        the treasury pays at recruit_cost; wages and police pay; an unpaid share f makes
        members desert at desertion_rate (1 - loyalty) f and payroll units quit with
        probability f; saturation: members leave at saturation_rate N_o."""
        prm, seed, dt = self.prm, self.seed, self.dt
        for plaza in self.plazas:  # float order: ascending plaza rows
            d = plaza.controller
            if d >= 0 and self.orgs[d].active:
                share = 1.0 if plaza.boss_alive else prm[P_LEADERLESS_VALUE]
                self.orgs[d].treasury += plaza.value * dt * share
        cells = self.cells_by_plaza()
        recruits: dict[int, int] = {}  # cell row -> recruits wanted
        wanted: dict[int, int] = defaultdict(int)  # organization row -> recruits wanted
        for plaza in self.plazas:
            here = cells[plaza.row]
            members = sum(c.members for c in here)
            capacity = prm[P_MAX_MEMBER_SHARE] * plaza.population
            room = 1.0 - members / capacity if capacity > 0.0 else 0.0
            if room <= 0.0:
                self.tally["recruit_full"] += 1
                continue
            for c in here:
                lam = prm[P_RECRUIT_RATE] * c.members * dt * room
                recruits[c.row] = poisson(key(seed, S_RECRUIT, t, c.id, 0), lam)
                wanted[c.org] += recruits[c.row]
        hired: dict[int, int] = defaultdict(int)
        for c in self.cells:
            n = recruits.get(c.row, 0)
            if n == 0:
                continue
            org = self.orgs[c.org]
            if prm[P_RECRUIT_COST] > 0.0:
                affordable = math.floor(max(org.treasury, 0.0) / prm[P_RECRUIT_COST])
                if affordable < wanted[org.row]:
                    n = math.floor(n * affordable / wanted[org.row])
                    self.tally["recruit_capped"] += 1
            c.members += n
            org.ledger[L_RECRUITED] += n
            hired[org.row] += n
        if prm[P_RECRUIT_COST] > 0.0:
            for o, n in wanted.items():
                if n > 0:
                    self.orgs[o].treasury -= hired[o] * prm[P_RECRUIT_COST]
        size: dict[int, int] = defaultdict(int)
        for c in self.cells:
            if c.active:
                size[c.org] += c.members
        bill = {o.row: o.wage * size[o.row] * dt for o in self.orgs}
        for u in self.units:  # float order: ascending unit rows
            if u.active and u.payroll >= 0:
                bill[u.payroll] += u.payment * u.officers * dt
        unpaid: dict[int, float] = defaultdict(float)
        for org in self.orgs:
            if bill[org.row] <= 0.0:
                continue
            if org.treasury >= bill[org.row]:
                org.treasury -= bill[org.row]
            else:
                unpaid[org.row] = 1.0 - max(org.treasury, 0.0) / bill[org.row]
                org.treasury = 0.0
                self.tally["unpaid"] += 1
        for c in self.cells:
            if not c.active or c.members <= 0:
                continue
            rate = prm[P_DESERTION_RATE] * (1.0 - c.loyalty) * unpaid[c.org]
            rate += prm[P_SATURATION] * size[c.org]
            if rate > 0.0:
                n = binomial(key(seed, S_DESERTION, t, c.id, 0), c.members,
                             rate_to_prob(rate, dt))
                c.members -= n
                self.orgs[c.org].ledger[L_DESERTED] += n
                self.tally["deserted"] += n
        for u in self.units:
            o = u.payroll
            if u.active and o >= 0 and unpaid[o] > 0.0:
                if bernoulli(key(seed, S_DESERTION, t, u.id, self.orgs[o].id), unpaid[o]):
                    u.payroll, u.payment = -1, 0.0
                    self.tally["police_quit"] += 1

    # ------------------------------------------------------------------ 10. control
    def control(self, t: int) -> None:
        """The strongest organization at war with the controller (any, if none) takes the plaza
        at takeover_share when the controller is leaderless or under collapse_share; contested
        while two at war each hold contest_share; a leaderless controller with strength there
        gets a boss with probability rate_to_prob(1 / boss_replacement_days)."""
        prm = self.prm
        p_boss = rate_to_prob(1.0 / max(prm[P_BOSS_REPLACEMENT_DAYS], 1e-9), self.dt)
        cells = self.cells_by_plaza()
        for plaza in self.plazas:
            strength: dict[int, float] = {}
            total = 0.0
            for c in cells[plaza.row]:  # float order: ascending cell rows
                if c.members <= 0:
                    continue
                s = c.members * c.firepower
                strength[c.org] = strength.get(c.org, 0.0) + s
                total += s
            present = sorted(strength)
            d = plaza.controller
            share_d = strength.get(d, 0.0) / total if d >= 0 and total > 0.0 else 0.0
            x = -1
            for o in present:
                if o != d and (d < 0 or self.relation[o][d] == WAR):
                    if x < 0 or strength[o] > strength[x]:
                        x = o
            # no armed strength in the plaza (every cell has firepower 0): no one takes it
            if x >= 0 and total > 0.0 and strength[x] / total >= prm[P_TAKEOVER_SHARE]:
                if d < 0 or not plaza.boss_alive or share_d < prm[P_COLLAPSE_SHARE]:
                    plaza.controller, plaza.boss_alive, plaza.days_leaderless = x, True, 0.0
                    d = x
                    self.tally["takeover"] += 1
            plaza.contested = any(
                self.relation[a][b] == WAR and total > 0.0
                and strength[a] >= prm[P_CONTEST_SHARE] * total
                and strength[b] >= prm[P_CONTEST_SHARE] * total
                for i, a in enumerate(present) for b in present[i + 1:])
            plaza.share = strength.get(d, 0.0) / total if d >= 0 and total > 0.0 else 0.0
            if d >= 0 and not plaza.boss_alive:
                plaza.days_leaderless += self.dt
                if strength.get(d, 0.0) > 0.0 and bernoulli(
                        key(self.seed, S_BOSS, t, plaza.id, 0), p_boss):
                    plaza.boss_alive, plaza.days_leaderless = True, 0.0

    # ------------------------------------------------------------------ 11, 12
    def grievance_and_intel(self) -> None:
        g = 0.5 ** (self.dt / max(self.prm[P_GRIEVANCE_HALF_LIFE], 1e-9))
        for a, row in enumerate(self.grievance):
            for b in range(len(row)):
                row[b] = row[b] * g + self.kills[a, b]
        f = 0.5 ** (self.dt / max(self.prm[P_INTEL_HALF_LIFE], 1e-9))
        for c in self.cells:
            c.intel *= f

    def background(self, t: int) -> None:
        for plaza in self.plazas:
            lam = plaza.background / 1e5 * plaza.population * self.dt / 365.25
            n = poisson(key(self.seed, S_BACKGROUND, t, plaza.id, 0), lam)
            self.record(t, plaza.row, BACKGROUND, UNKNOWN, VIA_NONE, CIVILIAN, n)

    # ------------------------------------------------------------------ 13. fragmentation
    def fragmentation(self, t: int) -> bool:
        """Leaders are replaced after leader_replacement_days; a pending removal splits the
        organization with split_probability (key: split, org id): the splinter (first unused
        organization row) takes the cells with loyalty below split_loyalty, the same share of
        the treasury, the parent's relations and aggression, and is at war with the parent."""
        prm = self.prm
        split = False
        for org in self.orgs:
            if not org.active:
                continue
            if not org.leader_alive:
                org.leader_days += self.dt
                if org.leader_days >= prm[P_LEADER_REPLACEMENT_DAYS]:
                    org.leader_alive, org.leader_days = True, 0.0
            if not org.split_pending:
                continue
            org.split_pending = False
            if not bernoulli(key(self.seed, S_SPLIT, t, org.id, 0), prm[P_SPLIT_PROBABILITY]):
                continue
            new = next((x for x in self.orgs if not x.active and x.id == 0), None)
            mine = [c for c in self.cells if c.active and c.org == org.row]
            leaving = [c for c in mine if c.loyalty < prm[P_SPLIT_LOYALTY]]
            total = sum(c.members for c in mine)
            taken = sum(c.members for c in leaving)
            if new is None or taken == 0:
                continue
            o, s = org.row, new.row
            org.n_splits += 1
            new.id = int(key(0, S_SPLIT, org.n_splits, org.id, 0)) >> 1
            new.active, new.parent = True, o
            moved_cash = org.treasury * taken / total
            new.treasury = moved_cash
            org.treasury -= moved_cash
            new.aggression, new.wage, new.bribe_share = org.aggression, org.wage, org.bribe_share
            new.leader_alive = True
            # The splinter inherits the parent's row and column of relations and intensities,
            # entry by entry in ascending order (this fixes what the unused diagonal entry
            # intensity[s][s] ends up holding), then is at war with its parent.
            R, I = self.relation, self.intensity
            for x in range(len(self.orgs)):
                R[s][x], R[x][s] = R[o][x], R[x][o]
                I[s][x], I[x][s] = I[o][x], I[x][o]
            R[s][s] = 0
            R[s][o] = R[o][s] = WAR
            I[s][o] = I[o][s] = 1.0
            for c in leaving:
                c.org = s
            org.ledger[L_MOVED] -= taken
            new.ledger[L_MOVED] += taken
            split = True
            self.tally["split"] += 1
        return split

    # ------------------------------------------------------------------ 14, 15
    def triggers_fire(self, t: int) -> int:
        fired = -1
        for k, trig in enumerate(self.triggers):
            trig.hist[t % trig.window] = sum(self.hom[p] for p in trig.region)
            if t < 0 or fired >= 0 or t < trig.blocked_until or (trig.once and trig.fired):
                continue
            window_total = float(sum(trig.hist[:trig.window]))
            if compare(window_total, trig.op, trig.threshold):
                trig.fired = True
                fired = k
        return fired

    def record_step(self, t: int) -> None:
        n_org = len(self.orgs)
        members, n_cells, plazas, payroll = [0] * n_org, [0] * n_org, [0] * n_org, [0] * n_org
        for c in self.cells:
            if c.active and c.members > 0:
                members[c.org] += c.members
                n_cells[c.org] += 1
        for u in self.units:
            if u.active and u.payroll >= 0:
                payroll[u.payroll] += u.officers
        for p in self.plazas:
            if p.controller >= 0:
                plazas[p.controller] += 1
        rec = self.records
        rec["rec_controller"][t] = np.array([p.controller for p in self.plazas], np.int64)
        rec["rec_contested"][t] = np.array([p.contested for p in self.plazas], np.bool_)
        rec["rec_share"][t] = np.array([p.share for p in self.plazas], np.float64)
        rec["rec_members"][t] = np.array(members, np.int64)
        rec["rec_cells"][t] = np.array(n_cells, np.int64)
        rec["rec_treasury"][t] = np.array([o.treasury for o in self.orgs], np.float64)
        rec["rec_plazas"][t] = np.array(plazas, np.int64)
        rec["rec_payroll"][t] = np.array(payroll, np.int64)
        rec["rec_leader"][t] = np.array([o.leader_alive for o in self.orgs], np.bool_)
        rec["rec_active"][t] = np.array([o.active for o in self.orgs], np.bool_)
        rec["rec_ledger"][t] = np.array([o.ledger for o in self.orgs], np.int64)

    # ------------------------------------------------------------------ one step
    def step(self, t: int) -> tuple[int, bool]:
        """Run step t; return (index of the trigger that fired or -1, whether a split happened)."""
        self.hom = [0] * len(self.plazas)
        self.kills: dict[tuple[int, int], int] = defaultdict(int)  # (victim, perpetrator)
        for u in self.units:  # 1. deployments whose time is up leave
            if u.active and u.expires >= 0 and t >= u.expires:
                u.active, u.officers = False, 0
        self.decide_postures()  # 2
        self.move_members(t)
        self.hire_cells(t)
        self.clashes(t)  # 3 + 5
        self.assassinations(t)  # 4 + 5
        self.kidnappings(t)  # 6
        self.policing(t)  # 7
        self.corruption(t)  # 8
        self.economy(t)  # 9
        self.control(t)  # 10
        self.grievance_and_intel()  # 11
        self.background(t)  # 12
        split = self.fragmentation(t)  # 13
        fired = self.triggers_fire(t)  # 14
        return fired, split


def advance_twin(state: State, prm, seed: int, t0: int, t1: int, dt: float,
                 row_reserve: int = 0, rows_free: int | None = None,
                 record_steps: int | None = None) -> TwinResult:
    """Run steps t0 .. t1-1 on ``state`` (mutated in place, like the kernel).

    Returns early, like the kernel, after a step where a trigger fired (TRIGGER, its index),
    an organization split (SPLIT) or fewer than ``row_reserve`` of ``rows_free`` violence
    rows are left (BUFFER_FULL). Dense records are kept for steps 0 <= t < record_steps
    (all steps >= 0 if None).
    """
    world = World(state, prm, seed, dt)
    t, reason, fired = int(t0), DONE, -1
    while t < t1:
        fired, split = world.step(t)
        if rows_free is not None and len(world.rows) > rows_free:
            raise RuntimeError("violence buffer overflow: raise the per-step row reserve")
        if t >= 0 and (record_steps is None or t < record_steps):
            world.record_step(t)
        t += 1
        if fired >= 0:
            reason = TRIGGER
            break
        if split:
            reason = SPLIT
            break
        if rows_free is not None and rows_free - len(world.rows) < row_reserve:
            reason = BUFFER_FULL
            break
    world.write_back(state)
    return TwinResult(t, reason, fired if reason == TRIGGER else -1, world.rows,
                      dict(world.records), dict(world.tally))
