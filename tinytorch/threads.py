"""How many threads the math library (BLAS, behind matmul) may use."""
from threadpoolctl import threadpool_info, threadpool_limits

_limiter = None


def get_num_threads():
    infos = threadpool_info()
    return max((info["num_threads"] for info in infos), default=1)


def set_num_threads(n):
    """Limit the BLAS and OpenMP thread pools to n threads (for the rest of the program)."""
    global _limiter
    if not isinstance(n, int) or n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _limiter = threadpool_limits(limits=n)
