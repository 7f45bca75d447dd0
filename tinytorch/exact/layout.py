"""Where a new tensor's elements go in memory: PyTorch's layout rules.

tinytorch/strides.py says what a layout is (a header over a flat storage);
this module says which layout PyTorch picks when it makes a new tensor, so
that `.stride()` of every result matches torch's. A learner may skip it: any
dense layout would hold the same values, and NumPy picks its own.

PyTorch's rules, mirrored here:
- a copy (clone(), .to(), zeros_like, tensor(ndarray)) keeps its source's
  order of dims in memory (preserve_format): copy_strides;
- the result of an elementwise op (a + b, exp(a), where(c, a, b)) follows its
  operands' memory order, the first operand winning a disagreement
  (TensorIterator's reorder_dimensions): elementwise_strides;
- cat's result is contiguous, unless every input is channels-last: cat_strides;
  stack's is a cat's, viewed with the new dim: stack_strides.

Pinned by the oracle tests in tests/test_strides.py (random headers, compared
with torch's own strides) and tests/test_layout_oracle.py (every op's result,
cat and stack included).
"""
from ..strides import contiguous_strides, is_contiguous, view_strides


def copy_strides(shape, stride):
    """The strides of a copy that keeps its source's memory order (clone(),
    .to(), tensor(ndarray), zeros_like ...): a dense layout, transposed or not,
    as it is; any other packed without gaps by dense_strides_like."""
    if is_non_overlapping_and_dense(shape, stride):
        return stride
    return dense_strides_like(shape, stride)


def is_non_overlapping_and_dense(shape, stride):
    """True when the elements fill one block of memory, each position once, in
    some order of the dims (a transposed contiguous tensor qualifies; a slice
    with gaps or an expanded tensor does not). Copies keep such a layout."""
    if is_contiguous(shape, stride):
        return True
    expected = 1
    # Walk the dims from the smallest stride up; size-1 dims are never stepped.
    for st, size in sorted((st, size) for size, st in zip(shape, stride) if size >= 2):
        if st != expected:
            return False
        expected *= size
    return True


def dense_strides_like(shape, stride):
    """Strides for a copy without gaps that keeps the order of the dims in
    memory (PyTorch's rule for clone() and for tensor(ndarray) of a strided
    array): dims sorted from the smallest stride, ties broken by size; a dim
    with stride 0 stays where it is."""
    result = [0] * len(shape)
    step = 1
    for d in memory_order(shape, [stride]):
        result[d] = step
        if shape[d] > 1:
            step *= shape[d]
    return tuple(result)


def elementwise_strides(shape, operands):
    """The strides PyTorch gives the new result of an elementwise op (a + b,
    exp(a), a < b, where(c, a, b) ...) of this `shape`, from its operands'
    (shape, stride) headers in argument order. The result copies the operands'
    memory order, so that a transposed input gives a transposed result and
    the op reads and writes memory front to back (TensorIterator's rule):

    1. Operands all of one shape, and all contiguous: contiguous. All
       channels-last (an NCHW tensor stored as NHWC): channels-last. All dense
       with the same strides: those strides.
    2. Otherwise broadcast each operand to `shape` (a stretched or missing dim
       gets stride 0), find the dims' memory_order (where operands disagree,
       the first one has the say), and lay the result out densely in that
       order. Row-major order gives contiguous strides."""
    if all(s == shape for s, _ in operands):
        if all(is_contiguous(s, st) for s, st in operands):
            return contiguous_strides(shape)
        if len(shape) == 4 and all(is_contiguous(_nhwc(s), _nhwc(st)) for s, st in operands):
            return _from_nhwc(contiguous_strides(_nhwc(shape)))
        first = operands[0][1]
        if all(st == first for _, st in operands) and is_non_overlapping_and_dense(shape, first):
            return tuple(first)
    order = memory_order(shape, [broadcast_strides(s, st, shape) for s, st in operands])
    if order == list(range(len(shape) - 1, -1, -1)):
        return contiguous_strides(shape)
    result = [0] * len(shape)
    step = 1
    for d in order:
        result[d] = step
        step *= shape[d]  # unlike contiguous_strides, a size-0 dim gives the dims after it stride 0, as in PyTorch
    return tuple(result)


def memory_order(shape, operand_strides):
    """The dims of `shape` from the one that moves fastest in memory to the
    slowest, as PyTorch recovers it from its operands' strides (TensorIterator's
    reorder_dimensions). Start from row-major order (last dim innermost) and
    insertion-sort; to compare two dims, ask each operand in turn:
    - a stride 0 on either dim (broadcast) says nothing: ask the next operand;
    - a smaller stride puts that dim first;
    - equal strides put the larger dim later, or else ask the next operand.
    When nobody has an opinion the dims keep their row-major places."""
    order = list(range(len(shape) - 1, -1, -1))

    def should_swap(d0, d1):  # 1: d0 must come after d1, -1: before, 0: no opinion
        for stride in operand_strides:
            s0, s1 = stride[d0], stride[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return 1 if s0 > s1 else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    # The sort stops at the first dim it must stay behind, so dims it has no
    # opinion about keep their places.
    for i in range(1, len(order)):
        moving = i
        for j in range(i - 1, -1, -1):
            verdict = should_swap(order[j], order[moving])
            if verdict > 0:
                order[j], order[moving] = order[moving], order[j]
                moving = j
            elif verdict < 0:
                break
    return order


def broadcast_strides(shape, stride, new_shape):
    """The strides an operand of `shape` is read with once broadcast to
    `new_shape`: 0 along a dim it lacks or stretches from size 1, since every
    index there reads the same element. Not expand_strides: that one checks
    its arguments and gives a new leading dim of size 1 a nonzero stride (as
    expand() does), where TensorIterator reads every dim an operand lacks as
    stride 0, and elementwise_strides must see what TensorIterator sees."""
    extra = len(new_shape) - len(shape)
    return (0,) * extra + tuple(
        0 if size == 1 and new_shape[extra + d] != 1 else st for d, (size, st) in enumerate(zip(shape, stride))
    )


def _nhwc(dims):
    """An NCHW header's dims in channels-last memory order: N, H, W, C."""
    return (dims[0], dims[2], dims[3], dims[1])


def _from_nhwc(dims):
    return (dims[0], dims[3], dims[1], dims[2])


def cat_strides(shape, operands):
    """The strides of cat's result of this `shape`, from its inputs' (shape,
    stride) headers: channels-last when every input suggests channels-last,
    contiguous otherwise (compute_output_memory_format in PyTorch's
    aten/src/ATen/native/TensorShape.cpp). A transposed input does not count:
    only a 4-d or 5-d tensor can suggest a layout other than contiguous."""
    if len(shape) in (4, 5) and all(suggests_channels_last(s, st) for s, st in operands):
        n = len(shape)
        channels_last = (0,) + tuple(range(2, n)) + (1,)  # N, C, D, H, W stored as N, D, H, W, C
        stride = contiguous_strides([shape[d] for d in channels_last])
        return tuple(stride[channels_last.index(d)] for d in range(n))
    return contiguous_strides(shape)


def stack_strides(shape, dim, operands):
    """The strides of stack's result of this `shape` (`dim` the new one), from its
    inputs' headers. PyTorch's stack is a cat along `dim` viewed with the new dim
    split out, or, when `dim` is the last, a cat of the inputs unsqueezed there
    (stack in aten/src/ATen/native/TensorShape.cpp)."""
    n = len(shape) - 1
    if dim < n:
        joined = shape[:dim] + (shape[dim] * shape[dim + 1],) + shape[dim + 2:]
        return view_strides(joined, cat_strides(joined, operands), shape)
    return cat_strides(shape, [(s + (1,), st + (1,)) for s, st in operands])


def suggests_channels_last(shape, stride):
    """Whether PyTorch's suggest_memory_format() says channels-last for this
    header: a 4-d (or 5-d) tensor whose strides, walked C, W, H, (D,) N, never
    decrease and each cover the dims before, with PyTorch's tie-breaks for
    size-1 dims (is_channels_last_strides_2d_s4 and _3d_s5 in
    c10/core/MemoryFormat.h)."""
    n = len(shape)
    if n not in (4, 5) or stride[1] == 0:
        return False
    smallest = 0
    for d in (1,) + tuple(range(n - 1, 1, -1)) + (0,):
        if shape[d] == 0 or stride[d] < smallest:
            return False
        if d == 0 and smallest == stride[1]:
            return False  # N111 and the like: ambiguous, so contiguous
        smallest = stride[d] * shape[d] if shape[d] > 1 else stride[d]
    return True
