"""Tests for sim.rng: known answers, compiled == pure Python, keys that change with every
input (the samplers' statistics and ranges: test_rng_samplers.py)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import uniforms
from numba import njit

from sim import codes, rng
from sim.codes import S_CLASH as STREAM_CLASH
from sim.codes import S_COLLATERAL as STREAM_COLLATERAL
from sim.rng import (
    bernoulli,
    binomial,
    key,
    mix64,
    normal,
    poisson,
    stable_id,
    uniform,
)

REPO = Path(__file__).resolve().parents[1]

SINALOA = 5876479601516983326
CJNG = 350026662896762588

# ---------------------------------------------------------------------------
# Known-answer tests.  These values were produced once by this implementation;
# any change to hashing, key mixing, counter mode or the samplers must fail here.
# ---------------------------------------------------------------------------

# (seed, stream, step, a, b), key, uniform(k,0), uniform(k,7), normal(k,0),
# binomial(k,10,0.3), binomial(k,5000,0.4), poisson(k,3.5), poisson(k,120)
KAT = [
    ((0, 0, 0, 0, 0), 8246677679577416693, 0.7141263568908475, 0.5578326565870854,
     -1.4822465405762757, 4, 2031, 4, 130),
    ((1, 2543781238660806592, 0, SINALOA, 0), 25476610965073225, 0.5358884725142736,
     0.33521892251924057, -0.9172340471601095, 3, 1973, 3, 111),
    ((42, 3205487189950646837, 17, SINALOA, CJNG), 10134209513646010341,
     0.5134511731502169, 0.8384391938688859, -0.9942053660101199, 3, 1968, 3, 110),
    ((4611686018427387904, 2291251806244331534, 1000, 1, 2), 5801351491995886264,
     0.7688111300524118, 0.5796004743885186, 0.24190325872199572, 4, 2024, 5, 127),
    ((-1, 8288673526286382214, 5, 3, 0), 8519746374457826469, 0.5884290850652777,
     0.8060338908227982, -1.2538807052817293, 3, 1987, 4, 116),
    ((7, 6691545735853795739, 1099511627776, 9223372036854775807, 9223372036854775807),
     16050828780764601161, 0.5291958115414539, 0.5793152682328009,
     -0.5967193381599902, 3, 2013, 3, 124),
]

STREAM_KAT = {
    "clash": 2543781238660806592,
    "collateral": 5793706988818420738,
    "assassination": 8145030185753599827,
    "kidnap": 6691545735853795739,
    "arrest": 3205487189950646837,
    "police_killed": 3947346275254307860,
    "corruption": 408820793137231201,
    "purge": 2298884148768572701,
    "recruit": 88895350115929761,
    "desertion": 251651876804633238,
    "hire": 42513210902548901,
    "move": 8288673526286382214,
    "boss": 5964619676925077354,
    "split": 8728592668219321796,
    "background": 5604771881769091173,
    "replenish": 5959819947351884157,
    "national_arrest": 6553603649786666292,
    "via": 2291251806244331534,
}


def test_stable_id_known_answers():
    assert stable_id("Sinaloa") == SINALOA
    assert stable_id("CJNG") == CJNG
    assert stable_id("") == 3797230976420062948
    assert stable_id("Tláhuac") == 1187033033580136231  # UTF-8, non-ASCII
    for name in ("Sinaloa", "x", "Tláhuac"):
        d = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
        assert stable_id(name) == int.from_bytes(d, "little") & (2**63 - 1)
        assert rng.stream_id(name) == stable_id(name)


def test_stream_constants():
    """The kernel's streams (sim.codes.S_*) keep their ids, and no two share one."""
    kernel_streams = {n: v for n, v in vars(codes).items() if n.startswith("S_")}
    for name, value in STREAM_KAT.items():
        const = kernel_streams.get("S_" + name.upper())
        if const is not None:
            assert type(const) is int
            assert const == value == rng.stream_id(name)
    assert all(0 <= v < 2**63 for v in kernel_streams.values())
    assert len(set(kernel_streams.values())) == len(kernel_streams)


def test_mix64_is_splitmix64():
    # Reference SplitMix64 outputs for seed 0 (Vigna's splitmix64.c).
    golden = 0x9E3779B97F4A7C15
    ref = [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F, 0xF88BB8A8724C81EC]
    for i, want in enumerate(ref, start=1):
        assert mix64((golden * i) % 2**64) == want
        # uniform(0, c) is exactly the c-th SplitMix64(seed=0) output, top 53 bits.
        assert uniform(0, i - 1) == (want >> 11) * 2.0**-53
    assert mix64(0) == 0
    assert mix64(1) == 6238072747940578789
    assert mix64(2**64 - 1) == 13029008266876403067


@pytest.mark.parametrize("case", KAT, ids=[str(i) for i in range(len(KAT))])
def test_key_and_sampler_known_answers(case):
    args, k, u0, u7, z0, b_small, b_large, p_small, p_large = case
    assert key(*args) == k
    assert key.py_func(*args) == k
    assert uniform(k, 0) == u0
    assert uniform(k, 7) == u7
    # transcendental functions come from libm: allow a few ulps across platforms
    assert normal(k, 0) == pytest.approx(z0, rel=1e-13, abs=1e-15)
    assert binomial(k, 10, 0.3) == b_small
    assert binomial(k, 5000, 0.4) == b_large
    assert poisson(k, 3.5) == p_small
    assert poisson(k, 120.0) == p_large


def test_key_large_python_ints_roundtrip():
    # Keys >= 2**63 returned to Python must be accepted back by the samplers.
    k = key(42, STREAM_KAT["arrest"], 17, SINALOA, CJNG)
    assert k >= 2**63
    assert 0.0 <= uniform(k, 0) < 1.0
    assert uniform(np.uint64(k), 0) == uniform(k, 0)


# ---------------------------------------------------------------------------
# Compiled == pure Python, bit for bit
# ---------------------------------------------------------------------------


def _random_inputs(n=2000, seed=12345):
    g = np.random.default_rng(seed)
    i64 = np.iinfo(np.int64)
    tuples = [tuple(int(v) for v in row) for row in g.integers(i64.min, i64.max, size=(n, 5))]
    tuples[:4] = [(0, 0, 0, 0, 0), (1, 2, 3, 4, 0), (-1, -1, -1, -1, -1), (i64.max,) * 5]
    counters = [int(c) for c in g.integers(0, 1000, size=n)]
    # binomial (n, p): three regimes so both branches (and the p > 0.5 flip) are hit
    ns, ps = [], []
    for j in range(n):
        r = j % 4
        if r == 0:  # small n, any p: mostly inversion
            ns.append(int(g.integers(1, 120)))
            ps.append(float(g.random()))
        elif r == 1:  # large n, moderate p: normal approximation
            ns.append(int(g.integers(100, 10**7)))
            ps.append(float(g.uniform(0.02, 0.98)))
        elif r == 2:  # huge n, tiny (or near-one) p: inversion with large n
            ns.append(int(g.integers(10**4, 10**9)))
            p = float(10 ** g.uniform(-9, -4))
            ps.append(p if g.random() < 0.5 else 1.0 - p)
        else:  # around the switch point n * min(p, 1-p) = 30
            nn = int(g.integers(60, 400))
            ns.append(nn)
            ps.append(float(g.uniform(20.0, 40.0) / nn))
    lams = []
    for j in range(n):
        r = j % 3
        if r == 0:
            lams.append(float(g.uniform(0.0, 30.0)))
        elif r == 1:
            lams.append(float(g.uniform(25.0, 35.0)))
        else:
            lams.append(float(10 ** g.uniform(-3, 6)))
    return tuples, counters, ns, ps, lams


def _compute_all(tuples, counters, ns, ps, lams, *, use_py_func):
    def f(func):
        return func.py_func if use_py_func else func

    out = {"mix": [], "key": [], "u": [], "z": [], "bin": [], "binh": [], "poi": [], "ber": []}
    for t, c, n, p, lam in zip(tuples, counters, ns, ps, lams):
        k = int(f(key)(*t))
        out["key"].append(k)
        out["mix"].append(int(f(mix64)(k)))
        out["u"].append(float(f(uniform)(k, c)))
        out["z"].append(float(f(normal)(k, c)))
        out["bin"].append(int(f(binomial)(k, n, p)))
        out["binh"].append(int(f(rng._binomial_le_half)(k, n, min(p, 1.0 - p))))
        out["poi"].append(int(f(poisson)(k, lam)))
        out["ber"].append(bool(f(bernoulli)(k, p)))
    return out


@pytest.fixture(scope="module")
def random_inputs():
    return _random_inputs()


def test_inputs_cover_both_branches(random_inputs):
    _, _, ns, ps, lams = random_inputs
    m = np.array(ns) * np.minimum(np.array(ps), 1.0 - np.array(ps))
    assert (m < 30).sum() > 500 and (m >= 30).sum() > 500
    assert ((np.array(ps) > 0.5) & (m < 30)).sum() > 100
    assert ((np.array(ps) > 0.5) & (m >= 30)).sum() > 100
    lam = np.array(lams)
    assert (lam < 30).sum() > 500 and (lam >= 30).sum() > 500


def test_compiled_equals_py_func(random_inputs):
    compiled = _compute_all(*random_inputs, use_py_func=False)
    python = _compute_all(*random_inputs, use_py_func=True)
    for name in compiled:
        assert compiled[name] == python[name], name


_PURE_SCRIPT = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import test_rng
from sim import rng
assert not hasattr(rng.key, "py_func"), "JIT not disabled"
inputs = test_rng._random_inputs()
out = test_rng._compute_all(*inputs, use_py_func=False)
json.dump(out, sys.stdout)
"""


def test_compiled_equals_pure_python_disable_jit(random_inputs):
    """Whole call tree in plain Python (NUMBA_DISABLE_JIT=1) == compiled."""
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONWARNINGS="error::RuntimeWarning")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run(
        [sys.executable, "-c", _PURE_SCRIPT, str(Path(__file__).parent)],
        env=env, capture_output=True, text=True, timeout=120, cwd=REPO,
    )
    assert res.returncode == 0, res.stderr
    pure = json.loads(res.stdout)
    compiled = _compute_all(*random_inputs, use_py_func=False)
    for name in compiled:
        assert compiled[name] == pure[name], name


@njit
def _toy_kernel(seed, step, ids, n, p, lam):
    """A kernel using the rng the way the model does (global stream constants)."""
    m = ids.size
    out = np.zeros((m, m), dtype=np.int64)
    for i in range(m):
        for j in range(m):
            if i != j:
                k = key(seed, STREAM_CLASH, step, ids[i], ids[j])
                out[i, j] = binomial(k, n[i], p)
        k2 = key(seed, STREAM_COLLATERAL, step, ids[i], 0)
        out[i, i] = poisson(k2, lam) + (1 if bernoulli(k2, 0.5) else 0)
    return out


def test_kernel_py_func_reproduces_numba():
    ids = np.array([stable_id(f"plaza-{i}") for i in range(12)], dtype=np.int64)
    n = np.array([3, 40, 100, 1000, 5000, 7, 0, 250, 60, 61, 10**6, 2], dtype=np.int64)
    for step in range(3):
        for p, lam in ((0.3, 2.5), (0.5, 45.0), (0.97, 0.1)):
            a = _toy_kernel(11, step, ids, n, p, lam)
            b = _toy_kernel.py_func(11, step, ids, n, p, lam)
            np.testing.assert_array_equal(a, b)


def test_adding_an_entity_does_not_change_other_draws():
    names = [f"plaza-{i}" for i in range(20)]

    def draws(name_list):
        return {
            nm: (uniform(key(3, STREAM_CLASH, 9, stable_id(nm), 0), 0),
                 binomial(key(3, STREAM_CLASH, 9, stable_id(nm), 0), 50, 0.2))
            for nm in name_list
        }

    before = draws(names)
    extended = names[:7] + ["new plaza"] + names[7:]
    after = draws(list(reversed(extended)))
    for nm in names:
        assert after[nm] == before[nm]


# ---------------------------------------------------------------------------
# Key sensitivity / independence
# ---------------------------------------------------------------------------


def test_changing_any_input_changes_key():
    g = np.random.default_rng(7)
    dists = []
    for _ in range(300):
        base = [int(v) for v in g.integers(0, 2**62, size=5)]
        k0 = key(*base)
        for pos in range(5):
            for delta in (1, -1, 1 << int(g.integers(0, 62))):
                alt = list(base)
                alt[pos] += delta
                k1 = key(*alt)
                assert k1 != k0
                dists.append(bin(k0 ^ k1).count("1"))
    d = np.array(dists)
    # avalanche: ~half of the 64 bits flip
    assert abs(d.mean() - 32.0) < 0.5
    assert d.min() > 8


def test_uncorrelated_across_ids_steps_streams_seeds():
    N = 20000
    ids = np.arange(1, N + 1)
    base = uniforms(5, STREAM_CLASH, 10, ids)
    variants = {
        "next id": uniforms(5, STREAM_CLASH, 10, ids + 1),
        "next step": uniforms(5, STREAM_CLASH, 11, ids),
        "other stream": uniforms(5, STREAM_COLLATERAL, 10, ids),
        "next seed": uniforms(6, STREAM_CLASH, 10, ids),
        "b set": uniforms(5, STREAM_CLASH, 10, ids, b=1),
        "next counter": uniforms(5, STREAM_CLASH, 10, ids, counter=1),
    }
    lim = 4.5 / math.sqrt(N)
    for name, other in variants.items():
        r = np.corrcoef(base, other)[0, 1]
        assert abs(r) < lim, (name, r)
        assert not np.any(base == other), name
    # lag-1 autocorrelation along entity ids
    assert abs(np.corrcoef(base[:-1], base[1:])[0, 1]) < lim
