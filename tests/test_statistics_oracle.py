"""Statistics, norms, running reductions, sorting and counting against PyTorch:
var, std, norm, dist, logsumexp, amax/amin, nansum/nanmean, cumsum, cumprod,
cummax/cummin, sort, argsort, topk, kthvalue, median, nanmedian, mode, unique, unique_consecutive, bincount,
histc, tril_indices/triu_indices.

Hypothesis draws the input (dtype, shape, values, a transposed layout now and
then) and the op's arguments, valid or not. Both libraries run the same call
and must agree on values (to a few units in the last place for floats: NumPy
and PyTorch add up in different orders), shapes, dtypes, indices, or the error.
Where PyTorch leaves a choice open (which of two equal values sort or topk puts
first, which one max-like ops point at), inputs are drawn without ties.
"""
import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
TOLERANCE = {"float16": (2e-3, 2e-3), "float32": (2e-5, 1e-5), "float64": (1e-12, 1e-12)}


@st.composite
def inputs(draw, dtypes=("float32", "float64"), distinct=True, nonempty=False):
    """(array, transposed): distinct values (no ties) unless asked otherwise."""
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4) if nonempty else shapes)
    dtype = draw(st.sampled_from(dtypes))
    n = int(np.prod(shape))
    if distinct:
        values = draw(st.permutations(range(n))) if n else []
        scale = draw(st.sampled_from([1.0, -1.0] if dtype[0] in "iu" else [1.0, -0.5, 0.25]))
        array = (np.array(values, dtype=np.float64) * scale - 1.5).reshape(shape)
        if dtype[0] in "iu":  # rounded down, not toward 0 as astype would (-0.5 and 0.5 would tie at 0)
            array = np.floor(array)
    else:
        array = np.array(draw(st.lists(st.integers(-2, 2), min_size=n, max_size=n)), dtype=np.float64).reshape(shape)
    return array.astype(dtype), draw(st.booleans())


def make(m, array, transposed):
    if transposed and array.ndim >= 2:
        return m.tensor(array.swapaxes(0, 1).copy()).transpose(0, 1)
    return m.tensor(array.copy())


def dims(ndim):
    return st.integers(-max(ndim, 1) - 1, max(ndim, 1))


def dim_lists(ndim):
    return st.one_of(st.none(), dims(ndim), st.lists(st.integers(-max(ndim, 1), max(ndim - 1, 0)), max_size=3).map(tuple))


def compare(call, array, transposed):
    """call(m, t) on both libraries; the same result (within float tolerance) or the same error."""
    rtol, atol = _tolerance(lambda: call(torch, make(torch, array, transposed)))
    oracle.assert_same_outcome(lambda: call(tinytorch, make(tinytorch, array, transposed)),
                               lambda: call(torch, make(torch, array, transposed)), rtol=rtol, atol=atol)


def _tolerance(torch_call):
    """(rtol, atol) for the dtype of torch's (first) result; exact for anything else."""
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = torch_call()
    except Exception:  # noqa: BLE001  (the error itself is compared by assert_same_outcome)
        return 0, 0
    result = result[0] if isinstance(result, tuple) else result
    return TOLERANCE.get(oracle.dtype_name(result.dtype), (0, 0))


def quiet(call):
    """The call with the degrees-of-freedom UserWarning (both libraries give it) silenced."""
    def run(m, t):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return call(m, t)
    return run


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "float16", "int64")))
def test_var_and_std(data, given_input):
    """var, std, and var_mean/std_mean (which also give the mean), in each way of choosing the correction."""
    array, transposed = given_input
    name = data.draw(st.sampled_from(["var", "std", "var_mean", "std_mean"]))
    dim, keepdim = data.draw(dim_lists(array.ndim)), data.draw(st.booleans())
    form = data.draw(st.sampled_from(["correction", "unbiased", "plain", "positional bool", "axis"]))
    value = data.draw(st.sampled_from([0, 1, 2]))
    if form == "correction":
        call = lambda m, t: getattr(m, name)(t, dim, keepdim=keepdim, correction=value)  # noqa: E731
    elif form == "unbiased":
        call = lambda m, t: getattr(m, name)(t, dim, bool(value), keepdim)  # noqa: E731
    elif form == "positional bool":
        call = lambda m, t: getattr(m, name)(t, bool(value))  # noqa: E731
    elif form == "axis":
        call = lambda m, t: getattr(m, name)(t, axis=dim, keepdims=keepdim)  # noqa: E731
    else:
        call = lambda m, t: getattr(m, name)(t, dim)  # noqa: E731
    compare(quiet(call), array, transposed)


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "int64")))
def test_norms(data, given_input):
    array, transposed = given_input
    p = data.draw(st.sampled_from([2, 1, 3, 0.5, 0, math.inf, -math.inf, "fro", "nuc"]))
    dim, keepdim = data.draw(dim_lists(array.ndim)), data.draw(st.booleans())
    form = data.draw(st.sampled_from(["norm", "dist", "norm all"]))
    if form == "dist":
        p = 2 if isinstance(p, str) else p
        call = lambda m, t: t.dist(t * 0.5 + 1, p)  # noqa: E731
    elif form == "norm all":
        call = lambda m, t: t.norm(p)  # noqa: E731
    else:  # ('fro' over more than two dims, and 'nuc', are matrix norms: errors unless dim has two dims)
        call = lambda m, t: m.norm(t, p, dim, keepdim)  # noqa: E731
    compare(call, array, transposed)


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "int64"), distinct=False))
def test_logsumexp_amax_amin_nansum_nanmean(data, given_input):
    array, transposed = given_input
    name = data.draw(st.sampled_from(["logsumexp", "amax", "amin", "nansum", "nanmean"]))
    dim, keepdim = data.draw(dim_lists(array.ndim)), data.draw(st.booleans())
    if array.dtype.kind == "f" and array.size and data.draw(st.booleans()):
        array = array.copy()
        array.reshape(-1)[0] = data.draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    if name == "logsumexp" and dim in (None, ()):
        # logsumexp needs a dim; given (), torch 2.13 fails inside its own kernel
        # ("output with shape [] doesn't match the broadcast shape [1]"), tinytorch reduces every dim.
        dim = 0
    args = (dim,) if name in ("logsumexp", "amax", "amin") and dim is not None else () if dim is None else (dim,)
    compare(lambda m, t: getattr(m, name)(t, *args, keepdim=keepdim), array, transposed)


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "int64", "int32", "bool"), distinct=False))
def test_running_reductions(data, given_input):
    array, transposed = given_input
    name = data.draw(st.sampled_from(["cumsum", "cumprod", "cummax", "cummin"]))
    dim = data.draw(dims(array.ndim))
    if name in ("cumsum", "cumprod") and data.draw(st.booleans()):
        dtype = data.draw(st.sampled_from(["float64", "int64", "float32"]))
        compare(lambda m, t: getattr(t, name)(dim, dtype=getattr(m, dtype)), array, transposed)
    else:
        compare(lambda m, t: getattr(m, name)(t, dim), array, transposed)


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "int64", "uint8")))
def test_sorting(data, given_input):
    array, transposed = given_input
    if array.dtype == np.uint8:  # the drawn values wrapped around: their ranks, distinct again
        array = np.argsort(np.argsort(array.reshape(-1).astype(np.int64), kind="stable")).reshape(array.shape)
        array = array.astype(np.uint8)
    name = data.draw(st.sampled_from(["sort", "argsort", "topk", "kthvalue", "median", "msort-like"]))
    dim, flag = data.draw(dims(array.ndim)), data.draw(st.booleans())
    k = data.draw(st.integers(0, 5))
    calls = {
        "sort": lambda m, t: t.sort(dim, descending=flag),
        "argsort": lambda m, t: m.argsort(t, dim, descending=flag),
        "topk": lambda m, t: t.topk(k, dim, largest=flag),
        "kthvalue": lambda m, t: t.kthvalue(k, dim, keepdim=flag),
        "median": lambda m, t: t.median(dim, keepdim=flag) if flag or k % 2 else t.median(),
        "msort-like": lambda m, t: m.sort(t, descending=flag).values,
    }
    compare(calls[name], array, transposed)


@SETTINGS
@given(data=st.data(), given_input=inputs(("int64", "float32"), distinct=False, nonempty=True))
def test_mode(data, given_input):
    array, transposed = given_input
    dim, keepdim = data.draw(dims(array.ndim)), data.draw(st.booleans())
    compare(lambda m, t: t.mode(dim, keepdim), array, transposed)


def test_median_of_a_nan_is_nan_at_its_first_place():
    values = np.array([[1.0, np.nan, 2.0, np.nan], [3.0, 1.0, 2.0, 0.0]])
    for call in (lambda m, t: m.median(t), lambda m, t: m.median(t, 1), lambda m, t: t.median(0)):
        got, expected = call(tinytorch, tinytorch.tensor(values)), call(torch, torch.tensor(values))
        assert repr(got).replace("tinytorch", "torch") == repr(expected)


def test_repeat_interleave_of_counts_alone():
    for counts in ([2, 0, 3], [1], []):
        for dtype in ("int64", "int32"):
            got = tinytorch.repeat_interleave(tinytorch.tensor(counts, dtype=getattr(tinytorch, dtype)))
            expected = torch.repeat_interleave(torch.tensor(counts, dtype=getattr(torch, dtype)))
            oracle.assert_same(got, expected)


def test_the_gradient_of_a_zero_2_norm_is_plus_zero():
    for call in (lambda m, t: t.norm(), lambda m, t: m.linalg.vector_norm(t), lambda m, t: m.linalg.vector_norm(t, 3)):
        grads = []
        for lib in (tinytorch, torch):
            x = lib.tensor([-1.0, 1.0], requires_grad=True)
            call(lib, x * 0).backward()
            grads.append(x.grad.numpy())
        assert grads[0].tobytes() == grads[1].tobytes()


@SETTINGS
@given(data=st.data(), given_input=inputs(("float32", "float64", "int64", "bool"), distinct=False))
def test_nanmedian(data, given_input):
    """The median of the numbers, nans left out (a line of nans gives nan at its first place)."""
    array, transposed = given_input
    if array.dtype.kind == "f" and array.size:
        holes = np.array(data.draw(st.lists(st.booleans(), min_size=array.size, max_size=array.size)))
        array = np.where(holes.reshape(array.shape), np.nan, array).astype(array.dtype)
    dim, keepdim = data.draw(st.one_of(st.none(), dims(array.ndim))), data.draw(st.booleans())
    if dim is None and array.dtype == bool and not array.size:
        return  # torch answers with uninitialised memory, tinytorch with its error for bool
    if dim is None or array.dtype == bool:
        compare(lambda m, t: m.nanmedian(t), array, transposed) if dim is None else compare(
            lambda m, t: t.nanmedian(dim, keepdim), array, transposed)
        return
    got, expected = (oracle.outcome(lambda: m.nanmedian(make(m, array, transposed), dim, keepdim))
                     for m in (tinytorch, torch))
    if expected[1] is not None:
        assert type(got[1]) is type(expected[1]) and str(got[1]) == oracle.tinytorch_message(expected[1])
        return
    oracle.assert_same_values(got[0].values, expected[0].values)
    numbers = ~np.isnan(oracle.to_numpy(expected[0].values))  # (an all-nan line's index is a tie: docs/api.md)
    assert (oracle.to_numpy(got[0].indices)[numbers] == oracle.to_numpy(expected[0].indices)[numbers]).all()


@SETTINGS
@given(data=st.data(), given_input=inputs(("int64", "float32", "bool"), distinct=False))
def test_unique_consecutive(data, given_input):
    array, transposed = given_input
    if array.dtype.kind == "f" and array.size and data.draw(st.booleans()):
        array = np.where(array > 1, np.nan, array).astype(array.dtype)  # nan is never equal to its neighbour
    inverse, counts = data.draw(st.booleans()), data.draw(st.booleans())
    dim = data.draw(st.one_of(st.none(), st.integers(-max(array.ndim, 1) - 1, max(array.ndim, 1))))
    call = lambda m, t: m.unique_consecutive(t, return_inverse=inverse, return_counts=counts, dim=dim)  # noqa: E731
    compare(call, array, transposed)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["tril_indices", "triu_indices"]), st.integers(-1, 5), st.integers(-1, 5), st.integers(-6, 6),
       st.sampled_from([None, "int32", "int64", "float32", "uint8"]))
def test_triangle_indices(name, row, col, offset, dtype):
    def call(m):
        return getattr(m, name)(row, col, offset, **({} if dtype is None else {"dtype": getattr(m, dtype)}))
    oracle.assert_same_outcome(lambda: call(tinytorch), lambda: call(torch))


@SETTINGS
@given(values=st.lists(st.floats(-4, 4, width=32) | st.sampled_from([0.1, 0.2, 0.3, math.inf, math.nan]), max_size=12),
       dtype=st.sampled_from(["float32", "float64"]), bins=st.integers(1, 7),
       bounds=st.sampled_from([(0, 0), (0.1, 0.3), (-1, 1), (-0.9, 0.7), (0, math.inf), (2, 1), (0.5, 0.5)]))
def test_histc_puts_each_float_in_torchs_bin(values, dtype, bins, bounds):
    """Values on or near a bin's edge land where torch's kernel puts them, max in the last bin."""
    array = np.array(values, dtype=dtype)
    if bounds[0] == bounds[1] and np.isnan(array).any():  # the range is the data's, [nan, nan] or [-nan, -nan]: the
        # sign torch's min/max leaves on the nan depends on its vector code, so only the exception is compared
        oracle.assert_same_outcome(lambda: tinytorch.histc(tinytorch.tensor(array), bins),
                                   lambda: torch.histc(torch.tensor(array), bins), check_message=False)
        return
    compare(lambda m, t: m.histc(t, bins, *bounds), array, False)


def test_unique_and_weighted_bincount_are_recorded_without_a_derivative():
    """torch records them (grad_fn=<Unique2Backward0>, <UniqueDimBackward0>, <NotImplemented>)
    and fails in backward, each with its own message."""
    calls = [lambda m, x: m.unique(x), lambda m, x: m.unique(x.reshape(3, 1), dim=0),
             lambda m, x: m.bincount(m.tensor([0, 2, 2]), x)]
    for call in calls:
        got, expected = (call(m, m.tensor([1.0, 2.0, 1.0], requires_grad=True)) for m in (tinytorch, torch))
        assert got.grad_fn.name().rsplit("::", 1)[-1] == expected.grad_fn.name().rsplit("::", 1)[-1]
        oracle.assert_same_error(lambda: got.sum().backward(), lambda: expected.sum().backward())


@SETTINGS
@given(data=st.data(), given_input=inputs(("int64", "float32", "uint8", "bool"), distinct=False))
def test_counting(data, given_input):
    array, transposed = given_input
    name = data.draw(st.sampled_from(["unique", "bincount", "histc"]))
    if name == "unique":
        inverse, counts = data.draw(st.booleans()), data.draw(st.booleans())
        dim = data.draw(st.one_of(st.none(), st.integers(-max(array.ndim, 1), max(array.ndim - 1, 0))))
        if dim is None and array.dtype.kind == "f" and array.size and data.draw(st.booleans()):
            # every nan is distinct (along a dim, slices with nans: docs/api.md, "unique of slices with nans")
            array = np.where(array > 1, np.nan, array).astype(array.dtype)
        call = lambda m, t: m.unique(t, return_inverse=inverse, return_counts=counts, dim=dim)  # noqa: E731
    elif name == "bincount":
        if array.dtype.kind in "iu" and data.draw(st.booleans()):
            array = np.abs(array).reshape(-1) if data.draw(st.integers(0, 4)) else array
        minlength = data.draw(st.integers(0, 6))
        weights = data.draw(st.sampled_from([None, "float64", "float32", "float16", "int32"]))
        # (float32 weights add up in float32, one by one; the others in float64)
        call = lambda m, t: t.bincount(None if weights is None else (t.double() * 0.37).to(getattr(m, weights)),  # noqa: E731
                                       minlength)
    else:
        if array.dtype.kind == "b" or array.dtype == np.uint8:
            # torch 2.13 fails inside its own kernels here ("linspace_cpu" not implemented
            # for 'Bool', "value cannot be converted to type uint8_t"); tinytorch says histc
            # is not implemented for the dtype. Compared as int64 instead.
            array = array.astype(np.int64)
        bins, low, high = data.draw(st.integers(1, 6)), data.draw(st.sampled_from([0, -1, 1])), data.draw(st.sampled_from([0, 2]))
        call = lambda m, t: t.histc(bins, low, high)  # noqa: E731
    compare(call, array, transposed)


def test_var_warns_about_degrees_of_freedom_as_torch_does():
    for m in (tinytorch, torch):
        with pytest.warns(UserWarning, match=r"var\(\): degrees of freedom is <= 0"):
            m.tensor([1.0]).var()


def test_named_pairs_are_classes_of_return_types():
    """torch.return_types.sort and the like: real classes, as torch's (sort_out for out=)."""
    for lib in (tinytorch, torch):
        a = lib.tensor([3.0, 1.0, 2.0])
        pairs = {"sort": lib.sort(a), "max": lib.max(a.reshape(1, 3), 1), "topk": lib.topk(a, 2),
                 "median": a.reshape(1, 3).median(1), "kthvalue": a.kthvalue(1), "mode": a.mode(),
                 "cummax": a.cummax(0), "sort_out": lib.sort(a, out=(lib.empty(3), lib.empty(3, dtype=lib.int64)))}
        for name, pair in pairs.items():
            assert type(pair).__name__ == name and isinstance(pair, getattr(lib.return_types, name))
            assert type(pair).__module__ == f"{lib.__name__}.return_types"


@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3),
       name=st.sampled_from(["amax", "amin"]))
def test_amax_gradient_is_laid_out_as_torchs(data, shape, name):
    """The gradient of amax/amin of a transposed tensor has torch's strides, also along its
    dims of size 1 (torch divides the reduced gradient by the counts before broadcasting)."""
    values = np.array(data.draw(st.lists(st.integers(-2, 2), min_size=int(np.prod(shape)),
                                         max_size=int(np.prod(shape)))), dtype=np.float64).reshape(shape)
    dim = data.draw(st.one_of(st.none(), st.integers(0, len(shape) - 1)))
    grads = []
    for m in (tinytorch, torch):
        leaf = m.tensor(values, requires_grad=True)
        viewed = leaf.transpose(0, -1)
        reduced = getattr(viewed, name)() if dim is None else getattr(viewed, name)(dim)
        reduced.sum().backward()
        grads.append(leaf.grad)
    oracle.assert_same(*grads)


@pytest.mark.parametrize("call", [
    lambda m, b: b.trace(), lambda m, b: b.topk(1), lambda m, b: b.topk(5), lambda m, b: b.kthvalue(1),
    lambda m, b: b.kthvalue(5), lambda m, b: m.linalg.cross(b[:, :1].expand(2, 3), b[:, :1].expand(2, 3)),
    lambda m, b: b.median(0), lambda m, b: b.nanmedian(1), lambda m, b: b.sort(0), lambda m, b: b.mode(1),
], ids=["trace", "topk", "topk k too large", "kthvalue", "kthvalue k too large", "cross", "median", "nanmedian",
        "sort", "mode"])
def test_bool_tensors_where_torch_takes_or_refuses_them(call):
    """Ops whose kernels have no bool version refuse bool tensors with torch's error (after
    checking their other arguments, as torch does); the others sort and pick booleans."""
    oracle.assert_same_outcome(lambda: call(tinytorch, tinytorch.tensor([[True, False], [True, True]])),
                               lambda: call(torch, torch.tensor([[True, False], [True, True]])))


LAYOUT_CALLS = {
    "sort": lambda m, t, d: t.sort(d), "argsort": lambda m, t, d: t.argsort(d), "topk": lambda m, t, d: t.topk(1, d),
    "kthvalue": lambda m, t, d: t.kthvalue(1, d), "median": lambda m, t, d: t.median(d),
    "nanmedian": lambda m, t, d: t.nanmedian(d), "mode": lambda m, t, d: t.mode(d),
    "count_nonzero": lambda m, t, d: m.count_nonzero(t, d), "unique": lambda m, t, d: m.unique(t, dim=d),
    "unique_consecutive": lambda m, t, d: m.unique_consecutive(t, dim=d), "cumsum": lambda m, t, d: t.cumsum(d),
}


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(sorted(LAYOUT_CALLS)), shape=hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=3),
       order=st.permutations(range(3)), data=st.data())
def test_results_are_laid_out_as_torchs(name, shape, order, data):
    """The strides of sort's results follow the input's layout (a transposed input gives
    transposed results, as a copy would), reductions' results are contiguous, unique
    along a dim is contiguous with that dim first: each as torch lays it out."""
    order = [k for k in order if k < len(shape)]
    values = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) % 3
    d = data.draw(st.integers(0, len(shape) - 1))
    results = []
    for m in (tinytorch, torch):
        t = m.tensor(values).permute(*order)
        result = LAYOUT_CALLS[name](m, t, d)
        results.append(result if isinstance(result, tuple) else (result,))
    for got, expected in zip(*results):
        if expected.numel():
            assert got.stride() == expected.stride(), (name, got.stride(), expected.stride())
