"""Every tensor operation, each with its backward beside it.

    arithmetic      + - * / // % ** and negation; fmod, atan2
    math_functions  exp, log, sqrt, sin, cos, tanh, sigmoid, relu, abs, sign, clamp, and more:
                    log1p, expm1, log2, log10, sinh, cosh, tan, asin, acos, atan, erf,
                    rsqrt, floor, ceil, trunc, round
    comparison      == < ..., logic and bitwise ops, where, nonzero, maximum, minimum
    operands        how those three get their operands: dtypes, numbers, devices
    reduction    sum, mean, prod, max/min, argmax/argmin, all/any
    views        view, reshape, transpose, permute, expand, squeeze, select, slice...
    indexing     [] with ints, slices, masks and index tensors; index_put
    masking      masked_fill: one value where a bool mask is True
    linalg       matmul (@) and the products it is built from: dot, mv, mm, bmm
    joining      cat, stack
    copying      clone, to
    inplace      add_, mul_, copy_, fill_, ... and how history is rebased
"""
from .copying import clone, to
from .arithmetic import (
    add, atan2, div, floor_divide, fmod, mul, neg, pow, rdiv, reciprocal, remainder, rsub, sub,
)
from .comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, gt, isclose, isfinite, isinf, isnan,
    le, logical_and, logical_not, logical_or, lt, maximum, minimum, ne, nonzero, where,
)
from .math_functions import (
    abs, acos, asin, atan, ceil, clamp, cos, cosh, erf, exp, expm1, floor, log, log1p, log2, log10, relu, round,
    rsqrt, sigmoid, sign, sin, sinh, sqrt, tan, tanh, trunc,
)
from .indexing import getitem, index_put, setitem
from .masking import masked_fill, masked_fill_
from .inplace import add_, clamp_, copy_, div_, fill_, inplace, mul_, pow_, sub_, zero_
from .joining import cat, stack
from .linalg import bmm, dot, matmul, mm, mv
from .reduction import all, any, argmax, argmin, max, mean, min, prod, sum
from .views import (
    alias, as_strided, expand, flatten, narrow, permute, reshape, select, squeeze, t, transpose, unflatten,
    unsqueeze, view,
)
