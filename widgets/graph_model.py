"""What GraphView draws: the autograd graph behind a tensor, and the text for its boxes and edges.

walk_graph follows `next_functions` from the root down to the leaves'
AccumulateGrad nodes and numbers the nodes breadth first, so the numbering
depends only on the graph's shape.
A node's box names it as PyTorch does (`node.name()`) and says what it holds:
its saved tensors (or that backward freed them), or a leaf's .grad. A saved
tensor reads as PyTorch's name for it and the tensor: `self: x (2,)` is
`grad_fn._saved_self`, the tensor labelled x, of shape (2,); an unlabelled one
shows its dtype instead (`other: (2,) float32`). An edge says the gradient
that last flowed along it.

The functions that take `view` read the GraphView: its labels name tensors,
and its node post-hooks record what flowed. How all this is laid out and drawn
is graph_picture.py's business.
"""
import tinytorch

from . import svg

SHORT_TENSOR = 4  # values written out for a gradient or .grad; more are elided


class GraphNode:
    """One autograd node as the picture sees it.

    number   its place in breadth-first order from the root (0 is tensor.grad_fn)
    node     the tinytorch Node (a grad_fn, or AccumulateGrad for a leaf)
    name     PyTorch's name for it (`node.name()`)
    inputs   one (number of the next node, output number) per next_functions
             entry; (None, 0) where that input needs no gradient
    """

    __slots__ = ("number", "node", "name", "inputs")

    def __init__(self, number, node, inputs):
        self.number = number
        self.node = node
        self.name = node.name()
        self.inputs = inputs

    @property
    def is_leaf(self):
        return isinstance(self.node, tinytorch.autograd.AccumulateGrad)

    @property
    def short_name(self):
        return self.name.rsplit("::", 1)[-1]  # "tinytorch::autograd::AccumulateGrad" -> "AccumulateGrad"

    def __repr__(self):
        return f"GraphNode({self.number}, {self.name})"


def walk_graph(root):
    """The nodes reachable from `root`, breadth first, following next_functions
    in order: a numbering that depends only on the graph's structure."""
    if root is None:
        return []
    numbers = {root: 0}  # Node -> number (dict lookups only; order comes from the list)
    order = [root]
    graph = []
    for node in order:  # `order` grows while we walk it
        inputs = []
        for nxt, nr in node.next_functions:
            if nxt is None:
                inputs.append((None, nr))
                continue
            if nxt not in numbers:
                numbers[nxt] = len(order)
                order.append(nxt)
            inputs.append((numbers[nxt], nr))
        graph.append(GraphNode(len(graph), node, tuple(inputs)))
    return graph


def short_tensor(t):
    """A one-line summary of a tensor: all values when few, else the shape and the first few."""
    if t is None:
        return "None"
    values = [svg.format_value(v) for v in t.detach().reshape(-1)[:SHORT_TENSOR].tolist()]
    if t.dim() == 0:
        return values[0]
    if t.dim() == 1 and t.numel() <= SHORT_TENSOR:
        return "[" + ", ".join(values) + "]"
    shape = "[" + ", ".join(str(s) for s in t.shape) + "]"
    more = ", …" if t.numel() > SHORT_TENSOR else ""
    return f"{shape}: {', '.join(values)}{more}"


def edge_label(t):
    """A gradient short enough for an edge: its values when 1 to 3, else its shape (2×3);
    the details under the graph (click a node) write it out."""
    if t.numel() <= 3 and t.dim() <= 1:
        return short_tensor(t)
    return "×".join(str(s) for s in t.shape) or "()"



def edge_gradient(view, src, dst, nr):
    """The gradient node `src` last sent along its edge to `dst` (None if unknown)."""
    flow = view._flows.get(view.nodes[src].node)
    if flow is None:
        return None
    for (nxt, out_nr), grad in zip(view.nodes[src].inputs, flow[1]):
        if nxt == dst and out_nr == nr:
            return grad
    return None


def shape_text(shape):
    """(2,) / (2, 3) / (): a shape as Python writes the tuple (as PyTorch's headers are shown)."""
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def saved_records(node):
    """(PyTorch's name for it or None, SavedTensor) for each tensor the node keeps:
    MulBackward0 keeps self and other (grad_fn._saved_self and _saved_other); a
    custom Function's ctx.save_for_backward names nothing."""
    # raw_saved_tensors, not saved_tensors: that raises for a tensor modified in place
    return list(zip(node.saved_tensor_names, node.raw_saved_tensors))


def saved_tensor_label(view, node, record):
    """The label the view gives a saved tensor: the tensor itself, or (a node that
    saved its own output keeps a detached alias of it) the output it aliases."""
    t = record.tensor
    name = view.label_of(t)
    if name is None and record.is_output:
        for label, candidate in view.labels.items():
            if (candidate.grad_fn is node and candidate.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
                    and candidate.shape == t.shape and candidate.stride() == t.stride()
                    and candidate.storage_offset() == t.storage_offset()):
                return label
    return name


def saved_items(view, g, values=False):
    """One text per saved tensor: `self: x (2,)` (labelled), `other: (2,) float32`
    (not), with `= [1., 2.]` when `values`, and a warning if it was written since."""
    items = []
    for name, record in saved_records(g.node):
        t = record.tensor
        label = saved_tensor_label(view, g.node, record)
        text = (f"{label} {shape_text(t.shape)}" if label is not None
                else f"{shape_text(t.shape)} {t.dtype.name}")
        if name is not None:
            text = f"{name}: {text}"
        if values:
            text += f" = {short_tensor(t)}"
        if record.modified_in_place:
            text += " (modified in place!)"
        items.append(text)
    return items


def saved_text(view, g):
    """What the node keeps for backward: its saved tensors, or that they were freed."""
    if g.node.saved_tensors_freed:
        return "saved: freed (retain_graph=False)"
    items = saved_items(view, g)
    return "saved " + ", ".join(items) if items else ""


def node_lines(view, g):
    """The text in a node's box: its name, then what it holds."""
    lines = [g.short_name]
    if g.is_leaf:
        leaf = g.node.variable
        name = view.label_of(leaf) or "leaf [" + ", ".join(str(n) for n in leaf.shape) + "]"
        lines.append(f"{name}.grad = {short_tensor(leaf.grad)}")
    else:
        text = saved_text(view, g)
        if text:
            lines.append(text)
    return lines
