"""Differentiable ops as test cases, shared by the autograd tests.

Each case is a function of (module, *tensors) written once and run on both
libraries: `m` is `tinytorch` or `torch`. Inputs are float64 values chosen away
from the points where an op is not differentiable (0 for abs and relu, the
bounds of clamp, ties for max), so finite differences and torch agree with
the analytical gradient everywhere.

    CASES           the list of Case
    make_inputs     NumPy arrays for a case's inputs
    structure(fn)   a grad_fn graph as nested (name, ((child, output_nr), ...)),
                    with torch's namespace spelled like tinytorch's
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    fn: object  # fn(m, *tensors) -> tensor
    shapes: tuple  # one shape per input
    positive: bool = False  # inputs in [0.5, 1.5] (for log, sqrt, a tensor exponent...)

    def __repr__(self):
        return self.name


def make_inputs(case, seed=0):
    """Values in +-[0.5, 1.5] (or [0.5, 1.5] for positive cases): far from 0,
    distinct (no ties), and the same on both sides of a comparison."""
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in case.shapes:
        magnitude = rng.uniform(0.5, 1.5, size=shape)
        sign = 1 if case.positive else rng.choice([-1.0, 1.0], size=shape)
        arrays.append(np.asarray(magnitude * sign, dtype=np.float64))
    return arrays


# The in-place unary ops whose inputs must be positive (logs and roots).
_POSITIVE = ("log2", "log10", "log", "sqrt")


def _inplace(method, *args):
    """An in-place op applied to a non-leaf copy of the first input."""
    def fn(m, a, *rest):
        c = a * 1
        getattr(c, method)(*args, *rest)
        return c
    return fn


def _write_view(m, a, b):
    c = a * 1
    c[0].mul_(b[0])  # in place through a view of a non-leaf: CopySlices
    return c


def _setitem(m, a, b):
    c = a * 2
    c[1, ::2] = b[0, :2]
    return c


def _setitem_advanced(m, a, b):
    c = a * 2
    c[[0, 1], [2, 0]] = b[0, :2]
    return c


def _setitem_mask(m, a, b):
    c = a * 2
    c[a > 0] = b.sum()
    return c


def _setitem_fn(index, value):
    """c[index] = value(m, b) on a non-leaf c; `value` makes a number, a 0-d tensor or a tensor."""
    def fn(m, a, b):
        c = a * 2
        c[index] = value(m, b)
        return c * a
    return fn


def _fill_view(m, a):
    c = a * 2
    v = c[1:]
    v[...] = 5  # through a view: c's grad_fn is CopySlices around FillBackward3
    return c * v.sum()


def _view_after_base_write(m, a, b):
    c = a * 1
    v = c[:, 1:]  # a view made before its base is written in place
    c.mul_(b)
    return v * v


def _write_transposed_base(m, a, b):
    c = a.t() * 1  # laid out in memory like a.t(): column by column
    v = c[1]
    c[:, 0].mul_(b[0, 0])
    return v * c


CASES = [
    # arithmetic, with broadcasting
    Case("add", lambda m, a, b: a + b, ((2, 3), (3,))),
    Case("add_bcast", lambda m, a, b: a + b, ((2, 1, 3), (4, 1))),
    Case("add_alpha", lambda m, a, b: a.add(b, alpha=2.5), ((2, 3), (2, 3))),
    Case("add_scalar", lambda m, a: a + 2, ((2, 3),)),
    Case("radd", lambda m, a: 3 + a, ((3,),)),
    Case("add_number_first", lambda m, a: m.add(2, a, alpha=3), ((3,),)),  # the number stays first
    Case("add_number_first_no_alpha", lambda m, a: m.add(2, a), ((2, 3),)),
    Case("sub_number_first", lambda m, a: m.sub(2, a, alpha=-1.5), ((3,),)),
    Case("sub", lambda m, a, b: a - b, ((3, 1), (1, 2))),
    Case("sub_alpha", lambda m, a, b: a.sub(b, alpha=3), ((2, 3), (3,))),
    Case("rsub", lambda m, a: 2 - a, ((2, 2),)),
    Case("mul", lambda m, a, b: a * b, ((2, 3), (2, 1))),
    Case("mul_scalar", lambda m, a: a * 1.5, ((4,),)),
    Case("mul_self", lambda m, a: a * a, ((3,),)),
    Case("div", lambda m, a, b: a / b, ((2, 3), (3,))),
    Case("div_scalar", lambda m, a: a / 4, ((3,),)),
    Case("rdiv", lambda m, a: 2 / a, ((3,),)),
    Case("neg", lambda m, a: -a, ((2, 2),)),
    Case("pow_scalar", lambda m, a: a ** 3, ((3,),)),
    Case("pow_half", lambda m, a: a ** 0.5, ((3,),), positive=True),
    Case("pow_tensor", lambda m, a, b: a ** b, ((2, 3), (3,)), positive=True),
    Case("pow_scalar_base", lambda m, a: 2 ** a, ((3,),)),
    Case("square", lambda m, a: a.square(), ((3,),)),
    Case("reciprocal", lambda m, a: a.reciprocal(), ((3,),)),
    Case("remainder", lambda m, a, b: a % (b.abs() + 2), ((2, 3), (3,))),
    Case("remainder_scalar", lambda m, a: a % 2.5, ((2, 3),)),
    Case("fmod", lambda m, a, b: m.fmod(a * 3, b.abs() + 0.5), ((2, 3), (3,))),
    Case("fmod_scalar", lambda m, a: a.fmod(0.7), ((2, 3),)),
    Case("atan2", lambda m, a, b: m.atan2(a, b), ((2, 3), (2, 1))),
    Case("div_floor", lambda m, a, b: a.div(b, rounding_mode="floor") + a, ((2, 3), (3,))),
    Case("div_trunc", lambda m, a: a.div(0.3, rounding_mode="trunc") * a, ((3,),)),
    Case("div_0d_tensor", lambda m, a, b: a / b.sum(), ((2, 3), (2,))),
    # math functions
    Case("exp", lambda m, a: a.exp(), ((2, 3),)),
    Case("log", lambda m, a: a.log(), ((2, 3),), positive=True),
    Case("sqrt", lambda m, a: a.sqrt(), ((2, 3),), positive=True),
    Case("sin", lambda m, a: a.sin(), ((3,),)),
    Case("cos", lambda m, a: a.cos(), ((3,),)),
    Case("tanh", lambda m, a: a.tanh(), ((2, 3),)),
    Case("sigmoid", lambda m, a: a.sigmoid(), ((2, 3),)),
    Case("relu", lambda m, a: a.relu(), ((2, 3),)),
    Case("abs", lambda m, a: a.abs(), ((2, 3),)),
    Case("sign", lambda m, a: a.sign() * a, ((3,),)),
    Case("sgn", lambda m, a: a.sgn() * a, ((3,),)),
    Case("logit", lambda m, a: m.logit(a * 0.4), ((2, 3),), positive=True),
    Case("logit_eps", lambda m, a: (a * 0.4).logit(eps=0.3), ((2, 3),), positive=True),
    Case("log1p", lambda m, a: a.log1p(), ((2, 3),), positive=True),
    Case("expm1", lambda m, a: a.expm1(), ((2, 3),)),
    Case("log2", lambda m, a: a.log2(), ((3,),), positive=True),
    Case("log10", lambda m, a: m.log10(a), ((3,),), positive=True),
    Case("sinh", lambda m, a: a.sinh(), ((2, 3),)),
    Case("cosh", lambda m, a: m.cosh(a), ((2, 3),)),
    Case("tan", lambda m, a: (a * 0.5).tan(), ((3,),)),
    Case("asin", lambda m, a: (a * 0.5).asin(), ((3,),)),
    Case("asinh", lambda m, a: m.asinh(a * 2), ((3,),)),
    Case("acosh", lambda m, a: (a + 1).acosh(), ((3,),), positive=True),
    Case("atanh", lambda m, a: m.atanh(a * 0.5), ((3,),)),
    Case("erfc", lambda m, a: m.erfc(a), ((3,),)),
    Case("exp2", lambda m, a: a.exp2(), ((2, 3),)),
    Case("frac", lambda m, a: m.frac(a * 1.3), ((2, 3),)),
    Case("acos", lambda m, a: m.acos(a * 0.5), ((3,),)),
    Case("atan", lambda m, a: a.atan(), ((2, 3),)),
    Case("erf", lambda m, a: a.erf(), ((2, 3),)),
    Case("rsqrt", lambda m, a: a.rsqrt(), ((2, 3),), positive=True),
    Case("floor", lambda m, a: a.floor() * a, ((3,),)),
    Case("ceil_trunc", lambda m, a: a.ceil() + a.trunc() * a, ((3,),)),
    Case("round", lambda m, a: a.round() + m.round(a, decimals=1), ((3,),)),
    Case("exp_", _inplace("exp_"), ((2, 3),)),
    Case("sin_", _inplace("sin_"), ((3,),)),
    Case("sigmoid_", _inplace("sigmoid_"), ((2, 3),)),
    Case("log1p_", _inplace("log1p_"), ((3,),), positive=True),
    Case("rsqrt_", _inplace("rsqrt_"), ((3,),), positive=True),
    Case("floor_", _inplace("floor_"), ((3,),)),
    Case("clamp", lambda m, a: a.clamp(-1.0, 1.0), ((2, 4),)),
    Case("clamp_min", lambda m, a: a.clamp(min=0.0), ((2, 3),)),
    Case("clamp_max", lambda m, a: a.clamp(max=0.0), ((2, 3),)),
    Case("clamp_tensor", lambda m, a, lo: a.clamp(lo - 2, lo + 2), ((2, 3), (3,))),
    Case("where", lambda m, a, b: m.where(a > 0, a, b), ((2, 3), (3,))),
    Case("where_scalar", lambda m, a: m.where(a > 0, a, 0.0), ((2, 3),)),
    Case("maximum", lambda m, a, b: m.maximum(a, b), ((2, 3), (3,))),
    Case("minimum", lambda m, a, b: m.minimum(a, b), ((2, 3), (2, 3))),
    # reductions
    Case("sum", lambda m, a: a.sum(), ((2, 3),)),
    Case("sum_dim", lambda m, a: a.sum(0), ((2, 3),)),
    Case("sum_dims_keepdim", lambda m, a: a.sum((0, 2), keepdim=True), ((2, 3, 2),)),
    Case("sum_neg_dim", lambda m, a: a.sum(-1), ((2, 3),)),
    Case("mean", lambda m, a: a.mean(), ((2, 3),)),
    Case("mean_dim", lambda m, a: a.mean(1), ((2, 3),)),
    Case("mean_keepdim", lambda m, a: a.mean(0, keepdim=True), ((2, 3),)),
    Case("prod", lambda m, a: a.prod(), ((2, 3),)),
    Case("prod_dim", lambda m, a: a.prod(1), ((2, 3),)),
    Case("max", lambda m, a: a.max(), ((2, 3),)),
    Case("max_dim", lambda m, a: a.max(1)[0], ((2, 3),)),
    Case("max_dim_keepdim", lambda m, a: a.max(0, keepdim=True).values, ((3, 2),)),
    Case("min", lambda m, a: a.min(), ((2, 3),)),
    Case("min_dim", lambda m, a: a.min(0).values, ((2, 3),)),
    # matrix products
    Case("mm", lambda m, a, b: a.mm(b), ((2, 3), (3, 2))),
    Case("matmul_2d", lambda m, a, b: a @ b, ((2, 3), (3, 4))),
    Case("matmul_dot", lambda m, a, b: a @ b, ((3,), (3,))),
    Case("matmul_mv", lambda m, a, b: a @ b, ((2, 3), (3,))),
    Case("matmul_vm", lambda m, a, b: a @ b, ((3,), (3, 2))),
    Case("matmul_batched", lambda m, a, b: a @ b, ((2, 2, 3), (3, 2))),
    Case("matmul_batched_bcast", lambda m, a, b: a @ b, ((2, 1, 2, 3), (3, 3, 2))),
    Case("matmul_batched_vec", lambda m, a, b: a @ b, ((3,), (2, 3, 2))),
    Case("dot", lambda m, a, b: m.dot(a, b), ((4,), (4,))),
    # views
    Case("view", lambda m, a: a.view(3, 2) * 1, ((2, 3),)),
    Case("reshape_copy", lambda m, a: a.t().reshape(6), ((2, 3),)),
    Case("flatten", lambda m, a: a.flatten(), ((2, 3),)),
    Case("unflatten", lambda m, a: a.unflatten(0, (2, 2)), ((4, 2),)),
    Case("t", lambda m, a: a.t(), ((2, 3),)),
    Case("T", lambda m, a: a.T, ((2, 3),)),
    Case("mT", lambda m, a: a.mT, ((2, 2, 3),)),
    Case("transpose", lambda m, a: a.transpose(0, 2), ((2, 1, 3),)),
    Case("permute", lambda m, a: a.permute(2, 0, 1), ((2, 1, 3),)),
    Case("expand", lambda m, a: a.expand(2, 3, 3), ((3, 1),)),
    Case("sum_to_size", lambda m, a: a.sum_to_size(1, 3), ((2, 2, 3),)),
    Case("unsqueeze", lambda m, a: a.unsqueeze(1), ((2, 3),)),
    Case("squeeze", lambda m, a: a.squeeze(), ((2, 1, 3),)),
    Case("squeeze_dim", lambda m, a: a.squeeze(1), ((2, 1, 3),)),
    Case("squeeze_dims", lambda m, a: a.squeeze((0, 2)), ((1, 3, 1),)),
    Case("slice", lambda m, a: a[:, 1:], ((2, 3),)),
    Case("slice_step", lambda m, a: a[::2, 1::2], ((3, 4),)),
    Case("select", lambda m, a: a[1], ((2, 3),)),
    Case("select_neg", lambda m, a: a[:, -1], ((2, 3),)),
    Case("narrow", lambda m, a: a.narrow(1, 1, 2), ((2, 3),)),
    Case("as_strided", lambda m, a: a.as_strided((2, 2), (1, 2)), ((2, 3),)),
    Case("as_strided_overlap", lambda m, a: a.as_strided((3, 2), (1, 1)), ((4,),)),
    Case("as_strided_of_view", lambda m, a: a.t()[1:].as_strided((2, 2), (1, 3), 1), ((2, 3),)),
    Case("getitem_mixed", lambda m, a: a[None, 1, ..., ::2], ((2, 3, 3),)),
    Case("alias", lambda m, a: a[...], ((2, 3),)),
    Case("alias_whole_slices", lambda m, a: a[:, :3], ((2, 3),)),
    Case("alias_slice_past_end", lambda m, a: a[:10, 0:3:1], ((2, 3),)),
    Case("slice_lone_whole", lambda m, a: a[:2], ((2, 3),)),
    Case("slice_lone_colon", lambda m, a: a[:], ((2, 3),)),
    Case("slice_negative_start_whole", lambda m, a: a[:, -3:], ((2, 3),)),
    Case("reshape_view", lambda m, a: a.reshape(3, 2), ((2, 3),)),
    Case("reshape_alias", lambda m, a: a.t().reshape(3, 1, 2), ((2, 3),)),
    Case("reshape_alias_same_shape", lambda m, a: a[:, :2].reshape(2, 2), ((2, 3),)),
    Case("reshape_alias_strided", lambda m, a: a[:, ::2].reshape(4), ((2, 4),)),
    Case("flatten_alias", lambda m, a: a.t().unsqueeze(0).flatten(0, 1), ((2, 3),)),
    # indexing that copies
    Case("index_repeated", lambda m, a: a[[0, 1, 0, 0]], ((2, 3),)),
    Case("index_2d", lambda m, a: a[[1, 0, 1], [2, 2, 0]], ((2, 3),)),
    Case("index_tensor", lambda m, a: a[:, m.tensor([[0, 2], [2, 2]])], ((2, 3),)),
    Case("index_mask", lambda m, a: a[a > 0], ((2, 3),)),
    # joining and copying
    Case("cat", lambda m, a, b: m.cat([a, b], 1), ((2, 3), (2, 1))),
    Case("cat_three", lambda m, a, b: m.cat([a, b, a]), ((1, 3), (2, 3))),
    Case("stack", lambda m, a, b: m.stack([a, b, a], 1), ((2, 3), (2, 3))),
    Case("clone", lambda m, a: a.clone(), ((2, 3),)),
    Case("contiguous", lambda m, a: a.t().contiguous(), ((2, 3),)),
    Case("to_float", lambda m, a: a.float() * 2, ((3,),)),
    Case("reuse", lambda m, a: (a * a.exp()).sum(0) * a[0], ((2, 3),)),
    # in place, on non-leaves: each unary op's in-place form, and the other in-place ops
    *(Case(f"{name}_", _inplace(f"{name}_"), ((2, 3),), positive=name in _POSITIVE)
      for name in ("ceil", "round", "trunc", "expm1", "log2", "log10", "sinh", "cosh", "tan", "atan", "erf",
                   "square", "log", "sqrt", "cos", "tanh", "abs", "neg", "relu", "sign", "reciprocal", "absolute",
                   "negative")),
    *(Case(f"{name}_", lambda m, a, name=name: getattr(a * 0.5, f"{name}_")(), ((2, 3),))  # inside (-1, 1)
      for name in ("asin", "acos", "arcsin")),
    Case("fmod_", lambda m, a, b: (a * 3).fmod_(b.abs() + 0.5), ((2, 3), (3,))),
    Case("atan2_", _inplace("atan2_"), ((2, 3), (2, 1))),
    Case("lerp_", lambda m, a, b: (a * 1).lerp_(b, 0.3), ((2, 3), (3,))),
    Case("masked_fill", lambda m, a, b: a.masked_fill(b > 0, -2.0), ((2, 3), (3,))),
    Case("masked_fill_tensor_", lambda m, a, b, c: (a * 1).masked_fill_(b > 0, c.sum()), ((2, 3), (3,), (2,))),
    Case("index_fill_", lambda m, a: (a * 1).index_fill_(1, m.tensor([0, 2]), -1.0), ((2, 3),)),
    Case("mv", lambda m, a, b: m.mv(a, b), ((2, 3), (3,))),
    Case("bmm", lambda m, a, b: m.bmm(a, b), ((2, 2, 3), (2, 3, 4))),
    Case("linalg_det", lambda m, a: m.linalg.det(a + 3 * m.eye(3, dtype=m.float64)), ((2, 3, 3),)),
    Case("type_as", lambda m, a, b: a.type_as(b) * 2, ((2, 3), (3,))),
    Case("broadcast_tensors", lambda m, a, b: m.broadcast_tensors(a, b)[1] * m.broadcast_tensors(a, b)[0],
         ((2, 3), (3,))),
    Case("meshgrid", lambda m, a, b: m.meshgrid(a, b, indexing="ij")[0] * m.meshgrid(a, b, indexing="xy")[1].mT,
         ((2,), (3,))),
    Case("unsqueeze_", lambda m, a: (a * 1).unsqueeze_(1) * 2, ((2, 3),)),
    Case("t_", lambda m, a: (a * 1).t_() * 2, ((2, 3),)),
    Case("transpose_", lambda m, a: (a * 1).transpose_(0, 1) * 2, ((2, 3),)),
    Case("squeeze_", lambda m, a: (a * 1).squeeze_(0) * 2, ((1, 3),)),
    Case("swapaxes_", lambda m, a: (a * 1).swapaxes_(0, 1) * 2, ((2, 3),)),
    Case("mul_", _inplace("mul_"), ((2, 3), (3,))),
    Case("add_", _inplace("add_"), ((2, 3), (2, 3))),
    Case("sub_alpha_", lambda m, a, b: (a * 1).sub_(b, alpha=2), ((2, 3), (3,))),
    Case("div_", _inplace("div_"), ((2, 3), (3,))),
    Case("div_scalar_", _inplace("div_", 4.0), ((2, 3),)),
    Case("mul_scalar_", lambda m, a: (a * 1).mul_(3).exp(), ((2, 3),)),
    Case("pow_", _inplace("pow_", 2), ((2, 3),)),
    Case("exp_after_mul_", lambda m, a: (a * 1).mul_(2).exp(), ((3,),)),
    Case("clamp_", _inplace("clamp_", -1.0, 1.0), ((2, 3),)),
    Case("copy_", lambda m, a, b: (a * 1).copy_(b), ((2, 3), (3,))),
    Case("fill_", lambda m, a, b: (a * 1).fill_(b.sum()) * a, ((2, 3), (2,))),
    Case("zero_", lambda m, a: (a * 1).zero_() + a, ((2, 3),)),
    Case("write_view", _write_view, ((2, 3), (2, 3))),
    Case("setitem", _setitem, ((2, 3), (2, 3))),
    Case("setitem_advanced", _setitem_advanced, ((2, 3), (2, 3))),
    Case("setitem_mask", _setitem_mask, ((2, 3), (2, 3))),
    Case("fill_number", lambda m, a: (a * 1).fill_(5) * a, ((2, 3),)),
    Case("setitem_ellipsis_number", _setitem_fn(..., lambda m, b: 5), ((2, 3), (2, 3))),
    Case("setitem_colon_number", _setitem_fn(slice(None), lambda m, b: 5.0), ((2, 3), (2, 3))),
    Case("setitem_row_number", _setitem_fn(1, lambda m, b: 5), ((2, 3), (2, 3))),
    Case("setitem_tail_number", _setitem_fn(slice(1, None), lambda m, b: 5.0), ((3, 2), (2, 3))),
    Case("setitem_mask_number", lambda m, a: _setitem_fn(a > 0, lambda m, b: 5)(m, a, a), ((2, 3),)),
    Case("setitem_ellipsis_0d", _setitem_fn(..., lambda m, b: b.sum()), ((2, 3), (2, 3))),
    Case("setitem_row_0d", _setitem_fn(1, lambda m, b: b.sum()), ((2, 3), (2, 3))),
    Case("setitem_element_0d", _setitem_fn((0, 1), lambda m, b: b.sum()), ((2, 3), (2, 3))),
    Case("setitem_index_0d", _setitem_fn([0, 1], lambda m, b: b.sum()), ((2, 3), (2, 3))),
    Case("setitem_colon_tensor", _setitem_fn(slice(None), lambda m, b: b), ((2, 3), (2, 3))),
    Case("setitem_ellipsis_row", _setitem_fn(..., lambda m, b: b[0]), ((2, 3), (2, 3))),
    Case("setitem_row_of_1_by_n", _setitem_fn(1, lambda m, b: b[:1]), ((2, 3), (2, 3))),
    Case("fill_view", _fill_view, ((3, 2),)),
    Case("view_after_base_write", _view_after_base_write, ((2, 3), (3,))),
    Case("write_transposed_base", _write_transposed_base, ((2, 3), (2, 3))),
    # pieces (views from one node), some without a gradient
    Case("split", lambda m, a: a.split(2, 1)[0] * 2 + a.split(2, 1)[1].exp(), ((2, 4),)),
    Case("split_sizes", lambda m, a: m.split(a, [1, 2], 1)[1], ((2, 3),)),
    Case("chunk", lambda m, a: m.cat(a.chunk(3)[::-1]), ((5, 2),)),
    Case("unbind", lambda m, a: a.unbind(1)[2] * a.unbind(1)[0], ((2, 3),)),
    Case("diagonal", lambda m, a: a.diagonal(1), ((3, 4),)),
    Case("diagonal_3d", lambda m, a: a.diagonal(-1, 2, 0), ((3, 2, 4),)),
    Case("unfold_overlapping", lambda m, a: a.unfold(1, 3, 1), ((2, 5),)),
    Case("movedim", lambda m, a: m.movedim(a, (0, 2), (2, 0)), ((2, 3, 4),)),
    Case("swapaxes", lambda m, a: a.swapaxes(0, -1), ((2, 3),)),
    # rearranging copies
    Case("repeat", lambda m, a: a.repeat(2, 1, 3), ((2, 3),)),
    Case("tile", lambda m, a: m.tile(a, (2,)), ((2, 3),)),
    Case("flip", lambda m, a: a.flip(0, 2), ((2, 3, 2),)),
    Case("roll", lambda m, a: m.roll(a, (1, -2), (0, 1)), ((2, 3),)),
    Case("roll_flat", lambda m, a: a.roll(4), ((2, 3),)),
    Case("rot90", lambda m, a: a.rot90(1, (0, 1)), ((2, 3),)),
    Case("rot90_twice", lambda m, a: a.rot90(-2, (1, 0)), ((2, 3),)),
    Case("tril", lambda m, a: a.tril(), ((3, 3),)),
    Case("triu", lambda m, a: m.triu(a, -1), ((2, 3, 4),)),
    Case("diag_of_vector", lambda m, a: m.diag(a, 1), ((3,),)),
    Case("diag_of_matrix", lambda m, a: a.diag(-1), ((3, 4),)),
    Case("diag_embed", lambda m, a: m.diag_embed(a, 1, 0, 2), ((2, 3),)),
    Case("diagflat", lambda m, a: a.t().diagflat(-1), ((2, 3),)),
    Case("repeat_interleave", lambda m, a: a.repeat_interleave(2, dim=0), ((2, 3),)),
    Case("repeat_interleave_flat", lambda m, a: a.repeat_interleave(3), ((2, 2),)),
    Case("repeat_interleave_counts", lambda m, a: a.repeat_interleave(m.tensor([2, 0, 1]), dim=1), ((2, 3),)),
    Case("hstack", lambda m, a, b: m.hstack([a, b]), ((3,), (2,))),
    Case("vstack", lambda m, a, b: m.vstack([a, b]), ((3,), (2, 3))),
    Case("dstack", lambda m, a, b: m.dstack([a, b]), ((2, 3), (2, 3))),
    Case("column_stack", lambda m, a, b: m.column_stack([a, b]), ((3,), (3, 2))),
    # selection by index tensors
    Case("gather", lambda m, a: a.gather(1, m.tensor([[0, 0, 2], [1, 2, 1]])), ((2, 3),)),
    Case("scatter", lambda m, a, b: a.scatter(1, m.tensor([[2, 0], [1, 2]]), b), ((2, 3), (2, 2))),
    Case("scatter_value", lambda m, a: m.scatter(a, 0, m.tensor([[1, 0, 1]]), 2.5), ((2, 3),)),
    Case("scatter_add", lambda m, a, b: a.scatter_add(0, m.tensor([[1, 1, 0]]), b), ((2, 3), (1, 3))),
    Case("scatter_", lambda m, a, b: (a * 1).scatter_(1, m.tensor([[1], [0]]), b), ((2, 3), (2, 1))),
    Case("index_select", lambda m, a: a.index_select(1, m.tensor([2, 0, 2])), ((2, 3),)),
    Case("index_add", lambda m, a, b: a.index_add(0, m.tensor([1, 1]), b, alpha=2), ((2, 3), (2, 3))),
    Case("index_add_", lambda m, a, b: (a * 1).index_add_(1, m.tensor([2]), b), ((2, 3), (2, 1))),
    Case("index_fill", lambda m, a: a.index_fill(1, m.tensor([0, 2]), -1.0), ((2, 3),)),
    Case("index_fill_tensor", lambda m, a, b: a.index_fill(0, m.tensor([1]), b.sum()), ((2, 3), (2,))),
    Case("masked_select", lambda m, a, b: a.masked_select(b > 0), ((3,), (2, 3))),
    Case("take", lambda m, a: a.take(m.tensor([[0, 5], [-1, 0]])), ((2, 3),)),
    Case("take_along_dim", lambda m, a: m.take_along_dim(a, m.tensor([[2], [0], [1]]), 1), ((1, 3),)),
    Case("take_along_dim_flat", lambda m, a: a.take_along_dim(m.tensor([5, 0, 5])), ((2, 3),)),
    # statistics, norms, running reductions
    Case("var", lambda m, a: a.var(), ((2, 3),)),
    Case("var_dim", lambda m, a: a.var(1, keepdim=True, correction=0), ((2, 3),)),
    Case("std", lambda m, a: a.std(), ((2, 3),)),
    Case("std_dims", lambda m, a: m.std(a, (0, 2)), ((2, 3, 2),)),
    Case("var_mean", lambda m, a: (lambda v, mean: v * 2 + mean)(*m.var_mean(a, 1)), ((2, 3),)),
    Case("std_mean", lambda m, a: (lambda s, mean: s - mean * mean)(*m.std_mean(a, (0, 2), keepdim=True)), ((2, 3, 2),)),
    Case("var_mean_only_mean", lambda m, a: m.var_mean(a, correction=0)[1], ((2, 3),)),
    Case("norm", lambda m, a: a.norm(), ((2, 3),)),
    Case("norm_1_dim", lambda m, a: a.norm(1, 1), ((2, 3),)),
    Case("norm_3", lambda m, a: a.norm(3, 0, keepdim=True), ((2, 3),)),
    Case("norm_inf", lambda m, a: a.norm(float("inf"), 1), ((2, 3),)),
    Case("dist", lambda m, a, b: a.dist(b), ((2, 3), (3,))),
    Case("dist_1", lambda m, a, b: m.dist(a, b, 1), ((2, 3), (2, 3))),
    Case("logsumexp", lambda m, a: a.logsumexp(1), ((2, 3),)),
    Case("amax", lambda m, a: a.amax(), ((2, 3),)),
    Case("amin_dim", lambda m, a: a.amin(0, keepdim=True), ((2, 3),)),
    Case("nansum", lambda m, a: a.nansum(1), ((2, 3),)),
    Case("nanmean", lambda m, a: a.nanmean(), ((2, 3),)),
    Case("cumsum", lambda m, a: a.cumsum(1), ((2, 3),)),
    Case("cumprod", lambda m, a: a.cumprod(0), ((3, 2),)),
    Case("cumprod_with_zero", lambda m, a: (a * m.tensor([1.0, 0.0, 1.0, 1.0], dtype=m.float64)).cumprod(0), ((4,),)),
    Case("cummax", lambda m, a: a.cummax(1)[0], ((2, 4),)),
    Case("cummin", lambda m, a: m.cummin(a, 0).values, ((3, 2),)),
    # sorting and picking
    Case("sort", lambda m, a: a.sort(1)[0], ((2, 3),)),
    Case("sort_descending", lambda m, a: a.sort(0, descending=True).values, ((3, 2),)),
    Case("topk", lambda m, a: a.topk(2)[0], ((2, 4),)),
    Case("kthvalue", lambda m, a: a.kthvalue(2, 0)[0], ((3, 2),)),
    Case("median", lambda m, a: a.median(), ((2, 3),)),
    Case("median_dim", lambda m, a: a.median(1, keepdim=True)[0], ((2, 3),)),
    Case("nanmedian", lambda m, a: m.where(m.tensor([[True, False, True], [False, True, True]]), a, float("nan"))
         .nanmedian(), ((2, 3),)),
    Case("nanmedian_dim", lambda m, a: m.nanmedian(m.where(m.tensor([[True, False], [False, True], [True, True]]), a,
                                                           float("nan")), 0).values, ((3, 2),)),
    Case("mode", lambda m, a: a.mode(1)[0], ((2, 3),)),
    # products and matrices
    Case("lerp", lambda m, a, b: a.lerp(b, 0.3), ((2, 3), (3,))),
    Case("lerp_far", lambda m, a, b: m.lerp(a, b, 0.8), ((2, 3), (2, 3))),
    Case("lerp_tensor_weight", lambda m, a, b, w: a.lerp(b, w), ((2, 3), (3,), (2, 1))),
    Case("outer", lambda m, a, b: m.outer(a, b), ((3,), (2,))),
    Case("addmm", lambda m, c, a, b: m.addmm(c, a, b), ((3,), (2, 4), (4, 3))),
    Case("addmm_scaled", lambda m, c, a, b: c.addmm(a, b.t(), beta=0.5, alpha=2), ((2, 3), (2, 4), (3, 4))),
    Case("kron", lambda m, a, b: m.kron(a, b), ((2, 3), (2, 2))),
    Case("tensordot", lambda m, a, b: m.tensordot(a, b, 1), ((2, 3), (3, 2))),
    Case("tensordot_pairs", lambda m, a, b: m.tensordot(a, b, ([0, 2], [1, 0])), ((2, 3, 4), (4, 2))),
    Case("trace", lambda m, a: a.trace(), ((3, 4),)),
    Case("cross", lambda m, a, b: m.linalg.cross(a, b), ((2, 3), (1, 3))),
    Case("einsum_matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), ((2, 3), (3, 2))),
    Case("einsum_diagonal", lambda m, a: m.einsum("ii->i", a), ((3, 3),)),
    Case("det", lambda m, a: (a + 3 * m.eye(3, dtype=m.float64)).det(), ((3, 3),)),
    Case("inverse", lambda m, a: m.linalg.inv(a + 3 * m.eye(3, dtype=m.float64)), ((3, 3),)),
    Case("solve", lambda m, a, b: m.linalg.solve(a + 3 * m.eye(3, dtype=m.float64), b), ((3, 3), (3, 2))),
    Case("addcmul", lambda m, a, b, c: a.addcmul(b, c, value=-0.5), ((2, 3), (3,), (2, 1))),
    Case("addcdiv", lambda m, a, b, c: m.addcdiv(a, b, c, value=2), ((2, 3), (2, 3), (3,)), positive=True),
    Case("solve_vector", lambda m, a, b: m.linalg.solve(a + 3 * m.eye(3, dtype=m.float64), b), ((3, 3), (3,))),
    Case("matrix_norm_nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), ((3, 4),)),
    Case("matrix_norm_2", lambda m, a: m.linalg.matrix_norm(a, 2, dim=(0, 2), keepdim=True), ((3, 2, 4),)),
    Case("matrix_norm_1", lambda m, a: m.linalg.norm(a, 1), ((3, 4),)),
    Case("matrix_norm_inf", lambda m, a: m.linalg.matrix_norm(a, -float("inf"), dim=(2, 0)), ((3, 2, 4),)),
    Case("svdvals", lambda m, a: m.linalg.svdvals(a), ((2, 4, 3),)),
    Case("solve_left_false", lambda m, a, b: m.linalg.solve(a + 3 * m.eye(3, dtype=m.float64), b, left=False),
         ((2, 3, 3), (4, 3))),
]


def structure(fn, seen=None):
    """The graph below a grad_fn as nested tuples of names and output numbers.
    torch's engine nodes are named torch::autograd::..., tinytorch's tinytorch::autograd::..."""
    if fn is None:
        return None
    name = fn.name()
    if name.startswith("torch::"):
        name = "tinytorch::" + name.removeprefix("torch::")
    return name, tuple((structure(nxt), nr) for nxt, nr in fn.next_functions)
