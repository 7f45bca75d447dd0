"""Lesson 6 (slicing): the header that start:stop:step produces."""
import tinytorch

from .checking import Wrong, exercise, expect_int_tuple, expect_shape, expect_tensor, same_values


@exercise(
    solution=lambda: ((2, 2), (10, 1), 8),
    wrong_answers=[
        lambda: ((2, 2), (5, 1), 8),
        lambda: ((2, 2), (10, 1), 3),
        lambda: ((3, 2), (10, 1), 8),
        lambda: ((2, 2), (10, 3), 8),
    ],
    hint="Work one dimension at a time: offset += start * stride, stride *= step, size = len(range(start, stop, step)).",
)
def slice_header(answer):
    "(shape, stride, offset) of a[1::2, 3:] with a = torch.arange(0, 25.0).view(5, 5)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 3):
        raise Wrong("answer with three parts: ((rows, cols), (stride0, stride1), offset).")
    shape, stride, offset = answer
    shape = expect_int_tuple(shape, 2, "your shape")
    stride = expect_int_tuple(stride, 2, "your stride")
    if shape[0] != 2:
        raise Wrong("count the rows: 1::2 over 5 rows is range(1, 5, 2).")
    if shape[1] != 2:
        raise Wrong("count the columns: 3: over 5 columns is range(3, 5).")
    if stride[0] != 10:
        raise Wrong("the row stride: step 2 times a's row stride.")
    if stride[1] != 1:
        raise Wrong("the column slice has step 1, so the column stride does not change.")
    if offset != 8:
        raise Wrong("the offset adds start * stride for each dimension: the row start and the column start both count.")
    return "offset 1*5 + 3*1 = 8, strides (2*5, 1*1), sizes len(range(1, 5, 2)) and len(range(3, 5))."


@exercise(
    solution=lambda: tinytorch.arange(0, 25.0).view(5, 5)[1::2, 1::2],
    wrong_answers=[
        lambda: tinytorch.tensor([[6.0, 8.0], [16.0, 18.0]]),
        lambda: tinytorch.arange(0, 25.0).view(5, 5)[::2, ::2],
        lambda: tinytorch.arange(0, 25.0).view(5, 5)[1::2, ::2],
    ],
    hint="6 is row 1, column 1. How many rows and columns apart are 6 and 8, and 6 and 16?",
)
def corner_view(answer):
    "The 2x2 view [[6, 8], [16, 18]] of a, made by one slicing expression."
    expect_tensor(answer)
    expect_shape(answer, (2, 2))
    if not same_values([[float(v) for v in row] for row in answer.tolist()], [[6.0, 8.0], [16.0, 18.0]]):
        raise Wrong("your view has the right shape but holds other elements of a.")
    if answer.storage_offset() != 6 or tuple(answer.stride()) != (10, 2):
        raise Wrong("the values are right, but this is not a view of a: it was copied "
                    "(its header does not point into a's storage). Slice a directly.")
    return "rows and columns both start at 1 and step by 2: a[1::2, 1::2]."


# -- exercise 6.3: read the source of slicing --------------------------------------------
def _header_of_slice():
    """(size, stride, offset) of x[2:9:3], x = arange(10.0): computed by slicing for real."""
    s = tinytorch.arange(10.0)[2:9:3]
    return (s.shape[0], s.stride()[0], s.storage_offset())


@exercise(
    solution=_header_of_slice,
    wrong_answers=[lambda: (2, 3, 2), lambda: (3, 1, 2), lambda: (3, 3, 0), lambda: (3, 3, 6)],
    hint="slice_view's last three lines: Python's slice(...).indices clamps start and stop, then the size "
         "counts the steps that fit, the stride is multiplied by the step, and the offset moves to start.",
)
def slice_view_header(answer):
    "(new_size, new_stride, new_offset) that slice_view returns for x[2:9:3], x = torch.arange(10.0)."
    if (isinstance(answer, (tuple, list)) and len(answer) == 3 and isinstance(answer[0], (tuple, list))
            and len(answer[0]) == 1 and isinstance(answer[1], (tuple, list)) and len(answer[1]) == 1):
        raise Wrong("that is header's form, with a tuple for the shape and one for the strides: slice_view "
                    "returns three plain numbers, (size, stride, offset).")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong("answer with three whole numbers: (size, stride, offset).")
    size, stride, offset = answer
    expected_size, expected_stride, expected_offset = _header_of_slice()
    if size != expected_size:
        raise Wrong("count the elements: how many indices does range(start, stop, step) hold here?")
    if stride != expected_stride:
        raise Wrong("x's stride is 1, and slice_view multiplies it by the step.")
    if offset != expected_offset:
        raise Wrong("the offset moves to the storage position of the first element the slice keeps.")
    return "3 elements (2, 5, 8), stride 1 * 3, offset 0 + 2 * 1: no element was copied."


# -- exercise 6.4: predict a gather -----------------------------------------------------------
_GATHER_SOURCE = [[10, 11, 12], [20, 21, 22], [30, 31, 32]]
_GATHER_INDEX = [[2, 0], [1, 1], [0, 2]]


def _gathered(dim):
    """What gather(dim, index) gives for the exercise's tensors, computed by tinytorch."""
    return tinytorch.tensor(_GATHER_SOURCE).gather(dim, tinytorch.tensor(_GATHER_INDEX)).tolist()


def _nested_ints(answer):
    """The answer as a list of lists of ints (a tensor's tolist() counts too), or Wrong."""
    if hasattr(answer, "tolist") and not isinstance(answer, (list, tuple)):
        answer = answer.tolist()
    if not (isinstance(answer, (list, tuple)) and all(isinstance(row, (list, tuple)) for row in answer)):
        raise Wrong("answer with a nested list, one inner list per row, like [[1, 2], [3, 4]].")
    rows = [list(row) for row in answer]
    for row in rows:
        for v in row:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
                raise Wrong("every element should be a whole number taken from src.")
    return [[int(v) for v in row] for row in rows]


@exercise(
    solution=lambda: _gathered(1),
    wrong_answers=[
        lambda: _gathered(0),
        lambda: [[30, 21, 12]],
        lambda: [[12, 10], [21, 21], [32, 30]],
        lambda: [[12, 21, 30], [10, 21, 32]],
    ],
    right_answers=[lambda: tinytorch.tensor(_gathered(1))],
    hint="gather(1, index) keeps the row: out[i][j] = src[i][index[i][j]]. The result has index's shape.",
)
def predict_gather(answer):
    "src.gather(1, index) for src = [[10, 11, 12], [20, 21, 22], [30, 31, 32]], index = [[2, 0], [1, 1], [0, 2]]."
    rows = _nested_ints(answer)
    shape = (len(rows), len(rows[0]) if rows else 0)
    if any(len(row) != shape[1] for row in rows):
        raise Wrong("your rows have different lengths; a tensor's rows all have the same length.")
    if shape != (3, 2):
        raise Wrong(f"your answer has shape {shape}, but gather's result always has the shape of index: "
                    "one output element per index element.")
    if rows == _gathered(0):
        raise Wrong("you read each index value as a row number, which is gather(0, index): out[i][j] = "
                    "src[index[i][j]][j]. With dim=1 the value is a column number and the row stays i.")
    expected = _gathered(1)
    wrong = [i for i in range(3) if rows[i] != expected[i]]
    if wrong and all(v // 10 == i + 1 for i in wrong for v in rows[i]):
        raise Wrong(f"row{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))} of your answer "
                    f"take{'' if len(wrong) > 1 else 's'} values from the right row of src, but not from the right "
                    "columns: an index value is the column to read, counted from 0.")
    if wrong:
        raise Wrong(f"row{'s' if len(wrong) > 1 else ''} {', '.join(map(str, wrong))} of your answer "
                    f"{'are' if len(wrong) > 1 else 'is'} not right. Row i is src's row i, read at the columns "
                    "that index's row i names.")
    return "each output element src[i][index[i][j]]: row i of the result reads row i of src at the named columns."


# -- exercise 6.5: a view's cells, found with the explorer ----------------------------------------
def _contiguous_order():
    """The storage positions a[1::2, ::3].t() covers, in the row-major order contiguous() reads them."""
    a = tinytorch.arange(0, 25.0).view(5, 5)
    v = a[1::2, ::3].t()
    return [v.storage_offset() + i * v.stride(0) + j * v.stride(1) for i in range(v.shape[0])
            for j in range(v.shape[1])]


@exercise(
    solution=_contiguous_order,
    wrong_answers=[
        lambda: sorted(_contiguous_order()),
        lambda: set(_contiguous_order()),
        lambda: [0, 15, 3, 18],
        lambda: [5, 15],
        lambda: list(range(25)),
    ],
    right_answers=[lambda: tuple(_contiguous_order())],
    hint="In the explorer, dim 0 gets start 1 and step 2, dim 1 step 3, and permute reads 1, 0. "
         "The line about contiguous() lists what it reads.",
)
def contiguous_reads(answer):
    "The storage positions a[1::2, ::3].t() covers, in the order contiguous() reads them."
    if isinstance(answer, (set, frozenset)):
        raise Wrong("a set has no order, and the order is half of the question: answer with a list.")
    if not (isinstance(answer, (list, tuple)) and all(isinstance(p, int) and not isinstance(p, bool)
                                                      for p in answer)):
        raise Wrong("answer with a list of storage positions (whole numbers), like [0, 1, 2].")
    expected = _contiguous_order()
    extra = sorted(set(answer) - set(expected))
    if extra:  # one position named; naming them all would give the view's cells away
        others = " Some other positions in your list are not covered either." if len(extra) > 1 else ""
        raise Wrong(f"the view does not cover position {extra[0]}.{others} Set the explorer's controls and "
                    "look at which storage cells get the view's colour.")
    if len(answer) != len(expected) or set(answer) != set(expected):
        raise Wrong(f"your list has {len(answer)} position(s); the view has {len(expected)} elements, and each "
                    "sits at a position of its own.")
    if list(answer) == sorted(expected):
        raise Wrong("these are the right cells, in storage order. contiguous() reads the view row by row, and "
                    "after .t() a row of the view is a column of a[1::2, ::3].")
    if list(answer) != expected:
        raise Wrong("these are the right cells, but not in the order contiguous() reads them: it reads the "
                    "view's row 0 from left to right, then row 1.")
    return "the transposed view's rows are the slice's columns, so contiguous() jumps back and forth in storage."
