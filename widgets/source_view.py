"""show_source: tinytorch's code as a lesson shows it, PyTorch's details folded.

    show_source(tinytorch.ops.views.transpose, TransposeBackward0)

shows each function or class with its file and line numbers, so the learner
can open the same lines in an editor. Two kinds of region are folded, each
under a one-line summary that opens on a click:

- a check's body: `if stride is None:` stays in view, and the raise under it
  (PyTorch's message, word for word) shrinks to `raise RuntimeError(…)`;
- the statements under a comment that starts with `# PyTorch detail:` (up
  to a blank line or another comment), the marker tinytorch's code puts on
  work that exists only to behave exactly like PyTorch. The comment stays
  in view and says what the work is.

What the notebook stores is a static snapshot: HTML whose folds are <details>
elements (they open on a click in JupyterLab and on GitHub, with no kernel),
and a text form with the same lines and summaries, which nbval compares. So a
lesson's stored output is the code that runs today: tests/test_notebooks_fresh.py
fails when the source changes and the lesson is not refreshed.
"""
import ast
import html
import inspect
import textwrap
from pathlib import Path

from pygments import lex
from pygments.lexers import PythonLexer
from pygments.token import Comment, Keyword, Name, Number, Operator, String

from .language import Catalog

# The words around the code: each block's title, and each fold's summary (the code, its
# comments and the `# PyTorch detail:` marker are tinytorch's, in English).
MESSAGES = Catalog(
    en={
        "title": "{path}, lines {first}-{last}: {name}",
        "lines": "{count:line|lines}",
        "click to open": "{lines}, click to open",
    },
    zh_CN={
        "title": "{path}，第 {first}-{last} 行：{name}",
        "lines": "{count} 行",
        "click to open": "{lines}，点击展开",
    },
)

DETAIL_MARKER = "# PyTorch detail:"
ROOT = Path(__file__).resolve().parent.parent  # the course's folder: paths are shown from here

# A few colours, as inline styles so that they survive the notebook's HTML sanitizer.
_COLOURS = [
    (Comment, "#6a737d"), (String, "#22863a"), (Number, "#005cc5"), (Keyword, "#d73a49"), (Operator.Word, "#d73a49"),
    (Name.Function, "#6f42c1"), (Name.Class, "#6f42c1"), (Name.Builtin, "#005cc5"),
]
# The summary is one code row: no disclosure triangle of its own (inline, for a
# notebook whose <style> the sanitizer drops; the <style> below adds the rest).
_SUMMARY = "list-style: none; cursor: pointer; display: block"
_STYLE = """<style>
details.tt-fold > summary { list-style: none; cursor: pointer; }
details.tt-fold > summary::-webkit-details-marker { display: none; }
details.tt-fold[open] > summary .tt-hint { display: none; }
</style>"""


class Fold:
    """Lines [first, last] (0-based, within the block) shown as one summary line."""

    def __init__(self, first, last, summary):
        self.first, self.last, self.summary = first, last, summary


def find_folds(source):
    """The regions of `source` (one def or class) that show_source folds, in order."""
    lines = source.splitlines()
    folds = []

    def visit(statements):
        skip_to = 0
        for k, stmt in enumerate(statements):
            if stmt.lineno <= skip_to:
                continue  # inside a fold already made
            fold = _fold_of(statements, k, lines)
            if fold is not None:
                folds.append(fold)
                skip_to = fold.last + 1
                continue
            for field in ("body", "orelse", "finalbody"):
                visit(getattr(stmt, field, []))
            for handler in getattr(stmt, "handlers", []):
                visit(handler.body)

    visit(ast.parse(textwrap.dedent(source)).body)
    return sorted(folds, key=lambda f: f.first)


def _fold_of(statements, k, lines):
    """The fold that starts at statements[k], or None. (Line numbers from ast
    count from 1; a Fold's from 0.)"""
    stmt = statements[k]
    comment = stmt.lineno - 1  # the first line of the comment just above stmt, if any
    while comment > 0 and lines[comment - 1].lstrip().startswith("#"):
        comment -= 1
    if comment < stmt.lineno - 1 and lines[comment].lstrip().startswith(DETAIL_MARKER):
        # The comment's first line stays in view as the summary. Folded under it: the rest
        # of the comment and the statements that follow with no blank line or comment between.
        last = stmt
        for following in statements[k + 1:]:
            if following.lineno != last.end_lineno + 1:
                break
            last = following
        return Fold(comment, last.end_lineno - 1, None)
    if isinstance(stmt, ast.If) and not stmt.orelse and all(isinstance(s, ast.Raise) for s in stmt.body):
        first = stmt.body[0]
        if stmt.end_lineno > first.lineno:  # a one-line raise is shown as it is
            exception = first.exc.func if isinstance(first.exc, ast.Call) else first.exc
            indent = lines[first.lineno - 1][: len(lines[first.lineno - 1]) - len(lines[first.lineno - 1].lstrip())]
            name = ast.unparse(exception) if exception is not None else ""
            return Fold(first.lineno - 1, stmt.end_lineno - 1, f"{indent}raise {name}(…)")
    return None


class SourceView:
    """The source of some functions and classes, with folds; displays as HTML
    in a notebook and as text elsewhere (its repr is the stored text form)."""

    def __init__(self, *objects):
        if not objects:
            raise TypeError("show_source() needs at least one function or class")
        self.blocks = [_block(obj) for obj in objects]

    def __repr__(self):
        return "\n\n".join(_block_text(block) for block in self.blocks)

    def _repr_html_(self):
        body = "".join(_block_html(block) for block in self.blocks)
        return f'{_STYLE}<div class="tt-source" style="font-family: monospace; font-size: 12.5px">{body}</div>'


def show_source(*objects):
    """Show the code of tinytorch functions or classes (or any Python code),
    with PyTorch's details folded: see this module's docstring."""
    return SourceView(*objects)


def _block(obj):
    obj = inspect.unwrap(obj.fget if isinstance(obj, property) else obj)
    lines, start = inspect.getsourcelines(obj)
    source = "".join(lines)
    path = Path(inspect.getsourcefile(obj)).resolve()
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))
    return {"path": shown, "name": name, "start": start, "lines": source.splitlines(), "folds": find_folds(source)}


def _rows(block):
    """(line number, text, fold or None) for what is in view: each fold is one row."""
    lines, folds = block["lines"], iter(block["folds"])
    fold = next(folds, None)
    i = 0
    while i < len(lines):
        if fold is not None and i == fold.first:
            yield block["start"] + i, fold, lines[fold.first: fold.last + 1]
            i = fold.last + 1
            fold = next(folds, None)
        else:
            yield block["start"] + i, None, [lines[i]]
            i += 1


def _title(block):
    last = block["start"] + len(block["lines"]) - 1
    return MESSAGES("title", path=block["path"], first=block["start"], last=last, name=block["name"])


def _block_text(block):
    out = [_title(block)]
    for number, fold, lines in _rows(block):
        if fold is None:
            out.append(f"{number:5d}  {lines[0]}".rstrip())
        else:
            summary = lines[0] if fold.summary is None else fold.summary
            hidden = len(lines) - (1 if fold.summary is None else 0)
            out.append(f"{number:5d}  {summary}  [+{_lines(hidden)}]")
    return "\n".join(out)


def _block_html(block):
    coloured = _highlight("\n".join(block["lines"]))
    rows = []
    for number, fold, lines in _rows(block):
        first = number - block["start"]
        if fold is None:
            rows.append(_line_html(number, coloured[first]))
            continue
        shown = [_line_html(number + k, coloured[first + k]) for k in range(len(lines))]
        if fold.summary is None:  # a `# PyTorch detail:` comment: it heads the fold, and the code opens below it
            hidden = len(lines) - 1
            summary, shown = shown[0], shown[1:]
        else:
            hidden = len(lines)
            summary = _line_html(number, f'<span style="color: #6a737d">{html.escape(fold.summary)}</span>')
        hint = (f'<span class="tt-hint" style="color: #6a737d; font-style: italic">  ⋯ '
                f'{html.escape(MESSAGES("click to open", lines=_lines(hidden)))}</span>')
        rows.append(
            f'<details class="tt-fold"><summary style="{_SUMMARY}">'
            f'{summary.replace("</div>", hint + "</div>", 1)}</summary>'
            f'<div style="background: #f6f8fa">{"".join(shown)}</div></details>'
        )
    return (
        f'<div style="margin: 0.4em 0"><div style="color: #6a737d">{html.escape(_title(block))}</div>'
        f'{"".join(rows)}</div>'
    )


def _lines(n):
    return MESSAGES("lines", count=n)


def _line_html(number, code):
    return (
        f'<div style="white-space: pre"><span style="color: #aaa; user-select: none">{number:5d}  </span>'
        f"{code}</div>"
    )


def _highlight(source):
    """The source as HTML, one string per line, coloured by Python token."""
    lines, current = [], []
    for kind, text in lex(source, PythonLexer()):
        colour = next((c for token, c in _COLOURS if kind in token), None)
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                lines.append("".join(current))
                current = []
            if piece:
                escaped = html.escape(piece)
                current.append(f'<span style="color: {colour}">{escaped}</span>' if colour else escaped)
    lines.append("".join(current))
    return lines[: len(source.split("\n"))]
