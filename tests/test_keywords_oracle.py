"""Keywords and helpers that code written for PyTorch (or NumPy) uses, against torch:
axis=/keepdims=/size=/out= (exact/keywords.py), resize_ and the in-place views
(ops/header_in_place.py), Tensor.new, set_default_tensor_type, logspace,
broadcast_shapes/broadcast_tensors/broadcast_to/meshgrid, can_cast, result_type.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import oracle
import tinytorch

CALLS = {
    "sum axis": lambda m, t: t.sum(axis=1),
    "sum axis keepdims": lambda m, t: m.sum(t, axis=(0, 1), keepdims=True),
    "mean keepdims": lambda m, t: t.mean(0, keepdims=True),
    "max axis": lambda m, t: m.max(t, axis=1),
    "std axis": lambda m, t: t.std(axis=0),
    "cumsum axis": lambda m, t: m.cumsum(t, axis=1),
    "squeeze axis": lambda m, t: m.squeeze(t.unsqueeze(0), axis=0),
    "both names": lambda m, t: t.sum(dim=0, axis=0),
    "zeros size": lambda m, t: m.zeros(size=(2, 3)),
    "ones size and dtype": lambda m, t: m.ones(size=[2], dtype=m.int64),
    "size twice": lambda m, t: m.zeros(2, size=(2,)),
    "logspace": lambda m, t: m.logspace(-1, 2, 7),
    "logspace base 2 ints": lambda m, t: m.logspace(0, 4, 5, base=2, dtype=m.int64),
    "broadcast_shapes": lambda m, t: m.broadcast_shapes((2, 1), (3,), 1),
    "broadcast_shapes mismatch": lambda m, t: m.broadcast_shapes((2,), (3,)),
    "broadcast_tensors": lambda m, t: m.broadcast_tensors(t[:, :1], t[0]),
    "broadcast_tensors mismatch": lambda m, t: m.broadcast_tensors(m.ones(2), m.ones(3)),
    "broadcast_tensors keeps a tensor of the shape": lambda m, t: [u is t for u in m.broadcast_tensors(t, t[0])],
    "broadcast_to": lambda m, t: m.broadcast_to(t[0], (4, 3)),
    "meshgrid ij": lambda m, t: m.meshgrid(t[0], t[:, 0], indexing="ij"),
    "meshgrid xy": lambda m, t: m.meshgrid(t[0], t[:, 0], t[1], indexing="xy"),
    "meshgrid bad indexing": lambda m, t: m.meshgrid(t[0], indexing="yx"),
    "new sizes": lambda m, t: (t.new(2, 3).shape, t.new(2, 3).dtype == t.dtype),  # (torch's values are unset)
    "new data": lambda m, t: t.int().new([1, 2]),
    "new nothing": lambda m, t: t.new(),
    "new_full": lambda m, t: t.new_full((2,), 7),
    "can_cast": lambda m, t: [m.can_cast(a, b) for a in (m.float32, m.int64, m.bool, m.uint8)
                              for b in (m.float16, m.int8, m.bool)],
    "result_type": lambda m, t: oracle.dtype_name(m.result_type(t.int(), 2.5)),
    "promote_types with Python's float": lambda m, t: oracle.dtype_name(m.promote_types(float, m.int32)),
    "promote_types of a number": lambda m, t: m.promote_types(1, m.float32),
    "can_cast of a number": lambda m, t: m.can_cast(m.int32, 2),
    "meshgrid of two dtypes": lambda m, t: m.meshgrid(t[0], t[0].long(), indexing="ij"),
    "meshgrid of nothing": lambda m, t: m.meshgrid(indexing="ij"),
    "where by keywords": lambda m, t: m.where(condition=t > 0, input=t, other=-t),
    "where without other": lambda m, t: m.where(t > 0, t),
    "where with other by keyword": lambda m, t: m.where(t > 0, other=t),
    "new of another dtype": lambda m, t: t.long().new(t),
    "resize_ to its own shape": lambda m, t: t.t().resize_(3, 2).stride(),
    "kron of a transposed matrix": lambda m, t: m.kron(t.t(), t),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_matches_torch(name):
    values = np.arange(6, dtype=np.float32).reshape(2, 3) - 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = oracle.assert_same_outcome(lambda: CALLS[name](tinytorch, tinytorch.tensor(values)),
                                         lambda: CALLS[name](torch, torch.tensor(values)), rtol=1e-6)
    if isinstance(got, (tinytorch.Tensor, tuple)) and name != "can_cast":
        expected = CALLS[name](torch, torch.tensor(values))
        for g, e in zip(got if isinstance(got, tuple) else (got,), expected if isinstance(expected, tuple) else (expected,)):
            if isinstance(e, torch.Tensor) and name not in ("new sizes",):
                oracle.assert_same(g, e, rtol=1e-6)


UNKNOWN_KEYWORDS = {
    "randn names (the book's named tensors)": lambda m: m.randn(2, 3, names=("rows", "columns")),
    "randn size tuple and names None": lambda m: m.randn((2, 3), names=None),
    "randn names beside known keywords": lambda m: m.randn(2, dtype=m.float32, names=("n",)),
    "rand unknown keyword": lambda m: m.rand(4, seed=0),
    "rand generator and unknown keyword": lambda m: m.rand(4, generator=m.Generator(), seed=0),
}


@pytest.mark.parametrize("name", sorted(UNKNOWN_KEYWORDS))
def test_unknown_keywords_get_the_parsers_type_error(name):
    oracle.assert_same_error(lambda: UNKNOWN_KEYWORDS[name](tinytorch), lambda: UNKNOWN_KEYWORDS[name](torch))


# Values a learner might give where a shape is expected, made by each library.
SHAPE_VALUES = [
    lambda m: 2, lambda m: 1, lambda m: 0, lambda m: -1, lambda m: True, lambda m: False, lambda m: 1.5,
    lambda m: None, lambda m: "a", lambda m: m.tensor(2), lambda m: m.tensor(2.5), lambda m: np.int64(2),
    lambda m: m.tensor([[2]]), lambda m: m.tensor([2, 3]), lambda m: m.Size([2]), lambda m: m.Size([1, 2]),
    lambda m: (2,), lambda m: [True, 2], lambda m: (2, 1.5), lambda m: [], lambda m: (1, True), lambda m: [1.5],
]
SHAPE_TAKERS = {
    "zeros": lambda m, *a: m.zeros(*a), "ones": lambda m, *a: m.ones(*a), "empty": lambda m, *a: m.empty(*a).zero_(),
    "rand": lambda m, *a: m.rand(*a).shape, "randn": lambda m, *a: m.randn(*a).shape,
    "view": lambda m, *a: m.ones(2).view(*a), "reshape": lambda m, *a: m.ones(2).reshape(*a),
    "expand": lambda m, *a: m.ones(1).expand(*a), "repeat": lambda m, *a: m.ones(1).repeat(*a),
    "Tensor": lambda m, *a: m.Tensor(*a).zero_(),
}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(SHAPE_TAKERS)), st.lists(st.sampled_from(SHAPE_VALUES), max_size=3))
def test_shapes_are_read_as_torchs_parser_reads_them(name, values):
    """zeros(2, True) is (2, 1), zeros(True, 2) and view(1.5, 2) are TypeErrors...: the form is
    decided by the first value, the rest unpacked as ints, and each refusal worded as torch words it."""
    oracle.assert_same_outcome(lambda: SHAPE_TAKERS[name](tinytorch, *[v(tinytorch) for v in values]),
                               lambda: SHAPE_TAKERS[name](torch, *[v(torch) for v in values]))


IN_PLACE_HEADER_OPS = {
    "unsqueeze_": lambda t: t.unsqueeze_(0), "t_": lambda t: t.t_(), "squeeze_": lambda t: t.squeeze_(),
    "transpose_": lambda t: t.transpose_(0, 1), "as_strided_": lambda t: t.as_strided_((2,), (1,)),
    "resize_": lambda t: t.resize_(3), "resize_ to its own shape": lambda t: t.resize_(2, 1),
    "resize_as_": lambda t: t.resize_as_(t.new_zeros(2)),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE_HEADER_OPS))
def test_in_place_header_ops_count_as_writes(name):
    """unsqueeze_, t_, resize_ ... bump the version, as any in-place op does (resize_ to the
    shape a tensor has changes nothing), so backward refuses a value saved before them, and
    other views of the memory take a new history."""
    def run(m):
        plain = m.tensor([[1.0], [2.0]])
        before = plain._version
        IN_PLACE_HEADER_OPS[name](plain)
        if name.startswith("resize"):  # (refused on a tensor that requires grad)
            return plain._version - before
        x = m.tensor([[1.0], [2.0]], requires_grad=True)
        y = x.exp()  # saves its result
        other_view = y[1:]
        with m.no_grad():
            IN_PLACE_HEADER_OPS[name](y)
        refused = oracle.outcome(lambda: y.sum().backward())[1]
        return plain._version - before, other_view.grad_fn.name().rsplit("::", 1)[-1], type(refused).__name__
    assert run(tinytorch) == run(torch)


def test_writes_through_a_storage_are_not_versioned():
    """torch's storages carry no version counter: s[0] = ..., s.fill_ and s.copy_ are not
    seen by autograd, as writes through .data are not."""
    def run(m):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            s = y.storage()
            s[0] = 3.0
            s.fill_(1.0)
            s.copy_(m.ones(2).storage())
        y.sum().backward()
        return y._version, x.grad
    got, expected = run(tinytorch), run(torch)
    assert got[0] == expected[0]
    oracle.assert_same(got[1], expected[1])


@pytest.mark.parametrize("python_type", [float, int, bool])
def test_python_types_as_dtypes(python_type):
    """dtype=float is float64 (a Python float is a double), int is int64, bool is bool."""
    for make in (lambda m: m.ones(2, dtype=python_type), lambda m: m.tensor([1], dtype=python_type),
                 lambda m: m.arange(2, dtype=python_type), lambda m: m.ones(2).sum(dtype=python_type),
                 lambda m: m.ones(1).new_zeros(2, dtype=python_type), lambda m: m.full((2,), 1, dtype=python_type)):
        got, expected = oracle.outcome(lambda: make(tinytorch)), oracle.outcome(lambda: make(torch))
        if expected[1] is None:
            assert oracle.dtype_name(got[0].dtype) == oracle.dtype_name(expected[0].dtype)
        else:
            assert type(got[1]) is type(expected[1])


def test_transposing_a_tensor_that_is_not_2d_warns_once_as_torch_does():
    from tinytorch import tensor_ops
    tensor_ops._WARNED_ONCE.discard("T")  # (once per process: as if this were the first .T of a 3-D tensor)
    caught = {}
    for m in (tinytorch, torch):
        with warnings.catch_warnings(record=True) as caught[m]:
            warnings.simplefilter("always")
            m.ones(2, 3, 4).T
            m.ones(3).T
            m.ones(2, 2).T
    got = [str(w.message) for w in caught[tinytorch]]
    assert len(got) == 1 and "`x.T` on tensors of dimension other than 2" in got[0]
    for w in caught[torch]:  # (torch warns only if no earlier test in this process made it warn)
        assert str(w.message).split(" (Triggered")[0].replace("torch.", "tinytorch.") == got[0]


def test_meshgrid_without_indexing_warns():
    for m in (tinytorch, torch):
        with pytest.warns(UserWarning, match="it will be required to pass the indexing argument"):
            m.meshgrid(m.ones(2), m.ones(3))


# -- out= ---------------------------------------------------------------------------------
OUT_CALLS = {
    "add": lambda m, a, out: m.add(a, 1, out=out),
    "matmul": lambda m, a, out: m.matmul(a, a.t(), out=out),
    "sum axis": lambda m, a, out: m.sum(a, axis=0, out=out),
    "max with dim": lambda m, a, out: m.max(a, 1, out=(out, m.empty(0, dtype=m.int64))),
    "cat": lambda m, a, out: m.cat([a, a], out=out),
    "arange": lambda m, a, out: m.arange(4.0, out=out),
}


@pytest.mark.parametrize("name", sorted(OUT_CALLS))
@pytest.mark.parametrize("out_shape", [(0,), (2, 3), (5,)], ids=str)
def test_out_writes_into_the_given_tensor(name, out_shape):
    results = []
    for m in (tinytorch, torch):
        a = m.arange(6.0).reshape(2, 3)
        out = m.zeros(out_shape)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            returned = OUT_CALLS[name](m, a, out)
        first = returned[0] if isinstance(returned, tuple) else returned
        assert first is out
        # (torch's C++ warnings end with where they were triggered internally)
        messages = [str(w.message).split(" (Triggered internally")[0] for w in caught if "resized" in str(w.message)]
        results.append((out, messages))
    (tt_out, tt_warnings), (torch_out, torch_warnings) = results
    oracle.assert_same(tt_out, torch_out)
    assert tt_warnings == torch_warnings


OUT_ERRORS = {
    "requires grad": lambda m: m.add(m.ones(2, requires_grad=True), 1, out=m.empty(2)),
    "cannot cast": lambda m: m.add(m.ones(2), 0.5, out=m.empty(2, dtype=m.int64)),
    "flip takes no out": lambda m: m.flip(m.ones(2), [0], out=m.empty(2)),
    "roll takes no out": lambda m: m.roll(m.ones(2), 1, 0, out=m.empty(2)),
    "trace takes no out": lambda m: m.trace(m.ones(2, 2), out=m.empty(())),
    "det takes no out": lambda m: m.det(m.eye(2), out=m.empty(())),
    "dist takes no out": lambda m: m.dist(m.ones(2), m.ones(2), out=m.empty(())),
    "amax into an out of another dtype": lambda m: m.amax(m.ones(3), 0, out=m.empty(0, dtype=m.float64)),
    "mean into an int64 out": lambda m: m.mean(m.ones(3), 0, out=m.empty(0, dtype=m.int64)),
}


MORE_OUT_CALLS = {
    "sort, a named pair": lambda m: m.sort(m.tensor([3.0, 1.0, 2.0]), out=(m.empty(3), m.empty(3, dtype=m.int64))),
    "max(dim)": lambda m: m.max(m.ones(2, 2), 1, out=(m.empty(2), m.empty(2, dtype=m.int64))),
    "topk": lambda m: m.topk(m.tensor([3.0, 1.0, 2.0]), 2, out=(m.empty(2), m.empty(2, dtype=m.int64))),
    "where": lambda m: m.where(m.tensor([True, False]), m.ones(2), m.zeros(2), out=m.empty(2)),
    "nonzero": lambda m: m.nonzero(m.tensor([0, 1, 1]), out=m.empty(0, dtype=m.int64)),
    "eye": lambda m: m.eye(2, out=m.empty(2, 2)),
    "randperm": lambda m: (m.manual_seed(0), m.randperm(5, out=m.empty(5, dtype=m.int64)))[1],
    "normal": lambda m: (m.manual_seed(0), m.normal(0.0, 1.0, (3,), out=m.empty(3)))[1],
    "multinomial": lambda m: (m.manual_seed(0), m.multinomial(m.tensor([0.2, 0.8]), 2, True,
                                                              out=m.empty(2, dtype=m.int64)))[1],
    "norm (no NumPy names, but out=)": lambda m: m.norm(m.ones(3), out=m.empty(())),
    "linalg.inv": lambda m: m.linalg.inv(m.eye(2) * 2, out=m.empty(0)),
    "linalg.norm": lambda m: m.linalg.norm(m.ones(2, 2), out=m.empty(0)),
    "linalg.vector_norm axis=": lambda m: m.linalg.vector_norm(m.ones(2, 2), axis=0, out=m.empty(2)),
    "sum into an int64 out: the input cast first": lambda m: m.sum(m.tensor([0.5, 0.7, 0.9]), 0,
                                                                  out=m.empty(0, dtype=m.int64)),
    "cumsum into a float16 out": lambda m: m.cumsum(m.tensor([0.5, 0.7, 0.9]), 0, out=m.empty(0, dtype=m.float16)),
    "prod into a float64 out": lambda m: m.prod(m.tensor([0.5, 0.7, 0.9]), 0, out=m.empty(0, dtype=m.float64)),
    "mean into a float16 out": lambda m: m.mean(m.tensor([0.5, 0.7, 0.9]), 0, out=m.empty(0, dtype=m.float16)),
}


RESIZED_OUT = {  # a resized out takes the result's layout, as torch's does
    "add of a transposed tensor": lambda m: m.add(m.ones(2, 3).t(), 1, out=m.empty(0)),
    "neg into an out of another size": lambda m: m.neg(m.ones(2, 3).t(), out=m.empty(5)),
    "linalg.inv": lambda m: m.linalg.inv(m.eye(3), out=m.empty(0)),
    "linalg.solve": lambda m: m.linalg.solve(m.eye(3) * 2, m.ones(3, 2), out=m.empty(0)),
    "nonzero": lambda m: m.nonzero(m.tensor([[1, 0], [2, 3]]), out=m.empty(0, dtype=m.int64)),
    "an out of the right shape keeps its own": lambda m: m.add(m.ones(2, 3).t(), 1, out=m.empty(3, 2)),
}


@pytest.mark.parametrize("name", sorted(RESIZED_OUT))
def test_a_resized_out_takes_the_layout_of_the_result(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, expected = RESIZED_OUT[name](tinytorch), RESIZED_OUT[name](torch)
    oracle.assert_same(got, expected)
    assert got.stride() == expected.stride()


@pytest.mark.parametrize("name", sorted(MORE_OUT_CALLS))
def test_more_functions_take_out_as_torch_does(name):
    """The result, its repr (sort's is torch.return_types.sort_out), and where it went."""
    got = MORE_OUT_CALLS[name](tinytorch)
    expected = MORE_OUT_CALLS[name](torch)
    assert repr(got).replace("tinytorch", "torch") == repr(expected)


NOT_NUMPY_NAMED = {  # torch writes these in Python, so its parser's axis=/keepdims= do not reach them
    "Tensor.norm(axis=)": lambda m: m.ones(2, 3).norm(axis=0),
    "norm(keepdims=)": lambda m: m.norm(m.ones(2, 3), dim=0, keepdims=True),
    "split(axis=)": lambda m: m.split(m.ones(2, 3), 1, axis=0),
}


@pytest.mark.parametrize("name", sorted(NOT_NUMPY_NAMED))
def test_numpy_names_are_refused_where_torch_refuses_them(name):
    with pytest.raises(TypeError):
        NOT_NUMPY_NAMED[name](torch)
    with pytest.raises(TypeError):
        NOT_NUMPY_NAMED[name](tinytorch)


SEQUENCE_KEYWORDS = {
    "permute(dims=)": lambda m: m.ones(2, 3).permute(dims=(1, 0)).shape,
    "flip(dims=)": lambda m: m.arange(3).flip(dims=[0]),
    "new_zeros(size=)": lambda m: m.ones(2).new_zeros(size=(2, 1)),
    "new_ones(size=)": lambda m: m.ones(2).new_ones(size=[3]),
    "new_empty(size=)": lambda m: m.ones(2).new_empty(size=(2,)).shape,
    "new_zeros size twice": lambda m: m.ones(2).new_zeros(2, size=(3,)),
    "flip dims twice": lambda m: m.ones(2).flip(0, dims=[0]),
    "torch.permute(dims=)": lambda m: m.permute(m.zeros(2, 3, 4), dims=(2, 0, 1)).shape,
    "count_nonzero": lambda m: (m.count_nonzero(m.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]]), 0),
                                m.tensor([True, False]).count_nonzero(), m.count_nonzero(m.eye(3), dim=(0, 1))),
    "torch.softmax and log_softmax": lambda m: (m.softmax(m.tensor([1.0, 2.0, 3.0]), 0),
                                                m.log_softmax(m.tensor([[1.0, 2.0]]), dim=1)),
    "concat and concatenate, cat's other names": lambda m: (m.concat([m.ones(1), m.zeros(2)]),
                                                             m.concatenate((m.ones(2, 1), m.ones(2, 1)), 1)),
}


@pytest.mark.parametrize("name", sorted(SEQUENCE_KEYWORDS))
def test_a_sequence_by_its_keyword(name):
    oracle.assert_same_outcome(lambda: SEQUENCE_KEYWORDS[name](tinytorch), lambda: SEQUENCE_KEYWORDS[name](torch))


@pytest.mark.parametrize("name", sorted(OUT_ERRORS))
def test_out_errors_match_torch(name):
    oracle.assert_same_error(lambda: OUT_ERRORS[name](tinytorch), lambda: OUT_ERRORS[name](torch))


# -- resize_ and the in-place views -----------------------------------------------------------
def test_resize_shrinks_in_place_and_grows_keeping_the_old_values():
    for m in (tinytorch, torch):
        a = m.arange(6.0)
        b = a.view(2, 3)
        assert b.resize_(1, 3) is b and b.shape == (1, 3) and b.stride() == (3, 1)
        assert b.tolist() == [[0.0, 1.0, 2.0]]
        b.resize_(3, 3)  # (b.numpy() would pin torch's storage to its size)
        assert b.shape == (3, 3) and b.reshape(-1)[:6].tolist() == [0, 1, 2, 3, 4, 5]
    oracle.assert_same_error(lambda: tinytorch.ones(2, requires_grad=True).resize_(3),
                             lambda: torch.ones(2, requires_grad=True).resize_(3))


IN_PLACE_VIEWS = {
    "unsqueeze_": lambda t: t.unsqueeze_(1),
    "squeeze_": lambda t: t.unsqueeze(0).squeeze_(),
    "squeeze_ dim": lambda t: t.unsqueeze(2).squeeze_(2),
    "squeeze_ dims": lambda t: t.unsqueeze(2).squeeze_((0, 2)),
    "t_": lambda t: t.t_(),
    "transpose_": lambda t: t.transpose_(0, 1),
    "swapdims_": lambda t: t.swapdims_(1, 0),
}


@pytest.mark.parametrize("name", sorted(IN_PLACE_VIEWS))
def test_in_place_views_change_the_header_and_record_torchs_node(name):
    outs = []
    for m in (tinytorch, torch):
        leaf = m.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        t = leaf * 1
        result = IN_PLACE_VIEWS[name](t)
        assert result is t or name.startswith("squeeze_")
        outs.append((leaf, result))
    (tt_leaf, tt), (torch_leaf, th) = outs
    oracle.assert_same(tt, th)
    assert tt.grad_fn.name() == th.grad_fn.name()
    weights = np.arange(th.numel(), dtype=np.float64).reshape(tuple(th.shape))
    (tt * tinytorch.tensor(weights)).sum().backward()
    (th * torch.tensor(weights)).sum().backward()
    oracle.assert_same_values(tt_leaf.grad, torch_leaf.grad)
    oracle.assert_same_error(lambda: IN_PLACE_VIEWS[name](tinytorch.ones(2, 3, requires_grad=True)),
                             lambda: IN_PLACE_VIEWS[name](torch.ones(2, 3, requires_grad=True)))


def test_set_default_tensor_type_sets_the_default_dtype_and_warns_once():
    """torch warns once per process, so only tinytorch's warning is checked here (its text is torch's)."""
    tinytorch.creation._warned_default_tensor_type = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for m in (tinytorch, torch):
                m.set_default_tensor_type(m.DoubleTensor)
                assert m.ones(1).dtype is m.float64
                m.set_default_tensor_type("torch.FloatTensor")
                assert m.ones(1).dtype is m.float32
            oracle.assert_same_error(lambda: tinytorch.set_default_tensor_type(tinytorch.LongTensor),
                                     lambda: torch.set_default_tensor_type(torch.LongTensor))
        ours = [str(w.message) for w in caught if "tinytorch.set_default_tensor_type" in str(w.message)]
        assert ours == ["tinytorch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                        "tinytorch.set_default_dtype() and tinytorch.set_default_device() as alternatives."]
    finally:
        tinytorch.set_default_dtype(tinytorch.float32)
        torch.set_default_dtype(torch.float32)


@pytest.mark.parametrize("call", [
    lambda m, x, d: x.sum(d), lambda m, x, d: x.sum((0, d)), lambda m, x, d: x.argmax(d), lambda m, x, d: x.prod(d),
    lambda m, x, d: x.max(d)[0], lambda m, x, d: x.std(d), lambda m, x, d: x.sort(d)[0], lambda m, x, d: x.flip(d),
    lambda m, x, d: x.select(d, 0), lambda m, x, d: x.narrow(d, 0, 1), lambda m, x, d: x.transpose(d, 0),
    lambda m, x, d: x.unsqueeze(d), lambda m, x, d: m.cat([x, x], d), lambda m, x, d: x.softmax(d),
    lambda m, x, d: x.cumsum(d), lambda m, x, d: x.logsumexp(d), lambda m, x, d: m.linalg.vector_norm(x, dim=d),
    lambda m, x, d: x.roll(1, d), lambda m, x, d: x.chunk(2, d)[0], lambda m, x, d: x.movedim(d, 0),
])
@pytest.mark.parametrize("kind", ["numpy int", "0-d tensor"])
def test_a_dim_may_be_a_numpy_int_or_a_one_element_tensor(call, kind):
    """What Python takes as an int (operator.index), torch's parser takes as a dim."""
    def run(m):
        d = np.int64(1) if kind == "numpy int" else m.tensor(1)
        return call(m, m.arange(6.0).view(2, 3), d)
    oracle.assert_same(run(tinytorch), run(torch), rtol=1e-6)  # (logsumexp: the last bit of exp and log)
