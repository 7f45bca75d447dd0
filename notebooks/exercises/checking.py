"""The machinery behind every exercise check: Exercise, Feedback, Wrong, and small
helpers that inspect an answer.

A check accepts tinytorch tensors and real torch tensors alike (it only uses what both
offer: shape, dtype, stride(), storage_offset(), tolist()), so a lesson runs unchanged
after `import torch`.
"""
import collections
import contextlib
import html
import importlib
import importlib.util
import itertools
import math
import re
import sys
import types

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
        except Exception as error:
            # An answer that needs what tinytorch lacks is not the learner's fault, however deep in the
            # check the AttributeError was caught (call_learner_code turns errors into Wrong).
            missing = _missing_in_tinytorch(error)
            if missing:
                return Feedback(None, _lacks_message(missing))
            if isinstance(error, Wrong):
                return Feedback(False, f"Not quite: {error}")
            # a check must never crash on an odd answer
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
    """The name of what tinytorch lacks ('torch.hypot', 'Tensor.hypot', 'torch.nn.functional.mish') when
    `error`, or an error it was raised while handling, is an AttributeError about a tinytorch module or
    object; None for any other error (the answer's own, or a name PyTorch has not either)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, AttributeError):
            found = _tinytorch_attribute(error)
            if found and _pytorch_has(*found) is not False:
                return ".".join(found)
        error = error.__cause__ or error.__context__
    return None


def _tinytorch_attribute(error):
    """(owner in PyTorch's words, attribute) when the AttributeError is about a tinytorch module
    (('torch.nn.functional', 'mish')) or a tinytorch object (('Tensor', 'hypot')); else None."""
    name, obj = getattr(error, "name", None), getattr(error, "obj", None)
    if name is not None and obj is not None:
        if isinstance(obj, types.ModuleType):
            module = obj.__name__
        else:
            kind = type(obj)
            return (kind.__name__, name) if kind.__module__.split(".")[0] == "tinytorch" else None
        return ("torch" + module.removeprefix("tinytorch"), name) if module.split(".")[0] == "tinytorch" else None
    # raised by hand, without obj: only the module form names its owner
    found = re.fullmatch(r"module '(tinytorch(?:\.\w+)*)' has no attribute '(\w+)'", str(error))
    if found:
        return "torch" + found.group(1).removeprefix("tinytorch"), found.group(2)
    return None


def _pytorch_has(owner, name):
    """Whether PyTorch has `owner.name` (owner 'torch', 'torch.linalg', or a class: 'Tensor', 'Size');
    None when PyTorch is not there to ask: not installed (the course does not need it), or
    `import torch` is tinytorch itself (the course's "Python 3 (tinytorch)" kernel)."""
    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        return None
    try:
        torch = importlib.import_module("torch")
        if torch.__name__ == "tinytorch":
            return None
        place = importlib.import_module(owner) if owner.split(".")[0] == "torch" else getattr(torch, owner)
    except (ImportError, AttributeError):
        return False
    return hasattr(place, name)


def _lacks_message(missing):
    """What a learner reads when the answer needs `missing`, which tinytorch lacks."""
    owner, name = missing.rsplit(".", 1)
    if _pytorch_has(owner, name):
        return (f"tinytorch has no {missing} yet; in PyTorch your answer is fine. Here, write it another way, "
                "with what tinytorch has.")
    return (f"tinytorch has no {missing} yet. If PyTorch has it, your answer is fine in PyTorch; here, "
            "write it another way, with what tinytorch has.")


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


def expect_letter(answer, choices):
    """One letter among `choices` ("b", "(B)" and {"B"} read as "B")."""
    if isinstance(answer, (set, frozenset, list, tuple)) and len(answer) == 1:
        answer = next(iter(answer))
    if not isinstance(answer, str):
        raise Wrong(f"answer with one letter, as a string such as \"A\", not a value of type {type(answer).__name__}.")
    letter = answer.strip().strip("()").upper()
    if letter not in choices:
        raise Wrong(f"{answer!r} is not one of the choices {', '.join(sorted(choices))}: answer with one letter.")
    return letter


def expect_letters(answer, choices):
    """A set of letters among `choices` (set() for none; lower case reads as upper case)."""
    if isinstance(answer, str):
        raise Wrong("answer with a set of letters, like {\"A\", \"B\"}, not a string (use set() for none).")
    if not isinstance(answer, (set, frozenset)):
        raise Wrong(f"answer with a set of letters, like {{\"A\", \"B\"}}, not a value of type {type(answer).__name__}.")
    letters = {str(x).strip().upper() for x in answer}
    unknown = letters - set(choices)
    if unknown:
        raise Wrong(f"{sorted(unknown)} are not among the choices {min(choices)} to {max(choices)}.")
    return letters


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


@contextlib.contextmanager
def counting_unpacks(lib):
    """Count how often each tensor saved for backward by graphs built inside the block is unpacked:
    once each time the node that saved it runs its backward. Lesson 10 asks whether any backward
    ran at all; lesson 15 whether a learner's engine ran a node twice. saved_tensors_hooks tags
    each tensor saved while the block runs, and counts its unpacks (in either library)."""
    counts = collections.Counter()
    ids = itertools.count()

    def unpack(packed):
        counts[packed[0]] += 1
        return packed[1]

    with lib.autograd.graph.saved_tensors_hooks(lambda tensor: (next(ids), tensor), unpack):
        yield counts
