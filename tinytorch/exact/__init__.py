"""Where tinytorch reproduces PyTorch's corner cases, so that it behaves exactly like PyTorch.

A learner may skip this package. The code elsewhere says what it computes
(arange's values are start + i*step; add with alpha is a + alpha * b; an
elementwise result is a new dense tensor) and calls in here, in one line,
for how PyTorch does it to the last bit, stride and word: the last bit of a
float depends on the order of operations, on fused multiply-adds and on how
a kernel splits its work, which NumPy does differently; the strides of a
result and the wording of an error are PyTorch's own choices.

    rounding.py   float arithmetic rounded once, as a fused multiply-add rounds
                  it (two-sum, two-product, fma): the one implementation the
                  modules below share
    alpha.py      add and sub with alpha: x + alpha * y rounded once
    ranges.py     arange and linspace, as PyTorch's vectorized kernels round them
    normal_blocks.py  randn's Box-Muller in blocks of 16, with the vectorized
                  float32 log and sincos PyTorch's CPU kernel uses
    scalars.py    a Python number in an op: converted C-style (integers wrap
                  around), and float16's float32 "opmath"
    layout.py     which strides a new tensor gets: copies keep their source's
                  memory order, elementwise results follow their operands'
    arguments.py  how PyTorch's argument parser reads sizes and numbers, and
                  its TypeErrors
    messages.py   PyTorch's longer error texts, word for word

Each module says which PyTorch behaviour it mirrors and which oracle tests pin it.
"""
# So that callers can write exact.ranges.arange_values(...):
from . import alpha, arguments, layout, messages, normal_blocks, ranges, rounding, scalars
