"""The kernel's first compile, shared with a child process (sim.compiling)."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import SCENARIO_DIR

import sim
from sim import compiling, kernel

SCENARIO = SCENARIO_DIR / "two_cartels.toml"
DAYS = 60

# In a new process with an empty numba cache: one run, then what each phase's dispatcher
# holds and where its code came from.
FIRST_RUN = """
import json, sys
import sim
from sim import compiling, kernel
model = sim.CartelModel(sim.load_scenario(sys.argv[1]), rng=3)
model.run_for(int(sys.argv[2]))
model.results().violence.to_parquet(sys.argv[3])
print(json.dumps({
    function.py_func.__name__: {
        "signatures": len(function.signatures),
        "from_cache": sum(function.stats.cache_hits.values()),
        "compiled": sum(function.stats.cache_misses.values()),
    }
    for function in compiling.phases(kernel.advance)
}))
"""


@pytest.mark.skipif(compiling.usable_cpus() < 2, reason="needs two CPUs")
def test_a_first_compile_shared_with_a_child_compiles_each_phase_once(tmp_path):
    violence = tmp_path / "violence.parquet"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    out = subprocess.run([sys.executable, "-c", FIRST_RUN, str(SCENARIO), str(DAYS),
                          str(violence)], env=env, capture_output=True, text=True,
                         check=True, timeout=900)
    phases = json.loads(out.stdout)
    assert set(compiling.CHILD_PHASES) <= set(phases)
    for name, seen in phases.items():
        # one signature: advance called each phase with the types it was compiled for
        assert seen["signatures"] == 1, (name, seen)
        if name in compiling.CHILD_PHASES:  # compiled by the child, loaded from the cache
            assert seen == {"signatures": 1, "from_cache": 1, "compiled": 0}, (name, seen)

    model = sim.CartelModel(sim.load_scenario(SCENARIO), rng=3)
    model.run_for(DAYS)
    pd.testing.assert_frame_equal(pd.read_parquet(violence), model.results().violence)


def test_the_phases_are_what_advance_calls():
    """Found by their parameter names: the phases advance calls, not the ones compiled into
    it (inline) or the helpers with explicit signatures; each named in advance's source
    exactly once."""
    names = {f.py_func.__name__ for f in compiling.phases(kernel.advance)}
    assert set(compiling.CHILD_PHASES) <= names
    assert names == {"decide_postures", "clashes", "assassinations", "kidnappings", "economy"}
    source = inspect.getsource(kernel.advance.py_func)
    for name in names:
        assert source.count(f"{name}(") == 1, name


def test_nothing_is_compiled_ahead_once_the_kernel_is_compiled(monkeypatch):
    model = sim.CartelModel(sim.load_scenario(SCENARIO), rng=3)
    model.run_for(1)

    def no_child(*args, **kwargs):
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess, "Popen", no_child)
    model.run_for(1)
    assert model.steps == 2
