"""tinytorch.linalg: PyTorch's torch.linalg basics, for vectors and square matrices.

    vector_norm(x, ord=2)  (sum |x|^ord)^(1/ord) over dims
    matrix_norm(A, ord)    'fro', 'nuc', 2, 1, inf (and -2, -1, -inf) of matrices
    norm(x, ord, dim)      vector_norm or matrix_norm, by ord and dim
    svdvals(A)             singular values
    det(A), inv(A)         determinant and inverse of (batched) square matrices
    solve(A, B)            X with A @ X = B (left=False: X @ A = B)
    cross(a, b)            cross product of 3-vectors along the last dim
    LinAlgError            raised for a singular matrix

The ops themselves live in ops/statistics.py (norms) and ops/matrices.py.
"""
from .exact.arguments import is_index
from .ops.matrices import LinAlgError, det, inverse as inv, solve, svdvals
from .ops.matrices import cross as _cross
from .ops.statistics import matrix_norm, vector_norm


def cross(input, other, *, dim=-1):
    return _cross(input, other, dim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """The 2-norm of all elements (ord=None); with ord, a vector norm (of a 1-D tensor,
    or over one dim) or a matrix norm (of a 2-D tensor, or over two dims: matrix_norm)."""
    if dim is not None:
        dims = (dim,) if is_index(dim) else tuple(dim)
        if len(dims) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dims)}")
    elif ord is not None and A.dim() not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.dim()}D.")
    if isinstance(ord, str) or ord is not None and (len(dims) == 2 if dim is not None else A.dim() == 2):
        return matrix_norm(A, ord, dims if dim is not None else (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def _accept_keywords():
    """out= (and NumPy's axis=/keepdims=) on every function here, as torch.linalg's take them."""
    from .exact.keywords import with_out
    namespace = globals()
    for name in ("cross", "det", "inv", "matrix_norm", "norm", "solve", "svdvals", "vector_norm"):
        namespace[name] = with_out(namespace[name])


_accept_keywords()

__all__ = ["LinAlgError", "cross", "det", "inv", "matrix_norm", "norm", "solve", "svdvals", "vector_norm"]
