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

A graph may also be real torch's (GraphView of a torch tensor). torch is never
imported here: its nodes are used through what torch exposes to Python
(`name()`, `next_functions`, an AccumulateGrad's `.variable`, and one
`_saved_<name>` / `_raw_saved_<name>` attribute pair per saved tensor).
"""
import tinytorch

from . import svg
from .language import Catalog
from .tensor_info import is_torch_tensor

# What a node's box says besides its name (PyTorch's, never translated), and saved tensors'
# names (grad_fn._saved_self: `self`) stay as PyTorch spells them.
MESSAGES = Catalog(
    en={
        "freed": "saved: freed (retain_graph=False)",
        "saved": "saved {items}",
        "modified in place": "(modified in place!)",
        "leaf": "leaf {shape}",
        # a box line holding either word is drawn in red (is_warning)
        "freed word": "freed",
        "modified word": "modified",
    },
    zh_CN={
        "freed": "保存的张量已释放（retain_graph=False）",
        "saved": "已保存 {items}",
        "modified in place": "（已被原地修改！）",
        "leaf": "叶子节点 {shape}",
        "freed word": "已释放",
        "modified word": "原地修改",
    },
)


def _say(key, language=None, **fields):
    """MESSAGES(key) in `language`, or (None) in the current one: GraphView's DOT text is
    always English."""
    return MESSAGES(key, **fields) if language is None else MESSAGES.text(key, language, **fields)

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
        if isinstance(self.node, tinytorch.autograd.AccumulateGrad):
            return True
        return is_torch_node(self.node) and self.short_name == "AccumulateGrad" and hasattr(self.node, "variable")

    @property
    def short_name(self):
        return self.name.rsplit("::", 1)[-1]  # "tinytorch::autograd::AccumulateGrad" -> "AccumulateGrad"

    def __repr__(self):
        return f"GraphNode({self.number}, {self.name})"


def is_tensor(obj):
    return isinstance(obj, tinytorch.Tensor) or is_torch_tensor(obj)


def is_torch_node(node):
    """Whether node is one of real torch's autograd nodes (a tinytorch Node is not)."""
    return not isinstance(node, tinytorch.autograd.Node) and hasattr(node, "next_functions")


def dtype_name(t):
    """float32, for a tinytorch or a torch tensor."""
    return getattr(t.dtype, "name", None) or str(t.dtype).removeprefix("torch.")


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


class TorchSaved:
    """A tensor one of torch's nodes saved, read as a tinytorch SavedTensor is:
    `.tensor` (None when torch refuses to give it back: modified in place),
    `.modified_in_place`, and `.is_output` (unknown for torch: False)."""

    __slots__ = ("tensor", "modified_in_place", "is_output")

    def __init__(self, tensor, modified_in_place=False):
        self.tensor = tensor
        self.modified_in_place = modified_in_place
        self.is_output = False


def torch_saved_names(node):
    """The names of the tensors one of torch's nodes saved: those with a
    `_raw_saved_<name>` attribute (a number it saved, `_saved_dim`, has none),
    `self` first, then in the order its type lists them."""
    names = [k for k in type(node).__dict__ if k.startswith("_raw_saved_")]
    names += [k for k in dir(node) if k.startswith("_raw_saved_") and k not in names]
    names = [k.removeprefix("_raw_saved_") for k in names]
    return sorted(names, key=lambda name: name != "self")  # self first, as the op's arguments come


def _read_torch_saved(node, name):
    """What `node._saved_<name>` gives: a tensor, a tuple of them, or the error torch raised.
    (A custom Function's node has `_raw_saved_tensors` but reads them as `saved_tensors`.)"""
    try:
        return getattr(node, "_saved_" + name) if hasattr(type(node), "_saved_" + name) else node.saved_tensors
    except RuntimeError as error:
        return error


def _is_freed_error(value):
    return isinstance(value, RuntimeError) and "freed" in str(value)


def torch_saved_records(node):
    """(name, TorchSaved) for each tensor one of torch's nodes keeps; a saved list of
    tensors (IndexBackward0's indices) gives `indices[0]`, `indices[1]`, ... Empty once freed."""
    records = []
    for name in torch_saved_names(node):
        value = _read_torch_saved(node, name)
        if _is_freed_error(value):
            return []
        custom = not hasattr(type(node), "_saved_" + name)  # ctx.save_for_backward names nothing
        if isinstance(value, RuntimeError):  # torch checks versions when unpacking: written since
            records.append((None if custom else name, TorchSaved(None, modified_in_place=True)))
        elif isinstance(value, (tuple, list)):
            records.extend((None if custom else f"{name}[{i}]", TorchSaved(t))
                           for i, t in enumerate(value) if is_torch_tensor(t))
        elif is_torch_tensor(value):
            records.append((name, TorchSaved(value)))
    return records


def saved_tensors_freed(node):
    """Whether a backward without retain_graph released what the node saved. torch
    has no flag for it: there, reading `grad_fn._saved_<name>` raises."""
    if not is_torch_node(node):
        return node.saved_tensors_freed
    return any(_is_freed_error(_read_torch_saved(node, name)) for name in torch_saved_names(node))


def saved_records(node):
    """(PyTorch's name for it or None, SavedTensor) for each tensor the node keeps:
    MulBackward0 keeps self and other (grad_fn._saved_self and _saved_other); a
    custom Function's ctx.save_for_backward names nothing."""
    if is_torch_node(node):
        return torch_saved_records(node)
    # raw_saved_tensors, not saved_tensors: that raises for a tensor modified in place
    return list(zip(node.saved_tensor_names, node.raw_saved_tensors))


def same_header(a, b):
    """Whether two tensors are one view of one memory (same storage, shape, stride and offset)."""
    return (a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
            and tuple(a.shape) == tuple(b.shape) and tuple(a.stride()) == tuple(b.stride())
            and a.storage_offset() == b.storage_offset())


def saved_tensor_label(view, node, record):
    """The label the view gives a saved tensor: the tensor itself, or (a node that
    saved its own output keeps a detached alias of it) the output it aliases."""
    t = record.tensor
    name = view.label_of(t)
    if name is None and is_torch_node(node):
        # torch hands back a new tensor object for a saved tensor: the labelled tensor it
        # stands for is the one over the same memory, with the same header and grad_fn
        return next((label for label, candidate in view.labels.items()
                     if is_torch_tensor(candidate) and candidate.grad_fn is t.grad_fn
                     and same_header(candidate, t)), None)
    if name is None and record.is_output:
        for label, candidate in view.labels.items():
            if candidate.grad_fn is node and same_header(candidate, t):
                return label
    return name


def saved_items(view, g, values=False, language=None):
    """One text per saved tensor: `self: x (2,)` (labelled), `other: (2,) float32`
    (not), with `= [1., 2.]` when `values`, and a warning if it was written since."""
    items = []
    for name, record in saved_records(g.node):
        t = record.tensor
        if t is None:  # (torch will not give back a tensor modified in place)
            modified = _say("modified in place", language)
            items.append(f"{name}: {modified}" if name is not None else modified)
            continue
        label = saved_tensor_label(view, g.node, record)
        text = (f"{label} {shape_text(t.shape)}" if label is not None
                else f"{shape_text(t.shape)} {dtype_name(t)}")
        if name is not None:
            text = f"{name}: {text}"
        if values:
            text += f" = {short_tensor(t)}"
        if record.modified_in_place:
            text += " " + _say("modified in place", language)
        items.append(text)
    return items


def saved_text(view, g, language=None):
    """What the node keeps for backward: its saved tensors, or that they were freed."""
    if saved_tensors_freed(g.node):
        return _say("freed", language)
    items = saved_items(view, g, language=language)
    return _say("saved", language, items=", ".join(items)) if items else ""


def is_warning(line):
    """Whether a line of a box says that saved tensors were freed or modified in place (drawn in red)."""
    return MESSAGES("freed word") in line or MESSAGES("modified word") in line


def node_lines(view, g, language=None):
    """The text in a node's box: its name, then what it holds (in `language`, or None: the
    current one)."""
    lines = [g.short_name]
    if g.is_leaf:
        leaf = g.node.variable
        name = view.label_of(leaf) or _say("leaf", language, shape="[" + ", ".join(str(n) for n in leaf.shape) + "]")
        lines.append(f"{name}.grad = {short_tensor(leaf.grad)}")
    else:
        text = saved_text(view, g, language)
        if text:
            lines.append(text)
    return lines
