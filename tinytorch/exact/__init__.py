"""Where tinytorch reproduces PyTorch's exact rounding, so that results match bit for bit.

A learner may skip this package. The ops say what they compute (arange's
values are start + i*step; add with alpha is a + alpha * b) and call in here,
in one line, for how PyTorch rounds it: the last bit of a float depends on the
order of operations, on fused multiply-adds and on how a kernel splits its
work into vectors and threads, which NumPy does differently.

    rounding.py   float arithmetic rounded once, as a fused multiply-add rounds
                  it (two-sum, two-product, fma): the one implementation the
                  modules below share
    alpha.py      add and sub with alpha: x + alpha * y rounded once
    ranges.py     arange and linspace, as PyTorch's vectorized kernels round them
    scalars.py    a Python number in an op: converted C-style (integers wrap
                  around), and float16's float32 "opmath"

Each module says which PyTorch behaviour it mirrors and which oracle tests pin it.
"""
from . import alpha, ranges, rounding, scalars  # so that callers can write exact.ranges.arange_values(...)
