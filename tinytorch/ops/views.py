"""View ops: each computes a new header (shape, stride, offset) with the pure
functions of `tinytorch.strides` and shares the storage. Nothing is copied.

Backward of a view puts the gradient back into the shape of the input: the
inverse header change (transpose back, squeeze the unsqueezed dim), or, for
views that pick out part of the input (select, slice), a zero tensor with the
gradient written into the picked part.
"""
import math
import weakref

from .. import strides as S
from ..dtypes import dtype
from ..autograd.graph import Node
from ..exact.arguments import shape_arg
from .base import Tensor, backend_for, from_array, needs_grad, record, sum_to, grad_mode, xp_of, zeros_for
from .copying import clone


def make_view(a, shape, stride, offset, node=None):
    """A tensor with a new header over a's storage; records `node` for backward."""
    out = Tensor._make(a._storage, tuple(shape), tuple(stride), offset)
    out._base = a if a._base is None else a._base
    if node is not None and grad_mode.state.enabled and needs_grad(a):
        record(node, out, (a,))
    follow_view_rules(out, a)
    return out


def follow_view_rules(view, a):
    """What PyTorch lets a view do later (ops/inplace.py explains the rules):
    a view of `.data` writes as `.data` does; a view made in no_grad mode, or
    of such a view, must never be rebased onto its base's new history; any
    other view is remembered by its base, so that an in-place write through
    one of them rebases them all."""
    if a._unversioned:
        view._unversioned = True
    view._grad_fn_version = view._storage._version  # the history it has is good for now
    if not grad_mode.state.enabled:
        mark_creation(view, "no_grad_mode")
    elif a._creation_meta is not None:
        mark_creation(view, a._creation_meta)  # a view of such a view is just as restricted
    _remember_view(view)


def mark_creation(view, creation_meta):
    """Mark a view that must never be rebased onto its base's new history after
    an in-place write, and note the version its grad_fn is good for (PyTorch's
    CreationMeta and attr_version; ops/inplace.py explains the rule).
    Such a view of a base that requires grad requires grad too, though no
    gradient reaches the base through it."""
    view._creation_meta = creation_meta
    view._grad_fn_version = view._storage._version
    follow_base_requires_grad(view)


def follow_base_requires_grad(view):
    """A view with no history of its own requires grad whenever its base does, as
    in PyTorch, even one made before the base did; no gradient reaches the base
    through it, and it has no .grad of its own (engine.gradient_edge) unless
    asked for with requires_grad_()."""
    if view._grad_fn is None and not view._requires_grad and view._base._requires_grad:
        view._requires_grad = view._requires_grad_from_base = True


def _remember_view(view):
    """The base keeps weak references to its views: when its history is rebased
    by an in-place write, or it is made to require grad, its views require grad
    with it (ops/inplace.py; follow_base_requires_grad). The list forgets views
    that are gone each time its length reaches a power of two, so a base viewed
    again and again (a weight transposed every step) keeps a short list."""
    base = view._base
    views = base._views
    if views is None:
        base._views = [weakref.ref(view)]
        return
    views.append(weakref.ref(view))
    if len(views) >= 8 and len(views) & (len(views) - 1) == 0:
        views[:] = [ref for ref in views if ref() is not None]


def live_views(base):
    """The views of `base` that still exist."""
    views = (ref() for ref in base._views or ())
    return [view for view in views if view is not None]


# -- view / reshape / flatten -------------------------------------------------------
def view(a, *shape):
    if len(shape) == 1 and isinstance(shape[0], dtype):  # torch's view(dtype) reinterprets the bytes
        raise TypeError("view(dtype) is not supported; use .to(dtype) to convert values")
    shape = S.infer_size(shape_arg(shape), a.numel())
    stride = S.view_strides(a._shape, a._stride, shape)
    if stride is None:
        raise RuntimeError(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead."
        )
    return make_view(a, shape, stride, a._offset, ViewBackward0(a._shape))


class ViewBackward0(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        return grad.reshape(self.shape)


def reshape(a, *shape):
    """A view when the strides allow one, otherwise a contiguous copy.
    PyTorch records a view of a non-contiguous tensor as ReshapeAliasBackward0
    (its _reshape_alias op), and one of a contiguous tensor as view's ViewBackward0."""
    shape = S.infer_size(shape_arg(shape, "reshape", "shape"), a.numel())
    stride = S.view_strides(a._shape, a._stride, shape)
    if stride is not None:
        if S.is_contiguous(a._shape, a._stride):
            return view(a, shape)
        return make_view(a, shape, stride, a._offset, ReshapeAliasBackward0(a._shape))
    copy = clone(a, contiguous=True)
    # The copy's memory under the new shape: a tensor of its own, not a view of anything
    # (PyTorch's _unsafe_view), so none of a view's rules follow it.
    out = Tensor._make(copy._storage, tuple(shape), S.contiguous_strides(shape), 0)
    if needs_grad(copy):
        record(UnsafeViewBackward0(a._shape), out, (copy,))
    return out


class ReshapeAliasBackward0(ViewBackward0):
    """reshape's view of a non-contiguous tensor, named as PyTorch names it."""


class UnsafeViewBackward0(ViewBackward0):
    """reshape's copy-then-view, named as PyTorch names it."""


def ravel(a):
    """All elements in one dim, in reading order: a view of a contiguous tensor, else a
    contiguous copy viewed (torch's contiguous().view(-1), not reshape)."""
    return view(a.contiguous(), -1)


def flatten(a, start_dim=0, end_dim=-1):
    start = S.normalize_dim(start_dim, a.dim())
    end = S.normalize_dim(end_dim, a.dim())
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if a.dim() == 0:
        return reshape(a, 1)
    if start == end:
        return a
    middle = math.prod(a._shape[start:end + 1])
    return reshape(a, a._shape[:start] + (middle,) + a._shape[end + 1:])


def unflatten(a, dim, sizes):
    """Split dim `dim` into `sizes` (one of them may be -1)."""
    dim = S.normalize_dim(dim, a.dim())
    sizes = tuple(sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        if a.dim() == 0:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        inner = S.infer_size(sizes, a._shape[dim])
    except (RuntimeError, IndexError) as e:
        # PyTorch rewords the size mismatch and wraps any other error.
        if str(e).startswith("shape '"):
            raise RuntimeError(
                f"unflatten: Provided sizes {S.list_repr(sizes)} don't multiply up to the size of dim {dim} "
                f"({a._shape[dim]}) in the input tensor"
            ) from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return view(a, a._shape[:dim] + inner + a._shape[dim + 1:])


# -- transpose / permute / t --------------------------------------------------------
def transpose(a, dim0, dim1):
    n = a.dim()
    d0, d1 = S.normalize_dim(dim0, n), S.normalize_dim(dim1, n)
    shape, stride = list(a._shape), list(a._stride)
    if n:  # a 0-d tensor accepts transpose(0, 0) and changes nothing
        shape[d0], shape[d1] = shape[d1], shape[d0]
        stride[d0], stride[d1] = stride[d1], stride[d0]
    return make_view(a, shape, stride, a._offset, TransposeBackward0(dim0, dim1))


class TransposeBackward0(Node):
    saved_settings = ("dim0", "dim1")  # as the caller gave them, as PyTorch saves them

    def __init__(self, dim0, dim1):
        super().__init__()
        self.dim0, self.dim1 = dim0, dim1

    def backward(self, grad):
        return grad.transpose(self.dim0, self.dim1)


def t(a, name="t"):
    if a.dim() > 2:
        raise RuntimeError(f"{name}() expects a tensor with <= 2 dimensions, but self is {a.dim()}D")
    shape, stride = a._shape[::-1], a._stride[::-1]
    return make_view(a, shape, stride, a._offset, TBackward0())


class TBackward0(Node):
    def backward(self, grad):
        return grad.t()


def permute(a, *dims):
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    given = tuple(dims)
    n = a.dim()
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length of the "
            f"desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}"
        )
    seen = []
    for d in dims:
        d = S.normalize_dim(d, n)
        if d in seen:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        seen.append(d)
    dims = tuple(seen)
    shape = [a._shape[d] for d in dims]
    stride = [a._stride[d] for d in dims]
    return make_view(a, shape, stride, a._offset, PermuteBackward0(given))


class PermuteBackward0(Node):
    saved_settings = ("dims",)  # as the caller gave them (negative dims index from the end)

    def __init__(self, dims):
        super().__init__()
        self.dims = dims

    def backward(self, grad):
        inverse = [0] * len(self.dims)
        for i, d in enumerate(self.dims):
            inverse[d] = i
        return grad.permute(inverse)


# -- expand / unsqueeze / squeeze ---------------------------------------------------
def expand(a, *sizes):
    sizes = shape_arg(sizes, "expand", "size")
    if len(sizes) < a.dim():
        raise RuntimeError(
            f"expand({_type_in_message(a)}{{{S.list_repr(a._shape)}}}, size={S.list_repr(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({a.dim()})"
        )
    shape, stride = S.expand_strides(a._shape, a._stride, sizes)
    return make_view(a, shape, stride, a._offset, ExpandBackward0(a._shape))


def _type_in_message(a):
    """How PyTorch names a tensor's type in messages: its legacy class name,
    except for bool, which has none there (CPUBoolType)."""
    if a.dtype.name == "bool":
        return ("CUDA" if a.is_cuda else "CPU") + "BoolType"
    return a.type()


class ExpandBackward0(Node):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, shape):
        super().__init__()
        self.shape = shape

    def backward(self, grad):
        return sum_to(grad, self.shape)


def unsqueeze(a, dim):
    n = a.dim()
    d = S.normalize_dim(dim, n + 1)
    # The new size-1 dim is never stepped; PyTorch gives it the stride that keeps the tensor contiguous.
    new_stride = a._shape[d] * a._stride[d] if d < n else 1
    shape = a._shape[:d] + (1,) + a._shape[d:]
    stride = a._stride[:d] + (new_stride,) + a._stride[d:]
    return make_view(a, shape, stride, a._offset, UnsqueezeBackward0(dim))


class UnsqueezeBackward0(Node):
    saved_settings = ("dim",)  # as the caller gave it

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def backward(self, grad):
        return grad.squeeze(self.dim)


def squeeze(a, dim=None):
    n = a.dim()
    if dim is None:
        drop = {d for d in range(n) if a._shape[d] == 1}
        node = SqueezeBackward0(drop)
    else:
        dims = dim if isinstance(dim, (tuple, list)) else (dim,)
        drop = set()
        for d in dims:
            d = S.normalize_dim(d, n)
            if d in drop:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            drop.add(d)
        drop = {d for d in drop if d < n and a._shape[d] == 1}
        if isinstance(dim, (tuple, list)):
            node = SqueezeBackward2(drop, tuple(dim))
        else:
            node = SqueezeBackward1(drop, dim)
    shape = tuple(s for d, s in enumerate(a._shape) if d not in drop)
    stride = tuple(s for d, s in enumerate(a._stride) if d not in drop)
    return make_view(a, shape, stride, a._offset, node)


class SqueezeBackward0(Node):
    """The gradient of squeeze gets its dropped size-1 dims back by unsqueeze, as
    PyTorch's unsqueeze_to does (and so the strides unsqueeze gives them)."""
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, dropped):
        super().__init__()
        self.dropped = sorted(dropped)

    def backward(self, grad):
        for d in self.dropped:
            grad = grad.unsqueeze(d)
        return grad


class SqueezeBackward1(SqueezeBackward0):
    """squeeze(dim); SqueezeBackward2 is squeeze((dims ...))."""
    saved_settings = ("dim",)  # as the caller gave it

    def __init__(self, dropped, dim):
        super().__init__(dropped)
        self.dim = dim


class SqueezeBackward2(SqueezeBackward1):
    pass


def alias(a):
    """A new tensor object with the same header: a view of everything."""
    return make_view(a, a._shape, a._stride, a._offset, AliasBackward0())


class AliasBackward0(Node):
    def backward(self, grad):
        return grad


# -- select / slice / narrow / as_strided -------------------------------------------
def select(a, dim, index):
    n = a.dim()
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = S.normalize_dim(dim, n)
    size = a._shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {S.list_repr(a._shape)} at dimension {d}"
        )
    i = index % size
    shape = a._shape[:d] + a._shape[d + 1:]
    stride = a._stride[:d] + a._stride[d + 1:]
    offset = a._offset + i * a._stride[d]
    replay = lambda x: x.select(d, i)  # noqa: E731
    node = SelectBackward0(a._shape, a.dtype, replay)
    # PyTorch detail: the node keeps the arguments as given (grad_fn._saved_index ...).
    node.dim, node.index = dim, index

    return make_view(a, shape, stride, offset, node)


def slice_dim(a, dim, start, stop, step):
    """a[..., start:stop:step, ...] along one dim: new size, stride*step, offset moved to start."""
    d = S.normalize_dim(dim, a.dim())
    size, stride, offset = S.slice_view(a._shape[d], a._stride[d], a._offset, start, stop, step)
    shape = a._shape[:d] + (size,) + a._shape[d + 1:]
    strides = a._stride[:d] + (stride,) + a._stride[d + 1:]
    replay = lambda x: slice_dim(x, d, start, stop, step)  # noqa: E731
    node = SliceBackward0(a._shape, a.dtype, replay)
    # PyTorch detail: the node keeps the arguments as given (grad_fn._saved_start ...),
    # a bound left out as 0 or the largest int64.
    node.dim, node.start, node.end, node.step = dim, start or 0, 2**63 - 1 if stop is None else stop, step or 1

    return make_view(a, shape, strides, offset, node)


def narrow(a, dim, start, length):
    """`length` elements of dim `dim` from `start`: a[..., start:start+length, ...]."""
    if a.dim() == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    size = a._shape[S.normalize_dim(dim, a.dim())]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return slice_dim(a, dim, start, start + length, 1)


def as_strided(a, size, stride, storage_offset=None):
    """A view with any header over a's storage (checked to stay inside it)."""
    offset = a._offset if storage_offset is None else storage_offset
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(st < 0 for st in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {S.list_repr(stride)}")
    if any(n < 0 for n in size):
        raise RuntimeError(f"Storage size calculation overflowed with sizes={S.list_repr(size)} and strides={S.list_repr(stride)}")
    if S.storage_extent(size, stride, offset) > len(a._storage):
        raise RuntimeError(
            f"setStorage: sizes {S.list_repr(size)}, strides {S.list_repr(stride)}, storage offset {offset}, "
            f"and itemsize {a.dtype.itemsize} requiring a storage size of "
            f"{S.storage_extent(size, stride, offset) * a.dtype.itemsize} are out of bounds for storage of size "
            f"{len(a._storage) * a.dtype.itemsize}"
        )
    if offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {offset}")
    node = AsStridedBackward0((a._shape, a._stride, a._offset), (size, stride, offset), len(a._storage), storage_offset)
    return make_view(a, size, stride, offset, node)


def diagonal(a, offset=0, dim1=0, dim2=1):
    """The diagonal of the (dim1, dim2) planes, as a new last dim: stepping one
    along it steps one along both, so its stride is the sum of theirs. offset > 0
    starts above the main diagonal (along dim2), offset < 0 below it."""
    n = a.dim()
    d1, d2 = S.normalize_dim(dim1, n), S.normalize_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    start = a._offset
    if offset >= 0:
        length = max(min(a._shape[d1], a._shape[d2] - offset), 0)
        start += offset * a._stride[d2] if length else 0
    else:
        length = max(min(a._shape[d1] + offset, a._shape[d2]), 0)
        start -= offset * a._stride[d1] if length else 0
    keep = [d for d in range(n) if d not in (d1, d2)]
    shape = [a._shape[d] for d in keep] + [length]
    stride = [a._stride[d] for d in keep] + [a._stride[d1] + a._stride[d2]]
    node = DiagonalBackward0(a._shape, a.dtype, lambda x: diagonal(x, offset, d1, d2))
    node.offset, node.dim1, node.dim2 = offset, dim1, dim2
    return make_view(a, shape, stride, start, node)


def unfold(a, dimension, size, step):
    """Windows of `size` elements along `dimension`, `step` apart, as a new last
    dim: the window's start steps `step` elements, and inside it one element.
    Windows overlap when step < size, and still nothing is copied."""
    n = a.dim()
    d = S.normalize_dim(dimension, max(n, 1))
    length = a._shape[d] if n else 1
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    inner = a._stride[d] if n else 1
    shape = list(a._shape) + [size]
    stride = list(a._stride) + [inner]
    if n:
        shape[d] = (length - size) // step + 1
        stride[d] = step * inner
    node = UnfoldBackward0(a._shape, a.dtype, lambda x: unfold(x, d, size, step))
    node.dimension, node.size, node.step = dimension, size, step
    return make_view(a, shape, stride, a._offset, node)


def movedim(a, source, destination):
    """Move dims from `source` to `destination`, the others keeping their order: a permute."""
    n = a.dim()
    source = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    destination = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(source) != len(destination):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({S.list_repr(source)} dims) should contain the "
            f"same number of dims as destination ({S.list_repr(destination)} dims)"
        )
    for name, given in (("source", source), ("destination", destination)):
        dims = [S.normalize_dim(d, max(n, 1)) for d in given]
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({S.list_repr(given)})")
    source = [S.normalize_dim(d, max(n, 1)) for d in source]
    destination = [S.normalize_dim(d, max(n, 1)) for d in destination]
    if n == 0:
        return alias(a)  # PyTorch's movedim of a 0-d tensor
    order = [None] * n
    for s, d in zip(source, destination):
        order[d] = s
    rest = iter(d for d in range(n) if d not in source)
    order = [next(rest) if d is None else d for d in order]
    return permute(a, order)


def swapaxes(a, axis0, axis1):
    """NumPy's name for transpose."""
    return transpose(a, axis0, axis1)


class _PickBackward(Node):
    """Backward of a view that picks part of its input: zeros shaped like the
    input, with the incoming gradient written into the picked part."""

    def __init__(self, shape, dtype, replay):
        super().__init__()
        self.shape, self.dtype, self.replay = shape, dtype, replay

    def backward(self, grad):
        return embed(grad, self.shape, self.replay)


class SelectBackward0(_PickBackward):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_settings = ("dim", "index")


class DiagonalBackward0(_PickBackward):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_settings = ("offset", "dim1", "dim2")


class UnfoldBackward0(_PickBackward):
    """Overlapping windows add up their gradients where they share an element (embed)."""
    keeps_input_sizes = True
    saved_settings = ("dimension", "size", "step")


class SliceBackward0(_PickBackward):
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch
    saved_settings = ("dim", "start", "end", "step")


class AsStridedBackward0(Node):
    """as_strided picks places in memory, so its gradient is made in memory: a
    flat buffer as long as the input's storage gets the incoming gradient added
    at the places the result picked, and the input's gradient reads that buffer
    through the input's own header. Where several elements of the input share a
    place (an expanded or overlapping input), they split its gradient evenly,
    as PyTorch's as_strided_backward does. Built from recorded ops, so that
    higher derivatives flow back the same way."""
    saved_settings = ("size", "stride", "storage_offset")

    def __init__(self, input_header, output_header, storage_size, storage_offset):
        super().__init__()
        self.input_header, self.output_header, self.storage_size = input_header, output_header, storage_size
        self.size, self.stride = output_header[:2]
        self.storage_offset = storage_offset  # as given (None for "a's own"), as PyTorch saves it

    def backward(self, grad):
        shape, stride, offset = self.input_header
        if 0 in shape or 0 in self.output_header[0]:  # nothing to carry: fresh zeros, no history, as in PyTorch
            return zeros_for(grad, shape)
        memory = embed(grad, (self.storage_size,), lambda flat: as_strided(flat, *self.output_header))
        if S.may_overlap(shape, stride):
            memory = memory / _sharing_counts(self.input_header, memory)
        return as_strided(memory, shape, stride, offset)


def _sharing_counts(header, memory):
    """For each place in `memory`, how many elements of a tensor with this header
    sit there (at least 1, so that places no element reads stay finite)."""
    xp = xp_of(memory)
    counts = xp.zeros(len(memory._storage), dtype=memory.dtype.numpy)
    picked = backend_for(memory.device).as_strided(xp.arange(len(counts)), *header)
    xp.add.at(counts, picked.reshape(-1), 1)
    return from_array(xp.maximum(counts, 1), memory.dtype, memory.device)


def embed(grad, shape, replay):
    """Zeros of `shape` with `grad` written into the part `replay` picks out.
    Where the part's elements share memory (picked by as_strided), each adds
    into it, so overlapping picks sum up.
    Recorded, so a second derivative flows back by picking the same part again."""
    from ..creation import zeros
    out = zeros(shape, dtype=grad.dtype, device=grad.device)
    with grad_mode.no_grad():
        target = replay(out)
        values = grad._data if target._shape == grad._shape else grad.expand(target._shape)._data
        if S.may_overlap(target._shape, target._stride):
            # `+=` through overlapping memory adds only once per place; add.at adds every share.
            positions = storage_positions(target)
            xp_of(out).add.at(out._storage._array, positions.reshape(-1), values.reshape(-1))
        else:
            target._data[...] = values  # copied, as PyTorch copies (0 + -0.0 would lose the sign)
    if needs_grad(grad):
        record(EmbedBackward(replay), out, (grad,))
    return out


def storage_positions(t):
    """For each element of t, its index in t's storage."""
    flat = xp_of(t).arange(len(t._storage))
    return backend_for(t.device).as_strided(flat, t._shape, t._stride, t._offset)


class EmbedBackward(Node):
    """Backward of `embed`: pick the same part out of the gradient."""

    def __init__(self, replay):
        super().__init__()
        self.replay = replay

    def backward(self, grad):
        return self.replay(grad)
