"""`%%copies`: run a cell, then list every allocation and copy tinytorch made, by line, and why.

    %%copies
    b = a.t()
    c = b.contiguous()
    d = c.view(6)

runs the three lines as a normal cell would, then shows

    tinytorch made 1 copy (24 bytes) and no other new memory in this cell.
    line 3  c = b.contiguous()
        .contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view
    Results that are views (no new memory):
    line 2  b: a view, shares storage with a
    line 4  d: a view, shares storage with c

Lines are numbered as the editor numbers them (the `%%copies` line is line 1). An op
called inside a function of the cell is reported at the function's line, with
"in f()"; a function from elsewhere, at the line of the cell that called it.

Where the events come from: tinytorch.memory_trace notes each new storage, the op your
code called, your code's frames, and for a copy the reason. Which results were views is
read from the namespace afterwards: each name the cell assigned (its last assignment's
line) whose tensor shares memory with another variable, is a view (`._base`), or is
another variable's tensor itself, as `contiguous()` of a contiguous tensor returns.

The report is an object with a text repr (for nbval and the console) and an HTML one
for JupyterLab. The cell's last expression is shown as its value, as in any cell; if
the cell raises, the report says what happened up to the error, and the error follows.
"""
import ast
import html

from IPython.core.error import UsageError
from IPython.display import display

from .tensor_line import sharing_names, user_variables

VIEWS_TITLE = "Results that are views (no new memory):"
BLOCK = "font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-content-font-size1, 14px); line-height: 1.5"
MUTED = "color: var(--jp-ui-font-color2, #757575)"

def run_traced(shell, cell):
    """Run `cell` in the shell's namespace as IPython runs a cell (magics and AST
    transformers included); returns (the last expression's value or None, report)."""
    from tinytorch.memory_trace import trace_memory  # the kernel starts without importing tinytorch

    __tracebackhide__ = True  # an error in the cell shows the cell's frames, not these
    # A first empty line stands for the `%%copies` line, so that line numbers, in the report
    # and in tracebacks alike, are the editor's.
    source = "\n" + shell.transform_cell(cell)
    tree = shell.transform_ast(shell.compile.ast_parse(source))
    filename = shell.compile.cache(source, shell.execution_count, raw_code=cell)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace, hidden = shell.user_ns, getattr(shell, "user_ns_hidden", None)
    before = dict(namespace)
    value = None
    with trace_memory() as events:
        try:
            exec(shell.compile(tree, filename, "exec"), namespace)
            if last is not None:
                value = eval(shell.compile(ast.Expression(last.value), filename, "eval"), namespace)
        except BaseException:
            report = Report(events, filename, source, assigned_lines(tree, last), before, namespace, hidden,
                            stopped=True)
            display(report)
            raise
    return value, Report(events, filename, source, assigned_lines(tree, last), before, namespace, hidden)


_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
               ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def assigned_lines(tree, last=None):
    """{name: the line of its last assignment in the cell} for every name the cell's own
    code binds (=, +=, for, with ... as, :=), not the locals of its functions, classes and
    comprehensions (nor the names of functions and classes: they hold no tensor)."""
    lines = {}

    def visit(node):
        if isinstance(node, _OWN_SCOPES):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            lines[node.id] = max(node.lineno, lines.get(node.id, 0))
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in list(tree.body) + ([last] if last is not None else []):
        visit(statement)
    return lines


def where_in_cell(frames, filename):
    """(line, the function of the cell it is in or None) of the
    innermost frame of the cell's own code; (None, None) if the cell is not on the stack."""
    for file, line, function in frames:
        if file == filename:
            return line, (None if function == "<module>" else function)
    return None, None


def view_results(assigned, before, namespace, events, hidden=None):
    """[(line, name, what)] for the tensors the cell assigned that are no new memory: another
    variable's tensor itself, a view (`._base`), or a tensor sharing another's storage that
    the cell did not make (a copy shared by its own views is new memory, not a view)."""
    from tinytorch import Tensor

    found = []
    for name, line in sorted(assigned.items(), key=lambda item: (item[1], item[0])):
        value = namespace.get(name)
        if not isinstance(value, Tensor) or before.get(name) is value:
            continue
        if value._base is None and any(event.is_storage_of(value) for event in events):
            continue  # its own new memory: the report lists it
        same = sorted(other for other, v in user_variables(namespace, hidden) if v is value and other != name)
        sharing = [other for other in sharing_names(value, namespace, hidden) if other not in same]
        if same:
            what = "the very tensor " + ", ".join(same) + " holds (no new tensor)"
        elif value._base is not None:
            what = "a view, shares storage with " + ", ".join(sharing) if sharing else "a view of memory no variable holds"
        elif sharing:
            what = "shares storage with " + ", ".join(sharing) + " (no copy)"
        else:
            continue
        found.append((line, name, what))
    return found


class Report:
    """What %%copies shows: the cell's new memory line by line, then its results that are views."""

    def __init__(self, events, filename, source, assigned, before, namespace, hidden=None, stopped=False):
        self.source_lines = source.splitlines()
        self.stopped = stopped
        self.groups = {}  # (line, function, op, kind, why) -> [events], in order of first appearance
        for event in events:
            key = (*where_in_cell(event.frames, filename), event.op, event.kind, event.why)
            self.groups.setdefault(key, []).append(event)
        self.views = view_results(assigned, before, namespace, events, hidden)

    def summary(self):
        kinds = {"copied": [], "allocated": []}
        for (_, _, _, kind, _), events in self.groups.items():
            kinds[kind] += events
        copies, allocations = kinds["copied"], kinds["allocated"]
        if not copies and not allocations:
            text = "tinytorch allocated and copied nothing in this cell"
        else:
            text = "tinytorch made " + " and ".join(
                f"{len(events)} {word if len(events) == 1 else plural} ({_bytes(sum(e.nbytes for e in events))})"
                for events, word, plural in ((copies, "copy", "copies"), (allocations, "allocation", "allocations"))
                if events) + " in this cell"
        return text + (", up to the error." if self.stopped else ".")

    def entries(self):
        """[(line, its source, [(op, what it did there)])], in order of lines (None last)."""
        by_line = {}
        for (line, function, op, kind, why), events in self.groups.items():
            where = f" (in {function}())" if function else ""
            sizes = {(e.numel, e.dtype.name, e.nbytes) for e in events}
            if len(sizes) == 1:
                ((numel, dtype, nbytes),) = sizes
                amount = f"{numel} {dtype} ({_bytes(nbytes)})" + (f", {len(events)} times" if len(events) > 1 else "")
            else:
                amount = f"{len(events)} times, {_bytes(sum(e.nbytes for e in events))} in all"
            by_line.setdefault(line, []).append((op, f"{where} {kind} {amount}" + (f": {why}" if why else "")))
        order = sorted(by_line, key=lambda line: (line is None, line or 0))
        return [(line, self._source(line), by_line[line]) for line in order]

    def _source(self, line):
        index = -1 if line is None else line - 1
        return self.source_lines[index].strip() if 0 <= index < len(self.source_lines) else ""

    def __repr__(self):
        out = [self.summary()]
        for line, source, done in self.entries():
            out.append(f"line {line}  {source}" if line is not None else "outside this cell's code")
            out += [f"    {op}{what}" for op, what in done]
        if self.views:
            out.append(VIEWS_TITLE)
            out += [f"line {line}  {name}: {what}" for line, name, what in self.views]
        return "\n".join(out)

    def _repr_html_(self):
        """The same as the text, for JupyterLab: plain blocks with inline styles (Lab's own
        table and list styles would center and bullet them), code in <code>."""
        def label(line):
            return f'<span style="{MUTED}">{"line " + str(line) if line is not None else "outside this cell"}</span>'

        parts = [f"<div>{html.escape(self.summary())}</div>"]
        for line, source, done in self.entries():
            parts.append(f'<div class="tinytorch-copies-line" style="margin-top: 0.3em">{label(line)} '
                         f"<code>{html.escape(source)}</code></div>")
            parts += [f'<div class="tinytorch-copies-event" style="margin-left: 2em"><code>{html.escape(op)}</code>'
                      f"{html.escape(what)}</div>" for op, what in done]
        if self.views:
            parts.append(f'<div style="margin-top: 0.5em">{VIEWS_TITLE}</div>')
            parts += [f'<div class="tinytorch-copies-view">{label(line)} <code>{html.escape(name)}</code>: '
                      f"{html.escape(what)}</div>" for line, name, what in self.views]
        return f'<div class="tinytorch-copies" style="{BLOCK}">{"".join(parts)}</div>'


def _bytes(n):
    return "1 byte" if n == 1 else f"{n:,} bytes"


def register(shell):
    """Add the cell magic %%copies to `shell` (an InteractiveShell)."""

    def copies_magic(line="", cell=""):
        """%%copies: run the cell, then list each allocation and copy tinytorch made, by line."""
        __tracebackhide__ = True
        if line.strip():
            raise UsageError(f"%%copies takes no arguments (got {line.strip()!r}): put the code on the lines below it")
        value, report = run_traced(shell, cell)
        display(report)
        return value

    shell.register_magic_function(copies_magic, magic_kind="cell", magic_name="copies")
