"""Lesson 3 (tensors and NumPy): which conversions share memory."""
import numpy as np

import tinytorch

from .checking import Wrong, call_answer, exercise, expect_callable, library_of

_CANDIDATES = {"A", "B", "C", "D", "E", "F"}
# Why each wrong choice is wrong, said without naming the right set.
_WHY = {
    "B": "torch.tensor(...) always copies the data it is given.",
    "D": "indexing with a list of positions (advanced indexing) copies the elements it picks.",
    "E": "float() turns 8-byte float64 elements into 4-byte float32 ones: that needs new memory.",
    "A": "from_numpy wraps the array's own buffer.",
    "C": "a slice is a view: the same memory with another offset.",
    "F": "numpy() gives an array over the tensor's memory, which is a's memory.",
}


@exercise(
    solution=lambda: {"A", "C", "F"},
    wrong_answers=[lambda: {"A", "B", "C", "F"}, lambda: {"A", "C"}, lambda: {"A", "C", "D", "F"}, lambda: ["A"]],
    hint="Sharing is possible only when the result is the same memory read with some shape, strides and dtype.",
)
def which_share(answer):
    "The set of letters whose expressions share memory with a."
    if not isinstance(answer, (set, frozenset)):
        raise Wrong(f"answer with a set of letters, like {{'A', 'B'}}; yours is a {type(answer).__name__}.")
    letters = {str(x).strip().upper() for x in answer}
    unknown = letters - _CANDIDATES
    if unknown:
        raise Wrong(f"{sorted(unknown)} are not among the choices A to F.")
    extra = sorted(letters - {"A", "C", "F"})
    if extra:
        return_reasons = " ".join(f"{x}: {_WHY[x]}" for x in extra)
        raise Wrong(f"{', '.join(extra)} make{'s' if len(extra) == 1 else ''} a copy. {return_reasons}")
    missing = sorted({"A", "C", "F"} - letters)
    if missing:
        raise Wrong(f"you left out {len(missing)} expression(s) that do share memory with a. "
                    "Think about which results are views of the same buffer.")
    return "Views and wrappers share; copies are made by tensor(), advanced indexing and dtype changes."


def _solution():
    def to_independent_array(t):
        return t.numpy().copy()
    return to_independent_array


def _shares_memory_wrong():
    return lambda t: t.numpy()


@exercise(
    solution=_solution,
    wrong_answers=[_shares_memory_wrong, lambda: (lambda t: t.tolist()), lambda: (lambda t: np.zeros(t.shape)),
                   lambda: (lambda t: np.asarray(t))],
    right_answers=[lambda: (lambda t: np.array(t)), lambda: (lambda t: t.clone().numpy()),
                   lambda: (lambda t: t.detach().numpy().copy()), lambda: (lambda t: np.array(t.tolist()))],
    hint="numpy() gives a view of the tensor's memory; NumPy arrays have a method that makes a copy.",
)
def independent_array(answer):
    "A function returning a NumPy array with t's values that does not share t's memory."
    expect_callable(answer, "lesson03.independent_array(to_independent_array)")
    lib = library_of(answer)  # (tensors of the learner's library: tinytorch, or torch after `import torch`)
    for t in (lib.arange(6.0).reshape(2, 3), lib.tensor([1, 2, 3]), lib.arange(8.0)[::2]):
        result = call_answer(answer, t)
        if not isinstance(result, np.ndarray):
            raise Wrong(f"your function returns a {type(result).__name__}, not a NumPy array.")
        if result.shape != tuple(t.shape) or result.tolist() != t.tolist():
            raise Wrong(f"for a tensor of shape {tuple(t.shape)} your array does not hold the tensor's values.")
        if np.shares_memory(result, t.numpy()):
            raise Wrong("your array shares memory with the tensor: writing into one would change the other.")
    return "numpy().copy() (or np.array(t)) gives an array with memory of its own."
