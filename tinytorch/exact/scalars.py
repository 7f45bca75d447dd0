"""How PyTorch sees a Python number in an op, where NumPy would see it differently.

- as_scalar: the number converted to the op's dtype the way C converts, so an
  integer that does not fit wraps around (uint8 - 3 is 254, `uint8 < -3`
  compares with 253), where NumPy would refuse it.
- opmath_operands: float16 mul, div and rounded division with a single-value
  right operand compute in float32 with that value unrounded, as PyTorch's CPU
  kernels do ("opmath").
- power_operands: float32 ** number is taken in double, as PyTorch's kernel does.
- saved_int64: how grad_fn._saved_dim and the like read back a negative int.

Pinned by tests/test_promotion_oracle.py (numbers of every kind against every
dtype), tests/test_float_rounding_oracle.py (the float16 cases that tell the
rules apart) and tests/test_autograd_saved.py (saved_int64).
"""
import numpy as np

from .. import dtypes

INTEGER = dtypes.INTEGER
BOOL = dtypes.bool_


def as_scalar(value, d):
    """A Python number as an op computing in dtype d sees it.

    PyTorch first converts the number to d, the way C converts: an integer that
    does not fit wraps around (uint8 - 3 is 254, and `uint8 < -3` compares with
    253). NumPy would raise instead, so the wrapping is done here."""
    if isinstance(value, bool) or d is BOOL:
        return value
    low, high = dtypes.limits(d)  # d's true limits, not dtypes.fits: here PyTorch wraps, never refuses
    if low <= value <= high:
        return value
    if d.category == INTEGER:
        return _wrap_int(value, d)
    return d.numpy.type(value)  # beyond a float type's range (or nan): inf or nan, silently


def _wrap_int(value, d):
    if not -2**63 <= value < 2**64:
        raise OverflowError("int too big to convert")
    bits = 8 * d.itemsize
    value %= 1 << bits
    if d.is_signed and value >= 1 << (bits - 1):
        value -= 1 << bits
    return value


def opmath_operands(x, y, d, b):
    """(x, y) as PyTorch's CPU kernels for mul, div and rounded division see
    them, for `a op b` with y the array or number promote() made of b.

    With a float16 result and a right operand that is a single value (a number,
    or a tensor of one element), those kernels compute in float32 ("opmath") and
    take that value as it was given, not rounded to float16 first: so
    tensor(1., dtype=float16) // 0.2 is 4, as 1 // 0.2 is in float32, where 0.2
    rounded to float16 (0.19995) would give 5; and half * 1e5 stays finite,
    although 1e5 is inf in float16. from_array rounds the result to float16,
    once. Every other op (add, sub, remainder, pow, comparisons, clamp, where)
    and a number on the left round the number to float16, as as_scalar does."""
    number = isinstance(b, (bool, int, float, np.number, np.bool_))  # else b is a tensor
    if d is not dtypes.float16 or (not number and b.numel() != 1):
        return x, y
    if not number:
        value = b._data.astype(np.float32)  # from b's own dtype: a float64 0.2 is not rounded to float16 on the way
    else:
        value = np.float32(b.item() if isinstance(b, (np.number, np.bool_)) else b)  # beyond float32's range: inf
    return x.astype(np.float32), value


def power_operands(base, exponent, d):
    """(base array, dtype to compute in) for `tensor ** exponent` with result dtype d.
    PyTorch's float32 kernel calls pow(float, double), element by element: the
    exponent keeps its double value and the power is taken in double, then rounded
    (-1.0 ** 1.9999999999999982 is nan, though that exponent is 2.0 in float32). Its
    vectorized loop (32 elements at a time on AVX-512) rounds the exponent to float32
    instead: where the two differ, PyTorch disagrees with itself, and tinytorch follows
    the element-by-element loop. Pinned by tests/test_float_rounding_oracle.py."""
    if d is dtypes.float32 and not isinstance(exponent, bool):
        return base.astype(np.float64), dtypes.float64
    return base, d


def saved_int64(value):
    """An int argument a node saved (a dim, an index, a slice bound), as torch
    2.13 reads it back through grad_fn._saved_<name>: a negative int comes back
    as its unsigned 64-bit pattern (dim=-1 reads 18446744073709551615), in a
    tuple too. None and bools come back as they are."""
    if isinstance(value, tuple):
        return tuple(saved_int64(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        return value + 2**64
    return value
