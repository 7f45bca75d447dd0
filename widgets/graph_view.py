"""GraphView: the autograd graph behind a tensor, and backward run one node at a time.

    x = tinytorch.tensor([1., 2.], requires_grad=True)
    loss = (x * x).sum()
    g = GraphView(loss, labels={"x": x})
    g.step()      # run one node of backward: see what it received and sent
    g.run()       # the rest

The graph is what PyTorch builds: from `tensor.grad_fn`, follow each node's
`next_functions` down to the leaves' AccumulateGrad nodes. Gradients flow
downward in the picture, from the output to the leaves. Stepping drives the
real engine (`tinytorch.autograd.backward_steps`), so the order shown is the
order `backward()` uses.

To show the gradient that flowed along each edge after an ordinary
`loss.backward()`, the widget registers a post-hook (`Node.register_hook`) on
every node it shows; `close()` removes them.
"""
import weakref

import ipywidgets

import tinytorch
from tinytorch.autograd import backward_steps, gradient_edge

from . import svg
from .live import Visualizer, refresh_after_each_cell

CHAIN_MIN = 6  # a chain of this many single-input, single-output nodes collapses to first ... last
MAX_PER_ROW = 8  # a layer with more nodes wraps onto several rows
NODE_H, ROW_GAP, NODE_GAP = 42, 46, 18
MARGIN = 14
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


class GraphView(Visualizer):
    def __init__(self, tensor, labels=None, retain_graph=False, collapse=True):
        if not isinstance(tensor, tinytorch.Tensor):
            raise TypeError(f"GraphView accepts a tinytorch.Tensor, but got {type(tensor).__name__}")
        self.tensor = tensor
        self.labels = dict(labels or {})  # name -> tensor, to name leaves and saved tensors
        for name, t in self.labels.items():
            if not isinstance(t, tinytorch.Tensor):
                raise TypeError(f"labels maps names to tinytorch tensors; {name!r} is a {type(t).__name__}")
        self.nodes, self.edges = [], []
        self._flows = {}  # Node -> (gradients received, gradients sent), from the post-hooks
        self._hooks = {}  # Node -> hook handle
        self._steps = None  # the backward_steps generator while stepping
        self._visited = []  # Nodes run by the current stepped pass, in order
        self._running = None  # the Node that ran last
        self._selected = None  # a Node clicked for details
        self._expanded = {}  # first Node of a chain -> True once the learner expanded it
        self._done = False

        step, run, reset = (ipywidgets.Button(description=d, layout=ipywidgets.Layout(width="80px"))
                            for d in ("Step", "Run", "Reset"))
        step.on_click(lambda _: self._from_button(self.step))
        run.on_click(lambda _: self._from_button(self.run))
        reset.on_click(lambda _: self._from_button(self.reset))
        self.retain_box = ipywidgets.Checkbox(value=bool(retain_graph), description="retain_graph", indent=False)
        self.collapse_box = ipywidgets.Checkbox(value=bool(collapse), description="collapse long chains",
                                                indent=False)
        self.collapse_box.observe(lambda _: self.refresh(), names="value")
        self.buttons = (step, run, reset)
        super().__init__(controls=[ipywidgets.HBox([step, run, reset, self.retain_box, self.collapse_box])])
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
        if root is None:
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
        step = self._advance()
        self.refresh()
        return step

    def run(self):
        """Run backward to the end (from wherever stepping is)."""
        while self._advance() is not None:
            pass
        self.refresh()

    def reset(self):
        """Forget the stepped pass (leaves keep the .grad it added, as in PyTorch)."""
        if self._steps is not None:
            self._steps.close()
        self._steps, self._visited, self._running, self._done = None, [], None, False
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
            self.show_status(f"{type(error).__name__}: {error}", error=True)

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
        """Show the details of node `number` (None to clear)."""
        self._selected = None if number is None else self.nodes[number].node
        self.refresh()

    def _clicked(self, target):
        kind, number = target.split(":")
        if kind == "node":
            self.select(int(number))
        elif kind == "chain":
            self._expanded[self.nodes[int(number)].node] = True
            self.refresh()

    # -- drawing -----------------------------------------------------------------------------
    def refresh(self):
        super().refresh()  # to_svg reads the graph afresh
        self._show_progress()

    def _show_progress(self):
        if self._running is not None:
            self.show_status(f"step {len(self._visited)} of {len(self.nodes)}: ran {self.running.short_name}")
        elif self._done:
            self.show_status(f"backward done: {len(self._visited)} nodes ran; the leaves' .grad are set")

    def to_svg(self):
        self._read_graph()
        return GraphPicture(self).svg()

    def to_dot(self):
        """The graph as Graphviz dot text (nodes numbered as in `nodes`)."""
        self._read_graph()
        lines = ["digraph autograd {", '  node [shape=box, style="rounded,filled", fontname="monospace"];']
        for g in self.nodes:
            fill = svg.TINTS[0] if g.is_leaf else "#f3f4f6"
            label = "\\n".join(_dot_escape(line) for line in node_lines(self, g))
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


def edge_gradient(view, src, dst, nr):
    """The gradient node `src` last sent along its edge to `dst` (None if unknown)."""
    flow = view._flows.get(view.nodes[src].node)
    if flow is None:
        return None
    for (nxt, out_nr), grad in zip(view.nodes[src].inputs, flow[1]):
        if nxt == dst and out_nr == nr:
            return grad
    return None


def saved_text(view, g):
    """What the node keeps for backward: its saved tensors, or that they were freed."""
    node = g.node
    if node.saved_tensors_freed:
        return "saved: freed (retain_graph=False)"
    saved = node.raw_saved_tensors  # not saved_tensors: that raises for a tensor modified in place
    if not saved:
        return ""
    names = []
    for s in saved:
        t = s.tensor
        name = view.label_of(t) or "[" + ", ".join(str(n) for n in t.shape) + "]"
        names.append(name + (" (modified in place!)" if s.modified_in_place else ""))
    return "saved: " + ", ".join(names)


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


class _Unit:
    """A box in the picture: one node, or a collapsed chain of nodes."""

    def __init__(self, index, members, lines, click):
        self.index = index  # place in GraphPicture.units
        self.members = members  # GraphNodes, in chain order
        self.lines = lines
        self.click = click
        self.layer = 0
        self.x = self.y = 0
        self.w = max(svg.text_width(line, 11) for line in lines) + 20

    @property
    def first(self):
        return self.members[0]


class GraphPicture:
    """Lays out and draws one GraphView: root at the top, gradients flowing down."""

    def __init__(self, view):
        self.view = view
        self.units = []
        self.unit_of = {}  # node number -> its unit
        if view.nodes:
            self._make_units()
            self._layout()

    # -- which boxes --------------------------------------------------------------------------
    def _chains(self):
        """Maximal runs of nodes with one edge in and one edge out (e.g. repeated
        tanh), as lists of GraphNodes, in breadth-first order of their heads."""
        nodes = self.view.nodes
        parents = [[] for _ in nodes]
        for src, dst, _ in self.view.edges:
            parents[dst].append(src)

        def single(g):
            out = [nxt for nxt, _ in g.inputs if nxt is not None]
            return g.number != 0 and not g.is_leaf and len(out) == 1 and len(parents[g.number]) == 1

        chains = []
        for g in nodes:
            if single(g) and not single(nodes[parents[g.number][0]]):
                chain = [g]
                while True:
                    nxt = next(n for n, _ in chain[-1].inputs if n is not None)
                    if not single(nodes[nxt]) or len(parents[nxt]) != 1:
                        break
                    chain.append(nodes[nxt])
                chains.append(chain)
        return chains

    def _make_units(self):
        view = self.view
        hidden = {}  # node number -> the chain unit that hides it
        if view.collapse_box.value:
            for chain in self._chains():
                inner = chain[1:-1]
                # A chain stays open while one of its nodes runs, so the step shows that node.
                running_inside = any(g.node is view._running for g in inner)
                if len(chain) >= CHAIN_MIN and not view._expanded.get(chain[0].node) and not running_inside:
                    counts = {}  # name -> how many, in order of first appearance
                    for g in inner:
                        counts[g.short_name] = counts.get(g.short_name, 0) + 1
                    kinds = [f"{name} ×{n}" for name, n in counts.items()]
                    kind = ", ".join(kinds[:2]) + (", …" if len(kinds) > 2 else "")
                    unit = _Unit(None, inner, [f"⋮ {len(inner)} nodes", kind + " · click to expand"],
                                 f"chain:{chain[0].number}")
                    for g in inner:
                        hidden[g.number] = unit
        for g in view.nodes:
            if g.number in hidden:
                unit = hidden[g.number]
                if unit.first is g:
                    unit.index = len(self.units)
                    self.units.append(unit)
                self.unit_of[g.number] = unit
            else:
                unit = _Unit(len(self.units), [g], node_lines(view, g), f"node:{g.number}")
                self.units.append(unit)
                self.unit_of[g.number] = unit

    def unit_edges(self):
        """(from unit, to unit, src, dst, nr) for each edge between two different boxes."""
        result = []
        for src, dst, nr in self.view.edges:
            a, b = self.unit_of[src], self.unit_of[dst]
            if a is not b:
                result.append((a, b, src, dst, nr))
        return result

    # -- where the boxes go ---------------------------------------------------------------------
    def _layout(self):
        edges = self.unit_edges()
        # Layer = longest path from the root, so every edge points downward.
        children = [[] for _ in self.units]
        parents = [[] for _ in self.units]
        for a, b, *_ in edges:
            children[a.index].append(b)
            parents[b.index].append(a)
        indegree = [len(p) for p in parents]
        queue = [u for u in self.units if indegree[u.index] == 0]
        for u in queue:  # Kahn's algorithm; the queue grows as we go
            for child in children[u.index]:
                child.layer = max(child.layer, u.layer + 1)
                indegree[child.index] -= 1
                if indegree[child.index] == 0:
                    queue.append(child)
        layers = {}
        for u in self.units:  # in breadth-first order, so each layer starts in a stable order
            layers.setdefault(u.layer, []).append(u)
        rows, y = [], MARGIN + 22
        for layer in sorted(layers):
            units = layers[layer]
            if layer:
                # Sit each box under its parents: sort by their mean x (stable: ties keep BFS order).
                units.sort(key=lambda u: sum(p.x + p.w / 2 for p in parents[u.index]) / max(len(parents[u.index]), 1))
            for start in range(0, len(units), MAX_PER_ROW):
                row = units[start:start + MAX_PER_ROW]
                x = MARGIN
                for u in row:
                    u.x, u.y = x, y
                    x += u.w + NODE_GAP
                rows.append((row, x - NODE_GAP))
                y += NODE_H + ROW_GAP
        self.width = max(width for _, width in rows) + MARGIN
        for row, width in rows:  # centre every row
            shift = (self.width - width) // 2
            for u in row:
                u.x += shift
        self.height = y - ROW_GAP

    # -- drawing ------------------------------------------------------------------------------
    def svg(self):
        view = self.view
        d = svg.Drawing()
        if not view.nodes:
            d.text(MARGIN, 30, "no autograd graph: this tensor does not require grad", size=13, fill=svg.MUTED)
            return d.svg(480, 50)
        t = view.tensor
        caption = (f"{view.label_of(t) or 'output'}: shape [{', '.join(map(str, t.shape))}] · "
                   f"grad_fn = {view.nodes[0].short_name} · gradients flow down, from the output to the leaves")
        d.text(MARGIN, MARGIN + 8, caption, size=12, bold=True)
        running = view._running
        sent_by_running = running is not None and not isinstance(running, tinytorch.autograd.AccumulateGrad)
        edges = self.unit_edges()
        parallel = {}  # (from box, to box) -> how many edges join them (e.g. y * y)
        for a, b, *_ in edges:
            parallel[(a.index, b.index)] = parallel.get((a.index, b.index), 0) + 1
        seen, labels = {}, []
        for a, b, src, dst, nr in edges:
            k = seen[(a.index, b.index)] = seen.get((a.index, b.index), -1) + 1
            shift = int((k - (parallel[(a.index, b.index)] - 1) / 2) * 10)
            hot = sent_by_running and view.nodes[src].node is running
            labels.append(self._draw_edge(d, a, b, edge_gradient(view, src, dst, nr), hot, shift))
        for u in self.units:
            self._draw_unit(d, u)
        for label in labels:  # on top of the boxes, with a white halo
            if label is not None:
                x, y, text, anchor, hot = label
                d.text(x, y, text, size=10, anchor=anchor, fill=svg.HIGHLIGHT if hot else svg.PALETTE[1],
                       bold=hot, stroke="#ffffff", stroke_width=3, paint_order="stroke")
        width = max(self.width, svg.text_width(caption, 12) + 2 * MARGIN)
        y = self.height + 12
        for line in self.detail_lines():
            d.text(MARGIN, y + 12, line, size=12)
            width = max(width, svg.text_width(line, 12) + 2 * MARGIN)
            y += 18
        return d.svg(width, y + MARGIN)

    def _draw_unit(self, d, u):
        view = self.view
        nodes = [g.node for g in u.members]
        running = view._running is not None and any(n is view._running for n in nodes)
        ran = all(n in view._flows or any(n is v for v in view._visited) for n in nodes)
        leaf = len(u.members) == 1 and u.first.is_leaf
        fill = "#fde68a" if running else (svg.TINTS[0] if leaf else "#f3f4f6")
        stroke = svg.HIGHLIGHT if running else (svg.PALETTE[0] if leaf else svg.MUTED)
        d.open_group(class_="graph-node", data_number=u.first.number, data_name=u.first.name,
                     data_running="true" if running else "false", data_click=u.click, cursor="pointer")
        d.rect(u.x, u.y, u.w, NODE_H, fill=fill, stroke=stroke, stroke_width=3 if running else 1,
               dashed=len(u.members) > 1, rx=6)
        d.text(u.x + u.w // 2, u.y + 17, u.lines[0], size=11, anchor="middle", bold=True)
        if len(u.lines) > 1:
            colour = "#b91c1c" if "freed" in u.lines[1] or "modified" in u.lines[1] else svg.INK
            d.text(u.x + u.w // 2, u.y + 33, u.lines[1], size=10, anchor="middle", fill=colour)
        if ran:
            d.text(u.x + u.w - 4, u.y + 12, "✓", size=10, anchor="end", fill=svg.PALETTE[2])
        d.close_group()

    @staticmethod
    def _draw_edge(d, a, b, grad, hot, shift):
        """Draw the edge; return where its gradient label goes (drawn later, on top), or None."""
        x1, y1 = a.x + a.w // 2 + shift, a.y + NODE_H
        x2, y2 = b.x + b.w // 2 + shift, b.y
        bend = max((y2 - y1) // 2, 12)
        colour = svg.HIGHLIGHT if hot else svg.MUTED
        d.path(f"M{x1} {y1} C{x1} {y1 + bend} {x2} {y2 - bend} {x2} {y2 - 6}", stroke=colour,
               stroke_width=2 if hot else 1)
        d.path(f"M{x2 - 4} {y2 - 7} L{x2 + 4} {y2 - 7} L{x2} {y2} Z", stroke=colour, fill=colour)
        if grad is None:
            return None
        # The label goes beside the middle of the curve, on the side it bends to (parallel
        # edges: one left, one right), so labels of edges at one node keep apart.
        left = shift < 0 if shift else x2 < x1
        x, y = (x1 + x2) // 2 + (-5 if left else 5), (y1 + y2) // 2 + 4
        return x, y, edge_label(grad), "end" if left else "start", hot

    def detail_lines(self):
        """Details of the running node (while stepping) or the clicked one."""
        view = self.view
        node = view._running if view._running is not None else view._selected
        g = next((g for g in view.nodes if g.node is node), None)
        if g is None:
            return []
        lines = [f"node {g.number}: {g.short_name}" + ("  (running)" if node is view._running else "")]
        flow = view._flows.get(node)
        if flow is not None:
            lines.append("received: " + ", ".join(short_tensor(x) for x in flow[0]))
            for (nxt, _), grad in zip(g.inputs, flow[1]):
                target = view.nodes[nxt].short_name if nxt is not None else "None"
                lines.append(f"  sent to node {nxt} {target}: {short_tensor(grad)}")
        lines.extend(node_lines(view, g)[1:])  # what the node holds, as its box says
        return lines
