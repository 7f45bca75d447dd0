"""Core tensor speed: elementwise add and matmul against NumPy and torch (float32, one thread)."""
import sys

import numpy as np

from timing import paired, per_call, report, single_threaded

single_threaded()
import torch  # noqa: E402

import tinytorch  # noqa: E402


def main():
    ok = True
    rng = np.random.default_rng(0)

    small_a, small_b = (rng.standard_normal(100, dtype=np.float32) for _ in range(2))
    ta, tb = tinytorch.from_numpy(small_a), tinytorch.from_numpy(small_b)
    xa, xb = torch.from_numpy(small_a), torch.from_numpy(small_b)
    ok &= report("add, 100 elements (vs torch)", *paired(lambda: ta + tb, lambda: xa + xb), "torch", 2.5)

    big_a, big_b = (rng.standard_normal(1_000_000, dtype=np.float32) for _ in range(2))
    ta, tb = tinytorch.from_numpy(big_a), tinytorch.from_numpy(big_b)
    ours, reference = paired(lambda: ta + tb, lambda: big_a + big_b)
    ok &= report("add, 1,000,000 elements (vs NumPy)", ours, reference, "numpy", 1.15)
    xa, xb = torch.from_numpy(big_a), torch.from_numpy(big_b)
    report("add, 1,000,000 elements (vs torch, for information)", ours, per_call(lambda: xa + xb), "torch", float("inf"))

    m1, m2 = (rng.standard_normal((512, 512), dtype=np.float32) for _ in range(2))
    t1, t2 = tinytorch.from_numpy(m1), tinytorch.from_numpy(m2)
    ours, reference = paired(lambda: t1 @ t2, lambda: m1 @ m2)
    ok &= report("matmul 512x512 (vs NumPy)", ours, reference, "numpy", 1.15)
    x1, x2 = torch.from_numpy(m1), torch.from_numpy(m2)
    report("matmul 512x512 (vs torch, for information)", ours, per_call(lambda: x1 @ x2), "torch", float("inf"))
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
