"""The machinery behind every exercise check: Exercise, Feedback, Wrong, and small
helpers that inspect an answer.

A check accepts tinytorch tensors and real torch tensors alike (it only uses what both
offer: shape, dtype, stride(), storage_offset(), tolist()), so a lesson runs unchanged
after `import torch`.
"""
import html
import math
import sys

import tinytorch

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

    # How the notebook shows it: a mark and a colour that tell right from wrong at a glance,
    # and prose that wraps between words (text/plain stays the message, for nbval and copying).
    _LOOKS = {True: ("✓", "#1a7f37", "#e6f4ea"), False: ("✗", "#b42318", "#fdecea"), None: ("…", "#57606a", "#f3f4f6")}

    def _repr_html_(self):
        mark, colour, background = self._LOOKS[self.passed]
        return (f'<div style="border-left: 4px solid {colour}; background: {background}; padding: 0.4em 0.7em; '
                f'white-space: normal; overflow-wrap: normal; word-break: normal; font-family: sans-serif">'
                f'<b style="color: {colour}">{mark}</b> {html.escape(self.message)}</div>')

    def __bool__(self):
        return bool(self.passed)


class Exercise:
    """One exercise: call it with the learner's answer to get Feedback.

    check(answer) raises Wrong("what is wrong") or returns the success message.
    solution() returns a correct answer, each of right_answers() another one (written
    other ways PyTorch allows), and each of wrong_answers() a typical mistake;
    tests/test_exercises.py uses all three, learners never see them in feedback."""

    def __init__(self, check, solution, wrong_answers, hint, right_answers=()):
        self.name = check.__name__
        self.check = check
        self.solution = solution
        self.right_answers = right_answers
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
        except AttributeError as error:
            missing = _missing_in_tinytorch(error)
            if missing:  # not the learner's fault when PyTorch has it
                return Feedback(None, f"tinytorch has no {missing} yet. If PyTorch has it, your answer is fine "
                                      "in PyTorch; here, try another way to write it.")
            return Feedback(False, f"Not quite: this answer could not be checked ({type(error).__name__}: {error}).")
        except Exception as error:  # a check must never crash on an odd answer
            return Feedback(False, f"Not quite: this answer could not be checked ({type(error).__name__}: {error}).")
        return Feedback(True, f"Correct! {praise}")

    def hint(self):
        """A nudge in the right direction, for when you are stuck."""
        return Feedback(None, f"Hint: {self._hint}")

    def __repr__(self):
        return f"<exercise {self.name}: call it with your answer>"


def exercise(*, solution, wrong_answers, hint, right_answers=()):
    """Decorator that turns a check function into an Exercise."""
    def make(check):
        return Exercise(check, solution, wrong_answers, hint, right_answers)
    return make


def _missing_in_tinytorch(error):
    """The name of what tinytorch lacks and PyTorch has ('torch.hypot', 'Tensor.diff'), when
    the AttributeError says so; None for any other AttributeError (the answer's own)."""
    import re
    found = re.fullmatch(r"(?:module '(tinytorch[\w.]*)'|'(Tensor)' object) has no attribute '(\w+)'", str(error))
    if not found:
        return None
    owner = found.group(1).replace("tinytorch", "torch") if found.group(1) else "Tensor"
    return f"{owner}.{found.group(3)}"


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


# -- functions and Function classes as answers (the autograd lessons, 10 to 14) ---
def library_of(answer):
    """The tensor library (tinytorch or torch) an answer was written with.

    A function looks up `torch` in the globals of the notebook that defined it; a
    tensor or a Function subclass belongs to the package its type comes from."""
    if isinstance(answer, type):
        owners = [cls.__module__ for cls in answer.__mro__[1:]]
    elif callable(answer) and hasattr(answer, "__globals__"):
        named = answer.__globals__.get("torch")
        owners = [named.__name__] if hasattr(named, "__name__") else []
    else:
        owners = [type(answer).__module__]
    for owner in owners:
        top = owner.split(".")[0]
        if top in ("tinytorch", "torch") and top in sys.modules:
            return sys.modules[top]
    return tinytorch


def expect_function(answer, what="your answer"):
    if answer is None or isinstance(answer, type) or not callable(answer):
        raise Wrong(f"{what} should be a function (the name of the function you wrote, without parentheses), "
                    f"but it is of type {type(answer).__name__}.")
    return answer


def call_learner_code(function, *args):
    """Run the learner's code; turn its exception into feedback instead of a crash."""
    try:
        return function(*args)
    except Exception as error:
        raise Wrong(f"your code raised {type(error).__name__}: {error}") from None


def expect_returned(result, what="your function"):
    if result is Ellipsis:
        raise Wrong(f"{what} still returns `...`: replace it with your code.")
    if result is None:
        raise Wrong(f"{what} returned None: did you forget `return`?")
    if isinstance(result, tuple) and len(result) == 1:
        raise Wrong(f"{what} returned a tuple holding one tensor; torch.autograd.grad returns a tuple "
                    "(one gradient per input), so take its element.")
    expect_tensor(result, f"what {what} returned")


def expect_function_class(answer, lib):
    """The learner's custom Function: the class itself, not an instance or its apply."""
    if not (isinstance(answer, type) and issubclass(answer, lib.autograd.Function)):
        raise Wrong("your answer should be the class you wrote, a subclass of torch.autograd.Function "
                    f"(its name, without parentheses or .apply), but it is {type(answer).__name__!r}.")


def apply_function(function_class, *inputs):
    try:
        return function_class.apply(*inputs)
    except Exception as error:
        raise Wrong(f"calling your Function's apply raised {type(error).__name__} in forward: {error}") from None


def backward_of(lib, output, x, grad_output):
    """The gradient that arrives at x when grad_output flows back from output."""
    if output.grad_fn is None:
        raise Wrong("the output of apply has no grad_fn, so no backward can run: forward should return "
                    "a new tensor computed from its inputs.")
    try:
        (grad,) = lib.autograd.grad(output, x, grad_output)
    except Exception as error:
        raise Wrong(f"your backward raised {type(error).__name__}: {error}") from None
    if grad is None:
        raise Wrong("your backward returned None for x: it should return the gradient with respect to x.")
    return grad


def close(a, b, tol=1e-4):
    """Same shape and values (within tol), for tensors of either library."""
    a, b = a.detach(), b.detach()
    if tuple(a.shape) != tuple(b.shape):
        return False
    return all(abs(x - y) <= tol * (1 + abs(y)) for x, y in zip(a.reshape(-1).tolist(), b.reshape(-1).tolist()))
