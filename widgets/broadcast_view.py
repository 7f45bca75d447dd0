"""BroadcastView: how two shapes broadcast, one dim at a time.

    BroadcastView(tinytorch.zeros(3, 1), tinytorch.zeros(4))

1. Right-align the shapes and pad the shorter one with 1s on the left.
2. In each dim the sizes must be equal, or one of them 1.
3. A size-1 dim is stretched: `expand` gives it stride 0, so every index
   along it reads the same element; nothing is copied.

The rules themselves are `tinytorch.strides.broadcast_shapes` and
`expand_strides`; this widget only draws what they decide, including
PyTorch's message for the dim that does not fit.
"""
from tinytorch.strides import broadcast_shapes, expand_strides

from . import cells, svg
from .language import Catalog
from .live import Visualizer
from .tensor_info import read_tensor

MESSAGES = Catalog(
    en={
        "title": "broadcasting {a} {a_shape} with {b} {b_shape}",
        "dim": "dim {dim}",
        "result": "result",
        "result shape": "result shape: {shape}",
        "expanded": "{expression}: stride {before} → {after}",
        "expanded, stride 0": "{expression}: stride {before} → {after} (stride 0 in dim {dims}: those indices all "
                              "read one element)",
    },
    zh_CN={
        "title": "{a} {a_shape} 与 {b} {b_shape} 的广播",
        "dim": "第 {dim} 维",
        "result": "结果",
        "result shape": "结果形状：{shape}",
        "expanded": "{expression}：步长 {before} → {after}",
        "expanded, stride 0": "{expression}：步长 {before} → {after}（第 {dims} 维步长为 0：沿这些维的索引都读取同一个"
                              "元素）",
    },
)

COL_W, ROW_H, NAME_W = 70, 30, 150


def _shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


class BroadcastView(Visualizer):
    def __init__(self, a, b, labels=("a", "b")):
        self.infos = [read_tensor(a, "BroadcastView"), read_tensor(b, "BroadcastView")]
        self.labels = [str(label) for label in labels]
        if len(self.labels) != 2:
            raise ValueError("BroadcastView takes two labels, one per tensor")
        super().__init__()
        self._follow(self.infos)
        self.refresh()

    # -- what broadcasting decides ---------------------------------------------------
    @property
    def ndim(self):
        return max(len(info.shape) for info in self.infos)

    def padded_shapes(self):
        """Each shape right-aligned to `ndim` dims, with 1s added on the left."""
        return [(1,) * (self.ndim - len(info.shape)) + info.shape for info in self.infos]

    def result(self):
        """(result shape, None), or (None, the RuntimeError broadcast_shapes raised)."""
        try:
            return broadcast_shapes(*(info.shape for info in self.infos)), None
        except RuntimeError as error:
            return None, error

    def column_sizes(self):
        """Per dim (of the padded shapes): the size the two sizes broadcast to, or None where they cannot."""
        sizes = []
        for column in zip(*self.padded_shapes()):
            try:
                sizes.append(broadcast_shapes(*((s,) for s in column))[0])
            except RuntimeError:
                sizes.append(None)
        return sizes

    def offending_dim(self):
        """The dim (counted in the padded shapes) that the error names, or None. PyTorch
        compares sizes from the last dim backwards, so it names the last mismatch."""
        bad = [d for d, size in enumerate(self.column_sizes()) if size is None]
        return bad[-1] if bad else None

    def expanded(self):
        """Each operand as the view `expand(result shape)` makes: stride 0 where it is stretched."""
        shape, error = self.result()
        if error is not None:
            return None
        return [info.with_header(*expand_strides(info.shape, info.stride, shape), info.offset) for info in self.infos]

    # -- drawing -------------------------------------------------------------------------
    def to_svg(self):
        d = svg.Drawing()
        x, y = cells.MARGIN, cells.MARGIN
        shape, error = self.result()
        title = MESSAGES("title", a=self.labels[0], a_shape=_shape_text(self.infos[0].shape),
                         b=self.labels[1], b_shape=_shape_text(self.infos[1].shape))
        d.text(x, y + 14, title, size=13, bold=True)
        width = svg.text_width(title, 13)
        y += 28
        y, table_width = self._draw_table(d, x, y, shape)
        width = max(width, table_width)
        lines = self._explanation(shape, error)
        for line in lines:
            for part in svg.wrap(line):
                d.text(x, y + 12, part, size=12, fill="#b91c1c" if line.startswith("RuntimeError") else svg.INK)
                width = max(width, svg.text_width(part, 12))
                y += 18
        y += 10
        infos = self.expanded()
        if infos is None:
            infos, labels = self.infos, self.labels
        else:
            labels = [f"{label}.expand{_shape_text(shape)}" for label in self.labels]
        w, h = cells.TensorPicture(infos, labels).draw(d, x, y)
        y += h + 4
        legend_width, legend_height = cells.draw_legend(d, x, y)
        y += legend_height
        return d.svg(max(width, w, legend_width) + 2 * cells.MARGIN, y + cells.MARGIN)

    def _draw_table(self, d, x, y, shape):
        """Rows: each operand's padded shape, then the result; one column per dim."""
        ndim, columns = self.ndim, self.column_sizes()
        for col in range(ndim):
            d.text(x + NAME_W + col * COL_W + COL_W // 2, y + 12, MESSAGES("dim", dim=col), size=10, anchor="middle",
                   fill=svg.MUTED)
        y += 18
        for k, (info, padded) in enumerate(zip(self.infos, self.padded_shapes())):
            d.text(x, y + 19, f"{self.labels[k]} {_shape_text(info.shape)}", size=12, bold=True, fill=svg.colour(k))
            added = self.ndim - len(info.shape)
            for col, size in enumerate(padded):
                cx = x + NAME_W + col * COL_W
                target = columns[col] if columns[col] is not None else size
                text = f"1→{target}" if size == 1 and target != 1 else str(size)
                kind = "mismatch" if columns[col] is None else ("added" if col < added else
                                                      ("stretched" if size != target else "kept"))
                d.open_group(class_="broadcast-dim", data_tensor=k, data_dim=col, data_size=size, data_kind=kind)
                fill = {"mismatch": "#fee2e2", "stretched": "#ffedd5"}.get(kind, "#ffffff")
                stroke = "#b91c1c" if kind == "mismatch" else svg.colour(k)
                d.rect(cx, y, COL_W - 8, ROW_H - 4, fill=fill, stroke=stroke, dashed=kind == "added",
                       stroke_width=2 if kind == "mismatch" else 1)
                d.text(cx + (COL_W - 8) // 2, y + 18, text, size=12, anchor="middle",
                       fill=svg.MUTED if kind == "added" else svg.INK, italic=kind == "added")
                d.close_group()
            y += ROW_H
        d.text(x, y + 19, MESSAGES("result"), size=12, bold=True)
        for col in range(ndim):
            cx = x + NAME_W + col * COL_W
            text = "✗" if columns[col] is None else str(columns[col])
            d.open_group(class_="broadcast-result", data_dim=col, data_size=text)
            d.rect(cx, y, COL_W - 8, ROW_H - 4, fill="#fee2e2" if text == "✗" else "#f3f4f6",
                   stroke="#b91c1c" if text == "✗" else svg.INK)
            d.text(cx + (COL_W - 8) // 2, y + 18, text, size=12, anchor="middle", bold=True)
            d.close_group()
        return y + ROW_H + 8, NAME_W + ndim * COL_W

    def _explanation(self, shape, error):
        if error is not None:
            return [f"RuntimeError: {error}"]
        lines = [MESSAGES("result shape", shape=_shape_text(shape))]
        for label, info, view in zip(self.labels, self.infos, self.expanded()):
            zero = cells.broadcast_dims(view)
            expanded = dict(expression=f"{label}.expand{_shape_text(shape)}", before=_shape_text(info.stride),
                            after=_shape_text(view.stride))
            if zero:
                lines.append(MESSAGES("expanded, stride 0", dims=", ".join(map(str, zero)), **expanded))
            else:
                lines.append(MESSAGES("expanded", **expanded))
        return lines

    def __repr__(self):
        shape, _ = self.result()
        a, b = (_shape_text(info.shape) for info in self.infos)
        outcome = _shape_text(shape) if shape is not None else f"error at dim {self.offending_dim()}"
        return f"BroadcastView({a}, {b} -> {outcome})"
