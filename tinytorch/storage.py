"""Storage: the flat, one-dimensional buffer that tensors are views of.

Many tensors can share one Storage object; each adds only a header (shape,
stride, offset). The storage also owns the *version counter* that every
in-place write bumps, whichever view it went through. Autograd checks it to
catch saved tensors modified after they were saved, and the widgets listen to
it to redraw when data changes.
"""
import weakref

from . import device as _device
from . import dtypes as _dtypes
from . import memory_trace as _memory_trace


class Storage:
    __slots__ = ("_array", "dtype", "device", "_version", "_listeners", "_untyped", "__weakref__")

    def __init__(self, array, dtype, device, new_memory=True):
        self._array = array  # 1-D, contiguous, on `device`
        self.dtype = dtype
        self.device = device
        self._version = 0
        self._listeners = None  # weak references to callables (add_listener), a list made on first use
        self._untyped = None  # the UntypedStorage that shows it, made on first use
        if _memory_trace.tracing and new_memory:  # new_memory=False: wrapping memory that exists (from_numpy)
            _memory_trace.new_storage(self)

    # -- what PyTorch's (legacy typed) storage offers -------------------------
    def size(self):
        return self._array.shape[0]

    def __len__(self):
        return self._array.shape[0]

    def element_size(self):
        return self.dtype.itemsize

    def nbytes(self):
        return self._array.shape[0] * self.dtype.itemsize

    def data_ptr(self):
        """The address of element 0, the same for every tensor sharing this storage."""
        return _device.backend_for(self.device).data_ptr(self._array)

    def tolist(self):
        return _device.backend_for(self.device).to_numpy(self._array).tolist()

    def as_dtype(self, dtype):
        """The same bytes read as elements of `dtype` (what Tensor(untyped_storage) and
        set_ of another dtype see): itself for its own dtype, else a storage over the
        same memory, with a version counter of its own."""
        if dtype is self.dtype:
            return self
        raw = self._array.view("uint8")
        usable = raw[: len(raw) // dtype.itemsize * dtype.itemsize]
        return Storage(usable.view(dtype.numpy), dtype, self.device, new_memory=False)

    def untyped(self):
        """This memory as bytes: one UntypedStorage object for the storage's lifetime."""
        if self._untyped is None:
            self._untyped = UntypedStorage(self)
        return self._untyped

    # -- moving (what a map_location function for tinytorch.load calls) --------
    def cpu(self):
        """This storage in host memory: itself if it is there already, else a copy."""
        return self._on(_device.CPU)

    def cuda(self, device=None):
        """This storage on a GPU (the current one by default): itself or a copy."""
        return self._on(_device.to_device("cuda" if device is None else device))

    def _on(self, device):
        if device is self.device:
            return self
        host = _device.backend_for(self.device).to_numpy(self._array)
        moved = Storage(_device.backend_for(device).from_numpy(host), self.dtype, device)
        _memory_trace.copied(moved, self)
        return moved

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, index):
        n = self._array.shape[0]
        index = self._check_index(index)
        if not -n <= index < n:
            raise IndexError(f"index {index} out of range for storage of size {n}")
        return self._array[index].item()

    def __setitem__(self, index, value):
        n = self._array.shape[0]
        index = self._check_index(index)
        if not -n <= index < n:  # PyTorch words this one as tensor indexing does
            raise IndexError(f"index {index} is out of bounds for dimension 0 with size {n}")
        self._array[index] = _dtypes.checked_scalar(value, self.dtype)
        self.changed()  # torch's storages carry no version: autograd does not see this write

    def _check_index(self, index):
        if isinstance(index, slice):
            raise RuntimeError("slicing a storage is not supported; index single elements or use a tensor view")
        if not _dtypes.is_int(index):
            raise RuntimeError(f"can't index a {type(self)} with {type(index)}")
        return int(index)

    def __repr__(self):
        # The legacy typed-storage style: one element per line, then the type and size.
        body = " " + "\n ".join(str(x) for x in self.tolist())
        if self.device.type == "cpu":
            footer = f"[tinytorch.{self.dtype.storage_name} of size {len(self)}]"
        else:
            footer = f"[tinytorch.cuda.{self.dtype.storage_name} of size {len(self)} (GPU {self.device.index})]"
        return f"{body}\n{footer}"

    # -- change notification ---------------------------------------------------
    def bump_version(self):
        """Record an in-place write and tell whoever listens (e.g. a widget)."""
        self._version += 1
        self.changed()

    def changed(self):
        """Tell whoever listens that the values changed, without counting a version:
        for writes autograd must not see, such as those through `.data`."""
        if self._listeners:
            for ref in list(self._listeners):
                callback = ref()
                if callback is None:
                    self._listeners.remove(ref)
                else:
                    callback(self)

    def add_listener(self, callback):
        """Call `callback(storage)` after every in-place write. Held weakly (bound
        methods too), so a forgotten widget is not kept alive by the storage."""
        ref = weakref.WeakMethod(callback) if hasattr(callback, "__self__") else weakref.ref(callback)
        if self._listeners is None:
            self._listeners = []
        self._listeners.append(ref)

    def remove_listener(self, callback):
        if self._listeners:
            self._listeners[:] = [r for r in self._listeners if r() is not None and r() != callback]


# -- what tensor.storage() and tensor.untyped_storage() return -------------------------
class _StorageFacts:
    """What both of torch's storage classes answer about the memory they show."""
    __slots__ = ()

    @property
    def device(self):
        return self._storage.device

    def data_ptr(self):
        return self._storage.data_ptr()

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    is_sparse = False

    def get_device(self):
        return None if self.device.type == "cpu" else self.device.index  # (torch 2.13's answer on the CPU)

    # Memory tinytorch never shares between processes nor pins.
    def is_shared(self):
        return False

    def is_pinned(self):
        return False


class UntypedStorage(_StorageFacts):
    """tensor.untyped_storage(): the shared memory seen as bytes, as PyTorch 2 shows it.
    Every tensor over the same memory returns the same object, so `a.untyped_storage()
    is b.untyped_storage()` and equal data_ptr()s both tell that a and b share it."""
    __slots__ = ("_storage", "__weakref__")
    __module__ = "tinytorch.storage"

    def __init__(self, storage):
        self._storage = storage

    def _bytes(self):
        return _device.backend_for(self._storage.device).to_numpy(self._storage._array).view("uint8")

    def size(self):
        return self._storage.nbytes()

    __len__ = size
    nbytes = size

    def element_size(self):
        return 1

    def type(self):
        return "tinytorch.storage.UntypedStorage"

    def tolist(self):
        return self._bytes().tolist()

    def __getitem__(self, index):
        return self._bytes()[index].item()

    def __repr__(self):
        values = self.tolist()
        body = " " + "\n ".join(str(b) for b in values) + "\n"  # (" \n" when empty, as in PyTorch)
        return f"{body}[tinytorch.storage.UntypedStorage(device={self.device}) of size {len(values)}]"

    # tinytorch's own, for the widgets that redraw when the memory changes (Storage.add_listener)
    def add_listener(self, callback):
        self._storage.add_listener(callback)

    def remove_listener(self, callback):
        self._storage.remove_listener(callback)


class TypedStorage(_StorageFacts):
    """tensor.storage(): PyTorch 2's deprecated typed storage, a new wrapper at every
    call around the shared memory, counted in elements of the tensor's dtype. Being
    new each time, `a.storage() is b.storage()` is False even for views of one
    tensor: compare data_ptr() (or untyped_storage() objects) instead."""
    __slots__ = ("_storage",)
    __module__ = "tinytorch.storage"

    def __init__(self, storage):
        self._storage = storage

    @property
    def dtype(self):
        return self._storage.dtype

    def size(self):
        return len(self._storage)

    def __len__(self):
        return len(self._storage)

    def element_size(self):
        return self._storage.element_size()

    def nbytes(self):
        return self._storage.nbytes()

    def untyped(self):
        return self._storage.untyped()

    def tolist(self):
        return self._storage.tolist()

    def __iter__(self):
        return iter(self._storage)

    def __getitem__(self, index):
        return self._storage[index]

    def __setitem__(self, index, value):
        self._storage[index] = value

    def type(self):
        """Its legacy class name: 'tinytorch.LongStorage', 'tinytorch.cuda.FloatStorage'."""
        where = "tinytorch" if self.device.type == "cpu" else "tinytorch.cuda"
        return f"{where}.{self.dtype.storage_name}"

    def clone(self):
        """A copy in new memory."""
        return self._converted(self.dtype)

    def fill_(self, value):
        self._storage._array[...] = _dtypes.checked_scalar(value, self.dtype)
        self._storage.changed()  # (unversioned, as a write through __setitem__)
        return self

    def copy_(self, source):
        """Copies the bytes of another storage (typed or untyped) of the same size in bytes,
        as torch does: a float32 storage copied into an int32 one keeps its bits."""
        if source.nbytes() != self.nbytes():
            raise RuntimeError(f"size does not match, self was {self.nbytes()} bytes but src was "
                               f"{source.nbytes()} bytes")
        data = source._storage._array
        if source.device is not self.device:
            data = _device.backend_for(self.device).from_numpy(_device.backend_for(source.device).to_numpy(data))
        self._storage._array.view("uint8")[...] = data.view("uint8")
        self._storage.changed()  # (unversioned, as a write through __setitem__)
        return self

    def _converted(self, dtype):
        """A copy with its values converted to dtype, as Tensor.to converts them."""
        from .tensor import Tensor
        values = Tensor._make(self._storage, (len(self),), (1,), 0).to(dtype, copy=True)
        return TypedStorage(values._storage)

    # The conversions of the legacy storages: each a copy, even to the same dtype (as in torch).
    def bool(self): return self._converted(_dtypes.bool_)
    def byte(self): return self._converted(_dtypes.uint8)
    def char(self): return self._converted(_dtypes.int8)
    def short(self): return self._converted(_dtypes.int16)
    def int(self): return self._converted(_dtypes.int32)
    def long(self): return self._converted(_dtypes.int64)
    def half(self): return self._converted(_dtypes.float16)
    def float(self): return self._converted(_dtypes.float32)
    def double(self): return self._converted(_dtypes.float64)

    def cpu(self):
        return TypedStorage(self._storage.cpu())

    def cuda(self, device=None):
        return TypedStorage(self._storage.cuda(device))

    def __repr__(self):
        values = self._storage.tolist()
        body = " " + "\n ".join(str(x) for x in values) + "\n"  # (" \n" when empty, as in PyTorch)
        return f"{body}[tinytorch.storage.TypedStorage(dtype=tinytorch.{self.dtype.name}, device={self.device}) of size {len(values)}]"
