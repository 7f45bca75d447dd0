"""Gradients at nan and inf are PyTorch's (issue 14's random programs found these).

Where PyTorch's backward chooses (where(mask, grad, 0)) instead of multiplying by a
mask, an inf or nan gradient outside the mask gives 0, not nan; and a nan input
passes the gradient where PyTorch's comparison lets it through.
"""
import numpy as np
import pytest
import torch

import tinytorch
from oracle import assert_same

VALUES = [-2.0, -0.0, 0.0, 0.5, 3.0, float("nan"), float("inf"), float("-inf")]
GRADS = [1.0, float("inf"), float("-inf"), float("nan"), -2.0]


def input_grad(lib, f, values, grad):
    x = lib.tensor(values, requires_grad=True)
    f(lib, x).backward(lib.tensor([grad] * len(values)))
    return x.grad


@pytest.mark.parametrize("grad", GRADS)
@pytest.mark.parametrize("f", [
    lambda lib, x: x.relu(),
    lambda lib, x: x.clamp(min=0.0),
    lambda lib, x: x.clamp(max=0.5),
    lambda lib, x: x.clamp(-1.0, 1.0),
], ids=["relu", "clamp min", "clamp max", "clamp both"])
def test_masked_gradients_at_nan_and_inf_are_torchs(f, grad):
    assert_same(input_grad(tinytorch, f, VALUES, grad), input_grad(torch, f, VALUES, grad))


@pytest.mark.parametrize("case", [
    ("prod of a 0-d inf", lambda lib: lib.tensor(float("-inf")), lambda lib, x: x.prod()),
    ("prod of a 0-d along its dim", lambda lib: lib.tensor(float("inf")), lambda lib, x: x.prod(0)),
    ("pow(x, x) at 0", lambda lib: lib.tensor([0.0, 1.0, 2.0]), lambda lib, x: (x ** x).sum()),
    ("min with a nan", lambda lib: lib.tensor([1.0, float("nan"), 3.0]), lambda lib, x: x.min()),
    ("max with ties", lambda lib: lib.tensor([3.0, 1.0, 3.0]), lambda lib, x: x.max()),
    ("an empty leaf in cat", lambda lib: lib.zeros(0), lambda lib, x: lib.cat([x, lib.ones(2)]).sum()),
    ("a float64 leaf summed as float32", lambda lib: lib.ones(2, 3, dtype=lib.float64),
     lambda lib, x: x.sum(0, dtype=lib.float32).sum()),
], ids=lambda c: c[0])
def test_gradients_at_edges_are_torchs(case):
    _, make, f = case
    grads = []
    for lib in (tinytorch, torch):
        x = make(lib).requires_grad_()
        f(lib, x).backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1])


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool"])
@pytest.mark.parametrize("write", ["copy_", "setitem"])
def test_an_integer_tensor_never_requires_grad_after_a_write(dtype, write):
    """Integer and bool tensors have no gradient: writing a value that requires grad
    into one records nothing, as in PyTorch. (Not through a bool mask: there torch
    writes a float value into an integer tensor and records IndexPutBackward0 on it,
    against its own rule, where tinytorch refuses the dtypes; see the notes.)"""
    seen = []
    for lib in (tinytorch, torch):
        t = lib.zeros(3, dtype=getattr(lib, dtype))
        value = lib.ones((), requires_grad=True)
        if write == "copy_":
            t.copy_(value)
        else:
            t[1] = value
        seen.append((t.requires_grad, t.grad_fn is None, t.tolist()))
    assert seen[0] == seen[1]


@pytest.mark.parametrize("f", [
    lambda lib, x: (x / x).sum(),
    lambda lib, x: (-1.5 / x).sum(),
    lambda lib, x: (x / (x * 3)).sum(),
    lambda lib, x: x.reciprocal().sum(),
], ids=["x / x", "number / x", "x / 3x", "reciprocal"])
def test_division_gradients_round_as_torchs(f):
    """DivBackward0 computes -grad * ((a / b) / b) and reciprocal -grad * (r * r), in
    PyTorch's order, so the gradient of x / x is exactly 0, as in torch."""
    values = np.random.default_rng(3).uniform(0.1, 5.0, 50).astype(np.float32)
    grads = []
    for lib in (tinytorch, torch):
        x = lib.tensor(values, requires_grad=True)
        f(lib, x).backward()
        grads.append(x.grad)
    assert_same(grads[0], grads[1])
