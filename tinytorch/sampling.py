"""Random draws beyond rand/randn/randint (creation.py): normal(), bernoulli(),
multinomial(), randint_like(), and the in-place fills uniform_(), normal_(),
bernoulli_(), random_(), exponential_() that nn.init and dropout use.

All draw from a tinytorch.Generator (random.py): the default one of the
tensor's device, or the one passed as generator=. On the CPU they give torch's
numbers. A fill writes its draws in memory order (for a transposed tensor,
down the columns), as torch's kernel walks memory.
"""
import numpy as np

from . import dtypes
from . import strides as S
from .creation import _make, _random_dtype, check_random_range, randint
from .device import to_device
from .exact.arguments import TENSOR_OPTIONS, invalid_combination, is_index, parser_arguments
from .exact.layout import memory_order
from .autograd import grad_mode
from .autograd.graph import Node
from .ops.base import Tensor, from_array, needs_grad, record, xp_of, zeros_for
from .random import generator as _generator


def _fill(t, draw):
    """Write `draw(n)` (n NumPy values, drawn in order) into t's elements in memory order
    (exact.layout.memory_order: the order torch's kernel walks t), in place."""
    values = np.asarray(draw(t.numel()), dtype=t.dtype.numpy)
    slowest_first = memory_order(t._shape, [t._stride])[::-1]
    values = values.reshape([t._shape[d] for d in slowest_first]).transpose(np.argsort(slowest_first))
    on_cpu = from_array(np.asarray(values, order="C"), t.dtype, to_device("cpu"))
    return t.copy_(on_cpu if t.device.type == "cpu" else on_cpu.to(t.device))


def uniform_(t, a=0.0, b=1.0, generator=None):
    """Fill t with numbers drawn uniformly from [a, b)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    _random_dtype(t.dtype, "check_uniform_bounds")
    return _fill(t, lambda n: _generator(t.device, generator).uniform(n, t.dtype, a, b))


def normal_(t, mean=0.0, std=1.0, generator=None):
    """Fill t with numbers drawn from a normal distribution."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")  # C++'s way: -1, not -1.0
    _random_dtype(t.dtype, "normal_kernel_cpu")
    in_blocks = t.numel() >= 16 and t.is_contiguous()
    return _fill(t, lambda n: _generator(t.device, generator).normal(n, t.dtype, mean, std, in_blocks))


def bernoulli_(t, p=0.5, generator=None):
    """Fill t with 1 (probability p, a number or a tensor of them) or 0."""
    probabilities = p._data if isinstance(p, Tensor) else p
    if np.any((np.asarray(probabilities) < 0) | (np.asarray(probabilities) > 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    if isinstance(p, Tensor):
        return t.copy_(bernoulli(p.expand(t.shape), generator=generator))
    return _fill(t, lambda n: _generator(t.device, generator).bernoulli(np.full(n, float(p))))


def random_(t, low=None, high=None, generator=None):
    """Fill t with integers drawn uniformly from [low, high) (from [0, low) given one
    bound; with none, from 0 to the largest integer t's dtype holds exactly)."""
    if low is None and high is None:
        low, high = 0, _RANDOM_LIMITS.get(t.dtype.name) or dtypes.limits(t.dtype)[1] + 1
    else:
        low, high = (0, low) if high is None else (low or 0, high)
        check_random_range(low, high, t.dtype)
    return _fill(t, lambda n: _generator(t.device, generator).integers(n, low, high, t.dtype))


# random_() with no bounds on a float dtype: 0 .. 2**mantissa digits, both included
_RANDOM_LIMITS = {"float64": 2**53 + 1, "float32": 2**24 + 1, "float16": 2**11 + 1, "bool": 2}


def exponential_(t, lambd=1.0, generator=None):
    """Fill t with numbers drawn from the exponential distribution of rate lambd."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    _random_dtype(t.dtype, "exponential_cpu")
    return _fill(t, lambda n: _generator(t.device, generator).exponential(n, lambd))


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Normal draws: one per element of mean and std (broadcast) when either is a
    tensor, or `size` of them with a number for each."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        if isinstance(std, Tensor) and std.numel() and float(std.min()) < 0:
            raise RuntimeError("normal expects all elements of std >= 0.0")
        like = mean if isinstance(mean, Tensor) else std
        shape = S.broadcast_shapes(mean._shape if isinstance(mean, Tensor) else (),
                                   std._shape if isinstance(std, Tensor) else ())
        with grad_mode.no_grad():
            out = like.new_empty(shape)
            # as torch: draw N(0, 1) (or N(0, std) for a number std), then scale and shift in out's dtype
            if isinstance(std, Tensor):
                normal_(out, 0.0, 1.0, generator).mul_(std).add_(mean)
            else:
                normal_(out, 0.0, std, generator).add_(mean)
        inputs = tuple(t for t in (mean, std) if isinstance(t, Tensor))
        if needs_grad(*inputs):  # recorded, but a draw moves with neither: their gradients are 0, as in PyTorch
            node = NormalBackward3() if len(inputs) == 2 else NormalBackward1() if inputs[0] is mean \
                else NormalBackward2()
            record(node, out, inputs)
        return out
    if size is None:
        raise TypeError("normal() missing 1 required positional argument: \"size\"")
    d = _random_dtype(dtype, "normal_kernel_cpu")
    out = _make(np.empty(tuple(size), dtype=d.numpy), d, device, False)
    return normal_(out, mean, std, generator).requires_grad_(requires_grad)


class _NormalBackward(Node):
    """normal's node: a draw does not move with mean or std, so each gets a gradient of 0s."""

    def backward(self, grad):
        zeros = tuple(zeros_for(grad, meta[0]) for meta in self.input_meta)
        return zeros if len(zeros) > 1 else zeros[0]


class NormalBackward1(_NormalBackward):  # normal(mean tensor, std number)
    saved_settings = ("mean_sym_sizes",)

    @property
    def mean_sym_sizes(self):
        return self.input_meta[0][0]


class NormalBackward2(_NormalBackward):  # normal(mean number, std tensor)
    saved_settings = ("std_sym_sizes",)

    @property
    def std_sym_sizes(self):
        return self.input_meta[0][0]


class NormalBackward3(NormalBackward1):  # normal(mean tensor, std tensor)
    saved_settings = ("mean_sym_sizes", "std_sym_sizes")

    @property
    def std_sym_sizes(self):
        return self.input_meta[1][0]


def bernoulli(input, p=None, *, generator=None):
    """1 with the probability in each element of input (or p), else 0; input's dtype."""
    if p is not None:  # one probability for every element
        return bernoulli_(input.new_empty(input.shape), p, generator)
    xp = xp_of(input)
    if xp.any((input._data < 0) | (input._data > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    probabilities = np.asarray(input.detach().cpu().contiguous().numpy())
    # a float64 p is compared with a float64 uniform, any other with a float32 one
    values = _generator(input.device, generator).bernoulli(probabilities, in_float32=input.dtype != dtypes.float64)
    return from_array(values.astype(input.dtype.numpy), input.dtype, to_device("cpu")).to(input.device)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """Indices drawn with the probabilities in each row of input (weights, not
    necessarily summing to 1); without replacement each index at most once."""
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{dtypes.type_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = np.asarray(input.detach().cpu().contiguous().numpy()).reshape(-1, input._shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = _generator(input.device, generator)
    if replacement and num_samples > 1:
        # each row's running sum, scaled to end at 1; a uniform float64 picks the first
        # index whose running sum reaches it
        cumulative = np.cumsum(rows, axis=1, dtype=rows.dtype)
        cumulative = cumulative / cumulative[:, -1:]
        picks = np.stack([np.searchsorted(row, gen.uniform(num_samples, dtypes.float64), side="left")
                          for row in cumulative])
    else:
        # divide each weight by an exponential draw and keep the k largest: this picks in
        # proportion to the weights, each index at most once (zero weights last); torch
        # takes this way for a single sample too
        keys = rows / gen.exponential(rows.size).astype(rows.dtype).reshape(rows.shape)
        picks = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    values = picks.astype(np.int64).reshape(input._shape[:-1] + (num_samples,))
    return from_array(values, dtypes.int64, input.device)


_RANDINT_LIKE_SIGNATURES = [
    f"(Tensor input, {bounds}, *, {generator}tinytorch.memory_format memory_format = None, {TENSOR_OPTIONS})"
    for bounds in ("int low, int high", "Tensor high", "int high")
    for generator in ("tinytorch.Generator generator, ", "")
]


def randint_like(input, *args, dtype=None, device=None, requires_grad=False, **bounds):
    """randint with input's shape (and dtype, unless given): randint_like(x, high) or (x, low, high),
    by position or keyword (a one-element integer tensor may stand for high)."""
    given = list(args) + [bounds[name] for name in ("low", "high") if name in bounds]
    low_by_keyword_alone = "low" in bounds and "high" not in bounds
    fits = (not set(bounds) - {"low", "high"} and len(given) in (1, 2) and not low_by_keyword_alone
            and not ("low" in bounds and args)  # (a positional value is low already)
            and all(is_index(value) for value in given))
    if not fits:
        got = ["Tensor"] + parser_arguments(args, bounds)
        raise TypeError(invalid_combination("randint_like", got, _RANDINT_LIKE_SIGNATURES))
    low, high = (0, given[0]) if len(given) == 1 else given
    return randint(int(low), int(high), tuple(input._shape), dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)
