"""Ops that compare or choose: ==, <, ..., logic and bitwise ops (no gradients),
and where, maximum and minimum, whose gradient goes to the side they chose.

Each op is a forward function followed by its backward node.
"""
import warnings

from ..autograd.graph import Node
from ..exact.arguments import invalid_combination, is_tensor_or_number, not_tensor_then_number, parser_type_name
from ..exact.layout import copy_strides, elementwise_strides
from ..exact.scalars import as_scalar
from ..strides import broadcast_shapes, contiguous_strides
from .base import (
    Tensor, dtypes, elementwise_result, from_array, needs_grad, record, require_tensor, same_device, type_name, xp_of,
)
from .operands import BOOL, FLOATING, broadcast_error, cast, check_shapes, operands, promote, ufunc_of


# -- comparisons and logic (no gradients) -------------------------------------------
def _compare(a, b, name):
    # PyTorch's comparison functions take a tensor first (2 < t arrives here as gt(t, 2)).
    if not isinstance(a, Tensor) or not is_tensor_or_number(b):
        raise not_tensor_then_number(_COMPARISON_NAMES[name], (a, b))
    x, y, d, like = operands(a, b)
    try:
        out = ufunc_of(like, name)(x, y)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(out, BOOL, like._storage.device, (a, b), d)


_COMPARISON_NAMES = {"equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le", "greater": "gt",
                     "greater_equal": "ge"}


def eq(a, b): return _compare(a, b, "equal")
def ne(a, b): return _compare(a, b, "not_equal")
def lt(a, b): return _compare(a, b, "less")
def le(a, b): return _compare(a, b, "less_equal")
def gt(a, b): return _compare(a, b, "greater")
def ge(a, b): return _compare(a, b, "greater_equal")


def _bitwise(a, b, name):
    check_shapes(a, b)
    x, y, d, like = operands(a, b)
    if d.category == FLOATING:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{type_name(d)}\'')
    try:
        out = ufunc_of(like, name)(x, y)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(out, d, like._storage.device, (a, b), d)


def bitwise_and(a, b): return _bitwise(a, b, "bitwise_and")
def bitwise_or(a, b): return _bitwise(a, b, "bitwise_or")
def bitwise_xor(a, b): return _bitwise(a, b, "bitwise_xor")


def bitwise_not(a):
    if a.dtype.is_floating_point:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{type_name(a.dtype)}'")
    return elementwise_result(ufunc_of(a, "invert")(a._data), a.dtype, a._storage.device, (a,))


def logical_not(a):
    return elementwise_result(ufunc_of(a, "logical_not")(a._data), dtypes.bool_, a._storage.device, (a,))


def logical_and(a, b):
    require_tensor("logical_and", a, "input", 1)
    require_tensor("logical_and", b)
    return _logical(a, b, "logical_and")


def _logical(a, b, name):
    x, y, d = promote(a, b)
    try:
        out = ufunc_of(a, name)(x, y)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(out, BOOL, a._storage.device, (a, b), d)


def logical_or(a, b):
    require_tensor("logical_or", a, "input", 1)
    require_tensor("logical_or", b)
    return _logical(a, b, "logical_or")


def isnan(a): return elementwise_result(ufunc_of(a, "isnan")(a._data), BOOL, a._storage.device, (a,))
def isinf(a): return _float_test(a, "isinf")
def isfinite(a): return _float_test(a, "isfinite")


def _float_test(a, name):
    """isinf or isfinite, laid out as PyTorch lays out its result, which it
    makes with other ops: zeros_like(a) or ones_like(a) for integers (never
    inf), else abs(a) == inf and (a == a) * (abs(a) != inf)."""
    values, shape = ufunc_of(a, name)(a._data), a._shape
    if not a.dtype.is_floating_point:
        return from_array(values, BOOL, a._storage.device, copy_strides(shape, a._stride))
    if a._stride == contiguous_strides(shape) and values.size:
        return from_array(values, BOOL, a._storage.device)  # row-major at every step
    each = elementwise_strides(shape, [(shape, a._stride)])  # abs(a), and a == a
    stride = elementwise_strides(shape, [(shape, each), ((), ())])  # abs(a) == inf
    if name == "isfinite":
        stride = elementwise_strides(shape, [(shape, each), (shape, stride)])  # (a == a) * (abs(a) != inf)
    return from_array(values, BOOL, a._storage.device, stride)


def equal(a, b):
    """True when both have the same shape and the same values."""
    same_device(a, b)
    return a._shape == b._shape and bool((a == b).all())


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every |a - b| <= atol + rtol * |b| (after broadcasting)."""
    return bool(isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan).all())


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    require_tensor("isclose", b)
    if a.dtype is not b.dtype:
        raise RuntimeError(f"{type_name(a.dtype)} did not match {type_name(b.dtype)}")
    same_device(a, b)
    try:
        close = xp_of(a).isclose(a._data, b._data, rtol=rtol, atol=atol, equal_nan=equal_nan)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(close, BOOL, a._storage.device, (a, b))


_NOT_GIVEN = object()


_WHERE_SIGNATURES = (
    "(Tensor condition)", "(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)",
    "(Tensor condition, Number self, Tensor other)", "(Tensor condition, Tensor input, Number other)",
    "(Tensor condition, Number self, Number other)",
)


def where(condition, input=_NOT_GIVEN, other=_NOT_GIVEN):
    """input where condition is True, else other; either may be a number. With the
    condition alone: where it holds, as nonzero(condition, as_tuple=True)."""
    x, y = input, other
    if x is _NOT_GIVEN and y is _NOT_GIVEN:
        return nonzero(condition, as_tuple=True)
    if x is _NOT_GIVEN or y is _NOT_GIVEN:
        got = [parser_type_name(v) for v in (condition, x) if v is not _NOT_GIVEN]  # (other only by keyword here)
        got += [] if y is _NOT_GIVEN else [f"other={parser_type_name(y)}"]
        raise TypeError(invalid_combination("where", got, _WHERE_SIGNATURES))
    condition = _where_condition(condition)
    like = x if isinstance(x, Tensor) else y if isinstance(y, Tensor) else condition
    for t in (x, y):
        if isinstance(t, Tensor):
            same_device(condition, t)
    d = dtypes.result_type(x, y)
    values = [cast(t, d) if isinstance(t, Tensor) else as_scalar(t, d) for t in (x, y)]
    broadcast_shapes(condition._shape, *(t._shape for t in (x, y) if isinstance(t, Tensor)))  # PyTorch's error
    out = xp_of(like).where(condition._data, *values)
    out = elementwise_result(out, d, like._storage.device, (condition, x, y), (BOOL, d, d))
    if needs_grad(x, y):
        record(WhereBackward0(), out, (x, y), saved=(condition,))
    return out


def nonzero(a, *, as_tuple=False):
    """The indices of a's nonzero (True) elements, in row-major order: an
    (n, a.dim()) int64 tensor, or with `as_tuple` one 1-d tensor per dim.
    Laid out as PyTorch lays it out: each dim's indices side by side in memory
    (strides (1, n)), and as_tuple's tensors are views of its columns."""
    require_tensor("nonzero", a, "input", 1)
    xp = xp_of(a)
    if a.dim() == 0:
        positions = xp.zeros((int(bool(a._data)), 0), dtype=xp.int64)
    else:
        positions = xp.stack(xp.nonzero(a._data), axis=1).astype(xp.int64)  # (n, dim), each column in turn
    n = positions.shape[0]
    out = from_array(positions, dtypes.int64, a._storage.device, (1, n))
    if not as_tuple:
        return out
    if a.dim() == 0:  # PyTorch unsqueezes a 0-d input first: one tensor of 0s, one per hit
        return (from_array(xp.zeros(n, dtype=xp.int64), dtypes.int64, a._storage.device),)
    return tuple(out.select(1, d) for d in range(a.dim()))


def _where_condition(condition):
    require_tensor("where", condition, "condition", 1)
    if condition.dtype is dtypes.uint8:
        warnings.warn(
            "where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
            "future version of PyTorch. Use a boolean condition instead.", UserWarning, stacklevel=3,
        )
        return condition.to(BOOL)
    if condition.dtype is not BOOL:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {type_name(condition.dtype)}"
        )
    return condition


class WhereBackward0(Node):
    saved_names = ("condition",)

    def backward(self, grad):
        (condition,) = self.saved_tensors
        needs_x, needs_y = self.needs_input_grad
        # A choice, not a product with a mask: an inf gradient on the other side gives 0, not nan.
        return (where(condition, grad, 0) if needs_x else None), (where(condition, 0, grad) if needs_y else None)


# -- maximum, minimum ----------------------------------------------------------------
def maximum(a, b):
    """Elementwise larger of a and b; nan wins, as in PyTorch."""
    require_tensor("maximum", a, "input", 1)
    require_tensor("maximum", b)
    return _pick(a, b, "maximum", MaximumBackward0)


def minimum(a, b):
    """Elementwise smaller of a and b; nan wins, as in PyTorch."""
    require_tensor("minimum", a, "input", 1)
    require_tensor("minimum", b)
    return _pick(a, b, "minimum", MinimumBackward0)


def _pick(a, b, name, node_cls):
    x, y, d = promote(a, b)
    try:
        out = elementwise_result(ufunc_of(a, name)(x, y), d, a._storage.device, (a, b), d)
    except ValueError as error:
        broadcast_error(a, b, error)
    if needs_grad(a, b):
        record(node_cls(), out, (a, b), saved=(a, b))
    return out


class MaximumBackward0(Node):
    """The gradient goes to the larger input; on a tie each gets half."""
    saved_names = ("self", "other")

    def _a_lost(self, a, b):
        return a < b

    def backward(self, grad):
        a, b = self.saved_tensors
        # The side that lost gets 0, filled in (not multiplied by a mask: inf * 0 would be nan).
        return (where(a == b, grad / 2, grad).masked_fill_(self._a_lost(a, b), 0),
                where(a == b, grad / 2, grad).masked_fill_(self._a_lost(b, a), 0))


class MinimumBackward0(MaximumBackward0):
    """The gradient goes to the smaller input; on a tie each gets half."""

    def _a_lost(self, a, b):
        return a > b
