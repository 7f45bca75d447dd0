"""gradcheck and gradgradcheck: every differentiable op passes both in float64,
and the checks themselves behave like torch's (verdicts, warnings, errors and
the message that shows both Jacobians)."""
import warnings

import pytest
import torch

import tinytorch
from autograd_cases import CASES, make_inputs
from oracle import tinytorch_message
from tinytorch.autograd import GradcheckError, gradcheck, gradgradcheck

LIBS = (tinytorch, torch)


def assert_same_error(tt_fn, torch_fn):
    """Both raise an exception of the same name (each library has its own
    GradcheckError class) with the same message."""
    errors = []
    for fn in (tt_fn, torch_fn):
        with pytest.raises(Exception) as info:
            fn()
        errors.append(info.value)
    ours, theirs = errors
    assert type(ours).__name__ == type(theirs).__name__
    assert [c.__name__ for c in type(ours).__mro__[1:]] == [c.__name__ for c in type(theirs).__mro__[1:]]
    # After its first paragraph, torch's non-reentrant message advises PyTorch's own developers.
    assert str(ours).split("\n\nNOTE")[0] == tinytorch_message(str(theirs)).split("\n\nNOTE")[0]
    return ours
# Inputs sit away from every kink (see autograd_cases), so finite differences are
# exact to float64 rounding; a float32 step inside an op is not, hence its tolerances.
LOOSE = {"to_float": dict(eps=1e-3, atol=1e-2, rtol=1e-2)}


def leaves(case):
    return [tinytorch.tensor(a, requires_grad=True) for a in make_inputs(case)]


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_every_op_passes_gradcheck(case):
    assert gradcheck(lambda *xs: case.fn(tinytorch, *xs), leaves(case), **LOOSE.get(case.name, {}))


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_every_op_passes_gradgradcheck(case):
    tinytorch.manual_seed(0)
    with warnings.catch_warnings():
        # A float32 output gets float32 grad_outputs, which gradgradcheck warns about, like torch's.
        warnings.simplefilter("ignore" if case.name in LOOSE else "error")
        assert gradgradcheck(lambda *xs: case.fn(tinytorch, *xs), leaves(case), **LOOSE.get(case.name, {}))


def _wrong_square(m):
    class WrongSquare(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 2

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 3 * a * g  # should be 2 * a * g

    return WrongSquare


def test_a_wrong_gradient_raises_with_both_jacobians():
    error = assert_same_error(
        lambda: gradcheck(_wrong_square(tinytorch).apply, (tinytorch.tensor([1.0, 2.0], dtype=tinytorch.float64, requires_grad=True),)),
        lambda: torch.autograd.gradcheck(_wrong_square(torch).apply, (torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True),)),
    )
    assert isinstance(error, GradcheckError) and isinstance(error, RuntimeError)
    assert "numerical:" in str(error) and "analytical:" in str(error)


def test_raise_exception_false_returns_false():
    for m in LIBS:
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        assert m.autograd.gradcheck(_wrong_square(m).apply, (x,), raise_exception=False) is False
        assert m.autograd.gradcheck(lambda a: a ** 2, (x,), raise_exception=False) is True


def test_warns_for_inputs_that_are_not_double():
    messages = []
    for m in LIBS:
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = m.tensor([3.0], dtype=m.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert m.autograd.gradcheck(lambda a, b: a * b, (x, y), eps=1e-3, atol=1e-2)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert messages[0] == messages[1] and len(messages[0]) == 1


@pytest.mark.parametrize("fn, inputs", [
    (lambda a: a * 2, lambda m: (m.tensor([1.0], dtype=m.float64),)),                 # nothing requires grad
    (lambda a: (a * 2).detach(), lambda m: (m.tensor([1.0], dtype=m.float64, requires_grad=True),)),
], ids=["no-input-requires-grad", "output-depends-but-has-no-grad"])
def test_check_errors_match_torch(fn, inputs):
    assert_same_error(lambda: gradcheck(fn, inputs(tinytorch)), lambda: torch.autograd.gradcheck(fn, inputs(torch)))


def test_non_tensor_and_non_differentiable_arguments():
    for m in LIBS:
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        const = m.tensor([3.0, 4.0], dtype=m.float64)
        assert m.autograd.gradcheck(lambda a, b, k: (a * b * k, a.long()), (x, const, 2.5))
        assert m.autograd.gradcheck(lambda a: a.sum(), x)  # a single tensor, not in a tuple


def _backward_ignores_grad_output(m):
    class Sum(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.sum()

        @staticmethod
        def backward(ctx, g):
            return m.ones(2, dtype=m.float64)  # right Jacobian, but not scaled by g

    return Sum


def _nondeterministic(m):
    class Noisy(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 + m.rand(2, dtype=m.float64) * 1e-9

    return Noisy


@pytest.mark.parametrize("make", [_backward_ignores_grad_output, _nondeterministic], ids=["not-scaled", "not-reentrant"])
def test_checks_beyond_the_jacobian(make):
    def run(m):
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        m.autograd.gradcheck(make(m).apply, (x,))

    assert_same_error(lambda: run(tinytorch), lambda: run(torch))


def _wrong_double_backward(m):
    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a ** 3

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 3 * a * a.detach() * g  # right value, half of its derivative lost

    return Cube


def test_gradgradcheck_catches_a_wrong_second_derivative():
    for m in LIBS:
        x = m.tensor([1.0, 2.0], dtype=m.float64, requires_grad=True)
        assert m.autograd.gradcheck(_wrong_double_backward(m).apply, (x,))
        with pytest.raises(RuntimeError) as info:
            m.autograd.gradgradcheck(_wrong_double_backward(m).apply, (x,))
        assert type(info.value).__name__ == "GradcheckError"
        assert str(info.value).startswith("Jacobian mismatch for output 0 with respect to input 0,\nnumerical:")
        assert m.autograd.gradgradcheck(_wrong_double_backward(m).apply, (x,), raise_exception=False) is False


def test_gradgradcheck_with_given_grad_outputs_matches_torch():
    verdicts = []
    for m in LIBS:
        x = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
        w = m.tensor([1.0, 0.5, -2.0], dtype=m.float64, requires_grad=True)
        g = m.tensor([1.0, -1.0, 0.5], dtype=m.float64, requires_grad=True)
        verdicts.append(m.autograd.gradgradcheck(lambda a, b: (a * b).sin() * a, (x, w), (g,)))
    assert verdicts == [True, True]


def test_message_shows_the_numbers_torch_shows():
    def run(m):
        x = m.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=m.float64, requires_grad=True)
        try:
            m.autograd.gradcheck(_wrong_square(m).apply, (x,))
        except RuntimeError as e:
            return str(e)

    ours, theirs = run(tinytorch), run(torch)
    assert ours == tinytorch_message(theirs)
