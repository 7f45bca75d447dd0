"""Every autograd error against PyTorch: the same exception type and message
(with `torch` spelled `tinytorch`), and the same warnings.

Errors about a saved tensor changed in place end with a hint that differs on
purpose (torch's suggests its anomaly mode, which tinytorch does not have):
those are compared up to "Hint:"."""
import warnings

import pytest
import torch

import tinytorch
from oracle import assert_same_error, tinytorch_message

LIBS = (tinytorch, torch)


def same_error(fn):
    """fn(m) raises the same way for both libraries."""
    return assert_same_error(lambda: fn(tinytorch), lambda: fn(torch))


def same_error_before_hint(fn):
    errors = []
    for m in LIBS:
        with pytest.raises(RuntimeError) as info:
            fn(m)
        errors.append(str(info.value))
    ours, theirs = errors
    assert "Hint:" in ours and "Hint:" in theirs
    assert ours.split("Hint:")[0] == tinytorch_message(theirs).split("Hint:")[0]


def leaf(m, *values, **kwargs):
    return m.tensor(list(values) or [1.0, 2.0, 3.0], requires_grad=True, **kwargs)


# -- backward and grad ---------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda m: (leaf(m) * 2).backward(),
    lambda m: m.autograd.grad(leaf(m) * 2, leaf(m)),
    lambda m: m.autograd.backward([leaf(m) * 2]),
], ids=["backward", "grad", "autograd.backward"])
def test_implicit_gradient_only_for_scalars(fn):
    same_error(fn)


@pytest.mark.parametrize("fn", [
    lambda m: m.ones(3).sum().backward(),
    lambda m: m.ones(3).backward(),
    lambda m: m.autograd.grad(m.ones(3).sum(), leaf(m)),
    lambda m: m.autograd.backward([leaf(m).sum(), m.ones(())]),
    lambda m: (leaf(m) * 2).long().sum().backward(),
    lambda m: leaf(m).detach().sum().backward(),
    lambda m: (lambda x: (x.requires_grad_(False), x.sum().backward()))(leaf(m)),
], ids=["sum", "non-scalar", "grad", "second-output", "long", "detached", "switched-off"])
def test_output_that_does_not_require_grad(fn):
    same_error(fn)


def _twice(m, make, *, retain=False, with_grad=False):
    x = leaf(m)
    y = make(x)
    if with_grad:
        m.autograd.grad(y, x, retain_graph=retain)
        m.autograd.grad(y, x)
    else:
        y.backward(retain_graph=retain)
        y.backward()


@pytest.mark.parametrize("make", [
    lambda x: (x * x).sum(),
    lambda x: x.exp().sum(),
    lambda x: (x * 2).sum(),
    lambda x: (x / 3).sum(),
    lambda x: x[[0, 0]].sum(),
    lambda x: x.relu().sum(),
    lambda x: (x @ x),
], ids=["mul", "exp", "mul-scalar", "div-scalar", "index", "relu", "dot"])
@pytest.mark.parametrize("with_grad", [False, True], ids=["backward", "grad"])
def test_backward_through_freed_graph(make, with_grad):
    same_error(lambda m: _twice(m, make, with_grad=with_grad))
    for m in LIBS:
        _twice(m, make, retain=True, with_grad=with_grad)  # retain_graph=True: no error


@pytest.mark.parametrize("make", [
    lambda x: (x + 1).sum(),
    lambda x: x.view(3, 1).t().sum(),
    lambda x: x[1:].sum(),
    lambda x: (x - 2).mean(),
], ids=["add", "views", "slice", "mean"])
def test_a_second_backward_is_fine_where_nothing_was_saved(make):
    def run(m):
        x = leaf(m)
        y = make(x)
        y.backward()
        y.backward()
        return x.grad.tolist()

    assert run(tinytorch) == run(torch)


def test_grad_errors():
    same_error(lambda m: m.autograd.grad((leaf(m) * 2).sum(), [leaf(m), leaf(m, 1.0)]))  # unused input
    same_error(lambda m: m.autograd.grad((leaf(m) * 2).sum(), m.ones(3)))
    same_error(lambda m: m.autograd.grad(leaf(m).sum(), []))
    same_error(lambda m: m.autograd.grad(leaf(m) * 2, leaf(m), m.ones(2)))
    same_error(lambda m: m.autograd.grad([leaf(m).sum(), leaf(m).sum()], leaf(m), [None]))
    same_error(lambda m: m.autograd.grad(leaf(m).sum(), leaf(m), 1.0))
    same_error(lambda m: m.autograd.grad(leaf(m).sum(), leaf(m), [1.0]))
    same_error(lambda m: m.autograd.grad(leaf(m).sum(), leaf(m), allow_unused=False, materialize_grads=True))


def test_backward_errors():
    same_error(lambda m: leaf(m).sum().backward(inputs=[]))
    same_error(lambda m: leaf(m).sum().backward(inputs=[m.ones(3)]))
    same_error(lambda m: (leaf(m) * 2).backward(m.ones(2)))
    same_error(lambda m: leaf(m).sum().backward(m.ones(1)))
    same_error(lambda m: leaf(m).sum().backward(1.0))
    same_error(lambda m: m.autograd.backward([leaf(m).sum(), leaf(m).sum()], [None]))


def test_backward_with_create_graph_warns_once_like_torch():
    tinytorch.autograd._warned_about_cycle = False  # as in a fresh process
    texts = []
    for m in LIBS:
        caught_per_call = []
        for _ in range(2):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                (leaf(m) * 2).sum().backward(create_graph=True)
            caught_per_call.append([str(w.message).split(" (Triggered internally")[0] for w in caught])
        assert caught_per_call[1] == []  # once per process
        texts.append(caught_per_call[0])
    ours, theirs = texts
    assert len(ours) == 1
    if theirs:  # torch's warning may have been spent by an earlier test in this process
        assert ours == theirs


# -- in-place operations --------------------------------------------------------------
INPLACE = {
    "add_": lambda t: t.add_(1),
    "mul_": lambda t: t.mul_(2),
    "sub_": lambda t: t.sub_(t.detach()),
    "div_": lambda t: t.div_(2),
    "pow_": lambda t: t.pow_(2),
    "clamp_": lambda t: t.clamp_(0, 1),
    "zero_": lambda t: t.zero_(),
    "fill_": lambda t: t.fill_(3),
    "copy_": lambda t: t.copy_(t.detach() * 2),
    "iadd": lambda t: t.__iadd__(1),
    "setitem": lambda t: t.__setitem__(0, 5.0),
    "setitem_index": lambda t: t.__setitem__([0], 5.0),
}


@pytest.mark.parametrize("op", INPLACE.values(), ids=INPLACE.keys())
def test_inplace_on_a_leaf_that_requires_grad(op):
    same_error(lambda m: op(leaf(m)))
    for m in LIBS:  # allowed under no_grad, and the value changes
        x = leaf(m)
        with m.no_grad():
            op(x)
        assert x._version >= 1


@pytest.mark.parametrize("op", INPLACE.values(), ids=INPLACE.keys())
def test_inplace_on_a_view_of_a_leaf(op):
    same_error(lambda m: op(leaf(m)[1:]))
    same_error(lambda m: op(m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True).t()[0]))


def test_failed_inplace_op_leaves_the_tensor_unchanged():
    for m in LIBS:
        x = leaf(m)
        with pytest.raises(RuntimeError):
            x.add_(1)
        assert x.tolist() == [1.0, 2.0, 3.0] and x._version == 0


def test_inplace_on_a_view_made_in_no_grad_mode():
    def fn(m):
        y = leaf(m) * 2
        with m.no_grad():
            v = y[1:]
        v.mul_(2)

    same_error(fn)


@pytest.mark.parametrize("fn", [
    lambda m: (lambda a: (a.log(), a.add_(1))[0])(leaf(m).exp()),      # input of log, output of exp
    lambda m: (lambda a: (a, a.add_(1))[0])(leaf(m).exp()),            # saved output of exp
    lambda m: (lambda a: (a, a.mul_(2))[0])(leaf(m).sigmoid()),        # saved output of sigmoid
    lambda m: (lambda a: (a * a, a.zero_())[0])(leaf(m) + 1),          # both inputs of mul
    lambda m: (lambda a: (a[1:].log(), a.add_(1))[0])(leaf(m).exp()),  # a view of the saved tensor
    lambda m: (lambda a: (a.exp(), a[0].mul_(2))[0])(leaf(m) + 1),     # written through a view, output of exp not saved
    lambda m: (lambda a: (a.mul_(a.detach()), a.add_(1))[0])(leaf(m) * 1),  # mul_ saved its other operand
    lambda m: (lambda a: (a.clamp_(0, 2), a.add_(1))[0])(leaf(m) * 1),  # clamp_ keeps its own copy
    lambda m: (lambda a: (a.pow(2), a[1:].mul_(3))[0])(leaf(m) + 1),   # base saved, view written
], ids=["log-input", "exp-output", "sigmoid-output", "mul-inputs", "view", "no-error-check", "mul_", "clamp_", "pow-base"])
def test_saved_tensor_modified_inplace(fn):
    def run(m):
        fn(m).sum().backward()

    errors = []
    for m in LIBS:
        try:
            run(m)
            errors.append(None)
        except RuntimeError as e:
            errors.append(str(e))
    ours, theirs = errors
    assert (ours is None) == (theirs is None)
    if theirs is not None:
        assert ours.split("Hint:")[0] == tinytorch_message(theirs).split("Hint:")[0]


def test_saved_leaf_modified_under_no_grad():
    def fn(m):
        x = leaf(m)
        y = x.log()
        with m.no_grad():
            x.add_(1)
        y.sum().backward()

    same_error_before_hint(fn)


def test_saved_double_tensor_message_names_its_type():
    def fn(m):
        y = leaf(m, dtype=m.float64).reshape(3, 1) * 1
        z = y.exp()
        y.add_(1)
        z.exp().sum().backward()
        (y * y).sum().backward()

    def g(m):
        y = leaf(m, dtype=m.float64).reshape(3, 1) * 1
        z = y * y
        y.add_(1)
        z.sum().backward()

    same_error_before_hint(g)


# -- attributes -----------------------------------------------------------------------------
def test_requires_grad_errors():
    same_error(lambda m: m.ones(3, dtype=m.int64).requires_grad_())
    same_error(lambda m: m.ones(3, dtype=m.int64, requires_grad=True))
    same_error(lambda m: m.tensor([1, 2], requires_grad=True))
    same_error(lambda m: setattr(m.ones(2, dtype=m.int32), "requires_grad", True))
    same_error(lambda m: (leaf(m) * 2).requires_grad_(False))
    same_error(lambda m: m.ones(3).register_hook(print))
    same_error(lambda m: m.ones(3).retain_grad())
    same_error(lambda m: leaf(m).numpy())


def test_detach_inplace_of_a_view():
    # torch's message points to its own source file; the rest must match.
    # Any view, whether or not its base requires grad (issue 14).
    for make in (lambda m: leaf(m)[1:], lambda m: (leaf(m) * 2)[1:], lambda m: m.ones(3)[1:], lambda m: m.ones(2, 3).t()):
        messages = []
        for m in LIBS:
            with pytest.raises(RuntimeError) as info:
                make(m).detach_()
            messages.append(str(info.value).split(" If you are using")[0])
        assert messages[0] == messages[1]


@pytest.mark.parametrize("value", [
    lambda m: m.ones(2), lambda m: m.ones(3, dtype=m.int64), lambda m: m.ones(3, dtype=m.float64),
    lambda m: 3, lambda m: m.ones(1, 3), lambda m: m.ones(2, dtype=m.float64),
], ids=["size", "long", "double", "int", "shape", "double of another size"])
def test_assigning_a_wrong_grad(value):
    same_error(lambda m: setattr(leaf(m), "grad", value(m)))


def test_non_leaf_grad_warning_text():
    messages = []
    for m in LIBS:
        y = leaf(m) * 2
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert y.grad is None
        (w,) = caught
        assert w.category is UserWarning and w.filename == __file__
        messages.append(str(w.message).split(" (Triggered internally")[0])
    assert messages[0] == messages[1]


def test_floor_divide_has_no_derivative():
    same_error(lambda m: (leaf(m) // 2).sum().backward())


@pytest.mark.parametrize("leaf", [True, False], ids=["leaf", "non-leaf"])
@pytest.mark.parametrize("change", ["size", "dtype", "values"])
def test_a_tensor_hook_may_change_values_only(change, leaf):
    """A hook that returns a gradient of another size or dtype gets torch's error, named
    after the hook; one that changes the values is taken."""
    def halve(g):
        return g / 2

    def shrink(g):
        return g[:2]

    def widen(g):
        return g.double()

    hook = {"size": shrink, "dtype": widen, "values": halve}[change]

    def run(m):
        x = m.ones(3, requires_grad=True)
        t = x if leaf else x * 2
        t.register_hook(hook)
        (t * 1).sum().backward()
        return x.grad
    if change == "values":
        assert run(tinytorch).tolist() == run(torch).tolist()
    else:
        same_error(run)
