"""Elementwise ops, matmul, cat and stack against PyTorch.

Hypothesis draws dtypes, (broadcastable or clashing) shapes and values; every
case runs through tinytorch and torch on the same numbers, and the two must
agree on the result's values, shape and dtype, or raise the same error.
"""
import operator

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch

DTYPES = oracle.DTYPE_NAMES
FLOATS = ("float32", "float64", "float16")
INTS = ("int64", "int32", "int16", "int8", "uint8")

# Relative tolerance by result dtype: a few units in the last place, since
# NumPy's and PyTorch's exp, sin, pow, ... may round differently.
RTOL = {"float16": 2e-3, "float32": 2e-5, "float64": 1e-12}
ATOL = {"float16": 1e-3, "float32": 1e-6, "float64": 1e-12}

SPECIAL_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, -2.0, 3.0, np.inf, -np.inf, np.nan, 1e-30, 70000.0, -1e20]

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- strategies and helpers --------------------------------------------------------------
def element_strategy(name, small=False):
    """Python numbers for one element of dtype `name`. `small` keeps integers in
    [-50, 50] (integer division by -1 of the most negative int32/int64 crashes
    PyTorch itself, with SIGFPE) and floats finite and moderate (a sum of
    products that overflows may or may not reach inf, depending on the order)."""
    if name == "bool":
        return st.booleans()
    if name in INTS:
        info = np.iinfo(name)
        low, high = int(info.min), int(info.max)
        if small:
            low, high = max(low, -50), min(high, 50)
        return st.integers(low, high)
    if small:
        return st.floats(-10, 10, allow_nan=False, width=16)
    return st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats(-100, 100, allow_nan=False))


@st.composite
def arrays(draw, name, shape, small=False):
    count = int(np.prod(shape)) if shape else 1
    values = draw(st.lists(element_strategy(name, small), min_size=count, max_size=count))
    with np.errstate(all="ignore"):  # 70000 and -1e20 become inf in float16, as intended
        return np.array(values, dtype=np.float64 if name in FLOATS else None).astype(name).reshape(shape)


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@st.composite
def shape_pairs(draw):
    """Mostly shapes that broadcast together; now and then two that may clash."""
    if draw(st.integers(0, 9)) == 0:
        return draw(shapes), draw(shapes)
    return draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=0, max_side=4)).input_shapes


def from_numpy_pair(array):
    """(tinytorch tensor, torch tensor) made by each library's from_numpy, each
    from its own copy of `array`: the same values, dtype and shape."""
    return tinytorch.from_numpy(array.copy()), torch.from_numpy(array.copy())


def tolerance(torch_fn):
    """(rtol, atol) for the dtype torch's result has (none for an error or a non-float)."""
    try:
        result = torch_fn()
    except Exception:  # noqa: BLE001  (the error itself is compared by assert_same_outcome)
        return 0.0, 0.0
    if isinstance(result, tuple):
        result = result[0]
    name = oracle.dtype_name(result.dtype) if isinstance(result, torch.Tensor) else None
    return RTOL.get(name, 0.0), ATOL.get(name, 0.0)


def check(tt_fn, torch_fn, **kwargs):
    rtol, atol = tolerance(torch_fn)
    return oracle.assert_same_outcome(tt_fn, torch_fn, rtol=rtol, atol=atol, **kwargs)


def call(form, name, lib, a, *rest):
    """Call op `name` as a tinytorch./torch. function, as a method, or with its operator."""
    if form == "function":
        return getattr(lib, name)(a, *rest)
    if form == "method":
        return getattr(a, name)(*rest)
    return OPERATORS[name](a, *rest)


OPERATORS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv,
    "floor_divide": operator.floordiv, "remainder": operator.mod, "pow": operator.pow,
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge, "bitwise_and": operator.and_, "bitwise_or": operator.or_, "bitwise_xor": operator.xor,
    "neg": operator.neg, "abs": abs, "bitwise_not": operator.invert, "matmul": operator.matmul,
}
ARITHMETIC = ["add", "sub", "mul", "div", "floor_divide", "remainder", "pow"]
COMPARISONS = ["eq", "ne", "lt", "le", "gt", "ge"]
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor"]
DIVISION_LIKE = {"div", "floor_divide", "remainder", "fmod"}


def forms(name):
    return ["function", "method", "operator"] if name in OPERATORS else ["function", "method"]


# -- binary ops on two tensors --------------------------------------------------------------
BINARY = ARITHMETIC + COMPARISONS + BITWISE + ["maximum", "minimum", "logical_and", "logical_or", "fmod", "atan2"]


@SETTINGS
@given(st.data(), st.sampled_from(BINARY), st.sampled_from(DTYPES), st.sampled_from(DTYPES), shape_pairs())
def test_binary_ops_on_two_tensors(data, name, dtype_a, dtype_b, shape_pair):
    small = name in DIVISION_LIKE or name == "pow"
    a = data.draw(arrays(dtype_a, shape_pair[0], small and dtype_a in INTS))
    b = data.draw(arrays(dtype_b, shape_pair[1], small and dtype_b in INTS))
    if "float16" in (dtype_a, dtype_b):
        # An integer beyond float16's range (65520) overflows to inf in torch in some
        # orders and not others (int64 * half is nan where half * int64 is 0), so the
        # integers stay within the range where torch agrees with itself.
        a, b = (np.asarray(np.clip(x, -65504, 65504), x.dtype) if x.dtype.kind in "iu" else x for x in (a, b))
    form = data.draw(st.sampled_from(forms(name)))
    (ta, xa), (tb, xb) = from_numpy_pair(a), from_numpy_pair(b)
    check(lambda: call(form, name, tinytorch, ta, tb), lambda: call(form, name, torch, xa, xb))


# -- binary ops with a Python number -----------------------------------------------------
scalars = st.one_of(
    st.booleans(),
    st.integers(-300, 300),
    st.sampled_from([2**31, -(2**40), 2**63 - 1]),  # too wide for the tensor: wraps around, as in C
    st.sampled_from([0.5, -2.5, 0.0, -0.0, np.inf, -np.inf, np.nan, 1e10, 1e300]),  # 1e300: inf in float32
    # Not below float32's range: PyTorch keeps such an exponent's sign (0 ** 1e-300 is 0), NumPy rounds it to 0.
    st.floats(-10, 10, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-30),
)
SCALAR_OPS = ARITHMETIC + COMPARISONS + BITWISE + ["fmod"]


@SETTINGS
@given(st.data(), st.sampled_from(SCALAR_OPS), st.sampled_from(DTYPES), shapes, scalars, st.booleans())
def test_binary_ops_with_a_python_number(data, name, dtype, shape, number, number_first):
    if name in DIVISION_LIKE or name == "pow":
        # Huge exponents or divisors only test the wrap-around again, slowly.
        number = number if isinstance(number, float) or abs(number) < 100 else 7
    if name == "pow" and isinstance(number, float) and np.float32(number) != number and float(np.float32(number)).is_integer():
        # An exponent that only float32 rounding makes whole (1.9999999999999982): PyTorch's float32
        # pow keeps the double element by element (a negative base gives nan) but rounds it to
        # float32 in its vectorized loop (32 elements at a time on AVX-512), so it disagrees with itself.
        number = round(number)
    a = data.draw(arrays(dtype, shape, small=name in DIVISION_LIKE and dtype in INTS))
    if name in DIVISION_LIKE and number_first and dtype in FLOATS and np.isfinite(number):
        # A divisor so small that number / divisor overflows: PyTorch's vectorized fmod
        # (8 float64 at a time on AVX2) gives nan there and its scalar loop the remainder,
        # so it disagrees with itself. Such divisors become 1.
        with np.errstate(all="ignore"):
            a = np.where(np.isinf(np.float64(number) / a.astype(np.float64)) & np.isfinite(a) & (a != 0), 1, a)
            a = a.astype(dtype)
    ta, xa = from_numpy_pair(a)
    if number_first:
        check(lambda: OPERATORS[name](number, ta), lambda: OPERATORS[name](number, xa))
    else:
        form = data.draw(st.sampled_from(forms(name)))
        check(lambda: call(form, name, tinytorch, ta, number), lambda: call(form, name, torch, xa, number))


def test_python_number_does_not_widen_a_tensor_within_its_category():
    # The cases the issue names, each checked against torch (not against typed-in answers).
    cases = [("int32", 2, operator.truediv), ("int8", 1000, operator.add), ("uint8", -3, operator.sub),
             ("float16", 2.5, operator.mul), ("int16", 2.5, operator.add), ("bool", 2, operator.add),
             ("uint8", -3, operator.lt), ("int8", 200, operator.eq)]
    for name, number, op in cases:
        ta, xa = from_numpy_pair(np.array([0, 1, 5], dtype=name))
        check(lambda: op(ta, number), lambda: op(xa, number))
        check(lambda: op(number, ta), lambda: op(number, xa))


@SETTINGS
@given(st.data(), st.sampled_from(["add", "sub"]), st.sampled_from(DTYPES), shapes,
       st.one_of(st.integers(-300, 300), st.floats(-10, 10), st.booleans()),
       st.one_of(st.just(1), st.integers(-3, 3), st.floats(-3, 3), st.booleans()))
def test_add_and_sub_with_a_number_first(data, name, dtype, shape, number, alpha):
    # torch.add(2, t, alpha=3) is 2 + 3 * t: the number stays `input`, alpha scales t.
    array = data.draw(arrays(dtype, shape))
    ta, xa = from_numpy_pair(array)
    # A float16 tensor this small takes PyTorch's element-by-element loop, which rounds
    # alpha * t to float16 first (tinytorch fuses, as the vectorized loop does): a step of
    # alpha * t, large beside a result that cancels (128 - 2.23 * 71.3).
    finite = array[np.isfinite(array)].astype(np.float64) if dtype == "float16" else np.zeros(0)
    step = 2**-10 * float(np.max(np.abs(finite * float(alpha)), initial=0.0))  # float16's eps
    oracle.assert_same_outcome(lambda: getattr(tinytorch, name)(number, ta, alpha=alpha),
                               lambda: getattr(torch, name)(number, xa, alpha=alpha), rtol=2e-3, atol=1e-4 + step)


def test_add_and_sub_with_a_number_first_in_the_graph():
    # The number is listed first, as `input`; `2 + t` is t.__radd__(2), which lists t first.
    for m in (tinytorch, torch):
        t = m.ones(2, requires_grad=True)
        for fn, want_grad in [(lambda: m.add(2, t, alpha=3), 3.0), (lambda: m.add(2, t), 1.0),
                              (lambda: m.sub(2, t, alpha=3), -3.0), (lambda: m.sub(2, t), -1.0)]:
            out = fn()
            assert [type(n).__name__ if n is not None else None for n, _ in out.grad_fn.next_functions] == [None, "AccumulateGrad"]
            out.sum().backward()
            assert t.grad.tolist() == [want_grad] * 2
            t.grad = None
        assert m.add(2, t, alpha=3).tolist() == [5.0, 5.0] and m.sub(2, t, alpha=3).tolist() == [-1.0, -1.0]
        assert [n is None for n, _ in (2 + t).grad_fn.next_functions] == [False, True]
        assert [n is None for n, _ in (t + 2).grad_fn.next_functions] == [False, True]


@pytest.mark.parametrize("number", [np.float64(2.5), np.float32(-1.5), np.int64(3), np.int8(-2), np.uint8(7)], ids=repr)
def test_numpy_numbers_act_like_python_numbers(number):
    # A NumPy scalar on the left must not turn the result into a NumPy array.
    for name in ("int32", "float16", "float64"):
        ta, xa = from_numpy_pair(np.array([1, -2, 3], dtype=name))
        for op in (operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv, operator.lt):
            check(lambda: op(number, ta), lambda: op(number, xa))
            check(lambda: op(ta, number), lambda: op(xa, number))


# -- unary ops ------------------------------------------------------------------------------
UNARY = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "reciprocal", "neg",
         "bitwise_not", "logical_not", "isnan", "isinf", "isfinite", "square",
         "log1p", "expm1", "log2", "log10", "sinh", "cosh", "tan", "asin", "acos", "atan", "arcsin", "arccos",
         "arctan", "erf", "rsqrt", "floor", "ceil", "trunc", "round", "asinh", "acosh", "atanh", "arcsinh",
         "arccosh", "arctanh", "erfc", "exp2", "frac", "sgn", "logit"]
IN_PLACE_UNARY = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "sign", "reciprocal", "neg",
                  "square", "log1p", "expm1", "log2", "log10", "sinh", "cosh", "tan", "asin", "acos", "atan", "erf",
                  "rsqrt", "floor", "ceil", "trunc", "round", "arcsin", "arccos", "arctan", "absolute", "negative",
                  "logical_not", "bitwise_not", "asinh", "acosh", "atanh", "arctanh", "erfc", "exp2", "frac", "sgn",
                  "logit"]


@SETTINGS
@given(st.data(), st.sampled_from(UNARY), st.sampled_from(DTYPES), shapes)
def test_unary_ops(data, name, dtype, shape):
    a = data.draw(arrays(dtype, shape))
    form = data.draw(st.sampled_from(forms(name)))
    ta, xa = from_numpy_pair(a)
    check(lambda: call(form, name, tinytorch, ta), lambda: call(form, name, torch, xa))


@SETTINGS
@given(st.data(), st.sampled_from(IN_PLACE_UNARY), st.sampled_from(DTYPES), shapes, st.booleans())
def test_in_place_unary_ops(data, name, dtype, shape, transposed):
    """x.exp_() and the like: the result written into x itself (a transposed x keeps
    its layout), or torch's error when it does not fit x's dtype."""
    a = data.draw(arrays(dtype, shape))

    def run(lib):
        x = lib.from_numpy(a.copy())  # a fresh tensor each call: check() calls torch's side twice
        x = x.mT if transposed and x.dim() >= 2 else x
        result = getattr(x, name + "_")()
        assert result is x
        return x
    check(lambda: run(tinytorch), lambda: run(torch))


@pytest.mark.parametrize("decimals", [-2, -1, 0, 1, 3])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int64"])
def test_round_with_decimals(decimals, dtype):
    """Scaled by 10**decimals in float32 (float64 for double), rounded half to even,
    scaled back: bit for bit as torch, halves and large values included."""
    values = np.concatenate([np.arange(-30, 30) * 0.125, [1234.5678, -0.0, np.inf, np.nan, 2.675, 1e10]])
    with np.errstate(over="ignore"):  # 1e10 is inf in float16, as intended
        ta, xa = from_numpy_pair(values.astype(dtype) if dtype != "int64" else np.arange(-5, 5) * 15)
    oracle.assert_same_outcome(lambda: ta.round(decimals=decimals), lambda: xa.round(decimals=decimals))
    oracle.assert_same_outcome(lambda: tinytorch.round(ta, decimals=decimals),
                               lambda: torch.round(xa, decimals=decimals))


def test_floor_division_and_remainder_take_the_sign_of_the_divisor():
    # Every sign combination, exact and inexact quotients, ints and floats.
    values = [-7, -6, -1, 0, 1, 6, 7]
    for name in ("int64", "int8", "float32", "float64", "float16"):
        grid = np.array([[a, b] for a in values for b in values if b != 0], dtype=name)
        (ta, xa), (tb, xb) = from_numpy_pair(grid[:, 0]), from_numpy_pair(grid[:, 1])
        for op in (operator.floordiv, operator.mod):
            check(lambda: op(ta, tb), lambda: op(xa, xb))
        for mode in ("floor", "trunc"):
            check(lambda: ta.div(tb, rounding_mode=mode), lambda: xa.div(xb, rounding_mode=mode))


@pytest.mark.parametrize("name", ["int64", "int32", "uint8", "bool", "float32"])
def test_division_by_zero(name):
    ta, xa = from_numpy_pair(np.array([3, 0, 1], dtype=name))
    tz, xz = from_numpy_pair(np.array([1, 0, 0], dtype=name))
    for op in (operator.truediv, operator.floordiv, operator.mod):
        check(lambda: op(ta, tz), lambda: op(xa, xz))
        check(lambda: op(ta, 0), lambda: op(xa, 0))
    check(lambda: ta.div(tz, rounding_mode="trunc"), lambda: xa.div(xz, rounding_mode="trunc"))


def test_broadcast_mismatch_raises_torchs_message():
    for shape_a, shape_b in [((2, 3), (2, 4)), ((3,), (4,)), ((2, 1, 3), (4, 2))]:
        (ta, xa), (tb, xb) = from_numpy_pair(np.ones(shape_a, "float32")), from_numpy_pair(np.ones(shape_b, "float32"))
        for op in (operator.add, operator.mul, operator.lt, torch.maximum):
            tt_op = getattr(tinytorch, op.__name__) if op is torch.maximum else op
            oracle.assert_same_error(lambda: tt_op(ta, tb), lambda: op(xa, xb))


# -- clamp and where --------------------------------------------------------------------------
bounds = st.one_of(st.none(), st.integers(-5, 5), st.floats(-5, 5, allow_nan=False), st.booleans(),
                   st.sampled_from([np.nan, 300, -1]))


@SETTINGS
@given(st.data(), st.sampled_from(DTYPES), shapes, bounds, bounds, st.sampled_from(["function", "method"]))
def test_clamp_with_number_bounds(data, dtype, shape, low, high, form):
    ta, xa = from_numpy_pair(data.draw(arrays(dtype, shape)))
    check(lambda: call(form, "clamp", tinytorch, ta, low, high), lambda: call(form, "clamp", torch, xa, low, high))


@SETTINGS
@given(st.data(), st.sampled_from(DTYPES), st.sampled_from(["both", "min", "max"]),
       hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
def test_clamp_with_tensor_bounds(data, dtype, which, shapes3):
    ta, xa = from_numpy_pair(data.draw(arrays(dtype, shapes3.input_shapes[0])))
    tl, xl = from_numpy_pair(data.draw(arrays(dtype, shapes3.input_shapes[1])))
    th, xh = from_numpy_pair(data.draw(arrays(data.draw(st.sampled_from(DTYPES)), shapes3.input_shapes[2])))
    low_t, low_x = (tl, xl) if which != "max" else (None, None)
    high_t, high_x = (th, xh) if which != "min" else (None, None)
    check(lambda: tinytorch.clamp(ta, low_t, high_t), lambda: torch.clamp(xa, low_x, high_x))


@SETTINGS
@given(st.data(), st.sampled_from(DTYPES), shapes, bounds, st.sampled_from(DTYPES), st.integers(0, 1),
       st.booleans())
def test_clamp_with_a_number_and_a_tensor(data, dtype, shape, number, bound_dtype, bound_dim, number_first):
    """A 0-d tensor bound beside a number is read as a number (torch's parser picks the
    overload of two numbers); a bound with dims beside a number is a TypeError."""
    ta, xa = from_numpy_pair(data.draw(arrays(dtype, shape)))
    tb, xb = from_numpy_pair(data.draw(arrays(bound_dtype, (1,) * bound_dim)))
    order = (lambda n, t: (n, t)) if number_first else (lambda n, t: (t, n))
    check(lambda: tinytorch.clamp(ta, *order(number, tb)), lambda: torch.clamp(xa, *order(number, xb)))


where_operand = st.one_of(st.sampled_from(DTYPES), st.sampled_from([1, -2.5, True]))


@SETTINGS
@given(st.data(), where_operand, where_operand,
       hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3))
def test_where(data, x_kind, y_kind, shapes3):
    tc, xc = from_numpy_pair(data.draw(arrays("bool", shapes3.input_shapes[0])))

    def operand(kind, shape):
        if not isinstance(kind, str):
            return kind, kind
        return from_numpy_pair(data.draw(arrays(kind, shape)))

    (tx, xx), (ty, xy) = operand(x_kind, shapes3.input_shapes[1]), operand(y_kind, shapes3.input_shapes[2])
    check(lambda: tinytorch.where(tc, tx, ty), lambda: torch.where(xc, xx, xy))
    if isinstance(x_kind, str):
        check(lambda: tx.where(tc, ty), lambda: xx.where(xc, xy))


def test_where_with_a_uint8_condition_warns_and_works():
    tc, xc = from_numpy_pair(np.array([0, 1, 2], "uint8"))
    tx, xx = from_numpy_pair(np.array([1.5, 2.5, 3.5], "float32"))
    with pytest.warns(UserWarning) as ours:
        got = tinytorch.where(tc, tx, 0.0)
    with pytest.warns(UserWarning) as theirs:
        want = torch.where(xc, xx, 0.0)
    oracle.assert_same_values(got, want)
    assert str(ours[0].message) == str(theirs[0].message).split(" (Triggered internally")[0]


# -- comparisons of whole tensors ------------------------------------------------------------
@SETTINGS
@given(st.data(), st.sampled_from(DTYPES), st.sampled_from(DTYPES), shape_pairs(), st.booleans())
def test_allclose_isclose_equal(data, dtype_a, dtype_b, shape_pair, nudge):
    a = data.draw(arrays(dtype_a, shape_pair[0]))
    b = data.draw(arrays(dtype_b, shape_pair[1])) if not nudge else a.copy()
    if nudge and dtype_a in FLOATS:
        with np.errstate(all="ignore"):
            b = np.asarray(b * (1 + 1e-6)).astype(dtype_a)  # close, not equal
    (ta, xa), (tb, xb) = from_numpy_pair(a), from_numpy_pair(b)
    for name in ("allclose", "isclose", "equal"):
        check(lambda: getattr(tinytorch, name)(ta, tb), lambda: getattr(torch, name)(xa, xb))
    check(lambda: ta.allclose(tb, equal_nan=True), lambda: xa.allclose(xb, equal_nan=True))


# -- matmul, mm, dot --------------------------------------------------------------------------
@st.composite
def matmul_shapes(draw):
    """Shapes for matmul: 0-d to 4-d, with matching inner sizes most of the time."""
    k = draw(st.integers(0, 4))
    batch = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=3)).input_shapes
    dims = draw(st.sampled_from([(1, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3), (3, 2), (2, 3), (3, 3),
                                 (4, 3), (0, 1), (2, 0)]))
    sides = st.integers(0, 4)
    a = {0: (), 1: (k,), 2: (draw(sides), k)}.get(dims[0], batch[0] + (draw(sides), k))
    b = {0: (), 1: (k,), 2: (k, draw(sides))}.get(dims[1], batch[1] + (k, draw(sides)))
    if draw(st.integers(0, 5)) == 0:  # a mismatch now and then
        b = b[:-2] + (k + 1,) + b[-1:] if len(b) >= 2 else ((k + 1,) if b else b)
    return a, b


MATMUL_DTYPES = ["float32", "float64", "float16", "int64", "int32", "bool"]


@SETTINGS
@given(st.data(), matmul_shapes(), st.sampled_from(MATMUL_DTYPES), st.sampled_from(MATMUL_DTYPES + [None] * 6),
       st.sampled_from(["matmul", "mm", "bmm", "mv", "dot", "@", "method"]))
def test_matmul_mm_dot(data, shape_pair, dtype, other_dtype, form):
    # other_dtype None (most often): both operands have one dtype. Mixed dtypes are an
    # error, but not always: a batched product with nothing to add up skips the check.
    a = data.draw(arrays(dtype, shape_pair[0], small=True))
    b = data.draw(arrays(other_dtype or dtype, shape_pair[1], small=True))
    (ta, xa), (tb, xb) = from_numpy_pair(a), from_numpy_pair(b)
    if form == "@":
        check(lambda: ta @ tb, lambda: xa @ xb)
    elif form == "method":
        check(lambda: ta.matmul(tb), lambda: xa.matmul(xb))
    else:
        check(lambda: getattr(tinytorch, form)(ta, tb), lambda: getattr(torch, form)(xa, xb))


def test_matmul_results_have_torchs_layout_and_grad_fn():
    # The path matmul takes (dot, mv, mm, fold, bmm) shows in the result's strides and grad_fn.
    rng = np.random.default_rng(0)
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 2, 3), (3,)), ((2, 2, 3), (3, 4)),
                   ((3,), (2, 3, 4)), ((4, 3), (2, 3, 5)), ((2, 2, 3), (1, 3, 4)), ((2, 1, 2, 3), (3, 3, 1))]:
        for grad_a, grad_b in [(True, False), (False, True), (True, True)]:
            a, b = rng.standard_normal(sa).astype("float32"), rng.standard_normal(sb).astype("float32")
            ta, xa = tinytorch.tensor(a, requires_grad=grad_a), torch.tensor(a, requires_grad=grad_a)
            tb, xb = tinytorch.tensor(b, requires_grad=grad_b), torch.tensor(b, requires_grad=grad_b)
            got, want = ta @ tb, xa @ xb
            oracle.assert_same(got, want, rtol=1e-5, atol=1e-6)
            assert got.grad_fn.name() == type(want.grad_fn).__name__


# -- cat and stack ------------------------------------------------------------------------------
@st.composite
def tensor_lists(draw):
    base = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
    count = draw(st.integers(1, 3))
    grow = draw(st.integers(0, max(len(base) - 1, 0)))
    result = []
    for _ in range(count):
        shape = list(base)
        kind = draw(st.integers(0, 6))
        if kind == 0 and shape:
            shape[grow] = draw(st.integers(0, 3))  # differs along one dim: fine for cat only
        elif kind == 1:
            shape = [0]  # the legacy empty tensor cat skips
        elif kind == 2:
            shape = shape + [2]  # a rank mismatch
        result.append((tuple(shape), draw(st.sampled_from(DTYPES))))
    return result


@SETTINGS
@given(st.data(), tensor_lists(), st.integers(-4, 3))
def test_cat_and_stack(data, specs, dim):
    pairs = [from_numpy_pair(data.draw(arrays(name, shape))) for shape, name in specs]
    tts, xs = [p[0] for p in pairs], [p[1] for p in pairs]
    check(lambda: tinytorch.cat(tts, dim), lambda: torch.cat(xs, dim))
    check(lambda: tinytorch.stack(tts, dim), lambda: torch.stack(xs, dim))
    check(lambda: tinytorch.cat(tuple(tts), dim=dim), lambda: torch.cat(tuple(xs), dim=dim))


def test_cat_and_stack_argument_errors():
    ta, xa = from_numpy_pair(np.ones((2, 3), "float32"))
    for name in ("cat", "stack"):
        for tt_args, torch_args in [([], []), ([ta, 1], [xa, 1]), ([ta, None], [xa, None])]:
            check(lambda: getattr(tinytorch, name)(tt_args), lambda: getattr(torch, name)(torch_args))
        check(lambda: getattr(tinytorch, name)(ta), lambda: getattr(torch, name)(xa), check_message=False)


NUMBER_FIRST = {
    "div": lambda L, n, t: L.div(n, t),
    "divide": lambda L, n, t: L.divide(n, t),
    "true_divide": lambda L, n, t: L.true_divide(n, t),
    "gt": lambda L, n, t: L.gt(n, t),
    "le": lambda L, n, t: L.le(n, t),
    "eq": lambda L, n, t: L.eq(n, t),
    "maximum": lambda L, n, t: L.maximum(n, t),
    "minimum": lambda L, n, t: L.minimum(n, t),
    "logical_and": lambda L, n, t: L.logical_and(n, t),
    "logical_or": lambda L, n, t: L.logical_or(n, t),
}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(NUMBER_FIRST)), st.sampled_from(["float32", "float16", "int64", "bool"]),
       st.sampled_from([2, -3, 0.5, True]), st.data())
def test_a_number_first_where_torch_takes_or_refuses_it(name, dtype, number, data):
    """torch.div(2, t) divides; gt(1, t), maximum(2, t) ... are TypeErrors (torch's argument
    parser lists its signatures, so only the type is compared for those)."""
    array = data.draw(hnp.arrays(dtype, st.sampled_from([(), (3,), (2, 2)]),
                                 elements=st.floats(-4, 4, width=16) if dtype.startswith("float") else None))
    f = NUMBER_FIRST[name]
    oracle.assert_same_outcome(lambda: f(tinytorch, number, tinytorch.tensor(array)),
                               lambda: f(torch, number, torch.tensor(array)), check_message=name.startswith("m"))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["float16", "float32", "float64"]), st.data())
def test_sigmoid_keeps_relative_precision_where_it_is_small(dtype, data):
    """sigmoid computes 1 / (1 + e^-x) as torch does (float16 in float32): sigmoid(-20) is
    2e-9, not 0, and a very negative x gives 0, not nan. Tolerance: a few ulps relative
    (NumPy's exp and torch's may differ in the last bit, which float16 may round either way)."""
    width = {"float16": 16, "float32": 32, "float64": 64}[dtype]
    x = data.draw(hnp.arrays(dtype, st.integers(1, 20), elements=st.floats(-120, 40, width=width)))
    got, want = tinytorch.sigmoid(tinytorch.tensor(x)), torch.sigmoid(torch.tensor(x))
    rtol = {"float16": 1e-3, "float32": 1e-6, "float64": 1e-14}[dtype]
    oracle.assert_same_values(got, want, rtol=rtol, atol=0)


EDGE_MATMUL_SHAPES = [((0, 1), (1,)), ((3, 1), (1,)), ((1, 0), (0,)), ((0,), (0, 2)), ((1,), (1, 3)),
                      ((0, 2), (2, 1)), ((2, 1), (1, 0)), ((2, 0, 1), (1,)), ((1, 2, 1), (1, 1, 3)), ((0, 1, 2), (2,))]


@pytest.mark.parametrize("shape_pair", EDGE_MATMUL_SHAPES, ids=str)
def test_matmul_gradients_with_size_0_and_1_dims(shape_pair):
    check_matmul_gradients(*(np.arange(np.prod(s)).reshape(s) * 0.5 for s in shape_pair))


@SETTINGS
@given(st.data(), matmul_shapes())
def test_matmul_gradients_are_laid_out_as_torchs(data, shape_pair):
    """The gradients of both inputs of @ (dot, mv, mm, folded or batched): values and
    strides as torch's, size-0 and size-1 dims included (mv's is torch's outer product)."""
    check_matmul_gradients(data.draw(arrays("float64", shape_pair[0], small=True)),
                           data.draw(arrays("float64", shape_pair[1], small=True)))


def check_matmul_gradients(a, b):
    results = []
    for lib in (tinytorch, torch):
        x, y = lib.tensor(a, requires_grad=True), lib.tensor(b, requires_grad=True)
        out, error = oracle.outcome(lambda: x @ y)
        if error is not None:
            results.append(type(error))
            continue
        out.sum().backward()
        results.append((x.grad, y.grad))
    if not isinstance(results[1], tuple):
        assert results[0] is results[1]
        return
    for got, want in zip(results[0], results[1]):
        oracle.assert_same(got, want, rtol=1e-12, atol=1e-12)


def test_mv_gradient_is_torchs_outer_product():
    """mv's gradient for the matrix is torch's grad.ger(vec) (a reshape times the vector),
    whose layout shows once another gradient is added to it (found by make fuzz)."""
    results = []
    for lib in (tinytorch, torch):
        m = lib.zeros((0, 1), requires_grad=True)
        (grad,) = lib.autograd.grad(lib.matmul(m, m.sum(0)).sum(), [m])
        results.append(grad)
    oracle.assert_same(*results)


@SETTINGS
@given(data=st.data(), shapes_=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
       dtypes=st.tuples(st.sampled_from(FLOATS + ("int64",)), st.sampled_from(FLOATS)))
def test_lerp(data, shapes_, dtypes):
    """lerp with a number or a tensor weight: values (computed from the nearer end, as
    torch does), broadcasting, layout of the result, and torch's dtype errors."""
    start_dtype, other_dtype = dtypes
    start, end, weight = (data.draw(arrays(d, shape, small=True)) for d, shape in
                          zip((start_dtype, other_dtype, other_dtype), shapes_.input_shapes))
    if data.draw(st.booleans()):
        number = data.draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, -1.5, 2.0]))
        check(lambda: tinytorch.lerp(*from_numpy_pair(start)[:1], from_numpy_pair(end)[0], number),
              lambda: torch.lerp(from_numpy_pair(start)[1], from_numpy_pair(end)[1], number))
    else:
        (s0, s1), (e0, e1), (w0, w1) = (from_numpy_pair(x) for x in (start, end, weight))
        check(lambda: s0.lerp(e0, w0), lambda: s1.lerp(e1, w1))


def test_lerp_of_half_rounds_once():
    """Found on a clean clone: float16 lerp computes in float32 and rounds once, as torch does
    (rounding (end - start) * (1 - weight) to float16 first gives -0.125, not -0.1289)."""
    def call(m):
        start, end = m.tensor([5.957, 1.0], dtype=m.float16), m.tensor([9.0, 3.0], dtype=m.float16)
        return m.lerp(start, end, m.tensor(-2.0, dtype=m.float16)), m.lerp(start, end, -2.0)
    for got, expected in zip(call(tinytorch), call(torch)):
        np.testing.assert_array_equal(got.numpy(), expected.numpy())


IN_PLACE_FUNCTIONS = ["abs_", "acos_", "arccos_", "arcsin_", "arctan_", "asin_", "atan_", "ceil_", "cos_", "cosh_",
                      "erf_", "exp_", "expm1_", "floor_", "log10_", "log1p_", "log2_", "log_", "neg_", "negative_",
                      "reciprocal_", "relu_", "round_", "rsqrt_", "sigmoid_", "sin_", "sinh_", "sqrt_", "square_",
                      "tan_", "tanh_", "trunc_", "zero_"]


@pytest.mark.parametrize("name", IN_PLACE_FUNCTIONS)
def test_in_place_functions_of_the_namespace(name):
    """torch.exp_(t) and the like: t.exp_(), returning t; anything but a tensor is refused."""
    results = []
    for lib in (tinytorch, torch):
        t = lib.tensor([0.25, 0.75, 0.5])
        results.append((getattr(lib, name)(t) is t, t))
    assert results[0][0] and results[1][0]
    oracle.assert_same_values(results[0][1], results[1][1], rtol=1e-6, atol=1e-6)
    oracle.assert_same_error(lambda: getattr(tinytorch, name)(2), lambda: getattr(torch, name)(2))


def test_float32_math_rounds_once_from_float64():
    """log10(100) is 2, not NumPy's float32 2.0000002, as torch prints it; exp(1) is e
    rounded to float32. (tinytorch computes float32 math in float64 and rounds once.)"""
    for name, values in [("log10", [10.0, 100.0, 1000.0]), ("log2", [2.0, 8.0, 1024.0]), ("exp", [0.0, 1.0, -1.0])]:
        got = getattr(tinytorch, name)(tinytorch.tensor(values))
        expected = np.asarray(getattr(np, name)(np.array(values, dtype=np.float64)), dtype=np.float32)
        assert got.numpy().tobytes() == expected.tobytes()
        assert repr(got) == repr(getattr(torch, name)(torch.tensor(values))).replace("torch", "tinytorch")
