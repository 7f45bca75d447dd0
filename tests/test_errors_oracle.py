"""Bad input raises what PyTorch raises: the same exception type and, for the
common mistakes, the same message (with `torch` spelled `tinytorch`).

Each case is one expression written once against a library `L`, run with
L = tinytorch and L = torch. Where PyTorch's message comes from its argument
parser (a TypeError listing C++ signatures), only the type is compared.
"""
import warnings

import numpy as np
import pytest
import torch

import oracle
import tinytorch


def ints(L, *shape, dtype="int64"):
    return L.ones(*shape, dtype=getattr(L, dtype))


def bools(L, *shape):
    return L.ones(*shape, dtype=L.bool)


def assign_grad(t, grad):
    t.grad = grad


def backward_twice(L, write):
    x = L.ones(3, requires_grad=True)
    y = x.clone()
    write(L, y)
    y.sum().backward()
    y.sum().backward()


def call_accumulate_grad(L, leaf_shape, grad_shape):
    leaf = L.zeros(leaf_shape, requires_grad=True)
    with L.no_grad():
        (leaf * 1).grad_fn.next_functions[0][0](L.ones(grad_shape))


def set_items(t, index, value):
    t[index] = value


def write_operand_then_backward(L, op):
    """op(x, c), then c written in place, then backward: an error exactly when the
    node saved c (PyTorch saves an operand only for a gradient that needs it)."""
    x = L.ones(3, requires_grad=True)
    c = L.full((3,), 2.0)
    y = op(L, x, c)
    c.mul_(7)
    y.sum().backward()
    return x.grad


# name -> expression; the message must match too.
SAME_MESSAGE = {
    # the argument parser's message for a comparison that does not start with a tensor
    "gt with a number first": lambda L: L.gt(1, L.ones(3)),
    "eq of two numbers": lambda L: L.eq(1, 2),
    "lt with a string": lambda L: L.lt(L.ones(3), "a"),
    # dtypes an op does not support
    "bitwise and of floats": lambda L: L.ones(3) & L.ones(3),
    "bitwise or of float and int": lambda L: ints(L, 3) | L.ones(3),
    "bitwise xor of int and float number": lambda L: ints(L, 3, dtype="int32") ^ 1.5,
    "bitwise_not of float": lambda L: L.bitwise_not(L.ones(3, dtype=L.float64)),
    "mean of ints": lambda L: ints(L, 2, 3).mean(),
    "mean of bools": lambda L: bools(L, 3).mean(),
    "mean with an integer dtype": lambda L: L.ones(3).mean(dtype=L.int32),
    "negation of bool": lambda L: -bools(L, 3),
    "subtraction of bools": lambda L: bools(L, 3) - bools(L, 3),
    "subtraction of bool and float": lambda L: L.ones(3) - bools(L, 3),
    "subtraction of True": lambda L: L.ones(3) - True,
    "number minus bool": lambda L: 1 - bools(L, 3),
    "abs of bool": lambda L: L.abs(bools(L, 3)),
    "relu of bool": lambda L: L.relu(bools(L, 3)),
    "argmax of bool": lambda L: bools(L, 3).argmax(),
    "floor division of bools": lambda L: bools(L, 3) // bools(L, 3),
    "remainder of bools": lambda L: bools(L, 3) % bools(L, 3),
    "power of bools": lambda L: bools(L, 3) ** bools(L, 3),
    "clamp of bools": lambda L: bools(L, 3).clamp(True, True),
    "mm of bools": lambda L: bools(L, 2, 2) @ bools(L, 2, 2),
    "dot of bools": lambda L: L.dot(bools(L, 2), bools(L, 2)),
    # values PyTorch refuses
    "integer division by zero": lambda L: ints(L, 3) // 0,
    "integer remainder by zero tensor": lambda L: ints(L, 3) % L.zeros(3, dtype=L.int64),
    "integer to a negative power": lambda L: ints(L, 3) ** -2,
    "int8 to a power it cannot hold": lambda L: ints(L, 3, dtype="int8") ** 300,
    "int8 clamped to a bound it cannot hold": lambda L: ints(L, 3, dtype="int8").clamp(0, 1000),
    "half clamped to a bound it cannot hold": lambda L: L.ones(3, dtype=L.float16).clamp(max=1e6),
    "clamp without bounds": lambda L: L.clamp(L.ones(3)),
    "where with an int condition": lambda L: L.where(ints(L, 3), L.ones(3), L.zeros(3)),
    "div with an unknown rounding mode": lambda L: L.ones(3).div(2, rounding_mode="round"),
    "allclose of float32 and float64": lambda L: L.allclose(L.ones(3), L.ones(3, dtype=L.float64)),
    # shapes
    "add with clashing shapes": lambda L: L.ones(2, 3) + L.ones(2, 4),
    "mul with clashing shapes": lambda L: L.ones(3) * L.ones(4),
    "where with clashing shapes": lambda L: L.where(L.ones(2, 3) > 0, L.ones(3), L.ones(4)),
    "mm with clashing shapes": lambda L: L.mm(L.ones(2, 3), L.ones(4, 2)),
    "mm of a vector": lambda L: L.mm(L.ones(3), L.ones(3, 2)),
    "mm of mixed dtypes": lambda L: L.mm(L.ones(2, 3), L.ones(3, 2, dtype=L.float64)),
    "matmul of a 0-d tensor": lambda L: L.matmul(L.ones(()), L.ones(3)),
    "matmul matrix and vector": lambda L: L.ones(2, 3) @ L.ones(4),
    "matmul vector and matrix": lambda L: L.ones(4) @ L.ones(3, 2),
    "matmul of batches": lambda L: L.ones(2, 2, 3) @ L.ones(2, 4, 2),
    "matmul with clashing batches": lambda L: L.ones(2, 2, 3) @ L.ones(3, 3, 2),
    "matmul of a batch and a matrix": lambda L: L.ones(2, 2, 3) @ L.ones(4, 2),
    "matmul of mixed dtypes": lambda L: L.ones(2, 3) @ L.ones(3, dtype=L.float64),
    "dot of matrices": lambda L: L.dot(L.ones(2, 2), L.ones(2, 2)),
    "dot of different lengths": lambda L: L.dot(L.ones(3), L.ones(4)),
    "dot of mixed dtypes": lambda L: L.dot(L.ones(3), ints(L, 3)),
    "cat with clashing sizes": lambda L: L.cat([L.ones(2, 3), L.ones(2, 4)]),
    "cat along a negative dim with clashing sizes": lambda L: L.cat([L.ones(2, 3), L.ones(3, 3)], -1),
    "cat of different ranks": lambda L: L.cat([L.ones(2, 3), L.ones(2, 3, 1)]),
    "cat of a 0-d tensor": lambda L: L.cat([L.ones(3), L.ones(())]),
    "cat along a dim out of range": lambda L: L.cat([L.ones(2, 3), L.ones(2, 3)], 2),
    "cat of an empty list": lambda L: L.cat([]),
    "stack of different shapes": lambda L: L.stack([L.ones(2, 3), L.ones(3, 2)]),
    "stack along a dim out of range": lambda L: L.stack([L.ones(2), L.ones(2)], 2),
    "stack of an empty list": lambda L: L.stack([]),
    "cat of a list holding a number": lambda L: L.cat([L.ones(2), 1]),
    # reductions
    "sum over a dim out of range": lambda L: L.ones(2, 3).sum(2),
    "sum over a repeated dim": lambda L: L.ones(2, 3).sum((1, -1)),
    "max of an empty tensor": lambda L: L.ones(0).max(),
    "max over an empty dim": lambda L: L.ones(2, 0).max(1),
    "argmax of an empty tensor": lambda L: L.ones(0, 3).argmax(),
    "argmin over an empty dim": lambda L: L.ones(0, 3).argmin(0),
    "min over a dim out of range": lambda L: L.ones(3).min(1),
    # assigning .grad
    "grad of another dtype": lambda L: assign_grad(L.ones(2), L.ones(2, dtype=L.float64)),
    "grad of another size": lambda L: assign_grad(L.ones(2, requires_grad=True), L.ones(3)),
    "grad that is not a tensor": lambda L: assign_grad(L.ones(2), [1.0, 2.0]),
    # autograd: found by the random programs (tests/test_random_programs.py)
    "sum to an integer dtype with grad": lambda L: L.ones(3, requires_grad=True).sum(dtype=L.int64),
    "prod to bool with grad": lambda L: L.ones(2, 3, requires_grad=True).prod(1, dtype=L.bool),
    "backward twice through a written slice": lambda L: backward_twice(L, lambda L, y: set_items(y, 0, 5.0)),
    "backward twice through an index_put": lambda L: backward_twice(L, lambda L, y: set_items(y, L.tensor([0]), 5.0)),
    "setitem of nothing on a leaf that requires grad":
        lambda L: set_items(L.ones(3, requires_grad=True), L.tensor([], dtype=L.int64), 1.0),
    "index_put with None for a dim": lambda L: L.ones(3, 2).index_put((None, L.tensor([0])), L.ones(1)),
    "index_put with a list for an index": lambda L: L.index_put(L.ones(3), ([0],), L.ones(1)),
    # set-up
    "set_num_threads(0)": lambda L: L.set_num_threads(0),
    "set_num_threads(1.5)": lambda L: L.set_num_threads(1.5),
    # found by the issue-12 review
    "t_ of a 3-d tensor": lambda L: L.ones(2, 3, 4).t_(),
    "tensordot sizes, dims as a number": lambda L: L.tensordot(L.ones(2, 3), L.ones(4, 2), dims=1),
    "einsum sizes across operands": lambda L: L.einsum("ij,jk->ik", L.ones(2, 3), L.ones(2, 2)),
    "einsum repeated subscript": lambda L: L.einsum("ii->i", L.ones(2, 3)),
    "normal std -1": lambda L: L.normal(0.0, -1.0, (2,)),
    "randint_like without high": lambda L: L.randint_like(L.ones(2)),
    "can_cast of a number": lambda L: L.can_cast(1, L.float32),
    "einsum repeated output subscript": lambda L: L.einsum("ij->ii", L.zeros(2, 3)),
    "einsum output subscript of no input": lambda L: L.einsum("ij->k", L.zeros(2, 3)),
    "einsum stray dot in the output": lambda L: L.einsum("ij->i.", L.zeros(2, 3)),
    "repeat_interleave method without repeats": lambda L: L.tensor([2, 0, 3]).repeat_interleave(),
    "repeat_interleave of float counts": lambda L: L.repeat_interleave(L.tensor([1.5])),
    "Tensor.norm(axis=), named as Tensor's": lambda L: L.ones(2, 3).norm(axis=1),
    "broadcast_shapes of a negative size": lambda L: L.broadcast_shapes((1,), (-1,)),
    "broadcast_shapes of a negative size that clashes": lambda L: L.broadcast_shapes((3,), (-1,)),
    "broadcast_shapes of a negative size first": lambda L: L.broadcast_shapes((2, -1), (3,)),
    "tensordot over more dims than a tensor has": lambda L: L.tensordot(L.ones(2, 2), L.ones(2), dims=2),
    "tensordot of two dtypes": lambda L: L.tensordot(L.ones(2, 2), L.ones(3, 3, dtype=L.float64), dims=1),
    "eye of a float": lambda L: L.eye(2.0),
    "eye of a bool": lambda L: L.eye(True),
    "eye with a float m": lambda L: L.eye(2, 2.5),
    "repeat by a negative count": lambda L: L.ones(2, 3).repeat(-2, 1),
    "repeat_interleave with counts of another length": lambda L: L.ones(2, 3).repeat_interleave(L.tensor([1, 2]), 1),
    "index_select of a list": lambda L: L.ones(2).index_select(0, [1]),
    "sum_to_size to a shape that does not expand": lambda L: L.ones(2, 3).sum_to_size(4),
    "sum_to_size to more dims": lambda L: L.ones(2, 3).sum_to_size(1, 2, 3),
    "sum_to_size of a float": lambda L: L.ones(2, 3).sum_to_size(2, 3.0),
    # an AccumulateGrad node called by hand with a gradient that does not fit its leaf
    "AccumulateGrad of a gradient too big": lambda L: call_accumulate_grad(L, (3,), (2, 3)),
    "AccumulateGrad of a gradient of another size": lambda L: call_accumulate_grad(L, (2,), (3,)),
    # gather names its tensor "input", every scatter "self", with or without a src
    "gather with an index of another rank": lambda L: L.zeros(2, 3).gather(1, L.tensor([0, 1])),
    "scatter_ a number with an index of another rank": lambda L: L.zeros(2, 3).scatter_(1, L.tensor([0, 1]), 5.0),
    "scatter a number with an index of another rank": lambda L: L.zeros(2, 3).scatter(1, L.tensor([0, 1]), 5.0),
    "scatter_add_ with an index of another rank": lambda L: L.zeros(2, 3).scatter_add_(1, L.tensor([0, 1]), L.ones(2, 3)),
    "index_add of a list": lambda L: L.ones(2).index_add(0, [1], L.ones(1)),
    "cross_entropy of float class indices": lambda L: L.nn.functional.cross_entropy(L.ones(1, 3), L.tensor([2.0])),
    "cross_entropy of int probabilities": lambda L: L.nn.functional.cross_entropy(L.ones(2, 3), L.ones(2, 3).long()),
    "cross_entropy of another batch size": lambda L: L.nn.functional.cross_entropy(L.ones(2, 3), L.ones(3, 3)),
}

# name -> expression; the exception type must match (torch's message is its argument parser's).
SAME_TYPE = {
    "add of a string": lambda L: L.ones(3) + "a",
    "compare with None": lambda L: L.ones(3) < None,
    "matmul with a number": lambda L: L.matmul(L.ones(3), 2),
    "mm with a number": lambda L: L.mm(L.ones(2, 2), 2),
    "maximum with a number": lambda L: L.maximum(L.ones(3), 2),
    "isclose with a number": lambda L: L.isclose(L.ones(3), 1),
    "logical_and with a number": lambda L: L.logical_and(L.ones(3), 1),
    "where with a bool condition": lambda L: L.where(True, L.ones(3), L.zeros(3)),
    "clamp with a tensor and a number": lambda L: L.clamp(L.ones(3), min=L.zeros(3), max=2),
    "prod over a tuple of dims": lambda L: L.ones(2, 3).prod((0, 1)),
    "argmax over a tuple of dims": lambda L: L.ones(2, 3).argmax((0,)),
    "max over a tuple of dims": lambda L: L.ones(2, 3).max((0,)),
    "cat of a tensor, not a list": lambda L: L.cat(L.ones(2, 2)),
    "stack of a tensor, not a list": lambda L: L.stack(L.ones(2, 2)),
    "invert of a float": lambda L: ~L.ones(3),
    "index_fill of a list": lambda L: L.ones(2).index_fill(0, [1], 2.0),
}


@pytest.mark.parametrize("name", SAME_MESSAGE)
def test_same_exception_and_message(name):
    expression = SAME_MESSAGE[name]
    oracle.assert_same_error(lambda: expression(tinytorch), lambda: expression(torch))


@pytest.mark.parametrize("name", SAME_TYPE)
def test_same_exception_type(name):
    expression = SAME_TYPE[name]
    with pytest.raises(Exception) as expected:
        expression(torch)
    with pytest.raises(expected.type):
        expression(tinytorch)


def test_equality_with_a_non_number_is_python_identity():
    # t == None is False (and != True) in PyTorch, not an error: Python falls back to identity.
    for other in (None, "a", [1, 1, 1]):
        assert (tinytorch.ones(3) == other) is (torch.ones(3) == other)
        assert (tinytorch.ones(3) != other) is (torch.ones(3) != other)


def test_failed_in_place_op_leaves_the_tensor_unchanged():
    # An in-place op that fails on dtype or shape must not have written anything.
    for name, other in [("add_", np.ones((2, 4), "float32")), ("mul_", np.ones(3, "float64") * 2.5)]:
        original = np.arange(6, dtype="int64").reshape(2, 3) if name == "mul_" else np.ones((2, 3), "float32")
        tt_t, torch_t = tinytorch.from_numpy(original.copy()), torch.from_numpy(original.copy())
        oracle.assert_same_error(lambda: getattr(tt_t, name)(tinytorch.from_numpy(other.copy())),
                                 lambda: getattr(torch_t, name)(torch.from_numpy(other.copy())))
        oracle.assert_same_values(tt_t, torch_t)


@pytest.mark.parametrize("write", [
    lambda lib: (lambda v: v.unsqueeze(0).mul_(v))(lib.tensor(0.5)),
    lambda lib: (lambda a: a.add_(a[0]))(lib.ones(2, 2)),
    lambda lib: (lambda a: a[1:].add_(a[:-1]))(lib.ones(3)),
    lambda lib: (lambda a: a.mul_(a))(lib.ones(2)),
    lambda lib: (lambda a: a[:1].sub_(a[1:]))(lib.ones(2)),
], ids=["0-d under its own view", "row into its matrix", "shifted", "itself", "disjoint halves"])
def test_in_place_ops_refuse_an_operand_that_partly_overlaps(write):
    """A partial overlap between the written tensor and an operand is refused, as torch
    does (its result would depend on the order elements are written); the same tensor
    or disjoint memory is fine."""
    oracle.assert_same_outcome(lambda: write(tinytorch).tolist(), lambda: write(torch).tolist())


def test_an_operand_not_saved_may_be_written_before_backward():
    """remainder(x, c) saves nothing when c needs no gradient (x's is grad itself), so
    writing c afterwards is fine in PyTorch, and must be here."""
    def remainder(L):
        return write_operand_then_backward(L, lambda L, x, c: L.remainder(x, c))

    oracle.assert_same_values(remainder(tinytorch), remainder(torch))


def test_an_operand_saved_is_checked_even_when_backward_does_not_read_it():
    """div with a rounding mode has a zero gradient, yet PyTorch saves the divisor for
    the dividend's gradient and checks it: writing it first is an error (compared up
    to its hint, which names torch's anomaly mode)."""
    errors = []
    for L in (tinytorch, torch):
        with pytest.raises(RuntimeError) as caught:
            write_operand_then_backward(L, lambda L, x, c: L.div(x, c, rounding_mode="trunc"))
        errors.append(str(caught.value).split("Hint:")[0])
    assert errors[0] == oracle.tinytorch_message(errors[1])


# -- in-place ops with several things wrong: the first error is torch's --------------------
def _in_place_targets(L):
    """Tensors to write into, each wrong in its own way (or fine)."""
    base = L.ones(2, 3, requires_grad=True) * 1
    with L.no_grad():
        no_grad_view = base[0]
    return {
        "leaf": L.ones(2, 3, requires_grad=True), "int": ints(L, 2, 3), "bool": bools(L, 2, 3), "float": L.ones(2, 3),
        "expanded": L.ones(3).expand(2, 3), "expanded int": ints(L, 3).expand(2, 3),
        "view of a leaf": L.ones(2, 3, requires_grad=True)[0], "no_grad view": no_grad_view,
    }


def _in_place_operands(L):
    return {
        "float": L.full((2, 3), 2.0), "int": L.full((2, 3), 2, dtype=L.int64), "bool": bools(L, 2, 3),
        "wider": L.ones(4, 2, 3), "mismatched": L.ones(5), "2.5": 2.5, "2": 2, "True": True,
        "requires grad": L.ones(2, 3, requires_grad=True),
    }


IN_PLACE_OPS = {
    "+=": lambda t, o: t.__iadd__(o), "-=": lambda t, o: t.__isub__(o), "*=": lambda t, o: t.__imul__(o),
    "/=": lambda t, o: t.__itruediv__(o), "//=": lambda t, o: t.__ifloordiv__(o), "%=": lambda t, o: t.__imod__(o),
    "**=": lambda t, o: t.__ipow__(o), "&=": lambda t, o: t.__iand__(o), "|=": lambda t, o: t.__ior__(o),
    "^=": lambda t, o: t.__ixor__(o), "clamp_ min": lambda t, o: t.clamp_(o, None),
    "clamp_ max": lambda t, o: t.clamp_(None, o), "setitem": lambda t, o: t.__setitem__(0, o),
    "copy_": lambda t, o: t.copy_(o), "fill_": lambda t, o: t.fill_(o),
    "masked_fill_": lambda t, o: t.masked_fill_(bools(tinytorch if isinstance(t, tinytorch.Tensor) else torch, 3), o),
}


@pytest.mark.parametrize("op", sorted(IN_PLACE_OPS))
def test_in_place_ops_check_in_torchs_order(op):
    """Every target against every operand: where several checks would fail (a leaf,
    an expanded target, a shape, a dtype, a kernel without that dtype), the one
    torch makes first is the one raised; otherwise the same result."""
    for target in _in_place_targets(torch):
        for operand in _in_place_operands(torch):
            def run(L):
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # masked_fill_ of an expanded tensor warns; compared elsewhere
                    return IN_PLACE_OPS[op](_in_place_targets(L)[target], _in_place_operands(L)[operand])
            try:
                oracle.assert_same_outcome(lambda: run(tinytorch), lambda: run(torch), rtol=0.0)
            except AssertionError as error:
                raise AssertionError(f"{op} on {target} with {operand}: {error}") from None


@pytest.mark.parametrize("call", [
    lambda L, a, b: a + b, lambda L, a, b: a * b, lambda L, a, b: a == b, lambda L, a, b: a ** b,
    lambda L, a, b: L.maximum(a, b), lambda L, a, b: L.atan2(a, b), lambda L, a, b: L.where(a > 0, b, 0.0),
    lambda L, a, b: a.lerp(b, 0.5), lambda L, a, b: a.lerp(a, b), lambda L, a, b: a.addcmul(b, a),
    lambda L, a, b: a.addcdiv(a, b), lambda L, a, b: a.clamp(b),
], ids=["add", "mul", "eq", "pow", "maximum", "atan2", "where", "lerp", "lerp weight", "addcmul", "addcdiv", "clamp"])
def test_shapes_that_do_not_broadcast_give_one_error(call):
    """PyTorch's RuntimeError, alone: NumPy's ValueError is neither raised nor chained to it,
    so a learner's traceback shows one error."""
    error = oracle.assert_same_error(lambda: call(tinytorch, tinytorch.ones(2, 3), tinytorch.ones(4)),
                                     lambda: call(torch, torch.ones(2, 3), torch.ones(4)))
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)
