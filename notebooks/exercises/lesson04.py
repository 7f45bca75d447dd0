"""Lesson 4 (broadcasting): predicting shapes, broadcasting by hand, expand."""
import tinytorch

from .checking import Wrong, exercise, expect_int_tuple, expect_shape, expect_tensor, same_values


@exercise(
    solution=lambda: (5, 3, 4),
    wrong_answers=[lambda: (5, 1, 4), lambda: (3, 5, 4), lambda: (5, 4), lambda: (5, 3, 1)],
    hint="Write the shapes one above the other, aligned on the right, and pad the shorter one with 1s.",
)
def broadcast_shape(answer):
    "The shape of torch.ones(5, 1, 4) + torch.ones(3, 1)."
    shape = expect_int_tuple(answer, 3, "your shape")
    if shape[0] != 5:
        raise Wrong("look at the first dimension again: after padding (3, 1) on the left, "
                    "what does the shorter shape have there?")
    if shape[1] != 3:
        raise Wrong("in the middle dimension one size is 1: it is stretched to the other size.")
    if shape[2] != 4:
        raise Wrong("in the last dimension one size is 1: it is stretched to the other size.")
    return "pad (3, 1) to (1, 3, 1), then stretch every 1."


@exercise(
    solution=lambda: tinytorch.arange(3.0).unsqueeze(1) + tinytorch.arange(4.0),
    wrong_answers=[
        lambda: tinytorch.arange(3.0).unsqueeze(0) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(4.0).unsqueeze(1) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(3.0).unsqueeze(1) * tinytorch.arange(4.0),
    ],
    hint="x needs shape (3, 1), a column; y can stay (4,), which broadcasts as a row (1, 4).",
)
def addition_table(answer):
    "The 3x4 tensor whose [i, j] element is x[i] + y[j]."
    expect_tensor(answer)
    if tuple(answer.shape) == (4, 3):
        raise Wrong("your table is 4x3: rows should follow x (3 values), columns y (4 values).")
    expect_shape(answer, (3, 4))
    expected = [[float(i + j) for j in range(4)] for i in range(3)]
    if not same_values([[float(v) for v in row] for row in answer.tolist()], expected):
        raise Wrong("the shape is right but some elements are not x[i] + y[j]. Did you add?")
    return "x.unsqueeze(1) is a (3, 1) column, y broadcasts as a (1, 4) row: their sum is the table."


@exercise(
    solution=lambda: tinytorch.tensor([1, 2, 3]).expand(4, 3),
    wrong_answers=[
        lambda: tinytorch.stack([tinytorch.tensor([1, 2, 3])] * 4),
        lambda: tinytorch.tensor([1, 2, 3]).expand(3, 3),
    ],
    hint="One method stretches size-1 dimensions (and adds new ones on the left) without copying.",
)
def repeated_rows(answer):
    "A (4, 3) view of v = torch.tensor([1, 2, 3]) whose rows repeat v, without copying."
    expect_tensor(answer)
    expect_shape(answer, (4, 3))
    if not same_values(answer.tolist(), [[1, 2, 3]] * 4):
        raise Wrong("every row should be 1, 2, 3.")
    if answer.stride()[0] != 0:
        raise Wrong(f"your tensor has strides {tuple(answer.stride())}: each row has memory of its own, "
                    "so the data was copied. A view that repeats rows never moves through memory between rows.")
    return "expand makes the row stride 0: four rows, one row of memory."
