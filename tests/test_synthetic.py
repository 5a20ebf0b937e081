"""Synthetic countries: the sizes asked for, reproducible, and runnable."""

from __future__ import annotations

import pytest

import sim
from sim.synthetic import world


def test_world_has_the_sizes_asked_for_and_is_reproducible():
    scenario = world(50, 6, 300, 2500, seed=3, days=20)
    assert len(scenario.plazas) == 50 and len(scenario.organizations) == 6
    assert len(scenario.cells) == 300
    assert sum(c.members for c in scenario.cells) == 2500
    assert min(c.members for c in scenario.cells) >= 1
    assert {c.organization for c in scenario.cells} == {o.name for o in scenario.organizations}
    assert any(r.state == "war" for r in scenario.relations)
    assert scenario.to_toml() == world(50, 6, 300, 2500, seed=3, days=20).to_toml()
    assert scenario.to_toml() != world(50, 6, 300, 2500, seed=4, days=20).to_toml()


def test_larger_organizations_get_more_cells_zipf():
    scenario = world(100, 10, 1000, 9000, seed=0, days=5)
    cells = [sum(c.organization == o.name for c in scenario.cells)
             for o in scenario.organizations]
    assert cells == sorted(cells, reverse=True)
    assert cells[0] == pytest.approx(2 * cells[1], rel=0.05)  # 1/1 against 1/2


def test_a_synthetic_world_runs_and_violence_happens():
    result = sim.run(world(40, 5, 240, 2400, seed=1, days=120), seed=2)
    assert result.violence["count"].sum() > 0
    assert set(result.organizations["organization"].unique()) >= {"Org001", "Org002"}


def test_impossible_sizes_are_refused():
    with pytest.raises(ValueError, match="n_organizations <= n_cells"):
        world(10, 20, 10, 100)
