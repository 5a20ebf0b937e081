"""Phase 6b: controllers extort and kidnap the people of their plazas."""

from __future__ import annotations

from numba import njit

from ..codes import (
    CIVILIAN,
    CIVILIAN_KIDNAP_MURDER,
    CIVILIAN_KIDNAPPING,
    EXTORTION_KILLING,
    F_REVENUE,
    P_CIVILIAN_KIDNAP_MURDER_PROBABILITY,
    P_CIVILIAN_KIDNAP_PER_100K_YEAR,
    P_EXTORTION_CONTESTED_FACTOR,
    P_EXTORTION_KILLING_PER_100K_YEAR,
    P_EXTORTION_PER_PERSON_DAY,
    S_CIVILIAN_KIDNAP,
    S_CIVILIAN_KIDNAP_MURDER,
    S_EXTORTION_KILLING,
    VIA_CELL,
)
from ..rng import binomial, key, poisson
from .common import INTERNAL, record


@njit(cache=True, inline="always")
def preying(prm):
    """Whether phase 6b has anything to do (one of its rates is positive)."""
    return (prm[P_EXTORTION_PER_PERSON_DAY] > 0.0
            or prm[P_EXTORTION_KILLING_PER_100K_YEAR] > 0.0
            or prm[P_CIVILIAN_KIDNAP_PER_100K_YEAR] > 0.0)


@njit(**INTERNAL)
def civilians(run, t, orgs, plazas, violence):
    """Extortion and kidnapping of civilians by each plaza's controller d (active).

    With population N_p: d collects extortion_per_person_day N_p dt pesos (part of its
    step's revenue); kills Poisson(extortion_killing_per_100k_year F / 1e5 N_p dt / 365.25)
    people who resist, F = extortion_contested_factor while the plaza is contested (as
    control left it at the end of the last step), else 1; kidnaps Poisson(civilian_kidnap_per_100k_year / 1e5 N_p
    dt / 365.25) civilians, each murdered with civilian_kidnap_murder_probability. Rows
    ``extortion_killing``, ``civilian_kidnapping`` (every captive) and
    ``civilian_kidnap_murder``, perpetrator d via its cells, victim civilian.
    """
    dt, prm, seed = run.dt, run.prm, run.seed
    org_active, org_flows, org_id, org_treasury = orgs.active, orgs.flows, orgs.id, orgs.treasury
    plaza_contested, plaza_controller = plazas.contested, plazas.controller
    plaza_id, plaza_population = plazas.id, plazas.population
    for p in range(plaza_controller.shape[0]):
        d = plaza_controller[p]
        if d < 0 or not org_active[d]:
            continue
        people = plaza_population[p]
        extorted = prm[P_EXTORTION_PER_PERSON_DAY] * people * dt
        org_treasury[d] += extorted
        org_flows[d, F_REVENUE] += extorted
        per_year = prm[P_EXTORTION_KILLING_PER_100K_YEAR]
        if plaza_contested[p]:
            per_year *= prm[P_EXTORTION_CONTESTED_FACTOR]
        killed = poisson(key(seed, S_EXTORTION_KILLING, t, plaza_id[p], org_id[d]),
                         per_year / 1e5 * people * dt / 365.25)
        record(violence, t, p, EXTORTION_KILLING, d, VIA_CELL, CIVILIAN, killed)
        taken = poisson(key(seed, S_CIVILIAN_KIDNAP, t, plaza_id[p], org_id[d]),
                        prm[P_CIVILIAN_KIDNAP_PER_100K_YEAR] / 1e5 * people * dt / 365.25)
        if taken == 0:
            continue
        murdered = binomial(key(seed, S_CIVILIAN_KIDNAP_MURDER, t, plaza_id[p], org_id[d]),
                            taken, prm[P_CIVILIAN_KIDNAP_MURDER_PROBABILITY])
        record(violence, t, p, CIVILIAN_KIDNAPPING, d, VIA_CELL, CIVILIAN, taken)
        record(violence, t, p, CIVILIAN_KIDNAP_MURDER, d, VIA_CELL, CIVILIAN, murdered)
