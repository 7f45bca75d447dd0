"""Lesson 5 (inside a tensor): strides, offsets, shared storage."""
import inspect

import numpy as np

import tinytorch
import tinytorch.ops.views

from widgets.language import Catalog

from .checking import Wrong, call_answer, exercise, expect_callable, expect_int_tuple, is_tensor, library_of

# What the checks of lesson 5 say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        "your strides": "your strides",
        "list separator": ", ",
        # 5.1
        "hint: fresh strides": "The last dimension's elements sit side by side. One step in the dimension before "
                               "skips a whole row of the last dimension.",
        "fresh: last stride": "in a fresh tensor, neighbours in the last dimension are neighbours in memory.",
        "fresh: that is the shape": "that is the shape. A stride counts the elements skipped per step.",
        "fresh: middle stride": "one step in the middle dimension skips all the elements of one row of the last "
                                "dimension.",
        "fresh: first stride": "one step in the first dimension skips a whole 3x4 block.",
        "praise: fresh strides": "each stride is the product of the sizes to its right.",
        # 5.2
        "hint: slice header": "Slicing never moves elements: the strides stay b's, and the offset is where s[0, 0] "
                              "lives.",
        "not a pair: offset, strides": "answer with a pair: (offset, (stride0, stride1)).",
        "offset not whole": "the offset is a whole number of elements.",
        "slice keeps strides": "a slice keeps the strides of the tensor it slices: stepping down a column of s "
                               "still skips a row of b.",
        "offset of s[0, 0]": "the offset is the storage index of s[0, 0]. Which element of b is that?",
        "praise: slice header": "s[0, 0] is b[0, 1], storage index 1; the strides are b's.",
        # 5.3
        "hint: shares storage": "Compare something that belongs to the storage itself, not to a tensor's header or "
                                "to a temporary object.",
        "returns a non-bool": "your function returns a {kind}; it should return True or False.",
        "says they share": "your function says {x} and {y} share a storage, and that is not so.",
        "says they do not share": "your function says {x} and {y} do not share a storage, and that is not so.",
        "praise: shares storage": "the storage's data_ptr is the same for every view, whatever its offset.",
        # 5.4
        "hint: view indices": "In the widget, every element of q is labelled with the storage index it reads (the "
                              "number after @); clicking it shows offset + i·stride0 + j·stride1. Read q's rows in "
                              "order.",
        "not a list of rows": "answer with a list of q's rows, each a list of storage indices, like "
                              "[[0, 1], [2, 3], [4, 5]].",
        "index not whole": "a storage index is a whole number: answer with a list of rows of whole numbers, "
                           "like [[0, 1], [2, 3], [4, 5]].",
        "lists are columns": "each of your lists is a column of q. q has {rows:row|rows} of {cols}: list its rows, "
                             "one after another.",
        "wrong number of rows": "q has {rows:row|rows} of {cols:element|elements}: answer with {rows:list|lists} of "
                                "{cols:storage index|storage indices}.",
        "praise: view indices": "each row of q runs down a column of grid, taking every other element (stride 8: "
                                "two rows of grid), one step down q moves one column right in grid (stride 1), and "
                                "q[0, 0] is grid[0, 1] (offset 1): offset + i·stride0 + j·stride1, read off the "
                                "picture.",
        "values, not indices": "those are the values q holds. The question asks where they live: the index of the "
                               "storage cell each element reads (the number after @ in the widget).",
        "outside the storage": "the storage has {size:cell|cells}, numbered 0 to {last}: {index} is not one of them.",
        "fresh positions": "those are the positions of a fresh {rows}x{cols} tensor, counted row by row. q is a view "
                           "of grid: its elements stay where they are in grid's storage, and q's offset and "
                           "strides say where.",
        "right cells, wrong order": "those are the right storage cells, but not in q's order: your row i, place j "
                                    "should be the cell that q[i, j] reads. Click the elements of q in the widget "
                                    "to match them up.",
        "steps like grid": "your indices step the way grid's do (a whole row of grid down a column, 1 along a row). "
                           "q is a transposed view: its strides are not grid's.",
        "off by the same amount": "your indices step correctly along both dimensions, but they are all off by the "
                                  "same amount: q[0, 0] does not read storage cell {first}. Check q's storage "
                                  "offset: where does its first element sit?",
        "step along a row": "along a row of q your indices step by {along}. Moving one column right in q moves two "
                            "columns right in grid.t() (that is the ::2), and each column of grid.t() is a row of "
                            "grid.",
        "step down a column": "down a column of q your indices step by {down}. One step down q is one step down "
                              "grid.t(), which is one step along a row of grid.",
        "element misread": "{elements} does not read the storage index you gave. Click it in the widget to see the "
                           "cell it reads, and how offset + i·stride0 + j·stride1 gets there.",
        "elements misread": "{elements} do not read the storage index you gave. Click each in the widget to see the "
                            "cell it reads, and how offset + i·stride0 + j·stride1 gets there.",
        # 5.5
        "hint: view source": "Find the line of view that assigns `stride` (S. is tinytorch/strides.py), then the "
                             "check right below it: what does view test `stride` against?",
        "not a pair: name, value": 'answer with a pair: ("function_name", value).',
        "no such function": "tinytorch/strides.py has no function named {name}: the question asks for the S. "
                            "function that view calls.",
        "no such function, it is in views": "tinytorch/strides.py has no function named {name} (it lives in "
                                            "ops/views.py): the question asks for the S. function that view calls.",
        "view does not call it": "view does not call {name}: look for the S. functions in view's code.",
        "does not find strides": "view calls {name}, but it does not find strides: read what view does with its "
                                 "result.",
        "value is a string": "{value} is a string: answer with the value itself.",
        "not what it returns": "that is not what view_strides returns when no strides fit: read the check in view "
                               "right after the line that calls it.",
        "praise: view source": "view_strides answers None for bt, and view turns that None into the RuntimeError "
                               "you saw above.",
    },
    zh_CN={
        "your strides": "你的步长",
        "list separator": "、",
        # 5.1
        "hint: fresh strides": "最后一个维度上的元素在内存中紧挨着。在它前面的那个维度上走一步，要跳过最后一个维度的"
                               "一整行。",
        "fresh: last stride": "在新建的张量中，最后一个维度上相邻的元素，在内存中也相邻。",
        "fresh: that is the shape": "这是形状。步长表示每走一步要跳过多少个元素。",
        "fresh: middle stride": "在中间的维度上走一步，要跳过最后一个维度一整行的全部元素。",
        "fresh: first stride": "在第一个维度上走一步，要跳过一整块 3x4 的元素。",
        "praise: fresh strides": "每个步长都是它右边各维度大小的乘积。",
        # 5.2
        "hint: slice header": "切片从不移动元素：步长仍是 b 的步长，而偏移量就是 s[0, 0] 所在的位置。",
        "not a pair: offset, strides": "请用一个二元组作答：(offset, (stride0, stride1))。",
        "offset not whole": "偏移量是以元素为单位计数的整数。",
        "slice keeps strides": "切片保留被切张量的步长：沿 s 的一列向下走一步，跳过的仍是 b 的一行。",
        "offset of s[0, 0]": "偏移量是 s[0, 0] 的存储索引。它是 b 的哪个元素？",
        "praise: slice header": "s[0, 0] 就是 b[0, 1]，存储索引为 1；步长就是 b 的步长。",
        # 5.3
        "hint: shares storage": "去比较属于存储本身的东西，而不是属于张量头信息或某个临时对象的东西。",
        "returns a non-bool": "你的函数返回的是 {kind}；它应当返回 True 或 False。",
        "says they share": "你的函数认为 {x} 和 {y} 共享同一个存储，但事实并非如此。",
        "says they do not share": "你的函数认为 {x} 和 {y} 不共享存储，但事实并非如此。",
        "praise: shares storage": "同一个存储的每个视图，无论偏移量是多少，其存储的 data_ptr 都相同。",
        # 5.4
        "hint: view indices": "在交互控件中，q 的每个元素都标注了它读取的存储索引（@ 之后的数字）；点击它，会显示 "
                              "位置 = 偏移量 + i0·步长0 + i1·步长1。按顺序读出 q 的各行。",
        "not a list of rows": "请用 q 的各行组成的列表作答，每行是一个存储索引列表，例如 [[0, 1], [2, 3], [4, 5]]。",
        "index not whole": "存储索引是整数：请用由整数构成的各行组成的列表作答，例如 [[0, 1], [2, 3], [4, 5]]。",
        "lists are columns": "你的每个列表都是 q 的一列。q 有 {rows} 行，每行 {cols} 个元素：请依次列出它的各行。",
        "wrong number of rows": "q 有 {rows} 行，每行 {cols} 个元素：请用 {rows} 个列表作答，每个列表含 {cols} 个"
                                "存储索引。",
        "praise: view indices": "q 的每一行沿 grid 的一列向下，每隔一个元素取一个（步长 8：grid 的两行）；沿 q 向下走"
                                "一步，就是在 grid 中向右移动一列（步长 1）；而 q[0, 0] 就是 grid[0, 1]（偏移量 1）。"
                                "这正是图中显示的 位置 = 偏移量 + i0·步长0 + i1·步长1。",
        "values, not indices": "这些是 q 存放的值。题目问的是它们存放在哪里：每个元素读取的存储单元的索引（交互控件中 "
                               "@ 之后的数字）。",
        "outside the storage": "这个存储有 {size} 个单元，编号从 0 到 {last}：{index} 不在其中。",
        "fresh positions": "这些是一个新建的 {rows}x{cols} 张量按行计数的位置。q 是 grid 的视图：它的元素留在 grid "
                           "的存储中原来的位置上，由 q 的偏移量和步长指出它们在哪里。",
        "right cells, wrong order": "这些存储单元是对的，但不是按 q 的顺序排列的：你的第 i 行第 j 个数，应当是 "
                                    "q[i, j] 读取的单元。在交互控件中点击 q 的元素，把它们一一对应起来。",
        "steps like grid": "你的索引是按 grid 的方式步进的（沿列向下跳过 grid 的一整行，沿行前进 1）。q 是转置后的"
                           "视图：它的步长不是 grid 的步长。",
        "off by the same amount": "你的索引在两个维度上的步进都对，但全都偏了同样的量：q[0, 0] 读取的不是存储单元 "
                                  "{first}。检查 q 的存储偏移量：它的第一个元素在哪里？",
        "step along a row": "沿 q 的一行，你的索引每次前进 {along}。在 q 中向右移动一列，就是在 grid.t() 中向右移动"
                            "两列（这就是 ::2 的作用），而 grid.t() 的每一列都是 grid 的一行。",
        "step down a column": "沿 q 的一列向下，你的索引每次前进 {down}。沿 q 向下走一步，就是沿 grid.t() 向下走一步，"
                              "也就是沿 grid 的一行前进一步。",
        "element misread": "{elements} 读取的不是你给出的存储索引。在交互控件中点击它，看看它读取的是哪个单元，以及 "
                           "位置 = 偏移量 + i0·步长0 + i1·步长1 是怎样算出这个单元的。",
        "elements misread": "{elements} 读取的都不是你给出的存储索引。在交互控件中逐个点击它们，看看各自读取的是哪个"
                            "单元，以及 位置 = 偏移量 + i0·步长0 + i1·步长1 是怎样算出这个单元的。",
        # 5.5
        "hint: view source": "找到 view 中给 `stride` 赋值的那一行（S. 指的是 tinytorch/strides.py），再看紧接在它"
                             "下面的检查：view 拿 `stride` 和什么作比较？",
        "not a pair: name, value": '请用一个二元组作答：("function_name", value)。',
        "no such function": "tinytorch/strides.py 中没有名为 {name} 的函数：题目问的是 view 调用的那个 S. 函数。",
        "no such function, it is in views": "tinytorch/strides.py 中没有名为 {name} 的函数（它在 ops/views.py 中）："
                                            "题目问的是 view 调用的那个 S. 函数。",
        "view does not call it": "view 并不调用 {name}：请在 view 的代码中找那些 S. 函数。",
        "does not find strides": "view 确实调用了 {name}，但它并不负责找出步长：读一读 view 拿它的返回值做了什么。",
        "value is a string": "{value} 是一个字符串：请直接用这个值本身作答。",
        "not what it returns": "没有合适的步长时，view_strides 返回的不是这个：读一读 view 中紧跟在调用它的那一行"
                               "之后的检查。",
        "praise: view source": "对 bt，view_strides 返回 None，而 view 把这个 None 变成了你在上面看到的 RuntimeError。",
    },
)


@exercise(
    solution=lambda: (12, 4, 1),
    wrong_answers=[lambda: (1, 4, 12), lambda: (4, 3, 1), lambda: (2, 3, 4), lambda: (12, 4)],
    hint=MESSAGES.later("hint: fresh strides"),
)
def fresh_strides(answer):
    "The strides of torch.zeros(2, 3, 4)."
    strides = expect_int_tuple(answer, 3, MESSAGES("your strides"))
    if strides[2] != 1:
        raise Wrong(MESSAGES("fresh: last stride"))
    if tuple(strides) == (2, 3, 4):
        raise Wrong(MESSAGES("fresh: that is the shape"))
    if strides[1] != 4:
        raise Wrong(MESSAGES("fresh: middle stride"))
    if strides[0] != 12:
        raise Wrong(MESSAGES("fresh: first stride"))
    return MESSAGES("praise: fresh strides")


@exercise(
    solution=lambda: (1, (3, 1)),
    wrong_answers=[lambda: (0, (3, 1)), lambda: (1, (2, 1)), lambda: (1, (1, 3)), lambda: (1, 3, 1)],
    hint=MESSAGES.later("hint: slice header"),
)
def slice_header(answer):
    "(storage offset, strides) of b[:, 1:] with b = torch.arange(6.0).view(2, 3)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong(MESSAGES("not a pair: offset, strides"))
    offset, strides = answer
    strides = expect_int_tuple(strides, 2, MESSAGES("your strides"))
    if not isinstance(offset, int):
        raise Wrong(MESSAGES("offset not whole"))
    if strides != (3, 1):
        raise Wrong(MESSAGES("slice keeps strides"))
    if offset != 1:
        raise Wrong(MESSAGES("offset of s[0, 0]"))
    return MESSAGES("praise: slice header")


def _same_storage(x, y):
    return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()


_CASES = (
    # (x and y as the learner reads them, make the pair, do they share?)
    (("a", "a.view(2, 3)"), lambda a: (a, a.view(2, 3)), True),
    (("a", "a[2:]"), lambda a: (a, a[2:]), True),
    (("a[1:]", "a[4:]"), lambda a: (a[1:], a[4:]), True),
    (("a[:3]", "a[3:]"), lambda a: (a[:3], a[3:]), True),  # one storage, no element in common
    (("a", "a.clone()"), lambda a: (a, a.clone()), False),
    (("a", "torch.zeros(6)"), lambda a: (a, a.new_zeros(6)), False),
    (("a[:3]", "a[3:].clone()"), lambda a: (a[:3], a[3:].clone()), False),
)


@exercise(
    solution=lambda: _same_storage,
    wrong_answers=[
        lambda: (lambda x, y: id(x.storage) == id(y.storage)),
        lambda: (lambda x, y: x.data_ptr() == y.data_ptr()),
        lambda: (lambda x, y: x is y),
        lambda: (lambda x, y: id(x.storage()) == id(y.storage())),
        lambda: (lambda x, y: x.storage() is y.storage()),
        lambda: (lambda x, y: bool(np.shares_memory(x.numpy(), y.numpy()))),
    ],
    right_answers=[
        lambda: (lambda x, y: x.untyped_storage() is y.untyped_storage()),
        lambda: (lambda x, y: x.storage().data_ptr() == y.storage().data_ptr()),
    ],
    hint=MESSAGES.later("hint: shares storage"),
)
def shares_storage(answer):
    "A function same_storage(x, y): True exactly when x and y view one storage."
    expect_callable(answer, "lesson05.shares_storage(same_storage)")
    for (x_code, y_code), make, expected in _CASES:
        x, y = make(library_of(answer).arange(6.0))  # (the learner's library: tinytorch, or torch)
        got = call_answer(answer, x, y)
        if not isinstance(got, bool):
            raise Wrong(MESSAGES("returns a non-bool", kind=type(got).__name__))
        if got != expected:
            raise Wrong(MESSAGES("says they share" if got else "says they do not share", x=x_code, y=y_code))
    return MESSAGES("praise: shares storage")


# -- exercise 5.4: read a view's storage indices in StorageView ---------------------------
def _grid_and_q():
    """The exercise's tensors: grid = arange(20.0, 32.0).view(3, 4) and q = grid.t()[1:, ::2]."""
    grid = tinytorch.arange(20.0, 32.0).view(3, 4)
    return grid, grid.t()[1:, ::2]


def _positions(shape, stride, offset):
    """Storage index of every element of a 2-d view, row by row: offset + i*stride0 + j*stride1."""
    return [[offset + i * stride[0] + j * stride[1] for j in range(shape[1])] for i in range(shape[0])]


def _indices_of(view):
    return _positions(view.shape, view.stride(), view.storage_offset())


def _whole_number(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _rows_of_indices(answer):
    """The answer as a list of rows of whole numbers (a flat list counts as one row)."""
    if is_tensor(answer):
        answer = answer.tolist()
    if not isinstance(answer, (list, tuple)) or not answer:
        raise Wrong(MESSAGES("not a list of rows"))
    if all(_whole_number(x) for x in answer):
        return [list(answer)]
    if not all(isinstance(row, (list, tuple)) and all(_whole_number(x) for x in row) for row in answer):
        raise Wrong(MESSAGES("index not whole"))
    return [list(row) for row in answer]


def _flat(rows):
    return [x for row in rows for x in row]


def _steps(rows):
    """(offset, step down a column, step along a row) when the rows follow one such rule, else None."""
    first = rows[0][0]
    down = rows[1][0] - first if len(rows) > 1 else 0
    along = rows[0][1] - first if len(rows[0]) > 1 else 0
    if rows != _positions((len(rows), len(rows[0])), (down, along), first):
        return None
    return first, down, along


@exercise(
    solution=lambda: _indices_of(_grid_and_q()[1]),
    wrong_answers=[
        lambda: [[0, 1], [2, 3], [4, 5]],  # a fresh 3x2 tensor's positions
        lambda: [[0, 8], [1, 9], [2, 10]],  # without the offset
        lambda: [[21, 29], [22, 30], [23, 31]],  # the values, not where they live
        lambda: [[1, 2, 3], [9, 10, 11]],  # q's columns
        lambda: [[1, 2], [3, 9], [10, 11]],  # the right cells in storage order
        lambda: [[1, 5], [2, 6], [3, 7]],  # forgot that ::2 doubles the step
        lambda: [[0, 1], [4, 5], [8, 9]],  # grid's strides
    ],
    right_answers=[
        lambda: [1, 9, 2, 10, 3, 11],
        lambda: ((1, 9), (2, 10), (3, 11)),
        lambda: tinytorch.tensor([[1, 9], [2, 10], [3, 11]]),
    ],
    hint=MESSAGES.later("hint: view indices"),
)
def view_indices(answer):
    "Storage indices of q = grid.t()[1:, ::2], row by row, with grid = torch.arange(20.0, 32.0).view(3, 4)."
    grid, q = _grid_and_q()
    rows, cols = q.shape
    expected = _indices_of(q)
    got = _rows_of_indices(answer)
    if len(got) == 1 and len(got[0]) == rows * cols:  # a flat list, row by row
        got = [got[0][i * cols:(i + 1) * cols] for i in range(rows)]
    shape = (len(got), len(got[0])) if all(len(row) == len(got[0]) for row in got) else None
    if shape == (cols, rows) and [list(column) for column in zip(*got)] == expected:
        raise Wrong(MESSAGES("lists are columns", rows=rows, cols=cols))
    if shape != (rows, cols):
        raise Wrong(MESSAGES("wrong number of rows", rows=rows, cols=cols))
    if got == expected:
        return MESSAGES("praise: view indices")
    if _flat(got) == [int(v) for v in _flat(q.tolist())]:
        raise Wrong(MESSAGES("values, not indices"))
    size = grid.numel()  # grid is fresh: its storage holds exactly its elements
    outside = [x for x in _flat(got) if not 0 <= x < size]
    if outside:
        raise Wrong(MESSAGES("outside the storage", size=size, last=size - 1, index=outside[0]))
    if _flat(got) == list(range(rows * cols)):
        raise Wrong(MESSAGES("fresh positions", rows=rows, cols=cols))
    if sorted(_flat(got)) == sorted(_flat(expected)):
        raise Wrong(MESSAGES("right cells, wrong order"))
    steps = _steps(got)
    if steps is not None:
        first, down, along = steps
        if (down, along) == grid.stride():
            raise Wrong(MESSAGES("steps like grid"))
        if (down, along) == q.stride():
            raise Wrong(MESSAGES("off by the same amount", first=first))
        if along != q.stride(1):
            raise Wrong(MESSAGES("step along a row", along=along))
        if down != q.stride(0):
            raise Wrong(MESSAGES("step down a column", down=down))
    wrong = [f"q[{i}, {j}]" for i in range(rows) for j in range(cols) if got[i][j] != expected[i][j]]
    raise Wrong(MESSAGES("element misread" if len(wrong) == 1 else "elements misread",
                         elements=MESSAGES("list separator").join(wrong)))


# -- exercise 5.5: read the source of view ------------------------------------------
def _view_refuses_bt():
    """What strides.view_strides answers for bt.view(6), bt = arange(6.0).view(2, 3).t()."""
    bt = tinytorch.arange(6.0).view(2, 3).t()
    return tinytorch.strides.view_strides(tuple(bt.shape), bt.stride(), (6,))


@exercise(
    solution=lambda: ("view_strides", None),
    wrong_answers=[lambda: ("infer_size", None), lambda: ("view_strides", ()), lambda: ("make_view", None),
                   lambda: ("view_strides", (1,))],
    hint=MESSAGES.later("hint: view source"),
)
def view_source(answer):
    "(name of the strides.py function that finds view's strides, what it returns when there are none)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], str)):
        raise Wrong(MESSAGES("not a pair: name, value"))
    name, value = answer
    name = name.strip().removesuffix("()").removeprefix("S.").removeprefix("strides.")
    called = f"S.{name}(" in inspect.getsource(tinytorch.ops.views.view)
    function = getattr(tinytorch.strides, name, None)
    if function is None:
        in_views = name in vars(tinytorch.ops.views)
        raise Wrong(MESSAGES("no such function, it is in views" if in_views else "no such function", name=repr(name)))
    if not called:
        raise Wrong(MESSAGES("view does not call it", name=name))
    if function is not tinytorch.strides.view_strides:
        raise Wrong(MESSAGES("does not find strides", name=name))
    expected = _view_refuses_bt()
    if isinstance(value, str):
        raise Wrong(MESSAGES("value is a string", value=repr(value)))
    if type(value) is not type(expected) or value != expected:
        raise Wrong(MESSAGES("not what it returns"))
    return MESSAGES("praise: view source")
