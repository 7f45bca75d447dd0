"""Lesson 7 (devices): what needs a GPU, and a tensor that did not move.

Both answers are about code on a machine described in the question (without a GPU, or
with one), not about the machine running the check, so the checks say the same on
every machine."""
from .checking import Wrong, exercise, expect_letter, expect_letters

# -- 7.1: which lines raise on a machine without a GPU ------------------------------
_LINES = {
    "A": "torch.cuda.is_available()",
    "B": "torch.cuda.device_count()",
    "C": 'torch.device("cuda:1")',
    "D": 'torch.zeros(2, device="cuda")',
    "E": "torch.cuda.get_device_name()",
    "F": 'torch.arange(3.0).to("cpu")',
}
_RAISE = {"D", "E"}
# Why each line does or does not raise without a GPU, said without naming the right set.
_RUNS = {
    "A": "is_available() is the question you ask to avoid errors: without a GPU it answers False.",
    "B": "device_count() does not raise: without a GPU it returns 0.",
    "C": "torch.device(...) only names a device; making the name needs no GPU, only using it does.",
    "F": "to(\"cpu\") on a CPU tensor returns the tensor itself: no GPU is involved.",
}


@exercise(
    solution=lambda: set(_RAISE),
    wrong_answers=[lambda: {"B", "D", "E"}, lambda: {"C", "D", "E"}, lambda: {"E"}, lambda: {"A", "B", "C", "D", "E"},
                   lambda: set(), lambda: "DE", lambda: set(_LINES)],
    right_answers=[lambda: {"d", "e"}, lambda: frozenset(_RAISE)],
    hint="Asking whether there is a GPU, or how many, never fails, and neither does naming a device. What "
         "fails is what needs a GPU to be there: memory on it, or facts about it.",
)
def needs_a_gpu(answer):
    "The set of letters whose lines raise an error on a machine without a GPU."
    letters = expect_letters(answer, _LINES)
    extra = sorted(letters - _RAISE)
    if extra:  # one line named with its reason; naming them all would give the set away
        others = " It is not the only line in your set that runs without a GPU." if len(extra) > 1 else ""
        raise Wrong(f"{extra[0]} runs: {_RUNS[extra[0]]}{others}")
    if _RAISE - letters:
        raise Wrong("your set leaves out a line that raises without a GPU. Which lines need a GPU to be there, "
                    "not only named?")
    return ("making a tensor on \"cuda\" needs GPU memory, and get_device_name() (like current_device()) needs "
            "a GPU to describe. The other lines are safe anywhere, which is why programs ask is_available() first.")


# -- 7.2: diagnose a tensor that stayed on the CPU ----------------------------------
_FIXES = {"A", "B", "C", "D"}
_WHY_NOT = {
    "A": "data.cuda() returns a copy on the GPU, just as to() does, and nothing keeps that copy: data "
         "itself stays on the CPU. (On a machine without a GPU, cuda() also raises.)",
    "C": "it runs everywhere, but it moves the weights back to the CPU, so the multiplication runs on the CPU "
         "and the GPU does nothing.",
    "D": "to(\"cuda\") returns a new tensor just as to(device) did, and nothing keeps it: data stays on the CPU. "
         "On a machine without a GPU it raises, too.",
}


@exercise(
    solution=lambda: "B",
    wrong_answers=[lambda: "A", lambda: "C", lambda: "D", lambda: {"A", "B"}, lambda: "cuda"],
    right_answers=[lambda: "b", lambda: {"B"}],
    hint="Does data.to(device) change data, or return something? Compare with x.add_(1) and x + 1 in lesson 2.",
)
def stayed_on_cpu(answer):
    "Which change fixes the program whose `data.to(device)` leaves data on the CPU?"
    letter = expect_letter(answer, _FIXES)
    if letter in _WHY_NOT:
        raise Wrong(_WHY_NOT[letter])
    return ("to() never changes the tensor it is called on: it returns the tensor on the new device, and you keep "
            "that. On a machine without a GPU, device is the CPU and data.to(device) returns data itself, "
            "so the same line is right everywhere.")
