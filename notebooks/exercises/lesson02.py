"""Lesson 2 (tensor basics): creating tensors, indexing, dtypes."""
import tinytorch

from .checking import Wrong, exercise, expect_dtype, expect_shape, expect_tensor, same_values

_M = [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]  # torch.arange(12).reshape(3, 4)


@exercise(
    solution=lambda: tinytorch.full((2, 3), 7),
    wrong_answers=[
        lambda: tinytorch.full((3, 2), 7),
        lambda: tinytorch.full((2, 3), 7.0),
        lambda: tinytorch.ones(2, 3, dtype=tinytorch.int64),
        lambda: 7,
    ],
    hint="torch.full(size, value) fills a new tensor; an integer value gives an integer tensor.",
)
def sevens(answer):
    "Make a 2x3 int64 tensor of sevens."
    expect_tensor(answer)
    expect_shape(answer, (2, 3))
    expect_dtype(answer, "int64")
    if not same_values(answer.tolist(), [[7] * 3] * 2):
        raise Wrong("the shape and dtype are right, but not every element is 7.")
    return "full() (or ones() times 7) with an integer makes int64, the default integer dtype."


@exercise(
    solution=lambda: tinytorch.arange(12).reshape(3, 4)[:, 2],
    wrong_answers=[
        lambda: tinytorch.arange(12).reshape(3, 4)[2],
        lambda: tinytorch.arange(12).reshape(3, 4)[:, 2:3],
        lambda: tinytorch.arange(12).reshape(3, 4)[:, 3],
    ],
    hint="The first index picks rows, the second picks columns; `:` means all of them.",
)
def third_column(answer):
    "Select column 2 of m = torch.arange(12).reshape(3, 4) as a 1-D tensor."
    expect_tensor(answer)
    values = answer.tolist()
    if answer.dim() == 2 and tuple(answer.shape) == (3, 1):
        raise Wrong("your tensor has shape (3, 1): a slice keeps its dimension. "
                    "A single index removes it and gives a 1-D tensor.")
    if answer.dim() != 1:
        raise Wrong(f"your tensor has {answer.dim()} dimensions; one column of a matrix is 1-dimensional.")
    if values == [row[2] for row in _M]:
        return "m[:, 2] fixes the column and takes every row; the single index removes that dimension."
    if values == _M[2]:
        raise Wrong("that is row 2. The first index chooses rows, the second chooses columns.")
    if values in [[row[c] for row in _M] for c in range(4)]:
        raise Wrong("that is a column of m, but not column 2. Positions count from 0.")
    raise Wrong("those are not the elements of one column of m. Did you change m?")


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
