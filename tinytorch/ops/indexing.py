"""Indexing with [], read and written.

PyTorch reads an index left to right, keeping a pointer to the dim the next
item applies to:

    int                 select that position; the dim goes away      (a view)
    slice               keep every step-th position of the dim       (a view)
    None                insert a new size-1 dim                      (a view)
    ...                 skip the dims that no other item names
    True / False        insert a size-1 dim, then pick it / pick nothing
    tensor, list, array an *advanced* index: integers pick positions,
                        a bool mask picks where it is True

Basic items alone give a view of the same storage. Advanced indices pick
elements that no single stride per dim can describe, so, as in NumPy, they are
applied last, to the view the basic items made, and give a copy.
"""
import operator
import warnings

from .. import strides as S
from ..autograd.graph import Node
from ..exact import layout
from ..exact.arguments import python_type_name
from .base import (
    CPU, Tensor, dtypes, from_array, np, needs_grad, record, backend_for, same_device, type_name, xp_of, zeros_for,
)
from ..tensor import empty_strided
from .inplace import check_inplace, copy_, fill_, write
from .views import alias, expand, select, slice_dim, storage_positions, unsqueeze, view


# -- reading the index ------------------------------------------------------------------
def _as_items(index):
    """The index as a tuple of items. A short list holding slices, None, ...,
    sequences or tensors counts as a tuple, as in old NumPy (and PyTorch)."""
    if isinstance(index, tuple):
        return index
    if isinstance(index, list) and len(index) < 32 and any(
        isinstance(item, (Tensor, list, tuple, str, np.ndarray, slice)) or item is None or item is Ellipsis
        for item in index
    ):
        warnings.warn(
            "Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in pytorch "
            "2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as tensor index, "
            "x[tinytorch.tensor(seq)], which will result either in an error or a different result",
            UserWarning, stacklevel=5,  # the line with the [] in the caller's code
        )
        return tuple(index)
    return (index,)


def _count_specified_dims(items):
    """How many dims of the tensor the items name: a bool mask names as many as it has."""
    count = 0
    for item in items:
        if isinstance(item, Tensor):
            count += item.dim() if item.dtype in (dtypes.bool_, dtypes.uint8) else 1
        elif not (item is None or item is Ellipsis or isinstance(item, bool)):
            count += 1
    return count


def _index_tensor(item):
    """A tensor from an advanced index item. Lists and arrays become int64
    unless they hold bools (a mask), as in PyTorch."""
    if isinstance(item, Tensor):
        return item
    from ..creation import tensor
    t = tensor(item)
    return t if t.dtype in (dtypes.bool_, dtypes.uint8, dtypes.int64) else t.to(dtypes.int64)


def _select_index(a, dim, index, position):
    """a[..., index, ...] at `dim`; `position` is the item's place in the index, used in the message."""
    if a.dim() == 0:
        if index == 0:
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to "
                "convert a 0-dim tensor to a number"
            )
        raise IndexError(f"index {index} is out of bounds for dimension 0 with size 0")
    size = a._shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {position} with size {size}")
    return select(a, dim, int(index))


def _unpack_slice(item):
    """start, stop, step as ints (or None), with Python's errors."""
    try:
        start, stop, step = (None if v is None else operator.index(v) for v in (item.start, item.stop, item.step))
    except TypeError:
        raise TypeError("slice indices must be integers or None or have an __index__ method") from None
    if step == 0:
        raise ValueError("slice step cannot be zero")
    if step is not None and step < 0:
        # Strides are never negative, so a tensor cannot run backwards (a list can).
        raise ValueError("step must be greater than zero")
    return start, stop, step


def _slice_index(a, dim, item, skip_whole=True):
    """a[..., start:stop:step, ...] at `dim`. With `skip_whole`, a slice written
    to keep the whole dim (start 0 or none, stop none or past the end, step 1)
    records nothing, as in PyTorch; a start like -size, though it also keeps
    everything, still records a slice."""
    start, stop, step = _unpack_slice(item)
    if skip_whole and start in (None, 0) and (stop is None or stop >= a._shape[dim]) and step in (None, 1):
        return a
    return slice_dim(a, dim, start, stop, step or 1)


def apply_basic(a, index, writing=False):
    """Apply the basic items of `index` as views of `a`. Returns that view and
    the advanced items still to apply, each as (dim of the view, tensor).
    Reading a[:] always records a slice; writing a[:] = v writes into a itself."""
    if not isinstance(index, (tuple, list)):
        # A lone item takes a shortcut, with its own message for a 0-d tensor.
        if dtypes.is_int(index):
            return _select_index(a, 0, index, 0), []
        if isinstance(index, slice):
            _unpack_slice(index)
            if a.dim() == 0:
                raise IndexError("slice() cannot be applied to a 0-dim tensor.")
            return _slice_index(a, 0, index, skip_whole=writing), []
        if index is None:
            return unsqueeze(a, 0), []
        if index is Ellipsis:
            return a, []
    items = _as_items(index)
    specified = _count_specified_dims(items)
    if specified > a.dim():
        raise IndexError(f"too many indices for tensor of dimension {a.dim()}")
    out, dim, advanced = a, 0, []
    for position, item in enumerate(items):
        if dtypes.is_int(item):
            out = _select_index(out, dim, item, position)
        elif isinstance(item, slice):
            out = _slice_index(out, dim, item)
            dim += 1
        elif item is Ellipsis:
            dim += a.dim() - specified
        elif item is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(item, bool):
            out = unsqueeze(out, dim)
            advanced.append((dim, _bool_pick(item)))
            dim += 1
        elif isinstance(item, (Tensor, list, tuple, str, np.ndarray)):
            t = _index_tensor(item)
            if t.dim() == 0 and t.dtype not in (dtypes.bool_, dtypes.uint8) and not t.dtype.is_floating_point:
                out = _select_index(out, dim, t.item(), position)  # a 0-d integer tensor acts as an int
            elif t.dim() == 0 and t.dtype in (dtypes.bool_, dtypes.uint8):
                out = unsqueeze(out, dim)
                advanced.append((dim, _bool_pick(bool(t.item()))))
                dim += 1
            else:
                advanced.append((dim, t))
                dim += t.dim() if t.dtype in (dtypes.bool_, dtypes.uint8) else 1
        else:
            try:
                out = _select_index(out, dim, operator.index(item), position)
            except TypeError:
                raise IndexError(
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid "
                    f"indices (got {type(item).__name__})"
                ) from None
    return out, advanced


def _bool_pick(flag):
    """True picks the one position of a new size-1 dim; False picks none."""
    from ..creation import tensor
    return tensor([0] if flag else [], dtype=dtypes.int64)


def numpy_index(a, advanced):
    """The advanced items as one NumPy index of `a` (slices for the other dims),
    checked in PyTorch's order and with its messages, except for positions out
    of bounds, which check_bounds looks for."""
    for _, t in advanced:
        if t.dtype not in (dtypes.int64, dtypes.int32, dtypes.uint8, dtypes.bool_):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    host = backend_for(a.device).to_numpy
    picks = []  # (dim, int array) for every dim an index picks from, masks turned into positions
    for dim, t in advanced:
        array = host(t._data) if t.device == a.device else backend_for(t.device).to_numpy(t._data)
        if t.dtype in (dtypes.bool_, dtypes.uint8):
            if t.dtype is dtypes.uint8:
                warnings.warn(
                    "indexing with dtype tinytorch.uint8 is now deprecated, please use a dtype tinytorch.bool instead.",
                    UserWarning, stacklevel=4,
                )
            _check_mask(a, dim, t)
            # Each dim's positions on their own, as PyTorch's mask.nonzero() columns are
            # (NumPy's share one buffer, read with a stride); the layout of a[mask] follows them.
            picks.extend((dim + k, np.ascontiguousarray(positions)) for k, positions in enumerate(np.nonzero(array)))
        else:
            picks.append((dim, array.astype(np.int64, copy=False)))
    try:
        arrays = np.broadcast_arrays(*(array for _, array in picks))
    except ValueError:
        shapes = ", ".join(S.list_repr(array.shape) for _, array in picks)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") from None
    sizes = [a._shape[dim] for dim, _ in picks]
    if any(size == 0 for size in sizes) and arrays[0].size:
        raise IndexError("index is out of bounds for dimension with size 0")
    xp = xp_of(a)
    index = [slice(None)] * a.dim()
    for (dim, _), array in zip(picks, arrays):
        index[dim] = xp.asarray(array)
    return tuple(index)


def _check_mask(a, dim, mask):
    """A mask must have the shape of the dims it covers, from `dim` on."""
    for k, size in enumerate(mask._shape):
        if size != a._shape[S.normalize_dim(dim + k, a.dim())]:
            raise IndexError(
                f"The shape of the mask {S.list_repr(mask._shape)} at index {k} does not match the shape of "
                f"the indexed tensor {S.list_repr(a._shape)} at index {dim + k}"
            )


def result_shape(a, np_index):
    """The shape a[np_index] has: the index arrays' broadcast shape replaces the
    dims they pick, in place when those dims are adjacent, else in front."""
    picked = [d for d, item in enumerate(np_index) if not isinstance(item, slice)]
    picks = np.broadcast_shapes(*(np_index[d].shape for d in picked))
    others = [a._shape[d] for d in range(a.dim()) if d not in picked]
    if picked[-1] - picked[0] + 1 == len(picked):
        return a._shape[:picked[0]] + picks + a._shape[picked[-1] + 1:]
    return picks + tuple(others)


def check_bounds(a, np_index):
    """PyTorch checks positions while it copies, element by element of the
    result, each index array in turn, and reports the first one out of bounds
    (none when the result is empty)."""
    picked = [d for d, item in enumerate(np_index) if not isinstance(item, slice)]
    host = backend_for(a.device).to_numpy
    arrays = [host(np_index[d]) for d in picked]
    sizes = [a._shape[d] for d in picked]
    if 0 in result_shape(a, np_index):
        return
    bad = np.stack([(array < -size) | (array >= size) for array, size in zip(arrays, sizes)])
    bad = bad.reshape(len(arrays), -1)
    if bad.any():
        element = int(bad.any(axis=0).argmax())
        j = int(bad[:, element].argmax())
        raise IndexError(
            f"index {int(arrays[j].flat[element])} is out of bounds for dimension {j} with size {sizes[j]}"
        )


# -- reading: a[index] ------------------------------------------------------------------
def getitem(a, index):
    out, advanced = apply_basic(a, index)
    if advanced:
        _check_index_devices(out, advanced)
        np_index = numpy_index(out, advanced)
        check_bounds(out, np_index)
        return gather(out, np_index, _indices_as_given(advanced))
    return alias(a) if out is a else out  # a[:] is still a new tensor object, a view of a


def _check_index_devices(a, advanced):
    """Reading a[indices] takes indices on the CPU or on a's device, nowhere else
    (PyTorch's check_indices_on_cpu_or_selfdevice, in
    aten/src/ATen/native/TensorAdvancedIndexing.cpp). Writing takes them from
    any device: index_put_ moves them to a's (expandTensors with
    ensure_same_device, in aten/src/ATen/native/IndexingUtils.h)."""
    for _, t in advanced:
        if t.device is not CPU and t.device is not a.device:
            raise RuntimeError(
                f"indices should be either on cpu or on the same device as the indexed tensor ({a.device})"
            )


def _indices_as_given(advanced):
    """The index tensors as PyTorch saves them for backward: one entry per dim
    of the view they index, None where no tensor indexes (a mask covers as many
    dims as it has), up to the last tensor."""
    indices = []
    for dim, t in advanced:
        indices += [None] * (dim - sum(1 if i is None else _dims_indexed(i) for i in indices))
        indices.append(t)
    return tuple(indices)


def _dims_indexed(t):
    return t.dim() if t.dtype in (dtypes.bool_, dtypes.uint8) else 1


def gather(a, np_index, indices=None):
    """A copy of the elements at a NumPy-style index, laid out as PyTorch lays it out.
    `indices`: the index tensors the caller gave, for IndexBackward0 to show (PyTorch's
    _saved_indices); by default the positions NumPy reads (for the gradient of a write)."""
    shape = result_shape(a, np_index)
    out = empty_strided(shape, result_strides(a, np_index, shape), a.dtype, a.device)
    # An empty result reads nothing, so its positions are never checked (as in PyTorch).
    if out.numel():
        out._data[...] = a._data[np_index]
    if needs_grad(a):
        if indices is None:
            last = max(d for d, item in enumerate(np_index) if not isinstance(item, slice))
            indices = tuple(None if isinstance(item, slice) else from_array(item, dtypes.int64, a.device)
                            for item in np_index[:last + 1])
        # Saved as PyTorch saves the indices: freed by backward.
        record(IndexBackward0(a._shape), out, (a,), saved=(indices, np_index))
    return out


def result_strides(a, np_index, shape):
    """The strides PyTorch gives a[indices]: its index kernel is an elementwise loop
    (TensorIterator) over two kinds of operand, so the result takes their memory order
    (exact.layout.elementwise_strides):
    - `a` restrided to the result's shape, stride 0 along the index dims;
    - each index array placed in those dims, with size-1 dims around it.
    Indexed dims that are not side by side first move to the front, in `a` and in the
    result. Mirrors restride_src, reshape_indexer and transposeToFront in
    aten/src/ATen/native/TensorAdvancedIndexing.cpp and IndexingUtils.h; pinned by
    tests/test_indexing_oracle.py::test_getitem_matches_torch."""
    picked = [d for d, item in enumerate(np_index) if not isinstance(item, slice)]
    dims = list(range(a.dim()))
    if picked[-1] - picked[0] + 1 != len(picked):
        dims = picked + [d for d in dims if d not in picked]
    before = dims.index(picked[0])
    after = a.dim() - before - len(picked)
    arrays = [np_index[d] for d in picked]
    index_shape = arrays[0].shape
    lead, rest = dims[:before], dims[before + len(picked):]
    src = (tuple(a._shape[d] for d in lead) + index_shape + tuple(a._shape[d] for d in rest),
           tuple(a._stride[d] for d in lead) + (0,) * len(index_shape) + tuple(a._stride[d] for d in rest))
    placed_shape = (1,) * before + index_shape + (1,) * after
    indices = [(placed_shape, S.view_strides(index_shape, tuple(s // array.itemsize for s in array.strides), placed_shape))
               for array in arrays]
    return layout.elementwise_strides(shape, [src] + indices)


class IndexBackward0(Node):
    """Gradient of a[idx]: zeros shaped like a, with the gradient added at the
    indexed positions (added, so an index that repeats collects every share)."""
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_names = ("indices",)

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        _, np_index = self.saved_tensors  # the indices as given, and as NumPy reads them
        return scatter_add_into_zeros(grad, self.shape, np_index)


def scatter_add_into_zeros(grad, shape, np_index):
    from ..creation import zeros
    out = zeros(shape, dtype=grad.dtype, device=grad.device)
    if grad.numel():  # an empty index picks nothing, whatever its positions say (as in PyTorch)
        xp_of(grad).add.at(out._data, np_index, grad._data)
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


# -- writing: a[index] = value ------------------------------------------------------------
def setitem(a, index, value):
    """a[index] = value writes into a's storage, through whatever view a is."""
    # PyTorch makes a number a CPU tensor, whatever a's device: one it can fill with.
    on_cpu = not isinstance(value, Tensor) or value.device is CPU
    value = _value_tensor(a, value)
    if index is False:
        return a  # picks nothing, so writes nothing
    if index is True:
        index = None  # a[True] is a[None]: the whole tensor under a new dim
    target, advanced = apply_basic(a, index, writing=True)
    if not advanced:
        # PyTorch's copy_to (in ATen/TensorIndexing.h): copy a value of the same
        # shape, fill with a one-element value, else copy the value broadcast.
        if value._shape == target._shape:
            copy_(target, value)
        elif value.dim() == 0 and on_cpu:
            fill_(target, value)
        else:
            value = view(value, _without_leading_ones(value._shape))
            copy_(target, value if value._shape == target._shape else expand(value, target._shape))
        return a
    stripped = _without_leading_ones(value._shape)
    if stripped != value._shape:  # PyTorch views the value for index_put_ only when dims go
        value = view(value, stripped)
    if value.numel() == 1 and advanced[0][1].dtype in (dtypes.bool_, dtypes.uint8):
        # PyTorch first looks whether it can fill through a mask, checking the mask on the way.
        _check_mask(target, *advanced[0])
    np_index = numpy_index(target, advanced)
    if (value.numel() == 1 and len(advanced) == 1 and advanced[0][1].dtype in (dtypes.bool_, dtypes.uint8)
            and not value.requires_grad):  # a value with a history keeps it (IndexPutBackward0)
        # One mask and one value: PyTorch fills (masked_fill_), converting the value like a scalar.
        from ..creation import full
        value = full((), value.item(), dtype=target.dtype, device=target.device)
    value = _check_index_put(target, np_index, value)
    if 0 not in result_shape(target, np_index):  # an empty pick writes nothing, whatever its positions
        check_bounds(target, np_index)
    index_put_(target, np_index, value, _indices_as_given(advanced))  # recorded even when it writes nothing
    return a


def _check_index_put(target, np_index, value):
    """index_put_'s checks, in PyTorch's order. Returns the value to write: a
    0-dim value from another device is moved to the target's, as index_put_
    does; any other value must be on the target's device already
    (_index_put_impl_ in aten/src/ATen/native/TensorAdvancedIndexing.cpp, then
    its TensorIterator's same-device check)."""
    shape = result_shape(target, np_index)
    if len(value._shape) > len(shape) or any(v != 1 and v != r for v, r in zip(reversed(value._shape), reversed(shape))):
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {S.list_repr(value._shape)} cannot be broadcast to indexing "
            f"result of shape {S.list_repr(shape)}"
        )
    if value.dtype is not target.dtype:
        raise RuntimeError(
            f"Index put requires the source and destination dtypes match, got {type_name(target.dtype)} for the "
            f"destination and {type_name(value.dtype)} for the source."
        )
    if value.device is not target.device:
        if value.dim() == 0:
            return value.to(target.device)
        same_device(target, value)
    return value


def index_put_(t, np_index, value, indices, accumulate=False):
    """t[advanced index] = value, or += with `accumulate` (a position picked twice
    then gets both values); `indices`: the index tensors as given (PyTorch's
    _saved_indices of the node)."""
    check_inplace(t, value)
    result = from_array(t._data.copy(), t.dtype, t.device)
    values = value._data.astype(t.dtype.numpy, copy=False)
    picked = result_shape(t, np_index)
    if 0 in picked:
        # An empty pick writes nothing, and its positions are never read (as in PyTorch):
        # 0 stands in for each, a position every non-empty dim has, for write and backward.
        np_index = tuple(item if isinstance(item, slice) or t._shape[d] == 0 else xp_of(t).zeros_like(item)
                         for d, item in enumerate(np_index))
    elif accumulate and S.may_overlap(t._shape, t._stride):
        # Elements of t that share memory (t is expanded) each add into that memory,
        # as PyTorch's loop adds in place: every pick's value lands there.
        xp_of(t).add.at(t._storage._array, storage_positions(t)[np_index].reshape(-1),
                        xp_of(t).broadcast_to(values, picked).reshape(-1))
        result = from_array(t._data.copy(), t.dtype, t.device)
    elif accumulate:
        xp_of(t).add.at(result._data, np_index, xp_of(t).broadcast_to(values, picked))
    else:
        result._data[np_index] = values
    if needs_grad(t, value):
        # The indices are saved as PyTorch saves them: freed by backward.
        record(IndexPutBackward0(accumulate), result, (t, value), saved=(indices, np_index))
    return write(t, result, positions=np_index, overlap_ok=True)


def index_put(a, indices, values, accumulate=False, inplace=False, argument=1):
    """torch.index_put and Tensor.index_put(_): a[indices] = values (or += with
    `accumulate`), `indices` a tuple of index tensors for the first dims.
    `argument`: where `indices` sits in the call, for PyTorch's messages (1 for
    torch.index_put(a, indices, ...), 0 for the methods)."""
    name = "index_put_" if inplace else "index_put"
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' (position 1) must be tuple of Tensors, not "
                        f"{python_type_name(indices)}")
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument {argument}, but got {python_type_name(t)}")
    if inplace:
        check_inplace(a, values)  # autograd's check comes before the kernel's
    if not indices:
        raise RuntimeError("sym_strides() called on an undefined Tensor")  # PyTorch's words for an empty tuple
    if len(indices) > a.dim():
        raise IndexError(f"too many indices for tensor of dimension {a.dim()} (got {len(indices)})")
    advanced, dim = [], 0
    for t in indices:
        advanced.append((dim, t))
        dim += _dims_indexed(t)
    target = a if inplace else a.clone()
    _check_index_devices(target, advanced)
    np_index = numpy_index(target, advanced)
    values = _check_index_put(target, np_index, values)
    if 0 not in result_shape(target, np_index):
        check_bounds(target, np_index)
    return index_put_(target, np_index, values, tuple(indices), accumulate)


class IndexPutBackward0(Node):
    """Gradient of t[idx] = value: nothing for the elements of t it overwrote, and
    for value the gradient at idx (the engine sums it down to value's shape, if
    value was broadcast)."""

    saved_names = ("indices",)
    saved_settings = ("accumulate",)

    def __init__(self, accumulate):
        super().__init__()
        self.accumulate = accumulate  # added to what was there, or replaced it

    def backward(self, grad):
        indices, np_index = self.saved_tensors
        if self.accumulate:
            return grad, gather(grad, np_index, indices)  # the old values were kept: all of grad flows back
        # Overwritten positions get nothing from the old values: PyTorch's
        # grad.index_put(indices, zeros_like(values)), a copy of grad (laid out as
        # clone lays it out) with 0 written there (not a product with a mask, which
        # would give nan where the gradient is inf); with ops, to differentiate again.
        value_shape = self.input_meta[1][0]
        kept = grad.clone()
        zeros = zeros_for(grad, value_shape)
        return index_put_(kept, np_index, zeros, indices), gather(grad, np_index, indices)


def _value_tensor(a, value):
    """The value as a tensor: a Python number becomes one element of a's dtype."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (bool, int, float, np.integer, np.float64)):
        from ..creation import full
        if isinstance(value, int) and not -2**63 <= value < 2**63:
            raise ValueError("Overflow when unpacking long long")  # PyTorch reads a Python int as a C long long
        if a.dtype is dtypes.float16:
            # PyTorch writes a number into float16 without a range check: beyond it, ±inf.
            return full((), value, dtype=dtypes.float64, device=a.device).to(dtypes.float16)
        return full((), value, dtype=a.dtype, device=a.device)
    raise TypeError(f"can't assign a {python_type_name(value)} to a {a.type()}")


def _without_leading_ones(shape):
    """The shape without its leading size-1 dims: a value of shape (1, n) fits a[0] of shape (n,), as in NumPy."""
    lead = 0
    while lead < len(shape) and shape[lead] == 1:
        lead += 1
    return shape[lead:]
