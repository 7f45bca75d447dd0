"""Where the last bit of a float result comes from, against PyTorch.

The rules, each checked with exact comparisons (signs of zeros included):

- float16 with a Python number: PyTorch's CPU kernels for mul, div (all
  rounding modes) and floor_divide compute in float32 with the number as given
  when it is the right operand (it never passes through float16), and so with
  a one-element tensor there; every other op, and a number on the left, rounds
  the number to float16 first.
- add and sub with alpha: self + alpha * other rounded once, as a fused multiply-add
  (float16: alpha rounded to float16, the sum computed in float32), as PyTorch's
  vectorized loop does; its element-by-element loop (few elements, the tail of a
  run) rounds alpha * other first for float16 or a number as other.
- Float floor division is built on fmod (1.0 // 0.1 is 9), not floor(x / y),
  and for float16 each of its steps rounds to float16.
- clamp: a nan bound gives nan, min > max gives max, a tie keeps the input.

The floor division and clamp formulas are also run on a stand-in GPU whose
array module has CuPy's floor_divide, remainder and clip kernels, to show that
the results never depend on them.
"""
import math
import operator

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch
from fake_gpu import device_module, stand_in_gpus
from tinytorch.ops.base import xp_of

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLOATS = ("float16", "float32", "float64")


def assert_identical(got, want):
    """Same dtype, shape and values, nan where nan, and the same sign on every zero."""
    oracle.assert_same_values(got, want)
    got, want = oracle.to_numpy(got), oracle.to_numpy(want)
    if want.dtype.kind == "f":
        zeros = want == 0  # (a nan's sign bit means nothing: NumPy's and PyTorch's differ)
        np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]), err_msg="the sign of a zero differs")


def assert_same_outcome(tt_fn, torch_fn):
    """Both raise the same error, or give identical results (assert_identical)."""
    try:
        want = torch_fn()
    except Exception:  # noqa: BLE001  (torch's error is the reference)
        oracle.assert_same_error(tt_fn, torch_fn)
        return
    assert_identical(tt_fn(), want)


def float_arrays(dtype, max_side=4):
    """Arrays of any floats of `dtype`: zeros of both signs, inf, nan, subnormals, huge values."""
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=max_side),
                      elements=st.floats(width=int(dtype[5:]), allow_nan=True, allow_infinity=True))


def pair(array):
    return tinytorch.from_numpy(array.copy()), torch.from_numpy(array.copy())


# -- float16 with a Python number --------------------------------------------------------------
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),  # beyond float16's and float32's range, and below
    st.floats(-10, 10),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-3000, 3000),  # above 2048 not every integer is a float16
    st.booleans(),
)

# op(tensor, number); the number-first forms go through the reflected operators, as in Python.
HALF_NUMBER_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "floor_divide": operator.floordiv, "remainder": operator.mod,
    "div_floor": lambda t, n: t.div(n, rounding_mode="floor"), "div_trunc": lambda t, n: t.div(n, rounding_mode="trunc"),
    "eq": operator.eq, "lt": operator.lt, "ge": operator.ge,
    "clamp_min": lambda t, n: t.clamp(min=n), "clamp_max": lambda t, n: t.clamp(max=n),
    "where": lambda t, n: t.where(t > 0, n),
    "add_alpha": lambda t, n: t.add(n, alpha=3), "sub_alpha": lambda t, n: t.sub(n, alpha=-0.3),
    "r_add": lambda t, n: n + t, "r_sub": lambda t, n: n - t, "r_mul": lambda t, n: n * t,
    "r_div": lambda t, n: n / t, "r_floor_divide": lambda t, n: n // t, "r_remainder": lambda t, n: n % t,
}


@SETTINGS
@given(st.sampled_from(sorted(HALF_NUMBER_OPS)), float_arrays("float16"), numbers)
def test_float16_tensor_with_a_python_number(name, array, number):
    op = HALF_NUMBER_OPS[name]
    ta, xa = pair(array)
    if "alpha" in name:
        # A few elements take PyTorch's element-by-element loop, which rounds alpha * number
        # to float16 before adding; tinytorch fuses, as its vectorized loop does (see the
        # dense sweep below): one float16 step apart at most.
        oracle.assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number), rtol=2e-3, atol=1e-7)
    else:
        assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number))


@SETTINGS
@given(st.sampled_from(["pow", "r_pow"]), float_arrays("float16"), numbers)
def test_float16_power_with_a_python_number(name, array, number):
    # pow rounds the number to float16 too; powf and PyTorch's pow may differ in the last bit.
    op = operator.pow if name == "pow" else (lambda t, n: n ** t)
    ta, xa = pair(array)
    oracle.assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number), rtol=2e-3, atol=1e-3)


def test_float16_scalar_rules_on_the_cases_that_tell_them_apart():
    # Dense sweeps: many tensor values against numbers between float16 values.
    rng = np.random.default_rng(0)
    values = (rng.standard_normal(4000) * 10 ** rng.uniform(-4, 4, 4000)).astype(np.float16)
    ta, xa = pair(values)
    for number in [0.2, 0.1, 1e-3, 1 / 3, -0.7, 1e5, 70000, 2049, -65520, 1e-30, 3e-8, 2**31, 1e300]:
        for name, op in HALF_NUMBER_OPS.items():
            # (4000 elements, a multiple of the vector loop's step: all of them take PyTorch's
            # vectorized loop, which add and sub with alpha compute as tinytorch does.)
            assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number))


@SETTINGS
@given(st.sampled_from(["mul", "div", "floor_divide", "div_trunc", "remainder", "add", "lt"]),
       float_arrays("float16"), st.sampled_from(FLOATS + ("int64", "int32")), st.sampled_from([(), (1,), (1, 1)]),
       st.floats(-1e6, 1e6))
def test_float16_tensor_with_a_one_element_tensor(name, array, other_dtype, other_shape, value):
    # A one-element right operand is a "scalar" to PyTorch's kernels too, read in its own dtype.
    op = HALF_NUMBER_OPS[name]
    with np.errstate(over="ignore"):  # 1e6 is inf in float16
        other = np.array(value).astype(other_dtype).reshape(other_shape)
    (ta, xa), (tb, xb) = pair(array), pair(other)
    assert_same_outcome(lambda: op(ta, tb), lambda: op(xa, xb))


# -- add and sub with alpha ------------------------------------------------------------------
ALPHA_DTYPES = ("float16", "float32", "float64", "int32", "int8", "uint8", "bool")


@st.composite
def alpha_operand(draw):
    """A small tensor of any dtype, or a Python number."""
    kind = draw(st.sampled_from(ALPHA_DTYPES + ("number",)))
    if kind == "number":
        return draw(st.one_of(st.integers(-100, 100), st.floats(-10, 10), st.booleans()))
    elements = st.floats(-10, 10, width=16) if kind.startswith("float") else None
    shape = draw(st.sampled_from([(), (1,), (3,), (2, 3)]))
    return draw(hnp.arrays(kind, shape, elements=elements))


@SETTINGS
@given(st.sampled_from(ALPHA_DTYPES), st.sampled_from([(), (3,), (2, 3)]), alpha_operand(),
       st.one_of(st.integers(-300, 300), st.floats(-10, 10), st.booleans(), st.sampled_from([1e6, 2**40])),
       st.sampled_from(["add", "sub"]), st.data())
def test_add_and_sub_with_alpha(dtype, shape, other, alpha, name, data):
    # alpha is converted to the result's dtype (or refused); integers are exact, with wrap-around.
    elements = st.floats(-10, 10, width=16) if dtype.startswith("float") else None
    ta, xa = pair(data.draw(hnp.arrays(dtype, shape, elements=elements)))
    tb, xb = pair(other) if isinstance(other, np.ndarray) else (other, other)
    # Few elements: PyTorch's element-by-element loop, which fuses (one rounding) for
    # float32 and float64 with a tensor as other, and rounds alpha * other first for
    # float16 or a number as other: there tinytorch's fused result may differ by that
    # rounding, half a step of alpha * other in the result's dtype (large beside a
    # result that cancels: 8 + 3 * -3.191 in float16).
    try:
        eps = torch.finfo(getattr(xa, name)(xb, alpha=alpha).dtype).eps
    except Exception:  # noqa: BLE001  (an error or an integer result: compared below, exactly)
        eps = 0.0
    step = eps * float(np.max(np.abs(np.asarray(other, dtype=np.float64) * float(alpha)), initial=0.0))
    oracle.assert_same_outcome(lambda: getattr(ta, name)(tb, alpha=alpha), lambda: getattr(xa, name)(xb, alpha=alpha),
                               rtol=2e-3, atol=1e-4 + step)
    try:
        want = getattr(xa, name)(xb, alpha=alpha)
    except Exception:  # noqa: BLE001  (the error was compared above)
        return
    if want.dtype != torch.float16 and isinstance(other, np.ndarray) and other.size > 1:
        assert_identical(getattr(ta, name)(tb, alpha=alpha), want)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("size", [7, 64, 1000, 4096])
@pytest.mark.parametrize("alpha", [0.1, 2.7, -0.3, 3, 1e-3])
def test_add_and_sub_with_alpha_round_once(dtype, size, alpha):
    # Random data, where rounding alpha * other first differs from PyTorch in a quarter of
    # the elements. Two tensors, or a number first: PyTorch fuses in every loop (float32
    # and float64); a number as other, or float16: in its vectorized loop, which takes
    # every element of a size that is a multiple of its step (64, 4096; tinytorch does
    # not model the element-by-element tail).
    rng = np.random.default_rng(size)
    x, y = ((rng.standard_normal(size) * 10.0 ** rng.integers(-3, 4, size)).astype(dtype) for _ in range(2))
    x[:4], y[:4] = [np.inf, -0.0, np.nan, 0.0], [1.0, -0.0, 2.0, -0.0]
    (ta, xa), (tb, xb) = pair(x), pair(y)
    whole = size % 64 == 0
    for name in ("add", "sub"):
        for t_args, x_args, exact in [((ta, tb), (xa, xb), dtype != "float16" or whole), ((1.7, tb), (1.7, xb), dtype != "float16" or whole),
                                      ((ta, 1.7), (xa, 1.7), whole)]:
            if exact:
                assert_identical(getattr(tinytorch, name)(*t_args, alpha=alpha), getattr(torch, name)(*x_args, alpha=alpha))
        if dtype != "float16" or whole:
            # In place, without autograd (an optimizer's step): computed straight into memory, the same bits.
            (ia, ja), (ib, jb) = pair(x), pair(y)
            getattr(ia, name + "_")(ib, alpha=alpha)
            getattr(ja, name + "_")(jb, alpha=alpha)
            assert_identical(ia, ja)


# -- float floor division and remainder -----------------------------------------------------
DIVISIONS = {
    "floor_divide": operator.floordiv, "remainder": operator.mod,
    "div_floor": lambda a, b: a.div(b, rounding_mode="floor"), "div_trunc": lambda a, b: a.div(b, rounding_mode="trunc"),
}


def overflowing(a, b):
    """Where a / b overflows although a and b are finite and b is not 0. There
    PyTorch's vectorized fmod (8 float64s or 16 float32s at a time on AVX-512;
    float16 goes through float32) gives nan, while its element-by-element loop,
    like C's fmod, gives the exact remainder: PyTorch disagrees with itself, so
    the tests leave such pairs out."""
    a, b = (np.asarray(v, np.float32) if np.asarray(v).dtype == np.float16 else v for v in (a, b))
    with np.errstate(all="ignore"):
        return np.isfinite(a) & np.isfinite(b) & (b != 0) & np.isinf(np.true_divide(a, b))


@SETTINGS
@given(st.sampled_from(sorted(DIVISIONS)), st.sampled_from(FLOATS), st.data())
def test_float_division_of_two_tensors(name, dtype, data):
    a = data.draw(float_arrays(dtype))
    shape = a.shape if data.draw(st.booleans()) else ()  # the same shape, or a 0-d divisor
    b = data.draw(hnp.arrays(dtype, shape, elements=st.floats(width=int(dtype[5:]))))
    tame = overflowing(a, b) | overflowing(b, a)
    a, b = (np.where(tame, v.dtype.type(0), v).astype(dtype) for v in (a, b))
    (ta, xa), (tb, xb) = pair(a), pair(b)
    op = DIVISIONS[name]
    assert_same_outcome(lambda: op(ta, tb), lambda: op(xa, xb))
    assert_same_outcome(lambda: op(tb, ta), lambda: op(xb, xa))


NUMBER_FIRST = {"floor_divide": lambda t, n: n // t, "remainder": lambda t, n: n % t}


@SETTINGS
@given(st.sampled_from(sorted(DIVISIONS)), st.sampled_from(FLOATS), st.data(), st.booleans(),
       st.one_of(st.floats(), st.sampled_from([0.1, -0.1, 0.2, 0.3, 1e-300, -0.0, 7.0])))
def test_float_division_with_a_python_number(name, dtype, data, number_first, number):
    op = NUMBER_FIRST.get(name) if number_first else DIVISIONS[name]
    if op is None:
        return
    a = data.draw(float_arrays(dtype))
    with np.errstate(all="ignore"):  # the number as the kernel reads it: float32 for a float16 tensor
        n = np.float32(number) if dtype == "float16" else np.dtype(dtype).type(number)
    a = np.where(overflowing(n, a) if number_first else overflowing(a, n), a.dtype.type(0), a).astype(dtype)
    ta, xa = pair(a)
    assert_same_outcome(lambda: op(ta, number), lambda: op(xa, number))


def test_float16_floor_division_rounds_every_step_to_float16():
    # Two float16 tensors (or a number on the left): PyTorch's kernel rounds each step
    # of the fmod formula to float16, where NumPy's float16 floor_divide works in float32.
    rng = np.random.default_rng(1)
    a, b = ((rng.standard_normal(5000) * 10 ** rng.uniform(-3, 3, 5000)).astype(np.float16) for _ in range(2))
    (ta, xa), (tb, xb) = pair(a), pair(b)
    for op in DIVISIONS.values():
        assert_same_outcome(lambda: op(ta, tb), lambda: op(xa, xb))
    for number in (0.2, -7.3, 1e-3, 300.7):
        assert_same_outcome(lambda: number // tb, lambda: number // xb)


def test_floor_division_is_built_on_fmod():
    # floor(1.0 / 0.1) would be 10: the rounded quotient 1.0 / 0.1 is exactly 10.0.
    x = [1.0, -1.0, 0.7, 5.0, 1e-300, -0.0, 0.0, math.inf, -math.inf, math.nan, 3.0, -3.0]
    y = [0.1, 0.1, 0.1, -0.1, 3e-308, 3.0, -3.0, 2.0, math.inf, 1.0, 0.0, 0.0]
    for dtype in FLOATS:
        with np.errstate(all="ignore"):
            (ta, xa), (tb, xb) = pair(np.array(x, dtype)), pair(np.array(y, dtype))
        for op in DIVISIONS.values():
            assert_same_outcome(lambda: op(ta, tb), lambda: op(xa, xb))
        assert_same_outcome(lambda: ta // 0.1, lambda: xa // 0.1)


# -- clamp ---------------------------------------------------------------------------------------
bounds = st.one_of(st.none(), st.floats(-10, 10), st.sampled_from([math.nan, 0.0, -0.0, math.inf, -math.inf]),
                   st.integers(-5, 5))


@SETTINGS
@given(st.sampled_from(FLOATS + ("int32", "uint8")), st.data(), bounds, bounds)
def test_clamp_with_number_bounds(dtype, data, low, high):
    if dtype in FLOATS:
        array = data.draw(float_arrays(dtype))
    else:
        array = data.draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=4)))
    ta, xa = pair(array)
    assert_same_outcome(lambda: ta.clamp(low, high), lambda: xa.clamp(low, high))
    if low is None and high is None or not np.issubdtype(array.dtype, np.floating):
        return
    # The gradient passes where the input lies within the bounds (both included), nowhere for a nan bound.
    tg, xg = ta.clone().requires_grad_(), xa.clone().requires_grad_()
    tinytorch.clamp(tg, low, high).sum().backward()
    torch.clamp(xg, low, high).sum().backward()
    assert_identical(tg.grad, xg.grad)


def test_clamp_rules():
    nan = math.nan
    ta, xa = pair(np.array([-2.0, -0.0, 0.0, 1.0, nan, math.inf], np.float32))
    for low, high in [(nan, None), (None, nan), (nan, 1.0), (0.0, nan), (1.0, 0.0), (0.0, None), (-0.0, None),
                      (None, 0.0), (None, -0.0), (0.0, -0.0), (-math.inf, math.inf)]:
        assert_same_outcome(lambda: ta.clamp(low, high), lambda: xa.clamp(low, high))
        tg, xg = ta.clone().requires_grad_(), xa.clone().requires_grad_()
        tg.clamp(low, high).backward(tinytorch.ones(6))
        xg.clamp(low, high).backward(torch.ones(6))
        assert_identical(tg.grad, xg.grad)


def test_clamp_with_tensor_bounds_and_nan():
    nan = math.nan
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, nan], np.float32)
    low = np.array([0.0, 0.0, nan, 1.0, 3.0, 0.0], np.float32)
    high = np.array([1.0, -1.0, 1.0, 1.0, 2.0, 1.0], np.float32)
    (ta, xa), (tl, xl), (th, xh) = pair(x), pair(low), pair(high)
    for t in (ta, xa, tl, xl, th, xh):
        t.requires_grad_()
    got, want = tinytorch.clamp(ta, tl, th), torch.clamp(xa, xl, xh)
    oracle.assert_same_values(got, want)
    got.sum().backward()
    want.sum().backward()
    for g, w in ((ta, xa), (tl, xl), (th, xh)):
        oracle.assert_same_values(g.grad, w.grad)


# -- the same answers with CuPy's kernels ------------------------------------------------------
class CupyKernels:
    """NumPy, except for the float kernels CuPy defines its own way (cupy/_core:
    carray.cuh _floor_divide, _routines_math.pyx remainder, clip)."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def floor_divide(x, y):
        if np.result_type(x, y).kind != "f":
            return np.floor_divide(x, y)
        return np.floor(np.true_divide(x, y))

    @staticmethod
    def remainder(x, y):
        if np.result_type(x, y).kind != "f":
            return np.remainder(x, y)
        return x - np.floor(np.true_divide(x, y)) * y

    @staticmethod
    def clip(x, low, high):
        # in1 > in2 ? in2 : (in0 < in1 ? in1 : (in0 > in2 ? in2 : in0)): a nan bound is ignored.
        low = -np.inf if low is None else low
        high = np.inf if high is None else high
        return np.where(low > high, high, np.where(x < low, low, np.where(x > high, high, x))).astype(x.dtype)


def test_cupy_kernels_stand_in_differs_where_it_should():
    cupy_like = CupyKernels()
    assert cupy_like.floor_divide(np.array([1.0]), 0.1)[0] == 10.0 and np.floor_divide(np.array([1.0]), 0.1)[0] == 9.0
    assert not np.isnan(cupy_like.clip(np.array([1.0]), np.nan, None)[0])


@pytest.mark.parametrize("dtype", FLOATS)
def test_division_and_clamp_do_not_depend_on_the_backends_kernels(dtype):
    with pytest.MonkeyPatch.context() as patch:
        stand_in_gpus(patch)
        patch.setattr(device_module._gpu_backends[0], "xp", CupyKernels())
        values = [1.0, -1.0, 0.7, 5.0, -0.0, 0.0, math.inf, -math.inf, math.nan, 3.0, 1e4, -2.5]
        with np.errstate(all="ignore"):
            (ta, xa), (tb, xb) = pair(np.array(values, dtype)), pair(np.array(values[::-1], dtype))
        ga, gb = ta.to("cuda"), tb.to("cuda")
        assert isinstance(xp_of(ga), CupyKernels)
        for op in DIVISIONS.values():
            assert_identical(op(ga, gb).cpu(), op(xa, xb))
            assert_identical(op(ga, 0.1).cpu(), op(xa, 0.1))
        for low, high in [(math.nan, None), (None, math.nan), (0.0, 1.0), (1.0, 0.0), (0.0, None)]:
            assert_identical(ga.clamp(low, high).cpu(), xa.clamp(low, high))


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16"])
@pytest.mark.parametrize("alpha", [1, 2, -1, 127, -128, 128, 200, -200, 255, 256])
@pytest.mark.parametrize("name", ["add", "sub"])
def test_integer_alpha_must_fit_as_torch_checks_it(dtype, alpha, name):
    """sub is add with -alpha in PyTorch, so -alpha is what must fit the dtype (int8 sub
    takes alpha=128 and refuses -128)."""
    ta, xa = pair(np.array([5, 100], dtype=dtype))
    oracle.assert_same_outcome(lambda: getattr(ta, name)(ta, alpha=alpha), lambda: getattr(xa, name)(xa, alpha=alpha))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("size", [7, 64, 4096])
def test_lerp_rounds_as_torch(dtype, size):
    """lerp is one fused multiply-add from the nearer end, coeff * (end - start) + base
    (Adam's first moment is a lerp_): bit for bit, with number and tensor weights on both
    sides of 0.5; float16 computes in float32 and rounds once. Rounding the product first
    differs from torch in about a fifth of the elements."""
    rng = np.random.default_rng(size)
    start, end = ((rng.standard_normal(size) * 10.0 ** rng.integers(-3, 4, size)).astype(dtype) for _ in range(2))
    weights = rng.uniform(-1, 2, size).astype(dtype)
    for weight in (0.1, 1 - 0.9, 0.7, 0.5, -0.3, 1.0, "tensor"):
        (ts, rs), (te, re) = pair(start), pair(end)
        if weight == "tensor":
            (tw, rw) = pair(weights)
            assert_identical(tinytorch.lerp(ts, te, tw), torch.lerp(rs, re, rw))
        else:
            assert_identical(tinytorch.lerp(ts, te, weight), torch.lerp(rs, re, weight))
            assert_identical(ts.lerp_(te, weight), rs.lerp_(re, weight))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_addcmul_and_addcdiv_round_as_torch(dtype):
    """addcmul fuses its last multiply-add, addcdiv divides the scaled tensor1: bit for bit
    on a size whole vector loops cover (torch's element-by-element tail may round otherwise)."""
    rng = np.random.default_rng(3)
    x, a, b = ((rng.standard_normal(4096) * 10.0 ** rng.integers(-3, 4, 4096)).astype(dtype) for _ in range(3))
    for name in ("addcmul", "addcdiv"):
        for value in (-0.0123, 0.999, 3):
            (tx, rx), (ta, ra), (tb, rb) = pair(x), pair(a), pair(b)
            assert_identical(getattr(tx, name)(ta, tb, value=value), getattr(rx, name)(ra, rb, value=value))
