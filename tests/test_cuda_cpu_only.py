"""tinytorch.cuda where no GPU can be used: runs on every machine.

Each way of lacking a GPU is simulated (CuPy missing, CuPy present without a
GPU, CuPy failing to import, a driver that errors), and in each one
tinytorch must answer quickly that there is no GPU and refuse CUDA tensors
with a RuntimeError saying why and what to do, while CPU work goes on.
"""
import sys
import types

import pytest
import torch

import tinytorch
from tinytorch import cuda


@pytest.fixture
def fresh_status():
    """Forget the remembered answer before and after, so each test decides anew."""
    cuda._cupy_status.cache_clear()
    yield
    cuda._cupy_status.cache_clear()


def _fake_cupy(available):
    """A cupy module whose is_available() answers `available` (or raises it) and counts its calls."""
    module = types.ModuleType("cupy")
    module.calls = 0

    def is_available():
        module.calls += 1
        if isinstance(available, BaseException):
            raise available
        return available

    module.is_available = is_available
    return module


class _FailingImport:
    """A meta-path finder under which `import cupy` raises `error` (a broken install)."""

    def __init__(self, error):
        self.error = error

    def find_spec(self, name, path=None, target=None):
        if name == "cupy":
            raise self.error
        return None


def _no_cupy(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # `import cupy` now raises ImportError


def _cupy_without_gpu(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(False))


def _cupy_import_crashes(monkeypatch):
    monkeypatch.delitem(sys.modules, "cupy", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_FailingImport(OSError("libcudart.so.12: cannot open"))] + sys.meta_path)


def _driver_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(RuntimeError("cudaErrorInsufficientDriver")))


NO_GPU_STATES = {
    "cupy missing": (_no_cupy, "CuPy is not installed"),
    "cupy without a GPU": (_cupy_without_gpu, "no CUDA GPU or driver was found"),
    "cupy import crashes": (_cupy_import_crashes, "libcudart.so.12: cannot open"),
    "driver error": (_driver_error, "cudaErrorInsufficientDriver"),
}


@pytest.fixture(params=list(NO_GPU_STATES))
def no_gpu(request, monkeypatch, fresh_status):
    simulate, reason = NO_GPU_STATES[request.param]
    simulate(monkeypatch)
    return reason


def test_the_real_answer_matches_cupy(fresh_status):
    """Unsimulated: tinytorch agrees with CuPy itself (or says no when CuPy is absent)."""
    try:
        import cupy
    except ImportError:
        expected = False
    else:
        expected = bool(cupy.is_available())
    assert cuda.is_available() is expected
    assert (cuda.unavailable_reason() is None) is expected
    if not expected:
        assert cuda.device_count() == 0


def test_no_gpu_is_reported_like_torch_does_without_cuda(no_gpu):
    assert cuda.is_available() is torch.cuda.is_available() is False
    assert cuda.device_count() == torch.cuda.device_count() == 0
    assert no_gpu in cuda.unavailable_reason()
    # Seeding the GPU is silently accepted, as in torch, so seeding code runs anywhere.
    assert cuda.manual_seed(1) is torch.cuda.manual_seed(1) is None
    assert cuda.manual_seed_all(1) is torch.cuda.manual_seed_all(1) is None


def test_the_answer_is_computed_once(monkeypatch, fresh_status):
    fake = _fake_cupy(False)
    monkeypatch.setitem(sys.modules, "cupy", fake)
    for _ in range(10_000):
        assert not cuda.is_available()
    assert fake.calls == 1, "is_available() asked CuPy more than once"


CUDA_MAKERS = {
    "zeros": lambda dev: tinytorch.zeros(2, device=dev),
    "ones": lambda dev: tinytorch.ones(2, 3, device=dev),
    "empty": lambda dev: tinytorch.empty(2, device=dev),
    "full": lambda dev: tinytorch.full((2,), 1.5, device=dev),
    "eye": lambda dev: tinytorch.eye(2, device=dev),
    "arange": lambda dev: tinytorch.arange(3, device=dev),
    "linspace": lambda dev: tinytorch.linspace(0, 1, 3, device=dev),
    "rand": lambda dev: tinytorch.rand(2, device=dev),
    "randn": lambda dev: tinytorch.randn(2, device=dev),
    "randint": lambda dev: tinytorch.randint(0, 5, (2,), device=dev),
    "randperm": lambda dev: tinytorch.randperm(4, device=dev),
    "tensor": lambda dev: tinytorch.tensor([1.0, 2.0], device=dev),
    "zeros_like": lambda dev: tinytorch.zeros_like(tinytorch.ones(2), device=dev),
    "ones_like": lambda dev: tinytorch.ones_like(tinytorch.ones(2), device=dev),
    "full_like": lambda dev: tinytorch.full_like(tinytorch.ones(2), 3.0, device=dev),
    "rand_like": lambda dev: tinytorch.rand_like(tinytorch.ones(2), device=dev),
    "randn_like": lambda dev: tinytorch.randn_like(tinytorch.ones(2), device=dev),
    ".cuda()": lambda dev: tinytorch.ones(2).cuda(),
    ".cuda(1)": lambda dev: tinytorch.ones(2).cuda(1),
    ".to(dev)": lambda dev: tinytorch.ones(2).to(dev),
    ".to(dev, dtype)": lambda dev: tinytorch.ones(2).to(dev, tinytorch.float64),
    ".to(device=dev)": lambda dev: tinytorch.ones(2).to(device=dev),
    "new_zeros": lambda dev: tinytorch.ones(2).new_zeros(2, device=dev),
    "storage.cuda()": lambda dev: tinytorch.ones(2).storage().cuda(),
}


@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cuda:1", tinytorch.device("cuda", 0), 0])
@pytest.mark.parametrize("make", list(CUDA_MAKERS), ids=list(CUDA_MAKERS))
def test_cuda_tensors_are_refused_with_the_reason(no_gpu, make, device):
    with pytest.raises(RuntimeError) as caught:
        CUDA_MAKERS[make](device)
    message = str(caught.value)
    assert message.startswith("Cannot use a CUDA device: ")
    assert no_gpu in message  # why
    assert "CPU" in message  # and what still works


@pytest.mark.parametrize("call", [cuda.current_device, cuda.get_device_name, cuda.synchronize,
                                  lambda: cuda.get_device_name(0), lambda: cuda.set_device(0)])
def test_gpu_queries_are_refused_with_the_reason(no_gpu, call):
    with pytest.raises(RuntimeError, match="Cannot use a CUDA device"):
        call()


def test_the_cpu_still_works_and_a_cuda_device_can_be_named(no_gpu):
    # Naming a device needs no GPU (as torch.device('cuda:1') needs none); using it does.
    assert str(tinytorch.device("cuda:1")) == str(torch.device("cuda:1"))
    t = tinytorch.arange(6.0).view(2, 3).to("cpu", tinytorch.float64)
    assert t.device is tinytorch.device("cpu") and not t.is_cuda
    assert t.sum().item() == 15.0


def test_the_install_hint_names_the_gpu_extra(monkeypatch, fresh_status):
    _no_cupy(monkeypatch)
    with pytest.raises(RuntimeError, match=r"pip install 'tinytorch-course\[gpu\]'"):
        tinytorch.zeros(1, device="cuda")
