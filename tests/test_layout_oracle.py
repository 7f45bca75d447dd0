"""Where the elements of an elementwise op's new result live: its strides,
against PyTorch's.

An elementwise result follows the memory order of its operands (the rule is
tinytorch.exact.layout.elementwise_strides, PyTorch's TensorIterator rule), not the
order NumPy or CuPy would pick. Hypothesis draws operands laid out every which
way (permuted, sliced with steps, expanded, size-1 dims with odd strides, 0-d,
arbitrary as_strided headers, other dtypes than the op computes in) for unary,
binary (both operand orders), comparison and where ops, some with Python
numbers, and compares stride() (every dim, size-1 ones included), shape, dtype
and values with torch. The same cases run on the stand-in GPU, whose ufuncs,
like CuPy's, always allocate row-major results.
"""
import math

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle
import tinytorch
from fake_gpu import stand_in_gpus

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RTOL = {"float32": 2e-5, "float64": 1e-12}


# -- operands -------------------------------------------------------------------------
@st.composite
def recipes(draw, out_shape):
    """How to build one operand broadcastable to out_shape, as steps both
    libraries can follow: a dict with the operand's shape and layout."""
    ndim = draw(st.integers(0, len(out_shape)))
    target = out_shape[len(out_shape) - ndim:]
    shape = tuple(draw(st.sampled_from([size, size, 1])) for size in target)
    if draw(st.integers(0, 4)) == 0:
        # Any header at all: gaps, overlaps, stride 0, odd strides on size-1 dims.
        strides = tuple(draw(st.lists(st.integers(0, 7), min_size=ndim, max_size=ndim)))
        return dict(kind="strided", shape=shape, stride=strides, offset=draw(st.integers(0, 2)))
    return dict(
        kind="view",
        shape=shape,
        perm=tuple(draw(st.permutations(range(ndim)))),  # the order of the dims in memory
        steps=tuple(draw(st.lists(st.sampled_from([1, 1, 2]), min_size=ndim, max_size=ndim))),
        # Stretch some size-1 dims to the result's size: stride 0, as expand() gives.
        expand=tuple(size if shape[d] == 1 and draw(st.booleans()) else shape[d] for d, size in enumerate(target)),
    )


def values(count):
    """count small nonzero numbers (no division by zero), of both signs."""
    return [((i * 3) % 7 - 3) or 4 for i in range(count)]


def build(lib, recipe, dtype, device=None):
    """The operand `recipe` describes, in lib (tinytorch or torch)."""
    kwargs = {} if device is None else {"device": device}
    dtype = getattr(lib, dtype)
    if recipe["kind"] == "strided":
        shape, stride, offset = recipe["shape"], recipe["stride"], recipe["offset"]
        count = offset + 1 + sum((size - 1) * st for size, st in zip(shape, stride) if size)
        flat = lib.tensor(values(count), dtype=dtype, **kwargs)
        return flat.as_strided(shape, stride, offset)
    shape, perm, steps = recipe["shape"], recipe["perm"], recipe["steps"]
    stored = [shape[p] * steps[p] for p in perm]
    base = lib.tensor(values(math.prod(stored)), dtype=dtype, **kwargs).reshape(stored)
    t = base.permute([perm.index(d) for d in range(len(perm))])
    t = t[tuple(slice(None, None, step) for step in steps)]
    return t.expand(recipe["expand"]) if recipe["expand"] != shape else t


out_shapes = st.lists(st.sampled_from([1, 1, 2, 3, 0]), min_size=0, max_size=4).map(tuple)


@st.composite
def operand_recipes(draw, count):
    out_shape = draw(out_shapes)
    return [draw(recipes(out_shape)) for _ in range(count)]


# -- ops: (function of (lib, *operands), how many tensor operands, dtypes to draw from) --
FLOAT_OR_INT = ("float32", "float64", "int64")
UNARY = {
    "neg": lambda lib, a: -a,
    "exp": lambda lib, a: a.exp(),
    "abs": lambda lib, a: a.abs(),
    "sign": lambda lib, a: a.sign(),
    "sigmoid": lambda lib, a: a.sigmoid(),
    "relu": lambda lib, a: a.relu(),
    "reciprocal": lambda lib, a: a.reciprocal(),
    "isnan": lambda lib, a: a.isnan(),
    "isinf": lambda lib, a: a.isinf(),
    "isfinite": lambda lib, a: a.isfinite(),
    "logical_not": lambda lib, a: a.logical_not(),
    "clamp(numbers)": lambda lib, a: a.clamp(-1, 2),
    "clamp(float numbers)": lambda lib, a: a.clamp(-1.5, 2.5),
    "a ** 2": lambda lib, a: a ** 2,
    "2 ** a": lambda lib, a: 2 ** a,
    "2 / a": lambda lib, a: 2 / a,
    # A Python number is a 0-d operand of these (PyTorch wraps it as a tensor).
    "a + 2": lambda lib, a: a + 2,
    "2 - a": lambda lib, a: 2 - a,
    "a * 2.5": lambda lib, a: a * 2.5,
    "a < 1": lambda lib, a: a < 1,
    "a // 2": lambda lib, a: a // 2,
    "a % 2": lambda lib, a: a % 2,
    "where(a > 0, 1., 2.)": lambda lib, a: lib.where(a > 0, 1.0, 2.0),
}
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub alpha": lambda lib, a, b: lib.sub(a, b, alpha=2),
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "div floor": lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
    "div trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "floor_divide": lambda lib, a, b: a // b,
    "remainder": lambda lib, a, b: a % b,
    "pow": lambda lib, a, b: lib.pow(a.abs(), b),
    "maximum": lambda lib, a, b: lib.maximum(a, b),
    "minimum": lambda lib, a, b: lib.minimum(a, b),
    "eq": lambda lib, a, b: a == b,
    "lt": lambda lib, a, b: a < b,
    "logical_and": lambda lib, a, b: lib.logical_and(a, b),
    "clamp(min=tensor)": lambda lib, a, b: lib.clamp(a, min=b),
    "where(a > b, a, 0.5)": lambda lib, a, b: lib.where(a > b, a, 0.5),
}
INT_BINARY = {
    "bitwise_and": lambda lib, a, b: a & b,
    "bitwise_xor": lambda lib, a, b: a ^ b,
}
SAME_DTYPE_BINARY = {
    "isclose": lambda lib, a, b: lib.isclose(a, b),
}
TERNARY = {
    "where": lambda lib, c, a, b: lib.where(c > 0, a, b),
    "clamp(tensors)": lambda lib, a, low, high: lib.clamp(a, low, high),
}


def run(fn, recipes_, dtypes_, device=None):
    """fn on operands built from the recipes, in tinytorch (on `device`) and in torch."""
    ours = fn(tinytorch, *(build(tinytorch, r, d, device) for r, d in zip(recipes_, dtypes_)))
    theirs = fn(torch, *(build(torch, r, d) for r, d in zip(recipes_, dtypes_)))
    return ours, theirs


def assert_same_layout(ours, theirs):
    """The same strides (every dim), shape, dtype and values."""
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert tuple(ours.stride()) == tuple(theirs.stride()), f"stride {ours.stride()} != torch's {theirs.stride()}"
    assert ours.is_contiguous() == theirs.is_contiguous()
    rtol = RTOL.get(oracle.dtype_name(theirs.dtype), 0.0)
    oracle.assert_same_values(ours.cpu(), theirs, rtol=rtol, atol=rtol)


def check(fn, recipes_, dtypes_):
    assert_same_layout(*run(fn, recipes_, dtypes_))
    # The stand-in GPU computes with row-major ufuncs, as CuPy does: the layout must not depend on that.
    with pytest.MonkeyPatch.context() as patch:
        stand_in_gpus(patch)
        ours, theirs = run(fn, recipes_, dtypes_, device="cuda:0")
        assert ours.device.type == "cuda"
        assert_same_layout(ours, theirs)


# -- the tests ------------------------------------------------------------------------
@SETTINGS
@given(st.sampled_from(sorted(UNARY)), operand_recipes(1), st.sampled_from(FLOAT_OR_INT))
def test_unary_results_are_laid_out_as_in_torch(name, recipes_, dtype):
    check(UNARY[name], recipes_, [dtype])


@SETTINGS
@given(
    st.sampled_from(sorted(BINARY)), operand_recipes(2),
    st.lists(st.sampled_from(FLOAT_OR_INT), min_size=2, max_size=2), st.booleans(),
)
def test_binary_results_are_laid_out_as_in_torch(name, recipes_, dtypes_, swap):
    if swap:  # both operand orders: the first operand's layout has the first say
        recipes_, dtypes_ = recipes_[::-1], dtypes_[::-1]
    check(BINARY[name], recipes_, dtypes_)


@SETTINGS
@given(
    st.sampled_from(sorted(INT_BINARY)), operand_recipes(2),
    st.lists(st.sampled_from(["int64", "int32"]), min_size=2, max_size=2),
)
def test_integer_binary_results_are_laid_out_as_in_torch(name, recipes_, dtypes_):
    check(INT_BINARY[name], recipes_, dtypes_)


@SETTINGS
@given(st.sampled_from(sorted(SAME_DTYPE_BINARY)), operand_recipes(2), st.sampled_from(["float32", "float64"]))
def test_same_dtype_binary_results_are_laid_out_as_in_torch(name, recipes_, dtype):
    check(SAME_DTYPE_BINARY[name], recipes_, [dtype, dtype])


@SETTINGS
@given(
    st.sampled_from(sorted(TERNARY)), operand_recipes(3),
    st.lists(st.sampled_from(FLOAT_OR_INT), min_size=3, max_size=3),
)
def test_ternary_results_are_laid_out_as_in_torch(name, recipes_, dtypes_):
    check(TERNARY[name], recipes_, dtypes_)


def test_results_of_row_major_operands_are_row_major():
    # The common case, which takes no extra work: every operand row-major.
    a, b = tinytorch.ones(2, 3), tinytorch.ones(3)
    for result in (a + b, a * 2, a.exp(), a < b, tinytorch.where(a > 0, a, b)):
        assert result.stride() == (3, 1)


def test_a_transposed_operand_gives_a_transposed_result_on_every_device():
    with pytest.MonkeyPatch.context() as patch:
        stand_in_gpus(patch)
        for device in ("cpu", "cuda:0"):
            a = tinytorch.ones(3, 2, device=device).t()
            assert (a + 1).stride() == (1, 2)
            assert (a + tinytorch.ones(3, device=device)).stride() == (1, 2)
            assert a.exp().stride() == (1, 2)


@pytest.mark.skipif(not tinytorch.cuda.is_available(), reason="needs a CUDA GPU (CuPy's own ufuncs)")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])  # kernels compile on first use
@given(
    st.sampled_from(["add", "mul", "lt", "where(a > b, a, 0.5)"]), operand_recipes(2),
    st.lists(st.sampled_from(["float32", "float64"]), min_size=2, max_size=2),
)
def test_real_gpu_results_are_laid_out_as_in_torch(name, recipes_, dtypes_):
    assert_same_layout(*run(BINARY[name], recipes_, dtypes_, device="cuda:0"))


@st.composite
def same_shape_recipes(draw):
    """1 to 3 operands of one shape (what cat and stack join), each laid out any way:
    channels-last often, for 4-d and 5-d shapes, since cat keeps that layout when all agree."""
    shape = tuple(draw(st.lists(st.sampled_from([1, 2, 3]), min_size=1, max_size=5)))
    operands = []
    n = len(shape)
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 4)) == 0:
            stride = tuple(draw(st.lists(st.integers(0, 7), min_size=n, max_size=n)))
            operands.append(dict(kind="strided", shape=shape, stride=stride, offset=draw(st.integers(0, 2))))
            continue
        if n in (4, 5) and draw(st.booleans()):
            perm = (0,) + tuple(range(2, n)) + (1,)  # N, (D,) H, W, C in memory: channels-last
        else:
            perm = tuple(draw(st.permutations(range(n))))
        steps = tuple(draw(st.lists(st.sampled_from([1, 1, 2]), min_size=n, max_size=n)))
        operands.append(dict(kind="view", shape=shape, perm=perm, steps=steps, expand=shape))
    return operands


@SETTINGS
@given(same_shape_recipes(), st.sampled_from(["cat", "stack"]), st.integers(-1, 0), st.sampled_from(FLOAT_OR_INT))
def test_joins_are_laid_out_as_in_torch(recipes_, join, dim, dtype):
    """cat is contiguous unless every input is channels-last; stack is contiguous."""
    fn = lambda lib, *ts: getattr(lib, join)(list(ts), dim)  # noqa: E731
    check(fn, recipes_, [dtype] * len(recipes_))
