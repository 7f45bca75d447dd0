"""torch.autograd.Variable, the 0.3-era spelling that old teaching code uses
(the first edition of 陈云's 《深度学习框架PyTorch：入门与实践》 among it), compared
with torch 2.13: what it returns, what it shares, its errors and its warning."""
import warnings

import pytest
import torch

import oracle
import tinytorch


def run(lib, make):
    from_lib = lib.autograd.Variable
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        outcome = oracle.outcome(lambda: make(lib, from_lib))
    return outcome, [oracle.tinytorch_message(str(w.message)) if lib is torch else str(w.message) for w in seen]


CASES = {
    "a leaf": lambda L, V: V(L.ones(2)),
    "requires grad": lambda L, V: V(L.ones(2), requires_grad=True),
    "requires grad, positional": lambda L, V: V(L.ones(2), True),
    "of a non-leaf": lambda L, V: V(L.ones(2, requires_grad=True) * 2),
    "of a non-leaf, requires grad": lambda L, V: V(L.ones(2, requires_grad=True) * 2, requires_grad=True),
    "of ints, requires grad": lambda L, V: V(L.ones(2, dtype=L.int64), requires_grad=True),
    "of a list": lambda L, V: V([1.0, 2.0]),
    "empty": lambda L, V: V(),
    "empty, requires grad": lambda L, V: V(requires_grad=True),
    "volatile and requires grad": lambda L, V: V(L.ones(2), requires_grad=True, volatile=True),
    "volatile": lambda L, V: V(L.ones(2), volatile=True),
}


@pytest.mark.parametrize("name", CASES)
def test_variable_returns_what_torch_returns(name):
    (got, error), seen = run(tinytorch, CASES[name])
    (want, ref_error), ref_seen = run(torch, CASES[name])
    assert seen == ref_seen
    if ref_error is not None or error is not None:
        assert type(error) is type(ref_error) and str(error) == oracle.tinytorch_message(str(ref_error))
        return
    oracle.assert_same(got, want)
    assert (got.requires_grad, got.is_leaf, got.grad_fn is None, got._base is None) == \
        (want.requires_grad, want.is_leaf, want.grad_fn is None, want._base is None)


def test_variable_shares_memory_and_counts_as_a_tensor():
    for lib in (tinytorch, torch):
        t = lib.zeros(3)
        v = lib.autograd.Variable(t, requires_grad=True)
        assert v is not t and not t.requires_grad and isinstance(t, lib.autograd.Variable)
        with lib.no_grad():
            v[0] = 5.0
        assert t[0].item() == 5.0  # the same memory, as t.detach() shares it
        (v * 2).sum().backward()
        assert v.grad.tolist() == [2.0, 2.0, 2.0]
