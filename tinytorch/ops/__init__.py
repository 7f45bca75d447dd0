"""Every tensor operation, each with its backward beside it.

    arithmetic      + - * / // % ** and negation
    math_functions  exp, log, sqrt, sin, cos, tanh, sigmoid, relu, abs, sign, clamp
    comparison      == < ..., logic and bitwise ops, where, nonzero, maximum, minimum
    operands        how those three get their operands: dtypes, numbers, devices
    reduction    sum, mean, prod, max/min, argmax/argmin, all/any
    views        view, reshape, transpose, permute, expand, squeeze, select, slice...
    indexing     [] with ints, slices, masks and index tensors; index_put, masked_fill
    linalg       matmul (@) and the products it is built from: dot, mv, mm, bmm
    joining      cat, stack
    copying      clone, to
    inplace      add_, mul_, copy_, fill_, ... and how history is rebased
"""
from .copying import clone, to
from .arithmetic import add, div, floor_divide, mul, neg, pow, rdiv, reciprocal, remainder, rsub, sub
from .comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, gt, isclose, isfinite, isinf, isnan,
    le, logical_and, logical_not, logical_or, lt, maximum, minimum, ne, nonzero, where,
)
from .math_functions import abs, clamp, cos, exp, log, relu, sigmoid, sign, sin, sqrt, tanh
from .indexing import getitem, index_put, masked_fill, masked_fill_, setitem
from .inplace import add_, clamp_, copy_, div_, fill_, inplace, mul_, pow_, sub_, zero_
from .joining import cat, stack
from .linalg import bmm, dot, matmul, mm, mv
from .reduction import all, any, argmax, argmin, max, mean, min, prod, sum
from .views import (
    alias, as_strided, expand, flatten, narrow, permute, reshape, select, squeeze, t, transpose, unflatten,
    unsqueeze, view,
)
