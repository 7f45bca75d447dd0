"""Install the "Python 3 (tinytorch)" kernelspec, as `python -m ipykernel install` does.

    python -m tinytorch_kernel install --sys-prefix      into this environment
    python -m tinytorch_kernel install --user            for every Jupyter of this user (an existing JupyterLab or JupyterHub)
    python -m tinytorch_kernel install --prefix PREFIX   into PREFIX/share/jupyter/kernels/

The kernel runs this Python (the one that runs the install), so tinytorch must be
importable here; Jupyter itself may live in another environment.
"""
import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from . import DISPLAY_NAME, KERNEL_NAME


SPEC = Path(__file__).with_name("kernel-spec")  # kernel.json and the launcher's icon (a tensor over its storage)


def write_spec():
    """A temporary folder holding the kernelspec, its kernel.json running this Python.

    The shipped kernel.json says "python", which Jupyter reads as its own Python: right
    where Jupyter runs in the course's environment (jupyter/pyproject.toml installs it so,
    for make setup and conda). Installed with this command, for a Jupyter that may run
    elsewhere (--user), the kernel must name the Python that has tinytorch."""
    folder = Path(tempfile.mkdtemp(prefix="tinytorch-kernelspec-"))
    shutil.copytree(SPEC, folder, dirs_exist_ok=True)
    spec = json.loads((SPEC / "kernel.json").read_text(encoding="utf-8"))
    spec["argv"][0] = sys.executable
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return str(folder)


def install(user=False, prefix=None):
    """Install the kernelspec; returns the folder it went to."""
    source = write_spec()
    try:
        return KernelSpecManager().install_kernel_spec(source, KERNEL_NAME, user=user, prefix=prefix)
    finally:
        shutil.rmtree(source, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tinytorch_kernel",
                                     description=f'Jupyter kernel "{DISPLAY_NAME}": `import torch` is tinytorch.')
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("install", help="install the kernelspec")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for the current user (~/.local/share/jupyter/kernels)")
    where.add_argument("--sys-prefix", action="store_true", help=f"into this environment ({sys.prefix})")
    where.add_argument("--prefix", metavar="PREFIX", help="into PREFIX/share/jupyter/kernels")
    args = parser.parse_args(argv)
    prefix = sys.prefix if args.sys_prefix else args.prefix
    path = install(user=args.user, prefix=prefix)
    print(f'Installed kernelspec "{DISPLAY_NAME}" ({KERNEL_NAME}) in {path}')


if __name__ == "__main__":
    main()
