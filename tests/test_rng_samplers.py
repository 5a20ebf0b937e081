"""The samplers of sim.rng: moments, exact probability mass functions, frequencies and
ranges, from fixed keys (deterministic)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import uniforms

from sim.codes import S_CLASH as STREAM_CLASH
from sim.rng import (
    bernoulli,
    binomial,
    binomial_at_rate,
    key,
    normal,
    poisson,
    rate_to_prob,
    uniform,
)

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
    u = uniforms(2024, STREAM_CLASH, 0, range(N))
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
