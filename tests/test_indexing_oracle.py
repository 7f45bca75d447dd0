"""Indexing with [] against the real PyTorch, reading and writing.

Hypothesis draws an index mixing every kind of item (ints, slices with steps,
None, ..., Python bools, bool masks, integer tensors, lists, NumPy arrays) for
a tensor that may itself be a view. Both libraries must give the same values,
shape, dtype and layout; basic indexing must give a view of the same storage
and advanced indexing a copy. Assigning through the same index (scalars and
broadcastable tensors) must change the base and the view as torch does, and
every failure must raise torch's exception type and message.
"""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import event, given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import (assert_same, assert_same_error, assert_same_values, mostly, outcome, tinytorch_message,
                    torch_dtype, tt_dtype)


# -- the tensor being indexed -----------------------------------------------------------
@st.composite
def bases(draw):
    """(shape, dtype, how to view it): a fresh tensor, or a transposed or strided view of one."""
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3)))
    dtype = draw(st.sampled_from(["float32", "int64", "bool"]))
    layout = draw(st.sampled_from(["plain", "plain", "transposed", "stepped"]))
    return shape, dtype, layout


def make_base(lib, shape, dtype, layout):
    """The base tensor and the view of it that gets indexed."""
    full_shape = (2 * shape[0],) + shape[1:] if layout == "stepped" else shape
    base = lib.arange(math.prod(full_shape)).reshape(full_shape)
    base = base.remainder(3).eq(0) if dtype == "bool" else base.to(getattr(lib, dtype))
    if layout == "stepped":
        return base, base[::2]
    if layout == "transposed":
        return base, base.transpose(0, -1)
    return base, base


def view_shape(shape, layout):
    if layout == "transposed":
        return tuple(reversed(shape)) if len(shape) == 2 else (shape[-1],) + shape[1:-1] + (shape[0],)
    return shape


# -- the index ---------------------------------------------------------------------------
@st.composite
def index_specs(draw, shape):
    """A list of item specs for a tensor of `shape`, and whether to pass it bare (not in a tuple)."""
    items, dim = [], 0
    for _ in range(draw(st.integers(1, len(shape) + 1))):
        size = shape[dim] if dim < len(shape) else 2
        kind = draw(st.sampled_from(
            ["int", "slice", "none", "ellipsis", "pybool", "mask", "tensor", "tensor", "list", "array", "nested"]
        ))
        if kind == "int":
            items.append(("int", draw(mostly(st.integers(-size, size - 1) if size else st.just(0),
                                             st.integers(-size - 1, size)))))
            dim += 1
        elif kind == "slice":
            bound = st.one_of(st.none(), st.integers(-size - 1, size + 1))
            step = mostly(st.one_of(st.none(), st.integers(1, 3)), st.sampled_from([0, -2]))
            items.append(("slice", slice(draw(bound), draw(bound), draw(step))))
            dim += 1
        elif kind == "none":
            items.append(("none",))
        elif kind == "ellipsis":
            if any(spec[0] == "ellipsis" for spec in items):
                continue  # a second ... can send torch past the last dim, where it reads undefined sizes
            items.append(("ellipsis",))
            dim = max(dim, len(shape) - 1)
        elif kind == "pybool":
            items.append(("pybool", draw(st.booleans())))
        elif kind == "mask":
            k = draw(st.integers(1, max(1, min(2, len(shape) - dim))))
            mask_shape = tuple(shape[dim:dim + k]) if dim + k <= len(shape) else (size,)
            mask_shape = draw(mostly(st.just(mask_shape), st.just(tuple(s + 1 for s in mask_shape))))
            values = draw(st.lists(st.booleans(), min_size=math.prod(mask_shape), max_size=math.prod(mask_shape)))
            items.append(("mask", np.array(values, dtype=bool).reshape(mask_shape)))
            dim += len(mask_shape)
        else:
            index_shape = draw(st.sampled_from([(), (1,), (2,), (3,), (2, 2), (0,), (1, 3)]))
            in_range = st.integers(-size, size - 1) if size else st.just(0)
            value = mostly(in_range, st.integers(-size - 2, size + 2))
            values = draw(st.lists(value, min_size=math.prod(index_shape), max_size=math.prod(index_shape)))
            array = np.array(values, dtype=np.int64).reshape(index_shape)
            if kind == "tensor":
                items.append(("tensor", array, draw(st.sampled_from(["int64", "int64", "int32", "float32"]))))
            elif kind == "list":
                items.append(("list", array.tolist()))
            elif kind == "array":
                items.append(("array", array))
            else:
                items.append(("list", [array.tolist()]))  # a nested list: the old tuple-like reading
            dim += 1
    bare = len(items) == 1 and draw(st.booleans())
    return items, bare


def materialize(lib, specs, bare):
    """The index for `lib`: tensors built by that library from the same data."""
    out = []
    for spec in specs:
        kind = spec[0]
        if kind in ("int", "slice", "pybool", "list"):
            out.append(spec[1])
        elif kind == "none":
            out.append(None)
        elif kind == "ellipsis":
            out.append(Ellipsis)
        elif kind == "mask":
            out.append(lib.tensor(spec[1]))
        elif kind == "array":
            out.append(spec[1].copy())
        else:
            out.append(lib.tensor(spec[1], dtype=getattr(lib, spec[2])))
    return out[0] if bare else tuple(out)


def is_advanced(specs):
    return any(spec[0] in ("mask", "tensor", "list", "array", "pybool") for spec in specs)


# -- comparing --------------------------------------------------------------------------------
def assert_same_outcome(got, expected, what=None):
    """Both worked (returns True) or both raised the same error (returns False)."""
    (_, tt_error), (_, ref_error) = got, expected
    if what:  # counted by --hypothesis-show-statistics
        event(f"{what} {'raises ' + type(ref_error).__name__ if ref_error else 'works'}")
    if ref_error is not None:
        assert tt_error is not None, f"tinytorch succeeded where torch raised {type(ref_error).__name__}: {ref_error}"
        assert type(tt_error) is type(ref_error), f"{type(tt_error).__name__}: {tt_error}\ntorch: {ref_error!r}"
        assert str(tt_error) == tinytorch_message(ref_error)
        return False
    assert tt_error is None, f"tinytorch raised {type(tt_error).__name__}: {tt_error}"
    return True


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")  # compared in test_deprecation_warnings
@pytest.mark.filterwarnings("ignore:indexing with dtype")
@settings(max_examples=400, deadline=None)
@given(bases(), st.data())
def test_getitem_matches_torch(base, data):
    shape, dtype, layout = base
    specs, bare = data.draw(index_specs(view_shape(shape, layout)))
    tt_base, tt = make_base(tinytorch, shape, dtype, layout)
    ref_base, ref = make_base(torch, shape, dtype, layout)
    ref_result = outcome(lambda: ref[materialize(torch, specs, bare)])
    tt_result = outcome(lambda: tt[materialize(tinytorch, specs, bare)])
    if not assert_same_outcome(tt_result, ref_result, "advanced" if is_advanced(specs) else "basic"):
        return
    (tt_out, _), (ref_out, _) = tt_result, ref_result
    shares = ref_out._is_view()
    assert (tt_out.untyped_storage() is tt_base.untyped_storage()) == shares, "view or copy differs from torch"
    assert_same(tt_out, ref_out)


@st.composite
def values_for(draw, result_shape, dtype):
    """A value to assign: a Python scalar, or a tensor that broadcasts to result_shape."""
    kind = draw(st.sampled_from(["scalar", "tensor", "tensor", "other dtype"]))
    if kind == "scalar":
        return ("scalar", draw(st.sampled_from([True, 0, -2, 7, 0.5, -1.5])))
    shape = [draw(st.sampled_from([s, s, 1])) for s in result_shape]
    shape = shape[draw(st.integers(0, len(shape))):]
    shape = [1] * draw(st.integers(0, 1)) + shape
    shape = draw(mostly(st.just(tuple(shape)), st.just(tuple(shape) + (5,))))
    name = dtype if kind == "tensor" else draw(st.sampled_from(["float64", "int32", "bool"]))
    return ("tensor", tuple(shape), name)


def make_value(lib, spec):
    if spec[0] == "scalar":
        return spec[1]
    _, shape, name = spec
    return (lib.arange(math.prod(shape)).reshape(shape) * 5 - 3).to(getattr(lib, name))


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")  # compared in test_deprecation_warnings
@pytest.mark.filterwarnings("ignore:indexing with dtype")
@settings(max_examples=400, deadline=None)
@given(bases(), st.data())
def test_setitem_matches_torch(base, data):
    shape, dtype, layout = base
    specs, bare = data.draw(index_specs(view_shape(shape, layout)))
    tt_base, tt = make_base(tinytorch, shape, dtype, layout)
    ref_base, ref = make_base(torch, shape, dtype, layout)
    picked, error = outcome(lambda: ref[materialize(torch, specs, bare)])
    result_shape = tuple(picked.shape) if error is None else (2,)
    value = data.draw(values_for(result_shape, dtype))

    def assign(lib, target):
        target[materialize(lib, specs, bare)] = make_value(lib, value)

    before = tt_base.clone()
    if assert_same_outcome(outcome(lambda: assign(tinytorch, tt)), outcome(lambda: assign(torch, ref)), "setitem"):
        assert_same_values(tt_base, ref_base)
        assert_same_values(tt, ref)
    else:
        # A failed write changes nothing. (torch may have written the elements
        # before a bad index when it fails, so it is no reference here.)
        assert_same_values(tt_base, before)


# -- the cases a lesson shows ------------------------------------------------------------
EXAMPLES = {
    "mask": lambda lib, a: a[a > 5],
    "mask of rows": lambda lib, a: a[lib.tensor([True, False, True])],
    "int tensor": lambda lib, a: a[lib.tensor([2, 0, 2])],
    "list": lambda lib, a: a[[0, 2]],
    "two lists pair up": lambda lib, a: a[[0, 1, 2], [3, 2, 1]],
    "list and slice": lambda lib, a: a[1:, [0, 3]],
    "int and list": lambda lib, a: a[0, [1, 1, 2]],
    "separated lists go first": lambda lib, a: a.reshape(2, 3, 2)[[0, 1], :, [1, 0]],
    "2-d index tensor": lambda lib, a: a[lib.tensor([[0, 1], [2, 2]])],
    "nested list is a tuple": lambda lib, a: a[[[0, 1], [1, 2]]],
    "numpy array": lambda lib, a: a[np.array([2, 1])],
    "0-d int tensor selects": lambda lib, a: a[lib.tensor(1)],
    "python bool": lambda lib, a: a[True],
    "ellipsis and mask": lambda lib, a: a[..., lib.tensor([True, False, False, True])],
    "two ellipses": lambda lib, a: a[..., ...],
    "two ellipses around an int": lambda lib, a: a[..., 1, ...],
}


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("case", sorted(EXAMPLES))
def test_lesson_examples(case):
    make = EXAMPLES[case]
    tt_a, ref_a = tinytorch.arange(12).reshape(3, 4), torch.arange(12).reshape(3, 4)
    tt_out, ref_out = make(tinytorch, tt_a), make(torch, ref_a)
    assert_same(tt_out, ref_out)
    assert (tt_out.untyped_storage() is tt_a.untyped_storage()) == ref_out._is_view()


ERRORS = {
    "index out of range": lambda lib, a: a[lib.tensor([0, 3])],
    "negative index out of range": lambda lib, a: a[:, [-5]],
    "first bad index is reported": lambda lib, a: a[[0, 5], [9, 0]],
    "float index tensor": lambda lib, a: a[lib.tensor([0.0])],
    "int16 index tensor": lambda lib, a: a[lib.tensor([0], dtype=lib.int16)],
    "mask shape": lambda lib, a: a[lib.tensor([True, False])],
    "mask shape in 2-d": lambda lib, a: a[lib.ones(3, 3, dtype=lib.bool)],
    "indices do not broadcast": lambda lib, a: a[[0, 1], [0, 1, 2]],
    "too many indices": lambda lib, a: a[0, 0, [0]],
    "string index": lambda lib, a: a["x"],
    "object index": lambda lib, a: a[object()],
    "assign wrong shape": lambda lib, a: a.__setitem__([0, 1], lib.ones(3)),
    "assign other dtype by index": lambda lib, a: a.__setitem__([0], lib.ones(4, dtype=lib.float64)),
    "assign list": lambda lib, a: a.__setitem__(0, [1, 2, 3, 4]),
    "assign numpy float32": lambda lib, a: a.__setitem__(0, np.float32(1)),
    "assign does not broadcast": lambda lib, a: a.__setitem__(0, lib.ones(2)),
    "assign too many dims": lambda lib, a: a.__setitem__(0, lib.ones(4, 1)),
    "assign overflowing int": lambda lib, a: a.to(lib.int8).__setitem__(0, 300),
    "assign nan to int": lambda lib, a: a.__setitem__(0, float("nan")),
    "assign huge to float32": lambda lib, a: a.float().__setitem__(0, 1e300),
    "assign to expanded": lambda lib, a: a[:, :1].expand(3, 4).__setitem__(0, 1),
    "assign from overlapping memory": lambda lib, a: a.view(-1).__setitem__(slice(1, None), a.view(-1)[:-1]),
    "copy from overlapping memory": lambda lib, a: a[1:].copy_(a[:-1]),
    "index 0-d": lambda lib, a: a.sum()[0],
    "slice 0-d": lambda lib, a: a.sum()[:],
}


@pytest.mark.filterwarnings("ignore:Using a non-tuple sequence")
@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors_match_torch(case):
    make = ERRORS[case]
    assert_same_error(
        lambda: make(tinytorch, tinytorch.arange(12).reshape(3, 4)), lambda: make(torch, torch.arange(12).reshape(3, 4))
    )


def test_setitem_writes_through_views_into_the_base():
    tt_base, ref_base = tinytorch.zeros(4, 6), torch.zeros(4, 6)
    for lib, base in ((tinytorch, tt_base), (torch, ref_base)):
        view = base.t()[1::2]
        view[0] = 1.0
        view[:, [0, 3]] = lib.tensor([[2.0], [3.0], [4.0]])
        view[view == 0] = 5.0
        base[None, ..., 0][..., True] = 6.0
    assert_same(tt_base, ref_base)


def test_scalar_assignment_converts_like_torch():
    for name in ("int32", "uint8", "bool", "float16", "int8"):
        for value in (-1, 1.7, -1.7, True, 255, 100.9):
            tt, ref = tinytorch.zeros(2, dtype=tt_dtype(name)), torch.zeros(2, dtype=torch_dtype(name))
            tt_error = outcome(lambda: tt.__setitem__(0, value))
            ref_error = outcome(lambda: ref.__setitem__(0, value))
            assert_same_outcome(tt_error, ref_error)
            assert_same_values(tt, ref)


def warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message).split(" (Triggered internally at")[0], w.filename) for w in caught]


@pytest.mark.parametrize("make", [
    lambda lib, a: a[[[0, 1], [1, 2]]],  # a list of lists is read as a tuple of lists
    lambda lib, a: a[[0, slice(None)]],
    lambda lib, a: a[lib.tensor([1, 0, 1], dtype=lib.uint8)],  # uint8 masks are deprecated
])
def test_deprecation_warnings_match_torch(make):
    got = warnings_of(lambda: make(tinytorch, tinytorch.arange(12).reshape(3, 4)))
    expected = warnings_of(lambda: make(torch, torch.arange(12).reshape(3, 4)))
    assert [(c, tinytorch_message(m)) for c, m, _ in expected] == [(c, m) for c, m, _ in got]
    assert all(filename == __file__ for _, _, filename in got), "the warning should point at the indexing line"


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "uint8", "bool"])
@pytest.mark.parametrize("value", [1e5, -1e6, 1e40, float("nan"), 300, -1, 2**63, -2**63 - 1])
@pytest.mark.parametrize("index", ["int", "slice", "tensor"])
def test_writing_a_number_out_of_range_as_torch_does(dtype, value, index):
    """float16 takes any number (beyond its range: ±inf); other dtypes check the range;
    an int beyond C's long long is a ValueError before anything else."""
    def write(lib):
        t = lib.zeros(2, dtype=getattr(lib, dtype))
        t[{"int": 0, "slice": slice(None), "tensor": lib.tensor([1])}[index]] = value
        return t
    got, expected = outcome(lambda: write(tinytorch)), outcome(lambda: write(torch))
    if assert_same_outcome(got, expected):
        assert_same(got[0], expected[0])


# -- nonzero, where(condition), index_put ------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=0, max_size=3).map(tuple), st.sampled_from(["bool", "float32", "int64"]),
       st.integers(0, 2**32 - 1))
def test_nonzero_and_where_of_a_condition_match_torch(shape, dtype, seed):
    """The indices, and their layout: (n, dim) with strides (1, n); as_tuple's tensors
    are views of its columns (PyTorch's where(condition) is nonzero(as_tuple=True))."""
    array = (np.random.default_rng(seed).integers(0, 3, size=shape) == 0).astype(dtype)
    for call in (lambda L, t: L.nonzero(t), lambda L, t: L.where(t), lambda L, t: t.nonzero(as_tuple=True)):
        got, expected = (call(L, L.tensor(array)) for L in (tinytorch, torch))
        pairs = list(zip(got, expected)) if isinstance(expected, tuple) else [(got, expected)]
        assert isinstance(got, tuple) == isinstance(expected, tuple) and len(pairs) == (len(expected) if isinstance(expected, tuple) else 1)
        for g, e in pairs:
            assert_same(g, e)
            assert g.storage_offset() == e.storage_offset()


@st.composite
def index_puts(draw):
    """(shape, the positions each index tensor picks (None: a dim taken whole, which
    torch refuses here), value shape, accumulate)."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    count = draw(st.integers(1, len(shape)))
    picks = draw(st.integers(0, 4))
    indices = []
    for d in range(count):
        if d < count - 1 and draw(st.integers(0, 3)) == 0:
            indices.append(None)
        else:
            indices.append(tuple(draw(st.integers(-shape[d], shape[d] - 1)) for _ in range(picks)))
    result = (picks,) + shape[count:] if any(i is not None for i in indices) else shape
    value_shape = tuple(draw(st.sampled_from([n, 1])) for n in result[draw(st.integers(0, len(result))):])
    return shape, indices, value_shape, draw(st.booleans())


@settings(max_examples=200, deadline=None)
@given(index_puts(), st.booleans())
def test_index_put_matches_torch(case, inplace):
    """Values, exceptions, the node and what it saves, and the gradients of both
    inputs. Where a position is written twice without accumulate, which value wins
    is the kernel's choice: then only the outcome's kind is compared."""
    shape, indices, value_shape, accumulate = case
    rng = np.random.default_rng(0)
    base, value = rng.uniform(-2, 2, shape), rng.uniform(-2, 2, value_shape)
    weights = rng.uniform(-1, 1, 64)

    def run(L):
        x = L.tensor(base, requires_grad=True)
        v = L.tensor(value, requires_grad=True)
        idx = tuple(None if i is None else L.tensor(i, dtype=L.int64) for i in indices)
        target = x * 1.0
        out = target.index_put_(idx, v, accumulate) if inplace else target.index_put(idx, v, accumulate)
        loss = (out * L.tensor(weights[:out.numel()]).reshape(out.shape)).sum()
        return out, L.autograd.grad(loss, [x, v])

    (got, error), (expected, ref_error) = outcome(lambda: run(tinytorch)), outcome(lambda: run(torch))
    if ref_error is not None or error is not None:
        assert type(error) is type(ref_error) and str(error) == tinytorch_message(str(ref_error)), (error, ref_error)
        return
    repeated = any(i is not None and len({j % n for j in i}) < len(i) for i, n in zip(indices, shape))
    if repeated and not accumulate:
        return
    (out, grads), (ref_out, ref_grads) = got, expected
    assert_same_values(out, ref_out, rtol=1e-12)
    assert out.grad_fn.name() == ref_out.grad_fn.name()
    assert out.grad_fn._saved_accumulate == ref_out.grad_fn._saved_accumulate
    for g, e in zip(grads, ref_grads):
        assert_same_values(g, e, rtol=1e-12)


def test_writing_through_an_empty_pick_is_recorded_as_in_torch():
    """Found by the random programs: a[empty index] = v writes nothing, yet torch records
    IndexPutBackward0 (a gets v's history), and an out-of-range position in an empty pick
    is never read, forward or backward."""
    def written(L):
        a = L.ones(3)
        a[L.tensor([], dtype=L.int64)] = L.ones(1, requires_grad=True) * 2
        return a.requires_grad, a.grad_fn.name()

    assert written(tinytorch) == written(torch)

    def empty_pick_backward(L):
        x = L.ones(0, 2, requires_grad=True)
        x[:, L.tensor([5])].sum().backward()
        return x.grad

    assert_same(empty_pick_backward(tinytorch), empty_pick_backward(torch))


# -- masked_fill -------------------------------------------------------------------------
@st.composite
def masked_fills(draw):
    """(base, mask, value, form) for masked_fill and masked_fill_: a base that may be
    transposed or expanded, a mask that broadcasts (or not), and a number, a 0-d tensor
    or something masked_fill refuses as the value."""
    shape, dtype, layout = draw(bases())
    mask_shape = tuple(draw(st.sampled_from([n, 1])) for n in shape[draw(st.integers(0, len(shape))):])
    if draw(st.integers(0, 5)) == 0:
        mask_shape = (draw(st.integers(1, 3)),) + mask_shape  # wider than the base: only out of place
    mask_dtype = draw(mostly(st.just("bool"), st.sampled_from(["int64", "uint8"])))
    value = draw(st.one_of(st.sampled_from([0, -1, 2.5, True, float("nan"), 300, 1e40]),
                           st.tuples(st.sampled_from([2.5, -3.0, 7]), st.sampled_from(["float64", "int64"])),
                           mostly(st.just(None), st.sampled_from(["text", "vector"]))))
    form = draw(st.sampled_from(["method", "function", "inplace", "inplace_expanded"]))
    return shape, dtype, layout, mask_shape, mask_dtype, value, form


def _masked_fill_value(lib, value):
    if isinstance(value, tuple):
        return lib.tensor(value[0], dtype=getattr(lib, value[1]))
    return {"text": "x", "vector": lib.ones(2), None: None}.get(value, value) if not isinstance(value, (int, float)) \
        else value


@settings(max_examples=600, deadline=None)
@given(masked_fills(), st.integers(0, 2**32 - 1))
def test_masked_fill_matches_torch(case, seed):
    """Values, dtype, layout, exceptions and warnings; and, for a float base, the
    recorded node and the gradients of the base and of a tensor value."""
    shape, dtype, layout, mask_shape, mask_dtype, value, form = case
    mask_array = np.random.default_rng(seed).integers(0, 2, size=mask_shape).astype(mask_dtype)

    def run(lib):
        _, x = make_base(lib, shape, dtype, layout)
        fill = _masked_fill_value(lib, value)
        floating = x.dtype.is_floating_point
        if floating:
            x = x.detach().requires_grad_()
            if isinstance(fill, lib.Tensor) and fill.dtype.is_floating_point and fill.dim() == 0:
                fill = fill.detach().requires_grad_()
        target = x * 1 if floating else x.clone()
        if form == "inplace_expanded" and target.dim():
            target = target[..., :1].expand(target.shape)
        mask = lib.tensor(mask_array)
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            if form == "method":
                out = target.masked_fill(mask, fill)
            elif form == "function":
                out = lib.masked_fill(target, mask, fill)
            else:
                out = target.masked_fill_(mask, fill)
        result = [out, [str(w.message).split(" (Triggered internally")[0] for w in seen]]
        if floating and out.requires_grad:
            wanted = [t for t in (x, fill) if isinstance(t, lib.Tensor) and t.requires_grad]
            weights = lib.arange(out.numel(), dtype=out.dtype).reshape(tuple(out.shape))
            result += [out.grad_fn.name().split("::")[-1], lib.autograd.grad((out * weights).sum(), wanted)]
        return result

    (got, error), (expected, ref_error) = outcome(lambda: run(tinytorch)), outcome(lambda: run(torch))
    if ref_error is not None or error is not None:
        assert type(error) is type(ref_error) and str(error) == tinytorch_message(str(ref_error)), (error, ref_error)
        return
    assert_same(got[0], expected[0])
    assert got[1] == expected[1]
    assert got[2:3] == [type(e).__name__ if not isinstance(e, str) else e for e in expected[2:3]]
    if len(expected) > 3:
        for g, e in zip(got[3], expected[3]):
            assert_same(g, e)
