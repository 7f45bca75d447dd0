"""tinytorch.save and tinytorch.load: checkpoints that are safe to open.

torch.save pickles the object, and unpickling can run any code the file names,
so opening a stranger's .pt file with the plain pickle module is as risky as
running their script. tinytorch writes its own format instead (described in
docs/checkpoint-format.md): a JSON description of the object and its tensors,
then each storage's raw bytes followed by a checksum. Loading one only parses
data.

tinytorch.load also reads the zip archives torch.save writes. The pickle inside
is run by a small interpreter that knows only the instructions and names a
checkpoint of tensors needs (tensor rebuilds, storages, OrderedDict, plain
containers), as PyTorch's weights_only loader does; anything else is refused
before it can run.

Both loaders read and check everything before they return anything, and report
a damaged or foreign file with CheckpointError, never with half an object.
"""
import errno
import io
import json
import math
import os
import pickletools
import secrets
import stat
import struct
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

from . import cuda
from . import dtypes as _dtypes
from .device import CPU, backend_for, to_device
from .device import device as Device
from .storage import Storage
from .strides import storage_extent
from .tensor import Size, Tensor

MAGIC = b"\x89TTCKPT\n"  # the high byte and the newline catch files mangled as text
FORMAT_VERSION = 1
_PREAMBLE = struct.Struct("<8sIQI")  # magic, format version, header length, header CRC-32
_CHECKSUM = struct.Struct("<Q")  # the word sum after each storage's bytes (see storage_checksum)
_CHUNK_BYTES = 16 << 20  # storages are written this much at a time (a GPU one copied to the host piece by piece)
_LIMIT = 1 << 62  # no size, stride or offset in a valid checkpoint comes near this
_MAX_DIMS = 64  # as many dimensions as NumPy allows


class CheckpointError(RuntimeError):
    """tinytorch.load cannot read this file: it is truncated, corrupted, or not a checkpoint it understands."""


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
        _replace_atomically(f, lambda out: _write(out, header, storages), size, durable)
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


def _replace_atomically(path, write, size, durable):
    """Write a new file of `size` bytes beside `path` and rename it over `path`
    once it is complete, so that at any moment `path` holds either the old file
    or the new one, never a mix; on failure the new file is removed. When
    `durable`, the file is on the disk (fsync) before the rename, and the rename
    after it."""
    target = os.path.realpath(os.fsdecode(os.fspath(path)))  # write through a symlink, as open() does
    directory, name = os.path.split(target)
    temp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with open(descriptor, "wb") as out:
            _reserve(out.fileno(), size)
            write(out)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        try:
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))  # replacing keeps the old file's permissions
        except FileNotFoundError:
            pass
        os.replace(temp, target)
    except BaseException:  # KeyboardInterrupt too: never leave the temporary file behind
        try:
            os.remove(temp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        _sync_directory(directory)


def _reserve(descriptor, size):
    """Ask the file system for the file's disk space up front, as numpy.save
    does: a full disk fails here, before anything is written, and writing into
    reserved space is faster (a third, for 100 MB on ext4). A file system that
    cannot reserve space simply gets the bytes as they come."""
    if size and hasattr(os, "posix_fallocate"):  # POSIX only
        try:
            os.posix_fallocate(descriptor, 0, size)
        except OSError as error:
            if error.errno not in (errno.EINVAL, errno.EOPNOTSUPP, errno.ENOSYS):
                raise


def _sync_directory(directory):
    """Make the rename itself durable (POSIX; elsewhere the OS cannot be asked)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a directory; the file itself is already safe
    finally:
        os.close(descriptor)


# ============================================================================ load
def load(f, map_location=None, *, weights_only=True):
    """Read an object saved by tinytorch.save, or by torch.save, from `f` (a path
    or a binary file object).

    map_location says where each storage goes: None (where it was saved), a
    device or a string ('cpu', 'cuda:1'), a dict mapping saved locations to
    new ones ({'cuda:1': 'cuda:0'}), or a function (storage, location) ->
    storage, which is given the storage on the CPU (so `lambda storage, loc:
    storage` loads everything onto the CPU) and may return None to keep the
    default. Raises CheckpointError for a truncated, corrupted or foreign file.
    """
    if weights_only is False:
        raise ValueError(
            "tinytorch.load never unpickles arbitrary objects (that can run code); it reads tensors and plain "
            "data only, as torch.load(weights_only=True) does"
        )
    _check_map_location(map_location)
    source, size, owned = _open_for_reading(f)
    try:
        head = _peek(source, len(MAGIC))
        if head == MAGIC:
            return _load_checkpoint(source, size, map_location)
        if head[:2] == b"PK":  # a zip archive (an empty one starts PK\x05\x06)
            return _load_torch_archive(source, size, map_location)
        raise CheckpointError(_describe_foreign_file(head))
    finally:
        if owned:
            source.close()


def _open_for_reading(f):
    """(binary file, bytes from its current position to its end, whether we opened it)."""
    if isinstance(f, (str, bytes, os.PathLike)):
        source = open(f, "rb")
        return source, os.fstat(source.fileno()).st_size, True
    if not hasattr(f, "read"):
        raise TypeError(f"tinytorch.load expects a path or a binary file object, not {type(f).__name__}")
    if not (hasattr(f, "seekable") and f.seekable()):
        data = f.read()  # a pipe or socket: its length is known only once read
        return io.BytesIO(data), len(data), False
    start = f.tell()
    end = f.seek(0, io.SEEK_END)
    f.seek(start)
    return f, end - start, False


def _peek(source, n):
    start = source.tell()
    head = source.read(n)
    source.seek(start)
    if not isinstance(head, bytes):
        raise TypeError("tinytorch.load needs a file opened in binary mode ('rb')")
    return head


def _describe_foreign_file(head):
    if not head:
        return "the file is empty: it is not a checkpoint"
    if MAGIC.startswith(head):
        return "the file is truncated: it ends inside the tinytorch checkpoint's magic number"
    if head.startswith(b"\x80\x02\x8a\x0a"):
        return (
            "this is PyTorch's legacy (before 1.6) checkpoint format, which tinytorch does not read: load it with "
            "torch and save it again with a recent torch.save, or with tinytorch.save"
        )
    if head[:1] == b"\x80":
        return (
            "this is a raw pickle file; tinytorch.load does not unpickle arbitrary files, because unpickling can "
            "run code"
        )
    return (
        f"not a checkpoint: a tinytorch checkpoint starts with {MAGIC!r} and a torch.save file is a zip archive "
        f"(starting with b'PK'), but this file starts with {head!r}"
    )


# -- tinytorch's own format ------------------------------------------------------
def _load_checkpoint(source, size, map_location):
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
        _place(array, d, location, map_location) for array, (d, _, location) in zip(arrays, storage_specs)
    ]
    tensors = [
        _make_tensor(storages[s], shape, stride, offset, requires_grad, f"tensor {i}")
        for i, (s, offset, shape, stride, requires_grad) in enumerate(tensor_specs)
    ]
    try:
        return _decode(root, tensors)
    except RecursionError:
        raise CheckpointError("the object in the header is nested too deeply") from None


def _read_into(source, view, message):
    """Fill `view` from `source` (a read may return fewer bytes than asked),
    or raise CheckpointError(message) if the source ends first."""
    filled = 0
    while filled < len(view):
        count = source.readinto(view[filled:])
        _expect(count, message)
        filled += count


def _read_exactly(source, n, what):
    data = source.read(n)
    if len(data) != n:
        raise CheckpointError(f"the file is truncated: it ends inside {what}")
    return data


def _read_storage(source, dtype, numel, index):
    """One storage's elements, read straight into a fresh array, checksum verified."""
    array = np.empty(numel, dtype.numpy.newbyteorder("<"))
    raw = memoryview(array.view(np.uint8))
    _read_into(source, raw, f"the file is truncated: it ends inside storage {index}")
    (stored,) = _CHECKSUM.unpack(_read_exactly(source, _CHECKSUM.size, f"the checksum of storage {index}"))
    if storage_checksum(raw) != stored:
        raise CheckpointError(f"storage {index}'s checksum does not match: the file is corrupted")
    _check_bools(array, dtype, f"storage {index}")
    return array.astype(dtype.numpy, copy=False)  # native byte order: no copy on little-endian machines


def _parse_header(header_bytes):
    """(storage specs, tensor specs, object tree) from the JSON header, every field checked."""
    try:
        header = json.loads(header_bytes.decode("ascii"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise CheckpointError(f"the header is not valid JSON: {error}") from None
    _expect(isinstance(header, dict) and set(header) == {"storages", "tensors", "object"},
            "the header must be an object with exactly the keys 'storages', 'tensors' and 'object'")
    _expect(isinstance(header["storages"], list), "'storages' must be a list")
    _expect(isinstance(header["tensors"], list), "'tensors' must be a list")

    storage_specs = []
    for i, spec in enumerate(header["storages"]):
        where = f"storage {i}"
        _expect(isinstance(spec, dict) and set(spec) == {"dtype", "numel", "location"},
                f"{where} must have exactly the keys 'dtype', 'numel' and 'location'")
        dtype = _DTYPES_BY_NAME.get(spec["dtype"]) if isinstance(spec["dtype"], str) else None
        _expect(dtype is not None, f"{where} has an unknown dtype {spec['dtype']!r}")
        _expect(_is_count(spec["numel"]), f"{where} has an invalid numel {spec['numel']!r}")
        _expect(isinstance(spec["location"], str), f"{where} has an invalid location {spec['location']!r}")
        storage_specs.append((dtype, spec["numel"], spec["location"]))

    tensor_specs = []
    keys = {"storage", "offset", "shape", "stride", "requires_grad"}
    for i, spec in enumerate(header["tensors"]):
        where = f"tensor {i}"
        _expect(isinstance(spec, dict) and set(spec) == keys, f"{where} must have exactly the keys {sorted(keys)}")
        _expect(type(spec["storage"]) is int and 0 <= spec["storage"] < len(storage_specs),
                f"{where} refers to a storage that does not exist")
        _expect(isinstance(spec["requires_grad"], bool), f"{where}'s requires_grad must be true or false")
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
                _expect(isinstance(pair, list) and len(pair) == 2, "a dict entry must be a [key, value] pair")
                result[_hashable(_decode(pair[0], tensors))] = _decode(pair[1], tensors)
            return result
    raise CheckpointError(f"the header describes a value tinytorch does not know: {json.dumps(node)[:80]}")


def _hashable(key):
    try:
        hash(key)
    except TypeError:
        raise CheckpointError(f"a dict key must be hashable, got {type(key).__name__}") from None
    return key


# -- what both formats share -------------------------------------------------------
_DTYPES_BY_NAME = {d.name: d for d in _dtypes.ALL_DTYPES}


def _expect(condition, message):
    if not condition:
        raise CheckpointError(message)


def _is_count(value):
    return type(value) is int and 0 <= value < _LIMIT


def _check_bools(array, dtype, where):
    """A bool element is one byte, 0 or 1; any other byte would make comparisons misbehave."""
    if dtype is _dtypes.bool_ and len(array) and array.view(np.uint8).max() > 1:
        raise CheckpointError(f"{where} is bool but holds bytes other than 0 and 1")


def _make_tensor(storage, shape, stride, offset, requires_grad, where):
    """A tensor over `storage` with this header, after checking the header stays inside the storage."""
    _expect(isinstance(shape, (list, tuple)) and isinstance(stride, (list, tuple)) and len(shape) == len(stride)
            and len(shape) <= _MAX_DIMS, f"{where} has a malformed shape or stride")
    _expect(all(_is_count(v) for v in shape) and all(_is_count(v) for v in stride) and _is_count(offset),
            f"{where} has a negative or non-integer size, stride or offset")
    _expect(math.prod(shape) < _LIMIT, f"{where} has too many elements")
    extent = storage_extent(shape, stride, offset)  # 0 for an empty tensor, whose offset may lie past the end
    _expect(extent <= len(storage), f"{where} reaches past the end of its storage ({extent} > {len(storage)} elements)")
    tensor = Tensor._make(storage, tuple(shape), tuple(stride), offset)
    if requires_grad:
        _expect(storage.dtype.is_floating_point, f"{where} requires grad but its dtype is {storage.dtype}")
        tensor.requires_grad_(True)
    return tensor


def _check_map_location(map_location):
    if map_location is None or callable(map_location):
        return
    if isinstance(map_location, (str, Device)):
        Device(map_location)  # a bad device string raises here, before any reading
    elif not isinstance(map_location, dict):
        raise TypeError(
            "map_location should be None, a string, a tinytorch.device, a dict or a function "
            f"(storage, location) -> storage, not {type(map_location).__name__}"
        )


def _place(array, dtype, location, map_location):
    """A Storage of `array` (host memory, just read) where map_location puts a storage saved at `location`."""
    if callable(map_location):
        placed = map_location(Storage(array, dtype, CPU), location)
        if placed is not None:
            if not isinstance(placed, Storage):
                raise TypeError(f"map_location returned a {type(placed).__name__}, not a storage")
            if placed.dtype is not dtype or len(placed) != len(array):
                raise ValueError("map_location must return a storage of the dtype and size it was given")
            return placed
        target = location
    elif isinstance(map_location, dict):
        target = map_location.get(location, location)
    else:
        target = location if map_location is None else map_location
    device = _loading_device(target, location)
    return Storage(backend_for(device).from_numpy(array), dtype, device)


def _loading_device(target, location):
    try:
        device = Device(target)
    except (RuntimeError, TypeError):
        raise CheckpointError(
            f"a storage was saved on '{location}', which tinytorch cannot place on {target!r} (it knows the cpu "
            "and cuda devices): pass map_location, e.g. map_location='cpu'"
        ) from None
    if device.type == "cuda":
        if not cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but tinytorch.cuda.is_available() is False "
                f"({cuda.unavailable_reason()}). If you are running on a CPU-only machine, please use "
                "tinytorch.load with map_location=tinytorch.device('cpu') to map your storages to the CPU."
            )
        count = cuda.device_count()
        if device.index is not None and device.index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {device.index} but "
                f"tinytorch.cuda.device_count() is {count}. Please use tinytorch.load with map_location to map "
                "your storages to an existing device."
            )
    return to_device(device)


# -- files written by torch.save ------------------------------------------------------
def _load_torch_archive(source, size, map_location):
    try:
        archive = zipfile.ZipFile(source)
        names = archive.namelist()
    except Exception as error:  # zipfile parsing a damaged archive can fail in many ways; all mean the same here
        raise CheckpointError(f"the file is a damaged zip archive ({type(error).__name__}: {error})") from None
    with archive:
        if any(n.endswith("/constants.pkl") for n in names):
            raise CheckpointError(
                "this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint; tinytorch cannot "
                "run TorchScript"
            )
        pickles = [n for n in names if n.count("/") == 1 and n.endswith("/data.pkl")]
        if len(pickles) != 1:
            raise CheckpointError(
                "this zip archive is not a torch.save checkpoint: it should hold exactly one <name>/data.pkl"
            )
        prefix = pickles[0][: -len("data.pkl")]
        _expect(prefix + "version" in names,
                f"this zip archive is not a torch.save checkpoint: it has no {prefix}version record")
        byteorder = "little"
        if prefix + "byteorder" in names:
            byteorder = _read_member(archive, prefix + "byteorder", size).decode("ascii", "replace")
            _expect(byteorder in ("little", "big"), f"unknown byte order {byteorder!r} in the archive")
        storages = _TorchStorages(archive, prefix, size, "<" if byteorder == "little" else ">", map_location)
        return _run_torch_pickle(_read_member(archive, prefix + "data.pkl", size), storages.load)


def _read_member(archive, name, size, into=None):
    """The bytes of one archive member (or read into the buffer `into`), checked by zipfile's CRC."""
    try:
        info = archive.getinfo(name)
        _expect(info.compress_type == zipfile.ZIP_STORED,
                f"{name} is compressed; torch.save writes its archives uncompressed")
        _expect(not info.flag_bits & 0x1, f"{name} is encrypted")
        _expect(info.compress_size <= size, f"{name} claims to be larger than the whole file")
        if into is not None:
            _expect(info.file_size == len(into), f"{name} holds {info.file_size} bytes, expected {len(into)}")
        with archive.open(info) as member:
            if into is None:
                return member.read()
            _read_into(member, into, f"{name} ends early")
            _expect(not member.read(1), f"{name} is longer than expected")
            return into
    except CheckpointError:
        raise
    except KeyError:
        raise CheckpointError(f"the archive has no {name}") from None
    except Exception as error:  # as in _load_torch_archive: any failure inside zipfile means a damaged archive
        raise CheckpointError(f"the archive is damaged ({name}: {type(error).__name__}: {error})") from None


class _TorchStorages:
    """Loads the storages a torch.save pickle refers to, each once, by key."""

    def __init__(self, archive, prefix, size, byteorder, map_location):
        self.archive, self.prefix, self.size = archive, prefix, size
        self.byteorder, self.map_location = byteorder, map_location
        self.loaded = {}  # key -> Storage

    def load(self, pid):
        """The storage for a persistent id ('storage', kind, key, location, numel)."""
        _expect(isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage",
                f"unexpected persistent id in the pickle: {pid!r}"[:120])
        _, kind, key, location, numel = pid
        _expect(isinstance(kind, _StorageKind), f"a storage of unknown type {kind!r}"[:120])
        _expect(isinstance(key, str) and isinstance(location, str) and _is_count(numel),
                "a storage reference in the pickle is malformed")
        if key in self.loaded:
            storage = self.loaded[key]
            _expect(storage.dtype is kind.dtype,
                    f"storage {key} is viewed with two dtypes ({storage.dtype} and {kind.dtype}); a tinytorch "
                    "storage has one dtype")
            return storage
        array = np.empty(numel, kind.dtype.numpy.newbyteorder(self.byteorder))
        _read_member(self.archive, f"{self.prefix}data/{key}", self.size, memoryview(array.view(np.uint8)))
        _check_bools(array, kind.dtype, f"storage {key}")
        storage = _place(array.astype(kind.dtype.numpy, copy=False), kind.dtype, location, self.map_location)
        self.loaded[key] = storage
        return storage


class _StorageKind:
    """What `torch.FloatStorage` and friends mean inside the pickle: a dtype."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __repr__(self):
        return f"<{self.dtype.storage_name}>"


# Tensor rebuilds: the functions torch.save's pickle calls to make tensors again.
def _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks, metadata=None):
    _expect(isinstance(storage, Storage), "a tensor rebuild without a storage")
    _expect(isinstance(backward_hooks, dict) and not backward_hooks and not metadata,
            "a tensor with backward hooks or extra attributes")
    _expect(isinstance(requires_grad, bool), "a tensor rebuild with a malformed requires_grad")
    return _make_tensor(storage, size, stride, offset, requires_grad, "a tensor in the pickle")


def _rebuild_tensor(storage, offset, size, stride):
    return _rebuild_tensor_v2(storage, offset, size, stride, False, {})


def _rebuild_parameter(data, requires_grad, backward_hooks, state=None):
    _expect(isinstance(data, Tensor) and isinstance(requires_grad, bool), "a malformed parameter rebuild")
    _expect(isinstance(backward_hooks, dict) and not backward_hooks and not state,
            "a parameter with backward hooks or extra attributes")
    parameter = data.detach()  # tinytorch has no Parameter class: a leaf tensor sharing data's storage
    if requires_grad:
        _expect(data.dtype.is_floating_point, "a parameter of an integer dtype that requires grad")
        parameter.requires_grad_(True)
    return parameter


def _ordered_dict(*args):
    _expect(not args, "an OrderedDict built with arguments")
    return OrderedDict()


def _size(*args):
    _expect(len(args) == 1 and isinstance(args[0], tuple) and all(_is_count(s) for s in args[0]),
            "a malformed torch.Size")
    return Size(args[0])


def _device(*args):
    try:
        return Device(*args)
    except (RuntimeError, TypeError, ValueError):
        raise CheckpointError(f"a malformed torch.device{args!r}"[:120]) from None


# The names a torch.save pickle may use. Everything else is refused unread.
_TORCH_CALLABLES = {
    ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
    ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
    ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
    ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
    ("collections", "OrderedDict"): _ordered_dict,
    ("torch", "Size"): _size,
    ("torch", "device"): _device,
}
_TORCH_VALUES = {("torch", d.name): d for d in _dtypes.ALL_DTYPES}
_TORCH_VALUES.update({("torch", d.storage_name): _StorageKind(d) for d in _dtypes.ALL_DTYPES})
_TORCH_VALUES[("torch", "UntypedStorage")] = _TORCH_VALUES[("torch.storage", "UntypedStorage")] = _StorageKind(
    _dtypes.uint8
)


def _torch_global(module, name):
    found = _TORCH_CALLABLES.get((module, name), _TORCH_VALUES.get((module, name)))
    if found is None:
        raise CheckpointError(
            f"the checkpoint's pickle names {module}.{name}, which is not a tensor, storage or plain container "
            "that tinytorch can load; refusing it (loading it could run code, or it is a type tinytorch lacks)"
        )
    return found


_PUSH_ARGUMENT = {
    "BININT", "BININT1", "BININT2", "LONG1", "LONG4", "BINFLOAT",
    "BINUNICODE", "SHORT_BINUNICODE", "BINUNICODE8",
}
_PUSH_CONSTANT = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}


def _run_torch_pickle(data, load_storage):
    """Run the pickle of a torch.save archive with only the instructions a
    checkpoint needs: numbers, strings, lists, tuples, dicts, the memo, the
    allowed names above, calls of allowed callables and storage references."""
    stack, marks, memo = [], [], {}

    def pop():
        _expect(stack, "malformed pickle: the stack is empty")
        return stack.pop()

    def pop_mark():
        nonlocal stack
        _expect(marks, "malformed pickle: no MARK to pop to")
        items, stack = stack, marks.pop()
        return items

    def top(kind):
        _expect(stack and isinstance(stack[-1], kind), "malformed pickle: adding items to a non-container")
        return stack[-1]

    def setitems(target, items):
        for key, value in items:
            target[_hashable(key)] = value

    instructions = pickletools.genops(io.BytesIO(data))
    while True:
        try:
            opcode, arg, _ = next(instructions)
        except StopIteration:
            raise CheckpointError("malformed pickle: it ends before STOP") from None
        except ValueError as error:
            raise CheckpointError(f"malformed pickle: {error}") from None
        op = opcode.name
        if op in _PUSH_ARGUMENT:
            stack.append(arg)
        elif op in _PUSH_CONSTANT:
            stack.append(_PUSH_CONSTANT[op])
        elif op == "PROTO":
            _expect(arg <= 5, f"unknown pickle protocol {arg}")
        elif op == "FRAME":
            pass
        elif op == "STOP":
            return pop()
        elif op == "MARK":
            marks.append(stack)
            stack = []
        elif op == "EMPTY_DICT":
            stack.append({})
        elif op == "EMPTY_LIST":
            stack.append([])
        elif op == "EMPTY_TUPLE":
            stack.append(())
        elif op == "TUPLE":
            items = tuple(pop_mark())  # first: popping to the mark replaces `stack`
            stack.append(items)
        elif op in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(op[-1])
            _expect(len(stack) >= n, "malformed pickle: the stack is too short")
            items = tuple(stack[-n:])
            del stack[-n:]
            stack.append(items)
        elif op == "APPEND":
            value = pop()
            top(list).append(value)
        elif op == "APPENDS":
            items = pop_mark()
            top(list).extend(items)
        elif op == "SETITEM":
            value, key = pop(), pop()
            setitems(top(dict), [(key, value)])
        elif op == "SETITEMS":
            items = pop_mark()
            _expect(len(items) % 2 == 0, "malformed pickle: SETITEMS with an odd number of items")
            setitems(top(dict), zip(items[::2], items[1::2]))
        elif op in ("BINPUT", "LONG_BINPUT"):
            _expect(stack, "malformed pickle: the stack is empty")
            memo[arg] = stack[-1]
        elif op == "MEMOIZE":
            _expect(stack, "malformed pickle: the stack is empty")
            memo[len(memo)] = stack[-1]
        elif op in ("BINGET", "LONG_BINGET"):
            _expect(arg in memo, f"malformed pickle: memo entry {arg} is missing")
            stack.append(memo[arg])
        elif op == "GLOBAL":
            module, _, name = arg.partition(" ")
            stack.append(_torch_global(module, name))
        elif op == "STACK_GLOBAL":
            name, module = pop(), pop()
            _expect(isinstance(module, str) and isinstance(name, str), "malformed pickle: a bad STACK_GLOBAL")
            stack.append(_torch_global(module, name))
        elif op == "REDUCE":
            args, function = pop(), pop()
            _expect(isinstance(args, tuple) and any(function is f for f in _TORCH_CALLABLES.values()),
                    "the pickle calls something that is not a tensor rebuild or a plain container")
            _expect(_accepts(function, len(args)), f"malformed pickle: wrong number of arguments for {function.__name__}")
            stack.append(function(*args))
        elif op == "BUILD":
            state = pop()
            # torch's state_dict() is an OrderedDict carrying a `_metadata` attribute of plain data.
            _expect(stack and type(stack[-1]) is OrderedDict and isinstance(state, dict)
                    and all(isinstance(k, str) and not k.startswith("__") for k in state),
                    "the pickle sets the state of an object other than an OrderedDict")
            stack[-1].__dict__.update(state)
        elif op == "BINPERSID":
            stack.append(load_storage(pop()))
        else:
            raise CheckpointError(
                f"the checkpoint's pickle uses the {op} instruction, which a torch.save checkpoint of tensors never "
                "needs; refusing to run it"
            )


_ARITY = {
    _rebuild_tensor_v2: (6, 7), _rebuild_tensor: (4, 4), _rebuild_parameter: (3, 4),
    _ordered_dict: (0, 0), _size: (1, 1), _device: (1, 2),
}


def _accepts(function, count):
    low, high = _ARITY[function]
    return low <= count <= high
