"""masked_fill: writing one value where a bool mask is True.

t.masked_fill(mask, value) is where(mask, value, t) with t's dtype; the in-place
masked_fill_ writes only the masked places. In backward, the filled places send
t no gradient, and a tensor value gets the sum of their gradients.

PyTorch computes masked_fill as clone().masked_fill_(), which is why both share
masked_fill_'s error messages. masked_fill_ needs no snapshot of t (inplace()
in ops/inplace.py): its backward keeps only the mask.
"""
import warnings

from .. import strides as S
from ..autograd.graph import Node
from ..exact import messages
from ..exact.arguments import invalid_combination, python_type_name
from .base import Tensor, dtypes, from_array, needs_grad, record, same_device, xp_of
from .comparison import where
from .inplace import check_inplace, check_no_partial_overlap, repeats_elements, write
from .views import expand


def masked_fill_(t, mask, value):
    """t's elements where `mask` (a bool tensor that broadcasts to t's shape) is
    True set to `value` (a number, or a 0-d tensor read as one), in place.
    Checked in PyTorch's order."""
    _check_argument_types("masked_fill_", t, mask, value)
    check_inplace(t, value)
    _check_value_and_mask(t, mask, value)
    if repeats_elements(t):
        warnings.warn(messages.MASKED_FILL_EXPANDED, UserWarning, stacklevel=3)  # the caller of Tensor.masked_fill_
    check_no_partial_overlap(t, mask)
    shape = S.broadcast_shapes(t._shape, mask._shape)
    if shape != t._shape:
        raise RuntimeError(f"output with shape {S.list_repr(t._shape)} doesn't match the broadcast shape "
                           f"{S.list_repr(shape)}")
    filled = _masked(t, mask, _fill_number(t, value), value)
    # Only the masked places are written, as PyTorch's kernel writes them: where t's
    # elements share memory, an unmasked one does not write its old value back.
    return write(t, filled, positions=xp_of(t).broadcast_to(mask._data, t._shape), overlap_ok=True)


def masked_fill(t, mask, value, *, as_function=True):
    """A copy of t (broadcast with `mask`) with `value` where mask is True.
    `as_function`: called as tinytorch.masked_fill(t, ...), not t.masked_fill(...);
    it only changes which arguments a TypeError lists."""
    _check_argument_types("masked_fill", t, mask, value, as_function)
    shape = S.broadcast_shapes(mask._shape, t._shape)
    _check_value_and_mask(t, mask, value)
    number = _fill_number(t, value)
    return _masked(expand(t, shape) if shape != t._shape else t, mask, number, value, recorded_input=t)


def _check_argument_types(name, t, mask, value, as_function=False):
    """PyTorch's argument parser: a tensor mask, and a tensor or a number as the value."""
    if not isinstance(mask, Tensor) or not (isinstance(value, Tensor) or isinstance(value, (bool, int, float))):
        args = ((t,) if as_function else ()) + (mask, value)
        got = ["Tensor" if isinstance(v, Tensor) else python_type_name(v) for v in args]
        marked = ", ".join(g if g == "Tensor" else f"!{g}!" for g in got)
        head = "Tensor input, " if as_function else ""
        raise TypeError(invalid_combination(name, got, [
            f"({head}Tensor mask, {kind} value)\n      didn't match because some of the arguments have invalid types: "
            f"({marked})" for kind in ("Tensor", "Number")]))


def _check_value_and_mask(t, mask, value):
    if isinstance(value, Tensor) and value.dim() != 0:
        raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                           f"{value.dim()} dimension(s).")
    same_device(t, mask)
    if mask.dtype is not dtypes.bool_:
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{dtypes.CPP_NAMES[mask.dtype.name]}")


def _fill_number(t, value):
    """The number to fill with, as an element of t's dtype (refused if it does not fit)."""
    return dtypes.checked_scalar(value.item() if isinstance(value, Tensor) else value, t.dtype)


def _masked(t, mask, number, value, recorded_input=None):
    """A new tensor shaped like t (row-major) holding `number` where mask is True
    and t's values elsewhere, recorded for backward as an op on `recorded_input`
    (t itself, or what t was broadcast from)."""
    xp = xp_of(t)
    mask_data = xp.broadcast_to(mask._data, t._shape)
    values = xp.where(mask_data, xp.asarray(number, dtype=t.dtype.numpy), t._data)
    out = from_array(values.copy(order="C"), t.dtype, t.device)  # row-major, as PyTorch's clone to fill
    source = t if recorded_input is None else recorded_input
    if needs_grad(source, value):
        if isinstance(value, Tensor):
            record(MaskedFillBackward1(), out, (source, value), saved=(mask,))
        else:
            record(MaskedFillBackward0(), out, (source,), saved=(mask,))
    return out


class MaskedFillBackward0(Node):
    """The filled places took nothing from the input: their gradient is 0."""
    saved_names = ("mask",)

    def backward(self, grad):
        (mask,) = self.saved_tensors
        return masked_fill(grad, mask, 0)


class MaskedFillBackward1(MaskedFillBackward0):
    """As MaskedFillBackward0, and the value gets the sum of the filled places' gradients."""

    def backward(self, grad):
        (mask,) = self.saved_tensors
        needs_input, needs_value = self.needs_input_grad
        return (masked_fill(grad, mask, 0) if needs_input else None,
                where(mask, grad, 0).sum() if needs_value else None)
