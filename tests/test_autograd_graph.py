"""The recorded graph against PyTorch: for every differentiable op, the grad_fn
node names, the whole next_functions structure below the output, the forward
values and the .grad of every leaf after backward with the same gradient.
Also the attributes that describe a graph: requires_grad, is_leaf, grad_fn,
AccumulateGrad.variable, name(), reprs, node hooks and metadata."""
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils._python_dispatch import TorchDispatchMode

import tinytorch
from autograd_cases import CASES, make_inputs, structure
from oracle import assert_same_values, to_numpy


def build(lib, case, arrays):
    leaves = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    return leaves, case.fn(lib, *leaves)


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_graph_values_and_gradients_match_torch(case):
    arrays = make_inputs(case)
    tt_leaves, tt_out = build(tinytorch, case, arrays)
    th_leaves, th_out = build(torch, case, arrays)

    if case.name.startswith("einsum"):
        # tinytorch's einsum multiplies broadcast operands and sums (ops/matrices.py);
        # torch contracts them pair by pair with bmm, so its graph has other nodes
        # (docs/api.md lists this difference). Values and gradients still match.
        assert structure(tt_out.grad_fn) != structure(th_out.grad_fn)
    else:
        assert structure(tt_out.grad_fn) == structure(th_out.grad_fn)
    assert tt_out.requires_grad and not tt_out.is_leaf
    assert_same_values(tt_out, th_out, rtol=1e-12, atol=1e-12)

    seed = np.random.default_rng(1).standard_normal(tuple(th_out.shape))
    th_out.backward(torch.tensor(seed, dtype=th_out.dtype))
    tt_out.backward(tinytorch.tensor(seed, dtype=tt_out.dtype))
    for tt_leaf, th_leaf in zip(tt_leaves, th_leaves):
        assert (tt_leaf.grad is None) == (th_leaf.grad is None)
        if th_leaf.grad is not None:
            assert_same_values(tt_leaf.grad, th_leaf.grad, rtol=1e-10, atol=1e-12)
            assert tt_leaf.grad.stride() == th_leaf.grad.stride()


@pytest.mark.parametrize("case", [c for c in CASES if not c.name.startswith("einsum")], ids=repr)
def test_a_node_called_by_hand_answers_as_torchs(case):
    """node(grad) gives the gradients of the node's inputs, as lesson 15's engine uses it:
    a lone tensor for a node of one input, else a tuple (None where an input needs none)."""
    arrays = make_inputs(case)
    answers = []
    for lib in (tinytorch, torch):
        _, out = build(lib, case, arrays)
        with lib.no_grad():
            try:
                answers.append(out.grad_fn(lib.ones_like(out)))
            except TypeError as error:  # a node of several outputs takes a gradient for each
                answers.append(error)
    got, expected = answers
    if isinstance(expected, TypeError):
        assert str(got) == str(expected)
        return
    assert type(got) is tuple if type(expected) is tuple else not isinstance(got, tuple)
    for g, e in zip(*(a if type(a) is tuple else (a,) for a in answers)):
        if e is None:
            assert g is None
        else:
            assert_same_values(g, e, rtol=1e-12, atol=1e-12)


def test_requires_grad_kwarg_property_and_method():
    for lib in (tinytorch, torch):
        a = lib.ones(2, requires_grad=True)
        b = lib.ones(2)
        assert a.requires_grad and not b.requires_grad
        b.requires_grad = True
        assert b.requires_grad
        assert b.requires_grad_(False) is b and not b.requires_grad
        assert b.requires_grad_() is b and b.requires_grad
        assert a.is_leaf and b.is_leaf and a.grad_fn is None
        c = a * b
        assert not c.is_leaf and c.requires_grad and c.grad_fn is not None
        assert lib.ones(2).is_leaf  # a tensor that needs no grad is a leaf too
        d = a.detach() * 2
        assert d.is_leaf and not d.requires_grad and d.grad_fn is None


def test_ops_on_tensors_without_grad_record_nothing():
    a = tinytorch.ones(2, 3)
    out = (a * 2).exp().sum(0)[1:]
    assert out.grad_fn is None and not out.requires_grad and out.is_leaf


def test_accumulate_grad_node():
    for lib in (tinytorch, torch):
        x = lib.ones(3, requires_grad=True)
        y = x * 2
        z = x + 1
        acc, nr = y.grad_fn.next_functions[0]
        assert nr == 0 and acc.variable is x
        assert z.grad_fn.next_functions[0][0] is acc  # one node per leaf, shared
        assert acc.next_functions == ()
    tt_acc = (tinytorch.ones(1, requires_grad=True) * 2).grad_fn.next_functions[0][0]
    th_acc = (torch.ones(1, requires_grad=True) * 2).grad_fn.next_functions[0][0]
    assert tt_acc.name() == th_acc.name().replace("torch::", "tinytorch::")
    assert re.fullmatch(r"<AccumulateGrad object at 0x[0-9a-f]+>", repr(tt_acc))
    assert re.fullmatch(r"<AccumulateGrad object at 0x[0-9a-f]+>", repr(th_acc))


def test_node_name_and_repr():
    for lib in (tinytorch, torch):
        z = lib.ones(2, requires_grad=True) * 3
        assert z.grad_fn.name() == "MulBackward0"
        assert re.fullmatch(r"<MulBackward0 object at 0x[0-9a-f]+>", repr(z.grad_fn))
        assert z.grad_fn.metadata == {}
        z.grad_fn.metadata["note"] = 1
        assert z.grad_fn.metadata == {"note": 1}


@pytest.mark.parametrize("make", [
    lambda m: m.tensor([1.0, 2.0], requires_grad=True),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True) * 2,
    lambda m: m.tensor([[1.0, 2.0]], requires_grad=True).sum(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True)[0],
    lambda m: m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True).exp(),
    lambda m: (m.tensor([1.0, 2.0], requires_grad=True) * 1).copy_(m.ones(2)),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).detach(),
    lambda m: m.tensor([1.0, 2.0], requires_grad=True).data,
])
def test_tensor_repr_shows_grad_fn_or_requires_grad(make):
    assert repr(make(tinytorch)) == repr(make(torch)).replace("torch.", "tinytorch.")


def test_node_hooks_run_with_torchs_arguments():
    def run(lib):
        calls = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        z = y.sum()
        pre = y.grad_fn.register_prehook(lambda grad_outputs: calls.append(("pre", to_numpy(grad_outputs[0]))))
        post = y.grad_fn.register_hook(
            lambda grad_inputs, grad_outputs: calls.append(
                ("post", to_numpy(grad_inputs[0]), to_numpy(grad_outputs[0]), grad_inputs[1])
            )
        )
        z.backward(retain_graph=True)
        pre.remove()
        post.remove()
        z.backward()
        return calls, to_numpy(x.grad)

    (tt_calls, tt_grad), (th_calls, th_grad) = run(tinytorch), run(torch)
    assert [c[0] for c in tt_calls] == [c[0] for c in th_calls] == ["pre", "post"]
    for a, b in zip(tt_calls, th_calls):
        for u, v in zip(a[1:], b[1:]):
            if v is None:  # the second input (the number 3) gets no gradient
                assert u is None
            else:
                np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(tt_grad, th_grad)


def test_node_hooks_can_replace_gradients():
    def run(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.grad_fn.register_prehook(lambda grad_outputs: (grad_outputs[0] * 10,))
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1, None))
        y.sum().backward()
        return to_numpy(x.grad)

    np.testing.assert_array_equal(run(tinytorch), run(torch))


def test_accumulate_grad_post_hook():
    def run(lib):
        seen = []
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        acc = y.grad_fn.next_functions[0][0]
        acc.register_hook(lambda grad_inputs, grad_outputs: seen.append((len(grad_inputs), to_numpy(grad_outputs[0]))))
        y.sum().backward()
        return seen

    (tt,), (th,) = run(tinytorch), run(torch)
    assert tt[0] == th[0]
    np.testing.assert_array_equal(tt[1], th[1])


def test_output_nr_of_multi_output_nodes():
    for lib in (tinytorch, torch):
        x = lib.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
        values, indices = x.max(1)
        assert values.output_nr == 0 and not indices.requires_grad


@pytest.mark.parametrize("fn", [
    lambda m, x: x.max(),
    lambda m, x: x.min(),
    lambda m, x: x.max(1).values,
    lambda m, x: x.max(0, keepdim=True)[0],
    lambda m, x: x.min(1).values,
    lambda m, x: m.maximum(x, x.detach()[[1, 0]]),
    lambda m, x: m.minimum(x, m.full((2, 3), 3.0)),
    lambda m, x: x.clamp(0.0, 3.0),
    lambda m, x: x.relu(),
    lambda m, x: (x - 3).abs(),
    lambda m, x: m.where(x > 2, x, x * 2),
], ids=["max", "min", "max-dim", "max-keepdim", "min-dim", "maximum", "minimum", "clamp", "relu", "abs", "where"])
def test_ties_and_kinks_share_gradients_as_torch_does(fn):
    """With no dim, max/min split the gradient evenly among tied elements; with
    a dim it goes to the index returned; at a kink (relu at 0, clamp at a bound)
    the gradient is what torch defines."""
    values = [[3.0, 0.0, 3.0], [3.0, -1.0, 3.0]]
    grads = []
    for m in (tinytorch, torch):
        x = m.tensor(values, requires_grad=True)
        out = fn(m, x)
        out.backward(m.ones(tuple(out.shape)) * 2)
        grads.append(x.grad)
    assert_same_values(grads[0], grads[1])


@pytest.mark.parametrize("case", [c for c in CASES if not c.name.startswith("einsum")], ids=repr)
def test_saved_tensor_names_are_torchs(case):
    """The name GraphView shows for each saved tensor is torch's: saved_tensor_names[i]
    is the `name` whose grad_fn._raw_saved_<name> holds raw_saved_tensors[i]."""
    arrays = make_inputs(case)
    _, tt_out = build(tinytorch, case, arrays)
    _, th_out = build(torch, case, arrays)
    node, torch_node = tt_out.grad_fn, th_out.grad_fn
    for name, saved in zip(node.saved_tensor_names, node.raw_saved_tensors):
        if name is None:
            continue
        got, expected = saved.tensor, getattr(torch_node, f"_raw_saved_{name}").data
        if name in ("U", "Vh"):  # singular vectors are unique up to their signs, which LAPACKs choose apart
            got, expected = got.abs(), expected.abs()
        assert_same_values(got, expected, rtol=1e-12, atol=1e-12)


def test_raw_saved_tensors_and_freed_flag_agree_with_torch():
    """What a node holds for backward, read without unpacking: the tensors that
    torch's grad_fn._raw_saved_* hold, flagged as modified in place exactly where
    torch's grad_fn._saved_* raises, and freed exactly where it raises that."""
    def build(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        w = lib.tensor([3.0, 4.0])  # needs no grad: it may be written in place
        y = (x * w).exp()
        return w, y, y.grad_fn.next_functions[0][0]

    w, y, mul = build(tinytorch)
    tw, ty, tmul = build(torch)
    # MulBackward0 keeps the other factor (x's gradient needs it), ExpBackward0 its result.
    assert tmul._saved_self is None
    assert [s.tensor.tolist() for s in mul.raw_saved_tensors] == [tmul._raw_saved_other.data.tolist()]
    assert [s.tensor.tolist() for s in y.grad_fn.raw_saved_tensors] == [ty.grad_fn._raw_saved_result.data.tolist()]
    assert not any(s.modified_in_place for s in mul.raw_saved_tensors + y.grad_fn.raw_saved_tensors)

    w.mul_(2)
    tw.mul_(2)
    (saved,) = mul.raw_saved_tensors
    assert saved.modified_in_place and saved.tensor._version == tw._version == 1
    assert saved.tensor.tolist() == tmul._raw_saved_other.data.tolist()  # both hold the new values
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        tmul._saved_other
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        mul.saved_tensors
    assert not y.grad_fn.raw_saved_tensors[0].modified_in_place  # the exp result was not touched
    ty.grad_fn._saved_result

    for retain in (True, False):
        _, y, mul = build(tinytorch)
        _, ty, tmul = build(torch)
        y.sum().backward(retain_graph=retain)
        ty.sum().backward(retain_graph=retain)
        assert mul.saved_tensors_freed is y.grad_fn.saved_tensors_freed is (not retain)
        if retain:
            assert len(mul.raw_saved_tensors) == 1 and tmul._saved_other is not None
        else:
            assert mul.raw_saved_tensors == () and y.grad_fn.raw_saved_tensors == ()
            with pytest.raises(RuntimeError, match="after they have already been freed"):
                tmul._saved_other
            with pytest.raises(RuntimeError, match="after they have already been freed"):
                mul.saved_tensors


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_leafs_grad_is_laid_out_like_the_leaf_as_in_torch(data):
    """A dense leaf's .grad copies its strides exactly (those of size-1 dims too, which
    never matter for addressing); a leaf with gaps or overlaps gets a row-major .grad."""
    shape = data.draw(st.lists(st.integers(1, 3), max_size=4).map(tuple), label="shape")
    order = data.draw(st.permutations(range(len(shape))), label="memory order")
    stride, step = [0] * len(shape), 1
    for d in reversed(order):
        stride[d] = step
        step *= shape[d]
    for d, size in enumerate(shape):
        if size == 1:
            stride[d] = data.draw(st.integers(0, 40), label=f"stride of size-1 dim {d}")
    spread = data.draw(st.sampled_from([1, 1, 2, 0]), label="stride factor (2: gaps, 0: overlapping)")
    stride = tuple(s * spread for s in stride)
    extent = 1 + sum((n - 1) * s for n, s in zip(shape, stride))
    weights = np.random.default_rng(0).standard_normal(shape)
    grads = []
    for lib in (tinytorch, torch):
        leaf = lib.arange(float(extent)).as_strided(shape, stride).detach().requires_grad_()
        (leaf * lib.tensor(weights, dtype=leaf.dtype)).sum().backward()
        grads.append(leaf.grad)
    assert_same_values(grads[0], grads[1])
    assert grads[0].stride() == grads[1].stride()


class _InplaceOps(TorchDispatchMode):
    """Logs the in-place aten ops torch runs: CopySlices hides which node it wraps."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if func.overloadpacket.__name__.endswith("_"):
            self.ops.append(str(func))
        return func(*args, **(kwargs or {}))


NODE_OF_TORCH_OP = {
    "aten.fill_.Tensor": "FillBackward3",
    "aten.copy_.default": "CopyBackwards",
    "aten.index_put_.default": "IndexPutBackward0",
}


@pytest.mark.parametrize("write", [
    "c[1] = 5", "c[0, 0] = 5", "c[1:] = 5.0", "c[None] = 5", "c[1] = v", "c[0, 1] = v", "c[1] = b[0]",
    "c[1] = b[:1]", "c[1] = b[0, :1]", "c[0, [0, 1]] = v", "c[0][c[0] > 0] = 5",
])
def test_copy_slices_wraps_the_node_of_torchs_inplace_op(write):
    """c[index] = value writes through a view of c: c's grad_fn becomes a
    CopySlices around the node of the op that wrote (fill_ for a one-element
    value, copy_ for a tensor, index_put_ for an advanced index)."""
    names = []
    for lib in (tinytorch, torch):
        a = lib.ones(2, 3, requires_grad=True)
        env = {"c": a * 2, "b": a * 3, "v": lib.tensor(3.0, requires_grad=True)}
        if lib is torch:
            with _InplaceOps() as log:
                exec(write, env)
            names.append(NODE_OF_TORCH_OP[log.ops[-1]])
        else:
            exec(write, env)
            names.append(type(env["c"].grad_fn.fn).__name__)
        assert env["c"].grad_fn.name().endswith("CopySlices")
    assert names[0] == names[1]
