"""tinytorch: a small, readable tensor and autograd library that behaves like PyTorch.

Where to look:
    strides.py      the index math: contiguous strides, positions, broadcasting, views
    storage.py      the flat buffer tensors share, and its version counter
    memory_trace.py which line made new memory (an allocation or a copy), and why
    tensor.py       the Tensor: a header over a shared storage, its autograd fields
    tensor_ops.py   its methods that compute, each a one-line hand-off to ops/
    ops/            every operation, forward and backward side by side
    autograd/       the graph, the backward engine, custom Functions, gradcheck
    creation.py     tensor(), zeros(), arange(), rand(), from_numpy() ...
    dtypes.py       element types and PyTorch's promotion rules
    device.py       cpu / cuda, and the NumPy / CuPy backends
    cuda.py         is there a GPU, and which (tinytorch.cuda)
    random.py       the random number generators: manual_seed(), Generator, torch's numbers
    threads.py      how many threads matrix products may use
    serialization/  save() and load(): a checkpoint format that is safe to open
    printing.py     repr exactly as PyTorch prints
    exact/          PyTorch's corner cases, a learner may skip them: exact rounding
                    (fused multiply-adds, arange's vector lanes), number conversion
                    (wrap-around, float16 opmath), the strides of a new result,
                    argument parsing and long messages word for word
"""
import warnings as _warnings

# PyTorch turns 1/0, log(0) or inf*0 into inf/nan without a word. NumPy, which does
# our arithmetic, warns instead, and a stray warning would also break nbval's
# stderr comparison. This silences NumPy's floating-point warnings only when they
# come from tinytorch's own code; NumPy used directly still warns as usual. (NumPy's
# Python-level reductions warn from inside NumPy instead: ops/reduction.py mutes those.)
_warnings.filterwarnings("ignore", message=".*encountered in", category=RuntimeWarning, module=r"tinytorch(\.|$)")

from . import autograd, cuda, dtypes, strides
from .autograd import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (
    BoolTensor, ByteTensor, CharTensor, DoubleTensor, FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor,
    arange, as_tensor, empty, empty_like, eye, from_numpy, full, full_like, linspace, logspace, ones, ones_like, rand,
    rand_like, randint, randn, randn_like, randperm, set_default_tensor_type, tensor, tril_indices, triu_indices, zeros,
    zeros_like,
)
from .device import device
from .dtypes import (
    bool_ as bool, dtype, float16, float32, float64, get_default_dtype, int8, int16, int32, int64,
    can_cast, promote_types, set_default_dtype, uint8,
)
from .ops import (
    abs, acos, acosh, add, all, allclose, any, argmax, argmin, as_strided, asin, asinh, atan, atan2, atanh,
    bitwise_and, bitwise_not, count_nonzero, erfc, exp2, frac,
    bitwise_or, bitwise_xor, bmm, cat, ceil, clamp, clone, cos, cosh, div, dot, eq, equal, erf, exp, expand, expm1,
    flatten, floor, floor_divide, fmod, ge, gt, index_put, isclose, isfinite, isinf, isnan, le, log, log10, log1p,
    log2, logical_and, logical_not, logical_or, logit, lt, masked_fill, matmul, max, maximum, mean, min, minimum, mm,
    mul, mv, narrow, ne, neg, nonzero, permute, pow, prod, ravel, reciprocal, relu, remainder, reshape, round, rsqrt,
    select, sgn, sigmoid, sign, sin, sinh, sqrt, square, squeeze, stack, sub, sum, t, tan, tanh, transpose, trunc,
    unflatten, unsqueeze, where,
)
from .ops import (
    atleast_1d, atleast_2d, atleast_3d, chunk, column_stack, diag, diag_embed, diagflat, diagonal, dstack, flip,
    fliplr, flipud, gather, hstack, index_add, index_fill, index_select, masked_select, movedim, repeat_interleave,
    roll, rot90, scatter, scatter_add, split, swapaxes, take, take_along_dim, tile, tril, triu, unbind, vstack,
)
from .ops import (
    amax, amin, argsort, bincount, cummax, cummin, cumprod, cumsum, dist, histc, kthvalue, logsumexp, median, mode,
    nanmean, nanmedian, nansum, norm, sort, std, std_mean, topk, unique, unique_consecutive, var, var_mean,
)
from .ops import broadcast_shapes, broadcast_tensors, broadcast_to, meshgrid
from .ops import addcdiv, addcmul, addmm, cross, det, einsum, inverse, kron, lerp, outer, tensordot, trace
from .printing import get_printoptions, printoptions, set_printoptions
from .random import Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state
from .serialization import load, save
from .storage import Storage, TypedStorage, UntypedStorage
from .tensor import Size, Tensor, layout, strided
from .threads import get_num_threads, set_num_threads
from . import linalg, nn, optim, return_types  # noqa: E402  (they are built on everything above)
from .sampling import bernoulli, multinomial, normal, randint_like  # noqa: E402

# PyTorch's NumPy-style names for the inverse trigonometric functions.
arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
arcsinh, arccosh, arctanh = asinh, acosh, atanh
concat = concatenate = cat
row_stack = vstack
argwhere = nonzero  # (its first form: the positions as rows)

# PyTorch's aliases for dtypes.
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16

clip = clamp
moveaxis, swapdims = movedim, swapaxes
ger = outer
multiply, divide, subtract, negative, true_divide = mul, div, sub, neg, div


def softmax(input, dim, dtype=None):
    """nn.functional.softmax, as torch.softmax (dim is required here)."""
    return nn.functional.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, dtype=None):
    """nn.functional.log_softmax, as torch.log_softmax (dim is required here)."""
    return nn.functional.log_softmax(input, dim, dtype=dtype)


def _in_place_function(name):
    """PyTorch's function form of an in-place method: torch.exp_(t) is t.exp_()."""
    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"input.{name}(...), as a function."
    return function


for _name in ("abs_", "acos_", "arccos_", "arcsin_", "arctan_", "as_strided_", "asin_", "atan_", "ceil_", "clip_",
              "cos_", "cosh_", "detach_", "erf_", "exp_", "expm1_", "fill_", "floor_", "index_put_", "log10_", "log1p_",
              "log2_", "log_", "logit_", "neg_", "negative_", "reciprocal_", "relu_", "resize_as_", "round_", "rsqrt_",
              "sigmoid_", "sin_", "sinh_", "sqrt_", "square_", "tan_", "tanh_", "trunc_", "zero_"):
    globals()[_name] = _in_place_function(_name)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def is_storage(obj):
    return isinstance(obj, (TypedStorage, UntypedStorage))


def numel(t):
    return t.numel()


def result_type(a, b):
    return dtypes.result_type(a, b)


def is_floating_point(t):
    return t.dtype.is_floating_point


def clamp_(t, min=None, max=None):
    return t.clamp_(min, max)


__version__ = "0.1.0"



# PyTorch's functions also take out= and NumPy's axis=/keepdims=, and its creation
# functions size=, layout= and pin_memory= (exact/keywords.py). Wrapped here, at the namespace users call;
# tinytorch's own code calls the ops directly.
_WITH_OUT = (
    "abs", "acos", "acosh", "asinh", "atanh", "erfc", "exp2", "frac", "add", "addcdiv", "addcmul", "addmm", "all",
    "amax", "amin", "any", "argmax", "argmin", "asin", "atan", "atan2", "bmm", "cat", "ceil", "clamp", "cos", "cosh",
    "cross", "cummax", "cummin", "cumprod", "cumsum",
    "div", "dot", "eq", "erf", "exp", "expm1", "floor", "fmod", "gather", "ge", "gt", "index_select", "kron", "le",
    "lerp", "log", "log10", "log1p", "log2", "logsumexp", "lt", "masked_select", "matmul", "max", "maximum", "mean",
    "median", "min", "minimum", "mm", "mode", "mul", "mv", "nanmean", "nansum", "ne", "neg", "outer", "pow", "prod",
    "reciprocal", "remainder", "round", "rsqrt", "sigmoid", "sign", "sin", "sinh", "sort", "sqrt", "square", "stack",
    "std", "sub", "sum", "take", "tan", "tanh", "topk", "trunc", "var", "vstack", "hstack", "dstack", "kthvalue",
    "logical_and", "logical_or", "logical_not", "bitwise_and", "bitwise_or", "bitwise_xor", "floor_divide",
    "arange", "linspace", "logspace", "full", "tensordot", "inverse", "norm", "tril", "triu", "diag", "histc",
    "index_add", "scatter", "scatter_add", "where", "nonzero", "eye", "randperm", "normal", "multinomial",
    "logit", "sgn", "take_along_dim", "nanmedian", "randint",
)
_NUMPY_NAMED = (
    "count_nonzero", "softmax", "log_softmax", "squeeze", "unsqueeze", "chunk", "unbind", "narrow", "select",
    "transpose", "movedim", "index_fill", "repeat_interleave", "var_mean", "std_mean",
)
_CREATION = (
    "zeros", "ones", "empty", "full", "eye", "arange", "linspace", "logspace", "rand", "randn", "randint", "randperm",
    "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like", "randint_like",
    "tril_indices", "triu_indices",
)
# Functions torch writes in Python (torch/functional.py), where its parser's NumPy names do not apply.
_PYTHON_DEFINED = ("norm",)


def _accept_keywords():
    from .exact.keywords import (
        RANDOM_SIZE_SIGNATURES, memory_options, numpy_names, overloaded, sequence_keyword, size_keyword, with_out,
    )
    namespace = globals()
    for name in _CREATION:
        namespace[name] = memory_options(namespace[name])
    namespace["tensor"] = memory_options(namespace["tensor"], takes_layout=False)
    for name in _WITH_OUT:
        namespace[name] = with_out(namespace[name], numpy_aliases=name not in _PYTHON_DEFINED)
    for name in _NUMPY_NAMED:
        namespace[name] = numpy_names(namespace[name])
    for name in ("zeros", "ones", "empty", "rand", "randn"):
        namespace[name] = size_keyword(with_out(namespace[name]))
    namespace["permute"] = sequence_keyword("dims", fixed=1)(namespace["permute"])
    for name in ("rand", "randn"):
        namespace[name] = overloaded(namespace[name], RANDOM_SIZE_SIGNATURES)


_accept_keywords()
