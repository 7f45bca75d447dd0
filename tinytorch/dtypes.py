"""Element types, and PyTorch's rules for which one an operation produces.

A dtype says how many bytes one element takes and how to read them. Each
tinytorch dtype wraps the NumPy dtype that stores it, so the arithmetic is
NumPy's, while the *choice* of result type follows PyTorch, which differs from
NumPy: `int32_tensor + 2.5` is float32 in PyTorch, float64 in NumPy.
"""
import numpy as np

# Categories, ordered: a higher category always wins a promotion.
BOOL, INTEGER, FLOATING = 0, 1, 2


class dtype:
    """One element type. Compare with `is` or `==`; there is one object per type."""

    __slots__ = ("name", "numpy", "itemsize", "category", "storage_name")

    def __init__(self, name, numpy_dtype, category, storage_name):
        self.name = name
        self.numpy = np.dtype(numpy_dtype)
        self.itemsize = self.numpy.itemsize
        self.category = category
        # The legacy storage class name PyTorch prints: FloatStorage, LongStorage, ...
        self.storage_name = storage_name

    @property
    def is_floating_point(self):
        return self.category == FLOATING

    @property
    def is_signed(self):
        return self.name not in ("uint8", "bool")

    def __repr__(self):
        return f"tinytorch.{self.name}"

    def __reduce__(self):
        # Pickling a dtype (e.g. inside a checkpoint's metadata) restores the same object.
        return (_by_name, (self.name,))


float32 = dtype("float32", np.float32, FLOATING, "FloatStorage")
float64 = dtype("float64", np.float64, FLOATING, "DoubleStorage")
float16 = dtype("float16", np.float16, FLOATING, "HalfStorage")
int64 = dtype("int64", np.int64, INTEGER, "LongStorage")
int32 = dtype("int32", np.int32, INTEGER, "IntStorage")
int16 = dtype("int16", np.int16, INTEGER, "ShortStorage")
int8 = dtype("int8", np.int8, INTEGER, "CharStorage")
uint8 = dtype("uint8", np.uint8, INTEGER, "ByteStorage")
bool_ = dtype("bool", np.bool_, BOOL, "BoolStorage")

ALL_DTYPES = (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)

# PyTorch's aliases: torch.float is float32, torch.long is int64, and so on.
ALIASES = {
    "float": float32, "double": float64, "half": float16,
    "long": int64, "int": int32, "short": int16,
}

_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NUMPY = {d.numpy: d for d in ALL_DTYPES}


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The tinytorch dtype that stores NumPy's `np_dtype`, or TypeError like torch.from_numpy."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype).type.__name__}. The only supported types "
            "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


def to_dtype(value):
    """Accept a tinytorch dtype, a NumPy dtype, or a Python type (float, int, bool) as PyTorch does."""
    if isinstance(value, dtype):
        return value
    if value is float:  # a Python float is a double, whatever the default dtype
        return float64
    if value is int:
        return int64
    if value is bool:
        return bool_
    try:
        return from_numpy_dtype(value)
    except TypeError:
        raise TypeError(f"expected a tinytorch dtype, but got {value!r}") from None


_default_dtype = float32


def get_default_dtype():
    return _default_dtype


def set_default_dtype(d):
    global _default_dtype
    if not (isinstance(d, dtype) and d.is_floating_point):
        raise TypeError("only floating-point types are supported as the default type")
    _default_dtype = d


def type_name(d):
    """PyTorch's short name of a dtype in messages: Float, Long, Bool, ..."""
    return d.storage_name.removesuffix("Storage")


# The C++ type names PyTorch prints in two messages. They differ (int64 is
# "int64_t" in one and "long int" in the other): the first spells the type as
# PyTorch's source does, the second as the C++ compiler names it at run time.
# When a scalar does not fit a dtype (check_fits):
_C_TYPE_NAMES = {"int64": "int64_t", "int32": "int", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t",
                 "float16": "c10::Half", "float32": "float", "float64": "double"}
# When mm's operands differ in dtype (ops/linalg.py), or a .grad of another dtype is assigned:
CPP_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
             "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}


def _limits(d):
    if d is bool_:
        return 0, 1
    if d.is_floating_point:
        info = np.finfo(d.numpy)
        return float(info.min), float(info.max)
    info = np.iinfo(d.numpy)
    return int(info.min), int(info.max)


_LIMITS = {d: _limits(d) for d in ALL_DTYPES}


def limits(d):
    """The lowest and highest value dtype `d` holds, as Python numbers:
    (-128, 127) for int8, (-65504.0, 65504.0) for float16, (0, 1) for bool."""
    return _LIMITS[d]


def fits(value, d):
    """Whether PyTorch accepts the number `value` for dtype `d` where it checks
    (fill_, full, clamp's bounds, pow's exponent, the ints of tensor(data)):
    in d's limits, except that inf and nan fit a floating type, and uint8
    also takes negative ints down to -255 (they wrap around, as in C)."""
    if d is bool_:
        return True
    lowest, highest = limits(d)
    if d.is_floating_point:
        return not highest < abs(float(value)) < float("inf")  # inf and nan fit
    if isinstance(value, (float, np.floating)):
        return lowest <= value <= highest  # nan fails both comparisons
    if d is uint8:
        lowest = -highest
    return lowest <= int(value) <= highest


def check_fits(value, d, name=None):
    """Raise PyTorch's error if the number `value` does not fit dtype `d` (see
    fits). The message names d as C++ does (uint8_t), or as `name`: tensor(data)
    names the dtype itself (uint8)."""
    if not fits(value, d):
        raise RuntimeError(f"value cannot be converted to type {name or _C_TYPE_NAMES[d.name]} without overflow")


def checked_scalar(value, d, name=None):
    """A Python number as one element of dtype `d`, refusing a value that does
    not fit (see check_fits), as PyTorch does when it fills a tensor with a
    scalar. Floats are truncated toward zero for integer types; uint8 takes a
    negative int modulo 256, like C."""
    check_fits(value, d, name)
    if d is bool_:
        return bool(value)
    if d.is_floating_point:
        return float(value)
    if isinstance(value, (float, np.floating)):
        return int(value)
    return int(value) % 256 if d is uint8 else int(value)


def can_cast(from_, to):
    """Whether PyTorch casts from_ to `to` silently in an in-place op or out=: never
    to a lower category (float to int, int to bool), within a category always."""
    from_, to = dtype_argument("can_cast", "from_", 1, from_), dtype_argument("can_cast", "to", 2, to)
    return from_.category <= to.category


def dtype_argument(function, name, position, value):
    """A dtype argument of a function of dtypes, read as torch's parser reads it: a dtype,
    or a Python type standing for one (float is float64); anything else is a TypeError."""
    if not isinstance(value, dtype) and value not in (bool, int, float):
        from .exact.arguments import python_type_name  # (exact.arguments reads this module)
        raise TypeError(f"{function}(): argument '{name}' (position {position}) must be tinytorch.dtype, not "
                        f"{python_type_name(value)}")
    return to_dtype(value)


def promote_types(a, b):
    """PyTorch's promotion of two dtypes: the higher category wins outright
    (int64 with float16 is float16); within one category the wider type wins,
    and uint8 with int8 needs int16, which NumPy already gets right."""
    if a is b:
        return a
    if not (isinstance(a, dtype) and isinstance(b, dtype)):
        a, b = dtype_argument("promote_types", "type1", 1, a), dtype_argument("promote_types", "type2", 2, b)
    if a.category != b.category:
        return a if a.category > b.category else b
    return _BY_NUMPY[np.promote_types(a.numpy, b.numpy)]


def is_int(value):
    """A Python or NumPy integer, and not a bool (which Python counts as an int)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def scalar_category(value):
    """The category of a Python number; bool is checked first since bool is a subclass of int."""
    if isinstance(value, (bool, np.bool_)):
        return BOOL
    if isinstance(value, (int, np.integer)):
        return INTEGER
    return FLOATING


def _default_for(category):
    return (bool_, int64, get_default_dtype())[category]


def result_type(*operands):
    """The dtype an elementwise op gives for tensors and Python scalars, as torch.result_type.

    Operands have three priorities: tensors with dimensions, zero-dim tensors,
    then Python scalars. A lower-priority operand changes the result only when it
    is of a higher category, e.g. `int_tensor + 2.5` is float32 while
    `float16_tensor + 2.5` stays float16.
    """
    dims = zero_dims = scalars = None
    for op in operands:
        if hasattr(op, "dtype") and hasattr(op, "dim"):
            if op.dim():
                dims = op.dtype if dims is None else promote_types(dims, op.dtype)
            else:
                zero_dims = op.dtype if zero_dims is None else promote_types(zero_dims, op.dtype)
        else:
            cat = _default_for(scalar_category(op))
            scalars = cat if scalars is None else promote_types(scalars, cat)
    result = None
    for tier in (dims, zero_dims, scalars):
        if tier is None:
            continue
        if result is None:
            result = tier
        elif tier.category > result.category:
            # A zero-dim tensor keeps its own width; a scalar brings the default type.
            result = tier
    return result
