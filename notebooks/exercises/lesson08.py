"""Lesson 8 (saving and loading): views survive a checkpoint, with their whole storage."""
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
