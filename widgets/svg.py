"""A tiny SVG writer: every picture in `widgets` is built here as plain text.

Drawing in Python (not in the browser) gives one picture for three uses: the
live widget, the static `image/svg+xml` snapshot that GitHub and nbviewer show,
and the tests, which parse it. So the output must be deterministic: integer
coordinates, attributes in a fixed order, no ids, no addresses, and every
piece of text HTML-escaped.
"""
import html
import math
import textwrap
import unicodedata

FONT = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
CHAR_WIDTH = 0.62  # width of one monospace character, as a fraction of the font size
WIDE_CHAR_WIDTH = 1.0  # a CJK character (the zh-CN edition's labels) takes a whole em

# One colour per tensor (or per graph node kind), and a light tint of each for fills.
PALETTE = ("#1f6fb4", "#c2410c", "#15803d", "#7e22ce", "#b91c1c", "#0e7490", "#a16207", "#be185d")
TINTS = ("#dbeafe", "#ffedd5", "#dcfce7", "#f3e8ff", "#fee2e2", "#cffafe", "#fef9c3", "#fce7f3")
INK = "#1f2937"  # text
MUTED = "#6b7280"  # secondary text
GAP_FILL = "#f3f4f6"  # storage cells no element maps to
HIGHLIGHT = "#f59e0b"  # the selected element, the running graph node


def colour(k):
    return PALETTE[k % len(PALETTE)]


def tint(k):
    return TINTS[k % len(TINTS)]


def escape(text):
    return html.escape(str(text), quote=True)


def text_width(text, size):
    """How wide `text` is drawn in our monospace font, in pixels (rounded up): Latin
    characters 0.62 em, wide ones (Chinese, full-width punctuation) 1 em."""
    text = str(text)
    wide = sum(map(is_wide, text))
    return math.ceil((len(text) - wide) * size * CHAR_WIDTH + wide * size * WIDE_CHAR_WIDTH)


def format_value(value, width=8):
    """A value short enough for a small cell: ints and bools as they are, floats
    with 4 significant digits, falling back to scientific notation; nan and inf
    spelled as PyTorch prints them."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        text = str(value)
        return text if len(text) <= width else f"{value:.1e}"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        for digits in (4, 3, 2):
            text = f"{value:.{digits}g}"
            if "e" not in text and "." not in text:
                text += "."  # 2.0 prints as "2." (as PyTorch does), so floats never look like ints
            if len(text) <= width:
                return text
        return f"{value:.0e}"
    return str(value)[:width]


NO_BREAK_BEFORE = set("，。、：；！？）》」』,.;:!?)")  # never the first character of a line


def is_wide(char):
    """A character drawn 1 em wide: Chinese, Japanese, Korean, full-width punctuation."""
    return unicodedata.east_asian_width(char) in "WF"


def wrap(line, width=110):
    """A long line of text as several, continuation lines indented; `width` counts Latin
    characters. Chinese text, which has no spaces, breaks between characters, each
    counted as wide as it is drawn."""
    if not any(is_wide(c) for c in line):
        return textwrap.wrap(line, width, subsequent_indent="    ", break_on_hyphens=False) or [""]
    limit = width * CHAR_WIDTH  # in ems
    lines, current = [], ""
    for piece in _pieces(line):
        fits = text_width(current + piece, 1) <= limit
        if piece.isspace() or fits or not current.strip() or piece in NO_BREAK_BEFORE:
            current += piece  # a line breaks before a word or a wide character, never before a space or 。
        else:
            lines.append(current.rstrip())
            current = "    " + piece
    lines.append(current.rstrip())
    return lines


def _pieces(line):
    """What a line of mixed text may break between: a space run, one wide character, or
    a run of other characters (a Latin word stays whole)."""
    pieces, word = [], ""
    for char in line:
        if char.isspace() or is_wide(char):
            if word:
                pieces.append(word)
                word = ""
            if char.isspace() and pieces and pieces[-1].isspace():
                pieces[-1] += char
            else:
                pieces.append(char)
        else:
            word += char
    return pieces + ([word] if word else [])


def _attributes(attrs):
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")  # class_ -> class, data_index -> data-index
        parts.append(f' {name}="{escape(value)}"')
    return "".join(parts)


class Drawing:
    """Collects SVG elements; `svg(width, height)` returns the document."""

    def __init__(self):
        self.parts = []

    def rect(self, x, y, w, h, *, fill="none", stroke="none", stroke_width=1, dashed=False, rx=3, **attrs):
        self.parts.append(
            f'<rect x="{int(x)}" y="{int(y)}" width="{int(w)}" height="{int(h)}" rx="{rx}"'
            f'{_attributes(dict(fill=fill, stroke=stroke, stroke_width=stroke_width))}'
            f'{_attributes(dict(stroke_dasharray="4 3" if dashed else None, **attrs))}/>'
        )

    def text(self, x, y, content, *, size=12, anchor="start", fill=INK, bold=False, italic=False, **attrs):
        style = dict(
            font_size=size, text_anchor=anchor, fill=fill,
            font_weight="bold" if bold else None, font_style="italic" if italic else None,
        )
        self.parts.append(
            f'<text x="{int(x)}" y="{int(y)}"{_attributes(style)}{_attributes(attrs)}>{escape(content)}</text>'
        )

    def line(self, x1, y1, x2, y2, *, stroke=MUTED, stroke_width=1, dashed=False):
        self.parts.append(
            f'<line x1="{int(x1)}" y1="{int(y1)}" x2="{int(x2)}" y2="{int(y2)}"'
            f'{_attributes(dict(stroke=stroke, stroke_width=stroke_width))}'
            f'{_attributes(dict(stroke_dasharray="4 3" if dashed else None))}/>'
        )

    def path(self, d, *, stroke=MUTED, stroke_width=1, fill="none", dashed=False):
        self.parts.append(
            f'<path d="{d}"{_attributes(dict(fill=fill, stroke=stroke, stroke_width=stroke_width))}'
            f'{_attributes(dict(stroke_dasharray="4 3" if dashed else None))}/>'
        )

    def open_group(self, **attrs):
        """Start a <g>; data_* keywords become data-* attributes (the tests and
        the click handler read them)."""
        self.parts.append(f"<g{_attributes(attrs)}>")

    def close_group(self):
        self.parts.append("</g>")

    def svg(self, width, height):
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{int(width)}" height="{int(height)}" '
            f'viewBox="0 0 {int(width)} {int(height)}" font-family="{FONT}">'
        )
        return "\n".join([head, '<rect width="100%" height="100%" fill="#ffffff"/>', *self.parts, "</svg>"])
