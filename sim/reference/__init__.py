"""The reference model: cartel-sim's rules in plain Python, as a pure-Mesa model.

This package is the plainest statement of the rules that a researcher can open: Mesa agents
(:class:`Organization`, :class:`Cell`, :class:`PoliceUnit` in ``agents.py``, :class:`Plaza`
in ``plaza.py``) with one method per phase of a step, called in the step's order by
:meth:`ReferenceModel.step` (``model.py``) through Mesa's ``AgentSet.do``; dicts and lists,
no array indexes, no numba. ``world.py`` builds the agents from a :class:`sim.state.State`
and writes them back.

It is also the oracle of the compiled kernel (``sim.kernel`` + ``sim.mechanisms``): the same
State, parameters and seed give the same State, violence rows and per-step records, bit for
bit (tests/test_reference.py), and the baseline of its speed (benchmarks/). To be exact it
shares with the kernel what the rules fix and nothing else: the keyed draws of
:mod:`sim.rng` (a draw is a function of its key: seed, stream, step and the stable ids of
who it is for), ties broken in ascending row, and floating-point sums added in the
kernel's order (ascending rows, one term at a time). It imports neither ``sim.kernel`` nor
``sim.mechanisms`` (a test checks it).

:func:`advance` has the kernel step's interface, so the engine drives either::

    import sim
    from sim import reference
    model = sim.CartelModel(sim.load_scenario("scenarios/bcs_2014.toml"), rng=7,
                            step=reference.advance)
    model.run_for(model.n_steps)
    model.results().violence          # the compiled model's table, exactly
"""

from .agents import Cell, Organization, PoliceUnit
from .model import ReferenceModel, advance
from .plaza import Plaza

__all__ = ["Cell", "Organization", "Plaza", "PoliceUnit", "ReferenceModel", "advance"]
