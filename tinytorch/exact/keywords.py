"""Keywords PyTorch's argument parser accepts beyond each function's own names.

Mirrors torch/csrc/utils/python_arg_parser.cpp (tests: test_keywords_oracle.py):
- NumPy's names, for code written against NumPy: axis= for dim=, keepdims= for
  keepdim= (t.sum(axis=0, keepdims=True)); size= for the creation functions
  that otherwise take sizes one by one (tinytorch.zeros(size=(2, 3)));
- out=, on the functions of the tinytorch namespace (not on methods): the result
  is written into the given tensor, which is resized when its shape differs
  (with PyTorch's deprecation warning if it held elements), and returned. Like
  PyTorch, out= refuses to take part in autograd.
"""
import functools
import warnings

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


def size_keyword(fn):
    """fn(*size), also accepting size=(2, 3)."""
    @functools.wraps(fn)
    def accepting(*args, **kwargs):
        if "size" in kwargs:
            if args:
                raise TypeError(f"{fn.__name__}() got multiple values for argument 'size'")
            args = (kwargs.pop("size"),)
        return fn(*args, **kwargs)
    return accepting


def with_out(fn):
    """fn, also accepting out= (and NumPy's names)."""
    fn = numpy_names(fn)

    @functools.wraps(fn)
    def accepting(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        return write_out(fn.__name__, fn, args, kwargs, out)
    return accepting


def write_out(name, fn, args, kwargs, out):
    from ..autograd import grad_mode
    from ..ops.inplace import check_cast
    from ..tensor import Tensor
    outs = out if isinstance(out, (tuple, list)) else (out,)
    inputs = [x for x in list(args) + list(kwargs.values()) if isinstance(x, Tensor)]
    if grad_mode.state.enabled and any(t.requires_grad for t in inputs + list(outs)):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, "
                           "but one of the arguments requires grad.")
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
            target.copy_(value)
    return out
