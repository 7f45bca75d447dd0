"""tinytorch.linalg: PyTorch's torch.linalg basics, for vectors and square matrices.

    vector_norm(x, ord=2)  (sum |x|^ord)^(1/ord) over dims
    norm(x)                vector_norm of the flattened tensor, or over the given dims
    det(A), inv(A)         determinant and inverse of (batched) square matrices
    solve(A, B)            X with A @ X = B (left=False: X @ A = B)
    cross(a, b)            cross product of 3-vectors along the last dim
    LinAlgError            raised for a singular matrix

The ops themselves live in ops/statistics.py (norms) and ops/matrices.py.
"""
from .ops.matrices import LinAlgError, det, inverse as inv, solve
from .ops.matrices import cross as _cross
from .ops.statistics import vector_norm


def cross(input, other, *, dim=-1):
    return _cross(input, other, dim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """The 2-norm of all elements (ord=None), or a vector norm over one dim. Over two
    dims only the Frobenius norm ('fro', or None) is a vector norm; the other matrix
    norms ('nuc', 2 as a matrix norm ...) are not in tinytorch."""
    if ord is not None and dim is None and A.dim() > 2:
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.dim()}D.")
    two_dims = isinstance(dim, (tuple, list)) and len(dim) == 2
    if ord is None or (ord == "fro" and (two_dims or dim is None)):
        return vector_norm(A, 2.0, dim, keepdim, dtype=dtype)
    if isinstance(ord, str) or two_dims or (dim is None and A.dim() == 2):
        raise NotImplementedError(f"tinytorch.linalg.norm computes vector norms and the Frobenius norm; "
                                  f"ord={ord!r} over a matrix is a matrix norm, which tinytorch does not have")
    return vector_norm(A, ord, dim, keepdim, dtype=dtype)


__all__ = ["LinAlgError", "cross", "det", "inv", "norm", "solve", "vector_norm"]
