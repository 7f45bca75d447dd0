"""Reductions: sum, mean, prod, max/min, argmax/argmin, all/any.

`dim` may be None (everything), an int or a tuple; `keepdim=True` leaves the
reduced dims in place with size 1. Backward spreads the gradient back over the
reduced dims: unsqueeze what keepdim=False removed, then expand.
"""
import builtins

from .. import strides as S
from ..autograd.graph import Node
from .base import Tensor, np, dtypes, from_array, needs_grad, record, backend_for, type_name


def _dims(a, dim):
    """None -> None; an int or tuple -> a sorted tuple of non-negative dims."""
    if dim is None:
        return None
    n = a.dim()
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = sorted({S.normalize_dim(d, builtins.max(n, 1)) for d in dims})
    if n == 0:
        return ()  # reducing a 0-d tensor over dim 0 or -1 leaves it as is
    return tuple(out)


def _expand_back(grad, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the input's `shape`."""
    if dims is not None and not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    elif dims is None and not keepdim and grad.dim() != len(shape):
        grad = grad.reshape((1,) * len(shape))
    return grad.expand(shape)


def sum(a, dim=None, keepdim=False, *, dtype=None):
    dims = _dims(a, dim)
    if dtype is not None:
        d = dtypes.to_dtype(dtype)
    elif a.dtype.category != dtypes.FLOATING:
        d = dtypes.int64  # PyTorch sums bools and integers as int64
    else:
        d = a.dtype
    xp = backend_for(a.device).xp
    out = from_array(xp.sum(a._data, axis=dims, keepdims=keepdim, dtype=d.numpy), d, a.device)
    if needs_grad(a):
        node = SumBackward0(a._shape) if dim is None else SumBackward1(a._shape, dims, keepdim)
        record(node, out, (a,))
    return out


class SumBackward0(Node):
    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        return _expand_back(grad, self.shape, None, False)


class SumBackward1(Node):
    def __init__(self, shape, dims, keepdim):
        super().__init__()
        self.shape, self.dims, self.keepdim = shape, dims, keepdim

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim)


def mean(a, dim=None, keepdim=False, *, dtype=None):
    d = dtypes.to_dtype(dtype) if dtype is not None else a.dtype
    if not d.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {type_name(a.dtype)}"
        )
    dims = _dims(a, dim)
    xp = backend_for(a.device).xp
    with _quiet_empty():
        result = xp.mean(a._data, axis=dims, keepdims=keepdim, dtype=d.numpy)
    out = from_array(result, d, a.device)
    if needs_grad(a):
        count = a.numel() // builtins.max(out.numel(), 1) if dims is None else _count(a._shape, dims)
        node = MeanBackward0(a._shape, count) if dim is None else MeanBackward1(a._shape, dims, keepdim, count)
        record(node, out, (a,))
    return out


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


def _quiet_empty():
    return np.errstate(all="ignore")  # the mean of nothing is nan, without NumPy's warning


class MeanBackward0(Node):
    def __init__(self, shape, count):
        super().__init__()
        self.shape, self.count = shape, count

    def backward(self, grad):
        return _expand_back(grad, self.shape, None, False) / self.count


class MeanBackward1(Node):
    def __init__(self, shape, dims, keepdim, count):
        super().__init__()
        self.shape, self.dims, self.keepdim, self.count = shape, dims, keepdim, count

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim) / self.count


def prod(a, dim=None, keepdim=False, *, dtype=None):
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod(): argument 'dim' must be int, not tuple")
    dims = _dims(a, dim)
    d = dtypes.to_dtype(dtype) if dtype is not None else (a.dtype if a.dtype.is_floating_point else dtypes.int64)
    xp = backend_for(a.device).xp
    out = from_array(xp.prod(a._data, axis=dims, keepdims=keepdim, dtype=d.numpy), d, a.device)
    if needs_grad(a):
        node = ProdBackward0(a._shape) if dim is None else ProdBackward1(a._shape, dims, keepdim)
        node.save(a, out)
        record(node, out, (a,))
    return out


class ProdBackward0(Node):
    dims, keepdim = None, False

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        a, out = self.saved_tensors
        # d(prod)/dx_i is the product of all the others: prod / x_i where x_i != 0.
        # Where x_i == 0, divide-free: compute the product of the others directly.
        others = _product_of_others(a, self.dims)
        return _expand_back(grad, self.shape, self.dims, self.keepdim) * others


class ProdBackward1(ProdBackward0):
    def __init__(self, shape, dims, keepdim):
        super().__init__(shape)
        self.dims, self.keepdim = dims, keepdim


def _product_of_others(a, dims):
    """For each element, the product of the other elements in its reduction group,
    computed without dividing, so zeros are handled exactly."""
    xp = backend_for(a.device).xp
    x = a._data
    axes = tuple(range(a.dim())) if dims is None else dims
    if not axes:
        return from_array(xp.ones_like(x), a.dtype, a.device)
    # Move reduced axes to the end and flatten them, then use exclusive prefix and suffix products.
    kept = [d for d in range(a.dim()) if d not in axes]
    moved = xp.transpose(x, kept + list(axes))
    flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
    ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    prefix = xp.cumprod(xp.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    suffix = xp.flip(xp.cumprod(xp.flip(xp.concatenate([flat[..., 1:], ones], axis=-1), -1), axis=-1), -1)
    others = (prefix * suffix).reshape(moved.shape)
    inverse = np.argsort(kept + list(axes))
    return from_array(xp.ascontiguousarray(xp.transpose(others, inverse)), a.dtype, a.device)


# -- max / min --------------------------------------------------------------------
class ReturnTypes(tuple):
    """(values, indices) as returned by max(dim) and min(dim), printing like PyTorch's."""

    def __new__(cls, name, values, indices):
        self = super().__new__(cls, (values, indices))
        self._name = name
        return self

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return f"tinytorch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


def max(a, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        from .elementwise import maximum
        return maximum(a, dim)
    return _extreme(a, dim, keepdim, "max")


def min(a, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        from .elementwise import minimum
        return minimum(a, dim)
    return _extreme(a, dim, keepdim, "min")


def _extreme(a, dim, keepdim, name):
    xp = backend_for(a.device).xp
    if dim is None:
        if a.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        out = from_array((xp.max if name == "max" else xp.min)(a._data), a.dtype, a.device)
        if needs_grad(a):
            node = (MaxBackward1 if name == "max" else MinBackward1)()
            node.save(a, out)
            record(node, out, (a,))
        return out
    d = S.normalize_dim(dim, builtins.max(a.dim(), 1))
    if a.dim() == 0:
        arg, values = xp.zeros((), dtype=xp.int64), a._data.copy()
    else:
        if a._shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        arg = (xp.argmax if name == "max" else xp.argmin)(a._data, axis=d, keepdims=True)
        values = xp.take_along_axis(a._data, arg, axis=d)
        if not keepdim:
            arg, values = xp.squeeze(arg, axis=d), xp.squeeze(values, axis=d)
    values = from_array(values, a.dtype, a.device)
    indices = from_array(arg, dtypes.int64, a.device)
    if needs_grad(a):
        node = (MaxBackward0 if name == "max" else MinBackward0)(a._shape, d if a.dim() else None, keepdim)
        node.save(indices)
        record(node, values, (a,))
    return ReturnTypes(name, values, indices)


class MaxBackward1(Node):
    """Gradient of the overall max/min: shared equally among tied elements, as PyTorch does."""

    def backward(self, grad):
        a, out = self.saved_tensors
        from .elementwise import where
        hits = a == out
        return where(hits, grad / hits.sum(), grad * 0)


class MinBackward1(MaxBackward1):
    pass


class MaxBackward0(Node):
    """Gradient of max/min along a dim: it goes to the one element each index picked."""

    def __init__(self, shape, dim, keepdim):
        super().__init__()
        self.shape, self.dim, self.keepdim = shape, dim, keepdim

    def backward(self, grad):
        (indices,) = self.saved_tensors
        from .elementwise import where
        if self.dim is None:
            return grad
        xp = backend_for(grad.device).xp
        idx = indices._data if self.keepdim else xp.expand_dims(indices._data, self.dim)
        positions = xp.arange(self.shape[self.dim]).reshape((-1,) + (1,) * (len(self.shape) - self.dim - 1))
        picked = from_array(positions == idx, dtypes.bool_, grad.device)
        spread = grad if self.keepdim else grad.unsqueeze(self.dim)
        return where(picked, spread.expand(self.shape), spread.expand(self.shape) * 0)


class MinBackward0(MaxBackward0):
    pass


def argmax(a, dim=None, keepdim=False):
    return _arg(a, dim, keepdim, "argmax")


def argmin(a, dim=None, keepdim=False):
    return _arg(a, dim, keepdim, "argmin")


def _arg(a, dim, keepdim, name):
    xp = backend_for(a.device).xp
    if a.numel() == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if dim is None:
        result = getattr(xp, name)(a._data)
        if keepdim:
            result = xp.reshape(result, (1,) * a.dim())
    else:
        d = S.normalize_dim(dim, builtins.max(a.dim(), 1))
        result = getattr(xp, name)(a._data, axis=d if a.dim() else None, keepdims=keepdim and a.dim() > 0)
    return from_array(result, dtypes.int64, a.device)


def all(a, dim=None, keepdim=False):
    xp = backend_for(a.device).xp
    return from_array(xp.all(a._data, axis=_dims(a, dim), keepdims=keepdim), dtypes.bool_, a.device)


def any(a, dim=None, keepdim=False):
    xp = backend_for(a.device).xp
    return from_array(xp.any(a._data, axis=_dims(a, dim), keepdims=keepdim), dtypes.bool_, a.device)
