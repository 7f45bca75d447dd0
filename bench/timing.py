"""Shared timing for the benchmarks: best-of-N per-call times, measured in this
one process, single-threaded, so ratios between libraries are comparable."""
import os
import timeit

from threadpoolctl import threadpool_limits


def single_threaded():
    """Limit BLAS/OpenMP (NumPy, tinytorch) and torch to one thread."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    threadpool_limits(1)
    import torch
    torch.set_num_threads(1)


def per_call(fn, min_time=0.2, repeat=7):
    """Seconds per call: the best of `repeat` rounds, each long enough to time reliably."""
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(1, int(number * min_time / 0.2))
    return min(timer.repeat(repeat=repeat, number=number)) / number


def report(name, ours, reference, reference_name, target):
    ratio = ours / reference
    verdict = "ok" if ratio <= target else "SLOWER THAN TARGET"
    print(f"{name:<48} tinytorch {ours * 1e6:10.2f} us   {reference_name} {reference * 1e6:10.2f} us   "
          f"ratio {ratio:5.2f} (target <= {target})  {verdict}")
    return ratio <= target
