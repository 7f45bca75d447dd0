"""`%%copies`: run a cell, then list every allocation and copy tinytorch made, by line, and why.

    %%copies
    b = a.t()
    c = b.contiguous()
    d = c.view(6)

runs the three lines as a normal cell would, then shows

    tinytorch made 1 copy (24 bytes) in this cell.
    line 3  c = b.contiguous()
        .contiguous() copied 6 float32 (24 bytes): the tensor was a transposed view
    Results without new memory of their own:
    line 2  b: a view of a
    line 4  d: a view of c

Lines are numbered as the editor numbers them (the `%%copies` line is line 1), in the
report and in a traceback alike. An op called inside a function of the cell is reported
at the function's line ("in f(): ..."); one inside a function from elsewhere, at the
line of the cell that called it.

Three kinds of new memory, from tinytorch.memory_trace (which op, your code's frames,
why): an allocation holds an op's new results; a copy holds another tensor's values,
with the reason; scratch is memory tinytorch used on the way into a tensor written in
place (it computes the new values first, then writes them), which PyTorch does not
need: it is listed apart, after the rest.

Which results are no new memory is read from the namespace afterwards: each name the
cell assigned (at its last assignment's line), and the cell's value, that is another
variable's tensor itself (`contiguous()` of a contiguous tensor), a view (`._base`) of
a variable's tensor, a tuple of such views (split, unbind), a tensor sharing another's
memory (detach, from_numpy), or a NumPy array sharing a tensor's (`.numpy()`).

The report is an object with a text repr (for nbval and the console) and an HTML one
for JupyterLab. The cell's last expression is shown as its value, as in any cell; if
the cell raises, the report says what happened up to the error, and the error follows.
"""
import ast
import html
from collections import Counter

from IPython.core.error import UsageError
from IPython.display import display

from .tensor_line import sharing_names, user_variables

NO_NEW_MEMORY_TITLE = "Results without new memory of their own:"
SCRATCH_TITLE = "tinytorch's scratch memory, which PyTorch does not use (it writes in place directly):"
BLOCK = "font-family: var(--jp-ui-font-family, sans-serif); font-size: var(--jp-content-font-size1, 14px); line-height: 1.5"
MUTED = "color: var(--jp-ui-font-color2, #757575)"
MAX_NAMES = 3  # "a view of memory a, b, c share", then "and 2 more"
BACKWARD_OPS = (".backward()", "torch.autograd.grad()")
# What Python calls the code objects of a cell's anonymous functions.
ANONYMOUS = {"<lambda>": "a lambda", "<listcomp>": "a list comprehension", "<setcomp>": "a set comprehension",
             "<dictcomp>": "a dict comprehension", "<genexpr>": "a generator expression"}


def run_traced(shell, cell):
    """Run `cell` in the shell's namespace as IPython runs a cell (magics and AST
    transformers included); returns (the last expression's value or None, report)."""
    from tinytorch.memory_trace import trace_memory  # the kernel starts without importing tinytorch

    __tracebackhide__ = True  # an error in the cell shows the cell's frames, not these
    # A first empty line stands for the `%%copies` line, so that line numbers, in the report
    # and in tracebacks alike, are the editor's.
    source = "\n" + shell.transform_cell(cell)
    filename = shell.compile.cache(source, shell.execution_count, raw_code=cell)
    try:
        tree = shell.transform_ast(shell.compile.ast_parse(source, filename))
    except SyntaxError as error:
        error.in_copies_cell = True  # the kernel shows it as a normal cell's (tinytorch_kernel, show)
        raise
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    namespace, hidden = shell.user_ns, getattr(shell, "user_ns_hidden", None)
    before = dict(namespace)
    value = None
    lines = ("\n" + cell).splitlines()  # what the learner typed, for the report
    with trace_memory() as events:
        try:
            exec(shell.compile(tree, filename, "exec"), namespace)
            if last is not None:
                value = eval(shell.compile(ast.Expression(last.value), filename, "eval"), namespace)
        except BaseException:
            display(Report(events, filename, lines, assigned_lines(tree), before, namespace, hidden, stopped=True))
            raise
    results = assigned_lines(tree)
    if last is not None:
        results[VALUE] = last.lineno
        namespace = dict(namespace, **{VALUE: value})
    return value, Report(events, filename, lines, results, before, namespace, hidden)


VALUE = "the cell's value"  # how the report names the last expression's value


_OWN_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
               ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def assigned_lines(tree):
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

    for statement in tree.body:
        visit(statement)
    return lines


def where_in_cell(frames, filename):
    """(line, the function of the cell it is in or None) of the innermost frame of the
    cell's own code; (None, None) if the cell is not on the stack."""
    for file, line, function in frames:
        if file == filename:
            return line, (None if function == "<module>" else function)
    return None, None


# -- which results are no new memory -----------------------------------------------------
class Code(str):
    """A name or a piece of code in a report's sentence: <code> in HTML."""


def _joined(names):
    shown = [Code(n) for n in names[:MAX_NAMES]]
    parts = []
    for i, name in enumerate(shown):
        parts += [", "] * bool(i) + [name]
    if len(names) > MAX_NAMES:
        parts.append(f" and {len(names) - MAX_NAMES} more")
    return parts


def no_new_memory(assigned, before, namespace, events, hidden=None):
    """[(line, name, sentence)] for the results of the cell that have no memory of their
    own; sentence is a list of str and Code parts."""
    import numpy as np
    from tinytorch import Tensor

    variables = [(name, value) for name, value in user_variables(namespace, hidden) if name != VALUE]
    made_here = [event for event in events if event.kind != "scratch"]

    def one_name_each(names, skip):
        """`names`, one per tensor object (another name of the same tensor adds nothing):
        the names from before the cell first."""
        chosen, seen = [], set()
        for name in sorted(names, key=lambda n: (n not in before, n)):
            value = namespace[name]
            if id(value) not in seen and value is not skip:
                seen.add(id(value))
                chosen.append(name)
        return chosen

    def what(name, value):
        """("itself", [name]), ("view", names, exact), ("shares", names), ("array", names),
        ("before", []), or None for new memory of the cell's."""
        others = [(n, v) for n, v in variables if n != name]
        same = [n for n, v in others if v is value]
        if same:
            return ("itself", one_name_each(same, None)[:1])
        base = value._base
        if base is not None:
            holders = [n for n, v in others if v is base]
            if holders:
                return ("view", one_name_each(holders, None), True)
        if any(event.is_storage_of(value) for event in made_here):
            return None  # its own new memory: the report lists it at its line
        sharing = one_name_each(sharing_names(value, dict(others), hidden), value)
        if base is not None:
            return ("view", sharing, False)
        if sharing:
            return ("shares", sharing)
        arrays = [n for n, v in others if isinstance(v, np.ndarray) and _shares(value, v)]
        return ("array", arrays) if arrays else ("before", [])

    found = []
    for name, line in sorted(assigned.items(), key=lambda item: (item[1], item[0])):
        value = namespace.get(name)
        if value is None or (name in before and before[name] is value):
            continue
        if name == VALUE and any(v is value for _, v in variables):
            continue  # the cell ends by showing a variable
        sentence = None
        if isinstance(value, Tensor):
            sentence = _said(what(name, value))
        elif isinstance(value, (tuple, list)) and value and all(isinstance(v, Tensor) for v in value):
            each = [what(name, v) for v in value]
            if each[0] is not None and each[0][0] == "view" and all(w == each[0] for w in each):
                sentence = _said(each[0], count=len(value))
        elif isinstance(value, np.ndarray):
            tensors = [n for n, v in variables if isinstance(v, Tensor) and n != name and _shares(v, value)]
            if tensors:
                sentence = ["a NumPy array sharing the memory of ", *_joined(one_name_each(tensors, None))]
        if sentence is not None:
            found.append((line, name, sentence))
    return found


def _said(found, count=1):
    """A sentence (str and Code parts) for what no_new_memory's `what` found."""
    if found is None:
        return None
    kind, names = found[0], found[1]
    if kind == "itself":
        return ["is ", Code(names[0]), " itself"]
    if kind == "view":
        views = "a view" if count == 1 else f"{count} views"
        if not names:
            return [f"{views} of memory no variable holds"]
        if found[2]:  # a view of that very tensor
            return [f"{views} of ", *_joined(names)]
        if len(names) == 1:
            return [f"{views} of ", Code(names[0]), "'s memory"]
        return [f"{views} of the memory ", *_joined(names), " share"]
    if kind == "shares":
        return ["shares the memory of ", *_joined(names), " (no copy)"]
    if kind == "array":
        return ["shares the memory of the NumPy array ", *_joined(names)]
    return ["memory made before this cell (no copy)"]


def _shares(tensor, array):
    """Whether a tinytorch tensor on the CPU and a NumPy array overlap in memory."""
    import numpy as np

    if tensor.device.type != "cpu":
        return False
    return np.shares_memory(tensor.detach().numpy(), array)


# -- the report -----------------------------------------------------------------------------
class Report:
    """What %%copies shows: the cell's new memory line by line, its results without new
    memory, then tinytorch's scratch memory."""

    def __init__(self, events, filename, lines, assigned, before, namespace, hidden=None, stopped=False):
        self.lines = lines
        self.stopped = stopped
        self.groups = {}  # (line, function, op, kind, why) -> [events], in order of first appearance
        for event in events:
            key = (*where_in_cell(event.frames, filename), event.op, event.kind, event.why)
            self.groups.setdefault(key, []).append(event)
        self.views = no_new_memory(assigned, before, namespace, events, hidden)

    def _events(self, kind):
        return [e for (_, _, _, k, _), events in self.groups.items() if k == kind for e in events]

    def summary(self):
        copies, allocations, scratch = self._events("copied"), self._events("allocated"), self._events("scratch")
        if not copies and not allocations:
            text = "tinytorch allocated and copied nothing in this cell"
        else:
            text = "tinytorch made " + " and ".join(
                f"{len(events)} {word if len(events) == 1 else plural} ({_bytes(sum(e.nbytes for e in events))})"
                for events, word, plural in ((copies, "copy", "copies"), (allocations, "allocation", "allocations"))
                if events) + " in this cell"
        if scratch:
            text += f", and used {_bytes(sum(e.nbytes for e in scratch))} of scratch memory for in-place ops"
        return text + (", up to the error." if self.stopped else ".")

    def entries(self, scratch=False):
        """[(line, its source, [(where, op, what it did)])], in order of lines (None last):
        copies and allocations, or with scratch=True the scratch memory."""
        by_line = {}
        for (line, function, op, kind, why), events in self.groups.items():
            if (kind == "scratch") != scratch:
                continue
            where = f"in {ANONYMOUS.get(function, f'{function}()')}: " if function else ""
            verb = "used" if scratch else kind
            what = f"{verb} {_amount(events)}"
            if op in BACKWARD_OPS:
                what += ", for gradients and backward's intermediate results"
            by_line.setdefault(line, []).append((where, op, what + (f": {why}" if why else "")))
        order = sorted(by_line, key=lambda line: (line is None, line or 0))
        return [(line, self._source(line), by_line[line]) for line in order]

    def _source(self, line):
        return self.lines[line - 1].strip() if line is not None and 0 < line <= len(self.lines) else ""

    def _sections(self):
        """(title or None, [(label, code, [sentence])]) for each part of the report."""
        memory = [(line, source, [[where, Code(op), " ", what] for where, op, what in done])
                  for line, source, done in self.entries()]
        views = [(line, None, [[Code(name) if name != VALUE else name, ": ", *sentence]])
                 for line, name, sentence in self.views]
        scratch = [(line, source, [[where, Code(op), " ", what] for where, op, what in done])
                   for line, source, done in self.entries(scratch=True)]
        return [(None, memory), (NO_NEW_MEMORY_TITLE, views), (SCRATCH_TITLE, scratch)]

    def __repr__(self):
        out = [self.summary()]
        for title, rows in self._sections():
            if rows and title:
                out.append(title)
            for line, source, sentences in rows:
                label = f"line {line}" if line is not None else "outside this cell's code"
                if source is None:  # a result: one line
                    out += [f"{label}  " + "".join(sentence) for sentence in sentences]
                else:
                    out.append(f"{label}  {source}")
                    out += ["    " + "".join(sentence) for sentence in sentences]
        return "\n".join(out)

    def _repr_html_(self):
        """The same as the text, for JupyterLab: plain blocks with inline styles (Lab's own
        table and list styles would center and bullet them), code in <code>."""
        def label(line):
            return f'<span style="{MUTED}">{"line " + str(line) if line is not None else "outside this cell"}</span>'

        def sentence_html(parts):
            return "".join(f"<code>{html.escape(p)}</code>" if isinstance(p, Code) else html.escape(p) for p in parts)

        parts = [f"<div>{html.escape(self.summary())}</div>"]
        for title, rows in self._sections():
            if rows and title:
                parts.append(f'<div style="margin-top: 0.5em">{html.escape(title)}</div>')
            for line, source, sentences in rows:
                if source is None:
                    parts += [f'<div class="tinytorch-copies-view">{label(line)} {sentence_html(s)}</div>'
                              for s in sentences]
                else:
                    parts.append(f'<div class="tinytorch-copies-line" style="margin-top: 0.3em">{label(line)} '
                                 f"<code>{html.escape(source)}</code></div>")
                    parts += [f'<div class="tinytorch-copies-event" style="margin-left: 2em">{sentence_html(s)}</div>'
                              for s in sentences]
        return f'<div class="tinytorch-copies" style="{BLOCK}">{"".join(parts)}</div>'


def _amount(events):
    """How much memory `events` made: "6 float32 (24 bytes)", "..., 3 times", each size,
    or for many sizes the total."""
    sizes = Counter((e.numel, e.dtype.name, e.nbytes) for e in events)
    said = [(f"{numel:,} {dtype} ({_bytes(nbytes)})", count) for (numel, dtype, nbytes), count in sizes.items()]
    if len(said) == 1:
        ((size, count),) = said
        return size + (f", {count} times" if count > 1 else "")
    if len(said) <= 3:
        return " and ".join(size + (f" {count} times" if count > 1 else "") for size, count in said)
    return f"{len(events)} times, {_bytes(sum(e.nbytes for e in events))} in all"


def _bytes(n):
    if n == 1:
        return "1 byte"
    if n < 10_000:
        return f"{n} bytes"
    unit, size = ("MiB", n / 2**20) if n >= 2**20 else ("KiB", n / 2**10)
    return f"{n:,} bytes = {size:.1f} {unit}"


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
