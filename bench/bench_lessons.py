"""Timing claims the lessons make, measured in both libraries on this machine.

Lesson 13 times sigmoid three ways on a 100 x 100 input (forward and backward): the
built-in op, a custom autograd.Function, and the naive chain 1 / (1 + exp(-x)). It says
that in tinytorch the built-in is fastest, then the Function, then the chain, and that
in PyTorch the built-in is fastest while the Function and the chain take about the same
time. This benchmark checks the order (and fails when tinytorch's changes); PyTorch's
two close timings are reported, with their ratio, as a claim to re-read if it drifts
far from 1.
"""
import sys

import numpy as np

from timing import per_call, single_threaded

single_threaded()
import torch  # noqa: E402

import tinytorch  # noqa: E402


def sigmoid_function(lib):
    """The lesson's Function: forward saves the result, backward uses y (1 - y)."""
    class Sigmoid(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = 1 / (1 + lib.exp(-x))
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return y * (1 - y) * grad
    return Sigmoid.apply


def steps(lib, x):
    """The three ways, each as one forward and backward."""
    function = sigmoid_function(lib)
    ones = lib.ones(x.shape)

    def run(forward):
        def step():
            x.grad = None
            forward(x).backward(ones)
        return step
    return {"built-in": run(lib.sigmoid), "Function": run(function),
            "naive chain": run(lambda t: 1 / (1 + lib.exp(-t)))}


def main():
    values = np.random.default_rng(0).standard_normal((100, 100)).astype(np.float32)
    times = {}
    for lib in (tinytorch, torch):
        x = lib.tensor(values, requires_grad=True)
        times[lib.__name__] = {name: per_call(step, repeat=9) for name, step in steps(lib, x).items()}
    for name, measured in times.items():
        print(f"{name:<10} sigmoid 100x100, forward+backward: "
              + "   ".join(f"{way} {seconds * 1e6:8.1f} us" for way, seconds in measured.items()))
    ours = times["tinytorch"]
    order_holds = ours["built-in"] < ours["Function"] < ours["naive chain"]
    print(f"lesson 13, tinytorch: built-in < Function < naive chain: {'ok' if order_holds else 'NOT SO'}")
    theirs = times["torch"]
    fastest = theirs["built-in"] < min(theirs["Function"], theirs["naive chain"])
    print(f"lesson 13, torch: built-in fastest: {'ok' if fastest else 'NOT SO'}; "
          f"Function / naive chain = {theirs['Function'] / theirs['naive chain']:.2f} (the lesson says about 1)")
    return order_holds


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
