"""The Tensor: a small header (shape, stride, storage offset, dtype, device)
over a Storage that other tensors may share.

Reading this file top to bottom: how a tensor is made from a header, the
header's accessors, the autograd attributes, then thin methods that hand the
real work to `tinytorch.ops`, where each op's forward and backward live side
by side.
"""
import copy
import functools
import math
import warnings

import numpy as np

from . import dtypes as _dtypes
from . import memory_trace as _memory_trace
from . import strides as _strides
from .device import CPU, backend_for
from .exact import messages
from .storage import Storage, TypedStorage
from .tensor_ops import TensorOps


class Size(tuple):
    """A shape: a tuple that prints as `tinytorch.Size([2, 3])`."""

    __slots__ = ()

    def __repr__(self):
        return f"tinytorch.Size([{', '.join(str(s) for s in self)}])"

    def numel(self):
        return math.prod(self)


contiguous_strides = functools.lru_cache(maxsize=4096)(_strides.contiguous_strides)


class Tensor(TensorOps):
    """A header (shape, stride, storage offset, dtype, device) over a flat storage that
    tensors share; the methods that compute (t + u, t.sum(), t.view(...)) hand off to
    tinytorch.ops from tensor_ops.TensorOps."""
    __module__ = "tinytorch"  # so type(t) prints as <class 'tinytorch.Tensor'>, where users find it

    # The header lives in slots; rarely used autograd fields default to the class
    # attributes below and only get stored on the tensors that set them.
    __slots__ = (
        "_storage", "_shape", "_stride", "_offset", "_data", "dtype", "_grad_fn", "_requires_grad",
        "__dict__", "__weakref__",
    )
    _grad = None  # .grad
    _output_nr = 0  # which output of grad_fn this tensor is
    _accumulator = None  # weakref to this leaf's AccumulateGrad node
    _retains_grad = False
    _base = None  # the tensor this one is a view of
    _views = None  # a base's weak references to its views, which follow it into requiring grad (ops/views.py)
    # A view made in no_grad mode (or returned by a custom Function) may not be
    # rebased onto its base's new history after an in-place write. PyTorch's
    # CreationMeta: "no_grad_mode", "in_custom_function" or "multi_output_node"
    # (see ops/inplace.py, refresh_view_history).
    _creation_meta = None
    _grad_fn_version = 0  # for a view: the storage version its grad_fn was made for (PyTorch's attr_version)
    _requires_grad_from_base = False  # such a view requires grad only because its base does
    # True for `.data` and its views: PyTorch gives `.data` a version counter of its
    # own, so writes through it never trip autograd's "modified by an inplace
    # operation" check on the original.
    _unversioned = False
    # Outranks NumPy, so `np.float64(2) * t` asks Tensor.__rmul__ (a tensor comes back), as in PyTorch.
    __array_priority__ = 1000

    # -- construction ----------------------------------------------------------
    def __new__(cls, *args, **kwargs):
        # tinytorch.Tensor(...) is PyTorch's legacy constructor: sizes, data, or a storage.
        from .creation import legacy_tensor
        return legacy_tensor(*args, **kwargs)

    @classmethod
    def _make(cls, storage, shape, stride, offset, data=None):
        """A tensor with this header over `storage` (no copy)."""
        t = object.__new__(cls)
        t._storage = storage
        t._shape = shape
        t._stride = stride
        t._offset = offset
        t._data = data if data is not None else backend_for(storage.device).as_strided(
            storage._array, shape, stride, offset
        )
        t.dtype = storage.dtype
        t._grad_fn = None
        t._requires_grad = False
        return t

    def __reduce_ex__(self, protocol):
        raise TypeError("use tinytorch.save to store tensors; they are not picklable")

    def __deepcopy__(self, memo):
        """copy.deepcopy: new memory with the same header. Tensors that shared a
        storage share the new one (the memo maps old storage to new), as in PyTorch."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy protocol at the "
                "moment."
            )
        storage = memo.get(id(self._storage))
        if storage is None:
            old = self._storage  # alive as long as self, which copy.deepcopy keeps alive
            storage = memo[id(old)] = Storage(old._array.copy(), old.dtype, old.device)
            _memory_trace.copied(storage, old, always=True)
        copied = Tensor._make(storage, self._shape, self._stride, self._offset)
        copied._requires_grad = self._requires_grad
        if self._grad is not None:
            copied._grad = copy.deepcopy(self._grad, memo)
        return copied

    # -- the header ------------------------------------------------------------
    @property
    def shape(self):
        return Size(self._shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._shape)
        return self._shape[self._header_dim(dim)]

    def stride(self, dim=None):
        if dim is None:
            return self._stride
        return self._stride[self._header_dim(dim)]

    def _header_dim(self, dim):
        """`dim` as an index into shape and stride, which a 0-d tensor does not have."""
        if not self._shape:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return _strides.normalize_dim(dim, len(self._shape))

    def storage_offset(self):
        return self._offset

    def storage(self):
        """The flat buffer this tensor is a view of, as PyTorch 2's deprecated TypedStorage:
        a new wrapper at every call (with PyTorch's warning, once), counted in elements."""
        messages.warn_typed_storage()
        return TypedStorage(self._storage)

    @property
    def volatile(self):
        """PyTorch 0.3's flag, removed since: always False, with PyTorch's warning."""
        warnings.warn("volatile was removed (Variable.volatile is always False)", UserWarning, stacklevel=2)
        return False

    def untyped_storage(self):
        """The flat buffer as bytes: the same object for every tensor that shares it."""
        return self._storage.untyped()

    @property
    def device(self):
        return self._storage.device

    @property
    def layout(self):
        return strided  # every tinytorch tensor is a header of strides over a storage

    @property
    def is_cuda(self):
        return self._storage.device.type == "cuda"

    def get_device(self):
        """The index of the GPU holding this tensor, or -1 on the CPU."""
        return -1 if self._storage.device.type == "cpu" else self._storage.device.index

    def dim(self):
        return len(self._shape)

    ndimension = dim

    @property
    def ndim(self):
        return len(self._shape)

    def numel(self):
        return math.prod(self._shape)

    nelement = numel

    def element_size(self):
        return self.dtype.itemsize

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def nbytes(self):
        return self.numel() * self.dtype.itemsize

    def data_ptr(self):
        """Address of this tensor's first element: the storage's address plus offset * itemsize."""
        return self._storage.data_ptr() + self._offset * self.dtype.itemsize

    def is_contiguous(self):
        return _strides.is_contiguous(self._shape, self._stride)

    def is_floating_point(self):
        return self.dtype.is_floating_point

    # Memory tinytorch never pins (page-locks for faster copies to a GPU) nor shares between processes.
    def is_pinned(self):
        return False

    def is_shared(self):
        return False

    def pin_memory(self):
        from . import cuda
        if cuda.is_available():
            raise NotImplementedError("pin_memory(): tinytorch does not allocate pinned memory")
        raise RuntimeError("Cannot access accelerator device when none is available.")

    def type(self, dtype=None):
        """With no argument, the legacy type's name ('tinytorch.FloatTensor');
        with a dtype, a legacy type (tinytorch.LongTensor) or its name, converted."""
        if dtype is None:
            name = self.dtype.storage_name.replace("Storage", "Tensor")
            prefix = "tinytorch.cuda." if self.is_cuda else "tinytorch."
            return prefix + name
        if isinstance(dtype, str):
            prefix, _, name = dtype.rpartition(".")
            named = [d for d in _dtypes.ALL_DTYPES if d.storage_name.replace("Storage", "Tensor") == name]
            if prefix not in ("torch", "tinytorch") or not named:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = named[0]
        return self.to(getattr(dtype, "dtype", dtype))  # a legacy type (tinytorch.LongTensor) carries its dtype

    def type_as(self, other):
        """This tensor converted to other's dtype."""
        return self.type(other.type())

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of a 0-d tensor")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self._shape[0]))

    def __hash__(self):
        return id(self)

    # -- autograd attributes ---------------------------------------------------
    @property
    def grad_fn(self):
        """The node that made this tensor (None for a leaf). A property, not a
        plain attribute, for views: once memory a view shares was written in
        place, its grad_fn is made anew from its base's history (see
        ops/inplace.py, refresh_view_history)."""
        if self._base is not None and self._grad_fn_version != self._storage._version:
            refresh_view_history(self)
        return self._grad_fn

    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, flag):
        if flag and not self.dtype.is_floating_point:
            # PyTorch words this check differently here than in requires_grad_().
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self.requires_grad_(flag)

    def requires_grad_(self, requires_grad=True):
        if self._requires_grad_from_base:
            # Its base's requires_grad shows through whatever is asked; asking
            # for True also gives the view a .grad of its own, as in PyTorch.
            if requires_grad:
                del self._requires_grad_from_base
            return self
        if self._grad_fn is not None:  # PyTorch asks is_leaf() without refreshing a view's history
            if requires_grad:
                return self
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a computed "
                "variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = bool(requires_grad)
        if requires_grad and self._views:
            for view in ops.views.live_views(self):  # views made before now follow, as in PyTorch
                ops.views.follow_base_requires_grad(view)
        return self

    @property
    def is_leaf(self):
        """A leaf was made by the user, not by an op that recorded history."""
        return self.grad_fn is None

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad:  # as in requires_grad_
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
                "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
                "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
                "See github.com/pytorch/pytorch/pull/30531 for more information.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}")
            # PyTorch checks the dtype, then the device, then the size.
            if value.dtype is not self.dtype:
                raise RuntimeError(messages.assigned_grad_dtype(value.dtype, self.dtype))
            if value.device.type != self.device.type:
                raise RuntimeError(messages.assigned_grad_device_type(value.device.type, self.device.type))
            if value.device is not self.device:
                raise RuntimeError(messages.assigned_grad_device_index(value.get_device(), self.get_device()))
            if value._shape != self._shape:
                raise RuntimeError(messages.assigned_grad_size(value._shape, self._shape))
        self._grad = value

    @property
    def output_nr(self):
        """Which output of grad_fn this tensor is (0 for most ops)."""
        return self._output_nr

    @property
    def _version(self):
        """How many in-place writes this tensor's storage has seen (through any view)."""
        return self._storage._version

    @property
    def data(self):
        """The same data without history, like detach(), except that in-place
        writes through it are hidden from autograd's version check (see
        _unversioned): the old `p.data -= lr * p.grad` idiom relies on that."""
        alias = self.detach()
        alias._unversioned = True
        return alias

    @data.setter
    def data(self, other):
        # Swap this tensor's header and storage for other's, keeping its autograd identity.
        self._storage, self._shape, self._stride = other._storage, other._shape, other._stride
        self._offset, self._data, self.dtype = other._offset, other._data, other.dtype

    def detach(self):
        """A new tensor sharing this one's storage, cut off from the graph."""
        return Tensor._make(self._storage, self._shape, self._stride, self._offset, self._data)

    def detach_(self):
        if self._base is not None:  # any view, whether or not its base requires grad, as in PyTorch
            raise RuntimeError(messages.DETACH_VIEW_IN_PLACE)
        self._grad_fn = None
        self._requires_grad = False
        return self

    def retain_grad(self):
        """Keep .grad for this non-leaf after backward (leaves keep it anyway)."""
        if self._grad_fn is None:  # as in requires_grad_
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if not self._retains_grad:
            from .autograd.graph import retain_grad
            retain_grad(self)

    @property
    def retains_grad(self):
        return self._retains_grad

    def register_hook(self, hook):
        """hook(grad) runs when this tensor's gradient is computed; returning a tensor replaces it."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        from .autograd.graph import accumulator_for
        node = accumulator_for(self)
        # Keep the accumulator alive while a hook is registered on it.
        self._accumulator_ref = node
        return node._add_tensor_hook(0, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """hook(tensor) runs each time a gradient has been added into this leaf's .grad
        (e.g. to update the parameter right away); it must return None."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from .autograd.graph import accumulator_for
        node = accumulator_for(self)
        self._accumulator_ref = node  # keep the accumulator, and so the hook, alive
        return node.add_post_accumulate_hook(hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        from . import autograd
        autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    # -- conversion ------------------------------------------------------------
    def numpy(self, *, force=False):
        """A NumPy array sharing this tensor's memory (writes show on both sides)."""
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        if self.is_cuda:
            if force:
                return self.cpu().numpy()
            raise TypeError(
                f"can't convert {self.device} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to "
                "host memory first."
            )
        return self._data

    def __array__(self, dtype=None):
        """What NumPy sees of t: t.numpy(), as in PyTorch. So np.asarray(t) shares
        memory, np.array(t) copies (NumPy makes the copy: like PyTorch's, this method
        takes no `copy`), and a tensor that requires grad or lives on a GPU is refused."""
        array = self.numpy()
        return array if dtype is None else array.astype(dtype, copy=False)

    def item(self):
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._host().tolist()

    def _host(self):
        """The values as a NumPy array on the CPU (a copy for GPU tensors)."""
        return backend_for(self.device).to_numpy(self._data)

    def __bool__(self):
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __int__(self):
        self._check_one_element()
        return int(self.item())

    def __float__(self):
        self._check_one_element()
        return float(self.item())

    def _check_one_element(self):
        """int(t) and float(t) take one element; PyTorch says so with a ValueError (t.item() with a RuntimeError)."""
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")

    def __index__(self):
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec):
        if self.dim() == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self):
        from . import printing
        try:
            node = self.grad_fn
        except RuntimeError:
            grad_fn = "Invalid"  # a view made in no_grad mode whose memory changed since, as PyTorch shows it
        else:
            # A node's name may carry a namespace ("tinytorch::autograd::CopyBackwards"); reprs show the bare name.
            grad_fn = node.name().rsplit("::", 1)[-1] if node is not None else None
        return printing.format_tensor(
            self._host(), self.dtype,
            device=str(self.device) if self.is_cuda else None,
            requires_grad=self._requires_grad, grad_fn=grad_fn,
        )

    __str__ = __repr__


class layout:
    """How a tensor's elements are kept: tinytorch has only PyTorch's default, `strided`
    (a header of strides over a flat storage); PyTorch also has sparse layouts."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"tinytorch.{self.name}"


strided = layout("strided")


def from_array(array, dtype, device=CPU, stride=None):
    """Wrap the fresh result of a computation (an array nobody else holds) as a
    new tensor with its own storage. The array keeps its memory layout, unless
    `stride` asks for another one (an elementwise op's result follows PyTorch's
    rule, exact.layout.elementwise_strides, not NumPy's or CuPy's)."""
    if isinstance(array, np.generic):  # NumPy returns scalars for 0-d results
        array = np.asarray(array)
    if array.dtype != dtype.numpy:
        array = array.astype(dtype.numpy)
    if stride is not None:
        return _laid_out(array, dtype, device, stride)
    if not array.flags.c_contiguous:
        # e.g. a copy NumPy made in order "K" of a transposed tensor (an in-place
        # op's snapshot of its input) stays transposed, when it is one dense block.
        flat = array.ravel(order="K")
        if backend_for(device).xp.may_share_memory(flat, array):  # CuPy has it too: GPU results keep their layout
            stride = tuple(s // dtype.itemsize for s in array.strides)
            return Tensor._make(Storage(flat, dtype, device), array.shape, stride, 0, array)
        array = backend_for(device).xp.ascontiguousarray(array)
    flat = array.reshape(-1)
    stride = contiguous_strides(array.shape)
    return Tensor._make(Storage(flat, dtype, device), array.shape, stride, 0, array)


def _laid_out(array, dtype, device, stride):
    """from_array with these strides. The array's own memory serves when it is
    already laid out so (strides of size-1 dims never matter: they are never
    stepped); otherwise its values are copied into a new block of that layout."""
    shape = array.shape
    own = tuple(s // dtype.itemsize for s in array.strides)
    if all(a == b or size == 1 for a, b, size in zip(own, stride, shape)) and 0 not in shape:
        flat = array.reshape(-1) if array.flags.c_contiguous else array.ravel(order="K")
        if backend_for(device).xp.may_share_memory(flat, array):  # dense: the flat block is the array's memory
            return Tensor._make(Storage(flat, dtype, device), shape, stride, 0, array if own == stride else None)
    out = empty_strided(shape, stride, dtype, device)
    out._data[...] = array
    return out


def empty_strided(shape, stride, dtype, device=CPU):
    """A new tensor with exactly this header over a storage of its own, just
    big enough for it (strides.storage_extent), its values not yet set: where a
    copy or a result laid out in a chosen order starts (PyTorch's empty_strided)."""
    flat = backend_for(device).empty(_strides.storage_extent(shape, stride), dtype.numpy)
    return Tensor._make(Storage(flat, dtype, device), tuple(shape), tuple(stride), 0)


def on_device(t, device):
    """t, just made on the CPU over a storage of its own, on `device`. The
    storage travels as the flat buffer it is and the header stays, so the
    layout does too, as in .to(device). (Handing CuPy the n-d array instead
    would not do: cupy.asarray copies it in C order, or F order when it is
    F-contiguous, whatever its strides.)"""
    if device is CPU:
        return t
    flat = backend_for(device).from_numpy(t._storage._array)
    return Tensor._make(Storage(flat, t.dtype, device), t._shape, t._stride, t._offset)


from . import ops, tensor_ops  # noqa: E402  (ops import Tensor, so they come once it exists)
tensor_ops.ops = ops
from .ops.inplace import refresh_view_history  # noqa: E402
