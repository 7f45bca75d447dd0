"""Lesson 12 (higher-order derivatives): reading the slope and the curvature off the
lesson's slider picture, and the n-th derivative through autograd."""
import math
import numbers

import tinytorch as torch

from .checking import (Wrong, close, exercise, expect_function, expect_returned, expect_shape, is_tensor,
                       library_of)

# -- Exercise 12.1: where the tangent is flat ---------------------------------------
# The lesson's picture shows f(x) = sin(2x) + x**2 / 4 with a slider for x0 (step 0.05);
# its derivatives, by hand: f'(x) = 2 cos(2x) + x / 2 and f''(x) = 0.5 - 4 sin(2x).
SEARCHED = (0.0, 1.5)  # the stretch of the slider the exercise asks about
# Accepted distance from the exact point: half a slider step, so exactly one slider
# position (and any closer number the learner computes) is right.
TOLERANCE = 0.025


def _slope(x):
    return 2 * math.cos(2 * x) + x / 2


def _curvature(x):
    return 0.5 - 4 * math.sin(2 * x)


def _flat_point():
    """Where f' = 0 in SEARCHED (f' falls from 2 to about -1.2 there, crossing 0 once), by bisection."""
    low, high = SEARCHED
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _slope(middle) > 0 else (low, middle)
    return (low + high) / 2


def _number(value):
    """A plain float from a number or a one-element tensor; None for anything else."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if is_tensor(value) and math.prod(value.shape) == 1:
        (item,) = value.reshape(-1).tolist()
        return _number(item)
    return None


@exercise(
    solution=lambda: (0.9, "maximum"),
    right_answers=[
        lambda: (0.90, "Maximum"),
        lambda: [0.9, "maximum"],
        lambda: (round(_flat_point(), 4), "maximum"),
        lambda: (torch.tensor(0.9), "maximum"),
    ],
    wrong_answers=[
        lambda: (0.85, "maximum"),   # one slider step early: f' is still clearly positive
        lambda: (0.95, "maximum"),   # one step late
        lambda: (0.9, "minimum"),    # the right place, the wrong kind of point
        lambda: (-0.7, "minimum"),   # the flat point on the other side of 0
        lambda: 0.9,                 # the place alone
        lambda: ("0.9", "maximum"),
        lambda: (0.9, "top"),
    ],
    hint="move the slider between 0 and 1.5 and watch the sign of f'(x0) in the readout: the tangent is "
         "flat where it changes sign. There, f''(x0) (and the parabola in the picture) says which way the "
         "curve bends.",
)
def flat_tangent(answer):
    "A pair (x0, kind): where between 0 and 1.5 the tangent is flat, and whether f has a minimum or a maximum there."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong('answer with a pair in parentheses: the slider\'s x0, then "minimum" or "maximum".')
    x0, kind = _number(answer[0]), answer[1]
    if x0 is None or not math.isfinite(x0):
        raise Wrong(f"the first part of your pair should be a number (the slider's x0), but it is "
                    f"{type(answer[0]).__name__} {answer[0]!r}.")
    low, high = SEARCHED
    if not low <= x0 <= high:
        raise Wrong(f"x0 = {x0:g} is outside the stretch the exercise asks about, x0 between {low:g} and {high:g}.")
    if abs(x0 - _flat_point()) > TOLERANCE:
        raise Wrong(f"at x0 = {x0:g}, f'(x0) is {_slope(x0):.3f}: the tangent is not flat there. Move the slider "
                    "until the readout's f'(x0) is as close to 0 as it gets.")
    if not (isinstance(kind, str) and kind.strip().lower() in ("minimum", "maximum")):
        raise Wrong(f'the second part of your pair should be "minimum" or "maximum", but it is {kind!r}.')
    if (kind.strip().lower() == "maximum") != (_curvature(x0) < 0):
        raise Wrong("x0 is right, but not what f has there: look at f''(x0) in the readout and at which way "
                    "the parabola opens in the picture.")
    return ("f'(x0) = 0 and f''(x0) < 0: the parabola opens downwards, so the flat point is a (local) maximum. "
            "With f''(x0) > 0 it would be a minimum: the second derivative tells the two apart.")


# -- Exercise 12.2: the n-th derivative ----------------------------------------------


def _solution(f, x, n):
    y = f(x)
    for _ in range(n):
        (y,) = torch.autograd.grad(y, x, create_graph=True)
    return y


def _without_create_graph(f, x, n):
    y = f(x)
    for _ in range(n):
        (y,) = torch.autograd.grad(y, x)
    return y


def _one_too_few(f, x, n):
    y = f(x)
    for _ in range(n - 1):
        (y,) = torch.autograd.grad(y, x, create_graph=True)
    return y


def _returns_the_tuple(f, x, n):
    y = f(x)
    for _ in range(n - 1):
        (y,) = torch.autograd.grad(y, x, create_graph=True)
    return torch.autograd.grad(y, x, create_graph=True)


def _test_functions(lib):
    """(description, f, [f, f', f'', ...] as functions of a float): derivatives worked out by hand,
    as many as the check asks for."""
    return [
        ("x ** 3", lambda t: t ** 3,
         [lambda v: v ** 3, lambda v: 3 * v ** 2, lambda v: 6 * v, lambda v: 6.0, lambda v: 0.0]),
        ("sin(x)", lambda t: lib.sin(t),
         [lambda v, k=k: math.sin(v + k * math.pi / 2) for k in range(6)]),
        ("x * exp(x)", lambda t: t * lib.exp(t),
         [lambda v, k=k: (v + k) * math.exp(v) for k in range(5)]),
    ]


def _describe(n):
    return {0: "f(x) itself", 1: "the first derivative", 2: "the second derivative",
            3: "the third derivative"}.get(n, f"derivative number {n}")


@exercise(
    solution=lambda: _solution,
    wrong_answers=[
        lambda: _without_create_graph,
        lambda: _one_too_few,
        lambda: _returns_the_tuple,
        lambda: (lambda f, x, n: ...),
    ],
    hint="differentiate in a loop, n times, each time the result of the step before; every gradient "
         "you will differentiate again must be computed in a way that records its own history.",
)
def nth_derivative(answer):
    "A function (f, x, n) -> the n-th derivative of f at x (n >= 1), x a tensor with requires_grad=True."
    function = expect_function(answer)
    lib = library_of(function)
    for description, f, derivatives in _test_functions(lib):
        for n in range(1, len(derivatives) - 1):
            for value in (2.0, -0.5):
                x = lib.tensor([value], requires_grad=True)
                where = f"for f(x) = {description}, n = {n}, x = {value}"
                try:
                    result = function(f, x, n)
                except RuntimeError as error:
                    if "does not require grad" in str(error):
                        raise Wrong(f"{where}, a later call to autograd.grad found no graph behind the "
                                    f"gradient before it (RuntimeError: {error}).") from None
                    raise Wrong(f"{where} your code raised RuntimeError: {error}") from None
                except Exception as error:
                    raise Wrong(f"{where} your code raised {type(error).__name__}: {error}") from None
                expect_returned(result)
                expect_shape(result, tuple(x.shape), "the derivative you returned")
                if close(result, lib.tensor([derivatives[n](value)])):
                    continue
                for other in (n - 1, n + 1):
                    if close(result, lib.tensor([derivatives[other](value)])):
                        raise Wrong(f"{where} you returned {_describe(other)}, not {_describe(n)}: "
                                    "count how many times your code differentiates.")
                raise Wrong(f"{where} the value you returned is not {_describe(n)}.")
    return "each create_graph=True gradient is a function of x with its own graph, ready to be differentiated again."
