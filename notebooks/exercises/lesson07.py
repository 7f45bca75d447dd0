"""Lesson 7 (devices): what needs a GPU, and a tensor that did not move.

Both answers are about code on a machine described in the question (without a GPU, or
with one), not about the machine running the check, so the checks say the same on
every machine."""
from widgets.language import Catalog

from .checking import Wrong, exercise, expect_letter, expect_letters

# What the checks of lesson 7 say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # 7.1
        "hint: needs a gpu": "Asking whether there is a GPU, or how many, never fails, and neither does naming a "
                             "device. What fails is what needs a GPU to be there: memory on it, or facts about it.",
        "line runs": "{letter} runs: {why}",
        "line runs, and others": "{letter} runs: {why} It is not the only line in your set that runs without a GPU.",
        "runs: is_available()": "is_available() is the question you ask to avoid errors: without a GPU it answers "
                                "False.",
        "runs: device_count()": "device_count() does not raise: without a GPU it returns 0.",
        "runs: torch.device()": "torch.device(...) only names a device; making the name needs no GPU, only using it "
                                "does.",
        "runs: to(\"cpu\")": "to(\"cpu\") on a CPU tensor returns the tensor itself: no GPU is involved.",
        "leaves out a line": "your set leaves out a line that raises without a GPU. Which lines need a GPU to be "
                             "there, not only named?",
        "praise: needs a gpu": "making a tensor on \"cuda\" needs GPU memory, and get_device_name() (like "
                               "current_device()) needs a GPU to describe. The other lines are safe anywhere, which "
                               "is why programs ask is_available() first.",
        # 7.2
        "hint: stayed on cpu": "Does data.to(device) change data, or return something? Compare with x.add_(1) and "
                               "x + 1 in lesson 2.",
        "not it: data.cuda()": "data.cuda() returns a copy on the GPU, just as to() does, and nothing keeps that "
                               "copy: data itself stays on the CPU. (On a machine without a GPU, cuda() also raises.)",
        "not it: weights.cpu()": "it runs everywhere, but it moves the weights back to the CPU, so the "
                                 "multiplication runs on the CPU and the GPU does nothing.",
        "not it: to(\"cuda\")": "to(\"cuda\") returns a new tensor just as to(device) did, and nothing keeps it: "
                                "data stays on the CPU. On a machine without a GPU it raises, too.",
        "praise: stayed on cpu": "to() never changes the tensor it is called on: it returns the tensor on the new "
                                 "device, and you keep that. On a machine without a GPU, device is the CPU and "
                                 "data.to(device) returns data itself, so the same line is right everywhere.",
    },
    zh_CN={
        # 7.1
        "hint: needs a gpu": "询问有没有 GPU、有几块 GPU，永远不会失败；给设备起个名字也不会。会失败的是那些需要 GPU "
                             "真实存在的操作：用它的显存，或者查询关于它的信息。",
        "line runs": "{letter} 能正常运行：{why}",
        "line runs, and others": "{letter} 能正常运行：{why}你的集合中还有别的语句在没有 GPU 时也能正常运行。",
        "runs: is_available()": "is_available() 正是为了避免报错而提的问题：没有 GPU 时，它回答 False。",
        "runs: device_count()": "device_count() 不会报错：没有 GPU 时，它返回 0。",
        "runs: torch.device()": "torch.device(...) 只是给设备起个名字；创建这个名字不需要 GPU，只有使用它时才需要。",
        "runs: to(\"cpu\")": "对 CPU 上的张量调用 to(\"cpu\")，返回的就是这个张量本身：完全不涉及 GPU。",
        "leaves out a line": "你的集合漏掉了一条在没有 GPU 时会报错的语句。哪些语句需要 GPU 真实存在，而不只是提到它"
                             "的名字？",
        "praise: needs a gpu": "在 \"cuda\" 上创建张量需要 GPU 显存，而 get_device_name()（和 current_device() 一样）"
                               "需要有一块 GPU 可供描述。其余的语句在任何机器上都安全，这就是程序总是先问 "
                               "is_available() 的原因。",
        # 7.2
        "hint: stayed on cpu": "data.to(device) 是改变了 data，还是返回了什么？和第 2 课中的 x.add_(1) 与 x + 1 比较"
                               "一下。",
        "not it: data.cuda()": "data.cuda() 和 to() 一样，返回的是 GPU 上的一个副本，而没有任何变量保存这个副本："
                               "data 本身仍留在 CPU 上。（在没有 GPU 的机器上，cuda() 还会报错。）",
        "not it: weights.cpu()": "它在任何机器上都能运行，但它把权重移回了 CPU，于是乘法在 CPU 上执行，GPU 什么也"
                                 "没做。",
        "not it: to(\"cuda\")": "to(\"cuda\") 和原来的 to(device) 一样返回一个新张量，而没有任何变量保存它：data 仍"
                                "留在 CPU 上。在没有 GPU 的机器上，它还会报错。",
        "praise: stayed on cpu": "to() 从不改变调用它的那个张量：它返回位于新设备上的张量，由你把它保存下来。在没有 "
                                 "GPU 的机器上，device 就是 CPU，data.to(device) 返回 data 本身，所以同一行代码在"
                                 "任何机器上都是对的。",
    },
)

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
# Why each line that runs without a GPU does (its message's key), said without naming the right set.
_RUNS = {
    "A": "runs: is_available()",
    "B": "runs: device_count()",
    "C": "runs: torch.device()",
    "F": "runs: to(\"cpu\")",
}


@exercise(
    solution=lambda: set(_RAISE),
    wrong_answers=[lambda: {"B", "D", "E"}, lambda: {"C", "D", "E"}, lambda: {"E"}, lambda: {"A", "B", "C", "D", "E"},
                   lambda: set(), lambda: "DE", lambda: set(_LINES)],
    right_answers=[lambda: {"d", "e"}, lambda: frozenset(_RAISE)],
    hint=MESSAGES.later("hint: needs a gpu"),
)
def needs_a_gpu(answer):
    "The set of letters whose lines raise an error on a machine without a GPU."
    letters = expect_letters(answer, _LINES)
    extra = sorted(letters - _RAISE)
    if extra:  # one line named with its reason; naming them all would give the set away
        raise Wrong(MESSAGES("line runs, and others" if len(extra) > 1 else "line runs",
                             letter=extra[0], why=MESSAGES(_RUNS[extra[0]])))
    if _RAISE - letters:
        raise Wrong(MESSAGES("leaves out a line"))
    return MESSAGES("praise: needs a gpu")


# -- 7.2: diagnose a tensor that stayed on the CPU ----------------------------------
_FIXES = {"A", "B", "C", "D"}
# Why each change that does not fix the program does not (its message's key).
_WHY_NOT = {
    "A": "not it: data.cuda()",
    "C": "not it: weights.cpu()",
    "D": "not it: to(\"cuda\")",
}


@exercise(
    solution=lambda: "B",
    wrong_answers=[lambda: "A", lambda: "C", lambda: "D", lambda: {"A", "B"}, lambda: "cuda"],
    right_answers=[lambda: "b", lambda: {"B"}],
    hint=MESSAGES.later("hint: stayed on cpu"),
)
def stayed_on_cpu(answer):
    "Which change fixes the program whose `data.to(device)` leaves data on the CPU?"
    letter = expect_letter(answer, _FIXES)
    if letter in _WHY_NOT:
        raise Wrong(MESSAGES(_WHY_NOT[letter]))
    return MESSAGES("praise: stayed on cpu")
