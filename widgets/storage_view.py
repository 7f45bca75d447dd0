"""StorageView: the flat storage under one or more tensors, and how each tensor's
header (shape, stride, offset) maps its elements onto it.

    a = tinytorch.arange(6.).reshape(2, 3)
    StorageView(a, a.t(), labels=["a", "a.t()"])

Select an element (click it, type its index, or call `select((1, 2))`) to see
`offset + i0·stride0 + i1·stride1 = position`. Writes through any view show up
in the displayed widget at once. The live picture fits the width of the page:
in a narrow notebook (the file browser open, say) the strip wraps onto more rows.
"""
import ipywidgets

from . import cells, svg
from .language import Catalog
from .live import Visualizer
from .tensor_info import read_tensor

# The controls' labels (the picture's words are cells.py's). The status line under the
# picture, `a[1, 2]: data_ptr() = 0x... = storage.data_ptr() 0x... + 5·4`, is code only.
MESSAGES = Catalog(
    en={
        "tensor": "tensor",
        "index": "index",
        "index example": "e.g. 1, 2",
    },
    zh_CN={
        "tensor": "张量",
        "index": "索引",
        "index example": "例如 1, 2",
    },
)


class StorageView(Visualizer):
    fits_width = True

    def __init__(self, *tensors, labels=None):
        if not tensors:
            raise TypeError("StorageView needs at least one tensor")
        self.infos = [read_tensor(t, "StorageView") for t in tensors]
        self.labels = _labels(labels, len(self.infos))
        self.selection = None  # (tensor number, index) of the selected element
        # How many elements map to each storage cell. Writes change values, never
        # where elements live, so this is counted once.
        self._counts = [cells.use_counts(info) for info in self.infos]

        self.tensor_choice = ipywidgets.Dropdown(
            options=[(label, k) for k, label in enumerate(self.labels)], value=0, description=MESSAGES("tensor"),
            layout=ipywidgets.Layout(width="180px", display="" if len(self.infos) > 1 else "none"),
        )
        self.index_input = ipywidgets.Text(
            value="", placeholder=MESSAGES("index example"), description=MESSAGES("index"), continuous_update=False,
            layout=ipywidgets.Layout(width="200px"),
        )
        self.index_input.observe(self._index_typed, names="value")
        self.tensor_choice.observe(self._index_typed, names="value")
        wrap = ipywidgets.Layout(flex_flow="row wrap")
        super().__init__(controls=[ipywidgets.HBox([self.tensor_choice, self.index_input], layout=wrap)])
        self._follow(self.infos)
        self.refresh()

    # -- selecting an element ------------------------------------------------------
    def select(self, index, tensor=0):
        """Show where element `index` of tensor number `tensor` (or the tensor
        with that label) lives: its position arithmetic and its data_ptr.
        `select(None)` clears the selection."""
        if index is None:
            self.selection = None
        else:
            k = self._tensor_number(tensor)
            self.selection = (k, cells.normalize_index(index, self.infos[k].shape))
        self.refresh()

    def _tensor_number(self, tensor):
        if isinstance(tensor, str):
            if tensor not in self.labels:
                raise ValueError(f"no tensor labelled {tensor!r}; labels are {self.labels}")
            return self.labels.index(tensor)
        if not isinstance(tensor, int) or not 0 <= tensor < len(self.infos):
            raise IndexError(f"tensor must be a label or a number in [0, {len(self.infos) - 1}], got {tensor!r}")
        return tensor

    def _index_typed(self, _change=None):
        text = self.index_input.value.strip().strip("()[]")
        if not text:
            self.select(None)
            self.show_status("")
            return
        try:
            index = tuple(int(part) for part in text.split(",") if part.strip())
            self.select(index, self.tensor_choice.value)
        except (ValueError, IndexError, TypeError) as error:
            self.show_status(f"{type(error).__name__}: {error}", error=True)

    def _clicked(self, target):
        kind, k, index = target.split(":")
        if kind == "element":
            index = tuple(int(i) for i in index.split(",") if i)
            self.select(index, int(k))

    # -- drawing ---------------------------------------------------------------------
    def refresh(self):
        super().refresh()
        self._show_address()

    def to_svg(self):
        d = svg.Drawing()
        picture = self.picture()
        width, height = picture.draw(d, cells.MARGIN, cells.MARGIN)
        y = cells.MARGIN + height + 4
        for line in picture.selection_lines():
            for part in cells.fit_text(line, picture.max_width, 12) if picture.max_width else [line]:
                d.text(cells.MARGIN, y + 12, part, size=12)
                width = max(width, svg.text_width(part, 12))
                y += 18
        legend_width, legend_height = cells.draw_legend(d, cells.MARGIN, y + 6, picture.max_width)
        y += cells.MARGIN + legend_height + 6
        return d.svg(max(width, legend_width) + 2 * cells.MARGIN, max(y, 60))

    def picture(self):
        """The TensorPicture for the current data and selection, fitted to the page's
        width when a browser has reported it (tests read it)."""
        page = self.available_width
        return cells.TensorPicture(self.infos, self.labels, self.selection, self._counts,
                                   max_width=None if page is None else page - 2 * cells.MARGIN)

    def _show_address(self):
        """The selected element's real address: live only, never in the snapshot."""
        if self.selection is None:
            return
        k, index = self.selection
        info = self.infos[k]
        p = info.position(index)
        base = info.storage_data_ptr()
        self.show_status(
            f"{self.labels[k]}[{cells.index_text(index)}]: data_ptr() = {hex(base + p * info.itemsize)} "
            f"= storage.data_ptr() {hex(base)} + {p}·{info.itemsize}"
        )

    def __repr__(self):
        parts = [
            f"shape={info.shape}, stride={info.stride}, offset={info.offset}" for info in self.infos
        ]
        if len(parts) == 1:
            return f"StorageView({parts[0]})"
        return "StorageView(" + "; ".join(f"{label}: {part}" for label, part in zip(self.labels, parts)) + ")"


def _labels(labels, n):
    if labels is None:
        return ["t"] if n == 1 else [f"t{k}" for k in range(n)]
    labels = [str(label) for label in labels]
    if len(labels) != n:
        raise ValueError(f"got {len(labels)} labels for {n} tensors")
    return labels
