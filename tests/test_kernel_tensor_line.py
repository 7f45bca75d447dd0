"""The line the tinytorch kernel shows under every tensor (tinytorch_kernel/tensor_line.py).

The formatter is tested with fake namespaces, every value checked against tinytorch's own
stride(), storage_offset(), untyped_storage() and data_ptr(); then in a real "tinytorch"
kernel (started as tests/test_kernel.py does): text/plain stays the repr, text/html adds
the line, and the plain python3 kernel's tensors have no such HTML. How long one display
takes with 10,000 variables is measured in bench/bench_display.py, not asserted here.
"""
import html

import pytest
from IPython.core.formatters import DisplayFormatter

import tinytorch
from kernel_runs import install_kernel, run_cells
from tinytorch_kernel import tensor_line
from tinytorch_kernel.tensor_line import describe_parts, sharing_names, tensor_html, tensor_line as line


def expected_parts(t):
    nbytes, itemsize = t.untyped_storage().nbytes(), t.element_size()
    return [f"shape {tuple(t.size())}", f"stride {t.stride()}", f"offset {t.storage_offset()}",
            str(t.dtype), f"storage: {nbytes // itemsize} × {itemsize} bytes"]


def shares(t, other):
    return t.untyped_storage().data_ptr() == other.untyped_storage().data_ptr()


@pytest.fixture
def ns():
    a = tinytorch.arange(12.0)
    b = a.view(3, 4)
    return {"a": a, "b": b, "c": a.clone(), "d": b.t(), "e": b[1:, 2:][1], "n": 3, "s": "a string",
            "items": [a, b], "_hidden": b, "_": b, "__": a}


def test_the_parts_are_tinytorchs_own_answers(ns):
    for name in "abcde":
        t = ns[name]
        assert describe_parts(t) == expected_parts(t)
    assert describe_parts(ns["e"]) == ["shape (2,)", "stride (1,)", "offset 10", "tinytorch.float32",
                                       "storage: 12 × 4 bytes"]
    assert ns["e"].storage_offset() == 10 and ns["e"].stride() == (1,)


def test_views_share_clones_do_not(ns):
    assert sharing_names(ns["a"], ns) == ["b", "d", "e"]
    assert sharing_names(ns["b"], ns) == ["a", "d", "e"]
    assert sharing_names(ns["c"], ns) == []
    for name in "bde":
        assert shares(ns[name], ns["a"])
    assert not shares(ns["c"], ns["a"])
    assert "shares storage" not in line(ns["c"], ns)
    assert line(ns["a"], ns).endswith(" · shares storage with <code>b</code>, <code>d</code>, <code>e</code>")


def test_names_are_sorted_and_underscore_and_non_tensors_are_skipped(ns):
    ns = dict(reversed(list(ns.items())))
    assert sharing_names(ns["a"], ns) == ["b", "d", "e"]  # not _hidden, _, __, items (a list), n, s


def test_a_name_bound_to_the_same_tensor_twice(ns):
    """Every name of the displayed tensor is left out (one of them is the one displayed);
    the other tensors list every name it has."""
    ns["x"] = ns["a"]
    assert sharing_names(ns["a"], ns) == ["b", "d", "e"]
    assert sharing_names(ns["b"], ns) == ["a", "d", "e", "x"]


def test_a_view_of_a_view_shares_with_the_root(ns):
    v = ns["d"][1:][:, ::2]
    assert describe_parts(v) == expected_parts(v)
    assert (v.stride(), v.storage_offset()) == ((1, 8), 1)
    assert sharing_names(v, ns) == ["a", "b", "d", "e"]


def test_a_zero_dim_tensor():
    t = tinytorch.tensor(3.0)
    assert describe_parts(t) == expected_parts(t) == ["shape ()", "stride ()", "offset 0", "tinytorch.float32",
                                                      "storage: 1 × 4 bytes"]
    scalar = tinytorch.arange(5).view(5)[3]
    assert describe_parts(scalar) == expected_parts(scalar)
    assert scalar.storage_offset() == 3
    assert sharing_names(scalar, {"whole": tinytorch.arange(5), "t": t}) == []


def test_an_expanded_tensor_has_stride_zero():
    base = tinytorch.ones(3)
    wide = base.expand(4, 3)
    assert wide.stride() == (0, 1)
    assert describe_parts(wide) == expected_parts(wide)
    assert "storage: 3 × 4 bytes" in line(wide, {})
    assert sharing_names(wide, {"base": base, "wide": wide}) == ["base"]


def test_other_dtypes_and_empty_tensors():
    for t in [tinytorch.arange(6, dtype=tinytorch.int16), tinytorch.tensor([True, False]),
              tinytorch.zeros(2, 3, dtype=tinytorch.float64)[:, 1]]:
        assert describe_parts(t) == expected_parts(t)
    e1, e2 = tinytorch.zeros(0), tinytorch.zeros(0)
    assert describe_parts(e1)[-1] == "storage: 0 × 4 bytes"
    assert sharing_names(e1, {"e1": e1, "e2": e2}) == []  # two empty storages share nothing
    assert sharing_names(e1, {"v": e1[:0]}) == ["v"]  # but a view of the same one does


def test_a_tensor_over_the_same_memory_with_another_storage_object_shares():
    a = tinytorch.arange(6.0)
    y = tinytorch.tensor([], dtype=tinytorch.int32).set_(a.untyped_storage())
    assert y.untyped_storage() is not a.untyped_storage() and shares(y, a)
    assert sharing_names(a, {"a": a, "y": y}) == ["y"]
    assert describe_parts(y) == expected_parts(y)


def test_ipythons_own_names_are_skipped_unless_reassigned():
    a = tinytorch.arange(3.0)
    sentinel = object()
    hidden = {"In": sentinel}
    assert sharing_names(a, {"In": sentinel, "b": a[1:]}, hidden) == ["b"]
    assert sharing_names(a, {"In": a[1:]}, hidden) == ["In"]  # the learner's own `In` now


class Odd(tinytorch.nn.Parameter):
    __slots__ = ()

    def __repr__(self):
        return "<b>odd</b> & 'quoted' \"repr\""


def test_everything_is_escaped():
    a = tinytorch.arange(3.0)
    odd = Odd(a)
    page = tensor_html(odd, {"x<y>&z": a, "a": a})
    assert html.escape(repr(odd)) in page and "<b>odd" not in page
    assert "shares storage with <code>a</code>, <code>x&lt;y&gt;&amp;z</code>" in page
    assert page.count("<pre") == 1 and page.count("<div") == 1


def test_the_html_starts_with_the_repr():
    a = tinytorch.arange(6.0)
    b = a.view(2, 3)
    page = tensor_html(b, {"a": a, "b": b})
    assert page.startswith(f'<pre style="{tensor_line.PRE_STYLE}">{html.escape(repr(b))}</pre>')
    assert page.endswith(line(b, {"a": a, "b": b}) + "</div>")


class FakeShell:
    def __init__(self, user_ns):
        self.user_ns = user_ns
        self.user_ns_hidden = {}
        self.display_formatter = DisplayFormatter()


def test_registered_with_ipythons_formatter():
    """A tensor (and a Parameter) gets the HTML; its text/plain is the repr; a tuple or a
    list of tensors keeps its plain repr only; the namespace is read at each display."""
    a = tinytorch.arange(6.0)
    b = a.view(2, 3)
    shell = FakeShell({"a": a, "b": b})
    tensor_line.register(shell)
    data, _ = shell.display_formatter.format(b)
    assert data["text/plain"] == repr(b)
    assert data["text/html"] == tensor_html(b, shell.user_ns)
    assert "shares storage with <code>a</code>" in data["text/html"]
    for value in (a, b), [a, b]:
        assert "text/html" not in shell.display_formatter.format(value)[0]
    p = tinytorch.nn.Parameter(a)
    assert shell.display_formatter.format(p)[0]["text/html"] == tensor_html(p, shell.user_ns)
    shell.user_ns["b"] = b.clone()  # reassigned "between cells"
    assert "shares storage" not in shell.display_formatter.format(a)[0]["text/html"]
    tensor_line.unregister(shell)
    assert "text/html" not in shell.display_formatter.format(a)[0]


def test_a_tensor_it_cannot_describe_gets_no_html():
    class Broken(tinytorch.nn.Parameter):
        __slots__ = ()

        def stride(self, *dim):
            raise RuntimeError("no strides")

    shell = FakeShell({})
    tensor_line.register(shell)
    data, _ = shell.display_formatter.format(Broken(tinytorch.ones(2)))
    assert "text/html" not in data and data["text/plain"].startswith("Parameter containing:")


# -- in a real kernel ------------------------------------------------------------------

@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory):
    return install_kernel(tmp_path_factory.mktemp("prefix"))


def _shown(cell, output_type="execute_result"):
    (out,) = [o for o in cell.outputs if o.output_type == output_type]
    return out.data


def test_in_the_tinytorch_kernel_every_tensor_shows_the_line(jupyter_path):
    cells = run_cells("tinytorch", [
        "import torch\na = torch.arange(6.); b = a.view(2, 3); b",
        "display(a)",
        "b = a.clone()\na",
        "a, b",
        "[a]",
    ], jupyter_path, allow_errors=False)
    a = tinytorch.arange(6.0)
    b = a.view(2, 3)
    first = _shown(cells[0])
    assert first["text/plain"] == repr(b)
    assert first["text/html"] == tensor_html(b, {"a": a, "b": b})
    assert ("shape (2, 3) · stride (3, 1) · offset 0 · tinytorch.float32 · storage: 6 × 4 bytes"
            in first["text/html"])
    assert "shares storage with <code>a</code>" in first["text/html"]
    shown = _shown(cells[1], "display_data")
    assert shown["text/plain"] == repr(a)
    assert "shares storage with <code>b</code>" in shown["text/html"]
    third = _shown(cells[2])
    assert third["text/plain"] == repr(a) and "shares storage" not in third["text/html"]
    assert "text/html" not in _shown(cells[3]) and "text/html" not in _shown(cells[4])
    assert _shown(cells[3])["text/plain"] == repr((a, a.clone()))


def test_the_plain_kernel_shows_no_line(jupyter_path):
    cells = run_cells("python3", [
        "import torch, tinytorch\na = torch.arange(6.); b = a.view(2, 3); b",
        "t = tinytorch.arange(6.); u = t.view(2, 3); u",
    ], jupyter_path, allow_errors=False)
    for cell in cells:
        data = _shown(cell)
        assert "text/html" not in data
    assert _shown(cells[1])["text/plain"] == repr(tinytorch.arange(6.0).view(2, 3))
