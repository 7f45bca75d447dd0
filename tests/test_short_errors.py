"""widgets.short_errors: a deliberate tinytorch error shows in a notebook as the learner's
line and PyTorch's message; any other error keeps its whole traceback. Run in a real
kernel of this environment, which loads the extension (jupyter/ipython_kernel_config.py,
installed into the environment by the set-up: jupyter/pyproject.toml)."""
import re
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest

import tinytorch
from widgets import short_errors

ROOT = Path(__file__).resolve().parent.parent


def test_the_environment_loads_the_extension_in_every_kernel():
    installed = Path(sys.prefix) / "etc" / "ipython" / "ipython_kernel_config.py"
    assert installed.is_file(), f"the set-up did not install {installed} (run make setup)"
    assert installed.read_text() == (ROOT / "jupyter" / "ipython_kernel_config.py").read_text()


def test_deliberate_errors_are_told_from_bugs():
    with pytest.raises(RuntimeError) as deliberate:
        tinytorch.ones(2, 3) + tinytorch.ones(4)
    assert short_errors.is_deliberate(deliberate.value)
    with pytest.raises(TypeError) as bug:
        tinytorch.strides.view_strides(None, None, None)  # a crash inside tinytorch, not a raise
    assert not short_errors.is_deliberate(bug.value)
    with pytest.raises(FileNotFoundError) as missing:
        tinytorch.load("missing.pth")  # (the OS raises it, inside tinytorch: the learner's path is at fault)
    assert short_errors.is_deliberate(missing.value)
    with pytest.raises(ZeroDivisionError) as elsewhere:
        1 / 0  # noqa: B018
    assert not short_errors.is_deliberate(elsewhere.value)


def _tracebacks(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import tinytorch as torch")] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    out = []
    for cell in nb.cells[1:]:
        (error,) = [o for o in cell.outputs if o.output_type == "error"]
        out.append(re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback)))
    return out


def test_in_a_kernel_a_deliberate_error_is_a_few_lines_and_a_bug_is_whole():
    broadcast, nested, bug = _tracebacks([
        "torch.ones(2, 3) + torch.ones(4)",
        "def f(t):\n    return t.view(5)\nf(torch.ones(2, 3))",
        "torch.strides.view_strides(None, None, None)",
    ])
    assert len(broadcast.splitlines()) <= 8 and "tinytorch" not in broadcast
    assert broadcast.rstrip().endswith("The size of tensor a (3) must match the size of tensor b (4) at "
                                       "non-singleton dimension 1")
    assert "return t.view(5)" in nested and "tinytorch" not in nested  # the learner's own frames stay
    assert "tinytorch/strides.py" in bug and "TypeError" in bug  # a bug shows where it happened
