"""Lesson 10 (autograd basics): the claims its prose makes about torch 2.13, its two in-place
errors, the checks of its exercises under tinytorch and torch, and its GraphView cells,
which after Run All must still show the state their text describes (the stored picture)."""
import sys
import textwrap
import warnings
from pathlib import Path

import nbformat
import pytest
import torch

import tinytorch

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
LESSON = NOTEBOOKS / "10-autograd-basics.ipynb"
sys.path.insert(0, str(NOTEBOOKS))
from exercises import lesson10  # noqa: E402

LIBRARIES = {"tinytorch": tinytorch, "torch": torch}


# -- the two in-place errors ------------------------------------------------------------
def _leaf_update_error(lib):
    w = lib.tensor(1.0, requires_grad=True)
    ((w * 3.0 - 6.0) ** 2).backward()
    with pytest.raises(RuntimeError) as error:
        w -= 0.01 * w.grad
    assert w.item() == 1.0, "the refused update left w unchanged"
    return str(error.value)


def _saved_tensor_error(lib):
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y += 1
    assert y._version == 1
    with pytest.raises(RuntimeError) as error:
        y.sum().backward()
    return str(error.value)


def test_the_leaf_error_is_torchs_word_for_word():
    assert _leaf_update_error(tinytorch) == _leaf_update_error(torch) == (
        "a leaf Variable that requires grad is being used in an in-place operation.")


def test_the_saved_tensor_error_is_torchs_up_to_the_hint():
    """The lesson's cell is parity-skipped because only the hint differs; the prose says
    PyTorch's hint is about anomaly detection."""
    ours, theirs = _saved_tensor_error(tinytorch), _saved_tensor_error(torch)
    before_hint = ("one of the variables needed for gradient computation has been modified by an inplace "
                   "operation: [{}.FloatTensor [2]], which is output 0 of Exp, is at version 1; expected "
                   "version 0 instead. Hint: ")
    assert ours.startswith(before_hint.format("tinytorch"))
    assert theirs.startswith(before_hint.format("torch"))
    assert "torch.autograd.set_detect_anomaly(True" in theirs


@pytest.mark.parametrize("library", LIBRARIES)
def test_the_fixes_work(library):
    lib = LIBRARIES[library]
    w = lib.tensor(1.0, requires_grad=True)
    ((w * 3.0 - 6.0) ** 2).backward()
    with lib.no_grad():
        w -= 0.01 * w.grad
    assert w.is_leaf and w.requires_grad and abs(w.item() - 1.18) < 1e-6
    for change in ("y = y + 1", "y = y.clone()\ny += 1"):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        namespace = {"y": x.exp()}
        exec(change, namespace)
        namespace["y"].sum().backward()
        assert lib.allclose(x.grad, x.exp())


# -- what the prose says about torch 2.13 and the book's older PyTorch --------------------
@pytest.mark.parametrize("library", LIBRARIES)
def test_changes_through_data_are_hidden_from_the_version_check(library):
    """`w.data` still exists, but an in-place change through it is not checked: wrong gradient, no error."""
    lib = LIBRARIES[library]
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.data.add_(1)
    y.sum().backward()
    assert not lib.allclose(x.grad, x.exp())
    assert lib.allclose(x.grad, x.exp() + 1)


def test_volatile_only_warns_that_it_has_no_effect():
    with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
        v = torch.autograd.Variable(torch.ones(2), volatile=True)
    assert type(v) is torch.Tensor


def test_zero_grad_sets_grads_to_none_by_default():
    w = torch.tensor(1.0, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    (w * 2).backward()
    optimizer.zero_grad()
    assert w.grad is None
    (w * 2).backward()
    optimizer.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.item() == 0.0


# -- exercise 10.1: a formula worked out by hand is told apart from autograd ---------------
def _learner_function(library, body):
    namespace = {}
    exec(f"import {library} as torch\ndef answer(a, b):\n    u = a * b\n" + textwrap.indent(body, "    "),
         namespace)
    return namespace["answer"]


BY_HAND = [
    "return 3 * u * u",
    "return 3 * u.detach() ** 2",
    "return (3 * u * u).detach()",
    "L = (u * u * u).sum()  # a graph recorded, but no backward through it\nreturn 3 * u * u",
    "with torch.enable_grad():\n    c = u.detach().requires_grad_()\n    return 3 * c * c",
]
BY_AUTOGRAD = [
    "return torch.autograd.grad((u * u * u).sum(), u)[0]",
    "return torch.autograd.grad((u * u * u).sum(), u, create_graph=True)[0]",
    "u.retain_grad()\n(u * u * u).sum().backward()\nreturn u.grad",
    "seen = []\nu.register_hook(seen.append)\n(u * u * u).sum().backward()\nreturn seen[0]",
    "with torch.enable_grad():\n    return torch.autograd.grad((u * u * u).sum(), u)[0]",
    # a detached copy of u, differentiated with recording switched on whatever the caller's mode
    "with torch.enable_grad():\n    c = u.detach().requires_grad_()\n    return torch.autograd.grad((c * c * c).sum(), c)[0]",
    "c = u.detach().requires_grad_()\n(c ** 3).sum().backward()\nreturn c.grad",
]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("body", BY_HAND)
def test_a_formula_by_hand_is_right_in_value_but_not_accepted(library, body):
    feedback = lesson10.grad_at_intermediate(_learner_function(library, body))
    assert feedback.passed is False
    assert "the values are right, but autograd did not compute them" in feedback.message


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("body", BY_AUTOGRAD)
def test_every_way_of_asking_autograd_is_accepted(library, body):
    feedback = lesson10.grad_at_intermediate(_learner_function(library, body))
    assert feedback.passed is True, feedback.message


# -- exercise 10.3: the gradient on an edge, as GraphView draws it -------------------------
def test_the_checked_edge_is_the_one_graphview_labels():
    """The solution is what the widget records on the edge from a * b's node to a's
    AccumulateGrad, in the lesson's own graph; a.grad is the sum of both edges into a."""
    from widgets import GraphView
    from widgets.graph_view import edge_gradient

    a, b, c, ab, ac, z = lesson10._edge_graph(tinytorch)
    view = GraphView(z, labels={"a": a, "b": b, "c": c})
    view.run()
    number = {g.node: g.number for g in view.nodes}
    into_a = [(src, dst, nr) for src, dst, nr in view.edges if view.nodes[dst].node is a.grad_fn
              or (view.nodes[dst].is_leaf and view.nodes[dst].node.variable is a)]
    assert len(into_a) == 2
    drawn = {src: edge_gradient(view, src, dst, nr) for src, dst, nr in into_a}
    expected = lesson10.gradient_on_edge.solution()
    assert drawn[number[ab.grad_fn]].tolist() == expected.tolist()
    assert (drawn[number[ab.grad_fn]] + drawn[number[ac.grad_fn]]).tolist() == a.grad.tolist()
    view.close()


@pytest.mark.parametrize("library", LIBRARIES)
def test_edge_answers_get_the_same_verdicts_in_either_library(library):
    lib = LIBRARIES[library]
    edges = lesson10._edge_gradients(tinytorch)
    for name, value in edges.items():
        feedback = lesson10.gradient_on_edge(lib.tensor(value.tolist()))
        assert feedback.passed is (name == "ab_to_a"), (name, feedback.message)
    torch_edges = lesson10._edge_gradients(torch)
    assert {k: v.tolist() for k, v in torch_edges.items()} == {k: v.tolist() for k, v in edges.items()}


# -- the GraphView cells after Run All ----------------------------------------------------
def test_after_run_all_every_graphview_shows_its_stored_picture(monkeypatch):
    """Run the lesson's code cells in order, as Run All does, noting which cell made each
    GraphView; at the end, the widget each cell displays must still draw the picture stored
    under it (what the text beside it describes), not what later cells did to its graph."""
    import widgets
    from widgets import graph_view

    made = []  # (cell index, GraphView)
    current = {"cell": None}
    original_init = graph_view.GraphView.__init__

    def recording_init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        made.append((current["cell"], self))

    monkeypatch.setattr(graph_view.GraphView, "__init__", recording_init)
    monkeypatch.chdir(NOTEBOOKS)
    nb = nbformat.read(LESSON, as_version=4)
    namespace = {"__name__": "__main__"}
    stored = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            current["cell"] = index
            try:
                exec(compile(cell.source, f"<cell {index}>", "exec"), namespace)
            except Exception:
                assert "raises-exception" in cell.metadata.get("tags", []), f"cell {index} failed"
            for out in cell.outputs:
                data = out.get("data", {})
                if "image/svg+xml" in data and data.get("text/plain", "").startswith("GraphView("):
                    stored[index] = data["image/svg+xml"]
    assert widgets.GraphView is graph_view.GraphView
    assert len(stored) >= 6, "the lesson lost GraphView cells"
    shown = {}
    for index, view in made:
        shown[index] = view  # the last one a cell made is the one it displays
    for index, picture in stored.items():
        assert shown[index].to_svg() == picture, f"after Run All, the GraphView of cell {index} changed"
    for _, view in made:
        view.close()
