"""Every tensor operation, each with its backward beside it.

    arithmetic      + - * / // % ** and negation; fmod, atan2
    fused           lerp, addcmul, addcdiv: several steps, rounded as one
    math_functions  exp, log, sqrt, sin, cos, tanh, sigmoid, relu, abs, sign, sgn, clamp, logit, and more:
                    log1p, expm1, log2, log10, sinh, cosh, tan, asin, acos, atan, asinh, acosh, atanh, erf,
                    erfc, exp2, frac, rsqrt, floor, ceil, trunc, round
    comparison      == < ..., logic and bitwise ops, where, nonzero, maximum, minimum
    operands        how those three get their operands: dtypes, numbers, devices
    reduction    sum, sum_to_size, mean, prod, max/min, argmax/argmin, all/any, count_nonzero
    statistics   var, std, var_mean, std_mean, norm, dist, logsumexp, amax/amin, nansum/nanmean, cumsum, cumprod, cummax/cummin
    sorting      sort, argsort, topk, kthvalue, median, nanmedian, mode; unique, unique_consecutive,
                 bincount, histc
    views        view, reshape, transpose, permute, expand, squeeze, select, slice,
                 diagonal, unfold, movedim
    indexing     [] with ints, slices, masks and index tensors; index_put
    selecting    gather/scatter, index_select/index_add/index_fill, masked_select, take, take_along_dim
    splitting    split, chunk, unbind: many views from one node
    rearranging  copies in a new order: repeat, tile, flip, roll, rot90, tril/triu, diag, diag_embed, diagflat
    masking      masked_fill: one value where a bool mask is True
    linalg       matmul (@) and the products it is built from: dot, mv, mm, bmm
    matrices     outer, addmm, kron, tensordot, trace, cross, einsum; det, inverse, solve
    joining      cat, stack, hstack, vstack, dstack, column_stack
    broadcasting broadcast_shapes, broadcast_to, broadcast_tensors, meshgrid
    copying      clone, to
    inplace      add_, mul_, copy_, fill_, ... and how history is rebased
    header_in_place  resize_, set_, unsqueeze_, squeeze_, t_, transpose_: a tensor's own header changed
"""
from .copying import clone, to
from .arithmetic import (
    add, atan2, div, div_by_number, floor_divide, fmod, mul, mul_by_number, neg, pow, rdiv, reciprocal, remainder, rsub,
    square, sub,
)
from .comparison import (
    allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq, equal, ge, gt, isclose, isfinite, isinf, isnan,
    le, logical_and, logical_not, logical_or, lt, maximum, minimum, ne, nonzero, where,
)
from .math_functions import (
    abs, acos, acosh, asin, asinh, atan, atanh, ceil, clamp, cos, cosh, erf, erfc, exp, exp2, expm1, floor, frac,
    log, log1p, log2, log10, logit, relu, round,
    rsqrt, sgn, sigmoid, sign, sin, sinh, sqrt, tan, tanh, trunc,
)
from .indexing import getitem, index_put, setitem
from .masking import masked_fill, masked_fill_
from .inplace import add_, check_target, clamp_, copy_, div_, fill_, inplace, mul_, pow_, sub_, zero_
from .joining import atleast_1d, atleast_2d, atleast_3d, cat, column_stack, dstack, hstack, stack, vstack
from .linalg import bmm, dot, matmul, mm, mv
from .reduction import all, any, argmax, argmin, count_nonzero, max, mean, min, prod, sum, sum_to_size
from .views import (
    alias, as_strided, diagonal, expand, flatten, movedim, narrow, permute, ravel, reshape, select, squeeze, swapaxes,
    t, transpose, unflatten, unfold, unsqueeze, view,
)
from .selecting import (
    gather, index_add, index_fill, index_select, masked_select, scatter, scatter_add, scatter_reducing_, take,
    take_along_dim,
)
from .splitting import chunk, split, unbind
from .rearranging import diag, diag_embed, diagflat, flip, fliplr, flipud, repeat, repeat_interleave, roll, rot90, tile, tril, triu
from .statistics import (
    amax, amin, cummax, cummin, cumprod, cumsum, dist, logsumexp, nanmean, nansum, norm, std, std_mean, var, var_mean,
    vector_norm,
)
from .sorting import (
    argsort, bincount, histc, kthvalue, median, mode, nanmedian, sort, topk, unique, unique_consecutive,
)
from .matrices import addmm, cross, det, einsum, inverse, kron, outer, solve, tensordot, trace
from .fused import addcdiv, addcmul, lerp
from .header_in_place import as_strided_, resize_, set_, squeeze_, t_, transpose_, unsqueeze_
from .broadcasting import broadcast_shapes, broadcast_tensors, broadcast_to, meshgrid
