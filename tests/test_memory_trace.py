"""tinytorch.memory_trace, which `%%copies` reports: an op makes new memory exactly when
torch's result does not share its input's storage, and each event names the op, the
line of your code and why a copy was needed.

The course's three claims are tested by name, on generated tensors and view chains:
`view` never copies, `reshape` copies only when it must, `contiguous` of a contiguous
tensor returns the tensor itself."""
import copy
import linecache
import threading

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import outcome
from test_views_oracle import apply, build_chain, chains, factorization, torch_is_view_of, view_ops
from tinytorch.memory_trace import layout_in_words, trace_memory

# Ops that may copy or not, besides the view ops: (name, what each library runs).
COPYING_OPS = {
    "contiguous": lambda lib, x: x.contiguous(),
    "clone": lambda lib, x: x.clone(),
    "ravel": lambda lib, x: x.ravel(),
    "flatten": lambda lib, x: x.flatten(),
    "reshape(-1)": lambda lib, x: x.reshape(-1),
    "to(same dtype)": lambda lib, x: x.to(x.dtype),
    "to(float64)": lambda lib, x: x.to(lib.float64),
    "to(copy=True)": lambda lib, x: x.to(x.dtype, copy=True),
    "float()": lambda lib, x: x.float(),
    "detach": lambda lib, x: x.detach(),
    "T.contiguous": lambda lib, x: x.mT.contiguous() if x.dim() >= 2 else x.contiguous(),
}


def last_view(chain):
    """The (tinytorch, torch) pair at the end of a generated view chain."""
    return build_chain(*chain)[-1]


def traced(fn):
    with trace_memory() as events:
        result = fn()
    return result, events


def assert_memory_as_torchs(tt_x, ref_x, tt_out, ref_out, events, what):
    """No event when torch's result shares its input's storage; else one copy of the size of torch's new storage."""
    if not ref_x.untyped_storage().nbytes():
        return  # an empty storage has no address to compare with
    if torch_is_view_of(ref_out, ref_x):
        assert events == [], f"{what}: torch shares the input's memory, tinytorch made {events}"
        assert tt_out.untyped_storage() is tt_x.untyped_storage(), what
    else:
        assert [e.kind for e in events] == ["copied"], f"{what}: torch copied, tinytorch recorded {events}"
        assert events[0].numel * events[0].dtype.itemsize == ref_out.untyped_storage().nbytes(), what
        assert events[0].why, what


@settings(max_examples=300, deadline=None)
@given(chains(), st.sampled_from(sorted(COPYING_OPS)))
def test_an_op_makes_new_memory_exactly_when_torchs_does(chain, name):
    tt_x, ref_x = last_view(chain)
    ref_out = COPYING_OPS[name](torch, ref_x)
    tt_out, events = traced(lambda: COPYING_OPS[name](tinytorch, tt_x))
    assert_memory_as_torchs(tt_x, ref_x, tt_out, ref_out, events, name)


@settings(max_examples=300, deadline=None)
@given(chains(), st.data())
def test_view_never_copies(chain, data):
    """Every view op that works (view, transpose, expand, select, slicing, ...) makes no memory."""
    tt_x, ref_x = last_view(chain)
    op = data.draw(view_ops(tuple(ref_x.shape), ref_x.untyped_storage().nbytes() // ref_x.element_size()))
    ref_out, error = outcome(lambda: apply(torch, ref_x, op))
    if error is not None or op[0] == "reshape":
        return  # reshape is not a view op: the next test
    if op[0] == "expand_as":  # its argument, a new tensor, is made before the trace
        other = tinytorch.empty(op[1][0])
        tt_out, events = traced(lambda: tt_x.expand_as(other))
    else:
        tt_out, events = traced(lambda: apply(tinytorch, tt_x, op))
    assert events == [], f"{op}: {events}"
    assert tt_out.untyped_storage() is tt_x.untyped_storage()


@settings(max_examples=300, deadline=None)
@given(chains(), st.data())
def test_reshape_copies_only_when_it_must(chain, data):
    """reshape copies exactly when `view` to the same shape fails, as in torch."""
    tt_x, ref_x = last_view(chain)
    shape = factorization(data.draw, ref_x.numel())
    ref_out, error = outcome(lambda: ref_x.reshape(shape))
    if error is not None:
        return  # a shape of another size: test_views_oracle compares the error
    tt_out, events = traced(lambda: tt_x.reshape(shape))
    must_copy = outcome(lambda: ref_x.view(shape))[1] is not None
    assert (events != []) == must_copy, f"reshape{shape} of stride {ref_x.stride()}: {events}"
    assert_memory_as_torchs(tt_x, ref_x, tt_out, ref_out, events, f"reshape{shape}")


@settings(max_examples=200, deadline=None)
@given(chains())
def test_contiguous_of_a_contiguous_tensor_returns_itself(chain):
    tt_x, ref_x = last_view(chain)
    tt_out, events = traced(tt_x.contiguous)
    assert (tt_out is tt_x) == (ref_x.contiguous() is ref_x) == tt_x.is_contiguous()
    assert (events == []) == tt_x.is_contiguous()


# -- why a copy was needed -----------------------------------------------------------------
@given(st.lists(st.integers(2, 4), min_size=2, max_size=4), st.data())
def test_a_copy_says_what_kept_the_tensor_from_being_read_in_place(shape, data):
    base = tinytorch.zeros(shape)
    order = data.draw(st.permutations(range(len(shape))).filter(lambda p: list(p) != sorted(p)))
    dim = data.draw(st.integers(0, len(shape) - 1))
    cases = {
        "permuted": base.permute(order),
        "expanded": base.unsqueeze(dim).expand(*shape[:dim], 3, *shape[dim:]),
        "gaps": base.narrow(dim, 0, shape[dim] - 1) if dim != 0 else base[..., ::2],
    }
    words = {
        "permuted": "a transposed view" if len(shape) == 2 else "a view with its dims out of memory order (permuted)",
        "expanded": "an expanded view (stride 0 repeats its elements)",
        "gaps": "a view with gaps in memory (a slice that skips elements)",
    }
    for kind, view in cases.items():
        assert layout_in_words(view.shape, view.stride()) == words[kind], kind
        _, events = traced(view.contiguous)
        assert [(e.kind, e.why) for e in events] == [("copied", f"the tensor was {words[kind]}")], kind


def test_a_conversion_says_which_dtypes_and_an_op_that_always_copies_says_so():
    a = tinytorch.arange(6.0).reshape(2, 3)
    array = np.arange(3.0)
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):  # as torch.tensor(a) warns
        _, events = traced(lambda: (a.double(), a.t().clone(), copy.deepcopy(a), a.to(a.dtype, copy=True),
                                    tinytorch.tensor(a), tinytorch.tensor(array)))
    assert [e.why for e in events] == [
        "float32 values became float64",
        *["this op always makes a copy"] * 4,
        "the values of a NumPy array are copied (torch.from_numpy and torch.as_tensor would share them)",
    ]


# Each takes the tensor, an operand made from it and a mask, both made before the trace starts
# (computing `y > 2` inside the trace is an allocation of its own, in torch too).
IN_PLACE = {
    "add_": lambda x, y, m: x.add_(1), "div_": lambda x, y, m: x.div_(2), "+=": lambda x, y, m: x.__iadd__(y),
    "zero_": lambda x, y, m: x.zero_(), "fill_": lambda x, y, m: x.fill_(3), "copy_": lambda x, y, m: x.copy_(y),
    "clamp_": lambda x, y, m: x.clamp_(0, 1), "uniform_": lambda x, y, m: x.uniform_(),
    "[...] =": lambda x, y, m: x.__setitem__(0, 5), "masked_fill_": lambda x, y, m: x.masked_fill_(m, 0),
    "exp_": lambda x, y, m: x.exp_(),
}


@settings(max_examples=200, deadline=None)
@given(chains(), st.sampled_from(sorted(IN_PLACE)))
def test_an_in_place_op_makes_no_memory_but_scratch(chain, name):
    """torch writes in place and returns the tensor itself; tinytorch too, and whatever
    memory it uses on the way (it computes the values first) is marked scratch."""
    tt_x, ref_x = last_view(chain)
    if not tt_x.dtype.is_floating_point or tt_x.dim() == 0 or 0 in tt_x.shape or tt_x.stride().count(0):
        return  # a float tensor with an element to write, and no element written twice
    operand = tt_x.flip(-1).clone()
    mask = operand > 2
    out, events = traced(lambda: IN_PLACE[name](tt_x, operand, mask))
    if name != "[...] =":
        ref_operand = ref_x.flip(-1).clone()
        assert out is tt_x and IN_PLACE[name](ref_x, ref_operand, ref_operand > 2) is ref_x
    assert {e.kind for e in events} <= {"scratch"}, (name, events)


# -- which op, from which line -----------------------------------------------------------
PROGRAM = """\
a = torch.arange(6.0).reshape(2, 3)
b = a.t().contiguous()
c = a + 1
def scaled(x):
    return x * 2
d = scaled(a)
e = F.softmax(a, dim=1)
layer = torch.nn.Linear(3, 2)
f = layer(a)
g = F.relu(a)
h = torch.relu(a)
"""


def test_each_event_names_the_op_and_the_line_of_your_code():
    namespace = {"torch": tinytorch, "F": tinytorch.nn.functional}
    linecache.cache["<cell>"] = (len(PROGRAM), None, PROGRAM.splitlines(True), "<cell>")  # as IPython keeps a cell
    with trace_memory() as events:
        exec(compile(PROGRAM, "<cell>", "exec"), namespace)
    seen = [(e.op, e.kind, e.frames[0]) for e in events if e.kind != "scratch"]
    assert seen == [
        ("torch.arange()", "allocated", ("<cell>", 1, "<module>")),
        (".contiguous()", "copied", ("<cell>", 2, "<module>")),
        ("+", "allocated", ("<cell>", 3, "<module>")),
        ("*", "allocated", ("<cell>", 5, "scaled")),
        ("F.softmax()", "allocated", ("<cell>", 7, "<module>")),
        ("nn.Linear()", "allocated", ("<cell>", 8, "<module>")),  # its weight: torch makes the same two
        ("nn.Linear()", "allocated", ("<cell>", 8, "<module>")),  # and its bias (nn.init fills them: scratch)
        ("Linear(...)", "allocated", ("<cell>", 9, "<module>")),
        ("F.relu()", "allocated", ("<cell>", 10, "<module>")),  # F.relu is torch.relu: your line says which
        ("torch.relu()", "allocated", ("<cell>", 11, "<module>")),
    ]
    assert events[3].frames[1] == ("<cell>", 6, "<module>")  # and the line that called scaled()


def test_memory_that_exists_is_not_an_allocation():
    array = np.arange(6.0)
    t = tinytorch.arange(6.0)
    _, events = traced(lambda: (tinytorch.from_numpy(array), tinytorch.as_tensor(array), t.view(2, 3), t.detach(),
                                t.untyped_storage(), tinytorch.Tensor(t.untyped_storage())))
    assert events == []


def test_a_trace_sees_only_its_own_thread_and_nests():
    other_thread = threading.Thread(target=lambda: [tinytorch.zeros(3) for _ in range(50)])
    with trace_memory() as outer:
        other_thread.start()
        tinytorch.ones(2)
        with trace_memory() as inner:
            tinytorch.zeros(4)
        other_thread.join()
    assert [e.numel for e in inner] == [4]
    assert [e.numel for e in outer] == [2, 4]
    _, after = traced(lambda: None)
    assert after == []


def test_an_event_does_not_keep_memory_alive():
    import weakref

    with trace_memory() as events:
        t = tinytorch.zeros(1000)
    storage = weakref.ref(t._storage)
    del t
    assert storage() is None and events[0].numel == 1000 and events[0].nbytes == 4000
