"""How GraphView draws the graph: boxes in layers, the root at the top, gradients flowing down.

Each box is one node, or a collapsed chain of single-input, single-output
nodes (a run of tanh, say) that a click expands. A box's layer is its longest
path from the root, so every edge points downward; within a layer, boxes sit
under their parents and wrap onto more rows when there are many. Edges are
curves labelled with the gradient they carried, the node that just ran is
highlighted, and the details of the running or clicked node are written
underneath. What each box and edge says comes from graph_model.py.
"""
import tinytorch

from . import svg
from .graph_model import edge_gradient, edge_label, node_lines, short_tensor

CHAIN_MIN = 6  # a chain of this many single-input, single-output nodes collapses to first ... last
MAX_PER_ROW = 8  # a layer with more nodes wraps onto several rows
NODE_H, ROW_GAP, NODE_GAP = 42, 46, 18
MARGIN = 14


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
