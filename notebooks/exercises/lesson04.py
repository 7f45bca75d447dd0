"""Lesson 4 (broadcasting): predicting shapes, broadcasting by hand, expand."""
import tinytorch

from .checking import Wrong, exercise, expect_int_tuple, expect_shape, expect_tensor, same_values


@exercise(
    solution=lambda: (5, 3, 4),
    wrong_answers=[lambda: (5, 1, 4), lambda: (3, 5, 4), lambda: (5, 4), lambda: (5, 3, 1)],
    hint="Write the shapes one above the other, aligned on the right, and pad the shorter one with 1s.",
)
def broadcast_shape(answer):
    "The shape of torch.ones(5, 1, 4) + torch.ones(3, 1)."
    if isinstance(answer, (tuple, list)) and len(answer) != 3:
        expect_int_tuple(answer, len(answer), "your shape")
        raise Wrong(f"your shape has {len(answer)} size{'' if len(answer) == 1 else 's'}. Rule 1 pads the shorter "
                    "shape with 1s on the left until it is as long as the other: the result has as many "
                    "dimensions as the longer shape.")
    shape = expect_int_tuple(answer, 3, "your shape")
    if shape[0] != 5:
        raise Wrong("look at the first dimension again: after padding (3, 1) on the left, "
                    "what does the shorter shape have there?")
    if shape[1] != 3:
        raise Wrong("in the middle dimension one size is 1: it is stretched to the other size.")
    if shape[2] != 4:
        raise Wrong("in the last dimension one size is 1: it is stretched to the other size.")
    return "pad (3, 1) to (1, 3, 1), then stretch every 1."


@exercise(
    solution=lambda: tinytorch.arange(3.0).unsqueeze(1) + tinytorch.arange(4.0),
    wrong_answers=[
        lambda: tinytorch.arange(3.0).unsqueeze(0) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(4.0).unsqueeze(1) + tinytorch.arange(3.0),
        lambda: tinytorch.arange(3.0).unsqueeze(1) * tinytorch.arange(4.0),
    ],
    hint="x needs shape (3, 1), a column; y can stay (4,), which broadcasts as a row (1, 4).",
)
def addition_table(answer):
    "The 3x4 tensor whose [i, j] element is x[i] + y[j]."
    expect_tensor(answer)
    if tuple(answer.shape) == (4, 3):
        raise Wrong("your table is 4x3: rows should follow x (3 values), columns y (4 values).")
    expect_shape(answer, (3, 4))
    expected = [[float(i + j) for j in range(4)] for i in range(3)]
    if not same_values([[float(v) for v in row] for row in answer.tolist()], expected):
        raise Wrong("the shape is right but some elements are not x[i] + y[j]. Did you add?")
    return "x.unsqueeze(1) is a (3, 1) column, y broadcasts as a (1, 4) row: their sum is the table."


@exercise(
    solution=lambda: tinytorch.tensor([1, 2, 3]).expand(4, 3),
    wrong_answers=[
        lambda: tinytorch.stack([tinytorch.tensor([1, 2, 3])] * 4),
        lambda: tinytorch.tensor([1, 2, 3]).expand(3, 3),
    ],
    hint="One method stretches size-1 dimensions (and adds new ones on the left) without copying.",
)
def repeated_rows(answer):
    "A (4, 3) view of v = torch.tensor([1, 2, 3]) whose rows repeat v, without copying."
    expect_tensor(answer)
    expect_shape(answer, (4, 3))
    if not same_values(answer.tolist(), [[1, 2, 3]] * 4):
        raise Wrong("every row should be 1, 2, 3.")
    if answer.stride()[0] != 0:
        raise Wrong(f"your tensor has strides {tuple(answer.stride())}: each row has memory of its own, "
                    "so the data was copied. A view that repeats rows never moves through memory between rows.")
    return "expand makes the row stride 0: four rows, one row of memory."


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
    return f"p's cell {position} is p[{i}, 0, {k}], which feeds the result elements [{i}, :, {k}]"


def _q_feeds(position):
    return f"q's cell {position} is q[{position}, 0], which feeds the result elements [:, {position}, :]"


@exercise(
    solution=_feeding_positions,
    wrong_answers=[lambda: (0, 2), lambda: (3, 1), lambda: (18, 18), lambda: (3, 6), lambda: (2, 3)],
    right_answers=[lambda: list(_feeding_positions())],
    hint="In the widget, find block [1, :, :] of p.expand(2, 4, 3) and of q.expand(2, 4, 3), row 2, column 0: "
         "the small @ number under a value is the storage cell it reads.",
)
def feeding_cells(answer):
    "(p's storage position, q's storage position) that (p + q)[1, 2, 0] reads."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in answer)):
        raise Wrong("answer with a pair of whole numbers: (position in p's storage, position in q's storage).")
    p_cell, q_cell = answer
    p_size, q_size = 6, 4
    if p_cell >= p_size or q_cell >= q_size or p_cell < 0 or q_cell < 0:
        raise Wrong(f"p's storage has {p_size} cells (0 to {p_size - 1}) and q's has {q_size} (0 to {q_size - 1}): "
                    "broadcasting makes no new memory, and the result's own cells are not asked for.")
    expected_p, expected_q = _feeding_positions()
    problems = []
    if p_cell != expected_p:
        problems.append(_p_feeds(p_cell))
    if q_cell != expected_q:
        problems.append(_q_feeds(q_cell))
    if problems:
        raise Wrong("; ".join(problems) + f", not [{', '.join(map(str, _RESULT_INDEX))}].")
    return ("p is stretched along dim 1 (stride 0) and q along dims 0 and 2, so p's cell depends only on the "
            "result's indices 0 and 2, and q's only on index 1.")
