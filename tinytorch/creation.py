"""Making tensors: from data, from NumPy, filled with constants, ranges and random numbers."""
import math
import warnings

import numpy as np

from . import dtypes
from . import strides as S
from .device import CPU, backend_for, to_device
from .storage import Storage
from .tensor import Size, Tensor, from_array


def _finish(t, requires_grad):
    if requires_grad:
        t.requires_grad_(True)
    return t


def _make(array, dtype, device, requires_grad):
    """A tensor of `array` (built on the CPU) on `device`."""
    device = to_device(device)
    if device.type != "cpu":
        array = backend_for(device).from_numpy(array)
    return _finish(from_array(array, dtype, device), requires_grad)


def _size_arg(size):
    """zeros(2, 3), zeros((2, 3)) and zeros([2, 3]) all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be a tuple of ints, but got an element of type {type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


# -- from data --------------------------------------------------------------------
def _nested_shape(data):
    """The shape of nested lists, with PyTorch's error for ragged ones."""
    shape = []
    level = data
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        if not level:
            break
        level = level[0]
    # Check every list at every depth has the expected length.
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth < len(shape):
            if not isinstance(item, (list, tuple)):
                raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {type(item).__name__})")
            if len(item) != shape[depth]:
                raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {len(item)})")
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, (list, tuple)):
            raise ValueError(f"expected sequence of length {len(item)} at dim {depth} (got scalar)")
        elif isinstance(item, Tensor):
            if item.numel() != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
        elif not isinstance(item, (int, float, bool, np.generic)):
            raise TypeError(f"new(): invalid data type '{type(item).__name__}'")
    return tuple(shape)


def _to_numbers(data):
    """Nested data with tensors replaced by their Python numbers, for np.array."""
    if isinstance(data, (list, tuple)):
        return [_to_numbers(x) for x in data]
    return data.item() if isinstance(data, Tensor) else data


def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data` (nested lists, numbers, a NumPy array or a tensor)."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than tinytorch.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
        out = data.detach().to(dtype or data.dtype, device or data.device, copy=True)
        return _finish(out, requires_grad)
    if isinstance(data, np.ndarray):
        d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.from_numpy_dtype(data.dtype)
        return _make(np.array(data, dtype=d.numpy, copy=True, order="C"), d, device, requires_grad)
    if isinstance(data, np.generic):
        d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.from_numpy_dtype(data.dtype)
        return _make(np.array(data, dtype=d.numpy), d, device, requires_grad)
    shape = _nested_shape(data)
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.infer_dtype(data)
    array = np.array(_to_numbers(data), dtype=d.numpy).reshape(shape)
    return _make(array, d, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory when data already is a tensor or NumPy array of that dtype."""
    if isinstance(data, Tensor):
        return data.to(dtype or data.dtype, device or data.device)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).numpy == data.dtype) and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array: writes on either side show on the other.

    The storage is the stretch of memory from the array's first element to its
    last, so a non-contiguous slice keeps its gaps and its strides (counted in
    elements instead of NumPy's bytes)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(array).__name__})")
    d = dtypes.from_numpy_dtype(array.dtype)
    itemsize = array.itemsize
    if any(s < 0 for s in array.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) "
        )
    if any(s % itemsize for s in array.strides):
        raise ValueError(
            "given numpy array strides not a multiple of the element byte size. Copy the numpy array to "
            "reallocate the memory."
        )
    if not array.flags.writeable:
        warnings.warn(
            "The given NumPy array is not writable, and tinytorch does not support non-writable tensors. This "
            "means writing to this tensor will result in undefined behavior. You may want to copy the array to "
            "protect its data or make it writable before converting it to a tensor.",
            UserWarning, stacklevel=2,
        )
    stride = tuple(s // itemsize for s in array.strides)
    extent = S.storage_extent(array.shape, stride)
    flat = np.lib.stride_tricks.as_strided(array, shape=(extent,), strides=(itemsize,), writeable=array.flags.writeable)
    t = Tensor._make(Storage(flat, d, CPU), array.shape, stride, 0)
    return t


def legacy_tensor(*args, dtype=None, device=None, requires_grad=False):
    """tinytorch.Tensor(...): PyTorch's legacy constructor, always of the default float type.
    Tensor(2, 3) has shape (2, 3); Tensor([1, 2]) holds the data; Tensor(storage) is a view of the whole storage."""
    d = dtypes.get_default_dtype()
    if len(args) == 1 and isinstance(args[0], Storage):
        storage = args[0]
        return Tensor._make(storage, (len(storage),), (1,), 0)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0].detach()
    if len(args) == 1 and isinstance(args[0], (list, tuple, np.ndarray)):
        return tensor(args[0], dtype=d, device=device, requires_grad=requires_grad)
    return zeros(*args, dtype=d, device=device, requires_grad=requires_grad)


# -- filled -----------------------------------------------------------------------
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.infer_dtype(fill_value)
    return _make(np.full(_size_arg((size,)), fill_value, dtype=d.numpy), d, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _make(np.zeros(_size_arg(size), dtype=d.numpy), d, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _make(np.ones(_size_arg(size), dtype=d.numpy), d, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    # Zero-filled: "uninitialized" memory would make lessons print different numbers on every run.
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _make(np.eye(n, n if m is None else m, dtype=d.numpy), d, device, requires_grad)


def _like(t, dtype, device):
    return (dtypes.to_dtype(dtype) if dtype is not None else t.dtype), (device if device is not None else t.device)


def zeros_like(t, *, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return zeros(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def ones_like(t, *, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return ones(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def empty_like(t, *, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t, fill_value, *, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


# -- ranges -----------------------------------------------------------------------
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive). Integer arguments give int64;
    any float argument gives the default float type, as in PyTorch."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is not None:
        d = dtypes.to_dtype(dtype)
    else:
        d = dtypes.infer_dtype([start, end, step])
    count = math.ceil((end - start) / step)
    # Compute start + i*step in float64 (or int64), then round to the result type:
    # float32 then shows which big integers it cannot represent.
    values = np.arange(count, dtype=np.float64 if d.is_floating_point else np.int64) * step + start
    return _make(values.astype(d.numpy), d, device, requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    i = np.arange(steps, dtype=np.float64)
    if steps > 1:
        step = (end - start) / (steps - 1)
        # Fill from both ends toward the middle, as PyTorch does, so the last value is exactly `end`.
        half = steps // 2
        values = np.where(i < half, start + step * i, end - step * (steps - 1 - i))
    else:
        values = np.full(steps, start, dtype=np.float64)
    return _make(values.astype(d.numpy), d, device, requires_grad)


# -- random -----------------------------------------------------------------------
from .random import generator  # noqa: E402


def rand(*size, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    values = generator().random(_size_arg(size), dtype=np.float64).astype(d.numpy)
    return _make(values, d, device, requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False):
    """Standard normal: mean 0, standard deviation 1."""
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    values = generator().standard_normal(_size_arg(size), dtype=np.float64).astype(d.numpy)
    return _make(values, d, device, requires_grad)


def randint(low=0, high=None, size=None, *, dtype=None, device=None, requires_grad=False):
    if high is None:
        low, high = 0, low
    if size is None:
        raise TypeError("randint() missing 1 required positional argument: 'size'")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    values = generator().integers(low, high, _size_arg((size,)), dtype=np.int64).astype(d.numpy)
    return _make(values, d, device, requires_grad)


def rand_like(t, *, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return rand(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(t, *, dtype=None, device=None, requires_grad=False):
    d, dev = _like(t, dtype, device)
    return randn(t.shape, dtype=d, device=dev, requires_grad=requires_grad)


def randperm(n, *, dtype=None, device=None):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    return _make(generator().permutation(n).astype(d.numpy), d, device, False)


__all__ = [
    "Size", "tensor", "as_tensor", "from_numpy", "legacy_tensor", "full", "zeros", "ones", "empty", "eye",
    "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "rand", "randn", "randint",
    "rand_like", "randn_like", "randperm",
]
