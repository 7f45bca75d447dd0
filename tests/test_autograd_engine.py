"""The backward engine against PyTorch: .grad accumulation, retain_graph,
backward(inputs=...), autograd.grad with and without create_graph (higher
derivatives), tensor hooks and retain_grad, grad modes, the order nodes run
in, deep graphs, and the step mode the graph widget drives."""
import re
import warnings

import numpy as np
import pytest
import torch

import tinytorch
from autograd_cases import CASES, make_inputs
import oracle
from oracle import assert_same_values, run_in_both, to_numpy
from tinytorch.autograd import backward_steps, gradient_edge

LIBS = (tinytorch, torch)


def tinytorch_name(node):
    """A node's name(), with torch's engine namespace spelled as tinytorch's."""
    return re.sub(r"^torch::", "tinytorch::", node.name())


def assert_close(a, b, tol=None):
    """Tensors (in nested tuples) with the same values: to rounding error for
    the dtype unless a tolerance is given. Anything else must be equal."""
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_close(x, y, tol)
    elif isinstance(b, torch.Tensor):
        assert a is not None, f"tinytorch gave None, torch {b}"
        if b._is_zerotensor():  # torch's lazy zeros cannot be read as an array
            b = torch.zeros(b.shape, dtype=b.dtype)
        if tol is None:
            tol = 1e-6 if b.dtype == torch.float32 else 1e-12
        assert_same_values(a, b, rtol=tol, atol=tol)
    else:
        assert a == b


# -- .grad ------------------------------------------------------------------------------
def test_grad_accumulates_across_backward_calls_and_resets_to_none():
    def run(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        grads = []
        (x * x).sum().backward()
        grads.append(x.grad.clone())
        (x * 3).sum().backward()
        grads.append(x.grad.clone())
        x.grad = None
        (x ** 3).sum().backward()
        grads.append(x.grad)
        return grads

    assert_close(*run_in_both(run))


def test_grad_is_a_copy_not_an_alias_of_the_gradient_given():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([3.0, 4.0], requires_grad=True)
        g = m.tensor([1.0, 1.0])
        (x + y).backward(g)  # the same gradient reaches both leaves
        (x + y).backward(g)
        return x.grad, y.grad, g

    assert_close(*run_in_both(run))


def test_grad_of_leaf_used_as_output():
    assert_close(*run_in_both(lambda m: (lambda x: (x.backward(m.tensor([2.0, 3.0])), x.grad)[1])(
        m.tensor([1.0, 1.0], requires_grad=True))))


def test_retain_graph_allows_a_second_backward():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).exp().sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad

    assert_close(*run_in_both(run))


def test_second_backward_without_saved_tensors_works_as_in_torch():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        z = (x + 1).sum()
        z.backward()
        z.backward()  # AddBackward0 and SumBackward0 saved nothing: torch allows it
        return x.grad

    assert_close(*run_in_both(run))


def test_backward_with_inputs_accumulates_only_there():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, 4.0], requires_grad=True)
        h = x * w
        out = (h * h).sum()
        out.backward(inputs=[w, h], retain_graph=True)
        first = (x.grad, w.grad.clone(), h.grad.clone(), h.retains_grad)
        out.backward(inputs=x)
        return first + (x.grad, w.grad)

    assert_close(*run_in_both(run))


def test_backward_gradient_is_cast_to_the_output_dtype():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).backward(m.tensor([1.0, 3.0], dtype=m.float64))
        return x.grad

    assert_close(*run_in_both(run))


def test_layout_of_grad_follows_the_leaf():
    def run(m):
        x = m.ones(3, 2).t().requires_grad_()  # a transposed leaf
        (x * m.arange(6.0).view(2, 3)).sum().backward()
        return x.grad

    tt, th = run_in_both(run)
    assert_close(tt, th)
    assert tt.stride() == th.stride()


def test_grads_from_cat_are_slices_of_one_gradient_as_in_torch():
    """cat's backward hands each input a slice of the incoming gradient; the engine
    takes each slice as that leaf's .grad (PyTorch "steals" a gradient nothing else
    holds), so the .grads share one memory, at torch's offsets."""
    seen = []
    for m in (tinytorch, torch):
        a, b = m.ones(2, requires_grad=True), m.ones(3, requires_grad=True)
        m.cat([a, b]).backward(m.arange(5.0))
        shared = a.grad.untyped_storage().data_ptr() == b.grad.untyped_storage().data_ptr() \
            if m is torch else a.grad._storage is b.grad._storage
        seen.append((a.grad.tolist(), a.grad.storage_offset(), b.grad.storage_offset(), b.grad.stride(), shared))
    assert seen[0] == seen[1]


# -- autograd.grad ------------------------------------------------------------------------
def test_grad_returns_a_tuple_and_leaves_dot_grad_alone():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([0.5, -1.0], requires_grad=True)
        y = (x * w).exp()
        g = m.autograd.grad(y.sum(), [x, w], retain_graph=True)
        assert isinstance(g, tuple) and x.grad is None and w.grad is None
        h = m.autograd.grad([y[0], y[1] * 2], x, grad_outputs=[m.tensor(2.0), None])
        return g + h

    assert_close(*run_in_both(run))


def test_grad_allow_unused_and_materialize_grads():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        unused = m.tensor([1.0], requires_grad=True)
        a = m.autograd.grad((x * 2).sum(), [x, unused], allow_unused=True)
        b = m.autograd.grad((x * 2).sum(), [x, unused], materialize_grads=True)
        return a + b

    assert_close(*run_in_both(run))


def test_grad_of_an_intermediate_value():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        z = (y * y).sum()
        return m.autograd.grad(z, y, retain_graph=True) + m.autograd.grad(z, [x, y])

    assert_close(*run_in_both(run))


def test_third_derivative_of_cube():
    def run(m):
        x = m.tensor([2.0, -1.5], requires_grad=True)
        (d1,) = m.autograd.grad((x ** 3).sum(), x, create_graph=True)
        (d2,) = m.autograd.grad(d1.sum(), x, create_graph=True)
        (d3,) = m.autograd.grad(d2.sum(), x)
        return d1, d2, d3, repr(d1), repr(d2)

    (tt, th) = run_in_both(run)
    assert_close(tt[:3], th[:3])
    assert tt[3:] == tuple(r.replace("torch.", "tinytorch.") for r in th[3:])


def test_backward_with_create_graph_gives_differentiable_grad():
    def run(m):
        x = m.tensor([5.0], requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            (x ** 2).backward(create_graph=True)
            first = x.grad
            (x ** 2).backward(create_graph=True)
        (second,) = m.autograd.grad(x.grad, x)
        return first, second, x.grad, tinytorch_name(x.grad.grad_fn), tinytorch_name(first.grad_fn)

    tt, th = run_in_both(run)
    assert_close(tt[:3], th[:3])
    assert tt[3:] == th[3:]  # AddBackward0 (the second .grad is a sum) and CopyBackwards (the first, a copy)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_second_derivatives_match_torch(case):
    """For every op: the gradient computed with create_graph=True, weighted and
    summed, differentiated again. Where tinytorch's first gradient has no
    history (its derivative is zero, e.g. relu), torch's second one must be zero."""
    arrays = make_inputs(case)

    def first_gradients(m):
        leaves = [m.tensor(a.copy(), requires_grad=True) for a in arrays]
        out = case.fn(m, *leaves)
        seed = m.tensor(np.random.default_rng(2).standard_normal(tuple(out.shape)), dtype=out.dtype)
        return leaves, m.autograd.grad(out, leaves, seed, create_graph=True, allow_unused=True)

    def second_gradients(m, leaves, firsts, mask):
        total = m.zeros((), dtype=m.float64)
        for g, use in zip(firsts, mask):
            if use:
                total = total + (g * m.tensor(np.linspace(-1, 1, g.numel()).reshape(tuple(g.shape)))).sum()
        return m.autograd.grad(total, leaves, allow_unused=True)

    tt_leaves, tt_first = first_gradients(tinytorch)
    th_leaves, th_first = first_gradients(torch)
    assert_close(tt_first, th_first, 1e-10)
    mask = [g is not None and g.requires_grad for g in tt_first]
    th_mask = [g is not None and g.requires_grad for g in th_first]
    if any(mask):
        tt_second = second_gradients(tinytorch, tt_leaves, tt_first, mask)
        th_second = second_gradients(torch, th_leaves, th_first, mask)
        for a, b in zip(tt_second, th_second):
            if a is None or b is None:  # one side knows the gradient is zero without computing it
                assert all(t is None or bool((t == 0).all()) for t in (a, b))
            else:
                assert_close(a, b, 1e-10)
    skipped = [u and not v for u, v in zip(th_mask, mask)]
    if any(skipped):
        for g in second_gradients(torch, th_leaves, th_first, skipped):
            assert g is None or bool((g == 0).all()), "tinytorch's first gradient lost a history torch has"


# -- hooks and retain_grad -----------------------------------------------------------
def test_tensor_hooks_replace_gradients_in_order_with_retain_grad_last():
    def run(m):
        log = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: log.append(("first", to_numpy(g))) or g * 10)
        y.retain_grad()
        handle = y.register_hook(lambda g: log.append(("second", to_numpy(g))))
        y.register_hook(lambda g: g + 1)
        x.register_hook(lambda g: log.append(("leaf", to_numpy(g))) or g * -1)
        y.sum().backward(retain_graph=True)
        first = (x.grad.clone(), y.grad.clone())
        handle.remove()
        y.sum().backward()
        return log, first, x.grad, y.grad

    (tt_log, *tt), (th_log, *th) = run_in_both(run)
    assert_close(tt, th)
    assert [e[0] for e in tt_log] == [e[0] for e in th_log]
    for a, b in zip(tt_log, th_log):
        np.testing.assert_array_equal(a[1], b[1])


def test_grad_of_tensors_with_hooks():
    """autograd.grad sees a tensor hook's change when the tensor's node need not
    run, and the gradient before the hooks when it runs on the way to another
    input (PyTorch's capture order); retain_grad fills .grad on the way."""
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.register_hook(lambda g: g * 10)
        y = x * 3
        y.register_hook(lambda g: g + 1)
        z = (y * y).sum()
        results = [m.autograd.grad(z, y, retain_graph=True), m.autograd.grad(z, [y, x], retain_graph=True)]
        y.retain_grad()
        results.append(m.autograd.grad(z, x, retain_graph=True))
        results.append(y.grad)
        return results

    assert_close(*run_in_both(run))


def test_retain_grad_accumulates_and_survives_an_inplace_op():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        (y * y).sum().backward(retain_graph=True)
        (y * 2).sum().backward()
        z = x * 1
        z.retain_grad()
        z.mul_(2)
        (z * z).sum().backward()
        return y.grad, z.grad, y.retains_grad, z.retains_grad, x.retains_grad

    assert_close(*run_in_both(run))


def test_retain_grad_on_leaf_changes_nothing():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        x.retain_grad()
        (x * 2).sum().backward()
        return x.grad, x.retains_grad

    assert_close(*run_in_both(run))


def test_non_leaf_grad_warns_and_is_none():
    for m in LIBS:
        y = m.tensor([1.0], requires_grad=True) * 2
        with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
            assert y.grad is None


# -- grad modes ------------------------------------------------------------------------------
def test_grad_modes_as_context_managers_and_decorators():
    def run(m):
        x = m.tensor([1.0], requires_grad=True)
        seen = []
        with m.no_grad():
            seen.append((x * 2).requires_grad)
            with m.enable_grad():
                seen.append((x * 2).requires_grad)
            seen.append(m.is_grad_enabled())
        with m.set_grad_enabled(False):
            seen.append((x * 2).requires_grad)
        seen.append(m.is_grad_enabled())

        @m.no_grad()
        def off():
            return (x * 2).requires_grad

        @m.enable_grad()
        def on():
            return (x * 2).requires_grad

        @m.set_grad_enabled(False)
        def off_too():
            return m.is_grad_enabled()

        seen += [off(), m.is_grad_enabled(), off_too(), m.is_grad_enabled()]
        with m.no_grad():
            seen.append(on())
        m.set_grad_enabled(False)  # a plain call switches at once
        seen.append(m.is_grad_enabled())
        m.set_grad_enabled(True)
        return seen

    tt, th = run_in_both(run)
    assert tt == th


def test_detach_detach_inplace_and_data():
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        d = y.detach()
        d2 = y.data
        shares = (d.data_ptr() == y.data_ptr(), d2.data_ptr() == y.data_ptr())
        flags = (d.requires_grad, d.is_leaf, d.grad_fn is None, d2.requires_grad)
        z = x * 3
        z.detach_()
        flags += (z.requires_grad, z.grad_fn is None, z.is_leaf)
        d.add_(1)  # writes through to y: they share memory (and the version counter)
        return shares, flags, to_numpy(y).tolist(), y._version

    assert run_in_both(run)[0] == run_in_both(run)[1]


def test_version_counter_is_shared_by_views_and_bumped_by_every_write():
    def run(m):
        x = m.zeros(2, 3)
        v = x[0]
        versions = [x._version]
        v.add_(1)
        versions.append(x._version)
        x[1] = 5
        versions.append(v._version)
        x.t().mul_(2)
        x.detach().zero_()
        versions += [x._version, v._version]
        return versions

    tt, th = run_in_both(run)
    assert tt == th


# -- the engine ------------------------------------------------------------------------------
def _execution_order(m, build):
    """Names of the nodes in the order the engine runs them (via prehooks)."""
    order = []
    out = build(m)
    seen = set()
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        node.register_prehook(lambda g, n=node: order.append(tinytorch_name(n)))
        stack.extend(nxt for nxt, _ in node.next_functions)
    out.backward(m.ones(tuple(out.shape)))
    return order


def _diamond(m, x=None, w=None):
    x = m.tensor([1.0, 2.0], requires_grad=True) if x is None else x
    w = m.tensor([3.0, 4.0], requires_grad=True) if w is None else w
    a = x * w
    b = a.exp()
    c = a.sin()
    d = (b + c * x)[1:]
    return m.cat([d, a.sum(0, keepdim=True)]).tanh()


def test_each_node_runs_once_in_torchs_order():
    tt, th = _execution_order(tinytorch, _diamond), _execution_order(torch, _diamond)
    assert tt == th
    assert tt.count("MulBackward0") == 2  # a = x * w and c * x: each runs once (a feeds three nodes)


def test_a_chain_of_100000_ops():
    x = tinytorch.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.tolist() == [1.0]


def test_saved_tensors_are_released_after_backward():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    y.sum().backward(retain_graph=True)
    assert node._saved  # kept
    y.sum().backward()
    assert node._saved == ()  # released


def test_step_mode_matches_backward():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    w = tinytorch.tensor([3.0, 4.0], requires_grad=True)
    out = _diamond(tinytorch, x, w)
    seed = tinytorch.ones(out.shape)
    steps = list(backward_steps([gradient_edge(out)], [seed]))
    stepped = [x.grad.clone(), w.grad.clone()]

    assert [s.node.name() for s in steps] == _execution_order(tinytorch, _diamond)
    x.grad = w.grad = None
    _diamond(tinytorch, x, w).backward(seed)
    assert x.grad.tolist() == stepped[0].tolist() and w.grad.tolist() == stepped[1].tolist()

    for step in steps:
        assert len(step.grad_inputs) == len(step.next_functions) == len(step.node.next_functions)
        assert len(step.grad_outputs) == 1
    # what a node sent along an edge is what the node at its end received (summed)
    received = {}
    for step in steps:
        for (nxt, _), g in zip(step.next_functions, step.grad_inputs):
            if nxt is not None and g is not None:
                received[nxt] = received.get(nxt, 0) + to_numpy(g)
    for step in steps[1:]:
        np.testing.assert_allclose(to_numpy(step.grad_outputs[0]), received[step.node])


def test_step_mode_leaves_grad_mode_alone_between_steps():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    out = (x * x).sum()
    steps = backward_steps([gradient_edge(out)], [tinytorch.ones(())], create_graph=True)
    next(steps)
    assert tinytorch.is_grad_enabled()
    with tinytorch.no_grad():
        next(steps)
        assert not tinytorch.is_grad_enabled()
    list(steps)
    assert x.grad.requires_grad  # create_graph: the gradient has a history


def test_writes_through_data_are_hidden_from_the_version_check_like_torch():
    # PyTorch gives `.data` its own version counter: the saved w is changed under
    # autograd's feet without an error, and backward uses the new values.
    results = {}
    for lib in (tinytorch, torch):
        w = lib.ones(3, requires_grad=True)
        y = (w * w).sum()
        w.data.mul_(2)
        w.data[1:][0] = 5.0  # a view of .data writes the same way
        y.backward()
        results[lib] = w.grad, w._version
    (tt_grad, tt_version), (th_grad, th_version) = results[tinytorch], results[torch]
    oracle.assert_same(tt_grad, th_grad)
    assert tt_version == th_version


def test_writes_through_data_still_reach_storage_listeners():
    w = tinytorch.ones(3, requires_grad=True)
    seen = []

    def listener(storage):
        seen.append(storage[0])

    w._storage.add_listener(listener)
    w.data.fill_(7.0)
    assert seen == [7.0]
