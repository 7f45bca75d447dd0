"""Reverse-mode automatic differentiation, with PyTorch's interface.

    graph       the nodes (grad_fn), AccumulateGrad for leaves, saved tensors, hooks
    engine      the iterative, dependency-counted backward pass
    grad_mode   no_grad, enable_grad, set_grad_enabled
    function    custom ops: Function with forward(ctx, ...) and backward(ctx, ...)
    gradcheck   comparing analytical gradients with finite differences
"""
from .engine import backward_steps, gradient_edge, run_backward
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .graph import AccumulateGrad, Node, accumulate_into


def _as_tuple(x):
    if x is None:
        return None
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _root_grads(outputs, grad_outputs, create_graph):
    """Check the outputs can be differentiated, and make the implicit gradient of a scalar."""
    from ..creation import ones_like
    from ..tensor import Tensor
    grads = []
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"outputs must be Tensors, but got {type(out).__name__} at position {i}")
        if not out.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        given = grad_outputs[i] if grad_outputs is not None and i < len(grad_outputs) else None
        if given is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            given = ones_like(out)
        elif isinstance(given, Tensor):
            if given._shape != out._shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {given.shape} and output[{i}] has a "
                    f"shape of {out.shape}."
                )
            if not create_graph:
                given = given.detach()
        else:
            raise TypeError(f"gradients can be either Tensors or None, but got {type(given).__name__}")
        grads.append(given)
    return grads


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of `tensors` with respect to every leaf, adding it into `.grad`."""
    tensors = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    roots = _root_grads(tensors, grad_tensors, create_graph)
    edges = [gradient_edge(t) for t in tensors]
    # A leaf that is itself the output: its gradient is the given one, not an alias of it.
    roots = [g.clone() if isinstance(e[0], AccumulateGrad) else g for g, e in zip(roots, edges)]
    if inputs is None:
        run_backward(edges, roots, retain_graph, create_graph)
        return
    # Only the given inputs accumulate: capture their gradients, then add them in.
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    capture = [_input_edge(t) for t in inputs]
    grads = run_backward(edges, roots, retain_graph, create_graph, capture=capture)
    with set_grad_enabled(create_graph):
        for t, g in zip(inputs, grads):
            if g is not None:
                accumulate_into(t, g)


def _input_edge(t):
    edge = gradient_edge(t)
    if edge is None:
        raise RuntimeError("One of the differentiated Tensors does not require grad")
    return edge


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None,
         is_grads_batched=False, materialize_grads=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple.
    `.grad` fields are left untouched."""
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    roots = _root_grads(outputs, grad_outputs, create_graph)
    capture = [_input_edge(t) for t in inputs]
    edges = [gradient_edge(t) for t in outputs]
    grads = run_backward(edges, roots, retain_graph, create_graph, capture=capture)
    result = []
    for g, t in zip(grads, inputs):
        if g is None:
            if materialize_grads:
                from ..creation import zeros_like
                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(g)
    return tuple(result)


__all__ = [
    "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "Node",
    "backward_steps", "run_backward", "gradient_edge",
]
