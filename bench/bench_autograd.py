"""Autograd speed against torch (float32, one thread): sigmoid forward+backward,
one MLP training step, and a long chain of small ops."""
import sys

import numpy as np

from timing import paired, per_call, report, single_threaded

single_threaded()
import torch  # noqa: E402

import tinytorch  # noqa: E402


def sigmoid_step(lib, x):
    def step():
        x.grad = None
        y = lib.sigmoid(x)
        y.backward(lib.ones_like(y))
    return step


def mlp_step(lib, no_grad, params, inputs, targets, lr=0.01):
    w1, b1, w2, b2 = params

    def step():
        hidden = (inputs @ w1 + b1).relu()
        out = hidden @ w2 + b2
        loss = ((out - targets) ** 2).mean()
        loss.backward()
        with no_grad():
            for p in params:
                p -= lr * p.grad
                p.grad = None
    return step


def numpy_mlp_step(params, inputs, targets, lr=0.01):
    """mlp_step written by hand in NumPy: forward, the chain rule spelled out, update.
    The floor for a library that computes with NumPy: tinytorch's extra time over it
    is the price of recording the graph and running the engine."""
    w1, b1, w2, b2 = params

    def step():
        pre = inputs @ w1 + b1
        hidden = np.maximum(pre, 0)
        out = hidden @ w2 + b2
        diff = out - targets
        loss = (diff ** 2).mean()  # noqa: F841  (computed, as the other steps compute it)
        d_out = diff * np.float32(2 / diff.size)
        d_w2, d_b2 = hidden.T @ d_out, d_out.sum(0)
        d_hidden = (d_out @ w2.T) * (pre > 0)
        d_w1, d_b1 = inputs.T @ d_hidden, d_hidden.sum(0)
        for p, g in zip(params, (d_w1, d_b1, d_w2, d_b2)):
            p -= lr * g
    return step


def chain_step(lib, x, length=2000):
    def step():
        x.grad = None
        y = x
        for i in range(length // 2):
            y = y * 1.0001
            y = y + 0.5
        y.sum().backward()
    return step


def both(make, *arrays, requires_grad=True):
    """The same benchmark built for tinytorch and for torch from the same NumPy data."""
    ours = [tinytorch.tensor(a, requires_grad=requires_grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=requires_grad) for a in arrays]
    return make(tinytorch, ours), make(torch, theirs)


def main():
    rng = np.random.default_rng(0)
    ok = True

    x = rng.standard_normal((100, 100), dtype=np.float32)
    ours, theirs = both(lambda lib, t: sigmoid_step(lib, t[0]), x)
    ok &= report("sigmoid forward+backward, 100x100", *paired(ours, theirs), "torch", 2.0)

    shapes = [(784, 256), (256,), (256, 10), (10,)]
    params = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in shapes]
    inputs = rng.standard_normal((64, 784), dtype=np.float32)
    targets = rng.standard_normal((64, 10), dtype=np.float32)

    def mlp(lib, tensors):
        data = [lib.from_numpy(inputs.copy()), lib.from_numpy(targets.copy())]
        return mlp_step(lib, lib.no_grad, tensors, *data)

    ours, theirs = both(mlp, *params)
    ours_time, theirs_time = paired(ours, theirs)
    ok &= report("MLP step 64x784 -> 256 -> 10 (fwd, MSE, bwd, SGD)", ours_time, theirs_time, "torch", 1.5)
    by_hand = numpy_mlp_step([p.copy() for p in params], inputs.copy(), targets.copy())
    ok &= report("the same MLP step, vs by hand in NumPy", ours_time, per_call(by_hand), "numpy", 2.0)

    x = rng.standard_normal(10, dtype=np.float32)
    ours, theirs = both(lambda lib, t: chain_step(lib, t[0]), x)
    ok &= report("chain of 2,000 small ops, forward+backward", *paired(ours, theirs, min_time=0.5, repeat=5),
                 "torch", 3.0)
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
