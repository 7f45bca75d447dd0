"""Matrix products: matmul (@) and the ops it is built from: dot, mv, mm, bmm.

matmul picks one of them by the inputs' dimensions, exactly as PyTorch does,
so that results, error messages and the recorded graph (`grad_fn`) match:

    1-D @ 1-D          dot
    2-D @ 1-D          mv
    1-D @ 2-D          mm of the vector as a one-row matrix, then that row dimension squeezed away
    2-D @ 2-D          mm
    N-D with 1-D/2-D   (N >= 3, in either order) fold the batch dims into the rows: one mm or mv
    anything else      broadcast the batch dims, flatten them into one, bmm, then unflatten
"""
import math

from .. import strides as S
from ..autograd.graph import Node
from .base import (
    Tensor, dtypes, from_array, gets_gradient, needs_grad, record, refuse_integer_history, require_tensor, same_device,
    type_name, xp_of,
)
from .views import UnsafeViewBackward0, ViewBackward0, view


def _check_tensors(name, a, b, other="other"):
    require_tensor(name, a, "input", 1)
    require_tensor(name, b, other, 2)
    same_device(a, b)


def _product(a, b, bool_kernel, dtype=None):
    """a @ b on arrays (already checked): the values, as a new tensor of a's dtype
    (or `dtype`).

    Half precision multiplies in float32 and rounds once at the end, as PyTorch
    does on the CPU. PyTorch has no bool kernel, but an empty product needs no
    kernel, so it still succeeds (all False)."""
    xp = xp_of(a)
    x, y = a._data, b._data
    if a.dtype is dtypes.bool_:
        if _needs_kernel(a, b):
            raise NotImplementedError(f"\"{bool_kernel}\" not implemented for 'Bool'")
        x, y = x.astype(xp.uint8), y.astype(xp.uint8)
    elif a.dtype is dtypes.float16:
        x, y = x.astype(xp.float32), y.astype(xp.float32)
    if x.ndim == y.ndim == 2 and x.flags.c_contiguous and y.flags.f_contiguous and not y.flags.c_contiguous:
        # x @ W.T, a linear layer's product: OpenBLAS computes the same numbers about a fifth
        # faster as (W @ x.T).T (bench/bench_nn.py), and a copy makes them row-major again
        return from_array(xp.ascontiguousarray(xp.matmul(y.T, x.T).T), dtype or a.dtype, a.device)
    return from_array(xp.matmul(x, y), dtype or a.dtype, a.device)


def _needs_kernel(a, b):
    """Whether a @ b has anything to add up: no empty result, no empty sum."""
    return bool(a.numel() and b.numel() and a._shape[-1])


# -- dot, mv, mm, bmm: the four kernels ------------------------------------------------
def dot(a, b):
    _check_tensors("dot", a, b, "tensor")
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found {type_name(a.dtype)} and {type_name(b.dtype)}"
        )
    if a._shape != b._shape:
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{a._shape[0]}] and src [{b._shape[0]}] to have the same "
            f"number of elements, but got {a._shape[0]} and {b._shape[0]} elements respectively"
        )
    if a.dtype is dtypes.bool_:
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    out = _product(a, b, "dot")
    if needs_grad(a, b):
        record(DotBackward0(), out, (a, b), saved=(a if gets_gradient(b) else None, b if gets_gradient(a) else None))
    return out


class DotBackward0(Node):
    saved_names = ("self", "tensor")

    def backward(self, grad):
        a, b = self.saved_tensors  # each saved only if the other input needs a gradient
        needs_a, needs_b = self.needs_input_grad
        return (grad * b if needs_a else None), (grad * a if needs_b else None)


def mv(a, b):
    _check_tensors("mv", a, b, "vec")
    if a.dim() == 0:  # PyTorch sizes its output by a.size(0) before any check
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if a.dim() != 2 or b.dim() != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.dim()}, {b.dim()}")
    if a._shape[1] != b._shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({a._shape[0]}), mat ({a._shape[0]}x{a._shape[1]}), vec ({b._shape[0]})"
        )
    if a.dtype is not b.dtype:
        # PyTorch's message names its output buffer (of the vector's dtype) first.
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {type_name(b.dtype)}, "
            f"{type_name(a.dtype)}, and {type_name(b.dtype)}"
        )
    out = _product(a, b, "addmv_impl_cpu")
    if needs_grad(a, b):
        record(MvBackward0(), out, (a, b), saved=(a if gets_gradient(b) else None, b if gets_gradient(a) else None))
    return out


class MvBackward0(Node):
    saved_names = ("self", "vec")

    def backward(self, grad):
        a, b = self.saved_tensors  # each saved only if the other input needs a gradient
        needs_a, needs_b = self.needs_input_grad
        # out_i = sum_j a_ij b_j: d/da is the outer product grad b^T (PyTorch's grad.ger(vec),
        # computed as outer computes it), d/db is a^T grad
        return (grad.reshape(-1, 1) * b if needs_a else None), (mv(a.t(), grad) if needs_b else None)


def mm(a, b):
    _check_tensors("mm", a, b, "mat2")
    if a.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a._shape[1] != b._shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a._shape[0]}x{a._shape[1]} and {b._shape[0]}x{b._shape[1]})"
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{dtypes.CPP_NAMES[a.dtype.name]} != {dtypes.CPP_NAMES[b.dtype.name]}"
        )
    out = _product(a, b, "addmm_impl_cpu_")
    if needs_grad(a, b):
        # Each input's gradient needs the other input: save only what will be used.
        node = MmBackward0(a, b)
        record(node, out, (a, b), saved=(a if gets_gradient(b) else None, b if gets_gradient(a) else None))
    return out


class MmBackward0(Node):
    saved_names = ("self", "mat2")
    saved_settings = ("mat2_sym_sizes", "self_sym_strides", "mat2_sym_strides")
    keeps_input_sizes = True  # _saved_self_sym_sizes, as in PyTorch

    def __init__(self, a, b):
        super().__init__()
        # PyTorch detail: an input laid out column-major (a transposed matrix) gets its
        # gradient column-major too, computed as the transpose of a product; so the
        # strides of each input that needs a gradient are kept.
        self.mat2_sym_sizes = b._shape
        self.self_sym_strides = a._stride if gets_gradient(a) else ()
        self.mat2_sym_strides = b._stride if gets_gradient(b) else ()

    def backward(self, grad):
        a, b = self.saved_tensors
        # out = a @ b  =>  d/da = grad @ b^T,  d/db = a^T @ grad
        grad_a = grad_b = None
        if b is not None:
            column_major = _column_major(self.input_meta[0][0], self.self_sym_strides)
            grad_a = mm(b, grad.t()).t() if column_major else mm(grad, b.t())
        if a is not None:
            column_major = _column_major(self.mat2_sym_sizes, self.mat2_sym_strides)
            grad_b = mm(grad.t(), a).t() if column_major else mm(a.t(), grad)
        return grad_a, grad_b


def _column_major(sizes, strides):
    return bool(strides) and strides[0] == 1 and strides[1] == sizes[0]


def bmm(a, b):
    """A batch of matrix products: (B, n, m) @ (B, m, p) -> (B, n, p), no broadcasting."""
    _check_tensors("bmm", a, b, "mat2")
    if a.dim() != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b.dim() != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if b._shape[0] != a._shape[0] or b._shape[1] != a._shape[2]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a._shape[0]}, {a._shape[2]}] "
            f"but got: [{b._shape[0]}, {b._shape[1]}]."
        )
    # PyTorch's bmm makes its result with mat2's dtype and compares dtypes only in
    # its kernel, after the bool check: a product with nothing to add up skips both.
    if a.dtype is not b.dtype and a.dtype is not dtypes.bool_ and _needs_kernel(a, b):
        raise RuntimeError(f"expected scalar type {type_name(a.dtype)} but found {type_name(b.dtype)}")
    out = _product(a, b, "bmm", dtype=b.dtype)
    if needs_grad(a, b):
        refuse_integer_history(out.dtype)
        record(BmmBackward0(), out, (a, b), saved=(a if gets_gradient(b) else None, b if gets_gradient(a) else None))
    return out


class BmmBackward0(Node):
    saved_names = ("self", "mat2")

    def backward(self, grad):
        a, b = self.saved_tensors
        # Per batch, as mm: d/da = grad @ b^T, d/db = a^T @ grad.
        return (bmm(grad, b.transpose(1, 2)) if b is not None else None,
                bmm(a.transpose(1, 2), grad) if a is not None else None)


# -- matmul ------------------------------------------------------------------------------
def matmul(a, b):
    """@ as in PyTorch; see the module docstring for which kernel each case uses."""
    _check_tensors("matmul", a, b)
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        return _squeeze_row(mm(a.unsqueeze(0), b))
    if da == 2 and db == 2:
        return mm(a, b)
    if _should_fold(a, b):
        return _folded_matmul(a, b)
    return _batched_matmul(a, b)


def _squeeze_row(t):
    """Drop the leading size-1 dim of a fresh mm result, the way PyTorch's
    matmul does it (in place with squeeze_), so the result is not a view."""
    out = Tensor._make(t._storage, t._shape[1:], t._stride[1:], t._offset, t._data[0])
    if needs_grad(t):
        record(SqueezeBackward4(t._shape), out, (t,))
    return out


class SqueezeBackward4(ViewBackward0):
    """squeeze_(dim) in place: PyTorch's name for the last step of vector @ matrix."""


def _should_fold(a, b):
    """Whether N-D @ 1-D/2-D (or the reverse) can run as one mm/mv on the big
    tensor with its batch dims folded into its rows. PyTorch does this when the
    small tensor needs a gradient (so its gradient is not summed over a batch)
    or when the fold is a free view."""
    a_larger = a.dim() >= b.dim()
    big = a if a_larger else b.mT
    small = b if a_larger else a
    if not (big.dim() >= 3 and small.dim() <= 2):
        return False
    if small._requires_grad:
        return True
    if a.dim() == 2:
        return False  # matrix @ batch: folding would need a transposed copy of the result
    if big.numel() == 0:
        return True
    shape, stride = big._shape, big._stride
    return all(stride[i] == stride[i + 1] * shape[i + 1] for i in range(big.dim() - 2))


def _folded_matmul(a, b):
    transpose = b.dim() > a.dim()
    # (batch @ small) directly, or (small @ batch) as (batch^T @ small^T)^T.
    big = b.mT if transpose else a
    small = (a.t() if a.dim() == 2 else a) if transpose else b
    rows = big._shape[:-1]
    out_shape = rows + ((small._shape[1],) if small.dim() == 2 else ())
    folded = big.reshape(math.prod(rows), big._shape[-1])
    if small.dim() == 2:
        out = _unsafe_view(mm(folded, small), out_shape)
        return out.mT.contiguous() if transpose else out
    return _unsafe_view(mv(folded, small), out_shape)


def _batched_matmul(a, b):
    # Two batches of matrices, their batch dims broadcast together then
    # flattened into one, so a single bmm computes every product.
    da, db = a.dim(), b.dim()
    if da == 3 and db == 3 and a._shape[0] != b._shape[0]:
        # PyTorch drops a batch of one that needs a gradient (its gradient then
        # is one mm instead of a sum over the other batch).
        if a._shape[0] == 1 and a._requires_grad:
            return matmul(a.squeeze(0), b)
        if b._shape[0] == 1 and b._requires_grad:
            return matmul(a, b.squeeze(0))
    n = a._shape[-2] if da > 1 else 1
    m1 = a._shape[-1]
    m2 = b._shape[-2] if db > 1 else b._shape[0]
    p = b._shape[-1] if db > 1 else 1
    batch = S.broadcast_shapes(a._shape[:-2], b._shape[:-2])
    count = math.prod(batch)
    a3 = a.expand(batch + (n, m1)).reshape(count, n, m1)
    if db == 1:
        b3 = b.expand(batch + (m2,)).reshape(count, m2).unsqueeze(2)
    else:
        b3 = b.expand(batch + (m2, p)).reshape(count, m2, p)
    out_shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    out = bmm(a3, b3)
    return _unsafe_view(out.squeeze(-1) if db == 1 else out, out_shape)


def _unsafe_view(t, shape):
    """Reshape a fresh result without making it a view: matmul's result stands
    alone, as in PyTorch (its node is UnsafeViewBackward0). (kron also uses it
    on its inputs, only to add size-1 dims, which any layout allows.)"""
    if S.is_contiguous(t._shape, t._stride):
        out = Tensor._make(t._storage, shape, S.contiguous_strides(shape), t._offset, t._data.reshape(shape))
    else:
        stride = S.view_strides(t._shape, t._stride, shape)
        if stride is None:  # view's error, as torch's (torch 2.13's kron of a transposed matrix ends here too)
            view(t, shape)
        out = Tensor._make(t._storage, shape, stride, t._offset)
    if needs_grad(t):
        record(UnsafeViewBackward0(t._shape), out, (t,))
    return out
