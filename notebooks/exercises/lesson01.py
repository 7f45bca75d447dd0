"""Lesson 1 (welcome): a prediction, and reading the StorageView widget."""
import tinytorch
from widgets.language import Catalog

from .checking import Wrong, exercise, expect_int_tuple

# Every learner-visible text of this lesson's checks, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # 1.1
        "hint: column shape": "Count the brackets: each level of nesting is one dimension. The first size counts the "
                              "items of the outer list, the next one the items of each inner list.",
        "your shape": "your shape",
        "shape is a number": "a shape is a tuple with one size per dimension, like (5, 2), even for a single "
                             "dimension: (5,).",
        "shape not a tuple": "answer with a tuple of sizes, like (5, 2); yours is a {kind}.",
        "shape length": "your shape has {count:size|sizes}, one per dimension; the data is a list of lists: "
                        "two levels of brackets, so two dimensions.",
        "shape reversed": "{shape} would be one row of three numbers, [[1.0, 2.0, 3.0]]. Here the outer list holds "
                          "three inner lists of one number each, and the outer list's count comes first.",
        "first size": "the first size counts the items of the outer list. How many inner lists are there?",
        "second size": "the first size is right; the second counts the numbers in each inner list.",
        "praise: column shape": "the outer list holds 3 items (rows), each inner list 1 number: 3 rows of 1 column.",
        # 1.2
        "hint: storage cell": "Click x[1, 0] in the widget: the line under the picture says which storage position "
                              "it lives at. Without clicking, read the small @ number under the element.",
        "the value, a float": "{value} is the value x[1, 0] holds; the question asks where x[1, 0] lives: the "
                              "position of its storage cell, a whole number.",
        "a float": "that is a float; the question asks where x[1, 0] lives: the position of its storage cell, "
                   "a whole number.",
        "position not an int": "answer with a whole number, the position of a storage cell; yours is a {kind}.",
        "no such cell": "x's storage has {count:cell|cells}, numbered from 0 to {last} under the strip.",
        "wrong cell": "storage cell {answer} holds x[{row}, {col}], not x[1, 0].{extra}",
        "wrong cell: the value": " ({answer} is also the value x[1, 0] holds, but the question asks where it "
                                 "lives.) The strip numbers its cells from 0, as Python counts positions.",
        "wrong cell: counted from 1": " The strip numbers its cells from 0, as Python counts positions.",
        "wrong cell: column by column": " The storage does not run down the columns: it holds row 0 first "
                                        "(x[0, 0], x[0, 1], x[0, 2]), then row 1.",
        "praise: storage cell": "x[1, 0] is the first element of row 1, and row 1 starts right after the 3 "
                                "elements of row 0. Lesson 5 shows how a tensor computes that position from its "
                                "strides.",
    },
    zh_CN={
        # 1.1
        "hint: column shape": "数一数方括号：每一层嵌套就是一个维度。第一个大小是外层列表的元素个数，"
                              "下一个大小是每个内层列表的元素个数。",
        "your shape": "你的形状",
        "shape is a number": "形状是一个元组，每个维度一个大小，例如 (5, 2)；即使只有一个维度也是如此：(5,)。",
        "shape not a tuple": "请用由各维大小组成的元组作答，例如 (5, 2)；你的答案的类型是 {kind}。",
        "shape length": "你的形状有 {count} 个大小，每个维度一个；而数据是列表的列表：有两层方括号，"
                        "所以是两个维度。",
        "shape reversed": "{shape} 会是一行三个数，即 [[1.0, 2.0, 3.0]]。而这里的外层列表装着三个内层列表，"
                          "每个内层列表只有一个数，并且外层列表的元素个数排在前面。",
        "first size": "第一个大小数的是外层列表的元素个数。一共有几个内层列表？",
        "second size": "第一个大小是对的；第二个大小数的是每个内层列表里有几个数。",
        "praise: column shape": "外层列表有 3 个元素（行），每个内层列表有 1 个数：3 行 1 列。",
        # 1.2
        "hint: storage cell": "在交互控件中点击 x[1, 0]：图下方的文字会说明它位于存储的哪个位置。"
                              "不点击的话，也可以读元素下方那个小小的 @ 数字。",
        "the value, a float": "{value} 是 x[1, 0] 存放的值；题目问的是 x[1, 0] 位于哪里，即它的存储单元的位置，"
                              "是一个整数。",
        "a float": "这是一个浮点数；题目问的是 x[1, 0] 位于哪里，即它的存储单元的位置，是一个整数。",
        "position not an int": "请用一个整数作答，即某个存储单元的位置；你的答案的类型是 {kind}。",
        "no such cell": "x 的存储有 {count} 个单元，存储条下方给它们编了号，从 0 到 {last}。",
        "wrong cell": "存储单元 {answer} 存放的是 x[{row}, {col}]，而不是 x[1, 0]。{extra}",
        "wrong cell: the value": "（{answer} 也是 x[1, 0] 存放的值，但题目问的是它位于哪里。）"
                                 "存储条上的单元从 0 开始编号，与 Python 对位置的计数方式一样。",
        "wrong cell: counted from 1": "存储条上的单元从 0 开始编号，与 Python 对位置的计数方式一样。",
        "wrong cell: column by column": "存储并不是沿着列往下排的：它先存放第 0 行（x[0, 0]、x[0, 1]、x[0, 2]），"
                                        "再存放第 1 行。",
        "praise: storage cell": "x[1, 0] 是第 1 行的第一个元素，而第 1 行紧接在第 0 行的 3 个元素之后开始。"
                                "第 5 课会讲解张量如何根据步长算出这个位置。",
    },
)

# 1.1: the shape of torch.tensor([[1.0], [2.0], [3.0]]), computed rather than typed.
_COLUMN = [[1.0], [2.0], [3.0]]
_COLUMN_SHAPE = tuple(tinytorch.tensor(_COLUMN).shape)


@exercise(
    solution=lambda: _COLUMN_SHAPE,
    wrong_answers=[lambda: (1, 3), lambda: (3,), lambda: (3, 3), lambda: 3],
    right_answers=[lambda: [3, 1], lambda: tinytorch.Size([3, 1]), lambda: tinytorch.tensor(_COLUMN).shape],
    hint=MESSAGES.later("hint: column shape"),
)
def column_shape(answer):
    "The shape of torch.tensor([[1.0], [2.0], [3.0]])."
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong(MESSAGES("shape is a number"))
    if not isinstance(answer, (tuple, list)):
        raise Wrong(MESSAGES("shape not a tuple", kind=type(answer).__name__))
    if len(answer) != len(_COLUMN_SHAPE):
        expect_int_tuple(answer, len(answer), MESSAGES("your shape"))
        raise Wrong(MESSAGES("shape length", count=len(answer)))
    shape = expect_int_tuple(answer, len(_COLUMN_SHAPE), MESSAGES("your shape"))
    if shape == _COLUMN_SHAPE[::-1]:
        raise Wrong(MESSAGES("shape reversed", shape=shape))
    if shape[0] != _COLUMN_SHAPE[0]:
        raise Wrong(MESSAGES("first size"))
    if shape[1] != _COLUMN_SHAPE[1]:
        raise Wrong(MESSAGES("second size"))
    return MESSAGES("praise: column shape")


# 1.2: where x[1, 0] lives in the storage of x = torch.tensor([[1., 2., 3.], [4., 5., 6.]]),
# as the lesson's StorageView shows it (`@ position` under each element).
_X_SHAPE = (2, 3)
_X_VALUES = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def _position(index):
    """Storage position of x[index] in the lesson's x (a fresh tensor: offset 0)."""
    x = tinytorch.tensor(_X_VALUES)
    return x.storage_offset() + sum(i * s for i, s in zip(index, x.stride()))


_ASKED = (1, 0)
_CELL_OF = {_position((i, j)): (i, j) for i in range(_X_SHAPE[0]) for j in range(_X_SHAPE[1])}


@exercise(
    solution=lambda: _position(_ASKED),
    wrong_answers=[lambda: 1, lambda: 4, lambda: 4.0, lambda: 6, lambda: "3"],
    hint=MESSAGES.later("hint: storage cell"),
)
def storage_cell(answer):
    "The storage position of x[1, 0], read off the StorageView widget."
    if isinstance(answer, float):
        value = _X_VALUES[_ASKED[0]][_ASKED[1]]
        raise Wrong(MESSAGES("the value, a float", value=value) if answer == value else MESSAGES("a float"))
    if isinstance(answer, str) or isinstance(answer, bool) or not isinstance(answer, int):
        raise Wrong(MESSAGES("position not an int", kind=type(answer).__name__))
    if answer not in _CELL_OF:
        raise Wrong(MESSAGES("no such cell", count=len(_CELL_OF), last=len(_CELL_OF) - 1))
    if answer != _position(_ASKED):
        holder = _CELL_OF[answer]
        extra = ""
        if answer == _X_VALUES[_ASKED[0]][_ASKED[1]]:
            extra = MESSAGES("wrong cell: the value", answer=answer)
        elif answer == _position(_ASKED) + 1:
            extra = MESSAGES("wrong cell: counted from 1")
        elif holder == _ASKED[::-1]:
            extra = MESSAGES("wrong cell: column by column")
        raise Wrong(MESSAGES("wrong cell", answer=answer, row=holder[0], col=holder[1], extra=extra))
    return MESSAGES("praise: storage cell")
