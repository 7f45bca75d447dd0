"""Devices, and the array-module seam: NumPy on the CPU, CuPy on a GPU.

Every op computes with `backend_for(device).xp`, the NumPy-compatible module of
the tensor's device, so supporting the GPU means adding a backend here rather
than editing every op.
"""
import numpy as np


class device:
    """Where a tensor's storage lives: `device('cpu')`, `device('cuda')`, `device('cuda', 1)`, `device('cuda:1')`."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, str) and ":" in type:
            if index is not None:
                raise ValueError(f"type (string) must not include an index because index was passed explicitly: {type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative, got {index}")
        self.type = type
        self.index = index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


def to_device(value):
    """Accept a device, a string or a CUDA ordinal, and give a device with a
    concrete index for CUDA (a tensor on 'cuda' reports 'cuda:0')."""
    if value is None:
        return CPU
    if isinstance(value, int) and not isinstance(value, bool):
        value = device("cuda", value)
    elif not isinstance(value, device):
        value = device(value)
    if value.type == "cuda" and value.index is None:
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
        return np.ndarray(shape, flat.dtype, flat, offset * itemsize, [s * itemsize for s in stride])

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
    """A CUDA GPU: a storage is a 1-D CuPy array in GPU memory."""

    def __init__(self, cupy, index):
        self.xp = cupy
        self.index = index

    def as_strided(self, flat, shape, stride, offset):
        itemsize = flat.itemsize
        return self.xp.ndarray(
            tuple(shape), flat.dtype, flat.data + offset * itemsize, strides=tuple(s * itemsize for s in stride)
        )

    @staticmethod
    def data_ptr(flat):
        return flat.data.ptr

    @staticmethod
    def to_numpy(array):
        return array.get()

    def from_numpy(self, array):
        with self.xp.cuda.Device(self.index):
            return self.xp.asarray(array)


_cpu_backend = NumpyBackend()
_gpu_backends = {}


def backend_for(dev):
    """The backend that computes for `dev`."""
    if dev.type == "cpu":
        return _cpu_backend
    backend = _gpu_backends.get(dev.index)
    if backend is None:
        from . import cuda
        cuda.require_gpu(dev.index)
        import cupy
        backend = _gpu_backends[dev.index] = CupyBackend(cupy, dev.index)
    return backend
