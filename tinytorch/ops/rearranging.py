"""Ops that copy elements into a new arrangement: repeat and tile, flip, roll,
rot90, tril and triu, diag, diag_embed and diagflat, repeat_interleave.

Unlike a view, each result owns new memory: its elements could not be reached
from the input's by a stride (flip would need a negative one, which PyTorch
does not allow, and repeat would need to revisit elements). Backward moves the
gradient back the same way: flip it back, roll it back, add up the copies.
"""
import operator

from .. import strides as S
from ..autograd.graph import Node
from ..exact.arguments import shape_arg
from ..exact.layout import copy_strides
from ..dtypes import type_name
from .base import Tensor, from_array, needs_grad, record, xp_of, zeros_for
from .copying import clone
from .views import diagonal as diagonal_view, embed
from .selecting import index_select


def _new(a, values, like_input=False):
    """A result of a's dtype on a's device, from the array `values`: contiguous, or
    (like_input) laid out as a copy of `a` is (clone's layout), as PyTorch lays out flip.
    NumPy's flip and diagonal return views of the input's memory: those are copied, so
    the result owns its memory."""
    xp = xp_of(a)
    if xp.may_share_memory(values, a._storage._array):
        values = values.copy()
    if like_input:
        return from_array(values, a.dtype, a.device, copy_strides(a._shape, a._stride))
    return from_array(xp_of(a).asarray(values, order="C"), a.dtype, a.device)


def repeat(a, *sizes):
    """The whole tensor repeated sizes[i] times along dim i; extra leading sizes add dims."""
    sizes = shape_arg(sizes, "repeat", "repeats")
    if len(sizes) < a.dim():
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor"
        )
    padded = (1,) * (len(sizes) - a.dim()) + a._shape
    target = tuple(size * times for size, times in zip(padded, sizes))
    if any(n < 0 for n in target):  # (of the result's sizes, as torch words it: an empty dim times -1 is fine)
        bad = next(n for n in target if n < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {S.list_repr(target)}")
    out = _new(a, xp_of(a).tile(a._data.reshape(padded), sizes))
    if needs_grad(a):
        record(RepeatBackward0(sizes, padded), out, (a,))
    return out


class RepeatBackward0(Node):
    """Each element was copied once per repeat, so its gradient is the sum over its
    copies: split every dim into (repeat, size) and sum the repeat dims away."""
    keeps_input_sizes = True
    saved_settings = ("repeats",)

    def __init__(self, repeats, padded):
        super().__init__()
        self.repeats, self.padded = repeats, padded

    def backward(self, grad):
        split = []
        for r, s in zip(self.repeats, self.padded):
            split += [r, s]
        summed = grad.reshape(split).sum(tuple(range(0, len(split), 2))) if grad.numel() else None
        if summed is None:  # nothing was repeated: no gradient to add up
            return zeros_for(grad, self.padded)
        return summed.view(self.input_meta[0][0])  # without the leading 1s repeat added


def tile(a, dims):
    """repeat, with missing leading repeats taken as 1 (NumPy's tile)."""
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    return repeat(a, (1,) * (a.dim() - len(dims)) + dims)


def flip(a, dims):
    """The elements in reverse order along each of `dims`."""
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    axes = _distinct_dims(a, dims, "flip")
    out = _new(a, xp_of(a).flip(a._data, axes) if axes else a._data, like_input=True)
    if needs_grad(a):
        record(FlipBackward0(dims), out, (a,))
    return out


def fliplr(a):
    """Flip left and right: reverse dim 1."""
    if a.dim() < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(a, (1,))


def flipud(a):
    """Flip up and down: reverse dim 0."""
    if a.dim() < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(a, (0,))


def _distinct_dims(a, dims, name):
    axes = []
    for d in dims:  # in order: the first bad dim raises, out of range or repeated
        d = S.normalize_dim(d, max(a.dim(), 1))
        if d in axes:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        axes.append(d)
    return tuple(axes) if a.dim() else ()


class FlipBackward0(Node):
    saved_settings = ("dims",)

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def backward(self, grad):
        return flip(grad, self.dims)


def roll(a, shifts, dims=None):
    """Shift elements along dims, those pushed off the end coming back at the start.
    With no dims, the tensor is rolled as if flat."""
    shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else (shifts,)
    given = dims
    dims = () if dims is None else tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    if not dims and len(shifts) != 1:
        raise RuntimeError(f"`shifts` required to be of size 1 when `dims` is not provided, but got {len(shifts)}")
    if dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    xp = xp_of(a)
    if a.numel() == 0:
        values = a._data  # nothing to move: a copy laid out like a, as in PyTorch
    elif dims:
        axes = [S.existing_dim(d, a.dim()) for d in dims]
        values = xp.roll(a._data, shifts, axes)
    else:
        values = xp.roll(a._data.reshape(-1), shifts[0]).reshape(a._shape)
    out = _new(a, values, like_input=a.numel() == 0)
    if needs_grad(a):
        record(RollBackward0(shifts, dims, given), out, (a,))
    return out


class RollBackward0(Node):
    saved_settings = ("dims", "shifts")

    def __init__(self, shifts, dims, given):
        super().__init__()
        self.shifts, self.dims, self.given = shifts, dims, given

    def backward(self, grad):
        return roll(grad, tuple(-s for s in self.shifts), self.given)


def rot90(a, k=1, dims=(0, 1)):
    """Turn the (dims[0], dims[1]) plane by k quarter turns, from dims[0] towards
    dims[1]: a flip and a transpose. Like PyTorch, an odd number of turns returns
    the flipped copy transposed, a view of it that is not contiguous."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if a.dim() < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {a.dim()}")
    d0, d1 = (S.normalize_dim(d, a.dim()) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}")
    turns = k % 4
    xp = xp_of(a)
    if turns == 0:
        flipped = _new(a, a._data)  # a contiguous clone
    else:
        flipped = _new(a, xp.flip(a._data, (d0, d1) if turns == 2 else d1 if turns == 1 else d0), like_input=True)
    out = flipped if turns % 2 == 0 else Tensor._make(
        flipped._storage, *_swapped(flipped, d0, d1), 0)
    if needs_grad(a):
        record(Rot90Backward0(k, dims), out, (a,))
    return out


def _swapped(t, d0, d1):
    """The shape and strides of t with dims d0 and d1 swapped (a transpose's header)."""
    shape, stride = list(t._shape), list(t._stride)
    shape[d0], shape[d1] = shape[d1], shape[d0]
    stride[d0], stride[d1] = stride[d1], stride[d0]
    return tuple(shape), tuple(stride)


class Rot90Backward0(Node):
    saved_settings = ("k", "dims")

    def __init__(self, k, dims):
        super().__init__()
        self.k, self.dims = k, dims

    def backward(self, grad):
        return rot90(grad, -self.k, self.dims)


def tril(a, diagonal=0):
    """The lower triangle of each matrix (on and below `diagonal`), zeros above."""
    return _triangle(a, diagonal, "tril", TrilBackward0)


def triu(a, diagonal=0):
    """The upper triangle of each matrix (on and above `diagonal`), zeros below."""
    return _triangle(a, diagonal, "triu", TriuBackward0)


def _triangle(a, diagonal, name, node_type):
    if a.dim() < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    xp = xp_of(a)
    rows, cols = a._shape[-2:]
    keep = getattr(xp, name)(xp.ones((rows, cols), dtype=bool), diagonal)
    out = _new(a, xp.where(keep, a._data, xp.zeros((), a.dtype.numpy)))
    if needs_grad(a):
        record(node_type(diagonal), out, (a,))
    return out


class TrilBackward0(Node):
    saved_settings = ("diagonal",)

    def __init__(self, diagonal):
        super().__init__()
        self.diagonal = diagonal

    def backward(self, grad):
        return tril(grad, self.diagonal)


class TriuBackward0(TrilBackward0):
    def backward(self, grad):
        return triu(grad, self.diagonal)


def diag(a, diagonal=0):
    """A vector becomes a square matrix with it on `diagonal`; a matrix gives its
    `diagonal` as a new vector (a copy, unlike Tensor.diagonal, which is a view)."""
    if a.dim() == 1:
        return diag_embed(a, diagonal)
    if a.dim() != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " + f"{a.dim()}D")
    out = _new(a, xp_of(a).diagonal(a._data, diagonal))
    if needs_grad(a):
        node = DiagonalBackward0_copy(a._shape)
        node.offset, node.dim1, node.dim2 = diagonal, 0, 1
        record(node, out, (a,))
    return out


def diag_embed(a, offset=0, dim1=-2, dim2=-1):
    """Each vector along a's last dim laid on the diagonal of a new (dim1, dim2) plane
    of zeros (offset above or below it): the inverse of Tensor.diagonal."""
    n = a.dim() + 1
    d1, d2 = S.normalize_dim(dim1, n), S.normalize_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    size = a._shape[-1] + abs(offset)
    others = iter(a._shape[:-1])
    shape = tuple(size if d in (d1, d2) else next(others) for d in range(n))
    out = _new(a, xp_of(a).zeros(shape, a.dtype.numpy))
    diagonal_view(out, offset, d1, d2)._data[...] = a._data  # the diagonal is a view of out: write through it
    if needs_grad(a):
        record(DiagEmbedBackward0(offset, dim1, dim2), out, (a,))
    return out


class DiagEmbedBackward0(Node):
    """The gradient of the vectors is the plane gradient's diagonal."""
    saved_settings = ("offset", "dim1", "dim2")

    def __init__(self, offset, dim1, dim2):
        super().__init__()
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2

    def backward(self, grad):
        return grad.diagonal(self.offset, self.dim1, self.dim2)


def diagflat(a, offset=0):
    """a's elements, flattened, on the diagonal of a square matrix."""
    return diag_embed(a.contiguous().view(-1), offset)


class DiagonalBackward0_copy(Node):  # noqa: N801  (PyTorch's name)
    """diag of a matrix: the gradient is a matrix of zeros with the vector's gradient on its diagonal."""
    keeps_input_sizes = True
    saved_settings = ("offset", "dim1", "dim2")

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        return embed(grad, self.shape, lambda x: diagonal_view(x, self.offset, 0, 1))


def repeat_interleave(a, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along dim) repeated in place: [1, 2] -> [1, 1, 2, 2].
    With a number, PyTorch builds it from views and one copy (unsqueeze, expand,
    clone, flatten), and so does this; with a tensor of counts, it picks each
    slice as often as its count says (index_select). With no dim, a is flattened first.
    Given only counts, repeat_interleave(counts): each index as often as its count."""
    if repeats is None and isinstance(a, Tensor):  # repeat_interleave(tensor([2, 0, 3])): [0, 0, 2, 2, 2]
        if a.dim() > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if a.dtype.name not in ("int64", "int32"):
            raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for '{type_name(a.dtype)}'")
        if bool((a._data < 0).any()):
            raise RuntimeError("repeats can not be negative")
        xp = xp_of(a)
        return from_array(xp.repeat(xp.arange(a.numel(), dtype=a.dtype.numpy), a._data), a.dtype, a.device)
    if dim is None:
        a, dim = a.flatten(), 0
    if isinstance(repeats, Tensor):
        d = S.existing_dim(dim, a.dim())
        if repeats.dim() > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if repeats.dtype.name not in ("int64", "int32"):
            raise RuntimeError("repeats has to be Long or Int tensor")
        xp = xp_of(repeats)
        counts = repeats._data.reshape(-1)
        if counts.shape[0] == 1:  # one count for every slice
            counts = xp.broadcast_to(counts, (a._shape[d],))
        if counts.shape[0] != a._shape[d]:
            raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.shape[0]} and input.size({d}) = {a._shape[d]}")
        if bool((counts < 0).any()):
            raise RuntimeError("repeats can not be negative")
        picks = from_array(xp.repeat(xp.arange(counts.shape[0]), counts), repeats.dtype, repeats.device)
        return index_select(a, d, picks)
    count = operator.index(repeats)
    if count < 0:
        raise RuntimeError("Repeats must be non-negative")
    d = S.normalize_dim(dim, a.dim())
    spread = a.unsqueeze(d + 1)
    spread = spread.expand(spread._shape[:d + 1] + (count,) + spread._shape[d + 2:])
    return clone(spread, contiguous=True).flatten(d, d + 1)
