"""The random number generator behind rand, randn and randint.

The numbers differ from PyTorch's (a different algorithm), but the contract is
the same: after `manual_seed(s)`, the same calls give the same numbers.
"""
import os

import numpy as np

_seed = int.from_bytes(os.urandom(8), "little") >> 1
_generator = np.random.default_rng(_seed)
# Each GPU has its own stream, as in PyTorch; its numbers are drawn on the CPU
# and copied over. A GPU's stream starts from _cuda_seed on first use.
_cuda_generators = {}
_cuda_seed = _seed


def manual_seed(seed):
    """Make every later random call reproducible, on the CPU and on every GPU."""
    global _generator, _seed, _cuda_seed
    _seed = _cuda_seed = int(seed)
    _generator = np.random.default_rng(_seed)
    _cuda_generators.clear()
    return _generator


def manual_seed_cuda(seed, index=None):
    """Seed GPU `index`'s stream, or every GPU's when index is None (tinytorch.cuda.manual_seed)."""
    global _cuda_seed
    if index is None:
        _cuda_seed = seed
        _cuda_generators.clear()
    else:
        _cuda_generators[index] = np.random.default_rng(seed)


def seed():
    """Reseed from the operating system's entropy, and return the new seed."""
    manual_seed(int.from_bytes(os.urandom(8), "little") >> 1)
    return _seed


def initial_seed():
    return _seed


def generator(device=None):
    """The generator for tensors made on `device` (the CPU when None)."""
    if device is None or device.type == "cpu":
        return _generator
    found = _cuda_generators.get(device.index)
    if found is None:
        found = _cuda_generators[device.index] = np.random.default_rng(_cuda_seed)
    return found
