"""Checks for the course's exercises: one module per lesson (lesson02.py, lesson05.py, ...).

In a lesson, an exercise cell looks like this:

    from exercises import lesson02
    answer = ...        # replace ... with your answer
    lesson02.zeros_3x4(answer)

and prints one of
    Not answered yet: replace ... with your answer, then run the cell again.
    Correct! <why it matters>
    Not quite: <what is wrong, and a nudge>        (never the answer itself)
`lesson02.zeros_3x4.hint()` gives a hint. The notebooks are stored unanswered, so the
stored output of every exercise cell is the "Not answered yet" line.

Writing an exercise, in notebooks/exercises/lessonNN.py:

    @exercise(
        solution=lambda: tinytorch.zeros(3, 4),            # a correct answer
        wrong_answers=[lambda: tinytorch.zeros(4, 3)],     # typical mistakes
        hint="zeros takes the sizes one after another.",
    )
    def zeros_3x4(answer):
        "Make a 3x4 tensor of zeros."
        expect_tensor(answer)
        expect_shape(answer, (3, 4))
        return "zeros(3, 4) makes 3 rows of 4."              # the success message

The check raises Wrong("...") to explain a mistake; messages describe what the answer
got wrong without printing the expected value. When the answer is a function the learner
wrote, call it through `call_answer(answer, *args)` (checking.py): a function that still
returns `...` then reads "Not answered yet" rather than "Not quite". tests/test_exercises.py finds every
Exercise in every lessonNN module and checks that its solution passes, that each wrong
answer fails with feedback that does not reveal the solution, and that odd answers
(None, a string, a tensor of another shape) get feedback instead of a crash.
"""
import importlib
import pkgutil

from .checking import Exercise, Feedback, NotAnswered, Wrong, exercise

__all__ = [
    "Exercise", "Feedback", "NotAnswered", "Wrong", "exercise",
    "lesson_names", "exercises_of", "lesson_modules", "all_exercises",
]


def lesson_names():
    """['lesson01', 'lesson02', ...]: the lesson modules of this package, in course order."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if info.name.startswith("lesson"))


def exercises_of(module):
    """The Exercise objects a lesson module defines."""
    return [value for value in vars(module).values() if isinstance(value, Exercise)]


def lesson_modules():
    """{lesson number: module} for every exercises/lessonNN.py."""
    return {int(name.removeprefix("lesson")): importlib.import_module(f"{__name__}.{name}") for name in lesson_names()}


def all_exercises():
    """[(lesson number, Exercise)] in course order."""
    return [(number, ex) for number, module in sorted(lesson_modules().items()) for ex in exercises_of(module)]
