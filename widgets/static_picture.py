"""A matplotlib figure inside an ipywidgets layout, sharp on any screen and saved in the
notebook file for readers without a kernel.

    picture = FigureImage()                  # an ipywidgets Image that shows a Figure
    picture.figure = draw(slider.value)      # redraw whenever the slider moves
    FigureBox([slider, picture])             # a VBox that also saves the picture

FigureImage draws the figure at SCALE times its own resolution (`Figure(dpi=...)`) and
shows it at the figure's own size, so a screen with two device pixels per CSS pixel
gets a pixel of its own for each one it shows, not a blurry enlargement.

A widget alone is saved in a notebook as its text repr (`VBox(children=...)`): GitHub
and nbviewer have no kernel to draw it with. FigureBox (and a FigureImage displayed on
its own) also puts the picture as it is when the cell runs, a PNG shown at the figure's
size, in the cell's output. JupyterLab and Notebook 7 still draw the live widget (they
prefer it to a PNG); readers without a kernel see the PNG.

The tests compare that picture by what it shows, not by its bytes, as they compare
every figure: `_shown_figure_()` names the figure to scripts/figure_data.py.
"""
import base64
import io

import ipywidgets

# Device pixels per CSS pixel the picture is drawn for: 2 covers high-density laptop and
# phone screens; a plain screen scales it down, which stays sharp.
SCALE = 2


def figure_png(figure, scale=SCALE):
    """The figure as PNG bytes, drawn at `scale` times its own dpi."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi * scale)
    return buffer.getvalue()


def shown_size(figure):
    """(width, height) in CSS pixels: the figure's size at its own dpi."""
    width, height = figure.get_size_inches() * figure.dpi
    return int(round(float(width))), int(round(float(height)))


class FigureImage(ipywidgets.Image):
    """An Image widget showing a matplotlib Figure: assign `.figure` to (re)draw it."""

    def __init__(self, figure=None, **kwargs):
        super().__init__(format="png", **kwargs)
        self._figure = None
        if figure is not None:
            self.figure = figure

    @property
    def figure(self):
        return self._figure

    @figure.setter
    def figure(self, figure):
        png = figure_png(figure)
        width, height = shown_size(figure)
        with self.hold_sync():  # one message to the browser, not three
            self.value = png
            self.width, self.height = str(width), str(height)
        self._figure = figure

    def _shown_figure_(self):
        return self._figure

    def _repr_mimebundle_(self, **kwargs):
        return _with_picture(super()._repr_mimebundle_(**kwargs), self)


class FigureBox(ipywidgets.VBox):
    """A VBox whose saved output also holds its FigureImage's picture (the first one
    among its children), for readers without a kernel."""

    def _picture(self):
        return next((child for child in self.children
                     if isinstance(child, FigureImage) and child.figure is not None), None)

    def _shown_figure_(self):
        picture = self._picture()
        return picture.figure if picture else None

    def _repr_mimebundle_(self, **kwargs):
        return _with_picture(super()._repr_mimebundle_(**kwargs), self._picture())


def _with_picture(data, picture):
    """The widget's mime bundle plus the PNG `picture` shows, and metadata that shows it
    at the figure's size (as (data, metadata), which IPython accepts)."""
    if picture is None or picture.figure is None:
        return data
    width, height = shown_size(picture.figure)
    data = {**data, "image/png": base64.b64encode(picture.value).decode("ascii")}
    return data, {"image/png": {"width": width, "height": height}}
