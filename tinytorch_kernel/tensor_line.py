"""The line under every tensor the tinytorch kernel displays: what the tensor is made of.

A cell's value or `display(t)` keeps torch's repr as `text/plain` (nbval and copy-paste
see exactly what they saw before) and adds a `text/html` bundle for JupyterLab: the same
repr in a <pre>, then one small, muted line

    shape (2, 3) · stride (3, 1) · offset 0 · tinytorch.float32 · storage: 6 × 4 bytes
    · shares storage with `a`, `c`

naming the notebook's other variables (IPython's user namespace, without names starting
with `_` and IPython's own such as In/Out) that are tinytorch tensors over the same
memory: the same untyped storage object, or storages whose memory starts at the same
address (a tensor made from another's untyped storage). Names bound to the displayed
tensor itself are not "other" variables and are left out. Names are sorted; everything
is HTML-escaped.

Finding them is one pass over the namespace, keyed on each tensor's storage, done anew
for every display: nothing is cached, so a variable reassigned between cells is seen as
it is now. (bench/bench_display.py times it with 10,000 variables.)
"""
import html
import sys

HTML_MIME = "text/html"
TENSOR_TYPE = ("tinytorch", "Tensor")  # registered by name: the kernel starts without importing tinytorch

LINE_STYLE = ("font-size: 0.85em; color: var(--jp-ui-font-color2, #757575); "
              "font-family: var(--jp-ui-font-family, sans-serif); margin-top: 0.2em")
PRE_STYLE = "margin: 0"


def _storage_key(storage, keys):
    """What tells two storages apart: the memory's device and address (one key per
    distinct storage object, computed once per pass); an empty storage is only itself."""
    key = keys.get(id(storage))
    if key is None:
        if storage.nbytes() > 0:
            key = (str(storage.device), storage.data_ptr())
        else:
            key = ("empty", id(storage))
        keys[id(storage)] = key
    return key


def user_variables(namespace, hidden=None):
    """(name, value) for the notebook's own variables in IPython's user namespace: not the
    names starting with `_` (IPython's _, __, _3 ...) nor IPython's own names (In, Out,
    exit ...: `hidden`, the shell's user_ns_hidden) while still bound to what IPython put there."""
    hidden = hidden or {}
    for name, value in list(namespace.items()):
        if isinstance(name, str) and not name.startswith("_") and not (name in hidden and hidden[name] is value):
            yield name, value


def sharing_names(tensor, namespace, hidden=None):
    """The sorted names of the notebook's variables (user_variables) bound to a tinytorch
    tensor other than `tensor` that shares its storage. One pass over the namespace."""
    from tinytorch import Tensor

    keys = {}
    target = _storage_key(tensor.untyped_storage(), keys)
    names = []
    for name, value in user_variables(namespace, hidden):
        if not isinstance(value, Tensor) or value is tensor:
            continue
        if _storage_key(value.untyped_storage(), keys) == target:
            names.append(name)
    names.sort()
    return names


def describe_parts(tensor):
    """shape, stride, offset, dtype and storage of `tensor`, as plain text parts."""
    storage = tensor.untyped_storage()
    nbytes, itemsize = storage.nbytes(), tensor.element_size()
    if itemsize and nbytes % itemsize == 0:
        size = f"storage: {nbytes // itemsize} × {itemsize} bytes"
    else:
        size = f"storage: {nbytes} bytes"
    return [f"shape {tuple(tensor.shape)}", f"stride {tuple(tensor.stride())}",
            f"offset {tensor.storage_offset()}", str(tensor.dtype), size]


def tensor_line(tensor, namespace, hidden=None):
    """The line as HTML (escaped): the parts joined by " · ", then who shares the storage."""
    parts = [html.escape(part) for part in describe_parts(tensor)]
    names = sharing_names(tensor, namespace, hidden)
    if names:
        parts.append("shares storage with " + ", ".join(f"<code>{html.escape(n)}</code>" for n in names))
    return " · ".join(parts)


def tensor_html(tensor, namespace, hidden=None):
    """The text/html bundle: the repr (Lab shows only the richest type), then the line."""
    return (f'<pre style="{PRE_STYLE}">{html.escape(repr(tensor))}</pre>'
            f'<div class="tinytorch-tensor-line" style="{LINE_STYLE}">{tensor_line(tensor, namespace, hidden)}</div>')


def html_formatter(shell):
    """The callable IPython's text/html formatter calls with a tensor. A tensor it cannot
    describe gets no HTML (None), so the learner still sees its repr, never a traceback."""

    def format_tensor(tensor):
        try:
            return tensor_html(tensor, shell.user_ns, getattr(shell, "user_ns_hidden", None))
        except Exception:  # noqa: BLE001 - a display must not fail because of the extra line
            return None

    format_tensor.tinytorch_kernel = True
    return format_tensor


def register(shell):
    """Add the line to every tinytorch tensor `shell` displays (and to its subclasses,
    such as nn.Parameter); a tuple or list of tensors keeps its plain repr."""
    formatter = shell.display_formatter.formatters[HTML_MIME]
    tinytorch = sys.modules.get("tinytorch")
    if tinytorch is not None:  # (a deferred name would not replace a printer already keyed on the class)
        formatter.for_type(tinytorch.Tensor, html_formatter(shell))
    else:
        formatter.for_type_by_name(*TENSOR_TYPE, html_formatter(shell))


def unregister(shell):
    formatter = shell.display_formatter.formatters[HTML_MIME]
    try:
        registered = formatter.lookup_by_type(".".join(TENSOR_TYPE))
    except KeyError:
        return
    if getattr(registered, "tinytorch_kernel", False):
        formatter.pop(".".join(TENSOR_TYPE), None)
