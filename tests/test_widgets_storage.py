"""StorageView, checked against PyTorch without a browser.

The picture is SVG whose elements carry data-* attributes (tensor, index,
storage position, value); these tests parse it and compare every drawn cell
with what torch says about the same view of the same data: where each element
lives (from torch's data_ptr), its value, which storage cells are used, shared
or left as gaps. Then the live part: writes through other views, through the
storage, and (for NumPy) after a cell runs; and fitting the page: at the width
the browser reports, the strip wraps onto rows, every cell and label inside it.
"""
import asyncio
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import torch_position
from svg_groups import SVG, group_elements, groups, text_box
from widgets import StorageView, svg
from widgets import live


def elements(svg_text, tensor=None):
    found = groups(svg_text, "element")
    return {g["index"]: g for g in found if tensor is None or g["tensor"] == str(tensor)}


def same_value(text, expected):
    got = float(text)
    return (math.isnan(got) and math.isnan(expected)) or got == expected


# -- view chains, written once and run on both libraries -------------------------------------
@st.composite
def view_chains(draw):
    """A base shape and a few view expressions in `x` (slices, transposes, unsqueeze,
    expand, select, narrow), each valid for the shape the previous ones produce."""
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    current = tinytorch.empty(*shape)
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        nd = current.dim()
        kinds = ["unsqueeze"] + (["slice", "transpose", "select", "narrow", "expand"] if nd else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "slice":
            d = draw(st.integers(0, nd - 1))
            size = current.shape[d]
            start = draw(st.integers(0, size))
            stop = draw(st.integers(start, size))
            step = draw(st.integers(1, 3))
            parts = [":"] * nd
            parts[d] = f"{start}:{stop}:{step}"
            expr = f"x[{', '.join(parts)}]"
        elif kind == "transpose":
            expr = f"x.transpose({draw(st.integers(0, nd - 1))}, {draw(st.integers(0, nd - 1))})"
        elif kind == "unsqueeze":
            expr = f"x.unsqueeze({draw(st.integers(0, nd))})"
        elif kind == "select":
            d = draw(st.integers(0, nd - 1))
            if current.shape[d] == 0:
                continue
            expr = f"x.select({d}, {draw(st.integers(0, current.shape[d] - 1))})"
        elif kind == "narrow":
            d = draw(st.integers(0, nd - 1))
            start = draw(st.integers(0, current.shape[d]))
            expr = f"x.narrow({d}, {start}, {draw(st.integers(0, current.shape[d] - start))})"
        else:  # expand: stretch size-1 dims, maybe add a leading dim
            sizes = [draw(st.integers(2, 3)) if s == 1 and draw(st.booleans()) else -1 for s in current.shape]
            if draw(st.booleans()):
                sizes = [draw(st.integers(1, 3))] + sizes
            expr = f"x.expand({', '.join(map(str, sizes))})"
        current = eval(expr, {"x": current})
        steps.append(expr)
    return tuple(shape), steps


def build(lib, shape, steps):
    n = 1
    for s in shape:
        n *= s
    base = lib.arange(n, dtype=lib.float32).reshape(*shape)
    view = base
    for expr in steps:
        view = eval(expr, {"x": view})
    return base, view


def indices(shape):
    return list(np.ndindex(*shape)) if shape else [()]


@settings(max_examples=40, deadline=None)
@given(view_chains())
def test_every_drawn_element_sits_where_torch_keeps_it(chain):
    shape, steps = chain
    tt_base, tt_view = build(tinytorch, shape, steps)
    th_base, th_view = build(torch, shape, steps)
    sv = StorageView(tt_base, tt_view)
    assert repr(StorageView(tt_view)) == (
        f"StorageView(shape={tuple(th_view.shape)}, stride={th_view.stride()}, offset={th_view.storage_offset()})"
    )
    svg_text = sv.to_svg()
    storage_values = th_base.reshape(-1).tolist()
    uses = {}  # storage position -> {tensor: how many of its elements map there}
    for k, t in enumerate((th_base, th_view)):
        drawn = elements(svg_text, k)
        if t.numel() == 0:
            assert not drawn
            continue
        for index in indices(tuple(t.shape)):
            p = torch_position(t, index)
            uses.setdefault(p, {}).setdefault(k, 0)
            uses[p][k] += 1
        for key, g in drawn.items():
            index = tuple(int(i) for i in key.split(",") if i)
            assert int(g["position"]) == torch_position(t, index)
            assert same_value(g["value"], t[index].item())
        # Large dims are summarised, but the first and last elements are always drawn.
        assert ",".join(str(0) for _ in t.shape) in drawn
        assert ",".join(str(s - 1) for s in t.shape) in drawn
    cells = {int(c["position"]): c for c in groups(svg_text, "storage-cell")}
    assert sorted(cells) == list(range(len(storage_values)))
    for p, cell in cells.items():
        assert same_value(cell["value"], storage_values[p])
        assert cell["users"] == " ".join(str(k) for k in sorted(uses.get(p, {})))
        assert int(cell["count"]) == max(uses.get(p, {}).values(), default=0)


def test_header_line_and_selection_arithmetic_match_torch():
    th = torch.arange(24.).reshape(2, 3, 4)[1:, ::2, 1::2].transpose(0, 2)
    tt = tinytorch.arange(24.).reshape(2, 3, 4)[1:, ::2, 1::2].transpose(0, 2)
    sv = StorageView(tt, labels=["v"])
    text = sv.to_svg()
    assert f"stride {th.stride()} · offset {th.storage_offset()} · not contiguous" in text
    index = (1, 1, 0)
    sv.select(index)
    p = torch_position(th, index)
    terms = " + ".join(f"{i}·{s}" for i, s in zip(index, th.stride()))
    text = sv.to_svg()
    assert f"= {th.storage_offset()} + {terms} = {p}" in text
    assert f"storage.data_ptr() + {p}·4 bytes = storage.data_ptr() + {4 * p}" in text
    assert "0x" not in text  # addresses never go into the snapshot...
    assert hex(tt[index].data_ptr()) in sv.status.value  # ...only into the live status line
    selected = [g for g in groups(text, "element") if g["index"] == "1,1,0"]
    assert [g["position"] for g in selected] == [str(p)]


def test_typed_index_click_and_errors():
    sv = StorageView(tinytorch.arange(6.).reshape(2, 3))
    sv.canvas._message(sv.canvas, {"click": "element:0:1,2"}, [])
    assert sv.selection == (0, (1, 2))
    sv.index_input.value = "0, -1"
    assert sv.selection == (0, (0, 2))
    sv.index_input.value = "5, 0"
    with pytest.raises(IndexError) as torch_error:
        torch.arange(6.).reshape(2, 3)[5, 0]
    assert str(torch_error.value) in sv.status.value
    with pytest.raises(IndexError, match=str(torch_error.value)):
        sv.select((5, 0))


def test_many_tensors_are_coloured_apart_and_stride_zero_is_marked():
    base = tinytorch.tensor([1.0, float("nan"), float("inf"), -float("inf")])
    th = torch.tensor([1.0, float("nan"), float("inf"), -float("inf")])
    sv = StorageView(base, base[1:3].expand(2, 2), labels=["base", "<b>&expanded</b>"])
    text = sv.to_svg()
    ET.fromstring(text)  # well-formed: labels are escaped
    assert "&lt;b&gt;&amp;expanded&lt;/b&gt;" in text and "<b>" not in text
    cells = {c["position"]: c for c in groups(text, "storage-cell")}
    expanded = th[1:3].expand(2, 2)
    for p in range(4):
        users = [k for k, t in enumerate((th, expanded)) if any(torch_position(t, i) == p for i in indices(t.shape))]
        assert cells[str(p)]["users"] == " ".join(map(str, users))
    assert cells["1"]["count"] == "2" and cells["0"]["count"] == "1"
    assert [elements(text, 1)[k]["value"] for k in ("0,0", "0,1", "1,0", "1,1")] == ["nan", "inf", "nan", "inf"]
    assert "stride 0 (broadcast) in dim 0" in text


def test_gaps_are_cells_no_element_maps_to():
    th = torch.arange(10.)[1:9:3]
    sv = StorageView(tinytorch.arange(10.)[1:9:3])
    used = {torch_position(th, (i,)) for i in range(th.numel())}
    for cell in groups(sv.to_svg(), "storage-cell"):
        assert (cell["users"] == "0") == (int(cell["position"]) in used)


def test_a_write_through_any_view_shows_in_the_displayed_widget():
    tt_a, th_a = tinytorch.arange(12.).reshape(3, 4), torch.arange(12.).reshape(3, 4)
    sv = StorageView(tt_a[1:, ::2])
    for lib_a, write in (
        (tt_a, lambda a: a.t().__setitem__((2, 1), 99.0)),  # through a transposed view
        (th_a, lambda a: a.t().__setitem__((2, 1), 99.0)),
        (tt_a, lambda a: a.storage().__setitem__(8, -5.0)),  # through the storage itself
        (th_a, lambda a: a.view(-1).__setitem__(8, -5.0)),
        (tt_a, lambda a: a.view(-1)[10:].fill_(3.5)),  # through a view made after the widget
        (th_a, lambda a: a.view(-1)[10:].fill_(3.5)),
    ):
        write(lib_a)
    expected = th_a[1:, ::2]
    drawn = elements(sv.canvas.svg, 0)  # the synced picture, not a fresh drawing
    for index in indices(tuple(expected.shape)):
        assert same_value(drawn[",".join(map(str, index))]["value"], expected[index].item())


def test_numpy_arrays_redraw_after_each_cell():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    array = np.arange(6.0)
    view = array.reshape(2, 3).T
    sv = StorageView(view)
    th = torch.arange(6.0).reshape(2, 3).T
    assert [g["position"] for g in elements(sv.canvas.svg).values()] == [
        str(torch_position(th, i)) for i in indices(tuple(th.shape))
    ]
    shell.user_ns["array"] = array
    shell.run_cell("array[4] = 40.0")
    assert elements(sv.canvas.svg)["1,1"]["value"] == "40.0"
    array[5] = 50.0  # outside a cell: shown after the next cell, or on refresh()
    assert elements(sv.canvas.svg)["2,1"]["value"] == "5.0"
    sv.refresh()
    assert elements(sv.canvas.svg)["2,1"]["value"] == "50.0"


def test_torch_tensors_are_read_without_tinytorch():
    base = torch.arange(12.0).reshape(3, 4)
    view = base[:, 1::2].t()
    text = StorageView(base, view).to_svg()
    for index, g in elements(text, 1).items():
        index = tuple(int(i) for i in index.split(","))
        assert int(g["position"]) == torch_position(view, index)
        assert float(g["value"]) == view[index].item()


def test_a_loop_of_writes_redraws_a_few_times_not_every_time():
    async def scenario():
        a = tinytorch.zeros(6)
        sv = StorageView(a)
        redraws = []
        sv.canvas.observe(lambda change: redraws.append(change), names="svg")
        for i in range(200):
            a[i % 6] = float(i)
        await asyncio.sleep(3 * live.REDRAW_INTERVAL)  # the deferred redraw runs on the event loop
        return sv, redraws

    sv, redraws = asyncio.run(scenario())
    assert 1 <= len(redraws) <= 3
    last_written = [str(float(max(i for i in range(200) if i % 6 == j))) for j in range(6)]
    assert [elements(sv.canvas.svg)[str(j)]["value"] for j in range(6)] == last_written


def test_a_million_elements_draw_a_summary_fast():
    big = tinytorch.arange(1_000_000.0).reshape(1000, 1000)
    sv = StorageView(big, big.t()[::3])  # (drawn quickly: bench/bench_display.py)
    text = sv.to_svg()
    drawn = elements(text, 0)
    assert len(drawn) == 36  # first and last 3 of each dim
    assert drawn["999,999"]["position"] == "999999" and drawn["999,999"]["value"] == "999999.0"
    assert elements(text, 1)["333,999"]["position"] == str(999 * 1000 + 999)
    sv.select((500, 123))  # a selected element is always drawn, however deep inside
    assert elements(sv.to_svg(), 0)["500,123"]["position"] == "500123"


def test_display_bundle_repr_and_determinism():
    one = StorageView(tinytorch.arange(6.).reshape(2, 3).t())
    two = StorageView(tinytorch.arange(6.).reshape(2, 3).t())  # another storage, another address
    bundle = one._repr_mimebundle_()
    assert {"text/plain", "image/svg+xml", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert bundle["text/plain"] == "StorageView(shape=(3, 2), stride=(1, 3), offset=0)"
    assert bundle["image/svg+xml"] == two._repr_mimebundle_()["image/svg+xml"]
    assert bundle["image/svg+xml"] == one.canvas.svg  # the live view shows the snapshot


@pytest.mark.parametrize("bad", [[1, 2, 3], (1, 2), 3.0, {"a": 1}])
def test_what_it_cannot_show_raises_type_error(bad):
    with pytest.raises(TypeError, match="accepts a tinytorch.Tensor, a NumPy ndarray or a torch.Tensor"):
        StorageView(bad)


def test_torch_is_never_imported_for_tinytorch_or_numpy():
    import subprocess
    import sys

    code = (
        "import sys, numpy, tinytorch, widgets\n"
        "a = tinytorch.arange(6.).reshape(2, 3)\n"
        "widgets.StorageView(a, numpy.arange(4)).to_svg()\n"
        "widgets.GraphView((a.requires_grad_() * 2).sum()).to_svg()\n"
        "print('torch' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_memory_shared_across_libraries_is_drawn_as_one_storage():
    """A NumPy array, tinytorch.from_numpy of it, torch.from_numpy of it and a slice of it
    are one block of memory, drawn once (lesson 3); tinytorch.tensor(a) copies: two blocks."""
    a = np.arange(6.0, dtype=np.float32)
    shared = StorageView(a, tinytorch.from_numpy(a), torch.from_numpy(a), a[2:])
    assert "storage 1 of" not in shared.to_svg()
    copied = StorageView(a, tinytorch.tensor(a))
    assert "storage 1 of 2" in copied.to_svg() and "storage 2 of 2" in copied.to_svg()


# -- fitting the page ----------------------------------------------------------------------------
def fitted(widget, page_width):
    """The live picture after the browser says the canvas is page_width pixels wide."""
    widget.canvas.width = page_width
    return widget.canvas.svg


def svg_width(svg):
    return float(ET.fromstring(svg).get("width"))


def rect_of(g):
    r = next(g.iter(f"{SVG}rect"))
    return tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))


def assert_all_text_inside(svg):
    width = svg_width(svg)
    for t in ET.fromstring(svg).iter(f"{SVG}text"):
        left, _, right, _ = text_box(t)
        assert 0 <= left and right <= width, f"{t.text!r} runs past the picture ({left:.0f}..{right:.0f} of {width:.0f})"


# JupyterLab at 1400 px with its file browser open gives an output 968 px wide (the browser test measures it).
@pytest.mark.parametrize("page", [968, 700, 480])
def test_the_strip_wraps_to_the_page_keeping_cells_labels_and_highlights(page):
    a = tinytorch.arange(16.0)
    sv = StorageView(a, a[::3], labels=["a", "a[::3]"])
    assert svg_width(sv.to_svg()) > 968  # one row of 16 cells: wider than Lab with its file browser open
    picture = fitted(sv, page)
    assert svg_width(picture) <= page
    assert_all_text_inside(picture)
    cells = group_elements(picture, "storage-cell")
    assert [g.get("data-position") for g in cells] == [str(p) for p in range(16)]
    rows = sorted({rect_of(g)[1] for g in cells})
    assert len(rows) >= 2
    per_row = [sum(rect_of(g)[1] == y for g in cells) for y in rows]
    assert max(per_row) - min(per_row) <= 2  # balanced rows, not 15 and 1
    for g in cells:
        x, y, w, h = rect_of(g)
        assert x + w <= svg_width(picture)
        value, position = list(g.iter(f"{SVG}text"))[-2:]
        assert value.text == svg.format_value(float(g.get("data-value"))) and position.text == g.get("data-position")
        for t in (value, position):  # the value inside the cell, its position under it
            left, top, right, bottom = text_box(t)
            assert x <= left and right <= x + w
        assert top >= y + h  # the position label sits under its own cell
        users = g.get("data-users").split()
        bars = [r for r in g.iter(f"{SVG}rect")][1:]  # the view highlights: one bar per tensor using the cell
        assert [r.get("fill") for r in bars] == [svg.colour(int(k)) for k in users]
        assert users == (["0", "1"] if int(g.get("data-position")) % 3 == 0 else ["0"])
    # A selected element is still joined to its storage cell, wherever that cell wrapped to.
    sv.select((4,), tensor=1)
    svg_text = sv.canvas.svg
    cell = next(g for g in group_elements(svg_text, "storage-cell") if g.get("data-position") == "12")
    x, y, w, h = rect_of(cell)
    assert next(cell.iter(f"{SVG}rect")).get("stroke-width") == "3"
    line = next(e for e in ET.fromstring(svg_text).iter(f"{SVG}line") if e.get("stroke") == svg.HIGHLIGHT)
    assert float(line.get("x2")) == x + int(w) // 2 and y + h <= float(line.get("y2")) <= y + h + 14
    assert_all_text_inside(svg_text)


def test_the_snapshot_keeps_the_default_layout_whatever_the_page():
    a = tinytorch.arange(16.0)
    sv = StorageView(a, a[::3], labels=["a", "a[::3]"])
    default = StorageView(a, a[::3], labels=["a", "a[::3]"]).to_svg()
    narrow = fitted(sv, 480)
    assert narrow != default
    assert sv._repr_mimebundle_()["image/svg+xml"] == default  # the stored output does not depend on the window
    assert sv.canvas.svg == narrow  # the live view stays fitted
    assert fitted(sv, 0) == default  # no width known: the default layout


def test_a_big_storage_wraps_its_summary_too():
    big = tinytorch.arange(1_000_000.0).reshape(1000, 1000)
    sv = StorageView(big, big.t()[::3])
    sv.select((500, 123))
    picture = fitted(sv, 560)  # (the grids, 7 columns and 2 gaps with the selected one, need 532)
    assert svg_width(picture) <= 560
    assert_all_text_inside(picture)
    positions = [g.get("data-position") for g in group_elements(picture, "storage-cell")]
    assert "500123" in positions and "999999" in positions
