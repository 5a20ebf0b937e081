"""cartel-sim: agent-based simulation of drug-cartel territorial conflict.

    import sim
    scenario = sim.load_scenario("scenarios/bcs_2014.toml")
    result = sim.run(scenario, seed=1)
    result.homicides(freq="MS")
"""

import hashlib as _hashlib
import os as _os
import sys as _sys
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

from .model import CartelModel  # noqa: E402
from .results import Results  # noqa: E402
from .runner import Replicates, run, run_many  # noqa: E402
from .scenario import Scenario, ScenarioError, load_scenario  # noqa: E402
from .sensitivity import sensitivity  # noqa: E402
from .sweep import SweepError, SweepSpec, load_sweep, sweep  # noqa: E402

# isort: split
from .calibration import calibrate  # noqa: E402  (after the sim names it imports)

__all__ = ["CartelModel", "Replicates", "Results", "Scenario", "ScenarioError", "SweepError",
           "SweepSpec", "calibrate", "load_scenario", "load_sweep", "run", "run_many",
           "sensitivity", "sweep"]
