"""ViewExplorer and BroadcastView, checked against PyTorch without a browser.

ViewExplorer: whatever the controls are set to, the expression it shows must
build, in torch, a view with exactly the header the widget reports; what it
says about contiguous() and view() must match what torch does; at the width the
browser reports, it labels the view's grid by its expression and wraps its
lines and headers to fit, words intact. BroadcastView:
result shapes, expanded strides and the message for a mismatch come from torch.
"""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import tinytorch
from oracle import torch_position
from svg_groups import SVG, groups, text_box
from widgets import BroadcastView, ViewExplorer, svg


def svg_text(svg):
    """All the words drawn in an SVG, whitespace normalised (long lines are wrapped)."""
    return " ".join(" ".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")).split())


def words(text):
    return " ".join(text.split())


def torch_message(fn):
    with pytest.raises(Exception) as error:
        fn()
    return type(error.value).__name__, str(error.value).replace("torch.", "tinytorch.")


# -- ViewExplorer -------------------------------------------------------------------------------
@st.composite
def explorer_settings(draw):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    slices = []
    for size in shape:
        start = draw(st.integers(-size, size))
        stop = draw(st.integers(-size, size))
        slices.append((start, stop, draw(st.integers(1, 3))))
    perm = tuple(draw(st.permutations(range(len(shape)))))
    unsqueeze = draw(st.one_of(st.none(), st.integers(0, len(shape))))
    return shape, slices, perm, unsqueeze, draw(st.booleans())


@settings(max_examples=40, deadline=None)
@given(explorer_settings())
def test_the_expression_shown_builds_the_view_shown(setting):
    shape, slices, perm, unsqueeze, expand = setting
    numel = int(np.prod(shape))
    tt_a = tinytorch.arange(float(numel)).reshape(*shape)
    th_a = torch.arange(float(numel)).reshape(*shape)
    ve = ViewExplorer(tt_a)
    for d, (start, stop, step) in enumerate(slices):
        ve.slice(d, start, stop, step)
    ve.permute(*perm)
    ve.unsqueeze(unsqueeze)
    if expand:  # stretch every size-1 dim to 2
        ve.expand(*[2 if s == 1 else -1 for s in ve.view.shape])
    th_v = eval(ve.expression, {"a": th_a})
    assert tuple(ve.view.shape) == tuple(th_v.shape)
    assert ve.view.stride() == th_v.stride()
    assert ve.view.storage_offset() == th_v.storage_offset()
    assert repr(ve) == (
        f"ViewExplorer({ve.expression} -> shape={tuple(th_v.shape)}, stride={th_v.stride()}, "
        f"offset={th_v.storage_offset()})"
    )
    text = svg_text(ve.to_svg())
    assert f"is_contiguous() = {th_v.is_contiguous()}" in text
    if not th_v.is_contiguous():
        order = [torch_position(th_v, i) for i in np.ndindex(*th_v.shape)][:16]
        assert f"reading positions {', '.join(map(str, order))}" in text
    try:
        flat = th_v.view(-1)
    except RuntimeError as error:
        assert words(f"view(-1) fails: {error}") in text
    else:
        assert f"view(-1) works without copying: shape ({th_v.numel()},), stride {flat.stride()}" in text
    # The view's cells in the shared storage are where torch keeps them.
    for g in groups(ve.to_svg(), "element"):
        if g["tensor"] == "1":
            index = tuple(int(i) for i in g["index"].split(",") if i)
            assert int(g["position"]) == torch_position(th_v, index)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([(2, 3), (3, 4), (2, 3, 4), (4, 1, 3)]), st.data())
def test_view_as_any_shape_agrees_with_torch(shape, data):
    numel = int(np.prod(shape))
    th_a = torch.arange(float(numel)).reshape(*shape)
    ve = ViewExplorer(tinytorch.arange(float(numel)).reshape(*shape))
    ve.permute(*data.draw(st.permutations(range(len(shape)))))
    ve.slice(0, 0, None, data.draw(st.integers(1, 2)))
    th_v = eval(ve.expression, {"a": th_a})
    divisors = [d for d in range(1, th_v.numel() + 1) if th_v.numel() % d == 0]
    target = (data.draw(st.sampled_from(divisors)), -1)
    ve.try_view(*target)
    text = svg_text(ve.to_svg())
    call = f"view({target[0]}, -1)"
    try:
        viewed = th_v.view(*target)
    except RuntimeError as error:
        assert words(f"{call} fails: {error}") in text
        assert "reshape() would copy instead" in text
    else:
        assert f"{call} works without copying: shape {tuple(viewed.shape)}, stride {viewed.stride()}" in text


def torch_header(t):
    shape = "(" + ", ".join(map(str, t.shape)) + ("," if t.dim() == 1 else "") + ")"
    stride = "(" + ", ".join(map(str, t.stride())) + ("," if t.dim() == 1 else "") + ")"
    layout = "contiguous" if t.is_contiguous() else "not contiguous"
    return f"shape {shape} · stride {stride} · offset {t.storage_offset()} · {layout}"


def grid_label(picture, k):
    """The label of tensor k's grid: its lines (13 px, in its colour), joined."""
    return "".join(t.text for t in ET.fromstring(picture).iter(f"{SVG}text")
                   if t.get("font-size") == "13" and t.get("fill") == svg.colour(k))


def assert_fits(picture, page):
    width = float(ET.fromstring(picture).get("width"))
    assert width <= page
    for t in ET.fromstring(picture).iter(f"{SVG}text"):
        left, _, right, _ = text_box(t)
        assert 0 <= left and right <= width, f"{t.text!r} is cut off at {width:.0f} px"


@settings(max_examples=30, deadline=None)
@given(explorer_settings(), st.integers(440, 968))
def test_a_narrow_page_wraps_the_header_and_names_the_view(setting, page):
    shape, slices, perm, unsqueeze, expand = setting
    numel = int(np.prod(shape))
    ve = ViewExplorer(tinytorch.arange(float(numel)).reshape(*shape))
    for d, (start, stop, step) in enumerate(slices):
        ve.slice(d, start, stop, step)
    ve.permute(*perm)
    ve.unsqueeze(unsqueeze)
    if expand:
        ve.expand(*[2 if s == 1 else -1 for s in ve.view.shape])
    ve.canvas.width = page  # what the browser reports
    picture = ve.canvas.svg
    assert_fits(picture, page)
    th_a = torch.arange(float(numel)).reshape(*shape)
    th_v = eval(ve.expression, {"a": th_a})
    assert grid_label(picture, 0) == "a" and grid_label(picture, 1) == ve.expression  # named, in full
    text = svg_text(picture)
    assert torch_header(th_a) in text and torch_header(th_v) in text  # every header, its words intact
    assert words(ve.explanation()[0]) in text


def test_a_long_header_wraps_even_in_the_default_layout():
    ve = ViewExplorer(tinytorch.arange(24.).reshape(2, 3, 4))
    ve.slice(2, 0, None, 2)
    ve.permute(2, 0, 1)
    ve.unsqueeze(0)
    ve.expand(3, -1, -1, -1)
    picture = ve.to_svg()
    assert float(ET.fromstring(picture).get("width")) <= 1016  # 16 storage cells, as wide as the default gets
    th_v = torch.arange(24.).reshape(2, 3, 4)[:, :, ::2].permute(2, 0, 1).unsqueeze(0).expand(3, -1, -1, -1)
    assert ve.expression == "a[:, :, ::2].permute(2, 0, 1).unsqueeze(0).expand(3, -1, -1, -1)"
    assert grid_label(picture, 1) == ve.expression
    assert torch_header(th_v) + " · stride 0 (broadcast) in dim 0" in svg_text(picture)
    ve.canvas.width = 560
    assert_fits(ve.canvas.svg, 560)
    assert torch_header(th_v) + " · stride 0 (broadcast) in dim 0" in svg_text(ve.canvas.svg)
    assert ve._repr_mimebundle_()["image/svg+xml"] == picture  # the snapshot keeps the default layout


def test_why_view_fails_names_the_dims_that_do_not_join():
    ve = ViewExplorer(tinytorch.arange(6.).reshape(2, 3))
    ve.permute(1, 0)
    th = torch.arange(6.).reshape(2, 3).t()
    text = svg_text(ve.to_svg())
    assert ve.expression == "a.transpose(0, 1)"
    assert f"dims 0 and 1 do not join: stride[0] = {th.stride(0)}, but size[1]·stride[1] = " \
           f"{th.shape[1]}·{th.stride(1)} = {th.shape[1] * th.stride(1)}" in text


def test_a_bad_control_shows_torchs_error():
    ve = ViewExplorer(tinytorch.zeros(2, 3))
    ve.expand(4, 3)
    kind, message = torch_message(lambda: torch.zeros(2, 3).expand(4, 3))
    assert ve.view is None
    assert words(f"{kind}: {message}") in svg_text(ve.to_svg())
    ve.expand()
    assert ve.view is not None and tuple(ve.view.shape) == (2, 3)


def test_explorer_follows_writes_and_selects_elements():
    a = tinytorch.arange(12.).reshape(3, 4)
    ve = ViewExplorer(a)
    ve.slice(0, 1, 3, 1)
    a.t()[1, 2] = 42.0  # a[2, 1]: element (1, 1) of the view a[1:3]
    view_cells = {g["index"]: g for g in groups(ve.canvas.svg, "element") if g["tensor"] == "1"}
    assert view_cells["1,1"]["value"] == "42.0"
    ve.canvas._message(ve.canvas, {"click": "element:1:1,1"}, [])
    assert "= 4 + 1·4 + 1·1 = 9" in svg_text(ve.canvas.svg)


def test_explorer_accepts_only_tinytorch():
    with pytest.raises(TypeError, match="ViewExplorer accepts a tinytorch.Tensor"):
        ViewExplorer(np.zeros(3))


# -- BroadcastView ------------------------------------------------------------------------------
shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@settings(max_examples=60, deadline=None)
@given(shapes, shapes)
def test_broadcasting_matches_torch(a_shape, b_shape):
    bv = BroadcastView(tinytorch.zeros(a_shape), tinytorch.zeros(b_shape))
    ta, tb = torch.zeros(a_shape), torch.zeros(b_shape)
    svg = bv.to_svg()
    try:
        result = (ta + tb).shape
    except RuntimeError as error:
        message = str(error)
        assert str(bv.result()[1]) == message
        assert words(f"RuntimeError: {message}") in svg_text(svg)
        dim = int(re.search(r"dimension (\d+)", message).group(1))
        assert bv.offending_dim() == dim
        assert repr(bv) == f"BroadcastView({bv_shape(a_shape)}, {bv_shape(b_shape)} -> error at dim {dim})"
        assert [g["size"] for g in groups(svg, "broadcast-result") if g["dim"] == str(dim)] == ["✗"]
        sizes = list(zip(*(((1,) * (bv.ndim - len(s)) + s) for s in (a_shape, b_shape))))
        for g in groups(svg, "broadcast-dim"):  # every column that cannot broadcast is marked
            x, y = sizes[int(g["dim"])]
            assert (g["kind"] == "mismatch") == (x != y and 1 not in (x, y))
        return
    assert bv.result() == (tuple(result), None)
    assert repr(bv) == f"BroadcastView({bv_shape(a_shape)}, {bv_shape(b_shape)} -> {bv_shape(tuple(result))})"
    assert [g["size"] for g in groups(svg, "broadcast-result")] == [str(s) for s in result]
    for k, (t, view) in enumerate(zip((ta, tb), bv.expanded())):
        expanded = t.expand(result)
        assert view.stride == expanded.stride()
        cells = [g for g in groups(svg, "broadcast-dim") if g["tensor"] == str(k)]
        added = len(result) - t.dim()
        for g in cells:
            d, size = int(g["dim"]), int(g["size"])
            assert size == (1 if d < added else t.shape[d - added])
            expected_kind = "added" if d < added else ("stretched" if size != result[d] else "kept")
            assert g["kind"] == expected_kind


def bv_shape(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def test_expanded_operands_read_the_cells_torch_reads():
    a = torch.arange(3.0).reshape(3, 1)
    b = torch.arange(4.0)
    bv = BroadcastView(tinytorch.arange(3.0).reshape(3, 1), np.arange(4.0), labels=("a", "b"))
    svg = bv.to_svg()
    for k, t in enumerate((a.expand(3, 4), b.expand(3, 4))):
        for g in groups(svg, "element"):
            if g["tensor"] == str(k):
                index = tuple(int(i) for i in g["index"].split(","))
                assert int(g["position"]) == torch_position(t, index)
                assert float(g["value"]) == t[index].item()
    text = svg_text(svg)
    assert "a.expand(3, 4): stride (1, 1) → (1, 0) (stride 0 in dim 1" in text
    assert "b.expand(3, 4): stride (1,) → (0, 1) (stride 0 in dim 0" in text


def test_broadcast_view_input_errors():
    with pytest.raises(TypeError, match="BroadcastView accepts a tinytorch.Tensor, a NumPy ndarray or a torch.Tensor"):
        BroadcastView([1, 2], tinytorch.zeros(2))
    bv = BroadcastView(tinytorch.zeros(2), tinytorch.zeros(2))
    bundle = bv._repr_mimebundle_()
    assert bundle["text/plain"] == "BroadcastView((2,), (2,) -> (2,))"
    assert bundle["image/svg+xml"] == BroadcastView(tinytorch.zeros(2), tinytorch.zeros(2)).to_svg()
