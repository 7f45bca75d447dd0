"""The exercise checks of the autograd lessons (10 to 14), beyond what tests/test_exercises.py
asks of every exercise:

- each typical mistake gets the feedback written for it, and no feedback or hint shows
  the solution's code;
- the checks accept answers written with real torch (a learner who switched the import)
  and give them the same verdicts;
- the reference values the checks compare with (derivatives, losses) agree with torch;
- a learner's code that raises gets feedback, never a crash.
"""
import math
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))
from exercises import checking, lesson10, lesson11, lesson12, lesson13, lesson14  # noqa: E402

LIBRARIES = {"tinytorch": tinytorch, "torch": torch}

# Some typical mistakes read .grad of a non-leaf: the warning is part of the mistake.
pytestmark = pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")


def learner_code(library, source):
    """Run `source` as a notebook cell would after `import <library> as torch`, and
    return its namespace: functions defined there see that library as `torch`."""
    namespace = {"__name__": "__notebook__"}
    exec(f"import {library} as torch\nfrom {library}.autograd import Function\n" + textwrap.dedent(source),
         namespace)
    return namespace


def verdict(feedback):
    return feedback.passed, feedback.message


# -- what learners write: right and wrong, in either library ---------------------------
GRAD_AT_INTERMEDIATE = {
    "retain_grad": """
        def answer(a, b):
            u = a * b
            u.retain_grad()
            L = (u * u * u).sum()
            L.backward()
            return u.grad
    """,
    "hook": """
        def answer(a, b):
            seen = []
            u = a * b
            u.register_hook(seen.append)
            (u * u * u).sum().backward()
            return seen[0]
    """,
    "autograd.grad": """
        def answer(a, b):
            u = a * b
            return torch.autograd.grad((u * u * u).sum(), u)[0]
    """,
}

NTH_DERIVATIVE = """
    def answer(f, x, n):
        y = f(x)
        for _ in range(n):
            (y,) = torch.autograd.grad(y, x, create_graph=True)
        return y
"""

SIGN_STE = """
    class answer(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return torch.sign(x)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * (x.abs() <= 1)
"""

TANH = """
    class answer(Function):
        @staticmethod
        def forward(ctx, x):
            y = torch.tanh(x)
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return grad_output * (1 - y ** 2)
"""

BCE = """
    def answer(z, y):
        return (torch.clamp(z, min=0) - z * y + torch.log(1 + torch.exp(-torch.abs(z)))).mean()
"""

RIGHT_ANSWERS = [
    *[(lesson10.grad_at_intermediate, source) for source in GRAD_AT_INTERMEDIATE.values()],
    (lesson12.nth_derivative, NTH_DERIVATIVE),
    (lesson11.sign_ste, SIGN_STE),
    (lesson13.tanh_function, TANH),
    (lesson14.bce_with_logits, BCE),
]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("ex", "source"), RIGHT_ANSWERS, ids=lambda v: getattr(v, "name", None))
def test_right_answers_pass_in_either_library(library, ex, source):
    answer = learner_code(library, source)["answer"]
    assert checking.library_of(answer) is LIBRARIES[library]
    feedback = ex(answer)
    assert feedback.passed is True, feedback.message


# (exercise, learner's code, a phrase the feedback must contain)
MISTAKES = [
    (lesson10.grad_at_intermediate, """
        def answer(a, b):
            u = a * b
            (u * u * u).sum().backward()
            return u.grad
     """, "not a leaf"),
    (lesson10.grad_at_intermediate, """
        def answer(a, b):
            u = a * b
            return torch.autograd.grad((u * u * u).sum(), a)[0]
     """, "with respect to a leaf"),
    (lesson10.grad_at_intermediate, """
        def answer(a, b):
            u = a * b
            return torch.autograd.grad((u * u * u).sum(), u)
     """, "returned a tuple"),
    (lesson10.grad_at_intermediate, """
        def answer(a, b):
            return (a * b).sum()
     """, "has shape ()"),
    (lesson12.nth_derivative, """
        def answer(f, x, n):
            y = f(x)
            for _ in range(n):
                (y,) = torch.autograd.grad(y, x)
            return y
     """, "found no graph"),
    (lesson12.nth_derivative, """
        def answer(f, x, n):
            y = f(x)
            for _ in range(n + 1):
                (y,) = torch.autograd.grad(y, x, create_graph=True)
            return y
     """, "count how many times"),
    (lesson12.nth_derivative, """
        def answer(f, x, n):
            raise ValueError("not done yet")
     """, "your code raised ValueError: not done yet"),
    (lesson11.sign_ste, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                return torch.sign(x)

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * 0
     """, "true derivative"),
    (lesson11.sign_ste, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                return torch.sign(x)

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output
     """, "where |x| > 1"),
    (lesson11.sign_ste, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return torch.sign(x)

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return (x.abs() <= 1).to(x.dtype)
     """, "multiply by grad_output"),
    (lesson11.sign_ste, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                return x.clone()

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output
     """, "forward should return sign(x)"),
    (lesson13.tanh_function, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return torch.tanh(x)

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return grad_output * (1 - torch.tanh(x) ** 2)
     """, "recomputes from x"),
    (lesson13.tanh_function, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                y = torch.tanh(x)
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad_output):
                (y,) = ctx.saved_tensors
                return grad_output * y * (1 - y)
     """, "gradcheck disagrees"),
    (lesson13.tanh_function, """
        class answer(Function):
            @staticmethod
            def forward(ctx, x):
                y = torch.tanh(x)
                ctx.save_for_backward(y)
                return y

            @staticmethod
            def backward(ctx, grad_output):
                (y,) = ctx.saved_tensors
                return 1 - y ** 2
     """, "ignores grad_output"),
    (lesson14.bce_with_logits, """
        def answer(z, y):
            p = torch.sigmoid(z)
            return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
     """, "sigmoid(z) rounds to exactly 1"),
    (lesson14.bce_with_logits, """
        def answer(z, y):
            return (torch.log(1 + torch.exp(z)) - z * y).mean()
     """, "exp(z) overflows to inf"),
    (lesson14.bce_with_logits, """
        def answer(z, y):
            p = torch.sigmoid(z).clamp(1e-7, 1 - 1e-7)
            return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
     """, "capped or rounded"),
    (lesson14.bce_with_logits, """
        def answer(z, y):
            return (torch.clamp(z, min=0) - z * y + torch.log(1 + torch.exp(-torch.abs(z)))).sum()
     """, "times too large"),
    (lesson14.bce_with_logits, """
        def answer(z, y):
            return torch.log(1 + torch.exp(z)).mean() - (z * y).mean()
     """, "for logits as large as +-100 your loss is inf"),
]

# Fragments of the solutions' code that feedback and hints must never contain.
SOLUTION_CODE = {
    "grad_at_intermediate": ["autograd.grad(L, u)", "retain_grad()", "3 * u", "u ** 2"],
    "nth_derivative": ["create_graph=True", "range(n)"],
    "sign_ste": ["abs() <= 1", "x.abs()", "grad_output *"],
    "tanh_function": ["1 - output", "1 - y", "tanh(x) **", "** 2", "* output"],
    "bce_with_logits": ["relu(z) - z * y", "clamp(z", "log(1 + exp(-abs", "abs(z)))"],
    "vjp_vector": ["y.detach()", "= y"],
}


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize(("ex", "source", "phrase"), MISTAKES,
                         ids=[f"{ex.name}-{i}" for i, (ex, _, _) in enumerate(MISTAKES)])
def test_mistakes_get_their_feedback(library, ex, source, phrase):
    answer = learner_code(library, source)["answer"]
    feedback = ex(answer)
    assert feedback.passed is False
    assert phrase in feedback.message, feedback.message
    for fragment in SOLUTION_CODE[ex.name]:
        assert fragment not in feedback.message, f"{fragment!r} gives the solution away: {feedback.message}"


def test_hints_do_not_contain_solution_code():
    for ex in (lesson10.grad_at_intermediate, lesson10.vjp_vector, lesson11.sign_ste,
               lesson12.nth_derivative, lesson13.tanh_function, lesson14.bce_with_logits):
        hint = ex.hint().message
        for fragment in SOLUTION_CODE[ex.name]:
            assert fragment not in hint, f"the hint of {ex.name} contains {fragment!r}: {hint}"


def test_a_torch_mistake_gets_the_same_feedback_as_a_tinytorch_one():
    for ex, source, _ in MISTAKES:
        messages = {verdict(ex(learner_code(library, source)["answer"])) for library in LIBRARIES}
        assert len(messages) == 1, f"{ex.name}: {messages}"


# -- exercise 10.2: the verdict agrees with torch doing the backward pass ---------------
@settings(max_examples=40, deadline=None)
@given(v=st.lists(st.floats(-8, 8, allow_nan=False).map(lambda f: round(f * 2) / 2), min_size=3, max_size=3),
       library=st.sampled_from(sorted(LIBRARIES)))
def test_vjp_vector_accepts_exactly_the_right_vector(v, library):
    lib = LIBRARIES[library]
    feedback = lesson10.vjp_vector(lib.tensor(v))
    # The oracle: in torch, the gradient of z = (y * y).sum() / 2 against the one y.backward(v) gives.
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = torch.tensor([0.5, -1.0, 2.0]) * x
    ((y * y).sum() / 2).backward()
    wanted = x.grad.clone()
    x.grad = None
    y = torch.tensor([0.5, -1.0, 2.0]) * x
    y.backward(torch.tensor(v))
    assert feedback.passed is torch.allclose(x.grad, wanted), (v, feedback.message)


def test_vjp_vector_on_the_lesson_values_matches_y():
    # The check's hard-coded tensors are the lesson's: its accepted v is the lesson's y.
    y = torch.tensor([0.5, -1.0, 2.0]) * torch.tensor([1.0, 2.0, 3.0])
    assert lesson10.vjp_vector(tinytorch.tensor(y.tolist())).passed is True


# -- the reference values inside the checks, against torch ------------------------------
def test_nth_derivative_references_match_torch_autograd():
    for description, f, derivatives in lesson12._test_functions(torch):
        for value in (2.0, -0.5):
            x = torch.tensor([value], dtype=torch.float64, requires_grad=True)
            y = f(x)
            for n in range(1, len(derivatives)):
                if not y.requires_grad:  # a constant: every further derivative is 0
                    assert derivatives[n](value) == 0.0, (description, n)
                    continue
                (y,) = torch.autograd.grad(y, x, create_graph=True)
                assert math.isclose(y.item(), derivatives[n](value), rel_tol=1e-9, abs_tol=1e-12), (description, n)


def test_bce_reference_matches_torch():
    for logits, labels in (lesson14.MODERATE, lesson14.EXTREME):
        z = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(labels, dtype=torch.float64)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
        (grad,) = torch.autograd.grad(loss, z)
        expected_loss, expected_grad = lesson14._reference(logits, labels)
        assert math.isclose(loss.item(), expected_loss, rel_tol=1e-12)
        assert all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15) for a, b in zip(grad.tolist(), expected_grad))


def test_sign_ste_points_avoid_the_ambiguous_places():
    # sign(0) is 0 and |x| <= 1 vs < 1 differ at +-1: the check's points must avoid both.
    assert all(p != 0 and abs(p) != 1 for p in lesson11.POINTS)
    assert any(abs(p) > 1 for p in lesson11.POINTS) and any(abs(p) < 1 for p in lesson11.POINTS)


def test_library_of_finds_the_learners_library():
    ns_torch = learner_code("torch", "def f(x):\n    return x\n")
    ns_tiny = learner_code("tinytorch", "def f(x):\n    return x\n")
    assert checking.library_of(ns_torch["f"]) is torch
    assert checking.library_of(ns_tiny["f"]) is tinytorch
    assert checking.library_of(torch.ones(2)) is torch
    assert checking.library_of(tinytorch.ones(2)) is tinytorch
    assert checking.library_of(learner_code("torch", SIGN_STE)["answer"]) is torch
    assert checking.library_of(42) is tinytorch
