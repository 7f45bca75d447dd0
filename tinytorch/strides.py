"""The index math behind every tensor, as small pure functions.

A tensor is a header (shape, stride, offset) over a flat storage. Element
(i0, i1, ...) lives at storage position

    offset + i0*stride[0] + i1*stride[1] + ...

Every view (transpose, slice, expand, ...) is just a new header computed by one
of the functions below; no data moves. These functions work on plain tuples of
ints, so a lesson can call them directly.
"""


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
    """The storage position of the element at `index`: offset + sum(i * s)."""
    return offset + sum(i * s for i, s in zip(index, stride))


def is_contiguous(shape, stride):
    """True when the elements lie in row-major order with no gaps. Dimensions of
    size 1 may have any stride (they are never stepped), and an empty tensor is
    always contiguous, exactly as PyTorch decides."""
    expected = 1
    for size, st in zip(reversed(shape), reversed(stride)):
        if size == 0:
            return True
        if size != 1:
            if st != expected:
                return False
            expected *= size
    return True


def storage_extent(shape, stride, offset=0):
    """How many storage elements a view needs: one past its highest position
    (0 for an empty view)."""
    if any(size == 0 for size in shape):
        return 0
    return offset + 1 + sum((size - 1) * st for size, st in zip(shape, stride))


def broadcast_shapes(*shapes):
    """The shape two (or more) operands broadcast to, by NumPy/PyTorch's rules:
    1. right-align the shapes, padding the shorter ones with 1s on the left;
    2. in each dimension the sizes must be equal, or one of them must be 1;
    3. a size-1 dimension is stretched to the other size.
    Raises RuntimeError with PyTorch's message on a mismatch."""
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for shape in shapes:
        padded = (1,) * (ndim - len(shape)) + tuple(shape)
        for d, size in enumerate(padded):
            if size == result[d] or size == 1:
                continue
            if result[d] == 1:
                result[d] = size
            else:
                raise RuntimeError(
                    f"The size of tensor a ({result[d]}) must match the size of tensor b ({size}) "
                    f"at non-singleton dimension {d}"
                )
    return tuple(result)


def expand_strides(shape, stride, new_shape):
    """The strides of `expand(new_shape)`: new leading dims and stretched size-1
    dims get stride 0, so every index along them reads the same element."""
    extra = len(new_shape) - len(shape)
    if extra < 0:
        raise RuntimeError(
            f"expand(size={list(new_shape)}): the number of sizes provided ({len(new_shape)}) must be "
            f"greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    result_shape, result_stride = [], []
    for d, want in enumerate(new_shape):
        if d < extra:
            if want < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({want}) isn't allowed in a leading, non-existing dimension {d}"
                )
            result_shape.append(want)
            result_stride.append(0)
            continue
        size, st = shape[d - extra], stride[d - extra]
        if want == -1:
            want = size
        if size == want:
            result_shape.append(size)
            result_stride.append(st)
        elif size == 1:
            result_shape.append(want)
            result_stride.append(0)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({size}) at "
                f"non-singleton dimension {d}.  Target sizes: {list(new_shape)}.  Tensor sizes: {list(shape)}"
            )
    return tuple(result_shape), tuple(result_stride)


def view_strides(shape, stride, new_shape):
    """Strides that let `new_shape` read the same elements in the same order
    without copying, or None when no such strides exist (then `view` fails and
    `reshape` copies).

    Split the old dims into runs that are contiguous with each other
    (stride[d] == stride[d+1] * shape[d+1]); each run behaves like one flat
    block, which the new dims may regroup however they like. A new dim that
    would straddle two runs cannot be expressed with one stride."""
    numel = 1
    for size in shape:
        numel *= size
    if numel == 0:
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
    if step <= 0:
        raise ValueError("step must be greater than zero")
    start, stop, step = slice(start, stop, step).indices(size)
    new_size = max(0, (stop - start + step - 1) // step)
    return new_size, stride * step, offset + start * stride


def normalize_dim(dim, ndim):
    """A possibly negative dim as a non-negative one, with PyTorch's IndexError."""
    low, high = (-ndim, ndim - 1) if ndim else (-1, 0)
    if not low <= dim <= high:
        raise IndexError(f"Dimension out of range (expected to be in range of [{low}, {high}], but got {dim})")
    return dim + ndim if dim < 0 else dim


def infer_size(shape, numel):
    """Resolve one -1 in `shape` so the product equals numel, with PyTorch's errors."""
    shape = list(shape)
    unknown = [d for d, s in enumerate(shape) if s == -1]
    if len(unknown) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if unknown:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list_repr(shape)}' is invalid for input of size {numel}")
        shape[unknown[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list_repr(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def list_repr(shape):
    """A shape written as PyTorch writes it in messages: [2, 3]."""
    return "[" + ", ".join(str(s) for s in shape) + "]"
