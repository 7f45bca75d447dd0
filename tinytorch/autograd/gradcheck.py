"""Checking gradients against finite differences, as torch.autograd.gradcheck does.

For a function f and inputs x, the *Jacobian* J[i, j] = d out_j / d x_i can be
computed two ways:

    numerical   nudge x_i by +-eps and watch out_j move:  (f(x+eps) - f(x-eps)) / 2eps
    analytical  run backward with a gradient of 1 at out_j and 0 elsewhere: the
                gradient that arrives at x_i is J[i, j]

gradcheck builds both (one matrix per input and output pair, rows = input
elements, columns = output elements) and says whether they agree. Finite
differences need precision, hence the warning for inputs that are not float64.
gradgradcheck runs gradcheck on the backward pass itself, to check second
derivatives.
"""
import warnings

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck and gradgradcheck when a check fails."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _is_tensor(x):
    from ..tensor import Tensor
    return isinstance(x, Tensor)


def _differentiable_outputs(out):
    return tuple(o for o in _as_tuple(out) if _is_tensor(o) and o.requires_grad)


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True):
    """Whether the gradients computed by backward match finite differences for
    `func` at `inputs` (a tensor or a tuple of tensors and other arguments).

    On a mismatch it raises GradcheckError showing both Jacobians, or returns
    False when raise_exception=False."""
    try:
        _gradcheck(func, _as_tuple(inputs), eps, atol, rtol, nondet_tol, check_undefined_grad)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _gradcheck(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad):
    diff_inputs = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    if not diff_inputs:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have "
            "requires_grad=True."
        )
    for i, x in enumerate(inputs):
        if _is_tensor(x) and x.requires_grad and x.dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point or complex. This check "
                "will likely fail if all the inputs are not of double precision floating point or complex. ",
                UserWarning,
                stacklevel=3,
            )
    func_out = _as_tuple(func(*inputs))
    outputs = _differentiable_outputs(func_out)
    if not outputs:
        # Nothing to differentiate: then the outputs must not depend on the inputs at all.
        for jacobians in _numerical_jacobians(func, inputs, eps):
            if any(np.any(j != 0) for j in jacobians):
                raise GradcheckError("Numerical gradient for function expected to be zero")
        return
    numerical = _numerical_jacobians(func, inputs, eps)  # [input][output]
    for out_index, out in enumerate(outputs):
        analytical = _analytical_jacobians(out, diff_inputs, nondet_tol)
        for in_index, a in enumerate(analytical):
            n = numerical[in_index][_position_among(func_out, out)]
            if not np.allclose(a, n, rtol=rtol, atol=atol):
                raise GradcheckError(
                    f"Jacobian mismatch for output {out_index} with respect to input {in_index},\n"
                    f"numerical:{_as_tensor(n, diff_inputs[in_index])}\n"
                    f"analytical:{_as_tensor(a, diff_inputs[in_index])}\n"
                )
    _check_backward_scales_with_grad_output(outputs, diff_inputs)
    if check_undefined_grad:
        _check_undefined_grad(func, inputs)


def _position_among(func_out, out):
    return next(i for i, o in enumerate(func_out) if o is out)


def _as_tensor(array, like):
    from ..creation import tensor
    return tensor(array, dtype=like.dtype)


def _numerical_jacobians(func, inputs, eps):
    """For each input that requires grad, a list with one Jacobian per output
    of func (zeros for outputs that are not floating point tensors)."""
    outs = _as_tuple(func(*inputs))
    result = []
    for x in inputs:
        if not (_is_tensor(x) and x.requires_grad):
            continue
        jacobians = [np.zeros((x.numel(), _numel(o))) for o in outs]
        values = x._data  # nudged in place (and restored), as PyTorch does
        for row, index in enumerate(np.ndindex(*x._shape)):
            original = values[index].item()
            values[index] = original - eps
            before = [_flat_values(o) for o in _as_tuple(func(*inputs))]
            values[index] = original + eps
            after = [_flat_values(o) for o in _as_tuple(func(*inputs))]
            values[index] = original
            for j, (b, a) in enumerate(zip(before, after)):
                if b is not None:
                    jacobians[j][row] = (a - b) / (2 * eps)
        result.append(jacobians)
    return result


def _numel(o):
    return o.numel() if _is_tensor(o) else 0


def _flat_values(o):
    if not _is_tensor(o) or not o.dtype.is_floating_point:
        return None
    return np.array(o._host(), dtype=np.float64).reshape(-1)  # a copy: o may share memory with the nudged input


def _analytical_jacobians(out, diff_inputs, nondet_tol):
    """One Jacobian per input: column j is what backward sends to the inputs for
    a gradient that is 1 at element j of `out`. Computed twice, to catch a
    backward that gives different answers for the same question."""
    from . import grad as autograd_grad
    from ..creation import zeros

    def column(j):
        grad_output = zeros(out.shape, dtype=out.dtype, device=out.device)
        grad_output._data.reshape(-1)[j] = 1  # contiguous, so reshape(-1) is a view that writes through
        grads = autograd_grad(out, diff_inputs, grad_output, retain_graph=True, allow_unused=True)
        return [np.zeros(x.numel()) if g is None else g._host().reshape(-1).astype(np.float64)
                for g, x in zip(grads, diff_inputs)]

    first = [np.zeros((x.numel(), out.numel())) for x in diff_inputs]
    second = [np.zeros((x.numel(), out.numel())) for x in diff_inputs]
    for j in range(out.numel()):
        for jac, col in zip(first, column(j)):
            jac[:, j] = col
        for jac, col in zip(second, column(j)):
            jac[:, j] = col
    for a, b in zip(first, second):
        if not np.allclose(a, b, rtol=0, atol=nondet_tol):
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple times "
                "gives different values, although analytical gradient matches numerical gradient.The tolerance for "
                f"nondeterminism was {nondet_tol}.\n\nNOTE: If your function is meant to be non-deterministic, this "
                "failure might be expected: call gradcheck/gradgradcheck with `nondet_tol=<tol>` as a keyword "
                "argument.\n"
            )
    return first


def _check_backward_scales_with_grad_output(outputs, diff_inputs):
    """A backward that ignores grad_output (e.g. returns a constant) is wrong
    even where its Jacobian happens to match: with grad_output = 0 it must give 0."""
    from . import grad as autograd_grad
    from ..creation import zeros_like
    grads = autograd_grad(outputs, diff_inputs, [zeros_like(o) for o in outputs], allow_unused=True)
    for g, x in zip(grads, diff_inputs):
        if g is None:
            continue
        if np.any(g._host() != 0):
            raise GradcheckError("backward not multiplied by grad_output")
        if g.dtype is not x.dtype:
            raise GradcheckError("grad is incorrect type")
        if g._shape != x._shape:
            raise GradcheckError("grad is incorrect size")


def _check_undefined_grad(func, inputs):
    """A backward must cope with receiving no gradient (None) for an output:
    what it sends on must then be None or zeros."""
    from .engine import gradient_edge, run_backward
    diff_inputs = [x for x in inputs if _is_tensor(x) and x.requires_grad]
    for out in _differentiable_outputs(func(*inputs)):
        grads = run_backward([gradient_edge(out)], [None], capture=[gradient_edge(x) for x in diff_inputs])
        if any(g is not None and np.any(g._host() != 0) for g in grads):
            raise GradcheckError(
                'Expected backward function to handle undefined output grads. Please look at "Notes about '
                'undefined output gradients" in "tools/autograd/derivatives.yaml"'
            )


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
                  nondet_tol=0.0, check_undefined_grad=True):
    """gradcheck of the backward pass: checks second derivatives.

    The function checked maps (inputs, grad_outputs) to the gradients of
    func's outputs with respect to the inputs, computed with create_graph=True.
    grad_outputs are random in [-1, 1) unless given."""
    from ..creation import rand
    from . import grad as autograd_grad
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = _differentiable_outputs(func(*inputs))
        grad_outputs = tuple(
            (rand(o.shape, dtype=o.dtype, device=o.device) * 2 - 1).requires_grad_() for o in outputs
        )
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_grads = len(grad_outputs)
    diff_positions = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]

    def gradients(*args):
        values, seeds = args[:-n_grads], args[-n_grads:]
        outputs = _differentiable_outputs(func(*values))
        grads = autograd_grad(
            outputs, [values[i] for i in diff_positions], seeds, create_graph=True, allow_unused=True
        )
        return tuple(g for g in grads if g is not None)

    return gradcheck(
        gradients, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
        nondet_tol=nondet_tol, check_undefined_grad=check_undefined_grad,
    )
