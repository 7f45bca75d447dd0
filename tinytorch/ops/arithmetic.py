"""Arithmetic: + - * / // % ** and negation.

Each op is a forward function followed by its backward node, which returns the
plain formula (grad * b, grad * a for a * b); the engine fits each gradient to
its input (a broadcast input gets its gradient summed back). Forward computes
on arrays with NumPy (or CuPy); backward is written with tinytorch ops on
tensors, so that with create_graph=True the backward pass is itself recorded
and can be differentiated again.
"""
from .. import exact
from ..autograd.graph import Node
from ..exact.arguments import is_tensor_or_number, not_tensor_then_number
from ..exact.scalars import as_scalar, opmath_operands
from ..strides import contiguous_strides
from .base import (
    Tensor, dtypes, grad_mode, elementwise_result, from_array, gets_gradient, needs_grad, np, record, require_tensor,
    to_float_dtype, xp_of, zeros_like_grad,
)
from .comparison import where
from .math_functions import log
from .operands import (
    BOOL, FLOATING, INTEGER, broadcast_error, cast, check_shapes, is_bool, not_for_bool, operands, promote, scalar_dtype,
    ufunc_of,
)


def _binary(a, b, ufunc, opmath=False):
    """ufunc(a, b) as a new tensor, for the add / sub / mul fast path (see
    exact.scalars.opmath_operands for `opmath`, which mul asks for)."""
    x, y, d = promote(a, b)
    if opmath:
        x, y = opmath_operands(x, y, d, b)
    try:
        out = ufunc(x, y)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(out, d, a._storage.device, (a, b), d)


# -- add, sub, mul, div -----------------------------------------------------------
def add(a, b, *, alpha=1):
    """a + alpha * b. A number for a stays first, as `input` (torch.add(2, t)):
    the graph lists it first too, where `2 + t` (t.__radd__(2)) lists t first."""
    if isinstance(a, Tensor) and type(alpha) is int and alpha == 1:  # the default, and a + b is hot
        out = _binary(a, b, ufunc_of(a, "add"))
    else:
        out = _add_scaled(a, b, alpha, "add")
    if needs_grad(a, b):
        record(AddBackward0(alpha), out, (a, b))
    return out


class AddBackward0(Node):
    saved_settings = ("alpha",)

    def __init__(self, alpha=1):
        super().__init__()
        self.alpha = alpha

    def backward(self, grad):
        return grad, grad if self.alpha == 1 else grad * self.alpha


def sub(a, b, *, alpha=1):
    """a - alpha * b; a may be a number, as in add."""
    if is_bool(a) or is_bool(b):
        refuse_bool_subtraction(a, b)
    if isinstance(a, Tensor) and type(alpha) is int and alpha == 1:
        out = _binary(a, b, ufunc_of(a, "subtract"))
    else:
        out = _add_scaled(a, b, alpha, "subtract")
    if needs_grad(a, b):
        record(SubBackward0(alpha), out, (a, b))
    return out


class SubBackward0(Node):
    saved_settings = ("alpha",)

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
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError(f"expected a Tensor, but got {type(a).__name__} and {type(b).__name__}")
    check_shapes(a, b)  # PyTorch checks the shapes before alpha
    d = dtypes.result_type(a, b)
    # a - alpha * b is a + (-alpha) * b, as PyTorch computes it: -alpha is what must fit d.
    alpha = times_alpha(alpha, d, negate=name == "subtract")
    x, y, d, t = operands(a, b)
    xp = xp_of(t)
    try:
        if alpha is None:  # a + 1 * b
            out = xp.add(x, y)
        elif d.category != FLOATING:  # integers and bool: exact, wrapping around as PyTorch does
            out = xp.add(x, xp.multiply(y, d.numpy.type(alpha), dtype=d.numpy))
        else:
            out = exact.alpha.add(xp.asarray(x, d.numpy), alpha, xp.asarray(y, d.numpy), xp)
    except ValueError as error:
        broadcast_error(a, b, error)
    return elementwise_result(out, d, t._storage.device, (a, b), d)


def times_alpha(alpha, d, negate=False):
    """alpha (or -alpha, for sub) as add with result dtype d uses it, or None for 1:
    a number of d (uint8 takes -1 as 255), or refused as PyTorch refuses it."""
    if isinstance(alpha, (np.number, np.bool_)):
        alpha = alpha.item()
    if isinstance(alpha, bool) and d is not BOOL:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and d.category != FLOATING:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")
    if negate:
        alpha = -alpha
    if alpha == 1:
        return None
    dtypes.check_fits(alpha, d)
    return as_scalar(alpha, d)


def refuse_bool_subtraction(a, b):
    """PyTorch refuses `-` when either side is a bool (a tensor or True/False)."""
    if is_bool(a) and is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if is_bool(a) or is_bool(b):
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. "
            "If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )


def rsub(a, b):
    """b - a, for a Python number b."""
    refuse_bool_subtraction(b, a)
    x, y, d = promote(a, b)
    out = elementwise_result(ufunc_of(a, "subtract")(y, x), d, a._storage.device, (a, b), d)
    if needs_grad(a):
        record(RsubBackward1(), out, (a,))
    return out


class RsubBackward1(Node):
    alpha = 1  # number - a is rsub(a, number, alpha=1) in PyTorch
    saved_settings = ("alpha",)

    def backward(self, grad):
        return neg(grad)


def mul(a, b):
    """a * b; a may be a number (torch.mul(2, t)), and stays the first input, as in PyTorch."""
    if isinstance(a, Tensor):
        out = _binary(a, b, ufunc_of(a, "multiply"), opmath=True)
    else:
        out = _binary(b, a, ufunc_of(b, "multiply"))  # a number on the left: rounded to the dtype first
    if needs_grad(a, b):
        # Each input's gradient needs the *other* input: save only what will be used.
        record(MulBackward0(), out, (a, b), saved=(a if gets_gradient(b) else None, b if gets_gradient(a) else None))
    return out


class MulBackward0(Node):
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors  # each saved only if the other input needs a gradient
        needs_a, needs_b = self.needs_input_grad
        return (grad * b if needs_a else None), (grad * a if needs_b else None)


def div(a, b, *, rounding_mode=None):
    """a / b; a may be a number (torch.div(2, t)), as in PyTorch."""
    if rounding_mode is not None:
        return _rounded_div(a, b, rounding_mode)
    if isinstance(a, Tensor):
        like = a
        x, y, d = _true_division_operands(a, b)
        x, y = opmath_operands(x, y, d, b)
    else:
        require_tensor("div", b)
        like = b
        # Promoted as b's partner, then put back in order: x is the number, y b's array.
        y, x, d = _true_division_operands(b, a)
    try:
        out = elementwise_result(ufunc_of(like, "true_divide")(x, y), d, like._storage.device, (a, b), d)
    except ValueError as error:
        broadcast_error(a, b, error)
    if needs_grad(a, b):
        # b is always needed (a's gradient is grad / b), a only for b's gradient.
        record(DivBackward0(), out, (a, b), saved=(a if gets_gradient(b) else None, b))
    return out


class DivBackward0(Node):
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors  # a is saved only if b needs a gradient
        needs_a, needs_b = self.needs_input_grad
        # d(a/b)/db = -a / b^2, rounded as PyTorch rounds it: -grad * ((a / b) / b)
        return (grad / b if needs_a else None), (neg(grad) * (a / b / b) if needs_b else None)


# -- a tensor and a number, as PyTorch's own C++ code combines them -----------------------
# Its Scalar overloads record other nodes than Python's `a * 2` does (which makes the 2 a
# tensor): MulBackward1 and DivBackward1, which keep the number (grad_fn._saved_other).
# F.cross_entropy uses them (its label smoothing, its mean over class probabilities).
def mul_by_number(a, number):
    return _by_number(mul, MulBackward1, a, number)


def div_by_number(a, number):
    return _by_number(div, DivBackward1, a, number)


def _by_number(op, node_class, a, number):
    with grad_mode.no_grad():
        out = op(a, number)
    if needs_grad(a):
        record(node_class(number), out, (a,))
    return out


class _ByNumberBackward(Node):
    saved_settings = ("other",)

    def __init__(self, other):
        super().__init__()
        self.other = other


class MulBackward1(_ByNumberBackward):
    def backward(self, grad):
        return grad * self.other


class DivBackward1(_ByNumberBackward):
    def backward(self, grad):
        return grad / self.other


def _true_division_operands(a, b):
    """promote() for true division, which always computes in a floating type:
    int / int is float32, as 7 / 2 is 3.5 in Python."""
    if isinstance(b, Tensor):
        x, y, d = promote(a, b)
        if d.category == FLOATING:
            return x, y, d
        # Each integer operand goes straight to float: uint8 / (0-d int64 -1) divides by -1.0, not by 255.
        f = dtypes.get_default_dtype()
        return cast(a, f), cast(b, f), f
    if isinstance(b, (np.number, np.bool_)):
        b = b.item()
    d = to_float_dtype(scalar_dtype(a.dtype, b))
    return cast(a, d), as_scalar(b, d), d


def _rounded_div(a, b, rounding_mode):
    """div with rounding_mode "floor" (like //) or "trunc" (toward zero, like C)."""
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'"
        )
    out = _rounded_quotient(a, b, rounding_mode)
    if needs_grad(a, b):
        record(DivBackward2(rounding_mode), out, (a, b), saved=(a if gets_gradient(b) else None, b))
    return out


class DivBackward2(Node):
    """div with a rounding mode: the result is a step function, so its gradient is zero.
    PyTorch saves the operands all the same (they are never read)."""
    saved_names = ("self", "other")
    saved_settings = ("rounding_mode",)

    def __init__(self, rounding_mode):
        super().__init__()
        self.rounding_mode = rounding_mode

    def backward(self, grad):
        self.saved_tensors  # unpacked all the same, as PyTorch does: an operand written since is an error
        zero = grad * 0
        return zero, zero


def _rounded_quotient(a, b, rounding_mode):
    """a / b rounded down or toward zero, in a's and b's common dtype (ints stay ints)."""
    check_shapes(a, b)
    x, y, d, like = operands(a, b)
    not_for_bool(d, f"div_{rounding_mode}_cpu")
    xp = xp_of(like)
    if isinstance(a, Tensor):
        x, y = opmath_operands(x, y, d, b)
    try:
        # (An integer divisor of 0 is refused below; a float one gives inf or nan silently, as in PyTorch.)
        with np.errstate(divide="ignore", invalid="ignore"):
            if d.category == FLOATING:
                q = _float_floor_divide(xp, x, y) if rounding_mode == "floor" else xp.trunc(xp.true_divide(x, y))
            elif rounding_mode == "floor":
                q = xp.floor_divide(x, y)
            else:
                q = xp.floor_divide(x, y)
                # Floor and trunc differ by one where the exact quotient is negative and not whole.
                q = q + ((xp.remainder(x, y) != 0) & ((xp.asarray(x) < 0) != (xp.asarray(y) < 0)))
    except ValueError as error:
        broadcast_error(a, b, error)
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
    if d.category != FLOATING and result.size and xp.any(xp.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")


def rdiv(a, b):
    """b / a for a Python number b: PyTorch computes reciprocal(a) * b."""
    return mul(reciprocal(a), b)


def reciprocal(a):
    d = to_float_dtype(a.dtype)
    out = elementwise_result(ufunc_of(a, "reciprocal")(cast(a, d)), d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(ReciprocalBackward0(), out, (a,), saved=(out,))
    return out


class ReciprocalBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (r,) = self.saved_tensors
        return neg(grad) * (r * r)  # -1 / a^2, in PyTorch's order: -grad * (r * r)


def neg(a):
    if a.dtype is dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    out = elementwise_result(ufunc_of(a, "negative")(a._data), a.dtype, a._storage.device, (a,))
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
        record(NotImplemented_("aten::floor_divide"), out, tuple(x for x in (a, b) if isinstance(x, Tensor)))
    return out


class NotImplemented_(Node):
    """PyTorch records an op it has no derivative for (floor division, scatter with
    reduce=, set_) with a node literally named NotImplemented, which fails in backward
    naming the op ("aten::floor_divide", or plain "set_" for the ops torch writes by hand)."""

    def __init__(self, op):
        super().__init__()
        self.op = op

    def name(self):
        return "tinytorch::autograd::NotImplemented"

    def backward(self, grad):
        raise RuntimeError(f"derivative for {self.op} is not implemented")


NotImplemented_.__name__ = "NotImplemented"  # torch's class name (__qualname__ stays: inspect finds the source by it)


def remainder(a, b):
    """a % b with the sign of b, as in Python (-7 % 2 is 1); either side may be a number."""
    out = _modulo(a, b, "remainder_cpu",
                  lambda xp, x, y, d: _float_remainder(xp, x, y) if d.category == FLOATING else xp.remainder(x, y))
    if needs_grad(a, b):
        if not isinstance(a, Tensor):
            record(NotImplemented_("aten::remainder"), out, (b,))  # PyTorch has no derivative for number % tensor
        elif isinstance(b, Tensor):
            # Both are needed for b's gradient only (a's is grad itself): saved only then, as in PyTorch.
            keep = gets_gradient(b)
            record(RemainderBackward1(), out, (a, b), saved=(a if keep else None, b if keep else None))
        else:
            record(RemainderBackward0(), out, (a,))  # a number divisor: one input, nothing saved
    return out


def _modulo(a, b, kernel, compute):
    """What remainder and fmod share: the operands' dtype, the checks PyTorch makes
    (shapes, bool, an integer divisor of 0) and the result; compute(xp, x, y, dtype)
    gives the values. (NumPy's warning for an integer divided by 0 is kept quiet: it
    is refused just after.)"""
    check_shapes(a, b)
    x, y, d, like = operands(a, b)
    not_for_bool(d, kernel)
    xp = xp_of(like)
    try:
        with np.errstate(all="ignore"):
            values = compute(xp, x, y, d)
    except ValueError as error:
        broadcast_error(a, b, error)
    _check_integer_divisor(xp, values, y, d)
    return elementwise_result(values, d, like._storage.device, (a, b), d)


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


def fmod(a, b):
    """C's fmod: the remainder of a / b rounded toward zero, with the sign of a
    (fmod(-7, 2) is -1, where -7 % 2 is 1); b may be a number."""
    if not isinstance(a, Tensor) or not is_tensor_or_number(b):
        raise not_tensor_then_number("fmod", (a, b))
    out = _modulo(a, b, "fmod_cpu", lambda xp, x, y, d: xp.fmod(x, y))
    if needs_grad(a, b):
        if isinstance(b, Tensor):
            keep = gets_gradient(b)  # both are needed for b's gradient only, as for remainder
            record(FmodBackward1(), out, (a, b), saved=(a if keep else None, b if keep else None))
        else:
            record(FmodBackward0(), out, (a,))
    return out


class FmodBackward0(Node):
    """fmod(a, number) is a - number * trunc(a / number): its slope in a is 1."""

    def backward(self, grad):
        return grad


class FmodBackward1(Node):
    """fmod(a, b) = a - b * trunc(a / b); trunc is a step, a constant here."""
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors
        gb = -grad * div(a, b, rounding_mode="trunc") if self.needs_input_grad[1] else None
        return grad, gb


def atan2(a, b):
    """The angle of the point (b, a), in (-pi, pi]: atan(a / b), in the right quadrant."""
    require_tensor("atan2", a, "input", 1)
    require_tensor("atan2", b)
    check_shapes(a, b)
    _, _, d, like = operands(a, b)
    d = to_float_dtype(d)
    xp = xp_of(like)
    try:
        values = xp.arctan2(cast(a, d), cast(b, d))
    except ValueError as error:
        broadcast_error(a, b, error)
    out = elementwise_result(values, d, like._storage.device, (a, b), d)
    if needs_grad(a, b):
        record(Atan2Backward0(), out, (a, b), saved=(a, b))
    return out


class Atan2Backward0(Node):
    saved_names = ("self", "other")

    def backward(self, grad):
        a, b = self.saved_tensors
        recip = reciprocal(a * a + b * b)
        needs_a, needs_b = self.needs_input_grad
        return (grad * b * recip if needs_a else None), (grad * -a * recip if needs_b else None)


def square(a):
    """a * a, computed as PyTorch computes it: pow(a, 2) (PowBackward0)."""
    return pow(a, 2)


def pow(a, b):
    """a ** b: PowBackward0 for a number exponent, PowBackward1 for a tensor
    exponent, PowBackward2 for a number base."""
    if not isinstance(a, Tensor):
        return _pow_scalar_base(a, b)
    if not isinstance(b, Tensor):
        return _pow_scalar_exponent(a, b.item() if isinstance(b, (np.number, np.bool_)) else b)
    check_shapes(a, b)
    x, y, d = promote(a, b)
    not_for_bool(d, "pow")
    try:
        out = elementwise_result(_power(xp_of(a), x, y, d), d, a._storage.device, (a, b), d)
    except ValueError as error:
        broadcast_error(a, b, error)
    if needs_grad(a, b):
        record(PowBackward1(), out, (a, b), saved=(a, b, out))
    return out


def _pow_scalar_exponent(a, exponent):
    d = scalar_dtype(a.dtype, exponent)
    if d.category != FLOATING and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if d is dtypes.float16 or d.category == INTEGER:
        dtypes.check_fits(exponent, d)  # PyTorch refuses these; float32 and float64 take any exponent
    base, power_in = exact.scalars.power_operands(cast(a, d), exponent, d)
    values = _power(xp_of(a), base, as_scalar(exponent, power_in), power_in)
    out = elementwise_result(values, d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(PowBackward0(exponent), out, (a,), saved=(a,))
    return out


def _power(xp, x, y, d):
    """x ** y computed in dtype d, with PyTorch's integer rule: a negative exponent
    gives 0, except for bases 1 and -1, where 1 / base**k is still a whole number."""
    if d.category == FLOATING:
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
    saved_settings = ("exponent",)

    def __init__(self, exponent):
        super().__init__()
        self.exponent = exponent

    def backward(self, grad):
        (a,) = self.saved_tensors
        if self.exponent == 0:
            return zeros_like_grad(grad)
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
        gb = where((a == 0) & (b >= 0), 0, grad * out * log(a)) if needs_b else None
        return ga, gb


def _pow_scalar_base(base, exponent):
    if isinstance(base, (np.number, np.bool_)):
        base = base.item()
    d = dtypes.result_type(exponent, base)
    not_for_bool(d, "pow")
    xp = xp_of(exponent)
    # Row-major whatever the exponent's layout: PyTorch allocates this result before it looks at the exponent.
    out = from_array(_power(xp, as_scalar(base, d), cast(exponent, d), d), d, exponent._storage.device,
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

