"""x + alpha * y for floats, rounded as PyTorch's add and sub with alpha round it.

PyTorch computes torch.add(x, y, alpha=a) (and sub, as x + (-a) * y) in its
vectorized CPU loop as at::vec::fmadd(y, a, x), with a converted to x's dtype:
- float64: a fused multiply-add, rounded once (rounding.fma);
- float32: the same; here computed in float64, where the product of two
  float32s is exact, so only the sum rounds there, and again to float32 (off
  only where that float64 sum lands exactly halfway between two float32s: an
  exact tie, or a rare double rounding);
- float16: the sum computed in float32 (where the product of two float16s is
  exact), rounded once to float16.
Rounding alpha * y first, as plain NumPy would, differs from PyTorch in about a
quarter of the elements.

PyTorch's element-by-element loop (tensors of a few elements, non-contiguous
ones, the last elements of a contiguous run: under 32 on an AVX-512 CPU) agrees
for two float32 or float64 tensors and for a number as x, but rounds alpha * y
first for a float16 result or a number as y: there PyTorch differs from itself,
and from this, by a rounding step in some elements. tinytorch does not model
that loop.

Pinned by tests/test_float_rounding_oracle.py::test_add_and_sub_with_alpha_round_once
(bit for bit), ::test_add_and_sub_with_alpha and
::test_float16_scalar_rules_on_the_cases_that_tell_them_apart.
"""
import numpy as np

from . import rounding

# The type in which the product of two values of a narrower float type is exact
# (11 significant bits each give 22, within float32's 24; 24 give 48, within float64's 53).
_WIDER = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64}


def add(x, alpha, y, xp=np, out=None):
    """x + alpha * y, for x and y arrays of one float dtype and alpha a number, rounded
    as PyTorch rounds it; written into `out` (an array of x's shape and dtype) if given."""
    alpha = x.dtype.type(alpha)  # PyTorch converts alpha to the tensors' dtype first
    if x.dtype == np.float64:
        result = rounding.fma(alpha, y, x, xp)
        if out is None:
            return result
        out[...] = result
        return out
    wide = _WIDER[x.dtype]
    with np.errstate(over="ignore"):  # a sum beyond the narrow type's range becomes inf, as in PyTorch
        # One wide temporary, widened in a plain copy and then scaled in place: faster
        # than NumPy's cast on the fly in multiply(dtype=), and than widening x too.
        total = xp.array(y, dtype=wide)
        total *= wide(alpha)
        if total.shape == xp.shape(x) and total.ndim:
            xp.add(total, x, out=total)
        else:  # y broadcast against x, or numbers: a new sum (still in the wide type)
            total = total + xp.asarray(x, dtype=wide)
        if out is None:
            return total.astype(x.dtype)
        out[...] = total  # rounded to out's dtype on the way
        return out
