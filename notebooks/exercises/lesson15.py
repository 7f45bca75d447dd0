"""Lesson 15 (your own engine): my_backward(root), a backward pass written with the graph's
public surface only (grad_fn, next_functions, calling a node, AccumulateGrad.variable).

The check runs the learner's engine on small graphs (a chain, a diamond, a leaf used twice,
a .grad already there, constants and detach, broadcasting, stacked diamonds, random graphs)
and compares every leaf's .grad with what backward() of the same library leaves there.
"""
import ast
import collections
import contextlib
import inspect
import random
import textwrap

import tinytorch as torch
from widgets.language import Catalog

from .checking import (NotAnswered, Wrong, _missing_in_tinytorch, close, counting_unpacks, exercise, expect_function,
                       library_of)

# What this lesson's check says, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        "the graph": "the graph `{program}`",
        "code raised": "on {case}, your code raised {error_type}: {error}",
        "raised: 0-d leaf unpacked": "on {case}, your code raised {error_type}: {error}. {leaf} is a 0-d leaf (shape "
                                     "()), so unpacking its shape into sum_to_size passes no size at all. "
                                     "sum_to_size(shape), with the shape as one argument, works for every leaf, 0-d "
                                     "ones included.",
        "raised: broadcast shape": "on {case}, your code raised {error_type}: {error}. In the forward pass b, s and k "
                                   "were broadcast, so the gradient that reaches their AccumulateGrad nodes has the "
                                   "broadcast shape (2, 3): sum it back to the leaf's shape (sum_to_size) first.",
        "raised: None": "on {case}, your code raised {error_type}: {error}. Where an input needs no gradient (a number "
                        "such as the 2 in `* 2`, a constant, a tensor cut off by detach()), next_functions holds "
                        "(None, 0), and the node returns None for it: skip such an edge, both in the walk that counts "
                        "edges and when you send gradients on.",
        "ran the library's engine": "your function ran the library's own engine (backward() or torch.autograd): the "
                                    "exercise is to walk the graph yourself, calling each node.",
        "a node ran twice": "on {case}, your engine ran a node more than once. The gradients may even come out right "
                            "(a node's backward is linear, so one run per path adds up to the same), but a node "
                            "reached along k paths then runs k times, and a chain of n such diamonds takes 2^n runs. "
                            "Count each node's incoming edges first, and run it once, after the last one has "
                            "delivered.",
        "no gradient reached": "on {case}, no gradient reached {name} ({name}.grad is still None): its AccumulateGrad "
                               "node never ran, or never got a gradient. A node runs when the count of edges still to "
                               "deliver drops to 0: if the walk that counts them visits a node twice, the edges below "
                               "it are counted twice, and the count never gets there.",
        "grad where none": "on {case}, {name}.grad is set, but backward() leaves it None: no path leads from the root "
                           "to {name}.",
        "broadcast leaf's shape": "on {case}, {name} has shape {shape} but your engine left a .grad of shape {got}: "
                                  "{name} was broadcast in the forward pass, so its gradient arrives with the "
                                  "broadcast shape. Sum it back to the leaf's shape (sum_to_size) first.",
        "grad shape": "on {case}, {name}.grad has shape {got}, not {name}'s shape {shape}.",
        "leaf's node ran too often": "on {case}, {name}.grad got a gradient {runs:time|times}: your engine ran "
                                     "{name}'s AccumulateGrad node {runs:time|times}, but {edges} into it. Each run "
                                     "adds what it is given into .grad, so call a leaf's node once for each gradient "
                                     "that reaches it (or once, on their sum), and nowhere else.",
        "only one edge": "only one edge leads",
        "only some edges": "only {count} edges lead",
        "grad requires grad": "on {case}, your {name}.grad has requires_grad=True: the nodes ran with grad mode on, "
                              "so each backward recorded a graph of its own (as create_graph=True asks). backward() "
                              "runs them with grad mode off: run your loop inside `with torch.no_grad():`.",
        "wrong in a chain": "on {case}, where no node is reached twice, {name}.grad is not what backward() gives. "
                            "Check the gradient you start from (ones shaped like the root) and that the i-th gradient "
                            "a node returns goes to the i-th entry of its next_functions.",
        "wrong in a diamond": "on {case}, {name}.grad is not what backward() gives. The node of h is reached along "
                              "two edges (from sin and from cos): it must wait until both gradients have arrived, and "
                              "run once, on their sum.",
        "leaf used twice": "on {case}, x is used twice (in x * w and in x.tanh()), so two gradients flow into its "
                           "AccumulateGrad node, and x.grad must end up holding their sum; yours does not.",
        "grad replaced": "on {case}, {name}.grad already held a gradient (from an earlier backward), and backward() "
                         "adds the new one into it; your engine replaced it.",
        "wrong grad": "on {case}, {name}.grad is not what backward() gives.",
        "praise": "your engine agrees with backward() on chains, diamonds, leaves used twice, constants, detach, "
                  "broadcasting and random graphs: it is the algorithm of tinytorch's engine, and of PyTorch's.",
        "hint": "first walk the graph from root.grad_fn and count, for every node, the edges of next_functions that "
                "point to it (visit each node once). Then keep a dict of the gradient waiting at each node and a list "
                "of the nodes whose count has dropped to 0: run those one at a time, add each gradient they return "
                "into the dict entry of the node it goes to, and take one off that node's count.",
    },
    zh_CN={
        "the graph": "计算图 `{program}`",
        "code raised": "在{case} 上，你的代码引发了 {error_type}: `{error}`",
        "raised: 0-d leaf unpacked": "在{case} 上，你的代码引发了 {error_type}: `{error}`。{leaf} 是一个 0 维叶子节点"
                                     "（形状为 ()），所以把它的形状解包后传给 sum_to_size，等于一个尺寸也没有传。"
                                     "sum_to_size(shape) 把形状作为一个参数传入，对每个叶子节点都适用，包括 0 维的。",
        "raised: broadcast shape": "在{case} 上，你的代码引发了 {error_type}: `{error}`。在前向传播中，b、s 和 k 都经过"
                                   "了广播，所以到达它们的 AccumulateGrad 节点的梯度具有广播后的形状 (2, 3)：请先把它"
                                   "求和回叶子节点的形状（sum_to_size）。",
        "raised: None": "在{case} 上，你的代码引发了 {error_type}: `{error}`。如果某个输入不需要梯度（比如 `* 2` 中的 "
                        "2 这样的数、常量，或者被 detach() 切断的张量），next_functions 中对应的项就是 (None, 0)，"
                        "节点也会为它返回 None：无论是在数边的遍历中，还是在向下传递梯度时，都要跳过这样的边。",
        "ran the library's engine": "你的函数运行了库自带的引擎（backward() 或 torch.autograd）：这个练习要求你自己"
                                    "遍历计算图，逐个调用节点。",
        "a node ran twice": "在{case} 上，你的引擎把某个节点运行了不止一次。梯度也许还是对的（节点的 backward 是线性"
                            "的，每条路径各运行一次，加起来结果相同），但沿 k 条路径到达的节点就会运行 k 次，由 n 个"
                            "这样的菱形串成的链需要运行 2^n 次。请先数出每个节点的入边数，等最后一条入边送达梯度"
                            "之后，再把它运行一次。",
        "no gradient reached": "在{case} 上，没有梯度到达 {name}（{name}.grad 仍然是 None）：它的 AccumulateGrad 节点"
                               "从未运行，或者从未收到梯度。一个节点在尚未送达的边数降到 0 时运行：如果数边的遍历"
                               "把某个节点访问了两次，它下面的边就会被数两次，计数也就永远降不到 0。",
        "grad where none": "在{case} 上，{name}.grad 有值，但 backward() 会让它保持为 None：从根节点出发，没有路径"
                           "通向 {name}。",
        "broadcast leaf's shape": "在{case} 上，{name} 的形状是 {shape}，但你的引擎留下的 .grad 形状是 {got}：{name} "
                                  "在前向传播中经过了广播，所以它的梯度到达时具有广播后的形状。请先把它求和回叶子节点"
                                  "的形状（sum_to_size）。",
        "grad shape": "在{case} 上，{name}.grad 的形状是 {got}，而不是 {name} 的形状 {shape}。",
        "leaf's node ran too often": "在{case} 上，{name}.grad 收到了 {runs} 次梯度：你的引擎把 {name} 的 "
                                     "AccumulateGrad 节点运行了 {runs} 次，但{edges}。每次运行都会把传给它的梯度加进 "
                                     ".grad，所以到达叶子节点的每个梯度只调用一次它的节点（或者对它们的和调用一次），"
                                     "别处都不要再调用。",
        "only one edge": "只有一条边通向它",
        "only some edges": "只有 {count} 条边通向它",
        "grad requires grad": "在{case} 上，你的 {name}.grad 带有 requires_grad=True：节点是在梯度模式开启时运行的，"
                              "所以每次 backward 都记录了一张自己的计算图（就像 create_graph=True 所要求的那样）。"
                              "backward() 在梯度模式关闭时运行节点：请把你的循环放进 `with torch.no_grad():` 中。",
        "wrong in a chain": "在{case} 上（这里没有节点会被到达两次），{name}.grad 与 backward() 给出的不同。检查一下"
                            "你的初始梯度（与根节点形状相同的全 1 张量），以及节点返回的第 i 个梯度是否送到了它 "
                            "next_functions 中的第 i 项。",
        "wrong in a diamond": "在{case} 上，{name}.grad 与 backward() 给出的不同。h 的节点沿两条边被到达（分别来自 "
                              "sin 和 cos）：它必须等两个梯度都到齐，再以它们的和运行一次。",
        "leaf used twice": "在{case} 上，x 被使用了两次（在 x * w 和 x.tanh() 中），所以有两个梯度流入它的 "
                           "AccumulateGrad 节点，x.grad 最终必须是它们的和；你的不是。",
        "grad replaced": "在{case} 上，{name}.grad 中已经有一个梯度（来自之前的一次 backward），backward() 会把新的"
                         "梯度加进去；你的引擎却把它替换掉了。",
        "wrong grad": "在{case} 上，{name}.grad 与 backward() 给出的不同。",
        "praise": "在链、菱形、被使用两次的叶子节点、常量、detach、广播和随机计算图上，你的引擎都与 backward() 一致："
                  "这正是 tinytorch 的引擎所用的算法，也是 PyTorch 的引擎所用的算法。",
        "hint": "先从 root.grad_fn 出发遍历计算图，为每个节点数出 next_functions 中指向它的边（每个节点只访问一次）。"
                "然后用一个字典存放每个节点处等待中的梯度，用一个列表存放计数已降到 0 的节点：逐个运行这些节点，把"
                "它们返回的每个梯度加进目标节点在字典中的条目，并把那个节点的计数减一。",
    },
)


# -- the engine, and typical mistakes ---------------------------------------------------
def _count_edges(root, once=True):
    dependencies = {}
    seen, stack = {root.grad_fn}, [root.grad_fn]
    while stack:
        node = stack.pop()
        for next_node, _ in node.next_functions:
            if next_node is None:
                continue
            dependencies[next_node] = dependencies.get(next_node, 0) + 1
            if next_node not in seen or not once:
                seen.add(next_node)
                stack.append(next_node)
    return dependencies


def _as_tuple(grads):
    """A node of one input returns its gradient alone (in PyTorch and tinytorch): wrap it."""
    return grads if isinstance(grads, tuple) else (grads,)


def _engine(root, *, count_once=True, add=True, fit=True, grad_mode=False, leaf="call", none_check=True):
    """The solution (all defaults) and, with one setting changed, a typical mistake."""
    dependencies = _count_edges(root, count_once)
    buffers = {root.grad_fn: torch.ones_like(root)}
    ready = [root.grad_fn]
    with torch.set_grad_enabled(grad_mode):
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            if hasattr(node, "variable"):
                if fit == "unpacked":  # the shape unpacked into sizes: no size at all for a 0-d leaf
                    grad = grad.sum_to_size(*node.variable.shape)
                elif fit:
                    grad = grad.sum_to_size(node.variable.shape)
                if leaf == "replace":  # .grad = the new gradient, whatever was there
                    node.variable.grad = grad
                    continue
                node(grad)
                if leaf == "call":
                    continue
                # "no continue": the leaf's node falls through to the code for other nodes and is called again
            for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
                if none_check and (next_node is None or next_grad is None):
                    continue
                if add and next_node in buffers:
                    buffers[next_node] = buffers[next_node] + next_grad
                else:
                    buffers[next_node] = next_grad
                dependencies[next_node] -= 1
                if dependencies[next_node] == 0:
                    ready.append(next_node)


def _solution(root):
    _engine(root)


def _recursive(root):
    # Depth first, each gradient pushed down at once: a node reached along two paths runs twice.
    def visit(node, grad):
        if node is None or grad is None:
            return
        if hasattr(node, "variable"):
            node(grad.sum_to_size(node.variable.shape))
            return
        for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
            visit(next_node, next_grad)

    with torch.no_grad():
        visit(root.grad_fn, torch.ones_like(root))


def _runs_on_first_arrival(root):
    # Each node runs once (a visited set), but as soon as its first gradient arrives.
    visited, stack = set(), [(root.grad_fn, torch.ones_like(root))]
    with torch.no_grad():
        while stack:
            node, grad = stack.pop()
            if node in visited:
                continue
            visited.add(node)
            if hasattr(node, "variable"):
                node(grad.sum_to_size(node.variable.shape))
                continue
            for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
                if next_node is not None and next_grad is not None:
                    stack.append((next_node, next_grad))


def _leaf_set_on_arrival(root):
    # Right for every node but the leaves: each gradient that reaches a leaf replaces its .grad.
    dependencies = _count_edges(root)
    buffers, ready = {root.grad_fn: torch.ones_like(root)}, [root.grad_fn]
    with torch.no_grad():
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
                if next_node is None or next_grad is None:
                    continue
                if hasattr(next_node, "variable"):
                    next_node.variable.grad = next_grad.sum_to_size(next_node.variable.shape)
                    continue
                buffers[next_node] = buffers[next_node] + next_grad if next_node in buffers else next_grad
                dependencies[next_node] -= 1
                if dependencies[next_node] == 0:
                    ready.append(next_node)


def _calls_backward(root):
    root.backward()


WRONG_ENGINES = {
    "recursive": _recursive,
    "runs on first arrival": _runs_on_first_arrival,
    "overwrites the buffer": lambda root: _engine(root, add=False),
    "counts an edge per visit": lambda root: _engine(root, count_once=False),
    "leaf .grad set on arrival": _leaf_set_on_arrival,
    "replaces an existing .grad": lambda root: _engine(root, leaf="replace"),
    "no sum back to the leaf's shape": lambda root: _engine(root, fit=False),
    "sizes unpacked into sum_to_size": lambda root: _engine(root, fit="unpacked"),
    "a leaf's node called twice": lambda root: _engine(root, leaf="no continue"),
    "grad mode on": lambda root: _engine(root, grad_mode=True),
    "no None check": lambda root: _engine(root, none_check=False),
    "calls backward": _calls_backward,
}


# -- right answers written other ways ------------------------------------------------------
def _queue_and_hand_accumulation(root):
    # Kahn's algorithm with a first-in first-out queue; leaves spotted by their class name and
    # accumulated by hand through .variable; a node's lone gradient (one input) wrapped in a list.
    dependencies = collections.Counter()
    seen, todo = {root.grad_fn}, collections.deque([root.grad_fn])
    while todo:
        for next_node, _ in todo.popleft().next_functions:
            if next_node is not None:
                dependencies[next_node] += 1
                if next_node not in seen:
                    seen.add(next_node)
                    todo.append(next_node)
    waiting = {root.grad_fn: torch.ones_like(root)}
    queue = collections.deque([root.grad_fn])
    with torch.no_grad():
        while queue:
            node = queue.popleft()
            grad = waiting.pop(node)
            if type(node).__name__ == "AccumulateGrad":
                leaf = node.variable
                grad = grad.sum_to_size(leaf.shape)
                leaf.grad = grad.clone() if leaf.grad is None else leaf.grad + grad
                continue
            results = node(grad)
            if not isinstance(results, (tuple, list)):
                results = [results]
            for (next_node, _), next_grad in zip(node.next_functions, results):
                if next_node is None:
                    continue
                if next_grad is not None:
                    waiting[next_node] = waiting[next_node] + next_grad if next_node in waiting else next_grad
                dependencies[next_node] -= 1
                if dependencies[next_node] == 0:
                    queue.append(next_node)


def _topological_order(root):
    # Sort the nodes first (each after every node that sends it a gradient), then run them in that order.
    order, seen = [], set()

    def visit(node):
        if node is None or node in seen:
            return
        seen.add(node)
        for next_node, _ in node.next_functions:
            visit(next_node)
        order.append(node)

    visit(root.grad_fn)
    grads = {root.grad_fn: torch.ones_like(root)}
    with torch.no_grad():
        for node in reversed(order):
            grad = grads.pop(node, None)
            if grad is None:
                continue
            if hasattr(node, "variable"):
                node(grad.sum_to_size(node.variable.shape))
                continue
            for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
                if next_node is not None and next_grad is not None:
                    grads[next_node] = grads[next_node] + next_grad if next_node in grads else next_grad


def _leaves_called_on_arrival(root):
    # Leaves not buffered: their AccumulateGrad node is called once per gradient that reaches it
    # (it adds each into .grad, so the sum comes out the same).
    dependencies = _count_edges(root)
    buffers, ready = {root.grad_fn: torch.ones_like(root)}, [root.grad_fn]
    with torch.no_grad():
        while ready:
            node = ready.pop()
            grad = buffers.pop(node)
            for (next_node, _), next_grad in zip(node.next_functions, _as_tuple(node(grad))):
                if next_node is None or next_grad is None:
                    continue
                if hasattr(next_node, "variable"):
                    next_node(next_grad.sum_to_size(next_node.variable.shape))
                    continue
                buffers[next_node] = buffers[next_node] + next_grad if next_node in buffers else next_grad
                dependencies[next_node] -= 1
                if dependencies[next_node] == 0:
                    ready.append(next_node)


# -- the graphs the check runs -----------------------------------------------------------
_X = [0.5, -1.0, 2.0]
_W = [1.5, 0.25, -0.5]
_VECTORS = {"x": _X, "w": _W}


class _Case:
    """One graph: the leaves (name -> values), the program that makes `root` from them, what
    kind of graph it is (which mistake it reveals), and .grad values set before backward."""

    def __init__(self, kind, program, leaves=_VECTORS, preset=None):
        self.kind, self.program, self.leaves, self.preset = kind, program, leaves, preset or {}

    def build(self, lib):
        leaves = {name: lib.tensor(values, requires_grad=True) for name, values in self.leaves.items()}
        for name, values in self.preset.items():
            leaves[name].grad = lib.tensor(values)
        namespace = {"torch": lib, **leaves}
        exec(self.program, namespace)
        return namespace["root"], leaves

    def __str__(self):
        shown = "; ".join(self.program.strip().splitlines())
        return MESSAGES("the graph", program=shown)


def _random_program(seed):
    """Seven random steps over the leaves x, w, v; the root adds up every result no later step used."""
    rng = random.Random(seed)
    forms = ["{a} + {b}", "{a} * {b}", "{a} - {b}", "{a}.sin()", "{a}.tanh()", "{a} * {b}.detach()", "({a} * 0.5).cos()"]
    names, unused, lines = ["x", "w", "v"], [], []
    for i in range(7):
        a, b = rng.choice(names), rng.choice(names)
        form = rng.choice(forms)
        lines.append(f"h{i} = " + form.format(a=a, b=b))
        unused = [n for n in unused if n != a and not ("{b}" in form and n == b)] + [f"h{i}"]
        names.append(f"h{i}")
    lines.append(f"root = ({' + '.join(unused)}).sum()")
    return "\n".join(lines)


CASES = [
    _Case("chain", "root = ((x * w).sin() * 2).sum()"),
    _Case("diamond", "h = x * w\nroot = (h.sin() * h.cos()).sum()"),
    _Case("leaf used twice", "root = (x * w + x.tanh()).sum()"),
    _Case("grad already there", "root = ((x * w).sin() * 2).sum()", preset={"x": [1.0, 2.0, 3.0], "w": [-1.0, 0.5, 4.0]}),
    _Case("needs no gradient", "c = torch.arange(3.0) * 0.5 + 1\nroot = (x * c + c * w.exp()).sum()"),
    _Case("needs no gradient", "h = x * w\nroot = (h * h.detach().exp() + w).sum()"),
    _Case("broadcasting", "root = ((m * s + b).tanh() * b * k).sum()",
          leaves={"m": [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], "s": [[2.0], [-1.0]], "b": [0.1, 0.2, 0.3], "k": 0.5}),
    _Case("stacked diamonds", "h = x\nfor _ in range(5): h = h.sin() * h + w * h\nroot = h.sum()"),
] + [_Case("random", _random_program(seed), leaves={**_VECTORS, "v": [-0.5, 0.75, 1.25]}) for seed in (1, 2, 3)]


# -- running an engine on a graph, and watching it ---------------------------------------------
def _expected(lib, case):
    root, leaves = case.build(lib)
    root.backward()
    return {name: None if leaf.grad is None else leaf.grad.detach() for name, leaf in leaves.items()}


def _run_learner(function, lib, case):
    """The leaves after the learner's engine ran on a fresh copy of the graph, whether it ran the
    library's own engine (a pre-hook on the root's node fires only there), how often each saved
    tensor was unpacked (at most), and how often each leaf's AccumulateGrad node ran."""
    with counting_unpacks(lib) as counts:
        root, leaves = case.build(lib)
        engine_ran = []
        handle = root.grad_fn.register_prehook(lambda grads: engine_ran.append(True))
        try:
            with _counting_leaf_runs(lib, leaves) as leaf_runs:
                result = function(root)
        except NotAnswered:
            raise
        except Exception as error:
            _explain_error(error, case)
        finally:
            handle.remove()
    if result is Ellipsis:
        raise NotAnswered()
    return leaves, bool(engine_ran), max(counts.values(), default=0), leaf_runs


@contextlib.contextmanager
def _counting_leaf_runs(lib, leaves):
    """How often each leaf's AccumulateGrad node ran inside the block, by the leaf's name: each run
    adds a gradient into its .grad (a .grad set by hand is not counted)."""
    runs = collections.Counter()
    # A leaf's post-accumulate-grad hooks run each time its node runs, even a call by hand.
    handles = [leaf.register_post_accumulate_grad_hook(lambda _, name=name: runs.update([name]))
               for name, leaf in leaves.items()]
    try:
        yield runs
    finally:
        for handle in handles:
            handle.remove()


def _edges_into_leaves(lib, case):
    """{leaf name: how many edges of the graph lead into its AccumulateGrad node}."""
    root, leaves = case.build(lib)
    names = {id(leaf): name for name, leaf in leaves.items()}
    return {names[id(node.variable)]: count for node, count in _count_edges(root).items() if hasattr(node, "variable")}


def _has_placeholder(function):
    """Whether the function still has a `...` line of the scaffold (its source, where Python can find it)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return False
    return any(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and node.value.value is Ellipsis
               for node in ast.walk(tree))


def _explain_error(error, case):
    text = str(error)
    if "ellipsis" in text:  # a `...` of the scaffold is still there
        raise NotAnswered()
    if isinstance(error, AttributeError) and _missing_in_tinytorch(error):
        raise error  # tinytorch lacks what PyTorch has: Exercise says so, as every exercise of the course does
    raised = dict(case=case, error_type=type(error).__name__, error=text.splitlines()[0] if text else "")
    zero_d = [name for name, values in case.leaves.items() if not isinstance(values, list)]
    if isinstance(error, TypeError) and "sum_to_size()" in text and zero_d:
        raise Wrong(MESSAGES("raised: 0-d leaf unpacked", **raised, leaf=zero_d[0]))
    if case.kind == "broadcasting" and isinstance(error, RuntimeError) and (
            "broadcast shape" in text or "assign a gradient of size" in text):
        # A gradient of the broadcast shape at a leaf, refused in the same words by PyTorch and tinytorch:
        # by its AccumulateGrad node or `+=` into .grad ("output with shape [3] doesn't match the broadcast
        # shape [2, 3]"), or by `.grad = ...` ("attempting to assign a gradient of size '[2, 3]' to ...").
        raise Wrong(MESSAGES("raised: broadcast shape", **raised))
    if "NoneType" in text or (isinstance(error, KeyError) and error.args == (None,)):
        raise Wrong(MESSAGES("raised: None", **raised))
    raise Wrong(MESSAGES("code raised", **raised)) from None


def _judge(lib, case, leaves, expected, engine_ran, most_unpacks, leaf_runs):
    if engine_ran:
        raise Wrong(MESSAGES("ran the library's engine"))
    if most_unpacks > 1:
        raise Wrong(MESSAGES("a node ran twice", case=case))
    for name, leaf in leaves.items():
        got, want = leaf.grad, expected[name]
        if got is None and want is not None:
            raise Wrong(MESSAGES("no gradient reached", case=case, name=name))
        if want is None:
            if got is not None:
                raise Wrong(MESSAGES("grad where none", case=case, name=name))
            continue
        if tuple(got.shape) != tuple(want.shape):
            shapes = dict(case=case, name=name, shape=tuple(want.shape), got=tuple(got.shape))
            if case.kind == "broadcasting":
                raise Wrong(MESSAGES("broadcast leaf's shape", **shapes))
            raise Wrong(MESSAGES("grad shape", **shapes))
        if not close(got, want):
            edges = _edges_into_leaves(lib, case).get(name, 0)
            if leaf_runs[name] > edges:
                # (more runs than edges, and an edge at least, since the leaf is reached: runs >= 2)
                raise Wrong(MESSAGES("leaf's node ran too often", case=case, name=name, runs=leaf_runs[name],
                                     edges=_edges(edges)))
            raise Wrong(_value_mistake(lib, case, name, got, want))
    for name, leaf in leaves.items():
        if leaf.grad is not None and leaf.grad.requires_grad:
            raise Wrong(MESSAGES("grad requires grad", case=case, name=name))


def _edges(count):
    return MESSAGES("only one edge") if count == 1 else MESSAGES("only some edges", count=count)


def _value_mistake(lib, case, name, got, want):
    if case.kind == "chain":
        return MESSAGES("wrong in a chain", case=case, name=name)
    if case.kind == "diamond":
        return MESSAGES("wrong in a diamond", case=case, name=name)
    if case.kind == "leaf used twice" and name == "x":
        return MESSAGES("leaf used twice", case=case)
    if case.kind == "grad already there":
        if close(got, want - lib.tensor(case.preset[name])):
            return MESSAGES("grad replaced", case=case, name=name)
    return MESSAGES("wrong grad", case=case, name=name)


@exercise(
    solution=lambda: _solution,
    right_answers=[lambda: _queue_and_hand_accumulation, lambda: _topological_order, lambda: _leaves_called_on_arrival],
    wrong_answers=[(lambda engine=engine: engine) for engine in WRONG_ENGINES.values()],
    hint=MESSAGES.later("hint"),
)
def my_backward(answer):
    "A function my_backward(root) that leaves in every leaf's .grad what root.backward() would."
    function = expect_function(answer)
    if _has_placeholder(function):
        raise NotAnswered()
    lib = library_of(function)
    for case in CASES:
        expected = _expected(lib, case)
        leaves, engine_ran, most_unpacks, leaf_runs = _run_learner(function, lib, case)
        _judge(lib, case, leaves, expected, engine_ran, most_unpacks, leaf_runs)
    return MESSAGES("praise")
