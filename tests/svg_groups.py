"""Reading the widgets' SVG pictures back, shared by the widget tests.

    SVG                the SVG namespace, as ElementTree spells a tag: f"{SVG}g"
    groups(svg, cls)   the <g class=cls> elements, as dicts of their data-* attributes
    group_elements(svg, cls)  the same groups as ElementTree elements (for their shapes)
    text_box(text)     (left, top, right, bottom) of a <text>, from its font size and anchor
    curve_points(d)    points along a path's "M x y C ..." curve, densely sampled
    segment_meets_box(a, b, box)  whether a straight segment crosses a box

Text is measured here on its own terms, not with the widgets' code: a monospace glyph is
CHAR_WIDTH of the font size wide (DejaVu Sans Mono, Chromium's monospace on Debian, is
0.602), rises ASCENT above the baseline and sinks DESCENT below it. The browser test
checks the same things with the real glyph boxes.
"""
import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
CHAR_WIDTH, ASCENT, DESCENT = 0.62, 0.8, 0.25


def groups(svg, cls):
    """The <g class=cls> elements of an SVG document, as dicts of their data-* attributes."""
    return [
        {k.removeprefix("data-"): v for k, v in g.attrib.items() if k.startswith("data-")}
        for g in group_elements(svg, cls)
    ]


def group_elements(svg, cls):
    """The <g class=cls> elements of an SVG document, as ElementTree elements."""
    return [g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == cls]


def text_box(text):
    """(left, top, right, bottom) of a <text> element's glyphs."""
    size = float(text.get("font-size"))
    x, y = float(text.get("x")), float(text.get("y"))
    width = len(text.text or "") * size * CHAR_WIDTH
    anchor = text.get("text-anchor", "start")
    left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return left, y - ASCENT * size, left + width, y + DESCENT * size


def curve_points(d, samples=400):
    """Points along the path `M x0 y0 C x1 y1 x2 y2 x3 y3` (a cubic Bézier curve)."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert d.lstrip().startswith("M") and "C" in d and len(numbers) == 8, d
    (x0, y0, x1, y1, x2, y2, x3, y3) = numbers
    points = []
    for i in range(samples + 1):
        t = i / samples
        u = 1 - t
        points.append((u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                       u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3))
    return points


def segment_meets_box(a, b, box):
    """Whether the segment from a to b passes through the box (left, top, right, bottom)."""
    (x0, y0), (x1, y1) = a, b
    left, top, right, bottom = box
    lo, hi = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - left), (x1 - x0, right - x0), (y0 - y1, y0 - top), (y1 - y0, bottom - y0)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            lo = max(lo, q / p)
        else:
            hi = min(hi, q / p)
        if lo > hi:
            return False
    return True


def polyline_meets_box(points, box):
    return any(segment_meets_box(a, b, box) for a, b in zip(points, points[1:]))
