"""Variable: how PyTorch 0.3 put a tensor into autograd, kept so that old code runs.

Before PyTorch 0.4 a tensor could not require grad: it was wrapped in a
Variable, whose .data was the tensor. Since 0.4 every tensor is a Variable,
and torch.autograd.Variable only keeps the old spelling working:
`Variable(t, requires_grad=True)` is a new tensor sharing t's memory, cut from
t's history (t.detach()), that requires grad if asked; `isinstance(t, Variable)`
is True for every tensor; `volatile=True` only warns (use no_grad).

The first edition of 陈云's 《深度学习框架PyTorch：入门与实践》 writes its autograd
chapter with Variable, so its code runs here as in torch 2.13.
Pinned by tests/test_autograd_variable.py.
"""
import warnings

from ..exact.arguments import python_type_name


def _is_tensor(obj):
    return hasattr(obj, "_storage") and hasattr(obj, "detach")  # (autograd sits below tensor.py)


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        return _is_tensor(obj)


class Variable(metaclass=_VariableMeta):
    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if volatile:
            warnings.warn("volatile was removed and now has no effect. Use `with tinytorch.no_grad():` instead.",
                          UserWarning, stacklevel=2)
            if requires_grad:
                raise ValueError("Variable can't be volatile and require_grad at the same time!")
        if data is None:
            from ..creation import empty
            out = empty(0)
        elif not _is_tensor(data):
            raise TypeError(f"Variable data has to be a tensor, but got {python_type_name(data)}")
        else:
            out = data.detach()
        if requires_grad:
            if not out.dtype.is_floating_point:
                # the message of torch's set_requires_grad (requires_grad_ words it otherwise)
                raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
            out.requires_grad_()
        return out
