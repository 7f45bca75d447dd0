"""GraphView: the autograd graph behind a tensor, and backward run one node at a time.

    x = tinytorch.tensor([1., 2.], requires_grad=True)
    loss = (x * x).sum()
    g = GraphView(loss, labels={"x": x})
    g.step()      # run one node of backward: see what it received and sent
    g.select(3)   # (or click a node) the details of node 3, stepping or not
    g.run()       # the rest

The graph is what PyTorch builds: from `tensor.grad_fn`, follow each node's
`next_functions` down to the leaves' AccumulateGrad nodes. Gradients flow
downward in the picture, from the output to the leaves. Stepping drives the
real engine (`tinytorch.autograd.backward_steps`), so the order shown is the
order `backward()` uses.

To show the gradient that flowed along each edge after an ordinary
`loss.backward()`, the widget registers a post-hook (`Node.register_hook`) on
every node it shows; `close()` removes them.

Where to look: graph_model.py reads the graph and says what each box and edge
shows; graph_picture.py lays the boxes out and draws them.

A real torch tensor is accepted too: the widget draws torch's own graph (its
node names and the tensors torch saved, read through `_saved_<name>`) and the
gradients torch's engine sent (the same post-hooks). It cannot step torch's
engine, which runs in C++: for a torch graph Step, Run and Reset are hidden,
and step() / run() raise, saying so.
"""
import html
import sys
import weakref

import ipywidgets

import tinytorch
from tinytorch.autograd import backward_steps, gradient_edge

from . import graph_picture, svg
from .graph_model import edge_gradient, is_tensor, is_torch_tensor, node_lines, short_tensor, walk_graph
from .graph_picture import GraphPicture
from .language import Catalog
from .live import Visualizer, refresh_after_each_cell

ACCEPTED = "a tinytorch.Tensor or a torch.Tensor"

# The controls, the status line and the note under the picture (what the picture says is
# graph_picture.py's and graph_model.py's). retain_graph is backward()'s argument: its
# checkbox reads as the code does in either language.
MESSAGES = Catalog(
    en={
        "step": "Step",
        "run": "Run",
        "reset": "Reset",
        "retain_graph": "retain_graph",
        "collapse": "collapse long chains",
        "live note": "Live view: after Run All it shows what the notebook's later cells did with this graph (their "
                     "steps, their backward). Run this cell again to start from the beginning.",
        "progress": "step {number} of {total}: ran {name}",
        "done": "backward done: {count:node|nodes} ran; the leaves' .grad are set",
        "freed by an earlier backward": "{error} This graph was already used by a backward() that freed what its "
                                        "nodes saved (a later cell of the notebook, if you ran them all). To step it "
                                        "again, re-run the cell that computes this tensor and makes this widget, "
                                        "with retain_graph ticked if you want to step more than once.",
    },
    zh_CN={
        "step": "单步",
        "run": "运行",
        "reset": "重置",
        "retain_graph": "retain_graph",
        "collapse": "折叠长链",
        "live note": "实时视图：运行所有单元格之后，它显示的是笔记本后面的单元格对这个计算图所做的事（它们做的单步执行"
                     "和反向传播）。重新运行这个单元格即可从头开始。",
        "progress": "第 {number} 步，共 {total} 步：运行了 {name}",
        "done": "反向传播完成：运行了 {count} 个节点；叶子节点的 .grad 已经设置好",
        "freed by an earlier backward": "{error} 这个计算图已经被一次 backward() 用过，它释放了各节点保存的张量"
                                        "（如果你运行了所有单元格，就是笔记本后面的某个单元格）。要再次单步执行，"
                                        "请重新运行计算这个张量并创建这个控件的单元格；如果想单步执行不止一次，"
                                        "请勾选 retain_graph。",
    },
)


class GraphView(Visualizer):
    @property
    def live_note(self):
        return MESSAGES("live note")

    def __init__(self, tensor, labels=None, retain_graph=False, collapse=True):
        if not is_tensor(tensor):
            raise TypeError(f"GraphView accepts {ACCEPTED}, but got {type(tensor).__name__}")
        self.tensor = tensor
        self.is_torch = is_torch_tensor(tensor)  # real torch's graph: drawn, not stepped
        self.labels = dict(labels or {})  # name -> tensor, to name leaves and saved tensors
        for name, t in self.labels.items():
            if not is_tensor(t):
                raise TypeError(f"labels maps names to tensors; {name!r} is a {type(t).__name__}")
        self.nodes, self.edges = [], []
        self._flows = {}  # Node -> (gradients received, gradients sent), from the post-hooks
        self._hooks = {}  # Node -> hook handle
        self._steps = None  # the backward_steps generator while stepping
        self._visited = []  # Nodes run by the current stepped pass, in order
        self._running = None  # the Node that ran last
        self._selected = None  # a Node clicked for details (until clicked again, or the next step)
        self._expanded = {}  # first Node of a chain -> True once the learner expanded it
        self._done = False

        step, run, reset = (ipywidgets.Button(description=MESSAGES(key), layout=ipywidgets.Layout(width="80px"))
                            for key in ("step", "run", "reset"))
        step.on_click(lambda _: self._from_button(self.step))
        run.on_click(lambda _: self._from_button(self.run))
        reset.on_click(lambda _: self._from_button(self.reset))
        self.retain_box = ipywidgets.Checkbox(value=bool(retain_graph), description=MESSAGES("retain_graph"),
                                              indent=False)
        self.collapse_box = ipywidgets.Checkbox(value=bool(collapse), description=MESSAGES("collapse"),
                                                indent=False)
        self.collapse_box.observe(lambda _: self.refresh(), names="value")
        self.buttons = (step, run, reset)
        controls = [ipywidgets.HBox([step, run, reset, self.retain_box, self.collapse_box])]
        if self.is_torch:  # nothing to step: say why, where the buttons would be
            for widget in (*self.buttons, self.retain_box):
                widget.disabled = True
                widget.layout.display = "none"
            why = html.escape(graph_picture.MESSAGES("cannot step torch"))
            self.torch_note = ipywidgets.HTML(f'<div class="graph-torch-note" style="color:#6b7280;font-size:12px;'
                                              f'margin:2px 0">{why}</div>')
            controls.insert(0, self.torch_note)
        super().__init__(controls=controls)
        refresh_after_each_cell(self)  # backward() and new in-place ops happen in cells
        self.refresh()

    @property
    def retain_graph(self):
        return self.retain_box.value

    # -- the graph ---------------------------------------------------------------------
    def _read_graph(self):
        """Walk the graph again (an in-place op may have given the tensor a new
        grad_fn) and hook any node not hooked yet."""
        root = self.tensor.grad_fn
        if root is None and self.is_torch:
            root = _torch_leaf_node(self.tensor)
        elif root is None:
            # A leaf: its graph is its AccumulateGrad node. No edge at all for a tensor that
            # needs no gradient, or one whose gradient goes nowhere (a view made in no_grad mode).
            edge = gradient_edge(self.tensor)
            root = edge[0] if edge is not None else None
        self.nodes = walk_graph(root)
        self.edges = [(g.number, nxt, nr) for g in self.nodes for nxt, nr in g.inputs if nxt is not None]
        for g in self.nodes:
            if g.node not in self._hooks:
                self._hooks[g.node] = g.node.register_hook(_flow_recorder(self, g.node))

    def _record_flow(self, node, grad_inputs, grad_outputs):
        self._flows[node] = (tuple(grad_outputs), tuple(grad_inputs))

    def _refuse_torch(self):
        if self.is_torch:
            # (an error raised to the caller: in English, as Python's and PyTorch's are)
            reason = graph_picture.MESSAGES.text("cannot step torch", "en")
            raise RuntimeError(f"GraphView cannot step this graph: {reason}. Call backward() on the "
                               "tensor instead: the picture then shows the gradients torch sent along each edge.")

    def label_of(self, t):
        for name, candidate in self.labels.items():
            if candidate is t:
                return name
        return None

    # -- stepping backward -----------------------------------------------------------------
    def step(self):
        """Run the next node of backward and return its Step (None when backward is done).
        The first step starts a pass with gradient ones_like(tensor), as backward() does
        for a scalar."""
        self._refuse_torch()
        self._selected = None  # a step shows the node it ran
        step = self._advance()
        self.refresh()
        return step

    def run(self):
        """Run backward to the end (from wherever stepping is)."""
        self._refuse_torch()
        self._selected = None
        while self._advance() is not None:
            pass
        self.refresh()

    def reset(self):
        """Forget the stepped pass (leaves keep the .grad it added, as in PyTorch)."""
        self._refuse_torch()
        if self._steps is not None:
            self._steps.close()
        self._steps, self._visited, self._running, self._done = None, [], None, False
        self._selected = None
        self._flows.clear()
        self.show_status("")
        self.refresh()

    def _advance(self):
        if self._steps is None:
            self._start()
        try:
            step = next(self._steps)
        except StopIteration:
            self._steps, self._running, self._done = None, None, True
            return None
        except Exception:
            self._steps, self._running = None, None
            raise
        self._visited.append(step.node)
        self._running = step.node
        return step

    def _start(self):
        edge = gradient_edge(self.tensor)
        if edge is None:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        self._flows.clear()
        self._visited, self._done = [], False
        self._steps = backward_steps([edge], [tinytorch.ones_like(self.tensor)], retain_graph=self.retain_graph)

    def _from_button(self, action):
        try:
            action()
        except Exception as error:  # a button has no cell to raise into: show the error
            self.refresh()
            message = f"{type(error).__name__}: {error}"
            if "backward through the graph a second time" in str(error):  # (after Run All, most often)
                message = MESSAGES("freed by an earlier backward", error=message)
            self.show_status(message, error=True)

    @property
    def visited(self):
        """The GraphNodes the stepped pass has run so far, in the engine's order."""
        numbers = {g.node: g for g in self.nodes}
        return [numbers[n] for n in self._visited if n in numbers]

    @property
    def running(self):
        """The GraphNode that ran last (None before the first step and after the last)."""
        return next((g for g in self.nodes if g.node is self._running), None)

    # -- clicks ------------------------------------------------------------------------------
    def select(self, number):
        """Show the details of node `number`, stepping or not, until the next step
        (None: back to the node that ran last)."""
        self._selected = None if number is None else self.nodes[number].node
        self.refresh()

    def _clicked(self, target):
        kind, number = target.split(":")
        if kind == "node":  # a click on the node already shown closes its details
            clicked = self.nodes[int(number)].node
            self.select(None if clicked is self._selected else int(number))
        elif kind == "chain":
            self._expanded[self.nodes[int(number)].node] = True
            self.refresh()

    # -- drawing -----------------------------------------------------------------------------
    def refresh(self):
        super().refresh()  # to_svg reads the graph afresh
        self._show_progress()

    def _show_progress(self):
        if self._running is not None:
            self.show_status(MESSAGES("progress", number=len(self._visited), total=len(self.nodes),
                                      name=self.running.short_name))
        elif self._done:
            self.show_status(MESSAGES("done", count=len(self._visited)))

    def to_svg(self):
        self._read_graph()
        return GraphPicture(self).svg()

    def to_dot(self):
        """The graph as Graphviz dot text (nodes numbered as in `nodes`), in English whatever
        the language: a tool's input, not a learner's reading."""
        self._read_graph()
        lines = ["digraph autograd {", '  node [shape=box, style="rounded,filled", fontname="monospace"];']
        for g in self.nodes:
            fill = svg.TINTS[0] if g.is_leaf else "#f3f4f6"
            label = "\\n".join(_dot_escape(line) for line in node_lines(self, g, language="en"))
            lines.append(f'  n{g.number} [label="{label}", fillcolor="{fill}"];')
        for src, dst, nr in self.edges:
            sent = edge_gradient(self, src, dst, nr)
            attrs = f' [label="{_dot_escape(short_tensor(sent))}"]' if sent is not None else ""
            lines.append(f"  n{src} -> n{dst}{attrs};")
        lines.append("}")
        return "\n".join(lines) + "\n"

    def close(self):
        """Close the widget and remove the hooks it put on the graph's nodes."""
        for handle in self.__dict__.get("_hooks", {}).values():
            handle.remove()
        self._hooks = {}
        super().close()

    def __repr__(self):
        self._read_graph()
        if not self.nodes:
            if self.tensor.requires_grad:  # only through its base: a view made in no_grad mode
                return "GraphView(no graph: a view made in no_grad mode, its gradient goes nowhere)"
            return "GraphView(no graph: the tensor does not require grad)"
        return f"GraphView(root={self.nodes[0].short_name}, nodes={len(self.nodes)}, edges={len(self.edges)})"


def _torch_leaf_node(t):
    """The AccumulateGrad node of a torch leaf that requires grad (None for any other tensor
    without grad_fn), from torch's own get_gradient_edge: torch is loaded, since t exists."""
    if not (t.requires_grad and t.is_leaf):
        return None
    torch = sys.modules[type(t).__module__.split(".")[0]]
    try:
        return torch.autograd.graph.get_gradient_edge(t).node
    except Exception:  # (AssertionError for a view made in no_grad mode: its gradient goes nowhere)
        return None


def _flow_recorder(widget, node):
    """A node post-hook that tells the widget (if it still exists) what flowed through."""
    widget_ref = weakref.ref(widget)

    def record(grad_inputs, grad_outputs):
        w = widget_ref()
        if w is not None:
            w._record_flow(node, grad_inputs, grad_outputs)

    return record


def _dot_escape(text):
    return str(text).replace("\\", "\\\\").replace('"', '\\"')
