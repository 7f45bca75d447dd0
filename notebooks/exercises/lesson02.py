"""Lesson 2 (tensor basics): predicting dtypes and shapes, reading the storage widget,
diagnosing a matrix product, joining and permuting."""
import tinytorch

from .checking import Wrong, exercise, expect_int_tuple, expect_letter

# The expected answers are computed with tinytorch (tests/test_lesson02_claims.py checks
# that real torch agrees), never typed by hand.
_M = tinytorch.arange(12).reshape(3, 4)


# -- 2.1 --------------------------------------------------------------------------
@exercise(
    solution=lambda: tinytorch.float32,
    wrong_answers=[lambda: tinytorch.int64, lambda: tinytorch.float64, lambda: "float32"],
    hint="`/` is true division, which never rounds. What is the default floating-point dtype?",
)
def division_dtype(answer):
    "The dtype of torch.tensor([2, 4]) / 2."
    if isinstance(answer, str):
        raise Wrong("write the dtype itself, like torch.int32, not a string.")
    if not hasattr(answer, "is_floating_point"):
        raise Wrong(f"your answer is a {type(answer).__name__}; write a dtype, like torch.int32.")
    name = str(answer).rsplit(".", 1)[-1]
    if not answer.is_floating_point:
        raise Wrong("`/` is true division: 3 / 2 is 1.5, so the result cannot be an integer type, "
                    "even when every quotient happens to be whole.")
    if name != "float32":
        raise Wrong(f"a float type, yes, but not {name}: the result takes the default floating-point dtype.")
    return "`/` promotes integers to the default float dtype, float32; use `//` to stay with integers."


# -- 2.2 --------------------------------------------------------------------------
_PICKED = tuple(_M[1:, 2].shape)  # m[1:, 2]


def _shape_answer(answer, what="your shape"):
    """A shape written as a tuple (or list, or torch.Size) of ints, of any length."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong("a shape is a tuple with one size per dimension, even for one dimension: (5,) not 5.")
    if not isinstance(answer, (tuple, list)):
        raise Wrong(f"answer with a tuple of sizes, like (5, 2); yours is a {type(answer).__name__}.")
    return expect_int_tuple(answer, len(answer), what)


@exercise(
    solution=lambda: _PICKED,
    wrong_answers=[lambda: (2, 1), lambda: (3,), lambda: (4,), lambda: (2, 4), lambda: 2],
    right_answers=[lambda: [2], lambda: tinytorch.Size([2]), lambda: _M[1:, 2].shape],
    hint="Take the two indices one at a time: a slice keeps its dimension (how many rows does `1:` "
         "keep?), a single number removes its dimension.",
)
def picked_shape(answer):
    "The shape of m[1:, 2], with m = torch.arange(12).reshape(3, 4)."
    shape = _shape_answer(answer)
    if len(shape) == 2:
        raise Wrong("the single index 2 removes the column dimension: only the slice `1:` keeps a dimension. "
                    "(The slice m[1:, 2:3] would keep both.)")
    if len(shape) != 1:
        raise Wrong(f"your shape has {len(shape)} sizes. m has 2 dimensions; a single index removes one of them.")
    if shape[0] == _M.shape[1]:
        raise Wrong(f"{_M.shape[1]} is the number of columns, but the column dimension is the one the single "
                    "index 2 removes. What remains is the rows the slice `1:` keeps.")
    if shape[0] == _M.shape[0]:
        raise Wrong(f"m has {_M.shape[0]} rows, but `1:` starts at row 1: it leaves row 0 out.")
    if shape != _PICKED:
        raise Wrong("count the rows the slice `1:` keeps: from row 1 to the last row of m.")
    return "`1:` keeps rows 1 and 2 (a slice keeps its dimension); the 2 picks one column and removes that dimension."


# -- 2.3: read off the StorageView ------------------------------------------------
_GRID = 10 * tinytorch.arange(12).reshape(3, 4)  # the lesson's grid; values 0, 10, ..., 110
_CORNER = _GRID[1:, 2:]


def _positions(view):
    """Storage position of each element of a 2-D view, row by row."""
    offset, (s0, s1) = view.storage_offset(), view.stride()
    return [offset + i * s0 + j * s1 for i in range(view.shape[0]) for j in range(view.shape[1])]


_CORNER_CELLS = _positions(_CORNER)
_GRID_INDEX = {p: divmod(p, _GRID.shape[1]) for p in range(_GRID.numel())}  # storage position -> grid[i, j]


@exercise(
    solution=lambda: list(_CORNER_CELLS),
    wrong_answers=[
        lambda: [6, 7, 8, 9],          # one block of 4 cells from the first one
        lambda: [60, 70, 100, 110],    # the values, not the positions
        lambda: [7, 8, 11, 12],        # counted from 1
        lambda: [6, 7, 10, 12],        # one position off, past the end
        lambda: [6, 10, 7, 11],        # column by column
        lambda: 6,
    ],
    right_answers=[lambda: tuple(_CORNER_CELLS), lambda: [_CORNER_CELLS[:2], _CORNER_CELLS[2:]]],
    hint="Under each element of grid[1:, 2:] the widget writes @ and the storage position it lives at. "
         "Or click an element: the line under the picture works the position out.",
)
def corner_cells(answer):
    "The storage positions of the elements of grid[1:, 2:], row by row."
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong(f"grid[1:, 2:] has {_CORNER.numel()} elements: give a list of {_CORNER.numel()} positions, "
                    "one per element, like [0, 1, 2, 3].")
    if not isinstance(answer, (list, tuple)):
        raise Wrong(f"answer with a list of storage positions, like [0, 1, 2, 3]; yours is a {type(answer).__name__}.")
    if answer and all(isinstance(row, (list, tuple)) for row in answer):  # written row by row, as nested lists
        answer = [p for row in answer for p in row]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in answer):
        raise Wrong("each storage position is a whole number, like the numbers under the strip.")
    cells = list(answer)
    if len(cells) != _CORNER.numel():
        raise Wrong(f"grid[1:, 2:] has {_CORNER.numel()} elements (2 rows of 2): give one position for each.")
    values = [int(v) for row in _CORNER.tolist() for v in row]
    if sorted(cells) == sorted(values) and cells != _CORNER_CELLS:
        raise Wrong("those are the values the elements hold. The question asks where they live: "
                    "the storage positions, written @ under each element and numbered under the strip.")
    outside = [p for p in cells if p not in _GRID_INDEX]
    if outside:
        shifted = all(q - 1 in _CORNER_CELLS for q in cells)  # every position one too many: counted from 1
        extra = " The strip numbers its cells from 0." if shifted else ""
        raise Wrong(f"grid's storage has {_GRID.numel()} cells, numbered 0 to {_GRID.numel() - 1}; "
                    f"{outside} {'is' if len(outside) == 1 else 'are'} not among them.{extra}")
    if cells == _CORNER_CELLS:
        return ("the corner starts at cell 6 (its offset), and its second row starts a whole row of grid "
                "later: a view's elements need not sit side by side in storage.")
    if sorted(cells) == sorted(_CORNER_CELLS):
        raise Wrong("those are the right cells, but not in the order of the view's elements: list row 0 "
                    "of grid[1:, 2:] first, then row 1.")
    foreign = [p for p in cells if p not in _CORNER_CELLS]
    if foreign:
        p = foreign[0]
        i, j = _GRID_INDEX[p]
        block = ""
        if cells == list(range(cells[0], cells[0] + len(cells))):
            block = (" The corner's elements are not one block of storage: its second row does not start "
                     "where its first row ends.")
        elif all(q - 1 in _CORNER_CELLS for q in cells):
            block = " Each of your positions is one more than a cell of the corner: the strip counts from 0."
        raise Wrong(f"cell {p} holds grid[{i}, {j}], which is not an element of grid[1:, 2:].{block}")
    raise Wrong("every position is a cell of the corner, but some appear twice: each element lives in its own cell.")


# -- 2.4: diagnose a matrix product -----------------------------------------------
_FIX_CHOICES = {"A", "B", "C", "D"}
_WHY_NOT = {
    "A": "`*` multiplies element by element, and needs shapes that match or broadcast. (5, 3) and (2, 3) "
         "do not (5 against 2), so it raises too.",
    "B": "it runs, but (2, 3) @ (3, 5) gives a (2, 5) result: one row per output, not one row per sample.",
    "D": "(3, 5) @ (2, 3): the inner sizes, 5 and 2, disagree, so it raises the same kind of error.",
}


@exercise(
    solution=lambda: "C",
    wrong_answers=[lambda: "A", lambda: "B", lambda: "D", lambda: "E", lambda: {"B", "C"}],
    right_answers=[lambda: "c", lambda: {"C"}],
    hint="For @ the last size of the left tensor must equal the first size of the right one, and the "
         "result keeps the left's first size and the right's last. Which line gives (5, 2)?",
)
def matmul_fix(answer):
    "Which line multiplies X (5x3) by W (2x3) to get one row of 2 outputs per sample?"
    letter = expect_letter(answer, _FIX_CHOICES)
    if letter in _WHY_NOT:
        raise Wrong(_WHY_NOT[letter])
    return ("W.T has shape (3, 2), so (5, 3) @ (3, 2) gives (5, 2). Linear layers store their weights "
            "as (outputs, inputs) and compute X @ W.T for exactly this reason.")


# -- 2.5: cat and stack ------------------------------------------------------------
_PIECES = [tinytorch.zeros(2, 4) for _ in range(3)]
_JOINED = (tuple(tinytorch.cat(_PIECES).shape), tuple(tinytorch.stack(_PIECES).shape))
_OTHER_JOINS = {  # shapes of the other ways to join, for the feedback
    tuple(tinytorch.cat(_PIECES, dim=1).shape): "torch.cat(..., dim=1)",
    tuple(tinytorch.stack(_PIECES, dim=1).shape): "torch.stack(..., dim=1)",
    tuple(tinytorch.stack(_PIECES, dim=2).shape): "torch.stack(..., dim=2)",
}


@exercise(
    solution=lambda: _JOINED,
    wrong_answers=[
        lambda: _JOINED[::-1],                               # cat and stack swapped
        lambda: ((2, 12), _JOINED[1]),                       # cat along dim 1
        lambda: (_JOINED[0], (2, 3, 4)),                     # new dimension in the middle
        lambda: (_JOINED[0], (2, 4, 3)),                     # new dimension last
        lambda: (6, 4),
    ],
    right_answers=[lambda: [list(_JOINED[0]), list(_JOINED[1])],
                   lambda: (tinytorch.cat(_PIECES).shape, tinytorch.stack(_PIECES).shape)],
    hint="cat joins along a dimension the tensors already have (dim 0 unless you say dim=); "
         "stack first adds a new dimension (in front, unless you say dim=) and joins along it.",
)
def joined_shapes(answer):
    "(torch.cat([a, b, c]).shape, torch.stack([a, b, c]).shape) for three tensors of shape (2, 4)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(part, (tuple, list)) for part in answer)):
        raise Wrong("answer with a pair of shapes, (shape of cat, shape of stack), like ((1, 2), (3, 4, 5)).")
    cat_shape = _shape_answer(answer[0], "your shape for cat")
    stack_shape = _shape_answer(answer[1], "your shape for stack")
    if (cat_shape, stack_shape) == _JOINED[::-1]:
        raise Wrong("you swapped them: cat keeps the number of dimensions (2 here) and makes one of them longer; "
                    "stack adds a new dimension.")
    problems = []
    if cat_shape != _JOINED[0]:
        if len(cat_shape) != 2:
            problems.append("cat joins along a dimension the tensors already have, so its result has 2 "
                            "dimensions, like each piece")
        elif cat_shape in _OTHER_JOINS:
            problems.append(f"for cat, {cat_shape} is the shape of {_OTHER_JOINS[cat_shape]}; without dim= "
                            "cat joins along dim 0")
        else:
            problems.append("cat puts the pieces one after another along dim 0: the other size stays as it is")
    if stack_shape != _JOINED[1]:
        if len(stack_shape) != 3:
            problems.append("stack adds a dimension, so its result has 3 dimensions")
        elif stack_shape in _OTHER_JOINS:
            problems.append(f"for stack, {stack_shape} is the shape of {_OTHER_JOINS[stack_shape]}; "
                            "without dim= the new dimension comes first")
        else:
            problems.append("stack keeps each piece's shape (2, 4) whole and adds one dimension that counts "
                            "the pieces")
    if problems:
        raise Wrong("; ".join(problems) + ".")
    return "cat lays the three (2, 4) pieces end to end along dim 0; stack puts them in a new dim 0, one per piece."


# -- 2.6: permute ------------------------------------------------------------------
_ORDER = (1, 2, 0)
_CUBE_SHAPE = (2, 3, 4)
_PERMUTED = tuple(tinytorch.zeros(*_CUBE_SHAPE).permute(*_ORDER).shape)
_INVERSE = tuple(tinytorch.zeros(*_CUBE_SHAPE).permute(*[_ORDER.index(k) for k in range(3)]).shape)


@exercise(
    solution=lambda: _PERMUTED,
    wrong_answers=[lambda: _INVERSE, lambda: _CUBE_SHAPE, lambda: _ORDER, lambda: (4, 3, 2), lambda: (24,)],
    right_answers=[lambda: list(_PERMUTED), lambda: tinytorch.Size(_PERMUTED)],
    hint="Read permute's numbers left to right: the first one says which old dimension becomes "
         "dimension 0 of the result, and so on.",
)
def permuted_shape(answer):
    "The shape of torch.zeros(2, 3, 4).permute(1, 2, 0)."
    shape = _shape_answer(answer)
    if len(shape) != len(_CUBE_SHAPE) or sorted(shape) != sorted(_CUBE_SHAPE):
        if shape == _ORDER:
            raise Wrong("those are the numbers passed to permute (numbers of old dimensions); the question "
                        "asks for the sizes of the result.")
        raise Wrong("permute only reorders the dimensions: the result has the sizes 2, 3 and 4, in some order.")
    if shape == _CUBE_SHAPE:
        raise Wrong("that is the shape before permute: permute(1, 2, 0) changes the order of the sizes.")
    if shape == _INVERSE:
        raise Wrong("you read the numbers as where each old dimension goes. permute reads them the other way: "
                    "the k-th number names the old dimension that becomes new dimension k.")
    if shape != _PERMUTED:
        raise Wrong("a reordering of 2, 3 and 4, but not this one: new dimension k gets the size of the old "
                    "dimension whose number stands k-th in permute's list.")
    return ("new dim 0 is old dim 1 (size 3), new dim 1 is old dim 2 (size 4), new dim 2 is old dim 0 (size 2). "
            "No data moves: only the sizes and strides are reordered.")
