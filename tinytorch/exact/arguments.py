"""How PyTorch reads the arguments of a call, and what it says when they are wrong.

tinytorch's functions take their arguments the Python way. PyTorch's are
parsed by one C++ parser (torch/csrc/utils/python_arg_parser.cpp) that
accepts a few more spellings and words its TypeErrors its own way. A learner
may skip this module: it only makes `zeros(2, 3)`, `zeros((2, 3))` and a
mistaken `zeros(2.5)` behave exactly as in torch.

- size_arg / shape_arg: a shape given as separate ints, as one tuple or list,
  or (size_arg) with a 0-d integer tensor among the ints;
- as_number: a range bound (arange, linspace) as a Python number;
- python_type_name, parser_type_name: how the parser names a value's type;
- invalid_combination: the message for arguments that fit none of a
  function's signatures; not_tensor_then_number, the one binary ops share.

Pinned by tests/test_errors_oracle.py and tests/test_creation_oracle.py,
which compare the exception type and text with torch's.
"""
import operator

import numpy as np

from .. import dtypes
from ..strides import list_repr


def python_type_name(obj):
    """A Python object's type as PyTorch names it in messages: list, numpy.float32, ..."""
    name = type(obj).__name__
    return "numpy." + name if type(obj).__module__ == "numpy" else name


def parser_type_name(value):
    """An argument's type as the parser names it in "got (...)" of invalid_combination:
    python_type_name, but Tensor for a tensor and tinytorch's own types by their names."""
    if hasattr(value, "_storage"):
        return "Tensor"
    name = type(value).__name__
    if type(value).__module__.startswith("tinytorch"):
        return "tinytorch._C.Generator" if name == "Generator" else f"tinytorch.{name}"
    return python_type_name(value)


# The keyword options of PyTorch's creation functions, as its parser lists them in a signature.
TENSOR_OPTIONS = ("tinytorch.dtype dtype = None, tinytorch.layout layout = None, tinytorch.device device = None, "
                  "bool pin_memory = False, bool requires_grad = False")


def invalid_combination(function, got, signatures):
    """PyTorch's TypeError text when arguments fit none of `function`'s
    signatures: `got` names the argument types, one signature per line
    (a signature may carry the parser's "didn't match because" line)."""
    return (
        f"{function}() received an invalid combination of arguments - got ({', '.join(got)}), but expected one of:\n"
        + "".join(f" * {signature}\n" for signature in signatures)
    )


def is_tensor_or_number(value):
    """What a binary op's `other` may be: a tensor (anything with a dtype and a
    shape), or a Python or NumPy number."""
    return hasattr(value, "_storage") or isinstance(value, (bool, int, float, np.number, np.bool_))


def not_tensor_then_number(function, args):
    """The TypeError of a binary op (eq, gt, fmod, ...) called with something
    other than (Tensor, Tensor) or (Tensor, Number)."""
    got = ["Tensor" if hasattr(v, "_storage") else python_type_name(v) for v in args]
    return TypeError(invalid_combination(function, got, [
        "(Tensor input, Tensor other, *, Tensor out = None)", "(Tensor input, Number other, *, Tensor out = None)"]))


def _is_int_tensor_scalar(value):
    """A 0-d integer tensor, which the parser accepts where an int is expected."""
    return callable(getattr(value, "dim", None)) and value.dim() == 0 and not value.dtype.is_floating_point


def size_arg(size, function):
    """zeros(2, 3), zeros((2, 3)) and zeros([2, 3]) all mean shape (2, 3);
    anything else gets the TypeError PyTorch's parser gives `function`."""
    if not size:
        raise TypeError(f'{function}() missing 1 required positional arguments: "size"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    elif len(size) == 1 and not dtypes.is_int(size[0]) and not callable(getattr(size[0], "dim", None)):
        raise TypeError(
            f"{function}(): argument 'size' (position 1) must be tuple of ints, not {python_type_name(size[0])}"
        )
    for pos, s in enumerate(size, 1):
        if not dtypes.is_int(s) and not _is_int_tensor_scalar(s):
            raise TypeError(
                f"{function}(): argument 'size' failed to unpack the object at pos {pos} with error \"type must be "
                f"tuple of ints,but got {python_type_name(s)}\""
            )
    size = tuple(int(s) for s in size)
    if any(s < 0 for s in size):
        if function == "zeros":  # zeros checks its sizes itself, in its own words
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        bad = next(s for s in size if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list_repr(size)}")
    return size


def shape_arg(shape, function="view", name="size"):
    """view(2, 3), view((2, 3)) and view(tinytorch.Size) all mean the same;
    view() with nothing is an error (view(()) is the 0-d shape)."""
    if not shape:
        if function == "view":
            raise TypeError(invalid_combination("view", [], ["(tinytorch.dtype dtype)", "(tuple of ints size)"]))
        raise TypeError(f'{function}() missing 1 required positional arguments: "{name}"')
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return tuple(operator.index(s) for s in shape)


def as_number(value, function, name):
    """A Python number from a range argument (a 0-d tensor counts), with PyTorch's TypeError."""
    if callable(getattr(value, "item", None)) and not isinstance(value, (np.generic, np.ndarray)):
        return value.item()  # a tensor
    if not isinstance(value, (bool, int, float, np.bool_, np.number)):
        raise TypeError(f"{function}(): argument '{name}' must be Number, not {python_type_name(value)}")
    return value.item() if isinstance(value, np.generic) else value
