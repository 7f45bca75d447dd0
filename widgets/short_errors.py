"""Short tracebacks for the errors tinytorch raises on purpose, in a notebook.

A lesson makes mistakes on purpose (a shape that does not broadcast, a view that
cannot be made) to show PyTorch's message. Live, the traceback would also list
tinytorch's own frames, twenty lines of them, where PyTorch's error comes from C++
and shows none. This IPython extension drops those frames when the error is one
tinytorch raised deliberately (the last frame is a `raise` statement in tinytorch),
so the learner sees the line of their cell and the message; a file error (loading a
file that is not there) counts as deliberate too. Any other error (a bug, in
tinytorch or elsewhere) keeps its whole traceback.

    %load_ext widgets.short_errors       (make lab loads it in every kernel it starts)

tinytorch itself imports nothing from Jupyter; this lives with the course's
Jupyter side.
"""
import linecache
import os

import tinytorch

_TINYTORCH = os.path.dirname(tinytorch.__file__) + os.sep


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _in_tinytorch(tb):
    return tb.tb_frame.f_code.co_filename.startswith(_TINYTORCH)


def is_deliberate(error):
    """Did tinytorch raise this on purpose? True when the innermost frame of its
    traceback is a `raise` statement in tinytorch's own code, or for a file error
    (an OSError, such as load() of a missing file) that reached tinytorch."""
    frames = list(_frames(error.__traceback__))
    if isinstance(error, OSError) and any(_in_tinytorch(frame) for frame in frames):
        return True  # the path the learner gave, not tinytorch, is at fault
    if not frames or not _in_tinytorch(frames[-1]):
        return False
    last = frames[-1]
    return linecache.getline(last.tb_frame.f_code.co_filename, last.tb_lineno).strip().startswith("raise ")


def without_frames(tb, drop=_in_tinytorch):
    """The traceback `tb` with the frames `drop` picks (tinytorch's, unless told)
    unlinked from the chain."""
    kept = [frame for frame in _frames(tb) if not drop(frame)]
    for frame, after in zip(kept, kept[1:] + [None]):
        frame.tb_next = after
    return kept[0] if kept else None


def _show(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: the traceback to show, shortened if deliberate."""
    if is_deliberate(value):
        tb = without_frames(tb)
        value.__traceback__ = tb
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    return None  # (shown already)


def load_ipython_extension(shell):
    shell.set_custom_exc((Exception,), _show)


def unload_ipython_extension(shell):
    shell.set_custom_exc((), None)
