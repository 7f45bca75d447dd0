"""Lesson 1 (welcome): a first exercise, to see how checks work."""
import tinytorch

from .checking import Wrong, dtype_name, exercise, expect_tensor, same_values


@exercise(
    solution=lambda: tinytorch.tensor([1.0, 2.0, 3.0]),
    wrong_answers=[
        lambda: [1.0, 2.0, 3.0],
        lambda: tinytorch.tensor([1, 2, 3]),
        lambda: tinytorch.tensor([[1.0, 2.0, 3.0]]),
        lambda: tinytorch.tensor([3.0, 2.0, 1.0]),
    ],
    right_answers=[lambda: tinytorch.tensor([1.0, 2.0, 3.0], dtype=tinytorch.float64),
                   lambda: tinytorch.arange(1.0, 4.0), lambda: tinytorch.tensor([1, 2, 3]).float()],
    hint="torch.tensor(...) turns a Python list into a tensor; numbers written with a decimal point are floats.",
)
def one_two_three(answer):
    "Make a one-dimensional float tensor holding 1, 2 and 3."
    expect_tensor(answer, "your answer (a Python list?)")
    if answer.dim() != 1:
        raise Wrong(f"your tensor has {answer.dim()} dimensions; a plain list of numbers makes one dimension.")
    if not answer.dtype.is_floating_point:
        raise Wrong(f"your tensor holds {dtype_name(answer)} whole numbers; the exercise asks for floating-point numbers.")
    if not same_values(answer.tolist(), [1.0, 2.0, 3.0]):
        raise Wrong("your tensor has the right type, but not the numbers 1, 2 and 3 in that order.")
    if dtype_name(answer) != "float32":  # (a dtype= of their own choosing: right, but not the default)
        return (f"your tensor is {dtype_name(answer)} because you asked for it; a list of floats alone becomes "
                "float32, PyTorch's default floating-point dtype.")
    return "A list of floats becomes a float32 tensor, PyTorch's default floating-point dtype."
