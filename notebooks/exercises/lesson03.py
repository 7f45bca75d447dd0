"""Lesson 3 (tensors and NumPy): which conversions share memory."""
import numpy as np

import tinytorch

from .checking import Wrong, call_answer, exercise, expect_callable, expect_letters, library_of

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
    wrong_answers=[lambda: {"A", "B", "C", "F"}, lambda: {"A", "C"}, lambda: {"A", "C", "D", "F"}, lambda: ["A"],
                   lambda: {"A", "B", "C", "D", "E", "F"}, lambda: set()],
    hint="Sharing is possible only when the result is the same memory read with some shape, strides and dtype.",
)
def which_share(answer):
    "The set of letters whose expressions share memory with a."
    letters = expect_letters(answer, _CANDIDATES)
    extra = sorted(letters - {"A", "C", "F"})
    if extra:  # one copy named with its reason; naming them all would give the set away
        others = " It is not the only letter in your set that makes a copy." if len(extra) > 1 else ""
        raise Wrong(f"{extra[0]} makes a copy: {_WHY[extra[0]]}{others}")
    if {"A", "C", "F"} - letters:
        raise Wrong("your set leaves out an expression that does share memory with a. "
                    "Which results are views of a's buffer, or wrappers around it?")
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


# -- exercise 3.3: shared cells, found with StorageView ---------------------------------------------
def _layout():
    """The storage positions (in grid's memory) of diagonal_array's elements, for the exercise's
    grid = np.arange(12.0).reshape(3, 4), diagonal = torch.from_numpy(grid).reshape(-1)[::5] and
    diagonal_array = diagonal.numpy(): computed from the arrays' addresses."""
    grid = np.arange(12.0).reshape(3, 4)
    diagonal = tinytorch.from_numpy(grid).reshape(-1)[::5]
    start, itemsize = grid.__array_interface__["data"][0], grid.itemsize
    array = diagonal.numpy()
    positions = [(array.__array_interface__["data"][0] - start + k * array.strides[0]) // itemsize
                 for k in range(array.shape[0])]
    return positions


def _element_at(position):
    """The (row, col) of grid (3 rows of 4, row-major) stored at a position."""
    return divmod(position, 4)


def _element_changed():
    return (_element_at(_layout()[2]), None)


def _element_text(element):
    return f"grid[{element[0]}, {element[1]}]"


@exercise(
    solution=_element_changed,
    wrong_answers=[
        lambda: ((0, 2), None),
        lambda: ((2, 2), (2, 2)),
        lambda: (None, None),
        lambda: ((2, 2), (0, 2)),
        lambda: ((2, 2), (0, 0)),
        lambda: (2, 2),
    ],
    right_answers=[lambda: [[2, 2], None]],
    hint="Click diagonal_array's element 2 and read its storage position; then find grid's element at that "
         "position. Check which storage each tensor is drawn over.",
)
def which_element_changes(answer):
    "(the element of grid that `diagonal_array[2] = -1` changes, the one `picked[2] = -1` changes), None for none."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong("answer with a pair: (the element diagonal_array[2] = -1 changes, the element picked[2] = -1 "
                    "changes), each written (row, col), or None.")
    through_view, through_copy = (_as_element(part) for part in answer)
    positions = _layout()
    expected = _element_at(positions[2])
    if through_view is None:
        raise Wrong("diagonal_array does share grid's memory: from_numpy, reshape, slicing and numpy() all "
                    "keep the same buffer, and the widget draws it over grid's storage.")
    if through_view != expected:
        position = through_view[0] * 4 + through_view[1]
        readers = [k for k, p in enumerate(positions) if p == position]
        who = (f"which is diagonal_array[{readers[0]}]" if readers else "which diagonal_array does not read")
        raise Wrong(f"{_element_text(through_view)} sits at storage position {position}, {who}. "
                    "Select diagonal_array's element 2 in the widget to see its position.")
    if through_copy is not None:
        raise Wrong("the first part is right, the second is not. picked was made by indexing with a list of "
                    "positions: does that give a view of grid's memory, or a copy (the table near the top of this lesson)? Look at "
                    "which storage the widget draws picked over.")
    return ("diagonal_array reads grid's storage every 5 cells, so its element 2 is grid's element at "
            "position 10; picked has memory of its own.")


def _as_element(part):
    """None, or a (row, col) pair of grid, or Wrong."""
    if part is None:
        return None
    if not (isinstance(part, (tuple, list)) and len(part) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in part)):
        raise Wrong("write each element of grid as (row, col), like (0, 1), or None when no element changes.")
    row, col = part
    if not (0 <= row < 3 and 0 <= col < 4):
        raise Wrong(f"grid has 3 rows and 4 columns, so it has no element ({row}, {col}).")
    return (row, col)
