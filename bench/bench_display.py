"""What a learner waits for when a big tensor or graph is shown, measured on this machine.

- Printing a 1000 x 1000 float32 tensor (summarized, as print does), against torch's
  repr of the same values in the same run.
- The tinytorch kernel's line under a displayed tensor (tinytorch_kernel/tensor_line.py),
  which reads the whole namespace: one display with 10,000 variables, half of them
  tensors (a fifth of those views of one storage), against a fixed budget.
- Widgets, which torch has no counterpart for, against fixed budgets: a StorageView of a
  million elements (it draws a summary), a GraphView of a 200-node chain (collapsed), and
  redrawing a GraphView whose 239 edges are all labelled (every step redraws).

The tests check what these draw (tests/test_printing.py, test_widgets_storage.py,
test_widgets_graph.py, test_kernel_tensor_line.py); how long it takes is measured here,
not asserted in a test.
"""
import sys

import numpy as np

from timing import per_call, report, single_threaded

single_threaded()
import torch  # noqa: E402

import tinytorch  # noqa: E402
from tinytorch_kernel.tensor_line import tensor_html  # noqa: E402
from widgets import GraphView, StorageView  # noqa: E402

PRINT_TARGET = 3.0  # times torch's repr
BUDGETS = {  # seconds
    "tensor line, 10,000 variables (5,000 tensors)": 0.05,
    "StorageView of a million elements": 1.0,
    "GraphView of a 200-node chain": 2.0,
    "GraphView redraw, 239 labelled edges": 1.0,
}


def chain_of_200():
    x = tinytorch.tensor([0.5], requires_grad=True)
    h = x
    for i in range(199):
        h = h.sin() if i % 2 else h.cos()
    return h.sum()


def sixty_squares():
    leaves = [tinytorch.tensor([float(i)], requires_grad=True) for i in range(60)]
    total = leaves[0] * leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf * leaf
    return total.sum()


def big_namespace():
    """10,000 variables: 5,000 numbers and strings, 4,000 small tensors of their own, and
    1,000 views of one tensor (the one displayed shares its storage with all of them)."""
    base = tinytorch.arange(1000.0)
    ns = {"base": base}
    for i in range(5000):
        ns[f"n{i}"] = i if i % 2 else str(i)
    for i in range(4000):
        ns[f"t{i}"] = tinytorch.tensor([float(i), 1.0])
    for i in range(999):
        ns[f"v{i}"] = base[i:]
    return ns, base


def main():
    values = np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32)
    ours, theirs = tinytorch.from_numpy(values), torch.from_numpy(values)
    ok = report("repr of a 1000 x 1000 float32 tensor", per_call(lambda: repr(ours), repeat=5),
                per_call(lambda: repr(theirs), repeat=5), "torch", PRINT_TARGET)

    big = tinytorch.arange(1_000_000.0).reshape(1000, 1000)
    labelled = GraphView(sixty_squares())
    labelled.run()
    namespace, shown = big_namespace()
    assert len(namespace) == 10_000
    assert "shares storage with <code>base</code>" in tensor_html(namespace["v5"], namespace)
    timings = {
        "tensor line, 10,000 variables (5,000 tensors)": per_call(lambda: tensor_html(shown, namespace), repeat=5),
        "StorageView of a million elements": per_call(lambda: StorageView(big, big.t()[::3]).to_svg(), repeat=3),
        "GraphView of a 200-node chain": per_call(lambda: GraphView(chain_of_200()).to_svg(), repeat=3),
        "GraphView redraw, 239 labelled edges": per_call(labelled.to_svg, repeat=3),
    }
    for name, seconds in timings.items():
        within = seconds <= BUDGETS[name]
        ok &= within
        print(f"{name:<48} {seconds * 1e3:8.1f} ms   (budget {BUDGETS[name] * 1e3:.0f} ms)  "
              f"{'ok' if within else 'SLOWER THAN BUDGET'}")
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
