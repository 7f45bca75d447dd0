"""Keywords PyTorch's argument parser accepts beyond each function's own names.

Mirrors torch/csrc/utils/python_arg_parser.cpp (tests: test_keywords_oracle.py):
- NumPy's names, for code written against NumPy: axis= for dim=, keepdims= for
  keepdim= (t.sum(axis=0, keepdims=True)), on the functions torch's C++ parser
  reads (not on those torch writes in Python: norm, split, unique);
- a sequence given by its keyword where it is otherwise given value by value:
  size= for the creation functions (tinytorch.zeros(size=(2, 3))), dims= for
  permute and flip;
- layout= and pin_memory=, which every creation function takes: tinytorch has
  only the strided layout and no pinned memory, so these accept what changes
  nothing and refuse the rest as torch does where it lacks them;
- out=, on the functions of the tinytorch namespace (not on methods): the result
  is written into the given tensor, which is resized when its shape differs
  (with PyTorch's deprecation warning if it held elements), and returned. Like
  PyTorch, out= refuses to take part in autograd.
And what the parser says when arguments fit none of a function's several signatures
(overloaded: rand and randn, which the book calls with names=, a keyword torch 2.13
dropped), where Python would say "got an unexpected keyword argument".
"""
import functools
import inspect
import warnings

from ..dtypes import type_name
from .arguments import TENSOR_OPTIONS, invalid_combination, is_index, parser_arguments, parser_type_name
from .layout import is_non_overlapping_and_dense

ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))


def numpy_names(fn):
    """fn, also accepting axis= and keepdims=."""
    @functools.wraps(fn)
    def accepting(*args, **kwargs):
        if kwargs:
            for alias, name in ALIASES:
                if alias in kwargs:
                    if name in kwargs:
                        raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{alias}'")
                    kwargs[name] = kwargs.pop(alias)
        return fn(*args, **kwargs)
    return accepting


def sequence_keyword(name, fixed=0):
    """A decorator: fn(*fixed_args, *values), also accepting the values as one keyword,
    name=(...): zeros(size=(2, 3)), t.permute(dims=(1, 0)), t.new_zeros(size=(2,))."""
    def wrap(fn):
        @functools.wraps(fn)
        def accepting(*args, **kwargs):
            if name in kwargs:
                if len(args) > fixed:
                    raise TypeError(f"{fn.__name__}() got multiple values for argument '{name}'")
                args = args + (kwargs.pop(name),)
            return fn(*args, **kwargs)
        return accepting
    return wrap


size_keyword = sequence_keyword("size")


def memory_options(fn, takes_layout=True):
    """fn, also accepting layout= and pin_memory=, as PyTorch's creation functions do:
    zeros(2, layout=tinytorch.strided). tensor() (takes_layout=False) takes no layout=,
    and its pin_memory= must be a bool, where the others also take None."""
    @functools.wraps(fn)
    def accepting(*args, pin_memory=False, **kwargs):
        if not takes_layout and "layout" in kwargs:
            raise TypeError(f"{fn.__name__}() got an unexpected keyword argument 'layout'")
        layout = kwargs.pop("layout", None)
        if pin_memory is None and takes_layout:
            pin_memory = False
        from ..tensor import layout as layout_type  # (here: the Tensor class itself uses this decorator)
        if layout is not None and not isinstance(layout, layout_type):
            raise TypeError(f"{fn.__name__}(): argument 'layout' must be tinytorch.layout, not {parser_type_name(layout)}")
        if not isinstance(pin_memory, bool):
            raise TypeError(f"{fn.__name__}(): argument 'pin_memory' must be bool, not {parser_type_name(pin_memory)}")
        if pin_memory:  # page-locked host memory only speeds up copies to a GPU
            from .. import cuda
            if cuda.is_available():
                raise NotImplementedError("pin_memory=True: tinytorch does not allocate pinned memory")
            raise RuntimeError("pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
                               "allocator is available on this system.")
        return fn(*args, **kwargs)
    return accepting


def with_out(fn, numpy_aliases=True):
    """fn, also accepting out= (and NumPy's names, unless numpy_aliases=False)."""
    fn = numpy_names(fn) if numpy_aliases else fn

    @functools.wraps(fn)
    def accepting(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return write_out(fn.__name__, fn, args, kwargs, out)
    return accepting


# torch's reductions that take out='s dtype as their dtype= (sum(x, 0, out=long) sums x cast to int64),
# and those that insist on the input's dtype.
_OUT_IS_DTYPE = ("sum", "nansum", "prod", "cumsum", "cumprod")
_OUT_DTYPE_MUST_MATCH = ("amax", "amin")


def write_out(name, fn, args, kwargs, out):
    from ..autograd import grad_mode
    from ..ops.inplace import check_cast
    from ..tensor import Tensor
    outs = out if isinstance(out, (tuple, list)) else (out,)
    inputs = [x for x in list(args) + list(kwargs.values()) if isinstance(x, Tensor)]
    if grad_mode.state.enabled and any(t.requires_grad for t in inputs + list(outs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
    target_dtype = outs[0].dtype
    if name in _OUT_IS_DTYPE and "dtype" not in kwargs and inputs and inputs[0].dtype is not target_dtype:
        kwargs = dict(kwargs, dtype=target_dtype)  # computed in out's dtype, the input cast first, as torch does
    if name in _OUT_DTYPE_MUST_MATCH and inputs and inputs[0].dtype is not target_dtype:
        raise RuntimeError(f"Expected the dtype for input and out to match, but got {type_name(inputs[0].dtype)} for "
                           f"input's dtype and {type_name(target_dtype)} for out's dtype.")
    with grad_mode.no_grad():
        result = fn(*args, **kwargs)
        results = result if isinstance(result, tuple) else (result,)
        for target, value in zip(outs, results):
            check_cast(value.dtype, target)
            if target.shape != value.shape:
                if target.numel() and name == "arange":  # arange words it its own way
                    warnings.warn(
                        f"The number of elements in the out tensor of shape {list(target.shape)} is {target.numel()} "
                        f"which does not match the computed number of elements {value.numel()}. Note that this may "
                        "occur as a result of rounding error. The out tensor will be resized to a tensor of shape "
                        f"{tuple(value.shape)}.", UserWarning, stacklevel=4)
                elif target.numel():
                    warnings.warn(
                        f"An output with one or more elements was resized since it had shape {list(target.shape)}, "
                        f"which does not match the required output shape {list(value.shape)}. This behavior is "
                        "deprecated, and in a future PyTorch release outputs will not be resized unless they have "
                        "zero elements. You can explicitly reuse an out tensor t by resizing it, inplace, to zero "
                        "elements with t.resize_(0).", UserWarning, stacklevel=4)
                target.resize_(value.shape)
                if is_non_overlapping_and_dense(value._shape, value._stride):
                    target.as_strided_(value.shape, value.stride())  # a resized out takes the result's layout
            target.copy_(value)
    if hasattr(result, "indices") and isinstance(out, (tuple, list)):  # max(dim), sort ...: a named pair
        return type(result)(result._name + "_out", *out)
    return out


# PyTorch's signatures of rand and randn, as its parser lists them (torch.* renamed tinytorch.*).
RANDOM_SIZE_SIGNATURES = (
    f"(tuple of ints size, *, tinytorch.Generator generator, Tensor out = None, {TENSOR_OPTIONS})",
    f"(tuple of ints size, *, Tensor out = None, {TENSOR_OPTIONS})",
)


def overloaded(fn, signatures):
    """fn, which answers arguments that fit none of its `signatures` as the parser does
    for a function with several: an unknown keyword, no size, or several values for a
    size that do not start with an int. "randn() received an invalid combination of arguments -
    got (int, int, names=tuple), but expected one of: ...". The parser lists the
    keywords in the order of a C++ hash map; for two or three this is mostly the reverse
    of the order given, which is the order used here."""
    accepted = set(inspect.signature(fn).parameters) | {"out", "size", "layout", "pin_memory"}

    @functools.wraps(fn)
    def accepting(*args, **kwargs):
        unknown_keyword = not accepted.issuperset(kwargs)
        no_size = not args and "size" not in kwargs
        if unknown_keyword or no_size or (len(args) > 1 and not is_index(args[0])):
            got = parser_arguments(args, dict(reversed(kwargs.items())))
            raise TypeError(invalid_combination(fn.__name__, got, signatures))
        return fn(*args, **kwargs)
    return accepting
