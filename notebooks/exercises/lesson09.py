"""Lesson 9 (performance and precision): float32's exact integers, vectorizing a loop."""
import inspect
import io
import math
import tokenize

import tinytorch
from widgets.language import Catalog

from .checking import Wrong, call_answer, exercise, expect_callable, is_tensor, library_of, same_values

# What this lesson's exercises say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 9.1
        "hint: float32 limit": "A float32 has 24 significant bits (23 stored, plus an implicit leading 1).",
        "not a whole number": "answer with a whole number (your answer is a {kind}); 2**k is fine.",
        "largest int32": "that is the largest int32. Floats trade exactness for range: count significant bits.",
        "float64's limit": "that is float64's limit (53 significant bits). float32 has fewer.",
        "too large": "too large: at that size float32 numbers are already more than 1 apart, "
                     "so some integers below your n are skipped.",
        "too small": "too small: float32 still stores every integer a bit beyond that. "
                     "How many significant bits does it have?",
        "praise: float32 limit": "2**24 = 16,777,216; the next integer, 2**24 + 1, is the first float32 cannot hold.",
        # exercise 9.2
        "hint: row norms": "Square elementwise, reduce along the right dimension with sum(dim=...), then take the "
                           "square root.",
        "not a tensor returned": "your function returns a {kind}, not a tensor.",
        "one number per row": "for a {rows}x{columns} matrix the result should have one number per row, "
                              "but yours has shape {shape}.",
        "not the lengths": "the shape is right but the values are not the rows' lengths. "
                           "Did you take the square root?",
        "python loop": "the values are right, but your function has a Python loop (for or while). "
                       "Use whole-tensor operations instead.",
        "praise: row norms": "every row's length at once, by operations on the whole tensor: no Python loop.",
    },
    zh_CN={
        # exercise 9.1
        "hint: float32 limit": "float32 有 24 位有效二进制位（存储 23 位，外加一个隐含的前导 1）。",
        "not a whole number": "请用一个整数作答（你的答案是 {kind}）；写成 2**k 也可以。",
        "largest int32": "这是 int32 的最大值。浮点数用精确性换取了表示范围：数一数有效二进制位。",
        "float64's limit": "这是 float64 的上限（53 位有效二进制位）。float32 的有效位更少。",
        "too large": "太大了：到了这个量级，相邻的 float32 数之间已经相差不止 1，所以小于你的 n 的某些整数会被跳过。",
        "too small": "太小了：超过这个数之后，float32 仍然能精确存储每个整数。它有多少位有效二进制位？",
        "praise: float32 limit": "2**24 = 16,777,216；下一个整数 2**24 + 1 就是 float32 第一个无法表示的整数。",
        # exercise 9.2
        "hint: row norms": "先逐元素平方，再用 sum(dim=...) 沿正确的维度归约，最后取平方根。",
        "not a tensor returned": "你的函数返回的是 {kind}，而不是张量。",
        "one number per row": "对于 {rows}x{columns} 的矩阵，结果应当每行对应一个数，但你的结果形状是 {shape}。",
        "not the lengths": "形状是对的，但数值不是各行的长度。你取平方根了吗？",
        "python loop": "数值是对的，但你的函数里有 Python 循环（for 或 while）。请改用对整个张量的运算。",
        "praise: row norms": "一次算出每一行的长度，靠的是对整个张量的运算：没有 Python 循环。",
    },
)


@exercise(
    solution=lambda: 2**24,
    wrong_answers=[lambda: 2**31 - 1, lambda: 2**53, lambda: 2**23, lambda: 2**24 + 1, lambda: 200_000_000],
    hint=MESSAGES.later("hint: float32 limit"),
)
def float32_limit(answer):
    "The largest n such that every integer 0..n is exactly representable in float32."
    if not isinstance(answer, int) or isinstance(answer, bool):
        raise Wrong(MESSAGES("not a whole number", kind=type(answer).__name__))
    if answer == 2**31 - 1:
        raise Wrong(MESSAGES("largest int32"))
    if answer == 2**53:
        raise Wrong(MESSAGES("float64's limit"))
    if answer > 2**24:
        raise Wrong(MESSAGES("too large"))
    if answer < 2**24:
        raise Wrong(MESSAGES("too small"))
    return MESSAGES("praise: float32 limit")


def _solution():
    def row_norms(m):
        return (m * m).sum(dim=1).sqrt()
    return row_norms


def _loop_solution():
    def row_norms(m):
        return tinytorch.tensor([math.sqrt(sum(v * v for v in row)) for row in m.tolist()])
    return row_norms


def _has_python_loop(function):
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):  # source unavailable (e.g. a lambda made by exec): cannot tell
        return False
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return any(tok.type == tokenize.NAME and tok.string in ("for", "while") for tok in tokens)


@exercise(
    solution=_solution,
    wrong_answers=[
        _loop_solution,
        lambda: (lambda m: (m * m).sum(dim=0).sqrt()),
        lambda: (lambda m: (m * m).sum(dim=1)),
    ],
    right_answers=[
        lambda: (lambda m: m.norm(dim=1)), lambda: (lambda m: tinytorch.linalg.norm(m, dim=1)),
        lambda: (lambda m: tinytorch.linalg.vector_norm(m, dim=-1)),
        lambda: (lambda m: tinytorch.einsum("ij,ij->i", m, m).sqrt()), lambda: (lambda m: m.pow(2).sum(1) ** 0.5),
    ],
    hint=MESSAGES.later("hint: row norms"),
)
def vectorized_row_norms(answer):
    "A function row_norms(m) with no Python loop: the Euclidean length of each row of m."
    expect_callable(answer, "lesson09.vectorized_row_norms(row_norms)")
    lib = library_of(answer)  # (tensors of the learner's library: tinytorch, or torch after `import torch`)
    for m in (lib.tensor([[3.0, 4.0], [6.0, 8.0], [0.0, 0.0]]), lib.arange(12.0).reshape(2, 6)):
        result = call_answer(answer, m)
        if not is_tensor(result):
            raise Wrong(MESSAGES("not a tensor returned", kind=type(result).__name__))
        expected = [math.sqrt(sum(v * v for v in row)) for row in m.tolist()]
        if tuple(result.shape) != (m.shape[0],):
            raise Wrong(MESSAGES("one number per row", rows=m.shape[0], columns=m.shape[1],
                                 shape=tuple(result.shape)))
        if not same_values([float(v) for v in result.tolist()], expected):
            raise Wrong(MESSAGES("not the lengths"))
    if _has_python_loop(answer):
        raise Wrong(MESSAGES("python loop"))
    return MESSAGES("praise: row norms")
