"""tinytorch.save / tinytorch.load: round trips, map_location, atomic saving, and the file format.

Round trips are property tests: Hypothesis builds nested containers of
numbers, strings and tensors of every dtype, including non-contiguous views
and several tensors over one storage, and everything must come back as it
was, sharing included. Where torch has the same behaviour (what sharing and
requires_grad look like after loading) torch's own round trip is the oracle.
The CUDA cases run on the stand-in GPU of tests/fake_gpu.py.
"""
import errno
import io
import json
import math
import os
import stat
import struct
import sys
import tracemalloc
import zlib
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from fake_gpu import FakeGpuBackend, device_module, fake_gpu  # noqa: F401  (fake_gpu is a fixture)
from oracle import DTYPE_NAMES, tinytorch_message
from serialization_cases import VIEWS, random_bits, rewrite_header
from tinytorch.serialization import CheckpointError, atomic_write, checkpoint

CPU = tinytorch.device("cpu")
REAL_CUPY_STATUS = tinytorch.cuda._cupy_status  # before any test stands in a GPU


# -- building objects to save ----------------------------------------------------------------
@st.composite
def saveable(draw):
    """A nested object of tensors and plain values. Tensors come from a small
    pool (bases and views of them), so storages and whole tensors repeat."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pool = []
    for _ in range(draw(st.integers(1, 3))):
        dtype_name = draw(st.sampled_from(DTYPE_NAMES))
        shape = tuple(draw(st.lists(st.integers(0, 4), max_size=3)))
        base = tinytorch.from_numpy(random_bits(rng, dtype_name, shape))
        if dtype_name.startswith("float") and draw(st.booleans()):
            base.requires_grad_(True)
        pool.append(base)
        for view in draw(st.lists(st.sampled_from(VIEWS), max_size=3)):
            pool.append(view(base))
    tensors = st.sampled_from(pool)
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
    )
    keys = st.one_of(st.text(max_size=5), st.integers(), st.booleans(), st.none(),
                     st.floats(allow_nan=False), st.tuples(st.integers(), st.text(max_size=3)))
    leaves = st.one_of(tensors, scalars)
    tree = st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(keys, children, max_size=3).map(OrderedDict),
    ), max_leaves=12)
    return draw(tree)


# -- comparing what comes back -------------------------------------------------------------------
class Correspondence:
    """Checks that sharing survives: the same tensor object maps to the same
    loaded object, and the same storage to the same loaded storage, both ways."""

    def __init__(self):
        self.tensors, self.storages, self.loaded_storages = {}, {}, {}

    def same(self, before, after):
        if isinstance(before, tinytorch.Tensor):
            assert type(after) is tinytorch.Tensor
            assert self.tensors.setdefault(id(before), after) is after, "one tensor became two"
            self.check_storage(before._storage, after._storage)
            assert_same_tensor(after, before)
        elif isinstance(before, float):
            assert type(after) is float
            assert after == before or (math.isnan(after) and math.isnan(before))
            assert math.copysign(1, after) == math.copysign(1, before)
        elif isinstance(before, (list, tuple, dict)):
            assert type(after) is type(before)
            assert len(after) == len(before)
            if isinstance(before, dict):
                assert list(after) == list(before)  # keys, in order
                for key in before:
                    self.same(before[key], after[key])
            else:
                for b, a in zip(before, after):
                    self.same(b, a)
        else:
            assert type(after) is type(before) and after == before

    def check_storage(self, before, after):
        assert self.storages.setdefault(id(before), after) is after, "a shared storage was split"
        assert self.loaded_storages.setdefault(id(after), before) is before, "two storages were merged"


def assert_same_tensor(after, before, device=None):
    """Same header, dtype, device, requires_grad and bits (NaN payloads included)."""
    assert after.dtype is before.dtype
    assert after.device is (device or before.device)
    assert (after.shape, after.stride(), after.storage_offset()) == (before.shape, before.stride(), before.storage_offset())
    assert after.requires_grad == before.requires_grad and after.is_leaf
    assert host_bytes(after._storage) == host_bytes(before._storage)


def host_bytes(storage):
    return device_module.backend_for(storage.device).to_numpy(storage._array).tobytes()


def round_trip(obj, target=None, **load_options):
    buffer = io.BytesIO() if target is None else target
    tinytorch.save(obj, buffer)
    if target is None:
        buffer.seek(0)
    return tinytorch.load(buffer, **load_options)


# -- round trips -------------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(saveable(), st.booleans())
def test_round_trip_keeps_everything(tmp_path_factory, obj, to_path):
    target = tmp_path_factory.mktemp("ckpt") / "obj.tt" if to_path else None
    Correspondence().same(obj, round_trip(obj, target))


def test_sharing_and_requires_grad_come_back_as_torch_brings_them_back():
    """The same situations saved by torch and by tinytorch: identical answers after loading."""
    def build(lib):
        base = lib.arange(12.0).view(3, 4).requires_grad_()
        other = lib.ones(2, dtype=lib.int16)
        return {"base": base, "view": base[1:, ::2], "T": base.T, "again": base, "row": base[1].detach(),
                "other": other, "other view": other[1:], "nested": [(base,), {"k": other}]}

    def pattern(lib, obj):
        flat = [obj["base"], obj["view"], obj["T"], obj["again"], obj["row"], obj["other"], obj["other view"],
                obj["nested"][0][0], obj["nested"][1]["k"]]
        shares = [[a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr() for b in flat] for a in flat]
        same = [[a is b for b in flat] for a in flat]
        grads = [(t.requires_grad, t.is_leaf) for t in flat]
        layout = [(tuple(t.shape), t.stride(), t.storage_offset()) for t in flat]
        return shares, same, grads, layout

    saved = io.BytesIO()
    torch.save(build(torch), saved)
    saved.seek(0)
    assert pattern(tinytorch, round_trip(build(tinytorch))) == pattern(torch, torch.load(saved))


def test_a_loaded_view_writes_through_to_its_base():
    base = tinytorch.zeros(3, 4)
    loaded = round_trip({"base": base, "col": base[:, 1]})
    loaded["col"].fill_(7.0)
    assert loaded["base"][:, 1].tolist() == [7.0, 7.0, 7.0]
    assert base.sum().item() == 0  # the original is untouched
    loaded["base"].add_(1)
    assert loaded["col"].tolist() == [8.0, 8.0, 8.0]


def test_plain_values_round_trip():
    obj = {"ints": [0, -1, 2**80, True, False], "floats": (0.1, -0.0, float("inf"), -float("inf"), 1e-310),
           "text": "naïve ✓ \x00 \ud800", None: None, (1, "a"): OrderedDict([("z", 1), ("a", 2)]), 3.5: [], "": ()}
    loaded = round_trip(obj)
    Correspondence().same(obj, loaded)
    assert math.isnan(round_trip(float("nan")))


def test_an_empty_view_past_the_end_of_its_storage_keeps_its_offset_like_torch():
    saved = io.BytesIO()
    torch.save(torch.zeros(2, 0)[1:], saved)
    saved.seek(0)
    reference = torch.load(saved)
    loaded = round_trip(tinytorch.zeros(2, 0)[1:])
    assert (tuple(loaded.shape), loaded.stride(), loaded.storage_offset(), len(loaded._storage)) == (
        tuple(reference.shape), reference.stride(), reference.storage_offset(), reference.untyped_storage().nbytes())


def test_a_bare_tensor_and_scalars_round_trip():
    t = tinytorch.tensor(3.5, dtype=tinytorch.float16)
    assert_same_tensor(round_trip(t), t)
    for value in (None, 7, "x", True, 2.5):
        assert round_trip(value) == value


UNSAVEABLE = [
    ({1, 2}, TypeError, "type set"),
    (np.int64(3), TypeError, r"call \.item\(\)"),
    (b"bytes", TypeError, "type bytes"),
    ({tinytorch.ones(1): 1}, TypeError, "dict key of type Tensor"),
    (tinytorch.storage.TypedStorage(tinytorch.ones(1)._storage), TypeError, "type TypedStorage"),  # t.storage()
    (lambda: 0, TypeError, "type function"),
]


@pytest.mark.parametrize("obj, error, message", UNSAVEABLE)
def test_unsaveable_objects_are_refused_by_name(tmp_path, obj, error, message):
    path = tmp_path / "x.tt"
    with pytest.raises(error, match=message):
        tinytorch.save(obj, path)
    assert os.listdir(tmp_path) == []  # not even a partial file


def test_a_container_holding_itself_is_refused():
    loop = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        tinytorch.save(loop, io.BytesIO())
    twice = [1]
    Correspondence().same({"a": twice, "b": twice}, round_trip({"a": twice, "b": twice}))  # sharing is not a loop


def test_load_rejects_bad_arguments(tmp_path):
    with pytest.raises(FileNotFoundError):
        tinytorch.load(tmp_path / "missing.tt")
    tinytorch.save(1, tmp_path / "one.tt")
    with pytest.raises(ValueError, match="never unpickles"):
        tinytorch.load(tmp_path / "one.tt", weights_only=False)
    with pytest.raises(TypeError, match="map_location should be"):
        tinytorch.load(tmp_path / "one.tt", map_location=3)
    with pytest.raises(RuntimeError) as caught:
        tinytorch.load(tmp_path / "one.tt", map_location="cpu:x")
    with pytest.raises(RuntimeError) as expected:
        torch.device("cpu:x")
    assert str(caught.value) == tinytorch_message(expected.value)
    with open(tmp_path / "one.tt", encoding="latin-1") as text_file:
        with pytest.raises(TypeError, match="binary mode"):
            tinytorch.load(text_file)


class WriteOnly:
    """A stream that can only be written, and says how much it took (at most 7 bytes a call)."""

    def __init__(self):
        self.data = bytearray()

    def write(self, chunk):
        self.data += bytes(chunk[:7])
        return min(len(chunk), 7)


class ReadOnly:
    """A stream that can only be read, like a pipe."""

    def __init__(self, data):
        self.source = io.BytesIO(data)

    def read(self, n=-1):
        return self.source.read(n)


def test_streams_that_cannot_seek_work_both_ways():
    obj = {"t": tinytorch.arange(10).view(2, 5)[:, 1:], "n": 3}
    out = WriteOnly()
    tinytorch.save(obj, out)
    Correspondence().same(obj, tinytorch.load(ReadOnly(bytes(out.data))))


def test_loading_starts_at_the_streams_position():
    buffer = io.BytesIO(b"prefix")
    buffer.seek(0, io.SEEK_END)
    tinytorch.save([1, 2], buffer)
    buffer.seek(len(b"prefix"))
    assert tinytorch.load(buffer) == [1, 2]


def test_saving_a_cpu_tensor_makes_no_copy_of_it(tmp_path):
    t = tinytorch.zeros(2_000_000)  # 8 MB
    tracemalloc.start()
    try:
        tinytorch.save({"t": t, "view": t[::2]}, tmp_path / "big.tt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.05 * t.nbytes, f"saving allocated {peak} bytes for an {t.nbytes}-byte tensor"


# -- map_location ------------------------------------------------------------------------------------------
def gpu_checkpoint():
    """A CUDA checkpoint, saved on the stand-in GPU: views on cuda:0, a tensor on cuda:1, and a CPU one."""
    base = tinytorch.arange(12.0, device="cuda:0").view(3, 4).requires_grad_()
    obj = {"base": base, "view": base.T[1:], "one": tinytorch.ones(2, 2, dtype=tinytorch.int32, device=1),
           "cpu": tinytorch.tensor([True, False])}
    buffer = io.BytesIO()
    tinytorch.save(obj, buffer)
    return obj, buffer.getvalue()


def load_bytes(data, **options):
    return tinytorch.load(io.BytesIO(data), **options)


def devices_of(loaded):
    return {key: str(t.device) for key, t in loaded.items()}


def check_loaded(obj, loaded, devices):
    assert devices_of(loaded) == devices
    correspondence = Correspondence()
    for key in obj:
        # Values (compared on the host), header, requires_grad and sharing are what moving must keep.
        before, after = obj[key], loaded[key]
        assert (after.shape, after.stride(), after.storage_offset(), after.dtype, after.requires_grad) == (
            before.shape, before.stride(), before.storage_offset(), before.dtype, before.requires_grad)
        assert host_bytes(after._storage) == host_bytes(before._storage)
        correspondence.check_storage(before._storage, after._storage)


MAP_LOCATIONS = {
    "None": (None, {"base": "cuda:0", "view": "cuda:0", "one": "cuda:1", "cpu": "cpu"}),
    "'cpu'": ("cpu", {"base": "cpu", "view": "cpu", "one": "cpu", "cpu": "cpu"}),
    "device('cpu')": (tinytorch.device("cpu"), {"base": "cpu", "view": "cpu", "one": "cpu", "cpu": "cpu"}),
    "'cuda:1'": ("cuda:1", {"base": "cuda:1", "view": "cuda:1", "one": "cuda:1", "cpu": "cuda:1"}),
    "'cuda'": ("cuda", {"base": "cuda:0", "view": "cuda:0", "one": "cuda:0", "cpu": "cuda:0"}),
    "dict": ({"cuda:0": "cuda:1", "cuda:1": "cpu"}, {"base": "cuda:1", "view": "cuda:1", "one": "cpu", "cpu": "cpu"}),
    "dict to devices": ({"cpu": tinytorch.device("cuda", 1)},
                        {"base": "cuda:0", "view": "cuda:0", "one": "cuda:1", "cpu": "cuda:1"}),
    "lambda storage, loc: storage": (lambda storage, loc: storage,
                                     {"base": "cpu", "view": "cpu", "one": "cpu", "cpu": "cpu"}),
    "lambda: storage.cuda(1)": (lambda storage, loc: storage.cuda(1),
                                {"base": "cuda:1", "view": "cuda:1", "one": "cuda:1", "cpu": "cuda:1"}),
    "lambda: None": (lambda storage, loc: None, {"base": "cuda:0", "view": "cuda:0", "one": "cuda:1", "cpu": "cpu"}),
}


@pytest.mark.parametrize("name", list(MAP_LOCATIONS))
def test_map_location_in_every_form(fake_gpu, name):
    map_location, devices = MAP_LOCATIONS[name]
    obj, data = gpu_checkpoint()
    check_loaded(obj, load_bytes(data, map_location=map_location), devices)


def test_map_location_functions_see_each_saved_location_once_with_a_cpu_storage(fake_gpu):
    obj, data = gpu_checkpoint()
    seen = []

    def spy(storage, location):
        seen.append((location, storage.device, storage.dtype, len(storage)))
        return storage

    load_bytes(data, map_location=spy)
    assert sorted(seen, key=str) == sorted([("cuda:0", CPU, tinytorch.float32, 12), ("cuda:1", CPU, tinytorch.int32, 4),
                                            ("cpu", CPU, tinytorch.bool, 2)], key=str)


def test_map_location_functions_must_return_a_fitting_storage():
    data = io.BytesIO()
    tinytorch.save(tinytorch.ones(3), data)
    with pytest.raises(TypeError, match="not a storage"):
        load_bytes(data.getvalue(), map_location=lambda storage, loc: "cpu")
    with pytest.raises(ValueError, match="dtype and size"):
        load_bytes(data.getvalue(), map_location=lambda storage, loc: tinytorch.ones(4).storage())


def test_a_cuda_checkpoint_without_a_gpu_names_map_location_as_the_fix(fake_gpu, monkeypatch):
    obj, data = gpu_checkpoint()
    # Now the GPU is gone: tinytorch.cuda answers as it does without CuPy. (The saved
    # tensors stay readable through the stand-in's backend, for the comparison.)
    monkeypatch.setitem(sys.modules, "cupy", None)
    no_cupy = REAL_CUPY_STATUS.__wrapped__()
    monkeypatch.setattr(tinytorch.cuda, "_cupy_status", lambda: no_cupy)
    with pytest.raises(RuntimeError) as caught:
        load_bytes(data)
    message = str(caught.value)
    assert "Attempting to deserialize object on a CUDA device" in message
    assert "map_location=tinytorch.device('cpu')" in message and "CuPy is not installed" in message
    check_loaded(obj, load_bytes(data, map_location="cpu"), {k: "cpu" for k in obj})
    check_loaded(obj, load_bytes(data, map_location=lambda s, loc: s), {k: "cpu" for k in obj})


def test_a_checkpoint_for_a_missing_gpu_index_says_so(fake_gpu, monkeypatch):
    obj, data = gpu_checkpoint()
    monkeypatch.setattr(tinytorch.cuda, "device_count", lambda: 1)
    with pytest.raises(RuntimeError, match=r"CUDA device 1 but tinytorch.cuda.device_count\(\) is 1"):
        load_bytes(data)
    check_loaded(obj, load_bytes(data, map_location={"cuda:1": "cuda:0"}),
                 {"base": "cuda:0", "view": "cuda:0", "one": "cuda:0", "cpu": "cpu"})


def test_an_unknown_saved_location_asks_for_map_location():
    data = io.BytesIO()
    tinytorch.save(tinytorch.ones(2), data)
    patched = rewrite_header(data.getvalue(), lambda header: header["storages"][0].update(location="mps"))
    with pytest.raises(CheckpointError, match="saved on 'mps'.*map_location"):
        load_bytes(patched)
    assert load_bytes(patched, map_location={"mps": "cpu"}).tolist() == [1.0, 1.0]


def test_gpu_storages_are_written_piece_by_piece(fake_gpu, monkeypatch):
    monkeypatch.setattr(checkpoint, "_CHUNK_BYTES", 64)  # 16 float32s a piece
    pieces = []
    original = FakeGpuBackend.to_numpy
    monkeypatch.setattr(FakeGpuBackend, "to_numpy", staticmethod(lambda a: pieces.append(a.size) or original(a)))
    t = tinytorch.arange(1000.0, device="cuda:1")
    loaded = round_trip({"t": t, "tail": t[990:]})
    assert max(pieces) == 16 and sum(pieces) == 1000
    assert loaded["t"].device is tinytorch.device("cuda:1") and loaded["tail"].untyped_storage() is loaded["t"].untyped_storage()
    assert loaded["t"].cpu().tolist() == list(range(1000))


# -- saving is atomic -------------------------------------------------------------------------------------
@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "model.tt"
    tinytorch.save({"version": "old", "w": tinytorch.ones(1000)}, path)
    return path, path.read_bytes()


def failing_after(n_bytes, error):
    """A stand-in for _storage_chunks that hands over n_bytes, then fails as a full disk or Ctrl-C would."""
    def chunks(storage):
        yield memoryview(bytes(n_bytes))
        raise error
    return chunks


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_save_that_fails_midway_leaves_the_old_file_and_no_litter(old_file, monkeypatch, error):
    path, before = old_file
    monkeypatch.setattr(checkpoint, "_storage_chunks", failing_after(1500, error))
    with pytest.raises(type(error)):
        tinytorch.save({"version": "new", "w": tinytorch.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert tinytorch.load(path)["version"] == "old"
    assert os.listdir(path.parent) == [path.name]


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_failing_fsync_or_rename_leaves_the_old_file(old_file, monkeypatch, step):
    path, before = old_file

    def fail(*args):
        raise OSError(5, f"{step} failed")

    monkeypatch.setattr(atomic_write.os, step, fail)
    with pytest.raises(OSError, match=f"{step} failed"):
        tinytorch.save({"version": "new"}, path, durable=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]


@pytest.fixture
def disk_calls(monkeypatch):
    """The fsyncs and renames save makes, in order: ('fsync', what the descriptor is) or ('replace', target name)."""
    calls = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor):
        kind = "directory" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "file"
        calls.append(("fsync", kind))
        real_fsync(descriptor)

    def replace(source, target):
        calls.append(("replace", os.path.basename(target)))
        real_replace(source, target)

    monkeypatch.setattr(atomic_write.os, "fsync", fsync)
    monkeypatch.setattr(atomic_write.os, "replace", replace)
    return calls


def test_save_hands_the_bytes_to_the_os_without_waiting_for_the_disk(tmp_path, disk_calls):
    tinytorch.save(tinytorch.ones(3), tmp_path / "a.tt")
    assert disk_calls == [("replace", "a.tt")]


def test_a_durable_save_syncs_the_file_before_the_rename_and_the_directory_after(tmp_path, disk_calls):
    tinytorch.save(tinytorch.ones(3), tmp_path / "a.tt", durable=True)
    assert disk_calls == [("fsync", "file"), ("replace", "a.tt"), ("fsync", "directory")]
    assert tinytorch.load(tmp_path / "a.tt").equal(tinytorch.ones(3))


def test_durable_needs_a_path():
    with pytest.raises(ValueError, match="durable=True needs a path"):
        tinytorch.save(1, io.BytesIO(), durable=True)


def test_the_disk_space_reserved_is_the_size_written(tmp_path, monkeypatch):
    reserved = []
    real = os.posix_fallocate
    monkeypatch.setattr(atomic_write.os, "posix_fallocate", lambda fd, offset, n: reserved.append(n) or real(fd, offset, n))
    path = tmp_path / "a.tt"
    t = tinytorch.arange(10.0)
    tinytorch.save({"whole": t, "view": t[2:], "other": tinytorch.ones(3, dtype=tinytorch.int16), "n": 1}, path)
    assert reserved == [path.stat().st_size]


def test_a_full_disk_fails_before_writing_and_leaves_the_old_file(old_file, monkeypatch):
    path, before = old_file

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_write.os, "posix_fallocate", full)
    monkeypatch.setattr(checkpoint, "_write", lambda *args: pytest.fail("nothing may be written"))
    with pytest.raises(OSError, match="No space left"):
        tinytorch.save({"version": "new"}, path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]


def test_a_file_system_that_cannot_reserve_space_still_gets_the_file(tmp_path, monkeypatch):
    def unsupported(*args):
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(atomic_write.os, "posix_fallocate", unsupported)
    tinytorch.save({"w": tinytorch.ones(4)}, tmp_path / "a.tt")
    assert tinytorch.load(tmp_path / "a.tt")["w"].equal(tinytorch.ones(4))


def test_a_failed_first_save_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "_storage_chunks", failing_after(10, OSError("disk full")))
    with pytest.raises(OSError):
        tinytorch.save(tinytorch.ones(3), tmp_path / "new.tt")
    assert os.listdir(tmp_path) == []


def test_replacing_keeps_permissions_and_writes_through_symlinks(tmp_path):
    target = tmp_path / "real.tt"
    tinytorch.save(1, target)
    os.chmod(target, 0o640)
    link = tmp_path / "link.tt"
    link.symlink_to(target)
    tinytorch.save(2, link)
    assert link.is_symlink() and tinytorch.load(target) == 2
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.tt", "real.tt"]


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    tinytorch.save(1, tmp_path / "a.tt")
    with open(tmp_path / "b.tt", "wb"):
        pass
    assert stat.S_IMODE(os.stat(tmp_path / "a.tt").st_mode) == stat.S_IMODE(os.stat(tmp_path / "b.tt").st_mode)


# -- the file format, read as docs/checkpoint-format.md describes it --------------------------------------
def read_by_the_spec(data):
    """An independent reader written from the format document alone."""
    magic, version, header_length, header_crc = struct.unpack_from("<8sIQI", data, 0)
    assert magic == b"\x89TTCKPT\n" and version == 1
    header_bytes = data[24:24 + header_length]
    assert zlib.crc32(header_bytes) == header_crc
    header = json.loads(header_bytes)
    position = 24 + header_length
    arrays = []
    for spec in header["storages"]:
        dtype = np.dtype(spec["dtype"]).newbyteorder("<")
        nbytes = spec["numel"] * dtype.itemsize
        raw = data[position:position + nbytes]
        (checksum,) = struct.unpack_from("<Q", data, position + nbytes)
        padded = raw + bytes(-len(raw) % 8)
        assert sum(struct.unpack(f"<{len(padded) // 8}Q", padded)) % 2**64 == checksum
        arrays.append(np.frombuffer(raw, dtype))
        position += nbytes + 8
    assert position == len(data)  # nothing after the last storage
    return header, arrays


def test_the_file_is_what_the_format_document_says():
    base = tinytorch.arange(6, dtype=tinytorch.int16).view(2, 3)
    obj = {"w": base.T, "again": base, "n": [1, 2.5, None, "s", float("nan"), (True,)]}
    data = io.BytesIO()
    tinytorch.save(obj, data)
    header, arrays = read_by_the_spec(data.getvalue())
    assert header["storages"] == [{"dtype": "int16", "numel": 6, "location": "cpu"}]
    assert arrays[0].tolist() == list(range(6))
    assert header["tensors"] == [
        {"storage": 0, "offset": 0, "shape": [3, 2], "stride": [1, 3], "requires_grad": False},
        {"storage": 0, "offset": 0, "shape": [2, 3], "stride": [3, 1], "requires_grad": False},
    ]
    assert header["object"] == {"dict": [
        ["w", {"tensor": 0}], ["again", {"tensor": 1}],
        ["n", [1, 2.5, None, "s", {"float": "nan"}, {"tuple": [True]}]],
    ]}
