"""torch.autograd.graph.saved_tensors_hooks and Tensor.register_post_accumulate_grad_hook,
against torch: which tensors each op packs and backward unpacks, and when the hooks run.
(Lesson 15's and lesson 10's checks count a learner's node calls with them.)"""
import pytest
import torch

import tinytorch
from autograd_cases import CASES, make_inputs
from oracle import assert_same_values

# Ops whose nodes keep other tensors than torch's kernels do (docs/api.md, "What
# saved_tensors_hooks sees"): index tensors kept as plain values, no LU factors and
# pivots in det and solve, one tensor fewer in sgn and a masked write of a number.
# (einsum records another graph altogether: differences.py.)
SAVE_OTHER_TENSORS = {"sgn", "index_repeated", "index_2d", "index_tensor", "index_mask", "linalg_det",
                      "setitem_advanced", "setitem_mask", "setitem_mask_number", "setitem_index_0d",
                      "det", "solve", "solve_vector", "solve_left_false"}


def packed_and_unpacked(lib, case, arrays):
    """[("pack" or "unpack", shape)] as the hooks saw them, sorted, and the leaves' gradients."""
    seen = []

    def pack(tensor):
        seen.append(("pack", tuple(tensor.shape)))
        return tensor

    def unpack(tensor):
        seen.append(("unpack", tuple(tensor.shape)))
        return tensor

    leaves = [lib.tensor(a.copy(), requires_grad=True) for a in arrays]
    with lib.autograd.graph.saved_tensors_hooks(pack, unpack):
        out = case.fn(lib, *leaves)
    out.backward(lib.ones_like(out))
    return sorted(seen), [leaf.grad for leaf in leaves]


@pytest.mark.parametrize("case", [c for c in CASES if not c.name.startswith("einsum")], ids=repr)
def test_every_op_packs_and_unpacks_the_tensors_torch_does(case):
    arrays = make_inputs(case)
    (seen, grads), (torch_seen, torch_grads) = (packed_and_unpacked(lib, case, arrays) for lib in (tinytorch, torch))
    if case.name in SAVE_OTHER_TENSORS:
        assert seen != torch_seen  # (when one of them starts to match, take it off the list)
    else:
        assert seen == torch_seen
    for got, expected in zip(grads, torch_grads):
        if expected is None:
            assert got is None
        else:
            assert_same_values(got, expected, rtol=1e-10, atol=1e-12)


def hooks_program(lib):
    """Packing tags, unpacking counts; an unpack hook may hand back another tensor; the
    innermost block wins; outside any block nothing is packed."""
    log = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0], requires_grad=True)
    with lib.autograd.graph.saved_tensors_hooks(lambda t: ("outer", t), lambda p: p[1]):
        with lib.autograd.graph.saved_tensors_hooks(lambda t: (log.append("pack"), t)[1],
                                                    lambda t: (log.append("unpack"), t)[1]):
            y = (x * w).exp()
        z = y.sin().sum()
    z.backward()
    log.append(x.grad.tolist())
    x.grad = None
    with lib.autograd.graph.saved_tensors_hooks(lambda t: t * 0 + 1, lambda p: p):
        (x * w).sum().backward()
    log.append(x.grad.tolist())
    x.grad = None
    (x * w).sum().backward()  # no block open: nothing packed
    log.append(len(log))
    return log


def test_saved_tensors_hooks_run_as_torchs():
    assert hooks_program(tinytorch) == hooks_program(torch)


def post_accumulate_program(lib):
    seen = []
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    node = (x * 1).grad_fn.next_functions[0][0]
    with lib.no_grad():  # an AccumulateGrad node called by hand runs the hook too
        node(lib.ones(2))
    handle.remove()
    (x * 3).sum().backward()
    seen.append(x.grad.tolist())
    errors = []
    for register in (lambda: (x * 2).register_post_accumulate_grad_hook(print),
                     lambda: lib.ones(2).register_post_accumulate_grad_hook(print)):
        with pytest.raises(RuntimeError) as caught:
            register()
        errors.append(str(caught.value))
    x.register_post_accumulate_grad_hook(lambda t: lib.zeros(2))
    with pytest.raises(RuntimeError) as caught:
        (x * 3).sum().backward()
    errors.append(str(caught.value))
    return seen, errors, x.grad.tolist()


def test_post_accumulate_grad_hooks_run_as_torchs():
    assert post_accumulate_program(tinytorch) == post_accumulate_program(torch)
