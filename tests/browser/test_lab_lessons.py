"""Every lesson, run as a learner runs it: JupyterLab in headless Chromium, Run All;
three Chinese twins too; and three lessons in Notebook 7, the other front end lesson 1 mentions.

For each lesson (copied, with the exercises package, into a scratch folder: the files in
notebooks/ are never saved over) the run must finish with no error except in the cells
tagged `raises-exception`, and then:
- no widget failed to display ("Error displaying widget");
- each deliberate error shows in a few lines (widgets.short_errors, which the course's
  kernels load): the frames of the learner's cells and PyTorch's message, no frame of
  tinytorch's or any library's, as the stored output shows it;
- no cell writes to stderr unless its stored output does too (a lesson that warns says so
  in its text, and its stored output shows the warning).
A screenshot of each lesson goes to test-artifacts/lessons/ (a CI artifact, not in git).
"""
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from lab import chromium_page, open_notebook, run_all_cells, running_lab

REPO = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts" / "lessons"
LESSONS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if not p.stem.endswith(".zh-CN"))
# Chinese twins run too (tests/browser/test_lab_chinese.py also reads them in a Chinese Lab).
ZH_LESSONS = ["01-welcome.zh-CN.ipynb", "05-inside-a-tensor.zh-CN.ipynb", "10-autograd-basics.zh-CN.ipynb"]


def stored_stderr_cells(name):
    """Indices of the code cells whose stored outputs write to stderr."""
    cells = [c for c in json.loads((NOTEBOOKS / name).read_text())["cells"] if c["cell_type"] == "code"]
    return {i for i, c in enumerate(cells)
            if any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in c.get("outputs", []))}


def live_outputs(page):
    """[(code cell index, [output json])] of the notebook in Lab's main area, as run."""
    return page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.widgets
            .filter((cell) => cell.model.type === 'code')
            .map((cell) => cell.model.outputs.toJSON())"""
    )


NOTEBOOK7_LESSONS = ["02-tensor-basics.ipynb", "05-inside-a-tensor.ipynb", "10-autograd-basics.ipynb"]


@pytest.fixture(scope="module")
def page():
    """One Chromium page for both front ends (Playwright's sync API allows one instance at a time)."""
    with chromium_page() as page:
        yield page


def _server(tmp_path_factory, command):
    scratch = tmp_path_factory.mktemp("lessons")
    root = scratch / "notebooks"
    shutil.copytree(NOTEBOOKS / "exercises", root / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    for name in LESSONS + ZH_LESSONS:
        shutil.copy(NOTEBOOKS / name, root / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_lab(scratch, root=root, command=command) as url:
        yield url


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    yield from _server(tmp_path_factory, None)


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    command = [sys.executable, "-m", "jupyter", "notebook", "--JupyterNotebookApp.expose_app_in_browser=True"]
    yield from _server(tmp_path_factory, command)


@pytest.mark.parametrize("name", LESSONS + ZH_LESSONS)
def test_a_lesson_runs_all_in_jupyterlab_as_a_learner_sees_it(page, lab, name):
    check_a_run(page, f"{lab}/lab/tree/{name}?reset", name, name)


@pytest.mark.parametrize("name", NOTEBOOK7_LESSONS)
def test_a_lesson_runs_all_in_notebook7(page, notebook7, name):
    check_a_run(page, f"{notebook7}/notebooks/{name}", name, "notebook7-" + name)


def check_a_run(page, address, name, shot):
    open_notebook(page, address)
    try:
        run_all_cells(page)
        assert page.get_by_text("Error displaying widget").count() == 0
        outputs = live_outputs(page)
        for index, cell in enumerate(outputs):
            for output in cell:
                if output["output_type"] == "error":
                    text = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(output["traceback"]))
                    frames = re.findall(r"^(?:Cell In\[\d+\]|File \S+)", text, re.MULTILINE)
                    assert frames and all(f.startswith("Cell In[") for f in frames), f"code cell {index}: {text}"
        live_stderr = {i for i, cell in enumerate(outputs)
                       if any(o["output_type"] == "stream" and o["name"] == "stderr" for o in cell)}
        unexpected = live_stderr - stored_stderr_cells(name)
        assert not unexpected, f"code cells {sorted(unexpected)} wrote to stderr: " + "; ".join(
            "".join(o["text"]) for i in unexpected for o in outputs[i] if o.get("name") == "stderr")
    finally:
        page.screenshot(path=str(ARTIFACTS / shot.replace(".ipynb", ".png")), full_page=True)
