"""Storage: the flat, one-dimensional buffer that tensors are views of.

Many tensors can share one Storage object; each adds only a header (shape,
stride, offset). The storage also owns the *version counter* that every
in-place write bumps, whichever view it went through. Autograd checks it to
catch saved tensors modified after they were saved, and the widgets listen to
it to redraw when data changes.
"""
import weakref

from . import device as _device


class Storage:
    __slots__ = ("_array", "dtype", "device", "_version", "_listeners", "__weakref__")

    def __init__(self, array, dtype, device):
        self._array = array  # 1-D, contiguous, on `device`
        self.dtype = dtype
        self.device = device
        self._version = 0
        self._listeners = None  # a WeakSet of callables, made on first use

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

    def __iter__(self):
        return iter(self.tolist())

    def __getitem__(self, index):
        if isinstance(index, slice):
            raise TypeError("slicing a storage is not supported; index single elements or use a tensor view")
        return self._array[self._check_index(index)].item()

    def __setitem__(self, index, value):
        self._array[self._check_index(index)] = value
        self.bump_version()

    def _check_index(self, index):
        n = self._array.shape[0]
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"storage indices must be integers, not {type(index).__name__}")
        if not -n <= index < n:
            raise IndexError(f"index {index} out of range for storage of size {n}")
        return index

    def __repr__(self):
        body = "\n".join(f" {x}" for x in self.tolist())
        device = "" if self.device.type == "cpu" else f"(device={self.device})"
        footer = f"[tinytorch.{self.dtype.storage_name}{device} of size {len(self)}]"
        return f"{body}\n{footer}" if body else footer

    # -- change notification ---------------------------------------------------
    def bump_version(self):
        """Record an in-place write and tell whoever listens (e.g. a widget)."""
        self._version += 1
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
