"""tinytorch.cuda: is there a GPU, and which. CuPy does the GPU work.

`import cupy` can succeed on a machine without a GPU and fail only at the first
GPU call, so availability is decided by `cupy.is_available()`, never by the
import alone. The answer is looked up once and remembered: `is_available()`
is called on hot paths (device checks) and must stay cheap.

Random numbers for GPU tensors are drawn on the CPU by tinytorch's own
generator for that GPU (see tinytorch.random) and then copied over, so the
seeding functions here work the same with or without CuPy.
"""
import functools

from . import random as _random

_current = 0  # the GPU that 'cuda' without an index means


@functools.lru_cache(maxsize=None)
def _cupy_status():
    """(cupy module or None, why it cannot be used or None). Computed once."""
    try:
        import cupy
    except ImportError:
        return None, (
            "CuPy is not installed (install the GPU extra: pip install 'tinytorch-course[gpu]', which brings "
            "cupy-cuda12x)"
        )
    except Exception as error:  # a CuPy build that does not match the CUDA libraries fails on import
        return None, f"CuPy could not be imported ({type(error).__name__}: {error})"
    try:
        if not cupy.is_available():
            return None, (
                "CuPy is installed, but no CUDA GPU or driver was found on this machine (run on a machine with an "
                "NVIDIA GPU and its driver)"
            )
    except Exception as error:  # a broken driver can raise instead of answering
        return None, f"CUDA could not be initialised ({type(error).__name__}: {error})"
    return cupy, None


def is_available():
    """True when a CUDA GPU can be used (through CuPy)."""
    return _cupy_status()[0] is not None


def unavailable_reason():
    """None when a GPU can be used, else why not (e.g. 'CuPy is not installed')."""
    return _cupy_status()[1]


def require_gpu(index=None):
    """The cupy module, or a RuntimeError saying why no GPU can be used and what to do."""
    cupy, reason = _cupy_status()
    if cupy is None:
        raise RuntimeError(f"Cannot use a CUDA device: {reason}. Tensors can stay on the CPU: every lesson runs there.")
    if index is not None and not 0 <= index < device_count():
        raise RuntimeError(f"CUDA error: invalid device ordinal (cuda:{index} requested, {device_count()} GPU(s) found)")
    return cupy


def device_count():
    """How many GPUs CuPy can use; 0 without one."""
    cupy, _ = _cupy_status()
    return cupy.cuda.runtime.getDeviceCount() if cupy is not None else 0


def current_device():
    """The index of the GPU that 'cuda' means."""
    require_gpu()
    return _current


def set_device(device):
    """Make `device` (an index, 'cuda:1' or a device) the GPU that 'cuda' means.
    CuPy runs kernels on its own current GPU, so it is switched too."""
    global _current
    index = _index(device)
    require_gpu(index).cuda.Device(index).use()
    _current = index


def get_device_name(device=None):
    """The GPU's product name, e.g. 'NVIDIA H100 80GB HBM3'."""
    index = _index(device)
    name = require_gpu(index).cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None):
    """Wait until every kernel queued on the GPU has finished (GPU work is asynchronous)."""
    index = _index(device)
    require_gpu(index).cuda.Device(index).synchronize()


def manual_seed(seed):
    """Seed the random numbers of tensors made on the current GPU. Works (and does
    nothing visible) without a GPU, so seeding code runs anywhere, as in PyTorch."""
    _random.manual_seed_cuda(int(seed), _current)


def manual_seed_all(seed):
    """Seed the random numbers of tensors made on every GPU."""
    _random.manual_seed_cuda(int(seed))


def _index(device):
    """A GPU index from None (the current one), an int, 'cuda:1' or a device."""
    if device is None:
        return _current
    if isinstance(device, int) and not isinstance(device, bool):
        return device
    from .device import device as Device
    device = Device(device)
    if device.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {device}")
    return _current if device.index is None else device.index
