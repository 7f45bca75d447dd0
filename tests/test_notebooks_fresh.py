"""The stored lesson notebooks are clean and their outputs are fresh.

Fresh: running a notebook again (scripts/refresh_notebooks.py's way) gives the stored
outputs, after masking what notebooks/sanitize.cfg masks (memory addresses, %timeit).
Unlike nbval, this also compares error names and messages, execution counts, and
every output's mime types. Clean: no widget state, no widget-view outputs, no timing
metadata, every code cell executed in order; i.e. a refresh would not change the file.

The fresh run rounds as another CPU would: NumPy's vector kernels are limited to its
baseline instruction set and OpenBLAS to its oldest x86 kernel (ANOTHER_CPU), while the
stored outputs come from the author's machine, usually a newer one. So an output that
depends on one CPU's rounding (a figure's PNG bytes, a digit printed at full precision)
fails here, not on the next teacher's laptop. Figures are compared by what they show
(scripts/figure_data.py), not byte for byte.

The stored outputs must also be what a machine *with* a GPU prints: lessons that touch
CUDA run again with the project's stand-in GPU (tests/fake_gpu.py), and every cell not
tagged nbval-ignore-output must print the same as stored.

Fix a failure with `.venv/bin/python scripts/refresh_notebooks.py`.
"""
import platform
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import refresh_notebooks as refresh  # noqa: E402

NOTEBOOKS = refresh.notebook_paths()
TESTS = Path(__file__).resolve().parent
# Run first in the kernel: make tinytorch see two (fake) GPUs, as the fake_gpu fixture does.
FAKE_GPU_SETUP = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
import pytest
import fake_gpu
import tinytorch
fake_gpu.stand_in_gpus(pytest.MonkeyPatch())  # never undone: the kernel ends with the notebook
assert tinytorch.cuda.is_available()
"""


def _uses_cuda(path):
    nb = nbformat.read(path, as_version=4)
    return any("cuda" in c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("edition", ["", ".zh-CN"], ids=["en", "zh-CN"])
def test_the_index_links_every_lesson_and_only_existing_ones(edition):
    """Each edition's index (00-index.ipynb, 00-index.zh-CN.ipynb) links every lesson of its edition."""
    names = [p.name for p in NOTEBOOKS if p.stem.endswith(edition) and (edition or not p.stem.endswith(".zh-CN"))]
    assert names and names[0] == f"00-index{edition}.ipynb", names
    index = nbformat.read(NOTEBOOKS[0].with_name(names[0]), as_version=4)
    text = "\n".join(c.source for c in index.cells if c.cell_type == "markdown")
    linked = set(re.findall(r"\]\(([0-9][0-9]-[^)]+\.ipynb)\)", text))
    other_index = "00-index.ipynb" if edition else "00-index.zh-CN.ipynb"
    assert other_index in linked, "each index leads to the other edition's"
    linked.discard(other_index)
    assert linked, "the index links no lessons"
    assert not linked - set(names), f"the index links lessons that do not exist: {sorted(linked - set(names))}"
    assert not set(names[1:]) - linked, f"lessons missing from the index: {sorted(set(names[1:]) - linked)}"


def _relative_links(markdown):
    """The targets of markdown links and images that point into the repository."""
    targets = re.findall(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", markdown)
    return [t.split("#")[0] for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


@pytest.mark.parametrize("path", [Path(__file__).resolve().parent.parent / name
                                  for name in ("README.md", "README.zh-CN.md")] + NOTEBOOKS, ids=lambda p: p.name)
def test_every_relative_link_and_picture_exists(path):
    """README and the lessons link files (lessons, docs/api.md) and show pictures
    (screenshots): each must be there, where the link says, relative to the file."""
    if path.suffix == ".ipynb":
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    else:
        text = path.read_text()
    missing = [t for t in _relative_links(text) if not (path.parent / t).exists()]
    assert not missing, f"{path.name} links files that do not exist: {missing}"


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "widget state is stored in the notebook metadata"
    for i, cell in enumerate(nb.cells):
        timing = [k for k in refresh.VOLATILE_CELL_METADATA if k in cell.metadata]
        assert not timing, f"cell {i} stores run or display metadata {timing}"
        if cell.cell_type != "code":
            continue
        assert cell.source.strip(), f"cell {i} is an empty code cell"
        for out in cell.outputs:
            assert refresh.WIDGET_VIEW not in out.get("data", {}), f"cell {i} stores a widget view"
            if out.output_type == "error":
                assert "raises-exception" in cell.metadata.get("tags", []), (
                    f"cell {i} stores an error but is not tagged raises-exception")
    counts = [c.execution_count for c in _code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        f"code cells were not all run once, top to bottom, in a fresh kernel: execution counts {counts}")
    assert refresh.normalize(nb) == nb, "a refresh would rewrite this notebook (run scripts/refresh_notebooks.py)"


def _another_cpu():
    """Environment variables under which NumPy and OpenBLAS compute as on an older CPU:
    NumPy dispatches to none of its optimized kernels (NPY_DISABLE_CPU_FEATURES names
    them all; one the machine lacks is ignored), and OpenBLAS, built for every x86 core
    type, takes its generic one."""
    env = {"NPY_DISABLE_CPU_FEATURES": " ".join(np._core._multiarray_umath.__cpu_dispatch__)}
    if platform.machine() in ("x86_64", "AMD64"):
        env["OPENBLAS_CORETYPE"] = "Prescott"
    return env


ANOTHER_CPU = _another_cpu()


def test_another_cpu_changes_how_numpy_computes():
    """ANOTHER_CPU really reaches NumPy and OpenBLAS in a kernel (else the fresh run
    would round exactly as the author's machine did and prove nothing)."""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__\n"
        "import threadpoolctl\n"
        "print([f for f in __cpu_dispatch__ if __cpu_features__[f]])\n"
        "print({i['internal_api']: i.get('architecture') for i in threadpoolctl.threadpool_info()})")])
    printed = refresh.execute(probe, env=ANOTHER_CPU).cells[0].outputs[0].text.splitlines()
    assert printed[0] == "[]", f"NumPy still dispatches to {printed[0]}"
    if "OPENBLAS_CORETYPE" in ANOTHER_CPU:
        assert "'openblas': 'Katmai'" in printed[1], printed[1]


@pytest.fixture(scope="module")
def fresh_runs():
    """{path: the notebook run afresh on ANOTHER_CPU (or the exception the run raised)}, all
    run side by side."""
    stored = [nbformat.read(path, as_version=4) for path in NOTEBOOKS]
    jobs = [(nb, path.parent) for nb, path in zip(stored, NOTEBOOKS)]
    return dict(zip(NOTEBOOKS, refresh.execute_many(jobs, env=ANOTHER_CPU)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_are_fresh(path, fresh_runs):
    stored = nbformat.read(path, as_version=4)
    run = fresh_runs[path]
    if isinstance(run, Exception):
        pytest.fail(f"{path.name} does not run from top to bottom: {run}")
    patterns = refresh.sanitize_patterns()
    fresh = refresh.normalize(run)
    stale = refresh.stale_cells(stored, fresh, patterns)
    details = "\n".join(
        f"cell {i}:\n  source: {stored.cells[i].source[:200]!r}\n"
        + refresh.explain(refresh.comparable_outputs(stored.cells[i], patterns),
                          refresh.comparable_outputs(fresh.cells[i], patterns))
        for i in stale
    )
    assert not stale, f"{path.name} has stale outputs; run scripts/refresh_notebooks.py\n{details}"


def test_sanitizers_cover_only_addresses_timings_and_cell_files():
    patterns = refresh.sanitize_patterns()
    assert [replacement for _, replacement in patterns] == ["0xADDRESS", "TIMEIT", "CELL"]
    # a warning names the cell's code by a file named after the kernel's process id
    located = "/tmp/ipykernel_30653/330143241.py:2: UserWarning: TypedStorage is deprecated."
    assert refresh.sanitize(located, patterns) == "CELL:2: UserWarning: TypedStorage is deprecated."
    assert refresh.sanitize("/tmp/other/330143241.py:2", patterns) == "/tmp/other/330143241.py:2"
    warning = ("The slowest run took 18.60 times longer than the fastest. "
               "This could mean that an intermediate result is being cached.\n")
    # IPython writes micro as the Greek mu; the micro sign and "us" appear elsewhere.
    for unit in ("µs", "μs", "us", "ns", "ms", "s"):
        timeit_line = f"715 {unit} ± 19.3 {unit} per loop (mean ± std. dev. of 7 runs, 10 loops each)"
        assert refresh.sanitize(timeit_line, patterns) == "TIMEIT"
        assert refresh.sanitize(warning + timeit_line, patterns) == "TIMEIT"
    # Every result IPython's own %timeit prints, including the exponent form of a time
    # that rounds up to 1000 of its unit ("1e+03 µs").
    from IPython.core.magics.execution import TimeitResult
    for seconds in (3e-9, 999.6e-9, 0.0009996, 0.0123, 2.5):
        result = str(TimeitResult(10, 7, seconds, seconds, [seconds * 10 * 0.9999] + [seconds * 10] * 5 + [seconds * 10 * 1.0001], 0, 3))
        assert refresh.sanitize(result, patterns) == "TIMEIT", result
    assert refresh.sanitize("at 0x7f3a2b4c5d60>", patterns) != "at 0x7f3a2b4c5d60>"
    for text in ("tensor([1., 2.])", "0x10", "(3, 1)", "1.0000e+08", "16777217"):
        assert refresh.sanitize(text, patterns) == text


GPU_LESSONS = [p for p in NOTEBOOKS if _uses_cuda(p)]


@pytest.fixture(scope="module")
def gpu_runs():
    """{path: the notebook run with the stand-in GPU (or the exception the run raised)}."""
    jobs = []
    for path in GPU_LESSONS:
        nb = nbformat.read(path, as_version=4)
        nb.cells.insert(0, nbformat.v4.new_code_cell(FAKE_GPU_SETUP, id="fake-gpu-setup"))
        jobs.append((nb, path.parent))
    return dict(zip(GPU_LESSONS, refresh.execute_many(jobs)))


@pytest.mark.parametrize("path", GPU_LESSONS, ids=lambda p: p.stem)
def test_outputs_are_the_same_with_a_gpu(path, gpu_runs):
    stored = nbformat.read(path, as_version=4)
    run = gpu_runs[path]
    if isinstance(run, Exception):  # a cell not tagged raises-exception raised
        pytest.fail(f"{path.name} fails on a machine with a GPU: {run}")
    setup, *cells = refresh.normalize(run).cells
    assert not setup.outputs, setup.outputs
    patterns = refresh.sanitize_patterns()
    different = [
        i for i, (old, new) in enumerate(zip(stored.cells, cells))
        if old.cell_type == "code" and not refresh.output_depends_on_machine(old)
        and refresh.comparable_outputs(old, patterns)[1] != refresh.comparable_outputs(new, patterns)[1]
    ]
    details = "\n".join(
        f"cell {i}: {stored.cells[i].source[:120]!r}\n  stored:   {refresh.comparable_outputs(stored.cells[i], patterns)[1]}"
        f"\n  with GPU: {refresh.comparable_outputs(cells[i], patterns)[1]}" for i in different)
    assert not different, f"{path.name}: outputs change when a GPU is present; tag them nbval-ignore-output\n{details}"
