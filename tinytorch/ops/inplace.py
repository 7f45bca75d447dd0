"""In-place ops: compute the new values out of place, check them, then write
them into the tensor's storage and bump the storage's version counter.

Computing first means a failed op (wrong dtype, wrong shape) leaves the tensor
untouched. For autograd, the tensor's history is *rebased*: the node that
computed the new values becomes its grad_fn. When the tensor is a view of a
base that requires grad, the base gets a CopySlices node, which sends the
gradient of the written part through the op and the rest straight through.
"""
from .. import strides as S
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge
from ..autograd.graph import Node
from .base import Tensor, dtypes, np, from_array, needs_grad, record, sum_to, backend_for, type_name
from .elementwise import add, clamp, div, mul, pow, sub


def check_inplace(t):
    """PyTorch refuses to change a leaf that autograd is watching: its old value
    may be needed, and its .grad would no longer match what it holds."""
    if grad_mode.state.enabled and t._requires_grad:
        if t.grad_fn is None:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
        base = t._base
        if base is not None and base.grad_fn is None and base._requires_grad:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place operation."
            )


def _check_writable(t, result):
    if result.dtype is not t.dtype and result.dtype.category > t.dtype.category:
        raise RuntimeError(
            f"result type {type_name(result.dtype)} can't be cast to the desired output type {type_name(t.dtype)}"
        )
    if result._shape != t._shape:
        raise RuntimeError(
            f"output with shape {S.list_repr(t._shape)} doesn't match the broadcast shape {S.list_repr(result._shape)}"
        )
    if any(st == 0 and size > 1 for size, st in zip(t._shape, t._stride)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a single memory "
            "location. Please clone() the tensor before performing the operation."
        )


def write(t, result):
    """Copy `result` into t's storage (through t's strides) and rebase t's history on result's."""
    _check_writable(t, result)
    t._data[...] = result._data
    t._storage.bump_version()
    if result.grad_fn is not None:
        _rebase_history(t, result.grad_fn)
    return t


def inplace(op, t, *args, **kwargs):
    """Run the out-of-place `op` and write its result into t: `t.add_(x)` is this with add."""
    check_inplace(t)
    return write(t, op(t, *args, **kwargs))


def add_(t, other, *, alpha=1): return inplace(add, t, other, alpha=alpha)
def sub_(t, other, *, alpha=1): return inplace(sub, t, other, alpha=alpha)
def mul_(t, other): return inplace(mul, t, other)
def div_(t, other): return inplace(div, t, other)
def pow_(t, other): return inplace(pow, t, other)
def clamp_(t, min=None, max=None): return inplace(clamp, t, min, max)


def fill_(t, value):
    check_inplace(t)
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions."
            )
        return copy_(t, value)
    xp = backend_for(t.device).xp
    filled = from_array(xp.full(t._shape, value, dtype=t.dtype.numpy), t.dtype, t.device)
    if needs_grad(t):
        record(FillBackward0(), filled, (t,))
    return write(t, filled)


class FillBackward0(Node):
    def backward(self, grad):
        return grad * 0


def copy_(t, src):
    """Write src's values into t (broadcasting src, converting its dtype)."""
    check_inplace(t)
    if not isinstance(src, Tensor):
        from ..creation import tensor
        src = tensor(src, dtype=t.dtype, device=t.device)
    xp = backend_for(t.device).xp
    values = src._data
    if src._shape != t._shape:
        shape = S.broadcast_shapes(t._shape, src._shape)
        if shape != t._shape:
            raise RuntimeError(
                f"output with shape {S.list_repr(t._shape)} doesn't match the broadcast shape {S.list_repr(shape)}"
            )
    if src.device != t.device:
        values = backend_for(t.device).from_numpy(backend_for(src.device).to_numpy(values))
    values = xp.broadcast_to(values, t._shape)
    result = from_array(values.astype(t.dtype.numpy, copy=True), t.dtype, t.device)
    if needs_grad(t, src):
        record(CopyBackwards(src._shape, src.dtype, src.device), result, (t, src))
    t._data[...] = result._data
    t._storage.bump_version()
    if result.grad_fn is not None:
        _rebase_history(t, result.grad_fn)
    return t


class CopyBackwards(Node):
    """Gradient of t.copy_(src): none for t's old values (they are gone), all of it for src."""

    def __init__(self, src_shape, src_dtype, src_device):
        super().__init__()
        self.src_shape, self.src_dtype, self.src_device = src_shape, src_dtype, src_device

    def backward(self, grad):
        g = sum_to(grad, self.src_shape)
        if g.dtype is not self.src_dtype or g.device != self.src_device:
            g = g.to(self.src_dtype, self.src_device)
        return grad * 0, g


def index_put_(t, np_index, value):
    """t[advanced index] = value."""
    check_inplace(t)
    if not isinstance(value, Tensor):
        from ..creation import tensor
        value = tensor(value, dtype=t.dtype, device=t.device)
    result = from_array(t._data.copy(), t.dtype, t.device)
    try:
        result._data[np_index] = value._data.astype(t.dtype.numpy, copy=False)
    except ValueError:
        raise RuntimeError(
            f"shape mismatch: value tensor of shape {S.list_repr(value._shape)} cannot be broadcast to indexing "
            f"result of shape {S.list_repr(t._data[np_index].shape)}"
        ) from None
    if needs_grad(t, value):
        record(IndexPutBackward0(np_index, value._shape), result, (t, value))
    return write(t, result)


class IndexPutBackward0(Node):
    def __init__(self, np_index, value_shape):
        super().__init__()
        self.np_index, self.value_shape = np_index, value_shape

    def backward(self, grad):
        from .indexing import gather
        keep = grad.clone()
        keep._data[self.np_index] = 0  # overwritten positions get nothing from the old values
        return keep, sum_to(gather(grad, self.np_index), self.value_shape)


def _rebase_history(t, node):
    """Make `node` the history of t, which now holds node's output."""
    base = t._base
    if base is not None and base._requires_grad and "_replay" in t.__dict__:
        # t is a view: its base changed too. The base's new history is CopySlices,
        # and t becomes a fresh view of the new base.
        copy_slices = CopySlices(t._replay, base._shape, base.dtype)
        copy_slices.next_functions = (gradient_edge(base), (node, 0))
        base.grad_fn = copy_slices
        base._requires_grad = True
        with grad_mode.enable_grad():
            fresh = t._replay(base)
        t.grad_fn = fresh.grad_fn
        t._requires_grad = True
        return
    t.grad_fn = node
    t._requires_grad = True
    if "_output_nr" in t.__dict__:
        del t._output_nr


class CopySlices(Node):
    """History of a base whose view was written in place: the gradient of the
    written part goes to the op that wrote it, the rest to the base's old history."""

    def __init__(self, replay, shape, dtype):
        super().__init__()
        self.replay, self.shape, self.dtype = replay, shape, dtype

    def backward(self, grad):
        rest = grad.clone()
        with grad_mode.no_grad():
            written = self.replay(rest)
            part = written.clone()
            written._data[...] = 0
        return rest, part
