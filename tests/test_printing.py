"""tinytorch.printing against the real PyTorch: the same values and options
must print the same text, with `torch.` spelled `tinytorch.`.

Every float is generated once in NumPy and handed to both sides, so the two
libraries always format exactly the same numbers.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from tinytorch import dtypes, printing

DTYPE_NAMES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]
FLOAT_NAMES = ["float32", "float64", "float16"]
INT_RANGES = {name: (int(np.iinfo(name).min), int(np.iinfo(name).max))
              for name in ["int64", "int32", "int16", "int8", "uint8"]}


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def reset_options():
    """Every test starts and ends with default options on both sides."""
    _reset_both()
    yield
    _reset_both()


def _reset_both():
    torch.set_printoptions(profile="default")
    printing.set_printoptions(profile="default")
    torch.set_default_dtype(torch.float32)
    dtypes.set_default_dtype(dtypes.float32)


def set_both(*args, **kwargs):
    torch.set_printoptions(*args, **kwargs)
    printing.set_printoptions(*args, **kwargs)


def set_default_dtype_both(name):
    torch.set_default_dtype(getattr(torch, name))
    dtypes.set_default_dtype(getattr(dtypes, name))


def tiny_dtype(torch_dtype):
    name = str(torch_dtype).removeprefix("torch.")
    return dtypes.bool_ if name == "bool" else getattr(dtypes, name)


def ours(t, values=None):
    """What tinytorch prints for torch tensor `t` (optionally from a differently
    strided NumPy array `values` holding the same numbers)."""
    if values is None:
        values = t.detach().numpy()
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return printing.format_tensor(values, tiny_dtype(t.dtype),
                                  requires_grad=t.requires_grad, grad_fn=grad_fn)


def theirs(t):
    return repr(t).replace("torch.", "tinytorch.")


def assert_same(t, values=None):
    expected = theirs(t)
    actual = ours(t, values)
    assert actual == expected, f"\n--- torch:\n{expected}\n--- tinytorch:\n{actual}"


def from_np(array):
    # A C-ordered copy: torch.from_numpy refuses negative strides.
    return torch.from_numpy(np.array(array, order="C", copy=True))


rng = np.random.default_rng(1234)


# ---------------------------------------------------------------------------
# Hand-picked corpus
# ---------------------------------------------------------------------------

CORPUS = {
    # plain values of every dtype
    "float32 fixed": lambda: from_np(np.array([1.5, -2.25, 3.0], np.float32)),
    "float32 whole": lambda: from_np(np.array([1.0, 2.0, -300.0], np.float32)),
    "float64 whole": lambda: from_np(np.array([1.0, 2.0], np.float64)),
    "float16 fixed": lambda: from_np(np.array([0.1, 0.2, -65504.0], np.float16)),
    "float16 small": lambda: from_np(np.array([6e-8, 1e-3], np.float16)),
    "int64": lambda: from_np(np.array([1, -20, 300], np.int64)),
    "int32": lambda: from_np(np.array([1, -20, 300], np.int32)),
    "int16": lambda: from_np(np.array([[1, -32768], [7, 32767]], np.int16)),
    "int8": lambda: from_np(np.array([-128, 0, 127], np.int8)),
    "uint8": lambda: from_np(np.array([0, 255, 7], np.uint8)),
    "bool": lambda: from_np(np.array([[True, False], [False, True]])),
    "bool all true": lambda: from_np(np.array([True, True])),
    "int64 extremes": lambda: from_np(np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max])),
    # scientific mode and its triggers
    "sci huge": lambda: from_np(np.array([1e9, 2.5], np.float32)),
    "sci tiny": lambda: from_np(np.array([1e-5, 0.5], np.float32)),
    "sci ratio": lambda: from_np(np.array([1.0, 1001.0, 0.5], np.float64)),
    "no sci at ratio 1000": lambda: from_np(np.array([0.5, 500.0], np.float64)),
    "sci whole numbers": lambda: from_np(np.array([1.0, 1e10], np.float64)),
    "float64 3-digit exponent": lambda: from_np(np.array([1e-300, 1e300, -5e-320], np.float64)),
    "float64 max/min": lambda: from_np(np.array([np.finfo(np.float64).max, np.finfo(np.float64).tiny])),
    "float32 extremes": lambda: from_np(np.array([3.4e38, -1.2e-38, 1.0], np.float32)),
    # negatives, zeros, non-finite
    "negative zero": lambda: from_np(np.array([-0.0, 1.0], np.float32)),
    "all zeros": lambda: torch.zeros(2, 3),
    "nan inf": lambda: from_np(np.array([np.nan, np.inf, -np.inf, 1.5], np.float32)),
    "nan inf whole": lambda: from_np(np.array([np.nan, np.inf, -np.inf, 100.0], np.float32)),
    "only nonfinite": lambda: from_np(np.array([np.nan, -np.inf], np.float64)),
    "nan and zero": lambda: from_np(np.array([0.0, np.nan], np.float32)),
    "negative fixed": lambda: from_np(-np.abs(rng.standard_normal((3, 4)).astype(np.float32))),
    "rounding to wider": lambda: from_np(np.array([9.99996, 0.5], np.float32)),
    # 0-d tensors
    "0-d float": lambda: torch.tensor(3.5),
    "0-d whole": lambda: torch.tensor(-3.0),
    "0-d zero": lambda: torch.tensor(0.0),
    "0-d nan": lambda: torch.tensor(float("nan")),
    "0-d float64": lambda: torch.tensor(1e-7, dtype=torch.float64),
    "0-d int": lambda: torch.tensor(7),
    "0-d int8": lambda: torch.tensor(-7, dtype=torch.int8),
    "0-d bool": lambda: torch.tensor(True),
    # empty tensors
    "empty float": lambda: torch.zeros(0),
    "empty 0x3": lambda: torch.zeros(0, 3),
    "empty 2x0x3 int": lambda: torch.zeros(2, 0, 3, dtype=torch.int64),
    "empty bool": lambda: torch.zeros(0, dtype=torch.bool),
    "empty float64": lambda: torch.zeros(4, 0, dtype=torch.float64),
    "empty uint8 1-d": lambda: torch.zeros(0, dtype=torch.uint8),
    # higher dims and summarization
    "2-d": lambda: from_np(rng.standard_normal((3, 4)).astype(np.float32)),
    "3-d": lambda: from_np(rng.standard_normal((2, 3, 4)).astype(np.float32)),
    "4-d int": lambda: from_np(rng.integers(-50, 50, (2, 2, 3, 2))),
    "summarized 1-d": lambda: torch.arange(2000),
    "summarized 1-d float": lambda: from_np(rng.standard_normal(5000)),
    "summarized 2-d": lambda: from_np(rng.standard_normal((100, 100)).astype(np.float32)),
    "summarized 2-d thin": lambda: from_np(rng.standard_normal((2, 1000)).astype(np.float32)),
    "summarized 3-d": lambda: from_np(rng.standard_normal((20, 30, 40)).astype(np.float32)),
    "summarized 4-d": lambda: from_np(rng.integers(0, 10**6, (8, 7, 6, 9))),
    "summarized bool": lambda: from_np(rng.random((40, 40)) > 0.5),
    "summarized whole floats": lambda: from_np(rng.integers(-9, 9, (50, 50)).astype(np.float64)),
    "summarized scientific": lambda: from_np((rng.standard_normal((30, 40)) * 1e12).astype(np.float32)),
    # long rows wrap at linewidth
    "wrapping row": lambda: from_np(rng.standard_normal(50).astype(np.float32)),
    "wrapping 3-d": lambda: from_np(rng.standard_normal((2, 2, 30)).astype(np.float64)),
    "wrapping ints": lambda: torch.arange(100, dtype=torch.int16),
    # suffixes wrapping onto their own line
    "suffix fits": lambda: torch.arange(9, dtype=torch.int32),
    "suffix wraps": lambda: torch.arange(12, dtype=torch.int32) * 10000,
    "suffix after wrapped row": lambda: from_np(rng.standard_normal(20)),
    # autograd suffixes
    "requires_grad": lambda: torch.tensor([1.0, 2.0], requires_grad=True),
    "requires_grad float64": lambda: torch.tensor([1.5, 2.0], dtype=torch.float64, requires_grad=True),
    "grad_fn": lambda: torch.tensor([1.0, 2.0], requires_grad=True) * 2,
    "grad_fn 0-d": lambda: torch.tensor([1.0, 2.0], requires_grad=True).sum(),
    "grad_fn float16 wraps": lambda: from_np(rng.standard_normal(9).astype(np.float16)).requires_grad_() + 1,
    "requires_grad empty": lambda: torch.zeros(0, 2, requires_grad=True),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus(name):
    assert_same(CORPUS[name]())


OPTION_CASES = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 10},
    {"threshold": 5},
    {"threshold": 0},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"edgeitems": 0},
    {"linewidth": 20},
    {"linewidth": 1},
    {"linewidth": 200},
    {"sci_mode": True},
    {"sci_mode": False},
    {"profile": "short"},
    {"profile": "full"},
    {"profile": "default"},
    {"profile": "short", "precision": 6},
    {"profile": "full", "threshold": 10},
    {"precision": 3, "threshold": 20, "edgeitems": 2, "linewidth": 40, "sci_mode": True},
]

OPTION_TENSORS = [
    "float32 fixed", "float16 small", "sci huge", "sci whole numbers", "nan inf whole",
    "only nonfinite", "all zeros", "0-d float", "0-d int", "empty 0x3", "empty float",
    "3-d", "4-d int", "summarized 1-d float", "summarized 3-d", "wrapping row",
    "summarized bool", "suffix wraps", "grad_fn float16 wraps", "requires_grad",
]


@pytest.mark.parametrize("options", OPTION_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_options(options):
    set_both(**options)
    assert printing.get_printoptions() == torch._tensor_str.get_printoptions()
    for name in OPTION_TENSORS:
        assert_same(CORPUS[name]())


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype(default):
    set_default_dtype_both(default)
    for name in ["float32 fixed", "float64 whole", "float16 fixed", "empty float",
                 "empty float64", "empty 0x3", "int32", "0-d float64"]:
        assert_same(CORPUS[name]())


def test_strided_views():
    base = rng.standard_normal((4, 6, 5)).astype(np.float32)
    for view in [base.transpose(2, 0, 1), base[::-1, ::2], base[:, 3], base[..., ::-2].T]:
        assert_same(from_np(view), view)


# ---------------------------------------------------------------------------
# The option functions themselves
# ---------------------------------------------------------------------------


def test_get_printoptions_matches_torch():
    assert printing.get_printoptions() == torch._tensor_str.get_printoptions()
    for args, kwargs in [((3,), {}), ((), {"sci_mode": True}), ((), {"linewidth": 50}),
                         ((), {"profile": "full"}), ((), {"profile": "short", "edgeitems": 5})]:
        set_both(*args, **kwargs)
        assert printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_set_printoptions_resets_sci_mode_when_omitted():
    set_both(sci_mode=True)
    set_both(precision=3)
    assert printing.get_printoptions()["sci_mode"] is None
    assert printing.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_manager_restores():
    printing.set_printoptions(precision=6, sci_mode=False)
    before = printing.get_printoptions()
    with printing.printoptions(precision=1, threshold=3, sci_mode=True):
        with torch._tensor_str.printoptions(precision=1, threshold=3, sci_mode=True):
            assert printing.get_printoptions() == torch._tensor_str.get_printoptions()
            assert_same(CORPUS["sci huge"]())
    assert printing.get_printoptions() == before
    with pytest.raises(RuntimeError):
        with printing.printoptions(precision=2):
            raise RuntimeError("boom")
    assert printing.get_printoptions() == before


# ---------------------------------------------------------------------------
# Devices (the CPU build of torch has none, so torch's own suffix logic is the oracle)
# ---------------------------------------------------------------------------


def _torch_with_device(t, device):
    indent = len("tensor(")
    suffixes = [f"device='{device}'"]
    if t.dtype not in (torch.get_default_dtype(), torch.int64, torch.bool):
        suffixes.append("dtype=" + str(t.dtype))
    body = torch._tensor_str._tensor_str(t, indent)
    text = torch._tensor_str._add_suffixes("tensor(" + body, suffixes, indent, False)
    return text.replace("torch.", "tinytorch.")


@pytest.mark.parametrize("name", ["float32 fixed", "int16", "wrapping row", "suffix wraps", "3-d"])
def test_device_suffix(name):
    t = CORPUS[name]()
    actual = printing.format_tensor(t.numpy(), tiny_dtype(t.dtype), device="cuda:0")
    assert actual == _torch_with_device(t, "cuda:0")


def test_device_suffix_examples():
    f32 = np.array([1.0, 2.0], np.float32)
    assert printing.format_tensor(f32, dtypes.float32, device="cuda:0") == \
        "tensor([1., 2.], device='cuda:0')"
    assert printing.format_tensor(f32, dtypes.float32, device="cuda:1", requires_grad=True) == \
        "tensor([1., 2.], device='cuda:1', requires_grad=True)"
    assert printing.format_tensor(f32, dtypes.float32, device=None) == "tensor([1., 2.])"


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


def test_big_tensor_prints_torchs_summary():
    """A million elements print as torch prints them: three per edge, with ... between
    (how long it takes is bench/bench_display.py's question)."""
    big = rng.standard_normal((1000, 1000)).astype(np.float32)
    assert repr(tinytorch.from_numpy(big)) == repr(torch.from_numpy(big)).replace("torch.", "tinytorch.")


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

SPECIALS = [0.0, -0.0, math.nan, math.inf, -math.inf]


@st.composite
def float_values(draw, name, count):
    """`count` floats of dtype `name`, in one of several regimes that steer the
    formatter's choices: whole numbers, one magnitude, wide spread, specials."""
    width = {"float16": 16, "float32": 32, "float64": 64}[name]
    # Powers of two are exactly representable, so they are valid bounds at any width.
    max_exp = {"float16": 15, "float32": 120, "float64": 1000}[name]
    regime = draw(st.sampled_from(["whole", "scale", "any", "mixed"]))
    if regime == "whole":
        elements = st.integers(-2000, 2000).map(float)
    elif regime == "scale":
        exp = draw(st.integers(-max_exp // 2, max_exp // 2))
        bound = 2.0 ** exp
        elements = st.floats(-bound, bound, width=width)
    elif regime == "any":
        elements = st.floats(width=width)
    else:
        elements = st.one_of(st.sampled_from(SPECIALS), st.integers(-50, 50).map(float),
                             st.floats(-1e4, 1e4, width=width))
    if draw(st.booleans()):
        elements = st.one_of(elements, st.sampled_from(SPECIALS))
    return draw(st.lists(elements, min_size=count, max_size=count))


@st.composite
def tensors(draw):
    name = draw(st.sampled_from(DTYPE_NAMES))
    shape = tuple(draw(st.lists(st.integers(0, 9), min_size=0, max_size=4)))
    count = math.prod(shape)
    if name in FLOAT_NAMES:
        values = draw(float_values(name, count))
    elif name == "bool":
        values = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    else:
        low, high = INT_RANGES[name]
        if draw(st.booleans()):
            low, high = max(low, -20), min(high, 20)
        values = draw(st.lists(st.integers(low, high), min_size=count, max_size=count))
    array = np.array(values, dtype=name).reshape(shape)
    return name, array


options = st.fixed_dictionaries({}, optional={
    "precision": st.integers(0, 8),
    "threshold": st.one_of(st.integers(0, 60), st.just(1000)),
    "edgeitems": st.integers(0, 4),
    "linewidth": st.integers(1, 120),
    "sci_mode": st.sampled_from([None, True, False]),
    "profile": st.sampled_from(["default", "short", "full"]),
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tensors(), opts=options, autograd=st.sampled_from([None, "leaf", "op"]),
       default=st.sampled_from(["float32", "float64"]))
def test_random_tensors(case, opts, autograd, default):
    name, array = case
    _reset_both()
    set_default_dtype_both(default)
    set_both(**opts)
    t = torch.from_numpy(array.copy())
    if autograd and name in FLOAT_NAMES:
        t.requires_grad_()
        if autograd == "op":
            t = t * 1
    assert_same(t)


@settings(max_examples=100, deadline=None)
@given(case=tensors(), order=st.permutations(range(4)), step=st.sampled_from([1, -1, 2, -2]))
def test_random_strides(case, order, step):
    _, array = case
    _reset_both()
    view = array.transpose([axis for axis in order if axis < array.ndim])
    if view.ndim:
        view = view[::step]
    assert_same(from_np(view), view)
