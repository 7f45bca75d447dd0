"""Shared helpers for tests that compare tinytorch with the real PyTorch (the oracle).

Import it from any test file in tests/ as `import oracle` (pytest puts tests/ on
sys.path). The API is small and stays backward compatible:

    DTYPE_NAMES                   the dtype names both libraries share
    torch_dtype(name_or_dtype)    the torch dtype of that name (or of a tinytorch dtype)
    tt_dtype(name_or_dtype)       the tinytorch dtype of that name (or of a torch dtype)
    dtype_name(d)                 "float32", ... for a dtype of either library
    to_numpy(t)                   a NumPy copy of a tinytorch or torch tensor's values
    pair(array)                   (tinytorch tensor, torch tensor), each its own copy of `array`
    assert_same(tt, ref, ...)     shape, stride, offset, dtype, contiguity and values all match
    assert_same_values(tt, ref)   values, shape and dtype match (layout is not checked)
    tinytorch_message(text)       torch's message with `torch` spelled `tinytorch`
    assert_same_error(tt_fn, torch_fn)
                                  both raise, with the same exception type and message
    assert_same_outcome(tt_fn, torch_fn, rtol=, atol=)
                                  both raise the same error, or both return the same result
    outcome(fn)                   (fn(), None), or (None, the exception fn raised)
    run_in_both(fn)               (fn(tinytorch), fn(torch)): one body, written against a module, run with each library
    shares_storage(tt_a, tt_b) / torch_shares_storage(a, b)
                                  whether two tensors view one storage
    torch_position(t, index)      where torch keeps element `index` of t, in elements from its storage's start
    mostly(valid, invalid)        a Hypothesis strategy: `valid` nine times in ten, else `invalid`

tinytorch must never import torch; only tests do.
"""
import re

import numpy as np
import torch
from hypothesis import strategies as st

import tinytorch

DTYPE_NAMES = ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool")


def dtype_name(d):
    """The plain name of a tinytorch or torch dtype: 'float32', 'int64', 'bool', ..."""
    if isinstance(d, str):
        return d
    if isinstance(d, torch.dtype):
        return str(d).removeprefix("torch.")
    return d.name


def torch_dtype(d):
    """The torch dtype matching a name, a tinytorch dtype or a torch dtype."""
    return getattr(torch, dtype_name(d))


def tt_dtype(d):
    """The tinytorch dtype matching a name, a torch dtype or a tinytorch dtype."""
    return getattr(tinytorch, dtype_name(d))


def to_numpy(t):
    """A NumPy copy of the values of a tinytorch or torch tensor (detached, on the CPU)."""
    if isinstance(t, torch.Tensor):
        return t.detach().cpu().numpy().copy()
    return np.array(t.detach().cpu().numpy(), copy=True)


def pair(array):
    """The same data as a tinytorch tensor and a torch tensor, each owning its own copy."""
    array = np.asarray(array)
    return tinytorch.tensor(array.copy()), torch.tensor(array.copy())


def assert_same_values(tt, ref, *, rtol=0.0, atol=0.0, equal_nan=True):
    """Same shape, dtype and values (exactly, unless a tolerance is given)."""
    assert tuple(tt.shape) == tuple(ref.shape), f"shape {tuple(tt.shape)} != torch's {tuple(ref.shape)}"
    assert dtype_name(tt.dtype) == dtype_name(ref.dtype), f"dtype {tt.dtype} != torch's {ref.dtype}"
    got, want = to_numpy(tt), to_numpy(ref)
    if rtol == 0 and atol == 0:
        np.testing.assert_array_equal(got, want)
    else:  # in float64, so that the tolerance itself cannot overflow a float16
        wide = (lambda a: a.astype(np.float64)) if got.dtype.kind == "f" else (lambda a: a)
        np.testing.assert_allclose(wide(got), wide(want), rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_same(tt, ref, *, check_layout=True, rtol=0.0, atol=0.0):
    """A tinytorch tensor matches a torch tensor: shape, dtype, values and, with
    check_layout (the default), stride(), storage_offset() and is_contiguous()."""
    assert_same_values(tt, ref, rtol=rtol, atol=atol)
    if check_layout:
        assert tuple(tt.stride()) == tuple(ref.stride()), f"stride {tt.stride()} != torch's {ref.stride()}"
        assert tt.storage_offset() == ref.storage_offset(), (
            f"storage_offset {tt.storage_offset()} != torch's {ref.storage_offset()}"
        )
        assert tt.is_contiguous() == ref.is_contiguous(), (
            f"is_contiguous {tt.is_contiguous()} != torch's {ref.is_contiguous()}"
        )


def tinytorch_message(text):
    """torch's error message as tinytorch words it: the library's name swapped,
    and the C++ stack trace some torch errors carry ("Exception raised from ...") cut off."""
    text = str(text).split("\nException raised from ")[0]
    return re.sub(r"\btorch\b", "tinytorch", text)


def assert_same_error(tt_fn, torch_fn):
    """Both calls raise the same exception type with the same message (torch's
    name replaced by tinytorch's). Returns the tinytorch exception."""
    try:
        torch_fn()
    except Exception as e:  # noqa: BLE001  (any exception torch raises is the reference)
        expected = e
    else:
        raise AssertionError("torch did not raise, so there is no error to compare with")
    try:
        tt_fn()
    except Exception as e:  # noqa: BLE001
        got = e
    else:
        raise AssertionError(f"tinytorch did not raise; torch raised {type(expected).__name__}: {expected}")
    assert type(got) is type(expected), (
        f"tinytorch raised {type(got).__name__}: {got}\n   torch raised {type(expected).__name__}: {expected}"
    )
    assert str(got) == tinytorch_message(expected), f"\ntinytorch: {got}\n    torch: {expected}"
    return got


def assert_same_outcome(tt_fn, torch_fn, *, rtol=0.0, atol=0.0, check_message=True):
    """Run both calls. Either both raise the same exception type (and message,
    unless check_message=False: torch's argument-parser TypeErrors list its
    C++ signatures), or both return the same result: tensors as in
    assert_same_values (the tolerance applies to floating-point results only),
    tuples item by item, anything else with ==. Returns tinytorch's result."""
    try:
        expected = torch_fn()
    except Exception as e:  # noqa: BLE001  (any exception torch raises is the reference)
        if check_message:
            return assert_same_error(tt_fn, torch_fn)
        try:
            tt_fn()
        except type(e) as got:
            return got
        raise AssertionError(f"tinytorch did not raise {type(e).__name__}; torch raised: {e}")
    got = tt_fn()
    _assert_same_result(got, expected, rtol, atol)
    return got


def _assert_same_result(got, expected, rtol, atol):
    if isinstance(expected, torch.Tensor):
        assert isinstance(got, tinytorch.Tensor), f"tinytorch returned {type(got).__name__}, torch a Tensor"
        floating = expected.dtype.is_floating_point
        assert_same_values(got, expected, rtol=rtol if floating else 0.0, atol=atol if floating else 0.0)
    elif isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), f"tinytorch returned {got!r}"
        for g, e in zip(got, expected):
            _assert_same_result(g, e, rtol, atol)
    else:
        # floats by repr, so that nan matches nan and -0.0 does not match 0.0
        same = repr(got) == repr(expected) if isinstance(expected, float) else got == expected
        assert type(got) is type(expected) and same, f"tinytorch returned {got!r}, torch {expected!r}"


def shares_storage(a, b):
    """Whether two tinytorch tensors view the very same Storage object."""
    return a.untyped_storage() is b.untyped_storage()


def torch_shares_storage(a, b):
    """Whether two torch tensors view the same storage (same base address)."""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def torch_position(t, index):
    """Where torch keeps element `index` of t, counted in elements from the storage's start."""
    return (t[index].data_ptr() - t.untyped_storage().data_ptr()) // t.element_size()


def outcome(fn):
    """(fn(), None) if it returns, else (None, the exception): for comparing a call that may fail."""
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001  (torch's exception is the reference)
        return None, e


def run_in_both(fn):
    """(fn(tinytorch), fn(torch)): fn(lib) run with each library, tinytorch's result first."""
    return fn(tinytorch), fn(torch)


def mostly(valid, invalid):
    """Draw from `valid` nine times in ten, else from `invalid` (to meet torch's errors)."""
    return st.integers(0, 9).flatmap(lambda k: invalid if k == 0 else valid)
