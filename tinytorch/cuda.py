"""tinytorch.cuda: is there a GPU, and which. CuPy does the GPU work.

`import cupy` can succeed on a machine without a GPU and fail only at the first
GPU call, so availability is decided by `cupy.is_available()`, never by the
import alone.
"""
import functools

_current = 0


@functools.lru_cache(maxsize=None)
def _cupy_status():
    """(cupy module or None, reason it cannot be used or None)."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed. Install the GPU extra: pip install 'tinytorch-course[gpu]'"
    try:
        if not cupy.is_available():
            return None, "no CUDA GPU or driver was found on this machine (cupy.is_available() is False)"
    except Exception as error:  # a broken driver can raise instead of answering
        return None, f"CUDA could not be initialised: {error}"
    return cupy, None


def is_available():
    """True when a CUDA GPU can be used (through CuPy)."""
    return _cupy_status()[0] is not None


def require_gpu(index=None):
    """Raise a clear RuntimeError when no GPU can be used, saying why and what to do."""
    cupy, reason = _cupy_status()
    if cupy is None:
        raise RuntimeError(
            f"Cannot use a CUDA device: {reason}. Tensors can stay on the CPU: every lesson runs there."
        )
    if index is not None and not 0 <= index < cupy.cuda.runtime.getDeviceCount():
        raise RuntimeError(
            f"CUDA error: invalid device ordinal {index}: this machine has {device_count()} GPU(s)"
        )
    return cupy


def device_count():
    cupy, _ = _cupy_status()
    return cupy.cuda.runtime.getDeviceCount() if cupy is not None else 0


def current_device():
    require_gpu()
    return _current


def set_device(index):
    global _current
    require_gpu(index)
    _current = int(getattr(index, "index", index) or 0)


def get_device_name(device=None):
    cupy = require_gpu()
    index = _current if device is None else int(getattr(device, "index", device) or 0)
    name = cupy.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def synchronize(device=None):
    cupy = require_gpu()
    cupy.cuda.Device(_current if device is None else int(getattr(device, "index", device) or 0)).synchronize()


def manual_seed(seed):
    cupy, _ = _cupy_status()
    if cupy is not None:
        cupy.random.seed(seed)


manual_seed_all = manual_seed
