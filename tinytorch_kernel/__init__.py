"""The teaching kernel: a Jupyter kernel in which `import torch` is tinytorch.

"Python 3 (tinytorch)" is the ordinary IPython kernel (ipykernel) started with this
IPython extension (its kernel.json passes `--ext=tinytorch_kernel`). The extension:

- puts a finder first on `sys.meta_path` that maps `torch` to `tinytorch` and every
  `torch.X` to `tinytorch.X`, so `import torch`, `from torch import nn`,
  `import torch.nn.functional as F` and `from torch.autograd import Function` give
  tinytorch's own modules (`torch.nn is tinytorch.nn`);
- makes a module tinytorch does not have (`torch.distributed`, `torch._dynamo`) or a
  library built on real PyTorch (`torchvision`, `torchaudio`, ...) fail at import with
  a ModuleNotFoundError that names it and says how to switch kernels, and a name a
  module or a tensor lacks (`torch.compile`, `nn.Transformer`, `t.clamp_min_`) an
  AttributeError that says the same;
- adds the line magic `%tinytorch`: which library `torch` is, and how to switch;
- adds the line magics `%storage a b` (a StorageView of those variables, labelled with
  their names) and `%graph loss` (a GraphView of `loss`, its leaves named): magics.py;
- adds the cell magic `%%copies`: runs the cell, then lists each allocation and copy
  tinytorch made, with the line that made it and why, and which results were views:
  copies.py;
- shows under every displayed tensor what it is made of (tensor_line.py): its
  `text/plain` stays torch's repr, and a `text/html` line for JupyterLab adds shape,
  stride, offset, dtype, storage, and the variables that share its storage.

Nothing changes outside this kernel: the plain "Python 3 (ipykernel)" kernel imports
real torch, and the lessons write `import tinytorch as torch` themselves.

    python -m tinytorch_kernel install --sys-prefix     (see __main__.py)
    %load_ext tinytorch_kernel                          (in a kernel that has not imported torch)
"""
import difflib
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from pathlib import Path

from . import copies, magics, tensor_line

KERNEL_NAME = "tinytorch"
DISPLAY_NAME = "Python 3 (tinytorch)"
PLAIN_KERNEL = "Python 3 (ipykernel)"

# Libraries built on real PyTorch: under this kernel they would import tinytorch and
# fail somewhere inside, so they fail at once, with the reason. Any top-level name
# starting with "torch" (torchvision, torchaudio, torchtext, ...) counts too.
BUILT_ON_TORCH = frozenset({"functorch"})


def _api_docs():
    """Where the list of what tinytorch has lives: the checkout's docs/api.md."""
    checkout = Path(__file__).resolve().parent.parent / "docs" / "api.md"
    return f"docs/api.md ({checkout})" if checkout.is_file() else "docs/api.md in the course's repository"


def _how_to_switch():
    return (f'To run this notebook with real PyTorch, switch it to the "{PLAIN_KERNEL}" kernel '
            "(JupyterLab: Kernel > Change Kernel...; or click the kernel name at the top right).")


def missing_module_message(name):
    top = name.partition(".")[0]
    if top != "torch":
        why = (f"`{top}` is built on real PyTorch, and in this kernel `import torch` is tinytorch, "
               "a small teaching library: PyTorch's tensors, autograd, nn and optim, not the libraries built on them.")
    else:
        why = (f"In this kernel `import torch` is tinytorch, which has no `{name}` "
               f"(it would be tinytorch's `tinytorch{name[len('torch'):]}`).")
    return f"No module named '{name}' in the tinytorch kernel. {why} What tinytorch has: {_api_docs()}. {_how_to_switch()}"


def missing_attribute_message(module, name, close=None, subject=None):
    """What `torch.compile`, `nn.Transformer` or `t.clamp_min_` says when tinytorch lacks
    it: `module` is the name the notebook knows its owner by (torch, torch.nn, torch.Tensor),
    `subject` how Python names that owner ("module 'torch'", the default, or "'Tensor'
    object"). `close`, a name the owner has that looks like it, is offered first: a typo
    fails in real torch too."""
    subject = subject or f"module '{module}'"
    typo = f" (A typo? It has `{close}`.)" if close else ""
    return (f"{subject} has no attribute '{name}' in the tinytorch kernel.{typo} In this kernel `import torch` "
            f"is tinytorch, which has no `{module}.{name}`. What tinytorch has: {_api_docs()}. {_how_to_switch()}")


def _close_name(name, owner):
    close = difflib.get_close_matches(name, [n for n in dir(owner) if not n.startswith("_")], n=1, cutoff=0.75)
    return close[0] if close else None


def _explain_missing_attributes(module, torch_name):
    """Give the tinytorch module imported as `torch_name` a module __getattr__ (PEP 562)
    that explains a missing public name, or suggests the close one a typo missed. Python
    calls it only for names the module lacks; names starting with `_` (what libraries
    probe with hasattr) get the usual error."""
    if "__getattr__" in vars(module):
        return  # it answers some names itself (tinytorch.return_types)

    def __getattr__(name):
        if name.startswith("_"):
            raise AttributeError(f"module '{torch_name}' has no attribute '{name}'", name=name, obj=module)
        raise AttributeError(missing_attribute_message(torch_name, name, _close_name(name, module)),
                             name=name, obj=module)

    __getattr__.explains_missing = True
    module.__getattr__ = __getattr__


def _explain_missing_tensor_attributes():
    """The same for a tensor's methods (`t.clamp_min_`): a __getattr__ on tinytorch's Tensor,
    which Python calls only when the usual lookup fails, so a tensor's own attributes cost
    nothing more."""
    from tinytorch import Tensor

    if "__getattr__" in vars(Tensor):
        return

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(f"'Tensor' object has no attribute '{name}'", name=name, obj=self)
        raise AttributeError(missing_attribute_message("torch.Tensor", name, _close_name(name, Tensor),
                                                       subject="'Tensor' object"), name=name, obj=self)

    __getattr__.explains_missing = True
    Tensor.__getattr__ = __getattr__


def _forget_missing_attributes():
    """Undo _explain_missing_attributes on every tinytorch module, and on Tensor (the
    extension unloads)."""
    for module in list(sys.modules.values()):
        hook = vars(module).get("__getattr__") if getattr(module, "__name__", "").startswith("tinytorch") else None
        if getattr(hook, "explains_missing", False):
            del module.__getattr__
    tinytorch = sys.modules.get("tinytorch")
    if tinytorch is not None and getattr(vars(tinytorch.Tensor).get("__getattr__"), "explains_missing", False):
        del tinytorch.Tensor.__getattr__


def _blocked(name):
    top = name.partition(".")[0]
    return top != "torch" and (top.startswith("torch") or top in BUILT_ON_TORCH)


def _in_fromlist():
    """Whether importlib is importing a name of `from torch import name` that the module
    lacks as an attribute. It then imports `tinytorch.name` (the module's own name), and
    a ModuleNotFoundError whose .name is that module becomes only "cannot import name
    'name' from 'tinytorch'"."""
    frame = sys._getframe(2)
    for _ in range(12):
        if frame is None:
            return False
        if frame.f_code.co_name == "_handle_fromlist" and "importlib" in frame.f_code.co_filename:
            return True
        frame = frame.f_back
    return False


def _missing(name, in_fromlist=False):
    """The error for a module tinytorch lacks. Under `from torch import ...` it carries no
    .name, so that importlib passes it on and the learner reads this message."""
    return ModuleNotFoundError(missing_module_message(name), name=None if in_fromlist else name)


class _SameModule(importlib.abc.Loader):
    """Loads `torch.X` as the module object `tinytorch.X` itself: importlib puts it in
    sys.modules under the torch name too. importlib stamps the new spec on the module;
    exec_module puts tinytorch's own spec back, so tinytorch is left as it was."""

    def __init__(self, tiny_name):
        self.tiny_name = tiny_name
        self.original_spec = None

    def create_module(self, spec):
        module = importlib.import_module(self.tiny_name)
        self.original_spec = module.__spec__
        # This module and every tinytorch module loaded so far (`torch.nn` is reached as an
        # attribute of `torch` too, without an import) explain a name they lack.
        for name, loaded in list(sys.modules.items()):
            if name == "tinytorch" or name.startswith("tinytorch."):
                _explain_missing_attributes(loaded, "torch" + name[len("tinytorch"):])
        _explain_missing_tensor_attributes()
        return module

    def exec_module(self, module):
        module.__spec__ = self.original_spec


class TorchIsTinytorch(importlib.abc.MetaPathFinder):
    """`torch` and `torch.X` are `tinytorch` and `tinytorch.X`; a module tinytorch lacks
    (or a library built on torch) is a ModuleNotFoundError that explains itself."""

    def find_spec(self, fullname, path=None, target=None):
        if _blocked(fullname):
            raise _missing(fullname, _in_fromlist())
        if fullname.startswith("tinytorch.") and _in_fromlist():
            # `from torch import distributed`: importlib asks for tinytorch.distributed.
            if importlib.machinery.PathFinder.find_spec(fullname, path) is None:
                raise _missing("torch" + fullname[len("tinytorch"):], True)
            return None
        if fullname != "torch" and not fullname.startswith("torch."):
            return None
        tiny_name = "tinytorch" + fullname[len("torch"):]
        try:
            tiny_spec = importlib.util.find_spec(tiny_name)
        except ModuleNotFoundError:
            tiny_spec = None
        if tiny_spec is None:
            raise _missing(fullname, _in_fromlist())
        return importlib.machinery.ModuleSpec(fullname, _SameModule(tiny_name), origin=tiny_spec.origin,
                                              is_package=tiny_spec.submodule_search_locations is not None)


def _finders():
    return [f for f in sys.meta_path if isinstance(f, TorchIsTinytorch)]


def install_finder():
    """Put the finder first on sys.meta_path (once)."""
    if not _finders():
        sys.meta_path.insert(0, TorchIsTinytorch())


def uninstall_finder():
    for finder in _finders():
        sys.meta_path.remove(finder)


def describe(module):
    """What the `%tinytorch` magic prints about `torch` (a module, or None when `torch`
    is not imported yet)."""
    import tinytorch

    if module is None:
        module = tinytorch if _finders() else None
        verb = "will import"
    else:
        verb = "is"
    if module is tinytorch:
        lines = [f"`torch` {verb} tinytorch {tinytorch.__version__} ({Path(tinytorch.__file__).parent}), "
                 "a small teaching library that behaves like PyTorch.",
                 f"What it has: {_api_docs()}.",
                 _how_to_switch()]
    elif module is None:
        lines = ["`torch` is not imported, and this kernel does not map it to tinytorch: "
                 "`import torch` imports real PyTorch here.",
                 f'To use tinytorch as torch, switch to the "{DISPLAY_NAME}" kernel.']
    else:
        version = getattr(module, "__version__", "(version unknown)")
        where = getattr(module, "__file__", None)
        lines = [f"`torch` is real PyTorch {version}" + (f" ({Path(where).parent})" if where else "") + ".",
                 f'To use tinytorch as torch, switch to the "{DISPLAY_NAME}" kernel and restart it.']
    return "\n".join(lines)


def tinytorch_magic(line=""):
    """%tinytorch: which library `torch` is in this kernel, its version, and how to switch."""
    import types

    shell = _shell()
    module = shell.user_ns.get("torch") if shell is not None else None
    if not isinstance(module, types.ModuleType):
        module = sys.modules.get("torch")
    print(describe(module))


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _in_finder(frame):
    """A frame of this module: a learner's `import torchvision` shows their line and the
    message without them, as a missing module does in any kernel."""
    return frame.tb_frame.f_code.co_filename == __file__


def _install_short_traceback(shell):
    """Show the finder's errors without its frames, and a %%copies cell's syntax error as a
    normal cell's, handing every error on to the custom handler loaded before (the
    environment's widgets.short_errors), if any."""
    previous_types, previous = shell.custom_exceptions, shell.CustomTB

    def show(shell, etype, value, tb, tb_offset=None):
        if getattr(value, "in_copies_cell", False):  # a %%copies cell's own syntax error: as any cell's
            shell.showsyntaxerror()
            return None
        if isinstance(value, (ModuleNotFoundError, AttributeError)) and "in the tinytorch kernel" in str(value):
            from widgets.short_errors import without_frames
            tb = value.__traceback__ = without_frames(tb, _in_finder)
        if previous_types and issubclass(etype, previous_types):
            return previous(etype, value, tb, tb_offset)
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None

    shell.set_custom_exc(tuple(set(previous_types) | {ModuleNotFoundError, AttributeError, SyntaxError}), show)
    shell._tinytorch_kernel_previous_exc = (previous_types, previous)


def load_ipython_extension(ipython):
    install_finder()
    if not hasattr(ipython, "_tinytorch_kernel_previous_exc"):
        _install_short_traceback(ipython)
    ipython.register_magic_function(tinytorch_magic, magic_kind="line", magic_name="tinytorch")
    magics.register(ipython)
    copies.register(ipython)
    tensor_line.register(ipython)
    already = sys.modules.get("torch")
    if already is not None and not already.__name__.startswith("tinytorch"):
        print("tinytorch_kernel: real torch was imported before this extension loaded; "
              "`torch` stays real PyTorch until the kernel restarts.", file=sys.stderr)


def unload_ipython_extension(ipython):
    uninstall_finder()
    _forget_missing_attributes()
    tensor_line.unregister(ipython)
    previous = getattr(ipython, "_tinytorch_kernel_previous_exc", None)
    if previous is not None:
        previous_types, handler = previous
        ipython.custom_exceptions, ipython.CustomTB = previous_types, handler
        del ipython._tinytorch_kernel_previous_exc
