"""How much of tinytorch's code a learner reads, and how much exists only to match PyTorch.

    .venv/bin/python scripts/code_metrics.py [ROOT]

ROOT is a checkout of this project (default: this one), so an older commit can be
measured the same way (git worktree add /tmp/old <commit>). A code line is a line
that holds part of a statement, not counting docstrings, comments or blank lines.
PyTorch-only lines are those of tinytorch/exact/, plus, elsewhere, the lines that
widgets.show_source folds: the bodies of checks that raise (PyTorch's messages) and
statements under a `# PyTorch detail:` comment. Also reported: imports made inside
functions (each one is a place where the layers of the package circle back), and the
longest files.
"""
import ast
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from widgets.source_view import find_folds  # noqa: E402


def code_lines(tree, source_lines):
    """The line numbers (from 1) that hold code: statements minus docstrings."""
    lines = set()
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
        if isinstance(node, ast.stmt):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return {n for n in lines - docstrings
            if source_lines[n - 1].strip() and not source_lines[n - 1].lstrip().startswith("#")}


def folded_lines(tree, source):
    """Lines (from 1) that show_source folds in the module's top-level functions and classes."""
    lines = source.splitlines()
    folded = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            start = (node.decorator_list[0].lineno if node.decorator_list else node.lineno)
            block = "\n".join(lines[start - 1: node.end_lineno]) + "\n"
            for fold in find_folds(block):
                folded.update(range(start + fold.first, start + fold.last + 1))
    return folded


def function_level_imports(tree):
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            count += sum(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(node))
    return count


def main(root):
    package = root / "tinytorch"
    total = exact = folded = 0
    imports = {}
    sizes = []
    for path in sorted(package.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        lines = code_lines(tree, source.splitlines())
        total += len(lines)
        if path.relative_to(package).parts[0] == "exact":
            exact += len(lines)
        else:
            folded += len(lines & folded_lines(tree, source))
        n = function_level_imports(tree)
        if n:
            imports[path.relative_to(root).as_posix()] = n
        sizes.append((len(source.splitlines()), path.relative_to(root).as_posix()))
    print(f"code lines in tinytorch/: {total}")
    print(f"  in tinytorch/exact/: {exact} ({exact / total:.0%})")
    core = total - exact
    print(f"  in the core (the rest): {core}, of which show_source folds (checks' messages, "
          f"'# PyTorch detail:') {folded} ({folded / core:.1%})")
    print(f"  PyTorch-only in all: {exact + folded} ({(exact + folded) / total:.0%})")
    print(f"imports inside functions: {sum(imports.values())} in {len(imports)} files")
    for name, n in sorted(imports.items(), key=lambda item: -item[1]):
        print(f"  {n:3d}  {name}")
    print("longest files:")
    for n, name in sorted(sizes, reverse=True)[:5]:
        print(f"  {n:5d}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
