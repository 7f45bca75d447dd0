"""Elementwise ops: arithmetic, comparisons, logic and math functions.

Each op is a forward function followed by its backward node. Forward computes
on arrays with NumPy (or CuPy); backward is written with tinytorch ops on
tensors, so that with create_graph=True the backward pass is itself recorded
and can be differentiated again.
"""
from ..autograd import grad_mode
from ..autograd.graph import Node
from .base import (
    Tensor, dtypes, np, from_array, needs_grad, record, sum_to, same_device, scalar_like,
    to_float_dtype, type_name,
)

_INTEGER, _FLOATING = dtypes.INTEGER, dtypes.FLOATING


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


def _cast(t, d):
    return t._data if t.dtype is d else t._data.astype(d.numpy)


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
    return _cast(a, d), b, d


def _broadcast_error(a, b):
    """NumPy says ValueError; re-raise with PyTorch's RuntimeError and wording."""
    from ..strides import broadcast_shapes
    broadcast_shapes(a._shape, getattr(b, "_shape", ()))
    raise  # not a broadcasting problem after all


def _shape_dtype(x):
    """What backward needs to shape a gradient for input x: (shape, dtype), or None for a number."""
    return (x._shape, x.dtype) if type(x) is Tensor else None


def _grad_for(grad, meta):
    """Reduce a broadcast gradient back to an input's shape and dtype."""
    if meta is None:
        return None
    shape, d = meta
    grad = sum_to(grad, shape)
    return grad if grad.dtype is d else grad.to(d)


def _quiet():
    """Silence NumPy's floating-point warnings (1/0, log(0), overflow): PyTorch
    returns inf/nan without a word, and a warning would break nbval's stderr check."""
    return np.errstate(all="ignore")


def _binary(a, b, ufunc, quiet=False):
    x, y, d = promote(a, b)
    try:
        if quiet:
            with _quiet():
                out = ufunc(x, y)
        else:
            out = ufunc(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return from_array(out, d, a._storage.device), d


# -- add, sub, mul, div -----------------------------------------------------------
def add(a, b, *, alpha=1):
    if type(a) is not Tensor:
        a, b = b, a
    if alpha != 1:
        b = b * alpha
    out, _ = _binary(a, b, _ufunc(a, "add"))
    if needs_grad(a, b):
        record(AddBackward0(_shape_dtype(a), _shape_dtype(b)), out, (a, b))
    return out


class AddBackward0(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        return _grad_for(grad, self.a_meta), _grad_for(grad, self.b_meta)


def sub(a, b, *, alpha=1):
    if a.dtype is dtypes.bool_ and (type(b) is not Tensor and isinstance(b, bool) or getattr(b, "dtype", None) is dtypes.bool_):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. "
            "Use the `^` or `logical_xor()` operator instead."
        )
    if alpha != 1:
        b = b * alpha
    out, _ = _binary(a, b, _ufunc(a, "subtract"))
    if needs_grad(a, b):
        record(SubBackward0(_shape_dtype(a), _shape_dtype(b)), out, (a, b))
    return out


class SubBackward0(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        return _grad_for(grad, self.a_meta), _grad_for(neg(grad), self.b_meta) if self.b_meta else None


def rsub(a, b):
    """b - a, for a Python number b."""
    x, y, d = promote(a, b)
    out = from_array(_ufunc(a, "subtract")(y, x), d, a._storage.device)
    if needs_grad(a):
        record(RsubBackward1(_shape_dtype(a)), out, (a,))
    return out


class RsubBackward1(Node):
    def __init__(self, a_meta):
        super().__init__()
        self.a_meta = a_meta

    def backward(self, grad):
        return _grad_for(neg(grad), self.a_meta)


def mul(a, b):
    if type(a) is not Tensor:
        a, b = b, a
    out, _ = _binary(a, b, _ufunc(a, "multiply"))
    if needs_grad(a, b):
        node = MulBackward0(_shape_dtype(a), _shape_dtype(b))
        # Each input's gradient needs the *other* input; save only what will be used.
        node.save(b if type(b) is Tensor and a._requires_grad else None, a if type(b) is Tensor and b._requires_grad else None)
        node.scalar = None if type(b) is Tensor else b
        record(node, out, (a, b))
    return out


class MulBackward0(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        b, a = self.saved_tensors
        if self.scalar is not None:
            return _grad_for(grad * self.scalar, self.a_meta), None
        ga = _grad_for(grad * b, self.a_meta) if b is not None else None
        gb = _grad_for(grad * a, self.b_meta) if a is not None else None
        return ga, gb


def div(a, b, *, rounding_mode=None):
    if rounding_mode == "floor":
        return floor_divide(a, b)
    if rounding_mode == "trunc":
        q = div(a, b)
        return from_array(np.trunc(q._data), q.dtype, q.device) if q.dtype.is_floating_point else q
    if rounding_mode is not None:
        raise ValueError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{rounding_mode}'")
    x, y, d = promote(a, b)
    d = to_float_dtype(d)  # true division: int / int is float, as in Python
    if x.dtype != d.numpy:
        x = x.astype(d.numpy)
        if type(y) is not float and type(y) is not int:
            y = y.astype(d.numpy)
    try:
        with _quiet():
            out = from_array(_ufunc(a, "true_divide")(x, y), d, a._storage.device)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        node = DivBackward0(_shape_dtype(a), _shape_dtype(b))
        if type(b) is Tensor:
            node.save(a if b._requires_grad else None, b)
            node.scalar = None
        else:
            node.scalar = b
        record(node, out, (a, b))
    return out


class DivBackward0(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        if self.scalar is not None:
            return _grad_for(grad / self.scalar, self.a_meta), None
        a, b = self.saved_tensors
        ga = _grad_for(grad / b, self.a_meta) if self.next_functions[0][0] is not None else None
        gb = _grad_for(neg(grad) * a / (b * b), self.b_meta) if a is not None else None
        return ga, gb


def rdiv(a, b):
    """b / a for a Python number b: PyTorch computes reciprocal(a) * b."""
    return mul(reciprocal(a), b)


def reciprocal(a):
    d = to_float_dtype(a.dtype)
    with _quiet():
        out = from_array(_ufunc(a, "reciprocal")(_cast(a, d)), d, a._storage.device)
    if needs_grad(a):
        node = ReciprocalBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class ReciprocalBackward0(Node):
    def backward(self, grad):
        (r,) = self.saved_tensors
        return neg(grad) * r * r


def neg(a):
    if a.dtype is dtypes.bool_:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a "
            "mask, use the `~` or `logical_not()` operator instead."
        )
    out = from_array(_ufunc(a, "negative")(a._data), a.dtype, a._storage.device)
    if needs_grad(a):
        record(NegBackward0(), out, (a,))
    return out


class NegBackward0(Node):
    def backward(self, grad):
        return neg(grad)


# -- floor division, remainder, power ---------------------------------------------
def floor_divide(a, b):
    a = scalar_like(a, b) if type(a) is not Tensor else a
    x, y, d = promote(a, b)
    if d.category != _FLOATING:
        divisor = y if type(y) is not Tensor else y
        if np.any(np.asarray(divisor) == 0):
            raise RuntimeError("ZeroDivisionError")
    try:
        with _quiet():
            out = from_array(_ufunc(a, "floor_divide")(x, y), d, a._storage.device)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        record(NotImplemented_(), out, (a, b))
    return out


class NotImplemented_(Node):
    """PyTorch records floor division with a node literally named NotImplemented."""

    def name(self):
        return "NotImplemented"

    def backward(self, grad):
        raise RuntimeError("derivative for floor_divide is not implemented")


def remainder(a, b):
    a = scalar_like(a, b) if type(a) is not Tensor else a
    x, y, d = promote(a, b)
    if d.category != _FLOATING and np.any(np.asarray(y) == 0):
        raise RuntimeError("ZeroDivisionError")
    try:
        with _quiet():
            out = from_array(_ufunc(a, "remainder")(x, y), d, a._storage.device)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        node = RemainderBackward0(_shape_dtype(a), _shape_dtype(b))
        node.save(a, b if type(b) is Tensor else None)
        record(node, out, (a, b))
    return out


class RemainderBackward0(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        a, b = self.saved_tensors
        gb = None
        if b is not None and self.next_functions[1][0] is not None:
            gb = _grad_for(neg(grad) * floor_divide(a, b), self.b_meta)
        return _grad_for(grad, self.a_meta), gb


def pow(a, b):
    """a ** b: PowBackward0 for a number exponent, PowBackward1 for a tensor
    exponent, PowBackward2 for a number base."""
    if type(a) is not Tensor:
        return _pow_scalar_base(a, b)
    x, y, d = promote(a, b)
    if type(b) is not Tensor and d.category == _INTEGER and b < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    try:
        with _quiet():
            out = from_array(_ufunc(a, "power")(x, y), d, a._storage.device)
    except ValueError:
        _broadcast_error(a, b)
    if needs_grad(a, b):
        if type(b) is Tensor:
            node = PowBackward1(_shape_dtype(a), _shape_dtype(b))
            record(node, out, (a, b))
            node.save(a, b, out)
        else:
            node = PowBackward0(b, _shape_dtype(a))
            node.save(a)
            record(node, out, (a,))
    return out


class PowBackward0(Node):
    def __init__(self, exponent, a_meta):
        super().__init__()
        self.exponent, self.a_meta = exponent, a_meta

    def backward(self, grad):
        (a,) = self.saved_tensors
        if self.exponent == 0:
            return grad * 0
        return _grad_for(grad * self.exponent * pow(a, self.exponent - 1), self.a_meta)


class PowBackward1(Node):
    def __init__(self, a_meta, b_meta):
        super().__init__()
        self.a_meta, self.b_meta = a_meta, b_meta

    def backward(self, grad):
        a, b, out = self.saved_tensors
        ga = gb = None
        if self.next_functions[0][0] is not None:
            ga = _grad_for(grad * b * pow(a, b - 1), self.a_meta)
        if self.next_functions[1][0] is not None:
            # d(a^b)/db = a^b * log(a); PyTorch defines it as 0 where a == 0 and b >= 0.
            safe = where((a == 0) & (b >= 0), grad * 0, grad * out * log(a))
            gb = _grad_for(safe, self.b_meta)
        return ga, gb


def _pow_scalar_base(base, exponent):
    d = dtypes.result_type(exponent, base)
    with _quiet():
        out = from_array(_ufunc(exponent, "power")(d.numpy.type(base), _cast(exponent, d)), d, exponent._storage.device)
    if needs_grad(exponent):
        node = PowBackward2(base, _shape_dtype(exponent))
        record(node, out, (exponent,))
        node.save(out)
    return out


class PowBackward2(Node):
    def __init__(self, base, meta):
        super().__init__()
        self.base, self.meta = base, meta

    def backward(self, grad):
        (out,) = self.saved_tensors
        return _grad_for(grad * out * float(np.log(self.base)), self.meta)


# -- comparisons and logic (no gradients) -------------------------------------------
def _compare(a, b, name):
    if type(a) is not Tensor:
        a = scalar_like(a, b)
    x, y, _ = promote(a, b)
    try:
        out = _ufunc(a, name)(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return from_array(out, dtypes.bool_, a._storage.device)


def eq(a, b): return _compare(a, b, "equal")
def ne(a, b): return _compare(a, b, "not_equal")
def lt(a, b): return _compare(a, b, "less")
def le(a, b): return _compare(a, b, "less_equal")
def gt(a, b): return _compare(a, b, "greater")
def ge(a, b): return _compare(a, b, "greater_equal")


def _bitwise(a, b, name):
    if type(a) is not Tensor:
        a, b = b, a
    x, y, d = promote(a, b)
    if d.category == _FLOATING:
        raise RuntimeError(f'"{name}_cpu" not implemented for \'{type_name(d)}\'')
    try:
        out = _ufunc(a, name)(x, y)
    except ValueError:
        _broadcast_error(a, b)
    return from_array(out, d, a._storage.device)


def bitwise_and(a, b): return _bitwise(a, b, "bitwise_and")
def bitwise_or(a, b): return _bitwise(a, b, "bitwise_or")
def bitwise_xor(a, b): return _bitwise(a, b, "bitwise_xor")


def bitwise_not(a):
    if a.dtype.is_floating_point:
        raise RuntimeError(f"\"bitwise_not_cpu\" not implemented for '{type_name(a.dtype)}'")
    return from_array(_ufunc(a, "invert")(a._data), a.dtype, a._storage.device)


def logical_not(a):
    return from_array(_ufunc(a, "logical_not")(a._data), dtypes.bool_, a._storage.device)


def logical_and(a, b):
    return from_array(_ufunc(a, "logical_and")(*promote(a, b)[:2]), dtypes.bool_, a._storage.device)


def logical_or(a, b):
    return from_array(_ufunc(a, "logical_or")(*promote(a, b)[:2]), dtypes.bool_, a._storage.device)


def isnan(a): return from_array(_ufunc(a, "isnan")(a._data), dtypes.bool_, a._storage.device)
def isinf(a): return from_array(_ufunc(a, "isinf")(a._data), dtypes.bool_, a._storage.device)
def isfinite(a): return from_array(_ufunc(a, "isfinite")(a._data), dtypes.bool_, a._storage.device)


def equal(a, b):
    """True when both have the same shape and the same values."""
    same_device(a, b)
    return a._shape == b._shape and bool((a == b).all())


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y, _ = promote(a, b)
    return bool(_xp(a).allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    x, y, _ = promote(a, b)
    return from_array(_xp(a).isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan), dtypes.bool_, a._storage.device)


# -- math functions ---------------------------------------------------------------
def _unary_float(a, name):
    """Apply a float math function; integer input is computed in the default float type."""
    d = to_float_dtype(a.dtype)
    with _quiet():
        return from_array(_ufunc(a, name)(_cast(a, d)), d, a._storage.device)


def exp(a):
    out = _unary_float(a, "exp")
    if needs_grad(a):
        node = ExpBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class ExpBackward0(Node):
    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out


def log(a):
    out = _unary_float(a, "log")
    if needs_grad(a):
        node = LogBackward0()
        node.save(a)
        record(node, out, (a,))
    return out


class LogBackward0(Node):
    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / a


def sqrt(a):
    out = _unary_float(a, "sqrt")
    if needs_grad(a):
        node = SqrtBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class SqrtBackward0(Node):
    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad / (out * 2)


def sin(a):
    out = _unary_float(a, "sin")
    if needs_grad(a):
        node = SinBackward0()
        node.save(a)
        record(node, out, (a,))
    return out


class SinBackward0(Node):
    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * cos(a)


def cos(a):
    out = _unary_float(a, "cos")
    if needs_grad(a):
        node = CosBackward0()
        node.save(a)
        record(node, out, (a,))
    return out


class CosBackward0(Node):
    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * neg(sin(a))


def tanh(a):
    out = _unary_float(a, "tanh")
    if needs_grad(a):
        node = TanhBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class TanhBackward0(Node):
    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (1 - out * out)


def sigmoid(a):
    d = to_float_dtype(a.dtype)
    x = _cast(a, d)
    xp = _xp(a)
    # sigmoid(x) = 1 / (1 + e^-x) = (1 + tanh(x/2)) / 2. The tanh form never
    # overflows for large |x| and takes fewer passes over the data.
    y = xp.multiply(x, d.numpy.type(0.5))
    xp.tanh(y, out=y)
    y *= 0.5
    y += 0.5
    out = from_array(y, d, a._storage.device)
    if needs_grad(a):
        node = SigmoidBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class SigmoidBackward0(Node):
    def backward(self, grad):
        (out,) = self.saved_tensors
        if grad_mode.state.enabled:  # create_graph: build the gradient from recorded ops
            return grad * (out * (1 - out))
        # Plain backward: the same formula, fused into one buffer, since nothing records it.
        g = 1 - out._data
        g *= out._data
        g *= grad._data
        return from_array(g, out.dtype, out._storage.device)


def relu(a):
    if a.dtype is dtypes.bool_:
        raise RuntimeError("\"clamp_min_cpu\" not implemented for 'Bool'")
    out = from_array(_xp(a).maximum(a._data, a._data.dtype.type(0)), a.dtype, a._storage.device)
    if needs_grad(a):
        node = ReluBackward0()
        record(node, out, (a,))
        node.save(out)
    return out


class ReluBackward0(Node):
    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (out > 0)


def abs(a):
    out = from_array(_ufunc(a, "absolute")(a._data), a.dtype, a._storage.device)
    if needs_grad(a):
        node = AbsBackward0()
        node.save(a)
        record(node, out, (a,))
    return out


class AbsBackward0(Node):
    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * sign(a)


def sign(a):
    out = from_array(_ufunc(a, "sign")(a._data), a.dtype, a._storage.device)
    if needs_grad(a):
        record(SignBackward0(), out, (a,))
    return out


class SignBackward0(Node):
    def backward(self, grad):
        return grad * 0


def clamp(a, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None".replace("torch", "tinytorch"))
    if type(min) is Tensor or type(max) is Tensor:
        out = a
        if min is not None:
            out = where(out < min, min, out)
        if max is not None:
            out = where(out > max, max, out)
        return out
    d = a.dtype
    for bound in (min, max):
        if bound is not None:
            d = dtypes.promote_types(d, _scalar_dtype(a.dtype, bound))
    out = from_array(_xp(a).clip(_cast(a, d), min, max), d, a._storage.device)
    if needs_grad(a):
        node = ClampBackward1(min, max)
        node.save(a)
        record(node, out, (a,))
    return out


class ClampBackward1(Node):
    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def backward(self, grad):
        (a,) = self.saved_tensors
        # The gradient passes where the input was inside [min, max] (bounds included).
        inside = None
        if self.low is not None:
            inside = a >= self.low
        if self.high is not None:
            upper = a <= self.high
            inside = upper if inside is None else inside & upper
        return grad * inside


def where(condition, x, y):
    if type(condition) is not Tensor or condition.dtype is not dtypes.bool_:
        got = type_name(condition.dtype) if type(condition) is Tensor else type(condition).__name__
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {got}")
    like = x if type(x) is Tensor else y if type(y) is Tensor else condition
    x = scalar_like(x, like)
    y = scalar_like(y, like)
    same_device(condition, x)
    same_device(condition, y)
    d = dtypes.result_type(x, y)
    try:
        out = _xp(like).where(condition._data, _cast(x, d), _cast(y, d))
    except ValueError:
        from ..strides import broadcast_shapes
        broadcast_shapes(condition._shape, x._shape, y._shape)
        raise
    out = from_array(out, d, like._storage.device)
    if needs_grad(x, y):
        node = WhereBackward0(_shape_dtype(x), _shape_dtype(y))
        node.save(condition)
        record(node, out, (x, y))
    return out


class WhereBackward0(Node):
    def __init__(self, x_meta, y_meta):
        super().__init__()
        self.x_meta, self.y_meta = x_meta, y_meta

    def backward(self, grad):
        (condition,) = self.saved_tensors
        zero = grad * 0
        gx = _grad_for(where(condition, grad, zero), self.x_meta) if self.next_functions[0][0] else None
        gy = _grad_for(where(condition, zero, grad), self.y_meta) if self.next_functions[1][0] else None
        return gx, gy


# -- the array module ---------------------------------------------------------------
def _xp(t):
    return np if t._storage.device.type == "cpu" else _gpu_xp(t)


def _gpu_xp(t):
    from ..device import backend_for
    return backend_for(t._storage.device).xp


def _ufunc(t, name):
    """The ufunc `name` of the array module that computes for t's device."""
    return getattr(_xp(t), name)


def maximum(a, b):
    """Elementwise larger of a and b (gradient to the larger; ties share it as in where)."""
    return where(a >= b, a, b)


def minimum(a, b):
    return where(a <= b, a, b)
