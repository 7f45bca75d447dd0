"""Lesson 5 (inside a tensor): strides, offsets, shared storage."""
import inspect

import numpy as np

import tinytorch
import tinytorch.ops.views

from .checking import Wrong, call_answer, exercise, expect_callable, expect_int_tuple, library_of


@exercise(
    solution=lambda: (12, 4, 1),
    wrong_answers=[lambda: (1, 4, 12), lambda: (4, 3, 1), lambda: (2, 3, 4), lambda: (12, 4)],
    hint="The last dimension's elements sit side by side. One step in the dimension before "
         "skips a whole row of the last dimension.",
)
def fresh_strides(answer):
    "The strides of torch.zeros(2, 3, 4)."
    strides = expect_int_tuple(answer, 3, "your strides")
    if strides[2] != 1:
        raise Wrong("in a fresh tensor, neighbours in the last dimension are neighbours in memory.")
    if tuple(strides) == (2, 3, 4):
        raise Wrong("that is the shape. A stride counts the elements skipped per step.")
    if strides[1] != 4:
        raise Wrong("one step in the middle dimension skips all the elements of one row of the last dimension.")
    if strides[0] != 12:
        raise Wrong("one step in the first dimension skips a whole 3x4 block.")
    return "each stride is the product of the sizes to its right."


@exercise(
    solution=lambda: (1, (3, 1)),
    wrong_answers=[lambda: (0, (3, 1)), lambda: (1, (2, 1)), lambda: (1, (1, 3)), lambda: (1, 3, 1)],
    hint="Slicing never moves elements: the strides stay b's, and the offset is where s[0, 0] lives.",
)
def slice_header(answer):
    "(storage offset, strides) of b[:, 1:] with b = torch.arange(6.0).view(2, 3)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        raise Wrong("answer with a pair: (offset, (stride0, stride1)).")
    offset, strides = answer
    strides = expect_int_tuple(strides, 2, "your strides")
    if not isinstance(offset, int):
        raise Wrong("the offset is a whole number of elements.")
    if strides != (3, 1):
        raise Wrong("a slice keeps the strides of the tensor it slices: stepping down a column of s "
                    "still skips a row of b.")
    if offset != 1:
        raise Wrong("the offset is the storage index of s[0, 0]. Which element of b is that?")
    return "s[0, 0] is b[0, 1], storage index 1; the strides are b's."


def _same_storage(x, y):
    return x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr()


_CASES = (
    # (description, make the pair, do they share?)
    ("a and a.view(2, 3)", lambda a: (a, a.view(2, 3)), True),
    ("a and a[2:]", lambda a: (a, a[2:]), True),
    ("a[1:] and a[4:]", lambda a: (a[1:], a[4:]), True),
    ("a[:3] and a[3:]", lambda a: (a[:3], a[3:]), True),  # one storage, no element in common
    ("a and a.clone()", lambda a: (a, a.clone()), False),
    ("a and torch.zeros(6)", lambda a: (a, a.new_zeros(6)), False),
    ("a[:3] and a[3:].clone()", lambda a: (a[:3], a[3:].clone()), False),
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
    hint="Compare something that belongs to the storage itself, not to a tensor's header or to a temporary object.",
)
def shares_storage(answer):
    "A function same_storage(x, y): True exactly when x and y view one storage."
    expect_callable(answer, "lesson05.shares_storage(same_storage)")
    for description, make, expected in _CASES:
        x, y = make(library_of(answer).arange(6.0))  # (the learner's library: tinytorch, or torch)
        got = call_answer(answer, x, y)
        if not isinstance(got, bool):
            raise Wrong(f"your function returns a {type(got).__name__}; it should return True or False.")
        if got != expected:
            verdict = "share" if got else "do not share"
            raise Wrong(f"your function says {description} {verdict} a storage, and that is not so.")
    return "the storage's data_ptr is the same for every view, whatever its offset."


# -- exercise 5.4: read the source of view ------------------------------------------
def _view_refuses_bt():
    """What strides.view_strides answers for bt.view(6), bt = arange(6.0).view(2, 3).t()."""
    bt = tinytorch.arange(6.0).view(2, 3).t()
    return tinytorch.strides.view_strides(tuple(bt.shape), bt.stride(), (6,))


@exercise(
    solution=lambda: ("view_strides", None),
    wrong_answers=[lambda: ("infer_size", None), lambda: ("view_strides", ()), lambda: ("make_view", None),
                   lambda: ("view_strides", (1,))],
    hint="Find the line of view that assigns `stride` (S. is tinytorch/strides.py), then the check right "
         "below it: what does view test `stride` against?",
)
def view_source(answer):
    "(name of the strides.py function that finds view's strides, what it returns when there are none)."
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2 and isinstance(answer[0], str)):
        raise Wrong('answer with a pair: ("function_name", value).')
    name, value = answer
    name = name.strip().removesuffix("()").removeprefix("S.").removeprefix("strides.")
    called = f"S.{name}(" in inspect.getsource(tinytorch.ops.views.view)
    function = getattr(tinytorch.strides, name, None)
    if function is None:
        where = " (it lives in ops/views.py)" if name in vars(tinytorch.ops.views) else ""
        raise Wrong(f"tinytorch/strides.py has no function named {name!r}{where}: the question asks for the "
                    "S. function that view calls.")
    if not called:
        raise Wrong(f"view does not call {name}: look for the S. functions in view's code.")
    if function is not tinytorch.strides.view_strides:
        raise Wrong(f"view calls {name}, but it does not find strides: read what view does with its result.")
    expected = _view_refuses_bt()
    if isinstance(value, str):
        raise Wrong(f"{value!r} is a string: answer with the value itself.")
    if type(value) is not type(expected) or value != expected:
        raise Wrong("that is not what view_strides returns when no strides fit: read the check in view right "
                    "after the line that calls it.")
    return "view_strides answers None for bt, and view turns that None into the RuntimeError you saw above."
