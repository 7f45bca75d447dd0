"""tinytorch.nn against torch.nn: layers, losses and functional ops from the same
weights and inputs give the same outputs, gradients, grad_fn names and errors;
Modules register, name, print, save and load their parameters as torch's do.

The two libraries draw different random numbers, so every comparison copies
torch's initial weights into the tinytorch model (copy_weights) first.
"""
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import oracle
import tinytorch

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RTOL = {"float32": 2e-5, "float64": 1e-12}


def copy_weights(tt_model, torch_model):
    """torch_model's parameters and buffers, written into tt_model's of the same names."""
    state = {name: tinytorch.tensor(value.detach().numpy().copy()) for name, value in torch_model.state_dict().items()}
    tt_model.load_state_dict(state)


def same(tt, ref, dtype="float32"):
    rtol = RTOL[dtype]
    oracle.assert_same_values(tt, ref, rtol=rtol, atol=rtol)


def pair(array, requires_grad=False):
    return (tinytorch.tensor(array.copy(), requires_grad=requires_grad),
            torch.tensor(array.copy(), requires_grad=requires_grad))


def rng(seed=0):
    return np.random.default_rng(seed)


# -- layers --------------------------------------------------------------------------
MODELS = {
    "linear": lambda nn: nn.Linear(4, 3),
    "linear without bias": lambda nn: nn.Linear(4, 3, bias=False),
    "mlp": lambda nn: nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 3), nn.Tanh()),
    "sigmoid mlp": lambda nn: nn.Sequential(OrderedDict([("hidden", nn.Linear(4, 2)), ("act", nn.Sigmoid()),
                                                         ("out", nn.Linear(2, 3))])),
    "dropout in eval": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5)).eval(),
    "leaky relu": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU(0.2)),
    "leaky relu in place": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.LeakyReLU(inplace=True)),
    "softmax": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.Softmax(dim=-1)),
    "log softmax": lambda nn: nn.Sequential(nn.Linear(4, 3), nn.LogSoftmax(dim=-1)),
    "flatten": lambda nn: nn.Sequential(nn.Unflatten(-1, (2, 2)), nn.Linear(2, 3), nn.Flatten(-2)),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("input_shape", [(6, 4), (4,), (2, 3, 4)], ids=str)
def test_layers_match_torch_forward_and_backward(name, input_shape):
    torch_model, tt_model = MODELS[name](torch.nn), MODELS[name](tinytorch.nn)
    copy_weights(tt_model, torch_model)
    x_tt, x_torch = pair(rng().standard_normal(input_shape).astype(np.float32), requires_grad=True)
    y_tt, y_torch = tt_model(x_tt), torch_model(x_torch)
    same(y_tt, y_torch)
    assert y_tt.grad_fn.name() == y_torch.grad_fn.name()
    seed = rng(1).standard_normal(tuple(y_torch.shape)).astype(np.float32)
    y_tt.backward(tinytorch.tensor(seed))
    y_torch.backward(torch.tensor(seed))
    same(x_tt.grad, x_torch.grad)
    for (name_tt, p_tt), (name_torch, p_torch) in zip(tt_model.named_parameters(), torch_model.named_parameters()):
        assert name_tt == name_torch
        same(p_tt.grad, p_torch.grad)


def test_embedding_matches_torch():
    for padding_idx in (None, 1, -1):
        torch_model, tt_model = (lib.nn.Embedding(5, 3, padding_idx=padding_idx) for lib in (torch, tinytorch))
        copy_weights(tt_model, torch_model)
        indices = np.array([[0, 1, 4], [1, 1, 3]])
        y_tt, y_torch = tt_model(tinytorch.tensor(indices)), torch_model(torch.tensor(indices))
        same(y_tt, y_torch)
        assert y_tt.grad_fn.name() == y_torch.grad_fn.name()
        (y_tt * y_tt).sum().backward()
        (y_torch * y_torch).sum().backward()
        same(tt_model.weight.grad, torch_model.weight.grad)
        assert repr(tt_model) == repr(torch_model)
    oracle.assert_same_error(lambda: tinytorch.nn.Embedding(3, 2)(tinytorch.tensor([3])),
                             lambda: torch.nn.Embedding(3, 2)(torch.tensor([3])))


def test_dropout_in_training_zeroes_and_scales_and_its_gradient_follows_the_mask():
    tinytorch.manual_seed(0)
    x = tinytorch.ones(20000, requires_grad=True)
    y = tinytorch.nn.Dropout(0.25)(x)
    kept = y != 0
    assert abs(kept.float().mean().item() - 0.75) < 0.02  # about 3 in 4 are kept
    np.testing.assert_allclose(y.detach().numpy()[kept.numpy()], 1 / 0.75, rtol=1e-6)
    assert y.grad_fn.name() == torch.nn.Dropout(0.25)(torch.ones(3, requires_grad=True)).grad_fn.name()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())
    for lib in (tinytorch, torch):  # p=0 and eval mode return the input itself
        t = lib.ones(3)
        assert lib.nn.functional.dropout(t, 0.0) is t and lib.nn.Dropout(0.9).eval()(t) is t
    oracle.assert_same_error(lambda: tinytorch.nn.Dropout(1.5), lambda: torch.nn.Dropout(1.5))


# -- functional ops and losses ----------------------------------------------------------
def _class_target(m, n, c, seed=2):
    return m.tensor(rng(seed).integers(0, c, n))


# Each is fn(m, F, x, c): x requires grad, c is a constant of the same shape (4, 5).
FUNCTIONAL = {
    "softmax": lambda m, F, x, c: F.softmax(x, dim=1),
    "softmax last": lambda m, F, x, c: F.softmax(x, -1),
    "log_softmax": lambda m, F, x, c: F.log_softmax(x, 1),
    "logsigmoid": lambda m, F, x, c: F.logsigmoid(x * 30),
    "softplus": lambda m, F, x, c: F.softplus(x * 30, beta=0.5, threshold=5),
    "leaky_relu": lambda m, F, x, c: F.leaky_relu(x, 0.3),
    "leaky_relu in place": lambda m, F, x, c: F.leaky_relu(x * 1, inplace=True),
    "linear": lambda m, F, x, c: F.linear(x, x[:3, :] * 2, x[0, :3]),
    "mse_loss": lambda m, F, x, c: F.mse_loss(x, c),
    "mse_loss sum": lambda m, F, x, c: F.mse_loss(x, c, reduction="sum"),
    "mse_loss none": lambda m, F, x, c: F.mse_loss(x, c, reduction="none"),
    "cross_entropy": lambda m, F, x, c: F.cross_entropy(x, _class_target(m, 4, 5)),
    "cross_entropy weighted": lambda m, F, x, c: F.cross_entropy(x, _class_target(m, 4, 5),
                                                               weight=m.arange(1.0, 6.0, dtype=x.dtype)),
    "cross_entropy ignore": lambda m, F, x, c: F.cross_entropy(x, m.tensor([0, -100, 4, 2]), reduction="sum"),
    "cross_entropy none": lambda m, F, x, c: F.cross_entropy(x, _class_target(m, 4, 5), reduction="none"),
    "cross_entropy probabilities": lambda m, F, x, c: F.cross_entropy(x, F.softmax(c * 3, 1)),
    "cross_entropy one sample": lambda m, F, x, c: F.cross_entropy(x[0], m.tensor(3)),
    "cross_entropy label_smoothing": lambda m, F, x, c: F.cross_entropy(x, _class_target(m, 4, 5), label_smoothing=0.1),
    "cross_entropy label_smoothing weighted ignore": lambda m, F, x, c: F.cross_entropy(
        x, m.tensor([0, -100, 4, 2]), weight=m.arange(1.0, 6.0, dtype=x.dtype), label_smoothing=0.3),
    "cross_entropy label_smoothing none": lambda m, F, x, c: F.cross_entropy(
        x, m.tensor([0, -100, 4, 2]), reduction="none", label_smoothing=0.25),
    "cross_entropy probabilities smoothed": lambda m, F, x, c: F.cross_entropy(x, F.softmax(c * 3, 1),
                                                                             label_smoothing=0.2),
    "cross_entropy one sample smoothed": lambda m, F, x, c: F.cross_entropy(x[0], m.tensor(3), label_smoothing=0.5),
    "nll_loss": lambda m, F, x, c: F.nll_loss(F.log_softmax(x, 1), _class_target(m, 4, 5)),
    "binary_cross_entropy": lambda m, F, x, c: F.binary_cross_entropy(x.sigmoid(), (c > 0).to(x.dtype)),
    "binary_cross_entropy weighted": lambda m, F, x, c: F.binary_cross_entropy(
        x.sigmoid(), c.sigmoid(), weight=c.abs(), reduction="sum"),
    "bce_with_logits": lambda m, F, x, c: F.binary_cross_entropy_with_logits(x * 50, (c > 0).to(x.dtype)),
    "bce_with_logits pos_weight": lambda m, F, x, c: F.binary_cross_entropy_with_logits(
        x, c.sigmoid(), pos_weight=m.arange(1.0, 6.0, dtype=x.dtype), reduction="none"),
}


def _constant(m, dtype):
    return m.tensor(rng(6).standard_normal((4, 5)).astype(dtype))


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_functional_matches_torch(name, dtype):
    x_tt, x_torch = pair(rng(3).standard_normal((4, 5)).astype(dtype), requires_grad=True)
    y_tt = FUNCTIONAL[name](tinytorch, tinytorch.nn.functional, x_tt, _constant(tinytorch, dtype))
    y_torch = FUNCTIONAL[name](torch, torch.nn.functional, x_torch, _constant(torch, dtype))
    same(y_tt, y_torch, dtype)
    assert y_tt.grad_fn.name() == y_torch.grad_fn.name()
    seed = rng(4).standard_normal(tuple(y_torch.shape)).astype(dtype)
    y_tt.backward(tinytorch.tensor(seed))
    y_torch.backward(torch.tensor(seed))
    same(x_tt.grad, x_torch.grad, dtype)


@pytest.mark.parametrize("name", sorted(FUNCTIONAL))
def test_functional_passes_gradcheck(name):
    x = tinytorch.tensor(rng(3).standard_normal((4, 5)), requires_grad=True)
    c = _constant(tinytorch, "float64")
    fn = lambda t: FUNCTIONAL[name](tinytorch, tinytorch.nn.functional, t, c)  # noqa: E731
    assert tinytorch.autograd.gradcheck(fn, (x,))
    assert tinytorch.autograd.gradgradcheck(fn, (x,))


@SETTINGS
@given(n=st.integers(1, 5), c=st.integers(1, 4), seed=st.integers(0, 99),
       reduction=st.sampled_from(["mean", "sum", "none"]), module=st.sampled_from(["CrossEntropyLoss", "NLLLoss"]))
def test_classification_losses_as_modules(n, c, seed, reduction, module):
    x = rng(seed).standard_normal((n, c)).astype(np.float32)
    target = rng(seed + 1).integers(0, c, n)
    losses = [getattr(lib.nn, module)(reduction=reduction) for lib in (tinytorch, torch)]
    got = losses[0](tinytorch.tensor(x), tinytorch.tensor(target))
    want = losses[1](torch.tensor(x), torch.tensor(target))
    same(got, want)


@SETTINGS
@given(n=st.integers(1, 5), c=st.integers(1, 4), seed=st.integers(0, 99),
       reduction=st.sampled_from(["mean", "sum", "none"]), create_graph=st.booleans())
def test_nll_loss_skips_ignored_targets_and_its_gradient_is_torchs_bit_for_bit(n, c, seed, reduction, create_graph):
    """Every element of the input's gradient, 0s included: a negative gradient from
    above must not turn the classes that were not picked into -0.0 (torch writes
    only the picked ones). Both ways of computing it: plain, and recorded for
    create_graph."""
    x = rng(seed).standard_normal((n, c)).astype(np.float32)
    target = rng(seed + 1).integers(0, c, n)
    target[0] = -100  # ignored: its row gets no loss and no gradient, even where it holds inf or nan
    x[0, 0], x[0, -1] = np.inf, np.nan
    seed_grad = -rng(seed + 2).random(n if reduction == "none" else ()).astype(np.float32)
    grads = []
    for lib in (tinytorch, torch):
        x_lib = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.nll_loss(x_lib, lib.tensor(target), reduction=reduction)
        (grad,) = lib.autograd.grad(loss, x_lib, lib.tensor(seed_grad), create_graph=create_graph)
        grads.append((loss.detach().numpy(), grad.detach().numpy()))
    (tt_loss, tt_grad), (torch_loss, torch_grad) = grads
    np.testing.assert_allclose(tt_loss, torch_loss, rtol=RTOL["float32"])
    assert tt_grad.tobytes() == torch_grad.tobytes()


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 4), (2, 3, 2, 2, 2), (0, 3, 4), (1, 3), (3,)], ids=str)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weighted"])
@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
def test_class_losses_over_positions_match_torch(shape, reduction, weighted, loss):
    """A class for every position: (N, C, d1, ...) input with (N, d1, ...) targets. torch
    computes 4-D input as nll_loss2d (NllLoss2DBackward0) and views other shapes as 4-D
    first; the recorded graph is compared as far as three nodes down."""
    x = rng(1).standard_normal(shape)
    target = rng(2).integers(0, 3, (shape[0],) + shape[2:] if len(shape) > 1 else ())
    if target.size:
        target.reshape(-1)[0] = -100  # one ignored target
    weight = rng(3).random(3) + 0.5 if weighted else None
    results = []
    for lib in (tinytorch, torch):
        x_lib = lib.tensor(x, requires_grad=True)
        options = {"weight": lib.tensor(weight)} if weighted else {}
        if loss == "cross_entropy":
            options["label_smoothing"] = 0.1
        y = getattr(lib.nn.functional, loss)(x_lib, lib.tensor(target), reduction=reduction, **options)
        y.sum().backward()
        names, node = [], y.grad_fn
        while node is not None and len(names) < 3:
            names.append(node.name().rsplit("::", 1)[-1])
            node = next((n for n, _ in node.next_functions if n is not None), None)
        results.append((y, x_lib.grad, names))
    (y_tt, grad_tt, names_tt), (y_torch, grad_torch, names_torch) = results
    same(y_tt, y_torch, "float64")
    same(grad_tt, grad_torch, "float64")
    assert names_tt == names_torch


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.5])
def test_embedding_max_norm_renormalizes_the_rows_it_looks_up(norm_type):
    weights = rng(4).standard_normal((6, 3)) * 3
    indices = np.array([[1, 4, 1], [0, 5, 4]])
    results = []
    for lib in (tinytorch, torch):
        weight = lib.tensor(weights, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(indices), weight, max_norm=1.5, norm_type=norm_type)
        out.sum().backward()
        results.append((out, weight, weight.grad))
    for got, expected in zip(*results):
        same(got, expected, "float64")


EMBEDDING_ERRORS = {
    "index past the end, with max_norm": lambda m: m.nn.functional.embedding(m.tensor([2, 7]), m.ones(5, 3), max_norm=1.0),
    "float indices, with max_norm": lambda m: m.nn.functional.embedding(m.tensor([1.0]), m.ones(5, 3), max_norm=1.0),
    "float indices": lambda m: m.nn.functional.embedding(m.tensor([1.0]), m.ones(5, 3)),
}


@pytest.mark.parametrize("name", sorted(EMBEDDING_ERRORS))
def test_embedding_errors_match_torch(name):
    oracle.assert_same_error(lambda: EMBEDDING_ERRORS[name](tinytorch), lambda: EMBEDDING_ERRORS[name](torch))


LOSS_ERRORS = {
    "target out of range": lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 3])),
    "0-d input": lambda m: m.nn.functional.nll_loss(m.zeros(()), m.tensor(0)),
    "2-d target for 2-d input": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3), m.zeros(2, 1, dtype=m.int64)),
    "0-d target for a batch": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3), m.tensor(1)),
    "1-d input, two targets": lambda m: m.nn.functional.nll_loss(m.zeros(3), m.tensor([1, 2])),
    "weight of the wrong size": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3), m.tensor([1, 1]), weight=m.ones(2)),
    "spatial target of 2 dims": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4, 5), m.zeros(2, 4, dtype=m.int64)),
    "spatial target size": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4, 5), m.zeros(2, 4, 6, dtype=m.int64)),
    "positions target size": lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3, 4), m.zeros(2, 5, dtype=m.int64)),
    "positions batch": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3, 4), m.zeros(3, 4, dtype=m.int64)),
    "spatial target out of range": lambda m: m.nn.functional.nll_loss(m.zeros(1, 3, 2, 2),
                                                                        m.full((1, 2, 2), 7, dtype=m.int64)),
    "label_smoothing above 1": lambda m: m.nn.CrossEntropyLoss(label_smoothing=1.5)(m.zeros(2, 3), m.tensor([0, 1])),
    "batch mismatch": lambda m: m.nn.functional.cross_entropy(m.zeros(2, 3), m.tensor([0, 1, 2])),
    "float class target": lambda m: m.nn.functional.nll_loss(m.zeros(2, 3), m.tensor([0.0, 1.0])),
    "bad reduction": lambda m: m.nn.functional.mse_loss(m.zeros(2), m.zeros(2), reduction="avg"),
    "bce outside [0, 1]": lambda m: m.nn.functional.binary_cross_entropy(m.tensor([1.5]), m.tensor([1.0])),
    "bce shapes": lambda m: m.nn.functional.binary_cross_entropy(m.tensor([0.5]), m.tensor([[1.0]])),
    "bce logits shapes": lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.zeros(2), m.zeros(3)),
}


@pytest.mark.parametrize("name", sorted(LOSS_ERRORS))
def test_loss_errors_match_torch(name):
    oracle.assert_same_error(lambda: LOSS_ERRORS[name](tinytorch), lambda: LOSS_ERRORS[name](torch))


def test_softmax_without_dim_warns_as_torch_does():
    for m in (tinytorch, torch):
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            m.nn.functional.softmax(m.ones(2, 3))


def test_mse_loss_warns_about_broadcasting_targets():
    for m in (tinytorch, torch):
        with pytest.warns(UserWarning, match="Using a target size"):
            m.nn.functional.mse_loss(m.ones(2, 3), m.ones(3))


# -- Module ------------------------------------------------------------------------------
class Net:
    """The same small model written against either library, with a buffer and a nested child."""

    @staticmethod
    def build(lib):
        nn = lib.nn

        class Block(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 3)
                self.register_buffer("scale", lib.ones(3))
                self.register_buffer("cache", lib.zeros(1), persistent=False)

            def forward(self, x):
                return self.fc(x) * self.scale

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.block = Block()
                self.head = nn.Sequential(nn.ReLU(), nn.Linear(3, 2, bias=False))
                self.alpha = nn.Parameter(lib.tensor(0.5))
                self.shared = self.head[1]  # the same module twice: listed once

            def forward(self, x):
                return self.head(self.block(x)) * self.alpha

        return Model()


def test_module_registration_naming_and_repr_match_torch():
    tt_model, torch_model = Net.build(tinytorch), Net.build(torch)
    assert [n for n, _ in tt_model.named_parameters()] == [n for n, _ in torch_model.named_parameters()]
    assert [n for n, _ in tt_model.named_buffers()] == [n for n, _ in torch_model.named_buffers()]
    assert [n for n, _ in tt_model.named_modules()] == [n for n, _ in torch_model.named_modules()]
    assert [n for n, _ in tt_model.named_children()] == [n for n, _ in torch_model.named_children()]
    assert list(tt_model.state_dict()) == list(torch_model.state_dict())
    assert repr(tt_model) == repr(torch_model)
    assert repr(tt_model.alpha) == repr(torch_model.alpha).replace("torch", "tinytorch")
    assert str(tt_model.alpha) == str(torch_model.alpha)
    assert isinstance(tt_model.alpha, tinytorch.Tensor) and isinstance(tt_model.alpha, tinytorch.nn.Parameter)
    assert type(tt_model.alpha * 2) is tinytorch.Tensor  # an op on a parameter gives a plain tensor
    for m in (tt_model, torch_model):
        assert m.training and not m.eval().training and not m.head[0].training and m.train().block.fc.training


def test_modules_train_the_same_as_torch():
    """An MLP trained a few steps by each library, from the same weights on the same data."""
    for optimizer, kwargs in (("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.01))):
        torch_model, tt_model = Net.build(torch), Net.build(tinytorch)
        copy_weights(tt_model, torch_model)
        optimizers = (getattr(tinytorch.optim, optimizer)(tt_model.parameters(), **kwargs),
                      getattr(torch.optim, optimizer)(torch_model.parameters(), **kwargs))
        for step in range(5):
            x = rng(step).standard_normal((8, 3)).astype(np.float32)
            target = rng(step + 10).integers(0, 2, 8)
            losses = []
            for lib, model, opt in zip((tinytorch, torch), (tt_model, torch_model), optimizers):
                opt.zero_grad()
                loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(target))
                loss.backward()
                opt.step()
                losses.append(loss)
            same(*losses)
        for p_tt, p_torch in zip(tt_model.parameters(), torch_model.parameters()):
            oracle.assert_same_values(p_tt, p_torch, rtol=1e-4, atol=1e-5)


def test_zero_grad_and_requires_grad_():
    for lib in (tinytorch, torch):
        model = Net.build(lib)
        model(lib.ones(2, 3)).sum().backward()
        assert all(p.grad is not None for p in model.parameters())
        model.zero_grad(set_to_none=False)
        assert all(p.grad is not None and not p.grad.any() for p in model.parameters())
        model.zero_grad()
        assert all(p.grad is None for p in model.parameters())
        assert not any(p.requires_grad for p in model.requires_grad_(False).parameters())


MODULE_ERRORS = {
    "tensor as parameter": lambda lib: setattr(lib.nn.Linear(2, 2), "weight", lib.ones(2, 2)),
    "number as module": lambda lib: setattr(lib.nn.Sequential(lib.nn.ReLU()), "0", 3),
    "missing attribute": lambda lib: lib.nn.Linear(2, 2).nope,
    "missing key": lambda lib: lib.nn.Linear(2, 2).load_state_dict({"weight": lib.ones(2, 2)}),
    "unexpected key": lambda lib: lib.nn.Linear(2, 1, bias=False).load_state_dict(
        {"weight": lib.ones(1, 2), "extra": lib.ones(1)}),
    "size mismatch": lambda lib: lib.nn.Linear(2, 2).load_state_dict({"weight": lib.ones(3, 2), "bias": lib.ones(2)}),
    "no forward": lambda lib: lib.nn.Module()(1),
    "dotted buffer name": lambda lib: lib.nn.Module().register_buffer("a.b", lib.ones(1)),
    "index past the end": lambda lib: lib.nn.Sequential(lib.nn.ReLU())[1],
}


@pytest.mark.parametrize("name", sorted(MODULE_ERRORS))
def test_module_errors_match_torch(name):
    oracle.assert_same_error(lambda: MODULE_ERRORS[name](tinytorch), lambda: MODULE_ERRORS[name](torch))


def test_load_state_dict_not_strict_reports_the_keys():
    for lib in (tinytorch, torch):
        result = lib.nn.Linear(2, 2).load_state_dict({"weight": lib.ones(2, 2), "other": lib.ones(1)}, strict=False)
        assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
        assert repr(lib.nn.Linear(2, 2).load_state_dict(lib.nn.Linear(2, 2).state_dict())) == \
            "<All keys matched successfully>"


def test_state_dict_is_detached_and_shares_memory():
    for lib in (tinytorch, torch):
        model = lib.nn.Linear(2, 2)
        weight = model.state_dict()["weight"]
        assert not weight.requires_grad and type(weight) is lib.Tensor
        with lib.no_grad():
            model.weight.fill_(3)
        assert weight[0, 0].item() == 3


def test_state_dicts_save_and_load_across_libraries(tmp_path):
    torch_model, tt_model = Net.build(torch), Net.build(tinytorch)
    torch.save(torch_model.state_dict(), tmp_path / "torch.pt")
    tt_model.load_state_dict(tinytorch.load(tmp_path / "torch.pt"))
    for (n1, v1), (n2, v2) in zip(tt_model.state_dict().items(), torch_model.state_dict().items()):
        assert n1 == n2
        oracle.assert_same_values(v1, v2)
    tinytorch.save(tt_model.state_dict(), tmp_path / "tiny.pt")
    reloaded = Net.build(tinytorch)
    reloaded.load_state_dict(tinytorch.load(tmp_path / "tiny.pt"))
    for v1, v2 in zip(reloaded.state_dict().values(), tt_model.state_dict().values()):
        assert tinytorch.equal(v1, v2)


# -- init -------------------------------------------------------------------------------------
def test_init_fills_in_place_within_torchs_bounds():
    tinytorch.manual_seed(0)
    init = tinytorch.nn.init
    w = tinytorch.empty(300, 200)
    for fill, bound in ((lambda: init.kaiming_uniform_(w, a=5 ** 0.5), 1 / 200 ** 0.5),
                        (lambda: init.xavier_uniform_(w), (6 / 500) ** 0.5),
                        (lambda: init.uniform_(w, -0.3, 0.3), 0.3)):
        assert fill() is w
        assert w.abs().max().item() <= bound and w.abs().max().item() > 0.95 * bound
    init.normal_(w, 1.0, 0.5)
    assert abs(w.mean().item() - 1.0) < 0.01 and abs(w.std().item() - 0.5) < 0.01
    assert init.zeros_(w).abs().sum().item() == 0 and init.ones_(w).sum().item() == w.numel()
    for gain in ("relu", "tanh", "sigmoid", "linear", "selu"):
        assert init.calculate_gain(gain) == torch.nn.init.calculate_gain(gain)
    assert init.calculate_gain("leaky_relu", 0.2) == torch.nn.init.calculate_gain("leaky_relu", 0.2)
    oracle.assert_same_error(lambda: init.xavier_uniform_(tinytorch.ones(3)),
                             lambda: torch.nn.init.xavier_uniform_(torch.ones(3)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tinytorch.nn.Linear(3, 2)  # making a layer warns about nothing


# -- optim ----------------------------------------------------------------------------------------
OPTIMIZERS = {
    "SGD": dict(lr=0.1),
    "SGD momentum": dict(lr=0.1, momentum=0.9),
    "SGD dampening weight_decay": dict(lr=0.05, momentum=0.5, dampening=0.3, weight_decay=0.01),
    "SGD nesterov maximize": dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True),
    "Adam": dict(lr=0.01),
    "Adam amsgrad weight_decay": dict(lr=0.01, amsgrad=True, weight_decay=0.1),
    "Adam decoupled": dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, betas=(0.8, 0.9)),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_optimizer_steps_match_torch(name, dtype):
    kind, kwargs = name.split()[0], OPTIMIZERS[name]
    start = rng(5).standard_normal((3, 4)).astype(dtype)
    params = [lib.tensor(start.copy(), requires_grad=True) for lib in (tinytorch, torch)]
    opts = [getattr(lib.optim, kind)([p], **kwargs) for lib, p in zip((tinytorch, torch), params)]
    for step in range(6):
        grad = rng(step).standard_normal((3, 4)).astype(dtype)
        for lib, p, opt in zip((tinytorch, torch), params, opts):
            opt.zero_grad()
            (p * lib.tensor(grad)).sum().backward()
            opt.step()
        same(params[0], params[1], dtype)
    assert repr(opts[0]) == repr(opts[1])
    tt_state, torch_state = (opt.state_dict() for opt in opts)
    assert tt_state["param_groups"] == torch_state["param_groups"]
    assert tt_state["state"].keys() == torch_state["state"].keys()
    for index, values in torch_state["state"].items():
        assert values.keys() == tt_state["state"][index].keys()
        for key, value in values.items():
            same(tt_state["state"][index][key], value, dtype)


def test_optimizer_state_dict_round_trip_continues_the_same_way():
    p = tinytorch.tensor([1.0, -2.0], requires_grad=True)
    opt = tinytorch.optim.Adam([p], lr=0.1)
    for _ in range(2):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
    clone = tinytorch.tensor(p.detach().numpy().copy(), requires_grad=True)
    opt2 = tinytorch.optim.Adam([clone], lr=0.5)
    opt2.load_state_dict(opt.state_dict())
    for q, o in ((p, opt), (clone, opt2)):
        o.zero_grad()
        (q * q).sum().backward()
        o.step()
    assert tinytorch.equal(p, clone) and opt2.param_groups[0]["lr"] == 0.1


OPTIMIZER_ERRORS = {
    "negative lr": lambda lib: lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=-1),
    "nesterov without momentum": lambda lib: lib.optim.SGD([lib.ones(1, requires_grad=True)], lr=1, nesterov=True),
    "bad beta": lambda lib: lib.optim.Adam([lib.ones(1, requires_grad=True)], betas=(1.0, 0.9)),
    "no parameters": lambda lib: lib.optim.SGD([], lr=1),
    "a tensor, not a list": lambda lib: lib.optim.SGD(lib.ones(1, requires_grad=True), lr=1),
    "a non-leaf": lambda lib: lib.optim.SGD([lib.ones(1, requires_grad=True) * 2], lr=1),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZER_ERRORS))
def test_optimizer_errors_match_torch(name):
    oracle.assert_same_error(lambda: OPTIMIZER_ERRORS[name](tinytorch), lambda: OPTIMIZER_ERRORS[name](torch))


# -- what a learner review found (each checked against torch) ------------------------------------
def test_converting_a_module_keeps_its_parameter_objects():
    """m.double() (and .to, .half) replaces each parameter's data, not the parameter:
    an optimizer made before still holds it, and tied weights stay tied."""
    for lib in (tinytorch, torch):
        nn = lib.nn
        m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
        m[1].weight = m[0].weight
        opt = lib.optim.SGD(m.parameters(), lr=0.1)
        before = [id(p) for p in m.parameters()]
        m.double()
        assert [id(p) for p in m.parameters()] == before and m[1].weight is m[0].weight
        assert m[0].weight.dtype is lib.float64 and isinstance(m[0].weight, nn.Parameter)
        start = m[0].weight.detach().clone()
        m(lib.ones(1, 2, dtype=lib.float64)).sum().backward()
        opt.step()
        assert not lib.equal(start, m[0].weight)


def test_module_to_converts_only_floating_tensors_to_a_floating_dtype():
    for lib in (tinytorch, torch):
        m = lib.nn.Linear(2, 2)
        m.register_buffer("count", lib.tensor([1, 2]))
        m.to(dtype=lib.float64)
        assert m.weight.dtype is lib.float64 and m.count.dtype is lib.int64
        m.to("cpu", lib.float32)
        assert m.weight.dtype is lib.float32 and m.count.dtype is lib.int64
    oracle.assert_same_error(lambda: tinytorch.nn.Linear(2, 2).to(tinytorch.int64),
                             lambda: torch.nn.Linear(2, 2).to(torch.int64))


def test_assigning_a_name_again_keeps_its_place():
    orders = []
    for lib in (tinytorch, torch):
        nn = lib.nn
        s = nn.Sequential(OrderedDict([("a", nn.Linear(2, 3)), ("b", nn.ReLU())]))
        s.a = nn.Linear(2, 3)
        s.a.weight = nn.Parameter(lib.ones(3, 2))
        seq = nn.Sequential(nn.ReLU(), nn.Linear(2, 3))
        setattr(seq, "0", nn.Tanh())
        orders.append((list(s._modules), [n for n, _ in s.named_parameters()], [type(m).__name__ for m in seq]))
    assert orders[0] == orders[1]


def test_sequential_editing_matches_torch():
    shapes = []
    for lib in (tinytorch, torch):
        nn = lib.nn
        s = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
        s.append(nn.Linear(3, 4)).extend([nn.Tanh()])
        s.insert(1, nn.Sigmoid())
        s.insert(-1, nn.ReLU())
        popped = s.pop(0)
        s[0] = nn.Tanh()
        del s[-1]
        both = s + nn.Sequential(nn.Sigmoid())
        shapes.append((repr(both), repr(popped), len(both), list(both._modules)))
    assert shapes[0] == shapes[1]


def test_embedding_options_match_torch():
    for kwargs in (dict(scale_grad_by_freq=True), dict(scale_grad_by_freq=True, padding_idx=2)):
        torch_model, tt_model = (lib.nn.Embedding(4, 2, **kwargs) for lib in (torch, tinytorch))
        copy_weights(tt_model, torch_model)
        indices = [1, 1, 2, 3, 1]
        tt_model(tinytorch.tensor(indices)).sum().backward()
        torch_model(torch.tensor(indices)).sum().backward()
        same(tt_model.weight.grad, torch_model.weight.grad)
        assert repr(tt_model) == repr(torch_model)
    weights = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    tt, th = (lib.nn.Embedding.from_pretrained(lib.tensor(weights)) for lib in (tinytorch, torch))
    assert not tt.weight.requires_grad and repr(tt) == repr(th)
    same(tt(tinytorch.tensor([2, 0])), th(torch.tensor([2, 0])))
    oracle.assert_same_error(lambda: tinytorch.nn.Embedding(5, 2, _weight=tinytorch.zeros(3, 3)),
                             lambda: torch.nn.Embedding(5, 2, _weight=torch.zeros(3, 3)))


def test_the_old_size_average_and_reduce_arguments_still_choose_the_reduction():
    x, t = rng(8).standard_normal((3, 4)).astype(np.float32), rng(9).standard_normal((3, 4)).astype(np.float32)
    for kwargs in (dict(reduce=False), dict(size_average=False), dict(size_average=True, reduce=True)):
        results = []
        for lib in (tinytorch, torch):
            with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
                results.append(lib.nn.functional.mse_loss(lib.tensor(x), lib.tensor(t), **kwargs))
        same(*results)


def test_adamw_and_optimizer_state_match_torch():
    start = rng(5).standard_normal((3, 4)).astype(np.float32)
    params = [lib.tensor(start.copy(), requires_grad=True) for lib in (tinytorch, torch)]
    opts = [lib.optim.AdamW([p], lr=0.05) for lib, p in zip((tinytorch, torch), params)]
    for step in range(4):
        grad = rng(step).standard_normal((3, 4)).astype(np.float32)
        for lib, p, opt in zip((tinytorch, torch), params, opts):
            opt.zero_grad()
            (p * lib.tensor(grad)).sum().backward()
            opt.step()
    same(params[0], params[1])
    assert repr(opts[0]) == repr(opts[1])
    assert dict(opts[0].state[tinytorch.ones(1)]) == dict(opts[1].state[torch.ones(1)]) == {}  # a defaultdict


def test_what_tinytorch_does_not_take_says_so():
    with pytest.raises(NotImplementedError, match="assign"):
        tinytorch.nn.Linear(2, 2).load_state_dict(tinytorch.nn.Linear(2, 2).state_dict(), assign=True)


def test_more_layers_print_and_register_as_torchs():
    """Flatten, Unflatten, Softmax, LogSoftmax, LeakyReLU and ModuleList: reprs (a ModuleList
    prints a run of alike children once, as (0-2): 3 x ...), children, parameters and editing."""
    def build(lib):
        nn = lib.nn
        lib.manual_seed(0)
        layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])
        layers.append(nn.Tanh())
        layers += [nn.ReLU(), nn.ReLU()]
        layers.insert(1, nn.Sigmoid())
        popped = layers.pop(0)
        del layers[-1]
        model = nn.Sequential(nn.Flatten(), nn.Unflatten(1, (2, 1)), nn.Flatten(0, -1), nn.Softmax(dim=0),
                              nn.LogSoftmax(1), nn.LeakyReLU(), nn.LeakyReLU(0.2, True), nn.Softmax())
        holder = nn.Module()
        holder.layers = layers
        return (repr(layers), repr(layers[1:3]), repr(popped), len(layers), repr(model), repr(nn.ModuleList()),
                [name for name, _ in holder.named_parameters()], list(holder.state_dict()))
    assert build(tinytorch) == build(torch)


ONE_HOT_CALLS = {
    "classes from the data": lambda m: m.nn.functional.one_hot(m.tensor([0, 2, 1])),
    "given classes": lambda m: m.nn.functional.one_hot(m.tensor([[0], [1]]), 3),
    "float indices": lambda m: m.nn.functional.one_hot(m.tensor([0.0, 1.0])),
    "too large": lambda m: m.nn.functional.one_hot(m.tensor([0, 3]), 2),
    "negative": lambda m: m.nn.functional.one_hot(m.tensor([0, -1])),
    "empty without classes": lambda m: m.nn.functional.one_hot(m.tensor([], dtype=m.long)),
    "empty": lambda m: m.nn.functional.one_hot(m.tensor([], dtype=m.long), 3),
    "int32": lambda m: m.nn.functional.one_hot(m.tensor([1, 2], dtype=m.int32)),
    "leaky_relu of ints": lambda m: m.nn.functional.leaky_relu(m.tensor([1, -2])),
}


@pytest.mark.parametrize("name", sorted(ONE_HOT_CALLS))
def test_one_hot_matches_torch(name):
    oracle.assert_same_outcome(lambda: ONE_HOT_CALLS[name](tinytorch), lambda: ONE_HOT_CALLS[name](torch))


@pytest.mark.parametrize("make", [
    lambda nn: nn.MSELoss(size_average=False), lambda nn: nn.MSELoss(reduce=False), lambda nn: nn.NLLLoss(None, False),
    lambda nn: nn.CrossEntropyLoss(None, True, -1, False), lambda nn: nn.BCELoss(size_average=False),
    lambda nn: nn.BCEWithLogitsLoss(None, None, False), lambda nn: nn.CrossEntropyLoss(size_average=False,
                                                                                   label_smoothing=0.1),
])
def test_loss_modules_take_the_old_size_average_and_reduce_arguments(make):
    chosen = []
    for lib in (tinytorch, torch):
        with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
            chosen.append(make(lib.nn).reduction)
    assert chosen[0] == chosen[1]
