"""Ops that copy data: clone, dtype/device conversion, and writing one tensor into another."""
from .. import memory_trace
from .. import strides as _strides
from ..exact import layout
from ..exact.arguments import invalid_combination
from ..autograd.graph import Node
from ..device import device as Device, to_device
from ..storage import Storage
from ..tensor import empty_strided, on_device
from .base import CPU, Tensor, dtypes, from_array, needs_grad, record, backend_for, xp_of


def clone(a, contiguous=False):
    """A copy with its own storage. Like PyTorch, it keeps the element order of
    the input's memory layout (a transposed tensor stays transposed) unless
    `contiguous` asks for row-major, which is what `.contiguous()` does."""
    if contiguous:
        out = from_array(xp_of(a).array(a._data, order="C", copy=True), a.dtype, a.device)
    else:
        out = _copy_to(a, a.dtype, a.device)  # PyTorch's layout for copies (copy_strides), not NumPy's order="K"
    memory_trace.copied(out, a, always=not contiguous)  # contiguous=True copies because of a's layout
    if needs_grad(a):
        record(CloneBackward0(), out, (a,))
    return out


class CloneBackward0(Node):
    def backward(self, grad):
        return grad


def zeros_in_layout(shape, stride, offset, storage_size, dtype, device):
    """Zeros seen through exactly this header (strides and offset) over a new
    storage of `storage_size` elements: a gradient laid out like some tensor's
    memory, for ops that address memory directly (as_strided, in-place writes
    through views)."""
    memory = Storage(backend_for(device).xp.zeros(storage_size, dtype=dtype.numpy), dtype, device)
    return Tensor._make(memory, shape, stride, offset)


def empty_with_layout_of(a, dtype=None):
    """A new tensor (values unset) shaped like `a`, with a's very strides when
    `a` fills its memory without gaps or overlaps (a transposed `a` gives a
    transposed result), and row-major otherwise. PyTorch lays out `.grad` so."""
    dtype = dtype or a.dtype
    dense = layout.is_non_overlapping_and_dense(a._shape, a._stride)
    return empty_strided(a._shape, a._stride if dense else _strides.contiguous_strides(a._shape), dtype, a.device)


# -- .to(): dtype and device conversion ------------------------------------------
_PYTHON_TYPES = {float: dtypes.float64, int: dtypes.int64, bool: dtypes.bool_}  # as PyTorch's argument parser


def to(a, *args, dtype=None, device=None, non_blocking=False, copy=False):
    """`.to(dtype)`, `.to(device)`, `.to(device, dtype)` or `.to(other_tensor)`:
    a copy converted to that dtype and moved to that device, or `a` itself when
    nothing changes (copy=True always copies). non_blocking is accepted for
    PyTorch's sake; copies between devices here always finish before returning."""
    dtype, device, copy = _to_arguments(args, dict(dtype=dtype, device=device, non_blocking=non_blocking, copy=copy))
    if dtype is None:
        dtype = a.dtype
    else:
        dtype = next((d for t, d in _PYTHON_TYPES.items() if dtype is t), None) or dtypes.to_dtype(dtype)
    device = a.device if device is None else to_device(device)
    if dtype is a.dtype and device is a.device and not copy:
        return a
    out = _copy_to(a, dtype, device)
    memory_trace.copied(out, a, always=copy)
    if needs_grad(a) and dtype.is_floating_point:
        record(ToCopyBackward0(a.dtype, a.device), out, (a,))
    return out


def _to_arguments(args, kwargs):
    """(dtype, device, copy) from .to()'s three positional forms:
    (tensor, [non_blocking, [copy]]), (dtype, [non_blocking, [copy]]),
    and (device, [dtype, [non_blocking, [copy]]])."""
    options = dict(kwargs)
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        other = rest.pop(0)
        options.update(dtype=other.dtype, device=other.device)
    elif rest and _is_dtype(rest[0]):
        if options["dtype"] is not None:
            raise TypeError(_invalid_to_arguments(args, kwargs))
        options["dtype"] = rest.pop(0)
    elif rest and (rest[0] is None or isinstance(rest[0], (str, Device, int))):
        options["device"] = rest.pop(0)
        # In this form the flags may follow only a dtype (or None in its place).
        if rest:
            if rest[0] is not None and not _is_dtype(rest[0]):
                raise TypeError(_invalid_to_arguments(args, kwargs))
            options["dtype"] = rest.pop(0) or options["dtype"]
    if len(rest) > 2 or not all(isinstance(flag, bool) for flag in rest):
        raise TypeError(_invalid_to_arguments(args, kwargs))
    options.update(zip(("non_blocking", "copy"), rest))
    return options["dtype"], options["device"], options["copy"]


def _is_dtype(value):
    return isinstance(value, dtypes.dtype) or any(value is t for t in _PYTHON_TYPES)


def _invalid_to_arguments(args, kwargs):
    """PyTorch's message for arguments that match none of .to()'s forms."""
    def type_name(value):
        if isinstance(value, (dtypes.dtype, Device)):
            return f"tinytorch.{type(value).__name__}"
        return type(value).__name__

    got = [type_name(arg) for arg in args]
    got += [f"{name}={type_name(value)}" for name, value in kwargs.items() if value is not None and value is not False]
    return invalid_combination("to", got, [
        "(tinytorch.device device = None, tinytorch.dtype dtype = None, bool non_blocking = False, bool copy = False)",
        "(tinytorch.dtype dtype, bool non_blocking = False, bool copy = False)",
        "(Tensor tensor, bool non_blocking = False, bool copy = False)",
    ])


def _copy_to(a, dtype, device):
    """A copy of a's values as `dtype` on `device`, laid out in memory in a's
    order (PyTorch's preserve_format: a transposed tensor stays transposed)."""
    stride = layout.copy_strides(a._shape, a._stride)
    if device is a.device:
        out = empty_strided(a._shape, stride, dtype, device)
        out._data[...] = a._data
        return out
    # Between devices the data passes through host memory: lay it out there,
    # then hand the target device one flat buffer.
    host = empty_strided(a._shape, stride, dtype, CPU)
    host._data[...] = backend_for(a.device).to_numpy(a._data)
    return on_device(host, device)


class ToCopyBackward0(Node):
    """The gradient goes back to the input's dtype and device."""

    def __init__(self, dtype, device):
        super().__init__()
        self.dtype, self.device = dtype, device

    def backward(self, grad):
        return to(grad, dtype=self.dtype, device=self.device)
