"""Lesson 8 (saving and loading): views survive a checkpoint, with their whole storage."""
import tinytorch
from widgets.language import Catalog

from .checking import Wrong, exercise

# What this lesson's exercises say, in the course's two languages (widgets.language).
MESSAGES = Catalog(
    en={
        # exercise 8.1
        "hint: loaded view": "save writes each storage once, whole, and each tensor's header (shape, stride, offset) "
                             "beside it.",
        "not a pair of numbers": "answer with a pair of whole numbers: (offset, storage_elements).",
        "storage too small": "think about what is written for the view: its header, and which storage? "
                             "A view does not own a smaller piece of memory.",
        "offset lost": "the storage is right. The header is saved as it was, offset included.",
        "praise: loaded view": "the view is saved as a header over the whole 10-element storage, offset 6, and loads "
                               "the same.",
        # exercise 8.2
        "hint: shared cells": "In the widget, a storage cell read by a tensor carries a bar of that tensor's colour "
                              "(two bars: both read it), and a grey dashed cell is one that no tensor reads. The small "
                              "number under a cell is its position.",
        "not a pair of sets": "answer with a pair of sets: ({{cells both read}}, {{cells neither reads}}).",
        "the cells both read": "the cells both read",
        "the cells neither reads": "the cells neither reads",
        "not a set of positions": "write {what} as a set of storage positions, like {{0, 1}} (an empty set is set()).",
        "neither view reads it": "neither view reads it",
        "only one view reads it": "only {name} reads it",
        "both views read it": "both views read it",
        "outside the storage, one": "the loaded storage has {size:cell|cells}, positions 0 to {last}; {positions} is "
                                    "not among them.",
        "outside the storage, several": "the loaded storage has {size:cell|cells}, positions 0 to {last}; {positions} "
                                        "are not among them.",
        "two elements": "{first} and {second}",
        "indices, not positions": "those are the indices of the shared elements within one view ({elements}); the "
                                  "question asks for positions in the storage, the numbers under the strip's cells.",
        "first set: a cell not read by both": "cell {cell} of your first set is not read by both views: {who}.",
        "first set: cells not read by both": "cell {cell} of your first set is not read by both views: {who}. Other "
                                             "cells of your first set are not read by both either.",
        "first set: a cell left out": "your first set leaves out a cell that both views read.",
        "second set empty": "the first set is right. Some cells are read by neither view, yet they were saved and "
                            "loaded: torch.save writes a view's whole storage. The widget draws them grey and dashed.",
        "second set: a cell read": "the first set is right. Cell {cell} of your second set is read: {who}.",
        "second set: cells read": "the first set is right. Cell {cell} of your second set is read: {who}. Other cells "
                                  "of your second set are read too.",
        "second set: a cell left out": "the first set is right; your second set leaves out a cell that neither view "
                                       "reads (the widget draws such cells grey and dashed).",
        "praise: shared cells": "the two views share the cells where their headers meet, and the cells neither reads "
                                "came along anyway: a checkpoint holds each storage whole.",
    },
    zh_CN={
        # exercise 8.1
        "hint: loaded view": "save 把每个存储完整地写入一次，并在旁边写下每个张量的头信息（形状、步长、偏移量）。",
        "not a pair of numbers": "请用一对整数作答：(offset, storage_elements)。",
        "storage too small": "想一想为这个视图写入了什么：它的头信息，以及哪一个存储？视图并不拥有一块更小的内存。",
        "offset lost": "存储是对的。头信息按原样保存，偏移量也包括在内。",
        "praise: loaded view": "视图被保存为一个头信息，指向完整的、含 10 个元素的存储，偏移量为 6，加载后也一样。",
        # exercise 8.2
        "hint: shared cells": "在交互控件中，被某个张量读取的存储单元带有一条该张量颜色的色条（有两条色条：两者都读取它），"
                              "灰色虚线的单元则没有任何张量读取。单元下方的小数字是它的位置。",
        "not a pair of sets": "请用一对集合作答：({{两者都读取的单元}}, {{两者都不读取的单元}})。",
        "the cells both read": "两个视图都读取的单元",
        "the cells neither reads": "两个视图都不读取的单元",
        "not a set of positions": "请把{what}写成存储位置的集合，例如 {{0, 1}}（空集合写作 set()）。",
        "neither view reads it": "两个视图都不读取它",
        "only one view reads it": "只有 {name} 读取它",
        "both views read it": "两个视图都读取它",
        "outside the storage, one": "加载得到的存储有 {size} 个单元，位置从 0 到 {last}；{positions} 不在其中。",
        "outside the storage, several": "加载得到的存储有 {size} 个单元，位置从 0 到 {last}；{positions} 不在其中。",
        "two elements": "{first} 和 {second}",
        "indices, not positions": "这些是共享元素在其中一个视图内的索引（{elements}）；题目问的是它们在存储中的位置，"
                                  "即存储条中各单元下方的数字。",
        "first set: a cell not read by both": "你的第一个集合中的单元 {cell} 并不是两个视图都读取的：{who}。",
        "first set: cells not read by both": "你的第一个集合中的单元 {cell} 并不是两个视图都读取的：{who}。"
                                             "你的第一个集合中还有别的单元也不是两个视图都读取的。",
        "first set: a cell left out": "你的第一个集合漏掉了一个两个视图都读取的单元。",
        "second set empty": "第一个集合是对的。有些单元两个视图都不读取，但它们同样被保存、被加载了：torch.save "
                            "会写入视图的整个存储。交互控件把它们画成灰色虚线。",
        "second set: a cell read": "第一个集合是对的。你的第二个集合中的单元 {cell} 是有视图读取的：{who}。",
        "second set: cells read": "第一个集合是对的。你的第二个集合中的单元 {cell} 是有视图读取的：{who}。"
                                  "你的第二个集合中还有别的单元也有视图读取。",
        "second set: a cell left out": "第一个集合是对的；你的第二个集合漏掉了一个两个视图都不读取的单元"
                                       "（交互控件把这样的单元画成灰色虚线）。",
        "praise: shared cells": "两个视图在头信息交汇之处共享单元，而两者都不读取的单元也一并保存了下来："
                                "检查点保存的是每个完整的存储。",
    },
)


@exercise(
    solution=lambda: (6, 10),
    wrong_answers=[lambda: (0, 4), lambda: (6, 4), lambda: (0, 10), lambda: "6, 10"],
    hint=MESSAGES.later("hint: loaded view"),
)
def loaded_view(answer):
    "(storage offset, storage size in elements) of d['tail'] after saving x and x[6:] together."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong(MESSAGES("not a pair of numbers"))
    offset, elements = answer
    if elements != 10:
        raise Wrong(MESSAGES("storage too small"))
    if offset != 6:
        raise Wrong(MESSAGES("offset lost"))
    return MESSAGES("praise: loaded view")


# -- exercise 8.2: which cells a loaded checkpoint's views share, found with StorageView ----------
def _cells():
    """(cells both evens and tail read, cells neither reads) of the storage that loading
    {"evens": x[::2], "tail": x[6:]} gives, x = torch.arange(10.0): from their headers
    (saving keeps each header and the whole storage, as exercise 8.1 shows)."""
    x = tinytorch.arange(10.0)
    evens, tail = x[::2], x[6:]

    def covered(t):
        return {t.storage_offset() + k * t.stride(0) for k in range(t.shape[0])}
    size = x.untyped_storage().nbytes() // x.element_size()
    return covered(evens) & covered(tail), set(range(size)) - covered(evens) - covered(tail)


def _as_positions(part, what):
    if isinstance(part, (set, frozenset, list, tuple)) and all(isinstance(p, int) and not isinstance(p, bool)
                                                               for p in part):
        return set(part)
    raise Wrong(MESSAGES("not a set of positions", what=what))


def _who_reads(position):
    """Which of the loaded views read a storage position, as text."""
    x = tinytorch.arange(10.0)
    readers = [name for name, t in (("evens", x[::2]), ("tail", x[6:]))
               if position in {t.storage_offset() + k * t.stride(0) for k in range(t.shape[0])}]
    if not readers:
        return MESSAGES("neither view reads it")
    return MESSAGES("only one view reads it", name=readers[0]) if len(readers) == 1 else MESSAGES("both views read it")


@exercise(
    solution=_cells,
    wrong_answers=[
        lambda: ({0, 2}, {1, 3, 5}),
        lambda: ({6, 8}, set()),
        lambda: ({6, 7, 8, 9}, {1, 3, 5}),
        lambda: ({3, 4}, {1, 3, 5}),
        lambda: ({6, 8}, {1, 3, 5, 7, 9}),
        lambda: (set(range(10)), set()),
        lambda: ({6, 8}, set(range(10))),
        lambda: ({8}, {1, 3, 5}),
    ],
    right_answers=[lambda: [sorted(part) for part in _cells()]],
    hint=MESSAGES.later("hint: shared cells"),
)
def shared_cells(answer):
    "({cells both loaded views read}, {cells neither reads}) of the storage they load into."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong(MESSAGES("not a pair of sets"))
    both = _as_positions(answer[0], MESSAGES("the cells both read"))
    neither = _as_positions(answer[1], MESSAGES("the cells neither reads"))
    expected_both, expected_neither = _cells()
    size = 10
    outside = sorted(p for p in both | neither if not 0 <= p < size)
    if outside:
        raise Wrong(MESSAGES("outside the storage, one" if len(outside) == 1 else "outside the storage, several",
                             size=size, last=size - 1, positions=", ".join(map(str, outside))))
    indices = {frozenset({0, 2}): ("tail[0]", "tail[2]"), frozenset({3, 4}): ("evens[3]", "evens[4]")}
    if frozenset(both) in indices:
        first, second = indices[frozenset(both)]
        raise Wrong(MESSAGES("indices, not positions", elements=MESSAGES("two elements", first=first, second=second)))
    # One wrong cell named with who reads it; naming them all would give the sets away.
    if both != expected_both:
        wrong = sorted(both - expected_both)
        if wrong:
            key = "first set: cells not read by both" if len(wrong) > 1 else "first set: a cell not read by both"
            raise Wrong(MESSAGES(key, cell=wrong[0], who=_who_reads(wrong[0])))
        raise Wrong(MESSAGES("first set: a cell left out"))
    if not neither:
        raise Wrong(MESSAGES("second set empty"))
    if neither != expected_neither:
        wrong = sorted(neither - expected_neither)
        if wrong:
            key = "second set: cells read" if len(wrong) > 1 else "second set: a cell read"
            raise Wrong(MESSAGES(key, cell=wrong[0], who=_who_reads(wrong[0])))
        raise Wrong(MESSAGES("second set: a cell left out"))
    return MESSAGES("praise: shared cells")
