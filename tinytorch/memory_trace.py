"""Watching memory being made: which line of your code allocated or copied, how much, and why.

A view costs nothing but a header; new memory is a new Storage. So every Storage
announces itself when it is born (Storage.__init__ calls `new_storage`). Normally
nobody listens, and that costs one check of a module global. Inside

    with memory_trace.trace_memory() as events:
        b = a.t().contiguous()

each new storage of this thread becomes a MemoryEvent: the operation your code
called (`.contiguous()`), the frames of your code that led to it, how many
elements of which dtype, and whether it holds new results ("allocated") or
another tensor's values ("copied", and then why a copy was needed: the source
was a transposed view, another dtype was asked for, ...). The few places that
copy a tensor's values say so with `copied(out, source)`: clone (and so
contiguous and reshape), to, deepcopy, moving a storage between devices.

Memory that already exists is not an allocation: from_numpy and a storage read
as another dtype wrap it with `Storage(..., new_memory=False)`, and views make
no storage at all.

The teaching kernel's `%%copies` magic (tinytorch_kernel/copies.py) prints these
events line by line; tests/test_memory_trace.py pins them against torch: an op
makes new memory here exactly when torch's result does not share its input's.
"""
import contextlib
import inspect
import os
import sys
import threading
import weakref

from . import strides as _strides
from .exact import layout as _layout

tracing = 0  # how many traces are open, in any thread: the one check when nobody listens
_state = threading.local()  # .events: this thread's open trace (a list), if any

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


class MemoryEvent:
    """One new storage: what made it, where in your code, its size, and whether it is a copy."""
    __slots__ = ("kind", "op", "numel", "dtype", "device", "why", "frames", "_storage")

    def __init__(self, storage, op, frames):
        self.kind = "allocated"  # or "copied"
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
        op, frames = _caller()
        events.append(MemoryEvent(storage, op, frames))


def copied(out, source):
    """`out` (a tensor or a storage) was just made to hold `source`'s values: mark the
    event of its storage a copy, and say why."""
    if not tracing:
        return
    storage = getattr(out, "_storage", out)
    for event in reversed(getattr(_state, "events", None) or ()):
        if event._storage() is storage:
            event.kind, event.why = "copied", why_copy(source, out)
            return


def why_copy(source, out):
    """Why `out` could not share `source`'s memory, in a learner's words."""
    if out.device != source.device:
        return f"it moved from {source.device} to {out.device}"
    if out.dtype is not source.dtype:
        return f"{source.dtype.name} values became {out.dtype.name}"
    if not hasattr(source, "_shape") or _strides.is_contiguous(source._shape, source._stride):
        return "a copy was asked for (clone, copy=True and deepcopy always copy)"
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


def _caller():
    """(the operation your code called, the frames of your code) for the storage being made.
    The operation is the outermost tinytorch frame under your code's innermost frame
    (a decorator's wrapper, a function in `<locals>`, names the function it wraps)."""
    frame = sys._getframe(2)
    entry = None
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        if entry is None or "<locals>" not in frame.f_code.co_qualname:  # not a decorator's wrapper
            entry = frame
        frame = frame.f_back
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name))
        frame = frame.f_back
    return _op_name(entry), tuple(frames)


def _op_name(frame):
    """`.contiguous()` for a Tensor method, `+` for an operator, `torch.zeros()` for a function
    of the top-level namespace, `F.relu()` for nn.functional, `Linear(...)` for a module call."""
    if frame is None:
        return "Storage()"
    name, qualname = frame.f_code.co_name, frame.f_code.co_qualname
    owner = frame.f_locals.get("self")
    if qualname.startswith(("Tensor.", "TensorOps.")):
        if name in _OPERATORS:
            return _OPERATORS[name]
        is_property = isinstance(inspect.getattr_static(type(owner), name, None), property)
        return f".{name}" if is_property else f".{name}()"
    if qualname == "Module.__call__" and owner is not None:
        return f"{type(owner).__name__}(...)"
    if "." in qualname:
        return f"{qualname}()"
    import tinytorch
    if frame.f_globals.get("__name__") == "tinytorch.nn.functional":
        return f"F.{name}()"
    return f"torch.{name}()" if hasattr(tinytorch, name) else f"{name}()"
