"""Ops that change a tensor's own header, not its values: resize_, set_, and the
in-place views unsqueeze_, squeeze_, t_, transpose_, swapdims_, as_strided_.

An in-place view computes the view as usual, then gives the tensor itself that
header. Its history gets the same backward as the view, under PyTorch's name for
the in-place form (UnsqueezeBackward1, TBackward1, ...). resize_ makes the tensor
contiguous with the new shape, keeping its storage when that is large enough.
set_ points the tensor at another storage (or another tensor's), header and all.
"""
import math

from .. import strides as S
from .. import dtypes
from ..exact.arguments import invalid_combination, parser_arguments, shape_arg
from ..storage import Storage, TypedStorage, UntypedStorage
from .arithmetic import NotImplemented_
from .base import Tensor, backend_for, grad_mode, needs_grad, record, xp_of
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
    _count_as_written(t)
    return t


def _count_as_written(t):
    """An in-place op on t's header counts as a write, as in PyTorch: the version goes up,
    so a value saved for backward before it is refused, and other views of the same
    memory take a new history. t itself keeps the one just recorded."""
    t._storage.bump_version()
    t._grad_fn_version = t._storage._version


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
    _count_as_written(t)
    return t


def resize_(t, *sizes):
    """t with the given shape, contiguous from its offset (unless the shape is t's own).
    Its storage stays when it
    is large enough; otherwise t moves to a larger one that starts with the old
    values (zeros after them: PyTorch leaves them uninitialised). Unlike PyTorch,
    whose storage grows in place for every tensor sharing it, only t moves."""
    shape = shape_arg(sizes, "resize_", "size")
    if t.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if any(n < 0 for n in shape):
        raise RuntimeError(f"Trying to create tensor with negative dimension {min(shape)}: {S.list_repr(shape)}")
    if shape == t._shape:  # nothing to do: t keeps its strides (a transposed t stays transposed)
        return t
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
    _count_as_written(t)
    return t


_SET_SIGNATURES = (
    "()", "(tinytorch.Storage source)",
    "(tinytorch.Storage source, int storage_offset, tuple of ints size, tuple of ints stride = None)",
    "(Tensor source)", "(Tensor source, int storage_offset, tuple of ints size, tuple of ints stride = None)",
)


def set_(t, *args, **kwargs):
    """t becomes a tensor over another memory: t.set_(storage) views all of it (1-D),
    t.set_(storage, offset, size, stride) a part, t.set_(other) takes other's storage
    and header, and t.set_() leaves t empty, over a storage of its own. t keeps its
    identity (and its dtype); from then on it shares memory with the source."""
    source, offset, size, stride = _set_arguments(args, kwargs)
    if source is None:
        storage = Storage(xp_of(t).zeros(0, dtype=t.dtype.numpy), t.dtype, t.device)
        shape, stride, offset = (0,), (1,), 0
    elif isinstance(source, Tensor):
        if source.dtype is not t.dtype:
            raise RuntimeError(f"Could not set tensor of type {dtypes.CPP_NAMES[source.dtype.name]} to a tensor of "
                               f"type {dtypes.CPP_NAMES[t.dtype.name]}")
        storage = source._storage
        shape, stride, offset = ((source._shape, source._stride, source._offset) if size is None
                                 else (tuple(size), stride, offset))
    else:
        storage = source._storage
        if isinstance(source, TypedStorage) and storage.dtype is not t.dtype:
            raise RuntimeError(f"Expected a Storage of type {dtypes.CPP_NAMES[t.dtype.name]} or an UntypedStorage, "
                               f"but got type {dtypes.type_name(storage.dtype)} for argument 1 'storage'")
        storage = storage.as_dtype(t.dtype)  # an UntypedStorage's bytes, read as t's dtype
        shape, offset = ((len(storage),), 0) if size is None else (tuple(size), offset)
    if stride is None:
        stride = S.contiguous_strides(shape)
    check_inplace(t)
    # The bounds of the new header, checked as as_strided checks them (torch would grow the storage instead).
    views.as_strided(Tensor._make(storage, (len(storage),), (1,), 0), shape, stride, offset)
    old = Tensor._make(t._storage, t._shape, t._stride, t._offset)  # t before, for the node's first edge
    old._grad_fn, old._requires_grad = t._grad_fn, t._requires_grad
    t._storage.bump_version()  # (the memory t leaves; the source's version stays, as in torch)
    t._storage, t._shape, t._stride, t._offset, t._base = storage, tuple(shape), tuple(stride), offset, None
    t._data = backend_for(t.device).as_strided(storage._array, t._shape, t._stride, t._offset)
    if grad_mode.state.enabled and needs_grad(old, source if isinstance(source, Tensor) else None):
        record(NotImplemented_("set_"), t, (old, source if isinstance(source, Tensor) else None))
    return t


def _set_arguments(args, kwargs):
    """set_'s (source, storage_offset, size, stride), read as torch's parser reads its five
    signatures: nothing; a storage or a tensor; or either with offset, size and stride."""
    if "source" in kwargs:
        args = (kwargs.pop("source"),) + args
    for position, name in enumerate(("storage_offset", "size", "stride"), 1):
        if name in kwargs and len(args) == position:
            args += (kwargs.pop(name),)
    source = args[0] if args else None
    fits = (not kwargs and len(args) in (0, 1, 3, 4)
            and (source is None or isinstance(source, (Tensor, TypedStorage, UntypedStorage)))
            and (len(args) < 3 or (isinstance(args[1], int) and isinstance(args[2], (tuple, list)))))
    if not fits:
        got = parser_arguments(args, kwargs)
        signatures = _SET_SIGNATURES
        if len(args) == 1 and not kwargs:  # the parser explains the signatures of one parameter (and "()")
            why = f"\n      didn't match because some of the arguments have invalid types: (!{got[0]}!)"
            signatures = [s + why if s.count(",") == 0 else s for s in signatures]
        raise TypeError(invalid_combination("set_", got, signatures))
    if len(args) >= 3 and args[1] < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {args[1]}")
    return source, (args[1] if len(args) > 1 else 0), (args[2] if len(args) > 2 else None), \
        (tuple(args[3]) if len(args) > 3 and args[3] is not None else None)
