"""Drawing tensors as cells: the storage as a strip, each tensor as a grid of its shape.

Every element of a tensor's grid is labelled with the storage position it maps
to (`@5`), computed with `tinytorch.strides.index_to_position`. The strip shows
which tensors use each storage cell (coloured bars), cells that no element
maps to (gaps: grey, dashed), and cells that several elements of one tensor
map to (overlaps, e.g. from stride 0: a `×n` badge).

Large tensors are summarised the way PyTorch prints them: the first and last
few indices of each dimension, with the skipped runs marked. Only the drawn
elements are ever read from storage, so a million-element tensor draws fast.

A picture given a `max_width` (the page's width, reported by the browser) fits
it: the strip wraps onto balanced rows of as many cells as fit, and long
headers and the legend break onto more lines. Without one it keeps the default
layout: 16 strip cells a row, headers wrapped past DEFAULT_WIDTH.
"""
import itertools
import re

import numpy as np

from tinytorch.strides import index_to_position, is_contiguous

from . import svg
from .language import Catalog

# What the pictures of tensors say, in the course's two languages (widgets.language). A
# tensor's header is made of parts joined by " · " (the picture breaks long headers between
# them); ViewExplorer's explanation reuses the parts.
MESSAGES = Catalog(
    en={
        "shape": "shape {shape}",
        "stride": "stride {stride}",
        "offset": "offset {offset}",
        "contiguous": "contiguous",
        "not contiguous": "not contiguous",
        "broadcast dims": "stride 0 (broadcast) in dim {dims}",
        "storage": "storage · {count:element|elements} of {dtype} ({itemsize:byte|bytes} each)",
        "storage k of n": "storage {number} of {total} · {count:element|elements} of {dtype} ({itemsize:byte|bytes} each)",
        "empty storage": "(empty storage)",
        "skipped cells": "{count} more",
        "no elements": "(no elements)",
        "blocks skipped": "⋮ blocks skipped",
        "selected element": "{element} = {value}  →  storage position {position}",
        "position formula": "position = {general} = {numbers}",
        "formula offset": "offset",
        "formula term": "i{dim}·stride{dim}",
        "data_ptr formula": "data_ptr = storage.data_ptr() + {position}·{itemsize} bytes = "
                            "storage.data_ptr() + {bytes}",
        "legend gap": "gap: no element maps here",
        "legend overlap": "×n: n elements of one tensor map to one cell (overlap)",
        "legend dashed": "dashed element: shares its storage cell with other elements (stride 0 / overlap)",
        # the narrow legend: one mark a line, the dashed one on two
        "narrow legend overlap": "×n: n elements of one tensor map to one cell",
        "narrow legend dashed": "dashed element: shares its storage cell",
        "narrow legend dashed, continued": "with other elements (stride 0 / overlap)",
    },
    zh_CN={
        "shape": "形状 {shape}",
        "stride": "步长 {stride}",
        "offset": "偏移量 {offset}",
        "contiguous": "连续",
        "not contiguous": "不连续",
        "broadcast dims": "第 {dims} 维步长为 0（广播）",
        "storage": "存储 · {count:,} 个 {dtype} 元素（每个 {itemsize} 字节）",
        "storage k of n": "存储 {number}（共 {total} 个）· {count:,} 个 {dtype} 元素（每个 {itemsize} 字节）",
        "empty storage": "（空存储）",
        "skipped cells": "还有 {count} 个",
        "no elements": "（没有元素）",
        "blocks skipped": "⋮ 省略了若干块",
        "selected element": "{element} = {value}  →  存储位置 {position}",
        "position formula": "位置 = {general} = {numbers}",
        "formula offset": "偏移量",
        "formula term": "i{dim}·步长{dim}",
        "data_ptr formula": "data_ptr = storage.data_ptr() + {position}·{itemsize} 字节 = "
                            "storage.data_ptr() + {bytes}",
        "legend gap": "空隙：没有元素映射到这里",
        "legend overlap": "×n：同一张量的 n 个元素映射到同一单元（重叠）",
        "legend dashed": "虚线元素：与其他元素共用同一存储单元（步长 0 / 重叠）",
        "narrow legend overlap": "×n：同一张量的 n 个元素映射到同一单元",
        "narrow legend dashed": "虚线元素：与其他元素共用",
        "narrow legend dashed, continued": "同一存储单元（步长 0 / 重叠）",
    },
)

CELL_W, CELL_H = 62, 38  # one cell, with its margin
GAP_W, GAP_H = 22, 18  # a marker for a skipped run of columns / rows
STRIP_COLUMNS = 16  # storage cells per row before the strip wraps
MIN_STRIP_COLUMNS = 4  # however narrow the page, a strip row keeps this many cells
DEFAULT_WIDTH = STRIP_COLUMNS * CELL_W  # a header line wider than this wraps, even with no max_width
STRIP_ALL = 64  # storages up to this size are drawn whole
GRID_EDGE = 3  # a large dim shows its first and last 3 indices (as PyTorch prints)
BLOCK_EDGE = 1  # a large leading dim of a 3-d+ tensor shows its first and last block
MAX_BLOCKS = 8
COUNT_LIMIT = 1 << 24  # past this many elements, overlaps are not counted
ROW_LABEL_W = 30  # room for the row indices left of a grid
MARGIN = 12


def shown_indices(size, edge, focus=None):
    """The indices of one dim to draw: all of them when the dim is small, else
    the first and last `edge` and `focus`, with None where a run is skipped."""
    if size <= 2 * edge + 1:
        return list(range(size))
    keep = sorted({*range(edge), *range(size - edge, size), *([] if focus is None else [focus])})
    return with_gaps(keep)


def with_gaps(sorted_ints):
    """[0, 1, 5, 6] -> [0, 1, None, 5, 6]: None marks numbers skipped."""
    out = []
    for i in sorted_ints:
        if out and i != out[-1] + 1:
            out.append(None)
        out.append(i)
    return out


def product(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


def element_positions(shape, stride, offset):
    """The storage position of every element, in row-major order, as a NumPy array."""
    positions = np.full((), offset, dtype=np.int64)
    for size, st in zip(shape, stride):
        positions = positions[..., None] + np.arange(size, dtype=np.int64) * st
    return positions.reshape(-1)


def use_counts(info):
    """For each storage position, how many elements of this tensor map to it.
    Stride-0 (broadcast) dims multiply the counts instead of being listed, so an
    expanded tensor costs no more than its source; None when there are still
    too many elements to list."""
    repeat, shape, stride = 1, [], []
    for size, st in zip(info.shape, info.stride):
        if st == 0:
            repeat *= size
        else:
            shape.append(size)
            stride.append(st)
    if product(shape) > COUNT_LIMIT:
        return None
    positions = element_positions(shape, stride, info.offset) if repeat else np.empty(0, np.int64)
    counts = np.bincount(positions, minlength=info.storage_size)[: info.storage_size]
    return counts * repeat


def broadcast_dims(info):
    """The dims that repeat one element: stride 0 and size above 1."""
    return [d for d, (size, st) in enumerate(zip(info.shape, info.stride)) if st == 0 and size > 1]


def position_formula(index, stride, offset):
    """'offset + i0·stride0 + ... = position' with the numbers filled in
    (just the offset for a 0-d tensor)."""
    if not index:
        return str(offset)
    terms = [str(offset)] + [f"{i}·{s}" for i, s in zip(index, stride)]
    return f"{' + '.join(terms)} = {index_to_position(index, stride, offset)}"


def normalize_index(index, shape):
    """A full index into `shape`, negatives counted from the end; IndexError as PyTorch words it."""
    if isinstance(index, int):
        index = (index,)
    index = tuple(index)
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in index):
        raise TypeError(f"an index is a tuple of ints, got {index!r}")
    if len(index) != len(shape):
        raise IndexError(f"an element of a {len(shape)}-d tensor needs {len(shape)} indices, got {len(index)}")
    result = []
    for d, (i, size) in enumerate(zip(index, shape)):
        if not -size <= i < size:
            raise IndexError(f"index {i} is out of bounds for dimension {d} with size {size}")
        result.append(i + size if i < 0 else i)
    return tuple(result)


def index_text(index):
    """(1, 2) -> '1, 2'; () -> '()', so a 0-d element reads t[()] as in Python."""
    return ", ".join(str(i) for i in index) if index else "()"


def wrap_parts(parts, first, rest, size, separator=" · "):
    """Join text parts into lines no wider than `first` pixels (the first line)
    and `rest` (the others), breaking only between parts; a broken line keeps
    the separator's mark at its end ("offset 0 ·"), so the lines read as the
    whole. The first line is "" when even the first part does not fit on it."""
    mark = separator.rstrip()
    lines, line, limit = [], "", first
    for part in parts:
        joined = line + separator + part if line else part
        if line and svg.text_width(joined + mark, size) > limit:
            lines.append(line + mark)
            line, limit = part, rest
        elif not line and not lines and svg.text_width(part + mark, size) > limit:
            lines.append("")  # start on a fresh line
            line, limit = part, rest
        else:
            line = joined
    return lines + [line]


def fit_text(line, width, size):
    """A line of text broken at spaces so that each piece is at most `width` pixels
    wide (None: the default, svg.wrap's 110 characters)."""
    if width is None:
        return svg.wrap(line)
    return svg.wrap(line, max(20, int(width / (size * svg.CHAR_WIDTH))))


def header_parts(shape, stride, offset):
    """['shape (2, 3)', 'stride (3, 1)', 'offset 0'] in the current language (shape and
    stride as Python writes the tuples)."""
    return [MESSAGES("shape", shape=tuple_text(shape)), MESSAGES("stride", stride=tuple_text(stride)),
            MESSAGES("offset", offset=offset)]


def tuple_text(numbers):
    """(2, 3) / (2,) / (): a tuple of ints as Python writes it."""
    return "(" + ", ".join(map(str, numbers)) + ("," if len(numbers) == 1 else "") + ")"


def header_text(info):
    """'shape (2, 3) · stride (3, 1) · offset 0 · contiguous' for a tensor's label."""
    layout = "contiguous" if is_contiguous(info.shape, info.stride) else "not contiguous"
    parts = header_parts(info.shape, info.stride, info.offset) + [MESSAGES(layout)]
    broadcast = broadcast_dims(info)
    if broadcast:
        parts.append(MESSAGES("broadcast dims", dims=", ".join(map(str, broadcast))))
    return " · ".join(parts)


class GridPlan:
    """Which elements of one tensor to draw, and the storage position of each.

    A 2-d tensor is one grid of rows x cols; a 1-d tensor one row; a 0-d tensor
    one cell; a 3-d+ tensor one grid per index of its leading dims (a block).
    rows, cols and blocks use None for a skipped run."""

    def __init__(self, info, focus=None):
        self.info = info
        shape, ndim = info.shape, len(info.shape)
        focus = focus if focus is not None else (None,) * ndim
        self.ndim = ndim
        self.empty = info.numel() == 0
        if ndim == 0:
            self.rows, self.cols = [0], [0]
        elif ndim == 1:
            self.rows, self.cols = [0], shown_indices(shape[0], GRID_EDGE, focus[0])
        else:
            self.rows = shown_indices(shape[-2], GRID_EDGE, focus[-2])
            self.cols = shown_indices(shape[-1], GRID_EDGE, focus[-1])
        self.blocks = self._blocks(shape[:-2], focus[:-2])
        self.positions = {}  # element index -> storage position, for every drawn element
        if not self.empty:
            for block in self.blocks:
                if block is None:
                    continue
                for r in self.rows:
                    for c in self.cols:
                        if r is not None and c is not None:
                            index = self.index(block, r, c)
                            self.positions[index] = info.position(index)

    @staticmethod
    def _blocks(leading, focus):
        per_dim = [shown_indices(size, BLOCK_EDGE, f) for size, f in zip(leading, focus)]
        blocks = []
        for combo in itertools.product(*per_dim):
            blocks.append(None if None in combo else combo)
        real = [b for b in blocks if b is not None]
        if len(real) > MAX_BLOCKS:
            keep = real[: MAX_BLOCKS // 2] + real[-MAX_BLOCKS // 2:]
            if None not in focus and tuple(focus) not in keep:
                keep.append(tuple(focus))
            blocks = [b if b in keep else None for b in blocks]
        # One marker for each run of skipped blocks.
        return [b for i, b in enumerate(blocks) if b is not None or i == 0 or blocks[i - 1] is not None]

    def index(self, block, r, c):
        if self.ndim == 0:
            return ()
        if self.ndim == 1:
            return (c,)
        return tuple(block) + (r, c)


class TensorPicture:
    """Several tensors drawn together: for each storage, its strip, then the
    grid of every tensor that views it. Elements and storage cells carry data-*
    attributes (tensor, index, position, value) for the click handler and tests."""

    def __init__(self, infos, labels, selection=None, counts=None, max_width=None):
        self.infos = infos
        self.labels = labels
        self.max_width = max_width  # pixels the picture may use; None: the default layout
        self.selection = selection  # (tensor number, index) or None
        self.counts = counts if counts is not None else [use_counts(i) for i in infos]
        self.groups = {}  # storage key -> tensor numbers, in order of first appearance
        for k, info in enumerate(infos):
            self.groups.setdefault(info.storage_key, []).append(k)
        self.plans = [
            GridPlan(info, selection[1] if selection is not None and selection[0] == k else None)
            for k, info in enumerate(infos)
        ]
        self._element_xy = {}  # (tensor, index) -> top centre of its drawn cell
        self._position_xy = {}  # (storage number, position) -> bottom centre of its strip cell

    # -- the storage strip -------------------------------------------------------
    def strip_positions(self, members):
        size = self.infos[members[0]].storage_size
        if size <= STRIP_ALL:
            return list(range(size))
        wanted = {*range(GRID_EDGE), *range(size - GRID_EDGE, size)}
        for k in members:
            wanted.update(self.plans[k].positions.values())
        return with_gaps(sorted(p for p in wanted if 0 <= p < size))

    def strip_columns(self, count):
        """How many cells a strip row holds: 16 by default; fitted to max_width,
        as many as fit, the rows balanced (16 cells in 15 places: two rows of 8)."""
        if self.max_width is None:
            return STRIP_COLUMNS
        fit = max(MIN_STRIP_COLUMNS, min(STRIP_COLUMNS, self.max_width // CELL_W))
        rows = -(-count // fit)
        return max(1, -(-count // max(rows, 1)))

    def users(self, members, position):
        """(tensor, count) for each tensor that maps an element to this position."""
        found = []
        for k in members:
            counts = self.counts[k]
            n = int(counts[position]) if counts is not None else int(position in self.plans[k].positions.values())
            if n:
                found.append((k, n))
        return found

    def draw_strip(self, d, x, y, group_number, members, values):
        info = self.infos[members[0]]
        size = dict(count=info.storage_size, dtype=info.dtype, itemsize=info.itemsize)
        if len(self.groups) > 1:
            caption = MESSAGES("storage k of n", number=group_number + 1, total=len(self.groups), **size)
        else:
            caption = MESSAGES("storage", **size)
        d.text(x, y + 14, caption, size=12, bold=True)
        y += 22
        items = self.strip_positions(members)
        if not items:
            d.text(x, y + 14, MESSAGES("empty storage"), size=11, fill=svg.MUTED, italic=True)
            return 22 + 22, svg.text_width(caption, 12)
        selected = self._selected_position()
        columns = self.strip_columns(len(items))
        for i, p in enumerate(items):
            cx = x + (i % columns) * CELL_W
            cy = y + (i // columns) * (CELL_H + 14)
            if p is None:
                self._draw_skip(d, cx, cy, items[i + 1] - items[i - 1] - 1)
            else:
                self._draw_storage_cell(d, cx, cy, group_number, members, p, values[p], p == selected)
        rows = (len(items) + columns - 1) // columns
        width = min(len(items), columns) * CELL_W
        return 22 + rows * (CELL_H + 14), max(width, svg.text_width(caption, 12))

    @staticmethod
    def _draw_skip(d, x, y, skipped):
        d.rect(x, y, CELL_W - 4, CELL_H - 4, fill="none", stroke=svg.MUTED, dashed=True)
        d.text(x + (CELL_W - 4) // 2, y + 21, "⋯", size=14, anchor="middle", fill=svg.MUTED)
        d.text(x + (CELL_W - 4) // 2, y + CELL_H + 7, MESSAGES("skipped cells", count=skipped), size=9,
               anchor="middle", fill=svg.MUTED)

    def _draw_storage_cell(self, d, x, y, group_number, members, p, value, selected):
        users = self.users(members, p)
        w, h = CELL_W - 4, CELL_H - 4
        d.open_group(
            class_="storage-cell", data_position=p, data_value=value_text(value),
            data_users=" ".join(str(k) for k, _ in users), data_count=max((n for _, n in users), default=0),
        )
        if users:
            d.rect(x, y, w, h, fill="#ffffff", stroke=svg.HIGHLIGHT if selected else svg.INK,
                   stroke_width=3 if selected else 1)
            for j, (k, _) in enumerate(users):
                d.rect(x + j * w // len(users), y, w // len(users), 5, fill=svg.colour(k), rx=0)
            k, n = max(users, key=lambda kn: kn[1])
            if n > 1:
                d.text(x + w - 2, y + 14, f"×{n}", size=9, anchor="end", fill=svg.colour(k), bold=True)
            fill = svg.INK
        else:
            d.rect(x, y, w, h, fill=svg.GAP_FILL, stroke=svg.MUTED, dashed=True,
                   stroke_width=3 if selected else 1)
            fill = svg.MUTED
        d.text(x + w // 2, y + 24, svg.format_value(value), size=11, anchor="middle", fill=fill)
        d.text(x + w // 2, y + h + 11, str(p), size=9, anchor="middle", fill=svg.MUTED)
        d.close_group()
        self._position_xy[(group_number, p)] = (x + w // 2, y + h + 13)

    def _selected_position(self):
        if self.selection is None:
            return None
        k, index = self.selection
        return self.infos[k].position(index)

    # -- one tensor's grid -------------------------------------------------------
    def draw_tensor(self, d, x, y, k, values):
        info, plan, label = self.infos[k], self.plans[k], self.labels[k]
        d.rect(x, y + 4, 12, 12, fill=svg.colour(k), rx=2)
        y0 = y
        y, width = self._draw_header(d, x, y, k, label, header_text(info))
        y += 10
        if plan.empty:
            d.text(x + ROW_LABEL_W, y + 12, MESSAGES("no elements"), size=11, fill=svg.MUTED, italic=True)
            return y - y0 + 20, width
        overlaps = self.counts[k]
        broadcast = bool(broadcast_dims(info))
        for block in plan.blocks:
            if block is None:
                d.text(x + ROW_LABEL_W, y + 12, MESSAGES("blocks skipped"), size=11, fill=svg.MUTED)
                y += 20
                continue
            if plan.ndim >= 3:
                for line in self._code_lines(f"{label}[{index_text(block)}, :, :]", 11, 0):
                    d.text(x, y + 12, line, size=11, fill=svg.MUTED)
                    width = max(width, svg.text_width(line, 11))
                    y += 18
            w, h = self._draw_block(d, x, y, k, plan, block, values, overlaps, broadcast)
            width = max(width, w)
            y += h + 6
        return y - y0, width

    def _code_lines(self, code, size, indent):
        """An expression on as many lines as the width needs (starting `indent` pixels
        in), broken before its method calls: `a[1:, ::2]` / `.transpose(0, 1)`."""
        limit = (self.max_width if self.max_width is not None else DEFAULT_WIDTH) - indent
        lines = wrap_parts(re.split(r"(?=\.[A-Za-z_]+\()", code), limit, limit, size, separator="")
        return [line for line in lines if line] or [code]

    def _draw_header(self, d, x, y, k, label, head):
        """The label (an expression too long for the width breaks before its method
        calls: `a[1:, ::2]` / `.transpose(0, 1)`), then the header beside it, or
        under it, broken between its parts (shape · stride · ...) where it would
        pass the width. Returns the baseline of the last line and the width used."""
        limit = self.max_width if self.max_width is not None else DEFAULT_WIDTH
        label_lines = self._code_lines(label, 13, 18)
        width = 0
        for i, line in enumerate(label_lines):
            d.text(x + 18, y + 14 + 18 * i, line, size=13, bold=True, fill=svg.colour(k))
            width = max(width, 18 + svg.text_width(line, 13))
        y += 18 * (len(label_lines) - 1)
        head_x = x + 26 + svg.text_width(label_lines[-1], 13)
        lines = wrap_parts(head.split(" · "), limit - (head_x - x), limit - 18, 11)
        for i, line in enumerate(lines):
            if not line:
                continue
            line_x = head_x if i == 0 else x + 18
            d.text(line_x, y + 14 + 16 * i, line, size=11, fill=svg.INK)
            width = max(width, line_x - x + svg.text_width(line, 11))
        return y + 14 + 16 * (len(lines) - 1), width

    def _draw_block(self, d, x, y, k, plan, block, values, overlaps, broadcast):
        cx = x + ROW_LABEL_W
        for c in plan.cols:  # column indices above the grid
            if plan.ndim >= 1:
                text = "⋯" if c is None else str(c)
                d.text(cx + ((GAP_W if c is None else CELL_W) - 4) // 2, y + 11, text, size=9,
                       anchor="middle", fill=svg.MUTED)
            cx += GAP_W if c is None else CELL_W
        cy = y + 16
        selected = self.selection[1] if self.selection is not None and self.selection[0] == k else None
        for r in plan.rows:
            if r is None:
                d.text(x + ROW_LABEL_W + 8, cy + 13, "⋮", size=13, fill=svg.MUTED)
                cy += GAP_H
                continue
            if plan.ndim >= 2:
                d.text(x + ROW_LABEL_W - 8, cy + 22, str(r), size=9, anchor="end", fill=svg.MUTED)
            cx = x + ROW_LABEL_W
            for c in plan.cols:
                if c is None:
                    d.text(cx + (GAP_W - 4) // 2, cy + 22, "⋯", size=13, anchor="middle", fill=svg.MUTED)
                    cx += GAP_W
                    continue
                index = plan.index(block, r, c)
                p = plan.positions[index]
                shared = broadcast or (overlaps is not None and overlaps[p] > 1)
                self._draw_element(d, cx, cy, k, index, p, values[p], shared, index == selected)
                cx += CELL_W
            cy += CELL_H
        return cx - x, cy - y

    def _draw_element(self, d, x, y, k, index, p, value, shared, selected):
        w, h = CELL_W - 4, CELL_H - 4
        compact = ",".join(map(str, index))
        d.open_group(
            class_="element", data_tensor=k, data_index=compact, data_position=p,
            data_value=value_text(value), data_click=f"element:{k}:{compact}", cursor="pointer",
        )
        d.rect(x, y, w, h, fill=svg.tint(k), stroke=svg.HIGHLIGHT if selected else svg.colour(k),
               stroke_width=3 if selected else 1, dashed=shared)
        d.text(x + w // 2, y + 16, svg.format_value(value), size=11, anchor="middle")
        d.text(x + w // 2, y + 29, f"@{p}", size=9, anchor="middle", fill=svg.colour(k))
        d.close_group()
        self._element_xy[(k, index)] = (x + w // 2, y)

    # -- the whole picture -------------------------------------------------------
    def draw(self, d, x, y):
        """Draw everything at (x, y); return (width, height)."""
        width, y0 = 0, y
        for g, members in enumerate(self.groups.values()):
            first = self.infos[members[0]]
            positions = [p for p in self.strip_positions(members) if p is not None]
            values = dict(zip(positions, first.values_at(positions)))
            h, w = self.draw_strip(d, x, y, g, members, values)
            y += h + 8
            width = max(width, w)
            for k in members:
                h, w = self.draw_tensor(d, x, y, k, values)
                y += h + 8
                width = max(width, w)
            if self.selection is not None and self.selection[0] in members:
                self._connect_selection(d, g)
        return width, y - y0

    def _connect_selection(self, d, group_number):
        k, index = self.selection
        start = self._element_xy.get((k, index))
        end = self._position_xy.get((group_number, self._selected_position()))
        if start and end:
            d.line(start[0], start[1], end[0], end[1], stroke=svg.HIGHLIGHT, stroke_width=2, dashed=True)

    def selection_lines(self):
        """The arithmetic of the selected element, as lines of text (deterministic:
        data_ptr is written relative to the storage's, never as an address)."""
        if self.selection is None:
            return []
        k, index = self.selection
        info = self.infos[k]
        p = info.position(index)
        value = info.values_at([p])[0]
        terms = [MESSAGES("formula term", dim=d) for d in range(len(index))]  # i0·stride0 ...
        general = " + ".join([MESSAGES("formula offset")] + terms)
        return [
            MESSAGES("selected element", element=f"{self.labels[k]}[{index_text(index)}]", value=value_text(value),
                     position=p),
            MESSAGES("position formula", general=general, numbers=position_formula(index, info.stride, info.offset)),
            MESSAGES("data_ptr formula", position=p, itemsize=info.itemsize, bytes=p * info.itemsize),
        ]


def value_text(value):
    """A value written in full (data-value attributes, the selection line)."""
    return repr(value) if isinstance(value, float) else str(value)


def legend_texts(narrow=False):
    """(x, y, text) of each text of the legend, relative to its corner, in the current
    language: two lines, or (narrow) one mark a line, for a page too narrow for two."""
    gap = MESSAGES("legend gap")
    if narrow:
        return (
            (20, 0, gap),
            (20, 16, MESSAGES("narrow legend overlap")),
            (20, 32, MESSAGES("narrow legend dashed")),
            (20, 48, MESSAGES("narrow legend dashed, continued")),
        )
    return (
        (20, 0, gap),
        (20 + svg.text_width(gap, 10) + 35, 0, MESSAGES("legend overlap")),  # (x 210 in English)
        (20, 16, MESSAGES("legend dashed")),
    )


def draw_legend(d, x, y, max_width=None):
    """What the marks mean; returns the (width, height) used, so the picture can make room for it.
    Where max_width is too narrow for the two-line legend, one mark a line."""
    legend = legend_texts()
    narrow = max_width is not None and max(dx + svg.text_width(text, 10) for dx, _, text in legend) > max_width
    if narrow:
        legend = legend_texts(narrow=True)
    dashed_y = 32 if narrow else 16
    d.rect(x, y, 14, 10, fill=svg.GAP_FILL, stroke=svg.MUTED, dashed=True, rx=1)
    d.rect(x, y + dashed_y, 14, 10, fill="#ffffff", stroke=svg.INK, dashed=True, rx=1)
    width = 0
    for dx, dy, text in legend:
        d.text(x + dx, y + 9 + dy, text, size=10, fill=svg.MUTED)
        width = max(width, dx + svg.text_width(text, 10))
    return width, 16 + legend[-1][1]
