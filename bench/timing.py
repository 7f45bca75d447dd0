"""Shared timing for the benchmarks: best-of-N per-call times, measured in this
one process, single-threaded, so ratios between libraries are comparable.
paired() times two libraries in alternating rounds, for the ratios a target is set on."""
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


def paired(ours, reference, min_time=0.2, repeat=7):
    """(seconds per call of ours, of reference), each the best of `repeat` rounds, the
    rounds alternating between the two. On a shared machine a burst of load from
    elsewhere then slows a round of each alike, instead of every round of one of them."""
    timers = [timeit.Timer(ours), timeit.Timer(reference)]
    numbers = [max(1, int(timer.autorange()[0] * min_time / 0.2)) for timer in timers]
    best = [float("inf")] * 2
    for _ in range(repeat):
        for i, (timer, number) in enumerate(zip(timers, numbers)):
            best[i] = min(best[i], timer.timeit(number) / number)
    return tuple(best)


def report(name, ours, reference, reference_name, target):
    ratio = ours / reference
    verdict = "ok" if ratio <= target else "SLOWER THAN TARGET"
    print(f"{name:<48} tinytorch {ours * 1e6:10.2f} us   {reference_name} {reference * 1e6:10.2f} us   "
          f"ratio {ratio:5.2f} (target <= {target})  {verdict}")
    return ratio <= target
