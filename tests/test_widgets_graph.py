"""GraphView, checked against PyTorch without a browser.

The same small programs run in tinytorch and torch. The widget's nodes and
edges must be torch's (names, and the structure found by walking torch's
grad_fn.next_functions); stepping must visit nodes in the order torch's engine
runs them (recorded with node pre-hooks) and end with torch's .grad; the
gradients drawn on the edges must be the ones torch sent along them, with each
label beside its curve, never on it; saved tensors are named as torch names
them (grad_fn._saved_self ...); a click shows a node's details, stepping or not.
"""
import html
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from svg_groups import SVG, curve_points, group_elements, groups, polyline_meets_box, text_box
from widgets import GraphView
from widgets.graph_model import node_lines, saved_records, short_tensor
from widgets.graph_view import edge_gradient

UNARY = ["{a}.tanh()", "{a}.exp()", "{a}.sin()", "{a}.sigmoid()", "{a}.relu()", "-{a}", "{a} * 2", "{a} + 1",
         "{a}.pow(2)", "{a}.t().t()", "{a}.unsqueeze(0)[0]", "{a}.sum(0, keepdim=True).expand(2, 3)",
         "{a}[:, ::2].sum() * {a}"]
BINARY = ["{a} + {b}", "{a} * {b}", "{a} - {b}", "{a} / ({b} * {b} + 1)"]
FINAL = ["{a}.sum()", "{a}.mean()", "({a} * {a}).sum()"]


@st.composite
def programs(draw):
    """Lines of Python over leaves x0..x2 (requiring grad) and a constant c; every value is (2, 3)."""
    needs_grad = [f"x{i}" for i in range(draw(st.integers(1, 3)))]
    names = needs_grad + ["c"]
    lines = []
    for i in range(draw(st.integers(1, 6))):
        a = draw(st.sampled_from(needs_grad))  # so every value has a graph
        if draw(st.booleans()):
            expr = draw(st.sampled_from(UNARY)).format(a=a)
        else:
            expr = draw(st.sampled_from(BINARY)).format(a=a, b=draw(st.sampled_from(names)))
        lines.append(f"v{i} = {expr}")
        names.append(f"v{i}")
        needs_grad.append(f"v{i}")
    lines.append("loss = " + draw(st.sampled_from(FINAL)).format(a=names[-1]))
    return "\n".join(lines), draw(st.integers(0, 2**16))


def run(lib, program, seed):
    rng = np.random.default_rng(seed)
    scope = {f"x{i}": lib.tensor(rng.normal(size=(2, 3)).astype(np.float32), requires_grad=True) for i in range(3)}
    scope["c"] = lib.tensor(rng.normal(size=(2, 3)).astype(np.float32))
    exec(program, {}, scope)
    return scope


def torch_walk(root):
    """Breadth-first from root along next_functions: names, edges and each node's inputs."""
    order, numbers = [root], {root: 0}
    for node in order:
        for nxt, _ in node.next_functions:
            if nxt is not None and nxt not in numbers:
                numbers[nxt] = len(order)
                order.append(nxt)
    names = [n.name().replace("torch::", "tinytorch::") for n in order]
    inputs = [tuple((None if nxt is None else numbers[nxt], nr) for nxt, nr in n.next_functions) for n in order]
    edges = [(i, nxt, nr) for i, ins in enumerate(inputs) for nxt, nr in ins if nxt is not None]
    return order, names, inputs, edges


def drawn_nodes(svg):
    return groups(svg, "graph-node")


@settings(max_examples=25, deadline=None)
@given(programs())
def test_nodes_edges_step_order_and_grads_match_torch(program_and_seed):
    program, seed = program_and_seed
    tt, th = run(tinytorch, program, seed), run(torch, program, seed)
    gv = GraphView(tt["loss"])
    order, names, inputs, edges = torch_walk(th["loss"].grad_fn)
    assert [g.name for g in gv.nodes] == names
    assert [g.inputs for g in gv.nodes] == inputs
    assert gv.edges == edges
    # Every node is drawn (long chains fold into one box unless collapsing is off).
    assert {g["name"] for g in drawn_nodes(GraphView(tt["loss"], collapse=False).to_svg())} == set(names)

    ran = []  # torch's engine order, seen by a pre-hook on every node
    for node in order:
        node.register_prehook(lambda grads, node=node: ran.append(node.name().replace("torch::", "tinytorch::")))
    th["loss"].backward()
    while gv.step() is not None:
        assert [g["name"] for g in drawn_nodes(gv.canvas.svg) if g["running"] == "true"] == [gv.running.name]
    assert [g.name for g in gv.visited] == ran
    for i in range(3):
        want = th[f"x{i}"].grad
        got = tt[f"x{i}"].grad
        if want is None:
            assert got is None
        else:
            # NumPy's float32 tanh and torch's may differ in the last bit (0.99999994 against 1.0), and
            # a chain of exp() behind a saturated tanh multiplies that into a few 1e-6 of gradient.
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(programs())
def test_edges_show_the_gradients_torch_sent_along_them(program_and_seed):
    program, seed = program_and_seed
    tt, th = run(tinytorch, program, seed), run(torch, program, seed)
    gv = GraphView(tt["loss"])
    order, _, _, _ = torch_walk(th["loss"].grad_fn)
    sent = {}
    for i, node in enumerate(order):
        node.register_hook(lambda grad_inputs, grad_outputs, i=i: sent.__setitem__(i, grad_inputs))
    th["loss"].backward()
    tt["loss"].backward()  # an ordinary backward: the widget's hooks record what flowed
    gv.refresh()
    for src, dst, nr in gv.edges:
        k = [n for n, _ in gv.nodes[src].inputs].index(dst)
        want, got = sent[src][k], edge_gradient(gv, src, dst, nr)
        if want is None:
            assert got is None
        else:
            # float32 tanh/exp round differently in NumPy and torch (tanh(9) may be 1 - 6e-8
            # or exactly 1), so absolute error is measured against the gradients' scale.
            scale = max(1.0, float(np.abs(want.numpy()).max()))
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5 * scale)


def test_freed_buffers_and_a_second_backward():
    def build(lib):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        w = lib.tensor([0.5, -1.0, 2.0], requires_grad=True)
        return x, w, (x * w).tanh().sum()

    x, w, loss = build(tinytorch)
    gv = GraphView(loss, labels={"x": x, "w": w})
    assert "saved self: x (3,), other: w (3,)<" in gv.to_svg()  # labels name the saved tensors
    gv.run()
    text = gv.to_svg()
    assert text.count("saved: freed (retain_graph=False)") == 2  # MulBackward0 and TanhBackward0
    tx, tw, tloss = build(torch)
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(RuntimeError) as torch_error:
        tloss.backward()
    with pytest.raises(RuntimeError) as our_error:
        for _ in gv.nodes:  # a node that saved tensors raises when it runs again
            gv.step()
    assert str(our_error.value) == str(torch_error.value)

    x, w, loss = build(tinytorch)
    gv = GraphView(loss, retain_graph=True)
    gv.run()
    gv.run()  # the buffers were kept: a second pass adds the same gradients again
    tx, tw, tloss = build(torch)
    tloss.backward(retain_graph=True)
    tloss.backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert "freed" not in gv.to_svg()


def test_a_saved_tensor_modified_in_place_is_flagged():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    w = tinytorch.tensor([3.0, 4.0])
    loss = (x * w).sum()
    gv = GraphView(loss, labels={"x": x, "w": w})
    assert "saved other: w (2,)<" in gv.to_svg()
    w.add_(1)  # backward would now raise, as in torch
    assert "saved other: w (2,) (modified in place!)<" in gv.to_svg()


def test_the_button_shows_errors_instead_of_raising():
    t = tinytorch.ones(2)
    gv = GraphView(t)
    assert repr(gv) == "GraphView(no graph: the tensor does not require grad)"
    with pytest.raises(RuntimeError) as torch_error:
        torch.ones(2).sum().backward()
    gv.buttons[0].click()
    assert str(torch_error.value) in gv.status.value


def test_a_view_made_in_no_grad_mode_has_no_graph_and_says_why():
    w, rw = tinytorch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    with tinytorch.no_grad():
        v = w[:2]
    with torch.no_grad():
        rv = rw[:2]
    gv = GraphView(v)
    assert v.requires_grad and gv.nodes == []
    assert repr(gv) == "GraphView(no graph: a view made in no_grad mode, its gradient goes nowhere)"
    with pytest.raises(RuntimeError) as torch_error:
        rv.backward(torch.ones(2))
    gv.buttons[0].click()
    assert str(torch_error.value) in gv.status.value


def test_a_leaf_is_a_graph_of_one_accumulate_grad():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    gv = GraphView(x, labels={"x": x})
    assert [g.name for g in gv.nodes] == [torch.tensor([1.0], requires_grad=True).sum().grad_fn.next_functions[0][0]
                                          .name().replace("torch::", "tinytorch::")]
    gv.step()
    assert x.grad.tolist() == [1.0, 1.0]
    assert "x.grad = [1., 1.]" in gv.to_svg()


def test_in_place_ops_extend_the_graph_and_cells_refresh_it():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    gv = GraphView(y)
    y.mul_(3)  # y gets a new grad_fn whose next function is the old one
    gv.refresh()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    ty = tx * 2
    ty.mul_(3)
    assert [g.name for g in gv.nodes] == torch_walk(ty.grad_fn)[1]
    shell.user_ns.update(y=y, x=x)
    shell.run_cell("y.add_(1)\ny.sum().backward()")  # after the cell, the widget redraws by itself
    ty.add_(1)
    ty.sum().backward()
    assert [g["name"] for g in drawn_nodes(gv.canvas.svg)] == torch_walk(ty.grad_fn)[1]
    assert f"leaf [2].grad = [{tx.grad[0].item():.0f}., {tx.grad[1].item():.0f}.]" in gv.canvas.svg


def test_two_hundred_nodes_stay_legible():
    x = tinytorch.tensor([0.5], requires_grad=True)
    h = x
    for i in range(199):
        h = h.sin() if i % 2 else h.cos()
    loss = h.sum()
    gv = GraphView(loss)  # (drawn quickly: bench/bench_display.py)
    svg = gv.to_svg()
    assert len(gv.nodes) == 201
    drawn = drawn_nodes(svg)
    assert len(drawn) <= 6  # the chain of sines and cosines is collapsed to first ... last
    chain = [g for g in drawn if g["click"].startswith("chain:")]
    assert len(chain) == 1 and "197 nodes" in svg
    gv.canvas._message(gv.canvas, {"click": chain[0]["click"]}, [])  # click: expand it
    assert len(drawn_nodes(gv.canvas.svg)) == 201
    for _ in range(5):
        gv.step()
    assert [g["name"] for g in drawn_nodes(gv.canvas.svg) if g["running"] == "true"] == [gv.running.name]
    dot = gv.to_dot()
    assert dot.count(" -> ") == len(gv.edges) == 200
    assert len(re.findall(r"^  n\d+ \[label=", dot, flags=re.M)) == len(gv.nodes)


def test_wide_layers_wrap_and_drawing_is_deterministic():
    def build():
        leaves = [tinytorch.tensor([float(i)], requires_grad=True) for i in range(60)]
        total = leaves[0] * leaves[0]
        for leaf in leaves[1:]:
            total = total + leaf * leaf
        return total.sum()

    one, two = GraphView(build()), GraphView(build())
    svg = one.to_svg()
    assert svg == two.to_svg() and repr(one) == repr(two)
    assert "0x" not in svg
    rows = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") == "graph-node":
            y = next(g.iter(f"{SVG}rect")).get("y")
            rows[y] = rows.get(y, 0) + 1
    assert max(rows.values()) <= 8
    bundle = one._repr_mimebundle_()
    assert {"text/plain", "image/svg+xml", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert bundle["text/plain"] == f"GraphView(root=SumBackward0, nodes={len(one.nodes)}, edges={len(one.edges)})"
    one.run()  # every edge now labelled (bench/bench_display.py times the redraw)
    assert one.to_svg().count('class="edge-label"') == len(one.edges) == 239


@pytest.mark.parametrize("bad", [[1.0, 2.0], np.ones(2), 3.0])
def test_graph_view_accepts_tinytorch_and_torch_tensors_only(bad):
    with pytest.raises(TypeError, match=r"GraphView accepts a tinytorch\.Tensor or a torch\.Tensor, but got"):
        GraphView(bad)
    x = torch.ones(2, requires_grad=True)
    assert repr(GraphView(x)) == "GraphView(root=AccumulateGrad, nodes=1, edges=0)"  # a torch leaf
    assert repr(GraphView(torch.ones(2))) == "GraphView(no graph: the tensor does not require grad)"
    with pytest.raises(TypeError, match="labels maps names to tensors"):
        GraphView((x * 2).sum(), labels={"x": np.ones(2)})


def test_stepping_a_graph_backward_already_freed_says_how_to_step_again():
    """After Run All, a later cell's backward() has freed the graph a GraphView shows:
    its Step then says why it fails and what to re-run, not only torch's message."""
    x = tinytorch.ones(2, requires_grad=True)
    y = (x * x).sum()
    gv = GraphView(y)
    y.backward()  # what a later cell of the lesson does
    gv.buttons[0].click()  # SumBackward0 saved nothing: it runs
    gv.buttons[0].click()  # MulBackward0's saved x was freed
    assert "Trying to backward through the graph a second time" in gv.status.value
    assert "re-run the cell that computes this tensor" in gv.status.value and "retain_graph" in gv.status.value


def test_every_live_view_says_that_it_is_live():
    """After Run All a live widget shows what later cells did; it says so under its picture."""
    from widgets import BroadcastView, StorageView, ViewExplorer
    t = tinytorch.arange(6.0).view(2, 3)
    x = tinytorch.ones(2, requires_grad=True)
    for view in (StorageView(t), ViewExplorer(t), BroadcastView(t, t[0]), GraphView((x * x).sum())):
        note = view.children[-1].value
        assert "Live view" in note and "Run All" in note


# -- edge labels beside their curves ------------------------------------------------------------
def label_boxes_and_curves(svg):
    """{edge: (label box, points along its curve)} for every labelled edge of a GraphView picture."""
    curves = {g.get("data-edge"): curve_points(next(g.iter(f"{SVG}path")).get("d"))
              for g in group_elements(svg, "graph-edge")}
    return {g.get("data-edge"): (text_box(next(g.iter(f"{SVG}text"))), curves[g.get("data-edge")])
            for g in group_elements(svg, "edge-label")}


def lesson10_graph():
    """Lesson 10's graph: z = sum((w2 * x) ** 2) as y * y, with x and w2 labelled."""
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    w2 = tinytorch.tensor([0.5, -1.0], requires_grad=True)
    y = w2 * x
    return GraphView((y * y).sum(), labels={"x": x, "w2": w2})


@settings(max_examples=25, deadline=None)
@given(programs())
def test_no_edge_label_lies_on_the_curve_it_labels(program_and_seed):
    program, seed = program_and_seed
    tt = run(tinytorch, program, seed)
    for collapse in (True, False):
        gv = GraphView(tt["loss"], retain_graph=True, collapse=collapse)
        gv.run()
        svg = gv.canvas.svg
        labelled = label_boxes_and_curves(svg)
        drawn = {int(g["edge"]) for g in groups(svg, "graph-edge")}  # (not those inside a collapsed chain)
        assert len(labelled) == sum(edge_gradient(gv, *e) is not None for i, e in enumerate(gv.edges) if i in drawn)
        width = float(ET.fromstring(svg).get("viewBox").split()[2])
        for edge, (box, curve) in labelled.items():
            assert not polyline_meets_box(curve, box), f"the label of edge {edge} lies on its curve"
            assert 0 <= box[0] and box[2] <= width, f"the label of edge {edge} leaves the picture: {box}"
        gv.close()


def test_a_label_beside_parallel_edges_stays_inside_the_picture():
    """Two edges side by side (x used twice) with long labels: the left one went 12 px past
    the picture's left side when a label on the right could use only the boxes' width, not
    the (wider) caption's. torch's graph here, whose caption names its leaf."""
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).exp().sum()
    gv = GraphView(loss, labels={"tx": x})
    loss.backward()
    svg = gv.to_svg()
    width = float(ET.fromstring(svg).get("viewBox").split()[2])
    boxes = [box for box, _ in label_boxes_and_curves(svg).values()]
    assert len(boxes) == 4 and all(0 <= box[0] and box[2] <= width for box in boxes), boxes


def test_lesson_graph_labels_cover_no_curve_box_or_other_label():
    """On lesson 10's graph (two parallel edges for y * y) every label is clear of everything."""
    gv = lesson10_graph()
    gv.run()
    svg = gv.canvas.svg
    labelled = label_boxes_and_curves(svg)
    assert len(labelled) == len(gv.edges) == 5
    nodes = [tuple(float(next(g.iter(f"{SVG}rect")).get(k)) for k in ("x", "y", "width", "height"))
             for g in group_elements(svg, "graph-node")]
    boxes = [b for b, _ in labelled.values()]
    for edge, (box, _) in labelled.items():
        for other, (_, curve) in labelled.items():
            assert not polyline_meets_box(curve, box), f"the label of {edge} lies on the curve of {other}"
        for x, y, w, h in nodes:
            assert box[2] <= x or box[0] >= x + w or box[3] <= y or box[1] >= y + h, f"the label of {edge} covers a node"
        for other in boxes:
            if other is not box:
                assert box[2] <= other[0] or box[0] >= other[2] or box[3] <= other[1] or box[1] >= other[3]


# -- saved tensors by name -------------------------------------------------------------------------
def test_saved_tensors_read_as_torchs_names_and_the_labels_given():
    gv = lesson10_graph()
    svg = gv.to_svg()
    assert "saved self: w2 (2,), other: x (2,)<" in svg  # w2 * x: labelled, as `name: label (shape)`
    assert "saved self: (2,) float32, other: (2,) float32<" in svg  # y * y: y has no label
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w2 = torch.tensor([0.5, -1.0], requires_grad=True)
    y = w2 * x
    assert y.grad_fn._saved_self is w2 and y.grad_fn._saved_other is x  # torch's names for the same tensors
    t = tinytorch.tensor([0.5, 1.0], requires_grad=True)
    out = t.tanh()
    assert "saved result: out (2,)<" in GraphView(out.sum(), labels={"out": out}).to_svg()  # an output it saved


@settings(max_examples=25, deadline=None)
@given(programs())
def test_saved_tensor_names_are_torchs(program_and_seed):
    """Every name shown is a `_saved_<name>` of torch's node, holding the same values."""
    program, seed = program_and_seed
    tt, th = run(tinytorch, program, seed), run(torch, program, seed)
    gv = GraphView(tt["loss"])
    order, _, _, _ = torch_walk(th["loss"].grad_fn)
    for g, node in zip(gv.nodes, order):
        for name, record in saved_records(g.node):
            assert name is not None, f"{g.name} saved a tensor with no name"
            want = getattr(node, f"_saved_{name}")
            assert isinstance(want, torch.Tensor) and tuple(want.shape) == tuple(record.tensor.shape)
            np.testing.assert_allclose(record.tensor.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)


# -- details of a clicked node, stepping or not ------------------------------------------------------
def detail_text(svg):
    """The lines written under the graph (after the last node), as one string."""
    root = ET.fromstring(svg)
    bottom = max(float(r.get("y")) + float(r.get("height")) for g in root.iter(f"{SVG}g")
                 if g.get("class") == "graph-node" for r in g.iter(f"{SVG}rect"))
    return "\n".join(t.text for t in root.iter(f"{SVG}text") if float(t.get("y")) > bottom)


def test_clicking_a_node_while_stepping_shows_its_details():
    gv = lesson10_graph()
    gv.step()
    gv.step()  # MulBackward0 (y * y) ran
    assert detail_text(gv.canvas.svg).startswith("node 1: MulBackward0  (running)")
    leaf = next(g for g in gv.nodes if g.is_leaf and gv.label_of(g.node.variable) == "x")
    click = next(g["click"] for g in groups(gv.canvas.svg, "graph-node") if g["number"] == str(leaf.number))
    gv.canvas._message(gv.canvas, {"click": click}, [])
    details = detail_text(gv.canvas.svg)
    assert details.startswith(f"node {leaf.number}: AccumulateGrad  (clicked")
    assert "x.grad = None" in details
    drawn = {g["number"]: g for g in groups(gv.canvas.svg, "graph-node")}
    assert drawn[str(leaf.number)]["selected"] == "true" and drawn["1"]["running"] == "true"
    mul = next(g for g in gv.nodes if g.name == "MulBackward0" and g.number != 1)
    gv.select(mul.number)  # a node that has not run yet: what it saved, by name
    details = detail_text(gv.canvas.svg)
    assert f"node {mul.number}: MulBackward0  (clicked" in details
    assert "self: w2 (2,) = [0.5, -1.]" in details and "other: x (2,) = [1., 2.]" in details
    gv.canvas._message(gv.canvas, {"click": f"node:{mul.number}"}, [])  # clicked again: closed
    assert detail_text(gv.canvas.svg).startswith("node 1: MulBackward0  (running)")
    gv.select(leaf.number)
    gv.step()  # a step shows the node it ran
    assert detail_text(gv.canvas.svg).startswith(f"node {gv.running.number}: MulBackward0  (running)")
    assert all(g["selected"] == "false" for g in groups(gv.canvas.svg, "graph-node"))


def test_an_input_that_needs_no_gradient_is_shown_as_getting_none():
    """next_functions holds None for a constant input: the details say nothing is sent
    there, as the engine sends nothing (not "sent to node None")."""
    w = tinytorch.tensor([2.0, 3.0], requires_grad=True)
    constant = tinytorch.tensor([4.0, 1.0])
    gv = GraphView((w * constant).sum(), labels={"w": w})
    gv.step()
    gv.step()  # MulBackward0 ran: one gradient to w, none to the constant
    details = detail_text(gv.canvas.svg)
    assert details.startswith("node 1: MulBackward0  (running)")
    assert "input 1 needs no gradient: nothing sent" in details and "None" not in details


# -- real torch tensors: torch's own graph, drawn but not stepped ------------------------------------
CANNOT_STEP = ("torch's engine cannot be stepped from Python: this picture shows torch's graph; "
               "stepping works for tinytorch tensors")


def saved_names_and_shapes(g):
    return [(name, tuple(record.tensor.shape)) for name, record in saved_records(g.node)]


@settings(max_examples=25, deadline=None)
@given(programs())
def test_a_torch_graph_is_drawn_as_the_same_program_in_tinytorch(program_and_seed):
    """The GraphView of torch's result and of tinytorch's: same nodes, edges, saved tensors
    (names, shapes, labels), and after backward the same gradients on the same edges."""
    program, seed = program_and_seed
    tt, th = run(tinytorch, program, seed), run(torch, program, seed)
    labels_tt = {k: v for k, v in tt.items() if isinstance(v, tinytorch.Tensor)}
    labels_th = {k: v for k, v in th.items() if isinstance(v, torch.Tensor)}
    ours, theirs = GraphView(tt["loss"], labels=labels_tt), GraphView(th["loss"], labels=labels_th)
    assert [g.name.replace("tinytorch::", "torch::") for g in ours.nodes] == [g.name for g in theirs.nodes]
    assert [g.inputs for g in ours.nodes] == [g.inputs for g in theirs.nodes]
    assert ours.edges == theirs.edges and repr(ours) == repr(theirs)
    assert [g.is_leaf for g in ours.nodes] == [g.is_leaf for g in theirs.nodes]
    for a, b in zip(ours.nodes, theirs.nodes):
        want = saved_names_and_shapes(b)
        # torch turns a Python number (x * 2) into a 0-dim tensor and saves it (`_saved_other` is
        # tensor(2)); tinytorch keeps the number itself, not a tensor: the only difference allowed
        assert saved_names_and_shapes(a) == [(name, shape) for name, shape in want if shape != ()
                                             or any(n == name for n, _ in saved_names_and_shapes(a))], a.name
        if not a.is_leaf and saved_names_and_shapes(a) == want:  # (a leaf's box writes its .grad: None in both)
            assert node_lines(ours, a) == node_lines(theirs, b)
    assert {g["name"].replace("tinytorch::", "torch::") for g in drawn_nodes(ours.to_svg())} == \
        {g["name"] for g in drawn_nodes(theirs.to_svg())}

    th["loss"].backward()  # torch's engine runs; the widget's post-hooks record what flowed
    tt["loss"].backward()
    svg = theirs.to_svg()
    for a, b in zip(ours.nodes, theirs.nodes):
        if b.is_leaf:
            assert node_lines(ours, a)[0] == node_lines(theirs, b)[0]
        elif node_lines(theirs, b)[1:]:  # a node that saved tensors says they were freed
            assert node_lines(theirs, b)[1:] == ["saved: freed (retain_graph=False)"] == node_lines(ours, a)[1:] \
                or not saved_records(a.node)
    assert ("saved: freed (retain_graph=False)" in svg) == any(len(node_lines(theirs, b)) > 1
                                                               for b in theirs.nodes if not b.is_leaf)
    for src, dst, nr in ours.edges:
        want, got = edge_gradient(theirs, src, dst, nr), edge_gradient(ours, src, dst, nr)
        assert (want is None) == (got is None)
        if want is not None:
            scale = max(1.0, float(np.abs(want.numpy()).max()))
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5 * scale)
    ours.close()
    theirs.close()


def test_a_torch_graph_shows_freed_buffers_grads_and_saved_values():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    out = (x * w).tanh()
    loss = out.sum()
    gv = GraphView(loss, labels={"x": x, "w": w, "out": out})
    svg = gv.to_svg()
    assert "saved self: x (3,), other: w (3,)<" in svg and "saved result: out (3,)<" in svg
    assert "x.grad = None" in svg
    gv.select(2)
    assert "self: x (3,) = [1., 2., 3.]" in detail_text(gv.canvas.svg)
    loss.backward()  # without retain_graph: torch frees what the nodes saved
    with pytest.raises(RuntimeError, match="freed"):
        loss.grad_fn.next_functions[0][0]._saved_result  # what torch itself says when read now
    svg = gv.to_svg()  # ... and the picture says freed, without raising
    assert svg.count("saved: freed (retain_graph=False)") == 3  # two boxes, and the clicked node's details
    assert f"x.grad = {short_tensor(x.grad)}" in svg and x.grad is not None
    details = detail_text(svg)
    assert "saved: freed (retain_graph=False)" in details and "received: " in details
    assert svg.count('class="edge-label"') == len(gv.edges) == 4  # the gradients torch sent


def test_a_torch_saved_tensor_modified_in_place_is_flagged():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0])
    gv = GraphView((x * w).sum(), labels={"x": x, "w": w})
    assert "saved other: w (2,)<" in gv.to_svg()  # (x's gradient needs only w: torch saves only w)
    w.add_(1)  # torch now refuses to hand the saved tensor back
    assert "saved other: (modified in place!)<" in gv.to_svg()


def test_a_torch_graph_cannot_be_stepped_and_says_so():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    gv = GraphView((x * x).sum(), labels={"x": x})
    for action in (gv.step, gv.run, gv.reset):
        with pytest.raises(RuntimeError, match=re.escape(CANNOT_STEP)):
            action()
    assert x.grad is None  # nothing ran
    assert all(b.disabled and b.layout.display == "none" for b in (*gv.buttons, gv.retain_box))
    assert CANNOT_STEP in html.unescape(gv.torch_note.value) and gv.torch_note in gv.children
    assert CANNOT_STEP in html.unescape(gv.to_svg())  # also in the picture, for the notebook's static snapshot
    assert not gv.collapse_box.disabled
    tinytorch_view = GraphView((tinytorch.ones(2, requires_grad=True) * 2).sum())
    assert not any(b.disabled for b in tinytorch_view.buttons)
    assert "cannot be stepped" not in tinytorch_view.to_svg() and not hasattr(tinytorch_view, "torch_note")
    bundle = gv._repr_mimebundle_()
    assert bundle["text/plain"] == "GraphView(root=SumBackward0, nodes=3, edges=3)"  # x * x: two edges to x


def test_a_torch_custom_function_and_a_no_grad_view_draw_as_in_tinytorch():
    def build(lib):
        class Square(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 2 * x * grad

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        loss = Square.apply(x).sum()
        with lib.no_grad():
            view = x[:1]
        return x, loss, view

    (x, loss, view), (tx, tloss, tview) = build(tinytorch), build(torch)
    ours, theirs = GraphView(loss, labels={"x": x}), GraphView(tloss, labels={"x": tx})
    assert ours.to_dot().replace("tinytorch::", "torch::") == theirs.to_dot() and repr(ours) == repr(theirs)
    assert "saved x (2,)" in theirs.to_dot()  # ctx.save_for_backward names nothing
    loss.backward()
    tloss.backward()
    assert "saved: freed (retain_graph=False)" in theirs.to_dot()
    assert ours.to_dot() == theirs.to_dot()
    assert repr(GraphView(view)) == repr(GraphView(tview)) == \
        "GraphView(no graph: a view made in no_grad mode, its gradient goes nowhere)"
