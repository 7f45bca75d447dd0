"""In-place ops: compute the new values out of place, check them, then write
them into the tensor's storage and bump the storage's version counter.

Computing first means a failed op (wrong dtype, wrong shape) leaves the tensor
untouched. For autograd, the tensor's history is *rebased*: the node that
computed the new values becomes its grad_fn. When the tensor is a view, its
base changed too: the base's new grad_fn is a CopySlices node, which sends the
gradient of the written part through that node and the rest to the base's old
history; the views of the base get a fresh grad_fn (AsStridedBackward0) that
reads from the base's new history. This is what PyTorch does, except for views
made in no_grad mode, which it refuses to rebase (check_view_not_rebased).
"""
from .. import strides as S
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge
from ..autograd.graph import Node, SavedTensor, forward_op_name, move_retain_grad, tensor_meta
from ..exact import layout, messages
from .base import Tensor, backend_for, dtypes, from_array, needs_grad, record, type_name, xp_of, zeros_like_grad
from .copying import zeros_in_layout
from .arithmetic import add, div, mul, pow, sub
from .math_functions import clamp
from .views import as_strided, follow_base_requires_grad


def check_inplace(t, *others):
    """Refuse the in-place ops on t (with operands `others`) that PyTorch refuses
    when the op will be recorded for backward:
    - on a leaf that autograd is watching, or a view of one: its old value may
      be needed, and its .grad would no longer match what it holds;
    - on a view PyTorch will not rebase, e.g. one made in no_grad mode (see
      check_view_not_rebased)."""
    if not needs_grad(t, *others):
        return
    base = t._base
    if base is not None:
        if t._creation_meta is not None:
            raise view_rebase_error(t, "is being")
        if t._requires_grad and base._grad_fn is None:
            raise RuntimeError(
                "a view of a leaf Variable that requires grad is being used in an in-place operation."
            )
    if t._requires_grad and t._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def check_view_not_rebased(view):
    """Reading grad_fn of a view made in no_grad mode, or of a view of one, or
    of a custom Function's output that is a view (see views.mark_creation).

    When memory a view shares is written in place (through its base, another
    view or a detached alias: anything that bumps the storage's version),
    PyTorch gives the view a new grad_fn that reads from the base's new history.
    For these views it refuses instead (for a view made in no_grad mode it is
    ambiguous whether the write should count; for a custom Function's output the
    new grad_fn would bypass the Function's backward): from then on, reading
    grad_fn raises, and so does whatever needs it (is_leaf, an op recorded for
    backward, backward). A view with no grad_fn whose base does not require
    grad has nothing to rebase: it reads None."""
    if view._storage._version != view._grad_fn_version and (
        view._grad_fn is not None or view._base._requires_grad
    ):
        raise view_rebase_error(view, "its base or another view of its base has been")


def view_rebase_error(view, modified):
    """PyTorch's error for rebasing a view marked by views.mark_creation;
    `modified` says whether the view itself is being written or was written through others."""
    node = view._grad_fn
    if view._creation_meta == "no_grad_mode" or node is None:
        if node is None:
            made = "A view was created in"
        else:
            made = f"Output {view._output_nr} of {forward_op_name(node)} is a view of a view which was created in"
        message = f"{made} no_grad mode and {modified} modified inplace with grad mode enabled."
    else:
        message = f"Output {view._output_nr} of {forward_op_name(node)} is a view and {modified} modified inplace."
    if view._creation_meta == "no_grad_mode":
        return RuntimeError(
            f"{message} Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
            "your code by moving both the view and the inplace either both inside the no_grad block (if you don't "
            "want the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
        )
    if view._creation_meta == "multi_output_node":
        return RuntimeError(
            f"{message} This view is the output of a function that returns multiple views. Such functions do not "
            "allow the output views to be modified inplace. You should replace the inplace operation by an "
            "out-of-place one."
        )
    return RuntimeError(
        f"{message} This view was created inside a custom Function (or because an input was returned as-is) and "
        "the autograd logic to handle view+inplace would override the custom backward associated with the custom "
        "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
        "output of the custom Function."
    )


def _check_writable(t, result, overlap_ok=False):
    if result.dtype is not t.dtype and result.dtype.category > t.dtype.category:
        raise RuntimeError(
            f"result type {type_name(result.dtype)} can't be cast to the desired output type {type_name(t.dtype)}"
        )
    if result._shape != t._shape:
        raise _shape_mismatch(t, result._shape)
    if not overlap_ok and 0 not in t._shape and any(st == 0 and size > 1 for size, st in zip(t._shape, t._stride)):
        raise RuntimeError(messages.WRITE_TO_REPEATED_ELEMENT)


def _shape_mismatch(t, shape):
    """PyTorch's error when an in-place result (broadcast to `shape`) does not fit t."""
    return RuntimeError(
        f"output with shape {S.list_repr(t._shape)} doesn't match the broadcast shape {S.list_repr(shape)}"
    )


def _check_no_partial_overlap(t, src):
    """Copying between two dense tensors whose memory partly overlaps would
    overwrite elements before reading them; PyTorch refuses (a[1:] = a[:-1])."""
    if t is src or t._storage is not src._storage or t.numel() == 0 or src.numel() == 0:
        return
    if not (layout.is_non_overlapping_and_dense(t._shape, t._stride)
            and layout.is_non_overlapping_and_dense(src._shape, src._stride)):
        return  # PyTorch does not look closer at other layouts
    t_span = (t._offset, t._offset + t.numel())
    src_span = (src._offset, src._offset + src.numel())
    if t_span == src_span and t._stride == src._stride:
        return  # the very same elements
    if t_span[0] < src_span[1] and src_span[0] < t_span[1]:
        raise RuntimeError(messages.WRITE_FROM_OVERLAPPING_INPUT)


def write(t, result, positions=Ellipsis, overlap_ok=False):
    """Copy `result` into t's storage (through t's strides) and rebase t's history on result's.
    `positions` (an index) limits the copy to the elements an index_put_ wrote.
    `overlap_ok`: writing one value everywhere (fill_, zero_) or only the indexed
    elements (index_put_) is fine even where t's elements share memory, as in PyTorch."""
    _check_writable(t, result, overlap_ok)
    t._data[positions] = result._data if positions is Ellipsis else result._data[positions]
    if t._unversioned:
        t._storage.changed()
    else:
        t._storage.bump_version()
    if result.grad_fn is not None:
        rebase_history(t, result)
    return t


def inplace(op, t, *args, **kwargs):
    """Run the out-of-place `op` and write its result into t: `t.add_(x)` is this with add."""
    check_inplace(t, *args)
    for x in args:
        if type(x) is Tensor:
            _check_no_partial_overlap(t, x)  # t.mul_(t) is fine; t.mul_(a view of t's memory) is not
    if needs_grad(t, *args):
        # The op may save its input for backward, and the write is about to
        # overwrite it: hand the op a copy of t's values with t's history.
        return write(t, op(_snapshot(t), *args, **kwargs))
    return write(t, op(t, *args, **kwargs))


def _snapshot(t):
    """t's current values in memory of their own, with t's place in the graph."""
    copy = from_array(xp_of(t).array(t._data, copy=True), t.dtype, t.device)
    copy._grad_fn, copy._requires_grad = t.grad_fn, t._requires_grad
    if t._output_nr:
        copy._output_nr = t._output_nr
    return copy


def add_(t, other, *, alpha=1): return inplace(add, t, other, alpha=alpha)
def sub_(t, other, *, alpha=1): return inplace(sub, t, other, alpha=alpha)
def mul_(t, other): return inplace(mul, t, other)
def div_(t, other): return inplace(div, t, other)
def pow_(t, other): return inplace(pow, t, other)
def clamp_(t, min=None, max=None): return inplace(clamp, t, min, max)


def fill_(t, value):
    check_inplace(t, value)
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions."
            )
        filled = from_array(xp_of(t).full(t._shape, value.item(), dtype=t.dtype.numpy), t.dtype, t.device)
        if needs_grad(t, value):
            record(FillBackward3(), filled, (t, value))
        return write(t, filled)
    value = dtypes.checked_scalar(value, t.dtype)
    filled = from_array(xp_of(t).full(t._shape, value, dtype=t.dtype.numpy), t.dtype, t.device)
    if needs_grad(t):
        record(FillBackward2(), filled, (t,))
    return write(t, filled, overlap_ok=True)


def zero_(t):
    check_inplace(t)
    zeros = from_array(xp_of(t).zeros(t._shape, dtype=t.dtype.numpy), t.dtype, t.device)
    if needs_grad(t):
        record(ZeroBackward0(), zeros, (t,))
    return write(t, zeros, overlap_ok=True)


class FillBackward2(Node):
    """t.fill_(number): the old values are gone, so they get no gradient."""

    def backward(self, grad):
        return zeros_like_grad(grad)


class ZeroBackward0(FillBackward2):
    """t.zero_()."""


class FillBackward3(Node):
    """t.fill_(0-d tensor v): every element is v, so v collects the sum of the gradient
    (the engine hands it back in v's dtype, and on v's device: a CPU number-like
    tensor may fill a GPU tensor)."""

    def backward(self, grad):
        return zeros_like_grad(grad), grad.sum()


def copy_(t, src):
    """Write src's values into t (broadcasting src, converting its dtype)."""
    check_inplace(t, src)
    if not isinstance(src, Tensor):
        from ..creation import tensor
        src = tensor(src, dtype=t.dtype, device=t.device)
    _check_no_partial_overlap(t, src)
    xp = xp_of(t)
    values = src._data
    if src._shape != t._shape:
        shape = S.broadcast_shapes(t._shape, src._shape)
        if shape != t._shape:
            raise _shape_mismatch(t, shape)
    if src.device != t.device:
        values = backend_for(t.device).from_numpy(backend_for(src.device).to_numpy(values))
    values = xp.broadcast_to(values, t._shape)
    result = from_array(values.astype(t.dtype.numpy, copy=True), t.dtype, t.device)
    if needs_grad(t, src):
        record(CopyBackwards(src.device), result, (t, src))
    return write(t, result)


class CopyBackwards(Node):
    """Gradient of t.copy_(src): none for t's old values (they are gone), all of it for src.
    A copy may cross devices, so its gradient copies back to src's (the engine moves
    only 0-dim gradients by itself); src's shape and dtype the engine fits."""

    def __init__(self, src_device):
        super().__init__()
        self.src_device = src_device

    def name(self):
        return "tinytorch::autograd::CopyBackwards"

    def backward(self, grad):
        return zeros_like_grad(grad), grad if grad.device == self.src_device else grad.to(self.src_device)


# -- rebasing history -----------------------------------------------------------------
def rebase_history(t, result):
    """t now holds result's values: make result's node the history of t (and,
    if t is a view, of its base), as PyTorch does after an in-place op."""
    node = result.grad_fn
    _adopt_saved_output(node, result, t)
    old_node, old_nr = t.grad_fn, t._output_nr
    base = t._base
    if base is None:
        t._grad_fn = node
        t._requires_grad = True
        _clear_output_nr(t)
        if t._retains_grad:
            move_retain_grad(t, old_node, old_nr)
        _refresh_views(t)
    else:
        base._grad_fn = CopySlices(base, t, node)
        base._requires_grad = True
        _clear_output_nr(base)
        _refresh_views(base, also=t)


def _adopt_saved_output(node, result, t):
    """A node that saved its output (exp_ saves the result) now finds it in t,
    and an in-place change of t after this one must be caught."""
    for saved in node._saved:
        if type(saved) is SavedTensor and saved.is_output and saved.tensor._storage is result._storage:
            alias = t.detach()
            if saved.tensor._output_nr:
                alias._output_nr = saved.tensor._output_nr
            saved.tensor, saved.version = alias, t._storage._version


def _refresh_views(base, also=None):
    """Views of a base that changed read from the base's new history: their
    grad_fn becomes AsStridedBackward0 of the base (PyTorch's way of saying
    'this part of the base'), whatever view op made them."""
    if not base._requires_grad:
        return
    views = [ref() for ref in (base._views or {}).values()]
    if also is not None and all(view is not also for view in views):  # `in` would compare values
        views.append(also)
    for view in views:
        if view is None:
            continue
        if view._creation_meta is not None:
            follow_base_requires_grad(view)  # never rebased (check_view_not_rebased)
        else:
            _view_of_new_history(base, view)


def _view_of_new_history(base, view):
    with grad_mode.enable_grad():
        fresh = as_strided(base, view._shape, view._stride, view._offset)
    view._grad_fn = fresh._grad_fn
    view._requires_grad = True
    _clear_output_nr(view)


def _clear_output_nr(t):
    """t is output 0 of its new grad_fn: drop the number its old one gave it."""
    if "_output_nr" in t.__dict__:
        del t._output_nr


class CopySlices(Node):
    """History of a base whose view was written in place.

    The gradient of the base splits in two: the part the view covers goes
    through `fn` (the node of the in-place op), whose first input was the
    view's old value, so what fn returns for it lands back in that part; the
    rest of the base was untouched and passes straight to the base's old
    history. fn's other inputs (e.g. the `x` of `view.add_(x)`) get theirs.
    """

    def __init__(self, base, view, fn):
        super().__init__(((gradient_edge(base) or (None, 0)),) + fn.next_functions[1:])
        self.input_meta = (tensor_meta(base),) + fn.input_meta[1:]
        self.base_layout = (base._shape, base._stride, base._offset, len(base._storage), base.dtype, base.device)
        self.view_layout = (view._shape, view._stride, view._offset)
        self.fn = fn

    def name(self):
        return "tinytorch::autograd::CopySlices"

    def backward(self, grad):
        if self.fn is None:
            raise RuntimeError(messages.GRAPH_FREED)
        # The gradient laid out in memory exactly like the base, so the view's
        # strides and offset pick out the same part of it.
        result = zeros_in_layout(*self.base_layout).copy_(grad)
        part = as_strided(result, *self.view_layout)
        grads = self.fn.apply(part.clone())
        if grads[0] is None:
            part.zero_()
        else:
            part.copy_(grads[0])
        return (result,) + tuple(grads[1:])

    def release(self):
        """After backward, PyTorch's CopySlices lets go of fn itself, so a second
        backward through it fails even when fn saved nothing."""
        if self.fn is not None:
            self.fn.release()
            self.fn = None

    @property
    def _freed(self):
        return self.fn is None
