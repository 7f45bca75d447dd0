"""tinytorch.load reads files written by the real torch.save (torch 2.13, the oracle).

Every file here is written by torch in the test itself, then read by
tinytorch.load, which must not import torch. What comes back must equal what
torch saved: values (bit for bit), dtype, shape, stride, storage offset,
requires_grad, which tensors share a storage, and which are one object.
Files that are not plain checkpoints of tensors (modules, TorchScript, the
legacy format, dtypes tinytorch lacks) must be refused with a clear message.
"""
import contextlib
import io
import math
import warnings
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from fake_gpu import fake_gpu  # noqa: F401  (a fixture)
from oracle import DTYPE_NAMES, dtype_name
from serialization_cases import VIEWS, random_bits
from tinytorch.serialization import CheckpointError


@st.composite
def torch_objects(draw):
    """Nested containers of torch tensors (a pool of bases and their views) and plain values."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pool = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(DTYPE_NAMES))
        base = torch.from_numpy(random_bits(rng, name, tuple(draw(st.lists(st.integers(0, 4), max_size=3))))).clone()
        if name.startswith("float") and draw(st.booleans()):
            base.requires_grad_(True)
        pool.append(base)
        pool.extend(view(base) for view in draw(st.lists(st.sampled_from(VIEWS), max_size=3)))
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
    keys = st.one_of(st.text(max_size=5), st.integers(), st.tuples(st.integers(), st.text(max_size=3)))
    tree = st.recursive(st.one_of(st.sampled_from(pool), scalars), lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.lists(children, max_size=3).map(tuple),
        st.dictionaries(keys, children, max_size=3),
        st.dictionaries(keys, children, max_size=3).map(OrderedDict),
    ), max_leaves=12)
    return draw(tree)


def storage_bytes(t):
    """All bytes of a torch tensor's storage."""
    whole = torch.empty(0, dtype=torch.uint8).set_(t.untyped_storage())
    return whole.numpy().tobytes()


class SameAsTorch:
    """Compares a loaded object with the torch object saved, tracking identity and storage sharing."""

    def __init__(self):
        self.tensors, self.storages, self.loaded_storages = {}, {}, {}

    def check(self, loaded, ref):
        if isinstance(ref, torch.Tensor):
            assert type(loaded) is tinytorch.Tensor
            assert self.tensors.setdefault(id(ref), loaded) is loaded, "one tensor became two"
            key = ref.untyped_storage()._cdata
            assert self.storages.setdefault(key, loaded.untyped_storage()) is loaded.untyped_storage(), "a shared storage was split"
            assert self.loaded_storages.setdefault(id(loaded.untyped_storage()), key) == key, "two storages were merged"
            assert dtype_name(loaded.dtype) == dtype_name(ref.dtype)
            assert (tuple(loaded.shape), loaded.stride(), loaded.storage_offset()) == (
                tuple(ref.shape), ref.stride(), ref.storage_offset())
            assert loaded.requires_grad == ref.requires_grad and loaded.is_leaf
            assert str(loaded.device) == str(ref.device)
            assert loaded._storage._array.tobytes() == storage_bytes(ref)
        elif isinstance(ref, float):
            assert type(loaded) is float
            assert loaded == ref or (math.isnan(loaded) and math.isnan(ref))
        elif isinstance(ref, torch.Size):
            assert type(loaded) is tinytorch.Size and tuple(loaded) == tuple(ref)
        elif isinstance(ref, (list, tuple, dict)):
            assert type(loaded) is type(ref) and len(loaded) == len(ref)
            if isinstance(ref, dict):
                assert list(loaded) == list(ref)
                for key in ref:
                    self.check(loaded[key], ref[key])
            else:
                for a, b in zip(loaded, ref):
                    self.check(a, b)
        else:
            assert type(loaded) is type(ref) and loaded == ref


def torch_file(obj, **options):
    buffer = io.BytesIO()
    torch.save(obj, buffer, **options)
    return buffer.getvalue()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(torch_objects(), st.booleans())
def test_files_written_by_torch_load_with_everything_kept(tmp_path_factory, obj, from_path):
    if from_path:
        path = tmp_path_factory.mktemp("torch") / "saved.pt"
        torch.save(obj, path)  # the archive's inner folder is then named after the file
        loaded = tinytorch.load(path)
    else:
        loaded = tinytorch.load(io.BytesIO(torch_file(obj)))
    SameAsTorch().check(loaded, obj)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_every_pickle_protocol_torch_can_use(protocol):
    x = torch.arange(10.0).view(2, 5)
    obj = {"x": x, "view": x[:, 1::2], "meta": [x.shape, torch.float16, torch.device("cpu"), 2**70, -1.5]}
    loaded = tinytorch.load(io.BytesIO(torch_file(obj, pickle_protocol=protocol)))
    SameAsTorch().check(loaded["x"], x)
    assert loaded["meta"][1] is tinytorch.float16 and loaded["meta"][2] is tinytorch.device("cpu")
    assert loaded["meta"][3:] == [2**70, -1.5]


def test_a_models_state_dict_loads_in_order_with_its_metadata():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    state = model.state_dict()
    loaded = tinytorch.load(io.BytesIO(torch_file(state)))
    assert type(loaded) is OrderedDict and list(loaded) == list(state)
    SameAsTorch().check(loaded, state)
    assert loaded._metadata == state._metadata  # torch's version bookkeeping survives, as plain data
    reference = torch.load(io.BytesIO(torch_file(state)), weights_only=True)
    assert [tuple(v.shape) for v in reference.values()] == [tuple(v.shape) for v in loaded.values()]


def test_a_saved_parameter_loads_as_a_leaf_that_requires_grad():
    weight = torch.nn.Parameter(torch.randn(2, 3))
    loaded = tinytorch.load(io.BytesIO(torch_file({"w": weight, "w again": weight, "data": weight.data})))
    reference = torch.load(io.BytesIO(torch_file({"w": weight, "w again": weight, "data": weight.data})))
    assert loaded["w"].requires_grad is reference["w"].requires_grad is True and loaded["w"].is_leaf
    assert loaded["w"] is loaded["w again"]
    assert loaded["data"].requires_grad is reference["data"].requires_grad is False
    assert loaded["w"].untyped_storage() is loaded["data"].untyped_storage()
    np.testing.assert_array_equal(loaded["w"].detach().numpy(), weight.detach().numpy())


def test_storage_objects_load_as_storages():
    x = torch.arange(4.0)
    loaded = tinytorch.load(io.BytesIO(torch_file([x.untyped_storage()])))  # torch refuses a tensor beside it
    assert loaded[0].dtype is tinytorch.uint8 and len(loaded[0]) == 16
    assert loaded[0]._array.tobytes() == storage_bytes(x)


@contextlib.contextmanager
def torch_saves_storages_as(location):
    """Make torch.save record `location` (say 'cuda:0') for CPU storages, as it does for GPU ones."""
    def tagger(storage):
        return location

    torch.serialization.register_package(-1000, tagger, lambda storage, loc: None)
    try:
        yield
    finally:
        torch.serialization._package_registry[:] = [
            entry for entry in torch.serialization._package_registry if entry[1] is not tagger
        ]


def cuda_file():
    x = torch.arange(6.0).view(2, 3)
    with torch_saves_storages_as("cuda:0"):
        data = torch_file({"x": x, "col": x[:, 1]})
    return x, data


def test_a_torch_cuda_file_loads_onto_the_cpu_with_map_location():
    x, data = cuda_file()
    assert b"cuda:0" in data
    with pytest.raises(RuntimeError, match="map_location=tinytorch.device\\('cpu'\\)"):
        tinytorch.load(io.BytesIO(data))
    for map_location in ("cpu", tinytorch.device("cpu"), {"cuda:0": "cpu"}, lambda storage, loc: storage):
        loaded = tinytorch.load(io.BytesIO(data), map_location=map_location)
        assert loaded["x"].device is tinytorch.device("cpu") and loaded["col"].untyped_storage() is loaded["x"].untyped_storage()
        assert loaded["col"].tolist() == x[:, 1].tolist()


def test_a_torch_cuda_file_loads_onto_a_gpu(fake_gpu):
    x, data = cuda_file()
    loaded = tinytorch.load(io.BytesIO(data))
    assert loaded["x"].device is tinytorch.device("cuda:0") and loaded["col"].untyped_storage() is loaded["x"].untyped_storage()
    moved = tinytorch.load(io.BytesIO(data), map_location={"cuda:0": "cuda:1"})
    assert moved["col"].device is tinytorch.device("cuda:1") and moved["col"].cpu().tolist() == x[:, 1].tolist()


def test_a_big_endian_archive_is_read_in_its_byte_order():
    x = torch.tensor([1.5, -2.25, 3.0e30], dtype=torch.float32)
    source = zipfile.ZipFile(io.BytesIO(torch_file(x)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name.endswith("/byteorder"):
                data = b"big"
            elif "/data/" in name:
                data = np.frombuffer(data, "<f4").astype(">f4").tobytes()
            target.writestr(name, data)
    reference = torch.load(io.BytesIO(out.getvalue()))
    loaded = tinytorch.load(io.BytesIO(out.getvalue()))
    assert loaded.tolist() == reference.tolist() == x.tolist()


REFUSED = {
    "bfloat16": (lambda: torch_file(torch.ones(2, dtype=torch.bfloat16)), "BFloat16Storage"),
    "complex": (lambda: torch_file(torch.ones(2, dtype=torch.complex64)), "ComplexFloatStorage"),
    "a whole module": (lambda: torch_file(torch.nn.Linear(2, 2)), "torch.nn.modules.linear.Linear"),
    "a set": (lambda: torch_file({1, 2}), "set"),
    "bytes": (lambda: torch_file(b"abc"), "_codecs.encode"),
    "a sparse tensor": (lambda: torch_file(torch.eye(2).to_sparse()), "_rebuild_sparse_tensor"),
    "the legacy format": (lambda: torch_file(torch.ones(2), _use_new_zipfile_serialization=False), "legacy"),
    "TorchScript": (lambda: _torchscript(), "TorchScript"),
}


def _torchscript():
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript, which is what this file must be
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("what", list(REFUSED))
def test_what_tinytorch_cannot_load_is_refused_by_name(what):
    make, words = REFUSED[what]
    with pytest.raises(CheckpointError, match=words):
        tinytorch.load(io.BytesIO(make()))
