"""Counter-based random numbers for the simulation kernel.

What it is
----------
Every random draw in the model is a pure function of a *key* and a small
integer *counter*; there is no generator state that advances as draws are
made.  The key is a 64-bit hash of five integers::

    k = key(seed, stream, step, a, b)

* ``seed``   -- the replicate seed (non-negative int64 by convention; negative
  values are accepted and taken modulo 2**64).
* ``stream`` -- a stream id, ``stream_id("clash")`` etc.  The streams the kernel uses
  are the ``S_*`` constants of :mod:`sim.codes`.
* ``step``   -- the time-step index.
* ``a``, ``b`` -- *stable* entity ids, ``stable_id(name)`` (a hash of the
  entity's name, never an array index).  ``b`` is the second party of a pair
  event (attacker/defender, cartel/plaza) and ``0`` when unused.

From a key, ``uniform(k, c)`` returns the ``c``-th uniform of that key
(counter mode: ``mix64(k + (c + 1) * GOLDEN)``, top 53 bits scaled to
[0, 1)), and the samplers below consume fixed *sub-counters* of the same key.

Why counter-based
-----------------
This is the common-random-numbers scheme of Starsim (and of counter-based
generators such as Philox/Threefry in general): because a draw depends only
on *who* it is for, *what* it is for and *when* it happens, never on how many
draws were made before it or on the position of an entity in an array,

* adding, removing or re-ordering an unrelated plaza / cartel does not change
  any other entity's draws, so two scenarios differ only where they really
  differ (variance reduction for scenario comparisons);
* iteration order, array layout and chunking are irrelevant, so a plain-Python
  reference implementation of a kernel reproduces the numba version exactly.

Building blocks
---------------
``mix64`` is the SplitMix64 finaliser (Stafford's "Mix13" constants), a
bijection of uint64 with full avalanche.  ``key`` chains it over the five
inputs: ``h <- mix64(h XOR (x_i * C_i))`` with a distinct odd constant
``C_i`` per position.  Each step is a bijection of ``x_i`` (for a fixed
prefix) and of ``h``, so changing any single input always changes the key;
changing several inputs gives an unrelated key except with probability
~2**-64.  All integer arithmetic is uint64 and wraps modulo 2**64.

Samplers and their switch points
--------------------------------
``uniform(k, c)``
    [0, 1), resolution 2**-53.
``normal(k, c)``
    Box-Muller (cosine branch) from ``uniform(k, c)`` and ``uniform(k, c+1)``:
    ``sqrt(-2 log(1 - u1)) * cos(2 pi u2)``.
``bernoulli(k, p)``
    ``uniform(k, 0) < p``.
``binomial(k, n, p)``
    ``n <= 0`` or ``p <= 0`` (or NaN) -> 0; ``p >= 1`` -> n.  If ``p > 0.5``
    the symmetry ``n - binomial(n, 1 - p)`` is used, so below ``p <= 0.5``.
    If ``n * p < 30`` (``BINOMIAL_INVERSION_MAX``): exact inversion with one
    uniform at counter 0 -- walk the CDF from ``P(0) = exp(n log1p(-p))`` with
    the recurrence ``P(x+1) = P(x) (n-x)/(x+1) p/q``.  Otherwise: normal
    approximation with continuity correction,
    ``floor(np + sqrt(npq) z + 1/2)`` with ``z = normal(k, 1)`` (counters 1
    and 2), clipped to [0, n].
``poisson(k, lam)``
    ``lam <= 0`` (or NaN) -> 0.  If ``lam < 30`` (``POISSON_INVERSION_MAX``):
    exact inversion with ``uniform(k, 0)``, ``P(0) = exp(-lam)``,
    ``P(x) = P(x-1) lam / x``.  Otherwise ``floor(lam + sqrt(lam) z + 1/2)``
    with ``z = normal(k, 1)``, clipped at 0.  ``lam`` must be finite.
``rate_to_prob(rate, dt)``
    ``1 - exp(-rate dt)`` computed as ``-expm1(-rate dt)``; the conversion
    used for every per-step probability.
``binomial_at_rate(k, n, rate, dt)``
    The same draw as ``binomial(k, n, rate_to_prob(rate, dt))``, without the
    exponential when ``uniform(k, 0)`` is below the zero shortcut for
    ``p = rate dt`` (``rate_to_prob(rate, dt) <= rate dt``, so it is below the
    shortcut for the true p as well): most draws at small rates cost no ``expm1``.

The inversion walks stop early if the CDF stops increasing in floating point
beyond the mean (u within ~1e-16 of 1), so they always terminate.

Each sampler takes a whole key: one key yields one binomial/Poisson/Bernoulli
draw.  If a caller needs several independent draws for the same
(seed, stream, step, a, b) it must use distinct streams, or call ``uniform``
/ ``normal`` with distinct counters.

Types
-----
The kernels are compiled eagerly with explicit signatures::

    mix64(uint64) -> uint64
    key(int64, int64, int64, int64, int64) -> uint64
    uniform(uint64 k, int64 counter) -> float64
    normal(uint64 k, int64 counter) -> float64
    bernoulli(uint64 k, float64 p) -> boolean
    binomial(uint64 k, int64 n, float64 p) -> int64
    poisson(uint64 k, float64 lam) -> int64
    rate_to_prob(float64 rate, float64 dt) -> float64
    binomial_at_rate(uint64 k, int64 n, float64 rate, float64 dt) -> int64

Fixing the key type to uint64 means a key returned to Python (an int that may
be >= 2**63) can be passed straight back to the compiled samplers, e.g. from
a plain-Python reference kernel; with lazy typing numba would pick an int64
specialisation and fail to unbox such keys.

Reproducibility
---------------
The functions are ``numba.njit(cache=True)`` with ``fastmath`` off (no
reassociation, no FMA contraction) and use only ``math`` functions, so the
compiled code and the pure-Python code (``func.py_func`` or
``NUMBA_DISABLE_JIT=1``) give bit-identical results.  Integer wrap-around is
done through the helpers ``_u64``/``_mul``/``_add``, which are plain Python
(masking Python ints, so no numpy overflow warnings) and are replaced by
native uint64 arithmetic inside compiled code via ``numba.extending.overload``.
Results are reproducible on the same platform and library versions; the
transcendental functions (exp, log, log1p, expm1, cos) come from the
platform's libm, so bit-for-bit equality across platforms or libm versions is
not guaranteed (the integer part -- keys and uniforms -- is exact everywhere).
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
from numba import njit
from numba.extending import overload

__all__ = [
    "stable_id",
    "stream_id",
    "mix64",
    "key",
    "uniform",
    "normal",
    "bernoulli",
    "binomial",
    "poisson",
    "rate_to_prob",
    "binomial_at_rate",
    "BINOMIAL_INVERSION_MAX",
    "POISSON_INVERSION_MAX",
]

_MASK64 = 0xFFFFFFFFFFFFFFFF
_MASK63 = 0x7FFFFFFFFFFFFFFF


# ---------------------------------------------------------------------------
# Stable ids (plain Python)
# ---------------------------------------------------------------------------


def stable_id(name: str) -> int:
    """63-bit non-negative id of an entity name (blake2b, 8-byte digest).

    Independent of any array position, Python's hash seed and the platform.
    """
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _MASK63


def stream_id(name: str) -> int:
    """Id of a random stream; same hash as :func:`stable_id`."""
    return stable_id(name)


# ---------------------------------------------------------------------------
# Wrapping uint64 helpers: pure Python outside numba, native uint64 inside.
# ---------------------------------------------------------------------------


def _u64(x):
    """int -> np.uint64 modulo 2**64."""
    return np.uint64(int(x) & _MASK64)


def _mul(a, b):
    """a * b modulo 2**64 as np.uint64."""
    return np.uint64((int(a) * int(b)) & _MASK64)


def _add(a, b):
    """a + b modulo 2**64 as np.uint64."""
    return np.uint64((int(a) + int(b)) & _MASK64)


@overload(_u64, inline="always")
def _u64_nb(x):
    def impl(x):
        return np.uint64(x)

    return impl


@overload(_mul, inline="always")
def _mul_nb(a, b):
    def impl(a, b):
        return np.uint64(a) * np.uint64(b)

    return impl


@overload(_add, inline="always")
def _add_nb(a, b):
    def impl(a, b):
        return np.uint64(a) + np.uint64(b)

    return impl


# ---------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------

_M1 = np.uint64(0xBF58476D1CE4E5B9)  # Stafford Mix13 multipliers
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)

GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # counter increment (2**64 / phi, odd)

# Distinct odd constants (hex digits of pi, forced odd) for the key chain.
_K_INIT = np.uint64(0x243F6A8885A308D3)
_K_SEED = np.uint64(0x13198A2E03707345)
_K_STREAM = np.uint64(0xA4093822299F31D1)
_K_STEP = np.uint64(0x082EFA98EC4E6C89)
_K_A = np.uint64(0x452821E638D01377)
_K_B = np.uint64(0xBE5466CF34E90C6D)

_TWO_M53 = 1.0 / 9007199254740992.0  # 2**-53
_TWO_PI = 2.0 * math.pi

#: binomial uses exact inversion when n * min(p, 1 - p) is below this
BINOMIAL_INVERSION_MAX = 30.0
#: poisson uses exact inversion when lam is below this
POISSON_INVERSION_MAX = 30.0
# A uniform below (1 - mean) * _SAFE is below P(X = 0) whatever the rounding of exp and log
# (both are within a few ulps): the shortcut returns what the full inversion would.
_SAFE = 1.0 - 1e-12

# ---------------------------------------------------------------------------
# Kernels
# ---------------------------------------------------------------------------


@njit("uint64(uint64)", cache=True)
def mix64(x):
    """SplitMix64 / Stafford Mix13 finaliser: uint64 -> uint64 bijection."""
    z = _u64(x)
    z = _mul(z ^ (z >> _S30), _M1)
    z = _mul(z ^ (z >> _S27), _M2)
    return z ^ (z >> _S31)


@njit("uint64(int64, int64, int64, int64, int64)", cache=True)
def key(seed, stream, step, a, b):
    """uint64 key of (seed, stream id, step, entity id a, entity id b).

    All inputs are int64 (b = 0 when unused).  Changing any one input always
    changes the key.
    """
    h = _K_INIT
    h = mix64(h ^ _mul(_u64(seed), _K_SEED))
    h = mix64(h ^ _mul(_u64(stream), _K_STREAM))
    h = mix64(h ^ _mul(_u64(step), _K_STEP))
    h = mix64(h ^ _mul(_u64(a), _K_A))
    h = mix64(h ^ _mul(_u64(b), _K_B))
    return h


@njit("float64(uint64, int64)", cache=True)
def uniform(k, counter):
    """The counter-th uniform float64 in [0, 1) of key k (53-bit resolution)."""
    z = mix64(_add(_u64(k), _mul(_u64(counter + 1), GOLDEN)))
    return float(z >> _S11) * _TWO_M53


@njit("float64(uint64, int64)", cache=True)
def normal(k, counter):
    """Standard normal by Box-Muller from uniforms at counter and counter+1."""
    u1 = uniform(k, counter)
    u2 = uniform(k, counter + 1)
    r = math.sqrt(-2.0 * math.log(1.0 - u1))  # 1 - u1 in (0, 1]
    return r * math.cos(_TWO_PI * u2)


@njit("boolean(uint64, float64)", cache=True)
def bernoulli(k, p):
    """True with probability p (uses uniform(k, 0))."""
    return uniform(k, 0) < p


@njit("float64(float64, float64)", cache=True)
def rate_to_prob(rate, dt):
    """Probability of at least one event in dt at a constant rate: 1 - exp(-rate*dt)."""
    return -math.expm1(-rate * dt)


@njit("int64(uint64, int64, float64)", cache=True)
def _binomial_le_half(k, n, p):
    """Binomial(n, p) for n >= 1, 0 < p <= 0.5."""
    mean = float(n) * p
    if mean < BINOMIAL_INVERSION_MAX:
        u = uniform(k, 0)
        if u < (1.0 - mean) * _SAFE:  # below P(0) = (1-p)^n >= 1 - np: no exp/log needed
            return 0
        r = p / (1.0 - p)
        pmf = math.exp(float(n) * math.log1p(-p))
        cdf = pmf
        x = 0
        while u >= cdf and x < n:
            pmf = pmf * (float(n - x) / float(x + 1)) * r
            x += 1
            nxt = cdf + pmf
            if nxt == cdf and float(x) > mean:
                break
            cdf = nxt
        return x
    z = normal(k, 1)
    sd = math.sqrt(mean * (1.0 - p))
    x = int(math.floor(mean + sd * z + 0.5))
    if x < 0:
        x = 0
    if x > n:
        x = n
    return x


@njit("int64(uint64, int64, float64)", cache=True)
def binomial(k, n, p):
    """Binomial(n, p) draw from key k; exact inversion if n*min(p,1-p) < 30,
    else continuity-corrected normal approximation; always in [0, n]."""
    if n <= 0 or not (p > 0.0):
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - _binomial_le_half(k, n, 1.0 - p)
    return _binomial_le_half(k, n, p)


@njit("int64(uint64, int64, float64, float64)", cache=True)
def binomial_at_rate(k, n, rate, dt):
    """binomial(k, n, rate_to_prob(rate, dt)), the same draw, skipping the exponential
    when the uniform falls in the zero shortcut for p = rate dt >= rate_to_prob(rate, dt)."""
    bound = rate * dt
    if n > 0 and 0.0 < bound <= 0.5 and uniform(k, 0) < (1.0 - float(n) * bound) * _SAFE:
        return 0
    return binomial(k, n, rate_to_prob(rate, dt))


@njit("int64(uint64, float64)", cache=True)
def poisson(k, lam):
    """Poisson(lam) draw from key k; exact inversion if lam < 30, else
    continuity-corrected normal approximation clipped at 0."""
    if not (lam > 0.0):
        return 0
    if lam < POISSON_INVERSION_MAX:
        u = uniform(k, 0)
        if u < (1.0 - lam) * _SAFE:  # below P(0) = exp(-lam) >= 1 - lam: no exp needed
            return 0
        pmf = math.exp(-lam)
        cdf = pmf
        x = 0
        while u >= cdf:
            x += 1
            pmf = pmf * lam / float(x)
            nxt = cdf + pmf
            if nxt == cdf and float(x) > lam:
                break
            cdf = nxt
        return x
    z = normal(k, 1)
    x = int(math.floor(lam + math.sqrt(lam) * z + 0.5))
    if x < 0:
        x = 0
    return x
