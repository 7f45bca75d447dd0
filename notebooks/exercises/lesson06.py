"""Lesson 6 (slicing): the header that start:stop:step produces."""
import tinytorch
from widgets.language import Catalog

from .checking import Wrong, exercise, expect_int_tuple, expect_shape, expect_tensor, same_values

# What the checks of lesson 6 say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        "your shape": "your shape",
        "your stride": "your stride",
        "list separator": ", ",
        # 6.1
        "hint: slice header": "Work one dimension at a time: offset += start * stride, stride *= step, "
                              "size = len(range(start, stop, step)).",
        "not three parts": "answer with three parts: ((rows, cols), (stride0, stride1), offset).",
        "count the rows": "count the rows: 1::2 over 5 rows is range(1, 5, 2).",
        "count the columns": "count the columns: 3: over 5 columns is range(3, 5).",
        "row stride": "the row stride: step 2 times a's row stride.",
        "column stride": "the column slice has step 1, so the column stride does not change.",
        "offset of both starts": "the offset adds start * stride for each dimension: the row start and the column "
                                 "start both count.",
        "praise: slice header": "offset 1*5 + 3*1 = 8, strides (2*5, 1*1), sizes len(range(1, 5, 2)) and "
                                "len(range(3, 5)).",
        # 6.2
        "hint: corner view": "6 is row 1, column 1. How many rows and columns apart are 6 and 8, and 6 and 16?",
        "other elements": "your view has the right shape but holds other elements of a.",
        "copied, not a view": "the values are right, but this is not a view of a: it was copied (its header does "
                              "not point into a's storage). Slice a directly.",
        "praise: corner view": "rows and columns both start at 1 and step by 2: a[1::2, 1::2].",
        # 6.3
        "hint: slice_view header": "slice_view's last three lines: Python's slice(...).indices clamps start and "
                                   "stop, then the size counts the steps that fit, the stride is multiplied by the "
                                   "step, and the offset moves to start.",
        "header's form": "that is header's form, with a tuple for the shape and one for the strides: slice_view "
                         "returns three plain numbers, (size, stride, offset).",
        "not three numbers": "answer with three whole numbers: (size, stride, offset).",
        "count the elements": "count the elements: how many indices does range(start, stop, step) hold here?",
        "stride times step": "x's stride is 1, and slice_view multiplies it by the step.",
        "offset of the first kept": "the offset moves to the storage position of the first element the slice keeps.",
        "praise: slice_view header": "3 elements (2, 5, 8), stride 1 * 3, offset 0 + 2 * 1: no element was copied.",
        # 6.4
        "hint: predict gather": "gather(1, index) keeps the row: out[i][j] = src[i][index[i][j]]. The result has "
                                "index's shape.",
        "not a nested list": "answer with a nested list, one inner list per row, like [[1, 2], [3, 4]].",
        "not a whole number": "every element should be a whole number taken from src.",
        "ragged rows": "your rows have different lengths; a tensor's rows all have the same length.",
        "not index's shape": "your answer has shape {shape}, but gather's result always has the shape of index: "
                             "one output element per index element.",
        "read as row numbers": "you read each index value as a row number, which is gather(0, index): out[i][j] = "
                               "src[index[i][j]][j]. With dim=1 the value is a column number and the row stays i.",
        "row with wrong columns": "row {rows} of your answer takes values from the right row of src, but not from "
                                  "the right columns: an index value is the column to read, counted from 0.",
        "rows with wrong columns": "rows {rows} of your answer take values from the right row of src, but not from "
                                   "the right columns: an index value is the column to read, counted from 0.",
        "row not right": "row {rows} of your answer is not right. Row i is src's row i, read at the columns that "
                         "index's row i names.",
        "rows not right": "rows {rows} of your answer are not right. Row i is src's row i, read at the columns that "
                          "index's row i names.",
        "praise: predict gather": "each output element src[i][index[i][j]]: row i of the result reads row i of src "
                                  "at the named columns.",
        # 6.5
        "hint: contiguous reads": "In the explorer, dim 0 gets start 1 and step 2, dim 1 step 3, and permute reads "
                                  "1, 0. The line about contiguous() lists what it reads.",
        "a set has no order": "a set has no order, and the order is half of the question: answer with a list.",
        "not a list of positions": "answer with a list of storage positions (whole numbers), like [0, 1, 2].",
        "position not covered": "the view does not cover position {position}. Set the explorer's controls and look "
                                "at which storage cells get the view's colour.",
        "positions not covered": "the view does not cover position {position}. Some other positions in your list "
                                 "are not covered either. Set the explorer's controls and look at which storage "
                                 "cells get the view's colour.",
        # "position(s)" is the wording the lesson has always shown (a `{count:position|positions}` would change it)
        "how many positions": "your list has {count} position(s); the view has {elements:element|elements}, and "
                              "each sits at a position of its own.",
        "in storage order": "these are the right cells, in storage order. contiguous() reads the view row by row, "
                            "and after .t() a row of the view is a column of a[1::2, ::3].",
        "not contiguous()'s order": "these are the right cells, but not in the order contiguous() reads them: it "
                                    "reads the view's row 0 from left to right, then row 1.",
        "praise: contiguous reads": "the transposed view's rows are the slice's columns, so contiguous() jumps back "
                                    "and forth in storage.",
    },
    zh_CN={
        "your shape": "你的形状",
        "your stride": "你的步长",
        "list separator": "、",
        # 6.1
        "hint: slice header": "一次只看一个维度：offset += start * stride，stride *= step，"
                              "size = len(range(start, stop, step))。",
        "not three parts": "请用三部分作答：((rows, cols), (stride0, stride1), offset)。",
        "count the rows": "数一数行数：在 5 行上取 1::2，就是 range(1, 5, 2)。",
        "count the columns": "数一数列数：在 5 列上取 3:，就是 range(3, 5)。",
        "row stride": "看行步长：它等于间隔 2 乘以 a 的行步长。",
        "column stride": "列的切片间隔为 1，所以列步长不变。",
        "offset of both starts": "偏移量要为每个维度加上 start * stride：行的 start 和列的 start 都要算上。",
        "praise: slice header": "偏移量 1*5 + 3*1 = 8，步长 (2*5, 1*1)，大小分别为 len(range(1, 5, 2)) 和 "
                                "len(range(3, 5))。",
        # 6.2
        "hint: corner view": "6 位于第 1 行第 1 列。6 和 8 相隔几行几列？6 和 16 呢？",
        "other elements": "你的视图形状是对的，但存放的是 a 的其他元素。",
        "copied, not a view": "值是对的，但这不是 a 的视图：它是复制出来的（它的头信息并不指向 a 的存储）。请直接对 a "
                              "做切片。",
        "praise: corner view": "行和列都从 1 开始、每次前进 2，也就是 a[1::2, 1::2]。",
        # 6.3
        "hint: slice_view header": "看 slice_view 的最后三行：Python 的 slice(...).indices 先截断 start 和 stop，"
                                   "然后大小数出能走多少步，步长乘以 step，偏移量移到 start 处。",
        "header's form": "这是 header 的形式，形状和步长各用一个元组表示：slice_view 返回的是三个普通的数，"
                         "(size, stride, offset)。",
        "not three numbers": "请用三个整数作答：(size, stride, offset)。",
        "count the elements": "数一数元素个数：这里的 range(start, stop, step) 包含多少个索引？",
        "stride times step": "x 的步长是 1，slice_view 把它乘以 step。",
        "offset of the first kept": "偏移量移到切片保留的第一个元素在存储中的位置。",
        "praise: slice_view header": "3 个元素 (2, 5, 8)，步长 1 * 3，偏移量 0 + 2 * 1：没有复制任何元素。",
        # 6.4
        "hint: predict gather": "gather(1, index) 保持行不变：out[i][j] = src[i][index[i][j]]。结果的形状与 index "
                                "相同。",
        "not a nested list": "请用嵌套列表作答，每行一个内层列表，例如 [[1, 2], [3, 4]]。",
        "not a whole number": "每个元素都应当是取自 src 的整数。",
        "ragged rows": "你的各行长度不一；张量的各行长度都相同。",
        "not index's shape": "你的答案形状是 {shape}，但 gather 的结果总是与 index 形状相同：index 的每个元素对应"
                             "一个输出元素。",
        "read as row numbers": "你把每个索引值都当成了行号，那是 gather(0, index)：out[i][j] = src[index[i][j]][j]。"
                               "当 dim=1 时，索引值是列号，而行保持为 i。",
        "row with wrong columns": "你的答案的第 {rows} 行取自 src 正确的行，但列不对：索引值是要读取的列号，从 0 开始"
                                  "计数。",
        "rows with wrong columns": "你的答案的第 {rows} 行都取自 src 正确的行，但列不对：索引值是要读取的列号，从 0 "
                                   "开始计数。",
        "row not right": "你的答案的第 {rows} 行不对。结果的第 i 行就是 src 的第 i 行，在 index 第 i 行指定的各列处"
                         "读取。",
        "rows not right": "你的答案的第 {rows} 行都不对。结果的第 i 行就是 src 的第 i 行，在 index 第 i 行指定的各列"
                          "处读取。",
        "praise: predict gather": "每个输出元素都是 src[i][index[i][j]]：结果的第 i 行在指定的各列处读取 src 的第 i 行。",
        # 6.5
        "hint: contiguous reads": "在 ViewExplorer 中，第 0 维的“起始”设为 1、“间隔”设为 2，第 1 维的“间隔”设为 3，"
                                  "permute 设为 1, 0。关于 contiguous() 的那一行列出了它读取的位置。",
        "a set has no order": "集合没有顺序，而顺序正是这道题的一半：请用列表作答。",
        "not a list of positions": "请用存储位置（整数）组成的列表作答，例如 [0, 1, 2]。",
        "position not covered": "这个视图并不覆盖位置 {position}。设置好 ViewExplorer 的控件，看看哪些存储单元显示为"
                                "视图的颜色。",
        "positions not covered": "这个视图并不覆盖位置 {position}，你的列表中还有别的位置也不在视图之内。设置好 "
                                 "ViewExplorer 的控件，看看哪些存储单元显示为视图的颜色。",
        "how many positions": "你的列表有 {count} 个位置；而这个视图有 {elements} 个元素，每个元素各占一个位置。",
        "in storage order": "这些单元是对的，但你是按存储顺序排列的。contiguous() 按行读取视图，而经过 .t() 之后，"
                            "视图的一行是 a[1::2, ::3] 的一列。",
        "not contiguous()'s order": "这些单元是对的，但顺序不是 contiguous() 读取它们的顺序：它先从左到右读视图的"
                                    "第 0 行，再读第 1 行。",
        "praise: contiguous reads": "转置后视图的行就是切片的列，所以 contiguous() 在存储中来回跳跃。",
    },
)


@exercise(
    solution=lambda: ((2, 2), (10, 1), 8),
    wrong_answers=[
        lambda: ((2, 2), (5, 1), 8),
        lambda: ((2, 2), (10, 1), 3),
        lambda: ((3, 2), (10, 1), 8),
        lambda: ((2, 2), (10, 3), 8),
    ],
    hint=MESSAGES.later("hint: slice header"),
)
def slice_header(answer):
    "(shape, stride, offset) of a[1::2, 3:] with a = torch.arange(0, 25.0).view(5, 5)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 3):
        raise Wrong(MESSAGES("not three parts"))
    shape, stride, offset = answer
    shape = expect_int_tuple(shape, 2, MESSAGES("your shape"))
    stride = expect_int_tuple(stride, 2, MESSAGES("your stride"))
    if shape[0] != 2:
        raise Wrong(MESSAGES("count the rows"))
    if shape[1] != 2:
        raise Wrong(MESSAGES("count the columns"))
    if stride[0] != 10:
        raise Wrong(MESSAGES("row stride"))
    if stride[1] != 1:
        raise Wrong(MESSAGES("column stride"))
    if offset != 8:
        raise Wrong(MESSAGES("offset of both starts"))
    return MESSAGES("praise: slice header")


@exercise(
    solution=lambda: tinytorch.arange(0, 25.0).view(5, 5)[1::2, 1::2],
    wrong_answers=[
        lambda: tinytorch.tensor([[6.0, 8.0], [16.0, 18.0]]),
        lambda: tinytorch.arange(0, 25.0).view(5, 5)[::2, ::2],
        lambda: tinytorch.arange(0, 25.0).view(5, 5)[1::2, ::2],
    ],
    hint=MESSAGES.later("hint: corner view"),
)
def corner_view(answer):
    "The 2x2 view [[6, 8], [16, 18]] of a, made by one slicing expression."
    expect_tensor(answer)
    expect_shape(answer, (2, 2))
    if not same_values([[float(v) for v in row] for row in answer.tolist()], [[6.0, 8.0], [16.0, 18.0]]):
        raise Wrong(MESSAGES("other elements"))
    if answer.storage_offset() != 6 or tuple(answer.stride()) != (10, 2):
        raise Wrong(MESSAGES("copied, not a view"))
    return MESSAGES("praise: corner view")


# -- exercise 6.3: read the source of slicing --------------------------------------------
def _header_of_slice():
    """(size, stride, offset) of x[2:9:3], x = arange(10.0): computed by slicing for real."""
    s = tinytorch.arange(10.0)[2:9:3]
    return (s.shape[0], s.stride()[0], s.storage_offset())


@exercise(
    solution=_header_of_slice,
    wrong_answers=[lambda: (2, 3, 2), lambda: (3, 1, 2), lambda: (3, 3, 0), lambda: (3, 3, 6)],
    hint=MESSAGES.later("hint: slice_view header"),
)
def slice_view_header(answer):
    "(new_size, new_stride, new_offset) that slice_view returns for x[2:9:3], x = torch.arange(10.0)."
    if (isinstance(answer, (tuple, list)) and len(answer) == 3 and isinstance(answer[0], (tuple, list))
            and len(answer[0]) == 1 and isinstance(answer[1], (tuple, list)) and len(answer[1]) == 1):
        raise Wrong(MESSAGES("header's form"))
    if not (isinstance(answer, (tuple, list)) and len(answer) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong(MESSAGES("not three numbers"))
    size, stride, offset = answer
    expected_size, expected_stride, expected_offset = _header_of_slice()
    if size != expected_size:
        raise Wrong(MESSAGES("count the elements"))
    if stride != expected_stride:
        raise Wrong(MESSAGES("stride times step"))
    if offset != expected_offset:
        raise Wrong(MESSAGES("offset of the first kept"))
    return MESSAGES("praise: slice_view header")


# -- exercise 6.4: predict a gather -----------------------------------------------------------
_GATHER_SOURCE = [[10, 11, 12], [20, 21, 22], [30, 31, 32]]
_GATHER_INDEX = [[2, 0], [1, 1], [0, 2]]


def _gathered(dim):
    """What gather(dim, index) gives for the exercise's tensors, computed by tinytorch."""
    return tinytorch.tensor(_GATHER_SOURCE).gather(dim, tinytorch.tensor(_GATHER_INDEX)).tolist()


def _nested_ints(answer):
    """The answer as a list of lists of ints (a tensor's tolist() counts too), or Wrong."""
    if hasattr(answer, "tolist") and not isinstance(answer, (list, tuple)):
        answer = answer.tolist()
    if not (isinstance(answer, (list, tuple)) and all(isinstance(row, (list, tuple)) for row in answer)):
        raise Wrong(MESSAGES("not a nested list"))
    rows = [list(row) for row in answer]
    for row in rows:
        for v in row:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
                raise Wrong(MESSAGES("not a whole number"))
    return [[int(v) for v in row] for row in rows]


@exercise(
    solution=lambda: _gathered(1),
    wrong_answers=[
        lambda: _gathered(0),
        lambda: [[30, 21, 12]],
        lambda: [[12, 10], [21, 21], [32, 30]],
        lambda: [[12, 21, 30], [10, 21, 32]],
    ],
    right_answers=[lambda: tinytorch.tensor(_gathered(1))],
    hint=MESSAGES.later("hint: predict gather"),
)
def predict_gather(answer):
    "src.gather(1, index) for src = [[10, 11, 12], [20, 21, 22], [30, 31, 32]], index = [[2, 0], [1, 1], [0, 2]]."
    rows = _nested_ints(answer)
    shape = (len(rows), len(rows[0]) if rows else 0)
    if any(len(row) != shape[1] for row in rows):
        raise Wrong(MESSAGES("ragged rows"))
    if shape != (3, 2):
        raise Wrong(MESSAGES("not index's shape", shape=shape))
    if rows == _gathered(0):
        raise Wrong(MESSAGES("read as row numbers"))
    expected = _gathered(1)
    wrong = [i for i in range(3) if rows[i] != expected[i]]
    named = MESSAGES("list separator").join(map(str, wrong))
    if wrong and all(v // 10 == i + 1 for i in wrong for v in rows[i]):
        raise Wrong(MESSAGES("rows with wrong columns" if len(wrong) > 1 else "row with wrong columns", rows=named))
    if wrong:
        raise Wrong(MESSAGES("rows not right" if len(wrong) > 1 else "row not right", rows=named))
    return MESSAGES("praise: predict gather")


# -- exercise 6.5: a view's cells, found with the explorer ----------------------------------------
def _contiguous_order():
    """The storage positions a[1::2, ::3].t() covers, in the row-major order contiguous() reads them."""
    a = tinytorch.arange(0, 25.0).view(5, 5)
    v = a[1::2, ::3].t()
    return [v.storage_offset() + i * v.stride(0) + j * v.stride(1) for i in range(v.shape[0])
            for j in range(v.shape[1])]


@exercise(
    solution=_contiguous_order,
    wrong_answers=[
        lambda: sorted(_contiguous_order()),
        lambda: set(_contiguous_order()),
        lambda: [0, 15, 3, 18],
        lambda: [5, 15],
        lambda: list(range(25)),
    ],
    right_answers=[lambda: tuple(_contiguous_order())],
    hint=MESSAGES.later("hint: contiguous reads"),
)
def contiguous_reads(answer):
    "The storage positions a[1::2, ::3].t() covers, in the order contiguous() reads them."
    if isinstance(answer, (set, frozenset)):
        raise Wrong(MESSAGES("a set has no order"))
    if not (isinstance(answer, (list, tuple)) and all(isinstance(p, int) and not isinstance(p, bool)
                                                      for p in answer)):
        raise Wrong(MESSAGES("not a list of positions"))
    expected = _contiguous_order()
    extra = sorted(set(answer) - set(expected))
    if extra:  # one position named; naming them all would give the view's cells away
        raise Wrong(MESSAGES("positions not covered" if len(extra) > 1 else "position not covered", position=extra[0]))
    if len(answer) != len(expected) or set(answer) != set(expected):
        raise Wrong(MESSAGES("how many positions", count=len(answer), elements=len(expected)))
    if list(answer) == sorted(expected):
        raise Wrong(MESSAGES("in storage order"))
    if list(answer) != expected:
        raise Wrong(MESSAGES("not contiguous()'s order"))
    return MESSAGES("praise: contiguous reads")
