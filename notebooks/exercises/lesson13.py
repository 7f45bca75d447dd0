"""Lesson 13 (a custom sigmoid): a tanh Function whose backward uses only its saved output."""
import warnings

import tinytorch as torch

from .checking import (Wrong, apply_function, backward_of, close, exercise, expect_function_class, expect_returned,
                       expect_shape, is_tensor, library_of)


# -- exercise 13.1: step the custom sigmoid's node in GraphView ------------------------------
class _Sigmoid(torch.autograd.Function):
    """The lesson's Sigmoid."""

    @staticmethod
    def forward(ctx, x):
        output = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return output * (1 - output) * grad_output


def _sigmoid_flows():
    """What flows in the exercise's graph, y = Sigmoid.apply(2 * x), loss = (3 * y).sum(), x = [0., 1.]:
    {"received": what SigmoidBackward receives, "sent": what it sends to the MulBackward0 of 2 * x,
    "x.grad", "slope": y * (1 - y), "y"}."""
    x = torch.tensor([0.0, 1.0], requires_grad=True)
    doubled = 2 * x
    y = _Sigmoid.apply(doubled)
    loss = (3 * y).sum()
    received, sent = torch.autograd.grad(loss, (y, doubled), retain_graph=True)
    (x_grad,) = torch.autograd.grad(loss, x)
    y = y.detach()
    return {"received": received, "sent": sent, "x.grad": x_grad, "slope": y * (1 - y), "y": y}


def _two_numbers(answer):
    if is_tensor(answer):
        answer = answer.detach().reshape(-1).tolist()
    if not (isinstance(answer, (list, tuple))
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer)):
        raise Wrong("answer with a list of 2 numbers, one per element of x, like [0.5, 1.0].")
    if len(answer) != 2:
        raise Wrong(f"x has 2 elements, so the gradient SigmoidBackward sends has 2: your answer has {len(answer)}.")
    return [float(v) for v in answer]


def _near(numbers, t, rel):
    """Equal to t's values within rel (the widget shows 3 or 4 significant digits)."""
    return all(abs(a - b) <= rel * abs(b) + 1e-4 for a, b in zip(numbers, t.tolist()))


@exercise(
    solution=lambda: _sigmoid_flows()["sent"].tolist(),
    wrong_answers=[
        lambda: _sigmoid_flows()["received"].tolist(),  # before the node, not after
        lambda: _sigmoid_flows()["x.grad"].tolist(),  # after the node below it too
        lambda: _sigmoid_flows()["slope"].tolist(),  # the derivative without grad_output
        lambda: _sigmoid_flows()["y"].tolist(),  # the output it saved
        lambda: [0.75, 0.3],  # rounded too far
    ],
    right_answers=[
        lambda: [round(v, 3) for v in _sigmoid_flows()["sent"].tolist()],  # as the widget shows it
        lambda: _sigmoid_flows()["sent"],
    ],
    hint="Press Step until SigmoidBackward is the node that ran; the lines under the picture list what it "
         "received and what it sent, and the edge it sent along is labelled in the picture.",
)
def sigmoid_node_gradient(answer):
    "What SigmoidBackward sends to the node below it, for y = Sigmoid.apply(2 * x), (3 * y).sum(), x = [0., 1.]."
    got = _two_numbers(answer)
    flows = _sigmoid_flows()
    if _near(got, flows["sent"], 5e-3):
        return ("SigmoidBackward multiplied the 3s it received by output * (1 - output), computed from the "
                "output it saved: no exp, and no x. The MulBackward0 below it then doubles that for x.grad.")
    if _near(got, flows["received"], 5e-3):
        raise Wrong("that is what SigmoidBackward received from the MulBackward0 above it (of 3 * y): the gradient "
                    "before the node. What did its backward send on?")
    if _near(got, flows["x.grad"], 5e-3):
        raise Wrong("that is x.grad: the gradient after the MulBackward0 below SigmoidBackward too, which "
                    "multiplies by 2 (the derivative of 2 * x). The question asks what SigmoidBackward itself sent.")
    if _near(got, flows["slope"], 5e-3):
        raise Wrong("that is output * (1 - output), the sigmoid's derivative, alone: backward multiplies it by "
                    "grad_output, what the node received (the chain rule).")
    if _near(got, flows["y"], 5e-3):
        raise Wrong("that is the sigmoid's output, the tensor its node saved: backward computes from it, but "
                    "what it sends is a gradient.")
    if _near(got, flows["sent"], 5e-2):
        raise Wrong("close, but not to the digits the widget shows: copy its values as they are written.")
    raise Wrong("that is not what SigmoidBackward sent. Step until it has run, then read its edge to the node "
                "below it.")


class _Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        output = torch.tanh(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return (1 - output * output) * grad_output


class _SigmoidDerivative(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        output = torch.tanh(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return output * (1 - output) * grad_output


class _NoGradOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        output = torch.tanh(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return 1 - output * output


class _SavesTheInput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.tanh(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        t = torch.tanh(x)
        return (1 - t * t) * grad_output


class _KeepsOutputAsAttribute(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.output = torch.tanh(x)
        return ctx.output

    @staticmethod
    def backward(ctx, grad_output):
        return (1 - ctx.output * ctx.output) * grad_output


class _WrongForward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        output = torch.sigmoid(x)
        ctx.save_for_backward(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        (output,) = ctx.saved_tensors
        return output * (1 - output) * grad_output


POINTS = [[-2.0, -0.5, 0.1], [0.7, 1.5, 3.0]]


@exercise(
    solution=lambda: _Tanh,
    wrong_answers=[
        lambda: _SigmoidDerivative,
        lambda: _NoGradOutput,
        lambda: _SavesTheInput,
        lambda: _KeepsOutputAsAttribute,
        lambda: _WrongForward,
        lambda: _Tanh.apply,
    ],
    hint="like Sigmoid in this lesson: save forward's output, and write tanh's derivative using only "
         "tanh(x) itself, just as sigmoid's derivative is written using only sigmoid(x) "
         "(start from tanh = sinh / cosh and the quotient rule).",
)
def tanh_function(answer):
    "A Function computing tanh(x) whose backward uses the saved output, not x."
    lib = library_of(answer)
    expect_function_class(answer, lib)
    x = lib.tensor(POINTS, dtype=lib.float64, requires_grad=True)
    out = apply_function(answer, x)
    expect_returned(out, "your forward")
    expect_shape(out, tuple(x.shape), "what forward returned")
    if not close(out, lib.tanh(x)):
        raise Wrong("forward does not compute tanh(x).")
    saved = _saved_tensors(out)
    incoming = lib.full(tuple(x.shape), 3.0, dtype=lib.float64)
    grad = backward_of(lib, out, x, incoming)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gradcheck's own warnings are not the learner's concern here
        passed = lib.autograd.gradcheck(answer.apply, (x,), raise_exception=False)
    if not passed:
        if close(grad, 1 - out * out):
            raise Wrong("your backward returns tanh's derivative but ignores grad_output: "
                        "the chain rule multiplies by the gradient that arrives.")
        raise Wrong("gradcheck disagrees with your backward: its gradient is not the derivative of tanh(x).")
    if saved is not None and not any(s is not None and close(s, out) for s in saved):
        kept = getattr(out.grad_fn, "__dict__", {}).values()  # (what forward stored on ctx)
        if any(lib.is_tensor(value) and close(value, out) for value in kept):
            raise Wrong("the gradients are right, and backward uses the output, but you kept it as an "
                        "attribute of ctx. Save it with ctx.save_for_backward(output): then autograd checks "
                        "it was not changed in place before backward, and frees it after.")
        raise Wrong("the gradients are right, but your backward recomputes from x: save forward's output "
                    "and write the derivative in terms of it, as Sigmoid does.")
    return "saving the output makes backward one cheap formula: no exp, no tanh a second time."


def _saved_tensors(output):
    """What forward saved, or None where the library does not let us look."""
    try:
        return output.grad_fn.saved_tensors
    except Exception:
        return None


# -- exercise 13.3: read the source of MulBackward0 and the broadcast fit ----------------
def _mul_gradient_shapes():
    """(shape of what MulBackward0 returns for x, shape of x.grad), for z = (x * w).sum()
    with x of shape (3, 1) and w of shape (4,): asked of the node and of the engine."""
    x = torch.ones(3, 1, requires_grad=True)
    w = torch.ones(4, requires_grad=True)
    out = x * w
    returned = out.grad_fn.apply(torch.ones(3, 4))[0]  # the node alone, without the engine's fit
    out.sum().backward()
    return tuple(returned.shape), tuple(x.grad.shape)


@exercise(
    solution=_mul_gradient_shapes,
    wrong_answers=[lambda: ((3, 1), (3, 1)), lambda: ((3, 4), (3, 4)), lambda: ((4,), (3, 1)),
                   lambda: ((3, 1), (3, 4))],
    hint="MulBackward0 returns grad * b, and grad has the shape of x * w. Then read fit_gradient and sum_to: "
         "which dims of that shape does sum_to add up?",
)
def broadcast_fit(answer):
    "(shape MulBackward0 returns for x, shape of x.grad) for x of shape (3, 1) times w of shape (4,)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(s, (tuple, list)) and all(isinstance(n, int) and not isinstance(n, bool) for n in s)
                    for s in answer)):
        raise Wrong("answer with two shapes, each a tuple of whole numbers: ((rows, cols), (rows, cols)).")
    returned, fitted = (tuple(s) for s in answer)
    expected_returned, expected_fitted = _mul_gradient_shapes()
    if returned != expected_returned:
        raise Wrong("the node's backward is the plain formula grad * b, broadcast like the forward: "
                    "it does not know x's shape.")
    if fitted != expected_fitted:
        raise Wrong("a leaf's .grad always has the leaf's own shape: the engine sums the broadcast dims away.")
    return ("MulBackward0 returns a (3, 4) gradient and the engine's sum_to adds up the stretched dim: "
            "x.grad is (3, 1). Every op gets this for free, because the fit lives in one place.")
