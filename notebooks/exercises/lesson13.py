"""Lesson 13 (a custom sigmoid): a tanh Function whose backward uses only its saved output."""
import warnings

import tinytorch as torch
from widgets.language import Catalog

from .checking import (Wrong, apply_function, backward_of, close, exercise, expect_function_class, expect_returned,
                       expect_shape, is_tensor, library_of)

# What this lesson's checks say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 13.1
        "not two numbers": "answer with a list of 2 numbers, one per element of x, like [0.5, 1.0].",
        "how many numbers": "x has 2 elements, so the gradient SigmoidBackward sends has 2: your answer has {count}.",
        "what it received": "that is what SigmoidBackward received from the MulBackward0 above it (of 3 * y): the "
                            "gradient before the node. What did its backward send on?",
        "x.grad": "that is x.grad: the gradient after the MulBackward0 below SigmoidBackward too, which multiplies "
                  "by 2 (the derivative of 2 * x). The question asks what SigmoidBackward itself sent.",
        "the derivative alone": "that is output * (1 - output), the sigmoid's derivative, alone: backward multiplies "
                                "it by grad_output, what the node received (the chain rule).",
        "the saved output": "that is the sigmoid's output, the tensor its node saved: backward computes from it, but "
                            "what it sends is a gradient.",
        "close, not the digits": "close, but not to the digits the widget shows: copy its values as they are written.",
        "not what it sent": "that is not what SigmoidBackward sent. Step until it has run, then read its edge to the "
                            "node below it.",
        "praise: sigmoid node": "SigmoidBackward multiplied the 3s it received by output * (1 - output), computed from "
                                "the output it saved: no exp, and no x. The MulBackward0 below it then doubles that "
                                "for x.grad.",
        "hint: sigmoid node": "Press Step until SigmoidBackward is the node that ran; the lines under the picture list "
                              "what it received and what it sent, and the edge it sent along is labelled in the "
                              "picture.",
        # exercise 13.2
        "your forward": "your forward",
        "what forward returned": "what forward returned",
        "not tanh": "forward does not compute tanh(x).",
        "ignores grad_output": "your backward returns tanh's derivative but ignores grad_output: the chain rule "
                               "multiplies by the gradient that arrives.",
        "gradcheck disagrees": "gradcheck disagrees with your backward: its gradient is not the derivative of tanh(x).",
        "kept on ctx": "the gradients are right, and backward uses the output, but you kept it as an attribute of "
                       "ctx. Save it with ctx.save_for_backward(output): then autograd checks it was not changed in "
                       "place before backward, and frees it after.",
        "recomputes from x": "the gradients are right, but your backward recomputes from x: save forward's output and "
                             "write the derivative in terms of it, as Sigmoid does.",
        "praise: tanh": "saving the output makes backward one cheap formula: no exp, no tanh a second time.",
        "hint: tanh": "like Sigmoid in this lesson: save forward's output, and write tanh's derivative using only "
                      "tanh(x) itself, just as sigmoid's derivative is written using only sigmoid(x) (start from "
                      "tanh = sinh / cosh and the quotient rule).",
        # exercise 13.3
        "not two shapes": "answer with two shapes, each a tuple of whole numbers: ((rows, cols), (rows, cols)).",
        "what the node returns": "the node's backward is the plain formula grad * b, broadcast like the forward: it "
                                 "does not know x's shape.",
        "the leaf's shape": "a leaf's .grad always has the leaf's own shape: the engine sums the broadcast dims away.",
        "praise: broadcast fit": "MulBackward0 returns a (3, 4) gradient and the engine's sum_to adds up the stretched "
                                 "dim: x.grad is (3, 1). Every op gets this for free, because the fit lives in one "
                                 "place.",
        "hint: broadcast fit": "MulBackward0 returns grad * b, and grad has the shape of x * w. Then read fit_gradient "
                               "and sum_to: which dims of that shape does sum_to add up?",
    },
    zh_CN={
        # exercise 13.1
        "not two numbers": "请用包含 2 个数的列表作答，x 的每个元素对应一个数，例如 [0.5, 1.0]。",
        "how many numbers": "x 有 2 个元素，所以 SigmoidBackward 送出的梯度也有 2 个数：你的答案有 {count} 个。",
        "what it received": "这是 SigmoidBackward 从它上方的 MulBackward0（3 * y 的节点）收到的梯度：是经过这个节点"
                            "之前的梯度。它的 backward 又送出了什么？",
        "x.grad": "这是 x.grad：它还经过了 SigmoidBackward 下方的 MulBackward0，后者会乘以 2（2 * x 的导数）。"
                  "题目问的是 SigmoidBackward 本身送出了什么。",
        "the derivative alone": "这只是 output * (1 - output)，即 sigmoid 的导数本身：backward 还要把它乘以 "
                                "grad_output，也就是这个节点收到的梯度（链式法则）。",
        "the saved output": "这是 sigmoid 的输出，即它的节点保存的张量：backward 用它来计算，但送出的是梯度。",
        "close, not the digits": "很接近了，但与交互控件显示的数字不一致：请照它写出的数值原样抄下来。",
        "not what it sent": "这不是 SigmoidBackward 送出的梯度。单步执行到它运行完毕，再读出它通向下方节点的那条边"
                            "上的值。",
        "praise: sigmoid node": "SigmoidBackward 把收到的那些 3 乘以 output * (1 - output)，这是用它保存的输出算出来"
                                "的：不需要 exp，也不需要 x。它下方的 MulBackward0 再把结果乘以 2，得到 x.grad。",
        "hint: sigmoid node": "按“单步”按钮，直到刚刚运行的节点是 SigmoidBackward；图下方的文字列出了它收到了什么、送出了"
                              "什么，它送出梯度所沿的那条边在图中也标了出来。",
        # exercise 13.2
        "your forward": "你的 forward 函数",
        "what forward returned": "forward 返回的值",
        "not tanh": "forward 算的不是 tanh(x)。",
        "ignores grad_output": "你的 backward 返回了 tanh 的导数，但忽略了 grad_output：链式法则要求乘以传进来的"
                               "梯度。",
        "gradcheck disagrees": "gradcheck 与你的 backward 不一致：它返回的梯度不是 tanh(x) 的导数。",
        "kept on ctx": "梯度是对的，backward 也用了输出，但你把输出存成了 ctx 的一个属性。请用 "
                       "ctx.save_for_backward(output) 保存它：这样自动求导会在 backward 之前检查它没有被原地修改，"
                       "并在之后释放它。",
        "recomputes from x": "梯度是对的，但你的 backward 是从 x 重新计算的：请保存 forward 的输出，并用它来表示导数，"
                             "就像 Sigmoid 那样。",
        "praise: tanh": "保存输出之后，backward 只是一个开销很小的公式：不用 exp，也不用再算一次 tanh。",
        "hint: tanh": "仿照本课的 Sigmoid：保存 forward 的输出，并且只用 tanh(x) 本身写出 tanh 的导数，就像 sigmoid "
                      "的导数只用 sigmoid(x) 来写一样（从 tanh = sinh / cosh 和商的求导法则出发）。",
        # exercise 13.3
        "not two shapes": "请用两个形状作答，每个形状都是由整数组成的元组：((rows, cols), (rows, cols))。",
        "what the node returns": "节点的 backward 就是简单的公式 grad * b，像前向传播一样做广播：它并不知道 x 的"
                                 "形状。",
        "the leaf's shape": "叶子节点的 .grad 总是与叶子节点本身的形状相同：引擎会把广播出来的维度求和消去。",
        "praise: broadcast fit": "MulBackward0 返回形状为 (3, 4) 的梯度，引擎的 sum_to 把被拉伸的维度加起来："
                                 "x.grad 的形状是 (3, 1)。每个操作都自动得到这种处理，因为适配只在一个地方完成。",
        "hint: broadcast fit": "MulBackward0 返回 grad * b，而 grad 的形状与 x * w 相同。然后读一读 fit_gradient 和 "
                               "sum_to：sum_to 会把这个形状的哪些维度加起来？",
    },
)


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
        raise Wrong(MESSAGES("not two numbers"))
    if len(answer) != 2:
        raise Wrong(MESSAGES("how many numbers", count=len(answer)))
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
    hint=MESSAGES.later("hint: sigmoid node"),
)
def sigmoid_node_gradient(answer):
    "What SigmoidBackward sends to the node below it, for y = Sigmoid.apply(2 * x), (3 * y).sum(), x = [0., 1.]."
    got = _two_numbers(answer)
    flows = _sigmoid_flows()
    if _near(got, flows["sent"], 5e-3):
        return MESSAGES("praise: sigmoid node")
    if _near(got, flows["received"], 5e-3):
        raise Wrong(MESSAGES("what it received"))
    if _near(got, flows["x.grad"], 5e-3):
        raise Wrong(MESSAGES("x.grad"))
    if _near(got, flows["slope"], 5e-3):
        raise Wrong(MESSAGES("the derivative alone"))
    if _near(got, flows["y"], 5e-3):
        raise Wrong(MESSAGES("the saved output"))
    if _near(got, flows["sent"], 5e-2):
        raise Wrong(MESSAGES("close, not the digits"))
    raise Wrong(MESSAGES("not what it sent"))


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
    hint=MESSAGES.later("hint: tanh"),
)
def tanh_function(answer):
    "A Function computing tanh(x) whose backward uses the saved output, not x."
    lib = library_of(answer)
    expect_function_class(answer, lib)
    x = lib.tensor(POINTS, dtype=lib.float64, requires_grad=True)
    out = apply_function(answer, x)
    expect_returned(out, MESSAGES("your forward"))
    expect_shape(out, tuple(x.shape), MESSAGES("what forward returned"))
    if not close(out, lib.tanh(x)):
        raise Wrong(MESSAGES("not tanh"))
    saved = _saved_tensors(out)
    incoming = lib.full(tuple(x.shape), 3.0, dtype=lib.float64)
    grad = backward_of(lib, out, x, incoming)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gradcheck's own warnings are not the learner's concern here
        passed = lib.autograd.gradcheck(answer.apply, (x,), raise_exception=False)
    if not passed:
        if close(grad, 1 - out * out):
            raise Wrong(MESSAGES("ignores grad_output"))
        raise Wrong(MESSAGES("gradcheck disagrees"))
    if saved is not None and not any(s is not None and close(s, out) for s in saved):
        kept = getattr(out.grad_fn, "__dict__", {}).values()  # (what forward stored on ctx)
        if any(lib.is_tensor(value) and close(value, out) for value in kept):
            raise Wrong(MESSAGES("kept on ctx"))
        raise Wrong(MESSAGES("recomputes from x"))
    return MESSAGES("praise: tanh")


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
    hint=MESSAGES.later("hint: broadcast fit"),
)
def broadcast_fit(answer):
    "(shape MulBackward0 returns for x, shape of x.grad) for x of shape (3, 1) times w of shape (4,)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(s, (tuple, list)) and all(isinstance(n, int) and not isinstance(n, bool) for n in s)
                    for s in answer)):
        raise Wrong(MESSAGES("not two shapes"))
    returned, fitted = (tuple(s) for s in answer)
    expected_returned, expected_fitted = _mul_gradient_shapes()
    if returned != expected_returned:
        raise Wrong(MESSAGES("what the node returns"))
    if fitted != expected_fitted:
        raise Wrong(MESSAGES("the leaf's shape"))
    return MESSAGES("praise: broadcast fit")
