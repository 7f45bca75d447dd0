"""Figures are compared by what a learner sees (scripts/figure_data.py).

The comparison must accept the same figure drawn from numbers that drifted by a few ulps
(another CPU, PyTorch instead of tinytorch) and reject every change a learner would
notice: a curve that moved, a missing series, another axis scale, a changed text or colour.
"""
import base64
import copy
import struct
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from matplotlib.figure import Figure as MplFigure

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import figure_data  # noqa: E402
import refresh_notebooks as refresh  # noqa: E402
from figure_data import FIGURE_DATA, PIXEL_TOLERANCE, Figure, describe  # noqa: E402
from widgets import FigureBox, FigureImage  # noqa: E402

curves = hnp.arrays(np.float32, st.integers(2, 300),
                    elements=st.floats(-1e3, 1e3, width=32, allow_nan=False, allow_infinity=False))


def drawn(*ys, yscale="linear", label="loss", scatter=None, colour=None):
    """The description of a figure like the lessons': lines over their index, a legend."""
    fig = MplFigure(figsize=(6, 3))
    ax = fig.subplots()
    for i, y in enumerate(ys):
        ax.plot(np.arange(1, len(y) + 1), y, label=f"{label} {i}", color=colour)
    if scatter is not None:
        ax.scatter(scatter[:, 0], scatter[:, 1], c=np.arange(len(scatter)), cmap="coolwarm", label="points")
    ax.set_yscale(yscale)
    ax.set_xlabel("step")
    ax.legend()
    return Figure(describe(fig))


def ulps_away(values, ulps):
    """Each value moved by `ulps` float32 steps, up or down at random (as another CPU's
    rounding drifts a long computation)."""
    rng = np.random.default_rng(0)
    out = values.copy()
    for i in range(len(out)):
        towards = np.float32(np.inf) if rng.random() < 0.5 else np.float32(-np.inf)
        for _ in range(ulps):
            out[i] = np.nextafter(out[i], towards)
    return out


@settings(max_examples=40, deadline=None)
@given(curves, st.integers(1, 8))
def test_a_curve_a_few_ulps_away_is_the_same_figure(y, ulps):
    # A flat curve is the exception: matplotlib zooms its axis onto whatever spread it
    # has, so a spread of a few ulps really does draw another picture.
    assume(np.ptp(y) > 1e-3 * max(1.0, float(np.abs(y).max())))
    assert drawn(y) == drawn(ulps_away(y, ulps))


def test_a_tick_at_the_axis_limit_does_not_count():
    # Found by Hypothesis: the top limit is 0.6667 * 1.05, so the tick at 0.70 is drawn or
    # not depending on the curve's last bit. A tick that close to the edge is left out.
    assert drawn(np.array([0.6666667, 0.0], np.float32)) == drawn(np.array([0.6666666, 1.4e-45], np.float32))


@settings(max_examples=40, deadline=None)
@given(curves, st.data())
def test_a_curve_with_one_point_moved_is_another_figure(y, data):
    i = data.draw(st.integers(0, len(y) - 1))
    before = drawn(y)
    low, high = float(y.min()), float(y.max())
    # Move one point by a tenth of the plotted range (at least 1): a few pixels at least.
    moved = y.copy()
    moved[i] += np.float32(max((high - low) / 10, 1.0))
    after = drawn(moved)
    assert before != after
    assert any("pixels" in d or "ticklabels" in d for d in before.differences(after))


def test_the_tolerance_is_below_a_pixel():
    assert 0 < PIXEL_TOLERANCE < 1


def test_a_missing_series_another_scale_or_text_is_another_figure():
    y = np.linspace(1, 100, 200, dtype=np.float32) ** 2
    z = np.sqrt(y)
    base = drawn(y, z)
    assert base == drawn(y, z)
    assert base != drawn(y), "a missing series"
    assert base != drawn(y, z, yscale="log"), "another axis scale"
    assert base != drawn(y, z, label="error"), "another legend"
    assert base != drawn(y, z, colour="black"), "another colour"
    assert base != drawn(y, z[::-1]), "a curve reversed"


def test_scattered_points_are_compared_by_position_and_colour():
    points = np.random.default_rng(1).normal(size=(50, 2)).astype(np.float32)
    base = drawn(np.ones(3, np.float32), scatter=points)
    assert base == drawn(np.ones(3, np.float32), scatter=ulps_away(points.ravel(), 4).reshape(50, 2))
    moved = points.copy()
    moved[7] += 0.5
    assert base != drawn(np.ones(3, np.float32), scatter=moved)
    assert base != drawn(np.ones(3, np.float32), scatter=points[:-1])


def test_a_point_that_lands_nowhere_is_compared_too():
    y = np.array([1, 2, np.nan, 4], np.float32)
    assert drawn(y) == drawn(y.copy())
    assert drawn(y) != drawn(np.array([1, 2, 3, 4], np.float32))


def test_differences_say_where_and_how_far():
    y = np.linspace(0, 1, 20, dtype=np.float32)
    moved = y.copy()
    moved[5] = 0.9
    (difference,) = drawn(y).differences(drawn(moved))
    assert difference.startswith(".axes[0].lines[0].pixels: 1 coordinates moved more than 0.5 px, the first (point 5)")


def _plotting_notebook(y_source):
    cell = ("import numpy as np\nimport matplotlib.pyplot as plt\n"
            f"y = {y_source}\n"
            "fig, ax = plt.subplots(figsize=(6, 3))\nax.plot(y, label='loss')\nax.set_yscale('log')\nax.legend()\nplt.show()")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])


def test_a_kernel_stores_the_description_where_nbval_and_lab_do_not_look():
    """refresh.execute's kernels describe each figure; normalize keeps the description in
    the output's metadata (which nbval skips and JupyterLab ignores), not as a MIME type
    nbval would compare, and the stored notebook stays valid."""
    base = "np.exp(-np.linspace(0, 5, 1000, dtype=np.float32)) + np.float32(0.01)"
    ran = refresh.normalize(refresh.execute(_plotting_notebook(base)))
    nbformat.validate(ran)
    (out,) = ran.cells[0].outputs
    assert sorted(out.data) == ["image/png", "text/plain"]
    description = out.metadata[FIGURE_DATA]
    assert description["axes"][0]["yscale"] == "log"
    assert description["axes"][0]["legend"] == ["loss"]
    assert len(figure_data._read_pixels(description["axes"][0]["lines"][0]["pixels"])) == 2000

    patterns = refresh.sanitize_patterns()
    drifted = refresh.normalize(refresh.execute(_plotting_notebook(
        f"np.nextafter(np.nextafter({base}, np.float32(1)), np.float32(1))")))
    changed = refresh.normalize(refresh.execute(_plotting_notebook(f"({base}) ** 1.1")))
    assert refresh.stale_cells(ran, drifted, patterns) == []
    assert refresh.stale_cells(ran, changed, patterns) == [0]
    explained = refresh.explain(refresh.comparable_outputs(ran.cells[0], patterns),
                                refresh.comparable_outputs(changed.cells[0], patterns))
    assert "figure 0: .axes[0]." in explained


@pytest.mark.parametrize("path", [p for p in refresh.notebook_paths()], ids=lambda p: p.stem)
def test_every_stored_picture_carries_its_description(path):
    """A PNG stored without its description (a figure's, or a slider widget's picture of
    one) would be compared by its bytes again, which differ between CPUs and between
    tinytorch's and torch's runs. A picture drawn for high-density screens is shown at
    its figure's size."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                assert FIGURE_DATA in out.metadata, (
                    f"cell {i}: a PNG without a description: display matplotlib figures with plt.show() or "
                    "as a cell's value, and a widget's picture with widgets.FigureImage in a widgets.FigureBox "
                    "(then run scripts/refresh_notebooks.py)")
                if "image/png" in out.metadata:
                    assert [out.metadata["image/png"][k] for k in ("width", "height")] == \
                        out.metadata[FIGURE_DATA]["size"], f"cell {i}: shown at another size than its figure's"


WIDGET_CELL = """
import ipywidgets
import numpy as np
from matplotlib.figure import Figure
from widgets import FigureBox, FigureImage

def wave(a):
    fig = Figure(figsize=(4, 2.5), dpi=80)
    ax = fig.subplots()
    xs = np.linspace(0, 3, 50, dtype=np.float32)
    ax.plot(xs, np.sin(a * xs) * {scale}, label="sin")
    ax.legend()
    return fig

slider = ipywidgets.FloatSlider(value=1.5, min=0, max=5)
picture = FigureImage()
picture.figure = wave(slider.value)
slider.observe(lambda change: setattr(picture, "figure", wave(change.new)), names="value")
FigureBox([slider, ipywidgets.Label("a sine"), picture])
"""


def _widget_run(scale):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(WIDGET_CELL.format(scale=scale))])
    return refresh.normalize(refresh.execute(nb))


def test_a_slider_widget_stores_its_picture_and_its_description():
    """A FigureBox's output holds, besides the live widget (never stored), the PNG of its
    picture at the slider's value, drawn at twice the figure's resolution and shown at the
    figure's size, with the figure's description; a refresh keeps all three, and two runs
    compare by the description, as figures do."""
    ran = _widget_run("np.float32(1)")
    nbformat.validate(ran)
    assert refresh.normalize(ran) == ran
    (out,) = ran.cells[0].outputs
    assert sorted(out.data) == ["image/png", "text/plain"]
    assert out.data["text/plain"].startswith("FigureBox(children=(FloatSlider(value=1.5")
    assert out.metadata["image/png"] == {"width": 320, "height": 200}
    description = out.metadata[FIGURE_DATA]
    assert description["size"] == [320, 200] and description["axes"][0]["legend"] == ["sin"]
    png = base64.b64decode(out.data["image/png"])
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == (640, 400)

    patterns = refresh.sanitize_patterns()
    drifted = _widget_run("np.nextafter(np.nextafter(np.float32(1), np.float32(2)), np.float32(2))")
    changed = _widget_run("np.float32(1.1)")
    assert refresh.stale_cells(ran, drifted, patterns) == []
    assert refresh.stale_cells(ran, changed, patterns) == [0]
    unsized = copy.deepcopy(ran)
    del unsized.cells[0].outputs[0].metadata["image/png"]
    assert refresh.stale_cells(ran, unsized, patterns) == [0], "the size a picture is shown at is compared"


def test_a_figure_image_follows_its_figure_live():
    """Live, the Image widget holds the picture at twice the figure's resolution and says
    the size to show it at; a new figure replaces both."""
    picture = FigureImage()
    assert picture.value == b"" and picture._repr_mimebundle_().keys() >= {"text/plain"}
    for width, height in ((4, 2.5), (6, 3.6)):
        fig = MplFigure(figsize=(width, height), dpi=80)
        fig.subplots().plot([0, 1])
        picture.figure = fig
        assert (picture.width, picture.height) == (str(round(width * 80)), str(round(height * 80)))
        assert struct.unpack(">II", picture.value[16:24]) == (round(width * 160), round(height * 160))
    data, metadata = FigureBox([picture])._repr_mimebundle_()
    assert base64.b64decode(data["image/png"]) == picture.value
    assert metadata == {"image/png": {"width": 480, "height": 288}}
    assert figure_data._shown_figure(FigureBox([picture])) is picture.figure
    assert figure_data._shown_figure(FigureBox([])) is None and figure_data._shown_figure(object()) is None


def plotted(draw):
    fig = MplFigure(figsize=(6, 3))
    draw(fig.subplots())
    return Figure(describe(fig))


def test_every_kind_of_artist_is_described_and_compared():
    """Filled areas, error bars, contours and bars are described by their paths, so a
    changed one is another figure, and none of them breaks the description."""
    x = np.arange(5.0)
    kinds = {
        "fill_between": lambda ax, y: ax.fill_between(x, y),
        "errorbar": lambda ax, y: ax.errorbar(x, y, yerr=0.5),
        "bar": lambda ax, y: ax.bar(x, y),
        "vlines": lambda ax, y: ax.vlines(x, 0, y),
        "contour": lambda ax, y: ax.contour(np.outer(y, y)),
    }
    for name, draw in kinds.items():
        y = np.array([1.0, 2.0, 3.0, 2.0, 1.0])
        bumped = y.copy()
        bumped[2] = 4.0
        same = plotted(lambda ax: draw(ax, y)) == plotted(lambda ax: draw(ax, y.copy()))
        changed = plotted(lambda ax: draw(ax, y)) != plotted(lambda ax: draw(ax, bumped))
        assert same and changed, name


def test_line_width_transparency_visibility_and_offset_text_are_compared():
    y = np.linspace(0, 1, 10)
    base = plotted(lambda ax: ax.plot(y))
    assert base != plotted(lambda ax: ax.plot(y, linewidth=4))
    assert base != plotted(lambda ax: ax.plot(y, alpha=0.3))
    assert base != plotted(lambda ax: ax.plot(y)[0].set_visible(False))
    assert plotted(lambda ax: ax.plot(1e-3 + y * 1e-7)) != plotted(lambda ax: ax.plot(2e-3 + y * 1e-7))


def test_a_point_outside_the_axes_may_drift_unseen():
    """A point the axes clip away is compared where it meets the axes' edge: rounding
    noise far outside the view cannot fail a figure."""
    def draw(last):
        return plotted(lambda ax: (ax.plot([0.1, 0.5, last]), ax.set_ylim(0, 1)))
    assert draw(3e7) == draw(np.nextafter(np.float32(3e7), np.float32(np.inf)))
    assert draw(0.9) != draw(0.3)
