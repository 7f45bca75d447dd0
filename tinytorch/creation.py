"""Making tensors: from data, from NumPy, filled with constants, ranges and random numbers."""
import math
import warnings

import numpy as np

from . import dtypes, exact, memory_trace
from . import strides as S
from .exact.arguments import (
    TENSOR_OPTIONS, as_number, invalid_combination, is_index, parser_arguments, parser_type_name, parser_value_name,
    python_type_name, size_arg,
)
from .device import CPU, to_device
from . import random
from .storage import Storage, TypedStorage, UntypedStorage
from .tensor import Size, Tensor, empty_strided, from_array, on_device


def _finish(t, requires_grad):
    if requires_grad:
        if not t.dtype.is_floating_point:
            # PyTorch words this check differently here than in requires_grad_().
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad_(True)
    return t


def _make(array, dtype, device, requires_grad):
    """A tensor of `array` (built on the CPU) on `device`, laid out as `array` is."""
    return _finish(on_device(from_array(array, dtype, CPU), to_device(device)), requires_grad)


# -- from data --------------------------------------------------------------------
def _is_sequence(obj):
    """What PyTorch walks into when it reads nested data (a 0-d array is a number)."""
    return isinstance(obj, (list, tuple, range)) or (isinstance(obj, np.ndarray) and obj.ndim > 0)


def _data_shape(data):
    """The shape of nested data, read down the first element of each level (as PyTorch does)."""
    shape = []
    while _is_sequence(data):
        shape.append(len(data))
        if not len(data):
            break
        data = data[0]
    return tuple(shape)


def _infer_dtype(data):
    """The dtype tensor(data) picks: each number brings its own (bool, int64,
    the default float; a NumPy scalar, array or tensor its dtype), and the
    elements of a sequence promote together. An empty sequence is float."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.generic, np.ndarray)):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, bool):
        return dtypes.bool_
    if isinstance(data, int):
        return dtypes.int64
    if isinstance(data, float):
        return dtypes.get_default_dtype()
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{python_type_name(data)}'")
    if _is_sequence(data):
        result = None
        for item in data:
            d = _infer_dtype(item)
            result = d if result is None else dtypes.promote_types(result, d)
        return result or dtypes.get_default_dtype()
    raise RuntimeError(f"Could not infer dtype of {python_type_name(data)}")


def _flatten_data(data, shape, d):
    """The numbers of nested data in row-major order, checking that the data is
    not ragged, with PyTorch's messages (which depend on the target dtype d)."""
    flat = []

    def store(item, dim):
        if dim == len(shape):
            flat.append(_number(item, d))
            return
        if not _is_sequence(item):
            raise TypeError("not a sequence")
        if len(item) != shape[dim]:
            raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(item)})")
        for child in item:
            store(child, dim + 1)

    store(data, 0)
    return flat


def _number(item, d):
    """One element of nested data as a Python number for dtype d, read as
    PyTorch reads it: a float type takes anything with a float value (a
    one-element tensor too); integer and bool types want an integer, though a
    Python float is cut toward zero. Integer types refuse values they cannot
    hold: 300 or nan for uint8 (which takes a negative int modulo 256, like C)."""
    if isinstance(item, Tensor):
        if d.is_floating_point:
            if item.numel() != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
        elif item.numel() != 1 or item.dtype.is_floating_point:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        item = item.item()
    if d.is_floating_point:
        if isinstance(item, (bool, int, float, np.number, np.bool_)):
            return float(item)  # unchecked, unlike full(): PyTorch's tensor([1e300], dtype=float32) is inf
        raise TypeError(f"must be real number, not {python_type_name(item)}")
    if d is dtypes.bool_ and isinstance(item, (bool, float, np.bool_)):
        return bool(item)
    if not isinstance(item, (bool, int, float, np.integer)):
        raise TypeError(f"'{python_type_name(item)}' object cannot be interpreted as an integer")
    # fill_'s check and conversion, but PyTorch's message here names the dtype (uint8), not the C++ type (uint8_t).
    return dtypes.checked_scalar(item, d, name=d.name)


def _copy_of_array(array, d):
    """A copy of a NumPy array as PyTorch's tensor(ndarray) makes it: a dense
    array keeps its strides (a transposed array stays transposed), any other
    keeps the order of its dims in memory, without the gaps."""
    copy = empty_strided(array.shape, exact.layout.copy_strides(array.shape, _numpy_strides(array)), d)
    copy._data[...] = array  # the cast of an explicit dtype, unchecked as in PyTorch
    return copy


def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of `data`: nested lists or tuples of numbers,
    a number, a NumPy array or scalar, or a tensor."""
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than tinytorch.tensor(sourceTensor).",
            UserWarning, stacklevel=2,
        )
        out = data.detach().to(device=device or data.device, dtype=dtype or data.dtype, copy=True)
        return _finish(out, requires_grad)
    if isinstance(data, TypedStorage):  # its elements, copied
        d = dtypes.to_dtype(dtype) if dtype is not None else data.dtype
        if d is not data.dtype:
            raise RuntimeError(f"Expected a Storage of type {dtypes.type_name(d)} or an UntypedStorage, but got "
                               f"{dtypes.type_name(data.dtype)}")  # (torch's words differ from Tensor(storage)'s)
        whole = Tensor._make(data._storage, (len(data._storage),), (1,), 0)
        return _finish(whole.to(device=device or whole.device, copy=True), requires_grad)
    if isinstance(data, np.ndarray):
        d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.from_numpy_dtype(data.dtype)
        copy = _copy_of_array(data, d)
        memory_trace.copied(copy, data)
        return _finish(on_device(copy, to_device(device)), requires_grad)
    if isinstance(data, str):  # a str is a sequence to Python, never data to a tensor
        raise TypeError(f"new(): invalid data type '{python_type_name(data)}'")
    shape = _data_shape(data)
    d = dtypes.to_dtype(dtype) if dtype is not None else _infer_dtype(data)
    with np.errstate(over="ignore"):  # tensor([1e300], dtype=float32) is inf, silently, as in PyTorch
        array = np.array(_flatten_data(data, shape, d), dtype=d.numpy).reshape(shape)
    return _make(array, d, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor(), but shares memory when data already is a tensor or NumPy array of that dtype."""
    if isinstance(data, Tensor):
        return data.to(device=device or data.device, dtype=dtype or data.dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype).numpy == data.dtype) and device is None:
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with a NumPy array: writes on either side show on the other.

    The storage is the stretch of memory from the array's first element to its
    last, so a non-contiguous slice keeps its gaps and its strides (counted in
    elements instead of NumPy's bytes)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {python_type_name(array)})")
    d = dtypes.from_numpy_dtype(array.dtype)
    stride = _numpy_strides(array)
    if not array.flags.writeable:
        _warn_not_writable()
    extent = S.storage_extent(array.shape, stride)
    flat = np.lib.stride_tricks.as_strided(array, shape=(extent,), strides=(array.itemsize,), writeable=array.flags.writeable)
    return Tensor._make(Storage(flat, d, CPU, new_memory=False), array.shape, stride, 0)


def _numpy_strides(array):
    """A NumPy array's strides in elements, refusing what a tensor cannot describe."""
    itemsize = array.itemsize
    if any(s < 0 for s in array.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative strides are not "
            "currently supported. (You can probably work around this by making a copy of your array  with "
            "array.copy().) "
        )
    if any(s % itemsize for s in array.strides):
        raise ValueError(
            "given numpy array strides not a multiple of the element byte size. Copy the numpy array to "
            "reallocate the memory."
        )
    return tuple(s // itemsize for s in array.strides)


_warned_not_writable = False


def _warn_not_writable():
    global _warned_not_writable
    if _warned_not_writable:
        return
    _warned_not_writable = True  # once per program, as in PyTorch
    warnings.warn(exact.messages.NOT_WRITABLE_ARRAY, UserWarning, stacklevel=3)


def legacy_tensor(*args, device=None, **kwargs):
    """tinytorch.Tensor(...): PyTorch's legacy constructor, always of the default float type.
    Tensor(2, 3) has shape (2, 3); Tensor([1, 2]) holds the data; Tensor(storage) is a view of
    the whole storage; Tensor(t) is t under another name."""
    return _legacy(args, device, kwargs, dtypes.get_default_dtype(), typed=False)


def _legacy(args, device, kwargs, d, typed):
    """The legacy constructors: Tensor(...) (typed=False), or FloatTensor(...), its kin
    and t.new(...) (typed=True: a tensor or storage given must already be of dtype d)."""
    if kwargs:
        raise TypeError(_legacy_signature_error(args, kwargs))
    if len(args) > 1 and not is_index(args[0]):  # only a size comes as several values
        raise TypeError(_legacy_signature_error(args))
    if not args:
        return zeros(0, dtype=d, device=device)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, TypedStorage):
            data = data._storage
        if isinstance(data, UntypedStorage):  # bytes: read as d, over the same memory
            data = data._storage.as_dtype(d)
        if isinstance(data, Storage):
            if data.dtype is not d:
                raise RuntimeError(f"Expected a Storage of type {dtypes.type_name(d)} or an UntypedStorage, but got "
                                   f"type {dtypes.type_name(data.dtype)} for argument 1 'storage'")
            return Tensor._make(data, (len(data),), (1,), 0)
        if isinstance(data, Tensor):
            if typed and data.dtype is not d:
                raise TypeError(f"expected {_options(d, CPU)} (got {_options(data.dtype, data.device)})")
            return data.detach()
        if isinstance(data, Size):
            return zeros(data, dtype=d, device=device)
        if isinstance(data, np.ndarray) and data.dtype == d.numpy and to_device(device) is CPU:
            return from_numpy(data)  # an array of the constructor's dtype is shared, as in PyTorch
        if _is_sequence(data) or isinstance(data, str):
            return tensor(data, dtype=d, device=device)
        if not dtypes.is_int(data):
            raise TypeError(f"new(): data must be a sequence (got {python_type_name(data)})")
    return zeros(size_arg(args, "new"), dtype=d, device=device)


def _options(d, device):
    """How PyTorch prints a TensorOptions in the typed constructors' TypeError."""
    return (f"TensorOptions(dtype={dtypes.CPP_NAMES[d.name]}, device={device}, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), memory_format=(nullopt))")


class _TensorType(type):
    """tinytorch.FloatTensor and its kin (PyTorch's torch.tensortype): each is the
    legacy constructor of one dtype, and every CPU tensor of that dtype counts as
    an instance of it, as old code checks with isinstance(x, torch.FloatTensor)."""

    def __call__(cls, *args, device=None, **kwargs):
        return _legacy(args, device, kwargs, cls.dtype, typed=True)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls):
        return f"<class 'tinytorch.{cls.__name__}'>"


def _tensor_type(d):
    return _TensorType(d.storage_name.replace("Storage", "Tensor"), (), {"dtype": d, "__module__": "tinytorch"})


_TENSOR_TYPES = tuple(_tensor_type(d) for d in (dtypes.float32, dtypes.float64, dtypes.float16, dtypes.uint8,
                                                dtypes.int8, dtypes.int16, dtypes.int32, dtypes.int64, dtypes.bool_))
FloatTensor, DoubleTensor, HalfTensor, ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, BoolTensor = (
    _TENSOR_TYPES)


_warned_default_tensor_type = False


def set_default_tensor_type(t):
    """The legacy way to change the default dtype: set_default_tensor_type(tinytorch.DoubleTensor)
    (or its name as a string). Deprecated in PyTorch; use set_default_dtype."""
    global _warned_default_tensor_type
    if not _warned_default_tensor_type:  # once per process, as PyTorch warns it (TORCH_WARN_ONCE)
        _warned_default_tensor_type = True
        warnings.warn("tinytorch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                      "tinytorch.set_default_dtype() and tinytorch.set_default_device() as alternatives.",
                      UserWarning, stacklevel=2)
    if isinstance(t, str):
        name, t = t, {cls.__name__: cls for cls in _TENSOR_TYPES}.get(t.rsplit(".", 1)[-1])
        if t is None:
            raise TypeError(f"invalid type: '{name}'")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    dtypes.set_default_dtype(t.dtype)


def _legacy_signature_error(args, kwargs=None):
    """The parser's TypeError for a legacy constructor given keywords it does not take,
    or several arguments that are not a size."""
    got = [python_type_name(a) for a in args]
    if kwargs:
        got += [f"{k}={'tinytorch.dtype' if isinstance(v, dtypes.dtype) else python_type_name(v)}"
                for k, v in kwargs.items()]
        why = f"some of the keywords were incorrect: {', '.join(kwargs)}"
    else:
        got = [parser_type_name(a) for a in args]
        why = f"some of the arguments have invalid types: ({', '.join(f'!{parser_value_name(a)}!' for a in args)})"
    # The parser explains each signature with as many items as arguments were given, counting the "*".
    explained = lambda signature: (signature + f"\n      didn't match because {why}"
                                   if signature.count(",") + 1 == len(args) + len(kwargs or ()) else signature)
    return invalid_combination("new", got, [explained(signature) for signature in (
        "(*, tinytorch.device device = None)",
        "(tinytorch.Storage storage)",
        "(Tensor other)",
        "(tuple of ints size, *, tinytorch.device device = None)",
        "(object data, *, tinytorch.device device = None)",
    )])


# -- filled -----------------------------------------------------------------------
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of `size` with every element `fill_value`; its dtype follows the
    value's kind (bool, int64 or the default float) unless given."""
    return filled("full", size, fill_value, dtype, device, requires_grad)


def filled(name, size, fill_value, dtype, device, requires_grad):
    """full() under the name its errors give: full, or Tensor.new_full."""
    if not isinstance(fill_value, (bool, int, float, np.bool_, np.number)):
        raise TypeError(f"{name}(): argument 'fill_value' (position 2) must be Number, not "
                        f"{python_type_name(fill_value)}")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"{name}(): argument 'size' (position 1) must be tuple of ints, not {python_type_name(size)}")
    if dtype is not None:
        d = dtypes.to_dtype(dtype)
    else:  # only a Python bool makes bool, and only an integer makes int64
        d = (dtypes.bool_ if isinstance(fill_value, bool) else dtypes.int64 if isinstance(fill_value, (int, np.integer))
             else dtypes.get_default_dtype())
    value = dtypes.checked_scalar(fill_value, d)
    return _make(np.full(size_arg((size,), name), value, dtype=d.numpy), d, device, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return constant("zeros", size, 0, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    return constant("ones", size, 1, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    # Zero-filled: "uninitialized" memory would make lessons print different numbers on every run.
    return constant("empty", size, 0, dtype, device, requires_grad)


def constant(name, size, value, dtype, device, requires_grad):
    """zeros(), ones() or empty() (value 0, 1, 0) under the name their errors give (new_zeros ...)."""
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _make(np.full(size_arg(size, name), value, dtype=d.numpy), d, device, requires_grad)


_EYE_SIGNATURES = [f"(int n, *, Tensor out = None, {TENSOR_OPTIONS})",
                   f"(int n, int m, *, Tensor out = None, {TENSOR_OPTIONS})"]


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix (square when m is not given)."""
    if not is_index(n):
        raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {python_type_name(n)}")
    if m is not None and not is_index(m):
        raise TypeError(invalid_combination("eye", [parser_type_name(n), parser_type_name(m)], _EYE_SIGNATURES))
    n, m = int(n), (None if m is None else int(m))
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    return _make(np.eye(n, n if m is None else m, dtype=d.numpy), d, device, requires_grad)


def _like(t, dtype, device, requires_grad, fill):
    """A new tensor shaped like t and laid out like t in memory (a transposed
    t gives a transposed result, as in PyTorch). `fill(n, d)` gives the n
    values of its storage as a NumPy array of dtype d."""
    d = dtypes.to_dtype(dtype) if dtype is not None else t.dtype
    shape = t._shape
    stride = exact.layout.copy_strides(shape, t._stride)
    flat = fill(S.storage_extent(shape, stride), d)
    on_cpu = Tensor._make(Storage(flat, d, CPU), shape, stride, 0)
    return _finish(on_device(on_cpu, to_device(t.device if device is None else device)), requires_grad)


def zeros_like(t, *, dtype=None, device=None, requires_grad=False):
    return _like(t, dtype, device, requires_grad, lambda n, d: np.zeros(n, dtype=d.numpy))


def ones_like(t, *, dtype=None, device=None, requires_grad=False):
    return _like(t, dtype, device, requires_grad, lambda n, d: np.ones(n, dtype=d.numpy))


def empty_like(t, *, dtype=None, device=None, requires_grad=False):
    return zeros_like(t, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t, fill_value, *, dtype=None, device=None, requires_grad=False):
    d = dtypes.to_dtype(dtype) if dtype is not None else t.dtype
    value = dtypes.checked_scalar(fill_value, d)
    return _like(t, d, device, requires_grad, lambda n, d: np.full(n, value, dtype=d.numpy))


# -- ranges -----------------------------------------------------------------------
def _range_dtype(dtype, fn, default):
    d = dtypes.to_dtype(dtype) if dtype is not None else default
    if d is dtypes.bool_:
        raise NotImplementedError(f"\"{fn}_cpu\" not implemented for 'Bool'")
    return d


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive) by step. Integer
    arguments give int64; any float argument gives the default float type."""
    if end is None:
        start, end = 0, start
    start, end, step = (as_number(v, "arange", n) for v, n in ((start, "start"), (end, "end"), (step, "step")))
    floats = any(isinstance(v, float) for v in (start, end, step))
    d = _range_dtype(dtype, "arange", dtypes.get_default_dtype() if floats else dtypes.int64)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if d.is_floating_point:  # start + i*step, rounded as PyTorch's vectorized kernel rounds it
        values = exact.ranges.arange_values(start, end, step, d)
    else:
        values = _int_range(start, end, step, d)
    return _make(values, d, device, requires_grad)


def _int_range(start, end, step, d):
    """Integer ranges count exactly, from start and step cut to integers."""
    first, stride = int(start), int(step)
    if d is dtypes.int64:
        if stride == 0:
            raise ValueError("step must be nonzero")
        sign = 1 if stride > 0 else -1
        n = _c_divide(int(end) - first + stride - sign, stride)
    else:
        n = math.ceil((end - start) / step)
    return (first + stride * np.arange(n, dtype=np.int64)).astype(d.numpy)


def _c_divide(a, b):
    """Integer division rounding toward zero, like C (Python's // rounds down)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """`steps` values evenly spaced from start to end, both included."""
    start, end = as_number(start, "linspace", "start"), as_number(end, "linspace", "end")
    if not dtypes.is_int(steps):
        got = [python_type_name(v) for v in (start, end, steps)]
        raise TypeError(invalid_combination("linspace", got, [
            f"({a} start, {b} end, int steps, *, Tensor out = None, {TENSOR_OPTIONS})"
            for a, b in (("Tensor", "Tensor"), ("Number", "Tensor"), ("Tensor", "Number"), ("Number", "Number"))
        ]))
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _range_dtype(dtype, "linspace", dtypes.get_default_dtype())
    # start + i*(end - start)/(steps - 1), rounded as PyTorch's kernel rounds it
    return _make(exact.ranges.linspace_values(start, end, steps, d), d, device, requires_grad)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False):
    """base ** x for `steps` values x evenly spaced from start to end (both included)."""
    start, end = as_number(start, "logspace", "start"), as_number(end, "logspace", "end")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _range_dtype(dtype, "logspace", dtypes.get_default_dtype())
    exponents = exact.ranges.linspace_values(start, end, steps, dtypes.float64)
    with np.errstate(all="ignore"):
        values = np.power(float(base), exponents)
    return _make(values.astype(d.numpy), d, device, requires_grad)


# -- random -----------------------------------------------------------------------
def _random_dtype(dtype, kernel, floating=True):
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()
    if floating and not d.is_floating_point:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{dtypes.type_name(d)}'")
    return d


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1)."""
    d = _random_dtype(dtype, "check_uniform_bounds")
    shape = size_arg(size, "rand")
    values = random.generator(to_device(device), generator).uniform(math.prod(shape), d)
    return _make(values.astype(d.numpy).reshape(shape), d, device, requires_grad)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal: mean 0, standard deviation 1."""
    d = _random_dtype(dtype, "normal_kernel_cpu")
    shape = size_arg(size, "randn")
    n = math.prod(shape)
    values = random.generator(to_device(device), generator).normal(n, d, in_blocks=n >= 16)
    return _make(values.reshape(shape), d, device, requires_grad)


# The dtypes whose limits randint checks its bounds against (any int64 bound fits int64, float32, float64).
_RANDINT_CHECKED = (dtypes.int8, dtypes.int16, dtypes.int32, dtypes.uint8, dtypes.bool_, dtypes.float16)


# randint's signatures, as torch's parser lists them.
_RANDINT_SIGNATURES = [
    f"({bounds}, tuple of ints size, *, {generator}Tensor out = None, {TENSOR_OPTIONS})"
    for bounds in ("int high", "int low, int high") for generator in ("tinytorch.Generator generator, ", "")
]


def randint(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False, **bounds):
    """Integers drawn uniformly from [low, high): randint(high, size) or randint(low, high, size)."""
    low, high, shape = _randint_arguments(args, bounds, size)
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    check_random_range(low, high, d)
    values = random.generator(to_device(device), generator).integers(math.prod(shape), low, high, d)
    return _make(values.astype(d.numpy).reshape(shape), d, device, requires_grad)


def _randint_arguments(args, bounds, size):
    """(low, high, shape) from randint(high, size) or randint(low, high, size), by position
    or keyword, read as torch's parser reads them, with its TypeErrors."""
    if "low" in bounds and "high" not in bounds and not args:
        raise TypeError('randint() missing 2 required positional argument: "high", "size"')  # (torch's words)
    given = list(args) + [bounds[name] for name in ("low", "high") if name in bounds]
    size_position = None  # (a size given by keyword has no position in the messages)
    if size is None and len(given) in (2, 3) and (len(given) == 2 or isinstance(given[2], (tuple, list))):
        size, given, size_position = given[-1], given[:-1], len(given)
    fits = (not set(bounds) - {"low", "high"} and size is not None and len(given) in (1, 2)
            and not ("low" in bounds and args)  # (a positional value is low already)
            and (len(given) == 1 or all(is_index(value) for value in given)))
    if not fits:
        by_keyword = dict(bounds, **({"size": size} if size is not None and size_position is None else {}))
        got = parser_arguments(args, by_keyword)
        raise TypeError(invalid_combination("randint", got + [""] * (not args), _RANDINT_SIGNATURES))
    if not is_index(given[0]):
        raise TypeError(f"randint(): argument 'high' (position 1) must be int, not {python_type_name(given[0])}")
    sequence = isinstance(size, (tuple, list))
    by_keyword_and_bad = sequence and size_position is None and size and not is_index(size[0])  # (torch names it)
    if not sequence or by_keyword_and_bad:
        where = "" if size_position is None else f" (position {size_position})"
        raise TypeError(f"randint(): argument 'size'{where} must be tuple of ints, not {python_type_name(size)}")
    shape = size_arg((size,), "randint", size_position)
    bounds = [int(value) for value in given]
    return (0, bounds[0], shape) if len(bounds) == 1 else (bounds[0], bounds[1], shape)


def check_random_range(low, high, d):
    """random_'s checks of [low, high) for dtype d (randint is empty(...).random_(low, high) in torch)."""
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if d in _RANDINT_CHECKED:
        lowest, highest = dtypes.limits(d)
        if low < lowest:
            raise RuntimeError(f"from is out of bounds for {dtypes.CPP_NAMES[d.name]}")
        if high - 1 > highest:
            raise RuntimeError(f"to - 1 is out of bounds for {dtypes.CPP_NAMES[d.name]}")


def rand_like(t, *, dtype=None, device=None, requires_grad=False):
    d = _random_dtype(t.dtype if dtype is None else dtype, "check_uniform_bounds")
    gen = random.generator(to_device(device if device is not None else t.device))
    return _like(t, d, device, requires_grad, lambda n, d: gen.uniform(n, d).astype(d.numpy))


def randn_like(t, *, dtype=None, device=None, requires_grad=False):
    d = _random_dtype(t.dtype if dtype is None else dtype, "normal_kernel_cpu")
    gen = random.generator(to_device(device if device is not None else t.device))
    # torch makes normals in blocks only for a contiguous result; a result laid out like
    # a transposed t gets them one by one, in memory order
    dense = S.is_contiguous(t._shape, exact.layout.copy_strides(t._shape, t._stride))
    return _like(t, d, device, requires_grad, lambda n, d: gen.normal(n, d, in_blocks=dense and n >= 16))


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    """The integers 0 .. n-1 in a random order."""
    if not is_index(n):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {python_type_name(n)}")
    shape = size_arg((n,), "randperm")
    d = dtypes.to_dtype(dtype) if dtype is not None else dtypes.int64
    values = random.generator(to_device(device), generator).permutation(shape[0])
    return _make(values.astype(d.numpy), d, device, requires_grad)


__all__ = [
    "Size", "tensor", "as_tensor", "from_numpy", "legacy_tensor", "full", "zeros", "ones", "empty", "eye",
    "zeros_like", "ones_like", "empty_like", "full_like", "arange", "linspace", "rand", "randn", "randint",
    "rand_like", "randn_like", "randperm", "logspace", "set_default_tensor_type", "FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor",
    "ShortTensor", "IntTensor", "LongTensor", "BoolTensor",
]


# -- positions of a triangle ----------------------------------------------------------------
def tril_indices(row, col, offset=0, *, dtype=None, device=None, requires_grad=False):
    """The (row, column) positions of a row x col matrix's lower triangle (on or below
    the diagonal `offset`), as a 2 x N tensor in reading order: m[tuple(idx)] picks them."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, device, requires_grad)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, requires_grad=False):
    """The positions of the upper triangle (on or above the diagonal `offset`), as tril_indices."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, device, requires_grad)


def _triangle_indices(name, row, col, offset, dtype, device, requires_grad):
    for position, (argument, value) in enumerate((("row", row), ("col", col), ("offset", offset)), 1):
        if not dtypes.is_int(value):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be int, not "
                            f"{python_type_name(value)}")
    for argument, value in (("row", row), ("col", col)):
        if value < 0:
            raise RuntimeError(f"{argument} must be non-negative, got{value}")
    d = dtypes.int64 if dtype is None else dtypes.to_dtype(dtype)
    if d not in (dtypes.int64, dtypes.int32):
        raise NotImplementedError(f"\"{name}\" not implemented for '{dtypes.type_name(d)}'")
    rows, cols = np.indices((row, col)).reshape(2, -1)
    keep = cols - rows <= offset if name == "tril_indices" else cols - rows >= offset
    return _make(np.stack([rows[keep], cols[keep]]).astype(d.numpy), d, device, requires_grad)
