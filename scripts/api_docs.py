"""Write docs/api.md: what tinytorch implements, read from the code itself, and
where it knowingly differs from PyTorch 2.13 (tinytorch/differences.py).

    python scripts/api_docs.py           write docs/api.md
    python scripts/api_docs.py --check   exit 1 if docs/api.md is not current

tests/test_api_docs.py runs the check, so the page cannot fall behind the code.
"""
import inspect
import re
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tinytorch  # noqa: E402
from tinytorch.differences import KNOWN_DIFFERENCES  # noqa: E402

PAGE = ROOT / "docs" / "api.md"

INTRO = """# tinytorch API reference

Generated from the code by `scripts/api_docs.py`; `tests/test_api_docs.py` fails when
this page is out of date. Everything listed here behaves as in PyTorch 2.13 (values,
dtypes, shapes, strides, views and copies, reprs, errors, gradients and `grad_fn`
names), except where the last section says otherwise. Write `import tinytorch as torch`
and the names below are where PyTorch has them.

Keywords are PyTorch's too: `out=` where PyTorch takes it (most functions of the
`tinytorch` and `tinytorch.linalg` namespaces); NumPy's `axis=` and `keepdims=` for
`dim` and `keepdim` where PyTorch's argument parser reads the call (not `norm` or
`split`, which PyTorch writes in Python); `size=` on the creation functions and
`new_zeros`/`new_ones`/`new_empty`; `dims=` on `permute` and `flip`.
"""


def summary(obj):
    """The first sentence of obj's docstring, on one line ('' if it has none)."""
    doc = inspect.getdoc(obj) or ""
    first = " ".join(doc.split("\n\n")[0].split())
    end = first.find(". ")
    return first if end < 0 else first[:end + 1]


def signature(obj):
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"
    text = re.sub(r"<object object at 0x[0-9a-f]+>", "(not given)", text)  # a sentinel default
    return text.replace("(self, ", "(").replace("(self)", "()")


def entry(name, obj):
    line = f"- `{name}{signature(obj)}`" if callable(obj) and not isinstance(obj, type) else f"- `{name}`"
    note = summary(obj) if not isinstance(obj, types.ModuleType) else ""
    return line + (f": {note}" if note else "")


def public(namespace, keep):
    """(name, object) for the public names of a module or class that `keep` accepts, sorted."""
    names = namespace.__all__ if hasattr(namespace, "__all__") else dir(namespace)
    return sorted((name, getattr(namespace, name)) for name in names
                  if not name.startswith("_") and keep(name, getattr(namespace, name)))


def is_function(name, obj):
    return callable(obj) and not isinstance(obj, type) and getattr(obj, "__module__", "").startswith("tinytorch")


def section(title, items, note=""):
    lines = [f"## {title}", ""]
    if note:
        lines += [note, ""]
    lines += [entry(name, obj) for name, obj in items]
    return lines + [""]


def page():
    import tinytorch.nn.functional as F
    dtypes = [name for name in dir(tinytorch) if isinstance(getattr(tinytorch, name), tinytorch.dtype)]
    tensor_members = public(tinytorch.Tensor, lambda name, obj: True)
    modules = public(tinytorch.nn, lambda name, obj: isinstance(obj, type))
    lines = INTRO.split("\n") + [""]
    lines += section("Functions: `tinytorch`", public(tinytorch, lambda n, o: is_function(n, o) and n not in dtypes))
    lines += section("Classes: `tinytorch`", public(tinytorch, lambda n, o: isinstance(o, type)
                                                    and o.__module__.startswith("tinytorch")))
    lines += ["## dtypes", "", ", ".join(f"`{name}`" for name in sorted(dtypes)), ""]
    lines += section("Tensor methods and attributes: `tinytorch.Tensor`",
                     [(name, obj) for name, obj in tensor_members])
    lines += section("Modules: `tinytorch.nn`", modules,
                     "Each is a `Module`: parameters, `state_dict`, `train`/`eval` and the repr behave as in PyTorch.")
    lines += section("Functions: `tinytorch.nn.functional`", public(F, is_function))
    lines += section("Initialisation: `tinytorch.nn.init`", public(tinytorch.nn.init, is_function))
    lines += section("Optimizers: `tinytorch.optim`", public(tinytorch.optim, lambda n, o: isinstance(o, type)))
    lines += section("Linear algebra: `tinytorch.linalg`", public(tinytorch.linalg, lambda n, o: callable(o)))
    lines += section("Autograd: `tinytorch.autograd`", public(tinytorch.autograd, lambda n, o: callable(o)))
    lines += ["## Where tinytorch knowingly differs from PyTorch 2.13", ""]
    for area, what, why in KNOWN_DIFFERENCES:
        lines += [f"- **{area}.** {what} *Why:* {why}"]
    return "\n".join(lines).rstrip() + "\n"


def main(argv):
    text = page()
    if "--check" in argv:
        if not PAGE.exists() or PAGE.read_text() != text:
            print("docs/api.md is out of date: run python scripts/api_docs.py")
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
