"""Storage: the flat buffer every view of a tensor shares, against torch's
(legacy, typed) storage. tinytorch hands out the very same Storage object for
every view, where torch makes a new wrapper around the same memory."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
import oracle
from oracle import DTYPE_NAMES, assert_same_error, assert_same_values, torch_dtype, tt_dtype

VIEWS = [
    lambda x: x[2:], lambda x: x.view(2, 3), lambda x: x.view(2, 3).t(), lambda x: x[::2],
    lambda x: x.view(3, 2)[1], lambda x: x.unsqueeze(0).expand(4, 6), lambda x: x.as_strided((2, 2), (1, 2), 1),
    lambda x: x[None, ..., None], lambda x: x.view(1, 6).squeeze(0), lambda x: x.narrow(0, 1, 3),
]


def torch_storage(t):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated in torch, and still shows the legacy style
        return t.storage()


def pair(name, n=6):
    values = np.arange(n) % 3 == 0 if name == "bool" else np.arange(n)
    return tinytorch.tensor(values, dtype=tt_dtype(name)), torch.tensor(values, dtype=torch_dtype(name))


@pytest.mark.parametrize("make", VIEWS)
def test_every_view_shares_the_storage_object(make):
    base = tinytorch.arange(6.0)
    view = make(base)
    assert view.storage() is base.storage()
    assert view.storage().data_ptr() == base.data_ptr()
    ref = torch.arange(6.0)
    assert make(ref).untyped_storage().data_ptr() == ref.untyped_storage().data_ptr()


@pytest.mark.parametrize("make", VIEWS)
def test_writing_the_storage_changes_every_view(make):
    tt, ref = tinytorch.arange(6.0), torch.arange(6.0)
    tt_view, ref_view = make(tt), make(ref)
    tt.storage()[3] = -1.5
    torch_storage(ref)[3] = -1.5
    assert_same_values(tt_view, ref_view)
    assert_same_values(tt, ref)


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_storage_facts_match_torch(name):
    tt, ref = pair(name)
    tt_s, ref_s = tt[1:].storage(), torch_storage(ref[1:])
    assert len(tt_s) == len(ref_s) and tt_s.size() == ref_s.size()
    assert tt_s.element_size() == ref_s.element_size()
    assert tt_s.nbytes() == ref_s.nbytes()
    assert tt_s.dtype is tt_dtype(ref_s.dtype)
    assert list(tt_s) == list(ref_s)
    assert all(type(a) is type(b) for a, b in zip(tt_s, ref_s))  # Python numbers, not tensors
    assert tt_s.tolist() == ref_s.tolist()
    assert tt_s[-1] == ref_s[-1] and type(tt_s[2]) is type(ref_s[2])


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_repr_is_the_legacy_typed_storage_style(name):
    tt, ref = pair(name)
    tt[1] = 1  # an odd value among the others
    ref[1] = 1
    lines = repr(tt.storage()).split("\n")
    # torch's element lines; its footer now names TypedStorage, the course shows the older FloatStorage style.
    assert lines[:-1] == repr(torch_storage(ref)).split("\n")[:-1]
    assert lines[:-1] == [" " + str(x) for x in ref.tolist()]
    assert lines[-1] == f"[tinytorch.{tt.dtype.storage_name} of size 6]"
    assert tt.dtype.storage_name == torch_storage(ref)._pickle_storage_type()  # FloatStorage, LongStorage, ...


def test_repr_of_float_values_and_of_an_empty_storage():
    for values in ([0.1, 1 / 3, 1e10, 1e-5], []):
        tt, ref = tinytorch.tensor(values), torch.tensor(values)
        assert repr(tt.storage()).split("\n")[:-1] == repr(torch_storage(ref)).split("\n")[:-1]
    assert repr(tinytorch.arange(6.0).storage()).endswith("\n[tinytorch.FloatStorage of size 6]")


def test_legacy_constructor_views_a_whole_storage():
    base = tinytorch.arange(6.0)
    t = tinytorch.Tensor(base[2:].storage())
    ref = torch.Tensor(torch_storage(torch.arange(6.0)[2:]))
    assert_same_values(t, ref)
    assert t.storage() is base.storage() and t.stride() == ref.stride() and t.storage_offset() == 0
    t[0] = 9.0
    assert base[0].item() == 9.0


def test_data_ptr_moves_by_offset_times_itemsize():
    for name in ("float32", "float64", "int16", "bool"):
        tt, ref = pair(name)
        assert tt[2:].data_ptr() - tt.data_ptr() == ref[2:].data_ptr() - ref.data_ptr()
        assert tt.view(2, 3)[1].data_ptr() - tt.data_ptr() == ref.view(2, 3)[1].data_ptr() - ref.data_ptr()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 8), st.data())
def test_storage_writes_show_in_random_views(n, data):
    tt, ref = tinytorch.arange(float(n)), torch.arange(float(n))
    stride = data.draw(st.integers(0, 2))
    size = data.draw(st.integers(0, n if stride < 2 else (n + 1) // 2))
    offset = data.draw(st.integers(0, n - 1 - (size - 1) * stride if size else n - 1))
    index = data.draw(st.integers(-n, n - 1))
    value = data.draw(st.integers(-9, 9))
    tt_view, ref_view = tt.as_strided((size,), (stride,), offset), ref.as_strided((size,), (stride,), offset)
    tt.storage()[index] = value
    torch_storage(ref)[index] = value
    assert_same_values(tt_view, ref_view)


ERRORS = {
    "read out of range": lambda lib, s: s[6],
    "negative read out of range": lambda lib, s: s[-7],
    "write out of range": lambda lib, s: s.__setitem__(6, 1.0),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    assert_same_error(lambda: ERRORS[case](tinytorch, tinytorch.arange(6.0).storage()),
                      lambda: ERRORS[case](torch, torch_storage(torch.arange(6.0))))


def test_bad_index_types_raise_runtime_error_like_torch():
    s, ref = tinytorch.arange(6.0).storage(), torch_storage(torch.arange(6.0))
    for index in ("a", 1.5, slice(1, 3)):
        with pytest.raises(RuntimeError):
            ref[index]
        with pytest.raises(RuntimeError):
            s[index]


def test_writes_bump_the_version_once():
    t = tinytorch.arange(6.0)
    before = t.storage()._version
    t.storage()[0] = 1.0
    t[1:].add_(1)
    assert t.storage()._version == before + 2


def test_deepcopy_copies_memory_and_keeps_sharing_like_torch():
    import copy
    results = {}
    for lib in (tinytorch, torch):
        base = lib.arange(6.0)
        leaf = lib.ones(3, requires_grad=True)
        leaf.grad = lib.full((3,), 2.0)
        copied = copy.deepcopy({"base": base, "view": base[2:].view(2, 2), "leaf": leaf})
        copied["view"][0, 0] = -1.0  # writes into the copied storage only
        results[lib] = copied, base
    (tt_copy, tt_base), (th_copy, th_base) = results[tinytorch], results[torch]
    for key in ("base", "view", "leaf"):
        oracle.assert_same(tt_copy[key], th_copy[key])
    oracle.assert_same(tt_base, th_base)  # the original is untouched
    assert tt_copy["view"].storage() is tt_copy["base"].storage()
    assert tt_copy["base"].storage() is not tt_base.storage()
    assert tt_copy["leaf"].requires_grad and tt_copy["leaf"].is_leaf
    oracle.assert_same(tt_copy["leaf"].grad, th_copy["leaf"].grad)


def test_deepcopy_refuses_non_leaves_like_torch():
    import copy
    with pytest.raises(RuntimeError) as ours:
        copy.deepcopy(tinytorch.ones(2, requires_grad=True) * 2)
    with pytest.raises(RuntimeError) as theirs:
        copy.deepcopy(torch.ones(2, requires_grad=True) * 2)
    # torch goes on about torch.nn's weight_norm, which tinytorch does not have.
    assert str(ours.value) == str(theirs.value).split("  ")[0]
