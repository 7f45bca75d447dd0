"""How tensors print, through Tensor.__repr__ and str(), against PyTorch.

tests/test_printing.py checks the formatter on its own; here the tensors are
real results of tinytorch ops, so the suffixes come from the tensors
themselves: dtype, requires_grad=True on leaves, and grad_fn=<...> named as
PyTorch names its nodes. Every corpus entry is built the same way in both
libraries from the same NumPy numbers, and the texts must be identical with
`torch.` spelled `tinytorch.`.
"""
import numpy as np
import pytest
import torch

import oracle
import tinytorch

rng = np.random.default_rng(7)
MATRIX = rng.standard_normal((3, 4)).astype("float32")
VECTOR = rng.standard_normal(4).astype("float32")
INTS = rng.integers(-50, 50, size=(3, 4))
WIDE = (rng.standard_normal((3, 3)) * 10.0 ** rng.integers(-6, 9, size=(3, 3))).astype("float64")


def leaves(L, requires_grad=True):
    """A matrix and a vector that require grad (when asked), the same in both libraries."""
    return (L.tensor(MATRIX, requires_grad=requires_grad), L.tensor(VECTOR, requires_grad=requires_grad))


def plain(L, array, dtype):
    return L.tensor(array, dtype=getattr(L, dtype))


# name -> expression of a library L (tinytorch or torch).
CORPUS = {
    # every dtype, plain
    **{f"{name} values": (lambda L, name=name: plain(L, INTS if name != "bool" else INTS > 0, name))
       for name in oracle.DTYPE_NAMES},
    "float64 across magnitudes": lambda L: L.tensor(WIDE),
    "float16 fractions": lambda L: plain(L, MATRIX, "float16"),
    "uint8 wrap-around": lambda L: plain(L, np.abs(INTS), "uint8") - 60,
    # 0-d, empty and large
    "0-d float": lambda L: L.tensor(MATRIX).sum(),
    "0-d int": lambda L: L.tensor(INTS).max(),
    "0-d bool": lambda L: L.tensor(INTS).any(),
    "empty float": lambda L: L.ones(0),
    "empty 2-d int": lambda L: L.ones(2, 0, dtype=L.int64),
    "empty result of a reduction": lambda L: L.ones(0, 3).sum(0)[:0],
    "summarized floats": lambda L: L.arange(3000, dtype=L.float32).reshape(30, 100) / 7,
    "summarized ints": lambda L: L.arange(2000).reshape(2, 10, 100) * 3,
    # leaves and results with history
    "leaf that requires grad": lambda L: leaves(L)[0],
    "add": lambda L: leaves(L)[0] + leaves(L)[1],
    "sub of a number": lambda L: leaves(L)[0] - 2,
    "number minus": lambda L: 2 - leaves(L)[0],
    "mul": lambda L: leaves(L)[0] * leaves(L)[1],
    "div": lambda L: leaves(L)[0] / leaves(L)[1],
    "number over": lambda L: 2 / leaves(L)[0],
    "floor division": lambda L: leaves(L)[0] // leaves(L)[1],
    "remainder by a tensor": lambda L: leaves(L)[0] % leaves(L)[1],
    "remainder by a number": lambda L: leaves(L)[0] % 0.5,
    "number remainder": lambda L: 2 % leaves(L)[0],
    "div rounding down": lambda L: leaves(L)[0].div(leaves(L)[1], rounding_mode="floor"),
    "power of a number": lambda L: leaves(L)[0] ** 2,
    "power of a tensor": lambda L: leaves(L)[0].abs() ** leaves(L)[1],
    "number to a power": lambda L: 2 ** leaves(L)[0],
    "square": lambda L: leaves(L)[0].square(),
    "negation": lambda L: -leaves(L)[0],
    "math functions": lambda L: [leaves(L)[0].exp(), leaves(L)[0].abs().log(), leaves(L)[0].abs().sqrt(),
                                 leaves(L)[0].sin(), leaves(L)[0].cos(), leaves(L)[0].tanh(),
                                 leaves(L)[0].sigmoid(), leaves(L)[0].relu(), leaves(L)[0].abs(),
                                 leaves(L)[0].sign(), leaves(L)[0].reciprocal()],
    "clamp by numbers": lambda L: [leaves(L)[0].clamp(-0.5, 0.5), leaves(L)[0].clamp(min=0),
                                   leaves(L)[0].clamp(max=0)],
    "clamp by tensors": lambda L: leaves(L)[0].clamp(leaves(L)[1], leaves(L)[1] + 1),
    "where": lambda L: [L.where(leaves(L)[0] > 0, leaves(L)[0], leaves(L)[1]),
                        L.where(leaves(L)[0] > 0, leaves(L)[0], 0.0)],
    "maximum and minimum": lambda L: [L.maximum(*leaves(L)), L.minimum(*leaves(L)), leaves(L)[0].max(leaves(L)[1])],
    "reductions": lambda L: [leaves(L)[0].sum(), leaves(L)[0].sum(0), leaves(L)[0].sum((0, 1), keepdim=True),
                             leaves(L)[0].mean(), leaves(L)[0].mean(1), leaves(L)[0].prod(),
                             leaves(L)[0].prod(1), leaves(L)[0].max(), leaves(L)[0].min()],
    "max and min with a dim": lambda L: [leaves(L)[0].max(0), leaves(L)[0].min(1, keepdim=True)],
    "argmax, all, comparisons": lambda L: [leaves(L)[0].argmax(), leaves(L)[0].argmin(1), (leaves(L)[0] > 0).all(),
                                           leaves(L)[0] == leaves(L)[1], (leaves(L)[0] > 0) & (leaves(L)[1] > 0)],
    "matrix products": lambda L: [leaves(L)[0] @ leaves(L)[1], leaves(L)[1] @ leaves(L)[1],
                                  leaves(L)[1] @ leaves(L)[0].t(), leaves(L)[0] @ leaves(L)[0].t(),
                                  leaves(L)[0].expand(2, 3, 4) @ leaves(L)[1],
                                  leaves(L)[0].expand(2, 3, 4) @ leaves(L)[0].t(),
                                  leaves(L)[0].t() @ leaves(L)[0].expand(2, 3, 4)],
    "cat and stack": lambda L: [L.cat(leaves(L)[:1] * 2), L.cat([leaves(L)[0], leaves(L)[0]], -1),
                                L.stack([leaves(L)[1], leaves(L)[1]], 1)],
    "dtype conversions": lambda L: [leaves(L)[0].double(), leaves(L)[0].half(), leaves(L)[0].long()],
    # views: non-contiguous headers over shared storage
    "views": lambda L: [leaves(L)[0].t(), leaves(L)[0][:, ::2], leaves(L)[0][1], leaves(L)[0].T,
                        leaves(L)[0].unsqueeze(0), leaves(L)[1].expand(3, 4), leaves(L)[0].reshape(2, 6),
                        leaves(L)[0].view(12), plain(L, INTS, "int32").t()[::2]],
    "results of ops on views": lambda L: [leaves(L)[0].t() * 2, leaves(L)[0][:, 1:].sum(1)],
    "without history": lambda L: [leaves(L)[0].detach() * 2, leaves(L, requires_grad=False)[0] + 1],
}


def texts(value):
    """repr and str of a result (or of each result in a list)."""
    items = value if isinstance(value, list) else [value]
    return [(repr(v), str(v)) for v in items]


@pytest.fixture(autouse=True)
def default_print_options():
    tinytorch.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    yield
    tinytorch.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def assert_prints_like_torch(name):
    expression = CORPUS[name]
    ours, theirs = texts(expression(tinytorch)), texts(expression(torch))
    assert len(ours) == len(theirs)
    for (our_repr, our_str), (their_repr, their_str) in zip(ours, theirs):
        assert our_repr == oracle.tinytorch_message(their_repr), f"\n{our_repr}\n--- torch:\n{their_repr}"
        assert our_str == oracle.tinytorch_message(their_str)


@pytest.mark.parametrize("name", CORPUS)
def test_repr_matches_torch(name):
    assert_prints_like_torch(name)


PRINT_OPTIONS = [
    ((2,), {}),  # precision, given by position
    ((), {"precision": 8}),
    ((), {"threshold": 10}),
    ((), {"threshold": 10, "edgeitems": 1}),
    ((), {"linewidth": 40}),
    ((), {"sci_mode": True}),
    ((), {"sci_mode": False}),
    ((), {"profile": "short"}),
    ((), {"profile": "full"}),
    ((), {"profile": "short", "precision": 6}),
]


@pytest.mark.parametrize("args, kwargs", PRINT_OPTIONS)
@pytest.mark.parametrize("name", ["float64 across magnitudes", "summarized floats", "summarized ints", "add",
                                  "max and min with a dim", "views", "float16 fractions"])
def test_print_options_change_reprs_like_torch(args, kwargs, name):
    tinytorch.set_printoptions(*args, **kwargs)
    torch.set_printoptions(*args, **kwargs)
    assert_prints_like_torch(name)


def test_printoptions_context_restores_the_options():
    with tinytorch.printoptions(precision=2):
        torch.set_printoptions(precision=2)
        assert_prints_like_torch("add")
        torch.set_printoptions(profile="default")
    assert_prints_like_torch("add")  # tinytorch's options are back to the defaults too
