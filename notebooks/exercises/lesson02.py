"""Lesson 2 (tensor basics): predicting dtypes and shapes, reading the storage widget,
diagnosing a matrix product, joining and permuting."""
import tinytorch
from widgets.language import Catalog

from .checking import Wrong, exercise, expect_int_tuple, expect_letter, is_tensor

# Every learner-visible text of this lesson's checks, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # 2.1
        "hint: division dtype": "`/` is true division, which never rounds. What is the default floating-point dtype?",
        "dtype as a string": "write the dtype itself, like torch.int32, not a string.",
        "not a dtype": "your answer is a {kind}; write a dtype, like torch.int32.",
        "integer dtype": "`/` is true division: 3 / 2 is 1.5, so the result cannot be an integer type, "
                         "even when every quotient happens to be whole.",
        "another float dtype": "a float type, yes, but not {name}: the result takes the default floating-point dtype.",
        "praise: division dtype": "`/` promotes integers to the default float dtype, float32; use `//` to stay with "
                                  "integers.",
        # shapes written as tuples (2.2, 2.5, 2.6)
        "your shape": "your shape",
        "shape is a number": "a shape is a tuple with one size per dimension, even for one dimension: (5,) not 5.",
        "shape not a tuple": "answer with a tuple of sizes, like (5, 2); yours is a {kind}.",
        # 2.2
        "hint: picked shape": "Take the two indices one at a time: a slice keeps its dimension (how many rows does "
                              "`1:` keep?), a single number removes its dimension.",
        "picked: two dimensions": "the single index 2 removes the column dimension: only the slice `1:` keeps a "
                                  "dimension. (The slice m[1:, 2:3] would keep both.)",
        "picked: dimensions": "your shape has {count:size|sizes}. m has 2 dimensions; a single index removes one "
                              "of them.",
        "picked: the columns": "{columns} is the number of columns, but the column dimension is the one the single "
                               "index 2 removes. What remains is the rows the slice `1:` keeps.",
        "picked: every row": "m has {rows:row|rows}, but `1:` starts at row 1: it leaves row 0 out.",
        "picked: count the rows": "count the rows the slice `1:` keeps: from row 1 to the last row of m.",
        "praise: picked shape": "`1:` keeps rows 1 and 2 (a slice keeps its dimension); the 2 picks one column and "
                                "removes that dimension.",
        # 2.3
        "hint: corner cells": "Under each element of grid[1:, 2:] the widget writes @ and the storage position it "
                              "lives at. Or click an element: the line under the picture works the position out.",
        "corner: one number": "grid[1:, 2:] has {count:element|elements}: give a list of {count:position|positions}, "
                              "one per element, like [0, 1, 2, 3].",
        "corner: not a list": "answer with a list of storage positions, like [0, 1, 2, 3]; yours is a {kind}.",
        "corner: not whole numbers": "each storage position is a whole number, like the numbers under the strip.",
        "corner: how many": "grid[1:, 2:] has {count:element|elements} (2 rows of 2): give one position for each.",
        "corner: the values": "those are the values the elements hold. The question asks where they live: the "
                              "storage positions, written @ under each element and numbered under the strip.",
        "corner: a cell outside": "grid's storage has {count:cell|cells}, numbered 0 to {last}; {outside} is not "
                                  "among them.{extra}",
        "corner: cells outside": "grid's storage has {count:cell|cells}, numbered 0 to {last}; {outside} are not "
                                 "among them.{extra}",
        "corner: counted from 1": " The strip numbers its cells from 0.",
        "corner: the order": "those are the right cells, but not in the order of the view's elements: list row 0 "
                             "of grid[1:, 2:] first, then row 1.",
        "corner: a foreign cell": "cell {cell} holds grid[{row}, {col}], which is not an element of "
                                  "grid[1:, 2:].{extra}",
        "corner: one block": " The corner's elements are not one block of storage: its second row does not start "
                             "where its first row ends.",
        "corner: one more": " Each of your positions is one more than a cell of the corner: the strip counts from 0.",
        "corner: twice": "every position is a cell of the corner, but some appear twice: each element lives in its "
                         "own cell.",
        "praise: corner cells": "the corner starts at cell 6 (its offset), and its second row starts a whole row of "
                                "grid later: a view's elements need not sit side by side in storage.",
        # 2.4
        "hint: matmul fix": "For @ the last size of the left tensor must equal the first size of the right one, and "
                            "the result keeps the left's first size and the right's last. Which line gives (5, 2)?",
        "why not A": "`*` multiplies element by element, and needs shapes that match or broadcast. (5, 3) and (2, 3) "
                     "do not (5 against 2), so it raises too.",
        "why not B": "it runs, but (2, 3) @ (3, 5) gives a (2, 5) result: one row per output, not one row per sample.",
        "why not D": "(3, 5) @ (2, 3): the inner sizes, 5 and 2, disagree, so it raises the same kind of error.",
        "praise: matmul fix": "W.T has shape (3, 2), so (5, 3) @ (3, 2) gives (5, 2). Linear layers store their "
                              "weights as (outputs, inputs) and compute X @ W.T for exactly this reason.",
        # 2.5
        "hint: joined shapes": "cat joins along a dimension the tensors already have (dim 0 unless you say dim=); "
                               "stack first adds a new dimension (in front, unless you say dim=) and joins along it.",
        "joined: not a pair": "answer with a pair of shapes, (shape of cat, shape of stack), like "
                              "((1, 2), (3, 4, 5)).",
        "your shape for cat": "your shape for cat",
        "your shape for stack": "your shape for stack",
        "joined: swapped": "you swapped them: cat keeps the number of dimensions (2 here) and makes one of them "
                           "longer; stack adds a new dimension.",
        "joined: problems": "{problems}.",
        "joined: between problems": "; ",
        "cat: dimensions": "cat joins along a dimension the tensors already have, so its result has 2 dimensions, "
                           "like each piece",
        "cat: another join": "for cat, {shape} is the shape of {call}; without dim= cat joins along dim 0",
        "cat: along dim 0": "cat puts the pieces one after another along dim 0: the other size stays as it is",
        "stack: dimensions": "stack adds a dimension, so its result has 3 dimensions",
        "stack: another join": "for stack, {shape} is the shape of {call}; without dim= the new dimension comes first",
        "stack: the pieces": "stack keeps each piece's shape (2, 4) whole and adds one dimension that counts the "
                             "pieces",
        "praise: joined shapes": "cat lays the three (2, 4) pieces end to end along dim 0; stack puts them in a new "
                                 "dim 0, one per piece.",
        # 2.6
        "hint: permuted shape": "Read permute's numbers left to right: the first one says which old dimension "
                                "becomes dimension 0 of the result, and so on.",
        "permute: its arguments": "those are the numbers passed to permute (numbers of old dimensions); the question "
                                  "asks for the sizes of the result.",
        "permute: the sizes": "permute only reorders the dimensions: the result has the sizes 2, 3 and 4, in some "
                              "order.",
        "permute: unchanged": "that is the shape before permute: permute(1, 2, 0) changes the order of the sizes.",
        "permute: inverse": "you read the numbers as where each old dimension goes. permute reads them the other "
                            "way: the k-th number names the old dimension that becomes new dimension k.",
        "permute: another order": "a reordering of 2, 3 and 4, but not this one: new dimension k gets the size of "
                                  "the old dimension whose number stands k-th in permute's list.",
        "praise: permuted shape": "new dim 0 is old dim 1 (size 3), new dim 1 is old dim 2 (size 4), new dim 2 is "
                                  "old dim 0 (size 2). No data moves: only the sizes and strides are reordered.",
    },
    zh_CN={
        # 2.1
        "hint: division dtype": "`/` 是真除法，从不取整。默认的浮点数据类型是什么？",
        "dtype as a string": "请直接写出数据类型本身，例如 torch.int32，而不是字符串。",
        "not a dtype": "你的答案的类型是 {kind}；请写一个数据类型，例如 torch.int32。",
        "integer dtype": "`/` 是真除法：3 / 2 等于 1.5，所以结果不可能是整数类型，即使每个商恰好都是整数也不行。",
        "another float dtype": "没错，是浮点类型，但不是 {name}：结果采用的是默认的浮点数据类型。",
        "praise: division dtype": "`/` 把整数提升为默认的浮点数据类型 float32；想保持整数类型，请用 `//`。",
        # shapes written as tuples (2.2, 2.5, 2.6)
        "your shape": "你的形状",
        "shape is a number": "形状是一个元组，每个维度一个大小；即使只有一个维度也是如此：写 (5,)，而不是 5。",
        "shape not a tuple": "请用由各维大小组成的元组作答，例如 (5, 2)；你的答案的类型是 {kind}。",
        # 2.2
        "hint: picked shape": "把两个索引逐个来看：切片保留它所在的维度（`1:` 保留了几行？），单个数则去掉它所在的维度。",
        "picked: two dimensions": "单个索引 2 去掉了列这一维：只有切片 `1:` 保留了维度。"
                                  "（切片 m[1:, 2:3] 才会两个维度都保留。）",
        "picked: dimensions": "你的形状有 {count} 个大小。m 有 2 个维度；单个索引会去掉其中一个。",
        "picked: the columns": "{columns} 是列数，但单个索引 2 去掉的正是列这一维。剩下的是切片 `1:` 保留的那些行。",
        "picked: every row": "m 有 {rows} 行，但 `1:` 从第 1 行开始：它不包括第 0 行。",
        "picked: count the rows": "数一数切片 `1:` 保留了几行：从第 1 行一直到 m 的最后一行。",
        "praise: picked shape": "`1:` 保留第 1 行和第 2 行（切片保留它所在的维度）；2 选出一列，并去掉列这一维。",
        # 2.3
        "hint: corner cells": "交互控件在 grid[1:, 2:] 的每个元素下方写着 @ 和该元素所在的存储位置。"
                              "也可以点击一个元素：图下方的文字会把它的位置推算出来。",
        "corner: one number": "grid[1:, 2:] 有 {count} 个元素：请给出由 {count} 个位置组成的列表，每个元素一个，"
                              "例如 [0, 1, 2, 3]。",
        "corner: not a list": "请用存储位置的列表作答，例如 [0, 1, 2, 3]；你的答案的类型是 {kind}。",
        "corner: not whole numbers": "每个存储位置都是一个整数，就像存储条下方的那些编号。",
        "corner: how many": "grid[1:, 2:] 有 {count} 个元素（2 行，每行 2 个）：请为每个元素给出一个位置。",
        "corner: the values": "这些是元素存放的值。题目问的是它们位于哪里：即存储位置，"
                              "交互控件把它写在每个元素下方的 @ 后面，存储条下方也有编号。",
        "corner: a cell outside": "grid 的存储有 {count} 个单元，编号从 0 到 {last}；{outside} 不在其中。{extra}",
        "corner: cells outside": "grid 的存储有 {count} 个单元，编号从 0 到 {last}；{outside} 不在其中。{extra}",
        "corner: counted from 1": "存储条上的单元从 0 开始编号。",
        "corner: the order": "这些存储单元是对的，但顺序与视图中元素的顺序不一致：先列出 grid[1:, 2:] 的第 0 行，"
                             "再列出第 1 行。",
        "corner: a foreign cell": "存储单元 {cell} 存放的是 grid[{row}, {col}]，它不是 grid[1:, 2:] 的元素。{extra}",
        "corner: one block": "右下角的元素在存储中并不是连成一整块的：它的第二行并不是紧接着第一行的末尾开始的。",
        "corner: one more": "你给出的每个位置都比右下角的某个存储单元大 1：存储条是从 0 开始编号的。",
        "corner: twice": "每个位置都是右下角的存储单元，但有些位置出现了两次：每个元素都有自己的存储单元。",
        "praise: corner cells": "右下角从存储单元 6 开始（这是它的偏移量），而它的第二行要在 grid 中隔一整行之后才开始："
                                "视图的元素在存储中不一定挨在一起。",
        # 2.4
        "hint: matmul fix": "对于 @，左边张量的最后一维大小必须等于右边张量的第一维大小，"
                            "结果保留左边的第一维大小和右边的最后一维大小。哪一行能得到 (5, 2)？",
        "why not A": "`*` 是逐元素相乘，要求形状相同或者可以广播。(5, 3) 和 (2, 3) 都不满足（5 对 2），"
                     "所以它也会报错。",
        "why not B": "它能运行，但 (2, 3) @ (3, 5) 得到的是 (2, 5) 的结果：每个输出一行，而不是每个样本一行。",
        "why not D": "(3, 5) @ (2, 3)：内侧的两个大小 5 和 2 不一致，所以会报同一类错误。",
        "praise: matmul fix": "W.T 的形状是 (3, 2)，所以 (5, 3) @ (3, 2) 得到 (5, 2)。"
                              "线性层把权重存成（输出，输入）的形状，并计算 X @ W.T，正是出于这个原因。",
        # 2.5
        "hint: joined shapes": "cat 沿着张量已有的某一维拼接（不写 dim= 时为第 0 维）；"
                               "stack 先新增一个维度（不写 dim= 时加在最前面），再沿这个新维度拼接。",
        "joined: not a pair": "请用一对形状作答：（cat 结果的形状，stack 结果的形状），例如 ((1, 2), (3, 4, 5))。",
        "your shape for cat": "你给 cat 的形状",
        "your shape for stack": "你给 stack 的形状",
        "joined: swapped": "你把两者弄反了：cat 保持维数不变（这里是 2），只让其中一维变长；stack 则新增一个维度。",
        "joined: problems": "{problems}。",
        "joined: between problems": "；",
        "cat: dimensions": "cat 沿着张量已有的某一维拼接，所以结果和每一块一样有 2 个维度",
        "cat: another join": "对于 cat，{shape} 是 {call} 的形状；不写 dim= 时，cat 沿第 0 维拼接",
        "cat: along dim 0": "cat 沿第 0 维把各块一个接一个地排起来：另一维的大小保持不变",
        "stack: dimensions": "stack 会新增一个维度，所以结果有 3 个维度",
        "stack: another join": "对于 stack，{shape} 是 {call} 的形状；不写 dim= 时，新维度排在最前面",
        "stack: the pieces": "stack 完整保留每一块的形状 (2, 4)，并新增一个维度来给各块计数",
        "praise: joined shapes": "cat 沿第 0 维把三个 (2, 4) 的块首尾相接；stack 则把它们放进新的第 0 维，每块占一个位置。",
        # 2.6
        "hint: permuted shape": "从左到右读 permute 的参数：第一个数指明哪个旧维度成为结果的第 0 维，依此类推。",
        "permute: its arguments": "这些是传给 permute 的数（旧维度的编号）；题目问的是结果各维的大小。",
        "permute: the sizes": "permute 只是重排维度：结果的各维大小是 2、3 和 4，只是顺序不同。",
        "permute: unchanged": "这是 permute 之前的形状：permute(1, 2, 0) 会改变各维大小的顺序。",
        "permute: inverse": "你把这些数理解成了每个旧维度要去的位置。permute 的读法正好相反："
                            "第 k 个数指明哪个旧维度成为新的第 k 维。",
        "permute: another order": "是 2、3 和 4 的一种排列，但不是这一种：新的第 k 维取的是编号排在 permute "
                                  "参数列表第 k 位的那个旧维度的大小。",
        "praise: permuted shape": "新的第 0 维是旧的第 1 维（大小 3），新的第 1 维是旧的第 2 维（大小 4），"
                                  "新的第 2 维是旧的第 0 维（大小 2）。没有移动任何数据：只是重排了各维的大小和步长。",
    },
)

# The expected answers are computed with tinytorch (tests/test_lesson02_claims.py checks
# that real torch agrees), never typed by hand.
_M = tinytorch.arange(12).reshape(3, 4)


# -- 2.1 --------------------------------------------------------------------------
@exercise(
    solution=lambda: tinytorch.float32,
    wrong_answers=[lambda: tinytorch.int64, lambda: tinytorch.float64, lambda: "float32",
                   lambda: tinytorch.tensor([1.0, 2.0])],  # the result itself, not its dtype
    hint=MESSAGES.later("hint: division dtype"),
)
def division_dtype(answer):
    "The dtype of torch.tensor([2, 4]) / 2."
    if isinstance(answer, str):
        raise Wrong(MESSAGES("dtype as a string"))
    if not hasattr(answer, "is_floating_point") or is_tensor(answer):  # (a tensor has is_floating_point() too)
        raise Wrong(MESSAGES("not a dtype", kind=type(answer).__name__))
    name = str(answer).rsplit(".", 1)[-1]
    if not answer.is_floating_point:
        raise Wrong(MESSAGES("integer dtype"))
    if name != "float32":
        raise Wrong(MESSAGES("another float dtype", name=name))
    return MESSAGES("praise: division dtype")


# -- 2.2 --------------------------------------------------------------------------
_PICKED = tuple(_M[1:, 2].shape)  # m[1:, 2]


def _shape_answer(answer, what=None):
    """A shape written as a tuple (or list, or torch.Size) of ints, of any length; `what` names it in
    feedback ("your shape" unless given)."""
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong(MESSAGES("shape is a number"))
    if not isinstance(answer, (tuple, list)):
        raise Wrong(MESSAGES("shape not a tuple", kind=type(answer).__name__))
    return expect_int_tuple(answer, len(answer), what or MESSAGES("your shape"))


@exercise(
    solution=lambda: _PICKED,
    wrong_answers=[lambda: (2, 1), lambda: (3,), lambda: (4,), lambda: (2, 4), lambda: 2],
    right_answers=[lambda: [2], lambda: tinytorch.Size([2]), lambda: _M[1:, 2].shape],
    hint=MESSAGES.later("hint: picked shape"),
)
def picked_shape(answer):
    "The shape of m[1:, 2], with m = torch.arange(12).reshape(3, 4)."
    shape = _shape_answer(answer)
    if len(shape) == 2:
        raise Wrong(MESSAGES("picked: two dimensions"))
    if len(shape) != 1:
        raise Wrong(MESSAGES("picked: dimensions", count=len(shape)))
    if shape[0] == _M.shape[1]:
        raise Wrong(MESSAGES("picked: the columns", columns=_M.shape[1]))
    if shape[0] == _M.shape[0]:
        raise Wrong(MESSAGES("picked: every row", rows=_M.shape[0]))
    if shape != _PICKED:
        raise Wrong(MESSAGES("picked: count the rows"))
    return MESSAGES("praise: picked shape")


# -- 2.3: read off the StorageView ------------------------------------------------
_GRID = 10 * tinytorch.arange(12).reshape(3, 4)  # the lesson's grid; values 0, 10, ..., 110
_CORNER = _GRID[1:, 2:]


def _positions(view):
    """Storage position of each element of a 2-D view, row by row."""
    offset, (s0, s1) = view.storage_offset(), view.stride()
    return [offset + i * s0 + j * s1 for i in range(view.shape[0]) for j in range(view.shape[1])]


_CORNER_CELLS = _positions(_CORNER)
_GRID_INDEX = {p: divmod(p, _GRID.shape[1]) for p in range(_GRID.numel())}  # storage position -> grid[i, j]


@exercise(
    solution=lambda: list(_CORNER_CELLS),
    wrong_answers=[
        lambda: [6, 7, 8, 9],          # one block of 4 cells from the first one
        lambda: [60, 70, 100, 110],    # the values, not the positions
        lambda: [7, 8, 11, 12],        # counted from 1
        lambda: [6, 7, 10, 12],        # one position off, past the end
        lambda: [6, 10, 7, 11],        # column by column
        lambda: 6,
    ],
    right_answers=[lambda: tuple(_CORNER_CELLS), lambda: [_CORNER_CELLS[:2], _CORNER_CELLS[2:]]],
    hint=MESSAGES.later("hint: corner cells"),
)
def corner_cells(answer):
    "The storage positions of the elements of grid[1:, 2:], row by row."
    if isinstance(answer, int) and not isinstance(answer, bool):
        raise Wrong(MESSAGES("corner: one number", count=_CORNER.numel()))
    if not isinstance(answer, (list, tuple)):
        raise Wrong(MESSAGES("corner: not a list", kind=type(answer).__name__))
    if answer and all(isinstance(row, (list, tuple)) for row in answer):  # written row by row, as nested lists
        answer = [p for row in answer for p in row]
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in answer):
        raise Wrong(MESSAGES("corner: not whole numbers"))
    cells = list(answer)
    if len(cells) != _CORNER.numel():
        raise Wrong(MESSAGES("corner: how many", count=_CORNER.numel()))
    values = [int(v) for row in _CORNER.tolist() for v in row]
    if sorted(cells) == sorted(values) and cells != _CORNER_CELLS:
        raise Wrong(MESSAGES("corner: the values"))
    outside = [p for p in cells if p not in _GRID_INDEX]
    if outside:
        shifted = all(q - 1 in _CORNER_CELLS for q in cells)  # every position one too many: counted from 1
        extra = MESSAGES("corner: counted from 1") if shifted else ""
        raise Wrong(MESSAGES("corner: a cell outside" if len(outside) == 1 else "corner: cells outside",
                             count=_GRID.numel(), last=_GRID.numel() - 1, outside=outside, extra=extra))
    if cells == _CORNER_CELLS:
        return MESSAGES("praise: corner cells")
    if sorted(cells) == sorted(_CORNER_CELLS):
        raise Wrong(MESSAGES("corner: the order"))
    foreign = [p for p in cells if p not in _CORNER_CELLS]
    if foreign:
        p = foreign[0]
        i, j = _GRID_INDEX[p]
        block = ""
        if cells == list(range(cells[0], cells[0] + len(cells))):
            block = MESSAGES("corner: one block")
        elif all(q - 1 in _CORNER_CELLS for q in cells):
            block = MESSAGES("corner: one more")
        raise Wrong(MESSAGES("corner: a foreign cell", cell=p, row=i, col=j, extra=block))
    raise Wrong(MESSAGES("corner: twice"))


# -- 2.4: diagnose a matrix product -----------------------------------------------
_FIX_CHOICES = {"A", "B", "C", "D"}
_WHY_NOT = {"A": "why not A", "B": "why not B", "D": "why not D"}  # the MESSAGES that say why each is wrong


@exercise(
    solution=lambda: "C",
    wrong_answers=[lambda: "A", lambda: "B", lambda: "D", lambda: "E", lambda: {"B", "C"}],
    right_answers=[lambda: "c", lambda: {"C"}],
    hint=MESSAGES.later("hint: matmul fix"),
)
def matmul_fix(answer):
    "Which line multiplies X (5x3) by W (2x3) to get one row of 2 outputs per sample?"
    letter = expect_letter(answer, _FIX_CHOICES)
    if letter in _WHY_NOT:
        raise Wrong(MESSAGES(_WHY_NOT[letter]))
    return MESSAGES("praise: matmul fix")


# -- 2.5: cat and stack ------------------------------------------------------------
_PIECES = [tinytorch.zeros(2, 4) for _ in range(3)]
_JOINED = (tuple(tinytorch.cat(_PIECES).shape), tuple(tinytorch.stack(_PIECES).shape))
_OTHER_JOINS = {  # shapes of the other ways to join, for the feedback
    tuple(tinytorch.cat(_PIECES, dim=1).shape): "torch.cat(..., dim=1)",
    tuple(tinytorch.stack(_PIECES, dim=1).shape): "torch.stack(..., dim=1)",
    tuple(tinytorch.stack(_PIECES, dim=2).shape): "torch.stack(..., dim=2)",
}


@exercise(
    solution=lambda: _JOINED,
    wrong_answers=[
        lambda: _JOINED[::-1],                               # cat and stack swapped
        lambda: ((2, 12), _JOINED[1]),                       # cat along dim 1
        lambda: (_JOINED[0], (2, 3, 4)),                     # new dimension in the middle
        lambda: (_JOINED[0], (2, 4, 3)),                     # new dimension last
        lambda: (6, 4),
    ],
    right_answers=[lambda: [list(_JOINED[0]), list(_JOINED[1])],
                   lambda: (tinytorch.cat(_PIECES).shape, tinytorch.stack(_PIECES).shape)],
    hint=MESSAGES.later("hint: joined shapes"),
)
def joined_shapes(answer):
    "(torch.cat([a, b, c]).shape, torch.stack([a, b, c]).shape) for three tensors of shape (2, 4)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(part, (tuple, list)) for part in answer)):
        raise Wrong(MESSAGES("joined: not a pair"))
    cat_shape = _shape_answer(answer[0], MESSAGES("your shape for cat"))
    stack_shape = _shape_answer(answer[1], MESSAGES("your shape for stack"))
    if (cat_shape, stack_shape) == _JOINED[::-1]:
        raise Wrong(MESSAGES("joined: swapped"))
    problems = []
    if cat_shape != _JOINED[0]:
        if len(cat_shape) != 2:
            problems.append(MESSAGES("cat: dimensions"))
        elif cat_shape in _OTHER_JOINS:
            problems.append(MESSAGES("cat: another join", shape=cat_shape, call=_OTHER_JOINS[cat_shape]))
        else:
            problems.append(MESSAGES("cat: along dim 0"))
    if stack_shape != _JOINED[1]:
        if len(stack_shape) != 3:
            problems.append(MESSAGES("stack: dimensions"))
        elif stack_shape in _OTHER_JOINS:
            problems.append(MESSAGES("stack: another join", shape=stack_shape, call=_OTHER_JOINS[stack_shape]))
        else:
            problems.append(MESSAGES("stack: the pieces"))
    if problems:
        raise Wrong(MESSAGES("joined: problems", problems=MESSAGES("joined: between problems").join(problems)))
    return MESSAGES("praise: joined shapes")


# -- 2.6: permute ------------------------------------------------------------------
_ORDER = (1, 2, 0)
_CUBE_SHAPE = (2, 3, 4)
_PERMUTED = tuple(tinytorch.zeros(*_CUBE_SHAPE).permute(*_ORDER).shape)
_INVERSE = tuple(tinytorch.zeros(*_CUBE_SHAPE).permute(*[_ORDER.index(k) for k in range(3)]).shape)


@exercise(
    solution=lambda: _PERMUTED,
    wrong_answers=[lambda: _INVERSE, lambda: _CUBE_SHAPE, lambda: _ORDER, lambda: (4, 3, 2), lambda: (24,)],
    right_answers=[lambda: list(_PERMUTED), lambda: tinytorch.Size(_PERMUTED)],
    hint=MESSAGES.later("hint: permuted shape"),
)
def permuted_shape(answer):
    "The shape of torch.zeros(2, 3, 4).permute(1, 2, 0)."
    shape = _shape_answer(answer)
    if len(shape) != len(_CUBE_SHAPE) or sorted(shape) != sorted(_CUBE_SHAPE):
        if shape == _ORDER:
            raise Wrong(MESSAGES("permute: its arguments"))
        raise Wrong(MESSAGES("permute: the sizes"))
    if shape == _CUBE_SHAPE:
        raise Wrong(MESSAGES("permute: unchanged"))
    if shape == _INVERSE:
        raise Wrong(MESSAGES("permute: inverse"))
    if shape != _PERMUTED:
        raise Wrong(MESSAGES("permute: another order"))
    return MESSAGES("praise: permuted shape")
