"""Pieces, rearrangements and index-driven selection against PyTorch:
split, chunk, unbind, diagonal, unfold, movedim, swapaxes, repeat, tile, flip,
roll, rot90, tril/triu, diag, diag_embed, diagflat, repeat_interleave, hstack/vstack/dstack/column_stack,
gather, scatter, scatter_add, index_select, index_add, index_fill, masked_select, take, take_along_dim.

Hypothesis draws the input (its shape, and whether it is a transposed or sliced
view, so that layouts vary), the op and its arguments, valid or not. Both
libraries run the same call; they must agree on the values, shape, dtype,
strides and offset of every result, on whether it shares the input's memory,
or on the error raised.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)


def dim_of(data, ndim, spare=1):
    """A dim argument, now and then one out of range."""
    n = max(ndim, 1)
    return data.draw(st.integers(-n - spare, n - 1 + spare))


def index_tensor(m, array):
    return m.tensor(array, dtype=m.int64)


def _ints(data, count, low, high):
    return data.draw(st.lists(st.integers(low, high), min_size=count, max_size=count))


# Each maker draws the arguments of one op for an input of shape `shape`, and
# returns the call, written once for both libraries.
def make_split(data, shape):
    dim = dim_of(data, len(shape))
    if data.draw(st.booleans()):
        size = data.draw(st.integers(-1, 5))
        return lambda m, t: t.split(size, dim)
    parts = data.draw(st.lists(st.integers(0, 3), max_size=4))
    return lambda m, t: m.split(t, parts, dim)


def make_chunk(data, shape):
    chunks, dim = data.draw(st.integers(0, 5)), dim_of(data, len(shape))
    return lambda m, t: t.chunk(chunks, dim)


def make_unbind(data, shape):
    dim = dim_of(data, len(shape))
    return lambda m, t: m.unbind(t, dim)


def make_diagonal(data, shape):
    offset = data.draw(st.integers(-3, 3))
    d1, d2 = dim_of(data, len(shape), 0), dim_of(data, len(shape), 0)
    return lambda m, t: t.diagonal(offset, d1, d2)


def make_unfold(data, shape):
    dim, size, step = dim_of(data, len(shape), 0), data.draw(st.integers(0, 4)), data.draw(st.integers(0, 3))
    return lambda m, t: t.unfold(dim, size, step)


def make_movedim(data, shape):
    n = len(shape)
    k = data.draw(st.integers(0, max(n, 1)))
    source = data.draw(st.lists(st.integers(-n, max(n - 1, 0)), min_size=k, max_size=k))
    destination = data.draw(st.lists(st.integers(-n, max(n - 1, 0)), min_size=k, max_size=k))
    if k == 1 and data.draw(st.booleans()):
        source, destination = source[0], destination[0]
    return lambda m, t: m.movedim(t, source, destination)


def make_swapaxes(data, shape):
    a, b = dim_of(data, len(shape), 0), dim_of(data, len(shape), 0)
    return lambda m, t: t.swapaxes(a, b)


def make_repeat(data, shape):
    sizes = data.draw(st.lists(st.integers(0, 3), min_size=max(len(shape) - 1, 0), max_size=len(shape) + 2))
    return lambda m, t: t.repeat(*sizes)


def make_tile(data, shape):
    dims = tuple(data.draw(st.lists(st.integers(0, 3), min_size=1, max_size=4)))
    return lambda m, t: m.tile(t, dims)


def make_flip(data, shape):
    dims = data.draw(st.lists(st.integers(-len(shape) - 1, len(shape)), max_size=3))
    return lambda m, t: m.flip(t, dims)


def make_roll(data, shape):
    n = len(shape)
    if data.draw(st.booleans()):
        shift = data.draw(st.integers(-7, 7))
        return lambda m, t: t.roll(shift)
    k = data.draw(st.integers(1, 3))
    shifts = tuple(_ints(data, k, -5, 5))
    dims = tuple(_ints(data, data.draw(st.sampled_from([k, k, k, k - 1])), -n, max(n - 1, 0)))
    return lambda m, t: m.roll(t, shifts, dims)


def make_rot90(data, shape):
    k = data.draw(st.integers(-5, 5))
    dims = tuple(_ints(data, data.draw(st.sampled_from([2, 2, 2, 1])), -len(shape), max(len(shape) - 1, 0)))
    return lambda m, t: m.rot90(t, k, dims)


def make_triangle(data, shape):
    name, diagonal = data.draw(st.sampled_from(["tril", "triu"])), data.draw(st.integers(-4, 4))
    return lambda m, t: getattr(m, name)(t, diagonal)


def make_diag(data, shape):
    diagonal = data.draw(st.integers(-3, 3))
    return lambda m, t: m.diag(t, diagonal)


def make_diag_embed(data, shape):
    offset, dims = data.draw(st.integers(-3, 3)), st.integers(-len(shape) - 2, len(shape) + 1)
    if data.draw(st.booleans()):
        return lambda m, t: t.diagflat(offset)
    dim1, dim2 = data.draw(dims), data.draw(dims)
    return lambda m, t: m.diag_embed(t, offset, dim1, dim2)


def make_repeat_interleave(data, shape):
    dim = data.draw(st.one_of(st.none(), st.integers(-len(shape), max(len(shape) - 1, 0))))
    if data.draw(st.booleans()):
        repeats = data.draw(st.integers(0, 3))
        return lambda m, t: t.repeat_interleave(repeats, dim)
    size = (shape[dim] if dim is not None and shape else int(np.prod(shape))) if data.draw(st.integers(0, 5)) else 1
    counts = _ints(data, size, 0, 3)
    return lambda m, t: t.repeat_interleave(index_tensor(m, counts), dim)


def make_stacking(data, shape):
    name = data.draw(st.sampled_from(["hstack", "vstack", "dstack", "column_stack"]))
    part = data.draw(st.sampled_from(["same", "first row", "sum"]))
    return lambda m, t: getattr(m, name)([t, t if part == "same" else t[0] if part == "first row" else t.sum()])


def _line_dim(shape, dim):
    """dim as a non-negative index into shape (a 0-d tensor counts as 1-d); 0 when out of range."""
    n = max(len(shape), 1)
    return dim % n if -n <= dim < n else 0


def _gather_index(data, shape, dim):
    """An index for gather/scatter_add: of t's rank, no larger than t apart from dim, mostly in range."""
    full, d = shape or (1,), _line_dim(shape, dim)
    index_shape = [data.draw(st.integers(0, full[k] if k != d else 3)) for k in range(len(full))]
    if data.draw(st.integers(0, 9)) == 0:
        index_shape[0] += 1  # too large: torch's size check
    low = -1 if data.draw(st.integers(0, 9)) == 0 else 0
    values = np.array(_ints(data, int(np.prod(index_shape)), low, max(full[d] - 1, 0)), dtype=np.int64)
    return values.reshape(()) if values.size == 1 and not shape and data.draw(st.booleans()) else values.reshape(index_shape)


def _distinct_index(data, shape, dim):
    """An index for scatter with distinct positions along dim in every line, so that
    no two writes collide (which of two colliding writes wins is unspecified)."""
    full, d = shape or (1,), _line_dim(shape, dim)
    k, shift = data.draw(st.integers(0, full[d])), data.draw(st.integers(0, 3))
    index_shape = [k if j == d else data.draw(st.integers(0, full[j])) for j in range(len(full))]
    line = (np.arange(k) + shift) % max(full[d], 1)
    array = np.broadcast_to(line.reshape([-1 if j == d else 1 for j in range(len(full))]), index_shape)
    array = np.array(array, dtype=np.int64)
    return array.reshape(()) if array.size == 1 and not shape and data.draw(st.booleans()) else array


def make_gather(data, shape):
    dim = dim_of(data, len(shape), 0)
    index = _gather_index(data, shape, dim)
    return lambda m, t: t.gather(dim, index_tensor(m, index))


def make_scatter(data, shape):
    dim = dim_of(data, len(shape), 0)
    kind = data.draw(st.sampled_from(["src", "value", "add"]))
    index = _gather_index(data, shape, dim) if kind == "add" else _distinct_index(data, shape, dim)
    scale = data.draw(st.sampled_from([1.0, -2.5]))

    def call(m, t):
        i = index_tensor(m, index)
        if kind == "value":
            return t.scatter(dim, i, scale)
        return t.scatter_add(dim, i, t * scale) if kind == "add" else m.scatter(t, dim, i, t * scale)
    return call


def _select_count(data, shape):
    """How many positions index_select and index_add get. None into an empty matrix:
    there PyTorch's CPU kernel answers with messages of its internals, which differ
    by dim and by sign ("self indexing axis dim should be positive", "INDICES element
    is out of DATA bounds"); tinytorch raises its usual out-of-range error instead."""
    return data.draw(st.integers(0, 4)) if len(shape) <= 1 or np.prod(shape) else 0


def make_index_select(data, shape):
    dim = dim_of(data, len(shape), 0)
    size = (shape or (1,))[dim % max(len(shape), 1)]
    values = _ints(data, _select_count(data, shape), -1 if data.draw(st.integers(0, 9)) == 0 else 0, max(size - 1, 0))
    return lambda m, t: t.index_select(dim, index_tensor(m, values))


def make_index_add(data, shape):
    dim = dim_of(data, len(shape), 0)
    size = (shape or (1,))[dim % max(len(shape), 1)]
    values = _ints(data, _select_count(data, shape), 0, max(size - 1, 0))
    alpha = data.draw(st.sampled_from([1, 2, -0.5]))

    def call(m, t):
        i = index_tensor(m, values)
        source = t.index_select(dim, i) * 3 if t.dim() else t * 3
        return t.index_add(dim, i, source, alpha=alpha)
    return call


def make_index_fill(data, shape):
    dim = dim_of(data, len(shape), 0)
    size = (shape or (1,))[dim % max(len(shape), 1)]
    # Not into a dim of size 0: PyTorch's own kernel then fails with an internal
    # "setStorage ... out of bounds" RuntimeError; tinytorch says which index is out of bounds (IndexError).
    values = _ints(data, data.draw(st.integers(0, 3) if size else st.just(0)), -size - 1, size)
    value = data.draw(st.sampled_from([7, -1.5, "tensor"]))
    return lambda m, t: t.index_fill(dim, index_tensor(m, values), m.tensor(2.0, dtype=t.dtype) if value == "tensor" else value)


def make_masked_select(data, shape):
    mask_shape = data.draw(st.sampled_from([shape, shape[1:], (1,) + shape[1:], shape[:1]]))
    mask = data.draw(hnp.arrays(np.bool_, mask_shape))
    return lambda m, t: t.masked_select(m.tensor(mask))


def make_take(data, shape):
    n = int(np.prod(shape))
    values = np.array(_ints(data, data.draw(st.integers(0, 5)), -n - 1, n), dtype=np.int64)
    values = values.reshape(data.draw(st.sampled_from([values.shape, (1, -1)])))
    return lambda m, t: t.take(index_tensor(m, values))


def make_take_along_dim(data, shape):
    """An index of t's rank whose sizes broadcast against t's (1, equal, or a clash) away from dim."""
    if data.draw(st.integers(0, 4)) == 0:  # flattened
        n = int(np.prod(shape))
        values = np.array(_ints(data, data.draw(st.integers(0, 4)), 0, max(n - 1, 0)), dtype=np.int64)
        return lambda m, t: m.take_along_dim(t, index_tensor(m, values))
    dim = dim_of(data, len(shape), 0)
    full, d = shape or (1,), _line_dim(shape, dim)
    index_shape = [data.draw(st.integers(0, 3)) if k == d else data.draw(st.sampled_from([1, full[k], full[k] + 1]))
                   for k in range(len(full))]
    values = np.array(_ints(data, int(np.prod(index_shape)), -7, 7), dtype=np.int64)  # (wrapped modulo the size)
    values = values.reshape(() if not shape and values.size == 1 else index_shape)
    return lambda m, t: t.take_along_dim(index_tensor(m, values), dim)


MAKERS = {name[len("make_"):]: fn for name, fn in globals().items() if name.startswith("make_")}


@st.composite
def inputs(draw):
    """(values, how to view them): a contiguous tensor, or a transposed or sliced view of one."""
    shape = draw(shapes)
    values = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) - 3
    layout = draw(st.sampled_from(["contiguous", "transposed", "sliced"]))
    return values, layout


def viewed(m, values, layout):
    t = m.tensor(values.copy())
    if layout == "transposed" and t.dim() >= 2:
        return m.tensor(values.swapaxes(0, 1).copy()).transpose(0, 1)
    if layout == "sliced" and t.dim() >= 1:
        return m.cat([t, t]).narrow(0, t.shape[0], t.shape[0]) if t.shape[0] else t
    return t


def shares(result, t):
    """Whether each result tensor shares memory with the input: a view, or a copy."""
    results = result if isinstance(result, tuple) else (result,)
    if isinstance(t, torch.Tensor):
        return [r.untyped_storage().data_ptr() == t.untyped_storage().data_ptr() and r.numel() > 0 for r in results]
    return [r._storage is t._storage and r.numel() > 0 for r in results]


@pytest.mark.parametrize("name", sorted(MAKERS))
@SETTINGS
@given(data=st.data(), given_input=inputs())
def test_matches_torch(name, data, given_input):
    values, layout = given_input
    call = MAKERS[name](data, values.shape)
    t_tt, t_torch = viewed(tinytorch, values, layout), viewed(torch, values, layout)
    got = oracle.assert_same_outcome(lambda: call(tinytorch, t_tt), lambda: call(torch, t_torch))
    if isinstance(got, Exception):
        return
    expected = call(torch, t_torch)
    for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
        # An empty result's strides reach no element; PyTorch's for one depend on
        # which kernel made it (empty_like keeps or resets them), so they are not compared.
        oracle.assert_same(g, e, check_layout=e.numel() > 0)
    assert shares(got, t_tt) == shares(expected, t_torch)


def test_a_piece_of_split_cannot_be_written_in_place_when_it_needs_a_gradient():
    """split, chunk and unbind make their views in one node, so, as in torch, writing into one is refused."""
    def write_into_piece(m, piece_of):
        a = m.ones(4, 2, requires_grad=True) * 2
        piece_of(a).mul_(3)
    for piece_of in (lambda a: a.split(2)[0], lambda a: a.chunk(2, 1)[1], lambda a: a.unbind()[3]):
        oracle.assert_same_error(lambda: write_into_piece(tinytorch, piece_of), lambda: write_into_piece(torch, piece_of))
    for m in (tinytorch, torch):  # without a gradient to track, the write goes through to the base
        a = m.zeros(4, 2)
        a.split(2)[1].fill_(5)
        assert a.sum().item() == 20


IN_PLACE = {
    "scatter_": lambda m, t: t.scatter_(1, m.tensor([[2], [0]]), m.full((2, 1), 9.0)),
    "scatter_ a number": lambda m, t: t.scatter_(0, m.tensor([[1, 0, 1]]), -1.0),
    "scatter_add_": lambda m, t: t.scatter_add_(1, m.tensor([[0, 0]]), m.ones(1, 2)),
    "index_add_": lambda m, t: t.index_add_(0, m.tensor([1, 1]), m.ones(2, 3), alpha=3),
    "index_fill_": lambda m, t: t.index_fill_(1, m.tensor([-1]), 7),
    "tril_": lambda m, t: t.tril_(),
    "triu_": lambda m, t: t.triu_(1),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_variants_write_into_the_tensor(name):
    for layout in ("contiguous", "transposed"):
        values = np.arange(6, dtype=np.float32).reshape(2, 3)
        t_tt, t_torch = viewed(tinytorch, values, layout), viewed(torch, values, layout)
        got, expected = IN_PLACE[name](tinytorch, t_tt), IN_PLACE[name](torch, t_torch)
        assert got is t_tt and expected is t_torch
        oracle.assert_same(t_tt, t_torch)


SCATTER_REDUCE = {
    "add a tensor": lambda m, t, i: t.scatter(0, i, t[:2] * 3, reduce="add"),
    "multiply a tensor": lambda m, t, i: m.scatter(t, 0, i, t[:2] - 1, reduce="multiply"),
    "add a number": lambda m, t, i: t.scatter(1, i.t()[:3, :2], 2.5, reduce="add"),
    "multiply in place": lambda m, t, i: t.clone().scatter_(0, i, -2.0, reduce="multiply"),
    "an unknown reduction": lambda m, t, i: t.scatter(0, i, 1.0, reduce="max"),
}


@pytest.mark.parametrize("name", sorted(SCATTER_REDUCE))
def test_scatter_with_reduce_matches_torch(name):
    """reduce= combines colliding writes; torch records no derivative for it (a NotImplemented node)."""
    values = np.arange(12, dtype=np.float32).reshape(3, 4) - 4
    index = np.array([[0, 1, 0, 2], [2, 2, 0, 0]])
    results = []
    for m in (tinytorch, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the deprecation warning, compared below
            results.append(oracle.outcome(lambda: SCATTER_REDUCE[name](m, m.tensor(values), m.tensor(index))))
    (got, got_error), (expected, expected_error) = results
    if expected_error is not None:
        assert type(got_error) is type(expected_error) and str(got_error) == str(expected_error)
        return
    oracle.assert_same(got, expected)
    leaf_results = []
    for m in (tinytorch, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = SCATTER_REDUCE[name](m, m.tensor(values, requires_grad=True), m.tensor(index))
        leaf_results.append((out.grad_fn.name().split("::")[-1], oracle.outcome(lambda: out.sum().backward())[1]))
    (tt_name, tt_error), (th_name, th_error) = leaf_results
    assert tt_name == th_name == "NotImplemented" and str(tt_error) == str(th_error)


def test_scatter_with_reduce_of_a_tensor_warns_as_torch_does():
    from tinytorch.ops import selecting
    selecting._warned_scatter_reduce = False
    with pytest.warns(UserWarning, match="The reduce argument of torch.scatter with Tensor src is deprecated") as got:
        tinytorch.zeros(3).scatter(0, tinytorch.tensor([0, 0]), tinytorch.ones(2), reduce="add")
    assert got[0].filename == __file__


@pytest.mark.parametrize("make", [lambda t: t.flip(0), lambda t: t.flip([]), lambda t: t.rot90(0, (0, 1)),
                                  lambda t: t.diag(), lambda t: t[:1, :1].flip(1), lambda t: t.roll(0, 0)],
                         ids=["flip", "flip nothing", "rot90 by 0", "diag", "flip one element", "roll by 0"])
def test_copies_never_share_the_inputs_memory(make):
    """Found by the random-programs fuzzer: a one-element flip shared its input's memory."""
    for m in (tinytorch, torch):
        t = m.arange(4.0).view(2, 2)
        out = make(t)
        before = out.clone()
        t.fill_(-7)
        assert m.equal(out, before)


@pytest.mark.parametrize("call", [
    lambda m, t: t.ravel(), lambda m, t: m.ravel(t.t()), lambda m, t: m.row_stack([t, t[:1]]),
    lambda m, t: m.argwhere(t > 1), lambda m, t: (t > 1).argwhere(), lambda m, t: m.argwhere(m.tensor(3)),
    lambda m, t: t.clone().cumsum_(1), lambda m, t: t.clone().cumprod_(0), lambda m, t: (t * 1).cumsum_(0),
    lambda m, t: t.sum_to_size(3), lambda m, t: t.sum_to_size((2, 1)), lambda m, t: t.sum_to_size(1, 3),
    lambda m, t: t.sum_to_size(size=[1]), lambda m, t: t.sum_to_size(()), lambda m, t: t.t().sum_to_size(3, 1),
], ids=["ravel", "ravel of a transposed tensor", "row_stack", "argwhere", "argwhere method", "argwhere of 0-d",
        "cumsum_", "cumprod_", "cumsum_ with history", "sum_to_size of added dims", "sum_to_size of a stretched dim",
        "sum_to_size to a row", "sum_to_size by keyword", "sum_to_size to 0-d", "sum_to_size of a transposed tensor"])
def test_more_everyday_functions_match_torch(call):
    """Their values, layouts, views (ravel of a contiguous tensor is one) and graph nodes."""
    results = []
    for m in (tinytorch, torch):
        t = m.arange(6.0).view(2, 3).requires_grad_()
        results.append(call(m, t))
    got, expected = results
    oracle.assert_same(got, expected)
    assert (got._base is not None) == (expected._base is not None)
    if expected.grad_fn is not None:
        assert got.grad_fn.name() == expected.grad_fn.name()


def test_sum_to_size_of_its_own_shape_is_the_tensor_itself():
    for m in (tinytorch, torch):
        t = m.ones(2, 3)
        assert t.sum_to_size(2, 3) is t


def test_memory_tinytorch_never_pins_or_shares():
    for m in (tinytorch, torch):
        t = m.ones(2)
        assert not t.is_pinned() and not t.is_shared()
    oracle.assert_same_error(lambda: tinytorch.ones(2).pin_memory(), lambda: torch.ones(2).pin_memory())
