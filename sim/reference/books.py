"""An organization's books in phase 9 (recruitment and money) of the reference model:
what it may spend on recruits, and its bill of wages and police pay, paid in full or in
part, with the step's money flows (sim.codes.FLOW_COLUMNS)."""

from __future__ import annotations

from ..codes import F_POLICE_PAY, F_REVENUE, F_UNPAID_BILL, F_WAGES


class Books:
    """Phase 9 methods of :class:`sim.reference.agents.Organization` (its ``treasury``,
    ``wage``, ``outside_income``, ``flows`` and the step's ``wanted``, ``hired``, ``size``,
    ``bill``, ``police_bill``, ``unpaid``, ``unfunded``, ``recruit_budget`` and ``cover``)."""

    def collect_outside_income(self) -> None:
        """Its outside_income_per_day x dt, earned outside the modelled plazas: revenue."""
        if self.outside_income > 0.0:
            income = self.outside_income * self.model.dt
            self.treasury += income
            self.flows[F_REVENUE] += income

    def open_books(self, orgs, cells, units) -> None:
        """Start phase 9's books. ``recruit_budget``: the pesos it may spend on recruits,
        its treasury plus recruit_payback_days of its net income per day (this step's
        revenue per day, plus the stipend its patron owes it per day, less the wages and
        police pay it owes per day and the stipends it owes its clients, over ``orgs``,
        ``cells`` and ``units``, the model's in ascending rows, before recruiting).
        ``cover``: its treasury plus unfunded_horizon_days of the same net income."""
        self.wanted = self.hired = self.size = 0
        self.recruit_budget = self.cover = self.treasury
        p = self.model.p
        unfunding = p.unfunded_desertion_rate > 0.0 and p.unfunded_horizon_days > 0.0
        if p.recruit_payback_days <= 0.0 and not unfunding:
            return
        net = self.flows[F_REVENUE] / self.model.dt
        for c in cells:
            if c.org is self:
                net -= self.wage * c.members
        for u in units:
            if u.payroll is self:
                net -= u.payment * u.officers
        if any(o.row == self.patron_row for o in orgs):
            net += self.stipend
        for client in orgs:
            if client.patron_row == self.row:
                net -= client.stipend
        if p.recruit_payback_days > 0.0:
            self.recruit_budget += p.recruit_payback_days * net
        if unfunding:
            self.cover += p.unfunded_horizon_days * net

    def pay_recruits(self) -> None:
        cost = self.model.p.recruit_cost
        if self.wanted > 0 and cost > 0.0:
            self.treasury -= self.hired * cost

    def open_bill(self) -> None:
        self.bill = self.wage * self.size * self.model.dt
        self.police_bill = 0.0

    def pay_bill(self) -> None:
        """Pay wages and police; short of money, pay all it has (``unpaid``: the share left).
        What it paid of each goes to its flows. ``unfunded``: going broke (a negative
        ``cover``, with unfunded_desertion_rate and unfunded_horizon_days H), the share of
        the bill that net income and the treasury spread over H days do not pay."""
        self.unpaid = self.unfunded = 0.0
        if self.bill <= 0.0:
            return
        p = self.model.p
        if self.cover < 0.0 and p.unfunded_desertion_rate > 0.0 \
                and p.unfunded_horizon_days > 0.0:
            self.unfunded = min(1.0, -self.cover * self.model.dt
                                / (p.unfunded_horizon_days * self.bill))
        if self.treasury >= self.bill:
            self.treasury -= self.bill
        else:
            self.unpaid = 1.0 - max(self.treasury, 0.0) / self.bill
            self.treasury = 0.0
        self.flows[F_WAGES] += self.wage * self.size * self.model.dt * (1.0 - self.unpaid)
        self.flows[F_POLICE_PAY] += self.police_bill * (1.0 - self.unpaid)
        self.flows[F_UNPAID_BILL] += self.bill * self.unpaid
