"""Lesson 11 (custom functions): a straight-through estimator for sign()."""
import tinytorch as torch

from .checking import (Wrong, apply_function, backward_of, close, exercise, expect_function_class, expect_returned,
                       expect_shape, library_of)


class _SignSTE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x.abs() <= 1)


class _TrueDerivative(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0


class _PassEverything(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class _IgnoresGradOutput(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return (x.abs() <= 1).to(x.dtype)


class _ForgotToSave(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return torch.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x.abs() <= 1)


# Points away from 0 (where sign is 0) and from +-1 (where < and <= differ).
POINTS = [-2.5, -0.75, -0.2, 0.4, 0.9, 3.0]
INCOMING = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # not all ones, so that forgetting grad_output shows


@exercise(
    solution=lambda: _SignSTE,
    wrong_answers=[
        lambda: _TrueDerivative,
        lambda: _PassEverything,
        lambda: _IgnoresGradOutput,
        lambda: _ForgotToSave,
        lambda: torch.sign,
    ],
    hint="backward needs x to know where |x| <= 1, so forward must save it with ctx.save_for_backward; "
         "a comparison gives a bool tensor, and multiplying by it keeps or zeroes each gradient.",
)
def sign_ste(answer):
    "A Function: forward is sign(x); backward passes the gradient where |x| <= 1 and blocks it elsewhere."
    lib = library_of(answer)
    expect_function_class(answer, lib)
    x = lib.tensor(POINTS, requires_grad=True)
    out = apply_function(answer, x)
    expect_returned(out, "your forward")
    expect_shape(out, (len(POINTS),), "what forward returned")
    if not close(out, lib.sign(x)):
        raise Wrong("forward should return sign(x): -1 for negative numbers, 1 for positive ones.")
    grad = backward_of(lib, out, x, lib.tensor(INCOMING))
    kept = [g for g, p in zip(INCOMING, POINTS) if abs(p) <= 1]
    expected = lib.tensor([g if abs(p) <= 1 else 0.0 for g, p in zip(INCOMING, POINTS)])
    if close(grad, expected):
        return ("the forward pass is exactly sign(x), the backward pass pretends it was the identity "
                "(clipped to [-1, 1]): binarized networks train this way.")
    got = grad.detach().tolist()
    if all(g == 0 for g in got):
        raise Wrong("your backward blocks the gradient everywhere. That is sign's true derivative (0 except "
                    "at 0), and the reason an estimator is needed: nothing would ever learn through it.")
    if close(grad, lib.tensor(INCOMING)):
        raise Wrong("your backward passes the gradient everywhere; it should block it (zero) where |x| > 1.")
    if [g != 0 for g in got] == [abs(p) <= 1 for p in POINTS] and not close(grad, expected):
        raise Wrong(f"your backward keeps and blocks the right places, but the values that pass are not the "
                    f"incoming gradient (the check sent {len(kept)} different numbers through): multiply by "
                    "grad_output.")
    wrong_places = [p for p, g, e in zip(POINTS, got, expected.tolist()) if abs(g - e) > 1e-6]
    raise Wrong(f"your backward gives the wrong gradient at x = {wrong_places}.")


# -- exercise 11.2: read the source of Function.apply ----------------------------------------
@exercise(
    solution=lambda: "next_functions",
    wrong_answers=[lambda: "needs_input_grad", lambda: "saved_tensors", lambda: "input_meta", lambda: "grad_fn"],
    hint="Look for the line of apply that calls gradient_edge: it turns each tensor argument into the place "
         "its gradient must go.",
)
def edges_attribute(answer):
    "The attribute of ctx (the node) that apply fills with one (node, output number) edge per tensor argument."
    if not isinstance(answer, str):
        raise Wrong('answer with the attribute\'s name as a string, like "saved_tensors".')
    name = answer.strip().removeprefix("ctx.")
    product = torch.ones(2, requires_grad=True) * torch.ones(2, requires_grad=True)
    z = _SignSTE.apply(product)
    if name in ("needs_input_grad", "input_meta"):
        raise Wrong(f"{name} holds one entry per input, but not where each gradient goes: "
                    "it is not made by gradient_edge.")
    edges = getattr(z.grad_fn, name, None)
    if edges is None:
        raise Wrong(f"a Function's node has no attribute {name!r} set by apply; copy the name from apply's code.")
    if not (isinstance(edges, tuple) and len(edges) == 1 and isinstance(edges[0], tuple)
            and edges[0][0] is product.grad_fn):
        raise Wrong(f"{name} is not where the gradients go: it does not lead to the node of apply's input.")
    return ("next_functions: the same edges a built-in node has, so the engine walks from your Function's node "
            "into the rest of the graph as it does from any other.")
