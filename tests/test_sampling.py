"""Random draws: normal, bernoulli, multinomial, randint_like and the in-place fills.

Their values are torch's after the same seed (tests/test_random_oracle.py);
these tests check the rest: shapes, dtypes, errors, that manual_seed makes draws
reproducible, and that the draws have the distribution asked for (tolerances
wide enough for the sample sizes: a chance failure is below one in a million).
"""
import numpy as np
import pytest
import torch

import oracle
import tinytorch

CALLS = {
    "normal with sizes": lambda m: m.normal(2.0, 3.0, size=(2, 3)),
    "normal of tensors": lambda m: m.normal(m.zeros(4), m.ones(4)),
    "normal tensor mean": lambda m: m.normal(m.zeros(2, 2, dtype=m.float64), 1.0),
    "bernoulli": lambda m: m.bernoulli(m.full((3, 2), 0.5)),
    "bernoulli_": lambda m: m.zeros(5).bernoulli_(0.3),
    "multinomial": lambda m: m.multinomial(m.tensor([[1.0, 2.0, 0.0], [0.0, 0.0, 1.0]]), 2),
    "multinomial with replacement": lambda m: m.tensor([1.0, 3.0]).multinomial(5, replacement=True),
    "randint_like": lambda m: m.randint_like(m.zeros(2, 3, dtype=m.int32), 5),
    "randint_like range": lambda m: m.randint_like(m.zeros(4), 3, 7),
    "uniform_": lambda m: m.zeros(3, dtype=m.float64).uniform_(-1, 1),
    "normal_": lambda m: m.zeros(3).normal_(5, 0.1),
    "random_": lambda m: m.zeros(3, dtype=m.int64).random_(4),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_shapes_and_dtypes_match_torch(name):
    got, expected = CALLS[name](tinytorch), CALLS[name](torch)
    assert tuple(got.shape) == tuple(expected.shape)
    assert oracle.dtype_name(got.dtype) == oracle.dtype_name(expected.dtype)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_manual_seed_makes_draws_reproducible(name):
    tinytorch.manual_seed(7)
    first = CALLS[name](tinytorch)
    tinytorch.manual_seed(7)
    assert tinytorch.equal(first, CALLS[name](tinytorch))


def test_draws_follow_their_distributions():
    tinytorch.manual_seed(0)
    n = 100_000
    x = tinytorch.normal(2.0, 3.0, size=(n,))
    assert abs(x.mean().item() - 2.0) < 0.06 and abs(x.std().item() - 3.0) < 0.06
    u = tinytorch.empty(n).uniform_(-1, 3)
    assert u.min().item() >= -1 and u.max().item() < 3 and abs(u.mean().item() - 1.0) < 0.03
    b = tinytorch.empty(n).bernoulli_(0.3)
    assert set(np.unique(b.numpy())) <= {0.0, 1.0} and abs(b.mean().item() - 0.3) < 0.01
    counts = tinytorch.tensor([1.0, 3.0]).multinomial(n, replacement=True).bincount()
    assert abs(counts[1].item() / n - 0.75) < 0.01
    picks = tinytorch.tensor([[1.0, 2.0, 0.0]]).multinomial(2)
    assert sorted(picks[0].tolist()) == [0, 1]  # without replacement: never the zero-weight index, never twice


ERRORS = {
    "multinomial too many": lambda m: m.tensor([1.0, 2.0]).multinomial(3),
    "multinomial negative": lambda m: m.tensor([1.0, -2.0]).multinomial(1),
    "multinomial 3-d": lambda m: m.ones(2, 2, 2).multinomial(1),
    "multinomial no samples": lambda m: m.ones(2).multinomial(0),
    "normal negative std": lambda m: m.zeros(2).normal_(0, -1),
    "uniform_ reversed": lambda m: m.zeros(2).uniform_(2, 1),
    "uniform_ of ints": lambda m: m.zeros(2, dtype=m.int64).uniform_(),
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_match_torch(name):
    oracle.assert_same_error(lambda: ERRORS[name](tinytorch), lambda: ERRORS[name](torch))


@pytest.mark.parametrize("form", ["mean tensor", "std tensor", "both", "both broadcast"])
def test_normal_of_tensors_is_recorded_with_zero_gradients(form):
    """torch records normal(mean, std) (NormalBackward1, 2 or 3) and gives mean and std
    gradients of 0s: a draw does not move with them. The same numbers, too."""
    results = []
    for lib in (tinytorch, torch):
        lib.manual_seed(5)
        mean = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        std = lib.tensor([1.0, 0.5, 2.0], requires_grad=True)
        args = {"mean tensor": (mean, 1.5), "std tensor": (0.5, std), "both": (mean, std),
                "both broadcast": (mean, std[:1])}[form]
        drawn = lib.normal(*args)
        drawn.sum().backward()
        results.append((drawn, drawn.grad_fn.name(), [t.grad for t in (mean, std)]))
    (got, got_name, got_grads), (expected, expected_name, expected_grads) = results
    oracle.assert_same(got.detach(), expected.detach())
    assert got_name == expected_name
    for g, e in zip(got_grads, expected_grads):
        assert (g is None) == (e is None)
        if e is not None:
            oracle.assert_same(g, e)
