"""Matrix algebra beyond the plain products of linalg.py.

Products built from them, as PyTorch builds them (so the recorded graph is
PyTorch's too): outer, addmm, kron, tensordot; trace and cross; einsum, which
multiplies broadcast operands and sums the letters the output drops.

Solving: det, inverse and solve, computed by NumPy's LAPACK. Their gradients
are the textbook ones, written with tinytorch's ops so that they have a
history of their own:
    d det(A)      = det(A) * inverse(A)^T        (so it needs A invertible)
    d inverse(A)  = -inverse(A)^T @ grad @ inverse(A)^T
    solve(A, B)   : grad_B = solve(A^T, grad),  grad_A = -grad_B @ X^T
"""
import math
import warnings

from .. import strides as S
from ..autograd.graph import Node
from ..dtypes import type_name
from .base import dtypes, from_array, gets_gradient, grad_mode, needs_grad, np, record, same_device, xp_of
from .linalg import _column_major, _unsafe_view, mm
from .views import diagonal, embed


class _LinAlgError(RuntimeError):
    """PyTorch's torch.linalg.LinAlgError (its class is named _LinAlgError, which is what
    a traceback shows): a matrix that cannot be inverted or solved."""


LinAlgError = _LinAlgError


# -- outer, addmm, kron, tensordot --------------------------------------------------------
def outer(a, b):
    """a[i] * b[j] for every i, j: a column times a row (PyTorch reshapes a into one)."""
    for name, t in (("self", a), ("vec2", b)):
        if t.dim() != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.dim()}-D")
    return a.reshape(a._shape[0], 1) * b


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape:
    the whole of a linear layer (x @ W^T + b) in one op."""
    with grad_mode.no_grad():
        out = mm(mat1, mat2)  # a fresh, contiguous result: scaled and added to in place below
    same_device(input, out)
    if alpha != 1:
        out._data *= alpha
    try:  # input broadcast over the product (an in-place add refuses what does not fit it)
        if beta != 0:
            out._data += input._data * beta if beta != 1 else input._data
        elif out._shape != S.broadcast_shapes(input._shape, out._shape):
            raise ValueError
    except (ValueError, RuntimeError):
        input.detach().expand(out._shape)  # raises expand's error, as PyTorch does
        raise
    if needs_grad(input, mat1, mat2):
        node = AddmmBackward0(mat1, mat2, alpha, beta)
        record(node, out, (input, mat1, mat2),
               saved=(mat1 if gets_gradient(mat2) else None, mat2 if gets_gradient(mat1) else None))
    return out


class AddmmBackward0(Node):
    """input gets beta * grad (summed back over any broadcast by the engine); the
    matrices get mm's gradients times alpha, laid out as mm lays them out."""
    saved_names = ("mat1", "mat2")
    saved_settings = ("alpha", "beta", "mat1_sym_sizes", "mat1_sym_strides", "mat2_sym_sizes", "mat2_sym_strides")

    def __init__(self, mat1, mat2, alpha, beta):
        super().__init__()
        self.alpha, self.beta = alpha, beta
        self.mat1_sym_sizes, self.mat2_sym_sizes = mat1._shape, mat2._shape
        self.mat1_sym_strides = mat1._stride if gets_gradient(mat1) else ()
        self.mat2_sym_strides = mat2._stride if gets_gradient(mat2) else ()

    def backward(self, grad):
        mat1, mat2 = self.saved_tensors
        grad_input = grad * self.beta if self.beta != 1 else grad
        grad_mat1 = grad_mat2 = None
        if mat2 is not None:
            if _column_major(self.mat1_sym_sizes, self.mat1_sym_strides):
                grad_mat1 = mm(mat2, grad.t()).t()
            else:
                grad_mat1 = mm(grad, mat2.t())
            grad_mat1 = grad_mat1 * self.alpha if self.alpha != 1 else grad_mat1
        if mat1 is not None:
            if _column_major(self.mat2_sym_sizes, self.mat2_sym_strides):
                grad_mat2 = mm(grad.t(), mat1).t()
            else:
                grad_mat2 = mm(mat1.t(), grad)
            grad_mat2 = grad_mat2 * self.alpha if self.alpha != 1 else grad_mat2
        return grad_input, grad_mat1, grad_mat2


def kron(a, b):
    """The Kronecker product: a block matrix with a[i, j] * b as block (i, j).
    Each dim of a is paired with one of b: a's sizes interleaved with 1s, times
    b's interleaved the other way, broadcast into (a_i, b_i, a_j, b_j, ...)."""
    n = max(a.dim(), b.dim())
    a_shape = (1,) * (n - a.dim()) + a._shape
    b_shape = (1,) * (n - b.dim()) + b._shape
    a_view = _unsafe_view(a, tuple(x for size in a_shape for x in (size, 1)))
    b_view = _unsafe_view(b, tuple(x for size in b_shape for x in (1, size)))
    return _unsafe_view(a_view * b_view, tuple(x * y for x, y in zip(a_shape, b_shape)))


def tensordot(a, b, dims=2):
    """Sum a's last `dims` dims against b's first (or the listed pairs): every
    contraction as one matrix product, after moving the summed dims together."""
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.dim(), b.dim()):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        given_a, given_b = list(range(-dims, 0)), list(range(dims))  # as torch lists them
    else:
        given_a, given_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if len(given_a) != len(given_b):
        raise RuntimeError("both dimension lists should have same length")
    dims_a = [S.normalize_dim(d, a.dim()) for d in given_a]
    dims_b = [S.normalize_dim(d, b.dim()) for d in given_b]
    for da, db, shown_a, shown_b in zip(dims_a, dims_b, given_a, given_b):
        if a._shape[da] != b._shape[db] and a._shape[da] != 1 and b._shape[db] != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a._shape[da]} in dim "
                               f"{shown_a} and second has size {b._shape[db]} in dim {shown_b}")
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    size = math.prod(a._shape[d] for d in dims_a)
    left = a.permute(free_a + dims_a).reshape(math.prod(a._shape[d] for d in free_a), size)
    right = b.permute(dims_b + free_b).reshape(size, math.prod(b._shape[d] for d in free_b))
    return mm(left, right).reshape([a._shape[d] for d in free_a] + [b._shape[d] for d in free_b])


# -- trace, cross ------------------------------------------------------------------------------
def trace(a):
    """The sum of a matrix's main diagonal."""
    if a.dim() != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.dim()}")
    if a.dtype is dtypes.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    d = a.dtype if a.dtype.is_floating_point else dtypes.int64
    xp = xp_of(a)
    out = from_array(xp.asarray(xp.trace(a._data), dtype=d.numpy), d, a.device)
    if needs_grad(a):
        record(TraceBackward0(), out, (a,))
    return out


class TraceBackward0(Node):
    """Each diagonal element adds once to the trace: the gradient is grad on the diagonal, 0 elsewhere."""
    keeps_input_sizes = True

    def backward(self, grad):
        shape = self.input_meta[0][0]
        return embed(grad.expand(min(shape)), shape, lambda x: diagonal(x))


def cross(a, b, dim=None):
    """The cross product of 3-vectors along dim (torch.cross: the first dim of size 3
    when none is given; torch.linalg.cross: the last)."""
    if a.dim() != b.dim():
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    shape = S.broadcast_shapes(a._shape, b._shape)
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=3)
        dim = next((d for d, size in enumerate(shape) if size == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    d = S.normalize_dim(dim, len(shape))
    size_a, size_b = ((1,) * (len(shape) - t.dim()) + t._shape for t in (a, b))
    if size_a[d] != 3 or size_b[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {size_a[d]} and "
                           f"{size_b[d]}")
    result_dtype = dtypes.promote_types(a.dtype, b.dtype)
    if result_dtype is dtypes.bool_:
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    xp = xp_of(a)
    values = xp.cross(xp.broadcast_to(a._data, shape), xp.broadcast_to(b._data, shape), axis=d)
    out = from_array(xp.ascontiguousarray(values, dtype=result_dtype.numpy), result_dtype, a.device)  # whatever dim
    if needs_grad(a, b):
        record(LinalgCrossBackward0(dim), out, (a, b), saved=(a, b))
    return out


class LinalgCrossBackward0(Node):
    """d (a x b) = da x b + a x db, so a gets b x grad and b gets grad x a."""
    saved_names = ("self", "other")
    saved_settings = ("dim",)

    def __init__(self, dim):
        super().__init__()
        self.dim = dim

    def backward(self, grad):
        a, b = self.saved_tensors
        return cross(b, grad, self.dim), cross(grad, a, self.dim)


# -- einsum --------------------------------------------------------------------------------------
def einsum(equation, *operands):
    """Sums of products named by letters: 'ij,jk->ik' is a matrix product, 'ii->i'
    a diagonal, 'bij->bji' a transpose, '...' stands for any leading dims. Every
    operand is lined up on one axis per letter (a repeated letter takes the
    diagonal), the operands are multiplied with broadcasting, and the letters
    missing from the output are summed away. (PyTorch contracts pair by pair with
    bmm instead: the same values, but a graph of other nodes; see docs/api.md.)"""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    inputs, arrow, output = equation.replace(" ", "").partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation"
                         if len(operands) > len(terms) else
                         "einsum(): fewer operands were provided than specified in the equation")
    for i, (term, t) in enumerate(zip(terms, operands)):
        named = len(term) - 3 if "..." in term else len(term)
        if named > t.dim() or ("..." not in term and named != t.dim()):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({named}) does not match the "
                               f"number of dimensions ({t.dim()}) for operand {i}"
                               + ("" if "..." in term else " and no ellipsis was given"))
    # '...' becomes placeholder subscripts, one per broadcast dim, lined up from the right.
    width = max((t.dim() - (len(term) - 3) for term, t in zip(terms, operands) if "..." in term), default=0)
    spare = [chr(0x100 + i) for i in range(width)]
    terms = [term.replace("...", "".join(spare[width - (t.dim() - (len(term) - 3)):])) for term, t in zip(terms, operands)]
    _check_subscript_sizes(terms, operands, spare)
    if arrow:
        if "." in output.replace("...", ""):
            raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis (...)")
        for i, letter in enumerate(output.replace("...", "")):
            if letter in output.replace("...", "")[:i]:
                raise RuntimeError(f"einsum(): output subscript {letter} appears more than once in the output")
            if letter not in inputs:
                raise RuntimeError(f"einsum(): output subscript {letter} does not appear in the equation for any "
                                   "input operand")
        output = output.replace("...", "".join(spare))
    else:  # the broadcast dims, then every letter used once, in alphabetical order
        letters = "".join(terms)
        output = "".join(spare) + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and c not in spare))
    letters = list(dict.fromkeys(output + "".join(terms)))
    product = None
    for term, t in zip(terms, operands):
        t, term = _take_diagonals(t, term)
        order = [term.index(letter) for letter in letters if letter in term]
        if order != list(range(len(order))):
            t = t.permute(order)
        for i, letter in enumerate(letters):
            if letter not in term:
                t = t.unsqueeze(i)
        product = t if product is None else product * t
    summed = tuple(i for i, letter in enumerate(letters) if letter not in output)
    return product.sum(summed) if summed else product


def _check_subscript_sizes(terms, operands, spare):
    """PyTorch's checks that one letter names one size: within an operand (a diagonal
    needs a square), and across operands (equal, or 1 to broadcast)."""
    seen = {}
    for i, (term, t) in enumerate(zip(terms, operands)):
        own = {}
        for letter, size in zip(term, t._shape):
            if letter in spare:
                continue
            if letter in own:
                if own[letter] != size:
                    raise RuntimeError(f"einsum(): subscript {letter} is repeated for operand {i} but the sizes don't "
                                       f"match, {size} != {own[letter]}")
                continue
            own[letter] = size
            if seen.get(letter, size) != size and 1 not in (seen[letter], size):
                raise RuntimeError(f"einsum(): subscript {letter} has size {size} for operand {i} which does not "
                                   f"broadcast with previously seen size {seen[letter]}")
            if seen.get(letter, 1) == 1:
                seen[letter] = size


def _take_diagonals(t, term):
    """A letter repeated in one term ('ii') reads the diagonal of those dims."""
    while len(set(term)) != len(term):
        letter = next(c for c in term if term.count(c) > 1)
        first = term.index(letter)
        second = term.index(letter, first + 1)
        t = t.diagonal(0, first, second)
        term = "".join(c for i, c in enumerate(term) if i not in (first, second)) + letter
    return t, term


# -- det, inverse, solve ---------------------------------------------------------------------------
def check_matrices(a, name, square=False):
    """PyTorch's linear-algebra checks of A, in its order and words: a (batch of)
    matrix, square if asked, of a floating-point dtype. `name` opens each message."""
    if a.dim() < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if square and a._shape[-1] != a._shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {a._shape[-2]} by "
                           f"{a._shape[-1]} matrices")
    check_floating(a, name)


def check_floating(a, name):
    if not a.dtype.is_floating_point:
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{type_name(a.dtype)}")


def det(a):
    """The determinant of each (batched) square matrix."""
    check_matrices(a, "linalg.det", square=True)
    xp = xp_of(a)
    out = from_array(xp.asarray(xp.linalg.det(a._data), dtype=a.dtype.numpy), a.dtype, a.device)
    if needs_grad(a):
        record(LinalgDetBackward0(), out, (a,), saved=(a, out))
    return out


class LinalgDetBackward0(Node):
    saved_names = ("A", "result")

    def backward(self, grad):
        a, result = self.saved_tensors
        return (grad * result).unsqueeze(-1).unsqueeze(-1) * inverse(a).mT


def inverse(a):
    """The inverse of each (batched) square matrix: inverse(A) @ A is the identity."""
    check_matrices(a, "linalg.inv", square=True)
    xp = xp_of(a)
    _check_invertible(xp, a._data, "linalg.inv")
    values = xp.linalg.inv(a._data) if a.numel() else a._data.copy()
    out = from_array(values, a.dtype, a.device, _lapack_strides(a._shape) if a.numel() else None)
    if needs_grad(a):
        record(LinalgInvExBackward0(), out, (a,), saved=(out,))
    return out


def _lapack_strides(shape):
    """How PyTorch lays out what LAPACK computed: each matrix column by column
    (column-major, as LAPACK works), the batch of matrices row-major."""
    return S.contiguous_strides(shape)[:-2] + (1, shape[-2])


def _check_invertible(xp, matrices, name):
    """PyTorch's error for a singular matrix; inv's names the first zero pivot of
    the LU factorisation (with partial pivoting), counted from 1."""
    if not matrices.size:
        return
    for index, matrix in enumerate(matrices.reshape(-1, *matrices.shape[-2:])):
        pivot = _first_zero_pivot(np.array(matrix, dtype=np.float64))
        if pivot is not None:
            batch = f" (Batch element {index}):" if matrices.ndim > 2 else ""
            if name == "linalg.solve":
                raise LinAlgError(f"tinytorch.linalg.solve:{batch} The solver failed because the input matrix is "
                                  "singular.")
            raise LinAlgError(f"{name}:{batch} The diagonal element {pivot} is zero, the inversion could not be "
                              "completed because the input matrix is singular.")


def _first_zero_pivot(m):
    n = len(m)
    for k in range(n):
        row = k + int(np.argmax(np.abs(m[k:, k])))
        if m[row, k] == 0:
            return k + 1
        m[[k, row]] = m[[row, k]]
        m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
    return None


class LinalgInvExBackward0(Node):
    saved_names = ("inverse",)

    def backward(self, grad):
        (inv,) = self.saved_tensors
        return -(inv.mT @ grad @ inv.mT)


def svdvals(a):
    """The singular values of a (batched) matrix, largest first: how much it stretches
    space along its principal directions (numpy.linalg.svd computes them). Their gradient
    needs the singular vectors, so PyTorch's node, LinalgSvdBackward0, makes U and Vh too
    and keeps them; the values are its output 1."""
    check_matrices(a, "linalg.svd")
    xp = xp_of(a)
    u, s, vh = xp.linalg.svd(a._data, full_matrices=False)
    values = from_array(xp.ascontiguousarray(s, dtype=a.dtype.numpy), a.dtype, a.device)
    if needs_grad(a):
        u, vh = (from_array(xp.ascontiguousarray(m, dtype=a.dtype.numpy), a.dtype, a.device) for m in (u, vh))
        record(LinalgSvdBackward0(), (u, values, vh), (a,), saved=(u, values, vh))
    return values


class LinalgSvdBackward0(Node):
    """A = U diag(S) Vh, U and V with orthonormal columns. A change of the singular
    values alone moves A by U diag(dS) Vh, so grad_A = U diag(grad_S) Vh. The singular
    vectors' gradients (they arrive in a second derivative, through the U and Vh the
    first one used) follow the textbook formula PyTorch's svd_backward implements, for
    real matrices: with E[j, k] = S[k]^2 - S[j]^2 (1 on the diagonal),
        grad_A = U [skew(U^T gU) / E * S + S * skew(V^T gV) / E + diag(gS)] Vh
                 + (I - U U^T) gU / S Vh + U ((I - V V^T) gV / S)^T."""
    saved_names = ("U", "S", "Vh")
    saved_settings = ("full_matrices", "S_sym_argsize_minus_1")
    full_matrices = False

    @property
    def num_outputs(self):
        return 3

    @property
    def S_sym_argsize_minus_1(self):  # how many singular values: the shorter side of A
        return min(self.input_meta[0][0][-2:]) if self.input_meta[0] is not None else None

    def backward(self, grad_u, grad_s, grad_vh):
        u, s, vh = self.saved_tensors
        if grad_u is None and grad_vh is None:
            return (u * grad_s.unsqueeze(-2)) @ vh
        k = s._shape[-1]
        identity = from_array(xp_of(s).eye(k, dtype=s.dtype.numpy), s.dtype, s.device)
        columns = s.unsqueeze(-2)  # S as a row: X * columns scales X's columns by S
        squares = columns * columns
        e = squares - squares.mT + identity
        inner = 0 if grad_s is None else grad_s.unsqueeze(-1) * identity
        grad_a = 0
        if grad_u is not None:
            projected = u.mT @ grad_u
            inner = inner + (projected - projected.mT) / e * columns
            grad_a = grad_a + ((grad_u - u @ projected) / columns) @ vh
        if grad_vh is not None:
            v, grad_v = vh.mT, grad_vh.mT
            projected = v.mT @ grad_v
            inner = inner + columns.mT * (projected - projected.mT) / e
            grad_a = grad_a + u @ ((grad_v - v @ projected) / columns).mT
        return u @ inner @ vh + grad_a


def solve(a, b, *, left=True):
    """X with A @ X = B (B a matrix or a vector), without forming inverse(A).
    left=False solves X @ A = B instead: the transposed system, A^T @ X^T = B^T."""
    check_matrices(a, "linalg.solve", square=True)
    vector = b.dim() == 1 or (b.dim() == a.dim() - 1 and b._shape == a._shape[:-1])
    rows, columns = (b._shape[-1], 1) if vector else b._shape[-2:]  # a vector is one column
    if (a._shape[-1] != rows) if left else (a._shape[-1] != columns):
        n = a._shape[-1]
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {'AX' if left else 'XA'} "
                           f"= B ({n}x{n} and {rows}x{columns})")
    S.broadcast_shapes(b._shape[:-1 if vector else -2], a._shape[:-2])  # the batch dims must broadcast
    xp = xp_of(a)
    _check_invertible(xp, a._data, "linalg.solve")
    matrix, rhs = (a._data, b._data) if left else (a._data.swapaxes(-1, -2), b._data.swapaxes(-1, -2))
    if vector:  # (only on the left: on the right one column does not fit, checked above)
        values = xp.linalg.solve(matrix, b._data[..., None])[..., 0]
    else:
        values = xp.linalg.solve(matrix, rhs)
        values = values if left else values.swapaxes(-1, -2)
    result_dtype = dtypes.promote_types(a.dtype, b.dtype)
    # Column by column as LAPACK leaves it (a batch of vectors too: its last batch dim then
    # steps by 1); X @ A = B, solved transposed, comes back row-major.
    layout = _lapack_strides(values.shape) if left and values.ndim >= 2 and values.size else None
    as_array = xp.asarray if layout else xp.ascontiguousarray  # (from_array lays it out by `layout`)
    out = from_array(as_array(values, dtype=result_dtype.numpy), result_dtype, a.device, layout)
    if needs_grad(a, b):
        record(LinalgSolveExBackward0(vector, left), out, (a, b), saved=(a, out))
    return out


class LinalgSolveExBackward0(Node):
    """A @ X = B: grad_B solves the transposed system, A^T @ grad_B = grad, and
    grad_A = -grad_B @ X^T. For X @ A = B (left=False) the same, mirrored:
    grad_B @ A^T = grad, and grad_A = -X^T @ grad_B."""
    saved_names = ("A", "result")
    saved_settings = ("left",)

    def __init__(self, vector, left):
        super().__init__()
        self.vector, self.left = vector, left

    def backward(self, grad):
        a, x = self.saved_tensors
        grad_b = solve(a.mT, grad, left=self.left)
        if self.vector:  # (left=True only)
            grad_a = -(grad_b.unsqueeze(-1) * x.unsqueeze(-2))
        else:
            grad_a = -(grad_b @ x.mT) if self.left else -(x.mT @ grad_b)
        return grad_a, grad_b

