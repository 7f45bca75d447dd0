"""tinytorch.strides, the pure index math, and tinytorch.exact.layout, the
layout rules built on it, against what torch computes for the same headers. Each function gets random headers from Hypothesis; torch builds
the same header with as_strided and tells us the answer."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tinytorch import strides as S
from tinytorch.exact import layout

SETTINGS = settings(max_examples=150, deadline=None)

sizes = st.integers(0, 4)
shapes = st.lists(sizes, min_size=0, max_size=4).map(tuple)
nonempty_shapes = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)


@st.composite
def headers(draw, shape=shapes, max_stride=12):
    """A (shape, stride, offset) header: any non-negative strides, gaps and overlaps included."""
    shape = draw(shape)
    stride = tuple(draw(st.lists(st.integers(0, max_stride), min_size=len(shape), max_size=len(shape))))
    offset = draw(st.integers(0, 3))
    return shape, stride, offset


def torch_view_of(shape, stride, offset):
    """A torch tensor with exactly this header over arange storage, so each
    element's value is its storage position."""
    extent = S.storage_extent(shape, stride, offset)
    base = torch.arange(max(extent, offset + 1), dtype=torch.int64)
    return base.as_strided(shape, stride, offset)


def raised(fn):
    """The exception fn raises, or None."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return e
    return None


@SETTINGS
@given(shapes)
def test_contiguous_strides(shape):
    assert S.contiguous_strides(shape) == torch.empty(shape).stride()


@SETTINGS
@given(headers(shape=nonempty_shapes), st.data())
def test_index_to_position(header, data):
    shape, stride, offset = header
    index = tuple(data.draw(st.integers(0, size - 1)) for size in shape)
    assert S.index_to_position(index, stride, offset) == torch_view_of(shape, stride, offset)[index].item()


@SETTINGS
@given(headers(max_stride=30))
def test_is_contiguous(header):
    shape, stride, offset = header
    assert S.is_contiguous(shape, stride) == torch_view_of(shape, stride, offset).is_contiguous()


@SETTINGS
@given(headers())
def test_storage_extent_is_the_smallest_storage_torch_accepts(header):
    shape, stride, offset = header
    extent = S.storage_extent(shape, stride, offset)
    torch.empty(extent).as_strided(shape, stride, offset)  # fits
    if extent > 0:
        with pytest.raises(RuntimeError):
            torch.empty(extent - 1).as_strided(shape, stride, offset)
    else:
        assert math.prod(shape) == 0


@st.composite
def broadcastable_shapes(draw):
    """Two shapes that mostly broadcast: some dims equal, some 1, some clashing."""
    out = draw(shapes)
    result = []
    for _ in range(2):
        ndim = draw(st.integers(0, len(out)))
        dims = out[len(out) - ndim:]
        result.append(tuple(draw(st.sampled_from([d, 1, d, 3])) for d in dims))
    return result


@SETTINGS
@given(broadcastable_shapes())
def test_broadcast_shapes(pair):
    a, b = pair
    expected = raised(lambda: torch.empty(a) + torch.empty(b))
    if expected is None:
        assert S.broadcast_shapes(a, b) == torch.broadcast_shapes(a, b)
    else:
        # The message an elementwise op gives when its operands do not broadcast.
        got = raised(lambda: S.broadcast_shapes(a, b))
        assert type(got) is type(expected) and str(got) == str(expected)


@SETTINGS
@given(st.lists(shapes, min_size=0, max_size=4))
def test_broadcast_shapes_of_many(many):
    if raised(lambda: torch.broadcast_shapes(*many)) is None:
        assert S.broadcast_shapes(*many) == tuple(torch.broadcast_shapes(*many))
    else:
        with pytest.raises(RuntimeError):
            S.broadcast_shapes(*many)


@st.composite
def expand_cases(draw):
    shape, stride, offset = draw(headers())
    extra = draw(st.lists(st.integers(-1, 3), max_size=2))
    target = [draw(st.sampled_from([size, 1, 3, -1, size])) for size in shape]
    if shape and draw(st.booleans()):
        target.pop()  # too few sizes
    return (shape, stride, offset), tuple(extra + target)


@SETTINGS
@given(expand_cases())
def test_expand_strides(case):
    (shape, stride, offset), target = case
    ref = torch_view_of(shape, stride, offset)
    expected = raised(lambda: ref.expand(target))
    if expected is None and min(ref.expand(target).shape, default=0) < 0:
        # torch lets a 0-d tensor expand to a shape like (0, -1): a negative
        # size is only caught when counting elements, and 0 * -1 is no overflow.
        # tinytorch refuses every negative size.
        with pytest.raises(RuntimeError, match="numel: integer multiplication overflow"):
            S.expand_strides(shape, stride, target)
    elif expected is None:
        out = ref.expand(target)
        assert S.expand_strides(shape, stride, target) == (tuple(out.shape), out.stride())
    else:
        got = raised(lambda: S.expand_strides(shape, stride, target))
        assert type(got) is type(expected)
        if len(target) >= len(shape):
            assert str(got) == str(expected)
        # else torch names the tensor's type in the message, which only the
        # expand op knows; test_views_oracle compares that message.


@st.composite
def view_cases(draw):
    """A header and a shape with the same number of elements (or sometimes not)."""
    shape, stride, offset = draw(headers(max_stride=30))
    # Contiguous-ish strides make views possible more often than random ones.
    if draw(st.booleans()):
        stride = S.contiguous_strides(shape)
        if shape and draw(st.booleans()):
            perm = draw(st.permutations(range(len(shape))))
            shape, stride = tuple(shape[p] for p in perm), tuple(stride[p] for p in perm)
    numel = math.prod(shape)
    new_shape = []
    remaining = numel
    for _ in range(draw(st.integers(0, 4))):
        divisors = [d for d in range(1, remaining + 1) if remaining % d == 0] if remaining else [0, 1, 2]
        d = draw(st.sampled_from(divisors))
        new_shape.append(d)
        remaining = remaining // d if d else remaining
    if remaining != 1 or draw(st.booleans()):
        new_shape.append(remaining)
    new_shape += [1] * draw(st.integers(0, 2))
    new_shape = draw(st.permutations(new_shape))
    return (shape, stride, offset), tuple(new_shape)


@settings(max_examples=300, deadline=None)
@given(view_cases())
def test_view_strides_is_none_exactly_when_torch_view_fails(case):
    (shape, stride, offset), new_shape = case
    ref = torch_view_of(shape, stride, offset)
    if math.prod(new_shape) != math.prod(shape):
        return  # not a question for view_strides (infer_size rejects it first)
    expected = raised(lambda: ref.view(new_shape))
    got = S.view_strides(shape, stride, new_shape)
    if expected is None:
        assert got == ref.view(new_shape).stride()
    else:
        assert got is None, expected


@st.composite
def slice_cases(draw):
    size = draw(st.integers(0, 8))
    stride = draw(st.integers(0, 5))
    offset = draw(st.integers(0, 3))
    bound = st.one_of(st.none(), st.integers(-12, 12))
    return size, stride, offset, draw(bound), draw(bound), draw(st.one_of(st.none(), st.integers(-2, 5)))


@SETTINGS
@given(slice_cases())
def test_slice_view(case):
    size, stride, offset, start, stop, step = case
    ref = torch_view_of((size,), (stride,), offset)
    expected = raised(lambda: ref[start:stop:step])
    if expected is None:
        out = ref[start:stop:step]
        got = S.slice_view(size, stride, offset, start, stop, 1 if step is None else step)
        assert got == (out.shape[0], out.stride(0), out.storage_offset())
    else:
        got = raised(lambda: S.slice_view(size, stride, offset, start, stop, step))
        assert type(got) is type(expected) and str(got) == str(expected)


@SETTINGS
@given(shapes, st.integers(-6, 6))
def test_normalize_dim(shape, dim):
    # transpose(dim, dim) checks one dim the way every op does, 0-d tensors included.
    ref = torch.empty(shape)
    expected = raised(lambda: ref.transpose(dim, dim))
    if expected is None:
        assert S.normalize_dim(dim, len(shape)) == dim % max(len(shape), 1)
    else:
        got = raised(lambda: S.normalize_dim(dim, len(shape)))
        assert type(got) is type(expected) and str(got) == str(expected)


@SETTINGS
@given(shapes, st.lists(st.integers(-2, 6), max_size=4))
def test_infer_size(shape, new_shape):
    numel = math.prod(shape)
    ref = torch.empty(shape)
    expected = raised(lambda: ref.view(new_shape))
    if expected is None:
        assert S.infer_size(new_shape, numel) == tuple(ref.view(new_shape).shape)
    else:
        got = raised(lambda: S.infer_size(new_shape, numel))
        assert type(got) is type(expected)
        assert str(got) == str(expected)


@SETTINGS
@given(headers(max_stride=8))
def test_is_non_overlapping_and_dense(header):
    shape, stride, offset = header
    # torch's empty_like keeps the strides of exactly such tensors (and gives
    # any other one dense strides, which cannot equal its own).
    ref = torch_view_of(shape, stride, offset)
    expected = torch.empty_like(ref).stride() == ref.stride()
    assert layout.is_non_overlapping_and_dense(shape, stride) == expected


@SETTINGS
@given(headers(max_stride=8))
def test_dense_strides_like_is_how_torch_lays_out_a_copy(header):
    shape, stride, offset = header
    ref = torch_view_of(shape, stride, offset)
    expected = ref.clone().stride()  # clone keeps the memory order of its input
    if layout.is_non_overlapping_and_dense(shape, stride):
        assert expected == stride
    else:
        assert layout.dense_strides_like(shape, stride) == expected


@st.composite
def elementwise_operands(draw):
    """1 to 3 operand headers that broadcast together. Their strides are any at
    all, or dense in a drawn order of the dims, or channels-last, so that each
    of PyTorch's fast paths (all contiguous, all channels-last, all dense alike)
    comes up as well as the general rule."""
    out = draw(st.lists(st.sampled_from([0, 1, 1, 2, 3]), max_size=4).map(tuple))
    shared = draw(st.sampled_from(["any", "dense", "contiguous", "channels_last"]))
    operands = []
    for _ in range(draw(st.integers(1, 3))):
        ndim = draw(st.integers(0, len(out))) if draw(st.booleans()) else len(out)
        shape = tuple(draw(st.sampled_from([size, size, 1])) for size in out[len(out) - ndim:])
        layout = shared if draw(st.integers(0, 3)) else draw(st.sampled_from(["any", "dense", "contiguous"]))
        if layout == "channels_last" and ndim == 4:
            stride = torch.empty(shape, memory_format=torch.channels_last).stride()
        elif layout == "dense" and ndim:
            perm = draw(st.permutations(range(ndim)))
            dense = S.contiguous_strides([shape[p] for p in perm])
            stride = tuple(dense[perm.index(d)] for d in range(ndim))
            if draw(st.booleans()):  # size-1 dims are never stepped: any stride keeps the tensor dense
                stride = tuple(draw(st.integers(0, 40)) if size == 1 else st_ for size, st_ in zip(shape, stride))
        elif layout in ("contiguous", "channels_last"):
            stride = S.contiguous_strides(shape)
        else:
            stride = tuple(draw(st.lists(st.integers(0, 7), min_size=ndim, max_size=ndim)))
        operands.append((shape, stride))
    return operands


TORCH_ELEMENTWISE = {1: torch.neg, 2: torch.add, 3: torch.addcmul}  # PyTorch's TensorIterator ops of 1, 2, 3 operands


@settings(max_examples=500, deadline=None)
@given(elementwise_operands())
def test_elementwise_strides_is_how_torch_lays_out_a_new_result(operands):
    views = [torch_view_of(shape, stride, 0) for shape, stride in operands]
    result = TORCH_ELEMENTWISE[len(views)](*views)
    assert layout.elementwise_strides(tuple(result.shape), operands) == result.stride()


@settings(max_examples=200, deadline=None)
@given(elementwise_operands())
def test_a_python_number_is_a_0d_operand(operands):
    # torch wraps the 2 of `a + 2` as a 0-d tensor, which takes part in the rule.
    shape, stride = operands[0]
    result = torch_view_of(shape, stride, 0) + 2
    assert layout.elementwise_strides(tuple(result.shape), [(shape, stride), ((), ())]) == result.stride()


def test_elementwise_strides_examples():
    # Row-major operands: a row-major result.
    assert layout.elementwise_strides((2, 3), [((2, 3), (3, 1)), ((3,), (1,))]) == (3, 1)
    # A transposed operand and a broadcast row: the result is transposed like it.
    assert layout.elementwise_strides((3, 2), [((3, 2), (1, 3)), ((2,), (1,))]) == (1, 3)
    # Two layouts that disagree: the first operand decides.
    assert layout.elementwise_strides((3, 2), [((3, 2), (1, 3)), ((3, 2), (2, 1))]) == (1, 3)
    assert layout.elementwise_strides((3, 2), [((3, 2), (2, 1)), ((3, 2), (1, 3))]) == (2, 1)
    # Dense alike: the result copies the strides, even a size-1 dim's odd one...
    assert layout.elementwise_strides((2, 1, 3), [((2, 1, 3), (1, 100, 2))]) == (1, 100, 2)
    # ... which the general rule, here for a 0-d operand (a + 1), does not keep.
    assert layout.elementwise_strides((2, 1, 3), [((2, 1, 3), (1, 100, 2)), ((), ())]) == (1, 6, 2)


def test_broadcast_strides():
    # A missing dim and a stretched size-1 dim read one element: stride 0.
    assert layout.broadcast_strides((1, 3), (3, 1), (2, 4, 3)) == (0, 0, 1)
    # A size-1 dim that stays size 1 keeps its stride.
    assert layout.broadcast_strides((1, 3), (5, 1), (1, 3)) == (5, 1)


@st.composite
def views(draw):
    """A tinytorch view made by a random chain of view ops over an arange storage."""
    import tinytorch
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    n, pad = math.prod(shape), draw(st.integers(0, 3))
    start = draw(st.integers(0, pad))  # an offset into a storage with room around the tensor
    t = tinytorch.arange(n + pad)[start:start + n].reshape(shape)
    for _ in range(draw(st.integers(0, 5))):
        op = draw(st.sampled_from(["transpose", "slice", "select", "expand", "as_strided"]))
        if op == "transpose" and t.dim() >= 2:
            i, j = draw(st.permutations(range(t.dim())))[:2]
            t = t.transpose(i, j)
        elif op == "slice" and t.dim() >= 1:
            d = draw(st.integers(0, t.dim() - 1))
            start, step = draw(st.integers(0, t.shape[d])), draw(st.integers(1, 3))
            t = t.narrow(d, 0, t.shape[d])[(slice(None),) * d + (slice(start, None, step),)]
        elif op == "select" and t.dim() >= 2:
            d = draw(st.integers(0, t.dim() - 1))
            if t.shape[d]:
                t = t.select(d, draw(st.integers(0, t.shape[d] - 1)))
        elif op == "expand" and t.dim() <= 3:
            t = t.unsqueeze(0).expand(draw(st.integers(1, 3)), *t.shape)  # stride 0 along the new dim
        elif op == "as_strided":
            new_shape = tuple(draw(st.lists(st.integers(0, 3), max_size=3)))
            new_stride = tuple(draw(st.lists(st.integers(0, 3), min_size=len(new_shape), max_size=len(new_shape))))
            room = len(t._storage) - S.storage_extent(new_shape, new_stride, 0)
            if room >= 0:
                t = t.as_strided(new_shape, new_stride, draw(st.integers(0, room)))
    return t


@SETTINGS
@given(views())
def test_read_all_is_what_numpy_reads(t):
    """The Python formula and NumPy's addressing agree on every element of random views."""
    flat = t._storage._array
    assert S.read_all(flat, t.shape, t.stride(), t.storage_offset()) == t.numpy().ravel().tolist()
