"""What every op shares: turning operands into arrays, wrapping results as
tensors, and recording a backward node when a gradient will be needed."""
import numpy as np

from .. import dtypes
from ..autograd import grad_mode
from ..autograd.engine import gradient_edge, sum_to
from ..autograd.graph import tensor_meta
from ..device import CPU, backend_for
from ..dtypes import type_name
from ..exact.layout import copy_strides, elementwise_strides
from ..storage import Storage
from ..tensor import Tensor, contiguous_strides, from_array

__all__ = [
    "Tensor", "from_array", "np", "dtypes", "grad_mode", "backend_for", "CPU",
    "needs_grad", "record", "sum_to", "same_device", "require_tensor", "xp_of", "to_float_dtype", "type_name",
    "elementwise_result", "zeros_for", "zeros_like_grad", "refuse_integer_history", "gets_gradient",
]

_NO_EDGE = (None, 0)


def gets_gradient(t):
    """Whether backward will send `t` a gradient: a tensor with a place in the graph
    (an edge). What only that gradient needs is saved only then, as PyTorch saves it
    (mul keeps b for a's gradient only if a gets one)."""
    # (gradient_edge's rule, without making a leaf's AccumulateGrad just to ask)
    return isinstance(t, Tensor) and t._requires_grad and not (t._requires_grad_from_base and t.grad_fn is None)


def refuse_integer_history(dtype):
    """A differentiable op (sum with dtype=, bmm) whose inputs need a gradient
    but whose result is an integer or bool: PyTorch's set_history refuses to
    give it a history, since such a result can have no gradient."""
    if not dtype.is_floating_point:
        raise RuntimeError(f"Autograd not support dtype: {type_name(dtype)}")


def needs_grad(*tensors):
    """Whether an op on these operands must record a node for backward."""
    if not grad_mode.state.enabled:
        return False
    for t in tensors:
        if isinstance(t, Tensor) and t._requires_grad:
            return True
    return False


def record(node, outputs, inputs, saved=None):
    """Connect `node` to the graph: its edges lead to the inputs' gradient
    edges (None for inputs that need no gradient, e.g. Python scalars), it
    remembers each input's shape, dtype and device (the engine fits the
    gradient it sends there to them: a broadcast input gets its gradient
    summed back to its own shape), and it becomes grad_fn of every output.
    `saved`: what backward needs (None for what it will not need), in the
    order of the node's saved_names, PyTorch's names for them: MulBackward0
    saves (self, other), its inputs; PowBackward1 (self, exponent, result).
    An integer or bool result gets no history: it has no gradient, and so no
    requires_grad (PyTorch's isDifferentiableType), whatever its inputs."""
    if isinstance(outputs, Tensor) and not outputs.dtype.is_floating_point:
        return outputs
    edges, metas = [], []
    for t in inputs:
        edges.append(gradient_edge(t) or _NO_EDGE if isinstance(t, Tensor) and t._requires_grad else _NO_EDGE)
        metas.append(tensor_meta(t) if isinstance(t, Tensor) else None)
    node.next_functions = tuple(edges)
    node.input_meta = tuple(metas)
    if isinstance(outputs, Tensor):
        outputs._grad_fn = node
        outputs._requires_grad = True
    else:
        for nr, out in enumerate(outputs):
            out._grad_fn = node
            out._requires_grad = True
            if nr:
                out._output_nr = nr
    if saved is not None:
        node.save(*saved)  # after the outputs know their grad_fn: a saved output is kept as one
    elif node._saved:
        node.recognize_saved_outputs()  # an output saved before this call is kept as one
    return outputs


def zeros_for(grad, shape):
    """Zeros of `shape` with grad's dtype and device: the start of an input's gradient
    that backward fills only in part (scatter_add into it, index_add, a cut piece)."""
    return from_array(xp_of(grad).zeros(shape, grad.dtype.numpy), grad.dtype, grad.device)


def zeros_like_grad(grad):
    """Zeros of grad's shape, dtype and device: the gradient of an input whose values
    do not matter (overwritten by fill_ or copy_, or a step function's), as PyTorch's
    zeros_like(grad), laid out like grad. Unlike grad * 0, it stays 0 where grad is inf or nan."""
    return from_array(xp_of(grad).zeros(grad._shape, grad.dtype.numpy), grad.dtype, grad._storage.device,
                      stride=copy_strides(grad._shape, grad._stride))


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
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def xp_of(t):
    """The array module (numpy or cupy) that computes for this tensor's device."""
    device = t._storage.device
    return np if device.type == "cpu" else backend_for(device).xp


def to_float_dtype(d):
    """Ops like `/`, exp and sqrt turn integer input into the default float type."""
    return d if d.is_floating_point else dtypes.get_default_dtype()


def elementwise_result(values, dtype, device, operands, read_as=None):
    """Wrap `values`, the array an elementwise op computed, as its new tensor,
    laid out in memory as PyTorch lays out that op's result (the rule is
    exact.layout.elementwise_strides); NumPy and CuPy each have their own.

    operands: the op's inputs in PyTorch's order, tensors and the Python
    numbers PyTorch turns into 0-d tensors (a + 2, a < 2, where(c, a, 2); not
    a ** 2 or clamp(a, 0, 1), whose numbers are mere arguments).
    read_as: the dtype the op computes in (one per operand, or one for all).
    On the CPU PyTorch first copies an operand of another dtype into it, and
    that copy's layout (copy_strides) is the one that counts."""
    for x in operands:
        # An operand with every stride 0 (one value broadcast everywhere, like the
        # gradient of a sum) has no say in the order, so it does not stop this.
        if isinstance(x, Tensor) and x._stride != contiguous_strides(x._shape) and any(x._stride):
            break
    else:
        if values.size:
            # Row-major operands (the common case) give a row-major result; NumPy
            # and CuPy have made one already, to wrap as it is.
            shape = values.shape
            if not shape:
                return from_array(values, dtype, device)  # 0-d: NumPy gives a scalar, not an array
            if values.dtype is dtype.numpy and values.flags.c_contiguous:
                storage = Storage(values.reshape(-1), dtype, device)
                return Tensor._make(storage, shape, contiguous_strides(shape), 0, values)
            return from_array(values, dtype, device, contiguous_strides(shape))
    if not isinstance(read_as, tuple):
        read_as = (read_as,) * len(operands)
    headers = [_as_read(x, d) for x, d in zip(operands, read_as)]
    return from_array(values, dtype, device, elementwise_strides(tuple(values.shape), headers))


def _as_read(x, dtype):
    """(shape, stride) of an operand as the op reads it (see elementwise_result)."""
    if not isinstance(x, Tensor):
        return (), ()
    if dtype is None or x.dtype is dtype:
        return x._shape, x._stride
    return x._shape, copy_strides(x._shape, x._stride)
