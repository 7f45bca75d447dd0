"""Running notebooks in the teaching kernel, as the kernel tests need: install its
kernelspec into a temporary prefix (`python -m tinytorch_kernel install --prefix P`, as a
user would) and run cells in a kernel that Jupyter finds there through JUPYTER_PATH.
Used by tests/test_kernel.py, test_kernel_tensor_line.py and test_kernel_magics.py."""
import os
import subprocess
import sys

import nbclient
import nbformat


def install_kernel(prefix):
    """Install the kernelspec under `prefix`; returns the Jupyter data folder to search."""
    result = subprocess.run([sys.executable, "-m", "tinytorch_kernel", "install", "--prefix", str(prefix)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert not result.stderr, result.stderr
    return prefix / "share" / "jupyter"


def run_cells(kernel_name, cells, jupyter_path, allow_errors=True):
    """Run `cells` (sources) in one kernel named `kernel_name` ("tinytorch" or the plain
    "python3"); returns the executed cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(jupyter_path)] + ([old] if old else []))
    try:
        nbclient.NotebookClient(nb, timeout=120, kernel_name=kernel_name, allow_errors=allow_errors).execute()
    finally:
        if old is None:
            del os.environ["JUPYTER_PATH"]
        else:
            os.environ["JUPYTER_PATH"] = old
    return nb.cells
