"""Joining tensors: cat (along an existing dim) and stack (along a new one), and NumPy's
hstack, vstack, dstack and column_stack, which are cat after giving each tensor enough dims."""
from .. import strides as S
from ..autograd.graph import Node
from ..exact.layout import cat_strides, stack_strides
from .base import Tensor, dtypes, from_array, needs_grad, record, same_device, xp_of, zeros_for


def _check_list(tensors, name):
    """The checks PyTorch makes on the list itself; returns the common dtype."""
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if not tensors:
        if name == "cat":
            raise ValueError("tinytorch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
        same_device(tensors[0], t)
    d = tensors[0].dtype
    for t in tensors[1:]:
        d = dtypes.promote_types(d, t.dtype)
    return d


def cat(tensors, dim=0):
    d = _check_list(tensors, "cat")
    for i, t in enumerate(tensors):
        if t.dim() == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    # PyTorch skips 1-D empty tensors (a legacy rule), whatever their neighbours' shapes.
    parts = [(i, t) for i, t in enumerate(tensors) if t._shape != (0,)]
    if not parts:
        return _joined(tensors, [t._data for t in tensors], 0, d, CatBackward0(dim, [(0,)] * len(tensors)))
    ref = parts[0][1]
    given, dim = dim, S.normalize_dim(dim, ref.dim())
    for i, t in parts:
        if t.dim() != ref.dim():
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.dim()} and {t.dim()}")
        for k in range(ref.dim()):
            if k != dim and t._shape[k] != ref._shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {ref._shape[k]} but "
                    f"got size {t._shape[k]} for tensor number {i} in the list."
                )
    return _joined(tensors, [t._data for _, t in parts], dim, d, CatBackward0(given, [t._shape for t in tensors]))


def _joined(tensors, arrays, dim, d, node):
    """The arrays joined along `dim` as a new tensor of dtype d, recorded with `node`,
    laid out as PyTorch lays out a join (exact.layout: cat_strides, stack_strides)."""
    xp = xp_of(tensors[0])
    joined = xp.concatenate([x.astype(d.numpy, copy=False) for x in arrays], axis=dim)
    headers = [(t._shape, t._stride) for t in tensors]
    if type(node) is CatBackward0:
        stride = cat_strides(joined.shape, headers)
    else:
        stride = stack_strides(joined.shape, dim, headers)
    out = from_array(joined, d, tensors[0].device, stride)
    if needs_grad(*tensors):
        record(node, out, tuple(tensors))
    return out


class CatBackward0(Node):
    saved_settings = ("dim",)  # as the caller gave it, as PyTorch saves it

    def __init__(self, dim, shapes):
        super().__init__()
        self.dim, self.shapes = dim, shapes

    def backward(self, grad):
        grads, start = [], 0
        for shape in self.shapes:
            if shape == (0,):  # a 1-D empty input, which cat skipped: an empty gradient, as in PyTorch
                grads.append(zeros_for(grad, 0))
                continue
            size = shape[self.dim]
            grads.append(grad.narrow(self.dim, start, size))
            start += size
        return tuple(grads)


def stack(tensors, dim=0):
    d = _check_list(tensors, "stack")
    shape = tensors[0]._shape
    given, dim = dim, S.normalize_dim(dim, len(shape) + 1)
    for i, t in enumerate(tensors):
        if t._shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {S.list_repr(shape)} at entry 0 and "
                f"{S.list_repr(t._shape)} at entry {i}"
            )
    xp = xp_of(tensors[0])
    return _joined(tensors, [xp.expand_dims(t._data, dim) for t in tensors], dim, d,
                   StackBackward0(given, len(tensors)))


class StackBackward0(Node):
    saved_settings = ("dim",)  # as the caller gave it, as PyTorch saves it

    def __init__(self, dim, count):
        super().__init__()
        self.dim, self.count = dim, count

    def backward(self, grad):
        return tuple(grad.select(self.dim, i) for i in range(self.count))


# -- NumPy's stacking helpers: views that give every tensor enough dims, then a cat --------
def atleast_1d(t):
    return t.reshape(1) if t.dim() == 0 else t


def atleast_2d(t):
    if t.dim() == 0:
        return t.reshape(1, 1)
    return t.unsqueeze(0) if t.dim() == 1 else t


def atleast_3d(t):
    """A vector becomes (1, n, 1) and a matrix (m, n, 1), as in NumPy."""
    if t.dim() == 0:
        return t.reshape(1, 1, 1)
    if t.dim() == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if t.dim() == 2 else t


def hstack(tensors):
    """Side by side: along dim 0 for vectors, dim 1 otherwise."""
    tensors = [atleast_1d(t) for t in _checked(tensors, "hstack")]
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors):
    """One under the other: vectors become rows."""
    return cat([atleast_2d(t) for t in _checked(tensors, "vstack")], 0)


def dstack(tensors):
    """One behind the other, along a third dim."""
    return cat([atleast_3d(t) for t in _checked(tensors, "dstack")], 2)


def column_stack(tensors):
    """Vectors become columns, then side by side."""
    return hstack([t.reshape(t.numel(), 1) if t.dim() <= 1 else t for t in _checked(tensors, "column_stack")])


def _checked(tensors, name):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}"
        )
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors
