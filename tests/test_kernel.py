"""The compiled kernel's own helpers; the kernel as a whole is checked against the
reference model, bit for bit, in tests/test_reference.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import sim
from sim.codes import (
    ALLY,
    NEUTRAL,
    P_ALLY_CONFLICT_FACTOR,
    P_NEUTRAL_CONFLICT_FACTOR,
    WAR,
    parameter_vector,
)
from sim.kernel import optional_phases
from sim.mechanisms.common import hostile_pairs_among, hostile_partners, hostility
from sim.scenario import Parameters
from sim.state import build_state


def test_hostile_pairs_among_lists_the_pairs_of_a_plain_double_loop():
    """The sparse pair walk (hostile partners, or a merge when they outnumber those present)
    gives exactly the hostile pairs, in the order of a loop over i then j."""
    g = np.random.default_rng(5)
    n_org = 30
    for trial in range(60):
        relation = g.choice(np.array([WAR, NEUTRAL, ALLY], dtype=np.int8), size=(n_org, n_org),
                            p=[0.1, 0.8, 0.1])
        relation = np.triu(relation, 1) + np.triu(relation, 1).T
        intensity = g.choice([0.0, 1.0, 2.5], size=(n_org, n_org))
        prm = parameter_vector(Parameters())
        prm[P_NEUTRAL_CONFLICT_FACTOR] = [0.0, 0.3][trial % 2]  # sparse or dense partner lists
        prm[P_ALLY_CONFLICT_FACTOR] = [0.0, 0.1][trial // 2 % 2]
        h_ptr, h_idx = hostile_partners(prm, relation, intensity)
        k = int(g.integers(0, 12))
        orgs = np.sort(g.choice(n_org, size=k, replace=False)).astype(np.int64)
        slot = np.full(n_org, -1, dtype=np.int64)
        slot[orgs] = np.arange(k)
        for ordered in (True, False):
            pair_i = np.empty(k * k, dtype=np.int64)
            pair_j = np.empty(k * k, dtype=np.int64)
            n = hostile_pairs_among(orgs, k, slot, h_ptr, h_idx, ordered, pair_i, pair_j)
            expected = [(i, j) for i in range(k) for j in range(k)
                        if (j != i if ordered else j > i)
                        and hostility(prm, relation, intensity, orgs[i], orgs[j]) > 0.0]
            assert list(zip(pair_i[:n].tolist(), pair_j[:n].tolist())) == expected


def test_the_optional_phases_are_compiled_and_called_only_where_they_can_act():
    """sim.kernel.optional_phases: (optional, mobilizing), each None (pruned at compile
    time) where its parts are off: both for two_cartels; for bcs_2014's jointly fitted base
    (confrontations and recruits per population on; mobilization on, but no organization
    with a reserve) phase 9b is neither compiled nor called; with a reserve it is."""
    scenarios = Path(__file__).resolve().parents[1] / "scenarios"

    def flag(scenario):
        return optional_phases(build_state(scenario)[0], parameter_vector(scenario.parameters))

    bcs = sim.load_scenario(scenarios / "bcs_2014.toml")
    assert bcs.parameters.mobilization_rate > 0
    assert flag(sim.load_scenario(scenarios / "two_cartels.toml")) == (None, None)
    assert flag(bcs) == (True, None)
    assert flag(bcs.with_overrides({"organizations[name=Zetas].reserve": 100})) == (True, True)
