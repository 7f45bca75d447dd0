"""The widgets in a real browser: JupyterLab driven by headless Chromium.

Starts JupyterLab on a free port (lab.py), opens widgets_demo.ipynb, runs every cell and
checks the widgets' DOM: storage cells and offsets, graph node names. Then, in
a new cell, writes into the tensor through another view and checks that the
StorageView already on screen shows the new value; clicks an element; steps
the GraphView with its button and checks the highlighted node moves, that a click
on another node while stepping writes that node's details, and that no gradient
label lies on the curve it labels (the real glyph boxes, against points along the
real path). Then the width: with the file browser open, and again in a narrower
window, a 16-cell storage strip and a long ViewExplorer header wrap to the page (no
horizontal scrolling, every cell and text inside the canvas). Then a GraphView of a real torch
tensor: torch's graph, no Step button but the line saying why. Last, opens lesson 13
as stored (not run, so not trusted) and clicks a fold of its show_source output open.

Needs Debian's chromium (`make chromium`) and the Python playwright package;
without either this test fails, it never skips. Screenshots go to test-artifacts/.
"""
import shutil
from pathlib import Path

from playwright.sync_api import expect

from lab import chromium_page, open_notebook, run_all_cells, run_in_new_cell, running_lab

HERE = Path(__file__).parent
LESSONS = HERE.parent.parent / "notebooks"
ARTIFACTS = HERE.parent.parent / "test-artifacts"


def test_widgets_render_and_stay_live_in_jupyterlab(tmp_path):
    root = tmp_path / "notebooks"
    root.mkdir()
    shutil.copy(HERE / "widgets_demo.ipynb", root / "widgets_demo.ipynb")
    shutil.copy(LESSONS / "13-custom-sigmoid.ipynb", root / "lesson13.ipynb")
    ARTIFACTS.mkdir(exist_ok=True)
    with running_lab(tmp_path, root=root) as url, chromium_page() as page:
        try:
            check_notebook(page, url)
        finally:
            page.screenshot(path=str(ARTIFACTS / "lab_widgets.png"), full_page=True)
        try:
            check_stored_source_view(page, url)
        finally:
            page.screenshot(path=str(ARTIFACTS / "lab_source_view.png"), full_page=True)


def check_stored_source_view(page, url):
    """A lesson's show_source output, as stored in the file (not run, not trusted): its
    fold is closed, shows its summary, and opens on a click to show the hidden code."""
    open_notebook(page, f"{url}/lab/tree/lesson13.ipynb?reset")
    source = page.locator(".jp-OutputArea-output", has=page.locator("details.tt-fold")).first
    fold = source.locator("details.tt-fold").first
    expect(fold).to_be_visible(timeout=60_000)
    expect(source).to_contain_text("tinytorch/autograd/engine.py, lines")
    expect(fold).not_to_have_attribute("open", "")
    expect(fold.locator("summary")).to_contain_text("raise RuntimeError(…)")
    hidden = fold.get_by_text("but expected shape compatible with").first
    expect(hidden).to_be_hidden()
    fold.locator("summary").scroll_into_view_if_needed()
    source.screenshot(path=str(ARTIFACTS / "source_view_closed.png"))
    fold.locator("summary").click()
    expect(fold).to_have_attribute("open", "")
    expect(hidden).to_be_visible()
    source.screenshot(path=str(ARTIFACTS / "source_view.png"))


def check_notebook(page, url):
    open_notebook(page, f"{url}/lab/tree/widgets_demo.ipynb?reset")
    run_all_cells(page)

    # StorageView: a's storage strip, both tensors' grids, their offsets and strides.
    storage = page.locator(".jp-OutputArea-output", has=page.locator("g.storage-cell")).first
    element = storage.locator("g.element[data-tensor='1'][data-index='1,0']")
    expect(element).to_have_attribute("data-position", "8", timeout=60_000)
    expect(element).to_have_attribute("data-value", "8.0")
    expect(storage.locator("g.storage-cell")).to_have_count(12)
    expect(storage.locator("g.element[data-tensor='0']")).to_have_count(12)
    expect(storage.locator("svg")).to_contain_text("stride (4, 2) · offset 4")
    expect(storage.locator("svg")).to_contain_text("offset 0 · contiguous")

    # ViewExplorer and BroadcastView drew their headers.
    explorer = page.locator(".jp-OutputArea-output", has_text="a[:, ::2].transpose(0, 1)").first
    expect(explorer.locator("svg")).to_contain_text("shape (2, 3) · stride (2, 4) · offset 0")
    broadcast = page.locator(".jp-OutputArea-output", has=page.locator("g.broadcast-result")).first
    expect(broadcast.locator("g.broadcast-result[data-dim='1']")).to_have_attribute("data-size", "4")

    # GraphView: PyTorch's node names.
    graph = page.locator(".jp-OutputArea-output", has=page.locator("g.graph-node")).first
    for name in ("SumBackward0", "TanhBackward0", "MulBackward0"):
        expect(graph.locator(f"g.graph-node[data-name='{name}']")).to_have_count(1)
    expect(graph.locator("g.graph-node[data-name$='AccumulateGrad']")).to_have_count(2)
    page.screenshot(path=str(ARTIFACTS / "lab_widgets_rendered.png"), full_page=True)

    # A write through another view (a.t()) reaches the StorageView already displayed.
    run_in_new_cell(page, "a.t()[0, 2] = 99.0")
    expect(storage.locator("g.element[data-tensor='0'][data-index='2,0']")).to_have_attribute(
        "data-value", "99.0")
    expect(storage.locator("g.element[data-tensor='1'][data-index='1,0']")).to_have_attribute(
        "data-value", "99.0")
    expect(storage.locator("g.storage-cell[data-position='8']")).to_have_attribute("data-value", "99.0")
    # Many writes in one cell: the last one shows once the cell is done.
    run_in_new_cell(page, "for i in range(300):\n    a.view(-1)[1] = float(i)")
    expect(storage.locator("g.storage-cell[data-position='1']")).to_have_attribute("data-value", "299.0")

    # Clicking an element selects it: its position arithmetic appears.
    storage.locator("g.element[data-tensor='1'][data-index='0,1']").click()
    expect(storage.locator("svg")).to_contain_text("position = offset + i0·stride0 + i1·stride1 = 4 + 0·4 + 1·2 = 6")
    expect(storage).to_contain_text("data_ptr() = 0x")
    storage.screenshot(path=str(ARTIFACTS / "storage_view.png"))

    # Step the GraphView with its button: the highlighted node moves down the graph.
    running = graph.locator("g.graph-node[data-running='true']")
    expect(running).to_have_count(0)
    graph.get_by_role("button", name="Step").click()
    expect(running).to_have_attribute("data-name", "SumBackward0")
    graph.get_by_role("button", name="Step").click()
    expect(running).to_have_attribute("data-name", "TanhBackward0")
    # While stepping, a click on another node writes its details under the graph.
    expect(graph.locator("svg")).to_contain_text("node 1: TanhBackward0  (running)")
    mul = graph.locator("g.graph-node[data-name='MulBackward0']")
    mul.click()
    expect(mul).to_have_attribute("data-selected", "true")
    expect(graph.locator("svg")).to_contain_text("node 2: MulBackward0  (clicked")
    expect(graph.locator("svg")).to_contain_text("self: x (3,) = [1., 2., 3.]")
    expect(running).to_have_attribute("data-name", "TanhBackward0")  # still the node that ran
    graph.screenshot(path=str(ARTIFACTS / "graph_view_clicked.png"))
    graph.get_by_role("button", name="Run").click()
    expect(graph.locator("g.graph-node[data-name$='AccumulateGrad']").first).to_contain_text(".grad = [")
    expect(graph.locator("g.edge-label")).to_have_count(4)  # one per edge, each with its gradient
    assert labels_on_their_curves(graph) == []
    graph.screenshot(path=str(ARTIFACTS / "graph_view.png"))
    page.screenshot(path=str(ARTIFACTS / "lab_widgets_live.png"), full_page=True)

    check_fitting_the_page(page)
    check_torch_graph(page)


def check_torch_graph(page):
    """A GraphView of a real torch tensor: torch's node names, no Step button but a line
    saying why, and after torch's own backward the gradients on the edges and "freed"."""
    run_in_new_cell(page, "import torch\n"
                          "tx = torch.tensor([1., 2., 3.], requires_grad=True)\n"
                          "tloss = (tx * tx).exp().sum()\n"
                          "widgets.GraphView(tloss, labels={'tx': tx})")
    graph = page.locator(".jp-OutputArea-output", has=page.locator("g.graph-node[data-name='ExpBackward0']")).first
    expect(graph.locator("g.graph-node[data-name='torch::autograd::AccumulateGrad']")).to_have_count(
        1, timeout=60_000)
    mul = graph.locator("g.graph-node[data-name='MulBackward0']")
    expect(mul).to_contain_text("saved self: tx (3,), other: tx (3,)")  # labels name what torch saved
    note = graph.locator(".graph-torch-note")
    expect(note).to_be_visible()
    expect(note).to_have_text("torch's engine cannot be stepped from Python: this picture shows torch's graph; "
                              "stepping works for tinytorch tensors")
    expect(graph.get_by_role("button", name="Step")).to_have_count(0)  # hidden: nothing to step
    expect(graph.get_by_role("button", name="Run")).to_have_count(0)
    run_in_new_cell(page, "tloss.backward()")  # torch's engine: the widget redraws after the cell
    expect(graph.locator("g.edge-label")).to_have_count(4)
    expect(mul).to_contain_text("saved: freed (retain_graph=False)")
    expect(graph.locator("g.graph-node[data-name='torch::autograd::AccumulateGrad']")).to_contain_text("tx.grad = [")
    graph.screenshot(path=str(ARTIFACTS / "graph_view_torch.png"))


def labels_on_their_curves(output):
    """The gradient labels that touch the curve they label, measured by the browser:
    each label's glyph box against 400 points along its edge's path."""
    return output.locator("svg").evaluate(
        """(svg) => [...svg.querySelectorAll('g.edge-label')].filter((label) => {
            const box = label.querySelector('text').getBBox();
            const path = svg.querySelector(`g.graph-edge[data-edge="${label.dataset.edge}"] path`);
            const length = path.getTotalLength();
            for (let i = 0; i <= 400; i++) {
                const p = path.getPointAtLength(length * i / 400);
                if (p.x >= box.x && p.x <= box.x + box.width && p.y >= box.y && p.y <= box.y + box.height) return true;
            }
            return false;
        }).map((label) => label.textContent)"""
    )


# Whether a canvas's picture fits it: no horizontal scrolling, and every text and storage cell
# inside the canvas's box. Returns what sticks out (empty when it fits).
STICKING_OUT = """(canvas) => {
    const box = canvas.getBoundingClientRect();
    const out = [];
    if (canvas.scrollWidth > canvas.clientWidth) out.push(`scrolls: ${canvas.scrollWidth} > ${canvas.clientWidth}`);
    for (const e of canvas.querySelectorAll('text, g.storage-cell rect')) {
        const r = e.getBoundingClientRect();
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5) out.push(e.textContent || e.outerHTML.slice(0, 80));
    }
    return out;
}"""


def fits(output):
    """Wait (the browser reports the canvas's width; the kernel redraws) until the picture fits its canvas."""
    canvas = output.locator(".tinytorch-canvas").element_handle()
    try:
        output.page.wait_for_function(f"(canvas) => ({STICKING_OUT})(canvas).length === 0", arg=canvas, timeout=20_000)
    except Exception:
        assert canvas.evaluate(STICKING_OUT) == [], "the picture does not fit its canvas"
    return canvas.evaluate("(canvas) => canvas.clientWidth")


def check_fitting_the_page(page):
    """A 16-cell strip and a long ViewExplorer header, with Lab's file browser open and in a narrower window."""
    if page.evaluate("() => window.jupyterapp.shell.leftCollapsed"):
        page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
    assert not page.evaluate("() => window.jupyterapp.shell.leftCollapsed")  # the file browser is open
    wide = page.locator(".jp-OutputArea-output", has=page.locator("g.storage-cell[data-position='15']")).first
    explorer = page.locator(".jp-OutputArea-output", has=page.locator("g.element[data-index='0,0,0,0']")).first
    cells = wide.locator("g.storage-cell")
    for width in (1400, 900):
        page.set_viewport_size({"width": width, "height": 1000})
        wide.scroll_into_view_if_needed()
        canvas_width = fits(wide)
        assert canvas_width < 16 * 62 + 24, canvas_width  # too narrow for one row of 16 cells
        expect(cells).to_have_count(16)
        rows = {round(box["y"]) for box in (cells.nth(i).bounding_box() for i in range(16))}
        assert len(rows) >= 2, rows  # the strip wrapped
        # The view highlights: b[::3] uses every third cell (a second coloured bar on it).
        expect(wide.locator("g.storage-cell[data-users='0 1']")).to_have_count(6)
        wide.screenshot(path=str(ARTIFACTS / f"storage_view_{width}.png"))
        explorer.scroll_into_view_if_needed()
        fits(explorer)
        expect(explorer.locator("svg")).to_contain_text("shape (3, 2, 2, 3) · stride (0, 2, 12, 4) · offset 0 ·")
        explorer.screenshot(path=str(ARTIFACTS / f"view_explorer_{width}.png"))
    page.set_viewport_size({"width": 1400, "height": 1000})  # as chromium_page opened it, for what follows
