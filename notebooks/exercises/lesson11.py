"""Lesson 11 (custom functions): a straight-through estimator for sign()."""
import tinytorch as torch

from .checking import (Wrong, apply_function, backward_of, close, exercise, expect_function_class, expect_returned,
                       expect_shape, is_tensor, library_of)


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


# -- exercise 11.2: step a Function's node in GraphView ----------------------------------
class _MultiplyAdd(torch.autograd.Function):
    """The lesson's MultiplyAdd (without its prints)."""

    @staticmethod
    def forward(ctx, w, x, b):
        ctx.save_for_backward(w, x)
        return w * x + b

    @staticmethod
    def backward(ctx, grad_output):
        w, x = ctx.saved_tensors
        return grad_output * x, grad_output * w, grad_output


def _multiply_add_flows():
    """What flows in the exercise's graph, loss = (MultiplyAdd.apply(w, x, b) * w).sum():
    {"received": what MultiplyAddBackward receives, "to w", "to x", "to b": what its backward
    returns for each input, "mul to w": what MulBackward0 sends straight to w, "w.grad", "x"}."""
    w = torch.tensor([2.0, -1.0], requires_grad=True)
    x = torch.tensor([3.0, 0.5])
    b = torch.tensor([1.0, 1.0], requires_grad=True)
    z = _MultiplyAdd.apply(w, x, b)
    loss = (z * w).sum()
    (received,) = torch.autograd.grad(loss, z, retain_graph=True)
    with torch.no_grad():
        to_w, to_x, to_b = z.grad_fn.apply(received)
    (w_grad,) = torch.autograd.grad(loss, w)
    return {"received": received, "to w": to_w, "to x": to_x, "to b": to_b, "mul to w": w_grad - to_w,
            "w.grad": w_grad, "x": x}


def _numbers(answer, count):
    """The answer as a list of `count` floats (a list, a tuple or a tensor of either library)."""
    if is_tensor(answer):
        answer = answer.detach().reshape(-1).tolist() if hasattr(answer, "detach") else answer.tolist()
    if not (isinstance(answer, (list, tuple))
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer)):
        raise Wrong(f"answer with a list of {count} numbers, one per element of w, like [0.5, 1.0].")
    if len(answer) != count:
        raise Wrong(f"w has {count} elements, so the gradient sent to it has {count}: your answer has {len(answer)}.")
    return [float(v) for v in answer]


def _matches(numbers, t):
    return all(abs(a - b) <= 1e-4 * (1 + abs(b)) for a, b in zip(numbers, t.tolist()))


@exercise(
    solution=lambda: _multiply_add_flows()["to w"].tolist(),
    wrong_answers=[
        lambda: _multiply_add_flows()["received"].tolist(),  # before the node, not after
        lambda: _multiply_add_flows()["w.grad"].tolist(),  # both edges into w, summed
        lambda: _multiply_add_flows()["mul to w"].tolist(),  # the other edge into w
        lambda: _multiply_add_flows()["x"].tolist(),  # dz/dw without the chain rule
        lambda: _multiply_add_flows()["to x"].tolist(),  # the gradient backward returns for x
        lambda: _multiply_add_flows()["w.grad"],
    ],
    right_answers=[
        lambda: tuple(_multiply_add_flows()["to w"].tolist()),
        lambda: _multiply_add_flows()["to w"],
    ],
    hint="Press Step until MultiplyAddBackward is the node that ran (it is highlighted, and the lines under the "
         "picture name it): they list what it received and what it sent along each of its edges, and each edge "
         "it sent along is labelled in the picture. Which edge leads to w's AccumulateGrad?",
)
def function_node_gradient(answer):
    "What MultiplyAddBackward sends to w in loss = (MultiplyAdd.apply(w, x, b) * w).sum()."
    got = _numbers(answer, 2)
    flows = _multiply_add_flows()
    if _matches(got, flows["to w"]):
        return ("MultiplyAddBackward multiplied what it received by x (grad_w = grad_output * x, in "
                "MultiplyAdd's backward). w.grad then adds the other edge into w, the one from MulBackward0: a "
                "Function's node takes part in backward like any built-in node.")
    if _matches(got, flows["received"]):
        raise Wrong("that is what MultiplyAddBackward received from MulBackward0, the gradient before the node "
                    "(it also passes it on unchanged to b, whose derivative is 1). What did its backward send "
                    "along the edge to w?")
    if _matches(got, flows["w.grad"]):
        raise Wrong("that is w.grad after the whole backward. w is used twice (inside MultiplyAdd and in z * w), "
                    "so two edges lead into w's AccumulateGrad and w.grad is their sum: the question asks only for "
                    "the one from MultiplyAddBackward.")
    if _matches(got, flows["mul to w"]):
        raise Wrong("that is what MulBackward0 sends straight to w (for the w in z * w): the other edge into w's "
                    "AccumulateGrad. Follow the edge from MultiplyAddBackward instead.")
    if _matches(got, flows["to x"]):
        raise Wrong("that is what backward returns for x (grad_output * w). x needs no gradient, so that edge "
                    "leads to None and the engine drops it. Which edge leads to w?")
    if _matches(got, flows["x"]):
        raise Wrong("that is x, the derivative of z = w * x + b with respect to w, alone: backward multiplies it "
                    "by grad_output, the gradient the node received (the chain rule).")
    raise Wrong("that is not what flowed along the edge from MultiplyAddBackward to w's AccumulateGrad. Step "
                "until MultiplyAddBackward has run, then read its edge to w.")


# -- exercise 11.3: read the source of Function.apply ----------------------------------------
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
