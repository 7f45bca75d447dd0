"""Lesson 7 (devices): moving tensors to the best device available."""
import tinytorch

from .checking import Wrong, call_answer, exercise, expect_callable, is_tensor, library_of


def _solution():
    def to_gpu_if_possible(t):
        return t.to("cuda" if tinytorch.cuda.is_available() else "cpu")
    return to_gpu_if_possible


@exercise(
    solution=_solution,
    wrong_answers=[
        lambda: (lambda t: t.clone()),
        lambda: (lambda t: t.cpu().clone()),
        lambda: (lambda t: tinytorch.device("cuda" if tinytorch.cuda.is_available() else "cpu")),
    ],
    hint="Decide the device with torch.cuda.is_available(), then move with to(): it returns "
         "the tensor itself when it is already there.",
)
def gpu_if_possible(answer):
    "A function returning t on the GPU when there is one, else t itself."
    expect_callable(answer, "lesson07.gpu_if_possible(to_gpu_if_possible)")
    lib = library_of(answer)  # (tensors of the learner's library: tinytorch, or torch after `import torch`)
    gpu = lib.cuda.is_available()
    for t in (lib.arange(4.0), lib.ones(2, 3, dtype=lib.int64)):
        try:
            result = call_answer(answer, t)
        except RuntimeError as error:
            raise Wrong(f"your function raised RuntimeError ({error}). Without a GPU it must keep the tensor on the CPU.")
        if not is_tensor(result):
            raise Wrong(f"your function returns a {type(result).__name__}, not a tensor.")
        if result.tolist() != t.tolist() or result.dtype != t.dtype:
            raise Wrong("the returned tensor should hold the same values, with the same dtype.")
        if gpu and result.device.type != "cuda":
            raise Wrong("this machine has a GPU, but the returned tensor is on the CPU.")
        if not gpu and result is not t:
            raise Wrong("on this machine (no GPU) the tensor is already where it should be: "
                        "return it without copying.")
    return "to() moves when it must and returns the same tensor when it need not."
