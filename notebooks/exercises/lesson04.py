"""Lesson 4 (broadcasting): predicting shapes, broadcasting by hand, expand."""
import tinytorch
from widgets.language import Catalog

from .checking import Wrong, exercise, expect_int_tuple, expect_shape, expect_tensor, same_values

# Every learner-visible text of this lesson's checks, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # 4.1
        "hint: broadcast shape": "Write the shapes one above the other, aligned on the right, and pad the shorter "
                                 "one with 1s.",
        "your shape": "your shape",
        "shape length": "your shape has {count:size|sizes}. Rule 1 pads the shorter shape with 1s on the left until "
                        "it is as long as the other: the result has as many dimensions as the longer shape.",
        "first dimension": "look at the first dimension again: after padding (3, 1) on the left, what does the "
                           "shorter shape have there?",
        "middle dimension": "in the middle dimension one size is 1: it is stretched to the other size.",
        "last dimension": "in the last dimension one size is 1: it is stretched to the other size.",
        "praise: broadcast shape": "pad (3, 1) to (1, 3, 1), then stretch every 1.",
        # 4.2
        "hint: addition table": "x needs shape (3, 1), a column; y can stay (4,), which broadcasts as a row (1, 4).",
        "table transposed": "your table is 4x3: rows should follow x (3 values), columns y (4 values).",
        "table values": "the shape is right but some elements are not x[i] + y[j]. Did you add?",
        "praise: addition table": "x.unsqueeze(1) is a (3, 1) column, y broadcasts as a (1, 4) row: their sum is "
                                  "the table.",
        # 4.3
        "hint: repeated rows": "One method stretches size-1 dimensions (and adds new ones on the left) without "
                               "copying.",
        "rows values": "every row should be 1, 2, 3.",
        "rows copied": "your tensor has strides {strides}: each row has memory of its own, so the data was copied. "
                       "A view that repeats rows never moves through memory between rows.",
        "praise: repeated rows": "expand makes the row stride 0: four rows, one row of memory.",
        # 4.4
        "hint: feeding cells": "In the widget, find block [1, :, :] of p.expand(2, 4, 3) and of q.expand(2, 4, 3), "
                               "row 2, column 0: the small @ number under a value is the storage cell it reads.",
        "cells not a pair": "answer with a pair of whole numbers: (position in p's storage, position in q's "
                            "storage).",
        "cells outside": "p's storage has {p_size:cell|cells} (0 to {p_last}) and q's has {q_size} (0 to {q_last}): "
                         "broadcasting makes no new memory, and the result's own cells are not asked for.",
        "p's cell feeds": "p's cell {position} is p[{i}, 0, {k}], which feeds the result elements [{i}, :, {k}]",
        "q's cell feeds": "q's cell {position} is q[{position}, 0], which feeds the result elements "
                          "[:, {position}, :]",
        "cells problems": "{problems}, not [{index}].",
        "between problems": "; ",
        "praise: feeding cells": "p is stretched along dim 1 (stride 0) and q along dims 0 and 2, so p's cell "
                                 "depends only on the result's indices 0 and 2, and q's only on index 1.",
    },
    zh_CN={
        # 4.1
        "hint: broadcast shape": "把两个形状一上一下写出来，靠右对齐，再用 1 把较短的那个补齐。",
        "your shape": "你的形状",
        "shape length": "你的形状有 {count} 个大小。规则 1 在较短的形状左边补 1，直到它与另一个形状一样长："
                        "结果的维数与较长的形状相同。",
        "first dimension": "再看看第一个维度：在 (3, 1) 的左边补 1 之后，较短的形状在这一维上是多少？",
        "middle dimension": "在中间的维度上，有一个大小是 1：它会被拉伸到另一个大小。",
        "last dimension": "在最后一个维度上，有一个大小是 1：它会被拉伸到另一个大小。",
        "praise: broadcast shape": "先把 (3, 1) 补成 (1, 3, 1)，再拉伸每一个大小为 1 的维度。",
        # 4.2
        "hint: addition table": "x 需要是形状为 (3, 1) 的一列；y 可以保持 (4,)，它会作为一行 (1, 4) 参与广播。",
        "table transposed": "你的表是 4x3 的：行应当对应 x（3 个值），列对应 y（4 个值）。",
        "table values": "形状对了，但有些元素不等于 x[i] + y[j]。你用的是加法吗？",
        "praise: addition table": "x.unsqueeze(1) 是一个 (3, 1) 的列，y 作为 (1, 4) 的行参与广播：两者之和就是这张表。",
        # 4.3
        "hint: repeated rows": "有一个方法能拉伸大小为 1 的维度（还能在左边添加新维度），而且不复制数据。",
        "rows values": "每一行都应当是 1、2、3。",
        "rows copied": "你的张量的步长是 {strides}：每一行都有自己的内存，所以数据被复制了。"
                       "重复各行的视图从一行走到下一行时，在内存中并不移动。",
        "praise: repeated rows": "expand 让行的步长变为 0：四行数据，只占一行的内存。",
        # 4.4
        "hint: feeding cells": "在交互控件中，分别找到 p.expand(2, 4, 3) 和 q.expand(2, 4, 3) 的块 [1, :, :]，"
                               "再看第 2 行、第 0 列：值下方那个小小的 @ 数字就是它读取的存储单元。",
        "cells not a pair": "请用一对整数作答：（p 的存储中的位置，q 的存储中的位置）。",
        "cells outside": "p 的存储有 {p_size} 个单元（0 到 {p_last}），q 的存储有 {q_size} 个（0 到 {q_last}）："
                         "广播不会产生新的内存，题目问的也不是结果自己的存储单元。",
        "p's cell feeds": "p 的存储单元 {position} 是 p[{i}, 0, {k}]，它参与计算的是结果元素 [{i}, :, {k}]",
        "q's cell feeds": "q 的存储单元 {position} 是 q[{position}, 0]，它参与计算的是结果元素 [:, {position}, :]",
        "cells problems": "{problems}，而不是 [{index}]。",
        "between problems": "；",
        "praise: feeding cells": "p 沿第 1 维被拉伸（步长为 0），q 沿第 0 维和第 2 维被拉伸，所以 p 的存储单元只取决于"
                                 "结果的第 0 和第 2 个索引，q 的只取决于第 1 个索引。",
    },
)


@exercise(
    solution=lambda: (5, 3, 4),
    wrong_answers=[lambda: (5, 1, 4), lambda: (3, 5, 4), lambda: (5, 4), lambda: (5, 3, 1)],
    hint=MESSAGES.later("hint: broadcast shape"),
)
def broadcast_shape(answer):
    "The shape of torch.ones(5, 1, 4) + torch.ones(3, 1)."
    if isinstance(answer, (tuple, list)) and len(answer) != 3:
        expect_int_tuple(answer, len(answer), MESSAGES("your shape"))
        raise Wrong(MESSAGES("shape length", count=len(answer)))
    shape = expect_int_tuple(answer, 3, MESSAGES("your shape"))
    if shape[0] != 5:
        raise Wrong(MESSAGES("first dimension"))
    if shape[1] != 3:
        raise Wrong(MESSAGES("middle dimension"))
    if shape[2] != 4:
        raise Wrong(MESSAGES("last dimension"))
    return MESSAGES("praise: broadcast shape")


@exercise(
    solution=lambda: tinytorch.arange(3.0).unsqueeze(1) + tinytorch.arange(4.0),
    wrong_answers=[
        lambda: tinytorch.arange(3.0).unsqueeze(0) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(4.0).unsqueeze(1) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(3.0).unsqueeze(1) * tinytorch.arange(4.0),
    ],
    hint=MESSAGES.later("hint: addition table"),
)
def addition_table(answer):
    "The 3x4 tensor whose [i, j] element is x[i] + y[j]."
    expect_tensor(answer)
    if tuple(answer.shape) == (4, 3):
        raise Wrong(MESSAGES("table transposed"))
    expect_shape(answer, (3, 4))
    expected = [[float(i + j) for j in range(4)] for i in range(3)]
    if not same_values([[float(v) for v in row] for row in answer.tolist()], expected):
        raise Wrong(MESSAGES("table values"))
    return MESSAGES("praise: addition table")


@exercise(
    solution=lambda: tinytorch.tensor([1, 2, 3]).expand(4, 3),
    wrong_answers=[
        lambda: tinytorch.stack([tinytorch.tensor([1, 2, 3])] * 4),
        lambda: tinytorch.tensor([1, 2, 3]).expand(3, 3),
    ],
    hint=MESSAGES.later("hint: repeated rows"),
)
def repeated_rows(answer):
    "A (4, 3) view of v = torch.tensor([1, 2, 3]) whose rows repeat v, without copying."
    expect_tensor(answer)
    expect_shape(answer, (4, 3))
    if not same_values(answer.tolist(), [[1, 2, 3]] * 4):
        raise Wrong(MESSAGES("rows values"))
    if answer.stride()[0] != 0:
        raise Wrong(MESSAGES("rows copied", strides=tuple(answer.stride())))
    return MESSAGES("praise: repeated rows")


# -- exercise 4.4: which elements feed a result element, found with BroadcastView ---------------------
_P_SHAPE, _Q_SHAPE = (2, 1, 3), (4, 1)
_RESULT_INDEX = (1, 2, 0)


def _feeding_positions():
    """The storage positions of p and of q that (p + q)[1, 2, 0] reads: from the strides of
    p and q expanded to the result's shape (stride 0 where broadcasting stretches)."""
    p = tinytorch.arange(10.0, 70.0, 10).reshape(*_P_SHAPE)
    q = tinytorch.arange(100.0, 500.0, 100).reshape(*_Q_SHAPE)
    shape = tinytorch.broadcast_shapes(p.shape, q.shape)
    found = []
    for t in (p, q):
        e = t.expand(shape)
        found.append(e.storage_offset() + sum(i * s for i, s in zip(_RESULT_INDEX, e.stride())))
    return tuple(found)


def _p_feeds(position):
    """The result elements p's storage cell `position` feeds, as text: p[i, 0, k] feeds [i, :, k]."""
    i, k = divmod(position, _P_SHAPE[2])
    return MESSAGES("p's cell feeds", position=position, i=i, k=k)


def _q_feeds(position):
    return MESSAGES("q's cell feeds", position=position)


@exercise(
    solution=_feeding_positions,
    wrong_answers=[lambda: (0, 2), lambda: (3, 1), lambda: (18, 18), lambda: (3, 6), lambda: (2, 3)],
    right_answers=[lambda: list(_feeding_positions())],
    hint=MESSAGES.later("hint: feeding cells"),
)
def feeding_cells(answer):
    "(p's storage position, q's storage position) that (p + q)[1, 2, 0] reads."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong(MESSAGES("cells not a pair"))
    p_cell, q_cell = answer
    p_size, q_size = 6, 4
    if p_cell >= p_size or q_cell >= q_size or p_cell < 0 or q_cell < 0:
        raise Wrong(MESSAGES("cells outside", p_size=p_size, p_last=p_size - 1, q_size=q_size, q_last=q_size - 1))
    expected_p, expected_q = _feeding_positions()
    problems = []
    if p_cell != expected_p:
        problems.append(_p_feeds(p_cell))
    if q_cell != expected_q:
        problems.append(_q_feeds(q_cell))
    if problems:
        raise Wrong(MESSAGES("cells problems", problems=MESSAGES("between problems").join(problems),
                             index=", ".join(map(str, _RESULT_INDEX))))
    return MESSAGES("praise: feeding cells")
