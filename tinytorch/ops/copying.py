"""Ops that copy data: clone, dtype/device conversion, and writing one tensor into another."""
from ..autograd.graph import Node
from .base import Tensor, dtypes, from_array, needs_grad, record, backend_for


def clone(a, contiguous=False):
    """A copy with its own storage. Like PyTorch, it keeps the element order of
    the input's memory layout (a transposed tensor stays transposed) unless
    `contiguous` asks for row-major, which is what `.contiguous()` does."""
    order = "C" if contiguous else "K"
    out = from_array(backend_for(a.device).xp.array(a._data, order=order, copy=True), a.dtype, a.device)
    if needs_grad(a):
        record(CloneBackward0(), out, (a,))
    return out


class CloneBackward0(Node):
    def backward(self, grad):
        return grad


def to(a, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """`.to(dtype)`, `.to(device)`, `.to(device, dtype)` or `.to(other_tensor)`."""
    from ..device import device as Device, to_device
    for arg in args:
        if isinstance(arg, Tensor):
            dtype, device = arg.dtype, arg.device
        elif isinstance(arg, dtypes.dtype):
            dtype = arg
        elif isinstance(arg, (str, Device, int)):
            device = arg
        else:
            raise TypeError(f"to() received an invalid combination of arguments: got {type(arg).__name__}")
    dtype = a.dtype if dtype is None else dtypes.to_dtype(dtype)
    device = a.device if device is None else to_device(device)
    if dtype is a.dtype and device == a.device and not copy:
        return a
    if device == a.device:
        array = a._data.astype(dtype.numpy, copy=True)
    else:
        host = backend_for(a.device).to_numpy(a._data)
        array = backend_for(device).from_numpy(host.astype(dtype.numpy, copy=False))
    out = from_array(array, dtype, device)
    if needs_grad(a) and dtype.is_floating_point:
        record(ToCopyBackward0(a.dtype, a.device), out, (a,))
    return out


class ToCopyBackward0(Node):
    def __init__(self, dtype, device):
        super().__init__()
        self.dtype, self.device = dtype, device

    def backward(self, grad):
        return to(grad, self.dtype, self.device)
