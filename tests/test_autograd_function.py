"""Custom autograd Functions against torch.autograd.Function: the same class
body runs on both libraries (written against a module `m`), and values,
gradients, node names, reprs, printed output and errors must agree."""
import re

import pytest
import torch

import tinytorch
from oracle import assert_same_error, assert_same_values, tinytorch_message

LIBS = (tinytorch, torch)


def functions(m):
    """A family of Functions written against the library m."""
    Function = m.autograd.Function

    class MultiplyAdd(Function):
        @staticmethod
        def forward(ctx, w, x, b):
            ctx.save_for_backward(w, x)
            return w * x + b

        @staticmethod
        def backward(ctx, grad_output):
            w, x = ctx.saved_tensors
            return grad_output * x, grad_output * w, grad_output

    class Scale(Function):
        """A non-tensor argument, ctx attributes, needs_input_grad, a None gradient."""

        @staticmethod
        def forward(ctx, x, factor, y):
            ctx.factor = factor
            ctx.seen_needs = ctx.needs_input_grad
            return x * factor + y * 0

        @staticmethod
        def backward(ctx, g):
            return g * ctx.factor, None, None

    class SplitTwo(Function):
        """Two outputs; the second gets no gradient (materialized as zeros)."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2, x * x

        @staticmethod
        def backward(ctx, g1, g2):
            (x,) = ctx.saved_tensors
            return g1 * 2 + g2 * 2 * x

    class ArgMax(Function):
        """mark_non_differentiable: the index output needs no gradient."""

        @staticmethod
        def forward(ctx, x):
            i = x.argmax()
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, i)
            return x.max(), i

        @staticmethod
        def backward(ctx, g, g_index):
            x, i = ctx.saved_tensors
            out = m.zeros(x.shape, dtype=x.dtype)
            out[i] = g
            return out

    class Exp(Function):
        """Saves its output."""

        @staticmethod
        def forward(ctx, x):
            out = x.exp()
            ctx.save_for_backward(out)
            return out

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    class Cube(Function):
        """Differentiable backward: double backward works."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    class OnceCube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    class Identity(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class MarkedDirty(Function):
        """Marks its input dirty without changing it: the input itself comes back."""

        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class IdentityNonDiff(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_non_differentiable(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Sum(Function):
        """Backward returns a gradient that broadcasts to the input: summed back."""

        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return m.ones(2, 3) * g

    class Double(Function):
        """Backward returns float64 for a float32 input: converted."""

        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return (g * 2).double()

    class NoMaterialize(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.got_none = g2 is None
            return g1 * 2

    class Dirty(Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Setup(Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * ctx.k + out * 0, None

    return {cls.__name__: cls for cls in (
        MultiplyAdd, Scale, SplitTwo, ArgMax, Exp, Cube, OnceCube, Identity, MarkedDirty, IdentityNonDiff, Sum, Double,
        NoMaterialize, Dirty, Setup,
    )}


FUNCS = {m: functions(m) for m in LIBS}


def run_in_both_with_functions(fn):
    """(fn(tinytorch, F), fn(torch, F')): fn(m, F) run with each library, F being
    that library's custom Functions by class name (see FUNCS); tinytorch's result first."""
    return fn(tinytorch, FUNCS[tinytorch]), fn(torch, FUNCS[torch])


def leaf(m, values=(1.5, -2.0, 0.5), dtype=None):
    return m.tensor(list(values), dtype=dtype or m.float32, requires_grad=True)


def same_values(a, b):
    if isinstance(b, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same_values(x, y)
    elif isinstance(b, torch.Tensor):
        assert_same_values(a, b, rtol=1e-6, atol=1e-7)
    else:
        assert a == b


def test_apply_builds_a_node_named_after_the_function():
    def run(m, F):
        w, x, b = leaf(m), m.ones(3), leaf(m)
        z = F["MultiplyAdd"].apply(w, x, b)
        node = z.grad_fn
        return (
            node.name(), type(node).__name__, repr(z).split("grad_fn=")[1],
            re.sub(r"0x[0-9a-f]+", "0x", repr(node)),
            [None if n is None else type(n).__name__ for n, _ in node.next_functions],
            node.next_functions[0][0].variable is w, node.needs_input_grad,
        )

    tt, th = run_in_both_with_functions(run)
    assert tt == tuple(tinytorch_message(v) if isinstance(v, str) else v for v in th)


def test_gradients_and_values():
    def run(m, F):
        w, x, b = leaf(m), leaf(m, (2.0, 1.0, -1.0)), leaf(m, (0.0, 0.0, 1.0))
        z = F["MultiplyAdd"].apply(w, x, b)
        z.sum().backward()
        s = F["Scale"].apply(w, 3.0, x)
        s.sum().backward()
        return z, w.grad, x.grad, b.grad, s.grad_fn.factor, s.grad_fn.seen_needs

    same_values(*run_in_both_with_functions(run))


def test_forward_runs_without_recording_and_backward_is_plain():
    def run(m, F):
        seen = {}

        class Probe(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                seen["forward"] = (m.is_grad_enabled(), y.requires_grad, type(x) is m.Tensor)
                return y

            @staticmethod
            def backward(ctx, g):
                seen["backward"] = (m.is_grad_enabled(), g.requires_grad)
                return g * 2

        Probe.apply(leaf(m)).sum().backward()
        return seen

    assert run_in_both_with_functions(run)[0] == run_in_both_with_functions(run)[1]


def test_no_node_without_grad():
    def run(m, F):
        a = F["Exp"].apply(m.ones(2))
        with m.no_grad():
            b = F["Exp"].apply(leaf(m))
        return a.grad_fn is None, b.grad_fn is None, a.requires_grad, b.requires_grad

    assert run_in_both_with_functions(run)[0] == run_in_both_with_functions(run)[1]


def test_grad_fn_apply_calls_backward_directly():
    def run(m, F):
        w, x, b = leaf(m), m.ones(3), leaf(m)
        z = F["MultiplyAdd"].apply(w, x, b)
        grads = z.grad_fn.apply(m.ones(3))
        s = F["Exp"].apply(leaf(m))
        try:
            s.grad_fn(m.ones(3))  # unlike a built-in node, not callable itself
        except TypeError as error:
            refused = str(error)
        return (grads, [g.requires_grad for g in grads], [repr(g).split("grad_fn=")[-1] for g in grads],
                type(s.grad_fn.apply(m.ones(3))).__name__, refused)

    tt, th = run_in_both_with_functions(run)
    same_values(tt[0], th[0])
    assert tt[1:] == th[1:]


def test_multiple_outputs_and_materialized_zeros():
    def run(m, F):
        x = leaf(m)
        u, v = F["SplitTwo"].apply(x)
        same_node = u.grad_fn is v.grad_fn
        u.sum().backward()
        first = x.grad.clone()
        x.grad = None
        u, v = F["SplitTwo"].apply(x)
        (u.sum() + v.sum()).backward()
        return same_node, v.output_nr, first, x.grad

    same_values(*run_in_both_with_functions(run))


def test_mark_non_differentiable():
    def run(m, F):
        x = leaf(m)
        value, index = F["ArgMax"].apply(x)
        flags = (value.requires_grad, index.requires_grad, index.grad_fn is None)
        value.backward()
        return flags, value, index, x.grad

    same_values(*run_in_both_with_functions(run))


def test_saved_output_and_its_version_check():
    def run(m, F):
        x = leaf(m)
        y = F["Exp"].apply(x)
        y.sum().backward()
        z = F["Exp"].apply(x)
        with m.no_grad():
            z.add_(1)
        z.sum().backward()

    messages = []
    for m in LIBS:
        with pytest.raises(RuntimeError) as info:
            run(m, FUNCS[m])
        messages.append(str(info.value).split("Hint:")[0])
    assert messages[0] == tinytorch_message(messages[1])


def test_saved_tensors_are_freed_after_backward():
    def run(m, F):
        w, x, b = leaf(m), m.ones(3), leaf(m)
        z = F["MultiplyAdd"].apply(w, x, b)
        z.sum().backward(retain_graph=True)
        kept = len(z.grad_fn.saved_tensors)
        z.sum().backward()
        return kept, z.grad_fn.saved_tensors

    assert_same_error(lambda: run(tinytorch, FUNCS[tinytorch]), lambda: run(torch, FUNCS[torch]))


def test_double_backward_through_a_function():
    def run(m, F):
        x = leaf(m, dtype=m.float64)
        (g,) = m.autograd.grad(F["Cube"].apply(x).sum(), x, create_graph=True)
        (gg,) = m.autograd.grad(g.sum(), x)
        return g, gg

    same_values(*run_in_both_with_functions(run))


def test_once_differentiable():
    def run(m, F):
        x = leaf(m, dtype=m.float64)
        y = F["OnceCube"].apply(x)
        (g,) = m.autograd.grad(y.sum(), x)  # first order: fine
        y = F["OnceCube"].apply(x)
        (g2,) = m.autograd.grad(y, x, m.ones(3, dtype=m.float64, requires_grad=True), create_graph=True)
        return g, g2, g2.grad_fn.name(), re.sub(r"0x[0-9a-f]+", "0x", repr(g2))

    tt, th = run_in_both_with_functions(run)
    same_values(tt[:2], th[:2])
    assert tt[2:] == tuple(tinytorch_message(s) for s in th[2:])

    def twice(m, F):
        x = leaf(m, dtype=m.float64)
        y = F["OnceCube"].apply(x)
        (g,) = m.autograd.grad(y, x, m.ones(3, dtype=m.float64, requires_grad=True), create_graph=True)
        g.sum().backward()

    assert_same_error(lambda: twice(tinytorch, FUNCS[tinytorch]), lambda: twice(torch, FUNCS[torch]))


def test_input_returned_as_is_becomes_a_view():
    def run(m, F):
        x = leaf(m)
        y = F["Identity"].apply(x)
        flags = (y is x, y._base is x, x.is_leaf, y.is_leaf, y.grad_fn.name())
        (y * 2).sum().backward()
        return flags, x.grad

    same_values(*run_in_both_with_functions(run))


@pytest.mark.parametrize("name", ["Identity", "MarkedDirty", "IdentityNonDiff"])
@pytest.mark.parametrize("kind", ["leaf", "non_leaf", "no_requires_grad", "no_grad_mode"])
def test_input_returned_as_is(name, kind):
    """What comes back is a view of the input (recorded or not), a detached
    alias of it (when no gradient can flow through it), or, when marked dirty
    and not detached, the input itself."""
    def run(m, F):
        a = leaf(m) if kind != "no_requires_grad" else m.tensor([1.5, -2.0, 0.5])
        x = a * 1 if kind in ("non_leaf", "no_grad_mode") else a
        version = x._version
        try:
            if kind == "no_grad_mode":
                with m.no_grad():
                    out = F[name].apply(x)
            else:
                out = F[name].apply(x)
        except RuntimeError as error:
            return str(error)
        base = "x" if out._base is x else "a" if out._base is a else out._base
        flags = (out is x, base, out.data_ptr() == x.data_ptr(), out.requires_grad, out.is_leaf,
                 out.grad_fn and out.grad_fn.name(), x.grad_fn and x.grad_fn.name(), x._version - version)
        if out.grad_fn is not None:
            out.sum().backward()
        return flags, a.grad

    tt, th = run_in_both_with_functions(run)
    if isinstance(th, str):
        assert tt == tinytorch_message(th)
    else:
        assert tt[0] == tuple(tinytorch_message(f) if isinstance(f, str) else f for f in th[0])
        same_values(tt[1], th[1])


def test_gradients_are_summed_to_shape_and_converted_to_dtype():
    def run(m, F):
        x = m.ones(3, requires_grad=True)
        F["Sum"].apply(x).backward()
        y = leaf(m)
        F["Double"].apply(y).sum().backward()
        return x.grad, y.grad

    same_values(*run_in_both_with_functions(run))


def test_set_materialize_grads_false():
    def run(m, F):
        x = leaf(m)
        u, v = F["NoMaterialize"].apply(x)
        u.sum().backward()
        return u.grad_fn.got_none, x.grad

    same_values(*run_in_both_with_functions(run))


def test_mark_dirty():
    def run(m, F):
        x = leaf(m)
        c = x * 1
        out = F["Dirty"].apply(c)
        flags = (out is c, c.grad_fn.name(), c._version)
        out.sum().backward()
        return flags, x.grad

    same_values(*run_in_both_with_functions(run))
    assert_same_error(lambda: FUNCS[tinytorch]["Dirty"].apply(leaf(tinytorch)),
                      lambda: FUNCS[torch]["Dirty"].apply(leaf(torch)))


def test_setup_context_style():
    def run(m, F):
        x = leaf(m)
        y = F["Setup"].apply(x, 4.0)
        y.sum().backward()
        return y, x.grad, y.grad_fn.name()

    same_values(*run_in_both_with_functions(run))


# -- errors -----------------------------------------------------------------------------
def _bad_backward(m, backward):
    class Bad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

    Bad.backward = staticmethod(backward)
    return Bad


@pytest.mark.parametrize("backward", [
    lambda ctx, g: g,                     # too few
    lambda ctx, g: (g, g, None),          # extra Nones dropped, then a gradient for a number
    lambda ctx, g: (g, g),                # a gradient for a number
    lambda ctx, g: (g, None, g),          # too many
    lambda ctx, g: (5, None),             # not a tensor
    lambda ctx, g: (g[:2], None),         # wrong shape
    lambda ctx, g: (g.reshape(3, 1), None),  # does not broadcast to the input's shape
], ids=["few", "extra-nones", "for-number", "many", "not-tensor", "shape", "shape-2d"])
def test_wrong_gradients_from_backward(backward):
    """forward(ctx, x, k) with x a tensor and k a number; backward answers wrongly."""
    def run(m):
        x = leaf(m)
        _bad_backward(m, backward).apply(x, 2.0).sum().backward()

    assert_same_error(lambda: run(tinytorch), lambda: run(torch))


def test_function_misuse_errors():
    def save_number(m):
        class SaveNumber(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x, 3)
                return x

        SaveNumber.apply(leaf(m))

    def no_backward(m):
        class NoBackward(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

        NoBackward.apply(leaf(m)).sum().backward()

    def no_forward(m):
        class NoForward(m.autograd.Function):
            pass

        NoForward.apply(leaf(m))

    for fn in (save_number, no_backward, no_forward):
        assert_same_error(lambda: fn(tinytorch), lambda: fn(torch))


def test_instantiating_a_function_warns():
    for m in LIBS:
        with pytest.warns(DeprecationWarning, match="should not be instantiated"):
            FUNCS[m]["Exp"]()
