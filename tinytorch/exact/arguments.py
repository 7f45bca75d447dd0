"""How PyTorch reads the arguments of a call, and what it says when they are wrong.

tinytorch's functions take their arguments the Python way. PyTorch's are
parsed by one C++ parser (torch/csrc/utils/python_arg_parser.cpp) that
accepts a few more spellings and words its TypeErrors its own way. A learner
may skip this module: it only makes `zeros(2, 3)`, `zeros((2, 3))` and a
mistaken `zeros(2.5)` behave exactly as in torch.

- int_list, size_arg, shape_arg: a shape given as separate ints, or as one
  tuple or list, read as the parser reads it (bools and 0-d integer tensors
  included where it takes them);
- as_number: a range bound (arange, linspace) as a Python number;
- python_type_name, parser_type_name, parser_value_name: how the parser names
  a value's type; parser_arguments, the types of the arguments it was given;
- invalid_combination: the message for arguments that fit none of a
  function's signatures; not_tensor_then_number, the one binary ops share.

Pinned by tests/test_errors_oracle.py and tests/test_creation_oracle.py,
which compare the exception type and text with torch's.
"""

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
    name = type(value).__name__
    if type(value).__module__ == "tinytorch.storage":  # torch's storage classes live in torch.storage
        return f"tinytorch.storage.{name}"
    if hasattr(value, "_storage"):
        return "Tensor"
    if type(value).__module__.startswith("tinytorch"):
        return "tinytorch._C.Generator" if name == "Generator" else f"tinytorch.{name}"
    return python_type_name(value)


def parser_value_name(value):
    """An argument as the parser marks it in "didn't match because some of the arguments
    have invalid types: (!list of [int, float]!, !int!)": a sequence with its items' types."""
    items = ", ".join(parser_type_name(item) for item in value) if isinstance(value, (tuple, list)) else None
    if isinstance(value, list):
        return f"list of [{items}]"
    if isinstance(value, tuple):  # written as Python writes a tuple: (int,) for one item
        items += "," if len(value) == 1 else ""
        return f"{'tinytorch.Size' if type(value).__name__ == 'Size' else 'tuple'} of ({items})"
    return parser_type_name(value)


def parser_arguments(args, keywords=None):
    """The "got (...)" list of invalid_combination: each positional argument's type,
    then name=type for each keyword, in the order given."""
    keywords = {} if keywords is None else keywords
    return ([parser_type_name(value) for value in args]
            + [f"{name}={parser_type_name(value)}" for name, value in keywords.items()])


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


def is_index(value):
    """What the parser takes as an int: a Python or NumPy int (not a bool), or an integer
    tensor of one element (of any number of dims), as Python's __index__ takes it."""
    if dtypes.is_int(value):
        return True
    return (hasattr(value, "_storage") and hasattr(value, "numel") and value.numel() == 1  # (a tensor only)
            and not value.dtype.is_floating_point and value.dtype.name != "bool")


def int_list(values, function, name="size", position=1):
    """The ints of a shape given as f(2, 3), f((2, 3)) or f([2, 3]), read as PyTorch's parser
    reads a `tuple of ints` argument. It decides the form by the first value alone (which
    must be an int, not a bool) and then converts the rest as Python ints, bools included:
    zeros(2, True) has shape (2, 1). Anything else gets the parser's TypeError."""
    if not values:
        raise TypeError(f'{function}() missing 1 required positional arguments: "{name}"')
    where = "" if position is None else f" (position {position})"  # (None: given by keyword)
    first = values[0]
    if len(values) == 1 and isinstance(first, (tuple, list)):
        values = first
        if values and not is_index(values[0]):
            raise TypeError(f"{function}(): argument '{name}'{where} must be tuple of ints, but found element "
                            f"of type {parser_type_name(values[0])} at pos 0")
    elif not is_index(first):
        if len(values) > 1:
            raise TypeError(f"{function}() takes 1 positional argument but {len(values)} were given")
        raise TypeError(f"{function}(): argument '{name}'{where} must be tuple of ints, not "
                        f"{python_type_name(first)}")
    for pos, value in enumerate(values, 1):
        if not (is_index(value) or isinstance(value, (bool, np.bool_))):
            raise TypeError(f"{function}(): argument '{name}' failed to unpack the object at pos {pos} with error "
                            f"\"type must be tuple of ints,but got {parser_type_name(value)}\"")
    return tuple(int(value) for value in values)


def size_arg(size, function, position=1):
    """The shape of a new tensor (int_list), which may not have a negative size."""
    size = int_list(size, function, position=position)
    if any(s < 0 for s in size):
        if function == "zeros":  # zeros checks its sizes itself, in its own words
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        bad = next(s for s in size if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list_repr(size)}")
    return size


VIEW_SIGNATURES = ("(tinytorch.dtype dtype)", "(tuple of ints size)")


def shape_arg(shape, function="view", name="size"):
    """view(2, 3), view((2, 3)) and view(tinytorch.Size) all mean the same (int_list);
    view() with nothing is an error (view(()) is the 0-d shape). view has a second
    signature, view(dtype), so its parser lists both when the shape is not one."""
    if function != "view" or (shape and is_index(shape[0])):
        return int_list(shape, function, name)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)) and (not shape[0] or is_index(shape[0][0])):
        return int_list(shape, function, name)
    got = parser_arguments(shape)
    why = ("\n      didn't match because some of the arguments have invalid types: "
           f"(!{parser_value_name(shape[0])}!)") if len(shape) == 1 else ""
    raise TypeError(invalid_combination("view", got, [signature + why for signature in VIEW_SIGNATURES]))


def as_number(value, function, name):
    """A Python number from a range argument (a 0-d tensor counts), with PyTorch's TypeError."""
    if callable(getattr(value, "item", None)) and not isinstance(value, (np.generic, np.ndarray)):
        return value.item()  # a tensor
    if not isinstance(value, (bool, int, float, np.bool_, np.number)):
        raise TypeError(f"{function}(): argument '{name}' must be Number, not {python_type_name(value)}")
    return value.item() if isinstance(value, np.generic) else value
