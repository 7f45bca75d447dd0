"""Matrix products: matmul (@), mm, and the dot / matrix-vector cases it covers."""
from ..autograd.graph import Node
from .base import Tensor, dtypes, from_array, needs_grad, record, same_device, backend_for, sum_to, type_name


def _check(a, b, name):
    if type(a) is not Tensor or type(b) is not Tensor:
        raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not {type(b).__name__}")
    same_device(a, b)
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {_long_name(a.dtype)} != {_long_name(b.dtype)}"
        )
    if a.dtype is dtypes.bool_:
        raise RuntimeError(f'"{name}" not implemented for \'Bool\'')


def _long_name(d):
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char"}.get(d.name, d.name)


def mm(a, b):
    _check(a, b, "mm")
    if a.dim() != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.dim() != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a._shape[1] != b._shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a._shape[0]}x{a._shape[1]} and {b._shape[0]}x{b._shape[1]})"
        )
    out = from_array(backend_for(a.device).xp.matmul(a._data, b._data), a.dtype, a.device)
    if needs_grad(a, b):
        node = MmBackward0()
        node.save(b if a._requires_grad else None, a if b._requires_grad else None)
        record(node, out, (a, b))
    return out


class MmBackward0(Node):
    def backward(self, grad):
        b, a = self.saved_tensors
        # out = a @ b  =>  d/da = grad @ b^T,  d/db = a^T @ grad
        return (mm(grad, b.t()) if b is not None else None, mm(a.t(), grad) if a is not None else None)


def matmul(a, b):
    """@ as in PyTorch: 1-D @ 1-D is a dot product, 2-D @ 1-D a matrix-vector
    product, 2-D @ 2-D mm, and more dims a batched product with broadcasting."""
    _check(a, b, "matmul")
    da, db = a.dim(), b.dim()
    if da == 0 or db == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {da}D and {db}D")
    if da == 2 and db == 2:
        return mm(a, b)
    if da == 1 and db == 1:
        if a._shape != b._shape:
            raise RuntimeError(
                f"inconsistent tensor size, expected tensor [{a._shape[0]}] and src [{b._shape[0]}] to have the "
                "same number of elements, but got {} and {} elements respectively".format(a._shape[0], b._shape[0])
            )
        return _product(a, b, DotBackward0)
    if da == 2 and db == 1:
        if a._shape[1] != b._shape[0]:
            raise RuntimeError(
                f"size mismatch, got input ({a._shape[0]}), mat ({a._shape[0]}x{a._shape[1]}), vec ({b._shape[0]})"
            )
        return _product(a, b, MvBackward0)
    if da == 1 and db == 2:
        return mm(a.unsqueeze(0), b).squeeze(0)
    if a._shape[-1] != b._shape[-2 if db > 1 else 0]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: [{a._shape[0]}, {a._shape[-1]}] "
            f"but got: [{b._shape[0]}, {b._shape[-2 if db > 1 else 0]}]."
        )
    return _product(a, b, BmmBackward)


def _product(a, b, node_cls):
    try:
        result = backend_for(a.device).xp.matmul(a._data, b._data)
    except ValueError:
        from ..strides import broadcast_shapes
        broadcast_shapes(a._shape[:-2], b._shape[:-2])
        raise
    out = from_array(result, a.dtype, a.device)
    if needs_grad(a, b):
        node = node_cls(a._shape, b._shape)
        node.save(a, b)
        record(node, out, (a, b))
    return out


class DotBackward0(Node):
    def __init__(self, a_shape, b_shape):
        super().__init__()

    def backward(self, grad):
        a, b = self.saved_tensors
        return grad * b, grad * a


class MvBackward0(Node):
    def __init__(self, a_shape, b_shape):
        super().__init__()

    def backward(self, grad):
        a, b = self.saved_tensors
        # out_i = sum_j a_ij b_j
        return grad.unsqueeze(1) * b.unsqueeze(0), matmul(a.t(), grad)


class BmmBackward(Node):
    """Batched matmul with broadcasting (PyTorch folds this into several nodes;
    one node keeps the graph readable)."""

    def __init__(self, a_shape, b_shape):
        super().__init__()
        self.a_shape, self.b_shape = a_shape, b_shape

    def backward(self, grad):
        a, b = self.saved_tensors
        a2 = a.unsqueeze(0) if a.dim() == 1 else a
        b2 = b.unsqueeze(-1) if b.dim() == 1 else b
        g = grad
        if a.dim() == 1:
            g = g.unsqueeze(-2)
        if b.dim() == 1:
            g = g.unsqueeze(-1)
        ga = matmul(g, b2.transpose(-1, -2))
        gb = matmul(a2.transpose(-1, -2), g)
        if a.dim() == 1:
            ga = ga.squeeze(-2)
        if b.dim() == 1:
            gb = gb.squeeze(-1)
        return sum_to(ga, self.a_shape), sum_to(gb, self.b_shape)


def dot(a, b):
    _check(a, b, "dot")
    if a.dim() != 1 or b.dim() != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.dim()}D and {b.dim()}D tensors")
    return matmul(a, b)
