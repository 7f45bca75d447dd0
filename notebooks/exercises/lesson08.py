"""Lesson 8 (saving and loading): views survive a checkpoint, with their whole storage."""
import tinytorch

from .checking import Wrong, exercise


@exercise(
    solution=lambda: (6, 10),
    wrong_answers=[lambda: (0, 4), lambda: (6, 4), lambda: (0, 10), lambda: "6, 10"],
    hint="save writes each storage once, whole, and each tensor's header (shape, stride, offset) beside it.",
)
def loaded_view(answer):
    "(storage offset, storage size in elements) of d['tail'] after saving x and x[6:] together."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong("answer with a pair of whole numbers: (offset, storage_elements).")
    offset, elements = answer
    if elements != 10:
        raise Wrong("think about what is written for the view: its header, and which storage? "
                    "A view does not own a smaller piece of memory.")
    if offset != 6:
        raise Wrong("the storage is right. The header is saved as it was, offset included.")
    return "the view is saved as a header over the whole 10-element storage, offset 6, and loads the same."


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
    raise Wrong(f"write {what} as a set of storage positions, like {{0, 1}} (an empty set is set()).")


def _who_reads(position):
    """Which of the loaded views read a storage position, as text."""
    x = tinytorch.arange(10.0)
    readers = [name for name, t in (("evens", x[::2]), ("tail", x[6:]))
               if position in {t.storage_offset() + k * t.stride(0) for k in range(t.shape[0])}]
    if not readers:
        return "neither view reads it"
    return f"only {readers[0]} reads it" if len(readers) == 1 else "both views read it"


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
    hint="In the widget, a storage cell read by a tensor carries a bar of that tensor's colour (two bars: both "
         "read it), and a grey dashed cell is one that no tensor reads. The small number under a cell is its "
         "position.",
)
def shared_cells(answer):
    "({cells both loaded views read}, {cells neither reads}) of the storage they load into."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong("answer with a pair of sets: ({cells both read}, {cells neither reads}).")
    both = _as_positions(answer[0], "the cells both read")
    neither = _as_positions(answer[1], "the cells neither reads")
    expected_both, expected_neither = _cells()
    size = 10
    outside = sorted(p for p in both | neither if not 0 <= p < size)
    if outside:
        raise Wrong(f"the loaded storage has {size} cells, positions 0 to {size - 1}; "
                    f"{', '.join(map(str, outside))} {'is' if len(outside) == 1 else 'are'} not among them.")
    indices = {frozenset({0, 2}): "tail[0] and tail[2]", frozenset({3, 4}): "evens[3] and evens[4]"}
    if frozenset(both) in indices:
        raise Wrong(f"those are the indices of the shared elements within one view ({indices[frozenset(both)]}); "
                    "the question asks for positions in the storage, the numbers under the strip's cells.")
    # One wrong cell named with who reads it; naming them all would give the sets away.
    if both != expected_both:
        wrong = sorted(both - expected_both)
        if wrong:
            others = " Other cells of your first set are not read by both either." if len(wrong) > 1 else ""
            raise Wrong(f"cell {wrong[0]} of your first set is not read by both views: "
                        f"{_who_reads(wrong[0])}.{others}")
        raise Wrong("your first set leaves out a cell that both views read.")
    if not neither:
        raise Wrong("the first set is right. Some cells are read by neither view, yet they were saved and loaded: "
                    "torch.save writes a view's whole storage. The widget draws them grey and dashed.")
    if neither != expected_neither:
        wrong = sorted(neither - expected_neither)
        if wrong:
            others = " Other cells of your second set are read too." if len(wrong) > 1 else ""
            raise Wrong(f"the first set is right. Cell {wrong[0]} of your second set is read: "
                        f"{_who_reads(wrong[0])}.{others}")
        raise Wrong("the first set is right; your second set leaves out a cell that neither view reads "
                    "(the widget draws such cells grey and dashed).")
    return ("the two views share the cells where their headers meet, and the cells neither reads came along "
            "anyway: a checkpoint holds each storage whole.")
