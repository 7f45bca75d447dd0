"""The exercise checks in notebooks/exercises/ accept their solutions, explain typical
mistakes without giving the solution away, and never crash on an odd answer.

Every Exercise in every exercises/lessonNN.py is found automatically; see the
docstring of notebooks/exercises/__init__.py for how an exercise is written.
"""
import contextlib
import importlib
import json
import re
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
sys.path.insert(0, str(NOTEBOOKS))
import exercises  # noqa: E402
from exercises.checking import NOT_ANSWERED, is_tensor  # noqa: E402



def _load_exercises():
    """[(lesson number, Exercise)], and {module name: import error} for modules that fail
    to import (reported by one test, so one broken lesson does not hide the others)."""
    found, broken = [], {}
    for name in exercises.lesson_names():
        try:
            module = importlib.import_module(f"exercises.{name}")
        except Exception as error:
            broken[name] = f"{type(error).__name__}: {error}"
            continue
        found += [(int(name.removeprefix("lesson")), ex) for ex in exercises.exercises_of(module)]
    return found, broken


EXERCISES, BROKEN_MODULES = _load_exercises()
IDS = [f"lesson{n:02d}.{ex.name}" for n, ex in EXERCISES]


def _lesson_notebooks():
    """{lesson number: notebook path} for lessons 1 and up."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        number = int(path.name[:2])
        if number >= 1:
            found[number] = path
    return found


def _code_of(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _giveaways(value):
    """Texts that would give `value` away if feedback printed them (too short ones, like
    `2` or `True`, also appear in ordinary sentences and are not counted)."""
    if is_tensor(value):
        texts = [str(value.tolist())]
    else:
        texts = [repr(value), str(value)]
    return [t for t in texts if len(t) >= 4]


def test_exercise_modules_import():
    assert not BROKEN_MODULES, f"exercise modules that fail to import: {BROKEN_MODULES}"


def test_every_lesson_has_a_checked_exercise():
    numbers = {n for n, _ in EXERCISES}
    missing = [n for n in _lesson_notebooks() if n not in numbers]
    assert not missing, f"lessons without an exercise module or exercise: {missing}"


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_exercise_is_used_in_its_lesson(number, ex):
    notebooks = _lesson_notebooks()
    assert number in notebooks, f"exercises/lesson{number:02d}.py has no lesson notebook {number:02d}-*.ipynb"
    assert re.search(rf"\.{ex.name}\(", _code_of(notebooks[number])), (
        f"{notebooks[number].name} never calls lesson{number:02d}.{ex.name}(...)")


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_solution_passes(number, ex):
    feedback = ex(ex.solution())
    assert feedback.passed is True, feedback.message
    assert feedback.message.startswith("Correct!")


RIGHT_ANSWERS = [(number, ex, make) for number, ex in EXERCISES for make in ex.right_answers]


@pytest.mark.parametrize(("number", "ex", "make"), RIGHT_ANSWERS,
                         ids=[f"lesson{n:02d}.{ex.name}-{i}" for i, (n, ex, _) in enumerate(RIGHT_ANSWERS)])
def test_right_answers_written_other_ways_are_accepted(number, ex, make):
    """np.array(t), m.norm(dim=1), torch.linalg.norm, einsum ...: what PyTorch allows is right."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch's own: np.asarray's copy= note, TypedStorage's deprecation)
        feedback = ex(make())
    assert feedback.passed is True, feedback.message


def test_an_answer_that_needs_what_tinytorch_lacks_is_not_blamed():
    """An AttributeError about tinytorch (not about the answer) says what is missing, and is not a 'Not quite'."""
    from exercises import lesson09
    for answer in (lambda m: m.hypot_of_rows(dim=1), lambda m: tinytorch.not_a_function(m)):
        feedback = lesson09.vectorized_row_norms(answer)
        assert feedback.passed is None and feedback.message.startswith("tinytorch has no ")
        assert "Not quite" not in feedback.message
    mistake = lesson09.vectorized_row_norms(lambda m: m.tolist().sum())  # the answer's own AttributeError
    assert mistake.passed is False


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_placeholder_is_not_answered(number, ex):
    feedback = ex(...)
    assert feedback.passed is None and feedback.message == NOT_ANSWERED
    assert repr(feedback) == NOT_ANSWERED


# Typical mistakes that make the library warn, as torch warns the learner who makes them.
MISTAKES_THAT_WARN = {
    "lesson10.grad_at_intermediate": "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed",
}


def _warning_expected(number, ex):
    expected = MISTAKES_THAT_WARN.get(f"lesson{number:02d}.{ex.name}")
    return pytest.warns(UserWarning, match=re.escape(expected)) if expected else contextlib.nullcontext()


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_typical_mistakes_get_feedback_without_the_solution(number, ex):
    assert ex.wrong_answers, "give at least one typical wrong answer"
    giveaways = _giveaways(ex.solution())
    wrongs = [make_wrong() for make_wrong in ex.wrong_answers]
    with _warning_expected(number, ex):
        feedbacks = [ex(wrong) for wrong in wrongs]
    for wrong, feedback in zip(wrongs, feedbacks):
        assert feedback.passed is False, f"the mistake {wrong!r} was accepted"
        assert feedback.message.startswith("Not quite: ") and len(feedback.message) > len("Not quite: ") + 10
        assert "could not be checked" not in feedback.message, f"the check crashed on {wrong!r}: {feedback.message}"
        for text in giveaways:
            assert text not in feedback.message, f"feedback on {wrong!r} reveals the solution: {feedback.message}"
    hint = ex.hint().message
    for text in giveaways:
        assert text not in hint, f"the hint reveals the solution: {hint}"


_small_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=3)
odd_answers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 100),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.lists(st.integers(-3, 30), max_size=4),
    st.lists(st.integers(-3, 30), max_size=4).map(tuple),
    _small_shapes.map(lambda shape: tinytorch.arange(0, float(tinytorch.Size(shape).numel())).reshape(shape)),
    _small_shapes.map(lambda shape: tinytorch.ones(shape, dtype=tinytorch.int64)),
)


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
@settings(max_examples=25, deadline=None)
@given(answer=odd_answers)
def test_any_answer_gets_feedback_not_a_crash(number, ex, answer):
    feedback = ex(answer)
    assert feedback.passed in (True, False)
    assert feedback.message
    if feedback.passed is False:
        for text in _giveaways(ex.solution()):
            assert text not in feedback.message, f"feedback on {answer!r} reveals the solution: {feedback.message}"


def test_feedback_shows_right_and_wrong_apart_in_the_notebook():
    """In HTML a right answer gets a green ✓, a wrong one a red ✗, the rest a grey mark;
    the prose wraps between words and is escaped; text/plain stays the plain message."""
    from exercises import Feedback
    looks = {passed: Feedback(passed, "Not quite: <b> & co")._repr_html_() for passed in (True, False, None)}
    assert "✓" in looks[True] and "✗" in looks[False] and "…" in looks[None]
    assert len({look.split("solid ")[1][:7] for look in looks.values()}) == 3  # three colours
    assert all("&lt;b&gt; &amp; co" in look and "white-space: normal" in look for look in looks.values())
    assert repr(Feedback(True, "Correct! x")) == "Correct! x"


# Answers to the exercises whose checks call the learner's function on tensors, as a learner
# writes them after `import torch` (lesson 1 invites it): the checks build their tensors with
# the learner's library, so real torch code is checked on real torch tensors.
# Lesson 15's engine as a learner writes it with `import torch`.
ENGINE = """
def answer(root):
    dependencies, seen, stack = {}, {root.grad_fn}, [root.grad_fn]
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            dependencies[nxt] = dependencies.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    waiting, ready = {root.grad_fn: torch.ones_like(root)}, [root.grad_fn]
    with torch.no_grad():
        while ready:
            node = ready.pop()
            grad = waiting.pop(node)
            if hasattr(node, "variable"):
                node(grad.sum_to_size(node.variable.shape))
                continue
            grads = node(grad)
            for (nxt, _), g in zip(node.next_functions, grads if isinstance(grads, tuple) else (grads,)):
                if nxt is None:
                    continue
                waiting[nxt] = waiting[nxt] + g if nxt in waiting else g
                dependencies[nxt] -= 1
                if dependencies[nxt] == 0:
                    ready.append(nxt)
"""

UNDER_TORCH = {
    "lesson03.independent_array": ("def answer(t):\n    return t.numpy().copy()", True),
    "lesson03.independent_array shared": ("def answer(t):\n    return t.numpy()", False),
    "lesson05.shares_storage": (
        "def answer(x, y):\n    return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()", True),
    "lesson05.shares_storage data_ptr": ("def answer(x, y):\n    return x.data_ptr() == y.data_ptr()", False),
    "lesson15.my_backward": (ENGINE, True),
    "lesson15.my_backward overwriting": (ENGINE.replace("waiting[nxt] + g if nxt in waiting else g", "g"), False),
    "lesson09.vectorized_row_norms": ("def answer(m):\n    return torch.linalg.norm(m, dim=1)", True),
    "lesson09.vectorized_row_norms no sqrt": ("def answer(m):\n    return (m * m).sum(dim=1)", False),
}


@pytest.mark.parametrize("name", sorted(UNDER_TORCH))
def test_checks_run_a_torch_answer_on_torch_tensors(name):
    import torch
    source, right = UNDER_TORCH[name]
    namespace = {"torch": torch}
    exec(source, namespace)
    lesson, exercise_name = name.split()[0].split(".")
    feedback = getattr(importlib.import_module(f"exercises.{lesson}"), exercise_name)(namespace["answer"])
    assert feedback.passed is right, feedback.message
    assert "must be Tensor" not in feedback.message and "could not be checked" not in feedback.message
