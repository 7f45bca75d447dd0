"""Lesson 12 (higher-order derivatives): reading the slope and the curvature off the
lesson's slider picture, and the n-th derivative through autograd."""
import math
import numbers

import tinytorch as torch
from widgets.language import Catalog

from .checking import (Wrong, close, exercise, expect_function, expect_returned, expect_shape, is_tensor,
                       library_of)

# What this lesson's checks say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 12.1
        "not a pair": 'answer with a pair in parentheses: the slider\'s x0, then "minimum" or "maximum".',
        "x0 not a number": "the first part of your pair should be a number (the slider's x0), but it is "
                           "{kind} {value!r}.",
        "x0 outside": "x0 = {x0:g} is outside the stretch the exercise asks about, x0 between {low:g} and {high:g}.",
        "tangent not flat": "at x0 = {x0:g}, f'(x0) is {slope:.3f}: the tangent is not flat there. Move the slider "
                            "until the readout's f'(x0) is as close to 0 as it gets.",
        "not minimum or maximum": 'the second part of your pair should be "minimum" or "maximum", but it is {kind!r}.',
        "wrong kind of point": "x0 is right, but not what f has there: look at f''(x0) in the readout and at which way "
                               "the parabola opens in the picture.",
        "praise: flat tangent": "f'(x0) = 0 and f''(x0) < 0: the parabola opens downwards, so the flat point is a "
                                "(local) maximum. With f''(x0) > 0 it would be a minimum: the second derivative tells "
                                "the two apart.",
        "hint: flat tangent": "move the slider between 0 and 1.5 and watch the sign of f'(x0) in the readout: the "
                              "tangent is flat where it changes sign. There, f''(x0) (and the parabola in the "
                              "picture) says which way the curve bends.",
        # exercise 12.2
        "no graph behind": "for f(x) = {description}, n = {n}, x = {value}, a later call to autograd.grad found no "
                           "graph behind the gradient before it (RuntimeError: {error}).",
        "code raised": "for f(x) = {description}, n = {n}, x = {value} your code raised {error_type}: {error}",
        "the derivative you returned": "the derivative you returned",
        "another derivative": "for f(x) = {description}, n = {n}, x = {value} you returned {returned}, not "
                              "{asked}: count how many times your code differentiates.",
        "not the derivative": "for f(x) = {description}, n = {n}, x = {value} the value you returned is not {asked}.",
        "f(x) itself": "f(x) itself",
        "the first derivative": "the first derivative",
        "the second derivative": "the second derivative",
        "the third derivative": "the third derivative",
        "derivative number n": "derivative number {n}",
        "praise: nth derivative": "each create_graph=True gradient is a function of x with its own graph, ready to be "
                                  "differentiated again.",
        "hint: nth derivative": "differentiate in a loop, n times, each time the result of the step before; every "
                                "gradient you will differentiate again must be computed in a way that records its "
                                "own history.",
    },
    zh_CN={
        # exercise 12.1
        "not a pair": '请用括号里的一对值作答：先是滑块的 x0，然后是 "minimum" 或 "maximum"。',
        "x0 not a number": "这对值的第一项应当是一个数（滑块的 x0），但它是 {kind} 类型的 {value!r}。",
        "x0 outside": "x0 = {x0:g} 不在练习所问的范围内：x0 应当在 {low:g} 和 {high:g} 之间。",
        "tangent not flat": "在 x0 = {x0:g} 处，f'(x0) 为 {slope:.3f}：那里的切线不是水平的。拖动滑块，直到读数中的 "
                            "f'(x0) 尽可能接近 0。",
        "not minimum or maximum": '这对值的第二项应当是 "minimum" 或 "maximum"，但它是 {kind!r}。',
        "wrong kind of point": "x0 是对的，但 f 在那里取得的不是这种极值：看看读数中的 f''(x0)，以及图中抛物线的"
                               "开口方向。",
        "praise: flat tangent": "f'(x0) = 0 且 f''(x0) < 0：抛物线开口向下，所以这个切线水平的点是（局部）极大值。"
                                "如果 f''(x0) > 0，它就是极小值：二阶导数能把这两种情况区分开。",
        "hint: flat tangent": "在 0 和 1.5 之间拖动滑块，留意读数中 f'(x0) 的正负号：切线在它变号的地方是水平的。"
                              "在那里，f''(x0)（以及图中的抛物线）告诉你曲线向哪个方向弯曲。",
        # exercise 12.2
        "no graph behind": "对于 f(x) = {description}、n = {n}、x = {value}，后一次调用 autograd.grad 时，发现前一个"
                           "梯度背后没有计算图（RuntimeError: `{error}`）。",
        "code raised": "对于 f(x) = {description}、n = {n}、x = {value}，你的代码引发了 {error_type}: `{error}`",
        "the derivative you returned": "你返回的导数",
        "another derivative": "对于 f(x) = {description}、n = {n}、x = {value}，你返回的是{returned}，而不是"
                              "{asked}：数一数你的代码求了几次导。",
        "not the derivative": "对于 f(x) = {description}、n = {n}、x = {value}，你返回的值不是{asked}。",
        "f(x) itself": "函数 f(x) 本身",
        "the first derivative": "一阶导数",
        "the second derivative": "二阶导数",
        "the third derivative": "三阶导数",
        "derivative number n": "第 {n} 阶导数",
        "praise: nth derivative": "每个用 create_graph=True 算出的梯度都是 x 的函数，带有自己的计算图，可以再次求导。",
        "hint: nth derivative": "在循环中求导 n 次，每次都对上一步的结果求导；每个还要再次求导的梯度，在计算时都必须"
                                "记录下它自己的计算历史。",
    },
)

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
    hint=MESSAGES.later("hint: flat tangent"),
)
def flat_tangent(answer):
    "A pair (x0, kind): where between 0 and 1.5 the tangent is flat, and whether f has a minimum or a maximum there."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong(MESSAGES("not a pair"))
    x0, kind = _number(answer[0]), answer[1]
    if x0 is None or not math.isfinite(x0):
        raise Wrong(MESSAGES("x0 not a number", kind=type(answer[0]).__name__, value=answer[0]))
    low, high = SEARCHED
    if not low <= x0 <= high:
        raise Wrong(MESSAGES("x0 outside", x0=x0, low=low, high=high))
    if abs(x0 - _flat_point()) > TOLERANCE:
        raise Wrong(MESSAGES("tangent not flat", x0=x0, slope=_slope(x0)))
    if not (isinstance(kind, str) and kind.strip().lower() in ("minimum", "maximum")):
        raise Wrong(MESSAGES("not minimum or maximum", kind=kind))
    if (kind.strip().lower() == "maximum") != (_curvature(x0) < 0):
        raise Wrong(MESSAGES("wrong kind of point"))
    return MESSAGES("praise: flat tangent")


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
    key = {0: "f(x) itself", 1: "the first derivative", 2: "the second derivative", 3: "the third derivative"}.get(n)
    return MESSAGES(key) if key else MESSAGES("derivative number n", n=n)


@exercise(
    solution=lambda: _solution,
    wrong_answers=[
        lambda: _without_create_graph,
        lambda: _one_too_few,
        lambda: _returns_the_tuple,
        lambda: (lambda f, x, n: ...),
    ],
    hint=MESSAGES.later("hint: nth derivative"),
)
def nth_derivative(answer):
    "A function (f, x, n) -> the n-th derivative of f at x (n >= 1), x a tensor with requires_grad=True."
    function = expect_function(answer)
    lib = library_of(function)
    for description, f, derivatives in _test_functions(lib):
        for n in range(1, len(derivatives) - 1):
            for value in (2.0, -0.5):
                x = lib.tensor([value], requires_grad=True)
                where = dict(description=description, n=n, value=value)
                try:
                    result = function(f, x, n)
                except RuntimeError as error:
                    if "does not require grad" in str(error):
                        raise Wrong(MESSAGES("no graph behind", **where, error=error)) from None
                    raise Wrong(MESSAGES("code raised", **where, error_type="RuntimeError", error=error)) from None
                except Exception as error:
                    raise Wrong(MESSAGES("code raised", **where, error_type=type(error).__name__,
                                         error=error)) from None
                expect_returned(result)
                expect_shape(result, tuple(x.shape), MESSAGES("the derivative you returned"))
                if close(result, lib.tensor([derivatives[n](value)])):
                    continue
                for other in (n - 1, n + 1):
                    if close(result, lib.tensor([derivatives[other](value)])):
                        raise Wrong(MESSAGES("another derivative", **where, returned=_describe(other),
                                             asked=_describe(n)))
                raise Wrong(MESSAGES("not the derivative", **where, asked=_describe(n)))
    return MESSAGES("praise: nth derivative")
