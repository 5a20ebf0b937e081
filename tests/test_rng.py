"""Tests for sim.rng: known answers, compiled == pure Python, statistics."""

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
from numba import njit

from sim import codes, rng
from sim.codes import S_CLASH as STREAM_CLASH
from sim.codes import S_COLLATERAL as STREAM_COLLATERAL
from sim.rng import (
    bernoulli,
    binomial,
    binomial_at_rate,
    key,
    mix64,
    normal,
    poisson,
    rate_to_prob,
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


def _uniforms(seed, stream, step, a_ids, b=0, counter=0):
    return np.array([uniform(key(seed, stream, step, int(a), b), counter) for a in a_ids])


def test_uncorrelated_across_ids_steps_streams_seeds():
    N = 20000
    ids = np.arange(1, N + 1)
    base = _uniforms(5, STREAM_CLASH, 10, ids)
    variants = {
        "next id": _uniforms(5, STREAM_CLASH, 10, ids + 1),
        "next step": _uniforms(5, STREAM_CLASH, 11, ids),
        "other stream": _uniforms(5, STREAM_COLLATERAL, 10, ids),
        "next seed": _uniforms(6, STREAM_CLASH, 10, ids),
        "b set": _uniforms(5, STREAM_CLASH, 10, ids, b=1),
        "next counter": _uniforms(5, STREAM_CLASH, 10, ids, counter=1),
    }
    lim = 4.5 / math.sqrt(N)
    for name, other in variants.items():
        r = np.corrcoef(base, other)[0, 1]
        assert abs(r) < lim, (name, r)
        assert not np.any(base == other), name
    # lag-1 autocorrelation along entity ids
    assert abs(np.corrcoef(base[:-1], base[1:])[0, 1]) < lim


# ---------------------------------------------------------------------------
# Statistics (fixed keys => deterministic)
# ---------------------------------------------------------------------------


def _chi2_bounds(df, z=4.0):
    """Wilson-Hilferty approximation of chi-square quantiles at +-z sigma."""
    c = 2.0 / (9.0 * df)
    lo = df * (1 - c - z * math.sqrt(c)) ** 3
    hi = df * (1 - c + z * math.sqrt(c)) ** 3
    return lo, hi


def test_uniform_moments_and_chi_square():
    N = 100_000
    u = _uniforms(2024, STREAM_CLASH, 0, range(N))
    assert u.min() >= 0.0 and u.max() < 1.0
    assert abs(u.mean() - 0.5) < 5 * math.sqrt(1 / 12 / N)
    var_se = math.sqrt((1 / 80 - 1 / 144) / N)
    assert abs(u.var() - 1 / 12) < 5 * var_se
    bins = 100
    counts = np.bincount((u * bins).astype(int), minlength=bins)
    e = N / bins
    chi2 = ((counts - e) ** 2 / e).sum()
    lo, hi = _chi2_bounds(bins - 1)
    assert lo < chi2 < hi, chi2
    # counters of one key are uniform too
    k = key(1, STREAM_CLASH, 0, 0, 0)
    uc = np.array([uniform(k, c) for c in range(N)])
    counts = np.bincount((uc * bins).astype(int), minlength=bins)
    chi2 = ((counts - e) ** 2 / e).sum()
    assert lo < chi2 < hi, chi2


def test_normal_moments():
    N = 50_000
    z = np.array([normal(key(9, STREAM_CLASH, 0, i, 0), 0) for i in range(N)])
    assert abs(z.mean()) < 5 / math.sqrt(N)
    assert abs(z.var() - 1.0) < 5 * math.sqrt(2 / N)
    tail = np.mean(np.abs(z) > 1.959963984540054)
    assert abs(tail - 0.05) < 5 * math.sqrt(0.05 * 0.95 / N)
    assert np.abs(z).max() < 8.6  # sqrt(-2 log 2**-53)


def _check_moments(x, mean, var, z=5.0):
    M = x.size
    m = x.mean()
    assert abs(m - mean) < z * math.sqrt(var / M) + 1e-12, (m, mean)
    s2 = x.var()
    se = math.sqrt(np.mean(((x - m) ** 2 - s2) ** 2) / M)  # empirical SE of variance
    se = max(se, var * math.sqrt(2.0 / M))
    assert abs(s2 - var) < z * se + 0.1, (s2, var)  # +0.1: rounding in normal branch adds 1/12


@pytest.mark.parametrize(
    "n,p",
    [
        (5, 0.3),
        (10, 0.5),
        (1000, 0.001),
        (10**7, 2e-7),
        (59, 0.5),  # n p = 29.5: inversion
        (60, 0.5),  # n p = 30: normal approximation
        (200, 0.2),
        (2000, 0.5),
        (50, 0.9),  # p > 0.5, inversion via symmetry
        (1000, 0.7),  # p > 0.5, normal via symmetry
        (100, 0.999),
    ],
)
def test_binomial_moments(n, p):
    M = 20_000
    x = np.array([binomial(key(77, STREAM_CLASH, n, i, 0), n, p) for i in range(M)])
    assert x.min() >= 0 and x.max() <= n
    _check_moments(x, n * p, n * p * (1 - p))


@pytest.mark.parametrize("n,p", [(5, 0.3), (12, 0.75), (3000, 0.002)])
def test_binomial_inversion_matches_exact_pmf(n, p):
    M = 40_000
    x = np.array([binomial(key(78, STREAM_CLASH, 0, i, 0), n, p) for i in range(M)])
    pmf = np.array([
        math.exp(math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
                 + j * math.log(p) + (n - j) * math.log1p(-p))
        for j in range(n + 1)
    ])
    counts = np.bincount(x, minlength=n + 1).astype(float)
    keep = pmf * M >= 10  # bins with enough expectation; lump the rest
    obs = np.append(counts[keep], counts[~keep].sum())
    exp_ = np.append(pmf[keep] * M, pmf[~keep].sum() * M)
    good = exp_ > 0
    chi2 = (((obs - exp_) ** 2)[good] / exp_[good]).sum()
    lo, hi = _chi2_bounds(int(good.sum()) - 1)
    assert chi2 < hi, chi2


@pytest.mark.parametrize("lam", [0.5, 4.0, 29.0, 30.0, 200.0])
def test_poisson_moments(lam):
    M = 20_000
    x = np.array([poisson(key(55, STREAM_CLASH, 0, i, 0), lam) for i in range(M)])
    assert x.min() >= 0
    _check_moments(x, lam, lam)


def test_poisson_inversion_matches_exact_pmf():
    lam, M = 4.0, 40_000
    x = np.array([poisson(key(56, STREAM_CLASH, 0, i, 0), lam) for i in range(M)])
    pmf = np.array([math.exp(-lam) * lam**j / math.factorial(j) for j in range(x.max() + 1)])
    counts = np.bincount(x, minlength=pmf.size).astype(float)
    keep = pmf * M >= 10
    obs = np.append(counts[keep], counts[~keep].sum())
    exp_ = np.append(pmf[keep] * M, (1 - pmf[keep].sum()) * M)
    chi2 = ((obs - exp_) ** 2 / exp_).sum()
    lo, hi = _chi2_bounds(obs.size - 1)
    assert chi2 < hi, chi2


def test_bernoulli_frequency():
    M = 50_000
    for p in (0.02, 0.3, 0.5, 0.9):
        hits = sum(bernoulli(key(4, STREAM_CLASH, 0, i, 0), p) for i in range(M))
        assert abs(hits / M - p) < 5 * math.sqrt(p * (1 - p) / M)
    ks = [key(4, STREAM_CLASH, 1, i, 0) for i in range(1000)]
    assert not any(bernoulli(k, 0.0) for k in ks)
    assert all(bernoulli(k, 1.0) for k in ks)


# ---------------------------------------------------------------------------
# Edge cases / ranges
# ---------------------------------------------------------------------------


def test_samplers_stay_in_range_edge_cases():
    keys = [key(8, STREAM_CLASH, s, i, 0) for s in range(3) for i in range(200)]
    ns = [0, -5, 1, 2, 59, 60, 10**4, 2**40]
    ps = [0.0, -0.1, 1e-300, 1e-12, 0.2, 0.5, 0.8, 1 - 1e-16, 1.0, 1.3, math.nan, math.inf]
    for k in keys:
        for n in ns:
            for p in ps:
                x = binomial(k, n, p)
                if n <= 0 or not p > 0:
                    assert x == 0
                elif p >= 1:
                    assert x == n
                else:
                    assert 0 <= x <= n, (n, p, x)
        for lam in (-1.0, 0.0, math.nan, 1e-300, 1e-3, 29.999, 30.0, 1e4, 1e12):
            x = poisson(k, lam)
            assert x >= 0
            if not lam > 0:
                assert x == 0


def test_binomial_symmetry():
    for i in range(500):
        k = key(12, STREAM_CLASH, 0, i, 0)
        for n, p in ((20, 0.8), (5000, 0.9)):
            assert binomial(k, n, p) == n - binomial(k, n, 1 - p)


def test_rate_to_prob():
    assert rate_to_prob(0.0, 1.0) == 0.0
    assert rate_to_prob(1e-20, 1.0) == 1e-20  # expm1 keeps precision
    assert rate_to_prob(math.log(2.0), 1.0) == pytest.approx(0.5, rel=1e-15)
    assert rate_to_prob(3.0, 0.25) == pytest.approx(1 - math.exp(-0.75), rel=1e-15)
    assert rate_to_prob(math.inf, 1.0) == 1.0
    assert rate_to_prob.py_func(0.37, 2.0) == rate_to_prob(0.37, 2.0)


def test_binomial_at_rate_is_binomial_of_rate_to_prob():
    """The exp-free shortcut gives the very draw of binomial(k, n, rate_to_prob(rate, dt)),
    compiled and in plain Python, from rates where it always applies to rates above ln 2
    (where p > 0.5 and it must not)."""
    g = np.random.default_rng(2026)
    rates = [0.0, 1e-12, 1e-6, 1e-3, 0.05, 0.3, 0.5, 0.69, 0.7, 1.5, 40.0, math.nan, -0.1]
    checked = zero_shortcuts = 0
    for i in range(4000):
        k = key(31, STREAM_CLASH, i, int(g.integers(1, 2**62)), 0)
        n = int(g.choice([0, 1, 2, 7, 40, 1000]))
        rate, dt = rates[i % len(rates)], float(g.choice([0.25, 1.0, 7.0]))
        expected = binomial(k, n, rate_to_prob(rate, dt))
        assert binomial_at_rate(k, n, rate, dt) == expected, (n, rate, dt)
        assert binomial_at_rate.py_func(k, n, rate, dt) == expected, (n, rate, dt)
        checked += 1
        zero_shortcuts += n > 0 and 0 < rate * dt <= 0.5 and expected == 0
    assert checked == 4000 and zero_shortcuts > 500
