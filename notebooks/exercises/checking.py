"""The machinery behind every exercise check: Exercise, Feedback, Wrong, and small
helpers that inspect an answer.

A check accepts tinytorch tensors and real torch tensors alike (it only uses what both
offer: shape, dtype, stride(), storage_offset(), tolist()), so a lesson runs unchanged
after `import torch`.
"""
import math

NOT_ANSWERED = "Not answered yet: replace ... with your answer, then run the cell again."


class Wrong(Exception):
    """Raised inside a check to say what is wrong with the answer (never what is right)."""


class NotAnswered(Exception):
    """Raised inside a check when the answer is still the `...` placeholder (for example a
    learner's function that still returns `...`)."""


class Feedback:
    """The result of a check. In a notebook it shows as its message.

    passed is True (correct), False (wrong) or None (not answered yet)."""

    def __init__(self, passed, message):
        self.passed = passed
        self.message = message

    def __repr__(self):
        return self.message

    def __bool__(self):
        return bool(self.passed)


class Exercise:
    """One exercise: call it with the learner's answer to get Feedback.

    check(answer) raises Wrong("what is wrong") or returns the success message.
    solution() returns a correct answer, and each of wrong_answers() returns a typical
    mistake; tests/test_exercises.py uses both, learners never see them in feedback."""

    def __init__(self, check, solution, wrong_answers, hint):
        self.name = check.__name__
        self.check = check
        self.solution = solution
        self.wrong_answers = wrong_answers
        self._hint = hint
        self.__doc__ = check.__doc__

    def __call__(self, answer):
        if answer is Ellipsis:
            return Feedback(None, NOT_ANSWERED)
        try:
            praise = self.check(answer)
        except NotAnswered:
            return Feedback(None, NOT_ANSWERED)
        except Wrong as wrong:
            return Feedback(False, f"Not quite: {wrong}")
        except Exception as error:  # a check must never crash on an odd answer
            return Feedback(False, f"Not quite: this answer could not be checked ({type(error).__name__}: {error}).")
        return Feedback(True, f"Correct! {praise}")

    def hint(self):
        """A nudge in the right direction, for when you are stuck."""
        return Feedback(None, f"Hint: {self._hint}")

    def __repr__(self):
        return f"<exercise {self.name}: call it with your answer>"


def exercise(*, solution, wrong_answers, hint):
    """Decorator that turns a check function into an Exercise."""
    def make(check):
        return Exercise(check, solution, wrong_answers, hint)
    return make


# -- inspecting answers (tinytorch or torch) --------------------------------------
def is_tensor(x):
    return all(hasattr(x, attr) for attr in ("shape", "dtype", "stride", "storage_offset", "tolist"))


def expect_tensor(answer, what="your answer"):
    if not is_tensor(answer):
        raise Wrong(f"{what} should be a tensor, but it is a {type(answer).__name__}.")


def dtype_name(t):
    """'float32', 'int64', ... for a tinytorch or torch dtype."""
    return str(t.dtype).rsplit(".", 1)[-1]


def expect_shape(t, shape, what="your tensor"):
    if tuple(t.shape) != tuple(shape):
        raise Wrong(f"{what} has shape {tuple(t.shape)}; the exercise asks for shape {tuple(shape)}.")


def expect_dtype(t, name, what="your tensor"):
    if dtype_name(t) != name:
        raise Wrong(f"{what} has dtype {dtype_name(t)}; the exercise asks for {name}.")


def same_values(a, b):
    """Elementwise equal (NaN never equal), for nested lists of numbers."""
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(same_values(x, y) for x, y in zip(a, b)))
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=1e-6))


def shares_memory(a, b):
    """Whether two tensors view the same storage (works for tinytorch and torch)."""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def call_answer(function, *args):
    """Call the learner's function; a function that still returns `...` is not answered yet."""
    result = function(*args)
    if result is Ellipsis:
        raise NotAnswered()
    return result


def expect_callable(answer, call):
    if not callable(answer):
        raise Wrong(f"pass the function itself, as in {call}.")


def expect_int_tuple(answer, length, what="your answer"):
    """A tuple of `length` ints, as stride() and shape answers are written."""
    if not isinstance(answer, (tuple, list)) or not all(isinstance(x, int) and not isinstance(x, bool) for x in answer):
        raise Wrong(f"{what} should be a tuple of whole numbers, like (2, 1).")
    if len(answer) != length:
        raise Wrong(f"{what} has {len(answer)} numbers; the tensor has {length} dimensions, one number each.")
    return tuple(answer)
