"""Install the "Python 3 (tinytorch)" kernelspec, as `python -m ipykernel install` does.

    python -m tinytorch_kernel install --sys-prefix      into this environment (make setup does this)
    python -m tinytorch_kernel install --user            for every Jupyter of this user (an existing JupyterLab or JupyterHub)
    python -m tinytorch_kernel install --prefix PREFIX   into PREFIX/share/jupyter/kernels/

The kernel runs this Python (the one that runs the install), so tinytorch must be
importable here; Jupyter itself may live in another environment.
"""
import argparse
import shutil
import sys
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager

from . import DISPLAY_NAME, KERNEL_NAME


LOGO = Path(__file__).with_name("logo.svg")  # a tensor over its storage: what JupyterLab's launcher shows


def write_spec():
    """A temporary folder holding kernel.json and the logos: ipykernel's own kernelspec,
    plus the extension, the display name and our SVG logo (Lab prefers `logo-svg` to
    ipykernel's Python PNGs, which stay for frontends that only read PNGs)."""
    from ipykernel.kernelspec import write_kernel_spec

    folder = write_kernel_spec(overrides={"display_name": DISPLAY_NAME},
                               extra_arguments=[f"--ext={KERNEL_NAME}_kernel"])
    shutil.copy(LOGO, Path(folder) / "logo-svg.svg")
    return folder


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
