"""The CuPy backend on a real GPU: the same code path as NumPy must give the same answers.

Everything here runs on 'cuda:0' and is compared with the same computation on
the CPU (itself checked against torch by the other test files): views and
their strides, ops, autograd, save/load. It runs whenever
`tinytorch.cuda.is_available()`, and is skipped, with the reason shown in
pytest's summary (-ra), on machines without a usable GPU.
"""
import re

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
    assert t.device is GPU and t.is_cuda and t.untyped_storage().device is GPU
    assert isinstance(t._storage._array, cupy.ndarray)
    assert t.data_ptr() == t._storage._array.data.ptr
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
    assert gpu_view.untyped_storage() is gpu_base.untyped_storage()
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
    assert gpu._storage._version == cpu._storage._version


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
    assert loaded["view"].untyped_storage() is loaded["base"].untyped_storage()
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


# -- layouts: permuted and transposed data -----------------------------------------------------
def _permuted(device, offset=0.0):
    """(4, 2, 3) data laid out as a permuted (2, 3, 4) block: strides (1, 12, 4), neither C nor F order."""
    return (tinytorch.arange(24.0, device=device).view(2, 3, 4).permute(2, 0, 1) - 11.5 + offset)


LAYOUT_OPS = {
    "same permutation": lambda a, b: a + b,
    "two layouts": lambda a, b: a * b.contiguous().transpose(0, 2).contiguous().transpose(0, 2),
    "permuted and contiguous": lambda a, b: a - b.contiguous(),
    "broadcast row": lambda a, b: a * b[0, 0],
    "unary": lambda a, b: (a / 10).exp(),
    "scalar": lambda a, b: a * 2.5 - 1,
    "compare": lambda a, b: a > b * 0.5,
    "where": lambda a, b: tinytorch.where(a > 0, a, b),
    "gapped": lambda a, b: a[:, ::2] + b[:, ::2],
    "transposed 2-d": lambda a, b: a[0].T * b[1].T,
    "in place": lambda a, b: a.clone().mul_(b),
}


@pytest.mark.parametrize("name", list(LAYOUT_OPS))
def test_elementwise_ops_on_permuted_inputs_match_the_cpu(name):
    op = LAYOUT_OPS[name]
    same(op(_permuted("cuda"), _permuted("cuda", 3.25)), op(_permuted("cpu"), _permuted("cpu", 3.25)), rtol=1e-6)


@pytest.mark.parametrize("name", ["zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like"])
def test_like_factories_keep_the_layout_of_permuted_data(name):
    make = {"full_like": lambda t, **kw: tinytorch.full_like(t, 2.5, **kw)}.get(name, getattr(tinytorch, name))
    cpu = _permuted("cpu")
    want = make(cpu)
    assert want.stride() == (1, 12, 4)
    for got in (make(cpu.cuda()), make(cpu, device="cuda")):
        assert got.device is GPU
        if name in ("rand_like", "randn_like"):
            assert (got.shape, got.stride(), got.dtype) == (want.shape, want.stride(), want.dtype)
        else:
            same(got, want)


@pytest.mark.parametrize("layout", ["permuted", "F order", "gapped", "0-d"])
def test_tensor_of_an_array_keeps_its_layout_on_the_gpu(layout):
    data = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
    array = {"permuted": data.transpose(2, 0, 1), "F order": np.asfortranarray(data), "gapped": data[:, ::2, 1:],
             "0-d": np.array(2.5, dtype=np.float32)}[layout]
    same(tinytorch.tensor(array, device="cuda"), tinytorch.tensor(array))
    same(tinytorch.tensor(array, dtype=tinytorch.float64, device="cuda"), tinytorch.tensor(array, dtype=tinytorch.float64))


@pytest.mark.parametrize("view", ["permuted", "gapped", "expanded", "overlapping"])
def test_moving_views_keeps_the_layout_torch_gives_copies(view):
    base = tinytorch.arange(48.0).view(2, 4, 6)
    cpu = {"permuted": base.permute(2, 0, 1), "gapped": base[:, 1::2].permute(2, 0, 1),
           "expanded": base[:, :1].expand(2, 3, 6), "overlapping": tinytorch.arange(10.0).as_strided((3, 4), (2, 1))}[view]
    same(cpu.cuda(), cpu.to(copy=True))
    assert cpu.cuda().cpu().stride() == cpu.to(copy=True).stride()


# -- arithmetic that CuPy and NumPy might do differently -----------------------------------------
INTS = (np.array([7, -7, 5, -5, 0, 9, -9], dtype=np.int64), np.array([2, 2, -3, -3, 4, -1, 4], dtype=np.int64))
FLOATS = (np.array([7.5, -7.5, 5.0, -5.0, 0.0, -0.0, np.inf, -np.inf, np.nan, 1.0], dtype=np.float32),
          np.array([2.0, 2.0, -3.0, -3.0, -2.0, 2.0, 3.0, 3.0, 1.0, np.inf], dtype=np.float32))
ZERO_DIVISORS = (np.array([1.0, -1.0, 0.0, np.inf], dtype=np.float32), np.zeros(4, dtype=np.float32))
DIVISION = {
    "//": lambda a, b: a // b, "%": lambda a, b: a % b, "// scalar": lambda a, b: a // 3, "% scalar": lambda a, b: a % -3,
    "scalar //": lambda a, b: 7 // b, "scalar %": lambda a, b: 7 % b, "div floor": lambda a, b: a.div(b, rounding_mode="floor"),
    "div trunc": lambda a, b: a.div(b, rounding_mode="trunc"), "floor_divide": lambda a, b: a.floor_divide(b),
    "remainder": lambda a, b: a.remainder(b), "transposed //": lambda a, b: a.view(-1, 1).T // b.view(-1, 1).T,
    "// 0.1": lambda a, b: a // 0.1,  # 7.5 // 0.1 is 74 (from fmod); CuPy's own floor(7.5 / 0.1) would be 75
}


@pytest.mark.parametrize("data", ["int64", "int32", "float32", "float64", "float zero divisors"])
@pytest.mark.parametrize("name", list(DIVISION))
def test_floor_division_and_remainder_match_the_cpu(name, data):
    a, b = {"int64": INTS, "int32": tuple(x.astype(np.int32) for x in INTS), "float32": FLOATS,
            "float64": tuple(x.astype(np.float64) for x in FLOATS), "float zero divisors": ZERO_DIVISORS}[data]
    op = DIVISION[name]
    try:
        want = op(tinytorch.tensor(a), tinytorch.tensor(b))
    except (AttributeError, TypeError) as missing:  # an op tinytorch lacks is not the GPU's business
        pytest.skip(f"not in tinytorch: {missing}")
    same(op(tinytorch.tensor(a, device="cuda"), tinytorch.tensor(b, device="cuda")), want, rtol=1e-6)


CLAMPS = {
    "min only": lambda a: a.clamp(min=0), "max only": lambda a: a.clamp(max=0.5), "both": lambda a: a.clamp(-1, 1),
    "crossed bounds": lambda a: a.clamp(1, -1), "nan min": lambda a: a.clamp(min=float("nan")),
    "nan max": lambda a: a.clamp(max=float("nan")), "tensor min": lambda a: a.clamp(min=a[0] * 0 + 0.25),
    "tensor max": lambda a: a.clamp(max=a[:, :1] * 0 - 0.5), "in place": lambda a: a.clone().clamp_(min=-2),
}


@pytest.mark.parametrize("dtype", ["float32", "float16", "int64"])
@pytest.mark.parametrize("name", list(CLAMPS))
def test_clamp_with_nan_and_one_sided_bounds_matches_the_cpu(name, dtype):
    values = np.array([[-3.0, 2.5, np.nan, 0.0], [7.0, -0.5, np.inf, -np.inf]])
    if dtype == "int64":
        if "nan" in name:
            return  # a nan bound is not an integer
        values = np.array([[-3, 2, 9, 0], [7, -1, -8, 1]])
    cpu = tinytorch.tensor(values, dtype=getattr(tinytorch, dtype))
    same(CLAMPS[name](cpu.cuda()), CLAMPS[name](cpu))


FLOAT16_OPS = {
    "add": lambda a, b: a + b, "mul": lambda a, b: a * b, "div": lambda a, b: a / b, "exp": lambda a, b: (a / 4).exp(),
    "sum": lambda a, b: a.sum(), "sum dim": lambda a, b: a.sum(0), "mean": lambda a, b: a.mean(1),
    "max dim": lambda a, b: a.max(1)[0], "matmul": lambda a, b: a @ b.T, "to float": lambda a, b: (a * b).float(),
    "from float": lambda a, b: (a.float() / 3).half(), "overflow": lambda a, b: a * 30000,
    "// number": lambda a, b: a // 0.2, "// tensor": lambda a, b: a // b,
}


@pytest.mark.parametrize("name", list(FLOAT16_OPS))
def test_float16_ops_match_the_cpu(name):
    rng = np.random.default_rng(5)
    a, b = (tinytorch.tensor(rng.uniform(-4, 4, (3, 5)), dtype=tinytorch.float16) for _ in range(2))
    same(FLOAT16_OPS[name](a.cuda(), b.cuda()), FLOAT16_OPS[name](a, b), rtol=2e-3, atol=2e-3)


INT_OPS = {
    "add": lambda a, b: a + b, "mul wraps": lambda a, b: a * b * 1000, "sum": lambda a, b: a.sum(),
    "sum dim": lambda a, b: a.sum(1), "prod": lambda a, b: a.prod(0), "max dim": lambda a, b: a.max(1)[1],
    "true div": lambda a, b: a / b, "neg": lambda a, b: -a, "abs": lambda a, b: a.abs(), "eq": lambda a, b: a == b,
    "where": lambda a, b: tinytorch.where(a > b, a, b), "to float16": lambda a, b: a.half(),
}


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8"])
@pytest.mark.parametrize("name", list(INT_OPS))
def test_integer_ops_match_the_cpu(name, dtype):
    rng = np.random.default_rng(6)
    low = 0 if dtype == "uint8" else -9
    a, b = (tinytorch.tensor(rng.integers(low, 10, (3, 4)), dtype=getattr(tinytorch, dtype)) for _ in range(2))
    b = tinytorch.where(b == 0, tinytorch.ones_like(b), b)
    op = INT_OPS[name]
    try:
        want = op(a, b)
    except RuntimeError as refused:  # what torch refuses for this dtype, the GPU must refuse too
        with pytest.raises(RuntimeError, match=re.escape(str(refused))):
            op(a.cuda(), b.cuda())
        return
    same(op(a.cuda(), b.cuda()), want, rtol=1e-6)


# -- backward through the ops whose gradients scatter ----------------------------------------------
def _grads(fn, arrays, device):
    """The gradients of a weighted sum of fn(*leaves) for leaves made from `arrays` on `device`."""
    leaves = [tinytorch.tensor(a, device=device, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    weights = tinytorch.arange(1.0, out.numel() + 1.0, dtype=out.dtype, device=device).view(out.shape)
    (out * weights).sum().backward()
    return out, [leaf.grad for leaf in leaves]


def _same_backward(fn, *arrays, rtol=1e-6, atol=1e-6):
    gpu_out, gpu_grads = _grads(fn, arrays, "cuda")
    cpu_out, cpu_grads = _grads(fn, arrays, "cpu")
    same(gpu_out, cpu_out, rtol=rtol, atol=atol)
    for gpu_grad, cpu_grad in zip(gpu_grads, cpu_grads):
        same(gpu_grad, cpu_grad, rtol=rtol, atol=atol)


MATRIX = np.arange(20, dtype=np.float32).reshape(4, 5) / 4 - 2


def _index(*items):
    """Index items as tensors on the device of the tensor they index."""
    return lambda x: x[tuple(tinytorch.tensor(i, device=x.device) if isinstance(i, list) else i for i in items)]


BACKWARD_CASES = {
    "repeated rows": _index([0, 2, 0, 3, 0]),
    "repeated elements": _index([0, 0, 1, 3], [1, 1, 4, 1]),
    "mask": lambda x: x[x > 0],
    "slice then repeats": _index(slice(1, None), [4, 4, 0]),
    "transposed, repeats": lambda x: _index([2, 2], [0, 3])(x.T),
    "overlapping as_strided": lambda x: x.reshape(-1).as_strided((4, 3), (1, 1), 2),
    "stride-0 as_strided": lambda x: x.as_strided((3, 2, 2), (0, 1, 5), 1),
    "as_strided of a transpose": lambda x: x.T.contiguous().as_strided((3, 3), (2, 3)),
    "max dim with ties": lambda x: x.clamp(max=0).max(1)[0] + x.max(1)[0],
    "max dim keepdim": lambda x: x.max(0, keepdim=True)[0],
    "min dim": lambda x: x.min(1)[0],
    "max": lambda x: x.max(),
}


@pytest.mark.parametrize("name", list(BACKWARD_CASES))
def test_backward_through_indexing_and_strides_matches_the_cpu(name):
    _same_backward(BACKWARD_CASES[name], MATRIX)


def test_max_dim_picks_the_same_element_among_ties_as_the_cpu():
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 1.0], [5.0, 0.0, 5.0], [4.0, 4.0, 4.0]], dtype=np.float32)
    for dim in (0, 1):
        gpu_values, gpu_indices = tinytorch.tensor(data, device="cuda").max(dim)
        cpu_values, cpu_indices = tinytorch.tensor(data).max(dim)
        same(gpu_values, cpu_values)
        same(gpu_indices, cpu_indices)
    _same_backward(lambda x: x.max(1)[0], data)


@pytest.mark.parametrize("zeros", ["none", "one per row", "two in a row", "all"])
def test_prod_backward_with_zeros_matches_the_cpu(zeros):
    data = np.array([[1.5, -2.0, 3.0, 0.5], [2.0, 1.0, -1.0, 4.0], [0.5, 2.5, 1.0, -3.0]], dtype=np.float32)
    if zeros == "one per row":
        data[[0, 1, 2], [1, 3, 0]] = 0
    elif zeros == "two in a row":
        data[1, [0, 2]] = 0
        data[2, 3] = 0
    elif zeros == "all":
        data[:] = 0
    for fn in (lambda x: x.prod(1), lambda x: x.prod(0, keepdim=True), lambda x: x.prod(), lambda x: x.T.prod(1)):
        _same_backward(fn, data)


def test_index_put_and_its_backward_match_the_cpu():
    def put(base, values):
        x = base * 1
        index = tinytorch.tensor([3, 0], device=base.device)
        x[index, 1:3] = values  # advanced index and a slice
        x[x > 2.5] = values[0, 0]  # a mask and one value (a fill)
        x[index] = values.sum() * 0.5  # a 0-d value spread over rows
        return x

    _same_backward(put, MATRIX, np.array([[10.0, 20.0], [30.0, 40.0]], dtype=np.float32))


def test_index_put_takes_a_0_dim_value_from_the_cpu():
    cpu_value = tinytorch.tensor(1.5, requires_grad=True)
    x = tinytorch.zeros(3, 4, device="cuda", requires_grad=True) * 1
    x[tinytorch.tensor([0, 2], device="cuda")] = cpu_value  # moved to the GPU, as torch's index_put_ does
    (x * tinytorch.arange(12.0, device="cuda").view(3, 4)).sum().backward()
    assert x.device is GPU and cpu_value.grad.device is CPU
    assert x.tolist()[0] == [1.5] * 4 and cpu_value.grad.item() == sum(range(4)) + sum(range(8, 12))
    with pytest.raises(RuntimeError, match="found at least two devices, cuda:0 and cpu!"):
        x.detach()[tinytorch.tensor([0, 2])] = tinytorch.ones(4)
    with pytest.raises(RuntimeError, match=r"indices should be either on cpu or on the same device as the indexed "
                                           r"tensor \(cpu\)"):
        tinytorch.ones(3)[tinytorch.tensor([0], device="cuda")]


# -- copy_ between devices --------------------------------------------------------------------------
COPIES = {
    "same shape": (lambda dev: tinytorch.zeros(3, 4, device=dev), lambda dev: tinytorch.arange(12.0, device=dev).view(3, 4)),
    "transposed target": (lambda dev: tinytorch.zeros(4, 3, device=dev).T, lambda dev: tinytorch.arange(12.0, device=dev).view(3, 4)),
    "gapped source": (lambda dev: tinytorch.zeros(2, 4, device=dev),
                      lambda dev: tinytorch.arange(24.0, device=dev).view(4, 6)[::2, 1:5]),
    "broadcast": (lambda dev: tinytorch.zeros(3, 4, device=dev), lambda dev: tinytorch.arange(4.0, device=dev)),
    "dtype": (lambda dev: tinytorch.zeros(3, 5, dtype=tinytorch.float64, device=dev)[:, 1:4],
              lambda dev: tinytorch.arange(3, device=dev).view(3, 1)),
}


@pytest.mark.parametrize("name", list(COPIES))
def test_copy_between_the_gpu_and_the_cpu_matches_a_copy_on_the_cpu(name):
    make_target, make_src = COPIES[name]
    want = make_target("cpu").copy_(make_src("cpu"))
    same(make_target("cuda").copy_(make_src("cpu")), want)  # up
    same(make_target("cuda").copy_(make_src("cuda")), want)  # on the GPU
    down = make_target("cpu").copy_(make_src("cuda"))  # down
    assert down.device is CPU and (down.stride(), down.tolist()) == (want.stride(), want.tolist())


def test_copy_sends_the_gradient_back_across_devices():
    src = tinytorch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    target = tinytorch.zeros(2, 3, device="cuda").copy_(src)
    (target * tinytorch.tensor([[1.0], [2.0]], device="cuda")).sum().backward()
    assert src.grad.device is CPU and src.grad.tolist() == [3.0, 3.0, 3.0]


# -- gradient devices and gradcheck -----------------------------------------------------------------
def test_gradients_given_on_the_wrong_device_follow_torchs_rule():
    g = tinytorch.ones(2, device="cuda", requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^invalid gradient at index 0 - expected device cuda:0 but got cpu$"):
        (g * 2).backward(tinytorch.ones(2))
    (g * 2).sum().backward(tinytorch.tensor(3.0))  # a 0-dim gradient is moved
    assert g.grad.device is GPU and g.grad.tolist() == [6.0, 6.0]


def test_gradcheck_passes_on_the_gpu():
    rng = np.random.default_rng(8)
    x = tinytorch.tensor(rng.standard_normal((2, 3)), device="cuda", requires_grad=True)
    w = tinytorch.tensor(rng.standard_normal(3), device="cuda", requires_grad=True)
    index = tinytorch.tensor([1, 0, 1], device="cuda")
    assert tinytorch.autograd.gradcheck(lambda x, w: ((x * w).sin() / (1 + x.T.T.exp())).sum(0), (x, w))
    assert tinytorch.autograd.gradcheck(lambda x: x[index].prod(0) + x.max(1)[0].sum(), (x,))
    assert tinytorch.autograd.gradcheck(lambda x: x.reshape(-1).as_strided((3, 3), (1, 1)).tanh(), (x,))
    assert tinytorch.autograd.gradgradcheck(lambda x, w: (x * w).tanh().sum(1), (x, w))
