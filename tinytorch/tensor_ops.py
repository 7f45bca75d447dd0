"""Tensor's methods that compute: each is a one-line hand-off to tinytorch.ops, where
an op's forward and its backward are written together. `t.add(u)`, `t + u` and
`tinytorch.add(t, u)` all run ops.add(t, u).

tensor.Tensor inherits these; tensor.py holds what a tensor *is* (its header over a
shared storage, its autograd attributes, its conversions).
"""
import warnings

import numpy as np

from . import dtypes as _dtypes
from .device import CPU
from .exact.arguments import invalid_combination
from .exact.keywords import memory_options, numpy_names, sequence_keyword

# tinytorch.ops, bound by tensor.py once Tensor exists (ops import Tensor, and Tensor
# is made from this class); the methods look it up when they run.
ops = None


def _is_operand(x):
    """Whether x can be the other side of an elementwise op: a tensor or a number."""
    return isinstance(x, (TensorOps, int, float, np.number, np.bool_))  # TensorOps: a Tensor


_WARNED_ONCE = set()


def _warn_once(key, message):
    """A deprecation warning PyTorch gives once per process (TORCH_WARN_ONCE), from the caller's line."""
    if key not in _WARNED_ONCE:
        _WARNED_ONCE.add(key)
        warnings.warn(message, UserWarning, stacklevel=4)


def _warn_identity_on_0d(name):
    """t.T and t.mT of a 0-d tensor, which PyTorch still allows."""
    _warn_once(f"{name} of 0-D", f"Tensor.{name} is deprecated on 0-D tensors. This function is the identity in these cases.")


def _warn_reversing_dims():
    """t.T of a tensor that is not 2-D, which PyTorch still allows."""
    _warn_once("T", "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
               "and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices "
               "or `x.permute(*tinytorch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.")


def _functional():
    from .nn import functional  # (softmax lives with the layers that use it)
    return functional


def _sampling():
    from . import sampling  # (sampling imports creation, which imports the Tensor class)
    return sampling


class TensorOps:
    """The methods of tinytorch.Tensor that hand off to tinytorch.ops."""

    __slots__ = ()  # Tensor declares its fields

    # arithmetic
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(self, other)
    def __sub__(self, other): return ops.sub(self, other)
    def __rsub__(self, other): return ops.rsub(self, other)
    def __mul__(self, other): return ops.mul(self, other)
    def __rmul__(self, other): return ops.mul(self, other)
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other): return ops.rdiv(self, other)
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)
    def __mod__(self, other): return ops.remainder(self, other)
    def __rmod__(self, other): return ops.remainder(other, self)
    def __pow__(self, other): return ops.pow(self, other)
    def __rpow__(self, other): return ops.pow(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self):
        if self.dtype is _dtypes.bool_:
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self
    def __abs__(self): return ops.abs(self)

    def add(self, other, *, alpha=1): return ops.add(self, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return ops.sub(self, other, alpha=alpha)
    def mul(self, other): return ops.mul(self, other)
    def div(self, other, *, rounding_mode=None): return ops.div(self, other, rounding_mode=rounding_mode)
    def floor_divide(self, other): return ops.floor_divide(self, other)
    def remainder(self, other): return ops.remainder(self, other)
    def fmod(self, other): return ops.fmod(self, other)
    def atan2(self, other): return ops.atan2(self, other)
    def fmod_(self, other): return ops.inplace(ops.fmod, self, other)
    def atan2_(self, other): return ops.inplace(ops.atan2, self, other)
    def pow(self, exponent): return ops.pow(self, exponent)
    def neg(self): return ops.neg(self)
    def matmul(self, other): return ops.matmul(self, other)
    def mm(self, other): return ops.mm(self, other)
    def bmm(self, other): return ops.bmm(self, other)
    def mv(self, other): return ops.mv(self, other)
    def dot(self, other): return ops.dot(self, other)
    def outer(self, vec2): return ops.outer(self, vec2)
    def addmm(self, mat1, mat2, *, beta=1, alpha=1): return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)
    def kron(self, other): return ops.kron(self, other)
    def trace(self): return ops.trace(self)
    def cross(self, other, dim=None): return ops.cross(self, other, dim)
    def det(self): return ops.det(self)
    def inverse(self): return ops.inverse(self)
    def lerp(self, end, weight): return ops.lerp(self, end, weight)
    def lerp_(self, end, weight): return ops.inplace(ops.lerp, self, end, weight)
    def addcmul(self, tensor1, tensor2, *, value=1): return ops.addcmul(self, tensor1, tensor2, value=value)
    def addcdiv(self, tensor1, tensor2, *, value=1): return ops.addcdiv(self, tensor1, tensor2, value=value)
    def addcmul_(self, tensor1, tensor2, *, value=1): return ops.inplace(ops.addcmul, self, tensor1, tensor2, value=value)
    def addcdiv_(self, tensor1, tensor2, *, value=1): return ops.inplace(ops.addcdiv, self, tensor1, tensor2, value=value)
    ger = outer

    multiply, divide, subtract, negative, true_divide = mul, div, sub, neg, div

    # comparisons and logic
    # == and != with something that is neither a tensor nor a number fall back to
    # Python's identity test (t == None is False), as in PyTorch.
    def __eq__(self, other): return ops.eq(self, other) if _is_operand(other) else NotImplemented
    def __ne__(self, other): return ops.ne(self, other) if _is_operand(other) else NotImplemented
    def __lt__(self, other): return ops.lt(self, other)
    def __le__(self, other): return ops.le(self, other)
    def __gt__(self, other): return ops.gt(self, other)
    def __ge__(self, other): return ops.ge(self, other)
    def __and__(self, other): return ops.bitwise_and(self, other)
    def __rand__(self, other): return ops.bitwise_and(self, other)
    def __or__(self, other): return ops.bitwise_or(self, other)
    def __ror__(self, other): return ops.bitwise_or(self, other)
    def __xor__(self, other): return ops.bitwise_xor(self, other)
    def __rxor__(self, other): return ops.bitwise_xor(self, other)
    def __invert__(self):
        if self.dtype.is_floating_point:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return ops.bitwise_not(self)

    def eq(self, other): return ops.eq(self, other)
    def ne(self, other): return ops.ne(self, other)
    def lt(self, other): return ops.lt(self, other)
    def le(self, other): return ops.le(self, other)
    def gt(self, other): return ops.gt(self, other)
    def ge(self, other): return ops.ge(self, other)
    def logical_not(self): return ops.logical_not(self)
    def logical_not_(self): return ops.inplace(ops.logical_not, self)
    def bitwise_and(self, other): return ops.bitwise_and(self, other)
    def bitwise_or(self, other): return ops.bitwise_or(self, other)
    def bitwise_xor(self, other): return ops.bitwise_xor(self, other)
    def bitwise_not(self): return ops.bitwise_not(self)
    def bitwise_not_(self): return ops.inplace(ops.bitwise_not, self)
    def logical_and(self, other): return ops.logical_and(self, other)
    def logical_or(self, other): return ops.logical_or(self, other)
    def equal(self, other): return ops.equal(self, other)
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return ops.allclose(self, other, rtol=rtol, atol=atol, equal_nan=equal_nan)
    def isnan(self): return ops.isnan(self)
    def isinf(self): return ops.isinf(self)
    def isfinite(self): return ops.isfinite(self)

    # elementwise math
    def exp(self): return ops.exp(self)
    def log(self): return ops.log(self)
    def sqrt(self): return ops.sqrt(self)
    def abs(self): return ops.abs(self)
    def sin(self): return ops.sin(self)
    def cos(self): return ops.cos(self)
    def tanh(self): return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self): return ops.relu(self)
    def sign(self): return ops.sign(self)
    def sgn(self): return ops.sgn(self)
    def logit(self, eps=None): return ops.logit(self, eps)
    def reciprocal(self): return ops.reciprocal(self)
    def log1p(self): return ops.log1p(self)
    def expm1(self): return ops.expm1(self)
    def log2(self): return ops.log2(self)
    def log10(self): return ops.log10(self)
    def sinh(self): return ops.sinh(self)
    def cosh(self): return ops.cosh(self)
    def tan(self): return ops.tan(self)
    def asin(self): return ops.asin(self)
    def acos(self): return ops.acos(self)
    def atan(self): return ops.atan(self)
    def erf(self): return ops.erf(self)
    def rsqrt(self): return ops.rsqrt(self)
    def floor(self): return ops.floor(self)
    def ceil(self): return ops.ceil(self)
    def trunc(self): return ops.trunc(self)
    def round(self, *, decimals=None): return ops.round(self, decimals=decimals)
    def erfc(self): return ops.erfc(self)
    def exp2(self): return ops.exp2(self)
    def frac(self): return ops.frac(self)
    def asinh(self): return ops.asinh(self)
    def acosh(self): return ops.acosh(self)
    def atanh(self): return ops.atanh(self)
    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    # in place: the op's result written back (ops/inplace.py checks it fits)
    def exp_(self): return ops.inplace(ops.exp, self)
    def log_(self): return ops.inplace(ops.log, self)
    def sqrt_(self): return ops.inplace(ops.sqrt, self)
    def abs_(self): return ops.inplace(ops.abs, self)
    def sin_(self): return ops.inplace(ops.sin, self)
    def cos_(self): return ops.inplace(ops.cos, self)
    def tanh_(self): return ops.inplace(ops.tanh, self)
    def sigmoid_(self): return ops.inplace(ops.sigmoid, self)
    def relu_(self): return ops.inplace(ops.relu, self)
    def sign_(self): return ops.inplace(ops.sign, self)
    def sgn_(self): return ops.inplace(ops.sgn, self)
    def logit_(self, eps=None): return ops.inplace(ops.logit, self, eps)
    def reciprocal_(self): return ops.inplace(ops.reciprocal, self)
    def neg_(self): return ops.inplace(ops.neg, self)
    def square_(self): return ops.inplace(ops.square, self)
    def log1p_(self): return ops.inplace(ops.log1p, self)
    def expm1_(self): return ops.inplace(ops.expm1, self)
    def log2_(self): return ops.inplace(ops.log2, self)
    def log10_(self): return ops.inplace(ops.log10, self)
    def sinh_(self): return ops.inplace(ops.sinh, self)
    def cosh_(self): return ops.inplace(ops.cosh, self)
    def tan_(self): return ops.inplace(ops.tan, self)
    def asin_(self): return ops.inplace(ops.asin, self)
    def acos_(self): return ops.inplace(ops.acos, self)
    def atan_(self): return ops.inplace(ops.atan, self)
    def erf_(self): return ops.inplace(ops.erf, self)
    def rsqrt_(self): return ops.inplace(ops.rsqrt, self)
    def floor_(self): return ops.inplace(ops.floor, self)
    def ceil_(self): return ops.inplace(ops.ceil, self)
    def trunc_(self): return ops.inplace(ops.trunc, self)
    def round_(self, *, decimals=None): return ops.inplace(ops.round, self, decimals=decimals)
    def erfc_(self): return ops.inplace(ops.erfc, self)
    def exp2_(self): return ops.inplace(ops.exp2, self)
    def frac_(self): return ops.inplace(ops.frac, self)
    def asinh_(self): return ops.inplace(ops.asinh, self)
    def acosh_(self): return ops.inplace(ops.acosh, self)
    def atanh_(self): return ops.inplace(ops.atanh, self)
    arcsin_, arccos_, arctan_, arctan2_ = asin_, acos_, atan_, atan2_
    arcsinh_, arccosh_, arctanh_ = asinh_, acosh_, atanh_
    absolute_, negative_ = abs_, neg_
    def maximum(self, other): return ops.maximum(self, other)
    def minimum(self, other): return ops.minimum(self, other)
    def square(self): return ops.square(self)
    def clamp(self, min=None, max=None): return ops.clamp(self, min, max)
    def where(self, condition, other): return ops.where(condition, self, other)

    clip = clamp
    absolute = abs

    # reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None): return ops.sum(self, dim, keepdim, dtype=dtype)
    @sequence_keyword("size", fixed=1)
    def sum_to_size(self, *size): return ops.sum_to_size(self, *size)
    def count_nonzero(self, dim=None): return ops.count_nonzero(self, dim)
    def mean(self, dim=None, keepdim=False, *, dtype=None): return ops.mean(self, dim, keepdim, dtype=dtype)
    def prod(self, dim=None, keepdim=False, *, dtype=None): return ops.prod(self, dim, keepdim, dtype=dtype)
    def max(self, dim=None, keepdim=False): return ops.max(self, dim, keepdim)
    def min(self, dim=None, keepdim=False): return ops.min(self, dim, keepdim)
    def argmax(self, dim=None, keepdim=False): return ops.argmax(self, dim, keepdim)
    def argmin(self, dim=None, keepdim=False): return ops.argmin(self, dim, keepdim)
    def all(self, dim=None, keepdim=False): return ops.all(self, dim, keepdim)
    def any(self, dim=None, keepdim=False): return ops.any(self, dim, keepdim)
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.var(self, dim, unbiased, keepdim, correction=correction)
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return ops.std(self, dim, unbiased, keepdim, correction=correction)
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None): return ops.norm(self, p, dim, keepdim, dtype)
    def dist(self, other, p=2): return ops.dist(self, other, p)
    def logsumexp(self, dim, keepdim=False): return ops.logsumexp(self, dim, keepdim)
    def amax(self, dim=(), keepdim=False): return ops.amax(self, dim, keepdim)
    def amin(self, dim=(), keepdim=False): return ops.amin(self, dim, keepdim)
    def nansum(self, dim=None, keepdim=False, *, dtype=None): return ops.nansum(self, dim, keepdim, dtype=dtype)
    def nanmean(self, dim=None, keepdim=False, *, dtype=None): return ops.nanmean(self, dim, keepdim, dtype=dtype)
    def cumsum(self, dim, *, dtype=None): return ops.cumsum(self, dim, dtype=dtype)
    def cumprod(self, dim, *, dtype=None): return ops.cumprod(self, dim, dtype=dtype)
    def cumsum_(self, dim, *, dtype=None): return ops.inplace(ops.cumsum, self, dim, dtype=dtype)
    def cumprod_(self, dim, *, dtype=None): return ops.inplace(ops.cumprod, self, dim, dtype=dtype)
    def cummax(self, dim): return ops.cummax(self, dim)
    def cummin(self, dim): return ops.cummin(self, dim)
    def sort(self, dim=-1, descending=False, *, stable=False): return ops.sort(self, dim, descending, stable)
    def argsort(self, dim=-1, descending=False, *, stable=False): return ops.argsort(self, dim, descending, stable)
    def topk(self, k, dim=-1, largest=True, sorted=True): return ops.topk(self, k, dim, largest, sorted)
    def kthvalue(self, k, dim=-1, keepdim=False): return ops.kthvalue(self, k, dim, keepdim)
    def median(self, dim=None, keepdim=False): return ops.median(self, dim, keepdim)
    def nanmedian(self, dim=None, keepdim=False): return ops.nanmedian(self, dim, keepdim)
    def mode(self, dim=-1, keepdim=False): return ops.mode(self, dim, keepdim)
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        return ops.unique(self, sorted, return_inverse, return_counts, dim)
    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return ops.unique_consecutive(self, return_inverse, return_counts, dim)
    def bincount(self, weights=None, minlength=0): return ops.bincount(self, weights, minlength)
    def histc(self, bins=100, min=0, max=0): return ops.histc(self, bins, min, max)

    # views: a new header over the same storage
    def view(self, *shape): return ops.view(self, *shape)
    def view_as(self, other): return ops.view(self, other.shape)
    def reshape(self, *shape): return ops.reshape(self, *shape)
    def reshape_as(self, other): return ops.reshape(self, other.shape)
    def transpose(self, dim0, dim1): return ops.transpose(self, dim0, dim1)
    def t(self): return ops.t(self)
    @sequence_keyword("dims", fixed=1)
    def permute(self, *dims): return ops.permute(self, *dims)
    def expand(self, *sizes): return ops.expand(self, *sizes)
    def expand_as(self, other): return ops.expand(self, other.shape)
    def unsqueeze(self, dim): return ops.unsqueeze(self, dim)
    def squeeze(self, dim=None): return ops.squeeze(self, dim)
    def flatten(self, start_dim=0, end_dim=-1): return ops.flatten(self, start_dim, end_dim)
    def ravel(self): return ops.ravel(self)
    def unflatten(self, dim, sizes): return ops.unflatten(self, dim, sizes)
    def narrow(self, dim, start, length): return ops.narrow(self, dim, start, length)
    def select(self, dim, index): return ops.select(self, dim, index)
    def as_strided(self, size, stride, storage_offset=None): return ops.as_strided(self, size, stride, storage_offset)
    def unsqueeze_(self, dim): return ops.unsqueeze_(self, dim)
    def squeeze_(self, dim=None): return ops.squeeze_(self, dim)
    def t_(self): return ops.t_(self)
    def transpose_(self, dim0, dim1): return ops.transpose_(self, dim0, dim1)
    def as_strided_(self, size, stride, storage_offset=None): return ops.as_strided_(self, size, stride, storage_offset)
    def resize_(self, *sizes): return ops.resize_(self, *sizes)
    def resize_as_(self, other): return ops.resize_(self, other.shape)
    def set_(self, *args, **kwargs): return ops.set_(self, *args, **kwargs)
    swapdims_ = swapaxes_ = transpose_
    def contiguous(self): return self if self.is_contiguous() else ops.clone(self, contiguous=True)
    def clone(self): return ops.clone(self)
    def __getitem__(self, index): return ops.getitem(self, index)
    def __setitem__(self, index, value): ops.setitem(self, index, value)
    def index_put_(self, indices, values, accumulate=False):
        return ops.index_put(self, indices, values, accumulate, inplace=True, argument=0)

    def index_put(self, indices, values, accumulate=False):
        return ops.index_put(self, indices, values, accumulate, argument=0)
    def nonzero(self, *, as_tuple=False): return ops.nonzero(self, as_tuple=as_tuple)
    def argwhere(self): return ops.nonzero(self)
    def masked_fill(self, mask, value): return ops.masked_fill(self, mask, value, as_function=False)
    def masked_fill_(self, mask, value): return ops.masked_fill_(self, mask, value)
    def masked_select(self, mask): return ops.masked_select(self, mask)
    def take(self, index): return ops.take(self, index)
    def take_along_dim(self, indices, dim=None): return ops.take_along_dim(self, indices, dim)
    def gather(self, dim, index, *, sparse_grad=False): return ops.gather(self, dim, index, sparse_grad=sparse_grad)
    def index_select(self, dim, index): return ops.index_select(self, dim, index)
    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)
    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        if reduce is not None:
            return ops.inplace(ops.scatter_reducing_, self, dim, index, src, value=value, reduce=reduce,
                               meta=ops.check_target)
        return ops.inplace(ops.scatter, self, dim, index, src, value=value, meta=ops.check_target)
    def scatter_add(self, dim, index, src): return ops.scatter_add(self, dim, index, src)
    def scatter_add_(self, dim, index, src):
        return ops.inplace(ops.scatter_add, self, dim, index, src, meta=ops.check_target)
    def index_add(self, dim, index, source, *, alpha=1): return ops.index_add(self, dim, index, source, alpha=alpha)
    def index_add_(self, dim, index, source, *, alpha=1):
        return ops.inplace(ops.index_add, self, dim, index, source, alpha=alpha, meta=ops.check_target)
    def index_fill(self, dim, index, value): return ops.index_fill(self, dim, index, value)
    def index_fill_(self, dim, index, value):
        return ops.inplace(ops.index_fill, self, dim, index, value, meta=ops.check_target)

    # pieces and rearrangements
    def split(self, split_size, dim=0): return ops.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return ops.chunk(self, chunks, dim)
    def unbind(self, dim=0): return ops.unbind(self, dim)
    def diagonal(self, offset=0, dim1=0, dim2=1): return ops.diagonal(self, offset, dim1, dim2)
    def unfold(self, dimension, size, step): return ops.unfold(self, dimension, size, step)
    def movedim(self, source, destination): return ops.movedim(self, source, destination)
    def swapaxes(self, axis0, axis1): return ops.transpose(self, axis0, axis1)
    def repeat(self, *sizes): return ops.repeat(self, *sizes)
    def tile(self, *dims): return ops.tile(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)
    @sequence_keyword("dims", fixed=1)
    def flip(self, *dims): return ops.flip(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims)
    def fliplr(self): return ops.fliplr(self)
    def flipud(self): return ops.flipud(self)
    def roll(self, shifts, dims=None): return ops.roll(self, shifts, dims)
    def rot90(self, k=1, dims=(0, 1)): return ops.rot90(self, k, dims)
    def tril(self, diagonal=0): return ops.tril(self, diagonal)
    def triu(self, diagonal=0): return ops.triu(self, diagonal)
    def tril_(self, diagonal=0): return ops.inplace(ops.tril, self, diagonal, meta=ops.check_target)
    def triu_(self, diagonal=0): return ops.inplace(ops.triu, self, diagonal, meta=ops.check_target)
    def diag(self, diagonal=0): return ops.diag(self, diagonal)
    def diag_embed(self, offset=0, dim1=-2, dim2=-1): return ops.diag_embed(self, offset, dim1, dim2)
    def diagflat(self, offset=0): return ops.diagflat(self, offset)
    def repeat_interleave(self, repeats=None, dim=None, *, output_size=None):
        if repeats is None:  # (only the function takes a tensor of counts alone)
            raise TypeError(invalid_combination("repeat_interleave", [], [
                "(Tensor repeats, int dim = None, *, int output_size = None)",
                "(int repeats, int dim = None, *, int output_size = None)"]))
        return ops.repeat_interleave(self, repeats, dim, output_size=output_size)
    moveaxis, swapdims = movedim, swapaxes

    @property
    def T(self):
        if self.dim() == 0:
            _warn_identity_on_0d("T")
        elif self.dim() != 2:  # (.T of a matrix is its transpose; of anything else, all dims reversed)
            _warn_reversing_dims()
        return ops.permute(self, tuple(range(self.dim() - 1, -1, -1)))  # 0-d: an empty permutation, a view

    @property
    def mT(self):
        if self.dim() == 0:
            _warn_identity_on_0d("mT")
            return self  # PyTorch hands back the tensor itself
        if self.dim() == 1:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.")
        return ops.transpose(self, -2, -1)

    # in place: write into the storage, bump its version
    def add_(self, other, *, alpha=1): return ops.add_(self, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return ops.sub_(self, other, alpha=alpha)
    def mul_(self, other): return ops.mul_(self, other)
    def div_(self, other): return ops.div_(self, other)
    def pow_(self, other): return ops.pow_(self, other)
    def clamp_(self, min=None, max=None): return ops.clamp_(self, min, max)
    clip_ = clamp_
    def zero_(self): return ops.zero_(self)
    def fill_(self, value): return ops.fill_(self, value)
    def copy_(self, src): return ops.copy_(self, src)
    def __iadd__(self, other): return ops.add_(self, other)
    def __isub__(self, other): return ops.sub_(self, other)
    def __imul__(self, other): return ops.mul_(self, other)
    def __itruediv__(self, other): return ops.div_(self, other)
    def __ifloordiv__(self, other): return ops.inplace(ops.floor_divide, self, other)
    def __imod__(self, other): return ops.inplace(ops.remainder, self, other)
    def __ipow__(self, other): return ops.pow_(self, other)
    def __iand__(self, other): return ops.inplace(ops.bitwise_and, self, other)
    def __ior__(self, other): return ops.inplace(ops.bitwise_or, self, other)
    def __ixor__(self, other): return ops.inplace(ops.bitwise_xor, self, other)

    # dtype and device
    def to(self, *args, **kwargs): return ops.to(self, *args, **kwargs)
    def cpu(self): return ops.to(self, CPU)
    def cuda(self, device=None): return ops.to(self, "cuda" if device is None else device)
    def float(self): return ops.to(self, _dtypes.float32)
    def double(self): return ops.to(self, _dtypes.float64)
    def half(self): return ops.to(self, _dtypes.float16)
    def long(self): return ops.to(self, _dtypes.int64)
    def int(self): return ops.to(self, _dtypes.int32)
    def short(self): return ops.to(self, _dtypes.int16)
    def char(self): return ops.to(self, _dtypes.int8)
    def byte(self): return ops.to(self, _dtypes.uint8)
    def bool(self): return ops.to(self, _dtypes.bool_)

    # random fills, in place (tinytorch/sampling.py)
    def uniform_(self, a=0.0, b=1.0, *, generator=None): return _sampling().uniform_(self, a, b, generator)
    def normal_(self, mean=0.0, std=1.0, *, generator=None): return _sampling().normal_(self, mean, std, generator)
    def bernoulli_(self, p=0.5, *, generator=None): return _sampling().bernoulli_(self, p, generator)
    def random_(self, low=None, high=None, *, generator=None): return _sampling().random_(self, low, high, generator)
    def exponential_(self, lambd=1.0, *, generator=None): return _sampling().exponential_(self, lambd, generator)
    def bernoulli(self, p=None, *, generator=None): return _sampling().bernoulli(self, p, generator=generator)
    def softmax(self, dim, dtype=None): return _functional().softmax(self, dim, dtype=dtype)
    def log_softmax(self, dim, dtype=None): return _functional().log_softmax(self, dim, dtype=dtype)
    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return _sampling().multinomial(self, num_samples, replacement, generator=generator)

    # creation relative to this tensor
    def new(self, *args, **kwargs):
        """The legacy constructor with this tensor's dtype and device: t.new(2, 3), t.new([1, 2])."""
        from .creation import _legacy
        return _legacy(args, kwargs.pop("device", self.device), kwargs, self.dtype, typed=True)

    @sequence_keyword("size", fixed=1)
    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_constant("new_empty", size, 0, dtype, device, requires_grad)

    def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.filled("new_full", size, fill_value, dtype or self.dtype,
                               self.device if device is None else device, requires_grad)

    @sequence_keyword("size", fixed=1)
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_constant("new_zeros", size, 0, dtype, device, requires_grad)

    @sequence_keyword("size", fixed=1)
    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_constant("new_ones", size, 1, dtype, device, requires_grad)

    def _new_constant(self, name, size, value, dtype, device, requires_grad):
        from . import creation
        return creation.constant(name, size, value, dtype or self.dtype, self.device if device is None else device,
                                 requires_grad)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from . import creation
        return creation.tensor(data, dtype=dtype or self.dtype, device=self.device if device is None else device, requires_grad=requires_grad)


# PyTorch's argument parser also takes NumPy's names (axis=, keepdims=) for these
# methods' dim and keepdim (exact/keywords.py).
_NUMPY_NAMED = (
    "sum", "mean", "prod", "max", "min", "argmax", "argmin", "all", "any", "var", "std", "logsumexp", "amax",
    "amin", "nansum", "nanmean", "cumsum", "cumprod", "cummax", "cummin", "sort", "argsort", "topk", "kthvalue",
    "median", "nanmedian", "take_along_dim", "mode", "squeeze", "unsqueeze", "chunk", "unbind", "gather", "scatter",
    "index_select", "index_add", "index_fill", "repeat_interleave", "select", "narrow", "softmax", "count_nonzero",
)
for _name in _NUMPY_NAMED:
    setattr(TensorOps, _name, numpy_names(getattr(TensorOps, _name)))
for _name in ("new_empty", "new_full", "new_zeros", "new_ones"):  # their layout= and pin_memory=
    setattr(TensorOps, _name, memory_options(getattr(TensorOps, _name)))

# Python names a method by its class in its own errors ("Tensor.norm() got an unexpected
# keyword argument 'axis'"); these are the Tensor's methods, as in PyTorch, not the mixin's.
for _name, _member in vars(TensorOps).items():
    while callable(_member) and hasattr(_member, "__qualname__"):  # (and what a keyword wrapper wraps)
        _member.__qualname__ = f"Tensor.{_name}"
        _member = getattr(_member, "__wrapped__", None)
