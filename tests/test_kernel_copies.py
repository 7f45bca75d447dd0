"""The teaching kernel's %%copies (tinytorch_kernel/copies.py).

In an in-process IPython shell (IPython's own test shell), the report is checked against
torch on generated view chains: a line is reported as a copy exactly when torch's result
does not share its input's memory, and the course's claims hold as the report words them
(`view` never copies, `reshape` copies only when it must, `contiguous` of a contiguous
tensor is the tensor itself). Then in a real "tinytorch" kernel: the report is a
display_data with text/plain and text/html, the cell's value is still its result, an
error's traceback numbers lines as the report does.
"""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.testing.globalipapp import get_ipython

import tinytorch
from kernel_runs import install_kernel, run_cells
from oracle import outcome
from test_views_oracle import apply, build_chain, chains, factorization, torch_is_view_of, view_ops
from tinytorch_kernel import copies


@pytest.fixture(scope="module")
def shell():
    ip = get_ipython()
    copies.register(ip)
    return ip


def run(shell, cell, **variables):
    """Run `%%copies` + cell with these variables; (value, report)."""
    shell.user_ns.update(variables)
    try:
        return copies.run_traced(shell, cell)
    finally:
        for name in list(shell.user_ns):
            if not name.startswith("_") and name not in shell.user_ns_hidden:
                del shell.user_ns[name]


def test_the_report_names_the_line_the_op_the_size_and_why(shell):
    _, report = run(shell, "b = a.t()\nc = b.contiguous()\nd = c.view(6)", a=tinytorch.arange(6.0).reshape(2, 3))
    assert repr(report) == "\n".join([
        "tinytorch made 1 copy (24 bytes) in this cell.",
        "line 3  c = b.contiguous()",
        "    .contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view",
        "Results without new memory of their own:",
        "line 2  b: a view of a's memory",  # a itself is a view of arange's result: b is a view of that
        "line 4  d: a view of c",
    ])
    html = report._repr_html_()
    assert "<code>c = b.contiguous()</code>" in html and "transposed view" in html
    assert "<code>d</code>: a view of <code>c</code>" in html


def test_a_chain_link_is_reported_as_a_copy_exactly_when_torch_copies(shell):
    @settings(max_examples=150, deadline=None)
    @given(chains(), st.sampled_from(["contiguous()", "reshape(-1)", "flatten()", "clone()", "t().contiguous()",
                                      "detach()", "float()", "double()"]))
    def check(chain, op):
        tt_x, ref_x = build_chain(*chain)[-1]
        if op == "t().contiguous()" and ref_x.dim() > 2:
            return
        ref_y = eval(f"x.{op}", {"x": ref_x})
        _, report = run(shell, f"y = x.{op}", x=tt_x)
        if not ref_x.untyped_storage().nbytes():
            return
        if torch_is_view_of(ref_y, ref_x):
            assert report.summary() == "tinytorch allocated and copied nothing in this cell.", (op, repr(report))
            assert [name for _, name, _ in report.views] == ["y"], repr(report)
        else:
            (event,) = [e for events in report.groups.values() for e in events]
            assert event.kind == "copied" and event.nbytes == ref_y.untyped_storage().nbytes(), repr(report)
            assert report.summary() == f"tinytorch made 1 copy ({copies._bytes(event.nbytes)}) in this cell."
            assert [line for line, _, _ in report.entries()] == [2] and report.views == []

    check()


def test_view_never_copies_in_the_report(shell):
    @settings(max_examples=150, deadline=None)
    @given(chains(), st.data())
    def check(chain, data):
        tt_x, ref_x = build_chain(*chain)[-1]
        op = data.draw(view_ops(tuple(ref_x.shape), ref_x.untyped_storage().nbytes() // ref_x.element_size()))
        ref_y, error = outcome(lambda: apply(torch, ref_x, op))
        if op[0] in ("reshape", "expand_as") or error is not None:
            return  # reshape: the next test; expand_as makes its argument, a new tensor
        _, report = run(shell, "y = apply(lib, x, op)", x=tt_x, apply=apply, lib=tinytorch, op=op)
        assert report.groups == {}, repr(report)
        # torch's ._base, as tinytorch's, is the tensor a chain of views started from
        what = "is x itself" if ref_y is ref_x else "a view of x" if ref_y._base is ref_x else "a view of x's memory"
        assert [(line, name, "".join(sentence)) for line, name, sentence in report.views] == [(2, "y", what)]

    check()


def test_reshape_copies_only_when_it_must_in_the_report(shell):
    @settings(max_examples=150, deadline=None)
    @given(chains(), st.data())
    def check(chain, data):
        tt_x, ref_x = build_chain(*chain)[-1]
        shape = factorization(data.draw, ref_x.numel())
        if outcome(lambda: ref_x.reshape(shape))[1] is not None:
            return
        must = outcome(lambda: ref_x.view(shape))[1] is not None
        _, report = run(shell, "y = x.reshape(shape)", x=tt_x, shape=shape)
        assert bool(report.groups) == must, repr(report)
        if must and ref_x.untyped_storage().nbytes():
            assert report.entries()[0][2][0][1] == ".reshape()", repr(report)

    check()


def test_contiguous_of_a_contiguous_tensor_is_the_tensor_itself(shell):
    a = tinytorch.zeros(2, 3)
    _, report = run(shell, "c = a.contiguous()\nd = a.t().contiguous()", a=a)
    assert report.views == [(2, "c", ["is ", "a", " itself"])]
    assert [line for line, _, _ in report.entries()] == [3]


def test_ops_inside_functions_and_loops(shell):
    _, report = run(shell, "def f(x):\n    return x * 2\nfor i in range(3):\n    y = f(a)\nz = g(a)",
                    a=tinytorch.ones(4), g=lambda x: x + 1)
    assert report.entries() == [
        (3, "return x * 2", [("in f(): ", "*", "allocated 4 float32 (16 bytes), 3 times")]),
        (6, "z = g(a)", [("", "+", "allocated 4 float32 (16 bytes)")]),  # g is code from outside the cell
    ]


def test_in_place_ops_use_only_scratch_listed_apart(shell):
    """PyTorch writes in place; tinytorch computes first, and the report says so apart."""
    _, report = run(shell, "x.div_(2)\nx[0] = 5\nx += 1\ny = x.clone()", x=tinytorch.ones(2, 3))
    assert repr(report).splitlines() == [
        "tinytorch made 1 copy (24 bytes) in this cell, and used 40 bytes of scratch memory for in-place ops.",
        "line 5  y = x.clone()",
        "    .clone() copied 6 float32 (24 bytes): this op always makes a copy",
        "tinytorch's scratch memory, which PyTorch does not use (it writes in place directly):",
        "line 2  x.div_(2)",
        "    .div_() used 6 float32 (24 bytes)",
        "line 3  x[0] = 5",
        "    assignment [ ] = used 1 float32 (4 bytes) and 3 float32 (12 bytes)",
    ]


def test_results_without_memory_of_their_own(shell):
    """Another name for a tensor, splits into views, a NumPy array over a tensor's memory, a
    tensor over an array's, and the cell's value; a view of memory made in the cell is not one."""
    import numpy as np

    a = tinytorch.arange(6.0)
    _, report = run(shell, "b = a\nparts = a.split(2)\nn = a.numpy()\nm = torch.from_numpy(arr)\n"
                           "c = a.view(2, 3).t().contiguous().view(6)\na.view(3, 2)",
                    a=a, arr=np.zeros(2), torch=tinytorch)
    assert [(line, name, "".join(s)) for line, name, s in report.views] == [
        (2, "b", "is a itself"),
        (3, "parts", "3 views of a"),
        (4, "n", "a NumPy array sharing the memory of a"),
        (5, "m", "shares the memory of the NumPy array arr"),
        (7, "the cell's value", "a view of a"),
    ]
    assert [line for line, _, _ in report.entries()] == [6]  # c: the copy, new memory


def test_sizes_are_said_each_and_big_ones_in_mib(shell):
    _, report = run(shell, "v, i = a.max(dim=1)\nbig = torch.zeros(1000, 1000)", a=tinytorch.ones(2, 3),
                    torch=tinytorch)
    assert [done for _, _, done in report.entries()] == [
        [("", ".max()", "allocated 2 float32 (8 bytes) and 2 int64 (16 bytes)")],
        [("", "torch.zeros()", "allocated 1,000,000 float32 (4,000,000 bytes = 3.8 MiB)")],
    ]


def test_the_report_shows_the_lines_as_typed(shell):
    _, report = run(shell, "%time b = a.t().contiguous()", a=tinytorch.ones(2, 3))
    assert report.entries()[0][1] == "%time b = a.t().contiguous()"


def test_a_cell_that_fails_reports_what_happened_before_the_error(shell, capsys):
    with pytest.raises(ZeroDivisionError):
        run(shell, "y = a.t().contiguous()\n1 / 0", a=tinytorch.ones(2, 3))
    shown = capsys.readouterr().out
    assert "tinytorch made 1 copy (24 bytes) in this cell, up to the error." in shown


def test_assigned_lines_are_the_cells_own_names():
    import ast

    tree = ast.parse("\na = 1\nb, (c, *d) = x\nfor e in y: a += 1\nwith f as g: pass\ndef h(q):\n    r = 1\n"
                     "[s for s in t]\nif (u := 2): pass\nclass K:\n    v = 1")
    assert copies.assigned_lines(tree) == {"a": 4, "b": 3, "c": 3, "d": 3, "e": 4, "g": 5, "u": 9}


# -- in a real kernel ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_cells(tmp_path_factory):
    jupyter_path = install_kernel(tmp_path_factory.mktemp("kernel"))
    return run_cells("tinytorch", [
        "import torch\na = torch.arange(6.).reshape(2, 3)",
        "%%copies\nb = a.t()\nc = b.contiguous()\nc",
        "%%copies\ny = a.t().contiguous()\nz = y[5]",
        "%%copies now\nb = a",
        "%%copies\nb = (a",
    ], jupyter_path)


def test_the_kernel_shows_the_report_then_the_value(kernel_cells):
    outputs = kernel_cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "execute_result"]
    report = outputs[0].data
    assert report["text/plain"].splitlines()[:3] == [
        "tinytorch made 1 copy (24 bytes) in this cell.",
        "line 3  c = b.contiguous()",
        "    .contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view",
    ]
    assert report["text/html"].startswith('<div class="tinytorch-copies"')
    assert "<code>c = b.contiguous()</code>" in report["text/html"]
    assert outputs[1].data["text/plain"] == "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])"


def test_an_error_in_the_cell_is_numbered_as_the_report(kernel_cells):
    outputs = kernel_cells[2].outputs
    assert outputs[0].data["text/plain"].startswith("tinytorch made 1 copy (24 bytes) in this cell, up to the error.")
    error = outputs[1]
    assert error.ename == "IndexError"
    assert any("line 3" in line for line in error.traceback)
    assert not any("copies.py" in line for line in error.traceback)


def test_a_syntax_error_shows_as_in_any_cell(kernel_cells):
    (error,) = kernel_cells[4].outputs
    assert error.output_type == "error" and error.ename == "SyntaxError"
    text = "\n".join(error.traceback)
    assert "line 2" in text and "copies.py" not in text and "compilerop" not in text, text


def test_copies_takes_no_arguments(kernel_cells):
    (error,) = kernel_cells[3].outputs  # IPython shows a UsageError as one line on stderr
    assert error.output_type == "stream" and error.name == "stderr"
    assert error.text.startswith("UsageError: %%copies takes no arguments (got 'now')"), error.text
