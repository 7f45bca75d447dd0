"""widgets.show_source: every line of the code is there, in order, and only
PyTorch's details are folded.

Two kinds of input: every function and class in tinytorch (what the lessons
show), and functions that Hypothesis writes from random statements, some of
them checks and `# PyTorch detail:` groups, whose folds are known in advance.
"""
import ast
import html
import importlib
import inspect
import pkgutil
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch
from widgets.source_view import DETAIL_MARKER, SourceView, find_folds, show_source


def tinytorch_code():
    """Every function, class and method defined in tinytorch's modules."""
    found = []
    for info in pkgutil.walk_packages(tinytorch.__path__, "tinytorch."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                found.append(value)
            elif inspect.isclass(value):
                found.append(value)
                found += [m for m in vars(value).values() if inspect.isfunction(m)]
    return found


CODE = tinytorch_code()


class Rows(HTMLParser):
    """The text of each code row (a white-space: pre div) of show_source's HTML,
    without the line-number gutter, and which rows sit inside a fold."""

    def __init__(self):
        super().__init__()
        self.rows, self.depth, self.in_row, self.in_gutter, self.in_hint, self.folds = [], 0, False, False, False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.folds += 1
        if tag == "div" and "white-space: pre" in (attrs.get("style") or ""):
            self.in_row, self.rows = True, self.rows + [""]
        if tag == "span" and "user-select: none" in (attrs.get("style") or ""):
            self.in_gutter = True
        if tag == "span" and attrs.get("class") == "tt-hint":
            self.in_hint = True

    def handle_endtag(self, tag):
        if tag == "div" and self.in_row:
            self.in_row = False
        if tag == "span":
            self.in_gutter = self.in_hint = False

    def handle_data(self, data):
        if self.in_row and not self.in_gutter and not self.in_hint:
            self.rows[-1] += data


def html_rows(view):
    parser = Rows()
    parser.feed(view._repr_html_())
    return parser


@pytest.mark.parametrize("obj", CODE, ids=lambda obj: f"{obj.__module__}.{obj.__qualname__}")
def test_every_line_of_tinytorch_is_shown_in_order(obj):
    view = show_source(obj)
    lines = inspect.getsource(obj).splitlines()
    folds = find_folds(inspect.getsource(obj))
    # The HTML holds every line once, in order, plus one summary row per check.
    summaries = {f.first for f in folds if f.summary is not None}
    expected = []
    for i, line in enumerate(lines):
        if i in summaries:
            expected.append(next(f.summary for f in folds if f.first == i))
        expected.append(line)
    assert html_rows(view).rows == expected
    # The text form shows each line that is not folded, verbatim, after its line number.
    text = repr(view).splitlines()
    start = inspect.getsourcelines(obj)[1]
    hidden = {i for f in folds for i in range(f.first, f.last + 1)}
    for i, line in enumerate(lines):
        if i not in hidden:
            assert f"{start + i:5d}  {line}".rstrip() in text


@pytest.mark.parametrize("obj", CODE, ids=lambda obj: f"{obj.__module__}.{obj.__qualname__}")
def test_only_checks_and_marked_details_are_folded(obj):
    source = inspect.getsource(obj)
    lines = source.splitlines()
    for fold in find_folds(source):
        region = textwrap.dedent("\n".join(lines[fold.first: fold.last + 1]))
        if fold.summary is None:
            assert region.startswith(DETAIL_MARKER)
        else:
            # The body of an `if`: raises only, one spanning two lines or more.
            assert all(isinstance(s, ast.Raise) for s in ast.parse(region).body)
            assert fold.last > fold.first
            assert fold.summary.strip().startswith("raise ") and fold.summary.endswith("(…)")


# -- generated functions ---------------------------------------------------------------
PLAIN = ["x = x + 1", "y = [x,\n     x]", "x = helper(x)"]
CHECK_ONE_LINE = 'if x < 0:\n    raise ValueError("negative")'
CHECK = 'if x > 100:\n    raise RuntimeError(\n        "too big"\n    )'


@st.composite
def functions(draw):
    """(source of a function, [(first, last, summary or None)] its folds, counted from 0)."""
    lines, folds = ["def generated(x):"], []

    def block(depth, indent):
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["plain", "check", "check_one_line", "detail", "nested"]))
            if kind == "nested" and depth < 2:
                lines.append(indent + "if x:")
                block(depth + 1, indent + "    ")
                continue
            if kind == "detail":
                first = len(lines)
                lines.append(indent + DETAIL_MARKER + " generated")
                if draw(st.booleans()):
                    lines.append(indent + "# and a second line of comment")
                for _ in range(draw(st.integers(1, 3))):
                    lines.extend(indent + part for part in draw(st.sampled_from(PLAIN)).split("\n"))
                folds.append((first, len(lines) - 1, None))
                lines.append("")  # the group ends at a blank line
                continue
            if kind == "check":
                first = len(lines) + 1
                lines.extend(indent + part for part in CHECK.split("\n"))
                folds.append((first, len(lines) - 1, indent + "    raise RuntimeError(…)"))
                continue
            source = CHECK_ONE_LINE if kind == "check_one_line" else draw(st.sampled_from(PLAIN))
            lines.extend(indent + part for part in source.split("\n"))

    block(0, "    ")
    lines.append("    return x")
    return "\n".join(lines) + "\n", folds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(functions())
def test_generated_functions_fold_exactly_their_details(tmp_path, generated):
    source, expected = generated
    assert [(f.first, f.last, f.summary) for f in find_folds(source)] == expected
    # Shown from a real file, as a learner's own module would be.
    path = tmp_path / "generated_module.py"
    path.write_text("def helper(x):\n    return x\n\n\n" + source)
    sys.modules.pop("generated_module", None)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("generated_module")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("generated_module", None)
    view = show_source(module.generated)
    assert html_rows(view).folds == len(expected)
    text = repr(view)
    assert text.startswith("generated_module.py, lines 5-")
    assert text.count("[+") == len(expected)


def test_a_lesson_view_folds_the_message_and_keeps_the_check():
    view = show_source(tinytorch.ops.views.view)
    text = repr(view)
    assert "if stride is None:" in text
    assert "raise RuntimeError(…)  [+4 lines]" in text
    assert "view size is not compatible" not in text  # folded away...
    assert "view size is not compatible" in html.unescape(view._repr_html_())  # ...but there on a click
    assert text.splitlines()[0].startswith("tinytorch/ops/views.py, lines ")


def test_several_objects_and_bad_input():
    view = show_source(tinytorch.ops.views.transpose, tinytorch.ops.views.TransposeBackward0)
    assert isinstance(view, SourceView)
    assert len(repr(view).split("\n\n")) == 2
    with pytest.raises(TypeError, match="at least one"):
        show_source()
    with pytest.raises(TypeError):
        show_source(3)  # no source to show: inspect's TypeError


def test_code_metrics_counts_code_and_folds():
    """scripts/code_metrics.py, which reports how much code exists only to match PyTorch."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    try:
        import code_metrics
    finally:
        sys.path.pop(0)
    source = textwrap.dedent('''\
        """Docstring: not code."""
        import math


        def f(x):
            """Not code either."""
            # a comment
            if x < 0:
                raise ValueError(
                    "negative"
                )
            # PyTorch detail: rounded as torch does
            x = x + 0.0

            return math.sqrt(x)
        ''')
    tree = ast.parse(source)
    assert code_metrics.code_lines(tree, source.splitlines()) == {2, 5, 8, 9, 10, 11, 13, 15}
    assert code_metrics.folded_lines(tree, source) == {9, 10, 11, 12, 13}
    assert code_metrics.function_level_imports(ast.parse("def g():\n    import os\n    from math import pi\n")) == 2
