"""Random numbers, made the way PyTorch makes them on the CPU.

A generator is a Mersenne Twister (MT19937): manual_seed(s) fills its state of
624 words from s, and from then on it gives a fixed stream of 32-bit words.
Every random function turns words into numbers in a fixed way, so after the
same seed the same calls give the same numbers as PyTorch:

    rand, uniform_      24 bits of a word times 2**-24: a float in [0, 1)
                        (float64: 53 bits of two words, times 2**-53)
    randint, random_    a word modulo the size of the range (two words when the
                        range holds 2**32 numbers or more)
    randperm            Fisher-Yates: item i swaps with item i + (a word modulo n - i)
    bernoulli, dropout  1 where a uniform float is below p
    randn, normal_      Box-Muller: uniforms u1, u2 give two normals,
                        sqrt(-2 log(1 - u1)) * cos(2 pi u2) and ... * sin(2 pi u2)
    exponential_        -log(1 - u)

So tinytorch.manual_seed(0); tinytorch.rand(3) prints tensor([0.4963, 0.7682, 0.0885]),
as torch does. How PyTorch's kernels order and round the normals (in blocks of
16, with vectorized float32 log and sine) is in exact/normal_blocks.py.

Each GPU has its own generator (tinytorch.cuda.manual_seed). Its numbers are
made here and copied over; they differ from torch's on a GPU, which uses
another algorithm (Philox). Pinned by tests/test_random_oracle.py.
"""
import math
import os

import numpy as np

from . import dtypes, exact

DEFAULT_SEED = 67280421310721  # what a new torch.Generator() starts from


class Generator:
    """One stream of random numbers: a seeded Mersenne Twister and what it has drawn."""

    def __init__(self, device="cpu"):
        from .device import to_device
        self.device = to_device(device)
        self._twister = np.random.MT19937()
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Restart the stream from `seed` (any int from -2**63 to 2**64 - 1)."""
        self._initial_seed = _as_seed(seed)
        # The twister's standard seeding (Matsumoto and Nishimura's init_genrand): only the low 32 bits count.
        key = [self._initial_seed & 0xFFFFFFFF]
        for i in range(1, 624):
            key.append((1812433253 * (key[-1] ^ (key[-1] >> 30)) + i) & 0xFFFFFFFF)
        self._twister.state = {"bit_generator": "MT19937", "state": {"key": np.array(key, np.uint32), "pos": 624}}
        self._drawn = False  # (only get_state cares: torch marks a fresh state apart)
        self._spare_normal = None  # Box-Muller makes normals in pairs: the second waits here
        return self

    def seed(self):
        """Restart the stream from a seed taken from the operating system, and return it."""
        self.manual_seed(int.from_bytes(os.urandom(8), "little"))
        return self._initial_seed

    def initial_seed(self):
        return self._initial_seed

    def __repr__(self):
        return f"<tinytorch.Generator object at {hex(id(self))}>"

    # -- words -----------------------------------------------------------------------
    def words(self, n):
        """The next n 32-bit words, as uint64."""
        self._drawn = self._drawn or n > 0
        return self._twister.random_raw(n)

    def words64(self, n):
        """The next n 64-bit numbers, each from two words: the first is the high half."""
        pairs = self.words(2 * n)
        return (pairs[0::2] << np.uint64(32)) | pairs[1::2]

    # -- numbers ---------------------------------------------------------------------
    def uniform(self, n, dtype, low=0.0, high=1.0):
        """n floats of `dtype` in [low, high): as many bits as the dtype's mantissa holds, scaled.
        torch computes units * (high - low) + low in float64 (its CPU "accumulate
        type"), with high - low taken in the dtype itself. A value that rounds up to
        `high` (a float16 close to 1, say) becomes `low`, as torch's kernel keeps it below."""
        if dtype.numpy == np.float64:
            units = (self.words64(n) & np.uint64(2**53 - 1)).astype(np.float64) * 2.0**-53
            values = exact.rounding.fma(units, high - low, low)  # rounded once, as a fused multiply-add
        else:  # float32 and float16 alike: 24 bits, computed as for float32 (float16 rounds the result)
            units = (self.words(n) & np.uint64(2**24 - 1)).astype(np.float32) * np.float32(2.0**-24)
            values = exact.rounding.fma32(units, np.float32(high) - np.float32(low), np.float32(low))
            values = values.astype(dtype.numpy)
        low, high = dtype.numpy.type(low), dtype.numpy.type(high)
        return np.where(values == high, low, values)

    def integers(self, n, low, high, dtype):
        """n integers in [low, high): a word modulo the range, plus low. A range of
        2**32 numbers or more takes two words per number, in the dtypes whose torch
        kernel draws them so (int64, float64, float32)."""
        size = high - low
        wide = size >= 2**32 and dtype in (dtypes.int64, dtypes.float64, dtypes.float32)
        draws = self.words64(n) if wide else self.words(n)
        return (draws % np.uint64(size)).astype(np.int64) + np.int64(low)

    def permutation(self, n):
        """0 .. n-1 shuffled (Fisher-Yates, front to back)."""
        items = list(range(n))
        for i, word in enumerate(self.words(max(n - 1, 0)).tolist()):
            j = i + word % (n - i)
            items[i], items[j] = items[j], items[i]
        return np.array(items, dtype=np.int64)

    def normal(self, n, dtype, mean=0.0, std=1.0, in_blocks=False):
        """n normal floats. Filling a dense tensor of 16 or more, torch makes them in
        blocks (exact/normal_blocks.py); otherwise one at a time, in float64, each
        Box-Muller pair's second normal kept for the next draw."""
        if in_blocks:
            return exact.normal_blocks.normal_fill(self, n, dtype, mean, std)
        values = []
        while len(values) < n:
            if self._spare_normal is not None:
                values.append(self._spare_normal)
                self._spare_normal = None
                continue
            u1, u2 = self.uniform(2, dtypes.float64).tolist()
            radius = math.sqrt(-2.0 * math.log1p(-u2))
            theta = 2.0 * math.pi * u1
            self._spare_normal = radius * math.sin(theta)
            values.append(radius * math.cos(theta))
        return exact.rounding.fma(np.array(values, dtype=np.float64), std, mean).astype(dtype.numpy)

    def bernoulli(self, p, in_float32=False):
        """1.0 where a uniform float64 (float32 when p is a float32 tensor) is below p, for each p."""
        p = np.asarray(p)
        units = self.uniform(p.size, dtypes.float32 if in_float32 else dtypes.float64)
        return (units.reshape(p.shape) < p).astype(np.float64)

    def exponential(self, n, lambd=1.0):
        """n draws of -log(1 - u) / lambd (log1p as the C library computes it)."""
        units = self.uniform(n, dtypes.float64)
        return np.array([-1.0 / lambd * math.log1p(-u) for u in units.tolist()], dtype=np.float64)

    # -- state -----------------------------------------------------------------------
    def get_state(self):
        """The generator's state as a uint8 tensor laid out as torch's (_STATE_LAYOUT)."""
        from .creation import tensor
        twister = self._twister.state["state"]
        state = np.zeros((), _STATE_LAYOUT)
        state["seed"], state["seeded"], state["state"] = self._initial_seed, 1, twister["key"]
        # torch counts down the words left before the next twist; a fresh state has not begun (next 0)
        state["left"] = 625 - twister["pos"]
        state["next"] = 0 if not self._drawn and twister["pos"] == 624 else twister["pos"]
        if self._spare_normal is not None:
            state["normal_y"], state["normal_is_valid"] = self._spare_normal, 1
        return tensor(np.frombuffer(state.tobytes(), dtype=np.uint8).copy())

    def set_state(self, new_state):
        """Go back to a state that get_state returned."""
        from .tensor import Tensor
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a tinytorch.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype.name != "uint8":
            raise TypeError("RNG state must be a tinytorch.ByteTensor")
        data = np.ascontiguousarray(new_state.cpu().numpy()).tobytes()
        if len(data) != _STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {_STATE_LAYOUT.itemsize} but found the input "
                               f"RNG state size to be {len(data)}")
        state = np.frombuffer(data, _STATE_LAYOUT)[0]
        self._initial_seed = int(state["seed"])
        self._twister.state = {"bit_generator": "MT19937",
                               "state": {"key": state["state"].astype(np.uint32), "pos": 625 - int(state["left"])}}
        self._drawn = True
        self._spare_normal = float(state["normal_y"]) if state["normal_is_valid"] else None
        return self


# torch's CPUGeneratorImplState, byte for byte: the seed, the twister (words left before
# its next twist, the next word's index, its 624 words), the spare float64 normal, and a
# float32 one that CPU kernels never use.
_STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "state", "normal_x", "normal_y", "normal_rho", "normal_is_valid",
              "next_float_normal_sample", "is_next_float_normal_sample_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", 624), "<f8", "<f8", "<f8", "<i4", "<f4", "?"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5048, 5052],
    "itemsize": 5056,
})


def _as_seed(seed):
    """A seed as torch reads it: an int (or something int() takes) from -2**63 to
    2**64 - 1; a negative one counts from 2**64, as a C uint64_t would."""
    seed = int(seed)
    if not -2**63 <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


# -- the default generators ---------------------------------------------------------
default_generator = Generator()
default_generator.seed()  # torch seeds its CPU generator from the operating system at start-up
_cuda_generators = {}  # GPU index -> Generator, made on first use
_cuda_seed = default_generator.initial_seed()


def manual_seed(seed):
    """Make every later random call reproducible, on the CPU and on every GPU."""
    global _cuda_seed
    default_generator.manual_seed(seed)
    _cuda_seed = default_generator.initial_seed()
    _cuda_generators.clear()
    return default_generator


def manual_seed_cuda(seed, index=None):
    """Seed GPU `index`'s generator, or every GPU's when index is None (tinytorch.cuda.manual_seed)."""
    global _cuda_seed
    if index is None:
        _cuda_seed = _as_seed(seed)
        _cuda_generators.clear()
    else:
        generator(_cuda_device(index)).manual_seed(seed)


def seed():
    """Reseed from the operating system's entropy, and return the new seed."""
    return manual_seed(int.from_bytes(os.urandom(8), "little")).initial_seed()


def initial_seed():
    return default_generator.initial_seed()


def get_rng_state():
    """The CPU generator's state, to give back to set_rng_state later."""
    return default_generator.get_state()


def set_rng_state(new_state):
    default_generator.set_state(new_state)


def _cuda_device(index):
    from .device import device
    return device("cuda", index)


def generator(device=None, given=None):
    """The generator to draw with: `given` (a generator= argument), else the
    default one for tensors made on `device` (the CPU when None)."""
    if given is not None:
        if not isinstance(given, Generator):
            raise TypeError(f"argument 'generator' must be tinytorch.Generator, not {type(given).__name__}")
        return given
    if device is None or device.type == "cpu":
        return default_generator
    found = _cuda_generators.get(device.index)
    if found is None:
        found = _cuda_generators[device.index] = Generator(device).manual_seed(_cuda_seed)
    return found
