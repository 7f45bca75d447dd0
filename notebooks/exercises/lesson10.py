"""Lesson 10 (autograd basics): an intermediate gradient, the vector of y.backward(v), a
gradient read off a GraphView edge, and when the engine finds a node ready.

The autograd lessons (10 to 14) take functions and classes as answers. A check runs
them on tensors of the library the answer was written with: `library_of` (checking.py)
finds it, so the checks work the same after `import torch`.
"""
import tinytorch as torch
from tinytorch.autograd import engine
from widgets.language import Catalog

from .checking import (Wrong, call_learner_code, close, counting_unpacks, exercise, expect_function, expect_returned,
                       expect_shape, expect_tensor, is_tensor, library_of)

# What this lesson's exercises say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 10.1
        "hint: intermediate": "u is not a leaf, so backward does not keep its gradient: use one of the lesson's three "
                              "ways to see the gradient of an intermediate tensor.",
        "returned None": "your function returned None. If it returned u.grad: u is not a leaf, so autograd "
                         "drops its gradient unless you ask it to keep it before calling backward.",
        "the gradient you returned": "the gradient you returned",
        "no backward ran": "the values are right, but autograd did not compute them: no backward pass ran inside "
                           "your function, so they come from a formula worked out by hand. The exercise asks "
                           "autograd to find dL/du: use one of the lesson's three ways to see the gradient of a "
                           "tensor in the middle of the graph.",
        "praise: intermediate": "retain_grad, a hook and autograd.grad all reach the gradient of a tensor in the "
                                "middle of a graph.",
        "returned u": "you returned u itself, the forward value; the exercise asks for the gradient of L with "
                      "respect to u.",
        "gradient at a leaf": "that is the gradient with respect to a leaf (a or b), which also contains the factor "
                              "du/da; the exercise asks for the gradient at u itself.",
        "gradient of u.sum()": "all ones is the gradient of u.sum() with respect to u; L = (u * u * u).sum() gives "
                               "something that depends on u.",
        "wrong values at u": "the gradient has the right shape but wrong values: differentiate L with respect to u "
                             "(not a or b), and compute L exactly as (u * u * u).sum().",
        # exercise 10.2
        "hint: vjp": "y.backward(v) passes v as dz/dy, the gradient of the scalar z with respect to y. "
                     "Differentiate z = (y * y).sum() / 2 with respect to one element y_i.",
        "v": "v",
        "v of whole numbers": "v holds whole numbers; gradients are floating-point tensors, like y.",
        "praise: vjp": "v plays the role of dz/dy: for z = (y * y).sum() / 2 that is y itself, and x.grad = v * w3.",
        "v all ones": "all ones gives the gradient of y.sum(); this z squares each element of y first.",
        "v twice too large": "every element of your v is twice too large: mind the / 2 in z.",
        "v repeats x or w3": "v is dz/dy, a gradient with respect to y; your v repeats x or w3 instead.",
        "wrong v": "with this v, x.grad is not the gradient of z = (y * y).sum() / 2. "
                   "Work out dz/dy_i for each element of y.",
        # exercise 10.3
        "hint: edge": "Find the MulBackward0 that saved a and b (its box lists them before backward runs). After Run, "
                      "the label on its edge to the box of a.grad is what it sent to a.",
        "not a gradient": "answer with the gradient as a tensor, e.g. torch.tensor([..., ...]), one value per element "
                          "of a.",
        "your gradient": "your gradient",
        "praise: edge": "a is used twice, so two edges lead into its AccumulateGrad node; each carries its own "
                        "gradient, and a.grad is their sum.",
        "a.grad": "that is a.grad: the sum of what both edges into a's AccumulateGrad carry. The exercise "
                  "asks for one of them, the edge from a * b's node.",
        "edge from a * c": "that is the gradient on the edge from the other MulBackward0, the one of a * c (the node "
                           "that saved a and c).",
        "edge to b": "that gradient goes to b (a * c's node sends the same to c), not to a: follow the other "
                     "edge of a * b's node.",
        "into a * b": "that is the gradient arriving at a * b's node (what AddBackward0 sends it); the node "
                      "multiplies it by its local derivative before sending it on to a.",
        "top of the graph": "that is what SumBackward0 sends at the top of the graph; the edge asked about is near "
                            "the bottom, from a * b's MulBackward0 to a.",
        "wrong sign": "every value has the wrong sign: copy the label on the edge as it is.",
        "no such edge": "that is not what any edge into a carries. Run backward in the GraphView and read the edge "
                        "from the MulBackward0 that saved a and b to a's AccumulateGrad.",
        # exercise 10.4
        "hint: ready": "Count the edges that point into y's node: the step of y * y above listed MulBackward0 twice. "
                       "Then read the last three lines of _send.",
        "not two numbers": "answer with two whole numbers: (count at the start, count when it becomes ready).",
        "count the edges": "y is one tensor, but count the edges into its node: y * y uses y as both of its inputs.",
        "read _send": "_send subtracts one for each delivery; read the comparison that decides the node is ready.",
        "praise: ready": "two edges lead into y's node, so it waits for both deliveries; only then is its gradient "
                         "(the sum of both) complete, and it runs.",
    },
    zh_CN={
        # exercise 10.1
        "hint: intermediate": "u 不是叶子节点，所以 backward 不会保留它的梯度：用本课介绍的三种方法之一，"
                              "查看中间张量的梯度。",
        "returned None": "你的函数返回了 None。如果它返回的是 u.grad：u 不是叶子节点，所以除非你在调用 backward "
                         "之前要求保留，否则自动求导会丢弃它的梯度。",
        "the gradient you returned": "你返回的梯度",
        "no backward ran": "数值是对的，但它们不是自动求导算出来的：你的函数内部没有运行任何反向传播，"
                           "所以这些数值来自手推的公式。练习要求由自动求导求出 dL/du：用本课介绍的三种方法之一，"
                           "查看计算图中间某个张量的梯度。",
        "praise: intermediate": "retain_grad、钩子和 autograd.grad 都能拿到计算图中间某个张量的梯度。",
        "returned u": "你返回的是 u 本身，即前向计算的值；练习要求的是 L 对 u 的梯度。",
        "gradient at a leaf": "这是对叶子节点（a 或 b）的梯度，其中还含有因子 du/da；练习要求的是 u 处的梯度本身。",
        "gradient of u.sum()": "全 1 是 u.sum() 对 u 的梯度；而 L = (u * u * u).sum() 给出的梯度取决于 u。",
        "wrong values at u": "梯度的形状是对的，但数值不对：要对 u 求导（而不是对 a 或 b），"
                             "并且严格按照 (u * u * u).sum() 计算 L。",
        # exercise 10.2
        "hint: vjp": "y.backward(v) 把 v 作为 dz/dy 传入，即标量 z 对 y 的梯度。"
                     "把 z = (y * y).sum() / 2 对 y 的某一个元素 y_i 求导。",
        "v": "v ",
        "v of whole numbers": "v 存放的是整数；梯度是浮点张量，和 y 一样。",
        "praise: vjp": "v 扮演的是 dz/dy 的角色：对于 z = (y * y).sum() / 2，它就是 y 本身，而 x.grad = v * w3。",
        "v all ones": "全 1 给出的是 y.sum() 的梯度；而这里的 z 先把 y 的每个元素平方。",
        "v twice too large": "你的 v 的每个元素都大了一倍：注意 z 中的 / 2。",
        "v repeats x or w3": "v 是 dz/dy，是对 y 的梯度；而你的 v 照搬了 x 或 w3。",
        "wrong v": "用这个 v，x.grad 不是 z = (y * y).sum() / 2 的梯度。对 y 的每个元素算出 dz/dy_i。",
        # exercise 10.3
        "hint: edge": "找到保存了 a 和 b 的那个 MulBackward0（在反向传播运行之前，它的方框会列出这两个张量）。"
                      "点击“运行”按钮之后，它通向 a.grad 方框的那条边上的标注，就是它传给 a 的梯度。",
        "not a gradient": "请以张量形式给出这个梯度，例如 torch.tensor([..., ...])，a 的每个元素对应一个值。",
        "your gradient": "你的梯度",
        "praise: edge": "a 被用了两次，所以有两条边通向它的 AccumulateGrad 节点；每条边传递各自的梯度，"
                        "而 a.grad 是它们之和。",
        "a.grad": "这是 a.grad：通向 a 的 AccumulateGrad 的两条边所传梯度之和。练习只问其中一条，"
                  "即来自 a * b 的节点的那条边。",
        "edge from a * c": "这是另一个 MulBackward0（属于 a * c 的那个，保存了 a 和 c 的节点）"
                           "发出的那条边上的梯度。",
        "edge to b": "这个梯度是传给 b 的（a * c 的节点也向 c 传出同样的值），而不是传给 a：请沿着 a * b "
                     "的节点的另一条边看。",
        "into a * b": "这是到达 a * b 的节点的梯度（由 AddBackward0 传给它）；该节点要先把它乘以自己的局部导数，"
                      "再传给 a。",
        "top of the graph": "这是计算图顶端 SumBackward0 传出的梯度；题目问的那条边在图的底部附近，"
                            "从 a * b 的 MulBackward0 通向 a。",
        "wrong sign": "每个值的符号都反了：请按边上标注的原样抄下来。",
        "no such edge": "通向 a 的任何一条边传递的都不是这个值。在 GraphView 中运行反向传播，"
                        "读出从保存了 a 和 b 的 MulBackward0 通向 a 的 AccumulateGrad 的那条边。",
        # exercise 10.4
        "hint: ready": "数一数指向 y 的节点的边：上面 y * y 那一步把 MulBackward0 列出了两次。"
                       "然后阅读 _send 的最后三行。",
        "not two numbers": "请用两个整数作答：(开始时的计数, 节点就绪时的计数)。",
        "count the edges": "y 是一个张量，但要数的是通向它的节点的边：y * y 的两个输入都是 y。",
        "read _send": "每送达一次，_send 就减一；请阅读判断节点是否就绪的那个比较。",
        "praise: ready": "有两条边通向 y 的节点，所以它要等两次送达都完成；只有这时它的梯度（两者之和）"
                         "才完整，它才会运行。",
    },
)


# -- exercise 10.1 ---------------------------------------------------------------------
def _solution_grad_at_intermediate(a, b):
    u = a * b
    L = (u * u * u).sum()
    return torch.autograd.grad(L, u)[0]


def _retain_grad_answer(a, b):
    u = a * b
    u.retain_grad()
    (u * u * u).sum().backward()
    return u.grad


def _hook_answer(a, b):
    seen = []
    u = a * b
    u.register_hook(seen.append)
    (u * u * u).sum().backward()
    return seen[0]


def _gradient_at_a(a, b):
    u = a * b
    L = (u * u * u).sum()
    return torch.autograd.grad(L, a)[0]


def _forward_value(a, b):
    u = a * b
    return u


def _gradient_of_sum(a, b):
    u = a * b
    return torch.autograd.grad(u.sum(), u)[0]


def _non_leaf_grad(a, b):
    u = a * b
    L = (u * u * u).sum()
    L.backward()
    return u.grad  # None: u is not a leaf and did not retain its gradient


def _formula_by_hand(a, b):
    u = a * b
    return 3 * u * u  # the right values, worked out on paper: no autograd


def _intermediate_inputs(lib, requires_grad=True):
    a = lib.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=requires_grad)
    b = lib.tensor([[2.0, 1.0, -0.5], [0.5, -2.0, 1.0]], requires_grad=requires_grad)
    return a, b


def _enable_grad_copy_answer(a, b):
    # Autograd on a detached copy of u, recording switched on whatever the caller's mode.
    u = a * b
    with torch.enable_grad():
        u_copy = u.detach().requires_grad_()
        return torch.autograd.grad((u_copy * u_copy * u_copy).sum(), u_copy)[0]


@exercise(
    solution=lambda: _solution_grad_at_intermediate,
    right_answers=[lambda: _retain_grad_answer, lambda: _hook_answer, lambda: _enable_grad_copy_answer],
    wrong_answers=[
        lambda: _gradient_at_a,
        lambda: _forward_value,
        lambda: _gradient_of_sum,
        lambda: _non_leaf_grad,
        lambda: _formula_by_hand,
        lambda: (lambda a, b: ...),
    ],
    hint=MESSAGES.later("hint: intermediate"),
)
def grad_at_intermediate(answer):
    "A function (a, b) -> dL/du, where u = a * b and L = (u * u * u).sum()."
    function = expect_function(answer)
    lib = library_of(function)
    a, b = _intermediate_inputs(lib)
    # Every way of asking autograd (retain_grad, a hook, autograd.grad or backward, on u or on a
    # detached copy of it) runs the backward of a node of L, which unpacks the tensors it saved;
    # a formula worked out by hand runs no backward at all.
    with counting_unpacks(lib) as unpacks:
        result = call_learner_code(function, a, b)
    backward_ran = sum(unpacks.values()) > 0
    if result is None:
        raise Wrong(MESSAGES("returned None"))
    expect_returned(result)
    expect_shape(result, tuple(a.shape), MESSAGES("the gradient you returned"))
    u = (a * b).detach()
    if close(result, 3 * u * u):
        if not backward_ran:
            raise Wrong(MESSAGES("no backward ran"))
        return MESSAGES("praise: intermediate")
    if close(result, u):
        raise Wrong(MESSAGES("returned u"))
    if close(result, 3 * u * u * b.detach()) or close(result, 3 * u * u * a.detach()):
        raise Wrong(MESSAGES("gradient at a leaf"))
    if close(result, lib.ones_like(u)):
        raise Wrong(MESSAGES("gradient of u.sum()"))
    raise Wrong(MESSAGES("wrong values at u"))


# -- exercise 10.2 ---------------------------------------------------------------------
def _lesson_y(lib):
    """The exercise's tensors, as the lesson makes them."""
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w3 = lib.tensor([0.5, -1.0, 2.0])
    return x, w3, w3 * x


@exercise(
    solution=lambda: torch.tensor([0.5, -2.0, 6.0]),
    wrong_answers=[
        lambda: torch.ones(3),
        lambda: torch.tensor([1.0, -4.0, 12.0]),
        lambda: torch.tensor([1.0, 2.0, 3.0]),
        lambda: torch.tensor([0.5, -1.0, 2.0]),
        lambda: torch.tensor([[0.5, -2.0, 6.0]]),
    ],
    hint=MESSAGES.later("hint: vjp"),
)
def vjp_vector(answer):
    "The v for which y.backward(v) gives x.grad = gradient of z = (y * y).sum() / 2 (y = w3 * x)."
    expect_tensor(answer, MESSAGES("v"))
    lib = library_of(answer)
    x, w3, y = _lesson_y(lib)
    expect_shape(answer, tuple(y.shape), MESSAGES("v"))
    if not answer.dtype.is_floating_point:
        raise Wrong(MESSAGES("v of whole numbers"))
    y.backward(answer)
    wanted = (w3 * w3 * x).detach()  # dz/dx for z = (y * y).sum() / 2
    if close(x.grad, wanted):
        return MESSAGES("praise: vjp")
    y_now = y.detach()
    if close(answer, lib.ones_like(y_now)):
        raise Wrong(MESSAGES("v all ones"))
    if close(answer, 2 * y_now):
        raise Wrong(MESSAGES("v twice too large"))
    if close(answer, x.detach()) or close(answer, w3):
        raise Wrong(MESSAGES("v repeats x or w3"))
    raise Wrong(MESSAGES("wrong v"))


# -- exercise 10.3: read a gradient off a GraphView edge ----------------------------------
def _edge_graph(lib):
    """The exercise's graph, as the lesson builds it: d = a * b + a * c, z = (d ** 2).sum()."""
    a = lib.tensor([1.0, -2.0], requires_grad=True)
    b = lib.tensor([3.0, 0.5], requires_grad=True)
    c = lib.tensor([-1.0, 4.0], requires_grad=True)
    ab, ac = a * b, a * c
    z = ((ab + ac) ** 2).sum()
    return a, b, c, ab, ac, z


def _edge_gradients(lib):
    """What flows along the edges a learner might read, from the library's own backward:
    {name: gradient}. Each MulBackward0 sends (gradient it received) * (the other factor)."""
    a, b, c, ab, ac, z = _edge_graph(lib)
    into_ab, into_ac, a_grad = lib.autograd.grad(z, [ab, ac, a])
    return {
        "ab_to_a": into_ab * b.detach(),   # the edge the exercise asks about
        "ac_to_a": into_ac * c.detach(),   # the other edge into a's AccumulateGrad
        "ab_to_b": into_ab * a.detach(),   # a * b's other edge (a * c sends the same to c here)
        "into_ab": into_ab,                # what AddBackward0 sends to a * b's node
        "a_grad": a_grad,                  # both edges into a, summed
        "top": lib.ones_like(a_grad),      # what SumBackward0 sends at the top
    }


def _answer_as_tensor(answer):
    """A tensor (of the learner's library) from a tensor or a list of numbers."""
    if is_tensor(answer):
        return answer, library_of(answer)
    if isinstance(answer, (list, tuple)) and answer and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in answer):
        return torch.tensor([float(v) for v in answer]), torch
    raise Wrong(MESSAGES("not a gradient"))


@exercise(
    solution=lambda: _edge_gradients(torch)["ab_to_a"],
    right_answers=[lambda: _edge_gradients(torch)["ab_to_a"].tolist()],
    wrong_answers=[
        lambda: _edge_gradients(torch)["a_grad"],
        lambda: _edge_gradients(torch)["ac_to_a"],
        lambda: _edge_gradients(torch)["ab_to_b"],
        lambda: _edge_gradients(torch)["into_ab"],
        lambda: _edge_gradients(torch)["top"],
        lambda: -_edge_gradients(torch)["ab_to_a"],
        lambda: torch.zeros(3),
    ],
    hint=MESSAGES.later("hint: edge"),
)
def gradient_on_edge(answer):
    "The gradient on the edge from a * b's MulBackward0 to a's AccumulateGrad (d = a * b + a * c, z = (d ** 2).sum())."
    tensor, lib = _answer_as_tensor(answer)
    edges = _edge_gradients(lib)
    expect_shape(tensor, tuple(edges["ab_to_a"].shape), MESSAGES("your gradient"))
    if close(tensor, edges["ab_to_a"]):
        return MESSAGES("praise: edge")
    if close(tensor, edges["a_grad"]):
        raise Wrong(MESSAGES("a.grad"))
    if close(tensor, edges["ac_to_a"]):
        raise Wrong(MESSAGES("edge from a * c"))
    if close(tensor, edges["ab_to_b"]):
        raise Wrong(MESSAGES("edge to b"))
    if close(tensor, edges["into_ab"]):
        raise Wrong(MESSAGES("into a * b"))
    if close(tensor, edges["top"]):
        raise Wrong(MESSAGES("top of the graph"))
    if close(tensor, -edges["ab_to_a"]):
        raise Wrong(MESSAGES("wrong sign"))
    raise Wrong(MESSAGES("no such edge"))


# -- exercise 10.4: read the source of the engine's loop ----------------------------------
def _dependencies_of_y():
    """(dependencies of y's node when the pass starts, the count at which _send makes it
    ready), for z = (y * y).sum() with y = w2 * x, from the engine itself."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([0.5, -1.0], requires_grad=True) * x
    z = (y * y).sum()
    task = engine.GraphTask([(z.grad_fn, 0)], [torch.ones_like(z)])
    start = task.dependencies[y.grad_fn]
    with torch.no_grad():  # as the engine runs nodes for a plain backward()
        while y.grad_fn not in [entry[-1] for entry in task.ready]:
            task.run_next()
    return start, task.dependencies[y.grad_fn]


@exercise(
    solution=_dependencies_of_y,
    wrong_answers=[lambda: (1, 0), lambda: (2, 1), lambda: (0, 2), lambda: (2, 2)],
    hint=MESSAGES.later("hint: ready"),
)
def ready_count(answer):
    "(dependencies[y's node] when backward starts, the value at which _send pushes it onto the ready queue)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong(MESSAGES("not two numbers"))
    start, ready = answer
    expected_start, expected_ready = _dependencies_of_y()
    if start != expected_start:
        raise Wrong(MESSAGES("count the edges"))
    if ready != expected_ready:
        raise Wrong(MESSAGES("read _send"))
    return MESSAGES("praise: ready")
