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
from exercises.checking import MESSAGES, is_tensor  # noqa: E402
from widgets.language import LANGUAGES, use_language  # noqa: E402


@pytest.fixture(params=LANGUAGES, autouse=True)
def language(request):
    """Every test runs in each of the course's languages: the checks' feedback and hints
    come from catalogs (widgets.language), and a Chinese lesson calls the same checks."""
    use_language(request.param)
    yield request.param
    use_language("en")


def _prefix(key):
    """The start every message of that kind has, in the current language: "Not quite: ",
    "Correct! ", "Not quite: this answer could not be checked (" (the text before its first field)."""
    return MESSAGES(key, reason="\0", praise="\0", error_type="\0", error="\0").split("\0")[0]



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
        if path.stem.endswith(".zh-CN"):
            continue  # a Chinese twin has its lesson's code (tests/test_zh_edition.py)
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
    assert feedback.message.startswith(_prefix("correct"))


RIGHT_ANSWERS = [(number, ex, make) for number, ex in EXERCISES for make in ex.right_answers]


@pytest.mark.parametrize(("number", "ex", "make"), RIGHT_ANSWERS,
                         ids=[f"lesson{n:02d}.{ex.name}-{i}" for i, (n, ex, _) in enumerate(RIGHT_ANSWERS)])
def test_right_answers_written_other_ways_are_accepted(number, ex, make):
    """np.array(t), m.norm(dim=1), torch.linalg.norm, einsum ...: what PyTorch allows is right."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (torch's own: np.asarray's copy= note, TypedStorage's deprecation)
        feedback = ex(make())
    assert feedback.passed is True, feedback.message


def _lacking(torch_owner, tinytorch_owner):
    """The first function or method (in sorted order) that PyTorch has and tinytorch lacks, found
    afresh at every run, so the test keeps working as tinytorch gains functions."""
    import inspect
    names = sorted(n for n in dir(torch_owner) if n.isidentifier() and not n.startswith("_")
                   and (inspect.isroutine(getattr(torch_owner, n, None))) and not hasattr(tinytorch_owner, n))
    assert names, "tinytorch has every function PyTorch has: pick another way to test this"
    return names[0]


def _tinytorch_answer(source):
    namespace = {}
    exec("import tinytorch as torch\nfrom tinytorch.autograd import Function\n" + source, namespace)
    return namespace["answer"]


def _answers_that_need_what_tinytorch_lacks():
    """(exercise, learner's code, the name it lacks), one for each way a check runs learner code:
    called directly (call_answer), through call_learner_code, inside a check's own try/except, in a
    Function's forward, and in lesson 15's engine; both a torch function and a Tensor method."""
    import torch
    function, method = _lacking(torch, tinytorch), _lacking(torch.Tensor, tinytorch.Tensor)
    from exercises import lesson09, lesson11, lesson12, lesson14, lesson15
    return [
        (lesson09.vectorized_row_norms, f"def answer(m):\n    return torch.{function}(m)", f"torch.{function}"),
        (lesson09.vectorized_row_norms, f"def answer(m):\n    return m.{method}()", f"Tensor.{method}"),
        (lesson14.bce_with_logits, f"def answer(z, y):\n    return torch.{function}(z)", f"torch.{function}"),
        (lesson14.bce_with_logits, f"def answer(z, y):\n    return z.{method}(y)", f"Tensor.{method}"),
        (lesson12.nth_derivative, f"def answer(f, x, n):\n    return torch.{function}(x)", f"torch.{function}"),
        (lesson11.sign_ste, "class answer(Function):\n    @staticmethod\n    def forward(ctx, x):\n"
                            f"        return torch.{function}(x)\n", f"torch.{function}"),
        (lesson15.my_backward, f"def answer(root):\n    root.grad_fn.{method}()", None),
        (lesson15.my_backward, f"def answer(root):\n    root.{method}()", f"Tensor.{method}"),
    ]


def test_an_answer_that_needs_what_tinytorch_lacks_is_not_blamed(language):
    """An AttributeError for a name PyTorch has and tinytorch lacks reads 'tinytorch has no X yet; in
    PyTorch your answer is fine', however the check ran the learner's code; never a 'Not quite'."""
    for ex, source, missing in _answers_that_need_what_tinytorch_lacks():
        feedback = ex(_tinytorch_answer(source))
        if missing is None:  # an autograd node of tinytorch: not a class PyTorch shows by that name
            assert feedback.passed is False
            continue
        assert feedback.passed is None, (source, feedback.message)
        assert feedback.message == MESSAGES("lacks, fine in pytorch", missing=missing), (source, feedback.message)
        assert _prefix("wrong") not in feedback.message


def test_a_name_pytorch_lacks_too_is_the_answers_own_mistake():
    from exercises import lesson09, lesson14
    for ex, source in [(lesson09.vectorized_row_norms, "def answer(m):\n    return torch.hypot_of_rows(m)"),
                       (lesson09.vectorized_row_norms, "def answer(m):\n    return m.norm_of_rows()"),
                       (lesson09.vectorized_row_norms, "def answer(m):\n    return m.tolist().sum()"),
                       (lesson14.bce_with_logits, "def answer(z, y):\n    return torch.not_a_function(z)")]:
        feedback = ex(_tinytorch_answer(source))
        assert feedback.passed is False and feedback.message.startswith(_prefix("wrong")), feedback.message


def test_without_pytorch_installed_the_message_does_not_promise(monkeypatch):
    """A learner's machine may have no PyTorch to ask: then the message only says what tinytorch lacks."""
    import torch
    from exercises import checking, lesson14
    monkeypatch.setattr(checking, "_pytorch_has", lambda owner, name: None)
    name = _lacking(torch, tinytorch)
    feedback = lesson14.bce_with_logits(_tinytorch_answer(f"def answer(z, y):\n    return torch.{name}(z)"))
    assert feedback.passed is None
    assert feedback.message == MESSAGES("lacks", missing=f"torch.{name}")


def test_in_the_tinytorch_kernel_torch_is_not_asked_what_pytorch_has(monkeypatch):
    """In the "Python 3 (tinytorch)" kernel `import torch` is tinytorch, which cannot say
    what PyTorch has: the check must not read tinytorch's lack as a typo."""
    import torch
    from exercises import checking
    name = _lacking(torch, tinytorch)
    assert checking._pytorch_has("torch", name) is True
    monkeypatch.setitem(sys.modules, "torch", tinytorch)
    assert checking._pytorch_has("torch", name) is None


@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_placeholder_is_not_answered(number, ex):
    feedback = ex(...)
    assert feedback.passed is None and feedback.message == MESSAGES("not answered")
    assert repr(feedback) == MESSAGES("not answered")


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
        assert feedback.message.startswith(_prefix("wrong")) and len(feedback.message) > len(_prefix("wrong")) + 5
        assert not feedback.message.startswith(_prefix("unchecked")), f"the check crashed on {wrong!r}: {feedback.message}"
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
    "lesson15.my_backward sizes unpacked": (ENGINE.replace("sum_to_size(node.variable.shape)",
                                                           "sum_to_size(*node.variable.shape)"), False),
    "lesson15.my_backward leaf node twice": (ENGINE.replace("                continue\n            grads = node(grad)",
                                                            "            grads = node(grad)"), False),
    "lesson09.vectorized_row_norms": ("def answer(m):\n    return torch.linalg.norm(m, dim=1)", True),
    "lesson09.vectorized_row_norms no sqrt": ("def answer(m):\n    return (m * m).sum(dim=1)", False),
}


# What the feedback on some of them must say (the same words as for the mistake written with tinytorch).
UNDER_TORCH_PHRASES = {  # what the feedback must say, in each language
    "lesson15.my_backward sizes unpacked": {"en": "k is a 0-d leaf (shape ())", "zh-CN": "k 是一个 0 维叶子节点"},
    "lesson15.my_backward leaf node twice": {
        "en": "your engine ran x's AccumulateGrad node 2 times, but only one edge", "zh-CN": "运行了 2 次，但只有一条边"},
}


@pytest.mark.parametrize("name", sorted(UNDER_TORCH))
def test_checks_run_a_torch_answer_on_torch_tensors(name, language):
    import torch
    source, right = UNDER_TORCH[name]
    assert source != ENGINE or name == "lesson15.my_backward", "the replace that makes this mistake found nothing"
    namespace = {"torch": torch}
    exec(source, namespace)
    lesson, exercise_name = name.split()[0].split(".")
    feedback = getattr(importlib.import_module(f"exercises.{lesson}"), exercise_name)(namespace["answer"])
    assert feedback.passed is right, feedback.message
    assert "must be Tensor" not in feedback.message and not feedback.message.startswith(_prefix("unchecked"))
    assert UNDER_TORCH_PHRASES.get(name, {}).get(language, "") in feedback.message


def _chinese(text):
    return any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("language", ["zh-CN"], indirect=True)
@pytest.mark.parametrize(("number", "ex"), EXERCISES, ids=IDS)
def test_in_chinese_every_word_of_feedback_is_chinese(number, ex, language):
    """A zh-CN lesson's learner reads each hint, praise and explanation of a mistake in
    Chinese: what the check adds after "还不对：" or "正确！" must be Chinese too, not
    an English sentence the catalog forgot (code, numbers and PyTorch's errors aside)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        feedbacks = [ex(ex.solution())] + [ex(make()) for make in ex.wrong_answers]
    for feedback in feedbacks + [ex.hint()]:
        body = re.sub(r"`[^`]*`|\([^()]*\)|\S*[=.()\[\]]\S*", "", feedback.message.split("：", 1)[-1])
        english = re.findall(r"[A-Za-z]{3,}(?: [A-Za-z]{2,}){2,}", body)  # three English words in a row
        assert _chinese(feedback.message.split("：", 1)[-1]) and not english, feedback.message
