"""Shared by the serialization tests: tensors to save, and tinytorch checkpoints edited by hand.

    random_bits(rng, dtype_name, shape)   a NumPy array of random bits (NaN payloads, infinities and all)
    VIEWS                                 functions from a tensor to a view of it (or itself), for
                                          tinytorch and torch tensors alike
    rewrite_header(data, change)          a tinytorch checkpoint with its JSON header edited
"""
import json
import struct
import zlib

import numpy as np


def random_bits(rng, dtype_name, shape):
    """A NumPy array of this dtype and shape whose bytes are random (bool: 0 or 1)."""
    count = int(np.prod(shape))
    if dtype_name == "bool":
        values = rng.integers(0, 2, count).astype(np.bool_)
    else:
        values = np.frombuffer(rng.bytes(count * np.dtype(dtype_name).itemsize), dtype=dtype_name).copy()
    return values.reshape(shape)


VIEWS = [
    lambda t: t,
    lambda t: t.T if t.dim() == 2 else t,
    lambda t: t[1:] if t.dim() and t.shape[0] > 1 else t,
    lambda t: t[..., ::2] if t.dim() else t,
    lambda t: t.view(-1)[1:3] if t.numel() >= 3 and t.is_contiguous() else t,
    lambda t: t.unsqueeze(0).expand(2, *t.shape),
    lambda t: t[0] if t.dim() and t.shape[0] else t,
]


def rewrite_header(data, change):
    """The same tinytorch checkpoint with its JSON header edited by change(header), in place,
    or replaced by the bytes change returns; the checksum is made right again, so the file
    is crafted on purpose rather than damaged, and only validation can catch it."""
    _, _, length, _ = struct.unpack_from("<8sIQI", data, 0)
    header = json.loads(data[24:24 + length])
    text = change(header)
    text = text if isinstance(text, bytes) else json.dumps(header).encode()
    return struct.pack("<8sIQI", b"\x89TTCKPT\n", 1, len(text), zlib.crc32(text)) + text + data[24 + length:]
