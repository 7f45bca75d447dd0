"""Lesson 11 (custom functions): a straight-through estimator for sign()."""
import tinytorch as torch
from widgets.language import Catalog

from .checking import (Wrong, apply_function, backward_of, close, exercise, expect_function_class, expect_returned,
                       expect_shape, is_tensor, library_of)

# What this lesson's exercises say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 11.1
        "hint: sign ste": "backward needs x to know where |x| <= 1, so forward must save it with "
                          "ctx.save_for_backward; a comparison gives a bool tensor, and multiplying by it keeps or "
                          "zeroes each gradient.",
        "your forward": "your forward",
        "what forward returned": "what forward returned",
        "forward is not sign": "forward should return sign(x): -1 for negative numbers, 1 for positive ones.",
        "praise: sign ste": "the forward pass is exactly sign(x), the backward pass pretends it was the identity "
                            "(clipped to [-1, 1]): binarized networks train this way.",
        "blocks everywhere": "your backward blocks the gradient everywhere. That is sign's true derivative (0 except "
                             "at 0), and the reason an estimator is needed: nothing would ever learn through it.",
        "passes everywhere": "your backward passes the gradient everywhere; it should block it (zero) where |x| > 1.",
        "forgot grad_output": "your backward keeps and blocks the right places, but the values that pass are not the "
                              "incoming gradient (the check sent {count:different number|different numbers} "
                              "through): multiply by grad_output.",
        "wrong places": "your backward gives the wrong gradient at x = {places}.",
        # exercise 11.2
        "hint: function node": "Press Step until MultiplyAddBackward is the node that ran (it is highlighted, and the "
                               "lines under the picture name it): they list what it received and what it sent along "
                               "each of its edges, and each edge it sent along is labelled in the picture. Which edge "
                               "leads to w's AccumulateGrad?",
        "not a list of numbers": "answer with a list of {count:number|numbers}, one per element of w, like [0.5, 1.0].",
        "how many numbers": "w has {count:element|elements}, so the gradient sent to it has {count}: your answer "
                            "has {length}.",
        "praise: function node": "MultiplyAddBackward multiplied what it received by x (grad_w = grad_output * x, in "
                                 "MultiplyAdd's backward). w.grad then adds the other edge into w, the one from "
                                 "MulBackward0: a Function's node takes part in backward like any built-in node.",
        "what it received": "that is what MultiplyAddBackward received from MulBackward0, the gradient before the node "
                            "(it also passes it on unchanged to b, whose derivative is 1). What did its backward send "
                            "along the edge to w?",
        "w.grad": "that is w.grad after the whole backward. w is used twice (inside MultiplyAdd and in z * w), so two "
                  "edges lead into w's AccumulateGrad and w.grad is their sum: the question asks only for the one "
                  "from MultiplyAddBackward.",
        "edge from MulBackward0": "that is what MulBackward0 sends straight to w (for the w in z * w): the other edge "
                                  "into w's AccumulateGrad. Follow the edge from MultiplyAddBackward instead.",
        "gradient for x": "that is what backward returns for x (grad_output * w). x needs no gradient, so that edge "
                          "leads to None and the engine drops it. Which edge leads to w?",
        "x alone": "that is x, the derivative of z = w * x + b with respect to w, alone: backward multiplies it by "
                   "grad_output, the gradient the node received (the chain rule).",
        "not on the edge": "that is not what flowed along the edge from MultiplyAddBackward to w's AccumulateGrad. "
                           "Step until MultiplyAddBackward has run, then read its edge to w.",
        # exercise 11.3
        "hint: edges attribute": "Look for the line of apply that calls gradient_edge: it turns each tensor argument "
                                 "into the place its gradient must go.",
        "not a name": "answer with the attribute's name as a string, like \"saved_tensors\".",
        "one entry per input": "{name} holds one entry per input, but not where each gradient goes: "
                               "it is not made by gradient_edge.",
        "no such attribute": "a Function's node has no attribute {name!r} set by apply; copy the name from apply's "
                             "code.",
        "not where gradients go": "{name} is not where the gradients go: it does not lead to the node of apply's "
                                  "input.",
        "praise: edges attribute": "next_functions: the same edges a built-in node has, so the engine walks from your "
                                   "Function's node into the rest of the graph as it does from any other.",
    },
    zh_CN={
        # exercise 11.1
        "hint: sign ste": "backward 需要 x 才能知道哪里 |x| <= 1，所以 forward 必须用 ctx.save_for_backward 保存它；"
                          "比较运算得到一个布尔张量，乘以它就能逐个保留或清零各个梯度。",
        "your forward": "你的 forward 方法",
        "what forward returned": "forward 的返回值",
        "forward is not sign": "forward 应当返回 sign(x)：负数得 -1，正数得 1。",
        "praise: sign ste": "前向传播严格等于 sign(x)，反向传播则假装它是恒等映射（截断到 [-1, 1]）："
                            "二值化网络就是这样训练的。",
        "blocks everywhere": "你的 backward 在所有地方都挡住了梯度。这正是 sign 的真实导数（除 0 处外都为 0），"
                             "也正是需要估计器的原因：梯度穿不过它，什么都学不到。",
        "passes everywhere": "你的 backward 在所有地方都放行了梯度；在 |x| > 1 的地方应当挡住它（置零）。",
        "forgot grad_output": "你的 backward 保留和挡住的位置都对，但放行的值不是传入的梯度"
                              "（检查函数传入了 {count} 个互不相同的数）：请乘以 grad_output。",
        "wrong places": "你的 backward 在 x = {places} 处给出的梯度不对。",
        # exercise 11.2
        "hint: function node": "按“单步”按钮，直到 MultiplyAddBackward 成为刚运行的节点（它会高亮，图下方的文字也会写出它的名字）："
                               "那几行文字列出了它收到了什么，以及沿每条边送出了什么；它送出梯度的每条边在图中也都有标注。"
                               "哪条边通向 w 的 AccumulateGrad？",
        "not a list of numbers": "请用包含 {count} 个数的列表作答，w 的每个元素对应一个数，例如 [0.5, 1.0]。",
        "how many numbers": "w 有 {count} 个元素，所以送给它的梯度也有 {count} 个数：你的答案有 {length} 个。",
        "praise: function node": "MultiplyAddBackward 把收到的梯度乘以 x（即 MultiplyAdd 的 backward 中的 "
                                 "grad_w = grad_output * x）。随后 w.grad 再加上通向 w 的另一条边，即来自 MulBackward0 "
                                 "的那条：Function 的节点像任何内置节点一样参与反向传播。",
        "what it received": "这是 MultiplyAddBackward 从 MulBackward0 收到的梯度，即进入该节点之前的梯度"
                            "（它还把这个梯度原样传给 b，因为对 b 的导数是 1）。它的 backward 沿通向 w 的边送出了什么？",
        "w.grad": "这是整个反向传播结束后的 w.grad。w 被用了两次（在 MultiplyAdd 内部，以及在 z * w 中），"
                  "所以有两条边通向 w 的 AccumulateGrad，w.grad 是两者之和：题目只问来自 MultiplyAddBackward 的那一条。",
        "edge from MulBackward0": "这是 MulBackward0 直接送给 w 的梯度（对应 z * w 中的 w）：是通向 w 的 AccumulateGrad "
                                  "的另一条边。请改为沿着来自 MultiplyAddBackward 的那条边看。",
        "gradient for x": "这是 backward 为 x 返回的梯度（grad_output * w）。x 不需要梯度，所以那条边通向 None，"
                          "反向传播引擎会把它丢掉。哪条边通向 w？",
        "x alone": "这只是 x，即 z = w * x + b 对 w 的导数本身：backward 还要把它乘以 grad_output，"
                   "也就是该节点收到的梯度（链式法则）。",
        "not on the edge": "沿着从 MultiplyAddBackward 通向 w 的 AccumulateGrad 的那条边流过的不是这个值。"
                           "单步执行到 MultiplyAddBackward 运行完毕，再读出它通向 w 的那条边。",
        # exercise 11.3
        "hint: edges attribute": "找到 apply 中调用 gradient_edge 的那一行：它把每个张量参数变成其梯度要去往的地方。",
        "not a name": "请以字符串形式给出属性的名字，例如 \"saved_tensors\"。",
        "one entry per input": "{name} 为每个输入存放一项，但存放的不是各个梯度去往何处：它不是由 gradient_edge 生成的。",
        "no such attribute": "Function 的节点没有由 apply 设置的属性 {name!r}；请从 apply 的代码中照抄这个名字。",
        "not where gradients go": "{name} 不是梯度去往的地方：它并不通向 apply 的输入所在的节点。",
        "praise: edges attribute": "next_functions：与内置节点相同的边，所以反向传播引擎从你的 Function 的节点"
                                   "走进计算图的其余部分，就像从其他任何节点出发一样。",
    },
)


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
    hint=MESSAGES.later("hint: sign ste"),
)
def sign_ste(answer):
    "A Function: forward is sign(x); backward passes the gradient where |x| <= 1 and blocks it elsewhere."
    lib = library_of(answer)
    expect_function_class(answer, lib)
    x = lib.tensor(POINTS, requires_grad=True)
    out = apply_function(answer, x)
    expect_returned(out, MESSAGES("your forward"))
    expect_shape(out, (len(POINTS),), MESSAGES("what forward returned"))
    if not close(out, lib.sign(x)):
        raise Wrong(MESSAGES("forward is not sign"))
    grad = backward_of(lib, out, x, lib.tensor(INCOMING))
    kept = [g for g, p in zip(INCOMING, POINTS) if abs(p) <= 1]
    expected = lib.tensor([g if abs(p) <= 1 else 0.0 for g, p in zip(INCOMING, POINTS)])
    if close(grad, expected):
        return MESSAGES("praise: sign ste")
    got = grad.detach().tolist()
    if all(g == 0 for g in got):
        raise Wrong(MESSAGES("blocks everywhere"))
    if close(grad, lib.tensor(INCOMING)):
        raise Wrong(MESSAGES("passes everywhere"))
    if [g != 0 for g in got] == [abs(p) <= 1 for p in POINTS] and not close(grad, expected):
        raise Wrong(MESSAGES("forgot grad_output", count=len(kept)))
    wrong_places = [p for p, g, e in zip(POINTS, got, expected.tolist()) if abs(g - e) > 1e-6]
    raise Wrong(MESSAGES("wrong places", places=wrong_places))


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
        raise Wrong(MESSAGES("not a list of numbers", count=count))
    if len(answer) != count:
        raise Wrong(MESSAGES("how many numbers", count=count, length=len(answer)))
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
    hint=MESSAGES.later("hint: function node"),
)
def function_node_gradient(answer):
    "What MultiplyAddBackward sends to w in loss = (MultiplyAdd.apply(w, x, b) * w).sum()."
    got = _numbers(answer, 2)
    flows = _multiply_add_flows()
    if _matches(got, flows["to w"]):
        return MESSAGES("praise: function node")
    if _matches(got, flows["received"]):
        raise Wrong(MESSAGES("what it received"))
    if _matches(got, flows["w.grad"]):
        raise Wrong(MESSAGES("w.grad"))
    if _matches(got, flows["mul to w"]):
        raise Wrong(MESSAGES("edge from MulBackward0"))
    if _matches(got, flows["to x"]):
        raise Wrong(MESSAGES("gradient for x"))
    if _matches(got, flows["x"]):
        raise Wrong(MESSAGES("x alone"))
    raise Wrong(MESSAGES("not on the edge"))


# -- exercise 11.3: read the source of Function.apply ----------------------------------------
@exercise(
    solution=lambda: "next_functions",
    wrong_answers=[lambda: "needs_input_grad", lambda: "saved_tensors", lambda: "input_meta", lambda: "grad_fn"],
    hint=MESSAGES.later("hint: edges attribute"),
)
def edges_attribute(answer):
    "The attribute of ctx (the node) that apply fills with one (node, output number) edge per tensor argument."
    if not isinstance(answer, str):
        raise Wrong(MESSAGES("not a name"))
    name = answer.strip().removeprefix("ctx.")
    product = torch.ones(2, requires_grad=True) * torch.ones(2, requires_grad=True)
    z = _SignSTE.apply(product)
    if name in ("needs_input_grad", "input_meta"):
        raise Wrong(MESSAGES("one entry per input", name=name))
    edges = getattr(z.grad_fn, name, None)
    if edges is None:
        raise Wrong(MESSAGES("no such attribute", name=name))
    if not (isinstance(edges, tuple) and len(edges) == 1 and isinstance(edges[0], tuple)
            and edges[0][0] is product.grad_fn):
        raise Wrong(MESSAGES("not where gradients go", name=name))
    return MESSAGES("praise: edges attribute")
