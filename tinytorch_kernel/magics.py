"""The teaching kernel's widget magics: the course's pictures of any notebook's variables.

    %storage a b c     a StorageView of those variables, each labelled with its name
    %graph loss        a GraphView of `loss`, whose leaves (and any other tensor of the
                       graph that a variable holds) carry their variable names

Each magic takes variable names (commas between them are allowed), looks them up in the
notebook's namespace (IPython's user namespace) and displays the widget with
IPython.display.display, so it is drawn wherever the magic sits in the cell; its
`text/plain` is the widget's repr. The magic returns nothing (build the widget yourself,
`StorageView(a, b, labels=["a", "b"])`, to keep it in a variable). A learner's mistake
(no name, a name not defined, a value that is not a tensor, a tensor without a graph)
is a UsageError that says which name and what is wrong: the kernel shows it as one line.

The functions `storage_view(line, namespace)` and `graph_view(line, namespace)` build the
widget from a namespace dict, without IPython; the magics are thin wrappers around them.
"""
from IPython.core.error import UsageError

STORAGE_ACCEPTS = "tinytorch tensors, NumPy arrays and torch tensors"


def _names(line, magic, usage):
    names = line.replace(",", " ").split()
    if not names:
        raise UsageError(f"%{magic} needs the name of a variable: {usage}")
    for name in names:
        if not name.isidentifier():
            raise UsageError(f"%{magic} takes variable names, and `{name}` is not one: "
                             f"give it a name first (for example `b = {name}`), then {usage}")
    return names


def _lookup(name, namespace):
    if name not in namespace:
        raise UsageError(f"name {name!r} is not defined")
    return namespace[name]


def _a_type(value):
    """`an int`, `a list`, `a numpy.ndarray`: builtins by name, other types with their module."""
    cls = type(value)
    kind = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    return ("an " if kind[:1].lower() in "aeiou" else "a ") + kind


def _is_storage_tensor(value):
    """What StorageView reads (widgets/tensor_info.py): tinytorch, NumPy or torch."""
    import numpy as np

    import tinytorch
    from widgets.tensor_info import is_torch_tensor

    return isinstance(value, (tinytorch.Tensor, np.ndarray)) or is_torch_tensor(value)


def storage_view(line, namespace):
    """The StorageView `%storage line` shows: the named variables of `namespace`, labelled
    with their names. UsageError for no name, an undefined name or a value that is not a tensor."""
    from widgets import StorageView

    names = _names(line, "storage", "%storage a b")
    values = []
    for name in names:
        value = _lookup(name, namespace)
        if not _is_storage_tensor(value):
            raise UsageError(f"`{name}` is {_a_type(value)}, not a tensor: %storage shows {STORAGE_ACCEPTS}")
        values.append(value)
    return StorageView(*values, labels=names)


def _graph_tensors(tensor, nodes):
    """The tensors the graph holds, by id: the tensor itself, each leaf (an AccumulateGrad
    node's .variable) and each tensor a node saved for backward."""
    from widgets.graph_model import saved_records

    held = {id(tensor)}
    for node in nodes:
        leaf = getattr(node, "variable", None)
        if leaf is not None:
            held.add(id(leaf))
        try:
            held.update(id(record.tensor) for _, record in saved_records(node) if record.tensor is not None)
        except Exception:  # noqa: BLE001 - what a node saved only names tensors; the graph is drawn anyway
            pass
    return held


def graph_labels(name, tensor, namespace, hidden=None):
    """{variable name: tensor} for GraphView: `name` for the tensor itself first, then, in
    the namespace's order, every other variable (not `_...`, nor IPython's own names in
    `hidden`) bound to a tensor of its graph: a leaf, a tensor a node saved, or an
    intermediate result (its grad_fn is one of the graph's nodes). Matched by identity."""
    from widgets.graph_model import is_tensor, walk_graph

    from .tensor_line import user_variables

    nodes = [g.node for g in walk_graph(tensor.grad_fn)]
    node_set = set(nodes)
    held = _graph_tensors(tensor, nodes)
    labels = {name: tensor}
    for other, value in user_variables(namespace, hidden):
        if other in labels or not is_tensor(value):
            continue
        if id(value) in held or (value.grad_fn is not None and value.grad_fn in node_set):
            labels[other] = value
    return labels


def graph_view(line, namespace, hidden=None):
    """The GraphView `%graph line` shows. UsageError for no name or more than one, an
    undefined name, a value that is not a tensor, or a tensor without a graph."""
    from widgets import GraphView
    from widgets.graph_model import is_tensor

    names = _names(line, "graph", "%graph loss")
    if len(names) > 1:
        raise UsageError(f"%graph draws the graph behind one tensor, but got {len(names)} names "
                         f"({', '.join(names)}): write one, e.g. %graph {names[0]}")
    (name,) = names
    tensor = _lookup(name, namespace)
    if not is_tensor(tensor):
        raise UsageError(f"`{name}` is {_a_type(tensor)}, not a tensor: %graph draws the autograd graph "
                         "behind a tinytorch or torch tensor")
    if tensor.grad_fn is None and not tensor.requires_grad:
        raise UsageError(f"`{name}` has no autograd graph: it does not require grad (its grad_fn is None). "
                         "A graph starts at a tensor made with requires_grad=True; results computed from it have one.")
    return GraphView(tensor, labels=graph_labels(name, tensor, namespace, hidden))


def _shell_namespace(shell):
    return shell.user_ns, getattr(shell, "user_ns_hidden", None)


def register(shell):
    """Add %storage and %graph to `shell` (an InteractiveShell)."""
    from IPython.display import display

    def storage_magic(line=""):
        """%storage a b c: a StorageView of these variables, labelled with their names."""
        namespace, _ = _shell_namespace(shell)
        display(storage_view(line, namespace))

    def graph_magic(line=""):
        """%graph loss: a GraphView of `loss`; its leaves carry their variable names."""
        namespace, hidden = _shell_namespace(shell)
        display(graph_view(line, namespace, hidden))

    shell.register_magic_function(storage_magic, magic_kind="line", magic_name="storage")
    shell.register_magic_function(graph_magic, magic_kind="line", magic_name="graph")
