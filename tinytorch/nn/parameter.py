"""Parameter: a tensor that a Module registers as one of its learnable weights.

It is a Tensor (every op accepts it, and what an op returns is a plain Tensor),
a leaf that requires grad by default, and it shares memory with the tensor it
was made from. Assigning one to a Module's attribute is what registers it
(module.py); its repr starts with "Parameter containing:", as in PyTorch.
"""
from ..tensor import Tensor


class Parameter(Tensor):
    """A tensor a Module learns: assigned to a Module's attribute, it is registered as one
    of its parameters. A leaf that requires grad by default; shares memory with its data."""
    __module__ = "tinytorch.nn.parameter"  # where PyTorch's lives: <class 'torch.nn.parameter.Parameter'>
    __slots__ = ()

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): argument 'data' (position 1) must be Tensor, not {type(data).__name__}")
        # A new header over data's storage, detached from data's history, as PyTorch's
        # Parameter is (data._make_subclass(Parameter, data.detach(), requires_grad)).
        p = cls._make(data._storage, data._shape, data._stride, data._offset, data._data)
        p.requires_grad_(requires_grad)
        return p

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        result = Parameter(copied, self.requires_grad)
        if copied._grad is not None:
            result._grad = copied._grad
        return result
