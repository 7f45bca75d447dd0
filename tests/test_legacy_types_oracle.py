"""The legacy typed constructors (FloatTensor, LongTensor, ...) and the type
conversions old code uses (x.type(torch.LongTensor), x.type('torch.IntTensor'),
type_as), against torch 2.13: values, dtypes, shapes, isinstance, errors."""
import warnings

import numpy as np
import pytest
import torch

import oracle
import tinytorch

TYPES = ["FloatTensor", "DoubleTensor", "HalfTensor", "ByteTensor", "CharTensor", "ShortTensor", "IntTensor",
         "LongTensor", "BoolTensor"]

DATA = {
    "a list": lambda L: [1.5, 0, 2],
    "nested lists": lambda L: [[1, 2], [3, 4]],
    "ragged lists": lambda L: [[1, 2], [3]],
    "out of range for a byte": lambda L: [1, 300],
    "a float64 ndarray": lambda L: np.array([1.0, -2.5]),
    "a float32 tensor": lambda L: L.ones(2),
    "an int64 tensor": lambda L: L.ones(2, dtype=L.int64),
    "a float storage": lambda L: L.ones(2).storage(),
    "a long storage": lambda L: L.ones(2, dtype=L.int64).storage(),
    "a string": lambda L: "ab",
}


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("name", TYPES)
def test_typed_constructor_from_data(name, data):
    def make(L):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's TypedStorage deprecation
            return getattr(L, name)(DATA[data](L))
    oracle.assert_same_outcome(lambda: make(tinytorch), lambda: make(torch))


@pytest.mark.parametrize("name", TYPES)
def test_typed_constructor_from_sizes_and_isinstance(name):
    for args in [(), (2, 3), ((2, 3),), (0,)]:
        got, want = getattr(tinytorch, name)(*args), getattr(torch, name)(*args)
        assert (tuple(got.shape), oracle.dtype_name(got.dtype)) == (tuple(want.shape), oracle.dtype_name(want.dtype))
    for other in TYPES:
        dtype = oracle.dtype_name(getattr(torch, other)().dtype)
        ours, theirs = tinytorch.zeros(2, dtype=getattr(tinytorch, dtype)), torch.zeros(2, dtype=getattr(torch, dtype))
        assert isinstance(ours, getattr(tinytorch, name)) == isinstance(theirs, getattr(torch, name))
    oracle.assert_same_error(lambda: getattr(tinytorch, name)(2, dtype=tinytorch.float32),
                             lambda: getattr(torch, name)(2, dtype=torch.float32))


@pytest.mark.parametrize("target", TYPES + ["torch.IntTensor", "torch.Foo", "float64"])
def test_type_converts_like_torch(target):
    def convert(L):
        x = L.tensor([1.5, -2.0, 0.0])
        if target == "float64":
            return x.type(L.float64)
        if target.startswith("torch."):
            return x.type(target.replace("torch", L.__name__))  # the name as each library spells it
        return x.type(getattr(L, target))
    oracle.assert_same_outcome(lambda: convert(tinytorch), lambda: convert(torch))


def test_type_as_and_type_names():
    for dtype in ["float32", "int64", "bool", "float16"]:
        got = tinytorch.ones(2).type_as(tinytorch.zeros(1, dtype=getattr(tinytorch, dtype)))
        want = torch.ones(2).type_as(torch.zeros(1, dtype=getattr(torch, dtype)))
        oracle.assert_same(got, want)
        assert got.type() == oracle.tinytorch_message(want.type())
