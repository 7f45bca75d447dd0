"""Float arithmetic rounded once, as a fused multiply-add rounds it.

PyTorch's CPU kernels compute a*b + c with a fused multiply-add (std::fma,
at::vec::fmadd): the exact result, rounded once. NumPy has no fma; a*b + c there
rounds the product, then the sum, and the last bit differs often enough to show.

Two error-free transformations recover what a float64 operation rounded away,
exactly, as another float64 (barring overflow):

    two_sum(a, b)       a + b == s + e    (Knuth)
    two_product(a, b)   a * b == p + e    (Dekker)

fma(a, b, c) adds both errors back to the rounded sum: the exact a*b + c,
rounded once, but for results within a hair of halfway between two floats,
where the sum of the two errors, itself rounded, may tip the last bit.
fma32(a, b, c) is the float32 one, simpler: float64 holds a float32 product exactly.
via_float64(f, x): a float32 math function (exp, log, sin ...) computed in float64
and rounded once, which is what PyTorch's float32 math (SLEEF and MKL's vector
functions, accurate to about an ulp) gives in most elements; NumPy's own float32
loops round differently far more often (exp: 40% of values against 1%; log10(100)
would be 2.0000002). Used by ops/math_functions.py and nn.functional's softmax.

Used by exact/alpha.py (add and sub with alpha, pinned by
tests/test_float_rounding_oracle.py::test_add_and_sub_with_alpha_round_once) and
exact/ranges.py (arange and linspace, pinned by
tests/test_creation_oracle.py::test_arange_is_bit_identical and
::test_linspace_is_bit_identical), and by random.py and exact/normal_blocks.py
(tests/test_random_oracle.py). They pass NumPy or CuPy arrays, or numbers;
`xp` is the array module.
"""
import numpy as np


def two_sum(a, b):
    """(s, e): s is a + b rounded, e what the rounding dropped, so a + b == s + e."""
    s = a + b
    b_part = s - a  # the part of s that came from b
    return s, (a - (s - b_part)) + (b - b_part)


def two_product(a, b):
    """(p, e): p is a * b rounded, e what the rounding dropped, so a * b == p + e."""
    p = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(b)
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _split(v):
    """v as hi + lo, each with at most 26 significant bits, so that products of the parts are exact."""
    c = 134217729.0 * v  # 2**27 + 1
    hi = c - (c - v)
    return hi, v - hi


def fma(a, b, c, xp=np):
    """a*b + c rounded once to float64: what std::fma and at::vec::fmadd compute
    (narrower operands are widened first, exactly)."""
    # (A number stays one: as a 0-d array it would make every step slower.)
    a, b, c = (float(v) if isinstance(v, (float, np.floating)) else xp.asarray(v, np.float64) for v in (a, b, c))
    with np.errstate(invalid="ignore", over="ignore"):  # an inf or nan operand: see below
        p, p_error = two_product(a, b)
        s, error = two_sum(c, p)
        error += p_error  # (in place: these temporaries are large, and allocating them is most of the time)
        # Only a finite, non-zero error is added: an inf or nan operand has none, and
        # adding a zero one to an exact sum would turn -0.0 + -0.0 into +0.0.
        return xp.where(xp.isfinite(error) & (error != 0), s + error, s)


def fma32(a, b, c, xp=np):
    """a*b + c for float32 operands, rounded once to float32 (as a float32 fused
    multiply-add): the product of two float32s is exact in float64, so only the sum
    rounds there, and again to float32 (off only where that float64 sum lands
    exactly halfway between two float32s: a rare double rounding)."""
    wide = xp.asarray(a, np.float64) * xp.asarray(b, np.float64) + xp.asarray(c, np.float64)
    return wide.astype(np.float32)


def fused_multiply_add(a, b, c, dtype, xp=np):
    """a*b + c rounded once to `dtype` (float32 or float64), as a fused multiply-add of that width."""
    return fma32(a, b, c, xp) if dtype == np.float32 else fma(a, b, c, xp)


def via_float64(f, x):
    """f(x) for a float32 array x, computed in float64 and rounded once to float32;
    any other dtype computes in itself."""
    return f(x.astype(np.float64)).astype(np.float32) if x.dtype == np.float32 else f(x)
