"""What the two readers share: the error they raise, the checks on what a file
claims, a tensor built only once its header fits its storage, and map_location.

A file is never trusted: every size, stride and offset it names is checked
before it is used, so a damaged or crafted file raises CheckpointError instead
of reading memory it does not own. map_location takes the four forms
torch.load's does (None, a device, a dict of locations, a function), with the
same errors for a CUDA checkpoint on a machine without that GPU.
"""
import math

import numpy as np

from .. import cuda
from .. import dtypes as _dtypes
from ..device import CPU, backend_for, to_device
from ..device import device as Device
from ..storage import Storage
from ..strides import storage_extent
from ..tensor import Tensor

_LIMIT = 1 << 62  # no size, stride or offset in a valid checkpoint comes near this
_MAX_DIMS = 64  # as many dimensions as NumPy allows


class CheckpointError(RuntimeError):
    """tinytorch.load cannot read this file: it is truncated, corrupted, or not a checkpoint it understands."""


def expect(condition, message):
    if not condition:
        raise CheckpointError(message)


def is_count(value):
    return type(value) is int and 0 <= value < _LIMIT


def check_bools(array, dtype, where):
    """A bool element is one byte, 0 or 1; any other byte would make comparisons misbehave."""
    if dtype is _dtypes.bool_ and len(array) and array.view(np.uint8).max() > 1:
        raise CheckpointError(f"{where} is bool but holds bytes other than 0 and 1")


def hashable(key):
    try:
        hash(key)
    except TypeError:
        raise CheckpointError(f"a dict key must be hashable, got {type(key).__name__}") from None
    return key


def read_into(source, view, message):
    """Fill `view` from `source` (a read may return fewer bytes than asked),
    or raise CheckpointError(message) if the source ends first."""
    filled = 0
    while filled < len(view):
        count = source.readinto(view[filled:])
        expect(count, message)
        filled += count


def make_tensor(storage, shape, stride, offset, requires_grad, where):
    """A tensor over `storage` with this header, after checking the header stays inside the storage."""
    expect(isinstance(shape, (list, tuple)) and isinstance(stride, (list, tuple)) and len(shape) == len(stride)
           and len(shape) <= _MAX_DIMS, f"{where} has a malformed shape or stride")
    expect(all(is_count(v) for v in shape) and all(is_count(v) for v in stride) and is_count(offset),
           f"{where} has a negative or non-integer size, stride or offset")
    expect(math.prod(shape) < _LIMIT, f"{where} has too many elements")
    extent = storage_extent(shape, stride, offset)  # 0 for an empty tensor, whose offset may lie past the end
    expect(extent <= len(storage), f"{where} reaches past the end of its storage ({extent} > {len(storage)} elements)")
    tensor = Tensor._make(storage, tuple(shape), tuple(stride), offset)
    if requires_grad:
        expect(storage.dtype.is_floating_point, f"{where} requires grad but its dtype is {storage.dtype}")
        tensor.requires_grad_(True)
    return tensor


def check_map_location(map_location):
    if map_location is None or callable(map_location):
        return
    if isinstance(map_location, (str, Device)):
        Device(map_location)  # a bad device string raises here, before any reading
    elif not isinstance(map_location, dict):
        raise TypeError(
            "map_location should be None, a string, a tinytorch.device, a dict or a function "
            f"(storage, location) -> storage, not {type(map_location).__name__}"
        )


def place(array, dtype, location, map_location):
    """A Storage of `array` (host memory, just read) where map_location puts a storage saved at `location`."""
    if callable(map_location):
        placed = map_location(Storage(array, dtype, CPU), location)
        placed = getattr(placed, "_storage", placed)  # a TypedStorage (t.storage()) stands for its storage
        if placed is not None:
            if not isinstance(placed, Storage):
                raise TypeError(f"map_location returned a {type(placed).__name__}, not a storage")
            if placed.dtype is not dtype or len(placed) != len(array):
                raise ValueError("map_location must return a storage of the dtype and size it was given")
            return placed
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    else:
        target = location if map_location is None else map_location
    device = _loading_device(target, location)
    return Storage(backend_for(device).from_numpy(array), dtype, device)


def _loading_device(target, location):
    try:
        device = Device(target)
    except (RuntimeError, TypeError):
        raise CheckpointError(
            f"a storage was saved on '{location}', which tinytorch cannot place on {target!r} (it knows the cpu "
            "and cuda devices): pass map_location, e.g. map_location='cpu'"
        ) from None
    if device.type == "cuda":
        if not cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but tinytorch.cuda.is_available() is False "
                f"({cuda.unavailable_reason()}). If you are running on a CPU-only machine, please use "
                "tinytorch.load with map_location=tinytorch.device('cpu') to map your storages to the CPU."
            )
        count = cuda.device_count()
        if device.index is not None and device.index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {device.index} but "
                f"tinytorch.cuda.device_count() is {count}. Please use tinytorch.load with map_location to map "
                "your storages to an existing device."
            )
    return to_device(device)
