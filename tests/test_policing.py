"""Phases 7 and 8, one at a time on tiny scenarios (``conftest.tiny``): clean police arrest
every organization, bribed police spare their patron, arrests scale with officers, bribes
buy corruptible units and federal forces purge payrolls (docs/model.md)."""

from __future__ import annotations

from conftest import tiny
from tiny_worlds import counts, ledger_total

import sim

# --------------------------------------------------------------------- 7. policing
POLICING = {"arrest_rate": 0.001, "bribe_per_officer_day": 0.0}


def test_clean_police_arrest_every_organization():
    police = [{"plaza": "P", "kind": "state", "officers": 100}]
    model = sim.CartelModel(tiny(POLICING, police=police), rng=1)
    model.run_for(model.n_steps)
    v = model.results().violence
    arrests = v[v["type"] == "arrest"]
    for org in ("A", "B"):
        assert counts(arrests, victim=org) > 0
        assert counts(arrests, victim=org) == ledger_total(model, org, "arrested")
    assert set(arrests["perpetrator"]) == {"police"} and set(arrests["via"]) == {"state"}
    assert not arrests["lethal"].any()


def test_bribed_police_spare_their_patron_and_arrest_its_rivals():
    police = [{"plaza": "P", "kind": "state", "officers": 100, "payroll": "A"}]
    model = sim.CartelModel(tiny(POLICING, police=police), rng=1)
    model.run_for(model.n_steps)
    assert model.police[0].payroll.name == "A", "the unit stayed on A's payroll"
    v = model.results().violence
    assert counts(v, type="arrest", victim="A") == 0
    assert counts(v, type="arrest", victim="B") > 0
    assert ledger_total(model, "A", "arrested") == 0
    # no police at all: no arrests
    assert sim.run(tiny(POLICING), seed=1).violence.empty


def test_arrests_scale_with_officers():
    """Arrest rate is per 100 officers: four times the officers, about four times the
    arrests (pooled over seeds)."""
    totals = []
    for officers in (50, 200):
        police = [{"plaza": "P", "kind": "municipal", "officers": officers}]
        cells = [{"organization": "A", "plaza": "P", "members": 1000}]
        scenario = tiny({"arrest_rate": 0.0002}, days=50, police=police, cells=cells)
        totals.append(sum(counts(sim.run(scenario, seed=s).violence, type="arrest")
                          for s in range(10)))
    assert totals[0] > 20
    assert 3.0 < totals[1] / totals[0] < 5.0


# --------------------------------------------------------------------- 8. corruption
def test_bribes_buy_corruptible_police_and_federal_forces_purge_them():
    params = {"corruption_rate": 0.2, "bribe_per_officer_day": 50.0}
    police = [{"plaza": "P", "kind": "municipal", "officers": 100, "integrity": 0.0}]
    bought = sim.run(tiny(params, days=60, police=police), seed=1).organizations
    assert bought.groupby("step")["police_on_payroll"].sum().iloc[-1] == 100
    honest = [{**police[0], "integrity": 1.0}]
    clean = sim.run(tiny(params, days=60, police=honest), seed=1).organizations
    assert (clean["police_on_payroll"] == 0).all()
    # a unit on A's payroll in a plaza where federal forces arrive is purged
    owned = [{"plaza": "P", "kind": "state", "officers": 100, "payroll": "A", "integrity": 1.0}]
    events = [{"kind": "federal_deployment", "step": 30, "plazas": ["P"],
               "duration_days": 60}]
    purge = tiny({"federal_purge_rate": 0.2, "bribe_per_officer_day": 0.0}, days=100,
                 police=owned, events=events)
    orgs = sim.run(purge, seed=1).organizations.set_index(["step", "organization"])
    payroll = orgs["police_on_payroll"].xs("A", level="organization")
    assert (payroll[payroll.index < 30] == 100).all()
    assert payroll.iloc[-1] == 0
