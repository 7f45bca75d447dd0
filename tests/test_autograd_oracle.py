"""Differential tests of autograd against torch.autograd on generated graphs.

Hypothesis builds a random program: a few leaves of random shapes, then a
sequence of ops, each taking its operands from everything computed so far (so
intermediate values are reused, and gradients meet and add up), with
broadcasting, views, reductions, matrix products, indexing, joins and in-place
writes. The program runs on both libraries from the same values. Then:

    - every forward value matches;
    - an in-place write that torch refuses (a saved value changed) is refused
      by tinytorch with the same message;
    - backward() gives every leaf the same .grad;
    - autograd.grad gives the same gradients, and with create_graph=True the
      gradients of those gradients (second derivatives) match too.
"""
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import assert_same_values, tinytorch_message

LIBS = (tinytorch, torch)
TOL = dict(rtol=1e-9, atol=1e-11)


class Program:
    """Values computed so far, each as a (tinytorch, torch) pair."""

    def __init__(self, draw):
        self.draw = draw
        self.values = []
        self.leaves = []
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        self.rng = rng
        for _ in range(draw(st.integers(1, 3))):
            shape = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3)))
            array = rng.uniform(-1.5, 1.5, size=shape)
            pair = tuple(m.tensor(array.copy(), dtype=m.float64, requires_grad=True) for m in LIBS)
            self.leaves.append(pair)
            self.values.append(pair)

    def pick(self, where=lambda t: True):
        choices = [v for v in self.values if where(v[1])]
        return self.draw(st.sampled_from(choices)) if choices else None

    def constant(self, shape):
        array = self.rng.uniform(-1.0, 1.0, size=shape)
        return tuple(m.tensor(array.copy(), dtype=m.float64) for m in LIBS)

    def apply(self, fn, *pairs):
        """Run fn on each library; keep the result when both agree."""
        tt = fn(tinytorch, *[p[0] for p in pairs])
        th = fn(torch, *[p[1] for p in pairs])
        assert_same_values(tt, th, **TOL)
        assert tt.requires_grad == th.requires_grad
        self.values.append((tt, th))


# -- the ops a program is made of --------------------------------------------------------
UNARY = [
    lambda m, a: a.tanh(), lambda m, a: a.sigmoid(), lambda m, a: a.sin(), lambda m, a: -a,
    lambda m, a: a.exp() * 0.5, lambda m, a: (a * a + 1).log(), lambda m, a: (a * a + 0.5).sqrt(),
    lambda m, a: a.abs(), lambda m, a: a.relu(), lambda m, a: a * 1.5 - 0.25, lambda m, a: a ** 2,
    lambda m, a: a.clamp(-0.5, 0.5), lambda m, a: 1 / (a * a + 1), lambda m, a: a.clone(),
]

BINARY = [
    lambda m, a, b: a + b, lambda m, a, b: a - b, lambda m, a, b: a * b, lambda m, a, b: a / (b * b + 1),
    lambda m, a, b: m.where(a > b, a, b), lambda m, a, b: m.maximum(a, b), lambda m, a, b: a.add(b, alpha=-2),
    lambda m, a, b: (a * a + 1) ** b.tanh(),
]


def broadcastable(a_shape, b_shape):
    for x, y in zip(reversed(a_shape), reversed(b_shape)):
        if x != y and x != 1 and y != 1:
            return False
    return True


def step(program):
    draw = program.draw
    kind = draw(st.sampled_from(["unary", "binary", "view", "reduce", "matmul", "index", "join", "inplace"]))
    a = program.pick()
    shape = tuple(a[1].shape)
    if kind == "unary":
        program.apply(draw(st.sampled_from(UNARY)), a)
    elif kind == "binary":
        b = program.pick(lambda t: broadcastable(shape, tuple(t.shape)))
        program.apply(draw(st.sampled_from(BINARY)), a, b)
    elif kind == "view":
        view_step(program, a, shape)
    elif kind == "reduce":
        reduce_step(program, a, shape)
    elif kind == "matmul":
        if len(shape) >= 1:
            other = program.pick(lambda t: t.dim() >= 1 and t.shape[-1] == shape[-1] and t.dim() <= 2)
            if other is not None:
                program.apply(lambda m, x, y: x @ (y.t() if y.dim() == 2 else y), a, other)
    elif kind == "index":
        if shape:
            idx = draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=4))
            program.apply(lambda m, x: x[idx], a)
    elif kind == "join":
        b = program.pick(lambda t: tuple(t.shape) == shape)
        if shape and draw(st.booleans()):
            dim = draw(st.integers(-len(shape), len(shape) - 1))
            program.apply(lambda m, x, y: m.cat([x, y * 2], dim), a, b)
        else:
            dim = draw(st.integers(-len(shape) - 1, len(shape)))
            program.apply(lambda m, x, y: m.stack([x, y], dim), a, b)
    else:
        inplace_step(program, a, shape)


def view_step(program, a, shape):
    draw = program.draw
    n = len(shape)
    options = ["unsqueeze", "reshape"]
    if n >= 1:
        options += ["slice", "select", "flip_dims", "flatten"]
    if any(s == 1 for s in shape):
        options.append("expand")
    option = draw(st.sampled_from(options))
    if option == "unsqueeze":
        d = draw(st.integers(-n - 1, n))
        program.apply(lambda m, x: x.unsqueeze(d), a)
    elif option == "reshape":
        program.apply(lambda m, x: x.reshape(-1), a)
    elif option == "slice":
        d = draw(st.integers(0, n - 1))
        start = draw(st.integers(0, shape[d] - 1))
        stride = draw(st.integers(1, 2))
        program.apply(lambda m, x: x[(slice(None),) * d + (slice(start, None, stride),)], a)
    elif option == "select":
        d = draw(st.integers(0, n - 1))
        i = draw(st.integers(-shape[d], shape[d] - 1))
        program.apply(lambda m, x: x.select(d, i), a)
    elif option == "flip_dims":
        order = draw(st.permutations(range(n)))
        program.apply(lambda m, x: x.permute(*order), a)
    elif option == "flatten":
        program.apply(lambda m, x: x.t() if x.dim() == 2 else x.flatten(), a)
    else:
        target = tuple(3 if s == 1 and draw(st.booleans()) else s for s in shape)
        program.apply(lambda m, x: x.expand(*target), a)


def reduce_step(program, a, shape):
    draw = program.draw
    n = len(shape)
    option = draw(st.sampled_from(["sum", "mean", "max", "prod"] if n else ["sum", "max"]))
    if option == "sum" and (n == 0 or draw(st.booleans())):
        program.apply(lambda m, x: x.sum(), a)
        return
    if option == "max" and (n == 0 or draw(st.booleans())):
        program.apply(lambda m, x: x.max(), a)
        return
    d = draw(st.integers(-n, n - 1))
    keep = draw(st.booleans())
    if option == "sum":
        program.apply(lambda m, x: x.sum(d, keepdim=keep), a)
    elif option == "mean":
        program.apply(lambda m, x: x.mean(d, keepdim=keep), a)
    elif option == "max":
        program.apply(lambda m, x: x.max(d, keepdim=keep)[0], a)
    else:
        program.apply(lambda m, x: x.prod(d, keepdim=keep), a)


def inplace_step(program, a, shape):
    """An in-place write into a value, or into a view of one. Values computed
    from it before may have saved it: then backward must fail, the same way in
    both libraries (checked at the end). A write that torch refuses (into a
    leaf, or a view of one) must be refused the same way."""
    draw = program.draw
    through_view = bool(shape) and draw(st.booleans())
    target_shape = shape[1:] if through_view else shape
    other = program.pick(
        lambda t: broadcastable(target_shape, tuple(t.shape)) and len(t.shape) <= len(target_shape)
        and t.untyped_storage().data_ptr() != a[1].untyped_storage().data_ptr()  # no overlapping memory
    )
    if other is None:
        return
    op = draw(st.sampled_from(["mul_", "add_", "sub_", "copy_", "setitem"]))

    def write(m, x, y):
        target = x[0] if through_view else x
        if op == "setitem":
            target[...] = y
        else:
            getattr(target, op)(y)
        return x

    results = [outcome(lambda m=m, x=x, y=y: write(m, x, y)) for m, x, y in zip(LIBS, a, other)]
    if same_outcome(*results):
        assert_same_values(a[0], a[1], **TOL)
        assert a[0]._version == a[1]._version


def outcome(fn):
    """('ok', result) or ('error', message up to the hint)."""
    try:
        return "ok", fn()
    except RuntimeError as error:
        return "error", str(error).split("Hint:")[0]


def same_outcome(ours, theirs):
    assert ours[0] == theirs[0], f"tinytorch: {ours}\ntorch: {theirs}"
    if ours[0] == "error":
        assert ours[1] == tinytorch_message(theirs[1])
    return ours[0] == "ok"


def same_grads(ours, theirs):
    """The same gradients; where one side has None (it knows the gradient is
    zero without computing it), the other's must be zero."""
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if b is not None and b._is_zerotensor():  # torch's lazy zeros cannot be read as an array
            b = torch.zeros(b.shape, dtype=b.dtype)
        if a is None or b is None:
            assert all(g is None or bool((g == 0).all()) for g in (a, b))
            continue
        assert_same_values(a, b, **TOL)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_graphs_match_torch(data):
    program = Program(data.draw)
    for _ in range(data.draw(st.integers(1, 8))):
        step(program)

    # The loss: a weighted sum of some of the values, so gradients meet and add up.
    used = data.draw(st.lists(st.sampled_from(range(len(program.values))), min_size=1, max_size=3, unique=True))
    weights = [program.constant(tuple(program.values[i][1].shape)) for i in used]

    def loss(m, k):
        total = m.zeros((), dtype=m.float64)
        for i, w in zip(used, weights):
            total = total + (program.values[i][k] * w[k]).sum()
        return total

    losses = [outcome(lambda m=m, k=k: loss(m, k)) for k, m in enumerate(LIBS)]
    if not same_outcome(*losses):
        return
    tt_loss, th_loss = losses[0][1], losses[1][1]
    if not th_loss.requires_grad:
        assert not tt_loss.requires_grad
        return
    tt_leaves = [p[0] for p in program.leaves]
    th_leaves = [p[1] for p in program.leaves]

    # autograd.grad with create_graph, then second derivatives
    firsts = (
        outcome(lambda: tinytorch.autograd.grad(tt_loss, tt_leaves, create_graph=True, allow_unused=True)),
        outcome(lambda: torch.autograd.grad(th_loss, th_leaves, create_graph=True, allow_unused=True)),
    )
    if not same_outcome(*firsts):
        return
    same_grads(firsts[0][1], firsts[1][1])
    mask = [g is not None and g.requires_grad for g in firsts[0][1]]
    if any(mask):
        def second(m, grads, leaves):
            total = m.zeros((), dtype=m.float64)
            for g, use in zip(grads, mask):
                if use:
                    total = total + (g * g.detach()).sum()
            return m.autograd.grad(total, leaves, allow_unused=True, retain_graph=True)

        same_grads(second(tinytorch, firsts[0][1], tt_leaves), second(torch, firsts[1][1], th_leaves))

    # backward() into .grad (the graph was kept by create_graph)
    tt_loss.backward()
    th_loss.backward()
    same_grads([leaf.grad for leaf in tt_leaves], [leaf.grad for leaf in th_leaves])


def graph_names(tensor):
    """The names of the nodes behind `tensor`, breadth first, each node once: the shape
    of the graph a create_graph=True gradient records (library prefixes dropped)."""
    names, seen, queue = [], set(), [tensor.grad_fn]
    while queue:
        node = queue.pop(0)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(node.name().rsplit("::", 1)[-1])
        queue.extend(nxt for nxt, _ in node.next_functions)
    return names


@st.composite
def broadcast_pairs(draw):
    """Two shapes that broadcast together, each with dims the other stretches or lacks."""
    out = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    def operand():
        ndim = draw(st.integers(0, len(out)))
        return tuple(draw(st.sampled_from([size, 1])) for size in out[len(out) - ndim:])
    return operand(), operand()


BROADCAST_OPS = {"mul": lambda a, b: a * b, "add": lambda a, b: a + b, "sub": lambda a, b: a - b,
          "div": lambda a, b: a / b}


@settings(max_examples=150, deadline=None)
@given(broadcast_pairs(), st.sampled_from(sorted(BROADCAST_OPS)), st.integers(0, 2**32 - 1))
def test_broadcast_gradients_record_torchs_graph(shapes, op, seed):
    """A gradient summed back to a broadcast input (the engine's sum_to) records, under
    create_graph=True, the nodes torch's sum_to records: SumBackward1 (keepdim) and a
    ViewBackward0 where dims were added, SumBackward0 for a 0-d input."""
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(0.5, 1.5, size=shape) for shape in shapes]
    graphs = []
    for m in LIBS:
        a, b = (m.tensor(x, dtype=m.float64, requires_grad=True) for x in arrays)
        out = BROADCAST_OPS[op](a, b) * BROADCAST_OPS[op](a, b)
        grads = m.autograd.grad(out.sum(), [a, b], create_graph=True)
        graphs.append([graph_names(g) for g in grads])
        for g, x in zip(grads, arrays):
            assert tuple(g.shape) == x.shape
    assert graphs[0] == graphs[1]
