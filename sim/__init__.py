"""cartel-sim: agent-based simulation of drug-cartel territorial conflict.

    import sim
    scenario = sim.load_scenario("scenarios/bcs_2014.toml")
    result = sim.run(scenario, seed=1)
    result.homicides(freq="MS")
"""

import hashlib as _hashlib
import os as _os
import sys as _sys
import types as _types
from importlib import metadata as _metadata
from pathlib import Path as _Path


def _key_numba_cache_to_source() -> None:
    """numba's cache can miss a change in a jitted function defined in another file; keying
    the cache folder to the source of every compiled module (and of the parameter codes and
    records they read) makes any change a fresh cache."""
    here = _Path(__file__).parent
    jitted = [here / "rng.py", here / "codes.py", here / "scenario" / "parameters.py", here / "records.py",
              here / "kernel.py", *sorted((here / "mechanisms").glob("*.py"))]
    digest = _hashlib.sha256()
    for path in jitted:
        digest.update(path.read_bytes())
    base = _Path(_os.environ.get("XDG_CACHE_HOME", _Path.home() / ".cache"))
    _os.environ.setdefault(
        "NUMBA_CACHE_DIR", str(base / "cartel-sim" / "numba" / digest.hexdigest()[:16])
    )
    if "numba" in _sys.modules:  # imported before sim: make it read the variable again
        _sys.modules["numba"].core.config.reload_config()


_key_numba_cache_to_source()
__version__ = _metadata.version("cartel-sim")

# Names resolve on first use (module __getattr__), so `import sim` costs what a command uses:
# `import sim.scenario` does not load mesa, numba, pandas or SALib.
_EXPORTS = {
    "calibrate": "calibration", "CartelModel": "model", "Results": "results",
    "Replicates": "runner", "run": "runner",
    "run_many": "runner", "Scenario": "scenario", "ScenarioError": "scenario",
    "load_scenario": "scenario", "sensitivity": "sensitivity", "SweepError": "sweep",
    "SweepSpec": "sweep", "load_sweep": "sweep", "sweep": "sweep",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(_types.ModuleType):
    """``sim.sweep`` and ``sim.sensitivity`` name functions, as they always did, although
    modules of the same names exist: importing such a module does not rebind the name."""

    def __setattr__(self, name, value):
        if name in _EXPORTS and _EXPORTS[name] == name and isinstance(value, _types.ModuleType):
            return
        super().__setattr__(name, value)


_sys.modules[__name__].__class__ = _Package
