"""Reverse-mode automatic differentiation, with PyTorch's interface.

    graph       the nodes (grad_fn), AccumulateGrad for leaves, saved tensors, hooks
    engine      the iterative, dependency-counted backward pass (and its step mode)
    grad_mode   no_grad, enable_grad, set_grad_enabled
    function    custom ops: Function with forward(ctx, ...) and backward(ctx, ...)
    gradcheck   comparing analytical gradients with finite differences
    variable    Variable, PyTorch 0.3's spelling, kept so that old code runs
"""
import warnings

from . import function, graph
from .engine import Step, backward_steps, gradient_edge, moved_to_device, run_backward
from .function import Function, once_differentiable
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import AccumulateGrad, Node
from .variable import Variable


def _as_tuple(tensors):
    """A tensor or a sequence of tensors, as a tuple."""
    from ..tensor import Tensor
    return (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)


def _grads_as_tuple(grads, count):
    """PyTorch's reading of grad_tensors / grad_outputs: None for each output,
    one tensor, or a sequence (anything else fails as it does in PyTorch)."""
    from ..tensor import Tensor
    if grads is None:
        return (None,) * count
    if isinstance(grads, Tensor):
        return (grads,)
    return tuple(grads)


def _root_grads(outputs, grads):
    """The gradient each output starts with: the one given, or 1 for a scalar.
    Checked as PyTorch checks them; pairs beyond the shorter list are dropped."""
    from ..tensor import Tensor
    roots = []
    for i, (out, given) in enumerate(zip(outputs, grads)):
        if isinstance(given, Tensor):
            if given._shape != out._shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {given.shape} and output[{i}] has a "
                    f"shape of {out.shape}."
                )
            if given.dtype is not out.dtype:
                given = given.to(out.dtype)  # the gradient of a float output is a float
            roots.append(given)
        elif given is None:
            if out.requires_grad:
                if out.numel() != 1:
                    raise RuntimeError("grad can be implicitly created only for scalar outputs")
                roots.append(_ones_like(out))
            else:
                roots.append(None)
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(given).__name__}")
    if len(roots) != len(outputs):
        raise RuntimeError(f"got {len(outputs)} tensors and {len(roots)} gradients")
    return roots


def _on_output_devices(outputs, roots):
    """The engine's check of the gradients it starts from (validate_outputs in
    torch/csrc/autograd/engine.cpp, after every check above): each must be on
    its output's device. A 0-dim gradient is moved there; any other is an error."""
    for i, (out, given) in enumerate(zip(outputs, roots)):
        if given is not None:
            roots[i] = moved_to_device(given, out.device, f"invalid gradient at index {i}")
    return roots


def _ones_like(t):
    from ..ops.base import backend_for, from_array
    return from_array(backend_for(t.device).xp.ones(t._shape, dtype=t.dtype.numpy), t.dtype, t.device)


def _output_edges(outputs):
    edges = []
    for i, out in enumerate(outputs):
        edge = gradient_edge(out)
        if edge is None:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        edges.append(edge)
    return edges


_warned_about_cycle = False


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of `tensors` with respect to the leaves, adding it
    into their `.grad` (only into the `inputs`' `.grad` when they are given)."""
    global _warned_about_cycle
    tensors = _as_tuple(tensors)
    roots = _root_grads(tensors, _grads_as_tuple(grad_tensors, len(tensors)))
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        for t in inputs:
            t.retain_grad()  # as in PyTorch: a non-leaf input keeps its .grad from now on
        # A view made in no_grad mode may require grad yet have no edge: nothing reaches it.
        targets = {(gradient_edge(t) or (None, 0))[0] for t in inputs}
    edges = _output_edges(tensors)
    if create_graph and not _warned_about_cycle:
        _warned_about_cycle = True
        warnings.warn(
            "Using backward() with create_graph=True will create a reference cycle between the parameter and its "
            "gradient which can cause a memory leak. We recommend using autograd.grad when creating the graph to "
            "avoid this. If you have to use this function, make sure to reset the .grad fields of your parameters "
            "to None after use to break the cycle and avoid the leak.",
            UserWarning,
            stacklevel=2,
        )
    run_backward(edges, _on_output_devices(tensors, roots), retain_graph, create_graph, targets=targets)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple.
    `.grad` fields are left untouched."""
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
    roots = _root_grads(outputs, _grads_as_tuple(grad_outputs, len(outputs)))
    if retain_graph is None:
        retain_graph = create_graph
    edges = _output_edges(outputs)
    capture = []
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        # A view made in no_grad mode may require grad yet have no edge: nothing reaches it.
        capture.append(gradient_edge(t) or (None, 0))
    grads = run_backward(edges, _on_output_devices(outputs, roots), retain_graph, create_graph, capture=capture)
    result = []
    for i, (g, t) in enumerate(zip(grads, inputs)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
            if materialize_grads:
                from ..creation import zeros_like
                g = zeros_like(t)
        result.append(g)
    return tuple(result)


__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "Function",
    "once_differentiable", "gradcheck", "gradgradcheck", "GradcheckError", "Node", "AccumulateGrad",
    "backward_steps", "run_backward", "gradient_edge", "Step", "function", "graph", "Variable",
]
