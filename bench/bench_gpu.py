"""GPU speed against raw CuPy (float32): a 4096x4096 matmul and elementwise
ops on 10^8 elements. tinytorch's overhead on top of CuPy should vanish at these
sizes: targets 1.1x for matmul and 1.2x for elementwise.

Without a usable CUDA GPU it says so and measures nothing."""
import statistics
import sys
import time

import tinytorch


def gpu_time(fn, repeat=20, warmup=3):
    """Median seconds per call, with the GPU synchronized around each call
    (GPU work is asynchronous; without the sync we would time the launch only)."""
    for _ in range(warmup):
        fn()
    tinytorch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        tinytorch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name, ours, theirs, target):
    ratio = ours / theirs
    verdict = "ok" if ratio <= target else "SLOWER THAN TARGET"
    print(f"{name:<40} tinytorch {ours * 1e3:9.3f} ms   cupy {theirs * 1e3:9.3f} ms   "
          f"ratio {ratio:5.2f} (target <= {target})  {verdict}")
    return ratio <= target


def main():
    if not tinytorch.cuda.is_available():
        print(f"no usable CUDA GPU here ({tinytorch.cuda.unavailable_reason()}): nothing measured")
        return True
    import cupy
    print(f"GPU: {tinytorch.cuda.get_device_name()}")
    ok = True
    rng = cupy.random.default_rng(0)

    a, b = (rng.standard_normal((4096, 4096), dtype=cupy.float32) for _ in range(2))
    ta, tb = (tinytorch.tensor(x.get(), device="cuda") for x in (a, b))
    ok &= report("matmul 4096x4096", gpu_time(lambda: ta @ tb), gpu_time(lambda: a @ b), 1.1)

    x, y = (rng.standard_normal(10**8, dtype=cupy.float32) for _ in range(2))
    tx, ty = (tinytorch.zeros(10**8, device="cuda") for _ in range(2))
    tx.storage()._array[...] = x  # the same numbers, without a trip through the host
    ty.storage()._array[...] = y
    ok &= report("add, 10^8 elements", gpu_time(lambda: tx + ty), gpu_time(lambda: x + y), 1.2)
    ok &= report("mul, 10^8 elements", gpu_time(lambda: tx * ty), gpu_time(lambda: x * y), 1.2)
    ok &= report("sigmoid, 10^8 elements", gpu_time(lambda: tx.sigmoid()),
                 gpu_time(lambda: 0.5 * cupy.tanh(0.5 * x) + 0.5), 1.2)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
