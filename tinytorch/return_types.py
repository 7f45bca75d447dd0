"""tinytorch.return_types: the classes of the (values, indices) pairs that max(dim),
sort, topk, median ... return (tinytorch.return_types.sort, and sort_out for out=),
as torch.return_types has them. Each is a tuple with .values and .indices."""
from .ops.reduction import return_type


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(name)
    return return_type(name)
