"""cartel-sim written the plain Mesa way: the baseline of ``benchmarks/mesa_vs_model.py``.

``PureMesaModel(scenario, seed)`` simulates the same rules as ``sim.CartelModel`` without
arrays, numba or the compiled kernel: a ``mesa.Model`` with ``mesa.Agent`` subclasses
(:class:`Organization`, :class:`Cell`, :class:`PoliceUnit`, :class:`Plaza`) that hold their
state as ordinary Python fields and references to each other, one agent method per phase of
a step, called through Mesa's AgentSet API (``agents_by_type[Plaza].do("clashes", t)``),
dicts and lists for everything else, and violence, control and organization records kept in
a Counter and Python lists, turned into pandas DataFrames at the end
(:meth:`PureMesaModel.results`).
It is written the way a Mesa user would write the model from docs/model.md, as a fair
yardstick for the compiled model: no arrays, but no needless slowness either.

Same results, bit for bit. For the same scenario and seed its ``violence``, ``control`` and
``organizations`` tables equal those of ``sim.run(scenario, seed)`` exactly (tests/
test_pure_mesa.py; the benchmark checks it too), which is also what makes the timing
comparison fair: both do the same work. To get there it shares with the compiled model
exactly what the rules fix, and nothing else:

- the random draws: every draw is one of :mod:`sim.rng`'s keyed samplers with the kernel's
  key ``key(seed, stream, step, a, b)`` (streams from :mod:`sim.codes`, stable ids of the
  agents). By default the samplers are called as they are, compiled, from Python, as
  tests/twin.py does: a draw is a pure function of its key, so this is like calling a C
  random-number library, and it keeps the baseline fair (``draws="python"`` calls their
  ``.py_func`` instead, about 25 times slower per key: their wrapping 64-bit arithmetic is
  emulated with NumPy scalars);
- the order of competing claims: loops go over agents in the order of the compiled model's
  rows (each agent's ``row``: scenario order, then entering cells, then hired cells and
  splinters as they appear, federal units in the first free deployment slot), which is the
  documented tie-break (ascending organization, cell and unit rows);
- the order of floating-point operations (sums of firepower in ascending cell rows, of bribe
  budgets and police pay in ascending unit rows, each formula as the kernel writes it).

Initial conditions are built from the scenario directly, the way ``sim.state.build_state``
builds them (same stable ids: ``stable_id("org/<name>/0")`` and so on), without using
``build_state``; ``sim.state.enter_cell_id`` and ``sim.state.n_federal_slots`` give the ids
of entering cells and the number of deployment slots, and ``sim.events.schedule`` the order
of the scenario's events. Nothing here imports ``sim.kernel``, ``sim.mechanisms`` or
``sim.model``.

    import sim
    from pure_mesa import PureMesaModel        # with benchmarks/ on sys.path
    model = PureMesaModel(sim.load_scenario("scenarios/bcs_2014.toml"), seed=7)
    model.run(model.n_steps)
    model.results().violence
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

import mesa
import numpy as np
import pandas as pd
from mesa.agentset import AgentSet

from sim import rng
from sim.codes import (
    ACTOR_NAMES,
    ALLY,
    ASSASSINATION,
    BACKGROUND,
    CIVILIAN,
    CLASH,
    COLLATERAL,
    FEDERAL,
    KIDNAP_MURDER,
    KIDNAPPING,
    L_ARRESTED,
    L_DESERTED,
    L_KILLED,
    L_MOVED,
    L_RECRUITED,
    LETHAL_TYPES,
    NEUTRAL,
    PARAM_NAMES,
    POLICE,
    POLICE_KILLED,
    POLICE_KINDS,
    RELATION_CODES,
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
    TYPE_NAMES,
    UNKNOWN,
    VIA_CELL,
    VIA_LOCAL_CELL,
    VIA_NAMES,
    VIA_NONE,
    VIA_POLICE,
    VIA_STATE,
    WAR,
)
from sim.events import Scheduled, schedule
from sim.results import Results
from sim.rng import stable_id
from sim.scenario import Scenario, apply_parameter_event
from sim.state import enter_cell_id, n_federal_slots

ARREST = TYPE_NAMES.index("arrest")
LEDGER_SIZE = 5  # recruited, killed, arrested, deserted, moved in (net); sim.codes L_*
OPS = {">=": 0, ">": 1, "<=": 2, "<": 3, "==": 4}


def keyed_draws(python: bool = False) -> SimpleNamespace:
    """The samplers of :mod:`sim.rng`: compiled (called from Python), or their ``py_func``."""
    names = ("key", "uniform", "bernoulli", "binomial", "poisson", "rate_to_prob")
    return SimpleNamespace(
        **{n: getattr(rng, n).py_func if python else getattr(rng, n) for n in names})


def compare(value: float, op: int, threshold: float) -> bool:
    """A trigger's condition; op codes 0 >=, 1 >, 2 <=, 3 <, otherwise ==."""
    if op == 0:
        return value >= threshold
    if op == 1:
        return value > threshold
    if op == 2:
        return value <= threshold
    if op == 3:
        return value < threshold
    return value == threshold


@dataclass(slots=True)
class Side:
    """One organization's forces in one plaza: its cells with members, its payroll police."""

    members: int = 0
    fire_cell: float = 0.0  # firepower of its own (non-local) cells
    fire_local: float = 0.0  # of its hired local cells
    fire_police: float = 0.0  # of the police on its payroll there
    attacking: bool = False
    intel: float = 0.0  # the highest intelligence of its cells there
    officers: int = 0  # police on its payroll there

    @property
    def fire(self) -> float:
        return self.fire_cell + self.fire_local + self.fire_police


@dataclass(slots=True)
class Trigger:
    """A scenario trigger: homicides in a region over a window of steps against a threshold."""

    index: int
    spec: object  # the sim.scenario.Trigger
    window: int
    op: int
    threshold: float
    region: list  # Plaza agents
    hist: list  # homicides per step in the region, a ring buffer of `window` steps
    blocked_until: int = -1
    fired: bool = False


# ----------------------------------------------------------------------------- agents


class Organization(mesa.Agent):
    """A cartel. Relations, intensities and grievances are dicts keyed by the other
    organization (absent: neutral, intensity 1, no grievance)."""

    def __init__(self, model, row, name, uid, treasury, aggression, wage, bribe_share,
                 leader_alive=True, parent=None):
        super().__init__(model)
        self.row = row  # position in the compiled model's arrays: the tie-break order
        self.name = name
        self.id = uid  # stable id, keys the random draws
        self.treasury = treasury
        self.aggression = aggression
        self.wage = wage
        self.bribe_share = bribe_share
        self.leader_alive = leader_alive
        self.leader_days = 0.0
        self.split_pending = False
        self.parent = parent
        self.n_splits = 0
        self.relation: dict[Organization, int] = {}
        self.intensity: dict[Organization, float] = {}
        self.grievance: dict[Organization, float] = {}  # perpetrator -> deaths, decaying
        self.killed_by: Counter = Counter()  # perpetrator -> deaths this step
        self.ledger = [0] * LEDGER_SIZE
        # the books of one step (phases 8 and 9)
        self.bribe_budget = 0.0
        self.wanted = 0
        self.hired = 0
        self.size = 0
        self.bill = 0.0
        self.unpaid = 0.0

    def hostility(self, other: Organization) -> float:
        """Clash-rate factor of the pair: the intensity at war, else the neutral/ally factor."""
        r = self.relation.get(other, NEUTRAL)
        if r == WAR:
            return self.intensity.get(other, 1.0)
        if r == ALLY:
            return self.model.p.ally_conflict_factor
        return self.model.p.neutral_conflict_factor

    def alliance_weight(self) -> float:
        """The sum of this organization's alliance weights (intensities), in row order."""
        allies = sorted((o for o, r in self.relation.items() if r == ALLY), key=lambda o: o.row)
        return sum(self.intensity.get(o, 1.0) for o in allies)

    # phase 8
    def open_bribe_budget(self) -> None:
        self.bribe_budget = self.bribe_share * max(self.treasury, 0.0) / 30.0

    # phase 9
    def open_books(self) -> None:
        self.wanted = self.hired = self.size = 0

    def pay_recruits(self) -> None:
        cost = self.model.p.recruit_cost
        if self.wanted > 0 and cost > 0.0:
            self.treasury -= self.hired * cost

    def open_bill(self) -> None:
        self.bill = self.wage * self.size * self.model.dt

    def pay_bill(self) -> None:
        self.unpaid = 0.0
        if self.bill <= 0.0:
            return
        if self.treasury >= self.bill:
            self.treasury -= self.bill
        else:
            self.unpaid = 1.0 - max(self.treasury, 0.0) / self.bill
            self.treasury = 0.0

    # phase 11
    def remember_killings(self, decay: float) -> None:
        for perp in set(self.grievance) | set(self.killed_by):
            self.grievance[perp] = self.grievance.get(perp, 0.0) * decay + self.killed_by[perp]
        self.killed_by.clear()

    # phase 13
    def replace_leader_or_split(self, t: int) -> None:
        """Leaders are replaced after leader_replacement_days; a pending removal splits the
        organization with split_probability: the cells below split_loyalty leave, with the
        same share of the treasury, and form a splinter at war with this organization."""
        model, p = self.model, self.model.p
        if not self.leader_alive:
            self.leader_days += model.dt
            if self.leader_days >= p.leader_replacement_days:
                self.leader_alive, self.leader_days = True, 0.0
        if not self.split_pending:
            return
        self.split_pending = False
        draw = model.draw
        if not draw.bernoulli(draw.key(model.seed, S_SPLIT, t, self.id, 0),
                              p.split_probability):
            return
        mine = [c for c in model.in_row_order(Cell) if c.org is self]
        leaving = [c for c in mine if c.loyalty < p.split_loyalty]
        total = sum(c.members for c in mine)
        taken = sum(c.members for c in leaving)
        if model.spare_organizations <= 0 or taken == 0:
            return
        model.spare_organizations -= 1
        self.n_splits += 1
        splinter = Organization(
            model, len(model.organizations), f"{self.name} splinter {self.n_splits}",
            int(draw.key(0, S_SPLIT, self.n_splits, self.id, 0)) >> 1,
            0.0, self.aggression, self.wage, self.bribe_share, parent=self)
        model.organizations.append(splinter)
        moved_cash = self.treasury * taken / total
        splinter.treasury = moved_cash
        self.treasury -= moved_cash
        for other in model.organizations:  # the splinter inherits this one's relations
            if other is not self and other is not splinter:
                splinter.relation[other] = other.relation[splinter] = self.relation.get(
                    other, NEUTRAL)
                splinter.intensity[other] = other.intensity[splinter] = self.intensity.get(
                    other, 1.0)
        splinter.relation[self] = self.relation[splinter] = WAR
        splinter.intensity[self] = self.intensity[splinter] = 1.0
        for c in leaving:
            c.org = splinter
        self.ledger[L_MOVED] -= taken
        splinter.ledger[L_MOVED] += taken

    def __repr__(self) -> str:
        return f"Organization({self.name!r})"


class Cell(mesa.Agent):
    """A local armed group of one organization in one plaza."""

    def __init__(self, model, row, uid, org, plaza, members, firepower, loyalty, local):
        super().__init__(model)
        self.row = row
        self.id = uid
        self.org = org
        self.plaza = plaza
        self.members = members
        self.firepower = firepower
        self.loyalty = loyalty
        self.local = local
        self.attack = False  # posture: attack, else hold
        self.intel = 0.0
        self.recruits = 0  # this step's (phase 9)
        plaza.add_cell(self)

    # phase 2
    def plan_move(self, t: int, p_move: float) -> None:
        """A holding cell with 2+ members in an uncontested plaza sends Binomial(members - 1,
        p_move) members to its organization's first attacking cell next door."""
        if self.plaza.contested or self.attack or self.members <= 1:
            return
        target = next((x for q in self.plaza.neighbours for x in q.cells
                       if x.org is self.org and x.attack), None)
        if target is None:
            return
        model = self.model
        n = model.draw.binomial(model.draw.key(model.seed, S_MOVE, t, self.id, 0),
                                self.members - 1, p_move)
        model.moves.append((self, target, n))

    def hire_nearby(self, t: int, p_hire: float) -> None:
        """Hire a local cell in each enemy-held neighbouring plaza where the organization has
        no cell yet, with probability p_hire, if it can pay hire_cost and a cell is spare."""
        model, org = self.model, self.org
        draw = model.draw
        for plaza in self.plaza.neighbours:
            d = plaza.controller
            if d is None or org.relation.get(d) != WAR or plaza.has_cell_of(org):
                continue
            if org.treasury < model.p.hire_cost or model.spare_cells <= 0:
                continue
            k = draw.key(model.seed, S_HIRE, t, org.id, plaza.id)
            if draw.bernoulli(k, p_hire):
                model.hire_cell(org, plaza, int(k) >> 1)

    # phase 7
    def national_arrests(self, t: int, q: float) -> None:
        if self.members <= 0:
            return
        model = self.model
        n = model.draw.binomial(model.draw.key(model.seed, S_NATIONAL_ARREST, t, self.id, 0),
                                self.members, q)
        self.members -= n
        self.org.ledger[L_ARRESTED] += n
        model.record(t, self.plaza, ARREST, POLICE, VIA_STATE, self.org.row, n)

    # phase 9
    def take_recruits(self) -> None:
        """Recruits drawn by the plaza, cut pro rata (floor) to what the treasury can pay."""
        n = self.recruits
        if n == 0:
            return
        org, cost = self.org, self.model.p.recruit_cost
        if cost > 0.0:
            affordable = float(math.floor(max(org.treasury, 0.0) / cost))
            if affordable < org.wanted:
                n = self.recruits = math.floor(n * affordable / org.wanted)
        self.members += n
        org.ledger[L_RECRUITED] += n
        org.hired += n

    def count_for_organization(self) -> None:
        self.org.size += self.members

    def desert(self, t: int) -> None:
        """Unpaid members desert at desertion_rate (1 - loyalty) f; saturation_rate N_o."""
        if self.members <= 0:
            return
        model, org = self.model, self.org
        rate = model.p.desertion_rate * (1.0 - self.loyalty) * org.unpaid
        rate += model.p.saturation_rate * org.size
        if rate > 0.0:
            draw = model.draw
            n = draw.binomial(draw.key(model.seed, S_DESERTION, t, self.id, 0), self.members,
                              draw.rate_to_prob(rate, model.dt))
            self.members -= n
            org.ledger[L_DESERTED] += n

    # phase 11
    def forget_intel(self, decay: float) -> None:
        self.intel *= decay

    def __repr__(self) -> str:
        return f"Cell({self.org.name!r} in {self.plaza.name!r}, members={self.members})"


class PoliceUnit(mesa.Agent):
    """Municipal, state or federal police in one plaza; ``payroll`` is its patron or None."""

    def __init__(self, model, row, uid, plaza, kind, officers, integrity, payroll, payment,
                 effectiveness, expires=-1):
        super().__init__(model)
        self.row = row
        self.id = uid
        self.plaza = plaza
        self.kind = kind
        self.officers = officers
        self.authorized = officers
        self.integrity = integrity
        self.payroll = payroll
        self.payment = payment  # pesos per officer per day from the patron
        self.effectiveness = effectiveness
        self.expires = expires  # step at which a deployment leaves; -1: never
        plaza.add_unit(self)

    # phase 1
    def leave_if_due(self, t: int) -> None:
        if self.expires >= 0 and t >= self.expires:
            self.model.withdraw(self)

    # phase 7
    def replenish(self, t: int, q: float) -> None:
        short = self.authorized - self.officers
        if short > 0:
            model = self.model
            self.officers += model.draw.binomial(
                model.draw.key(model.seed, S_REPLENISH, t, self.id, 0), short, q)

    # phase 8
    def charge_patron_budget(self) -> None:
        if self.payroll is not None:
            self.payroll.bribe_budget -= self.payment * self.officers

    def consider_bribes(self, t: int, p_consider: float, p_purge: float, present: set,
                        federal: set) -> None:
        """Purged if federal forces are here; else the best-funded accepted offer wins."""
        if self.officers <= 0:
            return
        model = self.model
        draw = model.draw
        if self.plaza in federal and self.kind != FEDERAL and self.payroll is not None:
            if draw.bernoulli(draw.key(model.seed, S_PURGE, t, self.id, 0), p_purge):
                self.payroll, self.payment = None, 0.0
            return
        if self.payroll is None:
            price = model.p.bribe_per_officer_day
        else:
            price = model.p.turn_margin * self.payment
        p_accept = p_consider * (1.0 - self.integrity)
        best = None
        for org in model.organizations:
            if (self.plaza, org) not in present or org is self.payroll:
                continue
            if org.bribe_budget < price * self.officers:
                continue
            if draw.uniform(draw.key(model.seed, S_CORRUPTION, t, self.id, org.id), 0) \
                    >= p_accept:
                continue
            if best is None or org.bribe_budget > best.bribe_budget:
                best = org
        if best is not None:
            self.payroll, self.payment = best, price

    # phase 9
    def add_to_patron_bill(self) -> None:
        if self.payroll is not None:
            self.payroll.bill += self.payment * self.officers * self.model.dt

    def quit_if_unpaid(self, t: int) -> None:
        o = self.payroll
        if o is not None and o.unpaid > 0.0:
            model = self.model
            if model.draw.bernoulli(model.draw.key(model.seed, S_DESERTION, t, self.id, o.id),
                                    o.unpaid):
                self.payroll, self.payment = None, 0.0

    def __repr__(self) -> str:
        return f"PoliceUnit({POLICE_KINDS[self.kind]} in {self.plaza.name!r})"


class Plaza(mesa.Agent):
    """A town on the trafficking network; most phases are fought out plaza by plaza."""

    def __init__(self, model, row, name, uid, population, value, background, controller,
                 boss_alive):
        super().__init__(model)
        self.row = row
        self.name = name
        self.id = uid
        self.population = population
        self.value = value
        self.background = background  # homicides per 100,000 people per year
        self.controller = controller
        self.boss_alive = boss_alive
        self.days_leaderless = 0.0
        self.contested = False
        self.share = 0.0  # the controller's share of armed strength
        self.neighbours: list[Plaza] = []
        self.cells: list[Cell] = []  # ascending rows
        self.units: list[PoliceUnit] = []  # ascending rows
        self.homicides = 0  # this step's, for the triggers

    def add_cell(self, cell: Cell) -> None:
        bisect.insort(self.cells, cell, key=lambda c: c.row)

    def add_unit(self, unit: PoliceUnit) -> None:
        bisect.insort(self.units, unit, key=lambda u: u.row)

    def has_cell_of(self, org: Organization) -> bool:
        return any(c.org is org for c in self.cells)

    def density(self) -> float:
        """Bystander exposure, 0-1."""
        return self.population / (self.population + self.model.p.collateral_half_population)

    def forces(self) -> dict[Organization, Side]:
        """Each organization with members here -> its Side, in ascending organization rows."""
        sides: dict[Organization, Side] = {}
        for c in self.cells:
            if c.members <= 0:
                continue
            side = sides.get(c.org)
            if side is None:
                side = sides[c.org] = Side()
            side.members += c.members
            if c.local:
                side.fire_local += c.members * c.firepower
            else:
                side.fire_cell += c.members * c.firepower
            if c.attack:
                side.attacking = True
            side.intel = max(side.intel, c.intel)
        police_firepower = self.model.p.police_firepower
        for u in self.units:
            side = sides.get(u.payroll)
            if side is not None:
                side.officers += u.officers
                side.fire_police += u.officers * police_firepower
        return dict(sorted(sides.items(), key=lambda item: item[0].row))

    def record_by_via(self, t, typ, perp, victim, stream, x_id, y_id, n, side: Side) -> None:
        """Split n acts among the perpetrator's cells, local cells and payroll police by their
        firepower (keyed draws) and record them."""
        n_cell, n_local, n_police = n, 0, 0
        total = side.fire_cell + side.fire_local + side.fire_police
        if n > 0 and total > 0.0:
            model = self.model
            draw = model.draw
            k = draw.key(model.seed, stream, t, x_id, y_id)
            n_police = draw.binomial(k, n, side.fire_police / total)
            n_cell = n - n_police
            if side.fire_cell + side.fire_local > 0.0:
                n_local = draw.binomial(draw.key(model.seed, S_VIA, t, int(k) >> 1, 0), n_cell,
                                        side.fire_local / (side.fire_cell + side.fire_local))
                n_cell -= n_local
        record = self.model.record
        record(t, self, typ, perp, VIA_CELL, victim, n_cell)
        record(t, self, typ, perp, VIA_LOCAL_CELL, victim, n_local)
        record(t, self, typ, perp, VIA_POLICE, victim, n_police)

    # phase 2
    def decide_postures(self) -> None:
        """Every cell of an organization at war with the controller attacks here when its side
        (own and allied firepower) out-guns the controller's enough; others hold."""
        d = self.controller
        if d is None:
            return
        p = self.model.p
        sides = self.forces()
        defence = 0.0
        for x, side in sides.items():
            if x is d or d.relation.get(x) == ALLY:
                defence += side.fire
        for a in sides:
            if a is d or a.relation.get(d) != WAR:
                continue
            own = 0.0
            for x, side in sides.items():
                if x is a or (a.relation.get(x) == ALLY and x.relation.get(d) != ALLY):
                    own += side.fire
            score = own / max(defence, 1e-9) * (1.0 + a.aggression)
            score *= 1.0 + p.grievance_weight * a.grievance.get(d, 0.0)
            if score >= p.attack_threshold:
                for c in self.cells:
                    if c.org is a:
                        c.attack = True

    # phase 3 (+5)
    def clashes(self, t: int) -> None:
        """Each hostile pair present meets Poisson(rate dt) times; members and payroll police
        die by the enemy's firepower; bystanders are drawn for the clashes."""
        model, p, dt = self.model, self.model.p, self.model.dt
        seed, draw = model.seed, model.draw
        key, binomial, poisson = draw.key, draw.binomial, draw.poisson
        sides = self.forces()  # the forces at the start of this plaza's fighting
        orgs = list(sides)
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                h = a.hostility(b)
                if h <= 0.0:
                    continue
                A, B = sides[a], sides[b]
                rate = p.clash_rate * h * (1.0 + a.aggression + b.aggression)
                rate *= 1.0 + p.grievance_weight * (a.grievance.get(b, 0.0)
                                                    + b.grievance.get(a, 0.0))
                rate *= 1.0 + p.intel_weight * (A.intel + B.intel)
                if A.attacking or B.attacking:
                    rate *= p.attack_multiplier
                rate *= A.members + B.members
                pid = model.pair_id(a.id, b.id)
                fight = model.pair_id(pid, self.id)  # this pair's fight in this plaza
                n = poisson(key(seed, S_CLASH, t, self.id, pid), rate * dt)
                if n == 0:
                    continue
                people = A.members + B.members + A.officers + B.officers
                for x, y, Y in ((a, b, B), (b, a, A)):
                    shield = 1.0
                    if p.ally_shielding > 0.0:
                        shield = (1.0 + x.alliance_weight()) ** p.ally_shielding
                    q = -math.expm1(-n * p.lethality * Y.fire / people / shield)
                    dead = 0
                    for c in self.cells:
                        if c.org is x and c.members > 0:
                            k = binomial(key(seed, S_CLASH_LOSS, t, c.id, y.id), c.members, q)
                            c.members -= k
                            dead += k
                    cops = 0
                    for u in self.units:
                        if u.payroll is x and u.officers > 0:
                            k = binomial(key(seed, S_POLICE_KILLED, t, u.id, y.id), u.officers, q)
                            u.officers -= k
                            cops += k
                    x.ledger[L_KILLED] += dead
                    x.killed_by[y] += dead
                    self.record_by_via(t, CLASH, y.row, x.row, S_VIA_CLASH, fight, x.id, dead, Y)
                    self.record_by_via(t, POLICE_KILLED, y.row, POLICE, S_VIA_POLICE_KILLED,
                                       fight, x.id, cops, Y)
                mean = p.collateral_per_clash * n * self.density()
                bystanders = poisson(key(seed, S_COLLATERAL, t, self.id, pid), mean)
                if bystanders > 0:
                    by_a = binomial(key(seed, S_COLLATERAL, t, pid, self.id), bystanders,
                                    A.fire / max(A.fire + B.fire, 1e-12))
                    for x, X, nx in ((a, A, by_a), (b, B, bystanders - by_a)):
                        self.record_by_via(t, COLLATERAL, x.row, CIVILIAN, S_VIA_COLLATERAL,
                                           fight, x.id, nx, X)

    # phase 4 (+5)
    def assassinations(self, t: int) -> None:
        """Attacking enemies of the controller try for its boss (ascending rows); the first to
        succeed kills the boss, maybe the lieutenant, in the controller's largest cell here."""
        d = self.controller
        if d is None or not self.boss_alive:
            return
        sides = self.forces()
        if d not in sides:
            return
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        for a, A in sides.items():
            if a.relation.get(d) != WAR or not A.attacking:
                continue
            rate = p.assassination_rate * (1.0 + p.grievance_weight * a.grievance.get(d, 0.0))
            rate *= 1.0 + p.intel_weight * A.intel
            kk = draw.key(seed, S_ASSASSINATION, t, self.id, a.id)
            if not draw.bernoulli(kk, draw.rate_to_prob(rate, model.dt)):
                continue
            p_success = p.assassination_success
            p_success *= (1.0 - p.boss_protection_per_officer) ** float(sides[d].officers)
            if draw.uniform(kk, 1) >= p_success:
                continue
            victims = 2 if draw.uniform(kk, 2) < p.lieutenant_kill_probability else 1
            best = None  # the controller's largest cell here; ties: the lowest row
            for c in self.cells:
                if c.org is d and (best is None or c.members > best.members):
                    best = c
            victims = min(victims, best.members)
            best.members -= victims
            d.ledger[L_KILLED] += victims
            d.killed_by[a] += victims
            u, total = draw.uniform(kk, 3), A.fire
            if total <= 0.0 or u * total < A.fire_cell:
                via = VIA_CELL
            elif u * total < A.fire_cell + A.fire_local:
                via = VIA_LOCAL_CELL
            else:
                via = VIA_POLICE
            model.record(t, self, ASSASSINATION, a.row, via, d.row, victims)
            mean = p.collateral_per_clash * self.density()
            model.record(t, self, COLLATERAL, a.row, via, CIVILIAN,
                         draw.poisson(draw.key(seed, S_COLLATERAL, t, a.id, self.id), mean))
            self.boss_alive = False
            self.days_leaderless = 0.0
            break

    # phase 6
    def kidnappings(self, t: int) -> None:
        """Each ordered hostile pair (a, b): a abducts b's members, murders some; a's cells
        here gain intelligence per captive."""
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        key, binomial = draw.key, draw.binomial
        size: dict[Organization, int] = {}
        attacking: dict[Organization, bool] = {}
        for c in self.cells:
            if c.members > 0:
                size[c.org] = size.get(c.org, 0) + c.members
                attacking[c.org] = attacking.get(c.org, False) or c.attack
        present = sorted(size, key=lambda o: o.row)
        for a in present:
            for b in present:
                if a is b:
                    continue
                h = a.hostility(b)
                if h <= 0.0:
                    continue
                rate = p.kidnap_rate * h * (1.0 + p.grievance_weight * a.grievance.get(b, 0.0))
                if attacking[a]:
                    rate *= p.attack_multiplier
                rate *= size[a] / (size[a] + size[b])
                q = draw.rate_to_prob(rate, model.dt)
                taken = murdered = 0
                for c in self.cells:
                    if c.org is not b or c.members <= 0:
                        continue
                    n = binomial(key(seed, S_KIDNAP, t, c.id, a.id), c.members, q)
                    dead = binomial(key(seed, S_KIDNAP_MURDER, t, c.id, a.id), n,
                                    p.kidnap_murder_probability)
                    c.members -= dead
                    taken += n
                    murdered += dead
                if taken == 0:
                    continue
                b.ledger[L_KILLED] += murdered
                b.killed_by[a] += murdered
                via = VIA_CELL
                for c in self.cells:
                    if c.org is a:
                        c.intel += p.intel_per_kidnapping * taken
                        if c.local:
                            via = VIA_LOCAL_CELL
                model.record(t, self, KIDNAPPING, a.row, via, b.row, taken)
                model.record(t, self, KIDNAP_MURDER, a.row, via, b.row, murdered)

    # phase 7
    def arrests(self, t: int) -> None:
        """Each unit arrests members of every cell here but its patron's; arrests kill some
        officers."""
        model, p = self.model, self.model.p
        seed, draw = model.seed, model.draw
        key, binomial = draw.key, draw.binomial
        for u in self.units:
            q = draw.rate_to_prob(p.arrest_rate * u.effectiveness * u.officers / 100.0,
                                  model.dt)
            if q <= 0.0:
                continue
            for c in self.cells:
                if c.org is u.payroll or c.members <= 0:
                    continue
                n = binomial(key(seed, S_ARREST, t, c.id, u.id), c.members, q)
                if n == 0:
                    continue
                c.members -= n
                c.org.ledger[L_ARRESTED] += n
                model.record(t, self, ARREST, POLICE, VIA_STATE, c.org.row, n)
                cops = binomial(key(seed, S_POLICE_KILLED, t, c.id, u.id), n,
                                p.police_killed_per_arrest)
                cops = min(cops, u.officers)
                u.officers -= cops
                model.record(t, self, POLICE_KILLED, c.org.row,
                             VIA_LOCAL_CELL if c.local else VIA_CELL, POLICE, cops)

    # phase 9
    def pay_controller(self) -> None:
        d = self.controller
        if d is not None:
            share = 1.0 if self.boss_alive else self.model.p.leaderless_value_share
            d.treasury += self.value * self.model.dt * share

    def draw_recruits(self, t: int) -> None:
        """Recruits per cell ~ Poisson(recruit_rate members dt room), room the share of the
        plaza's member capacity still free."""
        model, p = self.model, self.model.p
        members = sum(c.members for c in self.cells)
        capacity = p.max_member_share * self.population
        room = 1.0 - members / capacity if capacity > 0.0 else 0.0
        for c in self.cells:
            c.recruits = 0
            if room > 0.0:
                lam = p.recruit_rate * c.members * model.dt * room
                c.recruits = model.draw.poisson(
                    model.draw.key(model.seed, S_RECRUIT, t, c.id, 0), lam)
                c.org.wanted += c.recruits

    # phase 10
    def control(self, t: int, p_boss: float) -> None:
        """The strongest enemy of the controller (anyone, if none) takes the plaza at
        takeover_share when the controller is leaderless or below collapse_share; contested
        while two at war each hold contest_share; a leaderless controller may get a boss."""
        model, p = self.model, self.model.p
        strength: dict[Organization, float] = {}
        total = 0.0
        for c in self.cells:
            if c.members <= 0:
                continue
            s = c.members * c.firepower
            strength[c.org] = strength.get(c.org, 0.0) + s
            total += s
        present = sorted(strength, key=lambda o: o.row)
        d = self.controller
        share_d = strength.get(d, 0.0) / total if d is not None and total > 0.0 else 0.0
        x = None
        for o in present:
            if o is not d and (d is None or o.relation.get(d) == WAR):
                if x is None or strength[o] > strength[x]:
                    x = o
        if x is not None and total > 0.0 and strength[x] / total >= p.takeover_share:
            if d is None or not self.boss_alive or share_d < p.collapse_share:
                self.controller, self.boss_alive, self.days_leaderless = x, True, 0.0
                d = x
        floor = p.contest_share * total
        self.contested = total > 0.0 and any(
            a.relation.get(b) == WAR and strength[a] >= floor and strength[b] >= floor
            for i, a in enumerate(present) for b in present[i + 1:])
        self.share = strength.get(d, 0.0) / total if d is not None and total > 0.0 else 0.0
        if d is not None and not self.boss_alive:
            self.days_leaderless += model.dt
            if strength.get(d, 0.0) > 0.0 and model.draw.bernoulli(
                    model.draw.key(model.seed, S_BOSS, t, self.id, 0), p_boss):
                self.boss_alive, self.days_leaderless = True, 0.0

    # phase 12
    def background_homicides(self, t: int) -> None:
        model = self.model
        lam = self.background / 1e5 * self.population * model.dt / 365.25
        n = model.draw.poisson(model.draw.key(model.seed, S_BACKGROUND, t, self.id, 0), lam)
        model.record(t, self, BACKGROUND, UNKNOWN, VIA_NONE, CIVILIAN, n)

    def __repr__(self) -> str:
        return f"Plaza({self.name!r})"


# ----------------------------------------------------------------------------- the model


class PureMesaModel(mesa.Model):
    """cartel-sim's rules as plain Mesa agents (see the module docstring).

    Args:
        scenario: a validated :class:`sim.scenario.Scenario` (``sim.load_scenario``).
        seed: the replicate seed; the same seed gives the tables of ``sim.run``.
        draws: "compiled" (default) calls sim.rng's samplers as they are, "python" their
            ``py_func`` (same numbers, slower).

    The spin-up steps run at construction, like ``sim.CartelModel``; then ``model.step()``
    runs one step and ``model.run(n)`` n steps. ``model.t`` is the next step to run.
    """

    def __init__(self, scenario: Scenario, seed: int = 0, draws: str = "compiled"):
        if draws not in ("compiled", "python"):
            raise ValueError(f"draws must be 'compiled' or 'python' (got {draws!r})")
        super().__init__(rng=int(seed))
        self.spec = scenario  # Mesa reserves model.scenario
        self.seed = int(seed)
        self.draw = keyed_draws(python=draws == "python")
        self.set_parameters(scenario.parameters)
        sim_ = scenario.simulation
        self.dt = float(sim_.step_days)
        self.n_steps = scenario.n_steps
        self.t = -math.ceil(sim_.spin_up_days / self.dt)
        self._by_row: dict[type, AgentSet] = {}
        self.moves: list[tuple[Cell, Cell, int]] = []
        self.violence: Counter = Counter()  # (step, plaza, type, perpetrator, via, victim)
        self.control_rows: list[tuple] = []
        self.organization_rows: list[tuple] = []
        self._build(scenario)
        self._events: list[Scheduled] = schedule(scenario)
        while self.t < 0:  # spin-up, unrecorded
            self.step()

    # ------------------------------------------------------------------ building
    def set_parameters(self, parameters) -> None:
        """``self.p``: every parameter as a float attribute (``self.p.clash_rate``)."""
        self._parameters = parameters
        self.p = SimpleNamespace(**{n: float(getattr(parameters, n)) for n in PARAM_NAMES})

    def background_rate(self, plaza) -> float:
        """A scenario plaza's background homicide rate: its own, else the parameter's."""
        own = plaza.background_homicides_per_100k_year
        return float(self._parameters.background_homicides_per_100k_year if own is None
                     else own)

    def _build(self, s: Scenario) -> None:
        """Agents for the scenario's initial state, with the ids sim.state.build_state gives."""
        def uid(*parts: str) -> int:  # the stable id of an entity named once
            return stable_id("/".join((*parts, "0")))

        self.organizations: list[Organization] = [
            Organization(self, i, o.name, uid("org", o.name), float(o.treasury),
                         float(o.aggression), float(o.wage_per_member_day),
                         float(o.bribe_share), bool(o.leader_alive))
            for i, o in enumerate(s.organizations)
        ]
        org = {o.name: o for o in self.organizations}
        for r in s.relations:
            a, b = org[r.between[0]], org[r.between[1]]
            a.relation[b] = b.relation[a] = RELATION_CODES[r.state]
            a.intensity[b] = b.intensity[a] = float(r.intensity)
        self.plazas: list[Plaza] = [
            Plaza(self, i, p.name, uid("plaza", p.name), int(p.population),
                  float(p.value_per_day), self.background_rate(p),
                  org[p.controller] if p.controller else None,
                  bool(p.controller) and bool(p.boss_alive))
            for i, p in enumerate(s.plazas)
        ]
        plaza = {p.name: p for p in self.plazas}
        for i, j in s.neighbour_pairs():
            self.plazas[i].neighbours.append(self.plazas[j])
            self.plazas[j].neighbours.append(self.plazas[i])
        for p in self.plazas:
            p.neighbours.sort(key=lambda q: q.row)
        seen: Counter = Counter()  # repeated names get their rank, as in build_state
        for i, c in enumerate(s.cells):
            name = (c.organization, c.plaza, c.name)
            Cell(self, i, stable_id("/".join(("cell", *name, str(seen[name])))),
                 org[c.organization], plaza[c.plaza], int(c.members), float(c.firepower),
                 float(c.loyalty), bool(c.local))
            seen[name] += 1
        # entering cells have rows of their own after the scenario's; hired ones come next
        entering = [enter_cell_id(e, i, name) for i, e in enumerate(s.events)
                    if e.kind == "enter" for name in e.plazas]
        self.enter_rows = {cid: len(s.cells) + j
                           for j, cid in reversed(list(enumerate(entering)))}  # first wins
        self.next_hired_row = len(s.cells) + len(entering)
        self.spare_cells = s.simulation.spare_cells
        self.spare_organizations = s.simulation.spare_organizations
        seen.clear()
        bribe = s.parameters.bribe_per_officer_day
        for i, u in enumerate(s.police):
            name = (u.plaza, u.kind, u.name)
            PoliceUnit(self, i, stable_id("/".join(("police", *name, str(seen[name])))),
                       plaza[u.plaza], POLICE_KINDS.index(u.kind), int(u.officers),
                       float(u.integrity), org[u.payroll] if u.payroll else None,
                       float(bribe) if u.payroll else 0.0, float(u.effectiveness))
            seen[name] += 1
        # federal deployments take the first free slot; slot i is unit row len(police) + i
        self.federal_slots: list[PoliceUnit | None] = [None] * n_federal_slots(s)
        self.first_federal_row = len(s.police)
        self.deployed = 0  # federal units placed so far
        self.triggers = []
        for k, trig in enumerate(s.triggers):
            days, op, threshold = trig.condition()
            window = max(1, math.ceil(days / self.dt))
            region = [plaza[n] for n in trig.region] if trig.region else list(self.plazas)
            region.sort(key=lambda q: q.row)
            self.triggers.append(Trigger(k, trig, window, OPS[op], float(threshold), region,
                                         [0] * window))

    # ------------------------------------------------------------------ agents in row order
    def register_agent(self, agent) -> None:
        super().register_agent(agent)
        self._by_row.pop(type(agent), None)

    def deregister_agent(self, agent) -> None:
        super().deregister_agent(agent)
        self._by_row.pop(type(agent), None)

    def in_row_order(self, agent_type: type) -> AgentSet:
        """The agents of a type as an AgentSet in ascending rows (AgentSet.sort), cached until
        an agent of that type is added or removed."""
        ordered = self._by_row.get(agent_type)
        if ordered is None:
            if agent_type in self.agents_by_type:
                ordered = self.agents_by_type[agent_type].sort("row", ascending=True)
            else:
                ordered = AgentSet([], random=self.random)
            self._by_row[agent_type] = ordered
        return ordered

    # ------------------------------------------------------------------ helpers
    def pair_id(self, a_id: int, b_id: int) -> int:
        """Order-free stable id of a pair of stable ids."""
        return int(self.draw.key(0, 0, 0, min(a_id, b_id), max(a_id, b_id))) >> 1

    def record(self, t, plaza, typ, perp, via, victim, count) -> None:
        """A violence row (perpetrator and victim: organization rows or sim.codes actors);
        lethal ones count toward the triggers; spin-up steps are not written."""
        if count <= 0:
            return
        if LETHAL_TYPES[typ]:
            plaza.homicides += count
        if t >= 0:
            self.violence[(t, plaza.row, typ, perp, via, victim)] += count

    def hire_cell(self, org: Organization, plaza: Plaza, uid: int) -> Cell:
        p = self.p
        size = int(p.hire_members)
        cell = Cell(self, self.next_hired_row, uid, org, plaza, size, 1.0, p.hire_loyalty,
                    True)
        self.next_hired_row += 1
        self.spare_cells -= 1
        org.treasury -= p.hire_cost
        org.ledger[L_RECRUITED] += size
        return cell

    def deploy_federal(self, spec, plazas: list[Plaza], step: int) -> int:
        """A federal unit in each plaza, in the first free slot, until its time is up;
        returns how many were placed (fewer only if the slots run out)."""
        steps = max(1, math.ceil(spec.duration_days / self.dt))
        placed = 0
        for plaza in plazas:
            if None not in self.federal_slots:
                break
            slot = self.federal_slots.index(None)
            self.federal_slots[slot] = PoliceUnit(
                self, self.first_federal_row + slot,
                stable_id(f"police/federal/{plaza.id}/{step}"), plaza, FEDERAL,
                int(spec.officers), float(spec.integrity), None, 0.0,
                float(spec.effectiveness), step + steps)
            placed += 1
        self.deployed += placed
        return placed

    def withdraw(self, unit: PoliceUnit) -> None:
        """A deployment whose time is up leaves, and frees its slot."""
        unit.plaza.units.remove(unit)
        self.federal_slots[unit.row - self.first_federal_row] = None
        unit.remove()

    # ------------------------------------------------------------------ events
    def apply_due_events(self) -> None:
        """Scheduled events due at this step, in order (a fired trigger's deployment first)."""
        if not (self._events and self._events[0].step <= self.t):
            return
        org = {o.name: o for o in self.organizations}
        plaza = {p.name: p for p in self.plazas}
        while self._events and self._events[0].step <= self.t:
            event = self._events.pop(0)
            e = event.spec
            if event.kind == "trigger":
                if self.deploy_federal(e, [plaza[n] for n in e.plazas], event.step):
                    trig = self.triggers[event.order]
                    trig.blocked_until = event.step + math.ceil(e.duration_days / self.dt)
            elif event.kind == "alliance":
                self._set_relation(e.members, e.members, ALLY, org)
                self._set_relation(e.members, e.against or [], WAR, org)
            elif event.kind == "break_alliance":
                self._set_relation(e.members, e.members, NEUTRAL, org)
            elif event.kind in ("war", "truce"):
                self._set_relation(e.members[:1], e.members[1:],
                                   WAR if event.kind == "war" else NEUTRAL, org)
            elif event.kind == "leader_removed":
                o = org[e.organization]
                o.leader_alive, o.leader_days, o.split_pending = False, 0.0, True
            elif event.kind == "federal_deployment":
                self.deploy_federal(e, [plaza[n] for n in e.plazas], event.step)
            elif event.kind == "police_purge":
                where = {plaza[n] for n in e.plazas} if e.plazas else set(self.plazas)
                kinds = {POLICE_KINDS.index(k) for k in (e.kinds or POLICE_KINDS)}
                for u in self.in_row_order(PoliceUnit):
                    if u.plaza in where and u.kind in kinds:
                        u.payroll, u.payment = None, 0.0
                        if e.integrity is not None:
                            u.integrity = float(e.integrity)
            elif event.kind == "enter":
                o = org[e.organization]
                for name in e.plazas:
                    cid = enter_cell_id(e, event.order, name)
                    Cell(self, self.enter_rows[cid], cid, o, plaza[name], int(e.members),
                         float(e.firepower), float(e.loyalty), bool(e.local))
                    o.ledger[L_MOVED] += int(e.members)
            elif event.kind == "parameters":  # parameter changes from this step on
                self.set_parameters(apply_parameter_event(self._parameters, e))
                for q, spec in zip(self.plazas, self.spec.plazas):
                    q.background = self.background_rate(spec)
            else:  # pragma: no cover - the scenario schema admits no other kind
                raise ValueError(f"unknown event kind {event.kind!r}")

    @staticmethod
    def _set_relation(names_a, names_b, value: int, org: dict) -> None:
        for a in names_a:
            for b in names_b:
                if a != b:
                    org[a].relation[org[b]] = org[b].relation[org[a]] = value

    # ------------------------------------------------------------------ one step
    def step(self) -> None:
        """One step: the 15 parts of docs/model.md §3, in order."""
        self.apply_due_events()  # 1. scheduled events (they may change self.p) ...
        t, p, dt = self.t, self.p, self.dt
        draw = self.draw
        self.in_row_order(PoliceUnit).do("leave_if_due", t)  # ... then deployments end
        plazas = self.agents_by_type[Plaza]
        orgs = self.agents_by_type[Organization]
        cells = self.in_row_order(Cell)
        units = self.in_row_order(PoliceUnit)
        plazas.set("homicides", 0)

        # 2. decisions: postures, reinforcements, hired local cells
        cells.set("attack", False)
        plazas.do("decide_postures")
        p_move = draw.rate_to_prob(p.move_rate, dt)
        if p_move > 0.0:
            self.moves.clear()
            cells.do("plan_move", t, p_move)
            for cell, target, n in self.moves:  # the sizes at the start decide every move
                cell.members -= n
                target.members += n
        p_hire = draw.rate_to_prob(p.hire_rate, dt)
        if p_hire > 0.0:
            cells.select(lambda c: c.members > 0).do("hire_nearby", t, p_hire)
            cells = self.in_row_order(Cell)  # with the hired cells

        plazas.do("clashes", t)  # 3 (+5)
        plazas.do("assassinations", t)  # 4 (+5)
        plazas.do("kidnappings", t)  # 6

        # 7. policing
        plazas.do("arrests", t)
        if p.national_arrests_per_day > 0.0:
            total = sum(c.members for c in cells)
            if total > 0:
                cells.do("national_arrests", t,
                         min(1.0, p.national_arrests_per_day * dt / total))
        units.do("replenish", t, draw.rate_to_prob(1.0 / max(p.police_replenish_days, 1e-9),
                                                    dt))

        # 8. corruption
        present = {(c.plaza, c.org) for c in cells if c.members > 0}
        federal = {u.plaza for u in units if u.kind == FEDERAL and u.officers > 0}
        orgs.do("open_bribe_budget")
        units.do("charge_patron_budget")
        units.do("consider_bribes", t, draw.rate_to_prob(p.corruption_rate, dt),
                 draw.rate_to_prob(p.federal_purge_rate, dt), present, federal)

        # 9. recruitment and money
        plazas.do("pay_controller")
        orgs.do("open_books")
        plazas.do("draw_recruits", t)
        cells.do("take_recruits")
        orgs.do("pay_recruits")
        cells.do("count_for_organization")
        orgs.do("open_bill")
        units.do("add_to_patron_bill")
        orgs.do("pay_bill")
        cells.do("desert", t)
        units.do("quit_if_unpaid", t)

        # 10. control
        plazas.do("control", t,
                  draw.rate_to_prob(1.0 / max(p.boss_replacement_days, 1e-9), dt))
        # 11. grievance and intelligence
        orgs.do("remember_killings", 0.5 ** (dt / max(p.grievance_half_life_days, 1e-9)))
        cells.do("forget_intel", 0.5 ** (dt / max(p.intel_half_life_days, 1e-9)))
        plazas.do("background_homicides", t)  # 12
        orgs.do("replace_leader_or_split", t)  # 13
        self.check_triggers(t)  # 14
        if t >= 0:  # 15
            self.collect(t)
        self.t += 1

    def run(self, n: int) -> None:
        """Run n steps."""
        for _ in range(n):
            self.step()

    def check_triggers(self, t: int) -> None:
        """Add this step's homicides to each trigger's window; the first (in file order) whose
        condition holds fires, and its deployment arrives at the start of the next step."""
        fired = None
        for trig in self.triggers:
            trig.hist[t % trig.window] = sum(q.homicides for q in trig.region)
            if t < 0 or fired is not None or t < trig.blocked_until:
                continue
            if trig.spec.once and trig.fired:
                continue
            if compare(float(sum(trig.hist)), trig.op, trig.threshold):
                trig.fired = True
                fired = trig
        if fired is not None:
            self._events.insert(0, Scheduled(t + 1, fired.index, "trigger", fired.spec))

    def collect(self, t: int) -> None:
        """This step's rows of the control and organizations tables."""
        members = Counter()
        n_cells = Counter()
        for c in self.in_row_order(Cell):
            if c.members > 0:
                members[c.org] += c.members
                n_cells[c.org] += 1
        payroll = Counter()
        for u in self.in_row_order(PoliceUnit):
            if u.payroll is not None:
                payroll[u.payroll] += u.officers
        held = Counter()
        for q in self.plazas:
            held[q.controller] += 1
            self.control_rows.append((t, q.row, q.controller.row if q.controller else -1,
                                      q.contested, q.share))
        for o in self.organizations:
            self.organization_rows.append((t, o.row, members[o], n_cells[o], o.treasury,
                                           held[o], payroll[o], o.leader_alive))

    # ------------------------------------------------------------------ output
    def results(self) -> Results:
        """The violence, control and organizations tables of the steps run so far, in the
        layout of ``sim.run`` (sim.results), as a :class:`sim.results.Results`."""
        T = max(self.t, 0)
        sim_ = self.spec.simulation
        orgs = [o.name for o in self.organizations]
        plazas = [q.name for q in self.plazas]
        meta = {
            "scenario": self.spec.name,
            "seed": self.seed,
            "steps": T,
            "days": T * self.dt,
            "step_days": self.dt,
            "start": str(sim_.start),
            "end": str(sim_.start + dt.timedelta(days=max(T * self.dt - 1, 0))),
            "resolved_scenario": self.spec.model_dump(mode="json"),
        }
        return Results(violence=self._violence_table(orgs, plazas),
                       control=self._control_table(orgs, plazas),
                       organizations=self._organizations_table(orgs), meta=meta)

    def _time_columns(self, steps: list[int]) -> dict:
        steps = np.array(steps, dtype=np.int64)
        day = steps * self.dt
        if float(self.dt).is_integer():
            day = day.astype(np.int64)
        start = pd.Timestamp(self.spec.simulation.start)
        date = start + pd.to_timedelta(steps * self.dt, unit="D")
        return {"step": steps, "day": day, "date": date.normalize()}

    def _violence_table(self, orgs: list[str], plazas: list[str]) -> pd.DataFrame:
        rows = sorted(self.violence.items())
        cols = list(zip(*(k for k, _ in rows))) or [()] * 6
        step, plaza, typ, perp, via, victim = (np.array(c, dtype=np.int64) for c in cols)
        actors = dict(enumerate(orgs)) | ACTOR_NAMES
        categories = orgs + list(ACTOR_NAMES.values())
        out = pd.DataFrame(self._time_columns(step))
        out["plaza"] = pd.Categorical.from_codes(plaza, categories=plazas)
        out["type"] = pd.Categorical.from_codes(typ, categories=list(TYPE_NAMES))
        out["lethal"] = LETHAL_TYPES[typ]
        out["perpetrator"] = pd.Categorical([actors[x] for x in perp], categories=categories)
        out["via"] = pd.Categorical.from_codes(via, categories=list(VIA_NAMES))
        out["victim"] = pd.Categorical([actors[x] for x in victim], categories=categories)
        out["count"] = np.array([n for _, n in rows], dtype=np.int64)
        return out

    def _control_table(self, orgs: list[str], plazas: list[str]) -> pd.DataFrame:
        cols = list(zip(*self.control_rows)) or [()] * 5
        step, plaza, controller, contested, share = cols
        out = pd.DataFrame(self._time_columns(step))
        out["plaza"] = pd.Categorical.from_codes(np.array(plaza, dtype=np.int64),
                                                 categories=plazas)
        out["controller"] = pd.Categorical([orgs[c] if c >= 0 else "" for c in controller],
                                           categories=orgs + [""])
        out["contested"] = np.array(contested, dtype=np.bool_)
        out["controller_share"] = np.array(share, dtype=np.float64)
        return out

    def _organizations_table(self, orgs: list[str]) -> pd.DataFrame:
        cols = list(zip(*self.organization_rows)) or [()] * 8
        step, row, members, cells, treasury, held, payroll, leader = cols
        out = pd.DataFrame(self._time_columns(step))
        out["organization"] = pd.Categorical.from_codes(np.array(row, dtype=np.int64),
                                                        categories=orgs)
        out["members"] = np.array(members, dtype=np.int64)
        out["cells"] = np.array(cells, dtype=np.int64)
        out["treasury"] = np.array(treasury, dtype=np.float64)
        out["plazas_held"] = np.array(held, dtype=np.int64)
        out["police_on_payroll"] = np.array(payroll, dtype=np.int64)
        out["leader_alive"] = np.array(leader, dtype=np.bool_)
        return out


def run(scenario: Scenario, seed: int = 0, days: int | None = None,
        draws: str = "compiled") -> Results:
    """Like ``sim.run``: the scenario to its end, or for ``days`` days; its Results."""
    if days is not None:
        steps = math.ceil(days / scenario.simulation.step_days)
        if steps > scenario.n_steps:
            scenario = scenario.with_overrides({"simulation.days": int(days)})
    model = PureMesaModel(scenario, seed, draws=draws)
    model.run(model.n_steps if days is None else steps)
    return model.results()
