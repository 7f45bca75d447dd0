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
