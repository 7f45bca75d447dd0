"""Run the same notebook cells with real torch and with tinytorch as `torch`, and
compare what each cell shows: what it prints, the repr of its last expression (as
Jupyter displays it), or the exception it raises, and the warnings it gives.

    cells_from_file(path)        the code cells of a .ipynb, or of a .py split at "# %%" lines
    compare(cells)               one Outcome per cell, in order, run in two fresh namespaces
    shown(cell_result)           the text a cell shows, with tinytorch's name written as torch's

A cell that starts with a "# skip: <reason>" line is not run; the reason is kept,
so a report says what was left out and why. The tinytorch run imports torch,
torch.nn, torch.nn.functional, torch.optim, torch.autograd and torch.linalg as
tinytorch's modules of the same names (sys.modules, restored afterwards).

Used by tests/test_differential_cells.py on cells written for the course, and by
hand (`python tests/differential.py NOTEBOOK ...`) on public teaching material.
"""
import ast
import contextlib
import io
import json
import re
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_TORCH_MODULES = ("torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.autograd", "torch.linalg",
                  "torch.nn.init")


@dataclass
class Outcome:
    source: str
    tinytorch: str
    torch: str
    skipped: str = ""  # the reason, for a cell that was not run

    @property
    def same(self):
        return self.skipped or self.tinytorch == self.torch


def cells_from_file(path):
    path = Path(path)
    if path.suffix == ".ipynb":
        notebook = json.loads(path.read_text())
        return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    return [cell.strip("\n") for cell in re.split(r"^# %%.*$", path.read_text(), flags=re.M) if cell.strip()]


def _run(source, namespace):
    """What the cell shows: its stdout, then the repr of a last expression that is not
    None, or the exception's type and message (as Jupyter shows its last line)."""
    out = io.StringIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tree = ast.parse(source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            with contextlib.redirect_stdout(out):
                exec(compile(tree, "<cell>", "exec"), namespace)
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
                    if value is not None:
                        print(repr(value))
        except Exception as error:  # noqa: BLE001  (the error is what the cell shows)
            out.write(f"{type(error).__name__}: {error}")
    for w in caught:  # warnings show too (torch's C++ ones end with where they were raised)
        out.write(f"\n{w.category.__name__}: {str(w.message).split(' (Triggered internally')[0]}")
    return out.getvalue()


def shown(text):
    """A cell's output with tinytorch's name as torch's, and addresses blanked."""
    return _ADDRESS.sub(" at 0x…", text.replace("tinytorch", "torch"))


@contextlib.contextmanager
def torch_is_tinytorch():
    import tinytorch
    import tinytorch.nn.functional
    saved = {name: sys.modules.get(name) for name in _TORCH_MODULES}
    modules = {"torch": tinytorch, "torch.nn": tinytorch.nn, "torch.nn.functional": tinytorch.nn.functional,
               "torch.optim": tinytorch.optim, "torch.autograd": tinytorch.autograd, "torch.linalg": tinytorch.linalg,
               "torch.nn.init": tinytorch.nn.init}
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def _skip_reason(source):
    first = source.lstrip().split("\n", 1)[0]
    return first.split(":", 1)[1].strip() if first.startswith("# skip:") else ""


def compare(cells):
    """Run `cells` in order with each library; one Outcome per cell."""
    import torch
    import tinytorch
    results = []
    torch_namespace, tiny_namespace = {"__name__": "__main__"}, {"__name__": "__main__"}
    torch.manual_seed(0)
    tinytorch.manual_seed(0)
    for source in cells:
        reason = _skip_reason(source)
        if reason:
            results.append(Outcome(source, "", "", reason))
            continue
        expected = _run(source, torch_namespace)
        with torch_is_tinytorch():
            got = _run(source, tiny_namespace)
        results.append(Outcome(source, shown(got), shown(expected)))
    return results


def report(path, outcomes):
    agree = sum(1 for o in outcomes if o.same and not o.skipped)
    skipped = [o for o in outcomes if o.skipped]
    lines = [f"{path}: {agree} of {len(outcomes) - len(skipped)} cells agree, {len(skipped)} skipped"]
    for o in outcomes:
        if not o.same:
            lines.append("--- differs:\n" + o.source + "\n  tinytorch: " + o.tinytorch[:400] + "\n  torch:     "
                         + o.torch[:400])
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        try:
            print(report(name, compare(cells_from_file(name))))
        except Exception:  # noqa: BLE001
            traceback.print_exc()
