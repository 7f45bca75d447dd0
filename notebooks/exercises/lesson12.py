"""Lesson 12 (higher-order derivatives): the n-th derivative through autograd."""
import math

import tinytorch as torch

from .checking import Wrong, close, exercise, expect_function, expect_returned, expect_shape, library_of


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
