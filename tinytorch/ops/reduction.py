"""Reductions: sum, sum_to_size, mean, prod, max/min, argmax/argmin, all/any, count_nonzero.

`dim` may be None (everything), an int or a tuple; `keepdim=True` leaves the
reduced dims in place with size 1. Backward spreads the gradient back over the
reduced dims: unsqueeze what keepdim=False removed, then expand.
"""
import builtins

from .. import strides as S
from ..autograd.graph import Node
from ..exact.arguments import is_index, shape_arg
from ..exact.half_product import half_product
from .base import Tensor, np, dtypes, from_array, needs_grad, record, refuse_integer_history, sum_to, type_name, xp_of
from .comparison import isnan, maximum, minimum, where


def _dims(a, dim, empty_means_all=True):
    """None -> None (every dim); an int or a tuple -> a sorted tuple of
    non-negative dims, checked as PyTorch checks them (in range, no repeats).

    An empty tuple reduces every dim in sum and mean, and none in all and any
    (`empty_means_all=False`): PyTorch's own inconsistency, kept."""
    if dim is None:
        return None
    n = a.dim()
    if is_index(dim):  # (an int, a NumPy int or a one-element int tensor, as torch's parser takes it)
        dims = (dim,)
    elif isinstance(dim, (tuple, list)) and builtins.all(is_index(d) for d in dim):
        dims = tuple(dim)
    else:
        raise TypeError(f"dim must be an int or a tuple of ints, not {type(dim).__name__}")
    if not dims:
        return tuple(range(n)) if empty_means_all else ()
    dims = [S.normalize_dim(d, builtins.max(n, 1)) for d in dims]  # every dim in range first, then no repeats
    for i, d in enumerate(dims):
        if d in dims[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return tuple(sorted(dims)) if n else ()  # reducing a 0-d tensor over dim 0 or -1 leaves it as is


def _expand_back(grad, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the input's `shape`."""
    return _restore_reduced_dims(grad, dims, keepdim).expand(shape)  # (a full reduction's 0-d one as it is)


def _restore_reduced_dims(grad, dims, keepdim):
    """A reduced gradient with its reduced dims back, of size 1 (as keepdim=True leaves them)."""
    if dims is not None and not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad


def sum(a, dim=None, keepdim=False, *, dtype=None):
    dims = _dims(a, dim)
    if dtype is not None:
        d = dtypes.to_dtype(dtype)
    elif a.dtype.category != dtypes.FLOATING:
        d = dtypes.int64  # PyTorch sums bools and integers as int64
    else:
        d = a.dtype
    out = _reduce("sum", a, dims, keepdim, d)
    if needs_grad(a):
        node = SumBackward0(a._shape) if dim is None else SumBackward1(a._shape, dims, keepdim, dim)
        record(node, out, (a,))
    return out


def sum_to_size(a, *size):
    """Sum a down to `size`, a shape that broadcasts to a's: what the engine does to
    a broadcast input's gradient (engine.sum_to), which this is."""
    shape = shape_arg(size, "sum_to_size")
    if len(shape) > a.dim() or builtins.any(n not in (1, m) for n, m in zip(reversed(shape), reversed(a._shape))):
        raise RuntimeError(f"size {{{S.list_repr(shape)}}} is not expandable to size {{{S.list_repr(a._shape)}}}.")
    return sum_to(a, shape)


def _reduce(name, a, dims, keepdim, d):
    """sum, prod or mean of a over dims, computed in dtype d (the input is cast
    first, as PyTorch does with dtype=). Half precision adds up in float32, as
    PyTorch does, so a long sum does not lose every digit; its products round
    at every step, as PyTorch's do (exact/half_product.py)."""
    if needs_grad(a):
        refuse_integer_history(d)
    xp = xp_of(a)
    compute = dtypes.float32 if d is dtypes.float16 else d
    # PyTorch is silent about nan and inf (inf - inf, a nan cast to an integer, an
    # empty mean's 0 / 0). NumPy's reductions are Python functions that warn from
    # inside NumPy, out of reach of tinytorch's warnings filter, so they run here
    # with NumPy's floating-point errors switched off.
    with np.errstate(all="ignore"):
        x = a._data if a.dtype is compute else a._data.astype(compute.numpy)
        if name == "mean":  # the sum over the count, as NumPy's mean computes it
            count = _count(a._shape, range(a.dim()) if dims is None else dims)
            result = xp.true_divide(xp.sum(x, axis=dims, keepdims=keepdim), count)
        elif name == "prod" and d is dtypes.float16:
            axes = range(a.dim()) if dims is None else dims
            result = half_product(xp, a._data.astype(xp.float16), axes, a._stride, keepdim)
        else:
            result = getattr(xp, name)(x, axis=dims, keepdims=keepdim)
    return from_array(_contiguous(xp, result), d, a.device)


def _contiguous(xp, result):
    """PyTorch's reductions return contiguous tensors whatever the input's
    layout, where NumPy's follow the layout of the input they reduced."""
    return xp.asarray(result, order="C")


class SumBackward0(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        return _expand_back(grad, self.shape, None, False)


class SumBackward1(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_settings = ("dim", "keepdim")

    def __init__(self, shape, dims, keepdim, dim):
        super().__init__()
        self.shape, self.dims, self.keepdim = shape, dims, keepdim
        self.dim = _as_given(dim)

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim)


def _as_given(dim):
    """The dim argument of a reduction as PyTorch saves it: a tuple of the dims as given."""
    return tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)


def mean(a, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        d = dtypes.to_dtype(dtype)
        if not d.is_floating_point:
            raise RuntimeError(
                "mean(): could not infer output dtype. Optional dtype must be either a floating point or "
                f"complex dtype. Got: {type_name(d)}"
            )
    elif not a.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {type_name(a.dtype)}"
        )
    else:
        d = a.dtype
    dims = _dims(a, dim)
    out = _reduce("mean", a, dims, keepdim, d)
    if needs_grad(a):
        count = a.numel() // builtins.max(out.numel(), 1) if dims is None else _count(a._shape, dims)
        node = MeanBackward0(a._shape, count) if dim is None else MeanBackward1(a._shape, dims, keepdim, count, dim)
        record(node, out, (a,))
    return out


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


class MeanBackward0(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, shape, count):
        super().__init__()
        self.shape, self.count = shape, count

    def backward(self, grad):
        # Spread, then divided, as PyTorch's mean_backward does: the quotient is a new,
        # contiguous tensor (dividing first would leave a broadcast view of one number).
        return _expand_back(grad, self.shape, None, False) / self.count


class MeanBackward1(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_settings = ("dim", "keepdim")

    def __init__(self, shape, dims, keepdim, count, dim):
        super().__init__()
        self.shape, self.dims, self.keepdim, self.count = shape, dims, keepdim, count
        self.dim = _as_given(dim)

    def backward(self, grad):
        return _expand_back(grad, self.shape, self.dims, self.keepdim) / self.count


def prod(a, dim=None, keepdim=False, *, dtype=None):
    if dim is None and keepdim:
        raise TypeError("prod(): argument 'dim' (position 2) must be int, not NoneType")
    if dim is not None and not is_index(dim):
        raise TypeError(f"prod(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    dims = _dims(a, dim)
    d = dtypes.to_dtype(dtype) if dtype is not None else (a.dtype if a.dtype.is_floating_point else dtypes.int64)
    out = _reduce("prod", a, dims, keepdim, d)
    if needs_grad(a):
        node = ProdBackward0(a._shape) if dim is None else ProdBackward1(a._shape, dims, keepdim, dim)
        record(node, out, (a,), saved=(a, out))
    return out


class ProdBackward0(Node):
    saved_names = ("self", "result")
    dims, keepdim = None, False

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        a, out = self.saved_tensors
        if a.dim() == 0:  # the product of one number is that number: slope 1, even at inf
            return grad
        spread = _expand_back(grad, self.shape, self.dims, self.keepdim)
        # d(prod)/dx_i is the product of all the others: prod / x_i, written with
        # ops so that it can be differentiated again (as PyTorch does)...
        if not (a == 0).any():
            return spread * _expand_back(out, self.shape, self.dims, self.keepdim) / a
        # ... unless some x_i == 0: then the product of the others, computed directly.
        return spread * _product_of_others(a, self.dims)


class ProdBackward1(ProdBackward0):
    saved_settings = ("dim", "keepdim")

    def __init__(self, shape, dims, keepdim, dim):
        super().__init__(shape)
        self.dims, self.keepdim = dims, keepdim
        self.dim = dim  # the one dim prod reduced, as given


def _product_of_others(a, dims):
    """For each element, the product of the other elements in its reduction group,
    computed without dividing, so zeros are handled exactly."""
    xp = xp_of(a)
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
    """(values, indices) as returned by max(dim), sort, topk ..., printing like PyTorch's.
    ReturnTypes("max", values, indices) is an instance of the class named max in
    tinytorch.return_types, as PyTorch's is a torch.return_types.max."""

    def __new__(cls, name, values, indices):
        self = super().__new__(return_type(name), (values, indices))
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


_RETURN_TYPES = {}


def return_type(name):
    """The class tinytorch.return_types.<name>, made the first time it is asked for."""
    if name not in _RETURN_TYPES:
        _RETURN_TYPES[name] = type(name, (ReturnTypes,), {"__module__": "tinytorch.return_types",
                                                          "__qualname__": name})
    return _RETURN_TYPES[name]


def max(a, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return maximum(a, dim)
    return _extreme(a, dim, keepdim, "max")


def min(a, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return minimum(a, dim)
    return _extreme(a, dim, keepdim, "min")


def _extreme(a, dim, keepdim, name):
    xp = xp_of(a)
    if (dim is None and keepdim) or not (dim is None or is_index(dim)):
        raise TypeError(f"{name}(): dim must be an int (keepdim needs a dim), not {type(dim).__name__}")
    if dim is None:
        if a.numel() == 0:
            raise RuntimeError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        with np.errstate(all="ignore"):  # nan wins, without a warning from inside NumPy (see _reduce)
            out = from_array((xp.max if name == "max" else xp.min)(a._data), a.dtype, a.device)
        if needs_grad(a):
            record((MaxBackward1 if name == "max" else MinBackward1)(), out, (a,), saved=(a, out))
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
        node = (MaxBackward0 if name == "max" else MinBackward0)(a._shape, d if a.dim() else None, keepdim, dim)
        record(node, values, (a,), saved=(indices,))
    return ReturnTypes(name, values, indices)


class MaxBackward1(Node):
    """Gradient of the overall max/min: shared equally among tied elements, as
    PyTorch does; when the answer is nan, among the nan elements."""
    saved_names = ("self", "result")

    def backward(self, grad):
        a, out = self.saved_tensors
        hits = isnan(a) if bool(isnan(out)) else a == out
        return where(hits, grad / hits.sum(), 0)


class MinBackward1(MaxBackward1):
    pass


class MaxBackward0(Node):
    """Gradient of max/min along a dim: it goes to the one element each index picked."""
    saved_names = ("indices",)
    saved_settings = ("dim", "keepdim")
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, shape, axis, keepdim, dim):
        super().__init__()
        self.shape, self.axis, self.keepdim = shape, axis, keepdim  # axis: the dim reduced (None for a 0-d input)
        self.dim = dim  # as given

    def backward(self, grad):
        (indices,) = self.saved_tensors
        if self.axis is None:
            return grad
        xp = xp_of(grad)
        idx = indices._data if self.keepdim else xp.expand_dims(indices._data, self.axis)
        positions = xp.arange(self.shape[self.axis]).reshape((-1,) + (1,) * (len(self.shape) - self.axis - 1))
        picked = from_array(positions == idx, dtypes.bool_, grad.device)
        spread = grad if self.keepdim else grad.unsqueeze(self.axis)
        return where(picked, spread.expand(self.shape), spread.expand(self.shape) * 0)


class MinBackward0(MaxBackward0):
    pass


def argmax(a, dim=None, keepdim=False):
    return _arg(a, dim, keepdim, "argmax")


def argmin(a, dim=None, keepdim=False):
    return _arg(a, dim, keepdim, "argmin")


def _arg(a, dim, keepdim, name):
    xp = xp_of(a)
    if not (dim is None or is_index(dim)):
        raise TypeError(f"{name}(): argument 'dim' (position 2) must be int, not {type(dim).__name__}")
    if a.dtype is dtypes.bool_:
        raise RuntimeError(f"{name}(): does not support bool input")
    if dim is None:
        if a.numel() == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        result = getattr(xp, name)(a._data)
        if keepdim:
            result = xp.reshape(result, (1,) * a.dim())
        return from_array(result, dtypes.int64, a.device)
    d = S.normalize_dim(dim, builtins.max(a.dim(), 1))
    if a.dim() == 0:
        return from_array(xp.zeros((), dtype=xp.int64), dtypes.int64, a.device)
    if a._shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return from_array(getattr(xp, name)(a._data, axis=d, keepdims=keepdim), dtypes.int64, a.device)


def count_nonzero(a, dim=None):
    """How many elements are not 0 (False), over dim (every dim by default): an int64 tensor."""
    xp = xp_of(a)
    counts = xp.count_nonzero(a._data, axis=_dims(a, dim))
    return from_array(_contiguous(xp, xp.asarray(counts, dtype=xp.int64)), dtypes.int64, a.device)


def all(a, dim=None, keepdim=False):
    return _logical_reduce(a, dim, keepdim, "all")


def _logical_reduce(a, dim, keepdim, name):
    """all / any: bool results, except that uint8 input gives uint8 (0 or 1), as in PyTorch."""
    xp = xp_of(a)
    result = getattr(xp, name)(a._data, axis=_dims(a, dim, empty_means_all=False), keepdims=keepdim)
    d = dtypes.uint8 if a.dtype is dtypes.uint8 else dtypes.bool_
    return from_array(_contiguous(xp, result), d, a.device)


def any(a, dim=None, keepdim=False):
    return _logical_reduce(a, dim, keepdim, "any")
