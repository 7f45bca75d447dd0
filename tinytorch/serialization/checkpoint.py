"""tinytorch's own checkpoint format: save() writes it, load_checkpoint() reads it.

The format (docs/checkpoint-format.md) is data only: a preamble, a JSON
description of the object and its tensors, then each storage's raw bytes
followed by a checksum. Reading it only parses data, so, unlike a torch.save
pickle, it cannot run code; every length and checksum is checked, so damage is
always noticed. What is kept is what torch.save keeps: tensors that share a
storage share it after loading (a view stays a view of its base), the whole
storage is saved even where a view reaches only part of it, and dtype, shape,
strides, offset, device and requires_grad come back as they were.
"""
import json
import math
import os
import struct
import zlib
from collections import OrderedDict

import numpy as np

from .. import dtypes as _dtypes
from ..device import backend_for
from ..tensor import Tensor
from .atomic_write import replace_atomically
from .shared import CheckpointError, check_bools, expect, hashable, is_count, make_tensor, place, read_into

MAGIC = b"\x89TTCKPT\n"  # the high byte and the newline catch files mangled as text
FORMAT_VERSION = 1
_PREAMBLE = struct.Struct("<8sIQI")  # magic, format version, header length, header CRC-32
_CHECKSUM = struct.Struct("<Q")  # the word sum after each storage's bytes (see storage_checksum)
_CHUNK_BYTES = 16 << 20  # storages are written this much at a time (a GPU one copied to the host piece by piece)
_DTYPES_BY_NAME = {d.name: d for d in _dtypes.ALL_DTYPES}


# ============================================================================ save
def save(obj, f, *, durable=False):
    """Write `obj` to `f`, a path or a binary file object.

    obj may be a tensor, or nested dicts, lists and tuples of tensors, Python
    numbers, strings, bools and None. Tensors that share a storage still share
    it after loading (a view stays a view of its base); dtype, shape, strides,
    offset, device and requires_grad are kept. A path is replaced atomically:
    if saving fails, an existing file of that name is left untouched.

    Like torch.save, save returns once the operating system has the bytes, not
    the disk. durable=True (a path only; tinytorch's own option) also waits
    until the new file and its name are on the disk, so that a power cut just
    after save returns cannot lose them; that wait is the disk's write time.
    """
    header, storages = _describe(obj)
    if isinstance(f, (str, bytes, os.PathLike)):
        size = _checkpoint_size(len(header), [(s.dtype, len(s._array)) for s in storages])
        replace_atomically(f, lambda out: _write(out, header, storages), size, durable)
    elif durable:
        raise ValueError("durable=True needs a path: with a file object, flushing it to the disk is up to the caller")
    else:
        _write(f, header, storages)


def _describe(obj):
    """The JSON header for `obj` (as bytes), and the storages whose bytes follow it."""
    storages, storage_ids = [], {}
    tensors, tensor_ids = [], {}
    open_containers = set()  # ids of the containers being encoded, to catch cycles

    def tensor_node(t):
        # The same tensor twice is saved once, so it loads as one object again.
        if id(t) not in tensor_ids:
            storage = t._storage
            if id(storage) not in storage_ids:
                storage_ids[id(storage)] = len(storages)
                storages.append(storage)
            tensor_ids[id(t)] = len(tensors)
            tensors.append({
                "storage": storage_ids[id(storage)], "offset": t._offset,
                "shape": list(t._shape), "stride": list(t._stride), "requires_grad": t._requires_grad,
            })
        return {"tensor": tensor_ids[id(t)]}

    def encode(value):
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else {"float": _non_finite_name(value)}
        if isinstance(value, Tensor):
            return tensor_node(value)
        if isinstance(value, (list, tuple, dict)):
            if id(value) in open_containers:
                raise ValueError("cannot save a container that contains itself")
            open_containers.add(id(value))
            if isinstance(value, list):
                node = [encode(item) for item in value]
            elif isinstance(value, tuple):
                node = {"tuple": [encode(item) for item in value]}
            else:
                kind = "ordered_dict" if isinstance(value, OrderedDict) else "dict"
                node = {kind: [[encode_key(k), encode(v)] for k, v in value.items()]}
            open_containers.discard(id(value))
            return node
        raise TypeError(
            f"tinytorch.save cannot store an object of type {type(value).__name__}: it stores tensors, "
            "Python numbers, strings, bools and None, and lists, tuples and dicts of them"
            + (" (call .item() to get a Python number)" if isinstance(value, np.generic) else "")
        )

    def encode_key(key):
        if isinstance(key, tuple):
            return {"tuple": [encode_key(k) for k in key]}
        if key is None or isinstance(key, (bool, int, float, str)):
            return encode(key)
        raise TypeError(
            f"tinytorch.save cannot store a dict key of type {type(key).__name__}: keys must be strings, "
            "numbers, bools, None or tuples of them"
        )

    try:
        root = encode(obj)
        header = {
            "storages": [{"dtype": s.dtype.name, "numel": len(s), "location": str(s.device)} for s in storages],
            "tensors": tensors,
            "object": root,
        }
        text = json.dumps(header, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    except RecursionError:
        raise ValueError("the object is nested too deeply to save") from None
    return text.encode("ascii"), storages


def _non_finite_name(value):
    """'inf', '-inf', 'nan' or '-nan' (the sign of a NaN survives; JSON has no word for any of them)."""
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    return repr(float(value))


def _write(f, header, storages):
    _write_all(f, _PREAMBLE.pack(MAGIC, FORMAT_VERSION, len(header), zlib.crc32(header)))
    _write_all(f, header)
    for storage in storages:
        total = 0
        for chunk in _storage_chunks(storage):
            total = storage_checksum(chunk, total)
            _write_all(f, chunk)
        _write_all(f, _CHECKSUM.pack(total))


def _checkpoint_size(header_length, storages):
    """A checkpoint's size in bytes, from its header's length and each storage's
    (dtype, element count): the one formula that saving reserves and loading checks."""
    return _PREAMBLE.size + header_length + sum(numel * d.itemsize + _CHECKSUM.size for d, numel in storages)


def storage_checksum(data, total=0):
    """The bytes read as little-endian 64-bit words (the last one zero-padded),
    summed modulo 2**64, added to `total`. Any single changed byte changes it.
    It is not CRC-32 because NumPy sums words at memory speed, while CRC-32 over
    a 100 MB storage took longer than reading the file. Chunks passed one after
    another must be whole words, except the last."""
    data = memoryview(data).cast("B")
    whole = len(data) - len(data) % 8
    words = np.frombuffer(data[:whole], dtype="<u8")
    total = (total + int(words.sum(dtype=np.uint64))) % (1 << 64)
    if whole < len(data):
        total = (total + int.from_bytes(bytes(data[whole:]), "little")) % (1 << 64)
    return total


def _storage_chunks(storage):
    """A storage's bytes, little-endian, in pieces: a CPU storage's own memory
    (no copy is made), a GPU storage copied to the host one piece at a time."""
    backend = backend_for(storage.device)
    array = storage._array
    step = max(1, _CHUNK_BYTES // storage.dtype.itemsize)
    for start in range(0, len(array), step):
        piece = backend.to_numpy(array[start:start + step])
        # No copy unless the machine is big-endian or the memory is not contiguous.
        piece = np.ascontiguousarray(piece, dtype=piece.dtype.newbyteorder("<"))
        yield memoryview(piece.view(np.uint8))


def _write_all(f, data):
    view = memoryview(data)
    while view:
        written = f.write(view)
        if written is None:  # a file object that does not report counts wrote everything
            return
        view = view[written:]


# ============================================================================ load
def load_checkpoint(source, size, map_location):
    """The object in the checkpoint of `size` bytes at `source`'s position,
    every part read and checked before anything is returned."""
    _, version, header_length, header_crc = _PREAMBLE.unpack(_read_exactly(source, _PREAMBLE.size, "the preamble"))
    if version != FORMAT_VERSION:
        raise CheckpointError(
            f"unsupported checkpoint format version {version}: this tinytorch reads version {FORMAT_VERSION}"
        )
    if header_length > size - _PREAMBLE.size:
        raise CheckpointError(
            f"the file is truncated: its header should be {header_length} bytes, but only "
            f"{size - _PREAMBLE.size} bytes follow the preamble"
        )
    header_bytes = _read_exactly(source, header_length, "the header")
    if zlib.crc32(header_bytes) != header_crc:
        raise CheckpointError("the header's checksum does not match: the file is corrupted")
    storage_specs, tensor_specs, root = _parse_header(header_bytes)

    expected = _checkpoint_size(header_length, [(d, numel) for d, numel, _ in storage_specs])
    if expected != size:
        problem = "truncated" if expected > size else "followed by unexpected bytes"
        raise CheckpointError(f"the file is {problem}: the header describes {expected} bytes, the file has {size}")

    arrays = [_read_storage(source, d, numel, i) for i, (d, numel, _) in enumerate(storage_specs)]
    storages = [
        place(array, d, location, map_location) for array, (d, _, location) in zip(arrays, storage_specs)
    ]
    tensors = [
        make_tensor(storages[s], shape, stride, offset, requires_grad, f"tensor {i}")
        for i, (s, offset, shape, stride, requires_grad) in enumerate(tensor_specs)
    ]
    try:
        return _decode(root, tensors)
    except RecursionError:
        raise CheckpointError("the object in the header is nested too deeply") from None


def _read_exactly(source, n, what):
    data = source.read(n)
    if len(data) != n:
        raise CheckpointError(f"the file is truncated: it ends inside {what}")
    return data


def _read_storage(source, dtype, numel, index):
    """One storage's elements, read straight into a fresh array, checksum verified."""
    array = np.empty(numel, dtype.numpy.newbyteorder("<"))
    raw = memoryview(array.view(np.uint8))
    read_into(source, raw, f"the file is truncated: it ends inside storage {index}")
    (stored,) = _CHECKSUM.unpack(_read_exactly(source, _CHECKSUM.size, f"the checksum of storage {index}"))
    if storage_checksum(raw) != stored:
        raise CheckpointError(f"storage {index}'s checksum does not match: the file is corrupted")
    check_bools(array, dtype, f"storage {index}")
    return array.astype(dtype.numpy, copy=False)  # native byte order: no copy on little-endian machines


def _parse_header(header_bytes):
    """(storage specs, tensor specs, object tree) from the JSON header, every field checked."""
    try:
        header = json.loads(header_bytes.decode("ascii"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"the header is not valid JSON: {error}") from None
    expect(isinstance(header, dict) and set(header) == {"storages", "tensors", "object"},
           "the header must be an object with exactly the keys 'storages', 'tensors' and 'object'")
    expect(isinstance(header["storages"], list), "'storages' must be a list")
    expect(isinstance(header["tensors"], list), "'tensors' must be a list")

    storage_specs = []
    for i, spec in enumerate(header["storages"]):
        where = f"storage {i}"
        expect(isinstance(spec, dict) and set(spec) == {"dtype", "numel", "location"},
               f"{where} must have exactly the keys 'dtype', 'numel' and 'location'")
        dtype = _DTYPES_BY_NAME.get(spec["dtype"]) if isinstance(spec["dtype"], str) else None
        expect(dtype is not None, f"{where} has an unknown dtype {spec['dtype']!r}")
        expect(is_count(spec["numel"]), f"{where} has an invalid numel {spec['numel']!r}")
        expect(isinstance(spec["location"], str), f"{where} has an invalid location {spec['location']!r}")
        storage_specs.append((dtype, spec["numel"], spec["location"]))

    tensor_specs = []
    keys = {"storage", "offset", "shape", "stride", "requires_grad"}
    for i, spec in enumerate(header["tensors"]):
        where = f"tensor {i}"
        expect(isinstance(spec, dict) and set(spec) == keys, f"{where} must have exactly the keys {sorted(keys)}")
        expect(type(spec["storage"]) is int and 0 <= spec["storage"] < len(storage_specs),
               f"{where} refers to a storage that does not exist")
        expect(isinstance(spec["requires_grad"], bool), f"{where}'s requires_grad must be true or false")
        tensor_specs.append((spec["storage"], spec["offset"], spec["shape"], spec["stride"], spec["requires_grad"]))
    return storage_specs, tensor_specs, header["object"]


def _reject_constant(name):
    raise ValueError(f"{name} is not allowed (non-finite floats are stored as {{'float': '{name.lower()}'}})")


def _decode(node, tensors):
    """The object a header node describes (see docs/checkpoint-format.md)."""
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [_decode(item, tensors) for item in node]
    if isinstance(node, dict) and len(node) == 1:
        ((tag, body),) = node.items()
        if tag == "tensor" and type(body) is int and 0 <= body < len(tensors):
            return tensors[body]
        if tag == "float" and body in ("nan", "-nan", "inf", "-inf"):
            return float(body)
        if tag == "tuple" and isinstance(body, list):
            return tuple(_decode(item, tensors) for item in body)
        if tag in ("dict", "ordered_dict") and isinstance(body, list):
            result = {} if tag == "dict" else OrderedDict()
            for pair in body:
                expect(isinstance(pair, list) and len(pair) == 2, "a dict entry must be a [key, value] pair")
                result[hashable(_decode(pair[0], tensors))] = _decode(pair[1], tensors)
            return result
    raise CheckpointError(f"the header describes a value tinytorch does not know: {json.dumps(node)[:80]}")

