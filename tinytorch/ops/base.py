"""What every op shares: turning operands into arrays, wrapping results as
tensors, and recording a backward node when a gradient will be needed."""
import numpy as np

from .. import dtypes
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge
from ..device import CPU, backend_for
from ..tensor import Tensor, from_array

__all__ = [
    "Tensor", "from_array", "np", "dtypes", "grad_mode", "backend_for", "CPU",
    "needs_grad", "record", "sum_to", "same_device", "as_tensor_operand", "scalar_like", "xp_of",
    "to_float_dtype", "check_floating", "type_name",
]

_NO_EDGE = (None, 0)


def needs_grad(*tensors):
    """Whether an op on these operands must record a node for backward."""
    if not grad_mode.state.enabled:
        return False
    for t in tensors:
        if type(t) is Tensor and t._requires_grad:
            return True
    return False


def record(node, outputs, inputs):
    """Connect `node` to the graph: its edges lead to the inputs' gradient
    edges (None for inputs that need no gradient, e.g. Python scalars), and it
    becomes grad_fn of every output."""
    node.next_functions = tuple(
        gradient_edge(t) if type(t) is Tensor and t._requires_grad else _NO_EDGE for t in inputs
    )
    if type(outputs) is Tensor:
        outputs.grad_fn = node
        outputs._requires_grad = True
        return outputs
    for nr, out in enumerate(outputs):
        out.grad_fn = node
        out._requires_grad = True
        if nr:
            out._output_nr = nr
    return outputs


def sum_to(grad, shape):
    """Undo broadcasting in backward: sum the gradient over the dimensions that
    broadcasting added or stretched, so it has the input's `shape` again."""
    if grad._shape == shape:
        return grad
    lead = len(grad._shape) - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + d for d, size in enumerate(shape) if size == 1 and grad._shape[lead + d] != 1
    )
    if dims:
        grad = grad.sum(dims, keepdim=True)
    return grad.view(shape) if grad._shape != shape else grad


def same_device(a, b):
    """PyTorch's error for mixing devices in one op."""
    da, db = a._storage.device, b._storage.device
    if da is not db and da != db:
        # A 0-d CPU tensor may join a GPU op, as in PyTorch.
        if (da.type == "cpu" and a.dim() == 0) or (db.type == "cpu" and b.dim() == 0):
            return
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, {da} and {db}!"
        )


def xp_of(t):
    """The array module (numpy or cupy) for this tensor's device."""
    return backend_for(t._storage.device).xp


def as_tensor_operand(value, like):
    """A Python number, bool or NumPy scalar as a 0-d tensor on `like`'s device,
    with the dtype PyTorch would give the scalar on its own."""
    if type(value) is Tensor:
        return value
    if isinstance(value, (bool, int, float, np.number, np.bool_)):
        return scalar_like(value, like)
    raise TypeError(
        f"unsupported operand type: expected a Tensor or a number, but got {type(value).__name__}"
    )


def scalar_like(value, like):
    """A Python number as a 0-d tensor on the device of `like`."""
    if type(value) is Tensor:
        return value
    d = dtypes.result_type(value)
    dev = like._storage.device
    return from_array(backend_for(dev).xp.asarray(value, dtype=d.numpy), d, dev)


def to_float_dtype(d):
    """Ops like `/`, exp and sqrt turn integer input into the default float type."""
    return d if d.is_floating_point else dtypes.get_default_dtype()


def check_floating(t, what):
    if not t.dtype.is_floating_point:
        raise RuntimeError(f'"{what}" not implemented for \'{type_name(t.dtype)}\'')


def type_name(d):
    """PyTorch's short name of a dtype in messages: Float, Long, Bool, ..."""
    return d.storage_name.removesuffix("Storage")
