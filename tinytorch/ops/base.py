"""What every op shares: turning operands into arrays, wrapping results as
tensors, and recording a backward node when a gradient will be needed."""
import numpy as np

from .. import dtypes
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge
from ..device import CPU, backend_for
from ..dtypes import type_name
from ..tensor import Tensor, from_array

__all__ = [
    "Tensor", "from_array", "np", "dtypes", "grad_mode", "backend_for", "CPU",
    "needs_grad", "record", "sum_to", "same_device", "require_tensor", "xp_of", "to_float_dtype", "type_name",
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
    else:
        for nr, out in enumerate(outputs):
            out.grad_fn = node
            out._requires_grad = True
            if nr:
                out._output_nr = nr
    if node._saved:
        node.recognize_saved_outputs()  # an output saved before this call is kept as one
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
    if dims and len(dims) == lead:
        return grad.sum(dims)  # only added dims (a bias): no view needed, so backward can keep the result as .grad
    if dims:
        grad = grad.sum(dims, keepdim=True)
    return grad.view(shape) if grad._shape != shape else grad


def same_device(a, b):
    """PyTorch's error for mixing devices in one op. Like PyTorch it names the
    first non-CPU device first, whichever operand it came from. (Devices are
    interned, so `is` compares them.)"""
    da, db = a._storage.device, b._storage.device
    if da is not db:
        first, second = (db, da) if da.type == "cpu" else (da, db)
        message = f"Expected all tensors to be on the same device, but found at least two devices, {first} and {second}!"
        if (da.type == "cpu" and a.dim() == 0) or (db.type == "cpu" and b.dim() == 0):
            # PyTorch copies a 0-d CPU tensor into a GPU op by itself; tinytorch's ops do not.
            message += " (tinytorch does not move a 0-dim CPU tensor to the GPU for you: use .item() or .to(device))"
        raise RuntimeError(message)


def require_tensor(fn, value, arg="other", position=2):
    """PyTorch's TypeError for an argument it accepts only as a tensor (not a number)."""
    if type(value) is not Tensor:
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def xp_of(t):
    """The array module (numpy or cupy) that computes for this tensor's device."""
    device = t._storage.device
    return np if device.type == "cpu" else backend_for(device).xp


def to_float_dtype(d):
    """Ops like `/`, exp and sqrt turn integer input into the default float type."""
    return d if d.is_floating_point else dtypes.get_default_dtype()
