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
