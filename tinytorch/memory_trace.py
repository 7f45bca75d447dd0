"""Watching memory being made: which line of your code allocated or copied, how much, and why.

A view costs nothing but a header; new memory is a new Storage. So every Storage
announces itself when it is born (Storage.__init__ calls `new_storage`). Normally
nobody listens, and that costs one check of a module global. Inside

    with memory_trace.trace_memory() as events:
        b = a.t().contiguous()

each new storage of this thread becomes a MemoryEvent: the operation your code
called (`.contiguous()`), the frames of your code that led to it, how many
elements of which dtype, and whether it holds new results ("allocated"),
another tensor's values ("copied", and then why a copy was needed: the source
was a transposed view, another dtype was asked for, the op always copies ...),
or values only on their way into a tensor written in place ("scratch": tinytorch
computes an in-place op's result first; PyTorch needs no such memory). The few
places that copy a tensor's values say so with `copied(out, source)`: clone (and
so contiguous and reshape), to, deepcopy, tensor(), moving a storage between
devices. Scratch is any memory made under an op PyTorch names as in-place (add_,
+=, item assignment, nn.init's fills).

Memory that already exists is not an allocation: from_numpy and a storage read
as another dtype wrap it with `Storage(..., new_memory=False)`, and views make
no storage at all.

The teaching kernel's `%%copies` magic (tinytorch_kernel/copies.py) prints these
events line by line; tests/test_memory_trace.py pins them against torch: a view or
copy op (view, reshape, contiguous, clone, to, ...) makes new memory here exactly when
torch's result does not share its input's, and an in-place op makes none but scratch.
Other ops may use temporaries that torch does not (tinytorch computes with NumPy).
"""
import contextlib
import inspect
import linecache
import os
import re
import sys
import threading
import weakref

import numpy as np

from . import strides as _strides
from .exact import layout as _layout

tracing = 0  # how many traces are open, in any thread: the one check when nobody listens
_state = threading.local()  # .events: this thread's open trace (a list), if any

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


class MemoryEvent:
    """One new storage: what made it, where in your code, its size, and whether it is a copy."""
    __slots__ = ("kind", "op", "numel", "dtype", "device", "why", "frames", "_storage")

    def __init__(self, storage, op, frames, kind="allocated"):
        self.kind = kind  # "allocated", "copied" or "scratch"
        self.op = op  # how your code called tinytorch: ".contiguous()", "+", "torch.zeros()"
        self.numel = len(storage)
        self.dtype = storage.dtype
        self.device = storage.device
        self.why = None  # for a copy: what made copying necessary
        self.frames = frames  # (filename, line number, function) of the code outside tinytorch, innermost first
        self._storage = weakref.ref(storage)

    def is_storage_of(self, tensor):
        """Whether `tensor` is over the storage this event made."""
        return self._storage() is tensor._storage

    @property
    def nbytes(self):
        return self.numel * self.dtype.itemsize

    def __repr__(self):
        why = f": {self.why}" if self.why else ""
        return f"<{self.op} {self.kind} {self.numel} {self.dtype.name} ({self.nbytes} bytes){why}>"


@contextlib.contextmanager
def trace_memory():
    """Collect a MemoryEvent for every storage this thread makes inside the `with` block."""
    global tracing
    outer = getattr(_state, "events", None)
    events = _state.events = []
    tracing += 1
    try:
        yield events
    finally:
        tracing -= 1
        _state.events = outer
        if outer is not None:  # a trace inside a trace: the outer one saw it all too
            outer.extend(events)


def new_storage(storage):
    """Storage.__init__ calls this for new memory while some trace is open."""
    events = getattr(_state, "events", None)
    if events is not None:
        op, frames, in_place = _caller()
        events.append(MemoryEvent(storage, op, frames, "scratch" if in_place else "allocated"))


def copied(out, source, always=False):
    """`out` (a tensor or a storage) was just made to hold `source`'s values (a tensor, a
    storage or a NumPy array): mark the event of its storage a copy, and say why.
    `always`: the op copies whatever the layout (clone, copy=True, deepcopy, tensor())."""
    event = _event_of(out)
    if event is not None and event.kind == "allocated":  # inside an in-place op it stays scratch
        event.kind, event.why = "copied", why_copy(source, out, always)


def _event_of(out):
    """The event of the storage `out` (a tensor or a storage) was just given, if traced."""
    if not tracing:
        return None
    storage = getattr(out, "_storage", out)
    for event in reversed(getattr(_state, "events", None) or ()):
        if event._storage() is storage:
            return event
    return None


def why_copy(source, out, always=False):
    """Why `out` could not share `source`'s memory, in a learner's words."""
    if isinstance(source, np.ndarray):
        return "the values of a NumPy array are copied (torch.from_numpy and torch.as_tensor would share them)"
    if out.device != source.device:
        return f"it moved from {source.device} to {out.device}"
    if out.dtype is not source.dtype:
        return f"{source.dtype.name} values became {out.dtype.name}"
    if always or not hasattr(source, "_shape") or _strides.is_contiguous(source._shape, source._stride):
        return "this op always makes a copy"
    return f"the tensor was {layout_in_words(source._shape, source._stride)}"


def layout_in_words(shape, stride):
    """What keeps a tensor that is not contiguous from being read in row-major order:
    a repeated element (stride 0), dims out of memory order, or gaps between elements."""
    if any(st == 0 and n > 1 for n, st in zip(shape, stride)):
        return "an expanded view (stride 0 repeats its elements)"
    if _layout.is_non_overlapping_and_dense(shape, stride):
        return "a transposed view" if len(shape) == 2 else "a view with its dims out of memory order (permuted)"
    return "a view with gaps in memory (a slice that skips elements)"


# -- which operation, called from which line -------------------------------------------
_OPERATORS = {
    "__add__": "+", "__radd__": "+", "__iadd__": "+=", "__sub__": "-", "__rsub__": "-", "__isub__": "-=",
    "__mul__": "*", "__rmul__": "*", "__imul__": "*=", "__truediv__": "/", "__rtruediv__": "/",
    "__itruediv__": "/=", "__floordiv__": "//", "__rfloordiv__": "//", "__mod__": "%", "__rmod__": "%",
    "__pow__": "**", "__rpow__": "**", "__ipow__": "**=", "__matmul__": "@", "__rmatmul__": "@",
    "__neg__": "unary -", "__abs__": "abs()", "__invert__": "~", "__and__": "&", "__or__": "|", "__xor__": "^",
    "__eq__": "==", "__ne__": "!=", "__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">=",
    "__getitem__": "indexing [ ]", "__setitem__": "assignment [ ] =", "__deepcopy__": "copy.deepcopy()",
}


_IN_PLACE_OPERATORS = {"__iadd__", "__isub__", "__imul__", "__itruediv__", "__ifloordiv__", "__imod__", "__ipow__",
                       "__imatmul__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__", "__setitem__"}


def _caller():
    """(the operation your code called, the frames of your code, whether an in-place op
    is under way) for the storage being made.
    The operation is the outermost tinytorch frame under your code's innermost frame
    (a decorator's wrapper, a function in `<locals>`, names the function it wraps)."""
    frame = sys._getframe(2)
    entry, in_place = None, False
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        if entry is None or "<locals>" not in frame.f_code.co_qualname:  # not a decorator's wrapper
            entry = frame
        in_place = in_place or _is_in_place(frame.f_code.co_name)
        frame = frame.f_back
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    line = linecache.getline(*frames[0][:2]) if frames else ""
    return _op_name(entry, line), tuple(frames), in_place


def _is_in_place(name):
    """PyTorch's names for ops that write into a tensor: a trailing underscore (add_,
    uniform_, nn.init.kaiming_uniform_), an augmented operator (+=) or item assignment.
    Memory made inside one is scratch: PyTorch writes in place without any."""
    return (name.endswith("_") and not name.startswith("_")) or name in _IN_PLACE_OPERATORS


def _op_name(frame, line=""):
    """`.contiguous()` for a Tensor method, `+` for an operator, `torch.zeros()` for a function
    of the top-level namespace, `F.relu()` for nn.functional (or a function both have, called
    as F.name on your line), `nn.Linear()` for making a module, `Linear(...)` for calling one."""
    if frame is None:
        return "Storage()"
    name, qualname = frame.f_code.co_name, frame.f_code.co_qualname
    owner = frame.f_locals.get("self")
    if qualname.startswith(("Tensor.", "TensorOps.")):
        if name in _OPERATORS:
            return _OPERATORS[name]
        is_property = isinstance(inspect.getattr_static(type(owner), name, None), property)
        return f".{name}" if is_property else f".{name}()"
    import tinytorch
    if owner is not None and isinstance(owner, tinytorch.nn.Module):
        kind = type(owner).__name__
        if name == "__call__":
            return f"{kind}(...)"
        if name == "__init__":
            return f"nn.{kind}()" if getattr(tinytorch.nn, kind, None) is type(owner) else f"{kind}()"
    if "." in qualname:
        return f"{qualname}()"
    if frame.f_globals.get("__name__") == "tinytorch.nn.functional" or re.search(rf"\b(F|functional)\.{name}\(", line):
        return f"F.{name}()"
    return f"torch.{name}()" if hasattr(tinytorch, name) else f"{name}()"
