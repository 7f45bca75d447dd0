"""ViewExplorer: make views of a tensor with controls, and watch only the header change.

    a = tinytorch.arange(12.).reshape(3, 4)
    ViewExplorer(a)

Slice each dim (start, stop, step), permute the dims, unsqueeze, expand: the
widget applies those tinytorch ops in that order and shows the expression, the
resulting shape, stride, offset and is_contiguous(), and the view's cells in
the shared storage. It also says what `contiguous()` would copy, and whether
`view(shape)` can work without copying (decided by
`tinytorch.strides.view_strides`) and, if not, which dims are to blame.
The grids are labelled by name (`a`) and by the view's expression; the live
picture fits the width of the page, its long lines and headers wrapped.
"""
import ipywidgets

import tinytorch
from tinytorch.strides import view_strides

from . import cells, svg
from .language import Catalog
from .live import Visualizer
from .tensor_info import read_tensor

# The controls' labels and the explanation above the picture (a tensor's header parts, shape,
# stride and offset, are cells.py's). permute, unsqueeze and expand name the ops the controls
# apply, and read as the code does in either language.
MESSAGES = Catalog(
    en={
        "dim": "dim {dim} (size {size})",
        "start": "start",
        "stop": "stop",
        "step": "step",
        "permute": "permute",
        "unsqueeze": "unsqueeze",
        "no unsqueeze": "none",
        "expand": "expand",
        "expand example": "e.g. 2, -1, -1",
        "view as": "view as",
        "header": "{expression}: {header} · is_contiguous() = {contiguous}",
        "contiguous already": "contiguous() returns this same tensor: its elements already lie in row-major order",
        "contiguous copies": "contiguous() copies {count:element|elements} into a new storage, reading positions "
                             "{positions} in row-major order",
        "not ints": "view as: {text} is not a list of ints",
        "view fails": "{call} fails: {error}",
        "view works": "{call} works without copying: shape {shape}, stride {stride}",
        "separate runs": "the elements form separate runs over dims {runs}; a new dim cannot span two runs",
        "dims do not join": "  dims {left} and {right} do not join: stride[{left}] = {left_stride}, but "
                            "size[{right}]·stride[{right}] = {size}·{stride} = {product}",
        "reshape copies": "reshape() would copy instead (it calls contiguous() first)",
    },
    zh_CN={
        "dim": "第 {dim} 维（大小 {size}）",
        "start": "起始",
        "stop": "结束",
        "step": "间隔",
        "permute": "permute",
        "unsqueeze": "unsqueeze",
        "no unsqueeze": "无",
        "expand": "expand",
        "expand example": "例如 2, -1, -1",
        "view as": "view 为",
        "header": "{expression}：{header} · is_contiguous() = {contiguous}",
        "contiguous already": "contiguous() 返回这个张量本身：它的元素已经按行优先顺序排列",
        "contiguous copies": "contiguous() 把 {count} 个元素复制到新的存储中，按行优先顺序读取位置 {positions}",
        "not ints": "view 为：{text} 不是由整数组成的列表",
        "view fails": "{call} 失败：{error}",
        "view works": "{call} 无需复制即可完成：形状 {shape}，步长 {stride}",
        "separate runs": "这些元素按维度分成互不相连的几段：{runs}；新的维度不能跨越两段",
        "dims do not join": "  第 {left} 维与第 {right} 维接不上：stride[{left}] = {left_stride}，但 "
                            "size[{right}]·stride[{right}] = {size}·{stride} = {product}",
        "reshape copies": "reshape() 则会复制（它先调用 contiguous()）",
    },
)

SHOW_POSITIONS = 16  # how many copied positions to list


def _ints(text):
    """'2, -1, 3' -> (2, -1, 3); '' -> ()."""
    text = text.strip().strip("()[]")
    return tuple(int(part) for part in text.split(",") if part.strip())


def slice_text(start, stop, step, size):
    """The shortest Python spelling of start:stop:step on a dim of this size."""
    text = ("" if start == 0 else str(start)) + ":" + ("" if stop == size else str(stop))
    return text + ("" if step == 1 else f":{step}")


def contiguous_runs(shape, stride):
    """Adjacent dims that step through storage as one block: dim p merges with
    the next (non-size-1) dim d when stride[p] == size[d] * stride[d]. view()
    can regroup dims within a run, never across two."""
    runs = []
    for d, size in enumerate(shape):
        if size == 1:
            continue
        if runs and stride[runs[-1][-1]] == size * stride[d]:
            runs[-1].append(d)
        else:
            runs.append([d])
    return runs


class ViewExplorer(Visualizer):
    fits_width = True

    def __init__(self, tensor, name="a"):
        if not isinstance(tensor, tinytorch.Tensor):
            raise TypeError(f"ViewExplorer accepts a tinytorch.Tensor, but got {type(tensor).__name__}")
        self.tensor = tensor
        self.name = str(name)
        self.selection = None  # (tensor number, index): 0 is the tensor, 1 the view
        self.view, self.expression, self.error = tensor, self.name, None
        self.dim_controls = [self._dim_row(d, size) for d, size in enumerate(tensor.shape)]
        text = dict(continuous_update=False, layout=ipywidgets.Layout(width="260px"))
        self.permute_input = ipywidgets.Text(value=", ".join(map(str, range(tensor.dim()))),
                                             description=MESSAGES("permute"), **text)
        self.unsqueeze_input = ipywidgets.Dropdown(
            options=[(MESSAGES("no unsqueeze"), None)] + [(str(d), d) for d in range(tensor.dim() + 1)], value=None,
            description=MESSAGES("unsqueeze"), layout=ipywidgets.Layout(width="200px"),
        )
        self.expand_input = ipywidgets.Text(value="", placeholder=MESSAGES("expand example"),
                                            description=MESSAGES("expand"), **text)
        self.view_input = ipywidgets.Text(value="-1", description=MESSAGES("view as"), **text)
        self._quiet = False
        for control in (self.permute_input, self.unsqueeze_input, self.expand_input, self.view_input):
            control.observe(self._changed, names="value")
        wrap = dict(layout=ipywidgets.Layout(flex_flow="row wrap"))  # a narrow page: controls wrap, not clip
        rows = [ipywidgets.HBox(list(row), **wrap) for row in self.dim_controls]
        super().__init__(controls=[
            *rows,
            ipywidgets.HBox([self.permute_input, self.unsqueeze_input], **wrap),
            ipywidgets.HBox([self.expand_input, self.view_input], **wrap),
        ])
        self._follow([read_tensor(tensor)])
        self._changed()

    def _dim_row(self, d, size):
        number = dict(layout=ipywidgets.Layout(width="150px"), style={"description_width": "40px"})
        row = (
            ipywidgets.BoundedIntText(value=0, min=-size, max=size, description=MESSAGES("start"), **number),
            ipywidgets.BoundedIntText(value=size, min=-size, max=size, description=MESSAGES("stop"), **number),
            ipywidgets.BoundedIntText(value=1, min=1, max=max(size, 1), description=MESSAGES("step"), **number),
        )
        for control in row:
            control.observe(self._changed, names="value")
        label = ipywidgets.Label(MESSAGES("dim", dim=d, size=size), layout=ipywidgets.Layout(width="110px"))
        return (label, *row)

    # -- the Python side of the controls -------------------------------------------------
    def slice(self, dim, start=None, stop=None, step=1):
        """Set dim's slice, as `a[..., start:stop:step, ...]`."""
        size = self.tensor.shape[dim]
        _, start_box, stop_box, step_box = self.dim_controls[dim]
        self._quiet = True  # one redraw for the three values, not three
        try:
            start_box.value = 0 if start is None else start
            stop_box.value = size if stop is None else stop
            step_box.value = step
        finally:
            self._quiet = False
        self._changed()

    def permute(self, *dims):
        self.permute_input.value = ", ".join(map(str, dims))

    def unsqueeze(self, dim):
        """Insert a size-1 dim at `dim` (None for no unsqueeze)."""
        self.unsqueeze_input.value = dim

    def expand(self, *sizes):
        self.expand_input.value = ", ".join(map(str, sizes))

    def try_view(self, *shape):
        """Ask whether view(shape) would work on the current view."""
        self.view_input.value = ", ".join(map(str, shape))

    def select(self, index, tensor=1):
        """Show the arithmetic of one element: of the view (tensor=1) or the original (0)."""
        shown = self._infos()
        self.selection = None if index is None else (tensor, cells.normalize_index(index, shown[tensor].shape))
        self.refresh()

    def _clicked(self, target):
        kind, k, index = target.split(":")
        if kind == "element":
            self.select(tuple(int(i) for i in index.split(",") if i), int(k))

    # -- building the view -----------------------------------------------------------------
    def _changed(self, _change=None):
        if self._quiet:
            return
        try:
            self.view, self.expression = self._build()
            self.error = None
        except (IndexError, RuntimeError, ValueError, TypeError) as error:
            self.view, self.error = None, error
        self.selection = None
        self.refresh()

    def _build(self):
        """Apply the controls' ops to the tensor: returns (view, its expression)."""
        view, expression = self.tensor, self.name
        parts, sliced = [], False
        slices = []
        for (_, start, stop, step), size in zip(self.dim_controls, self.tensor.shape):
            slices.append(slice(start.value, stop.value, step.value))
            parts.append(slice_text(start.value, stop.value, step.value, size))
            sliced = sliced or parts[-1] != ":"
        if sliced:
            view = view[tuple(slices)]
            expression += "[" + ", ".join(parts) + "]"
        dims = _ints(self.permute_input.value)
        if dims != tuple(range(view.dim())):
            view = view.permute(*dims)
            moved = [d for d, p in enumerate(dims) if d != p]
            if len(moved) == 2 and len(dims) == view.dim():
                expression += f".transpose({moved[0]}, {moved[1]})"
            else:
                expression += f".permute({', '.join(map(str, dims))})"
        if self.unsqueeze_input.value is not None:
            view = view.unsqueeze(self.unsqueeze_input.value)
            expression += f".unsqueeze({self.unsqueeze_input.value})"
        sizes = _ints(self.expand_input.value)
        if sizes:
            view = view.expand(*sizes)
            expression += f".expand({', '.join(map(str, sizes))})"
        return view, expression

    # -- explaining it ---------------------------------------------------------------------------
    def explanation(self):
        """Lines about the current view: its header, contiguous(), view(shape)."""
        return [line for line, _ in self._explained()]

    def _explained(self):
        """The explanation's lines, each with whether it reports an error (drawn in red)."""
        if self.error is not None:
            return [(f"{type(self.error).__name__}: {self.error}", True)]
        v = self.view
        header = " · ".join(cells.header_parts(tuple(v.shape), v.stride(), v.storage_offset()))
        lines = [(MESSAGES("header", expression=self.expression, header=header, contiguous=v.is_contiguous()), False)]
        if v.is_contiguous():
            lines.append((MESSAGES("contiguous already"), False))
        else:
            positions = cells.element_positions(v.shape, v.stride(), v.storage_offset())[:SHOW_POSITIONS].tolist()
            more = ", …" if v.numel() > SHOW_POSITIONS else ""
            lines.append((MESSAGES("contiguous copies", count=v.numel(),
                                   positions=", ".join(map(str, positions)) + more), False))
        lines.extend(self._view_lines(v))
        return lines

    def _view_lines(self, v):
        try:
            shape = _ints(self.view_input.value)
        except ValueError:
            return [(MESSAGES("not ints", text=repr(self.view_input.value)), False)]
        call = f"view({', '.join(map(str, shape))})"
        try:
            target = tinytorch.strides.infer_size(shape, v.numel())
        except RuntimeError as error:
            return [(MESSAGES("view fails", call=call, error=error), True)]
        stride = view_strides(tuple(v.shape), v.stride(), target)
        if stride is not None:
            return [(MESSAGES("view works", call=call, shape=target, stride=stride), False)]
        try:
            v.view(*shape)
            message = ""
        except RuntimeError as error:
            message = str(error)
        runs = contiguous_runs(tuple(v.shape), v.stride())
        lines = [(MESSAGES("view fails", call=call, error=message), True)]
        lines.append((MESSAGES("separate runs", runs=" | ".join("(" + ", ".join(map(str, run)) + ")" for run in runs)),
                      False))
        for left, right in zip(runs, runs[1:]):
            p, d = left[-1], right[0]
            lines.append((MESSAGES("dims do not join", left=p, right=d, left_stride=v.stride(p), size=v.shape[d],
                                   stride=v.stride(d), product=v.shape[d] * v.stride(d)), False))
        lines.append((MESSAGES("reshape copies"), False))
        return lines

    # -- drawing ---------------------------------------------------------------------------------
    def _infos(self):
        base = read_tensor(self.tensor)
        return [base] if self.view is None else [base, read_tensor(self.view)]

    def to_svg(self):
        d = svg.Drawing()
        x, y = cells.MARGIN, cells.MARGIN
        page = self.available_width
        fit = None if page is None else page - 2 * cells.MARGIN  # None: the default layout
        width = 0
        for line, error in self._explained():
            # (in English, as before: a line that names an error, or says a call fails, is red too)
            red = error or line.split(":")[0].endswith("Error") or " fails: " in line
            colour = "#b91c1c" if red else svg.INK
            for part in cells.fit_text(line, fit, 12):
                d.text(x, y + 12, part, size=12, fill=colour)
                width = max(width, svg.text_width(part, 12))
                y += 18
        y += 8
        labels = [self.name] if self.view is None else [self.name, self.expression]
        picture = cells.TensorPicture(self._infos(), labels, self.selection, max_width=fit)
        w, h = picture.draw(d, x, y)
        y += h + 4
        for line in picture.selection_lines():
            for part in cells.fit_text(line, fit, 12) if fit else [line]:
                d.text(x, y + 12, part, size=12)
                width = max(width, svg.text_width(part, 12))
                y += 18
        legend_width, legend_height = cells.draw_legend(d, x, y + 4, fit)
        y += legend_height + 4
        return d.svg(max(width, w, legend_width) + 2 * cells.MARGIN, y + cells.MARGIN)

    def __repr__(self):
        if self.view is None:
            return f"ViewExplorer({self.name}: {type(self.error).__name__})"
        v = self.view
        return (f"ViewExplorer({self.expression} -> shape={tuple(v.shape)}, stride={v.stride()}, "
                f"offset={v.storage_offset()})")
