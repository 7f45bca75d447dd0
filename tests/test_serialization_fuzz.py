"""Damaged, truncated, foreign and malicious files, a few thousand of them.

tinytorch.load must refuse every one with CheckpointError, never crash,
allocate what a damaged length asks for, or hand back half an object, and never run code that a file asks
for. For tinytorch's own format every single damaged byte and every
truncation is caught (each part of the file is covered by a length or a
checksum). A torch.save archive has bytes that nothing reads (timestamps,
unread records), so there a damaged file must either be refused or load to
exactly what was saved.
"""
import io
import os
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest
import torch

import tinytorch
from serialization_cases import rewrite_header
from tinytorch.serialization import CheckpointError

# Bytes: no file (each about a kilobyte) may make load allocate more, whatever a damaged
# length or shape in it says. (A memory bound, not a time limit: it means the same on
# every machine and under any load.)
MOST_MEMORY = 16 * 2**20


class at_most_memory:
    """Fails a block whose allocations (Python's and NumPy's, as tracemalloc sees them)
    peak above MOST_MEMORY."""

    def __enter__(self):
        tracemalloc.start()

    def __exit__(self, *exc):
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MOST_MEMORY, f"load allocated {peak} bytes"


def our_file():
    base = tinytorch.arange(12.0).view(3, 4)
    obj = {"w": base.T[1:], "b": base, "ids": tinytorch.tensor([3, 1, 2]), "mask": tinytorch.tensor([True, False]),
           "h": tinytorch.ones(2, dtype=tinytorch.float16), "meta": ["step", 7, 0.5, None, (1, 2)]}
    buffer = io.BytesIO()
    tinytorch.save(obj, buffer)
    return buffer.getvalue()


def torch_obj():
    base = torch.arange(12.0).view(3, 4)
    return {"w": base.T[1:], "b": base, "ids": torch.tensor([3, 1, 2]), "meta": ["step", 7, 0.5, None]}


def torch_file():
    buffer = io.BytesIO()
    torch.save(torch_obj(), buffer)
    return buffer.getvalue()


def refused(data):
    """Load `data`, which must fail with CheckpointError within MOST_MEMORY; returns the message."""
    with at_most_memory(), pytest.raises(CheckpointError) as caught:
        tinytorch.load(io.BytesIO(data))
    return str(caught.value)


def refused_or_intact(data):
    """For a torch archive: either refused, or loaded to exactly what torch saved."""
    try:
        with at_most_memory():
            loaded = tinytorch.load(io.BytesIO(data))
    except CheckpointError:
        pass
    else:
        expected = torch_obj()
        for key in ("w", "b", "ids"):
            assert loaded[key].tolist() == expected[key].tolist()
            assert loaded[key].stride() == expected[key].stride()
        assert loaded["w"].untyped_storage() is loaded["b"].untyped_storage()
        assert loaded["meta"] == expected["meta"]


def flip(data, position, rng):
    changed = bytearray(data)
    changed[position] ^= int(rng.integers(1, 256))
    return bytes(changed)


# -- tinytorch's own format: every byte counts ---------------------------------------------------
def test_every_single_damaged_byte_is_caught():
    data, rng = our_file(), np.random.default_rng(0)
    tinytorch.load(io.BytesIO(data))  # the undamaged file loads
    for position in range(len(data)):
        refused(flip(data, position, rng))


def test_every_truncation_and_any_appended_bytes_are_caught():
    data, rng = our_file(), np.random.default_rng(1)
    messages = {refused(data[:length]) for length in range(len(data))}
    assert any("truncated" in m for m in messages) and any("empty" in m for m in messages)
    for count in range(1, 60):
        assert "unexpected bytes" in refused(data + rng.bytes(count))


def test_scattered_damage_is_caught():
    data, rng = our_file(), np.random.default_rng(2)
    for _ in range(500):
        changed = bytearray(data)
        for position in rng.integers(0, len(data), int(rng.integers(2, 9))):
            changed[position] = int(rng.integers(0, 256))
        if bytes(changed) != data:
            refused(bytes(changed))


CRAFTED = {
    "a view past its storage": lambda h: h["tensors"][0].update(offset=10**6),
    "a stride past its storage": lambda h: h["tensors"][0].update(stride=[1, 10**9]),
    "a negative size": lambda h: h["tensors"][0].update(shape=[-1, 2]),
    "a huge shape on stride 0": lambda h: h["tensors"][0].update(shape=[2**62, 2**62], stride=[0, 0]),
    "shape and stride disagree": lambda h: h["tensors"][0].update(shape=[3]),
    "too many dims": lambda h: h["tensors"][0].update(shape=[1] * 65, stride=[0] * 65),
    "a missing storage": lambda h: h["tensors"][0].update(storage=9),
    "a bool storage index": lambda h: h["tensors"][0].update(storage=True),
    "an unknown dtype": lambda h: h["storages"][0].update(dtype="bfloat16"),
    "a memory bomb": lambda h: h["storages"][0].update(numel=2**61),
    "a float numel": lambda h: h["storages"][0].update(numel=12.0),
    "integer requires grad": lambda h: h["tensors"][2].update(requires_grad=True),
    "a string requires_grad": lambda h: h["tensors"][0].update(requires_grad="yes"),
    "an unknown node": lambda h: h.update(object={"lambda": "os.system"}),
    "a missing tensor": lambda h: h.update(object={"tensor": 99}),
    "a bad float tag": lambda h: h.update(object={"float": "1e5"}),
    "an unhashable key": lambda h: h.update(object={"dict": [[[1, 2], 3]]}),
    "a one-sided pair": lambda h: h.update(object={"dict": [[1]]}),
    "an extra key": lambda h: h.update(extra=1),
    "not an object": lambda h: b"[1, 2, 3]",
    "NaN literal": lambda h: b'{"storages": [], "tensors": [], "object": NaN}',
    "not JSON": lambda h: b"\xff\xfe{",
    "deep nesting": lambda h: b'{"storages": [], "tensors": [], "object": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_crafted_headers_with_valid_checksums_are_refused(name):
    refused(rewrite_header(our_file(), CRAFTED[name]))


def test_a_newer_format_version_is_refused_by_number():
    data = bytearray(our_file())
    data[8:12] = struct.pack("<I", 2)
    assert "format version 2" in refused(bytes(data))


# -- torch.save archives -------------------------------------------------------------------------------
def test_damaged_torch_archives_are_refused_or_intact():
    data, rng = torch_file(), np.random.default_rng(3)
    refused_or_intact(data)
    for position in rng.choice(len(data), size=min(len(data), 900), replace=False):
        refused_or_intact(flip(data, int(position), rng))
    for length in rng.choice(len(data), size=300, replace=False):
        refused_or_intact(data[: int(length)])


def rezip(data, replace=None, compression=zipfile.ZIP_STORED, rename=None):
    """A copy of a torch archive with some members replaced or renamed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for name in source.namelist():
            content = source.read(name)
            for suffix, new in (replace or {}).items():
                if name.endswith(suffix):
                    content = new
            target.writestr(rename(name) if rename else name, content)
    return out.getvalue()


def foreign_zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in members.items():
            target.writestr(name, content)
    return out.getvalue()


def test_foreign_zip_files_are_refused():
    data = torch_file()
    assert "not a torch.save checkpoint" in refused(foreign_zip({}))
    assert "not a torch.save checkpoint" in refused(foreign_zip({"readme.txt": b"hello", "img/a.png": b"\x89PNG"}))
    assert "not a torch.save checkpoint" in refused(foreign_zip({"a/b/data.pkl": pickle.dumps([1])}))
    refused(foreign_zip({"x/data.pkl": b"not a pickle"}))
    assert "no x/version" in refused(foreign_zip({"x/data.pkl": pickle.dumps([1, 2])}))  # torch needs it too
    refused(foreign_zip({"x/data.pkl": b"\x80\x02]q\x00(K\x01K\x02e", "x/version": b"3\n"}))  # no STOP
    assert "compressed" in refused(rezip(data, compression=zipfile.ZIP_DEFLATED))
    assert "has no" in refused(rezip(data, rename=lambda n: n.replace("/data/0", "/data/7")))
    assert "holds" in refused(rezip(data, replace={"/data/0": b"\x00" * 4}))
    rng = np.random.default_rng(4)
    for _ in range(200):
        members = {f"m{i}/{rng.integers(0, 9)}.bin": rng.bytes(int(rng.integers(0, 200))) for i in range(3)}
        if rng.integers(0, 2):
            members["archive/data.pkl"] = rng.bytes(int(rng.integers(0, 300)))
        refused(foreign_zip(members))


def test_random_garbage_is_refused():
    rng = np.random.default_rng(5)
    prefixes = [b"", b"\x89TTCKPT\n", b"PK\x03\x04", b"\x80\x02", b"\x80\x02\x8a\x0a", b"{", b"\x93NUMPY"]
    for _ in range(400):
        refused(prefixes[int(rng.integers(0, len(prefixes)))] + rng.bytes(int(rng.integers(0, 2000))))


# -- files that would run code -----------------------------------------------------------------------
class RunsCode:
    """Unpickled freely, this would run a shell command that creates the marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def evil_pickles(marker):
    """Pickles that would run code (or misuse allowed names) if a loader trusted them."""
    command = f"touch {marker}".encode()
    p = pickle
    yield pickle.dumps(RunsCode(marker), protocol=2)
    yield pickle.dumps(RunsCode(marker), protocol=4)  # STACK_GLOBAL, FRAME, MEMOIZE
    yield pickle.dumps({"weights": [RunsCode(marker)]}, protocol=2)
    yield p.PROTO + b"\x02" + p.GLOBAL + b"builtins\neval\n" + p.SHORT_BINUNICODE + bytes([len(command)]) + command \
        + p.TUPLE1 + p.REDUCE + p.STOP
    yield b"(S'" + command + b"'\nios\nsystem\n." + p.STOP  # protocol 0's INST
    yield p.PROTO + b"\x02" + p.GLOBAL + b"os\nsystem\n" + p.MARK + p.BINUNICODE + struct.pack("<I", len(command)) \
        + command + p.OBJ + p.STOP
    yield p.PROTO + b"\x02" + p.GLOBAL + b"torch float32\n" + p.EMPTY_TUPLE + p.REDUCE + p.STOP  # calls a dtype
    yield p.PROTO + b"\x02" + p.GLOBAL + b"torch Size\n" + p.EMPTY_TUPLE + p.NEWOBJ + p.STOP
    yield p.PROTO + b"\x02" + p.EMPTY_LIST + p.EMPTY_DICT + p.BUILD + p.STOP  # sets state of a list
    yield p.PROTO + b"\x02" + p.BINGET + b"\x07" + p.STOP  # a memo entry never stored
    yield p.PROTO + b"\x02" + p.BINUNICODE + struct.pack("<I", 2**31) + b"abc"  # a string longer than the file
    yield p.PROTO + b"\x02" + p.EMPTY_LIST + p.APPENDS + p.STOP  # no MARK
    yield p.PROTO + b"\x02" + p.BINPERSID + p.STOP  # an empty stack
    yield p.PROTO + b"\x02" + p.MARK * 50_000 + p.STOP


def test_pickles_that_would_run_code_never_do(tmp_path):
    marker = tmp_path / "ran"
    archive = torch_file()
    for evil in evil_pickles(marker):
        refused(evil)  # as a bare file
        refused(rezip(archive, replace={"/data.pkl": evil}))  # inside a real torch archive
        assert not marker.exists(), "a file made tinytorch run its code"
    # Control: loaded freely, the first one does run the command (so the marker test can fail).
    pickle.loads(pickle.dumps(RunsCode(marker)))
    assert marker.exists()


def test_misused_tensor_rebuilds_are_refused():
    """Allowed names with crafted arguments: a view outside its storage, wrong arities, foreign ids."""
    def rebuild(args, pid=b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x000X\x03\x00\x00\x00cpuK\x0ctQ"):
        return (pickle.PROTO + b"\x02" + pickle.GLOBAL + b"torch._utils\n_rebuild_tensor_v2\n" + pickle.MARK + pid
                + args + pickle.TUPLE + pickle.REDUCE + pickle.STOP)

    empty_hooks = b"ccollections\nOrderedDict\n)R"
    archive = torch_file()
    cases = [
        rebuild(b"K\x00K\x64\x85K\x01\x85\x89" + empty_hooks),  # 100 elements of a 12-element storage
        rebuild(b"K\x00K\x03\x85J\x00\x00\x00\x40\x85\x89" + empty_hooks),  # a stride of 2**30
        rebuild(b"K\x00K\x02\x85K\x01\x85\x88" + empty_hooks[:-2] + b")R}Kx\x88sb"),  # hooks, and BUILD
        rebuild(b"K\x00"),  # too few arguments
        rebuild(b"K\x00K\x02\x85K\x01\x85\x89" + empty_hooks,
                pid=b"(X\x07\x00\x00\x00storagectorch\nFloatStorage\nX\x01\x00\x00\x009X\x03\x00\x00\x00cpuK\x0ctQ"),
        rebuild(b"K\x00K\x02\x85K\x01\x85\x89" + empty_hooks, pid=b"(X\x03\x00\x00\x00fooK\x01tQ"),
    ]
    for case in cases:
        refused(rezip(archive, replace={"/data.pkl": case}))
