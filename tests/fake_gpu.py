"""A stand-in GPU, so that the device plumbing is tested on every machine.

`fake_gpu` (a pytest fixture; import it into a test module) makes tinytorch
believe two CUDA devices exist: tinytorch.cuda reports them, and
device.backend_for('cuda:N') returns a backend that keeps the "GPU" arrays in
host memory with NumPy. Everything above the backend runs for real: device
objects, .to()/.cuda()/.cpu(), factories with device=, the same-device checks,
printing, autograd across devices, and saving and loading CUDA tensors.
`stand_in_gpus(patch)` does the same under a MonkeyPatch the test holds (a
Hypothesis test, whose body runs many times within one function-scoped fixture).

What it cannot check is CuPy itself; tests/test_gpu.py does that on a machine
with a GPU. Like CuPy, the fake copies on every move to or from the host, so a
tensor moved to the "GPU" never shares memory with its source.
"""
import importlib
import types

import numpy as np
import pytest

import tinytorch

device_module = importlib.import_module("tinytorch.device")  # `tinytorch.device` is the class
GPU_COUNT = 2


class _RowMajorUfunc:
    """A NumPy ufunc that allocates its result in row-major order, as CuPy's
    always do (NumPy's follow their inputs' layout): so an op that leaves a
    GPU result's layout to the array library is caught here too."""

    def __init__(self, ufunc):
        self._ufunc = ufunc

    def __call__(self, *args, **kwargs):
        kwargs.setdefault("order", "C")  # NumPy ignores it when out= is given
        return self._ufunc(*args, **kwargs)

    def __getattr__(self, name):  # reduce, accumulate, nin ...
        return getattr(self._ufunc, name)


class _CupyLikeNumpy:
    """NumPy as the fake GPU's array module, with row-major ufuncs."""

    def __getattr__(self, name):
        value = getattr(np, name)
        return _RowMajorUfunc(value) if isinstance(value, np.ufunc) else value


class FakeGpuBackend(device_module.NumpyBackend):
    xp = _CupyLikeNumpy()

    def __init__(self, index):
        self.index = index

    # Copies laid out as CuPy lays them out, not as the source was, so that code
    # relying on a copy keeping its strides fails here too: ndarray.get() gives a
    # C-ordered host array; cupy.asarray(host) a C-ordered one, F-ordered only when
    # the host array is F-contiguous and not C-contiguous (cupy/_core: _array_default).
    @staticmethod
    def to_numpy(array):
        return np.array(array, order="C", copy=True)

    @staticmethod
    def from_numpy(array):
        fortran_only = array.flags.f_contiguous and not array.flags.c_contiguous
        return np.array(array, order="F" if fortran_only else "C", copy=True)


def _fake_cupy():
    """Just the parts of the cupy module that tinytorch.cuda calls."""
    synchronized = []

    class Device:
        def __init__(self, index):
            self.index = index

        def synchronize(self):
            synchronized.append(self.index)

        def use(self):
            pass

    runtime = types.SimpleNamespace(
        getDeviceCount=lambda: GPU_COUNT,
        getDeviceProperties=lambda index: {"name": f"Fake GPU {index}".encode()},
    )
    return types.SimpleNamespace(cuda=types.SimpleNamespace(runtime=runtime, Device=Device), synchronized=synchronized)


def stand_in_gpus(patch):
    """Make tinytorch see GPU_COUNT fake GPUs until `patch` (a pytest MonkeyPatch) is
    undone. Returns the fake cupy module."""
    fake = _fake_cupy()
    patch.setattr(tinytorch.cuda, "_cupy_status", lambda: (fake, None))
    patch.setattr(tinytorch.cuda, "_current", 0)
    for index in range(GPU_COUNT):
        patch.setitem(device_module._gpu_backends, index, FakeGpuBackend(index))
    return fake


@pytest.fixture
def fake_gpu(monkeypatch):
    return stand_in_gpus(monkeypatch)
