"""How many threads the math library (BLAS, behind matmul) may use.

NumPy hands matrix products to a BLAS library (OpenBLAS, MKL, ...) that runs
its own pool of threads; threadpoolctl finds that pool and resizes it. The
other ops run on one thread, so this is the one knob that matters.
"""
from threadpoolctl import threadpool_info, threadpool_limits


def get_num_threads():
    """The number of threads BLAS uses (1 when no BLAS library is loaded)."""
    return max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=1)


def set_num_threads(n):
    """Let BLAS use n threads from now on, as torch.set_num_threads does for PyTorch."""
    if type(n) is not int:
        raise RuntimeError(f"set_num_threads expects an int, but got {type(n).__name__}")
    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    # The returned limiter would restore the old size when used as a context
    # manager; called like this, the new size simply stays.
    threadpool_limits(limits=n, user_api="blas")
