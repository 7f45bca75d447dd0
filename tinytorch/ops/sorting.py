"""Ordering values: sort and argsort, topk, kthvalue, median, mode; and counting
them: unique, bincount, histc.

The ops that return values picked from the input also return where they were
picked (indices), and their backward sends each value's gradient back to that
place: a scatter of the gradient into zeros, as PyTorch does. nan sorts as the
largest value, as in PyTorch.
"""
from .. import strides as S
from ..autograd.graph import Node
from ..dtypes import type_name
from ..exact.layout import copy_strides
from .base import dtypes, from_array, needs_grad, np, record, xp_of, zeros_for
from .comparison import isnan, where
from .arithmetic import NotImplemented_
from .reduction import ReturnTypes
from .selecting import scatter


def _order(xp, x, axis, descending):
    """Stable sorting positions along axis (nan last ascending, first descending).
    Descending: sort the reversed line ascending and read it backwards, which keeps
    equal values in their original order (and needs no negation, which would
    overflow unsigned integers)."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    reversed_order = xp.argsort(xp.flip(x, axis), axis=axis, kind="stable")
    return xp.flip(n - 1 - reversed_order, axis)


def sort(a, dim=-1, descending=False, stable=False):
    """(values, indices): the values in order along dim, and where each came from."""
    if isinstance(dim, bool):  # sort(stable=..., dim, descending): keyword-only stable came first
        raise TypeError("sort(): dim must be an int")
    d = S.normalize_dim(dim, a.dim())
    xp = xp_of(a)
    if a.dim() == 0:
        order = xp.zeros((), dtype=xp.int64)
        values = a._data.copy()
    else:
        order = _order(xp, a._data, d, descending)
        values = xp.take_along_axis(a._data, order, d)
    stride = copy_strides(a._shape, a._stride)  # laid out as a copy of a (a transposed a gives transposed results)
    out = from_array(values, a.dtype, a.device, stride)
    indices = from_array(order.astype(xp.int64), dtypes.int64, a.device, stride)
    if needs_grad(a):
        record(SortBackward0(dim, d), out, (a,), saved=(indices,))
    return ReturnTypes("sort", out, indices)


def argsort(a, dim=-1, descending=False, stable=False):
    """Where the values of sort(a) came from."""
    return sort(a.detach(), dim, descending, stable)[1]


class _PickedBackward(Node):
    """Values picked along dim by `indices`: each gradient goes back to its place, zeros elsewhere."""
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_names = ("indices",)
    saved_settings = ("dim",)
    keepdim = True

    def __init__(self, dim, d, keepdim=True):
        super().__init__()
        self.dim, self.d, self.keepdim = dim, d, keepdim

    def backward(self, grad):
        (indices,) = self.saved_tensors
        shape = self.input_meta[0][0]
        if not shape:
            return grad
        if not self.keepdim:
            grad, indices = grad.unsqueeze(self.d), indices.unsqueeze(self.d)
        zeros = zeros_for(grad, shape)
        return scatter(zeros, self.d, indices, grad)


class SortBackward0(_PickedBackward):
    pass


def topk(a, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest (or smallest) values along dim."""
    d = S.normalize_dim(dim, a.dim())
    size = a._shape[d] if a.dim() else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if a.dtype is dtypes.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    order = sort(a.detach(), d, descending=largest)[1]
    indices = order.narrow(d, 0, k) if a.dim() else order
    xp = xp_of(a)
    values = xp.take_along_axis(a._data, indices._data, d) if a.dim() else a._data
    values = from_array(values.copy(order="C"), a.dtype, a.device)  # contiguous, whatever a's layout
    indices = from_array(indices._data.copy(order="C"), dtypes.int64, a.device)
    if needs_grad(a):
        record(TopkBackward0(dim, d), values, (a,), saved=(indices,))
    return ReturnTypes("topk", values, indices)


class TopkBackward0(_PickedBackward):
    pass


def kthvalue(a, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest value along dim (k counts from 1)."""
    d = S.normalize_dim(dim, a.dim())
    size = a._shape[d] if a.dim() else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if a.dtype is dtypes.bool_:
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    return _pick_along(a, dim, d, keepdim, k - 1, KthvalueBackward0, "kthvalue")


def _pick_along(a, dim, d, keepdim, position, node_type, name, nan_wins=False):
    """(values, indices) of the value at `position` of each sorted line along dim (an int,
    or an array of one position per line); with nan_wins (median), a line's first nan
    instead, wherever it has one."""
    order = sort(a.detach(), d)[1]
    xp = xp_of(a)
    if a.dim():
        index = (xp.take(order._data, [position], axis=d) if isinstance(position, int)
                 else xp.take_along_axis(order._data, position, axis=d))  # a position per line
        if nan_wins and a.dtype.is_floating_point:
            nans = xp.isnan(a._data)
            index = xp.where(nans.any(axis=d, keepdims=True), xp.argmax(nans, axis=d, keepdims=True), index)
        values = xp.take_along_axis(a._data, index, d)
        index, values = xp.ascontiguousarray(index), xp.ascontiguousarray(values)  # (reductions are contiguous)
        if not keepdim:
            index, values = index.squeeze(d), values.squeeze(d)
    else:
        index, values = xp.zeros((), xp.int64), a._data.copy()
    out = from_array(values, a.dtype, a.device)
    indices = from_array(index, dtypes.int64, a.device)
    if needs_grad(a):
        record(node_type(dim, d, keepdim), out, (a,), saved=(indices,))
    return ReturnTypes(name, out, indices)


class KthvalueBackward0(_PickedBackward):
    saved_settings = ("dim", "keepdim")


def median(a, dim=None, keepdim=False):
    """The middle value (the lower of the two middle ones for an even count, as in
    PyTorch; nan if there is a nan). With dim: (values, indices) along it."""
    if dim is None:
        if a.dtype is dtypes.bool_:
            raise NotImplementedError("\"median_cpu\" not implemented for 'Bool'")
        xp = xp_of(a)
        if a.numel() == 0:  # no middle value: nan, or the smallest integer, as PyTorch answers
            value = xp.nan if a.dtype.is_floating_point else xp.iinfo(a.dtype.numpy).min
        elif a.dtype.is_floating_point and xp.isnan(a._data).any():
            value = xp.nan
        else:
            value = xp.sort(a._data.reshape(-1), kind="stable")[(a.numel() - 1) // 2]
        out = from_array(xp.asarray(value, dtype=a.dtype.numpy), a.dtype, a.device)
        if needs_grad(a):
            record(MedianBackward0(), out, (a,), saved=(a, out))
        return out
    d = S.normalize_dim(dim, a.dim())
    size = a._shape[d] if a.dim() else 1
    if size == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    if a.dtype is dtypes.bool_:
        raise NotImplementedError("\"median_out\" not implemented for 'Bool'")
    return _pick_along(a, dim, d, keepdim, (size - 1) // 2, MedianBackward1, "median", nan_wins=True)


class MedianBackward0(Node):
    """The gradient is shared evenly among the elements equal to the median (the nans, if it is nan)."""
    saved_names = ("self", "result")

    def backward(self, grad):
        a, result = self.saved_tensors
        hits = isnan(a) if bool(isnan(result)) else a == result
        return where(hits, grad / hits.sum(), 0)


class MedianBackward1(KthvalueBackward0):
    pass


def nanmedian(a, dim=None, keepdim=False):
    """median of the numbers, ignoring nans: the lower middle of each line's numbers
    (nan only where a line has nothing else)."""
    if not a.dtype.is_floating_point:  # no nans to leave out: median, under this name
        result = median(a, dim, keepdim)
        return result if dim is None else ReturnTypes("nanmedian", *result)
    xp = xp_of(a)
    if dim is None:
        values = a._data.reshape(-1)
        values = xp.sort(values[~xp.isnan(values)], kind="stable")
        value = values[(len(values) - 1) // 2] if len(values) else xp.nan  # nothing but nans (or nothing): nan
        out = from_array(xp.asarray(value, dtype=a.dtype.numpy), a.dtype, a.device)
        if needs_grad(a):
            record(NanmedianBackward0(), out, (a,), saved=(a, out))
        return out
    d = S.normalize_dim(dim, a.dim())
    if a.dim() and a._shape[d] == 0:
        raise IndexError(f"median(): Expected reduction dim {d} to have non-zero size.")
    # sort puts the nans last, so each line's numbers come first: pick the middle of those.
    numbers = (~xp.isnan(a._data)).sum(axis=d, keepdims=True) if a.dim() else 1
    position = xp.maximum(numbers - 1, 0) // 2 if a.dim() else 0  # all nans: position 0, the first nan
    return _pick_along(a, dim, d, keepdim, position, NanmedianBackward1, "nanmedian")


class NanmedianBackward0(MedianBackward0):
    pass


class NanmedianBackward1(KthvalueBackward0):
    pass


def mode(a, dim=-1, keepdim=False):
    """(values, indices): the most frequent value along dim (the smallest on ties)
    and the last position where it occurs."""
    d = S.normalize_dim(dim, a.dim())
    xp = xp_of(a)
    if a.dim() == 0:
        values, index = a._data.copy(), xp.zeros((), xp.int64)
    else:
        if a._shape[d] == 0:
            raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
        lines = xp.moveaxis(a._data, d, -1).reshape(-1, a._shape[d])
        values, index = xp.empty(len(lines), a.dtype.numpy), xp.empty(len(lines), xp.int64)
        for i, line in enumerate(lines):
            distinct, counts = xp.unique(line, return_counts=True)
            best = distinct[xp.argmax(counts)]  # argmax: the first, so the smallest, of the most frequent
            values[i] = best
            index[i] = xp.nonzero(line == best)[0][-1] if not (best != best) else xp.nonzero(line != line)[0][-1]
        kept = tuple(s for k, s in enumerate(a._shape) if k != d)
        values, index = values.reshape(kept), index.reshape(kept)
        if keepdim:
            values, index = xp.expand_dims(values, d), xp.expand_dims(index, d)
    out = from_array(values, a.dtype, a.device)
    indices = from_array(index, dtypes.int64, a.device)
    if needs_grad(a):
        record(ModeBackward0(dim, d, keepdim), out, (a,), saved=(indices,))
    return ReturnTypes("mode", out, indices)


class ModeBackward0(KthvalueBackward0):
    pass


# -- counting ----------------------------------------------------------------------------
def unique(a, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values, in increasing order (or, with dim, the distinct slices along
    dim); optionally where each element (slice) sits among them (inverse) and how often
    each occurs (counts). Not differentiable."""
    xp = xp_of(a)
    if dim is None:
        distinct, inverse, counts = xp.unique(a._data.reshape(-1), return_inverse=True, return_counts=True,
                                              equal_nan=False)  # every nan is distinct, as in torch
        inverse = inverse.reshape(a._shape)
    else:  # the distinct slices along dim, in lexicographic order
        d = _slices_dim(a, dim)
        if a.numel() == 0:
            distinct, inverse, counts = a._data.copy(), xp.zeros(0, xp.int64), xp.zeros(0, xp.int64)
        else:
            distinct, inverse, counts = xp.unique(a._data, return_inverse=True, return_counts=True, axis=d)
        inverse = inverse.reshape(-1)
    stride = None if dim is None else _dim_first_strides(distinct.shape, d)
    results = [from_array(distinct, a.dtype, a.device, stride)]
    if needs_grad(a):  # recorded, with no derivative: backward through it fails, as in PyTorch
        record(Unique2Backward0() if dim is None else UniqueDimBackward0(), results[0], (a,))
    if return_inverse:
        results.append(from_array(inverse.astype(xp.int64), dtypes.int64, a.device))
    if return_counts:
        results.append(from_array(counts.astype(xp.int64), dtypes.int64, a.device))
    return results[0] if len(results) == 1 else tuple(results)


def _dim_first_strides(shape, d):
    """unique's result along dim d, laid out as torch lays it out: computed with d first and
    contiguous, then d moved back into place (unique(x, dim=1) of a matrix is transposed)."""
    first = S.contiguous_strides((shape[d],) + shape[:d] + shape[d + 1:])
    return first[1:d + 1] + first[:1] + first[d + 1:]


def _slices_dim(a, dim):
    """The dim along which unique compares slices, refused as PyTorch refuses it."""
    if a.dim() == 0:  # (unique words it with the dim as given, unlike unbind)
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = S.normalize_dim(dim, a.dim())
    if a.numel() == 0:
        if a._shape[d] != 0:
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")
        if sum(size == 0 for size in a._shape) > 1:
            raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
    return d


def unique_consecutive(a, return_inverse=False, return_counts=False, dim=None):
    """unique without sorting: each run of equal neighbours (elements, or slices along
    dim) becomes one, so [1, 1, 2, 1] gives [1, 2, 1]. Not differentiable."""
    xp = xp_of(a)
    if dim is None:
        lines = a._data.reshape(-1, 1)
    else:
        d = _slices_dim(a, dim)
        lines = xp.moveaxis(a._data, d, 0).reshape(a._shape[d], a.numel() // max(a._shape[d], 1))
    # A run starts where a line differs from the line before it (nan differs from everything).
    starts = xp.ones(len(lines), dtype=bool)
    starts[1:] = (lines[1:] != lines[:-1]).any(axis=1)
    first = xp.flatnonzero(starts)
    distinct = lines[first, 0] if dim is None else xp.take(a._data, first, axis=d)
    counts = xp.diff(xp.append(first, len(lines)))
    stride = None if dim is None else _dim_first_strides(distinct.shape, d)
    results = [from_array(distinct, a.dtype, a.device, stride)]
    if needs_grad(a):
        record(UniqueConsecutiveBackward0(), results[0], (a,))
    if return_inverse:
        inverse = xp.cumsum(starts) - 1
        results.append(from_array(inverse.reshape(a._shape if dim is None else -1).astype(xp.int64), dtypes.int64,
                                  a.device))
    if return_counts:
        results.append(from_array(counts.astype(xp.int64), dtypes.int64, a.device))
    return results[0] if len(results) == 1 else tuple(results)


class _NoDerivative(Node):
    """The node of an op PyTorch records but cannot differentiate: backward raises."""
    op = ""

    def backward(self, grad):
        raise NotImplementedError(f"the derivative for '{self.op}' is not implemented.")


class Unique2Backward0(_NoDerivative):
    op = "_unique2"


class UniqueDimBackward0(_NoDerivative):
    op = "unique_dim"


class UniqueConsecutiveBackward0(_NoDerivative):
    op = "unique_consecutive"


def bincount(a, weights=None, minlength=0):
    """How often each of 0, 1, 2, ... occurs in a 1-d tensor of non-negative integers
    (or the sum of the weights at those places)."""
    if a.dtype.is_floating_point or a.dtype is dtypes.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{type_name(a.dtype)}'")
    if a.dim() != 1:
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = xp_of(a)
    if a.numel() and bool((a._data < 0).any()):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and weights._shape != a._shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    positions = a._data.astype(xp.int64)
    if weights is None or a.numel() == 0:  # counts (and empty input's zeros, even when weighted) are int64
        return from_array(xp.bincount(positions, minlength=minlength), dtypes.int64, a.device)
    # Weights add up in float32 if they are float32 (one by one, as PyTorch's loop adds), else in float64.
    d = dtypes.float32 if weights.dtype is dtypes.float32 else dtypes.float64
    sums = xp.zeros(max(minlength, int(positions.max()) + 1), d.numpy)
    xp.add.at(sums, positions, weights._data.astype(d.numpy))
    out = from_array(sums, d, a.device)
    if needs_grad(weights):
        record(NotImplemented_("aten::bincount"), out, (weights,))
    return out



def histc(a, bins=100, min=0, max=0):
    """Counts of a's values in `bins` equal bins from min to max (a's own range
    when both are 0); values outside are ignored. An element's bin is
    (x - min) * bins / (max - min), rounded down, computed in a's dtype as torch's
    kernel computes it (so a value on a bin's edge lands where torch puts it)."""
    if bins <= 0:
        raise RuntimeError(f"tinytorch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if min > max:
        raise RuntimeError("tinytorch.histc: max must be larger than min")
    if not a.dtype.is_floating_point:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{type_name(a.dtype)}'")
    xp, number = xp_of(a), a.dtype.numpy.type
    x = a._data.reshape(-1)
    low, high = number(min), number(max)
    if low == high and x.size:  # torch's aminmax starts from the largest finite values, so [inf] gives [max, inf]
        finite = xp.finfo(a.dtype.numpy)
        low, high = xp.minimum(x.min(), finite.max), xp.maximum(x.max(), finite.min)
    if low == high:
        low, high = low - number(1), high + number(1)
    if not (xp.isfinite(low) and xp.isfinite(high)):
        raise RuntimeError(f"tinytorch.histc: range of [{_cpp_number(low)}, {_cpp_number(high)}] is not finite")
    inside = x[(x >= low) & (x <= high)]
    positions = ((inside - low) * number(bins) / (high - low)).astype(xp.int64)
    positions[positions == bins] = bins - 1  # max itself counts in the last bin
    return from_array(xp.bincount(positions, minlength=bins).astype(a.dtype.numpy), a.dtype, a.device)


def _cpp_number(value):
    """A float as C++ prints it in torch's message: 6 significant digits, nan with its sign."""
    return ("-nan" if np.signbit(value) else "nan") if np.isnan(value) else f"{float(value):g}"

