"""The autograd cells of the course's seed notes (from 获取中间节点的梯度 to the
end), run with tinytorch and with torch on the same input values: every value,
printed line and repr must be what torch gives (with `torch` spelled
`tinytorch`)."""
import contextlib
import io
import warnings

import numpy as np
import torch

import tinytorch
from oracle import assert_same_values, tinytorch_message


def run_both(cell, *arrays):
    """Run cell(m, *tensors) for each library; return (result, printed) pairs."""
    results = []
    for m in (tinytorch, torch):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the non-leaf .grad warning, checked elsewhere
            result = cell(m, *[m.tensor(a.copy()) for a in arrays])
        results.append((result, out.getvalue()))
    return results


def same_repr(ours, theirs):
    assert repr(ours) == tinytorch_message(repr(theirs))


def test_intermediate_gradients():
    w_values = torch.rand((3, 3)).numpy()

    def cell(m, w_values):
        x = m.ones((3, 3), requires_grad=True)
        w = w_values.requires_grad_()
        y = w * x
        z = y.sum()
        z.backward(retain_graph=True)
        first = (x.grad, w.grad, y.grad)
        dz_dy = m.autograd.grad(z, y)
        y.backward(m.ones(y.shape))
        return first, dz_dy, (x.grad, w.grad, y.grad)

    (ours, _), (theirs, _) = run_both(cell, w_values)
    same_repr(ours, theirs)


class _Captured:
    """Builds the seed's MultiplyAdd for a library (it prints the type it sees)."""

    @staticmethod
    def multiply_add(m):
        class MultiplyAdd(m.autograd.Function):
            @staticmethod
            def forward(ctx, w, x, b):
                print("type in forward", type(x))
                ctx.save_for_backward(w, x)
                output = w * x + b
                return output

            @staticmethod
            def backward(ctx, grad_output):
                w, x = ctx.saved_tensors
                print("type in backward", type(x))
                grad_w = grad_output * x
                grad_x = grad_output * w
                grad_b = grad_output * 1
                return grad_w, grad_x, grad_b

        return MultiplyAdd


def test_multiply_add_function():
    w_value, b_value = torch.rand(1).numpy(), torch.rand(1).numpy()

    def cell(m, w, b):
        MultiplyAdd = _Captured.multiply_add(m)
        x = m.ones(1)
        w.requires_grad_()
        b.requires_grad_()
        print("开始前向传播")
        z = MultiplyAdd.apply(w, x, b)
        print("开始反向传播")
        z.backward()
        first = (x.grad, w.grad, b.grad)
        z = MultiplyAdd.apply(w, x, b)
        applied = z.grad_fn.apply(m.ones(1))
        return first, applied

    (ours, printed), (theirs, torch_printed) = run_both(cell, w_value, b_value)
    same_repr(ours, theirs)
    assert printed == tinytorch_message(torch_printed)
    assert "type in forward <class 'tinytorch.Tensor'>" in printed


def test_second_derivative_of_square():
    def cell(m):
        x = m.tensor([5.0], requires_grad=True)
        y = x ** 2
        grad_x = m.autograd.grad(y, x, create_graph=True)
        grad_grad_x = m.autograd.grad(grad_x, x)
        return grad_x, grad_grad_x

    (ours, _), (theirs, _) = run_both(cell)
    same_repr(ours, theirs)


def _sigmoid(m):
    class Sigmoid(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            output = 1 / (1 + m.exp(-x))
            ctx.save_for_backward(output)
            return output

        @staticmethod
        def backward(ctx, grad_output):
            output, = ctx.saved_tensors
            grad_x = output * (1 - output) * grad_output
            return grad_x

    return Sigmoid


def test_sigmoid_function_passes_gradcheck():
    values = torch.randn((3, 4)).numpy()
    verdicts = []
    for m in (tinytorch, torch):
        test_input = m.tensor(values.copy(), requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            verdicts.append(m.autograd.gradcheck(_sigmoid(m).apply, test_input, eps=1e-3))
        # float32 input: both warn that the check needs double precision
        assert [str(w.message) for w in caught if "double precision" in str(w.message)]
    assert verdicts == [True, True]


def test_sigmoid_three_ways_give_the_same_gradients():
    values = np.random.default_rng(0).standard_normal((100, 100), dtype=np.float32)
    grads = []
    for m in (tinytorch, torch):
        Sigmoid = _sigmoid(m)

        def f_sigmoid(x):
            y = Sigmoid.apply(x)
            y.backward(m.ones(x.shape))

        def f_naive(x):
            y = 1 / (1 + m.exp(-x))
            y.backward(m.ones(x.shape))

        def f_th(x):
            y = m.sigmoid(x)
            y.backward(m.ones(x.shape))

        x = m.tensor(values.copy(), requires_grad=True)
        per_way = []
        for f in (f_sigmoid, f_naive, f_th):
            x.grad = None
            f(x)
            per_way.append(x.grad)
        grads.append(per_way)
    # The gradients are at most 0.25; the naive chain rounds a handful of times in float32
    # (exp, +, /, and the same again backward), and NumPy's exp may differ from torch's in
    # its last bit, so they agree to a few ulps of 0.25, not to 1e-7 everywhere.
    for ours, theirs in zip(*grads):
        assert_same_values(ours, theirs, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(grads[0][0].numpy(), grads[0][2].numpy(), rtol=1e-6, atol=1e-6)
