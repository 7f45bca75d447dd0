"""Devices and moving tensors between them, against the real PyTorch.

On the CPU everything is compared with torch: device objects (parsing,
errors, equality), `device=` on factories, and `.to()` in all its forms,
including the memory layout of the copy it makes. The CUDA side runs on the
stand-in GPU of tests/fake_gpu.py, so the plumbing (devices, moves, errors,
autograd across devices, seeding) is checked on every machine; CuPy itself
is checked by tests/test_gpu.py where a GPU exists.
"""
import copy
import pickle

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from fake_gpu import FakeGpuBackend, fake_gpu, stand_in_gpus  # noqa: F401  (fake_gpu is a fixture)
from oracle import DTYPE_NAMES, assert_same, assert_same_error, tinytorch_message, torch_dtype, tt_dtype

CPU = tinytorch.device("cpu")


# -- device objects ---------------------------------------------------------------------
device_texts = st.builds(
    lambda kind, sep, index: kind + sep + index,
    st.sampled_from(["cpu", "cuda", "gpu", "CUDA", "Cpu", "cuda0", "cuda_x", "", " cuda", "cpu ", "x1"]),
    st.sampled_from(["", ":", "::"]),
    st.sampled_from(["", "0", "1", "12", "01", "-1", "x", "0:1", " 1"]),
)


def _same_device_outcome(make_tt, make_torch):
    """Both make a device with the same fields and text, or both fail alike."""
    try:
        expected = make_torch()
    except Exception as error:  # noqa: BLE001  (torch's exception is the reference)
        with pytest.raises(type(error)) as caught:
            make_tt()
        message = tinytorch_message(error)
        if "device type at start of device string" in message:
            # torch lists its twenty device types; tinytorch knows two. The rest must match.
            message = message.split("device type at start of device string")[1]
        assert message in str(caught.value)
        return
    got = make_tt()
    assert (got.type, got.index, str(got), repr(got)) == (expected.type, expected.index, str(expected), repr(expected))


@settings(max_examples=150, deadline=None)
@given(device_texts)
def test_device_strings_parse_like_torch(text):
    _same_device_outcome(lambda: tinytorch.device(text), lambda: torch.device(text))


@given(st.sampled_from(["cpu", "cuda", "cuda:1", "gpu"]), st.integers(-2, 3))
def test_device_type_and_index_like_torch(kind, index):
    _same_device_outcome(lambda: tinytorch.device(kind, index), lambda: torch.device(kind, index))


@pytest.mark.parametrize("bad", [None, 1.5])
def test_device_of_a_wrong_type_raises_torchs_type_error(bad):
    assert_same_error(lambda: tinytorch.device(bad), lambda: torch.device(bad))


def test_device_index_of_a_wrong_type_raises_torchs_type_error():
    assert_same_error(lambda: tinytorch.device("cpu", "x"), lambda: torch.device("cpu", "x"))


def test_there_is_one_device_object_per_device():
    for text, kind, index in [("cpu", "cpu", None), ("cuda:0", "cuda", 0), ("cuda:3", "cuda", 3), ("cpu:0", "cpu", 0)]:
        d = tinytorch.device(text)
        assert d is tinytorch.device(kind, index) is tinytorch.device(d)
        assert d is copy.copy(d) is copy.deepcopy(d) is pickle.loads(pickle.dumps(d))
    assert tinytorch.device(2) is tinytorch.device("cuda:2")  # an int means that CUDA device
    assert tinytorch.device("cuda") is not tinytorch.device("cuda:0")  # as torch: no index is not index 0
    assert (torch.device("cuda") == torch.device("cuda:0")) is False


def test_devices_compare_like_torch():
    pairs = [("cpu", "cpu"), ("cuda:0", "cuda:0"), ("cuda:0", "cuda:1"), ("cuda", "cuda:0"), ("cpu", "cpu:0")]
    for a, b in pairs:
        assert (tinytorch.device(a) == tinytorch.device(b)) == (torch.device(a) == torch.device(b))
        assert (tinytorch.device(a) != tinytorch.device(b)) == (torch.device(a) != torch.device(b))
        # A device never equals a string in torch: compare .type, or devices.
        assert (tinytorch.device(a) == a) == (torch.device(a) == a)
    assert len({tinytorch.device("cuda:1"), tinytorch.device("cuda", 1), tinytorch.device("cpu")}) == 2


def test_a_device_cannot_be_changed():
    # Everyone naming cuda:0 holds this object, so it must not change under them.
    d = tinytorch.device("cuda:0")
    with pytest.raises(AttributeError):
        d.index = 1
    with pytest.raises(AttributeError):
        d.type = "cpu"
    assert str(tinytorch.device("cuda:0")) == "cuda:0"


# -- device= on the CPU ----------------------------------------------------------------------
FACTORIES = {
    "zeros": lambda lib, dev: lib.zeros(2, 3, device=dev),
    "ones": lambda lib, dev: lib.ones(2, device=dev),
    "empty": lambda lib, dev: lib.empty(2, device=dev),
    "full": lambda lib, dev: lib.full((2,), 7, device=dev),
    "eye": lambda lib, dev: lib.eye(3, device=dev),
    "arange": lambda lib, dev: lib.arange(4, device=dev),
    "linspace": lambda lib, dev: lib.linspace(0, 1, 5, device=dev),
    "tensor": lambda lib, dev: lib.tensor([[1, 2], [3, 4]], device=dev),
    "rand": lambda lib, dev: lib.rand(2, device=dev),
    "randn": lambda lib, dev: lib.randn(2, device=dev),
    "randint": lambda lib, dev: lib.randint(0, 3, (2,), device=dev),
    "randperm": lambda lib, dev: lib.randperm(3, device=dev),
    "zeros_like": lambda lib, dev: lib.zeros_like(lib.ones(2), device=dev),
    "full_like": lambda lib, dev: lib.full_like(lib.ones(2), 2, device=dev),
    "randn_like": lambda lib, dev: lib.randn_like(lib.ones(2), device=dev),
    "new_zeros": lambda lib, dev: lib.ones(2).new_zeros(3, device=dev),
    "new_tensor": lambda lib, dev: lib.ones(2).new_tensor([1.0], device=dev),
}


@pytest.mark.parametrize("dev", [None, "cpu", "cpu:0", "device('cpu')", "device('cpu', 0)"])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_factories_place_tensors_on_the_cpu_like_torch(name, dev):
    def device_for(lib):
        return eval(dev, {"device": lib.device}) if dev and dev.startswith("device") else dev

    t, ref = FACTORIES[name](tinytorch, device_for(tinytorch)), FACTORIES[name](torch, device_for(torch))
    assert str(t.device) == str(ref.device) == "cpu"
    assert t.device is CPU  # the one CPU device object: ops compare devices with `is`
    assert t.is_cuda is ref.is_cuda is False
    assert tuple(t.shape) == tuple(ref.shape) and str(t.dtype) == tinytorch_message(ref.dtype)


def test_results_of_ops_and_views_share_the_device_object():
    a = tinytorch.from_numpy(np.ones((2, 3), np.float32))
    b = tinytorch.ones(2, 3, device="cpu:0").to("cpu", tinytorch.float64)
    for t in (a, b, a + b, a.T, a[0], a.sum(), tinytorch.cat([a, a]), a.to(tinytorch.int8)):
        assert t.device is CPU and t.untyped_storage().device is CPU


# -- .to() on the CPU, against torch ---------------------------------------------------------
@st.composite
def views(draw):
    """(NumPy data, a list of view steps) giving dense, transposed, gapped and expanded layouts."""
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3)))
    steps = []
    ndim = len(shape)
    current = list(shape)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["transpose", "slice", "expand", "unsqueeze", "select"]))
        if kind == "transpose" and ndim >= 2:
            d0, d1 = draw(st.integers(0, ndim - 1)), draw(st.integers(0, ndim - 1))
            steps.append(("transpose", d0, d1))
            current[d0], current[d1] = current[d1], current[d0]
        elif kind == "slice" and ndim:
            d = draw(st.integers(0, ndim - 1))
            step = draw(st.integers(1, 3))
            start = draw(st.integers(0, max(current[d] - 1, 0)))
            steps.append(("slice", d, start, step))
            current[d] = len(range(start, current[d], step))
        elif kind == "expand" and ndim and 1 in current:
            d = current.index(1)
            size = draw(st.integers(0, 3))
            steps.append(("expand", d, size))
            current[d] = size
        elif kind == "unsqueeze" and ndim < 4:
            d = draw(st.integers(0, ndim))
            steps.append(("unsqueeze", d))
            current.insert(d, 1)
            ndim += 1
        elif kind == "select" and ndim >= 2 and current[0] > 0:
            steps.append(("select", draw(st.integers(0, current[0] - 1))))
            current.pop(0)
            ndim -= 1
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) * 1.5  # fits every dtype
    return data, steps


def make(lib, data, dtype_name):
    """The same tensor in either library, with row-major strides even when empty."""
    values = data.astype(dtype_name).tolist()
    return lib.tensor(values, dtype=getattr(lib, dtype_name)).reshape(data.shape)


def apply_view(t, steps):
    for step in steps:
        if step[0] == "transpose":
            t = t.transpose(step[1], step[2])
        elif step[0] == "slice":
            _, d, start, stride = step
            t = t[(slice(None),) * d + (slice(start, None, stride),)]
        elif step[0] == "expand":
            _, d, size = step
            sizes = [-1] * t.dim()
            sizes[d] = size
            t = t.expand(*sizes)
        elif step[0] == "unsqueeze":
            t = t.unsqueeze(step[1])
        else:
            t = t[step[1]]
    return t


@settings(max_examples=120, deadline=None)
@given(views(), st.sampled_from(DTYPE_NAMES), st.sampled_from(DTYPE_NAMES), st.booleans())
def test_to_dtype_matches_torch_including_the_copys_layout(view, source, target, copy_flag):
    data, steps = view
    t, ref = apply_view(make(tinytorch, data, source), steps), apply_view(make(torch, data, source), steps)
    out = t.to(tt_dtype(target), copy=copy_flag)
    expected = ref.to(torch_dtype(target), copy=copy_flag)
    assert_same(out, expected)
    assert (out is t) == (expected is ref)
    if out is not t:
        assert out.untyped_storage() is not t.untyped_storage()  # a real copy: writing it leaves t alone


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 6)), min_size=0, max_size=4))
def test_the_copys_layout_matches_torch_for_any_strides(dims):
    """Arbitrary headers (overlapping, gapped, stride 0, empty): .to() lays out its copy as torch does."""
    shape, stride = tuple(s for s, _ in dims), tuple(st_ for _, st_ in dims)
    extent = max(tinytorch.strides.storage_extent(shape, stride), 1)
    t = tinytorch.arange(float(extent)).as_strided(shape, stride)
    ref = torch.arange(float(extent)).as_strided(shape, stride)
    assert_same(t.to(tinytorch.float64), ref.to(torch.float64))


CALL_FORMS = [
    ("dtype", lambda lib, t: t.to(lib.float64)),
    ("same dtype", lambda lib, t: t.to(lib.float32)),
    ("same dtype, copy", lambda lib, t: t.to(lib.float32, copy=True)),
    ("dtype and flags", lambda lib, t: t.to(lib.int32, False, True)),
    ("python float", lambda lib, t: t.to(float)),
    ("python int", lambda lib, t: t.to(int)),
    ("python bool", lambda lib, t: t.to(bool)),
    ("device str", lambda lib, t: t.to("cpu")),
    ("device", lambda lib, t: t.to(lib.device("cpu"))),
    ("device and dtype", lambda lib, t: t.to("cpu", lib.float16)),
    ("device, dtype and flags", lambda lib, t: t.to("cpu", lib.int64, False, True)),
    ("None", lambda lib, t: t.to(None)),
    ("None and dtype", lambda lib, t: t.to(None, lib.float64)),
    ("keywords", lambda lib, t: t.to(device="cpu", dtype=lib.int16)),
    ("keyword copy", lambda lib, t: t.to(copy=True)),
    ("other tensor", lambda lib, t: t.to(lib.ones(1, dtype=lib.int8))),
    ("other tensor, flags", lambda lib, t: t.to(lib.ones(1, dtype=lib.float32), False, True)),
    ("device then bool", lambda lib, t: t.to("cpu", True)),
    ("two dtypes", lambda lib, t: t.to(lib.float64, lib.float32)),
    ("dtype then int", lambda lib, t: t.to(lib.float64, 1)),
    ("two devices", lambda lib, t: t.to("cpu", "cpu")),
    ("dtype twice", lambda lib, t: t.to(lib.float64, dtype=lib.float32)),
    ("bad device", lambda lib, t: t.to("gpu")),
    ("bad device index", lambda lib, t: t.to("cuda:x")),
    ("a list", lambda lib, t: t.to([1])),
    (".cpu()", lambda lib, t: t.cpu()),
    (".double()", lambda lib, t: t.double()),
    (".float()", lambda lib, t: t.float()),
    (".bool()", lambda lib, t: t.bool()),
]


@pytest.mark.parametrize("name", [name for name, _ in CALL_FORMS])
def test_to_argument_forms_behave_like_torch(name):
    call = dict(CALL_FORMS)[name]
    t = tinytorch.tensor([[0.5, -1.5], [2.0, 0.0]]).T
    ref = torch.tensor([[0.5, -1.5], [2.0, 0.0]]).T
    try:
        expected = call(torch, ref)
    except Exception as error:  # noqa: BLE001
        with pytest.raises(type(error)) as caught:
            call(tinytorch, t)
        # torch's list of accepted forms mentions memory_format, which tinytorch lacks: compare the first line,
        # and for device strings everything after torch's list of its device types.
        want = tinytorch_message(error).splitlines()[0].split("device type at start of device string")[-1]
        assert want in str(caught.value)
        return
    out = call(tinytorch, t)
    assert_same(out, expected)
    assert (out is t) == (expected is ref)


def test_to_records_a_gradient_back_to_the_source_dtype():
    data = np.array([[0.25, -2.0, 3.5]], dtype=np.float32)
    x, rx = tinytorch.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    w = np.array([[1.5], [2.0], [-1.0]])
    y = x.T.to(tinytorch.float64) * tinytorch.tensor(w)
    ry = rx.T.to(torch.float64) * torch.tensor(w)
    assert y.grad_fn.next_functions[0][0].name() == ry.grad_fn.next_functions[0][0].name()
    y.sum().backward()
    ry.sum().backward()
    assert_same(x.grad, rx.grad, check_layout=False)  # the layout of .grad is autograd's business


def test_to_an_integer_dtype_leaves_the_graph_like_torch():
    x, rx = tinytorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    assert x.to(tinytorch.int64).requires_grad is rx.to(torch.int64).requires_grad is False
    assert x.to(tinytorch.float64).requires_grad is rx.to(torch.float64).requires_grad is True
    assert x.to("cpu") is x and rx.to("cpu") is rx


# -- the CUDA side, on the stand-in GPU ----------------------------------------------------
def test_cuda_reports_the_fake_gpus(fake_gpu):
    assert tinytorch.cuda.is_available() and tinytorch.cuda.device_count() == 2
    assert tinytorch.cuda.current_device() == 0
    assert tinytorch.cuda.get_device_name() == "Fake GPU 0"
    assert tinytorch.cuda.get_device_name("cuda:1") == tinytorch.cuda.get_device_name(1) == "Fake GPU 1"
    assert tinytorch.cuda.get_device_name(tinytorch.device("cuda", 1)) == "Fake GPU 1"
    tinytorch.cuda.synchronize()
    tinytorch.cuda.synchronize("cuda:1")
    assert fake_gpu.synchronized == [0, 1]
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        tinytorch.cuda.get_device_name("cpu")
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        tinytorch.zeros(1, device="cuda:2")


def test_cuda_without_an_index_means_the_current_gpu(fake_gpu):
    assert tinytorch.zeros(1, device="cuda").device is tinytorch.device("cuda:0")
    assert tinytorch.ones(1).cuda().device is tinytorch.device("cuda:0")
    tinytorch.cuda.set_device(1)
    assert tinytorch.cuda.current_device() == 1
    assert tinytorch.zeros(1, device="cuda").device is tinytorch.device("cuda:1")
    assert tinytorch.ones(1).cuda().device is tinytorch.device("cuda:1")
    assert tinytorch.ones(1).cuda(0).device is tinytorch.device("cuda:0")


@pytest.mark.parametrize("dev", ["cuda", "cuda:1", 1, "device('cuda', 1)"])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_factories_place_tensors_on_a_gpu(fake_gpu, name, dev):
    dev = eval(dev, {"device": tinytorch.device}) if isinstance(dev, str) and dev.startswith("device") else dev
    expected = tinytorch.device("cuda", 0 if dev == "cuda" else 1)
    t = FACTORIES[name](tinytorch, dev)
    cpu = FACTORIES[name](tinytorch, None)
    assert t.device is expected and t.untyped_storage().device is expected and t.is_cuda
    assert tuple(t.shape) == tuple(cpu.shape) and t.dtype is cpu.dtype


@settings(max_examples=60, deadline=None)
@given(views(), st.sampled_from(DTYPE_NAMES), st.sampled_from(["cuda:0", "cuda:1"]))
def test_moving_to_a_gpu_and_back_keeps_values_and_layout(view, dtype, dev):
    with pytest.MonkeyPatch.context() as patch:  # not the fake_gpu fixture: Hypothesis runs the body many times
        stand_in_gpus(patch)
        data, steps = view
        t, ref = apply_view(make(tinytorch, data, dtype), steps), apply_view(make(torch, data, dtype), steps)
        on_gpu = t.to(dev)
        assert on_gpu.device is tinytorch.device(dev) and on_gpu.is_cuda
        # The copy is laid out as torch lays out a copy (.to(copy=True) on the CPU is the reference).
        assert_same(on_gpu.cpu(), ref.to(copy=True))
        assert on_gpu.untyped_storage() is not t.untyped_storage()
        back = on_gpu.to("cpu", tinytorch.float64)
        assert back.device is CPU
        assert_same(back, ref.to(torch.float64, copy=True))
        assert on_gpu.to(dev) is on_gpu and on_gpu.cuda(tinytorch.device(dev).index) is on_gpu


def test_a_gpu_tensor_prints_its_device_and_refuses_numpy(fake_gpu):
    t = tinytorch.tensor([[1.5, 2.0]]).cuda()
    cpu_repr = repr(tinytorch.tensor([[1.5, 2.0]]))
    assert repr(t) == cpu_repr[:-1] + ", device='cuda:0')"
    assert "device='cuda:1', dtype=tinytorch.int32" in repr(tinytorch.tensor([1], dtype=tinytorch.int32, device=1))
    assert t.type() == torch.ones(1).type().replace("torch.", "tinytorch.cuda.")
    meta = torch.ones(1, device="meta")  # torch without a GPU: its meta device gives the same message
    with pytest.raises(TypeError) as caught:
        t.numpy()
    with pytest.raises(TypeError) as expected:
        meta.numpy()
    assert str(caught.value) == tinytorch_message(expected.value).replace("meta", "cuda:0")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(t)  # NumPy gets t.numpy(), as from torch: no silent copy to the host
    assert t.tolist() == [[1.5, 2.0]] and t[0, 1].item() == 2.0


MIXED_OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sub method": lambda a, b: a.sub(b),
    "eq": lambda a, b: a == b,
    "matmul": lambda a, b: a.view(2, 2) @ b.view(2, 2),
    "cat": lambda a, b: tinytorch.cat([a, b]),
    "where": lambda a, b: tinytorch.where(a > 0, a, b),
    "maximum": lambda a, b: tinytorch.maximum(a, b),
    "in-place add": lambda a, b: a.add_(b),
}


@pytest.mark.parametrize("op", list(MIXED_OPS))
@pytest.mark.parametrize("first, second", [("cuda:0", "cpu"), ("cpu", "cuda:0"), ("cuda:0", "cuda:1"),
                                           ("cuda:1", "cuda:0")])
def test_mixing_devices_raises_torchs_error(fake_gpu, op, first, second):
    a = tinytorch.arange(1.0, 5.0, device=first)
    b = tinytorch.arange(1.0, 5.0, device=second)
    before = a.tolist()
    with pytest.raises(RuntimeError) as caught:
        MIXED_OPS[op](a, b)
    # torch names the first non-CPU device first, whichever operand holds it.
    gpu_first = (first, second) if first != "cpu" else (second, first)
    assert "Expected all tensors to be on the same device, but found at least two devices, " in str(caught.value)
    assert f"{gpu_first[0]} and {gpu_first[1]}!" in str(caught.value)
    assert a.tolist() == before  # a failed in-place op leaves its tensor unchanged


def test_ops_on_a_gpu_stay_there_and_compute_like_the_cpu(fake_gpu):
    base = np.arange(12, dtype=np.float32).reshape(3, 4) - 5
    a, c = tinytorch.tensor(base, device="cuda"), tinytorch.tensor(base)
    results = [
        (lambda x: x + 2 * x.T.T, "add"), (lambda x: x.T @ x, "matmul"), (lambda x: x.sum(0), "sum"),
        (lambda x: x[1:, ::2].exp(), "view then exp"), (lambda x: tinytorch.cat([x, x], 1), "cat"),
        (lambda x: x.clone().transpose(0, 1), "clone"), (lambda x: (x > 0).to(tinytorch.int64), "compare"),
    ]
    for op, name in results:
        got, want = op(a), op(c)
        assert got.device is tinytorch.device("cuda:0"), name
        assert_same(got.cpu(), torch.tensor(want.numpy()).as_strided(want.shape, want.stride()), check_layout=False)
        assert got.stride() == want.stride(), name


def test_autograd_flows_across_devices(fake_gpu):
    data = np.array([[1.0, -2.0], [0.5, 3.0]], dtype=np.float32)
    x, rx = tinytorch.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    y = (x.cuda() * x.cuda().T).sum().cpu() + (x.to("cuda:1", tinytorch.float64) * x.to(1, tinytorch.float64)).sum().cpu()
    ry = (rx * rx.T).sum() + (rx.to(torch.float64) * rx.to(torch.float64)).sum()
    y.backward()
    ry.backward()
    assert x.grad.device is CPU
    assert_same(x.grad, rx.grad, check_layout=False)
    g = tinytorch.tensor(data, device="cuda", requires_grad=True)
    (g * 3).sum().backward()
    assert g.grad.device is tinytorch.device("cuda:0")
    assert g.grad.tolist() == (rx.detach() * 0 + 3).tolist()


def test_each_gpu_has_its_own_seeded_random_stream(fake_gpu):
    tinytorch.manual_seed(3)
    first = tinytorch.randn(5, device="cuda").tolist()
    tinytorch.manual_seed(3)
    tinytorch.randn(5)  # drawing on the CPU does not move the GPU's stream
    assert tinytorch.randn(5, device="cuda").tolist() == first
    tinytorch.cuda.manual_seed(11)
    seeded = tinytorch.rand(4, device="cuda").tolist()
    tinytorch.cuda.manual_seed(11)
    assert tinytorch.rand(4, device="cuda").tolist() == seeded
    tinytorch.cuda.manual_seed_all(5)
    assert tinytorch.rand(2, device="cuda:0").tolist() == tinytorch.rand(2, device="cuda:1").tolist()


def test_storages_move_for_map_location_functions(fake_gpu):
    t = tinytorch.arange(4.0)
    storage = t._storage  # what a map_location function receives
    on_gpu = storage.cuda(1)
    assert on_gpu.device is tinytorch.device("cuda:1") and on_gpu.tolist() == storage.tolist()
    assert on_gpu.cuda(1) is on_gpu and storage.cpu() is storage
    back = on_gpu.cpu()
    assert back.device is CPU and back.tolist() == storage.tolist() and back is not storage


# -- layouts of copies made for a GPU ------------------------------------------------------
# CuPy copies an n-d host array into C order (F order if it is F-contiguous only), whatever
# its strides, and the stand-in GPU copies the same way (fake_gpu.FakeGpuBackend). A copy
# that must keep its layout therefore goes over as one flat buffer under its own header.
def _permuted(lib):
    """3-D data in neither C nor F order (strides (1, 12, 4)), as a tensor of `lib`."""
    return lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1)


def test_the_stand_in_gpu_copies_in_cupys_order(fake_gpu):
    backend = FakeGpuBackend(0)
    data = np.arange(24.0).reshape(2, 3, 4)
    for host, order in [(data, "C"), (data.transpose(2, 1, 0), "F"), (data.transpose(2, 0, 1), "C"),
                        (data[:, ::2], "C"), (np.asfortranarray(data)[:, :, :1], "F")]:
        up = backend.from_numpy(host)
        assert up.flags[f"{order}_CONTIGUOUS"] and np.array_equal(up, host)
        down = backend.to_numpy(up.transpose(1, 0, 2))
        assert down.flags.c_contiguous and np.array_equal(down, host.transpose(1, 0, 2))


LIKE = {
    "zeros_like": lambda lib, t, **kw: lib.zeros_like(t, **kw),
    "ones_like": lambda lib, t, **kw: lib.ones_like(t, **kw),
    "empty_like": lambda lib, t, **kw: lib.empty_like(t, **kw).zero_(),
    "full_like": lambda lib, t, **kw: lib.full_like(t, 2.5, **kw),
    "rand_like": lambda lib, t, **kw: lib.rand_like(t, **kw),
    "randn_like": lambda lib, t, **kw: lib.randn_like(t, **kw),
}


@pytest.mark.parametrize("name", list(LIKE))
@pytest.mark.parametrize("view", ["permute", "transpose", "gapped permute", "F order", "expanded"])
def test_like_factories_keep_torchs_layout_on_a_gpu(fake_gpu, name, view):
    def source(lib):
        base = lib.arange(48.0).reshape(2, 4, 6)
        return {"permute": base.permute(2, 0, 1), "transpose": base.transpose(0, 2),
                "gapped permute": base[:, ::2].permute(1, 2, 0), "F order": base.permute(2, 1, 0),
                "expanded": base[:1, :1].expand(3, 4, 6)}[view]

    ref = LIKE[name](torch, source(torch))
    on_cpu = LIKE[name](tinytorch, source(tinytorch))
    from_cuda = LIKE[name](tinytorch, source(tinytorch).cuda())  # the device of the source
    to_cuda = LIKE[name](tinytorch, source(tinytorch), device="cuda:1")  # device=
    for t in (on_cpu, from_cuda, to_cuda):
        assert t.stride() == ref.stride() and tuple(t.shape) == tuple(ref.shape)
    assert from_cuda.device is tinytorch.device("cuda:0") and to_cuda.device is tinytorch.device("cuda:1")
    if name not in ("rand_like", "randn_like"):
        assert_same(from_cuda.cpu(), ref)


@pytest.mark.parametrize("layout", ["permuted", "F order", "gapped", "C order", "0-d", "empty"])
def test_tensor_of_an_array_keeps_torchs_layout_on_a_gpu(fake_gpu, layout):
    data = np.arange(60.0).reshape(3, 4, 5)
    array = {"permuted": data.transpose(2, 0, 1), "F order": np.asfortranarray(data), "gapped": data[:, ::2, 1:],
             "C order": data, "0-d": np.array(4.5), "empty": data[:0].transpose(1, 0, 2)}[layout]
    ref = torch.tensor(array)
    for dev in ("cuda", "cuda:1"):
        t = tinytorch.tensor(array, device=dev)
        assert t.is_cuda and t.stride() == ref.stride() == tinytorch.tensor(array).stride()
        assert_same(t.cpu(), ref)
    assert tinytorch.tensor(array, dtype=tinytorch.float32, device="cuda").stride() == ref.stride()


@pytest.mark.parametrize("view", ["permute", "gapped permute", "expanded", "overlapping"])
def test_moves_between_devices_keep_torchs_layout(fake_gpu, view):
    """.to(device) copies as .to(dtype) and .to(copy=True) do (aten/src/ATen/native/TensorConversions.cpp,
    _to_copy with memory_format=preserve): a non-overlapping and dense source keeps its strides; any
    other is packed densely, its dims in the order of their strides. torch's CPU build shows the rule
    through .to(copy=True), the same function."""
    def source(lib):
        base = lib.arange(48.0).reshape(2, 4, 6)
        return {"permute": base.permute(2, 0, 1), "gapped permute": base[:, 1::2].permute(2, 0, 1),
                "expanded": base[:, :1].expand(2, 3, 6),
                "overlapping": lib.arange(10.0).as_strided((3, 4), (2, 1))}[view]

    ref = source(torch).to(copy=True)
    on_gpu = source(tinytorch).to("cuda")
    assert on_gpu.stride() == ref.stride()
    assert_same(on_gpu.cpu(), ref)
    assert_same(on_gpu.to("cuda:1").cpu(), ref)
    back = source(tinytorch).cuda().transpose(0, 1).cpu()  # a view on the GPU, copied off it
    assert_same(back, ref.transpose(0, 1).to(copy=True))


# -- indexing across devices -----------------------------------------------------------------
# What torch's CPU build cannot show (it has no second device that checks, and its meta
# device skips these checks) comes from torch's source, cited at each rule.
INDEX_READ_ERROR = "indices should be either on cpu or on the same device as the indexed tensor ({})"


@pytest.mark.parametrize("kind", ["ints", "mask", "two index tensors"])
def test_reading_with_indices_on_another_device_follows_torchs_rule(fake_gpu, kind):
    """x[indices] takes indices on the CPU or on x's device, nowhere else
    (aten/src/ATen/native/TensorAdvancedIndexing.cpp: check_indices_on_cpu_or_selfdevice)."""
    data = np.arange(12.0).reshape(3, 4)
    make_index = {
        "ints": lambda dev: (tinytorch.tensor([2, 0, 2], device=dev),),
        "mask": lambda dev: (tinytorch.tensor([True, False, True], device=dev),),
        "two index tensors": lambda dev: (tinytorch.tensor([0, 2], device=dev), tinytorch.tensor([3, 1])),
    }[kind]
    torch_index = tuple(torch.tensor(i.tolist()) for i in make_index("cpu"))
    expected = torch.tensor(data)[torch_index]
    for x_dev, index_dev in [("cuda:0", "cpu"), ("cuda:0", "cuda:0"), ("cpu", "cpu"), ("cuda:1", "cuda:1")]:
        got = tinytorch.tensor(data, device=x_dev)[make_index(index_dev)]
        assert got.device is tinytorch.device(x_dev)
        assert_same(got.cpu(), expected)
    for x_dev, index_dev in [("cpu", "cuda:0"), ("cuda:0", "cuda:1"), ("cuda:1", "cuda:0")]:
        x = tinytorch.tensor(data, device=x_dev)
        with pytest.raises(RuntimeError) as caught:
            x[make_index(index_dev)]
        assert str(caught.value) == INDEX_READ_ERROR.format(x_dev)
        with pytest.raises(RuntimeError) as caught:
            x[1:, make_index(index_dev)[0][:2]]  # checked on the view the basic items made
        assert str(caught.value) == INDEX_READ_ERROR.format(x_dev)


def test_a_0_dim_integer_index_on_another_device_acts_as_a_number(fake_gpu):
    # torch turns it into a number with .item() before any device check (TensorIndexing.h).
    x = tinytorch.arange(6.0).view(2, 3)
    assert_same(x[tinytorch.tensor(1, device="cuda")], torch.arange(6.0).view(2, 3)[torch.tensor(1)])


SETITEM_MIXED = "Expected all tensors to be on the same device, but found at least two devices, {} and {}!"


@pytest.mark.parametrize("index", ["ints", "mask", "mixed"])
@pytest.mark.parametrize("target_dev, value_dev", [("cpu", "cuda:0"), ("cuda:0", "cpu"), ("cuda:1", "cuda:0")])
def test_writing_a_value_from_another_device_follows_torchs_rule(fake_gpu, index, target_dev, value_dev):
    """x[indices] = v is index_put_ (aten/src/ATen/native/TensorAdvancedIndexing.cpp,
    _index_put_impl_): a 0-dim v from another device is moved to x's; any other v meets
    its TensorIterator's same-device check, which names the first non-CPU device first."""
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    lib_index = {
        "ints": lambda lib: (lib.tensor([2, 0]),),
        "mask": lambda lib: (lib.tensor([True, False, True]),),
        "mixed": lambda lib: (slice(1, None), lib.tensor([3, 0])),
    }[index]
    shape = torch.tensor(data)[lib_index(torch)].shape
    values = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) - 10
    for value, torch_value in [(tinytorch.tensor(-1.5, device=value_dev), torch.tensor(-1.5)),  # 0-dim: moved
                               (tinytorch.tensor([[-2.5]], device=value_dev), torch.tensor([[-2.5]])),  # stripped to 0-dim
                               (tinytorch.tensor(values, device=value_dev), torch.tensor(values))]:
        x, ref = tinytorch.tensor(data, device=target_dev), torch.tensor(data)
        ref[lib_index(torch)] = torch_value
        if value.numel() == 1:
            x[lib_index(tinytorch)] = value
            assert x.device is tinytorch.device(target_dev) and value.device is tinytorch.device(value_dev)
            assert_same(x.cpu(), ref)
            continue
        with pytest.raises(RuntimeError) as caught:
            x[lib_index(tinytorch)] = value
        first, second = (target_dev, value_dev) if target_dev != "cpu" else (value_dev, target_dev)
        assert str(caught.value) == SETITEM_MIXED.format(first, second)
        assert x.tolist() == data.tolist()  # nothing written
        x[lib_index(tinytorch)] = value.to(target_dev)  # on the same device it works
        assert_same(x.cpu(), ref)


def test_writing_checks_shape_and_dtype_before_devices(fake_gpu):
    # make_index_put_iterator checks the shape, then the dtype; the device check comes when it is built.
    x = tinytorch.zeros(4)
    for value, ref_value in [(tinytorch.ones(3, device="cuda"), torch.ones(3)),
                             (tinytorch.ones(2, dtype=tinytorch.float64, device="cuda"), torch.ones(2, dtype=torch.float64))]:
        def torch_put(v=ref_value):
            torch.zeros(4)[torch.tensor([0, 1])] = v

        def tt_put(v=value):
            x[tinytorch.tensor([0, 1])] = v

        assert_same_error(tt_put, torch_put)


def test_writing_takes_indices_from_any_device(fake_gpu):
    """index_put_ moves its indices to the target's device (aten/src/ATen/native/IndexingUtils.h:
    expandTensors with ensure_same_device), so unlike reading, any device will do."""
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    ref = torch.tensor(data)
    ref[torch.tensor([True, False, True]), torch.tensor([1, 3])] = torch.tensor([7.0, 8.0])
    for x_dev, index_dev in [("cpu", "cuda:0"), ("cuda:0", "cuda:1"), ("cuda:1", "cpu")]:
        x = tinytorch.tensor(data, device=x_dev)
        x[tinytorch.tensor([True, False, True], device=index_dev), tinytorch.tensor([1, 3], device=index_dev)] = \
            tinytorch.tensor([7.0, 8.0], device=x_dev)
        assert_same(x.cpu(), ref)


def test_a_0_dim_value_from_the_cpu_gets_its_gradient_back_on_the_cpu(fake_gpu):
    v, rv = tinytorch.tensor(2.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    w = tinytorch.tensor([1.0, 2.0, 3.0], device="cuda", requires_grad=True)
    rw = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x, rx = w * 1, rw * 1
    x[tinytorch.tensor([0, 2])] = v
    rx[torch.tensor([0, 2])] = rv
    (x * tinytorch.tensor([1.0, 10.0, 100.0], device="cuda")).sum().backward()
    (rx * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
    assert v.grad.device is CPU and w.grad.device is tinytorch.device("cuda:0")
    assert_same(v.grad, rv.grad)
    assert_same(w.grad.cpu(), rw.grad)


@pytest.mark.parametrize("write", ["t[...] = v", "t[:] = v", "t.fill_(v)"])
def test_a_0_dim_cpu_value_filling_a_gpu_tensor_gets_its_gradient_back_on_the_cpu(fake_gpu, write):
    v, rv = tinytorch.tensor(2.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    for lib, value, dev in ((tinytorch, v, "cuda"), (torch, rv, "cpu")):
        t = lib.zeros(3, device=dev, requires_grad=True) * 1
        exec(write, {"t": t, "v": value * 3})
        (t * lib.tensor([1.0, 10.0, 100.0], device=dev)).sum().backward()
    assert v.grad.device is CPU
    assert_same(v.grad, rv.grad)


# -- copy_ across devices ----------------------------------------------------------------------
COPY_CASES = {
    "same shape": (lambda lib, dev: lib.zeros(3, 4, device=dev), lambda lib, dev: lib.arange(12.0, device=dev).view(3, 4)),
    "into a transposed view": (lambda lib, dev: lib.zeros(4, 3, device=dev).T,
                               lambda lib, dev: lib.arange(12.0, device=dev).view(3, 4)),
    "from a gapped view": (lambda lib, dev: lib.zeros(2, 4, device=dev),
                           lambda lib, dev: lib.arange(24.0, device=dev).view(4, 6)[::2, 1:5]),
    "broadcast row": (lambda lib, dev: lib.zeros(3, 4, device=dev), lambda lib, dev: lib.arange(4.0, device=dev)),
    "broadcast 0-dim": (lambda lib, dev: lib.zeros(2, 3, device=dev), lambda lib, dev: lib.tensor(6.5, device=dev)),
    "into a slice, with a dtype": (lambda lib, dev: lib.zeros(3, 5, dtype=lib.float64, device=dev)[:, 1:4],
                                   lambda lib, dev: lib.arange(3, device=dev).view(3, 1)),
}


@pytest.mark.parametrize("case", list(COPY_CASES))
@pytest.mark.parametrize("target_dev, src_dev", [("cpu", "cuda:0"), ("cuda:0", "cpu"), ("cuda:0", "cuda:1")])
def test_copy_crosses_devices_like_torch(fake_gpu, case, target_dev, src_dev):
    make_target, make_src = COPY_CASES[case]
    target = make_target(tinytorch, target_dev)
    out = target.copy_(make_src(tinytorch, src_dev))
    expected = make_target(torch, "cpu").copy_(make_src(torch, "cpu"))
    assert out is target and target.device is tinytorch.device(target_dev)
    assert_same(target.cpu() if target.is_cuda else target, expected, check_layout=not target.is_cuda)
    assert target.stride() == expected.stride()
    if target._base is not None:  # the write went through the view into its base
        assert target._base.cpu().tolist() == expected._base.tolist()


def test_copy_across_devices_sends_the_gradient_back(fake_gpu):
    src = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    rsrc = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    target = tinytorch.zeros(2, 3, device="cuda").copy_(src)
    rtarget = torch.zeros(2, 3).copy_(rsrc)
    assert target.grad_fn.name() == rtarget.grad_fn.name().replace("torch", "tinytorch")
    (target * tinytorch.tensor([[1.0], [2.0]], device="cuda")).sum().backward()
    (rtarget * torch.tensor([[1.0], [2.0]])).sum().backward()
    assert src.grad.device is CPU
    assert_same(src.grad, rsrc.grad)


# -- gradients on the wrong device -------------------------------------------------------------
# torch's engine checks every gradient it is handed or a node returns (validate_outputs in
# torch/csrc/autograd/engine.cpp): a 0-dim gradient on another device is moved to its
# input's device, any other is an error. torch's CPU build shows the error with its meta
# device, whose name the comparisons swap for cuda:0.
def _torch_error_on_meta(fn):
    with pytest.raises(Exception) as caught:
        fn()
    return type(caught.value), tinytorch_message(caught.value).replace("meta", "cuda:0")


def _same_error_as_meta(tt_fn, torch_fn):
    kind, message = _torch_error_on_meta(torch_fn)
    with pytest.raises(kind) as caught:
        tt_fn()
    assert str(caught.value) == message


def test_backward_refuses_a_gradient_on_another_device(fake_gpu):
    x, rx = tinytorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    _same_error_as_meta(lambda: (x * 2).backward(tinytorch.ones(2, device="cuda")),
                        lambda: (rx * 2).backward(torch.ones(2, device="meta")))
    _same_error_as_meta(lambda: tinytorch.autograd.grad(x * 2, x, tinytorch.ones(2, device="cuda")),
                        lambda: torch.autograd.grad(rx * 2, rx, torch.ones(2, device="meta")))
    _same_error_as_meta(lambda: tinytorch.autograd.backward([x * 2, x * 3], [tinytorch.ones(2), tinytorch.ones(2, device="cuda")]),
                        lambda: torch.autograd.backward([rx * 2, rx * 3], [torch.ones(2), torch.ones(2, device="meta")]))
    # The leaf itself as the output, and a GPU output given a CPU gradient.
    _same_error_as_meta(lambda: x.backward(tinytorch.ones(2, device="cuda")), lambda: rx.backward(torch.ones(2, device="meta")))
    g = tinytorch.ones(2, device="cuda", requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^invalid gradient at index 0 - expected device cuda:0 but got cpu$"):
        (g * 2).backward(tinytorch.ones(2))
    with pytest.raises(RuntimeError, match=r"^invalid gradient at index 0 - expected device cuda:0 but got cuda:1$"):
        (g * 2).backward(tinytorch.ones(2, device="cuda:1"))
    assert x.grad is None and g.grad is None


def test_backward_checks_shapes_and_requires_grad_before_devices(fake_gpu):
    x, rx = tinytorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    _same_error_as_meta(lambda: (x * 2).backward(tinytorch.ones(3, device="cuda")),
                        lambda: (rx * 2).backward(torch.ones(3, device="meta")))
    _same_error_as_meta(
        lambda: tinytorch.autograd.backward([x * 2, tinytorch.ones(2)], [tinytorch.ones(2, device="cuda"), tinytorch.ones(2)]),
        lambda: torch.autograd.backward([rx * 2, torch.ones(2)], [torch.ones(2, device="meta"), torch.ones(2)]))


def test_a_0_dim_gradient_on_another_device_is_moved(fake_gpu):
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).sum().backward(tinytorch.tensor(3.0, device="cuda"))
    assert x.grad.device is CPU and x.grad.tolist() == [6.0, 6.0]
    g = tinytorch.tensor([1.0, 2.0], device="cuda:1", requires_grad=True)
    (gx,) = tinytorch.autograd.grad((g * 2).sum(), g, tinytorch.tensor(0.5))
    assert gx.device is tinytorch.device("cuda:1") and gx.tolist() == [1.0, 1.0]


def _function(lib, grad_for):
    """A custom Function (x * y) whose backward returns grad_for(grad, x) for x."""
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x)
            return x * y

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad_for(lib, grad, x), grad

    return Scale


def test_a_custom_functions_gradient_on_another_device_is_refused(fake_gpu):
    def wrong_device(lib, grad, x):
        return lib.ones(2, device="cuda" if lib is tinytorch else "meta")

    x, y = tinytorch.ones(2, requires_grad=True), tinytorch.ones(2, requires_grad=True)
    rx, ry = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    _same_error_as_meta(lambda: _function(tinytorch, wrong_device).apply(x, y).sum().backward(),
                        lambda: _function(torch, wrong_device).apply(rx, ry).sum().backward())
    # The shape is checked first.
    def wrong_shape_and_device(lib, grad, x):
        return lib.ones(3, device="cuda" if lib is tinytorch else "meta")

    _same_error_as_meta(lambda: _function(tinytorch, wrong_shape_and_device).apply(x, y).sum().backward(),
                        lambda: _function(torch, wrong_shape_and_device).apply(rx, ry).sum().backward())
    assert x.grad is None


def test_a_custom_functions_0_dim_gradient_is_moved_and_unused_ones_are_not_checked(fake_gpu):
    def on_gpu(lib, grad, x):
        return (grad * 2).to("cuda") if lib is tinytorch else grad * 2

    x, y = tinytorch.tensor(3.0, requires_grad=True), tinytorch.tensor(4.0, requires_grad=True)
    rx, ry = torch.tensor(3.0, requires_grad=True), torch.tensor(4.0, requires_grad=True)
    _function(tinytorch, on_gpu).apply(x, y).backward()
    _function(torch, on_gpu).apply(rx, ry).backward()
    assert x.grad.device is CPU
    assert_same(x.grad, rx.grad)

    # An input that needs no gradient gets none, so torch checks nothing about it.
    def garbage(lib, grad, x):
        return lib.ones(5, device="cuda" if lib is tinytorch else "meta")

    w, rw = tinytorch.ones(2), torch.ones(2)
    v, rv = tinytorch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    _function(tinytorch, garbage).apply(w, v).sum().backward()
    _function(torch, garbage).apply(rw, rv).sum().backward()
    assert_same(v.grad, rv.grad)


@pytest.mark.parametrize("grad_dtype, grad_size", [(None, 2), ("float64", 2), (None, 3), ("float64", 3)])
def test_assigning_a_grad_from_another_device_is_refused_like_torch(fake_gpu, grad_dtype, grad_size):
    """torch checks an assigned .grad's dtype, then its device type, then its size (on meta, its CPU build's
    only other device: the messages name the device type, so 'meta' reads 'cuda' here)."""
    x, rx = tinytorch.zeros(2), torch.zeros(2)
    with pytest.raises(RuntimeError) as expected:
        rx.grad = torch.zeros(grad_size, dtype=getattr(torch, grad_dtype or "float32"), device="meta")
    with pytest.raises(RuntimeError) as caught:
        x.grad = tinytorch.zeros(grad_size, dtype=getattr(tinytorch, grad_dtype or "float32"), device="cuda")
    assert str(caught.value) == tinytorch_message(expected.value).replace("'meta'", "'cuda'")
    assert x.grad is None


def test_assigning_a_grad_from_another_gpu_names_both_indices(fake_gpu):
    x = tinytorch.zeros(2, device="cuda:0")
    # torch/csrc/autograd/python_variable.cpp, THPVariable_set_grad: the index check after the type check.
    with pytest.raises(RuntimeError, match=r"^attempting to assign a gradient located on device with index '1' to a "
                                           r"tensor located on device with index '0'\. Please ensure"):
        x.grad = tinytorch.zeros(2, device="cuda:1")
    x.grad = tinytorch.ones(2, device="cuda:0")
    assert x.grad.device is tinytorch.device("cuda:0")


def test_get_device_is_the_gpu_index_or_minus_one(fake_gpu):
    assert tinytorch.zeros(1).get_device() == torch.zeros(1).get_device() == -1
    assert tinytorch.zeros(1, device="cuda:1").get_device() == 1
