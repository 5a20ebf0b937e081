"""Issue 16: scenario inputs that corrupted a run, collided, overflowed or crashed are refused
with a clear message."""

import pytest
from scenario_files import MINIMAL, load_error, write

from sim.scenario import ScenarioError, load_scenario

SMALL = MINIMAL + """
[[organizations]]
name = "A"

[[organizations]]
name = "B"

[[plazas]]
name = "P"
population = 100000

[[plazas]]
name = "Q"
population = 50000

[[cells]]
organization = "A"
plaza = "P"
members = 20
"""


@pytest.mark.parametrize("extra, where, says", [
    ('[[cells]]\norganization = "B"\nplaza = "P"\nmembers = 7\nname = "enter"\n'
     '[[events]]\nkind = "enter"\nstep = 3\norganization = "B"\nplazas = ["P"]\nmembers = 100\n',
     "events[0].plazas[0]", "same stable id as cells[1]"),
    ('[[events]]\nkind = "enter"\nstep = 3\norganization = "B"\nplazas = ["P", "P"]\n'
     'members = 10\n', "events[0].plazas[1]", "'P' is listed twice; list each once"),
    ('[[events]]\nkind = "police_purge"\nstep = 3\nplazas = []\n', "events[0].plazas",
     "an empty list purges no plazas; list some, or remove the plazas line"),
    ('[[events]]\nkind = "police_purge"\nstep = 3\nkinds = []\n', "events[0].kinds",
     "an empty list purges no kinds of unit"),
])
def test_events_that_would_corrupt_the_state_are_refused(tmp_path, extra, where, says):
    message = load_error(tmp_path, SMALL + extra)
    assert f"{where}: " in message and says in message


def test_colliding_stable_ids_are_refused_and_others_keep_their_ids(tmp_path):
    collide = ('[[organizations]]\nname = "X/Y"\n[[organizations]]\nname = "X"\n'
               '[[plazas]]\nname = "Z"\npopulation = 5\n[[plazas]]\nname = "Y/Z"\npopulation = 5\n'
               '[[cells]]\norganization = "X/Y"\nplaza = "Z"\nmembers = 5\n'
               '[[cells]]\norganization = "X"\nplaza = "Y/Z"\nmembers = 5\n')
    message = load_error(tmp_path, SMALL + collide)
    assert "cells[2]: gets the same stable id as cells[1] (both are 'cell/X/Y/Z//0')" in message
    from sim.rng import stable_id
    from sim.state import build_state

    state, _ = build_state(load_scenario(write(tmp_path, "ok.toml", SMALL)))
    assert state.cell_id[0] == stable_id("cell/A/P//0")  # ids of names that cannot collide


@pytest.mark.parametrize("edit, where, says", [
    (("cells", "members = 20", "members = true"), "cells[0].members",
     "must be a whole number such as 12 (got true); write a whole number"),
    (("organizations", 'name = "A"', 'name = "A"\nleader_alive = "no"'),
     'organizations[name="A"].leader_alive', 'must be true or false (got "no")'),
    (("parameters", "[simulation]", '[parameters]\nclash_rate = "0.5"\n[simulation]'),
     "parameters.clash_rate", "must be a number such as 0.5 (got \"0.5\"); remove the quotes"),
    (("members", "members = 20", "members = 9223372036854775808"), "cells[0].members",
     "must be at most 1e+09"),
    (("clash", "[simulation]", "[parameters]\nclash_rate = 1e18\n[simulation]"),
     "parameters.clash_rate", "must be at most 1e+06"),
    (("firepower", "members = 20", "members = 20\nfirepower = 1e308"), "cells[0].firepower",
     "must be at most 1e+06"),
    (("value", "population = 50000", "population = 50000\nvalue_per_day = 1e308"),
     'plazas[name="Q"].value_per_day', "must be at most 1e+15"),
    (("days", "days = 365", "days = 3000000"), "simulation.days", "must be at most 213"),
    (("end", "start = 2013-01-01", "start = 2262-01-01"), "simulation.days",
     "start + days ends after 2262-04-11"),
    (("start", "start = 2013-01-01", "start = 1600-01-01"), "simulation.start", "too early"),
    (("tiny step", "days = 365", "days = 365\nstep_days = 1e-300"), "simulation.step_days",
     "must be at least 0.001"),
    (("huge step", "days = 365", "days = 365\nstep_days = 1e300"), "simulation.step_days",
     "must be at most 213"),
    (("event step", "members = 20", 'members = 20\n[[events]]\nkind = "leader_removed"\n'
      'organization = "A"\nstep = 1180591620717411303424'), "events[0].step", "must be at most"),
])
def test_wrong_types_and_numbers_the_kernel_cannot_hold_are_refused(tmp_path, edit, where, says):
    _, old, new = edit
    message = load_error(tmp_path, SMALL.replace(old, new, 1))
    assert f"{where}: " in message and says in message


def test_deep_nesting_and_long_base_chains_are_refused_without_recursion(tmp_path):
    deep = load_error(tmp_path, "overrides = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n" + SMALL)
    assert "nested too deeply to read" in deep
    write(tmp_path, "link_0.toml", SMALL)
    for i in range(1, 2000):
        write(tmp_path, f"link_{i}.toml", f'base = "link_{i - 1}.toml"\n')
    with pytest.raises(ScenarioError, match="base: the base chain is longer than 32 files"):
        load_scenario(tmp_path / "link_1999.toml")


def test_validate_refuses_a_run_that_needs_more_memory_than_available(tmp_path):
    from sim.resources import ResourceError, available_memory, check

    scenario = load_scenario(write(tmp_path, "s.toml", SMALL.replace(
        "days = 365", "days = 365\nspare_cells = 300000000")))
    with pytest.raises(ResourceError, match="needs about .* GB of memory .* more than the") as err:
        check(scenario)
    assert available_memory() > 0 and "fewer spare_cells" in str(err.value)
    many_steps = scenario.with_overrides({"simulation.spare_cells": 0,
                                          "simulation.spin_up_days": 200000,
                                          "simulation.step_days": 0.001})
    with pytest.raises(ResourceError, match="steps .* is more than the 100,000,000"):
        check(many_steps)
