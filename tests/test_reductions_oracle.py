"""Reductions against PyTorch: sum, mean, prod, max, min, argmax, argmin, all, any.

Hypothesis draws the dtype, the shape (empty and 0-d included), the layout, the dim (None,
an int or a tuple, negative too, out of range or repeated now and then) and
keepdim; both libraries must agree on values, shape and dtype, or raise the
same error.
"""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch

DTYPES = oracle.DTYPE_NAMES
RTOL = {"float16": 2e-3, "float32": 1e-5, "float64": 1e-12}

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


@st.composite
def tensors(draw, name=None):
    """(tinytorch tensor, torch tensor) with equal values, in a permuted layout
    now and then (results must come out contiguous, as PyTorch's do); small
    integers, so products stay exact, and floats with an occasional nan or inf."""
    name = name or draw(st.sampled_from(DTYPES))
    shape = draw(shapes)
    if name == "bool":
        values = st.booleans()
    elif name in ("float32", "float64", "float16"):
        values = st.one_of(st.integers(-3, 3), st.floats(-3, 3, width=16), st.sampled_from([np.nan, np.inf, -np.inf]))
    else:
        values = st.integers(0 if name == "uint8" else -3, 3)
    flat = draw(st.lists(values, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))
    array = np.array(flat, dtype=np.float64).astype(name).reshape(shape)
    order = draw(st.permutations(range(len(shape))))
    return tinytorch.from_numpy(array.copy()).permute(order), torch.from_numpy(array.copy()).permute(order)


dims = st.one_of(
    st.none(),
    st.integers(-4, 3),
    st.lists(st.integers(-4, 3), min_size=0, max_size=3).map(tuple),
)


def check(tt_fn, torch_fn):
    """Same outcome, results laid out alike (stride too); a float result within
    a dtype-sized tolerance (sums may add in another order)."""
    try:
        results = torch_fn()
    except Exception:  # noqa: BLE001  (compared below)
        results = None
    results = results if isinstance(results, tuple) else (results,)
    result = results[0]
    rtol = RTOL.get(oracle.dtype_name(result.dtype), 0.0) if isinstance(result, torch.Tensor) else 0.0
    # PyTorch's argument parser words its TypeErrors with C++ signatures; compare the type only.
    check_message = not _raises(torch_fn, TypeError)
    got = oracle.assert_same_outcome(tt_fn, torch_fn, rtol=rtol, atol=rtol, check_message=check_message)
    for mine, theirs in zip(got if isinstance(got, tuple) else (got,), results):
        if isinstance(theirs, torch.Tensor):
            assert mine.stride() == theirs.stride(), f"stride {mine.stride()} != torch's {theirs.stride()}"
    return got


def _raises(fn, kind):
    try:
        fn()
    except kind:
        return True
    except Exception:  # noqa: BLE001
        return False
    return False


def reduce(lib_or_tensor, name, t, dim, keepdim, form, **kwargs):
    """Call reduction `name` as a function or a method, with dim/keepdim only when given."""
    fn = getattr(lib_or_tensor, name) if form == "function" else getattr(t, name)
    args = (t,) if form == "function" else ()
    if dim is None and not keepdim:
        return fn(*args, **kwargs)
    return fn(*args, dim, keepdim, **kwargs)


REDUCTIONS = ["sum", "mean", "prod", "max", "min", "argmax", "argmin", "all", "any"]


@SETTINGS
@given(tensors(), st.sampled_from(REDUCTIONS), dims, st.booleans(), st.sampled_from(["function", "method"]))
def test_reductions(pair, name, dim, keepdim, form):
    tt_t, torch_t = pair
    check(lambda: reduce(tinytorch, name, tt_t, dim, keepdim, form),
          lambda: reduce(torch, name, torch_t, dim, keepdim, form))


@SETTINGS
@given(tensors(), st.sampled_from(["sum", "mean", "prod"]), st.sampled_from(DTYPES), st.one_of(st.none(), st.integers(-2, 1)),
       st.booleans())
def test_reductions_with_a_dtype(pair, name, dtype, dim, keepdim):
    tt_t, torch_t = pair
    check(lambda: reduce(tinytorch, name, tt_t, dim, keepdim, "method", dtype=oracle.tt_dtype(dtype)),
          lambda: reduce(torch, name, torch_t, dim, keepdim, "method", dtype=oracle.torch_dtype(dtype)))


@pytest.mark.parametrize("name", DTYPES)
def test_sum_of_ints_is_int64_and_mean_of_ints_is_an_error(name):
    array = np.arange(6).reshape(2, 3).astype(name)
    tt_t, torch_t = tinytorch.from_numpy(array.copy()), torch.from_numpy(array.copy())
    for fn in (lambda lib, t: t.sum(), lambda lib, t: t.sum(0), lambda lib, t: t.prod(1), lambda lib, t: t.mean(),
               lambda lib, t: lib.mean(t, 1)):
        check(lambda: fn(tinytorch, tt_t), lambda: fn(torch, torch_t))


def test_half_precision_sums_accumulate_in_float32():
    # 4096 ones: adding in float16 would stall at 2048, where 2048 + 1 rounds back to 2048.
    array = np.ones(4096, dtype="float16")
    tt_t, torch_t = tinytorch.from_numpy(array.copy()), torch.from_numpy(array.copy())
    oracle.assert_same_values(tt_t.sum(), torch_t.sum())
    oracle.assert_same_values(tt_t.mean(), torch_t.mean())


@SETTINGS
@given(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5), st.data(), st.booleans())
def test_half_prod_rounds_every_step(shape, data, keepdim):
    """float16 products bit for bit: each step rounds to float16, so products that
    leave the range on the way are inf, as in torch, in any layout. Groups stay under
    64 elements, where torch's order does not depend on the CPU's vector width."""
    array = np.array(data.draw(st.lists(st.floats(0.25, 40, width=16), min_size=int(np.prod(shape)),
                                        max_size=int(np.prod(shape)))), dtype="float16").reshape(shape)
    order = data.draw(st.permutations(range(len(shape))))
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    tt_t, torch_t = (lib.from_numpy(array.copy()).permute(order) for lib in (tinytorch, torch))
    for fn in (lambda t: t.prod() if dim is None else t.prod(dim, keepdim),
               lambda t: t.float().prod(dtype=t.dtype if isinstance(t, torch.Tensor) else tinytorch.float16)):
        got, want = fn(tt_t), fn(torch_t)
        oracle.assert_same_values(got, want)  # bit for bit (rtol 0)
        assert got.stride() == want.stride()


@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_and_min_with_a_dim_return_values_and_indices(name, keepdim):
    rng = np.random.default_rng(1)
    array = rng.integers(-3, 3, size=(3, 4)).astype("float32")  # ties: the first index wins in both
    tt_t = tinytorch.tensor(array, requires_grad=True)
    torch_t = torch.tensor(array, requires_grad=True)
    got, want = getattr(tt_t, name)(1, keepdim), getattr(torch_t, name)(1, keepdim)
    oracle.assert_same_values(got.values, want.values)
    oracle.assert_same_values(got.indices, want.indices)
    assert repr(got) == oracle.tinytorch_message(repr(want))
    values, indices = got  # unpacks like a tuple
    assert values is got[0] and indices is got[1]


@pytest.mark.parametrize("shape", [(3, 3), (0, 3), (2, 0, 1), ()])
def test_the_gradient_of_mean_is_laid_out_as_torchs(shape):
    """mean's backward spreads the gradient, then divides (torch's mean_backward): the
    result is a new contiguous tensor, not a broadcast view of one number."""
    layouts = []
    for lib in (tinytorch, torch):
        x = lib.ones(shape, requires_grad=True)
        (grad,) = lib.autograd.grad(x.mean(), [x])
        layouts.append((tuple(grad.shape), grad.stride(), grad.tolist()))
    assert layouts[0] == layouts[1]
