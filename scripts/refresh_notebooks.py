"""Re-execute the lesson notebooks and store clean, deterministic outputs.

    .venv/bin/python scripts/refresh_notebooks.py              # every notebooks/*.ipynb
    .venv/bin/python scripts/refresh_notebooks.py notebooks/05-inside-a-tensor.ipynb
    .venv/bin/python scripts/refresh_notebooks.py --check      # change nothing; exit 1 if stale

This is the one command that writes notebook outputs. Run it after editing a lesson
(or tinytorch or the widgets) so that what a learner sees before running a cell is
what running it prints, and so that `pytest --nbval` compares against fresh outputs.

Each notebook runs top to bottom in a new kernel of *this* Python environment (the
one nbval's --nbval-current-env uses; a few kernels run side by side), in the
notebook's folder, so `import tinytorch`,
`import widgets` and `from exercises import ...` resolve exactly as in JupyterLab.

Normalizing keeps the stored files small and free of diff noise:
  - no widget state and no widget-view outputs (their model ids are random, and saved
    state does not render when a notebook is merely opened): a widget's stored output
    is its plain-text repr and its static picture (an SVG, or the PNG of a matplotlib
    figure drawn into a slider widget, widgets/static_picture.py, with the size it is
    shown at); running the cell draws the live widget;
  - no execution timing, no UI state, no Python patch version in the metadata;
  - stream outputs merged; error outputs keep only their last line ("ValueError: ..."),
    so library line numbers do not leak into the lessons;
  - a matplotlib figure (or a widget's picture of one) keeps, beside its PNG, a
    description of what it shows (in the output's metadata, see scripts/figure_data.py),
    and two runs' figures are compared by that description, not by PNG bytes, which
    change with the CPU's rounding or the library (torch or tinytorch) that computed
    the numbers;
  - where a fresh output differs from the stored one only in what notebooks/sanitize.cfg
    masks (memory addresses, %timeit figures), the stored output is kept, so refreshing
    an unchanged notebook changes no byte.

The tests import `execute`, `normalize`, `sanitize` and friends from here, so the
test suite and this script agree on what "fresh" and "clean" mean.
"""
import argparse
import copy
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ipykernel.kernelspec
import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from figure_data import FIGURE_DATA, Figure

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SCRIPTS = REPO / "scripts"
SANITIZE_FILE = NOTEBOOKS / "sanitize.cfg"

CELL_TIMEOUT_S = 120
# Notebooks run side by side: most of the time goes to kernels starting and importing,
# which overlap well even on two cores.
PARALLEL_KERNELS = 3
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# Cell metadata that records when or how a cell ran, or how Lab displayed it.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# The only output metadata a refresh keeps besides a figure's description: the size a PNG
# drawn for high-density screens is shown at (widgets/static_picture.py).
KEPT_IMAGE_METADATA = ("width", "height")
# Tag on a cell whose output depends on the machine (a GPU, the core count).
IGNORE_OUTPUT_TAG = "nbval-ignore-output"


def notebook_paths():
    """The lesson notebooks, in course order: the English edition's, then their Chinese
    twins (NN-name.zh-CN.ipynb, scripts/zh_edition.py)."""
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    return [p for p in every if not p.stem.endswith(".zh-CN")] + [p for p in every if p.stem.endswith(".zh-CN")]


# -- running --------------------------------------------------------------------
class _CurrentEnvSpecs(KernelSpecManager):
    """Kernel specs that always start `python3` with this interpreter (as nbval's
    --nbval-current-env does), whatever kernels the machine has registered."""

    def get_kernel_spec(self, kernel_name):
        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
        )


def execute(nb, cwd=NOTEBOOKS, allow_errors=False, env=None):
    """Run a copy of `nb` top to bottom in a fresh kernel and return it with outputs.

    A cell that raises stops the run with nbclient's CellExecutionError, unless the cell
    is tagged `raises-exception` (a deliberate error the lesson explains) or
    allow_errors is set (the parity test collects every difference in one run).
    `env` adds environment variables to the kernel's. The kernel loads
    scripts/figure_data.py, so each figure it displays carries its description."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    km = KernelManager(kernel_name="python3", kernel_spec_manager=_CurrentEnvSpecs())
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(cwd)}},
        store_widget_state=False,
        record_timing=False,
        allow_errors=allow_errors,
        extra_arguments=["--IPKernelApp.extensions=figure_data"],
    )
    kernel_env = {**os.environ, **(env or {})}
    kernel_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SCRIPTS), kernel_env.get("PYTHONPATH")]))
    try:
        client.execute(env=kernel_env)
    finally:  # nbclient leaves a kernel manager it was given running
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    return nb


def execute_many(jobs, allow_errors=False, env=None, workers=PARALLEL_KERNELS):
    """execute() each (notebook, cwd) job, several at a time (each in its own kernel).
    Returns, in order, the executed notebook or the exception its run raised."""
    def run(job):
        nb, cwd = job
        try:
            return execute(nb, cwd=cwd, allow_errors=allow_errors, env=env)
        except Exception as error:  # reported per notebook by the caller
            return error
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, jobs))


# -- normalizing ----------------------------------------------------------------
def _coalesce_streams(outputs):
    """Merge all stream outputs of one name into the first, as nbval does before comparing:
    how a kernel splits printed text into messages depends on timing."""
    merged, by_name = [], {}
    for out in outputs:
        if out.output_type == "stream":
            if out.name in by_name:
                by_name[out.name].text += out.text
                continue
            by_name[out.name] = out
        merged.append(out)
    return merged


def _normalize_output(out):
    out = copy.deepcopy(out)
    figure = out.get("metadata", {}).get(FIGURE_DATA)
    if "data" in out:
        out.data.pop(WIDGET_VIEW, None)
        figure = out.data.pop(FIGURE_DATA, figure)
    if out.output_type == "error" and out.traceback:
        out.traceback = out.traceback[-1:]
    if "metadata" in out:
        # The figure description is kept in the metadata, where nbval and JupyterLab do
        # not look, so a learner's run never has to reproduce it; and the size a PNG is
        # shown at, which JupyterLab and nbconvert (nbviewer) read from there.
        size = {key: value for key, value in out.metadata.get("image/png", {}).items()
                if key in KEPT_IMAGE_METADATA}
        out.metadata = nbformat.from_dict({**({FIGURE_DATA: figure} if figure else {}),
                                           **({"image/png": size} if size else {})})
    return out


def normalize(nb):
    """The clean, deterministic form of an executed notebook (a new object)."""
    nb = copy.deepcopy(nb)
    nb.metadata = nbformat.from_dict({
        **{k: v for k, v in nb.metadata.items() if k not in ("widgets", "language_info", "kernelspec")},
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
    })
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = [_normalize_output(out) for out in _coalesce_streams(cell.outputs)]
    return nb


# -- comparing ------------------------------------------------------------------
def sanitize_patterns(path=SANITIZE_FILE):
    """The (regex, replacement) pairs of the sanitize file, read exactly as nbval reads them."""
    text = Path(path).read_text(encoding="utf-8")
    return re.findall("^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)


def sanitize(text, patterns):
    for regex, replacement in patterns:
        text = re.sub(regex, replacement, text)
    return text


def comparable_outputs(cell, patterns):
    """What must match between two runs of a cell: every output's type and text, the
    error's name and message, the execution count, and a figure's description in place
    of its PNG bytes (figure_data.Figure compares what a learner sees) with the size the
    PNG is shown at; widget views are never stored."""
    outs = []
    for out in cell.get("outputs", []):
        out = _normalize_output(out)
        if out.output_type == "stream":
            outs.append(("stream", out.name, sanitize(out.text, patterns)))
        elif out.output_type == "error":
            outs.append(("error", out.ename, sanitize(out.evalue, patterns)))
        else:
            data = {mime: sanitize(value, patterns) if isinstance(value, str) else value
                    for mime, value in out.get("data", {}).items()}
            if FIGURE_DATA in out.metadata:
                data["image/png"] = Figure(out.metadata[FIGURE_DATA])
            if "image/png" in out.metadata:
                data["image/png shown at"] = dict(out.metadata["image/png"])
            outs.append((out.output_type, sorted(data.items())))
    return cell.get("execution_count"), outs


def _figures(outputs):
    """The figures among comparable_outputs() (or among its list of outputs alone)."""
    outs = outputs[1] if isinstance(outputs, tuple) else outputs
    return [value for out in outs if len(out) > 1 and isinstance(out[1], list)
            for _, value in out[1] if isinstance(value, Figure)]


def explain(expected, got, most=5):
    """How two comparable_outputs() differ, for a failure message: both, and what
    differs in each figure (where its points moved, which text changed)."""
    lines = [f"  expected: {expected}", f"  got:      {got}"]
    for i, (wanted, drawn) in enumerate(zip(_figures(expected), _figures(got))):
        differences = wanted.differences(drawn)
        if differences:
            more = f" (and {len(differences) - most} more)" if len(differences) > most else ""
            lines.append(f"  figure {i}: " + "; ".join(differences[:most]) + more)
    return "\n".join(lines)


def output_depends_on_machine(cell):
    return IGNORE_OUTPUT_TAG in cell.metadata.get("tags", [])


def stale_cells(stored, fresh, patterns):
    """Indices of code cells whose stored outputs differ from a fresh run's, after
    sanitizing. Cells tagged nbval-ignore-output (GPU, core count) are not compared."""
    assert len(stored.cells) == len(fresh.cells)
    return [
        i for i, (old, new) in enumerate(zip(stored.cells, fresh.cells))
        if old.cell_type == "code"
        and not output_depends_on_machine(old)
        and comparable_outputs(old, patterns) != comparable_outputs(new, patterns)
    ]


def keep_equivalent_outputs(stored, fresh, patterns):
    """Put back the stored outputs of cells that only differ in sanitized text, so a
    refresh of an unchanged notebook writes the same bytes."""
    for old, new in zip(stored.cells, fresh.cells):
        if new.cell_type == "code" and comparable_outputs(old, patterns) == comparable_outputs(new, patterns):
            new.outputs = old.outputs
    return fresh


def write(nb, path):
    nbformat.validate(nb)
    text = nbformat.writes(nb)
    Path(path).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def refresh_all(paths, check_only=False):
    """Re-run the notebooks; write each unless check_only. Returns {path: stale cell indices},
    and raises after writing the others if any notebook failed to run."""
    patterns = sanitize_patterns()
    stored = [nbformat.read(path, as_version=4) for path in paths]
    runs = execute_many([(nb, Path(path).parent) for nb, path in zip(stored, paths)])
    stale, failed = {}, []
    for path, old, run in zip(paths, stored, runs):
        if isinstance(run, Exception):
            failed.append(f"{Path(path).name}: {run}")
            continue
        old, fresh = normalize(old), normalize(run)
        stale[path] = stale_cells(old, fresh, patterns)
        if not check_only:
            write(keep_equivalent_outputs(old, fresh, patterns), path)
    if failed:
        raise RuntimeError("these notebooks failed to run:\n" + "\n".join(failed))
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/NN-*.ipynb")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any output is stale")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebook_paths()
    stale = refresh_all(paths, check_only=args.check)
    verb = "checked" if args.check else "refreshed"
    for path, cells in stale.items():
        print(f"{verb} {Path(path).name}: {f'stale cells {cells}' if cells else 'up to date'}")
    return 1 if args.check and any(stale.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
