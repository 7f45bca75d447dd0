"""Lesson 3 (tensors and NumPy): which conversions share memory."""
import numpy as np

import tinytorch
from widgets.language import Catalog

from .checking import Wrong, call_answer, call_learner_code, exercise, expect_callable, expect_letters, library_of

# Every learner-visible text of this lesson's checks, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # 3.1
        "hint: which share": "Sharing is possible only when the result is the same memory read with some shape, "
                             "strides and dtype.",
        "why B copies": "torch.tensor(...) always copies the data it is given.",
        "why D copies": "indexing with a list of positions (advanced indexing) copies the elements it picks.",
        "why E copies": "float() turns 8-byte float64 elements into 4-byte float32 ones: that needs new memory.",
        "why A shares": "from_numpy wraps the array's own buffer.",
        "why C shares": "a slice is a view: the same memory with another offset.",
        "why F shares": "numpy() gives an array over the tensor's memory, which is a's memory.",
        "makes a copy": "{letter} makes a copy: {why}{others}",
        "other copies": " It is not the only letter in your set that makes a copy.",
        "one left out": "your set leaves out an expression that does share memory with a. "
                        "Which results are views of a's buffer, or wrappers around it?",
        "praise: which share": "Views and wrappers share; copies are made by tensor(), advanced indexing and dtype "
                               "changes.",
        # 3.2
        "hint: independent array": "numpy() gives a view of the tensor's memory; NumPy arrays have a method that "
                                   "makes a copy.",
        "not an array": "your function returns a {kind}, not a NumPy array.",
        "other values": "for a tensor of shape {shape} your array does not hold the tensor's values.",
        "array shares": "your array shares memory with the tensor: writing into one would change the other.",
        "praise: independent array": "numpy().copy() (or np.array(t)) gives an array with memory of its own.",
        # 3.3
        "hint: which element changes": "Click diagonal_array's element 2 and read its storage position; then find "
                                       "grid's element at that position. Check which storage each tensor is drawn "
                                       "over.",
        "not a pair": "answer with a pair: (the element diagonal_array[2] = -1 changes, the element picked[2] = -1 "
                      "changes), each written (row, col), or None.",
        "the view shares": "diagonal_array does share grid's memory: from_numpy, reshape, slicing and numpy() all "
                           "keep the same buffer, and the widget draws it over grid's storage.",
        "read by another element": "grid[{row}, {col}] sits at storage position {position}, which is "
                                   "diagonal_array[{index}]. Select diagonal_array's element 2 in the widget to see "
                                   "its position.",
        "not read": "grid[{row}, {col}] sits at storage position {position}, which diagonal_array does not read. "
                    "Select diagonal_array's element 2 in the widget to see its position.",
        "the copy": "the first part is right, the second is not. picked was made by indexing with a list of "
                    "positions: does that give a view of grid's memory, or a copy (the table near the top of this "
                    "lesson)? Look at which storage the widget draws picked over.",
        "praise: which element changes": "diagonal_array reads grid's storage every 5 cells, so its element 2 is "
                                         "grid's element at position 10; picked has memory of its own.",
        "element form": "write each element of grid as (row, col), like (0, 1), or None when no element changes.",
        "no such element": "grid has 3 rows and 4 columns, so it has no element ({row}, {col}).",
    },
    zh_CN={
        # 3.1
        "hint: which share": "只有当结果是同一块内存、按某种形状、步长和数据类型来读取时，才可能共享内存。",
        "why B copies": "torch.tensor(...) 总是复制传给它的数据。",
        "why D copies": "用位置列表作索引（高级索引）会复制它选出的元素。",
        "why E copies": "float() 把 8 字节的 float64 元素转换成 4 字节的 float32 元素：这需要新的内存。",
        "why A shares": "from_numpy 包装的是数组自己的缓冲区。",
        "why C shares": "切片是视图：同一块内存，换一个偏移量。",
        "why F shares": "numpy() 给出一个建立在张量内存之上的数组，而这块内存就是 a 的内存。",
        "makes a copy": "{letter} 会复制数据：{why}{others}",
        "other copies": "你的集合中会复制数据的字母不止这一个。",
        "one left out": "你的集合漏掉了一个确实与 a 共享内存的表达式。哪些结果是 a 的缓冲区上的视图，或者是对它的包装？",
        "praise: which share": "视图和包装共享内存；tensor()、高级索引和数据类型转换则会复制数据。",
        # 3.2
        "hint: independent array": "numpy() 给出的是张量内存上的视图；NumPy 数组有一个方法可以生成副本。",
        "not an array": "你的函数返回的是 {kind}，而不是 NumPy 数组。",
        "other values": "对于形状为 {shape} 的张量，你的数组存放的不是张量的值。",
        "array shares": "你的数组与张量共享内存：写入其中一个，另一个也会跟着改变。",
        "praise: independent array": "numpy().copy()（或 np.array(t)）给出一个拥有自己内存的数组。",
        # 3.3
        "hint: which element changes": "点击 diagonal_array 的元素 2，读出它的存储位置；再找出 grid 中位于这个位置的"
                                       "元素。注意看每个张量画在哪一块存储之上。",
        "not a pair": "请用一对值作答：（diagonal_array[2] = -1 改变的元素，picked[2] = -1 改变的元素），"
                      "每个元素写成 (row, col)，或者写 None。",
        "the view shares": "diagonal_array 确实与 grid 共享内存：from_numpy、reshape、切片和 numpy() 都保留同一块"
                           "缓冲区，交互控件也把它画在 grid 的存储之上。",
        "read by another element": "grid[{row}, {col}] 位于存储位置 {position}，读取这个位置的是 diagonal_array[{index}]。"
                                   "在交互控件中选中 diagonal_array 的元素 2，就能看到它的位置。",
        "not read": "grid[{row}, {col}] 位于存储位置 {position}，diagonal_array 并不读取这个位置。"
                    "在交互控件中选中 diagonal_array 的元素 2，就能看到它的位置。",
        "the copy": "第一部分对了，第二部分不对。picked 是用位置列表作索引得到的：这样得到的是 grid 内存上的视图，"
                    "还是副本（见本课前面的那张表）？看看交互控件把 picked 画在哪一块存储之上。",
        "praise: which element changes": "diagonal_array 每隔 5 个存储单元读取一次 grid 的存储，所以它的元素 2 就是 grid "
                                         "位于位置 10 的元素；picked 则拥有自己的内存。",
        "element form": "请把 grid 的每个元素写成 (row, col)，例如 (0, 1)；如果没有元素被改变，则写 None。",
        "no such element": "grid 有 3 行 4 列，所以没有元素 ({row}, {col})。",
    },
)

_CANDIDATES = {"A", "B", "C", "D", "E", "F"}
# Why each wrong choice is wrong, said without naming the right set (keys of MESSAGES).
_WHY = {
    "B": "why B copies",
    "D": "why D copies",
    "E": "why E copies",
    "A": "why A shares",
    "C": "why C shares",
    "F": "why F shares",
}


@exercise(
    solution=lambda: {"A", "C", "F"},
    wrong_answers=[lambda: {"A", "B", "C", "F"}, lambda: {"A", "C"}, lambda: {"A", "C", "D", "F"}, lambda: ["A"],
                   lambda: {"A", "B", "C", "D", "E", "F"}, lambda: set()],
    hint=MESSAGES.later("hint: which share"),
)
def which_share(answer):
    "The set of letters whose expressions share memory with a."
    letters = expect_letters(answer, _CANDIDATES)
    extra = sorted(letters - {"A", "C", "F"})
    if extra:  # one copy named with its reason; naming them all would give the set away
        others = MESSAGES("other copies") if len(extra) > 1 else ""
        raise Wrong(MESSAGES("makes a copy", letter=extra[0], why=MESSAGES(_WHY[extra[0]]), others=others))
    if {"A", "C", "F"} - letters:
        raise Wrong(MESSAGES("one left out"))
    return MESSAGES("praise: which share")


def _solution():
    def to_independent_array(t):
        return t.numpy().copy()
    return to_independent_array


def _shares_memory_wrong():
    return lambda t: t.numpy()


@exercise(
    solution=_solution,
    wrong_answers=[_shares_memory_wrong, lambda: (lambda t: t.tolist()), lambda: (lambda t: np.zeros(t.shape)),
                   lambda: (lambda t: np.asarray(t)),
                   lambda: (lambda t: t.numpy().cpoy())],  # a typo: its AttributeError is feedback, not a crash
    right_answers=[lambda: (lambda t: np.array(t)), lambda: (lambda t: t.clone().numpy()),
                   lambda: (lambda t: t.detach().numpy().copy()), lambda: (lambda t: np.array(t.tolist()))],
    hint=MESSAGES.later("hint: independent array"),
)
def independent_array(answer):
    "A function returning a NumPy array with t's values that does not share t's memory."
    expect_callable(answer, "lesson03.independent_array(to_independent_array)")
    lib = library_of(answer)  # (tensors of the learner's library: tinytorch, or torch after `import torch`)
    for t in (lib.arange(6.0).reshape(2, 3), lib.tensor([1, 2, 3]), lib.arange(8.0)[::2]):
        result = call_answer(lambda x: call_learner_code(answer, x), t)  # its own error: feedback, not a crash
        if not isinstance(result, np.ndarray):
            raise Wrong(MESSAGES("not an array", kind=type(result).__name__))
        if result.shape != tuple(t.shape) or result.tolist() != t.tolist():
            raise Wrong(MESSAGES("other values", shape=tuple(t.shape)))
        if np.shares_memory(result, t.numpy()):
            raise Wrong(MESSAGES("array shares"))
    return MESSAGES("praise: independent array")


# -- exercise 3.3: shared cells, found with StorageView ---------------------------------------------
def _layout():
    """The storage positions (in grid's memory) of diagonal_array's elements, for the exercise's
    grid = np.arange(12.0).reshape(3, 4), diagonal = torch.from_numpy(grid).reshape(-1)[::5] and
    diagonal_array = diagonal.numpy(): computed from the arrays' addresses."""
    grid = np.arange(12.0).reshape(3, 4)
    diagonal = tinytorch.from_numpy(grid).reshape(-1)[::5]
    start, itemsize = grid.__array_interface__["data"][0], grid.itemsize
    array = diagonal.numpy()
    positions = [(array.__array_interface__["data"][0] - start + k * array.strides[0]) // itemsize
                 for k in range(array.shape[0])]
    return positions


def _element_at(position):
    """The (row, col) of grid (3 rows of 4, row-major) stored at a position."""
    return divmod(position, 4)


def _element_changed():
    return (_element_at(_layout()[2]), None)


@exercise(
    solution=_element_changed,
    wrong_answers=[
        lambda: ((0, 2), None),
        lambda: ((2, 2), (2, 2)),
        lambda: (None, None),
        lambda: ((2, 2), (0, 2)),
        lambda: ((2, 2), (0, 0)),
        lambda: (2, 2),
    ],
    right_answers=[lambda: [[2, 2], None]],
    hint=MESSAGES.later("hint: which element changes"),
)
def which_element_changes(answer):
    "(the element of grid that `diagonal_array[2] = -1` changes, the one `picked[2] = -1` changes), None for none."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong(MESSAGES("not a pair"))
    through_view, through_copy = (_as_element(part) for part in answer)
    positions = _layout()
    expected = _element_at(positions[2])
    if through_view is None:
        raise Wrong(MESSAGES("the view shares"))
    if through_view != expected:
        position = through_view[0] * 4 + through_view[1]
        readers = [k for k, p in enumerate(positions) if p == position]
        row, col = through_view
        if readers:
            raise Wrong(MESSAGES("read by another element", row=row, col=col, position=position, index=readers[0]))
        raise Wrong(MESSAGES("not read", row=row, col=col, position=position))
    if through_copy is not None:
        raise Wrong(MESSAGES("the copy"))
    return MESSAGES("praise: which element changes")


def _as_element(part):
    """None, or a (row, col) pair of grid, or Wrong."""
    if part is None:
        return None
    if not (isinstance(part, (tuple, list)) and len(part) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in part)):
        raise Wrong(MESSAGES("element form"))
    row, col = part
    if not (0 <= row < 3 and 0 <= col < 4):
        raise Wrong(MESSAGES("no such element", row=row, col=col))
    return (row, col)
