"""Screenshots of two lessons in JupyterLab, their live widgets drawn, for the README.

    .venv/bin/python scripts/screenshot_lessons.py

Runs each lesson top to bottom in a real browser (headless Chromium, `make chromium`)
and saves the part of the page around one live widget:

    docs/screenshots/lesson-05-inside-a-tensor.png   StorageView of a, b and c
    docs/screenshots/lesson-10-autograd-basics.png   GraphView after run()

The lessons run from copies in a temporary folder (with the exercises package beside
them, as in notebooks/), so the files in notebooks/ are never saved over.
Starting JupyterLab and Chromium is shared with the browser test: tests/browser/lab.py.
"""
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "docs" / "screenshots"
sys.path.insert(0, str(REPO / "tests" / "browser"))
from lab import chromium_page, open_notebook, run_all_cells, running_lab  # noqa: E402

VIEWPORT = (1024, 900)
# Space kept below the widget's output, so the picture does not end on its border.
MARGIN_PX = 0
# The live widget's canvas (an anywidget view); the SVG stored in the file has no such parent.
LIVE_CANVAS = ".tinytorch-canvas"


@dataclass
class Shot:
    notebook: str
    widget_cell: str  # the start of the source of the cell that displays the widget
    drawn: str  # an SVG element the widget draws once it has data
    image: str


SHOTS = [
    Shot("05-inside-a-tensor.ipynb", 'StorageView(a, b, c, labels=["a", "b", "c"])', "g.storage-cell",
         "lesson-05-inside-a-tensor.png"),
    Shot("10-autograd-basics.ipynb", "gv = stepped_graph(0)\ngv.run()", "g.graph-node",
         "lesson-10-autograd-basics.png"),
]


def main():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "notebooks"
        shutil.copytree(NOTEBOOKS / "exercises", root / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
        for shot in SHOTS:
            shutil.copy(NOTEBOOKS / shot.notebook, root / shot.notebook)
        with running_lab(scratch, root=root) as url, chromium_page(*VIEWPORT) as page:
            for shot in SHOTS:
                take(page, url, shot)
                print(SCREENSHOTS / shot.image)


def take(page, url, shot):
    open_notebook(page, f"{url}/lab/tree/{shot.notebook}?reset")
    # The lesson gets the whole width: no file browser, no side panels.
    page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
    run_all_cells(page)
    index = cell_index(page, shot.widget_cell)
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.locator(f"{LIVE_CANVAS} {shot.drawn}").first.wait_for()
    # The markdown cell that introduces the widget goes at the top of the notebook's viewport.
    page.evaluate(
        """(index) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            notebook.activeCellIndex = index;
            notebook.widgets[index - 1].node.scrollIntoView({ block: 'start' });
        }""",
        index,
    )
    # Lab draws the cells it scrolled to over the next frames: wait until the widget's
    # cell stands below the top of the notebook.
    page.wait_for_function(
        """(index) => {
            const notebook = window.jupyterapp.shell.currentWidget.content;
            const cell = notebook.widgets[index].node.getBoundingClientRect();
            return cell.bottom > notebook.node.getBoundingClientRect().top + 100;
        }""",
        arg=index,
    )
    page.screenshot(path=str(SCREENSHOTS / shot.image), clip=frame(page, cell))


def cell_index(page, source_start):
    index = page.evaluate(
        """(start) => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
            (cell) => cell.model.sharedModel.getSource().startsWith(start))""",
        source_start,
    )
    if index < 1:
        raise LookupError(f"no cell (after the first) starts with {source_start!r}")
    return index


def frame(page, cell):
    """From the top of Lab's tab bar to just below the widget cell, the notebook's width."""
    dock = page.locator("#jp-main-dock-panel").bounding_box()
    cell_box = cell.bounding_box()
    bottom = min(cell_box["y"] + cell_box["height"] + MARGIN_PX, dock["y"] + dock["height"])
    return {"x": dock["x"], "y": dock["y"], "width": dock["width"], "height": bottom - dock["y"]}


if __name__ == "__main__":
    main()
