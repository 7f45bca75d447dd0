"""Reading the widgets' SVG pictures back, shared by the widget tests.

    SVG                the SVG namespace, as ElementTree spells a tag: f"{SVG}g"
    groups(svg, cls)   the <g class=cls> elements, as dicts of their data-* attributes
"""
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def groups(svg, cls):
    """The <g class=cls> elements of an SVG document, as dicts of their data-* attributes."""
    return [
        {k.removeprefix("data-"): v for k, v in g.attrib.items() if k.startswith("data-")}
        for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("class") == cls
    ]
