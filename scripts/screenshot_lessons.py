"""Screenshots of JupyterLab for the README and lesson 1: two lessons with their live
widgets drawn, and the teaching kernel.

    .venv/bin/python scripts/screenshot_lessons.py

Runs each lesson top to bottom in a real browser (headless Chromium, `make chromium`)
and saves the part of the page around one live widget:

    docs/screenshots/lesson-05-inside-a-tensor.png   StorageView of a, b and c
    docs/screenshots/lesson-10-autograd-basics.png   GraphView after run()

Then, with the kernel installed into a temporary prefix, picks "Python 3 (tinytorch)"
in the Launcher and runs plain PyTorch code in the new notebook. These two go beside
the lessons (lesson 1 shows them, and Lab serves only the notebooks folder):

    notebooks/images/kernel-launcher.png   the Launcher's Notebook cards
    notebooks/images/kernel-notebook.png   the tensor line and a %%copies report

and the same two in a Chinese JupyterLab, for the Chinese lesson 1:
kernel-launcher.zh-CN.png, kernel-notebook.zh-CN.png.

The lessons run from copies in a temporary folder (with the exercises package beside
them, as in notebooks/), so the files in notebooks/ are never saved over.
Starting JupyterLab and Chromium is shared with the browser test: tests/browser/lab.py.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "docs" / "screenshots"
sys.path.insert(0, str(REPO / "tests" / "browser"))
from lab import chromium_page, open_notebook, run_all_cells, run_in_new_cell, running_lab, wait_for_kernel  # noqa: E402,I001

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
    lessons()
    kernel()
    kernel("zh_CN")


def lessons():
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


KERNEL_IMAGES = NOTEBOOKS / "images"
KERNEL_CELLS = [
    "import torch\n\na = torch.arange(6.).reshape(2, 3)\nb = a.t()\nb",
    "%%copies\nc = b.contiguous()\nd = c.view(6)\ne = a.reshape(3, 2)",
]


def kernel(locale=None):
    """The Launcher with the kernel's card, then a notebook started from it; with
    locale="zh_CN", in a Chinese JupyterLab (its language pack), for the Chinese lesson 1."""
    suffix = "" if locale is None else "." + locale.replace("_", "-")
    KERNEL_IMAGES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        prefix = scratch / "prefix"
        subprocess.run([sys.executable, "-m", "tinytorch_kernel", "install", "--prefix", str(prefix)], check=True)
        os.environ["JUPYTER_PATH"] = str(prefix / "share" / "jupyter")
        (scratch / "root").mkdir()
        if locale is not None:
            settings = scratch / "_settings" / "@jupyterlab" / "translation-extension"
            settings.mkdir(parents=True)
            (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"locale": locale}))
        with running_lab(scratch, root=scratch / "root") as url, chromium_page(*VIEWPORT) as page:
            page.goto(f"{url}/lab?reset")
            page.evaluate("() => { window.jupyterapp.shell.collapseLeft(); window.jupyterapp.shell.collapseRight(); }")
            section = page.locator(".jp-Launcher-section").first  # Notebook (笔记本 in Chinese)
            card = section.locator(".jp-LauncherCard[title='Python 3 (tinytorch)']")
            card.wait_for(timeout=60_000)
            card.hover()
            section.screenshot(path=str(KERNEL_IMAGES / f"kernel-launcher{suffix}.png"))
            print(KERNEL_IMAGES / f"kernel-launcher{suffix}.png")
            card.click()
            wait_for_kernel(page)
            # The new notebook's empty first cell takes the first source; the others go below.
            page.evaluate("""(source) => {
                window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.setSource(source);
                window.jupyterapp.commands.execute('notebook:run-cell');
            }""", KERNEL_CELLS[0])
            for source in KERNEL_CELLS[1:]:
                run_in_new_cell(page, source)
            last = page.locator(".jp-Notebook .jp-Cell").nth(len(KERNEL_CELLS) - 1)
            last.locator(".tinytorch-copies").wait_for(timeout=60_000)
            page.screenshot(path=str(KERNEL_IMAGES / f"kernel-notebook{suffix}.png"), clip=frame(page, last))
            print(KERNEL_IMAGES / f"kernel-notebook{suffix}.png")


if __name__ == "__main__":
    main()
