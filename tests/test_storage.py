"""Storage: the flat buffer every view of a tensor shares, against torch 2.13's.
t.storage() is a new TypedStorage wrapper at every call (with torch's deprecation
warning, once per process), counted in elements; t.untyped_storage() is one
object per shared memory, counted in bytes, and its data_ptr() proves sharing."""
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
def test_every_view_shares_the_untyped_storage_object(make):
    for lib in (tinytorch, torch):
        base = lib.arange(6.0)
        view = make(base)
        assert view.untyped_storage() is base.untyped_storage()
        assert view.untyped_storage().data_ptr() == base.data_ptr()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert view.storage() is not base.storage() and view.storage() is not view.storage()
            assert view.storage().data_ptr() == base.data_ptr()


def test_storage_warns_once_per_process_with_torchs_words():
    from tinytorch.exact import messages
    messages._typed_storage_warned = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tinytorch.ones(2).storage()
        tinytorch.ones(2).storage()
    assert [str(w.message) for w in caught] == [
        "TypedStorage is deprecated. It will be removed in the future and UntypedStorage will be the only storage "
        "class. This should only matter to you if you are using storages directly.  To access UntypedStorage "
        "directly, use tensor.untyped_storage() instead of tensor.storage()"]
    assert caught[0].filename == __file__  # it points at the caller's line


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_untyped_storage_counts_bytes_like_torch(name):
    tt, ref = pair(name)
    tt_u, ref_u = tt[1:].untyped_storage(), ref[1:].untyped_storage()
    assert tt_u.size() == ref_u.size() == tt_u.nbytes() == len(tt_u) == ref_u.nbytes()
    assert tt_u.tolist() == ref_u.tolist() and tt_u[3] == ref_u[3]
    assert repr(tt_u) == repr(ref_u).replace("torch", "tinytorch")


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
def test_repr_is_torchs(name):
    tt, ref = pair(name)
    tt[1] = 1  # an odd value among the others
    ref[1] = 1
    assert repr(tt.storage()) == repr(torch_storage(ref)).replace("torch", "tinytorch")
    assert repr(tinytorch.arange(6.0).storage()).endswith(
        "\n[tinytorch.storage.TypedStorage(dtype=tinytorch.float32, device=cpu) of size 6]")


def test_repr_of_float_values_and_of_an_empty_storage():
    for values in ([0.1, 1 / 3, 1e10, 1e-5], []):
        tt, ref = tinytorch.tensor(values), torch.tensor(values)
        assert repr(tt.storage()) == repr(torch_storage(ref)).replace("torch", "tinytorch")
        assert repr(tt.untyped_storage()) == repr(ref.untyped_storage()).replace("torch", "tinytorch")


def test_legacy_constructor_views_a_whole_storage_of_its_dtype():
    base = tinytorch.arange(6.0)
    t = tinytorch.Tensor(base[2:].storage())
    ref = torch.Tensor(torch_storage(torch.arange(6.0)[2:]))
    assert_same_values(t, ref)
    assert t.untyped_storage() is base.untyped_storage() and t.stride() == ref.stride() and t.storage_offset() == 0
    t[0] = 9.0
    assert base[0].item() == 9.0
    for m in (tinytorch, torch):  # a storage of another dtype is refused, as torch refuses it
        with pytest.raises(RuntimeError, match="Expected a Storage of type Float or an UntypedStorage, but got type Long"):
            m.Tensor(torch_storage(m.arange(6)))


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


def test_an_in_place_op_bumps_the_version_once_and_a_storage_write_does_not():
    """As in torch, whose storages carry no version counter (the tensors do)."""
    for lib in (tinytorch, torch):
        t = lib.arange(6.0)
        before = t._version
        torch_storage(t)[0] = 1.0
        assert t._version == before
        t[1:].add_(1)
        assert t._version == before + 1


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
    assert tt_copy["view"].untyped_storage() is tt_copy["base"].untyped_storage()
    assert tt_copy["base"].untyped_storage() is not tt_base.untyped_storage()
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


STORAGES_AS_DATA = {
    "tensor(typed storage)": lambda m, t: m.tensor(t.storage()),
    "tensor(typed storage, another dtype)": lambda m, t: m.tensor(t.storage(), dtype=m.float64),
    "Tensor(untyped storage)": lambda m, t: m.Tensor(t.untyped_storage()),
    "FloatTensor(untyped storage)": lambda m, t: m.FloatTensor(t.untyped_storage()),
    "LongTensor(untyped storage): the bytes as int64": lambda m, t: m.LongTensor(t.untyped_storage()),
    "IntTensor(untyped storage): the bytes as int32": lambda m, t: m.IntTensor(t.untyped_storage()),
}


@pytest.mark.parametrize("name", sorted(STORAGES_AS_DATA))
def test_storages_as_data(name):
    """torch.tensor copies a typed storage's elements; the legacy constructors read an
    untyped storage's bytes as their dtype, over the same memory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage's deprecation
        oracle.assert_same_outcome(lambda: STORAGES_AS_DATA[name](tinytorch, tinytorch.tensor([1.0, 2.0])),
                                   lambda: STORAGES_AS_DATA[name](torch, torch.tensor([1.0, 2.0])))
    t = tinytorch.tensor([1.0, 2.0])
    tinytorch.Tensor(t.untyped_storage())[0] = 5.0
    assert t.tolist() == [5.0, 2.0]


# -- what a TypedStorage offers beyond its values ------------------------------------------
CONVERSIONS = ["bool", "byte", "char", "short", "int", "long", "half", "float", "double", "clone"]
STORAGE_SOURCES = [
    lambda m: m.tensor([1.5, -2.5, 0.0, 300.0, -0.0]), lambda m: m.tensor([True, False]),
    lambda m: m.tensor([-1, 2, 255, 70000]), lambda m: m.arange(6, dtype=m.int8), lambda m: m.tensor([], dtype=m.float16),
]


@pytest.mark.parametrize("conversion", CONVERSIONS)
@pytest.mark.parametrize("source", STORAGE_SOURCES)
def test_typed_storage_conversions_copy_with_torchs_values(conversion, source):
    """s.float(), s.long() ... convert the values as Tensor.to does, always into new memory."""
    tt_storage, torch_s = torch_storage(source(tinytorch)), torch_storage(source(torch))
    got, expected = getattr(tt_storage, conversion)(), getattr(torch_s, conversion)()
    assert repr(got).replace("tinytorch", "torch") == repr(expected)
    assert (got.data_ptr() == tt_storage.data_ptr()) == (expected.data_ptr() == torch_s.data_ptr()) or not len(got)


@pytest.mark.parametrize("source", STORAGE_SOURCES)
def test_typed_storage_facts(source):
    for name in ("type", "is_shared", "is_pinned", "get_device", "element_size", "nbytes"):
        got, expected = getattr(torch_storage(source(tinytorch)), name)(), getattr(torch_storage(source(torch)), name)()
        assert str(got).replace("tinytorch", "torch") == str(expected), name
    for name in ("is_cuda", "is_sparse"):
        assert getattr(torch_storage(source(tinytorch)), name) == getattr(torch_storage(source(torch)), name)
    for m in (tinytorch, torch):
        untyped = source(m).untyped_storage()
        assert m.is_storage(untyped) and m.is_storage(torch_storage(source(m))) and not m.is_storage(source(m))
        assert isinstance(untyped, m.UntypedStorage) and isinstance(torch_storage(source(m)), m.TypedStorage)
    assert tinytorch.arange(2).untyped_storage().type() == "tinytorch.storage.UntypedStorage"


@pytest.mark.parametrize("target, source", [
    ("int32", lambda m: m.arange(6.0).storage()), ("int64", lambda m: m.arange(6.0).storage()),
    ("float32", lambda m: m.tensor([1, -2, 3], dtype=m.int32).untyped_storage()),
    ("float64", lambda m: m.arange(3.0, dtype=m.float64).storage()),
])
def test_typed_storage_fill_and_copy_write_in_place(target, source):
    """fill_ sets every element; copy_ copies bytes (torch's rule), refusing another size in bytes."""
    def run(m):
        t = m.zeros(6, dtype=getattr(m, target))
        s = torch_storage(t)
        assert s.fill_(3) is s
        filled = t.clone()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            copied = s.copy_(source(m))
        assert copied is s
        return filled, t
    tt, ref = oracle.outcome(lambda: run(tinytorch)), oracle.outcome(lambda: run(torch))
    if ref[1] is not None:
        assert_same_error(lambda: run(tinytorch), lambda: run(torch))
    else:
        for got, expected in zip(tt[0], ref[0]):
            assert_same_values(got, expected)


# -- set_: a tensor pointed at other memory ---------------------------------------------------
SET_CALLS = {
    "nothing": lambda m, t, src: t.set_(),
    "storage": lambda m, t, src: t.set_(torch_storage(src)),
    "untyped storage": lambda m, t, src: t.set_(src.untyped_storage()),
    "storage part": lambda m, t, src: t.set_(torch_storage(src), 2, (2, 2)),
    "storage part with strides": lambda m, t, src: t.set_(torch_storage(src), 1, (2, 2), (1, 2)),
    "tensor": lambda m, t, src: t.set_(src),
    "strided tensor": lambda m, t, src: t.set_(src[::2]),
    "tensor part": lambda m, t, src: t.set_(src, 1, [3]),
    "source keyword": lambda m, t, src: t.set_(source=src),
    "storage of another dtype": lambda m, t, src: t.set_(torch_storage(src.long())),
    "tensor of another dtype": lambda m, t, src: t.set_(src.long()),
    "leaf that requires grad": lambda m, t, src: t.requires_grad_().set_(src),
    "negative offset": lambda m, t, src: t.set_(torch_storage(src), -1, (2,)),
    "offset only": lambda m, t, src: t.set_(torch_storage(src), 1),
    "five arguments": lambda m, t, src: t.set_(torch_storage(src), 0, (2,), (1,), 5),
    "a number": lambda m, t, src: t.set_(5),
}


@pytest.mark.parametrize("name", sorted(SET_CALLS))
def test_set_points_a_tensor_at_other_memory(name):
    """t.set_(...) keeps t itself but gives it the source's memory and the header asked for:
    the same values, strides and offset as torch's, and a write through t is seen in the source."""
    def run(m):
        t, src = m.zeros(3), m.arange(6.0)
        assert SET_CALLS[name](m, t, src) is t
        header = (t.clone(), t.stride(), t.storage_offset())
        with m.no_grad():
            t.fill_(-7)
        return header + (src,)
    oracle.assert_same_outcome(lambda: run(tinytorch), lambda: run(torch))


def test_set_records_a_node_without_a_derivative():
    for m in (tinytorch, torch):
        a = m.ones(3, requires_grad=True)
        b = (a * 2).set_(m.zeros(3))
        assert b.requires_grad and b.grad_fn.name().endswith("autograd::NotImplemented")
        with pytest.raises(RuntimeError, match="derivative for set_ is not implemented"):
            b.sum().backward()
