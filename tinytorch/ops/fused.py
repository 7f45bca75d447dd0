"""Ops that combine arithmetic steps into one, rounded as PyTorch's kernels round
them (so Adam's update, written with them, gives PyTorch's numbers):

    lerp(a, b, w)            a + w * (b - a), from the nearer end, multiply-add fused
    addcmul(x, t1, t2, v)    (v * t1) * t2 + x, the last multiply-add fused (rounded once)
    addcdiv(x, t1, t2, v)    x + (v * t1) / t2

Mirrors the vectorized CPU loops of ATen's PointwiseOpsKernel and LerpKernel (pinned bit
for bit by tests/test_float_rounding_oracle.py::test_addcmul_and_addcdiv_round_as_torch and
::test_lerp_rounds_as_torch). Their element-by-element loop (a tensor's last few elements,
non-contiguous ones) may round differently; tinytorch does not model it (see exact/alpha.py).
"""
from .. import exact
from .. import strides as S
from ..autograd.graph import Node
from .base import Tensor, dtypes, elementwise_result, needs_grad, np, record, xp_of


def _compute_dtype(d):
    """The dtype these ops compute in: half precision computes in float32 and rounds
    once at the end, as PyTorch's "opmath" does; other dtypes compute in themselves."""
    return dtypes.float32 if d is dtypes.float16 else d


def lerp(start, end, weight):
    """start + weight * (end - start): the point `weight` of the way from start to end.
    Like PyTorch, it computes from the nearer end (end - (end - start) * (1 - weight)
    when weight >= 0.5), so lerp(a, b, 1) is exactly b; and like its vectorized loop,
    with the multiply and the add fused (rounded once)."""
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not start.dtype:
            raise RuntimeError(f"expected dtype {dtypes.CPP_NAMES[start.dtype.name]} for `{name}` but got dtype "
                               f"{dtypes.CPP_NAMES[t.dtype.name]}")
    if not start.dtype.is_floating_point:
        raise NotImplementedError(f"\"lerp_kernel_{'tensor' if isinstance(weight, Tensor) else 'scalar'}\" not "
                                  f"implemented for '{dtypes.type_name(start.dtype)}'")
    S.broadcast_shapes(*(t._shape for t in (start, end, weight) if isinstance(t, Tensor)))  # PyTorch's error
    xp = xp_of(start)
    compute = _compute_dtype(start.dtype).numpy
    x, y = (xp.asarray(t._data, dtype=compute) for t in (start, end))
    w = xp.asarray(weight._data, dtype=compute) if isinstance(weight, Tensor) else compute.type(weight)
    with np.errstate(all="ignore"):
        # As PyTorch's vectorized loop: one fused multiply-add, coeff * (end - start) + base,
        # from start (coeff = w) or, for w of 0.5 or more, from end (coeff = w - 1).
        small = abs(w) < 0.5
        coeff, base = (xp.where(small, w, w - 1), xp.where(small, x, y)) if isinstance(weight, Tensor) else \
            ((w, x) if small else (w - 1, y))
        values = exact.rounding.fused_multiply_add(coeff, y - x, base, compute, xp)
    operands = (start, end, weight) if isinstance(weight, Tensor) else (start, end)
    out = elementwise_result(xp.asarray(values, dtype=start.dtype.numpy), start.dtype, start.device, operands)
    if isinstance(weight, Tensor):
        if needs_grad(start, end, weight):
            record(LerpBackward1(), out, (start, end, weight), saved=(start, end, weight))
    elif needs_grad(start, end):
        record(LerpBackward0(weight), out, (start, end))
    return out


class LerpBackward0(Node):
    """start gets (1 - weight) of the gradient, end gets weight of it."""
    saved_settings = ("weight",)

    def __init__(self, weight):
        super().__init__()
        self.weight = weight

    def backward(self, grad):
        return grad * (1 - self.weight), grad * self.weight


class LerpBackward1(Node):
    """With a tensor weight, the weight gets grad * (end - start) as well."""
    saved_names = ("self", "end", "weight")

    def backward(self, grad):
        start, end, weight = self.saved_tensors
        return grad * (1 - weight), grad * weight, grad * (end - start)


def addcmul(input, tensor1, tensor2, *, value=1):
    """input + value * tensor1 * tensor2."""
    return _addc(input, tensor1, tensor2, value, "addcmul")


def addcdiv(input, tensor1, tensor2, *, value=1):
    """input + value * (tensor1 / tensor2)."""
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value "
            "* torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
            "tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value "
            "* tensor1 / tensor2), for all dtypes.")
    return _addc(input, tensor1, tensor2, value, "addcdiv")


def _addc(input, tensor1, tensor2, value, name):
    S.broadcast_shapes(input._shape, tensor1._shape, tensor2._shape)  # PyTorch's error for shapes that do not fit
    d = dtypes.promote_types(dtypes.promote_types(input.dtype, tensor1.dtype), tensor2.dtype)
    compute = _compute_dtype(d)
    xp = xp_of(input)
    x, t1, t2 = (xp.asarray(t._data, dtype=compute.numpy) for t in (input, tensor1, tensor2))
    with np.errstate(all="ignore"):
        scaled = compute.numpy.type(value) * t1  # PyTorch scales tensor1 first, in the dtype
        if name == "addcdiv":
            values = x + scaled / t2
        elif compute is dtypes.float64:  # then one fused multiply-add: scaled * t2 + x, rounded once
            values = exact.rounding.fma(scaled, t2, x, xp)
        elif compute is dtypes.float32:  # (float64 holds the product of two float32s exactly)
            values = xp.add(xp.multiply(scaled, t2, dtype=xp.float64), x)
        else:
            values = x + scaled * t2
    out = elementwise_result(xp.asarray(values, dtype=d.numpy), d, input.device, (input, tensor1, tensor2))
    if needs_grad(input, tensor1, tensor2):
        node = (AddcmulBackward0 if name == "addcmul" else AddcdivBackward0)(value)
        record(node, out, (input, tensor1, tensor2), saved=(tensor1, tensor2))
    return out


class AddcmulBackward0(Node):
    saved_names = ("tensor1", "tensor2")
    saved_settings = ("value",)

    def __init__(self, value):
        super().__init__()
        self.value = value

    def backward(self, grad):
        t1, t2 = self.saved_tensors
        return grad, grad * t2 * self.value, grad * t1 * self.value


class AddcdivBackward0(AddcmulBackward0):
    def backward(self, grad):
        t1, t2 = self.saved_tensors
        return grad, grad * self.value / t2, -grad * self.value * t1 / (t2 * t2)
