"""What a matplotlib figure shows, recorded as data, so that two runs of a lesson can be
compared by what a learner sees instead of by PNG bytes.

Why: a plotted number that drifts by a few ulps (another CPU's BLAS or vector kernels,
PyTorch instead of tinytorch) changes a few antialiased pixels, and so the PNG's bytes,
while the picture stays the same to any eye. Comparing bytes makes the suite depend on
which CPU it meets; comparing nothing would miss a wrong curve.

So every figure a lesson displays also carries a description (under FIGURE_DATA, in the
output's metadata, which nbval and JupyterLab ignore):
  - its texts and styles, compared exactly: titles, axis labels, tick labels, scales,
    legend entries, line styles, colours, markers;
  - where every plotted point, tick label and legend entry lands, in pixels of the
    displayed image, compared within PIXEL_TOLERANCE.
The claim is "the learner sees the same figure": a point that moves by less than half a
pixel cannot change the picture, and a different curve, a missing series or another
axis scale moves many points by many pixels or changes a text.

`load_ipython_extension(shell)` makes a kernel record the description
(scripts/refresh_notebooks.py starts every kernel with it); `Figure` compares two
descriptions.

A figure drawn into a widget is described the same way: an object that is not a Figure
but stores a picture of one (widgets/static_picture.py's FigureBox, which saves a slider
widget's picture as a PNG for readers without a kernel) names that figure with a method
`_shown_figure_()`, and its output gets the figure's description too.
Pinned by tests/test_figure_data.py.
"""
import math
import sys

FIGURE_DATA = "application/vnd.tinytorch-course.figure+json"
# The method by which an object that stores a picture of a Figure names it.
SHOWN_FIGURE = "_shown_figure_"
PIXEL_TOLERANCE = 0.5
# Pixel positions are stored to this many decimals: far below the tolerance, and it keeps
# the notebook files small.
PIXEL_DECIMALS = 2


# -- recording, in the kernel ------------------------------------------------------
def _pixels(transform, points, box):
    """Where `points` land in the displayed image, as one line of text "x,y x,y ...",
    held to the axes' box (one pixel beyond it: a point outside is clipped from the
    picture, wherever exactly it is); "nan" where a point lands nowhere. One line
    keeps the notebook's JSON short."""
    def shown(v, low, high):
        return f"{min(max(v, low - 1), high + 1):.{PIXEL_DECIMALS}f}" if math.isfinite(v) else "nan"
    return " ".join(f"{shown(x, box.x0, box.x1)},{shown(y, box.y0, box.y1)}" for x, y in transform.transform(points))


def _read_pixels(text):
    return [float(v) for point in text.split() for v in point.split(",")]


def _colour(value):
    from matplotlib.colors import to_hex
    return to_hex(value, keep_alpha=True)


def _colours(values):
    return " ".join(_colour(v) for v in values)


def _shown(texts):
    return [text for text in texts if text.get_visible() and text.get_text()]


def _texts(texts):
    return [text.get_text() for text in _shown(texts)]


def _centres(texts):
    """Where each shown text's box is centred (a tick label sits where its tick is)."""
    centres = [text.get_window_extent() for text in _shown(texts)]
    return " ".join(f"{(box.x0 + box.x1) / 2:.{PIXEL_DECIMALS}f},{(box.y0 + box.y1) / 2:.{PIXEL_DECIMALS}f}"
                    for box in centres)


def _inner_ticks(labels, box, axis):
    """The shown tick labels, less any whose tick lies within PIXEL_TOLERANCE of the
    axes' edge: matplotlib draws a tick only inside the axis limits, so a tick right
    at a limit comes and goes with the last bit of the data (a curve ending at 0.6667
    gets a limit of 0.7000 or 0.6999). Neither run's picture is wrong there."""
    low, high = (box.x0, box.x1) if axis == "x" else (box.y0, box.y1)
    inner = []
    for label in _shown(labels):
        extent = label.get_window_extent()
        centre = (extent.x0 + extent.x1) / 2 if axis == "x" else (extent.y0 + extent.y1) / 2
        if low + PIXEL_TOLERANCE < centre < high - PIXEL_TOLERANCE:
            inner.append(label)
    return inner


def _style(artist):
    """How an artist is drawn, beyond its colour: shown or not, and how opaque."""
    return {"visible": artist.get_visible(), "alpha": artist.get_alpha()}


def _line(line, box):
    return {
        "label": line.get_label(),
        "colour": _colour(line.get_color()),
        "linestyle": line.get_linestyle(),
        "linewidth": line.get_linewidth(),
        "marker": str(line.get_marker()),
        **_style(line),
        "pixels": _pixels(line.get_transform(), line.get_xydata(), box),
    }


def _collection(collection, box):
    """A scatter (its points' positions, sizes and colours) or another collection
    (the vertices of its paths: contour lines, filled areas, error bars)."""
    from matplotlib.collections import PathCollection
    description = {
        "kind": type(collection).__name__,
        "label": collection.get_label(),
        "facecolours": _colours(collection.get_facecolor()),
        "edgecolours": _colours(collection.get_edgecolor()),
        **_style(collection),
    }
    if isinstance(collection, PathCollection):  # a scatter: one marker at each offset
        description["sizes"] = " ".join(f"{s:g}" for s in collection.get_sizes())
        description["pixels"] = _pixels(collection.get_offset_transform(), collection.get_offsets(), box)
    else:
        transform = collection.get_transform()
        description["pixels_of_paths"] = [_pixels(transform, path.vertices, box) for path in collection.get_paths()]
    return description


def _patch(patch, box):
    return {
        "kind": type(patch).__name__,
        "facecolour": _colour(patch.get_facecolor()),
        **_style(patch),
        "pixels": _pixels(patch.get_transform(), patch.get_path().vertices, box),
    }


def _axes(ax):
    legend = ax.get_legend()
    box = ax.get_window_extent()
    return {
        "title": ax.get_title(),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(),
        "yscale": ax.get_yscale(),
        "xticklabels": _texts(_inner_ticks(ax.get_xticklabels(), box, "x")),
        "pixels_of_xticklabels": _centres(_inner_ticks(ax.get_xticklabels(), box, "x")),
        "yticklabels": _texts(_inner_ticks(ax.get_yticklabels(), box, "y")),
        "pixels_of_yticklabels": _centres(_inner_ticks(ax.get_yticklabels(), box, "y")),
        # The factor drawn beside an axis whose ticks leave it out ("1e-3", "+1e3").
        "offset_texts": [ax.xaxis.get_offset_text().get_text(), ax.yaxis.get_offset_text().get_text()],
        "legend": _texts(legend.get_texts()) if legend else [],
        "pixels_of_legend": _centres(legend.get_texts()) if legend else "",
        "texts": _texts(ax.texts),
        "pixels_of_texts": _centres(ax.texts),
        "lines": [_line(line, box) for line in ax.lines],
        "collections": [_collection(c, box) for c in ax.collections],
        "patches": [_patch(p, box) for p in ax.patches],
        # An image's colours are not recorded (its shape and placement are): a lesson that
        # shows one should also print the numbers it is made of.
        "images": [{"shape": list(im.get_array().shape), **_style(im)} for im in ax.images],
    }


def describe(fig):
    """What `fig` shows, as JSON-ready data (see the module docstring)."""
    fig.draw_without_rendering()  # lays out ticks and legends as the PNG will show them
    width, height = fig.canvas.get_width_height()
    return {
        "size": [width, height],
        "suptitle": fig._suptitle.get_text() if fig._suptitle else "",
        "axes": [_axes(ax) for ax in fig.axes],
    }


def _shown_figure(obj):
    """The Figure whose picture `obj` stores (see the module docstring), or None."""
    shown = getattr(type(obj), SHOWN_FIGURE, None)
    return shown(obj) if callable(shown) else None


def load_ipython_extension(shell):
    """Make every matplotlib Figure displayed in this IPython shell, and every object
    that stores a picture of one, carry describe(fig) under FIGURE_DATA (nbclient stores
    it beside the PNG). IPython calls this for
    `--IPKernelApp.extensions=figure_data` or `%load_ext figure_data`."""
    from IPython.core.formatters import BaseFormatter
    from traitlets import Unicode

    class FigureDataFormatter(BaseFormatter):
        # Not registered with for_type: matplotlib's inline backend removes every
        # formatter's Figure entry when it sets itself up, so this one asks itself.
        format_type = Unicode(FIGURE_DATA)

        def __call__(self, obj):
            figure = sys.modules.get("matplotlib.figure")
            if not figure:
                return None
            try:
                shown = obj if isinstance(obj, figure.Figure) else _shown_figure(obj)
                return describe(shown) if isinstance(shown, figure.Figure) else None
            except Exception:  # noqa: BLE001  (the figure still shows; tests/test_figure_data.py
                return None    # then finds it stored without a description and fails)

    formatters = shell.display_formatter
    formatters.formatters[FIGURE_DATA] = FigureDataFormatter(parent=formatters)
    if FIGURE_DATA not in formatters.active_types:
        formatters.active_types.append(FIGURE_DATA)


# -- comparing ----------------------------------------------------------------------
def _differences(expected, got, where=""):
    """Where two descriptions differ: positions (under a "pixels" key) within
    PIXEL_TOLERANCE, everything else exactly."""
    if isinstance(expected, dict) and isinstance(got, dict):
        if expected.keys() != got.keys():
            return [f"{where or 'figure'}: fields {sorted(expected)} != {sorted(got)}"]
        return [d for key in expected for d in _differences(expected[key], got[key], f"{where}.{key}")]
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            return [f"{where}: {len(expected)} items != {len(got)}"]
        return [d for i, (e, g) in enumerate(zip(expected, got)) for d in _differences(e, g, f"{where}[{i}]")]
    if where.split(".")[-1].startswith("pixels") and isinstance(expected, str) and isinstance(got, str):
        wanted, drawn = _read_pixels(expected), _read_pixels(got)
        if len(wanted) != len(drawn):
            return [f"{where}: {len(wanted) // 2} points != {len(drawn) // 2}"]
        moved = [i for i, (w, d) in enumerate(zip(wanted, drawn))
                 if not (abs(w - d) <= PIXEL_TOLERANCE or (math.isnan(w) and math.isnan(d)))]
        if moved:
            i = moved[0]
            return [f"{where}: {len(moved)} coordinates moved more than {PIXEL_TOLERANCE} px, "
                    f"the first (point {i // 2}) from {wanted[i]} to {drawn[i]}"]
        return []
    return [] if expected == got else [f"{where}: {expected!r} != {got!r}"]


class Figure:
    """A recorded figure description that compares equal to another when a learner would
    see the same picture (see the module docstring). Used inside the tuples that
    scripts/refresh_notebooks.py compares, so its repr says what differs."""

    def __init__(self, description):
        self.description = description

    def differences(self, other):
        return _differences(self.description, other.description)

    def __eq__(self, other):
        return isinstance(other, Figure) and not self.differences(other)

    def __repr__(self):
        axes = self.description.get("axes", [])
        series = sum(len(ax["lines"]) + len(ax["collections"]) for ax in axes)
        return f"<figure: {len(axes)} axes, {series} series>"
