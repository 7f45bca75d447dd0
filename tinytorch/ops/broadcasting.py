"""The broadcasting rule as functions of its own: broadcast_shapes (the shape),
broadcast_to and broadcast_tensors (expanded views, stride 0 where a dim is
stretched), and meshgrid (coordinate grids, also views)."""
import warnings

from .. import strides as S
from ..tensor import Size
from .views import expand


def broadcast_shapes(*shapes):
    """The shape these shapes broadcast to (an int counts as a 1-d shape)."""
    result = ()
    for index, shape in enumerate(shapes):
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        for k in range(1, len(shape) + 1):
            current = result[-k] if k <= len(result) else 1
            if shape[-k] != current and shape[-k] != 1 and current != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[-k]} at {-k}! Mismatching argument at "
                    f"index {index} had {tuple(shape)}; but expected shape should be broadcastable to "
                    f"{S.list_repr(result)}")
            if shape[-k] < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
        result = S.broadcast_shapes(result, shape)
    return Size(result)


def broadcast_to(t, shape):
    return expand(t, tuple(shape))


def broadcast_tensors(*tensors):
    """Every tensor expanded (a view, no copy) to the shape they broadcast to together;
    one that has that shape already is returned itself, as PyTorch does."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = S.broadcast_shapes(*(t._shape for t in tensors))
    return tuple(t if t._shape == shape else expand(t, shape) for t in tensors)  # (one of that shape as it is)


def meshgrid(*tensors, indexing=None):
    """For 1-d tensors of sizes n1, n2, ...: grids of shape (n1, n2, ...), the k-th
    holding tensor k's values along dim k (indexing='ij'). indexing='xy' swaps the
    first two, as NumPy's meshgrid does. Each grid is a view of its input."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for what in ("dtype", "device"):
        if len({getattr(t, what) for t in tensors}) > 1:
            raise RuntimeError(f"meshgrid expects all tensors to have the same {what}")
    if indexing is None:
        warnings.warn("tinytorch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"tinytorch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(f"tinytorch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    # Tensor k varies along dim k; with 'xy' the first two trade places.
    dims = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        dims[0], dims[1] = 1, 0
    sizes = [0] * len(tensors)
    for t, d in zip(tensors, dims):
        sizes[d] = t.numel()
    grids = []
    for t, d in zip(tensors, dims):
        shape = [1] * len(tensors)
        shape[d] = -1
        grids.append(t.view(*shape).expand(*sizes))
    return tuple(grids)
