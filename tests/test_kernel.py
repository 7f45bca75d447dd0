"""The teaching kernel "Python 3 (tinytorch)" (tinytorch_kernel/), used as a user uses it.

The kernelspec is installed with `python -m tinytorch_kernel install --prefix P`, found by
Jupyter through JUPYTER_PATH, and one kernel of it runs a notebook that imports torch in
every way tutorials do: each import must be tinytorch's own module. A plain "python3"
kernel started the same way must still import real torch.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tinytorch
import tinytorch_kernel
from kernel_runs import install_kernel, run_cells
from tinytorch_kernel.__main__ import SPEC

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("prefix")
    install_kernel(prefix)
    return prefix


def _spec(folder):
    return json.loads((folder / "kernel.json").read_text(encoding="utf-8"))


def test_the_kernelspec_names_the_kernel_and_loads_the_extension(prefix):
    """`install` writes the shipped kernelspec with this Python in argv (for a Jupyter that
    may run elsewhere), and the kernel's own launcher icon."""
    folder = prefix / "share" / "jupyter" / "kernels" / "tinytorch"
    spec = _spec(folder)
    assert spec["display_name"] == tinytorch_kernel.DISPLAY_NAME == "Python 3 (tinytorch)"
    assert spec["language"] == "python"
    assert spec["argv"] == [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                            "--ext=tinytorch_kernel"]
    assert dict(spec, argv=spec["argv"][1:]) == dict(_spec(SPEC), argv=_spec(SPEC)["argv"][1:])
    assert sorted(p.name for p in folder.iterdir()) == ["kernel.json", "logo-svg.svg"]
    assert (folder / "logo-svg.svg").read_bytes() == (SPEC / "logo-svg.svg").read_bytes()


def test_the_set_up_installed_the_kernel_in_the_environment():
    """make setup (and environment.yml) install ./jupyter: the shipped kernelspec as it is,
    its "python" read by Jupyter as the environment's own."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "tinytorch"
    assert installed.is_dir(), "no tinytorch kernel in this environment: run `make setup`"
    for name in ("kernel.json", "logo-svg.svg"):
        assert (installed / name).read_bytes() == (SPEC / name).read_bytes(), f"{name} is stale: run `make setup`"


def test_the_jupyter_files_install_where_jupyter_and_ipython_look(tmp_path):
    """./jupyter, installed by pip into a fresh prefix as environment.yml has conda do it
    (from a copy of the two folders it reads, so the checkout gets no build files), puts
    the kernelspec and the IPython config where Jupyter and IPython read them, and the
    kernel found there runs tinytorch. (--ignore-installed: without it, pip would first
    uninstall the copy that make setup installed in this environment.)"""
    copy = tmp_path / "checkout"
    shutil.copytree(ROOT / "jupyter", copy / "jupyter")
    shutil.copytree(SPEC, copy / "tinytorch_kernel" / SPEC.name)
    prefix = tmp_path / "env"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    result = subprocess.run(pip + ["--no-deps", "--no-build-isolation", "--ignore-installed", "--prefix", str(prefix),
                                   "./jupyter"], cwd=copy, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    kernel = prefix / "share" / "jupyter" / "kernels" / "tinytorch"
    assert sorted(p.name for p in kernel.iterdir()) == ["kernel.json", "logo-svg.svg"]
    assert (kernel / "kernel.json").read_bytes() == (SPEC / "kernel.json").read_bytes()
    config = prefix / "etc" / "ipython" / "ipython_kernel_config.py"
    assert config.read_bytes() == (ROOT / "jupyter" / "ipython_kernel_config.py").read_bytes()
    (cell,) = run_cells("tinytorch", ["import torch\nprint(torch.__name__)"], prefix / "share" / "jupyter")
    assert _text(cell) == "tinytorch\n"


def _text(cell):
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "execute_result":
            parts.append(out.data["text/plain"] + "\n")
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}\n")
    return "".join(parts)


IMPORTS = """\
import sys
import tinytorch
import torch
from torch import nn
import torch.nn.functional as F
from torch.autograd import Function
import torch.optim, torch.linalg, torch.cuda, torch.autograd.graph
from torch.optim import SGD
print(torch is tinytorch, nn is tinytorch.nn, F is tinytorch.nn.functional,
      Function is tinytorch.autograd.Function, torch.optim is tinytorch.optim,
      torch.linalg is tinytorch.linalg, torch.cuda is tinytorch.cuda,
      torch.autograd.graph is tinytorch.autograd.graph, SGD is tinytorch.optim.SGD,
      sys.modules["torch.nn.functional"] is tinytorch.nn.functional,
      tinytorch.__spec__.name == "tinytorch", tinytorch.nn.__spec__.name == "tinytorch.nn")
"""


@pytest.fixture(scope="module")
def tinytorch_cells(prefix):
    return run_cells("tinytorch", [
        IMPORTS,
        "torch.tensor([1., 2.]) * 2",
        "import torchvision",
        "import torch.distributed",
        "from torch import _dynamo",
        "%tinytorch",
        "loaded = get_ipython().extension_manager.loaded\n"
        "print('tinytorch_kernel' in loaded, 'widgets.short_errors' in loaded)",
        "torch.ones(2, 3).view(5)",
        "torch.compile",
        "nn.Transformer",
        "torch.onez(3)",
        "print(hasattr(torch, 'compile'), hasattr(torch.nn, 'Transformer'), hasattr(torch, '_C'), "
        "hasattr(torch, 'ones'))",
        "t = torch.ones(2)\nt.lerp_exact(t, 0.5)",
        "print(hasattr(t, 'lerp_exact'), hasattr(t, '_C'), hasattr(t, 'sum'))",
    ], prefix / "share" / "jupyter")


def test_in_the_kernel_every_form_of_import_torch_is_tinytorch(tinytorch_cells):
    assert _text(tinytorch_cells[0]) == " ".join(["True"] * 12) + "\n"


def test_a_tensor_prints_as_tinytorch_prints_it(tinytorch_cells):
    assert _text(tinytorch_cells[1]) == repr(tinytorch.tensor([1., 2.]) * 2) + "\n"
    assert _text(tinytorch_cells[1]) == "tensor([2., 4.])\n"


@pytest.mark.parametrize("index, name", [(2, "torchvision"), (3, "torch.distributed"), (4, "torch._dynamo")])
def test_a_module_tinytorch_lacks_fails_with_a_clear_message(tinytorch_cells, index, name):
    (error,) = [out for out in tinytorch_cells[index].outputs if out.output_type == "error"]
    assert error.ename == "ModuleNotFoundError"
    assert f"No module named '{name}' in the tinytorch kernel" in error.evalue
    assert "docs/api.md" in error.evalue
    assert 'switch it to the "Python 3 (ipykernel)" kernel' in error.evalue
    assert error.evalue == tinytorch_kernel.missing_module_message(name)


@pytest.mark.parametrize("index, module, name, close", [
    (8, "torch", "compile", None), (9, "torch.nn", "Transformer", None), (10, "torch", "onez", "ones")])
def test_a_name_tinytorch_lacks_fails_with_a_clear_message(tinytorch_cells, index, module, name, close):
    """torch.compile, nn.Transformer: an AttributeError that says tinytorch lacks it and how
    to switch, with a close name first in case of a typo; its traceback is the learner's line."""
    (error,) = [out for out in tinytorch_cells[index].outputs if out.output_type == "error"]
    assert error.ename == "AttributeError"
    assert error.evalue == tinytorch_kernel.missing_attribute_message(module, name, close)
    assert error.evalue.startswith(f"module '{module}' has no attribute '{name}' in the tinytorch kernel.")
    assert ("(A typo? It has `ones`.)" in error.evalue) == (close is not None)
    assert 'switch it to the "Python 3 (ipykernel)" kernel' in error.evalue
    assert "File " not in _traceback(tinytorch_cells[index])  # no frame of the kernel's


def test_a_missing_name_is_still_just_missing_to_hasattr(tinytorch_cells):
    assert _text(tinytorch_cells[11]) == "False False False True\n"
    assert _text(tinytorch_cells[13]) == "False False True\n"


def test_a_method_a_tensor_lacks_fails_with_a_clear_message(tinytorch_cells):
    (error,) = [out for out in tinytorch_cells[12].outputs if out.output_type == "error"]
    assert error.ename == "AttributeError"
    assert error.evalue == tinytorch_kernel.missing_attribute_message("torch.Tensor", "lerp_exact",
                                                                      subject="'Tensor' object")
    assert error.evalue.startswith("'Tensor' object has no attribute 'lerp_exact' in the tinytorch kernel.")
    assert "File " not in _traceback(tinytorch_cells[12])


def test_the_tinytorch_magic_says_which_torch_and_how_to_switch(tinytorch_cells):
    text = _text(tinytorch_cells[5])
    assert text.startswith(f"`torch` is tinytorch {tinytorch.__version__} ({ROOT / 'tinytorch'})")
    assert "docs/api.md" in text
    assert '"Python 3 (ipykernel)" kernel' in text


def test_the_environment_config_still_loads_short_errors(tinytorch_cells):
    """jupyter/ipython_kernel_config.py (installed into the environment by make setup) loads
    widgets.short_errors in every kernel; the kernelspec's extension comes on top of it."""
    assert _text(tinytorch_cells[6]) == "True True\n"


def _traceback(cell):
    (error,) = [out for out in cell.outputs if out.output_type == "error"]
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))


def test_tracebacks_show_the_learners_line_only(tinytorch_cells):
    """The finder's frame is not shown (as for any missing module), and tinytorch's
    deliberate errors stay short (widgets.short_errors still sees them)."""
    for cell in tinytorch_cells[2], tinytorch_cells[7]:
        text = _traceback(cell)
        assert "----> 1 " + cell.source in text
        assert "File " not in text, text  # no frame below the cell's


def test_the_plain_kernel_imports_real_torch(prefix):
    """The plain kernel is untouched, also with the tinytorch kernelspec installed beside it."""
    cells = run_cells("python3", [
        "import torch, tinytorch\n"
        "print(torch is tinytorch, torch.__name__, torch.__version__.split('+')[0])\n"
        "print(torch.__file__.startswith(tinytorch.__path__[0]))",
        "%tinytorch",
    ], prefix / "share" / "jupyter")
    assert _text(cells[0]) == "False torch 2.13.0\nFalse\n"
    assert "UsageError" in _text(cells[1])  # the magic belongs to the tinytorch kernel only


def test_the_finder_maps_only_torch():
    """In this process (no kernel): the finder leaves other names alone and restores
    tinytorch's spec, and is removed by unload."""
    finder = tinytorch_kernel.TorchIsTinytorch()
    assert finder.find_spec("numpy") is None
    assert finder.find_spec("torch").name == "torch"
    with pytest.raises(ModuleNotFoundError, match="torchaudio") as error:
        finder.find_spec("torchaudio")
    assert error.value.name == "torchaudio"
    with pytest.raises(ModuleNotFoundError, match="functorch"):
        finder.find_spec("functorch")
    assert finder.find_spec("torch.nn").name == "torch.nn"


def test_the_explanations_of_missing_names_come_and_go_with_the_kernel():
    """Loading `torch` through the finder gives tinytorch's modules and Tensor a __getattr__
    that explains a missing name; unloading the extension takes every one away again."""
    finder = tinytorch_kernel.TorchIsTinytorch()
    spec = finder.find_spec("torch")
    try:
        assert spec.loader.create_module(spec) is tinytorch
        assert "__getattr__" in vars(tinytorch) and "__getattr__" in vars(tinytorch.Tensor)
        with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'lerp_exact' in the tinytorch"):
            tinytorch.ones(1).lerp_exact
    finally:
        spec.loader.exec_module(tinytorch)  # tinytorch's own spec back
        tinytorch_kernel._forget_missing_attributes()
    assert "__getattr__" not in vars(tinytorch) and "__getattr__" not in vars(tinytorch.Tensor)
    with pytest.raises(AttributeError, match=r"^'Tensor' object has no attribute 'lerp_exact'$"):
        tinytorch.ones(1).lerp_exact
