"""Half-precision products rounded at every step, as PyTorch's prod rounds them.

PyTorch's prod kernel keeps its running product in the tensor's own dtype. For
float16 every step multiplies in float32 and rounds back to float16, so a
product can overflow to inf on the way although the exact result fits:
tensor([300., 300., 1/300.], dtype=float16).prod() is inf. (Its sum and mean
add up in float32 and round once; ops/reduction.py does that for them.)

The steps walk through each group of elements in memory order, as PyTorch's
TensorIterator walks them. One case is not reproduced: a group contiguous in
memory and at least four vector registers long (64 elements with AVX2) is
split by PyTorch among several running products, in an order that depends on
the CPU's vector width, so no one answer could be pinned; tinytorch still
multiplies such a group in order, which may differ from PyTorch's in the last bits.

Used by ops/reduction.py; pinned by
tests/test_reductions_oracle.py::test_half_prod_rounds_every_step.
"""


def half_product(xp, x, axes, strides, keepdim):
    """The product of the float16 array `x` over `axes`, rounded to float16 after
    every multiplication, stepping through memory in order (`strides`: the
    tensor's, in elements)."""
    axes = sorted(axes)
    kept = [ax for ax in range(x.ndim) if ax not in axes]
    walk = sorted(axes, key=lambda ax: strides[ax], reverse=True)  # the innermost axis last
    groups = xp.transpose(x, kept + walk)
    count = 1
    for ax in axes:
        count *= x.shape[ax]
    groups = groups.reshape(tuple(x.shape[ax] for ax in kept) + (count,))
    product = xp.ones(groups.shape[:-1], dtype=xp.float16)
    for i in range(count):
        product = (product.astype(xp.float32) * groups[..., i].astype(xp.float32)).astype(xp.float16)
    if keepdim:
        product = product.reshape(tuple(1 if ax in axes else n for ax, n in enumerate(x.shape)))
    return product
