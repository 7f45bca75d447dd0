"""Devices, and the array-module seam: NumPy on the CPU, CuPy on a GPU.

Every op computes with `backend_for(device).xp`, the NumPy-compatible module of
the tensor's device, so supporting the GPU means adding a backend here rather
than editing every op.

There is exactly one device object per (type, index): `device('cuda:0') is
device('cuda', 0)`. Ops run on every call, so they compare devices with `is`,
which is cheaper than comparing fields.
"""
import re

import numpy as np

from .exact.arguments import invalid_combination

_DEVICE_STRING = re.compile(r"([A-Za-z_]+)(?::(0|[1-9][0-9]*))?")  # a type, then maybe :index
_TYPES = ("cpu", "cuda")


class device:
    """Where a tensor's storage lives: `device('cpu')`, `device('cuda')`, `device('cuda', 1)`, `device('cuda:1')`.

    A bare integer means that CUDA device, as a tensor factory's `device=0` does."""

    __slots__ = ("_type", "_index")
    _interned = {}  # (type, index) -> the one device object with those fields

    def __new__(cls, type, index=None):
        if isinstance(type, device) and index is None:
            return type
        if isinstance(type, int) and not isinstance(type, bool) and index is None:
            type, index = "cuda", type
        elif isinstance(type, str):
            type, index = _parse(type, index)
        else:
            raise TypeError(_invalid_arguments(type))
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        key = (type, index)
        found = cls._interned.get(key)
        if found is None:
            found = object.__new__(cls)
            found._type, found._index = type, index
            cls._interned[key] = found
        return found

    # Read-only: the object is shared by everyone who names this device.
    @property
    def type(self):
        return self._type

    @property
    def index(self):
        return self._index

    def __str__(self):
        return self._type if self._index is None else f"{self._type}:{self._index}"

    def __repr__(self):
        if self._index is None:
            return f"device(type='{self._type}')"
        return f"device(type='{self._type}', index={self._index})"

    def __reduce__(self):
        # Unpickling and copy.copy go through device(...), so they get the interned object too.
        return (device, (self._type, self._index))

    # Equality is identity (the default) because equal devices are the same object.
    # Like torch, a device never equals a string: compare `t.device.type == 'cuda'`.


def _parse(text, index):
    """(type, index) from 'cuda', 'cuda:1' or 'cpu', with PyTorch's errors."""
    if index is not None:
        if ":" in text:
            raise RuntimeError(
                f"type (string) must not include an index because index was passed explicitly: {text}"
            )
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"device(): argument 'index' (position 2) must be int, not {type(index).__name__}")
    if not text:
        raise RuntimeError("Device string must not be empty")
    match = _DEVICE_STRING.fullmatch(text)
    if match is None:
        raise RuntimeError(f"Invalid device string: '{text}'")
    kind, digits = match.groups()
    if kind not in _TYPES:
        raise RuntimeError(f"Expected one of {', '.join(_TYPES)} device type at start of device string: {kind}")
    return kind, (int(digits) if digits is not None else index)


def _invalid_arguments(value):
    name = type(value).__name__
    return invalid_combination("device", [name], [
        f"(tinytorch.device device)\n      didn't match because some of the arguments have invalid types: (!{name}!)",
        "(str type, int index = -1)",
    ])


CPU = device("cpu")


def to_device(value):
    """The device a tensor made with `device=value` lives on: a device, a string,
    a CUDA ordinal or None (the CPU). The CPU has no index ('cpu:0' is 'cpu') and
    CUDA always has one ('cuda' is the current GPU), as a torch tensor reports."""
    if value is None:
        return CPU
    value = device(value)
    if value._type == "cpu":
        return CPU
    if value._index is None:
        from . import cuda
        value = device("cuda", cuda.current_device())
    return value


class NumpyBackend:
    """The CPU: a storage is a 1-D NumPy array."""

    xp = np

    @staticmethod
    def as_strided(flat, shape, stride, offset):
        # ndarray over the storage's buffer: no copy, any strides (stride 0 included).
        itemsize = flat.itemsize
        if 0 in shape:
            offset = 0  # an empty view may start past the end of its storage (a[5:] of 5 elements)
        return np.ndarray(shape, flat.dtype, flat, offset * itemsize, [s * itemsize for s in stride])

    @staticmethod
    def empty(n, dtype):
        """A new storage array of n elements, values unset."""
        return np.empty(n, dtype)

    @staticmethod
    def data_ptr(flat):
        return flat.ctypes.data

    @staticmethod
    def to_numpy(array):
        return array

    @staticmethod
    def from_numpy(array):
        return array


class CupyBackend:
    """A CUDA GPU: a storage is a 1-D CuPy array in GPU memory.

    CuPy mirrors NumPy's API, so ops run the same code on either. The
    differences live here: how to view memory with strides, and copying
    to and from the host."""

    def __init__(self, cupy, index):
        self.xp = cupy
        self.index = index

    def as_strided(self, flat, shape, stride, offset):
        # A view: CuPy's ndarray over a pointer into the storage's allocation
        # (the pointer keeps the allocation alive), strides in bytes as in NumPy.
        itemsize = flat.itemsize
        if 0 in shape:
            offset = 0  # as on the CPU: an empty view may start past the end of its storage
        return self.xp.ndarray(
            tuple(shape), flat.dtype, flat.data + offset * itemsize, strides=tuple(s * itemsize for s in stride)
        )

    def empty(self, n, dtype):
        # On this backend's GPU, whichever GPU is current.
        with self.xp.cuda.Device(self.index):
            return self.xp.empty(n, dtype)

    @staticmethod
    def data_ptr(flat):
        return flat.data.ptr

    @staticmethod
    def to_numpy(array):
        return array.get()

    def from_numpy(self, array):
        # Allocate on this backend's GPU, whichever GPU is current.
        with self.xp.cuda.Device(self.index):
            return self.xp.asarray(array)


_cpu_backend = NumpyBackend()
_gpu_backends = {}


def backend_for(dev):
    """The backend that computes for `dev`."""
    if dev._type == "cpu":
        return _cpu_backend
    backend = _gpu_backends.get(dev._index)
    if backend is None:
        from . import cuda
        cupy = cuda.require_gpu(dev._index)
        backend = _gpu_backends[dev._index] = CupyBackend(cupy, dev._index)
    return backend
