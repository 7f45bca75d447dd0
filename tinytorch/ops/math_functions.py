"""Math functions of one tensor: exp, log, sqrt, sin, cos, tanh, sigmoid, relu,
abs, sign, sgn, clamp, logit; log1p, expm1, log2, log10, sinh, cosh, tan, asin, acos, atan,
asinh, acosh, atanh, erf, erfc, exp2, frac, rsqrt; and the rounding ones, floor, ceil, trunc and round.

Each op is a forward function followed by its backward node. Forward computes
on arrays with NumPy (or CuPy); backward is written with tinytorch ops on
tensors, so that with create_graph=True the backward pass is itself recorded
and can be differentiated again.
"""
import math

from .. import exact
from ..autograd import grad_mode
from ..autograd.graph import Node
from ..exact.arguments import invalid_combination, python_type_name
from ..exact.scalars import as_scalar
from ..strides import broadcast_shapes
from .base import (
    Tensor, dtypes, elementwise_result, needs_grad, np, record, same_device, to_float_dtype, type_name, xp_of,
    zeros_like_grad,
)
from .comparison import where
from .operands import BOOL, cast, ufunc_of


# -- math functions ---------------------------------------------------------------
def _unary_float(a, fn):
    """Apply a float math function (a ufunc's name, or a function of an array);
    integer input is computed in the default float type. A ufunc of float32 is
    computed in float64 and rounded once, as PyTorch's float32 math mostly rounds
    (exact.rounding.via_float64); sqrt, exact either way, stays in float32."""
    d = to_float_dtype(a.dtype)
    x = cast(a, d)
    if not isinstance(fn, str):
        return elementwise_result(fn(x), d, a._storage.device, (a,), d)
    f = ufunc_of(a, fn)
    values = f(x) if fn == "sqrt" else exact.rounding.via_float64(f, x)
    return elementwise_result(values, d, a._storage.device, (a,), d)


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
        return grad * -sin(a)


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
    x = cast(a, d)
    xp = xp_of(a)
    # sigmoid(x) = 1 / (1 + e^-x), computed so, as PyTorch does: a very negative x
    # sends e^-x to inf and the result to 0, and a small result keeps its relative
    # precision (2e-9 for x = -20). float16 computes in float32, rounded once.
    compute = np.float32 if d is dtypes.float16 else d.numpy
    y = xp.negative(x, dtype=compute, out=xp.empty(x.shape, compute))  # out= keeps a 0-d result an array
    y[...] = exact.rounding.via_float64(xp.exp, y)  # e^-x as _unary_float's exp computes it
    y += 1
    xp.reciprocal(y, out=y)
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
    if a.dtype is BOOL:
        raise RuntimeError("Boolean inputs not supported for relu")
    # x < 0 becomes 0; everything else stays, -0.0 and nan included, as in PyTorch (NumPy's maximum would turn -0.0 into 0.0).
    x = a._data
    out = elementwise_result(_zero_where(x < 0, x), a.dtype, a._storage.device, (a,))
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
        # Plain backward: the same choice on arrays, since nothing records it.
        chosen = _zero_where(out._data <= 0, grad._data)
        return elementwise_result(chosen, grad.dtype, grad._storage.device, (grad, out))


def _zero_where(mask, values):
    """A copy of `values` (an array) with 0 where `mask` holds: where(mask, 0, values),
    bit for bit (nan and -0.0 stay), in a few fast passes. Every bit of a value is
    cleared where mask holds (all bits 0 is the number 0) and kept elsewhere (mask - 1
    is all ones there). relu's forward and backward both run it on every training step,
    and NumPy's where with a number is several times slower (bench/bench_nn.py)."""
    bits = values.view(f"u{values.itemsize}")  # the same memory read as unsigned integers
    keep = mask.astype(bits.dtype)
    keep -= 1
    keep &= bits
    return keep.view(values.dtype)


def abs(a):
    if a.dtype is BOOL:
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    out = elementwise_result(ufunc_of(a, "absolute")(a._data), a.dtype, a._storage.device, (a,))
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
    if a.dtype is BOOL:
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
        return zeros_like_grad(grad)


def sgn(a):
    """sign under the name that also covers complex numbers (z / |z|); for real ones the same."""
    out = sign(a.detach())
    if needs_grad(a):
        record(SgnBackward0(), out, (a,))
    return out


class SgnBackward0(SignBackward0):
    pass


def logit(a, eps=None):
    """log(p / (1 - p)), the inverse of sigmoid: a probability's log-odds. With eps,
    p is first clamped to [eps, 1 - eps], so 0 and 1 give finite values."""
    def log_odds(p):  # as torch's kernel: each step rounded to p's dtype, the log as our log rounds
        if eps is not None:
            p = p.clip(p.dtype.type(eps), p.dtype.type(1 - eps))
        return exact.rounding.via_float64(xp_of(a).log, p / (1 - p))
    out = _unary_float(a, log_odds)
    if needs_grad(a):
        record(LogitBackward0(eps), out, (a,), saved=(a,))
    return out


class LogitBackward0(Node):
    """d logit / dp = 1 / (p (1 - p)); outside [eps, 1 - eps] the clamp makes it 0
    (without eps, outside [0, 1], where logit is nan, it is nan)."""
    saved_names = ("self",)
    saved_settings = ("eps",)

    def __init__(self, eps):
        super().__init__()
        self.eps = eps

    def backward(self, grad):
        (p,) = self.saved_tensors
        slope = grad / (p * (1 - p))
        if self.eps is None:
            return where((p < 0) | (p > 1), float("nan"), slope)
        return where((p < self.eps) | (p > 1 - self.eps), 0.0, slope)


def clamp(a, min=None, max=None):
    if min is None and max is None:
        raise RuntimeError("tinytorch.clamp: At least one of 'min' or 'max' must not be None")
    min, max = read_bounds(min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_by_tensors(a, min, max)
    min, max = (b.item() if isinstance(b, (np.number, np.bool_)) else b for b in (min, max))
    d = dtypes.result_type(a, *(b for b in (min, max) if b is not None))
    # PyTorch detail: with two bounds, one of them nan, the result is nan without a
    # look at the other (so it is never checked to fit the dtype).
    if min is None or max is None or (min == min and max == max):
        for bound in (min, max):
            if bound is not None:
                dtypes.check_fits(bound, d)
    if d is BOOL:
        kernel = "clamp_scalar_cpu" if min is not None and max is not None else (
            "clamp_min_scalar_cpu" if min is not None else "clamp_max_scalar_cpu")
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")
    min, max = (None if b is None else as_scalar(b, d) for b in (min, max))
    x = cast(a, d)
    out = elementwise_result(_clamp_to_numbers(xp_of(a), x, min, max), d, a._storage.device, (a,), d)
    if needs_grad(a):
        record(ClampBackward1(min, max), out, (a,), saved=(a,))
    return out


def read_bounds(min, max):
    """clamp's bounds as PyTorch's argument parser reads them: beside a number, a
    0-d tensor bound is read as a number (it picks clamp's overload of two numbers)."""
    if any(not isinstance(b, Tensor) and b is not None for b in (min, max)):
        return tuple(b.item() if isinstance(b, Tensor) and b.dim() == 0 else b for b in (min, max))
    return min, max


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
    if any(not isinstance(b, Tensor) for b in bounds):
        got = ["Tensor" if isinstance(v, Tensor) else python_type_name(v) for v in (a, min, max)]
        raise TypeError(invalid_combination("clamp", got, [
            "(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)",
            "(Tensor input, Number min = None, Number max = None, *, Tensor out = None)",
        ]))
    for b in bounds:
        same_device(a, b)
    d = dtypes.result_type(a, *bounds)
    if d is BOOL and len(bounds) == 2:
        raise NotImplementedError("\"clamp_cpu\" not implemented for 'Bool'")
    broadcast_shapes(*(t._shape for t in (a, *bounds)))  # PyTorch's error for shapes that do not fit
    xp = xp_of(a)
    x = cast(a, d)
    if min is not None:
        x = xp.maximum(x, cast(min, d))
    if max is not None:
        x = xp.minimum(x, cast(max, d))
    out = elementwise_result(x, d, a._storage.device, (a, *bounds), d)
    if needs_grad(a, *bounds):
        record(ClampBackward0(), out, (a, min, max), saved=(a, min, max))
    return out


class ClampBackward0(Node):
    """clamp with tensor bounds: each output element came from a, from min or from max."""
    saved_names = ("self", "min", "max")

    def backward(self, grad):
        a, low, high = self.saved_tensors
        if low is None:
            from_a, from_low, from_high = a <= high, None, a > high
        elif high is None:
            from_a, from_low, from_high = a >= low, a < low, None
        else:
            # With min > max every element is max, as in PyTorch.
            from_a, from_low, from_high = (a >= low) & (a <= high), (a < low) & (low < high), (a > high) | (high < low)
        return tuple(None if source is None else where(source, grad, 0) for source in (from_a, from_low, from_high))


class ClampBackward1(Node):
    saved_names = ("self",)
    saved_settings = ("min", "max")

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
            if inside is None:
                inside = upper
            else:
                inside &= upper  # in place, as PyTorch's logical_and_: the mask keeps a's layout
        return where(inside, grad, 0)


# -- more math: logs and exponentials near 0, hyperbolic and inverse trigonometric
# functions, erf, rsqrt. Each backward is PyTorch's formula, written as it is there
# (derivatives.yaml), so that create_graph records the same nodes.
def log1p(a):
    out = _unary_float(a, "log1p")
    if needs_grad(a):
        record(Log1PBackward0(), out, (a,), saved=(a,))
    return out


class Log1PBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (a + 1)


def expm1(a):
    out = _unary_float(a, "expm1")
    if needs_grad(a):
        record(Expm1Backward0(), out, (a,), saved=(out,))
    return out


class Expm1Backward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (out + 1)


def log2(a):
    out = _unary_float(a, "log2")
    if needs_grad(a):
        record(Log2Backward0(), out, (a,), saved=(a,))
    return out


class Log2Backward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (a * math.log(2))


def log10(a):
    out = _unary_float(a, "log10")
    if needs_grad(a):
        record(Log10Backward0(), out, (a,), saved=(a,))
    return out


class Log10Backward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (a * math.log(10))


def sinh(a):
    out = _unary_float(a, "sinh")
    if needs_grad(a):
        record(SinhBackward0(), out, (a,), saved=(a,))
    return out


class SinhBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * cosh(a)


def cosh(a):
    out = _unary_float(a, "cosh")
    if needs_grad(a):
        record(CoshBackward0(), out, (a,), saved=(a,))
    return out


class CoshBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * sinh(a)


def tan(a):
    out = _unary_float(a, "tan")
    if needs_grad(a):
        record(TanBackward0(), out, (a,), saved=(out,))
    return out


class TanBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * (1 + out ** 2)


def asin(a):
    out = _unary_float(a, "arcsin")
    if needs_grad(a):
        record(AsinBackward0(), out, (a,), saved=(a,))
    return out


class AsinBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * rsqrt(-a * a + 1)


def acos(a):
    out = _unary_float(a, "arccos")
    if needs_grad(a):
        record(AcosBackward0(), out, (a,), saved=(a,))
    return out


class AcosBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * -rsqrt(-a * a + 1)


def atan(a):
    out = _unary_float(a, "arctan")
    if needs_grad(a):
        record(AtanBackward0(), out, (a,), saved=(a,))
    return out


class AtanBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (a * a + 1)


def asinh(a):
    out = _unary_float(a, "arcsinh")
    if needs_grad(a):
        record(AsinhBackward0(), out, (a,), saved=(a,))
    return out


class AsinhBackward0(Node):
    """d asinh(x) = 1 / sqrt(x^2 + 1)."""
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * rsqrt(a * a + 1)


def acosh(a):
    out = _unary_float(a, "arccosh")
    if needs_grad(a):
        record(AcoshBackward0(), out, (a,), saved=(a,))
    return out


class AcoshBackward0(Node):
    """d acosh(x) = 1 / sqrt(x^2 - 1)."""
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad * rsqrt(a * a - 1)


def atanh(a):
    out = _unary_float(a, "arctanh")
    if needs_grad(a):
        record(AtanhBackward0(), out, (a,), saved=(a,))
    return out


class AtanhBackward0(Node):
    """d atanh(x) = 1 / (1 - x^2)."""
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return grad / (1 - a * a)


def erf(a):
    out = _unary_float(a, lambda x: _from_libm(x, "erf"))
    if needs_grad(a):
        record(ErfBackward0(), out, (a,), saved=(a,))
    return out


def _from_libm(x, name):
    """NumPy has no erf or erfc: the C library's (math.erf, in double precision), element
    by element, rounded to float32 for half precision (which PyTorch computes in
    float32) and then to the tensor's dtype; CuPy has its own."""
    if not isinstance(x, np.ndarray):
        from cupyx.scipy import special
        return getattr(special, name)(x)
    compute = np.float32 if x.dtype == np.float16 else x.dtype
    return np.vectorize(getattr(math, name), otypes=[compute])(x).astype(x.dtype)


class ErfBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return 2.0 / math.sqrt(math.pi) * exp(-(a ** 2)) * grad


def erfc(a):
    """1 - erf(a), without the loss of digits of that subtraction for large a."""
    out = _unary_float(a, lambda x: _from_libm(x, "erfc"))
    if needs_grad(a):
        record(ErfcBackward0(), out, (a,), saved=(a,))
    return out


class ErfcBackward0(Node):
    saved_names = ("self",)

    def backward(self, grad):
        (a,) = self.saved_tensors
        return -2.0 / math.sqrt(math.pi) * exp(-(a ** 2)) * grad


def exp2(a):
    out = _unary_float(a, "exp2")
    if needs_grad(a):
        record(Exp2Backward0(), out, (a,), saved=(out,))
    return out


class Exp2Backward0(Node):
    """d 2^x = 2^x ln 2."""
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return grad * out * math.log(2)


def frac(a):
    """The fractional part, a - trunc(a), with a's sign: frac(-1.5) is -0.5."""
    if not a.dtype.is_floating_point:
        raise NotImplementedError(f"\"frac_cpu\" not implemented for '{type_name(a.dtype)}'")
    x = a._data
    out = elementwise_result(x - xp_of(a).trunc(x), a.dtype, a._storage.device, (a,))
    if needs_grad(a):
        record(FracBackward0(), out, (a,))
    return out


class FracBackward0(Node):
    def backward(self, grad):
        return grad


def rsqrt(a):
    out = _unary_float(a, _rsqrt)
    if needs_grad(a):
        record(RsqrtBackward0(), out, (a,), saved=(out,))
    return out


def _rsqrt(x):
    """1 / sqrt(x), each step rounded (half precision computed in float32), as PyTorch's kernel."""
    compute = x.astype(np.float32) if x.dtype == np.float16 else x
    return (1 / np.sqrt(compute)).astype(x.dtype)


class RsqrtBackward0(Node):
    saved_names = ("result",)

    def backward(self, grad):
        (out,) = self.saved_tensors
        return -0.5 * grad * out ** 3


# -- rounding: floor, ceil, trunc, round ----------------------------------------------
# An integer tensor is already whole: it comes back as a copy. A bool has no kernel.
# The gradient is zero almost everywhere (and PyTorch takes it as zero everywhere).
def floor(a):
    return _rounded(a, "floor", FloorBackward0)


def ceil(a):
    return _rounded(a, "ceil", CeilBackward0)


def trunc(a):
    return _rounded(a, "trunc", TruncBackward0)


def round(a, *, decimals=None):
    """Half to even, as NumPy's rint; with `decimals`, scaled by 10**decimals first
    (computed in float32 for half and single precision, as PyTorch computes it)."""
    if decimals is None:
        return _rounded(a, "rint", RoundBackward0)
    if not a.dtype.is_floating_point:
        # PyTorch detail: with decimals given, an integer has no kernel either, and
        # decimals=0 fails in plain round's (which copies integers when called without).
        kernel = "round_vml_cpu" if decimals == 0 else "round_cpu"
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{type_name(a.dtype)}'")
    xp = xp_of(a)
    compute = xp.float64 if a.dtype is dtypes.float64 else xp.float32
    x = a._data.astype(compute)
    scale = compute(10.0 ** (-decimals if decimals < 0 else decimals))  # (not abs(): here abs is the tensor op)
    values = xp.rint(x / scale) * scale if decimals < 0 else xp.rint(x * scale) / scale
    out = elementwise_result(values, a.dtype, a._storage.device, (a,), a.dtype)
    if needs_grad(a):
        record(RoundBackward1(decimals), out, (a,))
    return out


def _rounded(a, name, node_cls):
    if a.dtype is BOOL:
        kernel = {"rint": "round"}.get(name, name)
        raise NotImplementedError(f"\"{kernel}_vml_cpu\" not implemented for 'Bool'")
    values = a._data.copy() if not a.dtype.is_floating_point else ufunc_of(a, name)(a._data)
    out = elementwise_result(values, a.dtype, a._storage.device, (a,), a.dtype)
    if needs_grad(a):
        record(node_cls(), out, (a,))
    return out


class _ZeroGradient(Node):
    def backward(self, grad):
        return zeros_like_grad(grad)


class FloorBackward0(_ZeroGradient):
    pass


class CeilBackward0(_ZeroGradient):
    pass


class TruncBackward0(_ZeroGradient):
    pass


class RoundBackward0(_ZeroGradient):
    pass


class RoundBackward1(_ZeroGradient):
    saved_settings = ("decimals",)

    def __init__(self, decimals):
        super().__init__()
        self.decimals = decimals
