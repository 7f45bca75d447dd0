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

Where to look:
    checkpoint.py    tinytorch's own format: save(), and reading it back
    atomic_write.py  replacing a file so that a failed save leaves the old one intact
    torch_files.py   reading torch.save's zip archives without unpickling them
    shared.py        what both readers share: CheckpointError, the checks, map_location
    __init__.py      load(): which of the two formats a file is
"""
import io
import os

from .checkpoint import FORMAT_VERSION, MAGIC, load_checkpoint, save, storage_checksum
from .shared import CheckpointError, check_map_location
from .torch_files import load_torch_archive

__all__ = ["save", "load", "CheckpointError", "MAGIC", "FORMAT_VERSION", "storage_checksum"]


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
    check_map_location(map_location)
    source, size, owned = _open_for_reading(f)
    try:
        head = _peek(source, len(MAGIC))
        if head == MAGIC:
            return load_checkpoint(source, size, map_location)
        if head[:2] == b"PK":  # a zip archive (an empty one starts PK\x05\x06)
            return load_torch_archive(source, size, map_location)
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
