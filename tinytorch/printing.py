"""How a tensor looks when printed: the same text PyTorch prints, character for character.

Printing happens in four steps, each a small function below:

1. Summarize: a tensor with more than `threshold` elements shows only the
   first and last `edgeitems` entries of every dimension, with `...` between.
   We pick those entries *before* formatting anything, so printing a tensor
   of a million elements formats a few dozen numbers, not a million.
2. Choose a style from the numbers that will be shown: integers print as
   they are; floating-point numbers print as whole numbers with a trailing
   dot (`1.`), as fixed-point (`1.5000`) or in scientific notation
   (`1.5000e+10`), whichever PyTorch would choose.
3. Format every shown number and pad them all to one width, so that columns
   line up.
4. Nest the cells in brackets, wrap long rows at `linewidth`, and append the
   suffixes (`dtype=...`, `requires_grad=True`, ...) that say what the
   numbers alone cannot.

PyTorch's repr and str are the same; so is ours, with `torch.` spelled
`tinytorch.`.
"""
import contextlib
import math

import numpy as np

from . import dtypes

# ---------------------------------------------------------------------------
# Print options
# ---------------------------------------------------------------------------

# The presets `set_printoptions(profile=...)` starts from. "full" never
# summarizes: its threshold is infinite.
_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# The current options. `sci_mode` None means "let the formatter decide".
_options = dict(_PROFILES["default"], sci_mode=None)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Change how tensors print, as `torch.set_printoptions`.

    precision: digits after the decimal point for floating-point numbers (4).
    threshold: more elements than this and the tensor is summarized (1000).
    edgeitems: entries kept at each end of every summarized dimension (3).
    linewidth: characters per line before a row wraps (80).
    profile:   "default", "short" or "full"; applied first, so the other
               arguments override it.
    sci_mode:  True or False forces scientific notation on or off; None
               (the default) chooses automatically.

    As in PyTorch, `sci_mode` is always assigned, even when not given: any
    call without it returns to automatic choice.
    """
    if profile is not None:
        # PyTorch silently ignores an unknown profile name; so do we.
        _options.update(_PROFILES.get(profile, {}))
    given = {"precision": precision, "threshold": threshold,
             "edgeitems": edgeitems, "linewidth": linewidth}
    _options.update({name: value for name, value in given.items() if value is not None})
    _options["sci_mode"] = sci_mode


def get_printoptions():
    """The current options, as a dict that `set_printoptions(**...)` accepts."""
    return {name: _options[name]
            for name in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Use some print options inside a `with` block, and restore the old ones after it."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------------------
# The whole repr
# ---------------------------------------------------------------------------

_PREFIX = "tensor("


def format_tensor(values, dtype, *, device=None, requires_grad=False, grad_fn=None):
    """The text PyTorch prints for a tensor.

    values:        a NumPy array (any shape and strides) with the tensor's values.
    dtype:         the tensor's tinytorch dtype.
    device:        None for the CPU, or a device string such as "cuda:0".
    requires_grad: whether the tensor is a leaf that records gradients.
    grad_fn:       the class name of the node that made the tensor, e.g.
                   "MulBackward0", or None for a leaf.
    """
    values = np.asarray(values)
    if values.dtype != dtype.numpy:
        values = values.astype(dtype.numpy)
    # Continuation lines line up under the first element, just past "tensor(".
    indent = len(_PREFIX)

    suffixes = []
    if device is not None and str(device) != "cpu":
        suffixes.append(f"device='{device}'")

    if values.size == 0:
        body = "[]"
        # "[]" alone reads as shape (0,); any other empty shape must be spelled out.
        if values.ndim != 1:
            suffixes.append(f"size={_shape_text(values.shape)}")
        # With no numbers to look at, the reader cannot guess the type, so
        # every type except the default float one is named (int64 and bool too).
        if dtype is not dtypes.get_default_dtype():
            suffixes.append(_dtype_suffix(dtype))
    else:
        body = _tensor_body(values, dtype, indent)
        # With edgeitems=0 a summary shows no numbers at all, so the shape is
        # the only thing left to tell; PyTorch then always prints it.
        if not _options["edgeitems"]:
            suffixes.append(f"size={_shape_text(values.shape)}")
        # The numbers already show int64 (no dot), bool (True/False) and the
        # default float type (a dot); any other type must be named.
        if not _dtype_is_evident(dtype):
            suffixes.append(_dtype_suffix(dtype))

    # A tensor made by an operation names that operation, which implies it
    # requires grad; only leaves say requires_grad=True.
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(_PREFIX + body, suffixes, indent)


def _shape_text(shape):
    # Python's own tuple text: "(0,)", "(2, 0, 3)", "()".
    return str(tuple(int(n) for n in shape))


def _dtype_suffix(dtype):
    return f"dtype={dtype!r}"  # the dtype prints itself as tinytorch.float64


def _dtype_is_evident(dtype):
    return dtype in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_)


def _length_in_torch(suffix):
    """The suffix's length as PyTorch would print it: "dtype=torch.int32".

    We break lines exactly where PyTorch does, so that our text is PyTorch's
    with only the module name changed; a line with "tinytorch." may therefore
    run up to four characters past `linewidth`.
    """
    return len(suffix.replace("tinytorch.", "torch."))


def _add_suffixes(text, suffixes, indent):
    """Append ", suffix" for each suffix, then ")"; a suffix that would run past
    `linewidth` goes on a new line, indented like the elements."""
    linewidth = _options["linewidth"]
    pieces = [text]
    # PyTorch measures the last line as its length plus two (this holds both
    # with and without a newline in the text); we measure the same way, so
    # that we wrap exactly where it does.
    last_line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        length = _length_in_torch(suffix)
        if last_line_length + length + 2 > linewidth:
            pieces.append(",\n" + " " * indent + suffix)
            last_line_length = indent + length
        else:
            pieces.append(", " + suffix)
            last_line_length += length + 2
    pieces.append(")")
    return "".join(pieces)


# ---------------------------------------------------------------------------
# The bracketed numbers
# ---------------------------------------------------------------------------


def _tensor_body(values, dtype, indent):
    """The bracketed numbers of a non-empty tensor, e.g. "[[1, 2],\\n        [3, 4]]"."""
    summarize = values.size > _options["threshold"]
    edgeitems = _options["edgeitems"]
    if summarize and not edgeitems and values.ndim > 0:
        # Nothing is kept at either end, so the whole summary is one ellipsis.
        return "[...]"

    shown, elided = _summarize(values, summarize, edgeitems)
    cells, width = _format_cells(shown, dtype)
    return _nest(cells, elided, indent, width, edgeitems)


def _summarize(values, summarize, edgeitems):
    """The entries that will be printed, and for each dimension whether some
    of its entries were left out (then `...` stands in the middle).

    When summarizing, every dimension longer than 2 * edgeitems keeps only
    its first and last `edgeitems` entries; the result is at most
    (2 * edgeitems) ** ndim numbers, however big the tensor is.
    """
    shown = values
    elided = []
    for axis, length in enumerate(values.shape):
        cut = summarize and length > 2 * edgeitems
        if cut:
            keep = np.r_[0:edgeitems, length - edgeitems:length]
            shown = np.take(shown, keep, axis=axis)
        elided.append(cut)
    return shown, elided


def _format_cells(shown, dtype):
    """Each shown number as text, right-aligned to a common width.

    Returns the cells (an object array shaped like `shown`) and that width.
    """
    if dtype.is_floating_point:
        texts, width = _format_floats(shown)
    else:
        # Integers and booleans print as Python prints them: 7, -3, True.
        texts = [str(v) for v in shown.ravel().tolist()]
        width = max([1] + [len(t) for t in texts])
    cells = np.empty(len(texts), dtype=object)
    cells[:] = [t.rjust(width) for t in texts]
    return cells.reshape(shown.shape), width


def _format_floats(shown):
    """Format floating-point numbers in the style PyTorch picks for them.

    The style and width depend only on the finite, non-zero numbers: zeros,
    nan and inf fit any style, so they never change the choice.
    """
    # float64 holds float16 and float32 values exactly, and it is what
    # PyTorch computes the choice in.
    as_double = shown.astype(np.float64).ravel()
    telling = as_double[np.isfinite(as_double) & (as_double != 0)]
    whole, scientific = _choose_float_style(telling)
    precision = _options["precision"]

    texts = []
    for v in as_double.tolist():
        if scientific:
            text = f"{v:.{precision}e}"
        elif whole:
            # "2." rather than "2": the dot says "floating point" without
            # wasting digits on zeros. nan and inf get no dot.
            text = f"{v:.0f}" + ("." if math.isfinite(v) else "")
        else:
            text = f"{v:.{precision}f}"
        texts.append(text)

    is_telling = (np.isfinite(as_double) & (as_double != 0)).tolist()
    width = max([1] + [len(t) for t, counts in zip(texts, is_telling) if counts])
    return texts, width


def _choose_float_style(telling):
    """(whole, scientific): whether every number is a whole number, and
    whether to use scientific notation.

    `telling` holds the finite non-zero numbers, as float64. Scientific
    notation is chosen when fixed-point would need too many digits: the
    numbers span more than three orders of magnitude, one exceeds 1e8, or one
    is below 1e-4. The `sci_mode` option overrides that choice, except when
    there is no telling number at all: then everything prints plainly.
    """
    if telling.size == 0:
        return True, False
    whole = bool(np.all(telling == np.ceil(telling)))
    magnitudes = np.abs(telling)
    largest, smallest = float(magnitudes.max()), float(magnitudes.min())
    if _options["sci_mode"] is not None:
        scientific = bool(_options["sci_mode"])
    else:
        # Python float division gives inf rather than an error on overflow.
        scientific = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
    return whole, scientific


def _nest(cells, elided, indent, width, edgeitems):
    """Wrap the cells in brackets, one level per dimension.

    `indent` is the column where this level's "[" stands, minus one; inner
    levels start one column further right so that their brackets line up
    under each other. Between blocks of dimension d there are d - 1 blank
    lines, which makes the structure of 3-d and 4-d tensors visible.
    """
    if cells.ndim == 0:
        return cells.item()
    if cells.ndim == 1:
        return _row(cells.tolist(), elided[0], indent, width, edgeitems)

    blocks = [_nest(block, elided[1:], indent + 1, width, edgeitems) for block in cells]
    if elided[0]:
        blocks.insert(edgeitems, "...")
    separator = "," + "\n" * (cells.ndim - 1) + " " * (indent + 1)
    return "[" + separator.join(blocks) + "]"


def _row(items, elided, indent, width, edgeitems):
    """One innermost row, wrapped so that no line passes `linewidth`.

    Each element takes its width plus two for ", "; as many as fit go on a
    line (at least one), and continuation lines line up under the first
    element.
    """
    if elided:
        # The ellipsis takes the place of one element; its leading space
        # lines it up with a row of right-aligned numbers.
        items = items[:edgeitems] + [" ..."] + items[edgeitems:]
    per_line = max(1, math.floor((_options["linewidth"] - indent) / (width + 2)))
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
