"""The widgets in the course's two languages (widgets.use_language, widgets/language.py).

Every widget is built in English, then in Chinese, then in English again: the English
pictures, status lines, notes and controls must be what they were (the lessons store them,
and other tests compare their exact words), the Chinese ones must speak Chinese, with no
English caption word left but the names a learner types (storage.data_ptr(), stride[0],
is_contiguous(), grad_fn, node names, saved tensors' names), and no text may stick out of its
picture or cover another, measured as the widgets measure it (svg.text_width: a Chinese
character is 1 em wide)."""
import html
import re
import xml.etree.ElementTree as ET

import ipywidgets
import pytest

import tinytorch
from widgets import BroadcastView, GraphView, StorageView, ViewExplorer, show_source, svg
from widgets.language import use_language

SVG = "{http://www.w3.org/2000/svg}"
RED = "#b91c1c"  # lines that report an error: PyTorch's message, in English in both editions
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_afterwards():
    use_language("en")
    yield
    use_language("en")


# -- the widgets, each built afresh (new tensors) every time it is asked for --------------------
def storage_view():
    a = tinytorch.arange(6.0).reshape(2, 3)
    view = StorageView(a, a.t(), labels=["a", "a.t()"])
    view.select((1, 0), "a.t()")
    return view


def storage_view_broadcast():
    b = tinytorch.arange(4.0)
    return StorageView(b.expand(3, 4), b[::2], tinytorch.zeros(0), labels=["e", "s", "z"])


def storage_view_large():
    view = StorageView(tinytorch.arange(1000.0).reshape(10, 10, 10)[1:, ::3])
    view.select((5, 2, 1))
    return view


def view_explorer():
    view = ViewExplorer(tinytorch.arange(12.0).reshape(3, 4))
    view.slice(1, 0, 4, 2)
    view.permute(1, 0)
    view.try_view(6)  # fails: the explanation says why, dim by dim
    return view


def view_explorer_3d():
    view = ViewExplorer(tinytorch.arange(24.0).reshape(2, 3, 4), name="b")
    view.permute(2, 0, 1)
    view.unsqueeze(0)
    view.try_view(4, 6)
    view.select((0, 1, 0, 2))
    return view


def broadcast_view():
    return BroadcastView(tinytorch.arange(3.0).reshape(3, 1), tinytorch.zeros(4))


def broadcast_view_mismatch():
    return BroadcastView(tinytorch.zeros(2, 3), tinytorch.zeros(4), labels=("x", "y"))


def graph_view():
    """Lesson 10's kind of graph, stepped twice, a node clicked."""
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    w = tinytorch.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sin()
    view = GraphView((y * y).sum(), labels={"x": x, "w": w})
    view.step()
    view.step()
    view.select(2)
    return view


def graph_view_done():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    constant = tinytorch.tensor([5.0, 6.0])
    view = GraphView((x * constant).sum(), labels={"x": x})
    view.run()
    view.select(1)  # MulBackward0: one input needs no gradient
    return view


def graph_view_chain():
    t = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    h = t
    for _ in range(9):
        h = h.tanh()
    return GraphView(h.sum())  # a leaf without a label, a collapsed chain


def graph_view_modified():
    x = tinytorch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    y.add_(1)
    view = GraphView(z.sum(), labels={"x": x})
    view.select(1)
    return view


def graph_view_no_graph():
    return GraphView(tinytorch.ones(2))


def graph_view_torch():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    view = GraphView(loss, labels={"x": x})
    loss.backward()
    view.refresh()
    return view


WIDGETS = [storage_view, storage_view_broadcast, storage_view_large, view_explorer, view_explorer_3d,
           broadcast_view, broadcast_view_mismatch, graph_view, graph_view_done, graph_view_chain,
           graph_view_modified, graph_view_no_graph, graph_view_torch]
WIDTHS = [None, 260, 420, 700]  # the default layout, and pages of these widths (where a widget fits one)


def controls(widget):
    """What the widget's controls say: each description, placeholder, option label and text."""
    found = []
    for child in widget.children:
        if isinstance(child, ipywidgets.Box):
            found.extend(controls(child))
            continue
        for name in ("description", "placeholder"):
            if getattr(child, name, "").strip("\u200b"):  # (an HTML widget's placeholder is a zero-width space)
                found.append(getattr(child, name))
        if isinstance(child, ipywidgets.Dropdown):
            found.extend(label for label, _ in child.options)
        if isinstance(child, (ipywidgets.HTML, ipywidgets.Label)) and child.value:
            found.append(child.value)
    return found


def pictures(widget):
    """The picture at the default layout and at each page width the widget fits."""
    drawn = []
    for width in WIDTHS if widget.fits_width else [None]:
        widget.canvas.width = width or 0
        drawn.append(widget.to_svg())
    widget.canvas.width = 0
    return drawn


def everything(widget):
    """All a learner sees of a widget, addresses (data_ptr) left out: they change every run."""
    seen = {"pictures": pictures(widget), "snapshot": widget.snapshot_svg(), "status": widget.status.value,
            "controls": controls(widget), "repr": repr(widget)}
    if isinstance(widget, GraphView):
        seen["dot"] = widget.to_dot()
    def without_addresses(value):
        if isinstance(value, list):
            return [without_addresses(v) for v in value]
        return re.sub(r"0x[0-9a-f]+", "0x…", value)
    return {k: without_addresses(v) for k, v in seen.items()}


def texts(document):
    """(text, left, right, top, bottom, fill) of every non-empty <text>, measured with svg.text_width,
    and the picture's width."""
    root = ET.fromstring(document)
    found = []
    for t in root.iter(f"{SVG}text"):
        content = t.text or ""
        if not content.strip():
            continue
        size, x, y = float(t.get("font-size")), float(t.get("x")), float(t.get("y"))
        width = svg.text_width(content, size)
        anchor = t.get("text-anchor", "start")
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        found.append((content, left, left + width, y - 0.8 * size, y + 0.25 * size, t.get("fill")))
    return found, float(root.get("width"))


# -- English: exactly as before ----------------------------------------------------------------------
@pytest.mark.parametrize("build", WIDGETS, ids=lambda f: f.__name__)
def test_english_is_what_it_was_after_chinese(build):
    before = everything(build())
    use_language("zh-CN")
    chinese = everything(build())
    use_language("en")
    after = everything(build())
    assert after == before
    assert chinese["repr"] == before["repr"]  # the repr (text/plain) is technical: never translated
    assert chinese.get("dot") == before.get("dot")  # so is the DOT text
    assert chinese["pictures"] != before["pictures"]


def test_english_words_are_the_lessons():
    sv = storage_view()
    picture = html.unescape(sv.to_svg())
    for words in ("storage · 6 elements of float32 (4 bytes each)",
                  "shape (3, 2) · stride (1, 3) · offset 0 · not contiguous",
                  "a.t()[1, 0] = 1.0  →  storage position 1",
                  "position = offset + i0·stride0 + i1·stride1 = 0 + 1·1 + 0·3 = 1",
                  "data_ptr = storage.data_ptr() + 1·4 bytes = storage.data_ptr() + 4",
                  ">gap: no element maps here<", ">×n: n elements of one tensor map to one cell (overlap)<",
                  "dashed element: shares its storage cell with other elements (stride 0 / overlap)"):
        assert words in picture, words
    assert re.search(r'<text x="222" [^>]*>×n: n elements', picture)  # the legend's second mark, as placed
    assert controls(sv)[:4] == ["tensor", "a", "a.t()", "index"]
    assert sv.index_input.placeholder == "e.g. 1, 2"
    assert "Live view: it redraws whenever a cell writes into this memory" in sv.children[-1].value

    large = html.unescape(storage_view_large().to_svg())
    assert ">97 more<" in large and ">⋮ blocks skipped<" in large
    broadcast = html.unescape(storage_view_broadcast().to_svg())
    assert "storage 1 of 2 · 4 elements of float32 (4 bytes each)" in broadcast
    assert "stride 0 (broadcast) in dim 0" in broadcast and "(empty storage)" in broadcast
    assert "(no elements)" in broadcast

    ve = view_explorer()
    assert ve.explanation() == [
        "a[:, ::2].transpose(0, 1): shape (2, 3) · stride (2, 4) · offset 0 · is_contiguous() = False",
        "contiguous() copies 6 elements into a new storage, reading positions 0, 4, 8, 2, 6, 10 in row-major order",
        "view(6) fails: view size is not compatible with input tensor's size and stride (at least one dimension "
        "spans across two contiguous subspaces). Use .reshape(...) instead.",
        "the elements form separate runs over dims (0) | (1); a new dim cannot span two runs",
        "  dims 0 and 1 do not join: stride[0] = 2, but size[1]·stride[1] = 3·4 = 12",
        "reshape() would copy instead (it calls contiguous() first)",
    ]
    assert ["dim 0 (size 3)", "start", "stop", "step"] == controls(ve)[:4]
    assert {"permute", "unsqueeze", "none", "expand", "e.g. 2, -1, -1", "view as"} <= set(controls(ve))

    bv = html.unescape(broadcast_view().to_svg())
    for words in ("broadcasting a (3, 1) with b (4,)", ">dim 0<", ">result<", "result shape: (3, 4)",
                  "a.expand(3, 4): stride (1, 1) → (1, 0) (stride 0 in dim 1: those indices all read one element)"):
        assert words in bv, words

    gv = graph_view()
    assert controls(gv)[:5] == ["Step", "Run", "Reset", "retain_graph", "collapse long chains"]
    assert "step 2 of 6: ran MulBackward0" in gv.status.value
    picture = html.unescape(gv.to_svg())
    for words in ("output: shape [] · grad_fn = SumBackward0 · gradients flow down, from the output to the leaves",
                  "saved: freed (retain_graph=False)", "saved self: x (2,), other: w (2,)",
                  "node 2: SinBackward0  (clicked: click it again to close)",
                  "saved for backward (grad_fn._saved_<name>):"):
        assert words in picture, words
    done = graph_view_done()
    assert "backward done: 3 nodes ran; the leaves' .grad are set" in html.unescape(done.status.value)
    assert ">input 1 needs no gradient: nothing sent<" in html.unescape(done.to_svg())
    chain = html.unescape(graph_view_chain().to_svg())
    assert ">⋮ 7 nodes<" in chain and ">TanhBackward0 ×7 · click to expand<" in chain and "leaf [2].grad" in chain
    assert "(modified in place!)" in html.unescape(graph_view_modified().to_svg())
    assert '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="50"' in graph_view_no_graph().to_svg()

    import tinytorch.ops.views as views
    text = repr(show_source(views.expand))
    assert re.search(r"tinytorch/ops/views\.py, lines \d+-\d+: expand", text) and "[+4 lines]" in text
    assert "  ⋯ 4 lines, click to open</span>" in show_source(views.expand)._repr_html_()


def test_one_line_folds_say_line():
    from widgets.source_view import _lines
    assert [_lines(n) for n in (1, 2)] == ["1 line", "2 lines"]
    use_language("zh-CN")
    assert [_lines(n) for n in (1, 2)] == ["1 行", "2 行"]


# -- Chinese ---------------------------------------------------------------------------------------
# English words that may stay in a Chinese picture as what a learner types: API names, the
# names PyTorch gives saved tensors, the stride[d] / size[d] of a formula.
CODE = [r"\b(?:is_)?contiguous\(\)", r"\breshape\(\)", r"\bstorage\.data_ptr\(\)", r"\bdata_ptr\b",
        r"\b(?:stride|size)\[\d+\]", r"grad_fn\._saved_<name>", r"\bgrad_fn\b", r"\.grad\b", r"retain_graph=\w+",
        r"\b(?:self|other|result)(?=:)", r"\b\w+Backward\d*\b", r"\bAccumulateGrad\b", r"\b(?:float32|int64)\b",
        r"\.(?:expand|transpose|permute|unsqueeze|t)\(", r"\bview\(", r"\btorch\b", r"\btinytorch\b",
        r"\bPython\b", r"\b(?:True|False|None)\b"]
# The words of the English captions: none may be left.
ENGLISH = {"storage", "elements", "element", "bytes", "each", "shape", "stride", "offset", "contiguous", "gap",
           "dashed", "overlap", "position", "more", "empty", "blocks", "skipped", "broadcasting", "broadcast",
           "with", "dim", "dims", "result", "copies", "reading", "returns", "order", "works", "without", "fails",
           "runs", "join", "would", "copy", "output", "gradients", "flow", "leaves", "leaf", "node", "nodes",
           "click", "expand", "received", "sent", "saved", "freed", "modified", "running", "clicked", "input",
           "needs", "gradient", "nothing", "lines", "line", "open", "no", "the", "of", "to", "in", "is"}


# Controls named after the op they apply, or the argument they set, read as the code does.
API_CONTROLS = {"permute", "unsqueeze", "expand", "retain_graph"}


def english_words(text):
    text = re.sub(r"0x[0-9a-f]+", " ", text)  # an address
    for pattern in CODE:
        text = re.sub(pattern, " ", text)
    return {w for w in re.findall(r"[A-Za-z_]+", text) if w.lower() in ENGLISH}


@pytest.mark.parametrize("build", WIDGETS, ids=lambda f: f.__name__)
def test_chinese_pictures_speak_chinese(build):
    use_language("zh-CN")
    widget = build()
    for document in pictures(widget):
        found, _ = texts(document)
        assert any(CHINESE.search(text) for text, *_ in found)
        labels = {getattr(widget, "name", "")} | set(getattr(widget, "labels", ()))  # the learner's names
        for text, *_, fill in found:
            if fill == RED:  # an error's message is PyTorch's, in English
                continue
            left = english_words(text) - labels
            assert not left, (text, left)
    for text in controls(widget) + [widget.status.value]:
        if RED in text or text in API_CONTROLS:
            continue
        assert not english_words(html.unescape(re.sub(r"<[^>]+>", " ", text))), text
    assert CHINESE.search(widget.children[-1].value)  # the live note


def test_chinese_controls():
    use_language("zh-CN")
    gv = graph_view()
    assert controls(gv)[:5] == ["单步", "运行", "重置", "retain_graph", "折叠长链"]
    assert "第 2 步，共 6 步：运行了 MulBackward0" in gv.status.value
    assert controls(storage_view())[:4] == ["张量", "a", "a.t()", "索引"]
    ve = view_explorer()
    assert controls(ve)[:4] == ["第 0 维（大小 3）", "起始", "结束", "间隔"]
    assert {"permute", "unsqueeze", "无", "expand", "view 为"} <= set(controls(ve))
    torch_view = graph_view_torch()
    assert CHINESE.search(torch_view.torch_note.value)
    with pytest.raises(RuntimeError, match="torch's engine cannot be stepped from Python"):
        torch_view.step()  # an error raised to the caller stays in English


def test_chinese_source_folds():
    import tinytorch.ops.views as views
    use_language("zh-CN")
    source = show_source(views.expand)
    assert re.search(r"tinytorch/ops/views\.py，第 \d+-\d+ 行：expand", repr(source)) and "[+4 行]" in repr(source)
    assert "  ⋯ 4 行，点击展开</span>" in source._repr_html_()


def test_the_language_is_read_when_drawing():
    """A widget made in one language draws in the language of the moment it draws."""
    use_language("zh-CN")
    view = broadcast_view()
    assert "的广播" in html.unescape(view.to_svg())
    use_language("en")
    assert "broadcasting a (3, 1) with b (4,)" in html.unescape(view.to_svg())


@pytest.mark.parametrize("language", ["zh-CN", "en"])
@pytest.mark.parametrize("build", WIDGETS, ids=lambda f: f.__name__)
def test_no_text_leaves_its_picture_or_covers_another(build, language):
    use_language(language)
    for document in pictures(build()):
        found, width = texts(document)
        for text, left, right, *_ in found:
            assert left >= 0 and right <= width, (text, left, right, width)
        if language == "zh-CN":
            boxes = [f for f in found if CHINESE.search(f[0])]
            for a in boxes:
                for b in found:
                    if a is not b:
                        dx = min(a[2], b[2]) - max(a[1], b[1])
                        dy = min(a[4], b[4]) - max(a[3], b[3])
                        assert not (dx > 1 and dy > 1), (a[0], b[0])


def test_the_legend_makes_room_for_chinese():
    """The legend's second mark sits after the first one's text, however wide it is drawn."""
    from widgets import cells
    english = cells.legend_texts()
    assert english[1][0] == 210
    use_language("zh-CN")
    gap, overlap, _ = cells.legend_texts()
    assert overlap[0] >= gap[0] + svg.text_width(gap[2], 10) + 20
