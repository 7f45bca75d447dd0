"""Every lesson runs the same with real PyTorch.

Each lesson's code cells run again with `tinytorch` replaced by `torch` in their source
(`import tinytorch as torch` becomes `import torch as torch`), and their outputs are
compared with the stored tinytorch outputs in which `tinytorch` reads `torch`: printed
text, reprs, error types and error messages.

A cell that cannot run under torch is excluded by a tag `parity-skip: <reason>` (the
reason says why, e.g. `parity-skip: widget drawing tinytorch's storage`; tags cannot
contain commas). Cells tagged nbval-ignore-output run but are not compared: their
output depends on the machine (a GPU, the core count).
"""
import copy
import re
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import refresh_notebooks as refresh  # noqa: E402

NOTEBOOKS = refresh.notebook_paths()
SKIP_TAG = "parity-skip"
MIN_REASON_WORDS = 3
# Run first in the torch kernel: nothing to set up.
TORCH_SETUP = "pass"


def _without_storage_warning(outputs):
    """outputs without a stderr stream that is only the TypedStorage deprecation warning.
    Both libraries give it on the first storage() call of a process (tests/test_storage.py
    pins tinytorch's), but in this test's torch kernels torch gives it again later in a
    lesson (lesson 5, `c.storage()[0] = -200`), which a plain kernel does not: its
    once-only flag gets reset by something not yet pinned down. So it is not compared."""
    return [out for out in outputs
            if not (out[0] == "stream" and out[1] == "stderr" and "TypedStorage is deprecated" in out[2]
                    and out[2].count("UserWarning") == 1)]


def parity_skip_reason(cell):
    """The reason a cell is excluded, None if it is not. ValueError for a malformed tag."""
    for tag in cell.metadata.get("tags", []):
        if not tag.lower().replace("_", "-").startswith(SKIP_TAG):
            continue
        match = re.fullmatch(rf"{SKIP_TAG}: *(\S.*)", tag)
        if not match or len(match.group(1).split()) < MIN_REASON_WORDS:
            raise ValueError(
                f"tag {tag!r} needs a reason: write `{SKIP_TAG}: <why this cell cannot run under torch>` "
                f"(at least {MIN_REASON_WORDS} words)")
        return match.group(1)
    return None


def as_torch(text):
    return re.sub(r"\btinytorch\b", "torch", text)


def _compared_cells(nb):
    """(index, cell) of the code cells the torch run executes."""
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and parity_skip_reason(c) is None]


def _outputs_in_torch_words(cell, patterns):
    mapped = copy.deepcopy(cell)
    for out in mapped.outputs:
        for key in ("text", "evalue"):
            if key in out:
                out[key] = as_torch(out[key])
        for mime, value in out.get("data", {}).items():
            if isinstance(value, str):
                out.data[mime] = as_torch(value)
    return refresh.comparable_outputs(mapped, patterns)[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parity_skip_tags_give_reasons(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        try:
            parity_skip_reason(cell)
        except ValueError as error:
            pytest.fail(f"{path.name} cell {i}: {error}")


def test_a_tag_without_a_reason_is_refused():
    for tag in ("parity-skip", "parity-skip:", "parity-skip: widget", "parity_skip: a b c", "parity-skipwidget x y"):
        cell = nbformat.v4.new_code_cell("x", metadata={"tags": [tag]})
        with pytest.raises(ValueError):
            parity_skip_reason(cell)
    cell = nbformat.v4.new_code_cell("x", metadata={"tags": ["parity-skip: widget drawing the storage"]})
    assert parity_skip_reason(cell) == "widget drawing the storage"


def _torch_version(stored):
    """The notebook the torch run executes: the set-up cell, then every kept cell in torch words."""
    torch_nb = copy.deepcopy(stored)
    torch_nb.cells = [nbformat.v4.new_code_cell(TORCH_SETUP, id="parity-setup")]
    for _, cell in _compared_cells(stored):
        cell = copy.deepcopy(cell)
        cell.source = as_torch(cell.source)
        torch_nb.cells.append(cell)
    return torch_nb


@pytest.fixture(scope="module")
def torch_runs():
    """{path: the lesson run with torch (or the exception the run raised)}, side by side."""
    jobs = []
    for path in NOTEBOOKS:
        try:
            jobs.append((_torch_version(nbformat.read(path, as_version=4)), path.parent))
        except ValueError:  # a malformed parity-skip tag: test_parity_skip_tags_give_reasons says which
            jobs.append((nbformat.v4.new_notebook(), path.parent))
    return dict(zip(NOTEBOOKS, refresh.execute_many(jobs, allow_errors=True)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lesson_runs_the_same_with_torch(path, torch_runs):
    stored = nbformat.read(path, as_version=4)
    kept = _compared_cells(stored)
    if not kept:
        assert not any(c.cell_type == "code" for c in stored.cells), "every code cell is parity-skipped"
        return
    run = torch_runs[path]
    if isinstance(run, Exception):
        pytest.fail(f"{path.name} could not run with torch: {run}")
    setup, *ran_cells = refresh.normalize(run).cells
    assert not setup.outputs, f"the torch set-up cell failed: {setup.outputs}"

    patterns = refresh.sanitize_patterns()
    differences = []
    for (i, cell), torch_cell in zip(kept, ran_cells):
        if refresh.output_depends_on_machine(cell):
            continue
        expected = _without_storage_warning(_outputs_in_torch_words(cell, patterns))
        got = _without_storage_warning(refresh.comparable_outputs(torch_cell, patterns)[1])
        if expected != got:
            differences.append(f"cell {i}: {torch_cell.source[:160]!r} (expected: tinytorch, got: torch)\n"
                               + refresh.explain(expected, got))
    assert not differences, f"{path.name} differs under torch:\n" + "\n".join(differences)
