"""get_num_threads / set_num_threads size the BLAS thread pool behind matmul.

threadpoolctl reports what the loaded BLAS library really uses, so the test
reads the pool's size from there as well as through tinytorch.
"""
import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_info

import oracle
import tinytorch


def blas_thread_counts():
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


@pytest.fixture
def restore_threads():
    before = tinytorch.get_num_threads()
    yield before
    tinytorch.set_num_threads(before)


def test_set_num_threads_resizes_the_blas_pool(restore_threads):
    assert blas_thread_counts(), "NumPy's BLAS should be visible to threadpoolctl"
    tinytorch.set_num_threads(1)
    assert tinytorch.get_num_threads() == 1
    assert blas_thread_counts() == {1}
    a = tinytorch.from_numpy(np.ones((64, 64), "float32"))
    oracle.assert_same_values(a @ a, torch.ones(64, 64) @ torch.ones(64, 64))  # still computes with one thread
    tinytorch.set_num_threads(restore_threads)
    assert tinytorch.get_num_threads() == restore_threads
    assert blas_thread_counts() == {restore_threads}


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_set_num_threads_refuses_what_torch_refuses(bad, restore_threads):
    oracle.assert_same_error(lambda: tinytorch.set_num_threads(bad), lambda: torch.set_num_threads(bad))


def _grad_mode_seen_by_two_threads(lib):
    """Thread A enters no_grad and waits; meanwhile thread B records an op. What each saw."""
    import threading
    seen = {}
    a_inside, b_done = threading.Event(), threading.Event()
    x = lib.ones(2, requires_grad=True)

    def thread_a():
        with lib.no_grad():
            a_inside.set()
            b_done.wait(10)
            seen["a enabled"] = lib.is_grad_enabled()
            seen["a records"] = (x * 2).requires_grad

    def thread_b():
        a_inside.wait(10)
        seen["b enabled"] = lib.is_grad_enabled()
        seen["b records"] = (x * 2).requires_grad
        b_done.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    seen["main enabled"] = lib.is_grad_enabled()
    return seen


def test_grad_mode_is_per_thread_as_in_torch():
    assert _grad_mode_seen_by_two_threads(tinytorch) == _grad_mode_seen_by_two_threads(torch) == {
        "a enabled": False, "a records": False, "b enabled": True, "b records": True, "main enabled": True}


def test_a_new_thread_records_even_when_its_parent_does_not():
    import threading
    seen = {}
    for lib in (tinytorch, torch):
        with lib.no_grad():
            t = threading.Thread(target=lambda lib=lib: seen.__setitem__(lib.__name__, lib.is_grad_enabled()))
            t.start()
            t.join(10)
    assert seen == {"tinytorch": True, "torch": True}
