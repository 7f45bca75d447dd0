"""Cutting a tensor into pieces: split, chunk and unbind.

Each piece is a view (a new header over the same storage), and all the
pieces come from one node: backward puts their gradients back side by side
(cat, or stack for unbind), with zeros for a piece that got no gradient.
Because the pieces share one node, PyTorch forbids writing into one of them
in place (a multi-output view); tinytorch follows it.
"""
from .. import strides as S
from ..autograd.graph import Node
from .base import Tensor, grad_mode, needs_grad, record, zeros_for
from .joining import cat, stack
from .views import follow_view_rules, mark_creation


def split(a, split_size_or_sections, dim=0):
    """Pieces of `split_size` along dim (the last may be smaller), or pieces of
    the given sizes, which must add up to the dim's size."""
    if a.dim() == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    sections = isinstance(split_size_or_sections, (list, tuple))
    if not sections and split_size_or_sections < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={split_size_or_sections}")
    d = S.normalize_dim(dim, a.dim())
    size = a._shape[d]
    if sections:
        sizes = tuple(split_size_or_sections)
        if any(s < 0 for s in sizes) or sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension "
                f"{dim}), but got split_sizes={S.list_repr(sizes)}"
            )
        node = SplitWithSizesBackward0(sizes, dim)
    else:
        step = split_size_or_sections
        if step == 0 and size:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}")
        count = max((size + step - 1) // step, 1) if step else 1
        sizes = tuple(min(step, size - i * step) for i in range(count))
        node = SplitBackward0(step, dim)
    return _pieces(a, d, sizes, node)


def chunk(a, chunks, dim=0):
    """`chunks` pieces of equal size (the last may be smaller, and there may be
    fewer): split by ceil(size / chunks), as PyTorch does."""
    if a.dim() == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    size = a._shape[S.normalize_dim(dim, a.dim())]
    if size == 0:  # an empty dim gives `chunks` empty pieces
        return split(a, [0] * chunks, dim)
    return split(a, (size + chunks - 1) // chunks, dim)


def unbind(a, dim=0):
    """The slices along dim, as a tuple: t.unbind(0) is (t[0], t[1], ...)."""
    d = S.existing_dim(dim, a.dim())
    shape, stride = a._shape[:d] + a._shape[d + 1:], a._stride[:d] + a._stride[d + 1:]
    headers = [(shape, stride, a._offset + i * a._stride[d]) for i in range(a._shape[d])]
    return _views(a, headers, UnbindBackward0(dim, d))


def _pieces(a, d, sizes, node):
    """The views of `sizes` elements each, one after another along dim d."""
    headers, start = [], 0
    for size in sizes:
        shape = a._shape[:d] + (size,) + a._shape[d + 1:]
        headers.append((shape, a._stride, a._offset + start * a._stride[d]))
        start += size
    node.d = d
    return _views(a, headers, node)


def _views(a, headers, node):
    """One view per header, all outputs of one node (views.make_view, for many)."""
    base = a if a._base is None else a._base
    outs = []
    for shape, stride, offset in headers:
        out = Tensor._make(a._storage, shape, stride, offset)
        out._base = base
        outs.append(out)
    node.shapes = [out._shape for out in outs]
    if outs and needs_grad(a):
        record(node, tuple(outs), (a,))
    for out in outs:
        follow_view_rules(out, a)
        if grad_mode.state.enabled:
            mark_creation(out, "multi_output_node")
    return tuple(outs)


class _PiecesBackward(Node):
    """The gradients of the pieces, put back together; zeros for a piece that got none."""
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    @property
    def num_outputs(self):
        return len(self.shapes)

    def backward(self, *grads):
        like = next(g for g in grads if g is not None)
        grads = [g if g is not None else zeros_for(like, shape) for g, shape in zip(grads, self.shapes)]
        return self.join(grads)

    def join(self, grads):
        return cat(grads, self.d)


class SplitBackward0(_PiecesBackward):
    saved_settings = ("split_size", "dim")  # as the caller gave them

    def __init__(self, split_size, dim):
        super().__init__()
        self.split_size, self.dim = split_size, dim


class SplitWithSizesBackward0(_PiecesBackward):
    saved_settings = ("split_sizes", "dim")

    def __init__(self, split_sizes, dim):
        super().__init__()
        self.split_sizes, self.dim = split_sizes, dim


class UnbindBackward0(_PiecesBackward):
    keeps_input_sizes = False
    saved_settings = ("dim",)

    def __init__(self, dim, d):
        super().__init__()
        self.dim, self.d = dim, d

    def join(self, grads):
        return stack(grads, self.d)
