"""NumPy interop against the real PyTorch: from_numpy shares memory with the
array and describes it with the same strides (in elements) as torch does;
.numpy() hands the same memory back; tensor(ndarray) copies, laid out as
torch lays out its copy; errors match torch's."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import DTYPE_NAMES, assert_same, assert_same_error, tinytorch_message

SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def arrays(draw):
    """A NumPy array that is often not contiguous: a strided slice of a
    permuted array, sometimes with an offset from its buffer's start."""
    name = draw(st.sampled_from(DTYPE_NAMES))
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=3)))
    base = (np.arange(int(np.prod(shape))) % 7).astype(name).reshape(shape)
    if shape:
        base = base.transpose(draw(st.permutations(range(len(shape)))))
        index = tuple(
            slice(draw(st.integers(0, 2)), None, draw(st.integers(1, 3))) for _ in range(draw(st.integers(0, len(shape))))
        )
        base = base[index]
    return base


@SETTINGS
@given(arrays())
def test_from_numpy_has_torch_strides_and_shares_memory(array):
    tt, ref = tinytorch.from_numpy(array), torch.from_numpy(array)
    assert_same(tt, ref)
    assert len(tt.storage()) == ref.untyped_storage().nbytes() // ref.element_size()
    if array.size:
        assert np.shares_memory(tt.numpy(), array)
        # A write on one side shows on the other.
        index = tuple(s - 1 for s in array.shape)
        tt[index] = 1
        assert array[index] == 1
        array[(0,) * array.ndim] = 0
        assert tt[(0,) * array.ndim].item() == 0


@SETTINGS
@given(arrays())
def test_numpy_of_a_view_shares_memory(array):
    t = tinytorch.from_numpy(array)
    view = t[..., ::2] if t.dim() else t[None]
    if view.numel():
        assert np.shares_memory(view.numpy(), array)
        assert np.shares_memory(view.numpy(), t.numpy())
    np.testing.assert_array_equal(view.numpy(), array[..., ::2] if array.ndim else array[None])


@SETTINGS
@given(arrays())
def test_tensor_of_an_array_is_a_copy_laid_out_like_torch(array):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tt, ref = tinytorch.tensor(array), torch.tensor(array)
    assert_same(tt, ref)
    if array.size:
        assert not np.shares_memory(tt.numpy(), array)
        before = array.copy()
        tt.fill_(1)
        np.testing.assert_array_equal(array, before)


def test_as_tensor_shares_memory_when_it_can_like_torch():
    array = np.arange(6.0)
    for lib in (tinytorch, torch):
        assert np.shares_memory(lib.as_tensor(array).numpy(), array)
        assert not np.shares_memory(lib.as_tensor(array, dtype=lib.float32).numpy(), array)
        assert not np.shares_memory(lib.tensor(array).numpy(), array)
        t = lib.arange(3.0)
        assert lib.as_tensor(t) is t
        assert lib.as_tensor(t, dtype=lib.float64).dtype is lib.float64
    assert_same(tinytorch.as_tensor([1, 2.5]), torch.as_tensor([1, 2.5]))
    assert_same(tinytorch.as_tensor(array.T), torch.as_tensor(array.T))


def test_numpy_of_a_tensor_shares_memory_both_ways():
    t = tinytorch.arange(12.0).reshape(3, 4)
    a = t.t().numpy()
    assert np.shares_memory(a, t.numpy())
    a[0, 1] = -1.0
    assert t[1, 0].item() == -1.0
    t[2, 3] = -2.0
    assert a[3, 2] == -2.0


@pytest.mark.parametrize("make", [lambda: np.arange(6.0)[::-1], lambda: np.arange(6.0).reshape(2, 3)[:, ::-1]])
def test_negative_strides_raise_torch_error(make):
    assert_same_error(lambda: tinytorch.from_numpy(make()), lambda: torch.from_numpy(make()))
    assert_same_error(lambda: tinytorch.tensor(make()), lambda: torch.tensor(make()))


def test_misaligned_strides_raise_torch_error():
    raw = np.zeros(16, np.uint8)
    array = np.lib.stride_tricks.as_strided(raw.view(np.float32), (2,), (6,))
    assert_same_error(lambda: tinytorch.from_numpy(array), lambda: torch.from_numpy(array))


@pytest.mark.parametrize("dtype", [np.object_, np.str_, "datetime64[s]", np.longdouble])
def test_unsupported_dtypes_raise_torch_type_error(dtype):
    array = np.zeros(3, dtype=dtype)
    with pytest.raises(TypeError) as expected:
        torch.from_numpy(array)
    with pytest.raises(TypeError) as got:
        tinytorch.from_numpy(array)
    # The same sentence names the type; the list of supported types is each library's own.
    first = str(expected.value).split(". ")[0]
    assert str(got.value).split(". ")[0] == first
    assert str(got.value).startswith("can't convert np.ndarray of type ")


@pytest.mark.parametrize("dtype", [np.complex64, np.uint16, np.uint32, np.uint64])
def test_types_torch_has_and_tinytorch_lacks_raise_type_error(dtype):
    torch.from_numpy(np.zeros(3, dtype=dtype))  # torch has these types
    with pytest.raises(TypeError, match="can't convert np.ndarray of type numpy.*The only supported types are"):
        tinytorch.from_numpy(np.zeros(3, dtype=dtype))


@pytest.mark.parametrize("value", [[1.0, 2.0], np.float32(3), 3.0, None])
def test_from_numpy_wants_an_array(value):
    assert_same_error(lambda: tinytorch.from_numpy(value), lambda: torch.from_numpy(value))


def test_numpy_of_a_tensor_that_requires_grad():
    assert_same_error(lambda: tinytorch.ones(2, requires_grad=True).numpy(),
                      lambda: torch.ones(2, requires_grad=True).numpy())
    tt = tinytorch.ones(2, requires_grad=True).numpy(force=True)
    ref = torch.ones(2, requires_grad=True).numpy(force=True)
    np.testing.assert_array_equal(tt, ref)
    assert tinytorch.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]


def test_read_only_array_warns_like_torch_once():
    def warnings_of(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(2):
                array = np.zeros(3, np.float32)
                array.flags.writeable = False
                lib.from_numpy(array)
        return [str(w.message).split(" (Triggered internally")[0] for w in caught]

    expected = [tinytorch_message(m).replace("PyTorch", "tinytorch") for m in warnings_of(torch)]
    got = warnings_of(tinytorch)
    # torch warns once per program: an earlier test may have used its one warning.
    assert got == expected or (expected == [] and len(got) <= 1)
    if expected:
        assert len(got) == 1


@pytest.mark.parametrize("name", DTYPE_NAMES)
def test_dtype_round_trip(name):
    array = (np.arange(4) % 2).astype(name)
    tt, ref = tinytorch.from_numpy(array), torch.from_numpy(array)
    assert tt.dtype.name == str(ref.dtype).removeprefix("torch.")
    assert tt.numpy().dtype == ref.numpy().dtype == array.dtype
