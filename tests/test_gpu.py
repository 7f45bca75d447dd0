"""The CuPy backend on a real GPU: the same code path as NumPy must give the same answers.

Everything here runs on 'cuda:0' and is compared with the same computation on
the CPU (itself checked against torch by the other test files): views and
their strides, ops, autograd, save/load. It runs whenever
`tinytorch.cuda.is_available()`, and is skipped, with the reason shown in
pytest's summary (-ra), on machines without a usable GPU.
"""

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import tinytorch_message
from test_devices import apply_view, make, views

pytestmark = pytest.mark.skipif(
    not tinytorch.cuda.is_available(), reason=f"needs a CUDA GPU: {tinytorch.cuda.unavailable_reason()}"
)

GPU = tinytorch.device("cuda:0")
CPU = tinytorch.device("cpu")
# Kernels compile on first use (seconds each), so property tests draw fewer, smaller examples here.
GPU_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(gpu_tensor, cpu_tensor, rtol=1e-6, atol=1e-6):
    """A GPU result matches the CPU one: device, dtype, header, and values."""
    assert gpu_tensor.device is GPU and cpu_tensor.device is CPU
    assert gpu_tensor.dtype is cpu_tensor.dtype
    assert (gpu_tensor.shape, gpu_tensor.stride(), gpu_tensor.storage_offset()) == (
        cpu_tensor.shape, cpu_tensor.stride(), cpu_tensor.storage_offset())
    got, want = gpu_tensor.detach().cpu().numpy(), cpu_tensor.detach().numpy()
    if cpu_tensor.dtype.is_floating_point:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def test_gpu_tensors_live_in_gpu_memory():
    import cupy
    t = tinytorch.arange(6.0, device="cuda").view(2, 3)
    assert t.device is GPU and t.is_cuda and t.storage().device is GPU
    assert isinstance(t.storage()._array, cupy.ndarray)
    assert t.data_ptr() == t.storage()._array.data.ptr
    assert t[1].data_ptr() == t.data_ptr() + 3 * t.element_size()
    assert isinstance(tinytorch.cuda.get_device_name(), str) and tinytorch.cuda.get_device_name()
    assert tinytorch.cuda.device_count() >= 1 and tinytorch.cuda.current_device() == 0
    tinytorch.cuda.synchronize()


def test_printing_and_numpy_behave_like_torch():
    t = tinytorch.tensor([[1.5, 2.0]], device="cuda")
    assert repr(t) == repr(tinytorch.tensor([[1.5, 2.0]]))[:-1] + ", device='cuda:0')"
    with pytest.raises(TypeError) as caught:
        t.numpy()
    with pytest.raises(TypeError) as expected:
        torch.ones(1, device="meta").numpy()  # the same message for a tensor that is not in host memory
    assert str(caught.value) == tinytorch_message(expected.value).replace("meta", "cuda:0")
    assert t.cpu().numpy().tolist() == [[1.5, 2.0]] and t.tolist() == [[1.5, 2.0]] and t[0, 1].item() == 2.0


@GPU_SETTINGS
@given(views(), st.sampled_from(["float32", "int64", "bool"]))
def test_views_have_the_same_headers_and_share_gpu_memory(view, dtype):
    data, steps = view
    cpu_base = make(tinytorch, data, dtype)
    gpu_base = cpu_base.cuda()
    cpu_view, gpu_view = apply_view(cpu_base, steps), apply_view(gpu_base, steps)
    same(gpu_view, cpu_view)
    assert gpu_view.storage() is gpu_base.storage()
    moved = gpu_view.to("cpu")
    torch_ref = apply_view(make(torch, data, dtype), steps).to(copy=True)
    assert moved.stride() == torch_ref.stride()  # a copy off the GPU is laid out as torch lays out copies


def test_writing_through_a_view_changes_the_base_on_the_gpu():
    cpu, gpu = tinytorch.zeros(3, 4), tinytorch.zeros(3, 4, device="cuda")
    for base in (cpu, gpu):
        base[:, 1].fill_(2.0)
        base.T[2].add_(1.0)
        base[0, ::2] = tinytorch.tensor([5.0, 6.0], device=base.device)
    same(gpu, cpu)
    assert gpu.storage()._version == cpu.storage()._version


UNARY = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs", "neg", "sign"]
BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b,
    "pow": lambda a, b: a.abs() ** b, "maximum": tinytorch.maximum, "eq": lambda a, b: a == b,
    "lt": lambda a, b: a < b, "where": lambda a, b: tinytorch.where(a > b, a, b),
    "broadcast": lambda a, b: a[:, :1] * b[:1], "scalar": lambda a, b: a * 2.5 - 1,
}
REDUCE = {
    "sum": lambda a: a.sum(), "sum dim": lambda a: a.sum(1, keepdim=True), "mean": lambda a: a.mean(0),
    "max": lambda a: a.max(), "max dim": lambda a: a.max(1)[0], "argmax": lambda a: a.argmax(0),
    "prod": lambda a: a.prod(1), "all": lambda a: (a > 0).all(), "any": lambda a: (a > 0).any(1),
}
OTHER = {
    "matmul": lambda a, b: a @ b.T, "mm transposed": lambda a, b: a.T.mm(b), "cat": lambda a, b: tinytorch.cat([a, b], 1),
    "stack": lambda a, b: tinytorch.stack([a, b]), "clone": lambda a, b: a.T.clone(),
    "contiguous": lambda a, b: a.T.contiguous(), "index": lambda a, b: a[tinytorch.tensor([2, 0], device=a.device)],
    "mask": lambda a, b: a[a > 0], "reshape": lambda a, b: a.T.reshape(-1), "clamp": lambda a, b: a.clamp(-1, 1),
    "to int": lambda a, b: a.to(tinytorch.int32), "to half": lambda a, b: a.half(),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_match_the_cpu(name):
    data = np.linspace(0.1, 3.0, 12, dtype=np.float32).reshape(3, 4)
    cpu = tinytorch.tensor(data)
    same(getattr(cpu.cuda(), name)(), getattr(cpu, name)(), rtol=1e-5)


@pytest.mark.parametrize("name", list(BINARY) + list(OTHER))
def test_binary_and_other_ops_match_the_cpu(name):
    op = BINARY.get(name) or OTHER[name]
    rng = np.random.default_rng(0)
    a, b = (tinytorch.tensor(rng.standard_normal((3, 4)).astype(np.float32)) for _ in range(2))
    same(op(a.cuda(), b.cuda()), op(a, b), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(REDUCE))
def test_reductions_match_the_cpu(name):
    a = tinytorch.tensor(np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32))
    same(REDUCE[name](a.cuda()), REDUCE[name](a), rtol=1e-5, atol=1e-6)


def test_mixing_the_gpu_and_the_cpu_raises_torchs_error():
    gpu, cpu = tinytorch.ones(3, device="cuda"), tinytorch.ones(3)
    for op in (lambda: gpu + cpu, lambda: cpu * gpu, lambda: tinytorch.cat([cpu, gpu]), lambda: gpu.add_(cpu)):
        with pytest.raises(RuntimeError, match="found at least two devices, cuda:0 and cpu!"):
            op()


def test_autograd_on_the_gpu_matches_the_cpu():
    rng = np.random.default_rng(2)
    inputs = [rng.standard_normal(shape).astype(np.float32) for shape in [(4, 3), (3, 5), (5,)]]
    grads = {}
    for device in ("cpu", "cuda"):
        x, w, b = (tinytorch.tensor(v, device=device, requires_grad=True) for v in inputs)
        hidden = (x @ w + b).tanh()
        loss = (hidden[:, 1:] * hidden.T[:4].T[:, :4].sigmoid()).sum() + (x.T ** 2).mean()
        loss.backward()
        grads[device] = (x.grad, w.grad, b.grad)
        assert all(g.device is tinytorch.device(device if device == "cpu" else "cuda:0") for g in grads[device])
    for gpu_grad, cpu_grad in zip(grads["cuda"], grads["cpu"]):
        np.testing.assert_allclose(gpu_grad.cpu().numpy(), cpu_grad.numpy(), rtol=1e-5, atol=1e-6)


def test_gradients_flow_back_from_the_gpu_to_a_cpu_leaf():
    x = tinytorch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    (x.cuda() * x.cuda().T).sum().backward()
    expected = tinytorch.tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    (expected * expected.T).sum().backward()
    assert x.grad.device is CPU and x.grad.tolist() == expected.grad.tolist()


def test_save_and_load_on_the_gpu(tmp_path):
    base = tinytorch.arange(12.0, device="cuda").view(3, 4).requires_grad_()
    obj = {"base": base, "view": base.T[1:], "ids": tinytorch.tensor([3, 1], device="cuda")}
    tinytorch.save(obj, tmp_path / "gpu.tt")
    loaded = tinytorch.load(tmp_path / "gpu.tt")
    assert loaded["view"].storage() is loaded["base"].storage()
    for key in obj:
        assert loaded[key].device is GPU
        assert (loaded[key].stride(), loaded[key].storage_offset()) == (obj[key].stride(), obj[key].storage_offset())
        assert loaded[key].tolist() == obj[key].tolist() and loaded[key].requires_grad == obj[key].requires_grad
    on_cpu = tinytorch.load(tmp_path / "gpu.tt", map_location="cpu")
    assert on_cpu["view"].device is CPU and on_cpu["view"].tolist() == obj["view"].tolist()
    tinytorch.save({"c": tinytorch.arange(4)}, tmp_path / "cpu.tt")
    assert tinytorch.load(tmp_path / "cpu.tt", map_location="cuda")["c"].device is GPU


def test_seeded_random_numbers_on_the_gpu_are_reproducible():
    tinytorch.manual_seed(7)
    first = tinytorch.randn(6, device="cuda").tolist()
    tinytorch.manual_seed(7)
    assert tinytorch.randn(6, device="cuda").tolist() == first
