"""tests/kernel_tour.ipynb, plain PyTorch code, in the teaching kernel and in the plain
kernel with real torch (issue 15's differential test): every cell prints the same
text/plain, with tinytorch's name read as torch's and addresses blanked, as the lessons'
parity test compares them. Cells tagged `kernel-only` (the magics, the tensor line) run
in the tinytorch kernel only, and show what they must there."""
from pathlib import Path

import nbformat
import pytest

from differential import shown
from kernel_runs import install_kernel, run_cells

TOUR = Path(__file__).resolve().parent / "kernel_tour.ipynb"
KERNEL_ONLY = "kernel-only"


def _code_cells():
    return [c for c in nbformat.read(TOUR, as_version=4).cells if c.cell_type == "code"]


def _printed(cell):
    """What the cell printed and showed as text/plain, in order (errors by name and message)."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data["text/plain"] + "\n")
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    jupyter_path = install_kernel(tmp_path_factory.mktemp("prefix"))
    cells = _code_cells()
    shared = [c.source for c in cells if KERNEL_ONLY not in c.metadata.get("tags", [])]
    return cells, run_cells("tinytorch", [c.source for c in cells], jupyter_path), \
        run_cells("python3", shared, jupyter_path)


def test_the_tour_prints_the_same_in_both_kernels(runs):
    cells, tiny, plain = runs
    tiny_shared = [ran for cell, ran in zip(cells, tiny) if KERNEL_ONLY not in cell.metadata.get("tags", [])]
    assert len(tiny_shared) == len(plain) > 5
    for ours, theirs in zip(tiny_shared, plain):
        assert "error" not in {out.output_type for out in theirs.outputs}, _printed(theirs)
        assert shown(_printed(ours)) == shown(_printed(theirs)), ours.source


def test_the_kernel_only_cells_show_the_kernels_pictures(runs):
    cells, tiny, _ = runs
    by_source = {cell.source: ran for cell, ran in zip(cells, tiny)}
    graph = _printed(by_source["%graph loss"])
    assert graph.startswith("GraphView(root=SumBackward0"), graph
    storage = _printed(by_source["%storage a b c d"])
    assert storage.startswith("StorageView(a: shape=(6,)"), storage
    (value,) = [o for o in by_source["b"].outputs if o.output_type == "execute_result"]
    assert "shares storage with <code>a</code>, <code>c</code>" in value.data["text/html"]
    assert "<code>d</code>" not in value.data["text/html"]  # d is a contiguous copy
    assert _printed(by_source["%tinytorch"]).startswith("`torch` is tinytorch")
    copies = _printed(by_source["%%copies\ne = c.contiguous()\nf = b.reshape(6)\ng = c.reshape(6)"])
    assert copies.splitlines() == [
        "tinytorch made 2 copies (48 bytes) in this cell.",
        "line 2  e = c.contiguous()",
        "    .contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view",
        "line 4  g = c.reshape(6)",
        "    .reshape() copied 6 float32 (24 bytes): the tensor was a transposed view",
        "Results without new memory of their own:",
        "line 3  f: a view of a",
    ], copies
