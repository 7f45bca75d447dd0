"""Random draws beyond rand/randn/randint (creation.py): normal(), bernoulli(),
multinomial(), randint_like(), and the in-place fills uniform_(), normal_(),
bernoulli_(), random_() that nn.init uses.

All draw from tinytorch's generator (random.py): reproducible after
manual_seed, with numbers that differ from PyTorch's.
"""
import numpy as np

from . import dtypes
from .creation import _make, _random_dtype, randint
from .device import to_device
from .ops.base import Tensor, from_array, xp_of
from .random import generator


def _draw(t, values):
    """Write the NumPy array `values` (drawn on the CPU) into t, in place."""
    return t.copy_(from_array(np.asarray(values, dtype=t.dtype.numpy), t.dtype, t.device)
                   if t.device.type == "cpu" else
                   from_array(values.astype(t.dtype.numpy), t.dtype, to_device("cpu")).to(t.device))


def uniform_(t, a=0.0, b=1.0):
    """Fill t with numbers drawn uniformly from [a, b)."""
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    _random_dtype(t.dtype, "check_uniform_bounds")
    return _draw(t, generator(t.device).uniform(a, b, t._shape))


def normal_(t, mean=0.0, std=1.0):
    """Fill t with numbers drawn from a normal distribution."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    _random_dtype(t.dtype, "normal_kernel_cpu")
    return _draw(t, generator(t.device).normal(mean, std, t._shape))


def bernoulli_(t, p=0.5):
    """Fill t with 1 (probability p, a number or a tensor of them) or 0."""
    probabilities = p._data if isinstance(p, Tensor) else p
    if np.any((np.asarray(probabilities) < 0) | (np.asarray(probabilities) > 1)):
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _draw(t, generator(t.device).random(t._shape) < probabilities)


def random_(t, low=0, high=None):
    """Fill t with integers drawn uniformly from [low, high) (from [0, low) given one bound)."""
    if high is None:
        low, high = 0, low
    return _draw(t, generator(t.device).integers(low, high, t._shape))


def normal(mean=0.0, std=1.0, size=None, *, dtype=None, device=None, requires_grad=False):
    """Normal draws: one per element of mean and std (broadcast) when either is a
    tensor, or `size` of them with a number for each."""
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        like = mean if isinstance(mean, Tensor) else std
        m = mean._data if isinstance(mean, Tensor) else mean
        s = std._data if isinstance(std, Tensor) else std
        if np.any(np.asarray(s) < 0):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        values = generator(like.device).normal(m, s)
        return from_array(np.asarray(values, dtype=like.dtype.numpy), like.dtype, like.device)
    if size is None:
        raise TypeError("normal() missing 1 required positional argument: \"size\"")
    d = _random_dtype(dtype, "normal_kernel_cpu")
    values = generator(to_device(device)).normal(mean, std, tuple(size))
    return _make(values.astype(d.numpy), d, device, requires_grad)


def bernoulli(input, p=None):
    """1 with the probability in each element of input (or p), else 0; input's dtype."""
    probabilities = input._data if p is None else p
    xp = xp_of(input)
    if xp.any((xp.asarray(probabilities) < 0) | (xp.asarray(probabilities) > 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                           "improved?  If so, please report an enhancement request to PyTorch.)")
    values = generator(input.device).random(input._shape) < probabilities
    return from_array(np.asarray(values, dtype=input.dtype.numpy), input.dtype, input.device)


def multinomial(input, num_samples, replacement=False):
    """Indices drawn with the probabilities in each row of input (weights, not
    necessarily summing to 1); without replacement each index at most once."""
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: "
                           f"{dtypes.type_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    rows = np.asarray(input._data, dtype=np.float64).reshape(-1, input._shape[-1])
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    if (rows < 0).any() or not np.isfinite(rows).all():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = generator(input.device)
    if replacement:
        picks = np.array([gen.choice(rows.shape[1], num_samples, p=row / row.sum()) for row in rows])
    else:
        # PyTorch's way: divide each weight by an exponential draw and keep the k largest,
        # which picks in proportion to the weights, each index at most once (zero weights last).
        keys = rows / gen.exponential(size=rows.shape)
        picks = np.argsort(-keys, axis=1, kind="stable")[:, :num_samples]
    values = picks.astype(np.int64).reshape(input._shape[:-1] + (num_samples,))
    return from_array(values, dtypes.int64, input.device)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    """randint with input's shape (and dtype, unless given)."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input._shape), dtype=input.dtype if dtype is None else dtype,
                   device=input.device if device is None else device, requires_grad=requires_grad)
