"""Elementwise ops: arithmetic, comparisons, logic and math functions.

Each op is a forward function followed by its backward node. Forward computes
on arrays with NumPy (or CuPy); backward is written with tinytorch ops on
tensors, so that with create_graph=True the backward pass is itself recorded
and can be differentiated again.
"""
import warnings

from .. import exact
from ..autograd import grad_mode
from ..autograd.graph import Node
from ..strides import broadcast_shapes, contiguous_strides, copy_strides, elementwise_strides
from .base import (
    Tensor, dtypes, np, elementwise_result, from_array, needs_grad, record, require_tensor, same_device,
    to_float_dtype, type_name, xp_of,
)

_INTEGER, _FLOATING = dtypes.INTEGER, dtypes.FLOATING
_BOOL = dtypes.bool_


# -- operands ---------------------------------------------------------------------
def _scalar_dtype(d, value):
    """The result dtype of `tensor(d) op value` for a Python number: the tensor's
    own type unless the number is of a higher category (int tensor + 2.5)."""
    if isinstance(value, float):
        return d if d.category == _FLOATING else dtypes.get_default_dtype()
    if isinstance(value, bool):
        return d
    if isinstance(value, int):
        return d if d.category >= _INTEGER else dtypes.int64
    raise TypeError(f"unsupported operand type: expected a Tensor or a number, but got {type(value).__name__}")


def _as_scalar(value, d):
    """A Python number as an op computing in dtype d sees it.

    PyTorch first converts the number to d, the way C converts: an integer that
    does not fit wraps around (uint8 - 3 is 254, and `uint8 < -3` compares with
    253). NumPy would raise instead, so the wrapping is done here."""
    if isinstance(value, bool) or d is _BOOL:
        return value
    low, high = dtypes.limits(d)  # d's true limits, not dtypes.fits: here PyTorch wraps, never refuses
    if low <= value <= high:
        return value
    if d.category == _INTEGER:
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


def _cast(t, d):
    if t.dtype is d:
        return t._data
    return t._data.astype(d.numpy)  # a value too big for d becomes inf, silently, as in PyTorch


def promote(a, b):
    """(array of a, array or number for b, common dtype) by PyTorch's promotion."""
    if type(b) is Tensor:
        if a.dtype is b.dtype:
            if a._storage.device is not b._storage.device:
                same_device(a, b)
            return a._data, b._data, a.dtype
        same_device(a, b)
        d = dtypes.result_type(a, b)
        return _cast(a, d), _cast(b, d), d
    if isinstance(b, (np.number, np.bool_)):
        b = b.item()  # NumPy scalars would impose their own width; PyTorch treats them as numbers
    d = _scalar_dtype(a.dtype, b)
    return _cast(a, d), _as_scalar(b, d), d


def operands(a, b):
    """promote() for `a op b` where either side may be a Python number (as in
    `2 - t`): (x, y, dtype, the tensor that decides the device)."""
    if type(a) is Tensor:
        x, y, d = promote(a, b)
        return x, y, d, a
    if type(b) is not Tensor:
        raise TypeError(f"expected a Tensor, but got {type(a).__name__} and {type(b).__name__}")
    y, x, d = promote(b, a)
    return x, y, d, b


def _opmath(x, y, d, b):
    """(x, y) as PyTorch's CPU kernels for mul, div and rounded division see
    them, for `a op b` with y the array or number promote() made of b.

    With a float16 result and a right operand that is a single value (a number,
    or a tensor of one element), those kernels compute in float32 ("opmath") and
    take that value as it was given, not rounded to float16 first: so
    tensor(1., dtype=float16) // 0.2 is 4, as 1 // 0.2 is in float32, where 0.2
    rounded to float16 (0.19995) would give 5; and half * 1e5 stays finite,
    although 1e5 is inf in float16. from_array rounds the result to float16,
    once. Every other op (add, sub, remainder, pow, comparisons, clamp, where)
    and a number on the left round the number to float16, as _as_scalar does."""
    if d is not dtypes.float16 or (type(b) is Tensor and b.numel() != 1):
        return x, y
    if type(b) is Tensor:
        value = b._data.astype(np.float32)  # from b's own dtype: a float64 0.2 is not rounded to float16 on the way
    else:
        value = np.float32(b.item() if isinstance(b, (np.number, np.bool_)) else b)  # beyond float32's range: inf
    return x.astype(np.float32), value


def _is_bool(x):
    return x.dtype is _BOOL if type(x) is Tensor else isinstance(x, (bool, np.bool_))


def _not_for_bool(d, kernel):
    """PyTorch has no bool kernel for some ops (//, %, ** of two bools)."""
    if d is _BOOL:
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _check_shapes(a, b):
    """PyTorch checks that the shapes broadcast before anything else (dtype
    support, division by zero), so a shape error wins over those."""
    if type(a) is Tensor and type(b) is Tensor and a._shape != b._shape:
        broadcast_shapes(a._shape, b._shape)


def _broadcast_error(a, b):
    """NumPy says ValueError; re-raise with PyTorch's RuntimeError and wording."""
    broadcast_shapes(getattr(a, "_shape", ()), getattr(b, "_shape", ()))
    raise  # not a broadcasting problem after all


def _binary(a, b, ufunc, opmath=False):
    """ufunc(a, b) as a new tensor, for the add / sub / mul fast path (see
    _opmath for `opmath`, which mul asks for)."""
    x, y, d = promote(a, b)
    if opmath:
        x, y = _opmath(x, y, d, b)
    try:
        out = ufunc(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(out, d, a._storage.device, (a, b), d)


# -- add, sub, mul, div -----------------------------------------------------------
def add(a, b, *, alpha=1):
    """a + alpha * b. A number for a stays first, as `input` (torch.add(2, t)):
    the graph lists it first too, where `2 + t` (t.__radd__(2)) lists t first."""
    if type(a) is Tensor and type(alpha) is int and alpha == 1:  # the default, and a + b is hot
        out = _binary(a, b, _ufunc(a, "add"))
    else:
        out = _add_scaled(a, b, alpha, "add")
    if needs_grad(a, b):
        record(AddBackward0(alpha), out, (a, b))
    return out


class AddBackward0(Node):
    def __init__(self, alpha=1):
        super().__init__()
        self.alpha = alpha

    def backward(self, grad):
        return grad, grad if self.alpha == 1 else grad * self.alpha


def sub(a, b, *, alpha=1):
    """a - alpha * b; a may be a number, as in add."""
    if _is_bool(a) or _is_bool(b):
        _refuse_bool_subtraction(a, b)
    if type(a) is Tensor and type(alpha) is int and alpha == 1:
        out = _binary(a, b, _ufunc(a, "subtract"))
    else:
        out = _add_scaled(a, b, alpha, "subtract")
    if needs_grad(a, b):
        record(SubBackward0(alpha), out, (a, b))
    return out


class SubBackward0(Node):
    def __init__(self, alpha=1):
        super().__init__()
        self.alpha = alpha

    def backward(self, grad):
        if not self.needs_input_grad[1]:  # b needs no gradient (a number, or a constant tensor)
            return grad, None
        return grad, neg(grad) if self.alpha == 1 else grad * -self.alpha


def _add_scaled(a, b, alpha, name):
    """add (name "add") or sub ("subtract") with an alpha, or with a number for a:
    a + alpha * b (or a - alpha * b), with alpha converted to the result's dtype.
    Integers and bool are exact, wrapping around; floats round as PyTorch rounds
    them (exact.alpha: once, as a fused multiply-add, so sub is a + (-alpha) * b)."""
    if type(a) is not Tensor and type(b) is not Tensor:
        raise TypeError(f"expected a Tensor, but got {type(a).__name__} and {type(b).__name__}")
    _check_shapes(a, b)  # PyTorch checks the shapes before alpha
    d = dtypes.result_type(a, b)
    # a - alpha * b is a + (-alpha) * b, as PyTorch computes it: -alpha is what must fit d.
    alpha = _times_alpha(alpha, d, negate=name == "subtract")
    x, y, d, t = operands(a, b)
    xp = xp_of(t)
    try:
        if alpha is None:  # a + 1 * b
            out = xp.add(x, y)
        elif d.category != _FLOATING:  # integers and bool: exact, wrapping around as PyTorch does
            out = xp.add(x, xp.multiply(y, d.numpy.type(alpha), dtype=d.numpy))
        else:
            out = exact.alpha.add(xp.asarray(x, d.numpy), alpha, xp.asarray(y, d.numpy), xp)
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(out, d, t._storage.device, (a, b), d)


def _times_alpha(alpha, d, negate=False):
    """alpha (or -alpha, for sub) as add with result dtype d uses it, or None for 1:
    a number of d (uint8 takes -1 as 255), or refused as PyTorch refuses it."""
    if isinstance(alpha, (np.number, np.bool_)):
        alpha = alpha.item()
    if isinstance(alpha, bool) and d is not _BOOL:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and d.category != _FLOATING:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if negate:
        alpha = -alpha
    if alpha == 1:
        return None
    dtypes.check_fits(alpha, d)
    return _as_scalar(alpha, d)


def _refuse_bool_subtraction(a, b):
    """PyTorch refuses `-` when either side is a bool (a tensor or True/False)."""
    if _is_bool(a) and _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if _is_bool(a) or _is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def rsub(a, b):
    """b - a, for a Python number b."""
    _refuse_bool_subtraction(b, a)
    x, y, d = promote(a, b)
    out = elementwise_result(_ufunc(a, "subtract")(y, x), d, a._storage.device, (a, b), d)
    if needs_grad(a):
        record(RsubBackward1(), out, (a,))
    return out


class RsubBackward1(Node):
    alpha = 1  # number - a is rsub(a, number, alpha=1) in PyTorch

    def backward(self, grad):
        return neg(grad)


def mul(a, b):
    if type(a) is not Tensor:
        a, b = b, a
    out = _binary(a, b, _ufunc(a, "multiply"), opmath=True)
    if needs_grad(a, b):
        # Each input's gradient needs the *other* input: save only what will be used.
        b_needs_grad = type(b) is Tensor and b._requires_grad
        record(MulBackward0(), out, (a, b), saved=(a if b_needs_grad else None, b if a._requires_grad else None))
    return out


class MulBackward0(Node):
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors  # b is saved only if a needs a gradient, and the other way round
        return (grad * b if b is not None else None), (grad * a if a is not None else None)


def div(a, b, *, rounding_mode=None):
    """a / b; a may be a number (torch.div(2, t)), as in PyTorch."""
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    if type(a) is Tensor:
        like = a
        x, y, d = _true_division_operands(a, b)
        x, y = _opmath(x, y, d, b)
    else:
        require_tensor("div", b)
        like = b
        y, x, d = _true_division_operands(b, a)
    try:
        out = elementwise_result(_ufunc(like, "true_divide")(x, y), d, like._storage.device, (a, b), d)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        # b is always needed (a's gradient is grad / b), a only for b's gradient.
        record(DivBackward0(), out, (a, b), saved=(a if type(b) is Tensor and b._requires_grad else None, b))
    return out


def _true_division_operands(a, b):
    """promote() for true division, which always computes in a floating type:
    int / int is float32, as 7 / 2 is 3.5 in Python."""
    if type(b) is Tensor:
        x, y, d = promote(a, b)
        if d.category == _FLOATING:
            return x, y, d
        # Each integer operand goes straight to float: uint8 / (0-d int64 -1) divides by -1.0, not by 255.
        f = dtypes.get_default_dtype()
        return _cast(a, f), _cast(b, f), f
    if isinstance(b, (np.number, np.bool_)):
        b = b.item()
    d = to_float_dtype(_scalar_dtype(a.dtype, b))
    return _cast(a, d), _as_scalar(b, d), d


def _rounded_div(a, b, rounding_mode):
    """div with rounding_mode "floor" (like //) or "trunc" (toward zero, like C)."""
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    out = _rounded_quotient(a, b, rounding_mode)
    if needs_grad(a, b):
        record(DivBackward2(rounding_mode), out, (a, b))
    return out


class DivBackward2(Node):
    """div with a rounding mode: the result is a step function, so its gradient is zero."""

    def __init__(self, rounding_mode):
        super().__init__()
        self.rounding_mode = rounding_mode

    def backward(self, grad):
        zero = grad * 0
        return zero, zero


def _rounded_quotient(a, b, rounding_mode):
    """a / b rounded down or toward zero, in a's and b's common dtype (ints stay ints)."""
    _check_shapes(a, b)
    x, y, d, like = operands(a, b)
    _not_for_bool(d, f"div_{rounding_mode}_cpu")
    xp = xp_of(like)
    if type(a) is Tensor:
        x, y = _opmath(x, y, d, b)
    try:
        if d.category == _FLOATING:
            q = _float_floor_divide(xp, x, y) if rounding_mode == "floor" else xp.trunc(xp.true_divide(x, y))
        elif rounding_mode == "floor":
            q = xp.floor_divide(x, y)
        else:
            q = xp.floor_divide(x, y)
            # Floor and trunc differ by one where the exact quotient is negative and not whole.
            q = q + ((xp.remainder(x, y) != 0) & ((xp.asarray(x) < 0) != (xp.asarray(y) < 0)))
    except ValueError:
        _broadcast_error(a, b)
    _check_integer_divisor(xp, q, y, d)
    return elementwise_result(q, d, like._storage.device, (a, b), d)


def _float_floor_divide(xp, x, y):
    """x // y for floats, computed as PyTorch (and NumPy) compute it: from fmod,
    which is exact, not as floor(x / y), whose rounded quotient can reach the
    next integer (1.0 // 0.1 is 9, while floor(1.0 / 0.1) is 10). CuPy's
    floor_divide is floor(x / y), so the steps are written out, the same on both.
    Each step rounds in the operands' dtype, as PyTorch's float16 kernel does."""
    dtype = x.dtype if hasattr(x, "dtype") else y.dtype
    x, y = xp.asarray(x, dtype), xp.asarray(y, dtype)  # a number in that dtype: 1e-300 is a float32 0
    mod = xp.fmod(x, y)
    div = (x - mod) / y
    div = xp.where((mod != 0) & ((y < 0) != (mod < 0)), div - 1, div)  # toward -inf, not toward 0
    q = xp.floor(div)
    q = xp.where(div - q > 0.5, q + 1, q)  # div is a whole number give or take a rounding error: take the nearest
    quotient = x / y
    q = xp.where(div == 0, xp.copysign(0, quotient), q)  # a zero takes the sign of the true quotient
    return xp.where(y == 0, quotient, q)  # x / 0 is inf or nan, as in true division


def _check_integer_divisor(xp, result, y, d):
    """Integers have no inf to give for x / 0: PyTorch raises, for any zero
    divisor that meets an element (an empty result meets none)."""
    if d.category != _FLOATING and result.size and xp.any(xp.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")


class DivBackward0(Node):
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors  # a is saved only if b needs a gradient
        ga = grad / b if self.needs_input_grad[0] else None
        gb = neg(grad) * a / (b * b) if a is not None else None
        return ga, gb


def rdiv(a, b):
    """b / a for a Python number b: PyTorch computes reciprocal(a) * b."""
    return mul(reciprocal(a), b)


def reciprocal(a):
    d = to_float_dtype(a.dtype)
    out = elementwise_result(_ufunc(a, "reciprocal")(_cast(a, d)), d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(ReciprocalBackward0(), out, (a,), saved=(out,))
    return out


class ReciprocalBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (r,) = self.saved_tensors
        return neg(grad) * r * r


def neg(a):
    if a.dtype is dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    out = elementwise_result(_ufunc(a, "negative")(a._data), a.dtype, a._storage.device, (a,))
    if needs_grad(a):
        record(NegBackward0(), out, (a,))
    return out


class NegBackward0(Node):
    def backward(self, grad):
        return neg(grad)


# -- floor division, remainder, power ---------------------------------------------
def floor_divide(a, b):
    """a // b, rounded down as in Python (-7 // 2 is -4); either side may be a number."""
    out = _rounded_quotient(a, b, "floor")
    if needs_grad(a, b):
        record(NotImplemented_(), out, (a, b))
    return out


class NotImplemented_(Node):
    """PyTorch records floor division with a node literally named NotImplemented."""

    def name(self):
        return "tinytorch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError("derivative for aten::floor_divide is not implemented")


def remainder(a, b):
    """a % b with the sign of b, as in Python (-7 % 2 is 1); either side may be a number."""
    _check_shapes(a, b)
    x, y, d, like = operands(a, b)
    _not_for_bool(d, "remainder_cpu")
    xp = xp_of(like)
    try:
        values = _float_remainder(xp, x, y) if d.category == _FLOATING else xp.remainder(x, y)
    except ValueError:
        _broadcast_error(a, b)
    _check_integer_divisor(xp, values, y, d)
    out = elementwise_result(values, d, like._storage.device, (a, b), d)
    if needs_grad(a, b):
        if type(a) is not Tensor:
            record(NotImplemented_(), out, (a, b))  # PyTorch has no derivative for number % tensor
        elif type(b) is Tensor:
            record(RemainderBackward1(), out, (a, b), saved=(a, b))
        else:
            record(RemainderBackward0(), out, (a,))  # a number divisor: one input, nothing saved
    return out


def _float_remainder(xp, x, y):
    """C's fmod moved into the divisor's sign, as PyTorch computes it (NumPy's
    remainder agrees except for the sign of a zero result, which shows in print)."""
    mod = xp.fmod(x, y)
    wrong_sign = (mod != 0) & ((xp.asarray(y) < 0) != (mod < 0))
    return xp.where(wrong_sign, mod + y, mod)


class RemainderBackward0(Node):
    """a % number: a - number * floor(a / number), whose slope in a is 1."""

    def backward(self, grad):
        return grad


class RemainderBackward1(Node):
    """a % b with a tensor divisor: a - b * floor(a / b)."""
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors
        # floor(a / b) is a step function: its own derivative is 0, so it is a constant here.
        gb = neg(grad) * floor_divide(a.detach(), b.detach()) if self.needs_input_grad[1] else None
        return grad, gb


def pow(a, b):
    """a ** b: PowBackward0 for a number exponent, PowBackward1 for a tensor
    exponent, PowBackward2 for a number base."""
    if type(a) is not Tensor:
        return _pow_scalar_base(a, b)
    if type(b) is not Tensor:
        return _pow_scalar_exponent(a, b.item() if isinstance(b, (np.number, np.bool_)) else b)
    _check_shapes(a, b)
    x, y, d = promote(a, b)
    _not_for_bool(d, "pow")
    try:
        out = elementwise_result(_power(xp_of(a), x, y, d), d, a._storage.device, (a, b), d)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        record(PowBackward1(), out, (a, b), saved=(a, b, out))
    return out


def _pow_scalar_exponent(a, exponent):
    d = _scalar_dtype(a.dtype, exponent)
    if d.category != _FLOATING and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if d is dtypes.float16 or d.category == _INTEGER:
        dtypes.check_fits(exponent, d)  # PyTorch refuses these; float32 and float64 take any exponent
    base, power_in = _cast(a, d), d
    if d is dtypes.float32 and not isinstance(exponent, bool):
        # PyTorch's float32 kernel calls pow(float, double), element by element: the
        # exponent keeps its double value and the power is taken in double, then rounded
        # (-1.0 ** 1.9999999999999982 is nan, though that exponent is 2.0 in float32).
        # Its vectorized loop (32 elements at a time on AVX-512) rounds the exponent to
        # float32 instead: where the two differ, PyTorch disagrees with itself.
        base, power_in = base.astype(np.float64), dtypes.float64
    values = _power(xp_of(a), base, _as_scalar(exponent, power_in), power_in)
    out = elementwise_result(values, d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(PowBackward0(exponent), out, (a,), saved=(a,))
    return out


def _power(xp, x, y, d):
    """x ** y computed in dtype d, with PyTorch's integer rule: a negative exponent
    gives 0, except for bases 1 and -1, where 1 / base**k is still a whole number."""
    if d.category == _FLOATING:
        return xp.power(x, y)
    negative = xp.asarray(y) < 0
    if not negative.any():
        return xp.power(x, y)
    out = xp.power(x, xp.where(negative, 0, y))
    base = xp.asarray(x)
    inverse = xp.where(base == 1, 1, xp.where(base == -1, xp.where(xp.asarray(y) % 2 == 0, 1, -1), 0))
    return xp.where(negative, inverse, out)


class PowBackward0(Node):
    saved_names = ("self",)

    def __init__(self, exponent):
        super().__init__()
        self.exponent = exponent

    def backward(self, grad):
        (a,) = self.saved_tensors
        if self.exponent == 0:
            return grad * 0
        # grad * (n * a^(n-1)); for a square, a^1 is a itself.
        slope = a * self.exponent if self.exponent == 2 else pow(a, self.exponent - 1) * self.exponent
        return grad * slope


class PowBackward1(Node):
    saved_names = ("self", "exponent", "result")

    def backward(self, grad):
        a, b, out = self.saved_tensors
        needs_a, needs_b = self.needs_input_grad
        # Where the exponent is 0 the slope is 0, even at a == 0 (where a^(b-1) is inf).
        ga = where(b == 0, 0, grad * b * pow(a, b - 1)) if needs_a else None
        # d(a^b)/db = a^b * log(a); PyTorch defines it as 0 where a == 0 and b >= 0.
        gb = where((a == 0) & (b >= 0), grad * 0, grad * out * log(a)) if needs_b else None
        return ga, gb


def _pow_scalar_base(base, exponent):
    if isinstance(base, (np.number, np.bool_)):
        base = base.item()
    d = dtypes.result_type(exponent, base)
    _not_for_bool(d, "pow")
    xp = xp_of(exponent)
    # Row-major whatever the exponent's layout: PyTorch allocates this result before it looks at the exponent.
    out = from_array(_power(xp, _as_scalar(base, d), _cast(exponent, d), d), d, exponent._storage.device,
                     contiguous_strides(exponent._shape))
    if needs_grad(exponent):
        record(PowBackward2(base), out, (exponent,), saved=(exponent, out))
    return out


class PowBackward2(Node):
    saved_names = ("exponent", "result")
    _saved_self = property(lambda node: node.base)  # PyTorch calls the number base `self`

    def __init__(self, base):
        super().__init__()
        self.base = base

    def backward(self, grad):
        _, out = self.saved_tensors
        return grad * out * float(np.log(self.base))


# -- comparisons and logic (no gradients) -------------------------------------------
def _compare(a, b, name):
    # PyTorch's comparison functions take a tensor first (2 < t arrives here as gt(t, 2)).
    require_tensor(_COMPARISON_NAMES[name], a, "input", 1)
    x, y, d, like = operands(a, b)
    try:
        out = _ufunc(like, name)(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(out, _BOOL, like._storage.device, (a, b), d)


_COMPARISON_NAMES = {"equal": "eq", "not_equal": "ne", "less": "lt", "less_equal": "le", "greater": "gt",
                     "greater_equal": "ge"}


def eq(a, b): return _compare(a, b, "equal")
def ne(a, b): return _compare(a, b, "not_equal")
def lt(a, b): return _compare(a, b, "less")
def le(a, b): return _compare(a, b, "less_equal")
def gt(a, b): return _compare(a, b, "greater")
def ge(a, b): return _compare(a, b, "greater_equal")


def _bitwise(a, b, name):
    _check_shapes(a, b)
    x, y, d, like = operands(a, b)
    if d.category == _FLOATING:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{type_name(d)}\'')
    try:
        out = _ufunc(like, name)(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(out, d, like._storage.device, (a, b), d)


def bitwise_and(a, b): return _bitwise(a, b, "bitwise_and")
def bitwise_or(a, b): return _bitwise(a, b, "bitwise_or")
def bitwise_xor(a, b): return _bitwise(a, b, "bitwise_xor")


def bitwise_not(a):
    if a.dtype.is_floating_point:
        raise NotImplementedError(f"\"bitwise_not_cpu\" not implemented for '{type_name(a.dtype)}'")
    return elementwise_result(_ufunc(a, "invert")(a._data), a.dtype, a._storage.device, (a,))


def logical_not(a):
    return elementwise_result(_ufunc(a, "logical_not")(a._data), dtypes.bool_, a._storage.device, (a,))


def logical_and(a, b):
    require_tensor("logical_and", a, "input", 1)
    require_tensor("logical_and", b)
    return _logical(a, b, "logical_and")


def _logical(a, b, name):
    x, y, d = promote(a, b)
    try:
        out = _ufunc(a, name)(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(out, _BOOL, a._storage.device, (a, b), d)


def logical_or(a, b):
    require_tensor("logical_or", a, "input", 1)
    require_tensor("logical_or", b)
    return _logical(a, b, "logical_or")


def isnan(a): return elementwise_result(_ufunc(a, "isnan")(a._data), _BOOL, a._storage.device, (a,))
def isinf(a): return _float_test(a, "isinf")
def isfinite(a): return _float_test(a, "isfinite")


def _float_test(a, name):
    """isinf or isfinite, laid out as PyTorch lays out its result, which it
    makes with other ops: zeros_like(a) or ones_like(a) for integers (never
    inf), else abs(a) == inf and (a == a) * (abs(a) != inf)."""
    values, shape = _ufunc(a, name)(a._data), a._shape
    if not a.dtype.is_floating_point:
        return from_array(values, _BOOL, a._storage.device, copy_strides(shape, a._stride))
    if a._stride == contiguous_strides(shape) and values.size:
        return from_array(values, _BOOL, a._storage.device)  # row-major at every step
    each = elementwise_strides(shape, [(shape, a._stride)])  # abs(a), and a == a
    stride = elementwise_strides(shape, [(shape, each), ((), ())])  # abs(a) == inf
    if name == "isfinite":
        stride = elementwise_strides(shape, [(shape, each), (shape, stride)])  # (a == a) * (abs(a) != inf)
    return from_array(values, _BOOL, a._storage.device, stride)


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
    except ValueError:
        _broadcast_error(a, b)
    return elementwise_result(close, _BOOL, a._storage.device, (a, b))


# -- math functions ---------------------------------------------------------------
def _unary_float(a, name):
    """Apply a float math function; integer input is computed in the default float type."""
    d = to_float_dtype(a.dtype)
    return elementwise_result(_ufunc(a, name)(_cast(a, d)), d, a._storage.device, (a,), d)


def exp(a):
    out = _unary_float(a, "exp")
    if needs_grad(a):
        record(ExpBackward0(), out, (a,), saved=(out,))
    return out


class ExpBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out


def log(a):
    out = _unary_float(a, "log")
    if needs_grad(a):
        record(LogBackward0(), out, (a,), saved=(a,))
    return out


class LogBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / a


def sqrt(a):
    out = _unary_float(a, "sqrt")
    if needs_grad(a):
        record(SqrtBackward0(), out, (a,), saved=(out,))
    return out


class SqrtBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad / (out * 2)


def sin(a):
    out = _unary_float(a, "sin")
    if needs_grad(a):
        record(SinBackward0(), out, (a,), saved=(a,))
    return out


class SinBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * cos(a)


def cos(a):
    out = _unary_float(a, "cos")
    if needs_grad(a):
        record(CosBackward0(), out, (a,), saved=(a,))
    return out


class CosBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * neg(sin(a))


def tanh(a):
    out = _unary_float(a, "tanh")
    if needs_grad(a):
        record(TanhBackward0(), out, (a,), saved=(out,))
    return out


class TanhBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (1 - out * out)


def sigmoid(a):
    d = to_float_dtype(a.dtype)
    x = _cast(a, d)
    xp = xp_of(a)
    # sigmoid(x) = 1 / (1 + e^-x) = (1 + tanh(x/2)) / 2. The tanh form never
    # overflows for large |x| and takes fewer passes over the data.
    y = xp.multiply(x, d.numpy.type(0.5), out=xp.empty(x.shape, d.numpy))  # out= keeps a 0-d result an array
    xp.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    out = elementwise_result(y, d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(SigmoidBackward0(), out, (a,), saved=(out,))
    return out


class SigmoidBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        if grad_mode.state.enabled:  # create_graph: build the gradient from recorded ops
            return grad * (out * (1 - out))
        # Plain backward: the same formula, fused into one buffer, since nothing records it.
        g = 1 - out._data
        g *= out._data
        g *= grad._data
        return elementwise_result(g, out.dtype, out._storage.device, (grad, out))


def relu(a):
    if a.dtype is _BOOL:
        raise RuntimeError("Boolean inputs not supported for relu")
    out = elementwise_result(xp_of(a).maximum(a._data, a._data.dtype.type(0)), a.dtype, a._storage.device, (a,))
    if needs_grad(a):
        record(ReluBackward0(), out, (a,), saved=(out,))
    return out


class ReluBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        # Zero where relu clipped (out <= 0); everywhere else, nan included, the gradient passes.
        if grad_mode.state.enabled:  # create_graph: build the gradient from recorded ops
            return where(out <= 0, 0, grad)
        # Plain backward: the same choice in one pass, since nothing records it.
        xp = xp_of(grad)
        chosen = xp.where(out._data <= 0, grad._data.dtype.type(0), grad._data)
        return elementwise_result(chosen, grad.dtype, grad._storage.device, (grad, out))


def abs(a):
    if a.dtype is _BOOL:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    out = elementwise_result(_ufunc(a, "absolute")(a._data), a.dtype, a._storage.device, (a,))
    if needs_grad(a):
        record(AbsBackward0(), out, (a,), saved=(a,))
    return out


class AbsBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * sign(a)


def sign(a):
    xp, x = xp_of(a), a._data
    if a.dtype is _BOOL:
        values = x.copy()  # a bool is its own sign
    elif a.dtype.is_floating_point:
        # (x > 0) - (x < 0), as PyTorch computes it: nan has sign 0 (NumPy says nan)
        # and -0.0 has sign +0.0 (NumPy keeps -0.0, which prints differently).
        values = (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)
    else:
        values = xp.sign(x)
    out = elementwise_result(values, a.dtype, a._storage.device, (a,))
    if needs_grad(a):
        record(SignBackward0(), out, (a,))
    return out


class SignBackward0(Node):
    def backward(self, grad):
        return grad * 0


def clamp(a, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("tinytorch.clamp: At least one of 'min' or 'max' must not be None")
    if type(min) is Tensor or type(max) is Tensor:
        return _clamp_by_tensors(a, min, max)
    min, max = (b.item() if isinstance(b, (np.number, np.bool_)) else b for b in (min, max))
    d = dtypes.result_type(a, *(b for b in (min, max) if b is not None))
    for bound in (min, max):
        if bound is not None:
            dtypes.check_fits(bound, d)
    if d is _BOOL:
        kernel = "clamp_scalar_cpu" if min is not None and max is not None else (
            "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    min, max = (None if b is None else _as_scalar(b, d) for b in (min, max))
    x = _cast(a, d)
    out = elementwise_result(_clamp_to_numbers(xp_of(a), x, min, max), d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(ClampBackward1(min, max), out, (a,), saved=(a,))
    return out


def _clamp_to_numbers(xp, x, low, high):
    """x held within [low, high] (either may be None), as PyTorch clamps: a nan
    bound makes every element nan, low > high gives high everywhere, nan stays
    nan, and an element equal to a bound is kept (clamp(-0.0, min=0.0) is -0.0).
    Written with comparisons, not xp.clip: CuPy's clip ignores a nan bound, and
    NumPy's maximum picks the bound's zero over -0.0."""
    if any(bound is not None and bound != bound for bound in (low, high)):
        return xp.full_like(x, xp.nan)
    low, high = (None if bound is None else x.dtype.type(bound) for bound in (low, high))  # compared in x's dtype
    if low is not None:
        x = xp.where(x < low, low, x)
    if high is not None:
        x = xp.where(x > high, high, x)
    return x


def _clamp_by_tensors(a, min, max):
    """clamp with tensor bounds, which broadcast with a; nan in a bound gives nan."""
    bounds = [b for b in (min, max) if b is not None]
    if any(type(b) is not Tensor for b in bounds):
        raise TypeError("clamp(): the bounds must both be Tensors or both be numbers, not a mix")
    for b in bounds:
        same_device(a, b)
    d = dtypes.result_type(a, *bounds)
    if d is _BOOL and len(bounds) == 2:
        raise NotImplementedError("\"clamp_cpu\" not implemented for 'Bool'")
    xp = xp_of(a)
    try:
        x = _cast(a, d)
        if min is not None:
            x = xp.maximum(x, _cast(min, d))
        if max is not None:
            x = xp.minimum(x, _cast(max, d))
    except ValueError:
        broadcast_shapes(*(t._shape for t in (a, *bounds)))
        raise
    out = elementwise_result(x, d, a._storage.device, (a, *bounds), d)
    if needs_grad(a, *bounds):
        record(ClampBackward0(), out, (a, min, max), saved=(a, min, max))
    return out


class ClampBackward0(Node):
    """clamp with tensor bounds: each output element came from a, from min or from max."""
    saved_names = ("self", "min", "max")

    def backward(self, grad):
        a, low, high = self.saved_tensors
        zero = grad * 0
        if low is None:
            from_a, from_low, from_high = a <= high, None, a > high
        elif high is None:
            from_a, from_low, from_high = a >= low, a < low, None
        else:
            # With min > max every element is max, as in PyTorch.
            from_a, from_low, from_high = (a >= low) & (a <= high), (a < low) & (low < high), (a > high) | (high < low)
        return tuple(None if source is None else where(source, grad, zero) for source in (from_a, from_low, from_high))


class ClampBackward1(Node):
    saved_names = ("self",)

    def __init__(self, min, max):
        super().__init__()
        self.min, self.max = min, max

    def backward(self, grad):
        (a,) = self.saved_tensors
        # The gradient passes where the input was inside [min, max] (bounds included).
        # A choice, not a product with a mask: an inf gradient outside gives 0, not nan.
        inside = None
        if self.min is not None:
            inside = a >= self.min
        if self.max is not None:
            upper = a <= self.max
            inside = upper if inside is None else inside & upper
        return where(inside, grad, 0)


def where(condition, x, y):
    """x where condition is True, else y; x and y may be numbers."""
    condition = _where_condition(condition)
    like = x if type(x) is Tensor else y if type(y) is Tensor else condition
    for t in (x, y):
        if type(t) is Tensor:
            same_device(condition, t)
    d = dtypes.result_type(x, y)
    values = [_cast(t, d) if type(t) is Tensor else _as_scalar(t, d) for t in (x, y)]
    try:
        out = xp_of(like).where(condition._data, *values)
    except ValueError:
        broadcast_shapes(condition._shape, *(t._shape for t in (x, y) if type(t) is Tensor))
        raise
    out = elementwise_result(out, d, like._storage.device, (condition, x, y), (_BOOL, d, d))
    if needs_grad(x, y):
        record(WhereBackward0(), out, (x, y), saved=(condition,))
    return out


def _where_condition(condition):
    require_tensor("where", condition, "condition", 1)
    if condition.dtype is dtypes.uint8:
        warnings.warn(
            "where received a uint8 condition tensor. This behavior is deprecated and will be removed in a "
            "future version of PyTorch. Use a boolean condition instead.", UserWarning, stacklevel=3,
        )
        return condition.to(_BOOL)
    if condition.dtype is not _BOOL:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor with dtype {type_name(condition.dtype)}"
        )
    return condition


class WhereBackward0(Node):
    saved_names = ("condition",)

    def backward(self, grad):
        (condition,) = self.saved_tensors
        zero = grad * 0
        needs_x, needs_y = self.needs_input_grad
        return (where(condition, grad, zero) if needs_x else None), (where(condition, zero, grad) if needs_y else None)


# -- the array module ---------------------------------------------------------------
def _ufunc(t, name):
    """The ufunc `name` of the array module that computes for t's device."""
    return getattr(xp_of(t), name)


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
        out = elementwise_result(_ufunc(a, name)(x, y), d, a._storage.device, (a, b), d)
    except ValueError:
        _broadcast_error(a, b)
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
        zero = grad * 0
        shared = where(a == b, grad / 2, grad)
        a_lost = self._a_lost(a, b)
        b_lost = self._a_lost(b, a)
        return where(a_lost, zero, shared), where(b_lost, zero, shared)


class MinimumBackward0(MaximumBackward0):
    """The gradient goes to the smaller input; on a tie each gets half."""

    def _a_lost(self, a, b):
        return a > b
