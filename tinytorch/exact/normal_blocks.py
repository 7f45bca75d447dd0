"""randn's Box-Muller, ordered and rounded as PyTorch's CPU kernel does it.

To fill a dense tensor of 16 or more normals, torch (normal_fill in
aten/src/ATen/native/cpu) first writes n uniforms u, then turns each block of 16
into normals in place: u[0:8] (as 1 - u, so the log never sees 0) give the
radii, u[8:16] the angles,

    x[j]     = sqrt(-2 log(1 - u[j])) * cos(2 pi u[j + 8]) * std + mean
    x[j + 8] = sqrt(-2 log(1 - u[j])) * sin(2 pi u[j + 8]) * std + mean

When n is not a multiple of 16, 16 fresh uniforms replace the last 16 values
and are turned the same way, so the tail overlaps the last full block.

float32 runs through 8-wide vector code whose log and sincos are the Cephes
polynomials of avx_mathfun.h (evaluated with fused multiply-adds), which round
differently from the C library; `_log` and `_sincos` below do their float32
steps in the same order. float64 uses the C library's log, cos and sin, which
Python's math module calls too.

Pinned by tests/test_random_oracle.py::test_randn_matches_torch: float64 is
bit-identical; float32 agrees in all but about one value in a thousand, and
there within 2 units in the last place (torch compiled without AVX2 takes
another path, the C library's float functions, and differs from both).
"""
import math

import numpy as np

from .rounding import fma, fma32

_F = np.float32


def normal_fill(generator, n, dtype, mean, std):
    """n >= 16 normals of `dtype`, drawn from `generator` in torch's block order."""
    values = generator.uniform(n, dtype)
    full = n // 16 * 16
    values[:full] = _blocks(values[:full], dtype, mean, std)
    if n % 16:
        values[n - 16:] = _blocks(generator.uniform(16, dtype), dtype, mean, std)
    return values.astype(dtype.numpy)


def _blocks(units, dtype, mean, std):
    units = units.reshape(-1, 2, 8)
    if dtype.numpy != np.float64:  # float32 (and float16, rounded from it)
        radius = np.sqrt(_F(-2) * _log(_F(1) - units[:, 0].astype(_F)))
        sin, cos = _sincos(_F(2 * math.pi) * units[:, 1].astype(_F))
        pair = [fma32(radius * cos, _F(std), _F(mean)), fma32(radius * sin, _F(std), _F(mean))]
    else:
        radius = np.sqrt(-2.0 * _each(math.log, 1.0 - units[:, 0]))
        theta = 2.0 * math.pi * units[:, 1]
        pair = [fma(radius * _each(math.cos, theta), std, mean), fma(radius * _each(math.sin, theta), std, mean)]
    return np.stack(pair, axis=1).reshape(-1)


def _each(function, x):
    return np.array([function(v) for v in x.ravel().tolist()], dtype=np.float64).reshape(x.shape)


def _log(x):
    """Cephes' float32 log: x = m * 2**e with m in [sqrt(1/2), sqrt(2)), then a
    degree-9 polynomial in m - 1, plus e * log(2) in two parts."""
    bits = np.maximum(x, np.finfo(_F).tiny).view(np.uint32)
    e = ((bits >> 23).astype(np.int32) - 126).astype(_F)
    m = ((bits & np.uint32(0x807FFFFF)) | np.uint32(0x3F000000)).view(_F)  # the mantissa, in [0.5, 1)
    small = m < _F(0.707106781186547524)
    m = m - _F(1) + np.where(small, m, _F(0))  # below sqrt(1/2): use 2m - 1 and one less in e
    e = e - small.astype(_F)
    z = m * m
    y = np.full_like(m, _F(7.0376836292e-2))
    for c in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1,
              2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):
        y = fma32(y, m, _F(c))
    y = y * m * z
    y = fma32(e, _F(-2.12194440e-4), y)
    y = fma32(z, _F(-0.5), y)
    return fma32(e, _F(0.693359375), m + y)


def _sincos(x):
    """Cephes' float32 sin and cos: reduce x by multiples of pi/4 (in three parts,
    for precision), then a short polynomial for sin or cos on [-pi/4, pi/4]."""
    negative = x < 0
    x = np.abs(x)
    octant = (x * _F(1.27323954473516)).astype(np.int32)  # x / (pi/4), truncated
    octant = (octant + 1) & ~1
    k = octant.astype(_F)
    for part in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = fma32(k, _F(part), x)
    z = x * x
    cos = fma32(_F(2.443315711809948e-5), z, _F(-1.388731625493765e-3))
    cos = fma32(cos, z, _F(4.166664568298827e-2)) * z * z
    cos = fma32(z, _F(-0.5), cos) + _F(1)
    sin = fma32(_F(-1.9515295891e-4), z, _F(8.3321608736e-3))
    sin = fma32(sin, z, _F(-1.6666654611e-1))
    sin = fma32(sin * z, x, x)
    swap = (octant & 2) != 0  # in these octants sin's polynomial gives cos, and the other way round
    sin, cos = np.where(swap, cos, sin), np.where(swap, sin, cos)
    sin = np.where(negative ^ ((octant & 4) != 0), -sin, sin)
    cos = np.where(((octant - 2) & 4) == 0, -cos, cos)
    return sin, cos
