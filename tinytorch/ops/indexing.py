"""Indexing with [].

Basic indexing (ints, slices, None, ...) is a chain of views: select, slice,
unsqueeze. Advanced indexing (bool masks, integer tensors or lists) cannot be
described by one stride per dim, so, as in PyTorch and NumPy, it copies.
"""
from ..autograd.graph import Node
from .base import Tensor, dtypes, np, from_array, needs_grad, record, backend_for
from .views import alias, select, slice_dim, unsqueeze


def _as_tuple(index):
    return index if isinstance(index, tuple) else (index,)


def _is_advanced(item):
    return isinstance(item, (Tensor, list, np.ndarray)) or isinstance(item, bool)


def _consumes_dim(item):
    return item is not None and item is not Ellipsis and not isinstance(item, bool)


def _expand_ellipsis(index, ndim):
    """Replace `...` with as many full slices as it stands for."""
    if sum(item is Ellipsis for item in index) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    used = 0
    for item in index:
        if isinstance(item, Tensor) and item.dtype is dtypes.bool_:
            used += item.dim()
        elif _consumes_dim(item):
            used += 1
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    out = []
    for item in index:
        if item is Ellipsis:
            out.extend([slice(None)] * (ndim - used))
        else:
            out.append(item)
    return out


def getitem(a, index):
    index = _expand_ellipsis(_as_tuple(index), a.dim())
    if any(_is_advanced(item) for item in index):
        return _advanced_getitem(a, index)
    out, dim = a, 0
    for item in index:
        if item is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(item, slice):
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            if item != slice(None):  # a full `:` changes nothing, so it records nothing
                out = slice_dim(out, dim, item.start, item.stop, item.step or 1)
            dim += 1
        else:
            out = select(out, dim, _int_index(item))
    if out is a:
        out = alias(a)  # a[:] or a[...] is still a new tensor object, a view of a
    return out


def _int_index(item):
    try:
        return int(item.__index__())
    except (AttributeError, TypeError):
        raise IndexError(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
            f"(got {type(item).__name__})"
        ) from None


def _numpy_index(a, index):
    """The index as NumPy understands it, checked with PyTorch's messages."""
    converted, dim = [], 0
    for item in index:
        if isinstance(item, Tensor):
            if item.dtype.is_floating_point:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            array = backend_for(a.device).to_numpy(item._data) if item.device != a.device else item._data
            if item.dtype is dtypes.bool_:
                for k, size in enumerate(item._shape):
                    if dim + k >= a.dim() or a._shape[dim + k] != size:
                        raise IndexError(
                            f"The shape of the mask {list(item._shape)} at index {k} does not match the shape of "
                            f"the indexed tensor {list(a._shape)} at index {dim + k}"
                        )
                dim += item.dim()
            else:
                _check_bounds(array, a, dim)
                dim += 1
            converted.append(array)
        elif isinstance(item, (list, np.ndarray)):
            array = np.asarray(item)
            if array.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if array.dtype.kind != "b":
                _check_bounds(array, a, dim)
            dim += 1 if array.dtype.kind != "b" else array.ndim
            converted.append(array)
        elif isinstance(item, slice):
            if item.step is not None and item.step <= 0:
                raise ValueError("step must be greater than zero")
            converted.append(item)
            dim += 1
        elif item is None or isinstance(item, bool):
            converted.append(item)
        else:
            i = _int_index(item)
            size = a._shape[dim]
            if not -size <= i < size:
                raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
            converted.append(i)
            dim += 1
    return tuple(converted)


def _check_bounds(array, a, dim):
    size = a._shape[dim]
    if array.size:
        low, high = int(array.min()), int(array.max())
        bad = high if high >= size else low if low < -size else None
        if bad is not None:
            raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _advanced_getitem(a, index):
    return gather(a, _numpy_index(a, index))


def gather(a, np_index):
    """A copy of the elements at a NumPy-style index."""
    out = from_array(a._data[np_index], a.dtype, a.device)
    if needs_grad(a):
        record(IndexBackward0(a._shape, np_index), out, (a,))
    return out


class IndexBackward0(Node):
    """Gradient of a[idx]: zeros shaped like a, with the gradient added at the
    indexed positions (added, so an index that repeats collects every share)."""

    def __init__(self, shape, np_index):
        super().__init__()
        self.shape, self.np_index = shape, np_index

    def backward(self, grad):
        return scatter_add_into_zeros(grad, self.shape, self.np_index)


def scatter_add_into_zeros(grad, shape, np_index):
    from ..creation import zeros
    out = zeros(shape, dtype=grad.dtype, device=grad.device)
    xp = backend_for(grad.device).xp
    xp.add.at(out._data, np_index, grad._data)
    if needs_grad(grad):
        record(IndexPutBackward(np_index), out, (grad,))
    return out


class IndexPutBackward(Node):
    """Backward of scattering a gradient: gather it from the same positions."""

    def __init__(self, np_index):
        super().__init__()
        self.np_index = np_index

    def backward(self, grad):
        return gather(grad, self.np_index)


def setitem(a, index, value):
    """a[index] = value writes into a's storage, through whatever view a is."""
    from .inplace import copy_, index_put_
    index = _expand_ellipsis(_as_tuple(index), a.dim())
    if any(_is_advanced(item) for item in index):
        return index_put_(a, _numpy_index(a, index), value)
    # The view that `index` picks; writing into it writes into a's storage.
    copy_(getitem(a, tuple(index)), value)
    return a
