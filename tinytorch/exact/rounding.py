"""Float arithmetic rounded once, as a fused multiply-add rounds it.

PyTorch's CPU kernels compute a*b + c with a fused multiply-add (std::fma,
at::vec::fmadd): the exact result, rounded once. NumPy has no fma; a*b + c there
rounds the product, then the sum, and the last bit differs often enough to show.

Two error-free transformations recover what a float64 operation rounded away,
exactly, as another float64 (barring overflow):

    two_sum(a, b)       a + b == s + e    (Knuth)
    two_product(a, b)   a * b == p + e    (Dekker)

Adding the errors back to the rounded sum gives the fused result
(add_product, fma): the exact one, rounded once, but for results within a hair
of halfway between two floats, where the sum of the two errors, itself rounded,
may tip the last bit.

Used by exact/alpha.py (add and sub with alpha, pinned by
tests/test_float_rounding_oracle.py::test_add_and_sub_with_alpha_round_once) and
exact/ranges.py (arange and linspace, pinned by
tests/test_creation_oracle.py::test_arange_is_bit_identical and
::test_linspace_is_bit_identical). The functions take float64 NumPy or CuPy
arrays or numbers; `xp` is the array module.
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


def add_product(c, p, p_error, xp=np):
    """c + (p + p_error) rounded once, for a product p and its error from two_product."""
    with np.errstate(invalid="ignore", over="ignore"):
        s, s_error = two_sum(c, p)
        error = s_error + p_error
        # inf and nan need no correction (and their errors are nan); nor does an exact
        # sum, where adding a zero error would turn -0.0 + -0.0 into +0.0.
        fix = xp.isfinite(error) & (error != 0)
        return xp.where(fix, s + error, s)


def fma(a, b, c, xp=np):
    """a*b + c rounded once to float64: what std::fma and at::vec::fmadd compute
    (narrower operands are widened first, exactly)."""
    a, b, c = (xp.asarray(v, dtype=np.float64) for v in (a, b, c))
    with np.errstate(invalid="ignore", over="ignore"):
        p, p_error = two_product(a, b)
    return add_product(c, p, p_error, xp)
