"""dtypes and type promotion against PyTorch.

For every pair of dtypes, for tensors with dimensions and 0-d tensors, and for
tensors with Python numbers in both orders, the dtype tinytorch picks must be
the one torch picks: in promote_types, in result_type and in actual results.
"""
import itertools
import operator

import numpy as np
import pytest
import torch

import oracle
import tinytorch

DTYPES = oracle.DTYPE_NAMES
PAIRS = list(itertools.product(DTYPES, DTYPES))


def tensor_pair(name, dims):
    """The same tensor (ones, with `dims` dimensions) in both libraries."""
    array = np.ones((2,) * dims, dtype=name)
    return tinytorch.from_numpy(array.copy()), torch.from_numpy(array.copy())


@pytest.fixture
def restore_default_dtype():
    yield
    torch.set_default_dtype(torch.float32)
    tinytorch.set_default_dtype(tinytorch.float32)


# -- the dtype objects --------------------------------------------------------------------
@pytest.mark.parametrize("name", DTYPES)
def test_dtype_attributes_and_repr(name):
    ours, theirs = oracle.tt_dtype(name), oracle.torch_dtype(name)
    assert ours.is_floating_point == theirs.is_floating_point
    assert ours.is_signed == theirs.is_signed
    assert ours.itemsize == theirs.itemsize
    assert repr(ours) == oracle.tinytorch_message(repr(theirs))
    assert str(ours) == oracle.tinytorch_message(str(theirs))


@pytest.mark.parametrize("alias", ["float", "double", "half", "long", "int", "short"])
def test_dtype_aliases(alias):
    assert getattr(tinytorch, alias) is oracle.tt_dtype(getattr(torch, alias))


def test_default_dtype_is_float32():
    assert oracle.dtype_name(tinytorch.get_default_dtype()) == oracle.dtype_name(torch.get_default_dtype())
    assert oracle.dtype_name(tinytorch.tensor([1.5]).dtype) == oracle.dtype_name(torch.tensor([1.5]).dtype)


# -- promote_types and result_type ---------------------------------------------------------
@pytest.mark.parametrize("a, b", PAIRS)
def test_promote_types(a, b):
    got = tinytorch.promote_types(oracle.tt_dtype(a), oracle.tt_dtype(b))
    assert oracle.dtype_name(got) == oracle.dtype_name(torch.promote_types(oracle.torch_dtype(a), oracle.torch_dtype(b)))


@pytest.mark.parametrize("a, b", PAIRS)
def test_two_tensors_with_and_without_dimensions(a, b):
    for dims_a, dims_b in [(1, 1), (1, 0), (0, 1), (0, 0), (2, 0)]:
        (ta, xa), (tb, xb) = tensor_pair(a, dims_a), tensor_pair(b, dims_b)
        expected = oracle.dtype_name(torch.result_type(xa, xb))
        assert oracle.dtype_name(tinytorch.result_type(ta, tb)) == expected, (dims_a, dims_b)
        for op in (operator.add, operator.mul, operator.truediv, operator.lt, torch.maximum):
            tt_op = tinytorch.maximum if op is torch.maximum else op
            oracle.assert_same_outcome(lambda: tt_op(ta, tb), lambda: op(xa, xb))


NUMBERS = [True, False, 2, -3, 300, 2.5, -0.5, float("inf")]


@pytest.mark.parametrize("name", DTYPES)
@pytest.mark.parametrize("number", NUMBERS, ids=repr)
def test_tensor_with_a_python_number_in_both_orders(name, number):
    for dims in (1, 0):
        ta, xa = tensor_pair(name, dims)
        assert oracle.dtype_name(tinytorch.result_type(ta, number)) == oracle.dtype_name(torch.result_type(xa, number))
        assert oracle.dtype_name(tinytorch.result_type(number, ta)) == oracle.dtype_name(torch.result_type(number, xa))
        for op in (operator.add, operator.mul, operator.truediv, operator.floordiv, operator.pow, operator.lt,
                   operator.and_):
            oracle.assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number))
            oracle.assert_same_outcome(lambda: op(number, ta), lambda: op(number, xa))


@pytest.mark.parametrize("a, b", list(itertools.product(NUMBERS[::2], NUMBERS[::2])), ids=repr)
def test_result_type_of_two_numbers(a, b):
    assert oracle.dtype_name(tinytorch.result_type(a, b)) == oracle.dtype_name(torch.result_type(a, b))


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype_decides_python_floats(default, restore_default_dtype):
    torch.set_default_dtype(oracle.torch_dtype(default))
    tinytorch.set_default_dtype(oracle.tt_dtype(default))
    for name in ("int64", "uint8", "bool", "float32"):
        ta, xa = tensor_pair(name, 1)
        for op in (operator.truediv, operator.mul):
            oracle.assert_same_outcome(lambda: op(ta, 2.5), lambda: op(xa, 2.5))
        oracle.assert_same_outcome(lambda: ta / ta, lambda: xa / xa)
        oracle.assert_same_outcome(lambda: ta.exp(), lambda: xa.exp(), rtol=1e-6)  # exp may differ by an ulp
    oracle.assert_same_outcome(lambda: tinytorch.tensor([1, 2.5]), lambda: torch.tensor([1, 2.5]))


def test_set_default_dtype_refuses_integer_types(restore_default_dtype):
    oracle.assert_same_error(lambda: tinytorch.set_default_dtype(tinytorch.int64),
                             lambda: torch.set_default_dtype(torch.int64))
