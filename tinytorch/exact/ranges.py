"""arange's and linspace's values, rounded as PyTorch's CPU kernels round them.

The idea is simple: arange's value i is start + i*step, linspace's is
start + i*(end - start)/(steps - 1). The last bits depend on how that is computed,
and these functions compute it as PyTorch's kernels (arange_kernel and
linspace_kernel, aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp) do, so
that the values are the very same floats, not just close:

arange
- start + i*step is a fused multiply-add (one rounding, not two), in float64
  (in float32 for a float16 result), then rounded to the result's dtype;
- PyTorch fills whole pairs of 256-bit vectors at a time: each vector's first
  value is computed so and rounded to the result's dtype, and its lanes step on
  from that rounded value; the few values left over are computed one by one;
- a range longer than 32768 values is split among threads, each piece
  vectorized from its own start.

linspace
- step = (end - start) / (steps - 1); the first half of the values count up
  from start, the second half down from end, so both ends come out exact;
- float32 and float64 compute in their own precision with a fused
  multiply-add; float16 rounds after every operation; integer types compute in
  float64 and cut toward zero.

Pinned by tests/test_creation_oracle.py::test_arange_is_bit_identical,
::test_linspace_is_bit_identical, ::test_arange_examples, ::test_arange_with_dtype,
::test_long_ranges_round_like_torch (thread pieces, and float32 past 2**24) and
::test_ranges_give_a_zero_the_sign_torch_gives_it; lesson 9 prints such values
at precision 10.
"""
import math

import numpy as np

from .. import dtypes
from ..threads import get_num_threads
from . import rounding

_VECTOR_BYTES = 32
_GRAIN_SIZE = 32768  # PyTorch splits longer ranges among its threads
_BLOCK = 1 << 20  # values computed at once (a multiple of every vector length)


def arange_values(start, end, step, d):
    """start + i*step for 0 <= i < ceil((end - start) / step), for a float dtype d, as a NumPy array."""
    n = math.ceil((end - start) / step)
    wide = np.float32 if d is dtypes.float16 else np.float64  # PyTorch's accumulate type for d
    start, step = wide(start), wide(step)
    lanes = _VECTOR_BYTES // d.itemsize

    def index(begin, end, by=1):  # PyTorch multiplies step by the index in the accumulate type
        return np.arange(begin, end, by).astype(wide)

    def rounded(x):  # the fused result is one of the accumulate type, then converted to d
        return x.astype(wide, copy=False).astype(d.numpy, copy=False)

    out = np.empty(n, dtype=d.numpy)
    for begin, stop in _thread_chunks(n):
        split = begin + (stop - begin) // (2 * lanes) * 2 * lanes
        for block in range(begin, split, _BLOCK):  # a block at a time, to bound the memory used
            block_end = min(block + _BLOCK, split)
            firsts = rounded(rounding.fma(index(block, block_end, lanes), step, start))
            out[block:block_end] = rounded(_lane_values(firsts, lanes, step)).reshape(-1)
        out[split:stop] = rounded(rounding.fma(index(split, stop), step, start))
    return out


def _thread_chunks(n):
    """The (begin, end) pieces PyTorch would split a range of n values into,
    one per thread; each piece is vectorized from its own start."""
    if n <= _GRAIN_SIZE:  # one piece (and asking BLAS how many threads it has takes half a millisecond)
        return [(0, n)]
    tasks = max(1, min(get_num_threads(), -(-n // _GRAIN_SIZE)))
    size = max(1, -(-n // tasks))
    return [(begin, min(begin + size, n)) for begin in range(0, n, size)]


def _lane_values(firsts, lanes, step):
    """first + j*step for each vector's first value and each lane j (fma
    broadcasts: each product j*step, and its rounding error, is computed once,
    for all the vectors)."""
    return rounding.fma(np.arange(lanes), step, firsts[:, None])


def linspace_values(start, end, steps, d):
    """`steps` values evenly spaced from start to end, both included, in dtype d, as a NumPy array."""
    i = np.arange(steps)
    from_start = i < steps // 2
    # The second half steps back from end: PyTorch computes end - k*step, here
    # end + (-k)*step, the same but for the sign of a zero: so -k is -0.0 at k = 0.
    count = np.where(from_start, i, -((steps - 1.0) - i))
    if steps <= 1:
        return np.full(steps, dtypes.checked_scalar(start, d) if steps else 0, dtype=d.numpy)
    if d.is_floating_point:
        kind = d.numpy.type
        first, last = kind(dtypes.checked_scalar(start, d)), kind(dtypes.checked_scalar(end, d))
        step = (last - first) / kind(steps - 1)
        base = np.where(from_start, first, last)
        if d is dtypes.float16:
            return (base + step * count.astype(kind)).astype(kind)
        # fused in float64, then rounded to d: for float32 the same as PyTorch's float32
        # fma but for a rare double rounding
        return rounding.fma(count.astype(kind), step, base).astype(kind)
    first, last = dtypes.checked_scalar(start, d), dtypes.checked_scalar(end, d)
    step = (float(last) - float(first)) / (steps - 1)
    base = np.where(from_start, first, last)
    return np.trunc(rounding.fma(count, step, base)).astype(np.int64).astype(d.numpy)
