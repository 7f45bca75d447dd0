"""Claims the lessons make in prose, computed here so that a lesson cannot drift from
what tinytorch and torch do. (Claims about speed are measured in bench/bench_lessons.py,
not in timed tests.)"""
import pickle
import warnings

import numpy as np
import pytest
import torch

import tinytorch


def test_lesson7_device_count_is_zero_without_a_gpu_and_the_others_raise():
    """Lesson 7: device_count() returns 0 on a machine without a GPU; only
    current_device() and get_device_name() raise."""
    for lib in (tinytorch, torch):
        if lib.cuda.is_available():
            pytest.skip("this machine has a GPU")
        assert lib.cuda.device_count() == 0
        for name in ("current_device", "get_device_name"):
            with pytest.raises(Exception):
                getattr(lib.cuda, name)()


def test_lesson8_torch_save_stores_a_builtin_and_breaks_the_file_on_a_lambda(tmp_path):
    """Lesson 8: torch.save stores {"callback": print} (pickle stores a builtin by name)
    and torch.load's default weights_only=True refuses it; a lambda makes torch.save
    fail half-way into the target, leaving a file that no longer loads."""
    target = tmp_path / "run.pth"
    torch.save({"step": 1}, target)
    torch.save({"step": 2, "callback": print}, target)  # no error
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        torch.load(target)
    assert torch.load(target, weights_only=False)["callback"] is print
    torch.save({"step": 1}, target)
    with pytest.raises(Exception):
        torch.save({"step": 2, "callback": lambda: None}, target)
    with pytest.raises(Exception):  # the step-1 checkpoint is gone: what is left does not load
        torch.load(target)
    # ... where tinytorch.save refuses before it writes, and the old file stays.
    tinytorch.save({"step": 1}, target)
    with pytest.raises(TypeError):
        tinytorch.save({"step": 2, "callback": lambda: None}, target)
    assert tinytorch.load(target) == {"step": 1}


def test_lesson13_float32_gradcheck_error_is_rounding_not_truncation():
    """Lesson 13: with eps=1e-3 on float32, sigmoid's finite-difference derivative is off by
    about 3e-5 (float32 rounding), while the truncation error (the curve's bending) is
    about 2e-8; gradcheck accepts the rounding because it allows atol + rtol * |derivative|."""
    x = np.linspace(-3, 3, 12)
    exact = tinytorch.sigmoid(tinytorch.tensor(x)).numpy()
    exact = exact * (1 - exact)
    eps = 1e-3

    def central_difference(dtype):
        t = tinytorch.tensor(x, dtype=dtype)
        up, down = tinytorch.sigmoid(t + eps).double(), tinytorch.sigmoid(t - eps).double()
        return ((up - down) / (2 * eps)).numpy()
    truncation = np.abs(central_difference(tinytorch.float64) - exact).max()
    rounding = np.abs(central_difference(tinytorch.float32) - exact).max()
    assert 1e-8 < truncation < 3e-8
    assert 1e-5 < rounding < 1e-4 and rounding > 500 * truncation
    allowed = 1e-5 + 1e-3 * np.abs(exact)  # gradcheck's atol and rtol
    assert (np.abs(central_difference(tinytorch.float32) - exact) < allowed).all()
    x32 = tinytorch.tensor(x, dtype=tinytorch.float32, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (the float32 warning)
        assert tinytorch.autograd.gradcheck(tinytorch.sigmoid, x32, eps=eps)
        assert not tinytorch.autograd.gradcheck(tinytorch.sigmoid, x32, raise_exception=False)
