"""The national model of Prieto-Curiel, Campedelli & Hope (Science 2023) as an ODE: the oracle
of tests/test_national.py.

    dC_i/dt = rho C_i - eta C_i / sum(C) - theta C_i sum_j K_ij C_j - omega C_i^2

per week, for the 150 organizations of ``tools/national`` (K and the starting sizes come from
there, so the oracle and the scenarios share every construction choice). Integrated with an
adaptive Runge-Kutta method (scipy's RK45, relative tolerance 1e-9) together with the
running totals of each flow, and read on the weekly grid of the agent model's steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.integrate import solve_ivp

import national

FLOWS = ("recruits", "arrests", "member_deaths", "saturation")


@dataclass(frozen=True)
class Trajectory:
    """The ODE on the weekly grid t = 0, 1, ..., weeks (weeks since ``national.START``).

    members: float (weeks + 1, n), members of each organization at the start of each week
        (row t + 1 is the end of week t, the agent model's step t).
    flows: {name: float (weeks,)}: national recruits, arrests (incapacitated), member deaths
        (the conflict term) and saturation losses during each week.
    """

    members: np.ndarray
    flows: dict[str, np.ndarray]

    @property
    def weeks(self) -> int:
        return self.members.shape[0] - 1


def integrate(k: np.ndarray, c0: np.ndarray, weeks: int, rho=national.RHO_WEEK,
              eta=national.ETA_WEEK, theta=national.THETA_WEEK, omega=national.OMEGA_WEEK,
              change_week: int | None = None, rho_after=None, eta_after=None) -> Trajectory:
    """Integrate the ODE for ``weeks`` weeks from sizes ``c0`` (n,) with conflict matrix
    ``k`` (n, n); rates per week. From ``change_week`` on, recruitment is ``rho_after`` and
    incapacitation ``eta_after`` (when given): the variants of 2022."""
    n = len(c0)

    def rhs(_t, y, rho_, eta_):
        c = np.maximum(y[:n], 0.0)
        total = c.sum()
        recruits = rho_ * c
        arrests = eta_ * c / total if total > 0 else 0.0 * c
        deaths = theta * c * (k @ c)
        saturation = omega * c * c
        flows = [recruits.sum(), np.sum(arrests), deaths.sum(), saturation.sum()]
        return np.concatenate([recruits - arrests - deaths - saturation, flows])

    segments = [(0, weeks, rho, eta)]
    if change_week is not None and change_week < weeks:
        segments = [(0, change_week, rho, eta),
                    (change_week, weeks, rho if rho_after is None else rho_after,
                     eta if eta_after is None else eta_after)]
    y0 = np.concatenate([np.asarray(c0, dtype=float), np.zeros(len(FLOWS))])
    rows = [y0]
    for start, end, rho_, eta_ in segments:
        grid = np.arange(start, end + 1, dtype=float)
        sol = solve_ivp(rhs, (start, end), rows[-1], t_eval=grid, args=(rho_, eta_),
                        method="RK45", rtol=1e-9, atol=1e-6)
        if not sol.success:  # pragma: no cover
            raise RuntimeError(sol.message)
        rows.extend(sol.y.T[1:])
    y = np.array(rows)
    cumulative = y[:, n:]
    flows = {name: np.diff(cumulative[:, f]) for f, name in enumerate(FLOWS)}
    return Trajectory(members=y[:, :n], flows=flows)


def oracle(construction: str = "paper", weeks: int | None = None, **changes) -> Trajectory:
    """The ODE for the 150 organizations from their Zipf sizes in 2012, with K built by
    ``national.k_matrix(network, construction)``; ``weeks`` defaults to the 522 weekly
    steps of 2012-2021."""
    network = national.read_network()
    weeks = weeks or national.steps(national.DAYS_10_YEARS)
    return integrate(national.k_matrix(network, construction),
                     national.zipf_members(network).astype(float), weeks, **changes)


def annual(trajectory: Trajectory) -> pd.DataFrame:
    """Per calendar year of the weekly steps' dates: national members at the end of the
    year's last step, and each flow summed over the year's steps
    (the same binning as :func:`national.annual`)."""
    weekly = pd.DataFrame({"members": trajectory.members[1:].sum(axis=1), **trajectory.flows})
    weekly["date"] = [national.START + dt.timedelta(days=national.STEP_DAYS * t)
                      for t in range(trajectory.weeks)]
    return national.annual(weekly)
