"""Every tensor operation, each with its backward beside it.

    elementwise  arithmetic, comparisons, logic, math functions
    reduction    sum, mean, prod, max/min, argmax/argmin, all/any
    views        view, reshape, transpose, permute, expand, squeeze, select, slice...
    indexing     [] with ints, slices, masks and index tensors
    linalg       matmul (@) and the products it is built from: dot, mv, mm, bmm
    joining      cat, stack
    copying      clone, to
    inplace      add_, mul_, copy_, fill_, ... and how history is rebased
"""
from .copying import clone, to
from .elementwise import (
    abs, add, allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, clamp, cos, div, eq, equal, exp,
    floor_divide, ge, gt, isclose, isfinite, isinf, isnan, le, log, logical_and, logical_not, logical_or, lt,
    maximum, minimum, mul, ne, neg, pow, rdiv, reciprocal, relu, remainder, rsub, sigmoid, sign, sin, sqrt, sub,
    tanh, where,
)
from .indexing import getitem, setitem
from .inplace import add_, clamp_, copy_, div_, fill_, inplace, mul_, pow_, sub_, zero_
from .joining import cat, stack
from .linalg import dot, matmul, mm
from .reduction import all, any, argmax, argmin, max, mean, min, prod, sum
from .views import (
    alias, as_strided, expand, flatten, narrow, permute, reshape, select, squeeze, t, transpose, unflatten,
    unsqueeze, view,
)
