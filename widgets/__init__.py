"""Live visualizers for the course, built on tinytorch and ipywidgets.

    StorageView(*tensors)   the flat storage, each tensor's grid, and the
                            offset + index·stride arithmetic of an element
    ViewExplorer(tensor)    slice, permute, unsqueeze and expand a tensor and
                            watch the header change (no data moves)
    BroadcastView(a, b)     how two shapes broadcast, dim by dim, with stride 0
    GraphView(tensor)       the autograd graph behind a tensor; step backward
                            through it one node at a time
    show_source(fn, ...)    tinytorch's code for fn, with PyTorch's details
                            (exact messages, corner cases) folded away
    FigureBox([slider, FigureImage(fig)])
                            a slider and a matplotlib figure it redraws, also
                            saved as a picture for readers without a kernel
    use_language("zh-CN")   the widgets' labels and the exercises' feedback in
                            Chinese (the first line of each zh-CN lesson)

Where to look:
    svg.py          the tiny SVG writer every picture is drawn with
    tensor_info.py  reading a header and storage from tinytorch, NumPy or torch
    cells.py        drawing storage strips and tensor grids
    live.py         the shared widget base: canvas, snapshot, live redraws
    graph_model.py  the autograd graph GraphView shows, and the text of its boxes
    graph_picture.py  how GraphView lays out and draws that graph
    source_view.py  show_source: code with folds, as HTML and as text
    static_picture.py  FigureBox and FigureImage: a figure in a widget, sharp and saved
    language.py     the course's language, and the catalogs of learner-visible text
"""
from .broadcast_view import BroadcastView
from .language import use_language
from .graph_view import GraphView
from .source_view import SourceView, show_source
from .static_picture import FigureBox, FigureImage
from .storage_view import StorageView
from .view_explorer import ViewExplorer

__all__ = ["StorageView", "ViewExplorer", "BroadcastView", "GraphView", "SourceView", "show_source",
           "FigureBox", "FigureImage", "use_language"]
