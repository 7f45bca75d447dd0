"""Lesson 1 (welcome): a prediction, and reading the StorageView widget."""
import tinytorch

from .checking import Wrong, exercise, expect_int_tuple

# 1.1: the shape of torch.tensor([[1.0], [2.0], [3.0]]), computed rather than typed.
_COLUMN = [[1.0], [2.0], [3.0]]
_COLUMN_SHAPE = tuple(tinytorch.tensor(_COLUMN).shape)


@exercise(
    solution=lambda: _COLUMN_SHAPE,
    wrong_answers=[lambda: (1, 3), lambda: (3,), lambda: (3, 3), lambda: 3],
    right_answers=[lambda: [3, 1], lambda: tinytorch.Size([3, 1]), lambda: tinytorch.tensor(_COLUMN).shape],
    hint="Count the brackets: each level of nesting is one dimension. The first size counts the "
         "items of the outer list, the next one the items of each inner list.",
)
def column_shape(answer):
    "The shape of torch.tensor([[1.0], [2.0], [3.0]])."
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong("a shape is a tuple with one size per dimension, like (5, 2), even for a single dimension: (5,).")
    if not isinstance(answer, (tuple, list)):
        raise Wrong(f"answer with a tuple of sizes, like (5, 2); yours is a {type(answer).__name__}.")
    if len(answer) != len(_COLUMN_SHAPE):
        expect_int_tuple(answer, len(answer), "your shape")
        sizes = "1 size" if len(answer) == 1 else f"{len(answer)} sizes"
        raise Wrong(f"your shape has {sizes}, one per dimension; the data is a list of lists: "
                    "two levels of brackets, so two dimensions.")
    shape = expect_int_tuple(answer, len(_COLUMN_SHAPE), "your shape")
    if shape == _COLUMN_SHAPE[::-1]:
        raise Wrong(f"{shape} would be one row of three numbers, [[1.0, 2.0, 3.0]]. Here the outer list holds "
                    "three inner lists of one number each, and the outer list's count comes first.")
    if shape[0] != _COLUMN_SHAPE[0]:
        raise Wrong("the first size counts the items of the outer list. How many inner lists are there?")
    if shape[1] != _COLUMN_SHAPE[1]:
        raise Wrong("the first size is right; the second counts the numbers in each inner list.")
    return "the outer list holds 3 items (rows), each inner list 1 number: 3 rows of 1 column."


# 1.2: where x[1, 0] lives in the storage of x = torch.tensor([[1., 2., 3.], [4., 5., 6.]]),
# as the lesson's StorageView shows it (`@ position` under each element).
_X_SHAPE = (2, 3)
_X_VALUES = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def _position(index):
    """Storage position of x[index] in the lesson's x (a fresh tensor: offset 0)."""
    x = tinytorch.tensor(_X_VALUES)
    return x.storage_offset() + sum(i * s for i, s in zip(index, x.stride()))


_ASKED = (1, 0)
_CELL_OF = {_position((i, j)): (i, j) for i in range(_X_SHAPE[0]) for j in range(_X_SHAPE[1])}


@exercise(
    solution=lambda: _position(_ASKED),
    wrong_answers=[lambda: 1, lambda: 4, lambda: 4.0, lambda: 6, lambda: "3"],
    hint="Click x[1, 0] in the widget: the line under the picture says which storage position it "
         "lives at. Without clicking, read the small @ number under the element.",
)
def storage_cell(answer):
    "The storage position of x[1, 0], read off the StorageView widget."
    if isinstance(answer, float):
        value = _X_VALUES[_ASKED[0]][_ASKED[1]]
        what = f"{value} is the value x[1, 0] holds" if answer == value else "that is a float"
        raise Wrong(f"{what}; the question asks where x[1, 0] lives: the position of its storage cell, "
                    "a whole number.")
    if isinstance(answer, str) or isinstance(answer, bool) or not isinstance(answer, int):
        raise Wrong(f"answer with a whole number, the position of a storage cell; yours is a {type(answer).__name__}.")
    if answer not in _CELL_OF:
        raise Wrong(f"x's storage has {len(_CELL_OF)} cells, numbered from 0 to {len(_CELL_OF) - 1} under the strip.")
    if answer != _position(_ASKED):
        holder = _CELL_OF[answer]
        extra = ""
        if answer == _X_VALUES[_ASKED[0]][_ASKED[1]]:
            extra = (f" ({answer} is also the value x[1, 0] holds, but the question asks where it lives.) "
                     "The strip numbers its cells from 0, as Python counts positions.")
        elif answer == _position(_ASKED) + 1:
            extra = " The strip numbers its cells from 0, as Python counts positions."
        elif holder == _ASKED[::-1]:
            extra = (" The storage does not run down the columns: it holds row 0 first (x[0, 0], x[0, 1], "
                     "x[0, 2]), then row 1.")
        raise Wrong(f"storage cell {answer} holds x[{holder[0]}, {holder[1]}], not x[1, 0].{extra}")
    return ("x[1, 0] is the first element of row 1, and row 1 starts right after the 3 elements of row 0. "
            "Lesson 5 shows how a tensor computes that position from its strides.")
