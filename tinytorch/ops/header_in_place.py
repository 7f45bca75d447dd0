"""Ops that change a tensor's own header, not its values: resize_, and the
in-place views unsqueeze_, squeeze_, t_, transpose_, swapdims_, as_strided_.

An in-place view computes the view as usual, then gives the tensor itself that
header. Its history gets the same backward as the view, under PyTorch's name for
the in-place form (UnsqueezeBackward1, TBackward1, ...). resize_ makes the tensor
contiguous with the new shape, keeping its storage when that is large enough.
"""
import math

from .. import strides as S
from ..exact.arguments import shape_arg
from ..storage import Storage
from .base import backend_for, xp_of
from .inplace import check_inplace
from .views import SqueezeBackward0, SqueezeBackward1, TBackward0, TransposeBackward0, UnsqueezeBackward0
from . import views


def _take_header(t, make_view, *args):
    """t gets the header of make_view(t, *args), and that view's history (recorded
    against t's old one), its node renamed as PyTorch names the in-place form."""
    check_inplace(t)
    view = make_view(t, *args)
    node = view._grad_fn
    t._shape, t._stride, t._offset, t._data = view._shape, view._stride, view._offset, view._data
    if node is not None:
        node.__class__ = _IN_PLACE_NAMES[type(node)]
        t._grad_fn = node
    return t


class UnsqueezeBackward1(UnsqueezeBackward0):
    pass


class TBackward1(TBackward0):
    pass


class TransposeBackward1(TransposeBackward0):
    pass


class SqueezeBackward3(SqueezeBackward0):
    pass


class SqueezeBackward4(SqueezeBackward1):
    pass


class SqueezeBackward5(SqueezeBackward1):
    pass


_IN_PLACE_NAMES = {
    UnsqueezeBackward0: UnsqueezeBackward1, TBackward0: TBackward1, TransposeBackward0: TransposeBackward1,
    SqueezeBackward0: SqueezeBackward3, SqueezeBackward1: SqueezeBackward4, views.SqueezeBackward2: SqueezeBackward5,
}


def unsqueeze_(t, dim):
    return _take_header(t, views.unsqueeze, dim)


def squeeze_(t, dim=None):
    return _take_header(t, views.squeeze, dim)


def t_(t):
    return _take_header(t, views.t, "t_")


def transpose_(t, dim0, dim1):
    return _take_header(t, views.transpose, dim0, dim1)


def as_strided_(t, size, stride, storage_offset=None):
    check_inplace(t)
    view = views.as_strided(t, size, stride, storage_offset)
    t._shape, t._stride, t._offset, t._data = view._shape, view._stride, view._offset, view._data
    return t


def resize_(t, *sizes):
    """t with the given shape, contiguous from its offset. Its storage stays when it
    is large enough; otherwise t moves to a larger one that starts with the old
    values (zeros after them: PyTorch leaves them uninitialised). Unlike PyTorch,
    whose storage grows in place for every tensor sharing it, only t moves."""
    shape = shape_arg(sizes, "resize_", "size")
    if t.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {S.list_repr(shape)}")
    needed = t._offset + math.prod(shape)
    storage = t._storage
    if needed > len(storage):
        xp = xp_of(t)
        grown = xp.zeros(needed, dtype=t.dtype.numpy)
        grown[:len(storage)] = storage._array
        t._storage = Storage(grown, t.dtype, t.device)
        t._base = None
    t._shape, t._stride = shape, S.contiguous_strides(shape)
    t._data = backend_for(t.device).as_strided(t._storage._array, t._shape, t._stride, t._offset)
    return t
