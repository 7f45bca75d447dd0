"""In-place ops: check the operands (in PyTorch's order, so the same error comes
first), compute the new values out of place, then write them into the tensor's
storage and bump the storage's version counter.

Computing before writing means a failed op leaves the tensor untouched. For
autograd, the tensor's history is *rebased*: the node that computed the new
values becomes its grad_fn. When the tensor is a view, its
base changed too: the base's new grad_fn is a CopySlices node, which sends the
gradient of the written part through that node and the rest to the base's old
history. Every view of the base then reads from the base's new history: the next
time its grad_fn is asked for, it is a fresh AsStridedBackward0 of the base
(refresh_view_history). This is what PyTorch does, except for views made in
no_grad mode, which it refuses to rebase.
"""
from .. import strides as S
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge
from ..autograd.graph import Node, SavedTensor, forward_op_name, move_retain_grad, tensor_meta
from ..exact import layout, messages
from .base import (
    Tensor, backend_for, dtypes, from_array, needs_grad, record, to_float_dtype, type_name, xp_of, zeros_like_grad,
)
from .copying import clone, zeros_in_layout
from .arithmetic import add, div, mul, pow, refuse_bool_subtraction, sub, times_alpha
from .. import exact
from ..exact.scalars import opmath_operands
from .operands import is_bool, promote, ufunc_of
from .math_functions import clamp, read_bounds
from .views import AsStridedBackward0, as_strided, follow_base_requires_grad, live_views


def check_inplace(t, *others):
    """Refuse the in-place ops on t (with operands `others`) that PyTorch refuses
    when the op will be recorded for backward:
    - on a leaf that autograd is watching, or a view of one: its old value may
      be needed, and its .grad would no longer match what it holds;
    - on a view PyTorch will not rebase, e.g. one made in no_grad mode (see
      refresh_view_history)."""
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
    if t._requires_grad and t._grad_fn is None:  # PyTorch asks is_leaf() without refreshing a view's history
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def refresh_view_history(view):
    """Called when a view's grad_fn is asked for after memory it shares was
    written in place (through its base, another view, itself, or a detached
    alias: anything that bumps the storage's version, even in no_grad mode).

    As PyTorch does, the view gets a new grad_fn that reads from its base's
    current history: AsStridedBackward0 of the base ("this part of the base"),
    whatever view op made it. A view with no grad_fn whose base does not require
    grad has nothing to rebase. A view marked by views.mark_creation is refused
    instead (for a view made in no_grad mode it is ambiguous whether the write
    should count; for a custom Function's output the new grad_fn would bypass
    the Function's backward): reading its grad_fn raises, and so does whatever
    needs it (is_leaf, an op recorded for backward, backward)."""
    base = view._base
    if view._grad_fn is None and not base._requires_grad:
        return
    if view._creation_meta is not None:
        raise view_rebase_error(view, "its base or another view of its base has been")
    old_node, old_nr = view._grad_fn, view._output_nr
    # The node as as_strided would record it (also in no_grad mode, where grad_fn may be
    # asked for; and with no edge if the base no longer requires grad, as in PyTorch).
    node = AsStridedBackward0((base._shape, base._stride, base._offset), (view._shape, view._stride, view._offset),
                              len(base._storage), view._offset)
    record(node, view, (base,))
    view._grad_fn_version = view._storage._version
    view.__dict__.pop("_requires_grad_from_base", None)  # it has a history of its own now
    _clear_output_nr(view)
    if view._retains_grad:
        move_retain_grad(view, old_node, old_nr)


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
    check_cast(result.dtype, t)
    if result._shape != t._shape:
        raise _shape_mismatch(t, result._shape)
    if not overlap_ok:
        _check_no_internal_overlap(t)


def _check_operands(t, *operands, floating=False):
    """Before an op with these operands runs into t: what PyTorch's TensorIterator
    checks when it is set up, in its order (memory, then shape, then dtype), so
    that the same error surfaces first when several would apply. `floating`: the
    op computes in floating point (true division). An operand of the wrong kind
    is left to the op, which raises PyTorch's TypeError for it."""
    tensors = []
    for x in operands:
        if isinstance(x, Tensor):
            tensors.append(x)
        elif not isinstance(x, (bool, int, float)):
            return
    _check_no_internal_overlap(t)
    for x in tensors:
        check_no_partial_overlap(t, x)  # t.mul_(t) is fine; t.mul_(a view of t's memory) is not
    if any(x._shape != t._shape for x in tensors):
        shape = S.broadcast_shapes(t._shape, *(x._shape for x in tensors))
        if shape != t._shape:
            raise _shape_mismatch(t, shape)
    # Nothing to cast when every tensor has t's dtype and a number cannot change it
    # (a number never promotes a float tensor: float16 * 0.5 is float16).
    numbers_keep_dtype = len(tensors) == len(operands) or t.dtype.is_floating_point
    if floating or not numbers_keep_dtype or any(x.dtype is not t.dtype for x in tensors):
        d = dtypes.result_type(t, *operands)
        check_cast(to_float_dtype(d) if floating else d, t)


def check_cast(d, t):
    if d is not t.dtype and d.category > t.dtype.category:
        raise RuntimeError(f"result type {type_name(d)} can't be cast to the desired output type {type_name(t.dtype)}")


def check_target(t, *arguments):
    """The meta check of an in-place op whose arguments are not elementwise operands
    (scatter_'s dim, index and src): only that t's elements do not share memory."""
    _check_no_internal_overlap(t)


def repeats_elements(t):
    """Whether elements of t share memory because a dim of size > 1 has stride 0
    (an expanded tensor): PyTorch's "internal overlap" for a written tensor."""
    return 0 in t._stride and 0 not in t._shape and any(st == 0 and size > 1 for size, st in zip(t._shape, t._stride))


def _check_no_internal_overlap(t):
    if repeats_elements(t):
        raise RuntimeError(messages.WRITE_TO_REPEATED_ELEMENT)


def _shape_mismatch(t, shape):
    """PyTorch's error when an in-place result (broadcast to `shape`) does not fit t."""
    return RuntimeError(
        f"output with shape {S.list_repr(t._shape)} doesn't match the broadcast shape {S.list_repr(shape)}"
    )


def check_no_partial_overlap(t, src):
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
    `positions` (an index or a bool mask) limits the copy to the elements an
    index_put_ or a masked_fill_ wrote. `overlap_ok`: writing one value everywhere
    (fill_, zero_, masked_fill_) or only the indexed elements (index_put_) is fine
    even where t's elements share memory, as in PyTorch."""
    _check_writable(t, result, overlap_ok)
    t._data[positions] = result._data if positions is Ellipsis else result._data[positions]
    if t._unversioned:
        t._storage.changed()
    else:
        t._storage.bump_version()
    if result.grad_fn is not None:
        rebase_history(t, result)
    return t


def inplace(op, t, *args, meta=_check_operands, **kwargs):
    """Run the out-of-place `op` and write its result into t: `t.add_(x)` is this
    with add. Before anything is computed, PyTorch's checks run in its order:
    autograd's (check_inplace), then `meta`, the op's checks of its operands
    against t (by default a TensorIterator's: _check_operands)."""
    check_inplace(t, *args)
    meta(t, *args)
    if needs_grad(t, *args):
        # The op may save its input for backward, and the write is about to
        # overwrite it: hand the op a copy of t's values with t's history.
        return write(t, op(_snapshot(t), *args, **kwargs))
    if op in _INTO_MEMORY and _computed_into_memory(op, t, args[0], kwargs.get("alpha", 1)):
        return t
    return write(t, op(t, *args, **kwargs))


# add_, sub_ and mul_ without autograd (an optimizer's step): the ufunc and whether
# the op computes in "opmath" (ops/arithmetic.py's _binary).
_INTO_MEMORY = {add: ("add", False), sub: ("subtract", False), mul: ("multiply", True)}


def _computed_into_memory(op, t, other, alpha):
    """Compute t + other (- or *; other times alpha) straight into t's memory with
    NumPy's out=, when the result has t's dtype and t is contiguous: the values the
    op would give, in one pass instead of two (a new result, then a copy). False
    where that does not apply."""
    if not S.is_contiguous(t._shape, t._stride) or (type(other) is bool) or is_bool(t):
        return False
    name, opmath = _INTO_MEMORY[op]
    if not (type(alpha) is int and alpha == 1):
        # With an alpha (an optimizer's p.add_(g, alpha=-lr)): exact.alpha's rounding, written into t.
        if op is mul or not t.dtype.is_floating_point or not isinstance(other, Tensor) \
                or other.dtype is not t.dtype or other._shape != t._shape:
            return False
        scale = times_alpha(alpha, t.dtype, negate=op is sub)
        if scale is None:
            return False
        exact.alpha.add(t._data, scale, other._data, xp_of(t), out=t._data)
        _count_write(t)
        return True
    x, y, d = promote(t, other)
    if d is not t.dtype or x is not t._data:
        return False
    if opmath:
        x, y = opmath_operands(x, y, d, other)
        if x is not t._data:
            return False
    ufunc_of(t, name)(x, y, out=t._data)
    _count_write(t)
    return True


def _count_write(t):
    if t._unversioned:
        t._storage.changed()
    else:
        t._storage.bump_version()


def _snapshot(t):
    """t's current values in memory of their own, laid out as clone() lays them out
    (PyTorch saves such a clone), with t's place in the graph."""
    copy = from_array(xp_of(t).array(t._data, copy=True), t.dtype, t.device,
                      stride=layout.copy_strides(t._shape, t._stride))
    copy._grad_fn, copy._requires_grad = t.grad_fn, t._requires_grad
    if t._output_nr:
        copy._output_nr = t._output_nr
    return copy


def add_(t, other, *, alpha=1): return inplace(add, t, other, alpha=alpha)
def sub_(t, other, *, alpha=1): return inplace(sub, t, other, alpha=alpha, meta=_check_subtraction)
def mul_(t, other): return inplace(mul, t, other)
def div_(t, other): return inplace(div, t, other, meta=_check_true_division)
def pow_(t, other): return inplace(pow, t, other)
def clamp_(t, min=None, max=None): return inplace(clamp, t, min, max, meta=_check_clamp)


def _check_subtraction(t, other):
    refuse_bool_subtraction(t, other)  # sub checks this first
    _check_operands(t, other)


def _check_true_division(t, other):
    _check_operands(t, other, floating=True)


def _check_clamp(t, min, max):
    """clamp_'s checks: with tensor bounds, a TensorIterator's; with numbers (a
    0-d tensor beside a number counts as one), the dtype first, named as C++
    names it (PyTorch's clamp meta function), then t's memory."""
    if min is None and max is None:
        return  # left to clamp, which raises "At least one of 'min' or 'max' must not be None"
    bounds = [b for b in read_bounds(min, max) if b is not None]
    if any(isinstance(b, Tensor) for b in bounds):
        if all(isinstance(b, Tensor) for b in bounds):
            _check_operands(t, *bounds)
        return  # (a tensor beside a number is left to clamp, which raises its TypeError)
    if not all(isinstance(b, (bool, int, float)) for b in bounds):
        return
    d = dtypes.result_type(t, *bounds)
    if not t.dtype.is_floating_point and d is not t.dtype:
        raise RuntimeError(f"result type {type_name(d)} can't be cast to the desired output type "
                           f"{dtypes.CPP_NAMES[t.dtype.name]}")
    _check_no_internal_overlap(t)


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
    _check_no_internal_overlap(t)  # as _check_operands, but any dtype converts
    check_no_partial_overlap(t, src)
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
    base = t._base
    if base is None:
        old_node, old_nr = t._grad_fn, t._output_nr
        t._grad_fn = node
        t._requires_grad = True
        _clear_output_nr(t)
        if t._retains_grad:
            move_retain_grad(t, old_node, old_nr)
        _views_follow(t)
    else:
        base._grad_fn = CopySlices(base, t, node)
        base._requires_grad = True
        _clear_output_nr(base)
        _views_follow(base, also=t)


def _adopt_saved_output(node, result, t):
    """A node that saved its output (exp_ saves the result) now finds it in t,
    and an in-place change of t after this one must be caught."""
    for saved in node._saved:
        if type(saved) is SavedTensor and saved.is_output and saved.tensor._storage is result._storage:
            alias = t.detach()
            if saved.tensor._output_nr:
                alias._output_nr = saved.tensor._output_nr
            saved.tensor, saved.version = alias, t._storage._version


def _views_follow(base, also=None):
    """A base's history was rebased, so it requires grad: so do its views, as in
    PyTorch. Their grad_fn catches up when it is next asked for (refresh_view_history)."""
    if not base._requires_grad:
        return
    views = live_views(base)
    if also is not None and all(view is not also for view in views):  # `in` would compare values
        views.append(also)
    for view in views:
        if view._creation_meta is not None:
            follow_base_requires_grad(view)  # never rebased
        else:
            view._requires_grad = True


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
        grads = self.fn.apply(clone(part, contiguous=True))  # PyTorch hands fn a row-major copy
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
