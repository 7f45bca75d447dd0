"""Lesson 9 (performance and precision): float32's exact integers, vectorizing a loop."""
import inspect
import io
import math
import tokenize

import tinytorch

from .checking import Wrong, call_answer, exercise, expect_callable, is_tensor, library_of, same_values


@exercise(
    solution=lambda: 2**24,
    wrong_answers=[lambda: 2**31 - 1, lambda: 2**53, lambda: 2**23, lambda: 2**24 + 1, lambda: 200_000_000],
    hint="A float32 has 24 significant bits (23 stored, plus an implicit leading 1).",
)
def float32_limit(answer):
    "The largest n such that every integer 0..n is exactly representable in float32."
    if not isinstance(answer, int) or isinstance(answer, bool):
        raise Wrong(f"answer with a whole number (your answer is a {type(answer).__name__}); 2**k is fine.")
    if answer == 2**31 - 1:
        raise Wrong("that is the largest int32. Floats trade exactness for range: count significant bits.")
    if answer == 2**53:
        raise Wrong("that is float64's limit (53 significant bits). float32 has fewer.")
    if answer > 2**24:
        raise Wrong("too large: at that size float32 numbers are already more than 1 apart, "
                    "so some integers below your n are skipped.")
    if answer < 2**24:
        raise Wrong("too small: float32 still stores every integer a bit beyond that. "
                    "How many significant bits does it have?")
    return "2**24 = 16,777,216; the next integer, 2**24 + 1, is the first float32 cannot hold."


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
    hint="Square elementwise, reduce along the right dimension with sum(dim=...), then take the square root.",
)
def vectorized_row_norms(answer):
    "A function row_norms(m) with no Python loop: the Euclidean length of each row of m."
    expect_callable(answer, "lesson09.vectorized_row_norms(row_norms)")
    lib = library_of(answer)  # (tensors of the learner's library: tinytorch, or torch after `import torch`)
    for m in (lib.tensor([[3.0, 4.0], [6.0, 8.0], [0.0, 0.0]]), lib.arange(12.0).reshape(2, 6)):
        result = call_answer(answer, m)
        if not is_tensor(result):
            raise Wrong(f"your function returns a {type(result).__name__}, not a tensor.")
        expected = [math.sqrt(sum(v * v for v in row)) for row in m.tolist()]
        if tuple(result.shape) != (m.shape[0],):
            raise Wrong(f"for a {m.shape[0]}x{m.shape[1]} matrix the result should have one number per row, "
                        f"but yours has shape {tuple(result.shape)}.")
        if not same_values([float(v) for v in result.tolist()], expected):
            raise Wrong("the shape is right but the values are not the rows' lengths. "
                        "Did you take the square root?")
    if _has_python_loop(answer):
        raise Wrong("the values are right, but your function has a Python loop (for or while). "
                    "Use whole-tensor operations instead.")
    return "every row's length at once, by operations on the whole tensor: no Python loop."
