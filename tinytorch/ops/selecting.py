"""Picking and placing elements by index tensors: gather and scatter,
index_select, index_add and index_fill, masked_select, take, take_along_dim.

gather and scatter are each other's mirror image. Along dim, gather reads
out[i][j] = a[i][index[i][j]] (for dim=1); scatter writes out[i][index[i][j]] = src[i][j].
So the gradient of a gather is a scatter-add of the gradient back to where
the values came from (added, since one element may have been read twice), and
the gradient of a scatter's source is a gather of the gradient from where they went.
The same goes for index_select and index_add along a whole dim.
"""
import math
import warnings

from .. import strides as S
from ..autograd.graph import Node
from ..dtypes import type_name
from ..exact.layout import copy_strides
from .arithmetic import NotImplemented_
from .base import (
    Tensor, dtypes, from_array, grad_mode, needs_grad, record, require_tensor, same_device, xp_of, zeros_for,
)

INDEX_DTYPES = ("int64", "int32")


def _along(a, dim):
    """dim as a non-negative index (a 0-d tensor has the one dim 0, as in PyTorch)."""
    return S.normalize_dim(dim, max(a.dim(), 1))


def _as_nd(x):
    """x's values, with a 0-d tensor read as 1-d (gather and scatter treat it so)."""
    return x._data.reshape(1) if x.dim() == 0 else x._data


def _check_in_bounds(positions, size, dim):
    """gather's, scatter's and index_add's check: no negative positions, none past the end."""
    bad = (positions < 0) | (positions >= size)
    if bad.any():
        raise RuntimeError(f"index {int(positions[bad][0])} is out of bounds for dimension {dim} with size {size}")


def _check_gather_index(a, dim, index, name, src=None):
    """PyTorch's checks of gather's and scatter's index, in its order: its dtype, then
    (unless it is empty) its rank and, outside dim, its size (and src's for scatter).
    A 0-d tensor counts as 1-d throughout (PyTorch's ensure_nonempty_dim)."""
    if index.dtype.name not in INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if src is not None and src.dtype is not a.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")
    same_device(a, index)
    if index.numel() == 0:
        return
    if max(index.dim(), 1) != max(a.dim(), 1):
        noun = "input" if name == "gather" else "self"
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {noun} tensor")
    ishape, ashape = index._shape or (1,), a._shape or (1,)
    for d in range(len(ishape)):
        if src is not None:
            src_size = (src._shape or (1,))[S.normalize_dim(d, max(src.dim(), 1))]
            if ishape[d] > src_size or (d != dim and ishape[d] > ashape[d]):
                raise RuntimeError(
                    f"Expected index {S.list_repr(index._shape)} to be no larger than self {S.list_repr(a._shape)} "
                    f"apart from dimension {dim} and to be no larger size than src {S.list_repr(src._shape)}"
                )
        elif d != dim and ishape[d] > ashape[d]:
            raise RuntimeError(
                f"Size does not match at dimension {d} expected index {S.list_repr(index._shape)} to be no larger "
                f"than self {S.list_repr(a._shape)} apart from dimension {dim}"
            )


def _window(values, shape):
    """The corner of `values` of the given shape: the part an index of that shape addresses."""
    return values[tuple(slice(0, n) for n in shape)]


# -- gather / scatter ------------------------------------------------------------------
def gather(a, dim, index, *, sparse_grad=False):
    """out[i][j] = a[i][index[i][j]] for dim=1: each index picks along dim, in place of its own position."""
    d = _along(a, dim)
    _check_gather_index(a, d, index, "gather")
    xp = xp_of(a)
    positions = _as_nd(index).astype(xp.int64)
    _check_in_bounds(positions, (a._shape or (1,))[d], d)
    if positions.size:
        # take_along_axis reads a block of index's shape (a's whole length along dim)
        block = _window(_as_nd(a), positions.shape[:d] + (a._shape or (1,))[d:d + 1] + positions.shape[d + 1:])
        picked = xp.take_along_axis(block, positions, d)
    else:
        picked = xp.zeros(index._shape, a.dtype.numpy)
    out = from_array(xp.asarray(picked.reshape(index._shape), order="C"), a.dtype, a.device)
    if needs_grad(a):
        record(GatherBackward0(dim, d, sparse_grad), out, (a,), saved=(a, index))
    return out


def take_along_dim(a, indices, dim=None):
    """gather after broadcasting a and indices against each other (except along dim):
    what NumPy's take_along_axis does. Along a dim, torch 2.13 reads each index modulo
    the dim's size (-1 is the last, 3 of 3 the first; a dim of size 0 fails dividing by
    it). Without dim, both are flattened first, and indices are not wrapped."""
    if dim is None:
        return gather(a.view(-1), 0, indices.view(-1))
    if indices.dtype is not dtypes.int64:
        raise RuntimeError(f"tinytorch.take_along_dim(): dtype of indices should be Long but got {type_name(indices.dtype)}")
    if a.dim() != indices.dim():
        raise RuntimeError("tinytorch.take_along_dim(): input and indices should have the same number of dimensions, but "
                           f"got {a.dim()} dimensions for input, and {indices.dim()} dimensions for indices")
    d = S.normalize_dim(dim, a.dim())
    if a.dim() == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    shape = list(S.broadcast_shapes(a._shape[:d] + indices._shape[d:d + 1] + a._shape[d + 1:], indices._shape))
    a_shape = shape[:d] + [a._shape[d]] + shape[d + 1:]
    return gather(a.expand(a_shape), d, indices.expand(shape).remainder(a._shape[d]))


class GatherBackward0(Node):
    """Each picked value's gradient goes back to where it was picked from, added up.
    (PyTorch saves the input itself, though only its shape is needed.)"""
    saved_names = ("self", "index")
    saved_settings = ("dim", "sparse_grad")

    def __init__(self, dim, d, sparse_grad):
        super().__init__()
        self.dim, self.d, self.sparse_grad = dim, d, sparse_grad

    def backward(self, grad):
        a, index = self.saved_tensors
        zeros = zeros_for(grad, a._shape)
        return scatter_add(zeros, self.d, index, grad)


def scatter(a, dim, index, src=None, *, value=None, reduce=None):
    """A copy of a with src[i][j] written at [i][index[i][j]] (for dim=1), or
    the number `value` there. Where two indices collide, one of the writes wins."""
    if value is None and not isinstance(src, Tensor):
        src, value = None, src
    if reduce is not None:
        return _scatter_reduce(a, dim, index, src, value, reduce, "scatter")
    return _scatter(a, dim, index, src, value, add=False)


def scatter_reducing_(a, dim, index, src=None, *, value=None, reduce):
    """What t.scatter_(..., reduce=...) computes before it is written into t (its node names scatter_)."""
    if value is None and not isinstance(src, Tensor):
        src, value = None, src
    return _scatter_reduce(a, dim, index, src, value, reduce, "scatter_")


_warned_scatter_reduce = False


def _scatter_reduce(a, dim, index, src, value, reduce, op):
    """scatter(..., reduce='add' or 'multiply'): each written place is added to (or
    multiplied by) instead of overwritten. PyTorch has no derivative for it."""
    global _warned_scatter_reduce
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if src is not None and not _warned_scatter_reduce:  # once per process, as PyTorch warns it
        _warned_scatter_reduce = True
        warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in a "
                      "future PyTorch release. Use torch.scatter_reduce instead for more reduction options.",
                      UserWarning, stacklevel=5)  # the caller's line, past scatter and its method or wrapper
    with grad_mode.no_grad():
        if reduce == "add":
            out = _scatter(a, dim, index, src if src is not None else a.new_full(index.shape, value), None, add=True)
        else:
            out = _scatter(a, dim, index, src, value, add=False, combine="multiply")
    if needs_grad(a, src):
        record(NotImplemented_(f"aten::{op}"), out, (a,) if src is None else (a, src))
    return out


def scatter_add(a, dim, index, src):
    """A copy of a with src[i][j] added at [i][index[i][j]] (for dim=1); collisions add up."""
    return _scatter(a, dim, index, src, None, add=True)


def _scatter(a, dim, index, src, value, add, combine=None):
    name = "scatter_add" if add else "scatter"
    d = _along(a, dim)
    _check_gather_index(a, d, index, name, src=src)
    xp = xp_of(a)
    positions = _as_nd(index).astype(xp.int64)
    size = (a._shape or (1,))[d]
    _check_in_bounds(positions, size, d)
    values = _as_nd(a).copy()
    if src is not None:
        new = _window(_as_nd(src), positions.shape)
    else:
        new = xp.full(positions.shape, value, dtype=a.dtype.numpy)
    # One (row, column, ...) coordinate per element of index, with index's values along dim.
    grid = list(xp.indices(positions.shape, sparse=True))
    grid[d] = positions
    target = tuple(xp.broadcast_arrays(*grid))
    if positions.size == 0:
        pass  # nothing to write
    elif add:
        xp.add.at(values, target, new)
    elif combine == "multiply":
        xp.multiply.at(values, target, new)
    else:
        values[target] = new
    out = from_array(xp.asarray(values.reshape(a._shape), order="C"), a.dtype, a.device)
    if needs_grad(a, src):
        if add:
            node = ScatterAddBackward0(dim, d)
        else:
            node = ScatterBackward0(dim, d) if src is not None else ScatterBackward1(dim, d)
        record(node, out, (a,) if src is None else (a, src), saved=(index,))
    return out


class ScatterBackward0(Node):
    """The overwritten places pass no gradient to a; src's values get the gradient
    of the places they were written to (gathered from there)."""
    saved_names = ("index",)
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def backward(self, grad):
        (index,) = self.saved_tensors
        return scatter(grad, self.d, index, 0), gather(grad, self.d, index)


class ScatterBackward1(ScatterBackward0):
    """scatter of a number: only a gets a gradient."""

    def backward(self, grad):
        (index,) = self.saved_tensors
        return scatter(grad, self.d, index, 0)


class ScatterAddBackward0(ScatterBackward0):
    """Adding keeps a's values, so a's gradient passes through whole."""

    def backward(self, grad):
        (index,) = self.saved_tensors
        return grad, gather(grad, self.d, index)


# -- index_select / index_add / index_fill -------------------------------------------------
def _check_index_vector(index, name):
    require_tensor(name.rstrip("_"), index, "index")  # (position 2: after dim, as the method is called)
    if index.dtype.name not in INDEX_DTYPES:
        raise RuntimeError(f"{name}(): Expected dtype int32 or int64 for index")
    if index.dim() > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector")


def index_select(a, dim, index):
    """The slices of a along dim at the positions in index (a vector), in that order."""
    _check_index_vector(index, "index_select")
    same_device(a, index)
    d = _along(a, dim)
    size = (a._shape or (1,))[d]
    xp = xp_of(a)
    positions = index._data.reshape(-1).astype(xp.int64)
    if a.dim() == 0 and len(positions) != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {len(positions)} value(s)")
    bad = (positions < 0) | (positions >= size)
    if a.dim() > 1 and len(positions) and size == 0:
        raise RuntimeError("index_select(): self indexing axis dim should be positive")
    if bad.any():
        # PyTorch's CPU kernel for dim 1 words it its own way.
        if a.dim() > 1 and d == 1:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(positions[bad][0])} axis_dim={size}")
        raise IndexError("index out of range in self")
    values = xp.take(_as_nd(a), positions, axis=d)
    out = from_array(xp.asarray(values.reshape(a._shape and values.shape), order="C"), a.dtype, a.device)
    if needs_grad(a):
        record(IndexSelectBackward0(dim, d), out, (a,), saved=(index,))
    return out


class IndexSelectBackward0(Node):
    keeps_input_sizes = True
    saved_names = ("index",)
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def backward(self, grad):
        (index,) = self.saved_tensors
        shape = self.input_meta[0][0]
        zeros = zeros_for(grad, shape)
        return index_add(zeros, self.d, index, grad)


def index_add(a, dim, index, source, *, alpha=1):
    """A copy of a with source's slices along dim (times alpha) added at the positions in index."""
    _check_index_vector(index, "index_add_")
    d = _along(a, dim)
    if source.dtype is not a.dtype:
        raise RuntimeError(f"index_add_(): self ({type_name(a.dtype)}) and source ({type_name(source.dtype)}) must have "
                           "the same scalar type")
    count = index.numel()
    source_count = (source._shape or (1,))[d] if source.dim() else 1
    if count != source_count:
        if source.dim() == 0:  # PyTorch's message asks a 0-d source for its size along dim, and that fails first
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        raise RuntimeError(f"index_add_(): Number of indices ({count}) should be equal to source.size(dim): "
                           f"({source_count}), for dim: {d}")
    if any(source._shape[k] != a._shape[k] for k in range(a.dim()) if k != d) or (source.dim() and source.dim() != a.dim()):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = "
            f"{S.list_repr(a._shape)} source.shape = {S.list_repr(source._shape)}"
        )
    xp = xp_of(a)
    positions = index._data.reshape(-1).astype(xp.int64)
    if a.numel():  # (PyTorch does not look at the positions when there is nothing to add to)
        _check_in_bounds(positions, (a._shape or (1,))[d], d)
    values = _as_nd(a).copy()
    added = _as_nd(source) * alpha if alpha != 1 else _as_nd(source)
    target = [slice(None)] * values.ndim
    target[d] = positions
    xp.add.at(values, tuple(target), added.astype(values.dtype, copy=False))
    out = from_array(xp.asarray(values.reshape(a._shape), order="C"), a.dtype, a.device)
    if needs_grad(a, source):
        record(IndexAddBackward0(dim, d, alpha, source.dim()), out, (a, source), saved=(index, source))
    return out



class IndexAddBackward0(Node):
    saved_names = ("index", "source")  # (PyTorch keeps source for its shape)
    saved_settings = ("alpha", "dim", "source_dim")

    def __init__(self, dim, d, alpha, source_dim):
        super().__init__()
        self.dim, self.d, self.alpha, self.source_dim = dim, d, alpha, source_dim

    def backward(self, grad):
        index, _ = self.saved_tensors
        picked = index_select(grad, self.d, index)
        if self.alpha != 1:
            picked = picked * self.alpha
        return grad, picked  # (a 0-d source gets a gradient of one element, which the engine reshapes)


def index_fill(a, dim, index, value):
    """A copy of a with `value` (a number or a 0-d tensor) in every slice along dim at index's positions."""
    require_tensor("index_fill", index, "index")
    if index.dtype.name != "int64":
        raise RuntimeError("index_fill_(): Expected dtype int64 for index.")
    if isinstance(value, Tensor) and value.dim():
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    d = _along(a, dim)
    xp = xp_of(a)
    size = (a._shape or (1,))[d]
    positions = index._data.reshape(-1).astype(xp.int64)
    values = _as_nd(a).copy()
    if a.numel():  # (with nothing to fill, PyTorch does not look at the positions)
        bad = (positions < -size) | (positions >= size)
        if bad.any():
            raise IndexError(f"index {int(positions[bad][0])} is out of bounds for dimension {d} with size {size}")
        target = [slice(None)] * values.ndim
        target[d] = positions % size
        values[tuple(target)] = value._data if isinstance(value, Tensor) else value
    out = from_array(values.reshape(a._shape), a.dtype, a.device, copy_strides(a._shape, a._stride))  # clone's layout
    tensor_value = isinstance(value, Tensor)
    if needs_grad(a, value if tensor_value else None):
        node = (IndexFillBackward1 if tensor_value else IndexFillBackward0)(dim, d)
        record(node, out, (a, value) if tensor_value else (a,), saved=(index,))
    return out


class IndexFillBackward0(Node):
    """The filled slices pass no gradient back to a."""
    saved_names = ("index",)
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def backward(self, grad):
        (index,) = self.saved_tensors
        return index_fill(grad, self.d, index, 0)


class IndexFillBackward1(IndexFillBackward0):
    """Filled with a 0-d tensor: it gets the sum of the gradient of every place it filled."""

    def backward(self, grad):
        (index,) = self.saved_tensors
        return index_fill(grad, self.d, index, 0), index_select(grad, self.d, index).sum()


# -- masked_select / take ------------------------------------------------------------------
def masked_select(a, mask):
    """The elements of a where the (broadcast) bool mask is True, as a 1-d tensor, in row-major order."""
    if not isinstance(mask, Tensor) or mask.dtype is not dtypes.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    same_device(a, mask)
    shape = S.broadcast_shapes(mask._shape, a._shape)  # in PyTorch's order, for its message
    xp = xp_of(a)
    values = xp.broadcast_to(a._data, shape)[xp.broadcast_to(mask._data, shape)]
    out = from_array(xp.asarray(values, order="C"), a.dtype, a.device)
    if needs_grad(a):
        record(MaskedSelectBackward0(shape), out, (a,), saved=(a, mask))
    return out


class MaskedSelectBackward0(Node):
    """Each selected element's gradient goes back to its place; the others get zero.
    (A broadcast input gets the sum over its copies: the engine's sum_to.)"""
    saved_names = ("self", "mask")

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        _, mask = self.saved_tensors
        zeros = zeros_for(grad, self.shape)
        return zeros.index_put((mask.expand(self.shape),), grad)


def take(a, index):
    """The elements of a at the flat (row-major) positions in index, shaped like index.
    A negative position counts from the end."""
    if index.dtype.name != "int64":
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {type_name(index.dtype)}")
    same_device(a, index)
    xp = xp_of(a)
    n = a.numel()
    positions = index._data.astype(xp.int64)
    if n == 0 and positions.size:
        raise IndexError("take(): tried to take from an empty tensor")
    bad = (positions < -n) | (positions >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(positions[bad][0])} on a tensor of {n} elements.")
    values = a._data.reshape(-1)[positions]
    out = from_array(xp.asarray(values, order="C"), a.dtype, a.device)
    if needs_grad(a):
        record(TakeBackward0(), out, (a,), saved=(a, index))
    return out


class TakeBackward0(Node):
    """Each taken element's gradient added back at its flat position."""
    saved_names = ("self", "index")

    def backward(self, grad):
        a, index = self.saved_tensors
        shape = a._shape
        flat = zeros_for(grad, math.prod(shape))
        return flat.index_put((index,), grad, accumulate=True).reshape(shape)
