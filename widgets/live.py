"""What every widget here shares: a picture drawn in Python, kept live.

A `Visualizer` is an ipywidgets VBox: its controls, a `SvgCanvas` showing the
picture, and a status line. The picture is an SVG string made by the
subclass's `to_svg()`; the same string is the static `image/svg+xml` snapshot
in the notebook file, so GitHub and nbviewer show it without a kernel.

Staying live:
- tinytorch tensors: the widget listens to each Storage it shows
  (`Storage.add_listener`). Every in-place write, through any view or the
  storage itself, bumps the storage's version counter and calls the widget,
  which redraws. Redraws are throttled so a loop of writes stays fast.
- NumPy arrays and torch tensors have no such counter: the widget redraws
  after each executed cell (IPython's post_run_cell event), and on `refresh()`.
"""
import asyncio
import html
import time
import weakref

import anywidget
import ipywidgets
import traitlets
from IPython import get_ipython

from .language import Catalog

MESSAGES = Catalog(
    en={
        "live note": "Live view: it redraws whenever a cell writes into this memory, so after Run All it shows the "
                     "values the notebook's last cell left. Run the cells one by one to watch them change.",
        "could not redraw": "could not redraw: {error}",
    },
    zh_CN={
        "live note": "实时视图：只要有单元格写入这块内存，它就会重绘，所以运行所有单元格之后，它显示的是笔记本最后一个"
                     "单元格留下的值。逐个运行单元格，就能看到这些值如何变化。",
        "could not redraw": "无法重绘：{error}",
    },
)

REDRAW_INTERVAL = 0.05  # seconds: at most ~20 redraws a second while data keeps changing

# The browser side: show the SVG, report clicks on elements that carry data-click, and
# report the width the canvas has (at first, then whenever it changes by 8 pixels or more).
CANVAS_ESM = """
function render({ model, el }) {
  el.classList.add("tinytorch-canvas");
  el.style.overflow = "auto";
  el.style.maxHeight = model.get("max_height");
  const draw = () => { el.innerHTML = model.get("svg"); };
  const click = (event) => {
    const target = event.target.closest("[data-click]");
    if (target && el.contains(target)) model.send({ click: target.getAttribute("data-click") });
  };
  // Only this view's own width changes are sent (compared with what it saw last, not with
  // the model's): two views of one widget at different widths must not take turns forever.
  let seen = 0;
  const measure = () => {
    const width = Math.floor(el.clientWidth);
    if (width > 0 && Math.abs(width - seen) >= 8) {
      seen = width;
      model.set("width", width);
      model.save_changes();
    }
  };
  const resized = new ResizeObserver(measure);
  draw();
  model.on("change:svg", draw);
  el.addEventListener("click", click);
  resized.observe(el);
  return () => { model.off("change:svg", draw); el.removeEventListener("click", click); resized.disconnect(); };
}
export default { render };
"""


class SvgCanvas(anywidget.AnyWidget):
    """Shows an SVG string, reports which `data-click` element was clicked and how
    wide the canvas is in the page (`width`, in CSS pixels; 0 until a browser says)."""

    _esm = CANVAS_ESM
    svg = traitlets.Unicode("").tag(sync=True)
    max_height = traitlets.Unicode("760px").tag(sync=True)
    width = traitlets.Int(0).tag(sync=True)

    def __init__(self, on_click):
        super().__init__()
        self._on_click = on_click
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers):
        if isinstance(content, dict) and isinstance(content.get("click"), str):
            self._on_click(content["click"])

    def __repr__(self):
        return "SvgCanvas()"


class Visualizer(ipywidgets.VBox):
    """Base class: controls, the live canvas, a status line and a note that says the
    view is live; subclasses implement `to_svg()` and `__repr__`, may handle
    `_clicked(target)` and override `live_note`. A subclass that sets `fits_width`
    reads `available_width` in `to_svg()` and is redrawn when it changes."""

    fits_width = False  # True: the picture reflows to the canvas's width (see available_width)

    @property
    def live_note(self):
        """Said under the picture, in the language of the moment the widget is made: the view
        follows its tensors, so after Run All it shows what the notebook's later cells did to
        them, not the state the text beside it describes."""
        return MESSAGES("live note")

    def __init__(self, controls=()):
        super().__init__()
        self.canvas = SvgCanvas(self._clicked_safely)
        self._drawing_snapshot = False
        if self.fits_width:
            self.canvas.observe(self._width_changed, names="width")
        self.status = ipywidgets.HTML()
        note = ipywidgets.HTML(f'<div style="color:#6b7280;font-size:11px;margin:2px 0">{html.escape(self.live_note)}'
                               '</div>')
        self.children = [*controls, self.canvas, self.status, note]
        self._drawn_at = float("-inf")
        self._redraw_pending = False
        self._listening = []  # the storages this widget listens to

    # -- to be provided by each widget -------------------------------------------
    def to_svg(self):
        raise NotImplementedError

    def _clicked(self, target):
        """A click on the element with data-click=target."""

    # -- drawing -------------------------------------------------------------------
    def refresh(self):
        """Redraw from the current data (also the place a learner calls by hand)."""
        self._redraw_pending = False
        self.canvas.svg = self.to_svg()
        self._drawn_at = time.monotonic()

    @property
    def available_width(self):
        """How wide the picture may be, in pixels: the canvas's width in the page, or
        None for the default layout (no browser has said yet, or drawing the snapshot)."""
        if self._drawing_snapshot or not self.fits_width or self.canvas.width <= 0:
            return None
        return self.canvas.width

    def _width_changed(self, _change=None):
        self._refresh_quietly()

    def snapshot_svg(self):
        """The picture at the default layout, whatever the width of the page (the
        static image/svg+xml stored in a notebook must not depend on the window)."""
        if self.available_width is None:
            return self.canvas.svg
        self._drawing_snapshot = True
        try:
            return self.to_svg()
        finally:
            self._drawing_snapshot = False

    def _repr_mimebundle_(self, **kwargs):
        self.refresh()  # the live view and the snapshot show the same picture
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["image/svg+xml"] = self.snapshot_svg()
        return bundle

    def show_status(self, text, error=False):
        """One line under the picture (HTML-escaped); red for errors."""
        colour = "#b91c1c" if error else "#374151"
        self.status.value = (
            f'<pre style="margin:2px 0;white-space:pre-wrap;color:{colour}">{html.escape(text)}</pre>' if text else ""
        )

    def _clicked_safely(self, target):
        try:
            self._clicked(target)
        except Exception as error:  # a click has no cell to raise into: say it here
            self.show_status(f"{type(error).__name__}: {error}", error=True)

    # -- staying live ----------------------------------------------------------------
    def _follow(self, infos):
        """Redraw when the data of these tensors changes (see the module docstring)."""
        for info in infos:
            if info.storage is not None:
                if not any(s is info.storage for s in self._listening):
                    info.storage.add_listener(self._data_changed)  # held weakly by the storage
                    self._listening.append(info.storage)
            else:
                refresh_after_each_cell(self)

    def _unfollow(self):
        for storage in self.__dict__.get("_listening", ()):
            storage.remove_listener(self._data_changed)
        self._listening = []
        forget_after_each_cell(self)

    def _data_changed(self, _storage=None):
        """An in-place write happened. Redraw now, unless we just did: then once
        more a moment later (or after the running cell, if it is busy)."""
        if self._redraw_pending:
            return
        wait = self._drawn_at + REDRAW_INTERVAL - time.monotonic()
        if wait <= 0 or not _call_later(wait, self._redraw_later):
            self.refresh()
        else:
            self._redraw_pending = True

    def _redraw_later(self):
        if self._redraw_pending and self.comm is not None:
            self._refresh_quietly()

    def _refresh_quietly(self):
        """Refresh where no one can catch an error (after a cell, on a timer): show it instead."""
        try:
            self.refresh()
        except Exception as error:
            self.show_status(MESSAGES("could not redraw", error=f"{type(error).__name__}: {error}"), error=True)

    def close(self):
        # Also runs from __del__ of a widget whose __init__ raised (bad input), so
        # parts may be missing.
        self._unfollow()
        for part in ("canvas", "status"):
            if part in self.__dict__:
                self.__dict__[part].close()
        super().close()


def _call_later(delay, callback):
    """Schedule callback on the running event loop (the kernel's); False when there is none."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(delay, callback)
    return True


# -- redrawing after each cell (for data without a version counter) ---------------------
_after_each_cell = []  # weak references to widgets
_hooked_shells = []  # the IPython shells we registered with


def refresh_after_each_cell(widget):
    """Redraw `widget` after every executed cell, for as long as it is alive and open."""
    if any(ref() is widget for ref in _after_each_cell):
        return
    _after_each_cell.append(weakref.ref(widget))
    shell = get_ipython()  # None outside IPython: then refresh() is the way
    if shell is not None and not any(s is shell for s in _hooked_shells):
        shell.events.register("post_run_cell", _redraw_after_cell)
        _hooked_shells.append(shell)


def forget_after_each_cell(widget):
    _after_each_cell[:] = [ref for ref in _after_each_cell if ref() is not None and ref() is not widget]


def _redraw_after_cell(*_result):
    alive = []
    for ref in _after_each_cell:
        widget = ref()
        if widget is not None and widget.comm is not None:
            alive.append(ref)
            widget._refresh_quietly()
    _after_each_cell[:] = alive
