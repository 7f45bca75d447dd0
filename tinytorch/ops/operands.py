"""How an elementwise op gets its operands: the arrays of its tensors and its
Python numbers, promoted to one dtype by PyTorch's rules (dtypes.result_type:
a number does not widen a tensor's dtype unless it is of a higher kind, int
tensor + 2.5 is float), on one device, and the errors PyTorch gives first.
The ops in arithmetic.py, comparison.py and math_functions.py start here.
"""
from .. import dtypes
from ..exact.scalars import as_scalar
from ..strides import broadcast_shapes
from .base import Tensor, np, same_device, xp_of

INTEGER, FLOATING = dtypes.INTEGER, dtypes.FLOATING
BOOL = dtypes.bool_


def scalar_dtype(d, value):
    """The result dtype of `tensor(d) op value` for a Python number: the tensor's
    own type unless the number is of a higher category (int tensor + 2.5)."""
    if isinstance(value, float):
        return d if d.category == FLOATING else dtypes.get_default_dtype()
    if isinstance(value, bool):
        return d
    if isinstance(value, int):
        return d if d.category >= INTEGER else dtypes.int64
    raise TypeError(f"unsupported operand type: expected a Tensor or a number, but got {type(value).__name__}")


def cast(t, d):
    if t.dtype is d:
        return t._data
    return t._data.astype(d.numpy)  # a value too big for d becomes inf, silently, as in PyTorch


def promote(a, b):
    """(array of a, array or number for b, common dtype) by PyTorch's promotion."""
    if isinstance(b, Tensor):
        if a.dtype is b.dtype:
            if a._storage.device is not b._storage.device:
                same_device(a, b)
            return a._data, b._data, a.dtype
        same_device(a, b)
        d = dtypes.result_type(a, b)
        return cast(a, d), cast(b, d), d
    if isinstance(b, (np.number, np.bool_)):
        b = b.item()  # NumPy scalars would impose their own width; PyTorch treats them as numbers
    d = scalar_dtype(a.dtype, b)
    return cast(a, d), as_scalar(b, d), d


def operands(a, b):
    """promote() for `a op b` where either side may be a Python number (as in
    `2 - t`): (x, y, dtype, the tensor that decides the device)."""
    if isinstance(a, Tensor):
        x, y, d = promote(a, b)
        return x, y, d, a
    if not isinstance(b, Tensor):
        raise TypeError(f"expected a Tensor, but got {type(a).__name__} and {type(b).__name__}")
    y, x, d = promote(b, a)
    return x, y, d, b


def is_bool(x):
    return x.dtype is BOOL if isinstance(x, Tensor) else isinstance(x, (bool, np.bool_))


def not_for_bool(d, kernel):
    """PyTorch has no bool kernel for some ops (//, %, ** of two bools)."""
    if d is BOOL:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def check_shapes(a, b):
    """PyTorch checks that the shapes broadcast before anything else (dtype
    support, division by zero), so a shape error wins over those."""
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a._shape != b._shape:
        broadcast_shapes(a._shape, b._shape)


def broadcast_error(a, b, error):
    """NumPy said ValueError: if a and b do not broadcast, raise PyTorch's RuntimeError
    and wording instead (broadcast_shapes does), alone: NumPy's error is not chained
    to it, so a learner reads one error; else it was another problem: `error`."""
    try:
        broadcast_shapes(getattr(a, "_shape", ()), getattr(b, "_shape", ()))
    except RuntimeError as mismatch:
        raise mismatch from None
    raise error


def ufunc_of(t, name):
    """The ufunc `name` of the array module that computes for t's device."""
    return getattr(xp_of(t), name)
