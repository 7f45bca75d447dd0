"""The teaching kernel in a real browser, as a learner meets it.

Installs the kernelspec into a temporary prefix (as `python -m tinytorch_kernel install
--prefix` does) and starts JupyterLab with that prefix on its JUPYTER_PATH. In the
Launcher, clicks the "Python 3 (tinytorch)" card under Notebook: a new notebook opens in
that kernel (the card shows the kernel's own logo). Then runs plain PyTorch code there and checks what the page shows: the line
under a displayed tensor (shape, stride, offset, storage, who shares it), the StorageView
that `%storage` draws, the report of `%%copies`, and `%tinytorch`.

Needs Debian's chromium (`make chromium`); fails, never skips, without it.
Screenshots go to test-artifacts/.
"""
import re
from pathlib import Path

from playwright.sync_api import expect

from kernel_runs import install_kernel
from lab import chromium_page, run_in_new_cell, running_lab, wait_for_kernel

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DISPLAY_NAME = "Python 3 (tinytorch)"


def test_a_notebook_started_from_the_launcher_runs_in_the_tinytorch_kernel(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(install_kernel(tmp_path / "prefix")))
    root = tmp_path / "root"
    root.mkdir()
    ARTIFACTS.mkdir(exist_ok=True)
    with running_lab(tmp_path, root=root) as url, chromium_page() as page:
        try:
            start_from_the_launcher(page, url)
            check_the_kernel_shows_what_tensors_are_made_of(page)
        finally:
            page.screenshot(path=str(ARTIFACTS / "lab_kernel.png"), full_page=True)


def start_from_the_launcher(page, url):
    page.goto(f"{url}/lab?reset")
    card = page.locator(f".jp-LauncherCard[data-category='Notebook'][title='{DISPLAY_NAME}']")
    expect(card).to_be_visible(timeout=60_000)
    # Its icon is the kernel's own logo (a tensor over its storage), not Python's.
    expect(card.locator("img")).to_have_attribute("src", re.compile(r"/kernelspecs/tinytorch/logo-svg\.svg"))
    card.click()
    wait_for_kernel(page)
    kernel = page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.name")
    assert kernel == "tinytorch"
    expect(page.locator(".jp-NotebookPanel-toolbar")).to_contain_text(DISPLAY_NAME)


def output_of(page, index):
    """The output area of the notebook's cell at `index`."""
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea")


def check_the_kernel_shows_what_tensors_are_made_of(page):
    run_in_new_cell(page, "import torch\na = torch.arange(6.).reshape(2, 3)\nb = a.t()\nb")
    line = output_of(page, 1).locator(".tinytorch-tensor-line")
    expect(line).to_have_text("shape (3, 2) · stride (1, 3) · offset 0 · tinytorch.float32 · "
                              "storage: 6 × 4 bytes · shares storage with a", timeout=60_000)
    expect(output_of(page, 1).locator("pre")).to_have_text("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])")

    run_in_new_cell(page, "%storage a b")
    storage = output_of(page, 2)
    expect(storage.locator("g.storage-cell")).to_have_count(6, timeout=60_000)
    expect(storage.locator("g.element[data-tensor='1'][data-index='0,1']")).to_have_attribute("data-position", "3")
    expect(storage.locator("svg")).to_contain_text("b")

    run_in_new_cell(page, "%%copies\nc = b.contiguous()\nd = c.view(6)")
    report = output_of(page, 3).locator(".tinytorch-copies")
    expect(report).to_contain_text("tinytorch made 1 copy (24 bytes) in this cell.", timeout=60_000)
    expect(report.locator(".tinytorch-copies-line")).to_have_text(["line 2 c = b.contiguous()"])
    expect(report.locator(".tinytorch-copies-event")).to_have_text(
        [".contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view"])
    expect(report.locator(".tinytorch-copies-view")).to_have_text(["line 3 d: a view of c"])
    report.screenshot(path=str(ARTIFACTS / "copies_report.png"))

    run_in_new_cell(page, "%tinytorch")
    expect(output_of(page, 4)).to_contain_text("`torch` is tinytorch", timeout=60_000)
