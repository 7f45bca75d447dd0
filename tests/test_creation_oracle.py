"""Making tensors, against the real PyTorch: tensor() and its dtype inference,
the legacy Tensor constructor, zeros/ones/empty/full/eye and the *_like
functions, arange and linspace (bit for bit), and the random functions
(shapes, dtypes, ranges; the numbers themselves are tinytorch's own)."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle
import tinytorch
from oracle import (
    DTYPE_NAMES, assert_same, assert_same_error, dtype_name, outcome, run_in_both, torch_dtype, tt_dtype,
)

SETTINGS = settings(max_examples=200, deadline=None)


@pytest.fixture(autouse=True)
def default_float32():
    yield
    torch.set_default_dtype(torch.float32)
    tinytorch.set_default_dtype(tinytorch.float32)


def assert_same_result(make):
    """make(tinytorch) and make(torch) give the same tensor, or raise the same error."""
    (tt, tt_error), (ref, ref_error) = outcome(lambda: make(tinytorch)), outcome(lambda: make(torch))
    if ref_error is not None:
        assert tt_error is not None, f"torch raised {ref_error!r}"
        assert type(tt_error) is type(ref_error) and str(tt_error) == str(ref_error).replace("torch", "tinytorch")
        return
    assert tt_error is None, tt_error
    assert_same(tt, ref)  # exact: the same floats, not close ones, and the same layout


# -- tensor(data) -------------------------------------------------------------------------
NUMPY_SCALARS = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64, np.uint8, np.bool_]


@st.composite
def scalars(draw, kinds):
    kind = draw(st.sampled_from(kinds))
    if kind == "bool":
        return draw(st.booleans())
    if kind == "int":
        return draw(st.integers(-100, 100))
    if kind == "float":
        return draw(st.floats(-1e3, 1e3, allow_nan=False, width=32))
    if kind == "numpy":
        cls = draw(st.sampled_from(NUMPY_SCALARS))
        return cls(draw(st.integers(0, 100)))
    return ("tensor", draw(st.sampled_from(["float32", "int32", "float64", "bool"])), draw(st.integers(0, 1)))


@st.composite
def nested_data(draw):
    """Nested lists/tuples of numbers of one kind mix, with a regular shape."""
    shape = tuple(draw(st.lists(st.integers(0, 3), min_size=0, max_size=3)))
    kinds = draw(st.lists(st.sampled_from(["bool", "int", "float", "numpy", "tensor"]), min_size=1, max_size=3))
    flat = [draw(scalars(kinds)) for _ in range(math.prod(shape))]

    def build(dims, items):
        if not dims:
            return items.pop(0)
        seq = [build(dims[1:], items) for _ in range(dims[0])]
        return tuple(seq) if draw(st.integers(0, 4)) == 0 else seq
    return build(list(shape), flat)


def materialize(lib, data):
    """The data with ("tensor", dtype, value) leaves made into 0-d tensors of lib."""
    if isinstance(data, tuple) and len(data) == 3 and data[0] == "tensor":
        return lib.tensor(data[2], dtype=getattr(lib, data[1]))
    if isinstance(data, (list, tuple)):
        return type(data)(materialize(lib, item) for item in data)
    return data


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
@SETTINGS
@given(nested_data(), st.sampled_from([None, "float64"]))
def test_tensor_infers_dtype_and_shape_like_torch(data, default):
    if default:
        torch.set_default_dtype(torch.float64)
        tinytorch.set_default_dtype(tinytorch.float64)
    assert_same_result(lambda lib: lib.tensor(materialize(lib, data)))


@pytest.mark.filterwarnings("ignore:To copy construct from a tensor")
@SETTINGS
@given(nested_data(), st.sampled_from(DTYPE_NAMES))
def test_tensor_with_a_dtype_converts_like_torch(data, name):
    assert_same_result(lambda lib: lib.tensor(materialize(lib, data), dtype=getattr(lib, name)))


@st.composite
def ragged_data(draw):
    """A regular nested list with one element replaced: by a list of the wrong
    length, a scalar where a list belongs, or a list where a scalar belongs."""
    shape = tuple(draw(st.lists(st.integers(2, 3), min_size=1, max_size=3)))
    data = np.arange(math.prod(shape)).reshape(shape).tolist()
    if draw(st.booleans()):
        data = (np.array(data) * 0.5).tolist()
    # PyTorch reads the shape down the first elements, so change a later one.
    path = [draw(st.integers(0, s - 1)) for s in shape[:draw(st.integers(1, len(shape))) - 1]]
    path.append(draw(st.integers(1, shape[len(path)] - 1)))
    parent = data
    for i in path[:-1]:
        parent = parent[i]
    old = parent[path[-1]]
    parent[path[-1]] = draw(st.sampled_from(
        [[1] * (len(old) + 1), 7] if isinstance(old, list) else [[old], [old, old]]
    ))
    return data


@SETTINGS
@given(ragged_data(), st.sampled_from([None, "int64", "float32", "bool"]))
def test_ragged_data_raises_torch_error(data, name):
    kwargs = (lambda lib: {}) if name is None else (lambda lib: {"dtype": getattr(lib, name)})
    assert_same_error(lambda: tinytorch.tensor(data, **kwargs(tinytorch)), lambda: torch.tensor(data, **kwargs(torch)))


@pytest.mark.parametrize("data", [
    [], [[]], [[], []], (), 3, 2.5, True, [True, 1], [True, 1, 2.5], range(4), [range(2), range(2)],
    np.float32(1.5), np.float64(1.5), np.int8(3), np.bool_(True), np.array(5), np.array([[1, 2]], np.int16),
    [np.float16(1), 2], [np.int8(1), np.uint8(2)], [np.float64(1)], [np.array([1.0, 2.0]), [3.0, 4.0]],
])
def test_tensor_of_examples(data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(*run_in_both(lambda lib: lib.tensor(data)))


@pytest.mark.parametrize("data", ["a", None, [1, None], [1, "a"], object(), {1: 2}, [[1, 2], 3], [1, [2]],
                                  [1.0, [2.0]], [[1, 2], [3]]])
def test_tensor_errors(data):
    assert_same_error(lambda: tinytorch.tensor(data), lambda: torch.tensor(data))


@pytest.mark.parametrize("data, name", [
    ([300], "uint8"), ([-1], "uint8"), ([-300], "uint8"), ([2**40], "int32"), ([float("nan")], "int32"),
    ([1.7, -2.7], "int32"), ([1e300], "float32"), ([1, 2], "bool"), ([0.5, 0.0], "bool"), ([70000.0], "float16"),
    ([[torch.tensor(1)]], "int64"),
])
def test_tensor_conversions(data, name):
    def make(lib):
        return lib.tensor(materialize(lib, _as_leaves(data)), dtype=getattr(lib, name))
    try:
        expected = make(torch)
    except Exception:  # noqa: BLE001
        assert_same_error(lambda: make(tinytorch), lambda: make(torch))
    else:
        assert_same(make(tinytorch), expected)


def _as_leaves(data):
    if isinstance(data, torch.Tensor):
        return ("tensor", dtype_name(data.dtype), data.item())
    if isinstance(data, list):
        return [_as_leaves(x) for x in data]
    return data


def test_multi_element_tensors_in_a_list():
    for dtype in ("float32", "int64"):
        assert_same_error(
            lambda: tinytorch.tensor([tinytorch.ones(2, dtype=tt_dtype(dtype))]),
            lambda: torch.tensor([torch.ones(2, dtype=torch_dtype(dtype))]),
        )


def test_tensor_requires_grad_and_copy_warning():
    tt, ref = run_in_both(lambda lib: lib.tensor([1.0, 2.0], requires_grad=True))
    assert tt.requires_grad and ref.requires_grad and tt.is_leaf
    assert_same_error(lambda: tinytorch.tensor([1], requires_grad=True), lambda: torch.tensor([1], requires_grad=True))
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        copy = tinytorch.tensor(tt)
    assert copy.untyped_storage() is not tt.untyped_storage() and not copy.requires_grad


# -- the legacy constructor ------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    (), (2, 3), (0,), ([1, 2],), ((1, 2),), ([[1, 2], [3, 4]],), ([True],), ([],), (np.array([1, 2]),),
])
def test_legacy_tensor(args):
    tt, ref = run_in_both(lambda lib: lib.Tensor(*args))
    if args and isinstance(args[0], int):
        ref.zero_()  # torch leaves the memory of Tensor(2, 3) uninitialized; tinytorch zeroes it
    assert_same(tt, ref)


def test_legacy_tensor_of_a_size_and_of_a_tensor():
    assert_same(tinytorch.Tensor(tinytorch.Size([2, 3])), torch.Tensor(torch.Size([2, 3])).zero_())
    t = tinytorch.tensor([1, 2])
    alias = tinytorch.Tensor(t)
    assert alias.dtype is tinytorch.int64 and alias.untyped_storage() is t.untyped_storage()
    assert torch.Tensor(torch.tensor([1, 2])).dtype is torch.int64


@pytest.mark.parametrize("make", [
    lambda lib: lib.Tensor(2.5), lambda lib: lib.Tensor(None), lambda lib: lib.Tensor(-1),
    lambda lib: lib.Tensor(2, -1), lambda lib: lib.Tensor(2, 3.0), lambda lib: lib.Tensor("ab"),
    lambda lib: lib.Tensor([1, "a"]), lambda lib: lib.Tensor([[1, 2], [3]]),
    lambda lib: lib.Tensor(3, dtype=lib.float64), lambda lib: lib.Tensor(2, requires_grad=True),
])
def test_legacy_tensor_errors(make):
    assert_same_error(lambda: make(tinytorch), lambda: make(torch))


# What a learner might pass first to the legacy constructor, made by each library.
LEGACY_FIRST_ARGUMENTS = [
    lambda lib: 2, lambda lib: 2.5, lambda lib: True, lambda lib: None, lambda lib: "ab", lambda lib: (2,),
    lambda lib: (2, 3.5, [1]), lambda lib: (), lambda lib: [1.0], lambda lib: [1, 2.5], lambda lib: [],
    lambda lib: [[1, 2]], lambda lib: lib.Size([2, 3]), lambda lib: lib.ones(2), lambda lib: lib.tensor(2),
    lambda lib: lib.arange(6).storage(), lambda lib: lib.arange(6).untyped_storage(),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(LEGACY_FIRST_ARGUMENTS), st.lists(st.sampled_from(LEGACY_FIRST_ARGUMENTS[:6]), max_size=3),
       st.sampled_from(["Tensor", "LongTensor", "FloatTensor"]))
def test_legacy_constructors_with_several_arguments(first, rest, constructor):
    """Tensor(storage, 2), Tensor([1.], 2) ...: several arguments are only a size, and anything
    else gets the parser's TypeError, which names each argument's type."""
    def make(lib):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TypedStorage's deprecation
            made = getattr(lib, constructor)(first(lib), *[value(lib) for value in rest])
        return made.zero_()  # a size gives uninitialised memory in torch
    assert_same_result(make)


# -- filled tensors ----------------------------------------------------------------------------
shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3).map(tuple)


@SETTINGS
@given(shapes, st.sampled_from([None] + list(DTYPE_NAMES)), st.sampled_from(["tuple", "list", "varargs"]))
def test_zeros_ones_empty(shape, name, form):
    for fn in ("zeros", "ones", "empty"):
        def make(lib):
            kwargs = {} if name is None else {"dtype": getattr(lib, name)}
            if form == "varargs":
                return getattr(lib, fn)(*shape, **kwargs) if shape else getattr(lib, fn)((), **kwargs)
            return getattr(lib, fn)(list(shape) if form == "list" else shape, **kwargs)
        tt, ref = run_in_both(make)
        if fn == "empty":
            ref.zero_()  # torch leaves empty() uninitialized; tinytorch zeroes it so lessons print the same
        assert_same(tt, ref)


@SETTINGS
@given(shapes, st.one_of(st.booleans(), st.integers(-5, 5), st.floats(-5, 5, width=32),
                         st.sampled_from([np.float64(1.5), np.float32(2.5), np.int32(3), np.bool_(True)])),
       st.sampled_from([None, "float64", "int32", "bool", "float16"]))
def test_full_infers_dtype_from_the_value(shape, value, name):
    def make(lib):
        return lib.full(shape, value, **({} if name is None else {"dtype": getattr(lib, name)}))
    assert_same(*run_in_both(make))


@pytest.mark.parametrize("make", [
    lambda lib: lib.zeros(2, -3), lambda lib: lib.zeros(-1), lambda lib: lib.ones(2, -3), lambda lib: lib.empty(-1),
    lambda lib: lib.full((2, -1), 1.0), lambda lib: lib.zeros(2.5), lambda lib: lib.zeros(2, 2.5),
    lambda lib: lib.zeros((2, "3")), lambda lib: lib.ones(), lambda lib: lib.zeros(True),
    lambda lib: lib.full(2, 1.5), lambda lib: lib.full((2,), "x"), lambda lib: lib.full((2,), None),
    lambda lib: lib.full((2,), 300, dtype=lib.uint8), lambda lib: lib.full((2,), float("nan"), dtype=lib.int64),
    lambda lib: lib.eye(-1), lambda lib: lib.eye(2, -1),
    lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True),
    lambda lib: lib.ones(2, dtype=lib.int64).requires_grad_(),
])
def test_creation_errors(make):
    assert_same_error(lambda: make(tinytorch), lambda: make(torch))


@pytest.mark.parametrize("n, m", [(0, None), (1, None), (3, None), (2, 4), (4, 2), (3, 0)])
@pytest.mark.parametrize("name", [None, "int64", "bool", "float64"])
def test_eye(n, m, name):
    def make(lib):
        kwargs = {} if name is None else {"dtype": getattr(lib, name)}
        return lib.eye(n, **kwargs) if m is None else lib.eye(n, m, **kwargs)
    assert_same(*run_in_both(make))


LIKE_SOURCES = [
    lambda lib: lib.arange(6.0).reshape(2, 3),
    lambda lib: lib.arange(6.0).reshape(2, 3).t(),
    lambda lib: lib.arange(12).reshape(4, 3)[:, ::2],
    lambda lib: lib.arange(24).reshape(2, 3, 4).permute(2, 0, 1),
    lambda lib: lib.zeros(3, 1).expand(3, 4),
    lambda lib: lib.tensor(5.0),
]


@pytest.mark.parametrize("source", LIKE_SOURCES)
@pytest.mark.parametrize("name", [None, "float64", "int32"])
def test_like_functions_keep_the_layout(source, name):
    for fn, args in (("zeros_like", ()), ("ones_like", ()), ("full_like", (7,)), ("empty_like", ())):
        def make(lib):
            out = getattr(lib, fn)(source(lib), *args, **({} if name is None else {"dtype": getattr(lib, name)}))
            return out.zero_() if fn == "empty_like" else out
        assert_same(*run_in_both(make))


@pytest.mark.parametrize("source", LIKE_SOURCES[:5])
def test_random_like_functions_keep_the_layout(source):
    for fn in ("rand_like", "randn_like"):
        tt, ref = getattr(tinytorch, fn)(source(tinytorch).float()), getattr(torch, fn)(source(torch).float())
        assert (tt.shape, tt.stride(), tt.dtype.name) == (ref.shape, ref.stride(), dtype_name(ref.dtype))


# Every creation function, as torch calls it; the random ones are seeded in both.
CREATION_CALLS = {
    "zeros": lambda lib, **kw: lib.zeros(2, 3, **kw), "ones": lambda lib, **kw: lib.ones(2, **kw),
    "empty": lambda lib, **kw: lib.empty(2, **kw).zero_(), "full": lambda lib, **kw: lib.full((2,), 1.5, **kw),
    "eye": lambda lib, **kw: lib.eye(2, **kw), "arange": lambda lib, **kw: lib.arange(3, **kw),
    "linspace": lambda lib, **kw: lib.linspace(0, 1, 5, **kw), "logspace": lambda lib, **kw: lib.logspace(0, 1, 3, **kw),
    "rand": lambda lib, **kw: lib.rand(2, **kw).shape, "randn": lambda lib, **kw: lib.randn(2, **kw).shape,
    "randint": lambda lib, **kw: lib.randint(3, (2,), **kw).shape, "randperm": lambda lib, **kw: lib.randperm(3, **kw).sort()[0],
    "zeros_like": lambda lib, **kw: lib.zeros_like(lib.ones(2, 1).t(), **kw),
    "ones_like": lambda lib, **kw: lib.ones_like(lib.ones(2), **kw),
    "empty_like": lambda lib, **kw: lib.empty_like(lib.ones(2), **kw).zero_(),
    "full_like": lambda lib, **kw: lib.full_like(lib.ones(2), 4, **kw),
    "rand_like": lambda lib, **kw: lib.rand_like(lib.ones(2), **kw).shape,
    "randn_like": lambda lib, **kw: lib.randn_like(lib.ones(2), **kw).shape,
    "randint_like": lambda lib, **kw: lib.randint_like(lib.ones(2), 5, **kw).shape,
    "tensor": lambda lib, **kw: lib.tensor([1, 2], **kw),
    "new_zeros": lambda lib, **kw: lib.ones(1).new_zeros((2, 3), **kw),
    "new_ones": lambda lib, **kw: lib.ones(1).new_ones(2, **kw),
    "new_empty": lambda lib, **kw: lib.ones(1).new_empty(2, **kw).zero_(),
    "new_full": lambda lib, **kw: lib.ones(1).new_full((2,), 7, **kw),
}


@pytest.mark.parametrize("name", sorted(CREATION_CALLS))
@pytest.mark.parametrize("options", [
    {"layout": "strided"}, {"layout": None}, {"pin_memory": False}, {"pin_memory": None},
    {"layout": "strided", "pin_memory": False}, {"pin_memory": True}, {"layout": 1}, {"pin_memory": 1},
    {"layout": "strided", "pin_memory": True},
])
def test_creation_functions_take_torchs_memory_options(name, options):
    """layout= and pin_memory=, which every creation function takes (tensor() only pin_memory=):
    the values that change nothing are accepted, the others refused with torch's error."""
    if tinytorch.cuda.is_available() and options.get("pin_memory") is True:
        pytest.skip("with a GPU torch pins memory, which tinytorch refuses with NotImplementedError")

    def make(lib):
        kwargs = {key: getattr(lib, value) if isinstance(value, str) else value for key, value in options.items()}
        return CREATION_CALLS[name](lib, **kwargs)
    tt, ref = outcome(lambda: make(tinytorch)), outcome(lambda: make(torch))
    if ref[1] is not None and "invalid combination" in str(ref[1]):
        # Overloaded functions (arange, eye, rand ...) list all their signatures; tinytorch names the
        # argument only (docs/api.md, "TypeErrors of overloaded functions").
        key = next(key for key, value in options.items() if not isinstance(value, (str, bool, type(None))))
        assert type(tt[1]) is type(ref[1]) and f"argument '{key}' must be" in str(tt[1])
    elif ref[1] is not None:
        assert_same_error(lambda: make(tinytorch), lambda: make(torch))
    elif isinstance(ref[0], torch.Size):
        assert tt[1] is None and tuple(tt[0]) == tuple(ref[0])
    else:
        assert_same(tt[0], ref[0])


def test_requires_grad_keyword():
    for fn in ("zeros", "ones", "empty", "rand", "randn"):
        tt, ref = run_in_both(lambda lib: getattr(lib, fn)(2, 3, requires_grad=True))
        assert tt.requires_grad == ref.requires_grad and tt.is_leaf == ref.is_leaf
    tt, ref = run_in_both(lambda lib: lib.full((2,), 1.5, requires_grad=True))
    assert tt.requires_grad and ref.requires_grad


# -- ranges: bit for bit -----------------------------------------------------------------------
RANGE_DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8"]
numbers = st.one_of(st.integers(-50, 50), st.floats(-1e3, 1e3, allow_nan=False).map(lambda x: round(x, 3)))


@settings(max_examples=300, deadline=None)
@given(numbers, numbers, st.integers(0, 300), st.sampled_from([None] + RANGE_DTYPES))
def test_linspace_is_bit_identical(start, end, steps, name):
    assert_same_result(lambda lib: lib.linspace(start, end, steps, **({} if name is None else {"dtype": getattr(lib, name)})))


@settings(max_examples=300, deadline=None)
@given(numbers, numbers, st.one_of(st.integers(-7, 7), st.floats(-3, 3).map(lambda x: round(x, 4))),
       st.sampled_from([None] + RANGE_DTYPES))
def test_arange_is_bit_identical(start, end, step, name):
    if step and abs((end - start) / step) > 1e5:
        return  # long ranges are covered below
    kwargs = (lambda lib: {}) if name is None else (lambda lib: {"dtype": getattr(lib, name)})
    assert_same_result(lambda lib: lib.arange(start, end, step, **kwargs(lib)))


@pytest.mark.parametrize("args", [
    (5,), (2.5,), (1, 4), (0, 1, 0.25), (5, 0, -1), (5.0, 0, -1.5), (0.0, 1.0, 0.1), (0, 10, 0.3), (1e6 + 0.3, 2e6, 0.7),
    (0, 5, 0), (0, 5, -1), (5, 0), (0.1, 0.1, 0.5), (0, float("inf")), (0, float("nan")), (True,), (np.int32(3),),
])
def test_arange_examples(args):
    assert_same_result(lambda lib: lib.arange(*args))


@pytest.mark.parametrize("args, name", [((0.0, 5.0, 0.3), "int32"), ((0.0, 5.0, 0.3), "int64"), ((0.5, 5.7, 1.5), "int64"),
                                        ((0, 300, 100), "int8"), ((0, 3), "bool"), ((0, 3), "float16")])
def test_arange_with_dtype(args, name):
    assert_same_result(lambda lib: lib.arange(*args, dtype=getattr(lib, name)))


def test_long_ranges_round_like_torch():
    # float32 cannot hold every integer past 2**24: the last values repeat, exactly as torch's do.
    assert_same_result(lambda lib: lib.arange(0, 2**25 + 10.0))
    assert_same_result(lambda lib: lib.arange(0, 100000, 0.5))
    assert_same_result(lambda lib: lib.linspace(-1, 1, 100001))


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_ranges_give_a_zero_the_sign_torch_gives_it(name):
    # assert_same takes -0.0 for 0.0; here the signs count. linspace's second half
    # is end - k*step, so its last value is -0.0 - (-0.0 * 0) = +0.0 when step < 0.
    makes = [lambda lib: lib.arange(-0.0, -1, -0.25, dtype=getattr(lib, name)),
             lambda lib: lib.linspace(-0.0, -1, 5, dtype=getattr(lib, name)),
             lambda lib: lib.linspace(1, -0.0, 5, dtype=getattr(lib, name)),
             lambda lib: lib.linspace(-0.0, 1, 4, dtype=getattr(lib, name)),
             lambda lib: lib.linspace(-0.0, -0.0, 3, dtype=getattr(lib, name))]
    for make in makes:
        assert_same_result(make)
        assert np.signbit(make(tinytorch).numpy()).tolist() == np.signbit(make(torch).numpy()).tolist()


@pytest.mark.parametrize("args", [(0, 1, -1), (0, 1, 2.5), (0, 1, 5, "bool")])
def test_linspace_errors(args):
    *args, name = args if len(args) == 4 else (*args, None)
    kwargs = (lambda lib: {}) if name is None else (lambda lib: {"dtype": getattr(lib, name)})
    assert_same_error(lambda: tinytorch.linspace(*args, **kwargs(tinytorch)), lambda: torch.linspace(*args, **kwargs(torch)))


# -- random ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", ["rand", "randn"])
@pytest.mark.parametrize("name", [None, "float64", "float16"])
def test_rand_and_randn_shapes_and_dtypes(fn, name):
    kwargs = (lambda lib: {}) if name is None else (lambda lib: {"dtype": getattr(lib, name)})
    for size in ((2, 3), ((2, 3),), ([4],), ((),)):
        tt, ref = run_in_both(lambda lib: getattr(lib, fn)(*size, **kwargs(lib)))
        assert (tt.shape, tt.stride(), dtype_name(tt.dtype)) == (ref.shape, ref.stride(), dtype_name(ref.dtype))


def test_random_values_lie_in_their_ranges():
    tinytorch.manual_seed(0)
    u = tinytorch.rand(10000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.02
    n = tinytorch.randn(10000).numpy()
    assert abs(n.mean()) < 0.05 and abs(n.std() - 1) < 0.05
    i = tinytorch.randint(3, 10, (10000,))
    assert i.dtype is tinytorch.int64 and set(i.numpy().tolist()) == set(range(3, 10))
    assert set(tinytorch.randint(0, 2, (100,), dtype=tinytorch.bool).numpy().tolist()) <= {False, True}
    p = tinytorch.randperm(20)
    assert sorted(p.tolist()) == list(range(20)) and p.dtype is tt_dtype(torch.randperm(20).dtype)


@pytest.mark.parametrize("args, name", [((3, 10, (2, 3)), None), ((5, (4,)), None), ((5, (2,)), "float32"),
                                        ((0, 2, (3,)), "bool"), ((1, 3), None)])
def test_randint_shapes_and_dtypes(args, name):
    def make(lib):
        return lib.randint(*args, **({} if name is None else {"dtype": getattr(lib, name)}))
    (tt, tt_error), (ref, ref_error) = outcome(lambda: make(tinytorch)), outcome(lambda: make(torch))
    assert type(tt_error) is type(ref_error)
    if ref is not None:
        assert (tt.shape, tt.stride(), dtype_name(tt.dtype)) == (ref.shape, ref.stride(), dtype_name(ref.dtype))


@pytest.mark.parametrize("make", [
    lambda lib: lib.randint(3, 3, (2,)), lambda lib: lib.randint(5, 3, (2,)),
    lambda lib: lib.randint(10, (2,), dtype=lib.bool), lambda lib: lib.randint(300, (2,), dtype=lib.uint8),
    lambda lib: lib.randint(-1, 3, (2,), dtype=lib.uint8), lambda lib: lib.randint(0, 200, (2,), dtype=lib.int8),
    lambda lib: lib.randint(0, 65506, (2,), dtype=lib.float16),
    lambda lib: lib.randint(-65505, 0, (2,), dtype=lib.float16),
    lambda lib: lib.randint(5, 3), lambda lib: lib.rand(2, dtype=lib.int64), lambda lib: lib.randn(2, dtype=lib.int32),
    lambda lib: lib.rand(2, 3, dtype=lib.bool), lambda lib: lib.rand(2, -1), lambda lib: lib.randperm(-1),
])
def test_random_errors(make):
    assert_same_error(lambda: make(tinytorch), lambda: make(torch))


RANDINT_CALLS = [
    lambda m: m.randint(5), lambda m: m.randint(2, 5), lambda m: m.randint(high=5), lambda m: m.randint(5, size=3),
    lambda m: m.randint(0, 5, 3), lambda m: m.randint(5, (3,)), lambda m: m.randint(2, 5, (3,)),
    lambda m: m.randint(2, 5, size=(3,)), lambda m: m.randint(low=2, high=5, size=(3,)),
    lambda m: m.randint(high=5, size=[3]), lambda m: m.randint(2, high=5, size=(3,)), lambda m: m.randint(),
    lambda m: m.randint(size=(2,)), lambda m: m.randint(1.5, (2,)), lambda m: m.randint(True, (2,)),
    lambda m: m.randint(m.tensor(5), (2,)), lambda m: m.randint(0, 5, (2,), seed=1),
    lambda m: m.randint(5, [2, 2], generator=None, dtype=m.int32),
    lambda m: m.randint(low=3, size=(3,)), lambda m: m.randint(10, (3,), out=m.empty(3, dtype=m.long)),
    lambda m: m.randint(2.0, 10.0, (3,)), lambda m: m.randint(2, 10.0, (3,)), lambda m: m.randint(10, (2.0,)),
    lambda m: m.randint(10, size=(2.0,)), lambda m: m.randint(high=3, low=1, size=[2]),
    lambda m: m.randint(3, size=(2,), low=1), lambda m: m.randperm(3.0), lambda m: m.randperm(m.tensor(3)),
    lambda m: m.randint_like(m.zeros(3), high=10), lambda m: m.randint_like(m.zeros(3), low=2, high=10),
    lambda m: m.randint_like(m.zeros(3), 10, low=2), lambda m: m.randint_like(m.zeros(3), low=2),
    lambda m: m.randint_like(m.zeros(3), 2.5, 10), lambda m: m.randint_like(m.zeros(3, dtype=m.long), 10.5),
    lambda m: m.randint_like(m.zeros(3), m.tensor(10)), lambda m: m.randint_like(m.zeros(2, 2), 3, 9),
]


@pytest.mark.parametrize("call", RANDINT_CALLS)
def test_randint_reads_its_arguments_as_torch_does(call):
    """randint(high, size) and randint(low, high, size), by position or keyword; the same
    numbers after the same seed, or the parser's TypeError."""
    def run(m):
        m.manual_seed(3)
        return call(m)
    oracle.assert_same_outcome(lambda: run(tinytorch), lambda: run(torch))


def test_manual_seed_makes_random_calls_reproducible():
    def draw():
        return [tinytorch.rand(3).tolist(), tinytorch.randn(2, 2).tolist(), tinytorch.randint(0, 100, (5,)).tolist(),
                tinytorch.randperm(6).tolist(), tinytorch.rand_like(tinytorch.zeros(2)).tolist()]
    tinytorch.manual_seed(1234)
    first = draw()
    tinytorch.manual_seed(1234)
    assert draw() == first
    tinytorch.manual_seed(4321)
    assert draw() != first
    assert tinytorch.initial_seed() == 4321
