"""What a node saved for backward reads as in PyTorch: `y.grad_fn._saved_self`,
`_saved_other`, `_saved_result`, `_saved_alpha` ...

A node declares PyTorch's names for what its op saved (Node.saved_names, in input
order) and keeps settings such as alpha as attributes; `_saved_<name>` reads either.
For each op below, every `_saved_*` attribute torch's node has must exist on
tinytorch's with the same value (None where torch saved nothing), and freed saved
tensors raise torch's error once backward has run.
"""
import numpy as np
import pytest
import torch

import tinytorch
import oracle
from oracle import assert_same

RNG = np.random.default_rng(7)
A = RNG.uniform(0.5, 2.0, (2, 3)).astype(np.float32)
B = RNG.uniform(0.5, 2.0, (3,)).astype(np.float32)

# (name, how to make the output from leaves a and b (b broadcasts), which leaves require grad)
CASES = [
    ("add", lambda lib, a, b: a + b, "ab"),
    ("add alpha", lambda lib, a, b: lib.add(a, b, alpha=3), "ab"),
    ("sub", lambda lib, a, b: a - b, "ab"),
    ("rsub", lambda lib, a, b: 2 - a, "a"),
    ("mul", lambda lib, a, b: a * b, "ab"),
    ("mul, only a", lambda lib, a, b: a * b, "a"),
    ("mul, only b", lambda lib, a, b: a * b, "b"),
    ("mul by a number", lambda lib, a, b: a * 2.5, "a"),
    ("mul of a number", lambda lib, a, b: lib.mul(2, b), "b"),
    ("div", lambda lib, a, b: a / b, "ab"),
    ("div rounded", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), "ab"),
    ("div rounded by a number", lambda lib, a, b: lib.div(a, 2, rounding_mode="trunc"), "a"),
    ("div, only a", lambda lib, a, b: a / b, "a"),
    ("div by a number", lambda lib, a, b: a / 4, "a"),
    ("div of a number", lambda lib, a, b: lib.div(2, b), "b"),
    ("remainder", lambda lib, a, b: lib.remainder(a, b), "ab"),
    ("remainder, only a", lambda lib, a, b: lib.remainder(a, b), "a"),
    ("remainder, only b", lambda lib, a, b: lib.remainder(a, b), "b"),
    ("div rounded, only a", lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"), "a"),
    ("div rounded, only b", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"), "b"),
    ("pow, only a", lambda lib, a, b: a ** b, "a"),
    ("pow, only b", lambda lib, a, b: a ** b, "b"),
    ("maximum, only b", lambda lib, a, b: lib.maximum(a, b), "b"),
    ("where, only a", lambda lib, a, b: lib.where(a > 1, a, b), "a"),
    ("clamp by tensors, only the bounds", lambda lib, a, b: a.clamp(b * 0.9, b * 1.1), "b"),
    ("mm, only the second", lambda lib, a, b: lib.ones(2, 2).mm(a), "a"),
    ("mv, only the vector", lambda lib, a, b: a.detach() @ b, "b"),
    ("pow by a number", lambda lib, a, b: a ** 3, "a"),
    ("pow", lambda lib, a, b: a ** b, "ab"),
    ("pow of a number", lambda lib, a, b: 2 ** b, "b"),
    ("exp", lambda lib, a, b: a.exp(), "a"),
    ("log", lambda lib, a, b: a.log(), "a"),
    ("sqrt", lambda lib, a, b: a.sqrt(), "a"),
    ("sin", lambda lib, a, b: a.sin(), "a"),
    ("cos", lambda lib, a, b: a.cos(), "a"),
    ("tanh", lambda lib, a, b: a.tanh(), "a"),
    ("sigmoid", lambda lib, a, b: a.sigmoid(), "a"),
    ("relu", lambda lib, a, b: a.relu(), "a"),
    ("abs", lambda lib, a, b: a.abs(), "a"),
    ("reciprocal", lambda lib, a, b: a.reciprocal(), "a"),
    ("clamp by numbers", lambda lib, a, b: a.clamp(0.8, 1.5), "a"),
    ("clamp by tensors", lambda lib, a, b: a.clamp(b * 0.9, b * 1.1), "ab"),
    ("where", lambda lib, a, b: lib.where(a > 1, a, b), "ab"),
    ("maximum", lambda lib, a, b: lib.maximum(a, b), "ab"),
    ("dot", lambda lib, a, b: b.dot(b * 2), "b"),
    ("dot, only the second", lambda lib, a, b: a[0].detach().dot(b), "b"),
    ("mv, only the matrix", lambda lib, a, b: a @ b, "a"),
    ("mv (matmul of a matrix and a vector)", lambda lib, a, b: a @ b, "ab"),
    ("mm", lambda lib, a, b: a.mm(a.t()), "a"),
    ("mm, only a", lambda lib, a, b: a.mm(lib.ones(3, 2)), "a"),
    ("mm of transposed inputs", lambda lib, a, b: a.t().mm(a * 2), "a"),  # column-major: strides kept
    ("sum", lambda lib, a, b: a.sum(), "a"),
    ("sum dim", lambda lib, a, b: a.sum(1), "a"),
    ("mean", lambda lib, a, b: a.mean(), "a"),
    ("mean dim", lambda lib, a, b: a.mean(0, keepdim=True), "a"),
    ("prod", lambda lib, a, b: a.prod(), "a"),
    ("prod dim", lambda lib, a, b: a.prod(1), "a"),
    ("max", lambda lib, a, b: a.max(), "a"),
    ("min dim", lambda lib, a, b: a.min(1)[0], "a"),
    # dims counted from the end: PyTorch saves the argument as given, and reads a
    # negative one back as unsigned (dim=-1 is 18446744073709551615)
    ("sum dim from the end", lambda lib, a, b: a.sum(-1), "a"),
    ("mean dims from the end", lambda lib, a, b: a.mean((-1, 0)), "a"),
    ("prod dim from the end", lambda lib, a, b: a.prod(-1), "a"),
    ("max dim from the end", lambda lib, a, b: a.max(-1)[0], "a"),
    # views
    ("view", lambda lib, a, b: a.view(3, 2), "a"),
    ("reshape of a transposed tensor", lambda lib, a, b: a.t().reshape(6), "a"),
    ("transpose", lambda lib, a, b: a.transpose(0, 1), "a"),
    ("transpose from the end", lambda lib, a, b: a.transpose(-1, -2), "a"),
    ("t", lambda lib, a, b: a.t(), "a"),
    ("permute", lambda lib, a, b: a.permute(1, 0), "a"),
    ("permute from the end", lambda lib, a, b: a.permute(-1, 0), "a"),
    ("expand", lambda lib, a, b: b.expand(4, 3), "b"),
    ("unsqueeze", lambda lib, a, b: a.unsqueeze(1), "a"),
    ("unsqueeze from the end", lambda lib, a, b: a.unsqueeze(-1), "a"),
    ("squeeze", lambda lib, a, b: a.unsqueeze(1).squeeze(), "a"),
    ("squeeze a dim", lambda lib, a, b: a.unsqueeze(1).squeeze(-2), "a"),
    ("squeeze dims", lambda lib, a, b: a.unsqueeze(1).squeeze((0, -2)), "a"),
    ("select", lambda lib, a, b: a[1], "a"),
    ("select from the end", lambda lib, a, b: a.select(-1, -1), "a"),
    ("slice", lambda lib, a, b: a[:, 1:], "a"),
    ("slice with a step", lambda lib, a, b: a[:, ::2], "a"),
    ("slice from the end", lambda lib, a, b: a[:, -2:-1], "a"),
    ("slice past the end", lambda lib, a, b: a[:, 1:100], "a"),
    ("narrow", lambda lib, a, b: a.narrow(-1, -2, 1), "a"),
    ("as_strided", lambda lib, a, b: a.as_strided((2, 2), (1, 2), 1), "a"),
    ("as_strided, no offset", lambda lib, a, b: a.as_strided((2, 2), (1, 2)), "a"),
    ("flatten", lambda lib, a, b: a.flatten(), "a"),
    ("unflatten", lambda lib, a, b: b.unflatten(0, (3, 1)), "b"),
    # indexing, joining, copying
    ("index", lambda lib, a, b: a[lib.tensor([1, 0])], "a"),
    ("index a list", lambda lib, a, b: a[[1, 0]], "a"),
    ("index a mask", lambda lib, a, b: a[a > 1], "a"),
    ("index after a slice", lambda lib, a, b: a[:, lib.tensor([0, 2])], "a"),
    ("index after None", lambda lib, a, b: a[None, lib.tensor([1])], "a"),
    ("index two dims", lambda lib, a, b: a[lib.tensor([0, 1]), lib.tensor([2, 0])], "a"),
    ("cat", lambda lib, a, b: lib.cat([a, a * 2]), "a"),
    ("cat from the end", lambda lib, a, b: lib.cat([a, a * 2], -1), "a"),
    ("stack", lambda lib, a, b: lib.stack([b, b * 2], -1), "b"),
    ("clone", lambda lib, a, b: a.clone(), "a"),
    ("to float64", lambda lib, a, b: a.to(lib.float64), "a"),
    ("neg", lambda lib, a, b: -a, "a"),
    # pieces, rearrangements and selection by index
    ("split", lambda lib, a, b: a.split(2, -1)[0], "a"),
    ("split with sizes", lambda lib, a, b: a.split([1, 2], 1)[1], "a"),
    ("chunk", lambda lib, a, b: b.chunk(2)[1], "b"),
    ("unbind", lambda lib, a, b: a.unbind(-1)[1], "a"),
    ("diagonal", lambda lib, a, b: a.diagonal(1, -1, 0), "a"),
    ("unfold", lambda lib, a, b: a.unfold(-1, 2, 1), "a"),
    ("repeat", lambda lib, a, b: a.repeat(1, 2, 1), "a"),
    ("flip", lambda lib, a, b: a.flip(-1), "a"),
    ("roll", lambda lib, a, b: a.roll(1, -1), "a"),
    ("roll flat", lambda lib, a, b: a.roll(2), "a"),
    ("rot90", lambda lib, a, b: a.rot90(3, (1, 0)), "a"),
    ("tril", lambda lib, a, b: a.tril(1), "a"),
    ("triu", lambda lib, a, b: a.triu(-1), "a"),
    ("diag of a vector", lambda lib, a, b: b.diag(1), "b"),
    ("diag of a matrix", lambda lib, a, b: a.diag(1), "a"),
    ("gather", lambda lib, a, b: a.gather(-1, lib.tensor([[0], [2]])), "a"),
    ("scatter", lambda lib, a, b: a.scatter(1, lib.tensor([[0], [2]]), a * 2), "a"),
    ("scatter a number", lambda lib, a, b: a.scatter(-1, lib.tensor([[0], [2]]), 1.5), "a"),
    ("scatter_add", lambda lib, a, b: a.scatter_add(1, lib.tensor([[0], [0]]), a * 2), "a"),
    ("index_select", lambda lib, a, b: a.index_select(-1, lib.tensor([0, 0])), "a"),
    ("index_add", lambda lib, a, b: a.index_add(-1, lib.tensor([0]), a[:, :1], alpha=2), "a"),
    ("index_fill", lambda lib, a, b: a.index_fill(-1, lib.tensor([0]), 2), "a"),
    ("index_fill a tensor", lambda lib, a, b: a.index_fill(1, lib.tensor([0]), b.sum()), "ab"),
    ("masked_select", lambda lib, a, b: a.masked_select(b > 1), "a"),
    ("take", lambda lib, a, b: a.take(lib.tensor([0, -1])), "a"),
    # statistics, norms, running reductions, sorting
    ("var", lambda lib, a, b: a.var(), "a"),
    ("var dim", lambda lib, a, b: a.var(-1, keepdim=True), "a"),
    ("var unbiased", lambda lib, a, b: a.var(1, False), "a"),
    ("std correction", lambda lib, a, b: lib.std(a, (0, 1), correction=0), "a"),
    ("norm", lambda lib, a, b: a.norm(), "a"),
    ("norm p dim", lambda lib, a, b: a.norm(1, -1), "a"),
    ("dist", lambda lib, a, b: a.dist(b, 3), "ab"),
    ("logsumexp", lambda lib, a, b: a.logsumexp(-1), "a"),
    ("amax", lambda lib, a, b: a.amax(), "a"),
    ("amin", lambda lib, a, b: a.amin((0, 1), True), "a"),
    ("nansum", lambda lib, a, b: a.nansum(), "a"),
    ("cumsum", lambda lib, a, b: a.cumsum(1), "a"),
    ("cumprod", lambda lib, a, b: a.cumprod(-1), "a"),
    ("cummax", lambda lib, a, b: a.cummax(1)[0], "a"),
    ("cummin", lambda lib, a, b: a.cummin(0)[0], "a"),
    ("sort", lambda lib, a, b: a.sort()[0], "a"),
    ("sort a dim", lambda lib, a, b: a.sort(0)[0], "a"),
    ("topk", lambda lib, a, b: a.topk(2)[0], "a"),
    ("kthvalue", lambda lib, a, b: a.kthvalue(2, 1)[0], "a"),
    ("median", lambda lib, a, b: a.median(), "a"),
    ("median a dim", lambda lib, a, b: a.median(1)[0], "a"),
    ("mode", lambda lib, a, b: a.mode(1)[0], "a"),
    # products and matrices
    ("lerp", lambda lib, a, b: a.lerp(b, 0.25), "ab"),
    ("lerp a tensor weight", lambda lib, a, b: a.lerp(b, a * 0 + 0.5), "ab"),
    ("addmm", lambda lib, a, b: lib.addmm(b, a.t(), a, beta=2), "a"),
    ("addmm, only mat2", lambda lib, a, b: lib.addmm(b, a.t().detach(), a), "a"),
    ("trace", lambda lib, a, b: a.trace(), "a"),
    ("cross", lambda lib, a, b: lib.linalg.cross(a, b.expand(2, 3)), "ab"),
    ("inverse", lambda lib, a, b: (a[:, :2].double() + 2).inverse(), "a"),
    ("addcmul", lambda lib, a, b: a.addcmul(a * 2, b, value=0.5), "ab"),
    ("addcdiv", lambda lib, a, b: a.addcdiv(b, a, value=2), "ab"),
    # nn.functional
    ("softmax", lambda lib, a, b: lib.nn.functional.softmax(a, 1), "a"),
    ("log_softmax", lambda lib, a, b: lib.nn.functional.log_softmax(a, -1), "a"),
    ("logsigmoid", lambda lib, a, b: lib.nn.functional.logsigmoid(a), "a"),
    ("softplus", lambda lib, a, b: lib.nn.functional.softplus(a, 2, 10), "a"),
    ("mse_loss", lambda lib, a, b: lib.nn.functional.mse_loss(a, b.expand(2, 3)), "ab"),
    ("nll_loss", lambda lib, a, b: lib.nn.functional.nll_loss(a, lib.tensor([2, 0])), "a"),
    ("nll_loss weighted", lambda lib, a, b: lib.nn.functional.nll_loss(a, lib.tensor([2, 0]), b.detach()), "a"),
    ("binary_cross_entropy", lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a / 3, b.expand(2, 3) / 3), "a"),
    ("bce_with_logits", lambda lib, a, b: lib.nn.functional.binary_cross_entropy_with_logits(a, b.expand(2, 3) / 3), "a"),
    ("embedding", lambda lib, a, b: lib.nn.functional.embedding(lib.tensor([1, 0, 1]), a), "a"),
    ("embedding padding", lambda lib, a, b: lib.nn.functional.embedding(lib.tensor([1, 0]), a, padding_idx=0), "a"),
]
# Shape metadata PyTorch keeps for symbolic shapes (torch.compile): the sizes, strides or
# element count of an input it may not have saved. tinytorch has the first input's
# sizes (from what every node remembers about its inputs), not the others.
SYMBOLIC = ("_sym_strides", "_sym_numel", "mat2_sym_sizes")


def build(lib, make, needs):
    a = lib.tensor(A).requires_grad_("a" in needs)
    b = lib.tensor(B).requires_grad_("b" in needs)
    return make(lib, a, b)


def saved_attributes(node):
    return sorted(name for name in dir(node) if name.startswith("_saved_") and not name.endswith(SYMBOLIC))


def assert_same_saved(got, want, name):
    if isinstance(want, torch.Tensor):
        assert isinstance(got, tinytorch.Tensor), f"{name}: {got!r} is not a tensor"
        # A saved result of exp, tanh, pow ... may differ from torch's in its last bit
        # (NumPy's and torch's float32 functions round differently): 2 ulps of float32.
        assert_same(got, want, rtol=2.5e-7)
        assert got.requires_grad == want.requires_grad and (got.grad_fn is None) == (want.grad_fn is None), name
    elif isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want), f"{name}: {got!r} != torch's {want!r}"
        for g, w in zip(got, want):
            assert_same_saved(g, w, name)
    else:
        assert got == want and type(got) is type(want), f"{name}: {got!r} != torch's {want!r}"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_saved_values_read_as_in_torch(case):
    _, make, needs = case
    tt, th = build(tinytorch, make, needs), build(torch, make, needs)
    assert tt.grad_fn.name() == th.grad_fn.name()
    for name in saved_attributes(th.grad_fn):
        want = getattr(th.grad_fn, name)
        assert_same_saved(getattr(tt.grad_fn, name), want, name)
    # tinytorch names nothing torch does not have
    for key in type(tt.grad_fn).saved_names:
        assert f"_saved_{key}" in saved_attributes(th.grad_fn), f"torch's {th.grad_fn.name()} has no _saved_{key}"


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("mul", "exp", "div")], ids=lambda c: c[0])
def test_saved_tensors_are_freed_by_backward_as_in_torch(case):
    _, make, needs = case
    errors = []
    for lib in (tinytorch, torch):
        y = build(lib, make, needs)
        node = y.grad_fn
        y.sum().backward()
        name = saved_attributes(node)[0] if lib is torch else f"_saved_{type(node).saved_names[0]}"
        with pytest.raises(RuntimeError) as caught:
            getattr(node, name)
        errors.append(str(caught.value))
    assert errors[0] == errors[1]


def test_a_name_the_node_does_not_have_is_an_attribute_error():
    y = tinytorch.tensor(A, requires_grad=True).exp()
    with pytest.raises(AttributeError, match="'ExpBackward0' object has no attribute '_saved_self'"):
        y.grad_fn._saved_self
    with pytest.raises(AttributeError):
        y.grad_fn.no_such_thing


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_edges_and_the_saved_names_listed_are_torchs(case):
    """next_functions in torch's order (a number first stays first), and dir() lists
    the same _saved_ names, so tab completion finds them."""
    _, make, needs = case
    tt, th = build(tinytorch, make, needs).grad_fn, build(torch, make, needs).grad_fn

    def edges(node):
        return [(None if n is None else n.name().rsplit("::", 1)[-1], i) for n, i in node.next_functions]
    assert edges(tt) == edges(th)
    assert saved_attributes(tt) == saved_attributes(th)


def test_floor_division_records_an_edge_per_tensor_only():
    for make in (lambda lib, a: a // 2, lambda lib, a: lib.remainder(2, a)):
        lens = [len(make(lib, lib.ones(2, requires_grad=True)).grad_fn.next_functions) for lib in (tinytorch, torch)]
        assert lens[0] == lens[1] == 1


def test_ops_without_a_derivative_fail_in_backward_with_torchs_message():
    for make in (lambda lib, a: a // 2, lambda lib, a: lib.remainder(2, a)):
        oracle.assert_same_error(lambda: make(tinytorch, tinytorch.ones(2, requires_grad=True)).sum().backward(),
                                 lambda: make(torch, torch.ones(2, requires_grad=True)).sum().backward())
