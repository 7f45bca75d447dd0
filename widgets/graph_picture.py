"""How GraphView draws the graph: boxes in layers, the root at the top, gradients flowing down.

Each box is one node, or a collapsed chain of single-input, single-output
nodes (a run of tanh, say) that a click expands. A box's layer is its longest
path from the root, so every edge points downward; within a layer, boxes sit
under their parents and wrap onto more rows when there are many. Edges are
curves labelled with the gradient they carried; a label is placed beside its
curve, never on it (and, where there is room, off the other curves, labels and
boxes). The node that just ran is highlighted, and the details of the clicked
node (else of the running one) are written underneath. What each box and edge
says comes from graph_model.py.
"""
import tinytorch

from . import svg
from .graph_model import (edge_gradient, edge_label, is_warning, node_lines, saved_items, saved_tensors_freed,
                          short_tensor)
from .language import Catalog

MESSAGES = Catalog(
    en={
        # said under a torch graph's picture and beside its hidden buttons (graph_view.py)
        "cannot step torch": "torch's engine cannot be stepped from Python: this picture shows torch's graph; "
                             "stepping works for tinytorch tensors",
        "no graph": "no autograd graph: this tensor does not require grad",
        "output": "output",
        "caption": "{name}: shape [{shape}] · grad_fn = {root} · gradients flow down, from the output to the leaves",
        "chain": "⋮ {count:node|nodes}",
        "chain kinds": "{kinds} · click to expand",
        "node": "node {number}: {name}",
        "running": "  (running)",
        "clicked": "  (clicked: click it again to close)",
        "received": "received: {gradients}",
        "sent nothing": "  input {input} needs no gradient: nothing sent",
        "sent": "  sent to node {number} {name}: {gradient}",
        "saved for backward": "saved for backward (grad_fn._saved_<name>):",
    },
    zh_CN={
        "cannot step torch": "无法从 Python 单步执行 torch 的引擎：这张图显示的是 torch 的计算图；"
                             "单步执行只适用于 tinytorch 张量",
        "no graph": "没有自动求导计算图：这个张量不需要梯度",
        "output": "输出",
        "caption": "{name}：形状 [{shape}] · grad_fn = {root} · 梯度自上而下流动，从输出流向叶子节点",
        "chain": "⋮ {count} 个节点",
        "chain kinds": "{kinds} · 点击展开",
        "node": "节点 {number}：{name}",
        "running": "  （正在运行）",
        "clicked": "  （已点击：再点一次即可关闭）",
        "received": "收到：{gradients}",
        "sent nothing": "  输入 {input} 不需要梯度：不发送梯度",
        "sent": "  发送给节点 {number} {name}：{gradient}",
        "saved for backward": "为反向传播保存的张量（grad_fn._saved_<name>）：",
    },
)
CHAIN_MIN = 6  # a chain of this many single-input, single-output nodes collapses to first ... last
MAX_PER_ROW = 8  # a layer with more nodes wraps onto several rows
NODE_H, ROW_GAP, NODE_GAP = 42, 46, 18
MARGIN = 14
LABEL_SIZE = 10  # font size of an edge's gradient label
LABEL_PAD = 2  # pixels kept clear around a label's text
CURVE_SAMPLES = 32  # points a curve is checked at (its segments are then checked whole)


def bezier(p0, p1, p2, p3, t):
    """The point at t of the cubic Bézier curve with these control points."""
    u = 1 - t
    return tuple(u * u * u * a + 3 * u * u * t * b + 3 * u * t * t * c + t * t * t * e
                 for a, b, c, e in zip(p0, p1, p2, p3))


def text_box(x, y, text, size, anchor):
    """(left, top, right, bottom) of a line of text drawn at (x, y), as svg.text_width measures
    it: the glyphs rise about 0.8 of the font size above the baseline and sink 0.25 below."""
    w = svg.text_width(text, size)
    left = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
    return left, y - 0.8 * size, left + w, y + 0.25 * size


def segment_meets_box(a, b, box):
    """Whether the segment a-b passes through the box (left, top, right, bottom): Liang-Barsky clipping."""
    (x0, y0), (x1, y1) = a, b
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
        else:
            r = q / p
            if p < 0:
                lo = max(lo, r)
            else:
                hi = min(hi, r)
            if lo > hi:
                return False
    return True


def polyline_meets_box(points, box):
    return any(segment_meets_box(a, b, box) for a, b in zip(points, points[1:]))


def boxes_meet(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes_touch(a, b):
    """Whether two boxes overlap or share an edge (a curve's bounds may be a line)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def grow(box, pad):
    return box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad


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
                    lines = [MESSAGES("chain", count=len(inner)), MESSAGES("chain kinds", kinds=kind)]
                    unit = _Unit(None, inner, lines, f"chain:{chain[0].number}")
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
        """(from unit, to unit, src, dst, nr, i) for each edge between two different boxes;
        i is its place in view.edges (x + x has two edges with the same src, dst and nr)."""
        result = []
        for i, (src, dst, nr) in enumerate(self.view.edges):
            a, b = self.unit_of[src], self.unit_of[dst]
            if a is not b:
                result.append((a, b, src, dst, nr, i))
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
            message = MESSAGES("no graph")
            d.text(MARGIN, 30, message, size=13, fill=svg.MUTED)
            return d.svg(max(480, svg.text_width(message, 13) + 2 * MARGIN), 50)
        t = view.tensor
        caption = MESSAGES("caption", name=view.label_of(t) or MESSAGES("output"),
                           shape=", ".join(map(str, t.shape)), root=view.nodes[0].short_name)
        d.text(MARGIN, MARGIN + 8, caption, size=12, bold=True)
        running = view._running
        sent_by_running = running is not None and not isinstance(running, tinytorch.autograd.AccumulateGrad)
        edges = self.unit_edges()
        parallel = {}  # (from box, to box) -> how many edges join them (e.g. y * y)
        for a, b, *_ in edges:
            parallel[(a.index, b.index)] = parallel.get((a.index, b.index), 0) + 1
        seen, curves, wanted = {}, [], []
        for a, b, src, dst, nr, i in edges:
            k = seen[(a.index, b.index)] = seen.get((a.index, b.index), -1) + 1
            shift = int((k - (parallel[(a.index, b.index)] - 1) / 2) * 10)
            hot = sent_by_running and view.nodes[src].node is running
            curves.append(self._draw_edge(d, a, b, hot, shift, i, src, dst))
            grad = edge_gradient(view, src, dst, nr)
            if grad is not None:
                wanted.append((len(curves) - 1, edge_label(grad), hot, shift, i))
        for u in self.units:
            self._draw_unit(d, u)
        # The picture is as wide as its caption at least: labels may use that room on the right.
        width = max(self.width, svg.text_width(caption, 12) + 2 * MARGIN)
        placed = []  # label boxes so far
        for i, text, hot, shift, edge in wanted:  # on top of the boxes, with a white halo
            x, y, anchor = self._place_label(i, text, shift, curves, placed, width)
            d.open_group(class_="edge-label", data_edge=edge)  # edge: its place in view.edges
            d.text(x, y, text, size=LABEL_SIZE, anchor=anchor, fill=svg.HIGHLIGHT if hot else svg.PALETTE[1],
                   bold=hot, stroke="#ffffff", stroke_width=3, paint_order="stroke")
            d.close_group()
        width = max([width] + [int(box[2]) + MARGIN for box in placed])
        y = self.height + 12
        for line in self.detail_lines():
            indent = svg.text_width(line[:len(line) - len(line.lstrip())], 12)  # SVG collapses leading spaces
            d.text(MARGIN + indent, y + 12, line.lstrip(), size=12)
            width = max(width, svg.text_width(line, 12) + 2 * MARGIN)
            y += 18
        return d.svg(width, y + MARGIN)

    def _draw_unit(self, d, u):
        view = self.view
        nodes = [g.node for g in u.members]
        running = view._running is not None and any(n is view._running for n in nodes)
        selected = len(nodes) == 1 and view._selected is not None and nodes[0] is view._selected
        ran = all(n in view._flows or any(n is v for v in view._visited) for n in nodes)
        leaf = len(u.members) == 1 and u.first.is_leaf
        fill = "#fde68a" if running else (svg.TINTS[0] if leaf else "#f3f4f6")
        stroke = svg.HIGHLIGHT if running else (svg.PALETTE[0] if leaf else svg.MUTED)
        d.open_group(class_="graph-node", data_number=u.first.number, data_name=u.first.name,
                     data_running="true" if running else "false", data_selected="true" if selected else "false",
                     data_click=u.click, cursor="pointer")
        if selected:  # a ring around the box whose details are written underneath
            d.rect(u.x - 4, u.y - 4, u.w + 8, NODE_H + 8, stroke=svg.PALETTE[3], stroke_width=2, rx=8)
        d.rect(u.x, u.y, u.w, NODE_H, fill=fill, stroke=stroke, stroke_width=3 if running else 1,
               dashed=len(u.members) > 1, rx=6)
        d.text(u.x + u.w // 2, u.y + 17, u.lines[0], size=11, anchor="middle", bold=True)
        if len(u.lines) > 1:
            colour = "#b91c1c" if is_warning(u.lines[1]) else svg.INK
            d.text(u.x + u.w // 2, u.y + 33, u.lines[1], size=10, anchor="middle", fill=colour)
        if ran:
            d.text(u.x + u.w - 4, u.y + 12, "✓", size=10, anchor="end", fill=svg.PALETTE[2])
        d.close_group()

    @staticmethod
    def _draw_edge(d, a, b, hot, shift, edge, src, dst):
        """Draw the edge (a curve and its arrowhead, in a group that carries `edge`, its
        place in view.edges, and the numbers of its nodes); return the curve: its
        control points and points along it."""
        x1, y1 = a.x + a.w // 2 + shift, a.y + NODE_H
        x2, y2 = b.x + b.w // 2 + shift, b.y
        bend = max((y2 - y1) // 2, 12)
        colour = svg.HIGHLIGHT if hot else svg.MUTED
        controls = ((x1, y1), (x1, y1 + bend), (x2, y2 - bend), (x2, y2 - 6))
        d.open_group(class_="graph-edge", data_edge=edge, data_from=src, data_to=dst)
        d.path(f"M{x1} {y1} C{x1} {y1 + bend} {x2} {y2 - bend} {x2} {y2 - 6}", stroke=colour,
               stroke_width=2 if hot else 1)
        d.path(f"M{x2 - 4} {y2 - 7} L{x2 + 4} {y2 - 7} L{x2} {y2} Z", stroke=colour, fill=colour)
        d.close_group()
        points = [bezier(*controls, i / CURVE_SAMPLES) for i in range(CURVE_SAMPLES + 1)] + [(x2, y2)]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return controls, points, (min(xs), min(ys), max(xs), max(ys))

    def _place_label(self, i, text, shift, curves, placed, width):
        """Where edge i's label goes: beside its curve, never on it. Candidates sit around
        points along the curve, first the middle, on the side the curve leaves free there
        (a curve heading down-left leaves the right side free below its middle and the
        left side above it). Each candidate is scored for what it would cover (other
        curves, labels already placed, boxes) and for leaving the picture (0 to `width`);
        the first with the lowest score wins. Returns (x, baseline y, anchor)."""
        controls, own, _ = curves[i]
        heading_left = controls[3][0] < controls[0][0]
        heading_right = controls[3][0] > controls[0][0]
        first = "left" if shift < 0 or heading_right else "right"  # parallel edges: one left, one right
        sides = (first, "right" if first == "left" else "left")
        gap = LABEL_PAD + 3
        boxes = [(u.x, u.y, u.x + u.w, u.y + NODE_H) for u in self.units]
        best = None
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9):
            mx, my = bezier(*controls, t)
            for side in sides:
                # Below the point on the side the curve leaves free below, above on the other.
                below = (side == "right") == heading_left or not (heading_left or heading_right)
                rows = (my + 0.8 * LABEL_SIZE + gap, my - 0.25 * LABEL_SIZE - gap) if below else \
                    (my - 0.25 * LABEL_SIZE - gap, my + 0.8 * LABEL_SIZE + gap)
                for y in (*rows, my + 0.3 * LABEL_SIZE):
                    x = mx + gap if side == "right" else mx - gap
                    anchor = "start" if side == "right" else "end"
                    x, y = int(round(x)), int(round(y))
                    box = grow(text_box(x, y, text, LABEL_SIZE, anchor), LABEL_PAD)
                    if polyline_meets_box(own, box):
                        continue  # never on its own curve
                    # Covering a box's text or another label hides words; crossing a curve does not.
                    score = (3 * sum(polyline_meets_box(c[1], box) for j, c in enumerate(curves)
                                     if j != i and boxes_touch(c[2], box))
                             + 30 * sum(boxes_meet(box, other) for other in placed)
                             + 30 * sum(boxes_meet(box, other) for other in boxes)
                             + 100 * (box[0] < 0 or box[1] < 0 or box[2] > width))
                    if best is None or score < best[0]:
                        best = (score, x, y, anchor, box)
                    if score == 0:
                        break
                if best is not None and best[0] == 0:
                    break
            if best is not None and best[0] == 0:
                break
        if best is None:  # (a curve that fills every candidate: cannot happen with these offsets)
            mx, my = bezier(*controls, 0.5)
            best = (0, int(mx) + 40, int(my), "start", text_box(int(mx) + 40, int(my), text, LABEL_SIZE, "start"))
        placed.append(best[4])
        return best[1], best[2], best[3]

    def detail_lines(self):
        """Details of the clicked node, else (while stepping) of the one that just ran."""
        view = self.view
        # torch's graph cannot be stepped: said under the picture too, for its static snapshot
        lines = [MESSAGES("cannot step torch")] if view.is_torch else []
        node = view._selected if view._selected is not None else view._running
        g = next((g for g in view.nodes if g.node is node), None)
        if g is None:
            return lines
        state = MESSAGES("running") if node is view._running else ""
        if node is view._selected:
            state += MESSAGES("clicked")
        lines.append(MESSAGES("node", number=g.number, name=g.short_name) + state)
        flow = view._flows.get(node)
        if flow is not None:
            lines.append(MESSAGES("received", gradients=", ".join(short_tensor(x) for x in flow[0])))
            for i, ((nxt, _), grad) in enumerate(zip(g.inputs, flow[1])):
                if nxt is None:  # next_functions holds None there: the engine sends nothing
                    lines.append(MESSAGES("sent nothing", input=i))
                else:
                    lines.append(MESSAGES("sent", number=nxt, name=view.nodes[nxt].short_name,
                                          gradient=short_tensor(grad)))
        if not g.is_leaf and not saved_tensors_freed(g.node) and saved_items(view, g):
            lines.append(MESSAGES("saved for backward"))
            lines.extend(f"  {item}" for item in saved_items(view, g, values=True))
        else:
            lines.extend(node_lines(view, g)[1:])  # what the node holds, as its box says
        return lines
