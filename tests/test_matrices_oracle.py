"""outer, addmm, kron, tensordot, trace, cross, einsum, det, inverse, solve and
torch.linalg's basics against PyTorch: values (to rounding: LAPACK and NumPy
add up in different orders), shapes, dtypes, strides where PyTorch fixes them,
and errors. Hypothesis draws shapes, arguments and well-conditioned matrices.
"""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import oracle
import tinytorch

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RTOL = {"float32": 1e-4, "float64": 1e-10}


def values(shape, seed, dtype="float64"):
    return np.random.default_rng(seed).uniform(-2, 2, shape).astype(dtype)


def compare(call, *arrays, layout=False):
    """call(m, *tensors) with both libraries: same result (or error)."""
    name = str(arrays[0].dtype) if arrays else "float64"
    rtol = RTOL.get(name, 0)
    got = oracle.assert_same_outcome(lambda: call(tinytorch, *(tinytorch.tensor(a) for a in arrays)),
                                     lambda: call(torch, *(torch.tensor(a) for a in arrays)), rtol=rtol, atol=rtol)
    if layout and not isinstance(got, Exception):
        expected = call(torch, *(torch.tensor(a) for a in arrays))
        assert got.stride() == expected.stride()


small = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3)


@SETTINGS
@given(a=small, b=small, seed=st.integers(0, 99), dtype=st.sampled_from(["float32", "float64", "int64"]))
def test_outer_kron(a, b, seed, dtype):
    x, y = values(a, seed, dtype), values(b, seed + 1, dtype)
    compare(lambda m, s, t: m.outer(s, t), x, y, layout=True)
    compare(lambda m, s, t: m.kron(s, t), x, y, layout=True)


@SETTINGS
@given(n=st.integers(0, 3), k=st.integers(0, 3), p=st.integers(0, 3), seed=st.integers(0, 99),
       input_shape=st.sampled_from(["full", "row", "column", "scalar", "wrong"]),
       alpha=st.sampled_from([1, 2, -0.5]), beta=st.sampled_from([1, 0, 0.5]))
def test_addmm(n, k, p, seed, input_shape, alpha, beta):
    shape = {"full": (n, p), "row": (p,), "column": (n, 1), "scalar": (), "wrong": (n + 1, p)}[input_shape]
    compare(lambda m, i, a, b: m.addmm(i, a, b, alpha=alpha, beta=beta),
            values(shape, seed), values((n, k), seed + 1), values((k, p), seed + 2), layout=True)


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 99))
def test_tensordot(data, seed):
    a = data.draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3))
    k = data.draw(st.integers(0, len(a)))
    b = a[len(a) - k:] + data.draw(hnp.array_shapes(min_dims=0, max_dims=2, min_side=1, max_side=3))
    if data.draw(st.booleans()):
        compare(lambda m, s, t: m.tensordot(s, t, k), values(a, seed), values(b, seed + 1))
    else:
        pairs = ([d - len(a) for d in range(len(a) - k, len(a))], list(range(k)))
        compare(lambda m, s, t: m.tensordot(s, t, dims=pairs), values(a, seed), values(b, seed + 1))


@SETTINGS
@given(shape=small, seed=st.integers(0, 99), dtype=st.sampled_from(["float64", "int64"]))
def test_trace(shape, seed, dtype):
    compare(lambda m, t: m.trace(t), values(shape, seed, dtype))


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 99))
def test_cross(data, seed):
    shape = list(data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3)))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    shape[dim] = data.draw(st.sampled_from([3, 3, 3, 2]))
    other = list(shape)
    if data.draw(st.booleans()):
        other[data.draw(st.integers(0, len(shape) - 1))] = 1  # broadcasts
    compare(lambda m, a, b: m.linalg.cross(a, b, dim=dim), values(shape, seed), values(other, seed + 1), layout=True)
    compare(lambda m, a, b: m.cross(a, b, dim), values(shape, seed), values(other, seed + 1), layout=True)


EQUATIONS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,kj->ik", [(2, 3), (4, 3)]), ("i,i->", [(3,), (3,)]),
    ("i,j->ij", [(2,), (3,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij->ji", [(2, 3)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("...ij,...jk->...ik", [(2, 2, 3), (3, 2)]),
    ("ij", [(2, 3)]), ("ba", [(2, 3)]), ("ij,jk", [(2, 3), (3, 2)]), ("...i->...", [(2, 3, 4)]),
    ("i,i,i->i", [(3,), (3,), (3,)]), ("bii->bi", [(2, 3, 3)]), ("ij->", [(2, 3)]),
]


@pytest.mark.parametrize("equation, shapes", EQUATIONS, ids=[e for e, _ in EQUATIONS])
def test_einsum(equation, shapes):
    arrays = [values(shape, seed) for seed, shape in enumerate(shapes)]
    compare(lambda m, *ts: m.einsum(equation, *ts), *arrays)
    compare(lambda m, *ts: m.einsum(equation, list(ts)), *arrays)


def test_einsum_errors():
    compare(lambda m, a: m.einsum("ij->i", a, a), values((2, 2), 0))
    compare(lambda m, a: m.einsum("ijk->i", a), values((2, 2), 0))


@st.composite
def square_matrices(draw, batch=True):
    n = draw(st.integers(1, 4))
    shape = (draw(st.integers(1, 3)),) * draw(st.integers(0, 1)) + (n, n) if batch else (n, n)
    seed = draw(st.integers(0, 999))
    # Diagonally dominant: invertible and well conditioned, so the comparison is to rounding.
    return values(shape, seed) + 4 * np.eye(n)


@SETTINGS
@given(a=square_matrices(), dtype=st.sampled_from(["float64", "float32"]))
def test_det_inverse_solve(a, dtype):
    a = a.astype(dtype)
    compare(lambda m, t: m.det(t), a)
    compare(lambda m, t: m.linalg.det(t), a)
    compare(lambda m, t: t.inverse(), a, layout=True)
    compare(lambda m, t: m.linalg.inv(t), a, layout=True)
    b = values(a.shape[:-1] + (2,), 5, dtype)
    compare(lambda m, t, u: m.linalg.solve(t, u), a, b, layout=True)  # column by column, as LAPACK leaves it
    compare(lambda m, t, u: m.linalg.solve(t, u[..., 0]), a, b, layout=True)
    c = values(a.shape[:-2] + (2, a.shape[-1]), 6, dtype)
    compare(lambda m, t, u: m.linalg.solve(t, u, left=False), a, c, layout=True)
    compare(lambda m, t, u: m.linalg.solve(t, u[..., :1, :], left=False), a, c, layout=True)


LINALG_SHAPE_ERRORS = {
    "vector too long": lambda m: m.linalg.solve(m.eye(3), m.ones(4)),
    "rows do not fit": lambda m: m.linalg.solve(m.eye(3), m.ones(2, 4)),
    "columns do not fit (left=False)": lambda m: m.linalg.solve(m.eye(3), m.ones(2, 4), left=False),
    "a vector on the right": lambda m: m.linalg.solve(m.eye(3), m.ones(3), left=False),
    "batched vector on the right": lambda m: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(2, 3), left=False),
    "batch dims that do not broadcast": lambda m: m.linalg.solve(m.eye(3).expand(2, 3, 3), m.ones(3, 3, 2)),
    "not square": lambda m: m.linalg.solve(m.ones(2, 3), m.ones(2)),
    "cross with no dim of size 3": lambda m: m.cross(m.ones(2, 2), m.ones(2, 2)),
}


@pytest.mark.parametrize("name", sorted(LINALG_SHAPE_ERRORS))
def test_solve_and_cross_shape_errors_match_torch(name):
    oracle.assert_same_error(lambda: LINALG_SHAPE_ERRORS[name](tinytorch), lambda: LINALG_SHAPE_ERRORS[name](torch))


def test_singular_matrices_raise_torchs_linalg_error():
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    for call in (lambda m, t: m.linalg.inv(t), lambda m, t: t.inverse(), lambda m, t: m.linalg.solve(t, t),
                 lambda m, t: m.linalg.inv(m.stack([t * 0 + m.eye(3, dtype=m.float64), t])),
                 lambda m, t: m.linalg.solve(m.stack([t * 0 + m.eye(3, dtype=m.float64), t]), t[0])):
        with pytest.raises(torch.linalg.LinAlgError) as expected:
            call(torch, torch.tensor(singular))
        with pytest.raises(tinytorch.linalg.LinAlgError) as got:
            call(tinytorch, tinytorch.tensor(singular))
        assert str(got.value) == oracle.tinytorch_message(expected.value)
        assert type(got.value).__name__ == type(expected.value).__name__  # _LinAlgError, in a traceback
        assert isinstance(got.value, RuntimeError) and isinstance(expected.value, RuntimeError)


def test_non_square_and_integer_matrices():
    compare(lambda m, t: m.det(t), values((2, 3), 0))
    compare(lambda m, t: m.linalg.inv(t), values((3,), 0))
    compare(lambda m, t: m.linalg.inv(t), np.eye(2, dtype=np.int64))


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3), seed=st.integers(0, 99),
       ord=st.sampled_from([None, 2, 1, 3, float("inf"), -float("inf"), 0, -1, -2, "fro", "nuc"]),
       dim=st.sampled_from([None, 0, -1, (0, -1), (-1, 0), (0, 0), (0, 1, 2)]), keepdim=st.booleans())
def test_linalg_norms(shape, seed, ord, dim, keepdim):
    """Vector norms, and matrix norms (a 2-D tensor or two dims): from singular values
    ('nuc', 2, -2) or from sums of absolute values (1, -1, inf, -inf), errors included."""
    a = values(shape, seed)
    compare(lambda m, t: m.linalg.norm(t, ord, dim, keepdim), a)
    if not isinstance(ord, str):
        vector_dim = dim if not isinstance(dim, tuple) else None
        compare(lambda m, t: m.linalg.vector_norm(t, 2 if ord is None else ord, vector_dim), a)
    if ord is not None:
        matrix_dim = dim if isinstance(dim, tuple) else (-2, -1)
        compare(lambda m, t: m.linalg.matrix_norm(t, ord, matrix_dim, keepdim), a)


def test_svdvals():
    compare(lambda m, t: m.linalg.svdvals(t), values((2, 4, 3), 1))
    compare(lambda m, t: m.linalg.svdvals(t), values((3,), 1))
