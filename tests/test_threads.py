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
