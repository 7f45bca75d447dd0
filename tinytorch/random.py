"""The random number generator behind rand, randn and randint.

The numbers differ from PyTorch's (a different algorithm), but the contract is
the same: after `manual_seed(s)`, the same calls give the same numbers.
"""
import os

import numpy as np

_seed = int.from_bytes(os.urandom(8), "little") >> 1
_generator = np.random.default_rng(_seed)


def manual_seed(seed):
    """Make every later random call reproducible."""
    global _generator, _seed
    _seed = int(seed)
    _generator = np.random.default_rng(_seed)
    return _generator


def seed():
    """Reseed from the operating system's entropy, and return the new seed."""
    manual_seed(int.from_bytes(os.urandom(8), "little") >> 1)
    return _seed


def initial_seed():
    return _seed


def generator():
    return _generator
