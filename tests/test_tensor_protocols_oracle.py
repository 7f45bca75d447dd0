"""How a tensor meets Python and NumPy: int(), float(), unary +, .T and .mT at the edges
(0-d, 1-d), and np.asarray / np.array. Each case runs under both libraries from
generated data and must give the same result, or the same exception and message."""
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinytorch
from oracle import assert_same_outcome

DTYPES = ["float32", "float64", "int64", "bool"]


def tensors(max_dims=3):
    return st.sampled_from(DTYPES).flatmap(
        lambda d: hnp.arrays(d, hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=3)))


def _seen_by_numpy(array):
    return array.shape, str(array.dtype), array.tobytes()  # bytes: nan equals nan, -0.0 differs from 0.0


def both(array, requires_grad=False):
    requires_grad = requires_grad and array.dtype.kind == "f"
    return (tinytorch.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))


# np.array(t) asks __array__ for a copy, and NumPy 2 warns that this one, like torch's, takes no `copy`.
NO_COPY_KEYWORD = "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"


@pytest.mark.filterwarnings(NO_COPY_KEYWORD)
@settings(max_examples=80, deadline=None)
@given(tensors(), st.sampled_from(["int", "float", "pos", "T", "mT", "asarray", "array"]), st.booleans())
def test_python_and_numpy_protocols_match_torch(array, how, requires_grad):
    ours, theirs = both(array, requires_grad)
    act = {
        "int": int, "float": float, "pos": lambda t: +t, "T": lambda t: t.T, "mT": lambda t: t.mT,
        "asarray": lambda t: _seen_by_numpy(np.asarray(t)), "array": lambda t: _seen_by_numpy(np.array(t)),
    }[how]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 0-d .T / .mT deprecation: compared below
        result = assert_same_outcome(lambda: act(ours), lambda: act(theirs))
    if how in ("T", "mT") and array.ndim >= 2:
        assert result._base is ours  # a view


FIRST_WARNINGS = """
import warnings
warnings.simplefilter("always")
import {lib}
for name in ("T", "mT", "T", "mT"):
    x = {lib}.tensor(2.0, requires_grad=True)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        y = getattr(x, name)
    print(name, [str(w.message).split(" (Triggered")[0] for w in seen], y is x,
          None if y.grad_fn is None else y.grad_fn.name())
"""


def test_0d_T_and_mT_warn_once_and_are_the_identity_as_in_torch():
    """In a fresh process (both warn once per process): the same warnings, the same results."""
    printed = [subprocess.run([sys.executable, "-c", FIRST_WARNINGS.format(lib=lib)], capture_output=True, text=True,
                              check=True).stdout.replace("tinytorch", "torch") for lib in ("tinytorch", "torch")]
    assert printed[0] == printed[1]
    assert "deprecated on 0-D tensors" in printed[0]


@pytest.mark.filterwarnings(NO_COPY_KEYWORD)
@pytest.mark.parametrize("make", [np.asarray, np.array], ids=["asarray", "array"])
def test_numpy_shares_or_copies_as_with_torch(make):
    shares = []
    for lib in (tinytorch, torch):
        t = lib.zeros(3)
        make(t)[0] = 5
        shares.append(t[0].item() == 5)
    assert shares[0] == shares[1] == (make is np.asarray)



def test_layout_is_strided():
    assert repr(tinytorch.ones(2).layout) == repr(torch.ones(2).layout).replace("torch", "tinytorch")
    assert tinytorch.ones(2).t().layout is tinytorch.strided
