"""Lesson 5 (inside a tensor): strides, offsets, shared storage."""
import inspect

import numpy as np

import tinytorch
import tinytorch.ops.views

from .checking import Wrong, call_answer, exercise, expect_callable, expect_int_tuple, is_tensor, library_of


@exercise(
    solution=lambda: (12, 4, 1),
    wrong_answers=[lambda: (1, 4, 12), lambda: (4, 3, 1), lambda: (2, 3, 4), lambda: (12, 4)],
    hint="The last dimension's elements sit side by side. One step in the dimension before "
         "skips a whole row of the last dimension.",
)
def fresh_strides(answer):
    "The strides of torch.zeros(2, 3, 4)."
    strides = expect_int_tuple(answer, 3, "your strides")
    if strides[2] != 1:
        raise Wrong("in a fresh tensor, neighbours in the last dimension are neighbours in memory.")
    if tuple(strides) == (2, 3, 4):
        raise Wrong("that is the shape. A stride counts the elements skipped per step.")
    if strides[1] != 4:
        raise Wrong("one step in the middle dimension skips all the elements of one row of the last dimension.")
    if strides[0] != 12:
        raise Wrong("one step in the first dimension skips a whole 3x4 block.")
    return "each stride is the product of the sizes to its right."


@exercise(
    solution=lambda: (1, (3, 1)),
    wrong_answers=[lambda: (0, (3, 1)), lambda: (1, (2, 1)), lambda: (1, (1, 3)), lambda: (1, 3, 1)],
    hint="Slicing never moves elements: the strides stay b's, and the offset is where s[0, 0] lives.",
)
def slice_header(answer):
    "(storage offset, strides) of b[:, 1:] with b = torch.arange(6.0).view(2, 3)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong("answer with a pair: (offset, (stride0, stride1)).")
    offset, strides = answer
    strides = expect_int_tuple(strides, 2, "your strides")
    if not isinstance(offset, int):
        raise Wrong("the offset is a whole number of elements.")
    if strides != (3, 1):
        raise Wrong("a slice keeps the strides of the tensor it slices: stepping down a column of s "
                    "still skips a row of b.")
    if offset != 1:
        raise Wrong("the offset is the storage index of s[0, 0]. Which element of b is that?")
    return "s[0, 0] is b[0, 1], storage index 1; the strides are b's."


def _same_storage(x, y):
    return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()


_CASES = (
    # (description, make the pair, do they share?)
    ("a and a.view(2, 3)", lambda a: (a, a.view(2, 3)), True),
    ("a and a[2:]", lambda a: (a, a[2:]), True),
    ("a[1:] and a[4:]", lambda a: (a[1:], a[4:]), True),
    ("a[:3] and a[3:]", lambda a: (a[:3], a[3:]), True),  # one storage, no element in common
    ("a and a.clone()", lambda a: (a, a.clone()), False),
    ("a and torch.zeros(6)", lambda a: (a, a.new_zeros(6)), False),
    ("a[:3] and a[3:].clone()", lambda a: (a[:3], a[3:].clone()), False),
)


@exercise(
    solution=lambda: _same_storage,
    wrong_answers=[
        lambda: (lambda x, y: id(x.storage) == id(y.storage)),
        lambda: (lambda x, y: x.data_ptr() == y.data_ptr()),
        lambda: (lambda x, y: x is y),
        lambda: (lambda x, y: id(x.storage()) == id(y.storage())),
        lambda: (lambda x, y: x.storage() is y.storage()),
        lambda: (lambda x, y: bool(np.shares_memory(x.numpy(), y.numpy()))),
    ],
    right_answers=[
        lambda: (lambda x, y: x.untyped_storage() is y.untyped_storage()),
        lambda: (lambda x, y: x.storage().data_ptr() == y.storage().data_ptr()),
    ],
    hint="Compare something that belongs to the storage itself, not to a tensor's header or to a temporary object.",
)
def shares_storage(answer):
    "A function same_storage(x, y): True exactly when x and y view one storage."
    expect_callable(answer, "lesson05.shares_storage(same_storage)")
    for description, make, expected in _CASES:
        x, y = make(library_of(answer).arange(6.0))  # (the learner's library: tinytorch, or torch)
        got = call_answer(answer, x, y)
        if not isinstance(got, bool):
            raise Wrong(f"your function returns a {type(got).__name__}; it should return True or False.")
        if got != expected:
            verdict = "share" if got else "do not share"
            raise Wrong(f"your function says {description} {verdict} a storage, and that is not so.")
    return "the storage's data_ptr is the same for every view, whatever its offset."


# -- exercise 5.4: read a view's storage indices in StorageView ---------------------------
def _grid_and_q():
    """The exercise's tensors: grid = arange(20.0, 32.0).view(3, 4) and q = grid.t()[1:, ::2]."""
    grid = tinytorch.arange(20.0, 32.0).view(3, 4)
    return grid, grid.t()[1:, ::2]


def _positions(shape, stride, offset):
    """Storage index of every element of a 2-d view, row by row: offset + i*stride0 + j*stride1."""
    return [[offset + i * stride[0] + j * stride[1] for j in range(shape[1])] for i in range(shape[0])]


def _indices_of(view):
    return _positions(view.shape, view.stride(), view.storage_offset())


def _whole_number(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _rows_of_indices(answer):
    """The answer as a list of rows of whole numbers (a flat list counts as one row)."""
    if is_tensor(answer):
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)) or not answer:
        raise Wrong("answer with a list of q's rows, each a list of storage indices, like [[0, 1], [2, 3], [4, 5]].")
    if all(_whole_number(x) for x in answer):
        return [list(answer)]
    if not all(isinstance(row, (list, tuple)) and all(_whole_number(x) for x in row) for row in answer):
        raise Wrong("a storage index is a whole number: answer with a list of rows of whole numbers, "
                    "like [[0, 1], [2, 3], [4, 5]].")
    return [list(row) for row in answer]


def _flat(rows):
    return [x for row in rows for x in row]


def _steps(rows):
    """(offset, step down a column, step along a row) when the rows follow one such rule, else None."""
    first = rows[0][0]
    down = rows[1][0] - first if len(rows) > 1 else 0
    along = rows[0][1] - first if len(rows[0]) > 1 else 0
    if rows != _positions((len(rows), len(rows[0])), (down, along), first):
        return None
    return first, down, along


@exercise(
    solution=lambda: _indices_of(_grid_and_q()[1]),
    wrong_answers=[
        lambda: [[0, 1], [2, 3], [4, 5]],  # a fresh 3x2 tensor's positions
        lambda: [[0, 8], [1, 9], [2, 10]],  # without the offset
        lambda: [[21, 29], [22, 30], [23, 31]],  # the values, not where they live
        lambda: [[1, 2, 3], [9, 10, 11]],  # q's columns
        lambda: [[1, 2], [3, 9], [10, 11]],  # the right cells in storage order
        lambda: [[1, 5], [2, 6], [3, 7]],  # forgot that ::2 doubles the step
        lambda: [[0, 1], [4, 5], [8, 9]],  # grid's strides
    ],
    right_answers=[
        lambda: [1, 9, 2, 10, 3, 11],
        lambda: ((1, 9), (2, 10), (3, 11)),
        lambda: tinytorch.tensor([[1, 9], [2, 10], [3, 11]]),
    ],
    hint="In the widget, every element of q is labelled with the storage index it reads (the number after @); "
         "clicking it shows offset + i·stride0 + j·stride1. Read q's rows in order.",
)
def view_indices(answer):
    "Storage indices of q = grid.t()[1:, ::2], row by row, with grid = torch.arange(20.0, 32.0).view(3, 4)."
    grid, q = _grid_and_q()
    rows, cols = q.shape
    expected = _indices_of(q)
    got = _rows_of_indices(answer)
    if len(got) == 1 and len(got[0]) == rows * cols:  # a flat list, row by row
        got = [got[0][i * cols:(i + 1) * cols] for i in range(rows)]
    shape = (len(got), len(got[0])) if all(len(row) == len(got[0]) for row in got) else None
    if shape == (cols, rows) and [list(column) for column in zip(*got)] == expected:
        raise Wrong(f"each of your lists is a column of q. q has {rows} rows of {cols}: list its rows, "
                    "one after another.")
    if shape != (rows, cols):
        raise Wrong(f"q has {rows} rows of {cols} elements: answer with {rows} lists of {cols} storage indices.")
    if got == expected:
        return ("each row of q runs down a column of grid, taking every other element (stride 8: two rows of "
                "grid), one step down q moves one column right in grid (stride 1), and q[0, 0] is grid[0, 1] "
                "(offset 1): offset + i·stride0 + j·stride1, read off the picture.")
    if _flat(got) == [int(v) for v in _flat(q.tolist())]:
        raise Wrong("those are the values q holds. The question asks where they live: the index of the storage "
                    "cell each element reads (the number after @ in the widget).")
    size = grid.numel()  # grid is fresh: its storage holds exactly its elements
    outside = [x for x in _flat(got) if not 0 <= x < size]
    if outside:
        raise Wrong(f"the storage has {size} cells, numbered 0 to {size - 1}: {outside[0]} is not one of them.")
    if _flat(got) == list(range(rows * cols)):
        raise Wrong(f"those are the positions of a fresh {rows}x{cols} tensor, counted row by row. q is a view of "
                    "grid: its elements stay where they are in grid's storage, and q's offset and strides say where.")
    if sorted(_flat(got)) == sorted(_flat(expected)):
        raise Wrong("those are the right storage cells, but not in q's order: your row i, place j should be "
                    "the cell that q[i, j] reads. Click the elements of q in the widget to match them up.")
    steps = _steps(got)
    if steps is not None:
        first, down, along = steps
        if (down, along) == grid.stride():
            raise Wrong("your indices step the way grid's do (a whole row of grid down a column, 1 along a row). "
                        "q is a transposed view: its strides are not grid's.")
        if (down, along) == q.stride():
            raise Wrong(f"your indices step correctly along both dimensions, but they are all off by the same "
                        f"amount: q[0, 0] does not read storage cell {first}. Check q's storage offset: "
                        "where does its first element sit?")
        if along != q.stride(1):
            raise Wrong(f"along a row of q your indices step by {along}. Moving one column right in q moves two "
                        "columns right in grid.t() (that is the ::2), and each column of grid.t() is a row of grid.")
        if down != q.stride(0):
            raise Wrong(f"down a column of q your indices step by {down}. One step down q is one step down "
                        "grid.t(), which is one step along a row of grid.")
    wrong = [f"q[{i}, {j}]" for i in range(rows) for j in range(cols) if got[i][j] != expected[i][j]]
    one = len(wrong) == 1
    raise Wrong(f"{', '.join(wrong)} {'does' if one else 'do'} not read the storage index you gave. Click "
                f"{'it' if one else 'each'} in the widget to see the cell it reads, and how "
                "offset + i·stride0 + j·stride1 gets there.")


# -- exercise 5.5: read the source of view ------------------------------------------
def _view_refuses_bt():
    """What strides.view_strides answers for bt.view(6), bt = arange(6.0).view(2, 3).t()."""
    bt = tinytorch.arange(6.0).view(2, 3).t()
    return tinytorch.strides.view_strides(tuple(bt.shape), bt.stride(), (6,))


@exercise(
    solution=lambda: ("view_strides", None),
    wrong_answers=[lambda: ("infer_size", None), lambda: ("view_strides", ()), lambda: ("make_view", None),
                   lambda: ("view_strides", (1,))],
    hint="Find the line of view that assigns `stride` (S. is tinytorch/strides.py), then the check right "
         "below it: what does view test `stride` against?",
)
def view_source(answer):
    "(name of the strides.py function that finds view's strides, what it returns when there are none)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], str)):
        raise Wrong('answer with a pair: ("function_name", value).')
    name, value = answer
    name = name.strip().removesuffix("()").removeprefix("S.").removeprefix("strides.")
    called = f"S.{name}(" in inspect.getsource(tinytorch.ops.views.view)
    function = getattr(tinytorch.strides, name, None)
    if function is None:
        where = " (it lives in ops/views.py)" if name in vars(tinytorch.ops.views) else ""
        raise Wrong(f"tinytorch/strides.py has no function named {name!r}{where}: the question asks for the "
                    "S. function that view calls.")
    if not called:
        raise Wrong(f"view does not call {name}: look for the S. functions in view's code.")
    if function is not tinytorch.strides.view_strides:
        raise Wrong(f"view calls {name}, but it does not find strides: read what view does with its result.")
    expected = _view_refuses_bt()
    if isinstance(value, str):
        raise Wrong(f"{value!r} is a string: answer with the value itself.")
    if type(value) is not type(expected) or value != expected:
        raise Wrong("that is not what view_strides returns when no strides fit: read the check in view right "
                    "after the line that calls it.")
    return "view_strides answers None for bt, and view turns that None into the RuntimeError you saw above."
