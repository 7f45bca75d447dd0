"""The teaching kernel's %storage and %graph magics (tinytorch_kernel/magics.py).

The widgets they build are checked from a namespace dict (storage_view / graph_view, what
the magics call), with tinytorch, NumPy and real torch values; then in a real "tinytorch"
kernel (started as tests/test_kernel.py does) the magics draw the widget: a display_data
whose text/plain is the widget's repr, and a learner's mistake is a one-line UsageError.
"""
import numpy as np
import pytest
import torch
from IPython.core.error import UsageError

import tinytorch
from kernel_runs import install_kernel, run_cells
from tinytorch_kernel.magics import graph_labels, graph_view, storage_view
from widgets import GraphView, StorageView
from widgets.graph_model import node_lines


@pytest.fixture(params=["tinytorch", "torch"])
def lib(request):
    return tinytorch if request.param == "tinytorch" else torch


def a_graph(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    w = lib.tensor([3., 4.], requires_grad=True)
    y = x * w
    loss = y.sum()
    unrelated = lib.ones(2, requires_grad=True)
    return {"x": x, "w": w, "y": y, "loss": loss, "unrelated": unrelated, "c": lib.ones(3), "n": 3,
            "_": loss, "_hidden": x}


# -- %storage ---------------------------------------------------------------------------

def test_storage_labels_the_tensors_with_their_names(lib):
    a = lib.arange(6.).reshape(2, 3)
    ns = {"a": a, "t": a.t(), "c": a.clone()}
    view = storage_view("a t c", ns)
    assert isinstance(view, StorageView)
    assert view.labels == ["a", "t", "c"]
    assert [info.source for info in view.infos] == [ns["a"], ns["t"], ns["c"]]
    assert [info.source is ns[name] for info, name in zip(view.infos, "atc")] == [True] * 3
    assert repr(view) == repr(StorageView(a, ns["t"], ns["c"], labels=["a", "t", "c"]))
    assert repr(view).startswith("StorageView(a: shape=(2, 3), stride=(3, 1), offset=0; t: shape=(3, 2)")
    assert storage_view("a, t", ns).labels == ["a", "t"]  # commas are fine too


def test_a_value_of_another_type_is_named_with_its_module():
    with pytest.raises(UsageError, match=r"^`model` is a tinytorch\.nn\.\S*Linear, not a tensor"):
        storage_view("model", {"model": tinytorch.nn.Linear(2, 3)})


def test_storage_accepts_numpy_arrays_and_one_tensor():
    arr = np.arange(4)
    view = storage_view("arr", {"arr": arr})
    assert view.labels == ["arr"] and view.infos[0].source is arr and view.infos[0].kind == "numpy"


@pytest.mark.parametrize("line, message", [
    ("", "%storage needs the name of a variable: %storage a b"),
    ("   ", "%storage needs the name of a variable: %storage a b"),
    ("a q", "name 'q' is not defined"),
    ("a n", "`n` is an int, not a tensor: %storage shows tinytorch tensors, NumPy arrays and torch tensors"),
    ("items", "`items` is a list, not a tensor: %storage shows tinytorch tensors, NumPy arrays and torch tensors"),
    ("a.t()", "%storage takes variable names, and `a.t()` is not one: give it a name first "
              "(for example `b = a.t()`), then %storage a b"),
])
def test_storage_mistakes_are_usage_errors(line, message):
    a = tinytorch.arange(3.)
    with pytest.raises(UsageError) as error:
        storage_view(line, {"a": a, "n": 3, "items": [a]})
    assert str(error.value) == message


# -- %graph -----------------------------------------------------------------------------

def test_graph_names_the_leaves_and_the_tensors_of_the_graph(lib):
    ns = a_graph(lib)
    view = graph_view("loss", ns)
    try:
        assert isinstance(view, GraphView) and view.tensor is ns["loss"]
        assert list(view.labels) == ["loss", "x", "w", "y"]  # not unrelated, c, n, _ or _hidden
        assert all(view.labels[name] is ns[name] for name in view.labels)
        assert repr(view) == "GraphView(root=SumBackward0, nodes=4, edges=3)"
        boxes = [line for g in view.nodes for line in node_lines(view, g)]
        assert "x.grad = None" in boxes and "w.grad = None" in boxes
        assert "saved self: x (2,), other: w (2,)" in boxes
    finally:
        view.close()


def test_graph_labels_match_by_identity_and_skip_ipythons_names():
    ns = a_graph(tinytorch)
    ns["x_copy"] = ns["x"].detach().clone().requires_grad_()  # equal values, another tensor
    ns["In"] = ns["w"]
    assert list(graph_labels("loss", ns["loss"], ns, hidden={"In": ns["w"]})) == ["loss", "x", "w", "y"]
    ns["x2"] = ns["x"]  # a second name for a leaf: both are labels, the first one names it
    assert list(graph_labels("loss", ns["loss"], ns)) == ["loss", "x", "w", "y", "In", "x2"]


def test_graph_of_an_intermediate_names_only_what_is_under_it():
    ns = a_graph(tinytorch)
    view = graph_view("y", ns)
    try:
        assert list(view.labels) == ["y", "x", "w"]
    finally:
        view.close()


def test_graph_of_a_leaf(lib):
    ns = a_graph(lib)
    view = graph_view("x", ns)
    try:
        assert list(view.labels) == ["x"] and view.labels["x"] is ns["x"]
        assert repr(view) == "GraphView(root=AccumulateGrad, nodes=1, edges=0)"
    finally:
        view.close()


@pytest.mark.parametrize("line, message", [
    ("", "%graph needs the name of a variable: %graph loss"),
    ("loss x", "%graph draws the graph behind one tensor, but got 2 names (loss, x): write one, e.g. %graph loss"),
    ("q", "name 'q' is not defined"),
    ("n", "`n` is an int, not a tensor: %graph draws the autograd graph behind a tinytorch or torch tensor"),
    ("arr", "`arr` is a numpy.ndarray, not a tensor: %graph draws the autograd graph behind a tinytorch or torch tensor"),
    ("c", "`c` has no autograd graph: it does not require grad (its grad_fn is None). A graph starts at a "
          "tensor made with requires_grad=True; results computed from it have one."),
    ("loss.sum()", "%graph takes variable names, and `loss.sum()` is not one: give it a name first "
                   "(for example `b = loss.sum()`), then %graph loss"),
])
def test_graph_mistakes_are_usage_errors(lib, line, message):
    ns = a_graph(lib)
    ns["arr"] = np.ones(2)
    with pytest.raises(UsageError) as error:
        graph_view(line, ns)
    assert str(error.value) == message


# -- in a real kernel --------------------------------------------------------------------

@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory):
    return install_kernel(tmp_path_factory.mktemp("prefix"))


def test_in_the_kernel_the_magics_draw_the_widgets(jupyter_path):
    cells = run_cells("tinytorch", [
        "import torch\n"
        "a = torch.arange(6.).reshape(2, 3); b = a.t()\n"
        "x = torch.tensor([1., 2.], requires_grad=True); w = torch.tensor([3., 4.], requires_grad=True)\n"
        "loss = (x * w).sum()",
        "%storage a b\nprint('after')",
        "%graph loss",
        "%storage a q",
        "%graph a",
    ], jupyter_path)
    a = tinytorch.arange(6.).reshape(2, 3)
    x = tinytorch.tensor([1., 2.], requires_grad=True)
    w = tinytorch.tensor([3., 4.], requires_grad=True)
    loss = (x * w).sum()

    storage = cells[1].outputs
    assert [o.output_type for o in storage] == ["display_data", "stream"]  # drawn where the magic is
    assert storage[0].data["text/plain"] == repr(StorageView(a, a.t(), labels=["a", "b"]))
    assert storage[0].data["text/plain"].startswith("StorageView(a: shape=(2, 3)")
    assert "; b: shape=(3, 2), stride=(1, 3), offset=0)" in storage[0].data["text/plain"]
    assert "application/vnd.jupyter.widget-view+json" in storage[0].data

    (graph,) = cells[2].outputs
    assert graph.output_type == "display_data"
    expected = GraphView(loss, labels={"loss": loss, "x": x, "w": w})
    assert graph.data["text/plain"] == repr(expected) == "GraphView(root=SumBackward0, nodes=4, edges=3)"
    svg = graph.data["image/svg+xml"]
    assert "x.grad = None" in svg and "saved self: x (2,), other: w (2,)" in svg
    expected.close()

    # IPython shows a UsageError as one line on stderr, without a traceback
    for cell, message in (cells[3], "name 'q' is not defined"), (cells[4], "`a` has no autograd graph"):
        (error,) = cell.outputs
        assert error.output_type == "stream" and error.name == "stderr"
        assert error.text.startswith("UsageError: " + message) and error.text.count("\n") == 1, error.text
