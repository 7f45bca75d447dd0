"""What a widget reads from a tensor: its header and its storage, whatever library made it.

A tinytorch tensor, a NumPy array and a torch tensor all come down to the same
thing, a header (shape, stride and offset, counted in elements) over a flat
buffer. `read_tensor` turns any of them into a `TensorInfo`, so the drawing
code knows nothing about where the tensor came from. torch is never imported
here: a torch tensor is recognised by its type's module and used through its
own methods.
"""
import numpy as np

import tinytorch
from tinytorch.strides import index_to_position

ACCEPTED = "a tinytorch.Tensor, a NumPy ndarray or a torch.Tensor"


class TensorInfo:
    """The header of one tensor and a way to read its storage.

    kind          "tinytorch", "numpy" or "torch"
    shape, stride, offset
                  the header, in elements
    dtype         the element type's name ("float32")
    itemsize      bytes per element
    storage_size  elements in the whole storage
    storage_key   equal for tensors over one block of memory (its address and size in bytes), whichever
                  library made them: a tensor from_numpy(a) and a are drawn over one storage
    storage       the tinytorch Storage, whose version counter a widget can listen to (else None)
    """

    def __init__(self, source, kind, shape, stride, offset, dtype, itemsize, storage_size, storage_key,
                 storage=None, read=None, storage_ptr=None):
        self.source = source
        self.kind = kind
        self.shape = tuple(int(s) for s in shape)
        self.stride = tuple(int(s) for s in stride)
        self.offset = int(offset)
        self.dtype = dtype
        self.itemsize = int(itemsize)
        self.storage_size = int(storage_size)
        self.storage_key = storage_key
        self.storage = storage
        self._read = read
        self._storage_ptr = storage_ptr

    def numel(self):
        n = 1
        for s in self.shape:
            n *= s
        return n

    def position(self, index):
        """The storage position of element `index` (a full tuple of ints): offset + Σ index·stride."""
        return index_to_position(index, self.stride, self.offset)

    def values_at(self, positions):
        """The storage values at these positions, as Python scalars (read now, so they are current)."""
        if len(positions) == 0:
            return []
        return self._read(list(positions))

    def storage_data_ptr(self):
        """The address of storage element 0 (an address: never put it in a deterministic picture)."""
        return self._storage_ptr()

    def with_header(self, shape, stride, offset):
        """Another view of the same storage (e.g. an operand expanded for broadcasting)."""
        return TensorInfo(
            self.source, self.kind, shape, stride, offset, self.dtype, self.itemsize, self.storage_size,
            self.storage_key, storage=self.storage, read=self._read, storage_ptr=self._storage_ptr,
        )


def is_torch_tensor(obj):
    """Whether obj is a real torch tensor (recognised by its type's module, without importing torch)."""
    return type(obj).__module__.split(".")[0] == "torch" and hasattr(obj, "untyped_storage")


def read_tensor(obj, who="this widget"):
    """A TensorInfo for a tinytorch tensor, a NumPy array or a torch tensor;
    TypeError (naming what is accepted) for anything else."""
    if isinstance(obj, tinytorch.Tensor):
        return _from_tinytorch(obj)
    if isinstance(obj, np.ndarray):
        return _from_numpy(obj, who)
    if is_torch_tensor(obj):
        return _from_torch(obj)
    raise TypeError(f"{who} accepts {ACCEPTED}, but got {type(obj).__name__}")


def _from_tinytorch(t):
    # Read as PyTorch 2 offers it (untyped_storage(): one object per shared memory, no
    # deprecation warning), the same way as a torch tensor below.
    storage = t.untyped_storage()
    itemsize = t.element_size()
    size = storage.nbytes() // itemsize
    return TensorInfo(
        t, "tinytorch", t.shape, t.stride(), t.storage_offset(), t.dtype.name, itemsize,
        size, (storage.data_ptr(), storage.nbytes()), storage=storage,
        read=lambda positions: t.detach().as_strided((size,), (1,), 0)[list(positions)].tolist(),
        storage_ptr=storage.data_ptr,
    )


def _buffer_owner(array):
    """The array that owns the memory `array` looks into: follow `.base` (through
    NumPy's helper objects, e.g. from as_strided) to the last ndarray."""
    owner = array
    link = array.base
    while link is not None:
        if isinstance(link, np.ndarray):
            owner = link
        link = getattr(link, "base", None)
    return owner


def _address(array):
    return array.__array_interface__["data"][0]


def _from_numpy(array, who):
    owner = _buffer_owner(array)
    if not (owner.flags.c_contiguous or owner.flags.f_contiguous):
        raise TypeError(f"{who} cannot find the flat buffer behind this NumPy array (its owner is not contiguous)")
    itemsize = array.itemsize
    start = _address(owner)
    offset_bytes = _address(array) - start
    if any(n % itemsize for n in (offset_bytes, owner.nbytes, *array.strides)):
        raise TypeError(f"{who} cannot show a NumPy array whose strides or offset are not whole elements")
    # The owner's bytes, in memory order, read as this array's dtype: the flat
    # storage that the header points into.
    flat = owner.ravel(order="K").view(np.uint8).view(array.dtype)
    return TensorInfo(
        array, "numpy", array.shape, [s // itemsize for s in array.strides], offset_bytes // itemsize,
        array.dtype.name, itemsize, owner.nbytes // itemsize, (start, owner.nbytes),
        read=lambda positions: flat[positions].tolist(),
        storage_ptr=lambda: start,
    )


def _from_torch(t):
    storage = t.untyped_storage()
    itemsize = t.element_size()
    size = storage.nbytes() // itemsize
    flat = t.detach().as_strided((size,), (1,), 0)  # the whole storage as a 1-D view
    return TensorInfo(
        t, "torch", tuple(t.shape), t.stride(), t.storage_offset(), str(t.dtype).removeprefix("torch."),
        itemsize, size, (storage.data_ptr(), storage.nbytes()),
        read=lambda positions: flat[positions].tolist(),
        storage_ptr=storage.data_ptr,
    )
