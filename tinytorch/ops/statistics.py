"""Reductions that describe a distribution of values: var and std (and var_mean,
std_mean, which also give the mean), norms and
dist, logsumexp, amax/amin, nansum/nanmean, and the running (cumulative) sum,
product, max and min.

Each backward is written with tinytorch's own ops, so its result has a
history too and second derivatives work. Where a formula would divide by zero
(the std of constant values, a norm of zeros), PyTorch defines the gradient
as 0, and so does this.
"""
import math
import warnings

from .. import strides as S
from ..autograd.graph import Node
from ..dtypes import type_name
from ..exact.arguments import is_index
from .base import dtypes, from_array, needs_grad, np, record, xp_of, zeros_for
from .comparison import isnan, logical_not, where
from .joining import cat
from .matrices import check_floating, check_matrices, svdvals
from .reduction import ReturnTypes, _as_given, _contiguous, _count, _dims, _expand_back, _restore_reduced_dims
from .selecting import scatter_add


def _as_given_or_none(dim):
    return None if dim is None else _as_given(dim)


# -- var / std ------------------------------------------------------------------------
def var(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The mean squared distance from the mean, sum((x - mean)^2) / (N - correction).
    correction=1 (the default, Bessel's) estimates a population's variance from a
    sample; unbiased=False or correction=0 divides by N."""
    return _spread(a, dim, unbiased, keepdim, correction, "var")


def std(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The square root of var."""
    return _spread(a, dim, unbiased, keepdim, correction, "std")


def var_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) from one pass, recorded as one node with two outputs."""
    return _spread(a, dim, unbiased, keepdim, correction, "var", with_mean=True)


def std_mean(a, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) from one pass, recorded as one node with two outputs."""
    return _spread(a, dim, unbiased, keepdim, correction, "std", with_mean=True)


def _spread(a, dim, unbiased, keepdim, correction, name, with_mean=False):
    if isinstance(dim, bool):  # var(False): the old (unbiased) signature
        dim, unbiased = None, dim
    function = f"{name}_mean" if with_mean else name
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{function}: cannot specify both unbiased and correction")
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"{function if with_mean else 'std and var'} only support floating point and complex "
                           "dtypes")
    # What PyTorch's node reads back: None when nothing chose a correction.
    if correction is not None:
        saved = correction
    elif unbiased is None and dim is None:
        saved = None
    else:
        saved = 1 if unbiased in (None, True) else 0
    c = 1 if saved is None else saved
    dims = _dims(a, dim)
    n = _count(a._shape, range(a.dim()) if dims is None else dims)
    divisor = max(n - c, 0)  # PyTorch's: never negative, so too large a correction gives inf or nan
    if divisor == 0:
        warnings.warn(f"{function}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                      "reduction factor (input numel divided by output numel).", UserWarning, stacklevel=3)
    xp = xp_of(a)
    compute = dtypes.float32 if a.dtype is dtypes.float16 else a.dtype
    with np.errstate(all="ignore"):
        x = a._data.astype(compute.numpy, copy=False)
        axes = tuple(range(a.dim())) if dims is None else dims
        mean = xp.true_divide(xp.sum(x, axis=axes, keepdims=True), n)  # (as NumPy's mean, without its warning)
        deviations = x - mean
        result = xp.sum(deviations * deviations, axis=axes, keepdims=keepdim) / xp.asarray(divisor, x.dtype)
        if name == "std":
            result = xp.sqrt(result)
    out = from_array(_contiguous(xp, result.astype(a.dtype.numpy)), a.dtype, a.device)
    outputs = out
    if with_mean:
        mean = mean if keepdim else mean.reshape(result.shape)
        outputs = (out, from_array(_contiguous(xp, mean.astype(a.dtype.numpy)), a.dtype, a.device))
    if needs_grad(a):
        node_type = {("var", False): VarBackward0, ("std", False): StdBackward0,
                     ("var", True): VarMeanBackward0, ("std", True): StdMeanBackward0}[name, with_mean]
        node = node_type(dims, keepdim, saved, _as_given_or_none(dim), divisor)
        record(node, outputs, (a,), saved=(a, out) if name == "std" else (a,))
    return outputs


class VarBackward0(Node):
    """d var / dx_i = 2 (x_i - mean) / (N - correction)."""
    saved_names = ("self",)
    saved_settings = ("correction", "dim", "keepdim")

    def __init__(self, dims, keepdim, correction, dim, divisor):
        super().__init__()
        self.dims, self.keepdim, self.correction, self.dim, self.divisor = dims, keepdim, correction, dim, divisor

    def backward(self, grad):
        return self.var_gradient(self.saved_tensors[0], grad)

    def var_gradient(self, a, grad):
        axes = tuple(range(a.dim())) if self.dims is None else self.dims
        spread = _expand_back(grad, a._shape, self.dims, self.keepdim)
        return spread * (2.0 / self.divisor) * (a - a.mean(axes, keepdim=True))


class StdBackward0(VarBackward0):
    """std = sqrt(var), so d std = d var / (2 std); 0 where std is 0, as in PyTorch."""
    saved_names = ("self", "result")

    def backward(self, grad):
        a, result = self.saved_tensors
        return self.std_gradient(a, result, grad)

    def std_gradient(self, a, result, grad):
        return self.var_gradient(a, (grad / (result * 2)).masked_fill(result == 0, 0))


class VarMeanBackward0(VarBackward0):
    """Two outputs: var's gradient as VarBackward0's, plus the mean's, spread evenly."""
    num_outputs = 2

    def backward(self, grad_var, grad_mean):
        (a,) = self.saved_tensors
        return self.with_mean_gradient(a, None if grad_var is None else self.var_gradient(a, grad_var), grad_mean)

    def with_mean_gradient(self, a, grad, grad_mean):
        if grad_mean is None:
            return grad
        axes = range(a.dim()) if self.dims is None else self.dims
        spread = _expand_back(grad_mean, a._shape, self.dims, self.keepdim) / _count(a._shape, axes)
        return spread if grad is None else grad + spread


class StdMeanBackward0(VarMeanBackward0):
    saved_names = ("self", "result0")

    def backward(self, grad_std, grad_mean):
        a, std = self.saved_tensors
        grad = None if grad_std is None else StdBackward0.std_gradient(self, a, std, grad_std)
        return self.with_mean_gradient(a, grad, grad_mean)


# -- norms ----------------------------------------------------------------------------
def vector_norm(a, ord=2, dim=None, keepdim=False, *, dtype=None):
    """(sum |x|^ord)^(1/ord): ord=2 is the length of a vector, 1 the sum of absolute
    values, inf the largest absolute value, 0 the count of non-zeros."""
    check_floating(a, "linalg.vector_norm")
    if dtype is not None:
        a = a.to(dtypes.to_dtype(dtype))
    if ord < 0 or ord == math.inf:  # a max, or a sum of 1/x, of nothing has no value to start from
        given = _as_given(dim) if dim is not None else ()
        for d in given:
            if a.dim() and a._shape[S.normalize_dim(d, a.dim())] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on the dimension {d}because "
                                   "this dimension is empty and the operation does not have an identity")  # (sic)
        if not given and a.numel() == 0:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                               "operation does not have an identity")
    dims = _dims(a, dim)
    axes = tuple(range(a.dim())) if dims is None else dims
    xp = xp_of(a)
    compute = dtypes.float32 if a.dtype is dtypes.float16 else a.dtype
    with np.errstate(all="ignore"):
        x = xp.abs(a._data.astype(compute.numpy, copy=False))
        if ord == math.inf:
            result = xp.max(x, axis=axes, keepdims=keepdim)
        elif ord == -math.inf:
            result = xp.min(x, axis=axes, keepdims=keepdim)
        elif ord == 0:
            result = xp.sum(x != 0, axis=axes, keepdims=keepdim).astype(x.dtype)
        elif ord == 1:
            result = xp.sum(x, axis=axes, keepdims=keepdim)
        elif ord == 2:
            result = xp.sqrt(xp.sum(x * x, axis=axes, keepdims=keepdim))
        else:
            result = xp.sum(x ** ord, axis=axes, keepdims=keepdim) ** (1.0 / ord)
    out = from_array(_contiguous(xp, result.astype(a.dtype.numpy)), a.dtype, a.device)
    if needs_grad(a):
        node = LinalgVectorNormBackward0(ord, dims, keepdim, _as_given_or_none(dim))
        record(node, out, (a,), saved=(a, out))
    return out


def norm(a, p="fro", dim=None, keepdim=False, dtype=None):
    """Tensor.norm: the vector norm of order p (2 for 'fro') over dim (all by default);
    'nuc' is the matrix norm of that name."""
    if p == "fro" and (dim is None or is_index(dim) or len(dim) <= 2):
        p = 2  # the Frobenius norm of a matrix is the 2-norm of its elements
    elif isinstance(p, str):
        return matrix_norm(a, p, tuple(range(a.dim())) if dim is None else dim, keepdim, dtype=dtype)
    if p is None:
        p = 2.0
    return vector_norm(a, p, dim, keepdim, dtype=dtype)


def matrix_norm(a, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """A norm of the matrices in the two dims `dim`, as PyTorch composes it.

        'fro'      the 2-norm of the elements
        'nuc'      the sum of the singular values; 2 (-2): the largest (smallest) one
        1 (-1)     the largest (smallest) column sum of absolute values
        inf (-inf) the largest (smallest) row sum of absolute values"""
    if ord not in ("fro", "nuc") and (isinstance(ord, str) or abs(ord) not in (1, 2, math.inf)):
        shown = ord if isinstance(ord, str) else f"{ord:g}"
        raise RuntimeError(f"linalg.matrix_norm: Order {shown} not supported.")
    check_matrices(a, "linalg.matrix_norm")
    dim = (dim,) if is_index(dim) else tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}")
    first, second = (S.normalize_dim(d, a.dim()) for d in dim)
    if first == second:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({first}, {second})")
    if ord == "fro":
        return vector_norm(a, 2, dim, keepdim, dtype=dtype)
    if ord in ("nuc", 2, -2):  # from the singular values, with the matrix dims moved last
        order = [d for d in range(a.dim()) if d not in (first, second)] + [first, second]
        values = svdvals((a if dtype is None else a.to(dtypes.to_dtype(dtype))).permute(order))
        result = values.sum(-1, keepdim) if ord == "nuc" else \
            values.amax(-1, keepdim) if ord == 2 else values.amin(-1, keepdim)
        return result.unsqueeze(-1).permute([order.index(d) for d in range(a.dim())]) if keepdim else result
    if abs(ord) == math.inf:  # the row sums: the 1-norm of the transposed matrix
        first, second = second, first
    sums = vector_norm(a, 1, (first,), keepdim, dtype=dtype)
    second = second - 1 if not keepdim and first < second else second  # one dim fewer before it
    return sums.amax(second, keepdim) if ord > 0 else sums.amin(second, keepdim)


def _norm_gradient(a, grad, result, ord, axes):
    """The gradient of a vector norm of a over `axes` (grad and result already spread
    back over a's shape), as PyTorch's linalg_vector_norm_backward defines it."""
    if ord == 0:
        return a * 0
    if ord == 1:
        return a.sign() * grad
    if ord == 2:  # as torch writes it: 0, not -0.0, for a -0.0 of a zero norm
        return grad * (a / result).masked_fill(result == 0, 0)
    if math.isinf(ord):  # the elements that reached the max (or min) share the gradient
        hits = a.abs() == result
        counts = hits.sum(axes, keepdim=True) if axes else hits.to(grad.dtype)
        return a.sign() * grad * hits / counts
    return a * a.abs().pow(ord - 2) * (grad / result.pow(ord - 1)).masked_fill(result == 0, 0)


class LinalgVectorNormBackward0(Node):
    saved_names = ("self", "result")
    saved_settings = ("dim", "keepdim", "ord")

    def __init__(self, ord, dims, keepdim, dim):
        super().__init__()
        self.ord, self.dims, self.keepdim, self.dim = ord, dims, keepdim, dim

    def backward(self, grad):
        a, result = self.saved_tensors
        grad = _expand_back(grad, a._shape, self.dims, self.keepdim)
        result = _expand_back(result, a._shape, self.dims, self.keepdim)
        axes = tuple(range(a.dim())) if self.dims is None else self.dims
        return _norm_gradient(a, grad, result, self.ord, axes)


def dist(a, b, p=2):
    """The p-norm of a - b: how far apart two tensors are."""
    difference = a.detach() - b.detach()  # in the dtype the two promote to
    if not difference.dtype.is_floating_point:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. Got "
                           f"{type_name(difference.dtype)} instead.")
    result = vector_norm(difference, p)
    if needs_grad(a, b):
        record(DistBackward0(p), result, (a, b), saved=(a, b, result))
    return result


class DistBackward0(Node):
    saved_names = ("self", "other", "result")
    saved_settings = ("p",)

    def __init__(self, p):
        super().__init__()
        self.p = p

    def backward(self, grad):
        a, b, result = self.saved_tensors
        difference = a - b
        shape = difference._shape
        g = _norm_gradient(difference, grad.expand(shape), result.expand(shape), self.p, tuple(range(len(shape))))
        return g, -g  # (each fitted to its own input's shape by the engine)


# -- logsumexp, amax / amin --------------------------------------------------------------
def logsumexp(a, dim, keepdim=False):
    """log(sum(exp(x))), computed as max + log(sum(exp(x - max))) so that no exp overflows."""
    if a.dtype.is_floating_point:
        x = a
    else:
        x = a.to(dtypes.get_default_dtype())
    dims = _dims(x, dim)
    axes = tuple(range(x.dim())) if dims is None else dims
    xp = xp_of(x)
    with np.errstate(all="ignore"):
        data = x._data.astype(np.float32, copy=False) if x.dtype is dtypes.float16 else x._data
        if data.size:
            peak = xp.max(data, axis=axes, keepdims=True) if 0 not in [x._shape[d] for d in axes] else \
                xp.full([1 if d in axes else s for d, s in enumerate(x._shape)], -xp.inf, data.dtype)
        else:
            peak = xp.zeros([1 if d in axes else s for d, s in enumerate(x._shape)], data.dtype)
        peak = xp.where(xp.isinf(peak), 0, peak)
        result = xp.log(xp.sum(xp.exp(data - peak), axis=axes, keepdims=True)) + peak
        if not keepdim:
            result = result.reshape([s for d, s in enumerate(x._shape) if d not in axes])
    out = from_array(_contiguous(xp, result.astype(x.dtype.numpy)), x.dtype, x.device)
    if needs_grad(a):
        record(LogsumexpBackward0(dims, keepdim, _as_given(dim)), out, (x,), saved=(x, out))
    return out


class LogsumexpBackward0(Node):
    """d/dx_i log(sum exp x) = exp(x_i) / sum exp x = exp(x_i - result): a softmax."""
    saved_names = ("self", "result")
    saved_settings = ("dim", "keepdim")

    def __init__(self, dims, keepdim, dim):
        super().__init__()
        self.dims, self.keepdim, self.dim = dims, keepdim, dim

    def backward(self, grad):
        a, result = self.saved_tensors
        grad = _expand_back(grad, a._shape, self.dims, self.keepdim)
        return grad * (a - _expand_back(result, a._shape, self.dims, self.keepdim)).exp()


def amax(a, dim=(), keepdim=False):
    """The largest value over dim (every dim by default). Unlike max(dim), it returns
    no indices, takes several dims, and splits the gradient evenly among ties."""
    return _amax_amin(a, dim, keepdim, "amax")


def amin(a, dim=(), keepdim=False):
    return _amax_amin(a, dim, keepdim, "amin")


def _amax_amin(a, dim, keepdim, name):
    if a.numel() == 0:  # PyTorch's first check, on the dims as given
        given = _as_given(dim) if dim is not None else ()
        if not given:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               "Specify the reduction dim with the 'dim' argument.")
        for d in given:
            if a.dim() and a._shape[S.normalize_dim(d, a.dim())] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    dims = _dims(a, dim)
    axes = tuple(range(a.dim())) if dims is None else dims
    xp = xp_of(a)
    with np.errstate(all="ignore"):
        result = (xp.max if name == "amax" else xp.min)(a._data, axis=axes, keepdims=keepdim)
    out = from_array(_contiguous(xp, result), a.dtype, a.device)
    if needs_grad(a):
        node = (AmaxBackward0 if name == "amax" else AminBackward0)(dims, keepdim, _as_given(dim))
        record(node, out, (a,), saved=(a, out))
    return out


class AmaxBackward0(Node):
    """The gradient goes to the elements equal to the result, split evenly among them."""
    saved_names = ("self", "result")
    saved_settings = ("dim", "keepdim")

    def __init__(self, dims, keepdim, dim):
        super().__init__()
        self.dims, self.keepdim, self.dim = dims, keepdim, dim

    def backward(self, grad):
        a, result = self.saved_tensors
        axes = tuple(range(a.dim())) if self.dims is None else self.dims
        hits = _expand_back(result, a._shape, self.dims, self.keepdim) == a
        counts = hits.sum(axes, keepdim=True) if axes else hits.to(grad.dtype)
        # (grad / counts) broadcasts over hits only at the end, so the gradient is laid out as a is, as in torch
        return _restore_reduced_dims(grad, self.dims, self.keepdim) / counts * hits


class AminBackward0(AmaxBackward0):
    pass


# -- nansum / nanmean ---------------------------------------------------------------------
def nansum(a, dim=None, keepdim=False, *, dtype=None):
    """sum, with nan counted as 0."""
    dims = _dims(a, dim)
    xp = xp_of(a)
    d = dtypes.to_dtype(dtype) if dtype is not None else (a.dtype if a.dtype.is_floating_point else dtypes.int64)
    compute = dtypes.float32 if d is dtypes.float16 else d
    result = xp.nansum(a._data.astype(compute.numpy, copy=False), axis=dims, keepdims=keepdim)
    out = from_array(_contiguous(xp, result.astype(d.numpy)), d, a.device)
    if needs_grad(a):
        record(NansumBackward0(dims, keepdim, _as_given_or_none(dim)), out, (a,), saved=(a,))
    return out


class NansumBackward0(Node):
    saved_names = ("self",)
    saved_settings = ("dim", "keepdim")

    def __init__(self, dims, keepdim, dim):
        super().__init__()
        self.dims, self.keepdim, self.dim = dims, keepdim, dim

    def backward(self, grad):
        (a,) = self.saved_tensors
        return _expand_back(grad, a._shape, self.dims, self.keepdim) * logical_not(isnan(a))


def nanmean(a, dim=None, keepdim=False, *, dtype=None):
    """The mean of the values that are not nan: nansum over their count, as PyTorch computes it."""
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{type_name(a.dtype)}")
    return nansum(a, dim, keepdim, dtype=dtype) / logical_not(isnan(a)).sum(dim, keepdim)


# -- running sum, product, max, min ---------------------------------------------------------
def cumsum(a, dim, *, dtype=None):
    """out[i] = a[0] + ... + a[i] along dim."""
    return _running(a, dim, dtype, "cumsum")


def cumprod(a, dim, *, dtype=None):
    """out[i] = a[0] * ... * a[i] along dim."""
    return _running(a, dim, dtype, "cumprod")


def _running(a, dim, dtype, name):
    d = S.normalize_dim(dim, a.dim())
    if dtype is not None:
        result_dtype = dtypes.to_dtype(dtype)
    else:
        result_dtype = a.dtype if a.dtype.is_floating_point else dtypes.int64
    xp = xp_of(a)
    x = a._data.astype(result_dtype.numpy, copy=False)
    with np.errstate(all="ignore"):
        result = getattr(xp, name)(x, axis=d) if a.dim() else x.copy()
    out = from_array(_contiguous(xp, result.astype(result_dtype.numpy, copy=False)), result_dtype, a.device)
    if needs_grad(a):
        if name == "cumsum":
            record(CumsumBackward0(dim, d), out, (a,))
        else:
            record(CumprodBackward0(dim, d), out, (a,), saved=(a, out))
    return out


def _reverse_cumsum(t, d):
    """out[i] = t[i] + t[i+1] + ... along dim d."""
    return t.flip(d).cumsum(d).flip(d) if t.dim() else t


class CumsumBackward0(Node):
    """Each a[i] is in every out[k] with k >= i, so its gradient sums grad[k] over k >= i."""
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def backward(self, grad):
        if grad.numel() <= 1 or grad._shape[self.d] == 1:  # nothing to add up: PyTorch passes grad on as it is
            return grad
        return _reverse_cumsum(grad, self.d)


class CumprodBackward0(CumsumBackward0):
    """d out[k] / d a[i] = out[k] / a[i] for k >= i. Where some a[i] is 0 that division
    fails, so, as PyTorch does, the product without a[i] is formed instead."""
    saved_names = ("self", "result")

    def backward(self, grad):
        a, result = self.saved_tensors
        if a.numel() <= 1:  # as PyTorch: grad as it is
            return grad
        if not bool((a == 0).any()):
            return _reverse_cumsum(grad * result, self.d) / a
        # Slow but exact: for each position i, the running product with a[i] set to 1.
        xp = xp_of(a)
        n = a._shape[self.d]
        positions = from_array(xp.arange(n).reshape((-1,) + (1,) * (a.dim() - self.d - 1)), dtypes.int64, a.device)
        parts = []
        for i in range(n):
            without_i = where(positions == i, 1.0, a).cumprod(self.d)
            parts.append((grad * without_i * (positions >= i)).sum(self.d, keepdim=True))
        return cat(parts, self.d)


def cummax(a, dim):
    """(values, indices): the running maximum along dim, and where it was found
    (the latest position on ties, as PyTorch does; nan, once met, stays)."""
    return _running_extreme(a, dim, "cummax")


def cummin(a, dim):
    return _running_extreme(a, dim, "cummin")


def _running_extreme(a, dim, name):
    if a.dim() == 0 and dim not in (0, -1):
        raise IndexError(f"{name}(): Expected reduction dim -1 or 0 for scalar but got {dim}")
    d = S.normalize_dim(dim, a.dim()) if a.numel() else 0  # (PyTorch checks no dim of an empty tensor)
    xp = xp_of(a)
    values = a._data.copy()
    indices = xp.zeros(a._shape, dtype=xp.int64)
    if a.dim() and a.numel():
        better = (lambda new, old: new >= old) if name == "cummax" else (lambda new, old: new <= old)
        v = xp.moveaxis(values, d, 0)
        i = xp.moveaxis(indices, d, 0)
        floating = a.dtype.is_floating_point
        for k in range(1, v.shape[0]):
            take = better(v[k], v[k - 1])
            if floating:  # nan wins: a nan stays, and a new nan takes over
                take = (take & ~xp.isnan(v[k - 1])) | xp.isnan(v[k])
            v[k] = xp.where(take, v[k], v[k - 1])
            i[k] = xp.where(take, k, i[k - 1])
    out = from_array(values, a.dtype, a.device)
    idx = from_array(indices, dtypes.int64, a.device)
    if needs_grad(a):
        record((CummaxBackward0 if name == "cummax" else CumminBackward0)(dim, d), out, (a,), saved=(a, idx))
    return ReturnTypes(name, out, idx)


class CummaxBackward0(Node):
    """Each running value came from one element: its gradient goes back there, added up."""
    saved_names = ("self", "indices")
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def backward(self, grad):
        a, indices = self.saved_tensors
        if a.dim() == 0:
            return grad
        zeros = zeros_for(grad, a._shape)
        return scatter_add(zeros, self.d, indices, grad)


class CumminBackward0(CummaxBackward0):
    pass

