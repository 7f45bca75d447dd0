"""Lesson 14 (capstone): exercise 14.1's check knows, without the learner's kernel, what the
lesson's slider shows. The check trains its own copy of the lesson's network
(exercises/lesson14.py, misclassified_by_step); here the lesson's own cells run, with
tinytorch and with torch, and every slider position's title must give the check's count,
so that an edit to the lesson's data, weights or training cannot leave the check behind."""
import contextlib
import io
import re
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSON = NOTEBOOKS / "14-capstone.ipynb"
sys.path.insert(0, str(NOTEBOOKS))
from exercises import lesson14  # noqa: E402

TITLE = re.compile(r"after (\d+) steps: (\d+) of 200 training points misclassified")


def _cells():
    return nbformat.read(LESSON, as_version=4).cells


_RUNS = {}


def _lesson_up_to_the_slider(library):
    """The namespace of the lesson after its code cells have run up to the slider's cell, with
    `import tinytorch as torch` or `import torch`. Magics are left out, and so are the cells that
    only draw with pyplot (nothing later needs them)."""
    if library not in _RUNS:
        namespace = {}
        for cell in _cells():
            if cell.cell_type != "code" or "plt.show()" in cell.source:
                continue
            source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            if library == "torch":
                source = source.replace("import tinytorch as torch", "import torch")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"{LESSON.name}:{cell.id}", "exec"), namespace)
            if "def boundary_figure" in cell.source:
                break
        assert namespace["torch"].__name__ == library
        _RUNS[library] = namespace
    return _RUNS[library]


@pytest.mark.parametrize("library", ["tinytorch", "torch"])
def test_every_slider_title_gives_the_checks_count(library):
    lesson = _lesson_up_to_the_slider(library)
    slider = lesson["step_slider"]
    assert (slider.min, slider.max, slider.step) == (lesson14.SAVED_EVERY, lesson14.STEPS, lesson14.SAVED_EVERY)
    counts = lesson14.misclassified_by_step()
    assert sorted(lesson["snapshots"]) == sorted(counts) == list(range(slider.min, slider.max + 1, slider.step))
    shown = {}
    for step in counts:
        title = lesson["boundary_figure"](step).axes[0].get_title()
        found = TITLE.fullmatch(title)
        assert found and int(found.group(1)) == step, title
        shown[step] = int(found.group(2))
    assert shown == counts


def test_the_question_has_one_clear_answer():
    """The first step with at most AT_MOST misclassified points lies inside the slider, not at
    an end; the lesson asks about that same AT_MOST and calls the check."""
    counts = lesson14.misclassified_by_step()
    answer = lesson14.first_step_with_few_errors.solution()
    assert lesson14.SAVED_EVERY < answer < lesson14.STEPS
    assert counts[answer] <= lesson14.AT_MOST
    assert all(count > lesson14.AT_MOST for step, count in counts.items() if step < answer)
    (question,) = [c.source for c in _cells() if c.source.startswith("### Exercise 14.1")]
    assert f"**at most {lesson14.AT_MOST}**" in question
    # "from one notch of the slider to the next it drops by a point or two, or not at all"
    assert "drops by a point or two, or not at all" in question
    ordered = [counts[step] for step in sorted(counts)]
    assert {before - after for before, after in zip(ordered, ordered[1:])} == {0, 1, 2}
    (call,) = [c.source for c in _cells() if "lesson14.first_step_with_few_errors(answer)" in c.source]
    assert "answer = ..." in call  # stored unanswered


def test_the_success_message_is_true():
    """'from step 600 to 800 it stays at 4 although the loss keeps going down': the count after
    each of those steps, and the lesson's recorded loss at every step in between."""
    counts = lesson14.misclassified_by_step()
    message = lesson14.first_step_with_few_errors(lesson14.first_step_with_few_errors.solution()).message
    assert "from step 600 to 800 it stays at 4 although the loss keeps going down" in message
    assert {counts[step] for step in range(600, 801, lesson14.SAVED_EVERY)} == {4}
    for library in ("tinytorch", "torch"):
        # losses[k] is the loss of the parameters after k steps (computed at the start of step k + 1)
        losses = _lesson_up_to_the_slider(library)["losses"][600:801]
        assert all(later < earlier for earlier, later in zip(losses, losses[1:])), library
    answer = lesson14.first_step_with_few_errors.solution()
    assert f"one notch earlier, {counts[answer - lesson14.SAVED_EVERY]}." in message
