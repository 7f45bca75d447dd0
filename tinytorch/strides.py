"""The index math behind every tensor, as small pure functions.

A tensor is a header (shape, stride, offset) over a flat storage. Element
(i0, i1, ...) lives at storage position

    offset + i0*stride[0] + i1*stride[1] + ...

Every view (transpose, slice, expand, ...) is just a new header computed by one
of the functions below; no data moves. These functions work on plain tuples of
ints, so a lesson can call them directly.

The formula above is the one that runs: tinytorch hands each header to NumPy
(device.NumpyBackend.as_strided makes an ndarray with these strides, times the
element size), and NumPy finds every element exactly so. `read_all` spells the
same reading out in Python, one element at a time.
"""
import itertools
import operator


def contiguous_strides(shape):
    """Row-major strides: the last dimension moves by 1, each earlier one by the
    product of the sizes after it. (2, 3, 4) -> (12, 4, 1)."""
    strides = []
    step = 1
    for size in reversed(shape):
        strides.append(step)
        step *= max(size, 1)  # a size-0 dim still gets a stride, as in PyTorch
    return tuple(reversed(strides))


def index_to_position(index, stride, offset=0):
    """The storage position of the element at `index`: offset + sum(i * s).
    NumPy computes exactly this (in bytes) for every element tinytorch reads."""
    return offset + sum(i * s for i, s in zip(index, stride))


def read_all(flat, shape, stride, offset=0):
    """Every element of the tensor with this header over the storage `flat`, in
    row-major order of the indices, each found with index_to_position: what
    NumPy's strided view of the same header reads (tests/test_strides.py,
    test_read_all_is_what_numpy_reads, checks it on random views)."""
    return [flat[index_to_position(index, stride, offset)] for index in itertools.product(*(range(n) for n in shape))]


def is_contiguous(shape, stride):
    """True when the elements lie in row-major order with no gaps. Dimensions of
    size 1 may have any stride (they are never stepped), and an empty tensor is
    always contiguous, exactly as PyTorch decides."""
    if 0 in shape:
        return True
    expected = 1
    for size, st in zip(reversed(shape), reversed(stride)):
        if size != 1:
            if st != expected:
                return False
            expected *= size
    return True


def storage_extent(shape, stride, offset=0):
    """How many storage elements a view needs: one past its highest position
    (0 for an empty view)."""
    if 0 in shape:
        return 0
    return offset + 1 + sum((size - 1) * st for size, st in zip(shape, stride))


def may_overlap(shape, stride):
    """False when no two elements can share a position in memory: with dims
    sorted by stride, each stride steps past everything the smaller ones span.
    (True for expanded tensors, and for as_strided layouts that overlap.)"""
    span = 0
    for st, size in sorted((abs(st), size) for size, st in zip(shape, stride) if size > 1):
        if st <= span:
            return True
        span += st * (size - 1)
    return False


def broadcast_shapes(*shapes):
    """The shape two (or more) operands broadcast to, by NumPy/PyTorch's rules:
    1. right-align the shapes, padding the shorter ones with 1s on the left;
    2. in each dimension the sizes must be equal, or one of them must be 1;
    3. a size-1 dimension is stretched to the other size.
    Raises RuntimeError with PyTorch's message on a mismatch."""
    result = ()
    for shape in shapes:
        result = _broadcast_pair(result, tuple(shape))
    return result


def _broadcast_pair(a, b):
    # Compared from the right, so the mismatch PyTorch reports is the last one.
    ndim = max(len(a), len(b))
    a = (1,) * (ndim - len(a)) + a
    b = (1,) * (ndim - len(b)) + b
    result = [0] * ndim
    for d in range(ndim - 1, -1, -1):
        if a[d] != b[d] and a[d] != 1 and b[d] != 1:
            raise RuntimeError(
                f"The size of tensor a ({a[d]}) must match the size of tensor b ({b[d]}) at non-singleton dimension {d}"
            )
        result[d] = b[d] if a[d] == 1 else a[d]
    return tuple(result)


def expand_strides(shape, stride, new_shape):
    """The strides of `expand(new_shape)`: new leading dims and stretched size-1
    dims get stride 0, so every index along them reads the same element.
    -1 keeps a dimension's size."""
    extra = len(new_shape) - len(shape)
    if extra < 0:
        raise RuntimeError(
            f"expand(size={list_repr(new_shape)}): the number of sizes provided ({len(new_shape)}) must be "
            f"greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    result_shape, result_stride = list(new_shape), [0] * len(new_shape)
    # From the right, like PyTorch, so the same mismatch is the one reported.
    for d in range(len(new_shape) - 1, -1, -1):
        want = new_shape[d]
        if d < extra:
            if want < 0 and shape:
                raise RuntimeError(
                    f"The expanded size of the tensor ({want}) isn't allowed in a leading, non-existing dimension {d}"
                )
            if want == 1 and shape:
                # A new size-1 dim is never stepped; PyTorch gives it the stride that
                # would keep it contiguous with the dim to its right.
                result_stride[d] = result_shape[d + 1] * result_stride[d + 1]
            continue
        size, st = shape[d - extra], stride[d - extra]
        if want == -1:
            want = size
        if size == want:
            result_shape[d], result_stride[d] = size, st
        elif size == 1:
            result_shape[d] = want
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({size}) at "
                f"non-singleton dimension {d}.  Target sizes: {list_repr(new_shape)}.  Tensor sizes: {list_repr(shape)}"
            )
    if any(size < 0 for size in result_shape):
        # Negative sizes that slipped past the checks above (a 0-d input, or a
        # stretched size-1 dim) are caught, as in PyTorch, when counting elements.
        raise RuntimeError("numel: integer multiplication overflow")
    return tuple(result_shape), tuple(result_stride)


def view_strides(shape, stride, new_shape):
    """Strides that let `new_shape` read the same elements in the same order
    without copying, or None when no such strides exist (then `view` fails and
    `reshape` copies).

    Split the old dims into runs that are contiguous with each other
    (stride[d] == stride[d+1] * shape[d+1]); each run behaves like one flat
    block, which the new dims may regroup however they like. A new dim that
    would straddle two runs cannot be expressed with one stride."""
    if 0 in shape:
        # Empty tensors can take any shape; PyTorch keeps the strides when the
        # shape is unchanged and otherwise uses contiguous ones.
        return tuple(stride) if tuple(shape) == tuple(new_shape) else contiguous_strides(new_shape)
    if not shape:
        return contiguous_strides(new_shape)  # a 0-d tensor views as any all-ones shape
    new_stride = [0] * len(new_shape)
    # Walk old dims from the right, grouping contiguous runs, and fill new dims
    # from the right as each run is consumed.
    new_d = len(new_shape) - 1
    chunk_numel = 1  # elements in the current old run
    run_base_stride = stride[-1] if stride else 1
    tensor_numel = 1  # elements of new dims placed so far in this run
    for d in range(len(shape) - 1, -1, -1):
        chunk_numel *= shape[d]
        # The run ends at d when d is the first dim, or d-1 is not contiguous with d.
        run_ends = d == 0 or (shape[d - 1] != 1 and stride[d - 1] != chunk_numel * run_base_stride)
        if run_ends:
            while new_d >= 0 and (tensor_numel < chunk_numel or new_shape[new_d] == 1):
                new_stride[new_d] = tensor_numel * run_base_stride
                tensor_numel *= new_shape[new_d]
                new_d -= 1
            if tensor_numel != chunk_numel:
                return None
            if d > 0:
                run_base_stride = stride[d - 1]
                chunk_numel = 1
                tensor_numel = 1
    if new_d != -1:
        return None
    return tuple(new_stride)


def slice_view(size, stride, offset, start, stop, step):
    """What `t[start:stop:step]` does to one dimension's header. Python's slice
    rules clamp start and stop to the size; the new offset moves to `start`, the
    stride is multiplied by `step`, and the size counts the steps that fit.
    Returns (new_size, new_stride, new_offset)."""
    if step is None:
        step = 1
    if step <= 0:
        # Tensors cannot run backwards (strides are never negative), unlike Python lists.
        raise ValueError("slice step cannot be zero" if step == 0 else "step must be greater than zero")
    start, stop, step = slice(start, stop, step).indices(size)
    new_size = max(0, (stop - start + step - 1) // step)
    return new_size, stride * step, offset + start * stride


def normalize_dim(dim, ndim):
    """A possibly negative dim as a non-negative one, with PyTorch's IndexError.
    A 0-d tensor accepts dims 0 and -1, as if it had one dimension."""
    dim = operator.index(dim)  # an int, or what Python takes for one: a NumPy int, a one-element int tensor
    ndim = max(ndim, 1)
    if not -ndim <= dim < ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def existing_dim(dim, ndim):
    """normalize_dim for an op that needs a real dim to work along (unbind, roll with
    dims): a 0-d tensor has none, and PyTorch says so."""
    d = normalize_dim(dim, ndim)  # out of range even for one dim: that error first
    if ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    return d


def infer_size(shape, numel):
    """Resolve one -1 in `shape` so the product equals numel, with PyTorch's errors.

    Every way of missing numel (no -1 and the wrong product, or a -1 that no
    whole number fills) is one mistake to PyTorch, with one message: so each
    branch that succeeds returns, and all the others fall through to it. Only
    a -1 beside a 0 in an empty tensor, which any size would fill, gets its own."""
    shape = list(shape)
    unknown = None
    known = 1
    for d, s in enumerate(shape):
        if s == -1:
            if unknown is not None:
                raise RuntimeError("only one dimension can be inferred")
            unknown = d
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {d} of shape {list_repr(shape)}")
        else:
            known *= s
    if unknown is None:
        if known == numel:
            return tuple(shape)
    elif known == 0 and numel == 0:
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape {list_repr(shape)} because the unspecified "
            "dimension size -1 can be any value and is ambiguous"
        )
    elif known != 0 and numel % known == 0:
        shape[unknown] = numel // known
        return tuple(shape)
    raise RuntimeError(f"shape '{list_repr(shape)}' is invalid for input of size {numel}")


def list_repr(shape):
    """A shape written as PyTorch writes it in messages: [2, 3]."""
    return "[" + ", ".join(str(s) for s in shape) + "]"
