"""Whether operations record the graph: `no_grad`, `enable_grad`, `set_grad_enabled`.

Each works as a context manager and as a decorator, as in PyTorch. The mode is
per thread, as in PyTorch: a data-loading thread under no_grad does not stop the
training thread from recording, and a new thread starts with recording on.
"""
import functools
import threading


class _State(threading.local):
    enabled = True  # each thread's first look sees this default


state = _State()


def is_grad_enabled():
    return state.enabled


class _GradMode:
    """Base: sets the mode on entry and restores the previous one on exit."""

    mode = True

    def __enter__(self):
        self._previous = state.enabled
        state.enabled = self.mode

    def __exit__(self, *exc):
        state.enabled = self._previous
        return False

    def __call__(self, fn):
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            previous = state.enabled
            state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = previous

        return wrapper


class no_grad(_GradMode):
    """Run code without recording a graph, e.g. a parameter update or evaluation."""

    mode = False


class enable_grad(_GradMode):
    """Record the graph even inside `no_grad`."""

    mode = True


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` switches recording off at once, as a plain call;
    used with `with` it restores the previous mode on exit; used as a decorator
    it changes nothing until the function runs."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._previous = state.enabled
        state.enabled = self.mode

    def __enter__(self):
        pass  # the switch already happened in __init__

    def __repr__(self):
        return f"tinytorch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    def __call__(self, fn):
        state.enabled = self._previous  # undo the eager switch: a decorator waits for the call
        return super().__call__(fn)
