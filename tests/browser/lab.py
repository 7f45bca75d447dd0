"""JupyterLab driven by headless Chromium: the pieces the browser test and
scripts/screenshot_lessons.py share.

    with running_lab(scratch, root=folder) as url, chromium_page() as page:
        open_notebook(page, f"{url}/lab/tree/lesson.ipynb?reset")
        run_all_cells(page)

The server listens on 127.0.0.1 only, without a token, and keeps its runtime files,
workspaces and settings in `scratch`, so it neither reopens nor changes the user's
tabs and settings. Chromium is Debian's (`make chromium`): browser downloads do not work
on the machines this course is tested on.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Headless as root, and quiet: no sandbox (root), no GPU, no calls home.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TIMEOUT_MS = 30_000
# A kernel's first start and a whole lesson's run take longer than one UI step.
KERNEL_TIMEOUT_MS = 120_000
LAB_START_TIMEOUT_S = 60


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_flags(scratch, port, settings=None):
    """Flags for a server only this machine can reach, with no token, no news pop-up,
    and workspaces of its own (so Lab does not reopen the tabs of an earlier session).
    `settings`: the user settings folder (default: one in `scratch`)."""
    settings = Path(settings) if settings is not None else scratch / "_settings"
    notifications = settings / "@jupyterlab" / "apputils-extension"
    notifications.mkdir(parents=True, exist_ok=True)
    (notifications / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    return [
        "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0", "--allow-root",
        "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.workspaces_dir={scratch / '_workspaces'}", f"--LabApp.user_settings_dir={settings}",
    ]


@contextmanager
def running_lab(scratch, root=None, command=None, cwd=None, settings=None):
    """Run JupyterLab until the block ends; yields its base URL.

    `command` defaults to this Python's `jupyter lab`; `root` becomes the server's
    root_dir (left out, the server picks its own, as `jupyter lab <file>` does);
    `settings`, the user settings folder (make lab-zh brings its own).
    The server's log is scratch/_lab.log; its runtime files are in scratch/_runtime.
    """
    scratch = Path(scratch)
    port = free_port()
    command = list(command or [sys.executable, "-m", "jupyter", "lab"]) + server_flags(scratch, port, settings)
    if root is not None:
        command.append(f"--ServerApp.root_dir={root}")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(scratch / "_runtime"), IPYTHONDIR=str(scratch / "_ipython"))
    log_path = scratch / "_lab.log"
    with open(log_path, "w") as log:
        lab = subprocess.Popen(command, cwd=cwd or root or scratch, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_server(lab, url, log_path)
        yield url
    finally:
        stop(lab)


def wait_for_server(lab, url, log_path):
    deadline = time.monotonic() + LAB_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if lab.poll() is not None:
            raise RuntimeError(f"JupyterLab exited early:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/api", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"JupyterLab did not answer on /api within {LAB_START_TIMEOUT_S} s:\n{log_path.read_text()}")


def stop(lab):
    """SIGTERM, as Ctrl+C would: the server shuts its kernels down before it exits."""
    lab.send_signal(signal.SIGTERM)
    try:
        lab.wait(timeout=15)
    except subprocess.TimeoutExpired:
        lab.kill()
        lab.wait()


@contextmanager
def chromium_page(width=1400, height=1000):
    """A page in headless Chromium; fails (never skips) when Chromium is missing."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(TIMEOUT_MS)
            yield page
        finally:
            browser.close()


def open_notebook(page, url):
    """Go to a notebook's URL and wait until its kernel is ready to run cells."""
    page.goto(url)
    wait_for_kernel(page)


def wait_for_kernel(page):
    """Wait until the notebook in Lab's main area has a connected, idle kernel."""
    # The indicator can read idle before the kernel is attached to the notebook;
    # running cells then opens a "Select Kernel" dialog instead. Wait for the kernel itself.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            const kernel = panel && panel.sessionContext && panel.sessionContext.session
                && panel.sessionContext.session.kernel;
            return kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
        }""",
        timeout=KERNEL_TIMEOUT_MS,
    )


def open_document_path(page):
    """The path, relative to the server's root, of the document in Lab's main area."""
    return page.evaluate(
        """() => {
            const widget = window.jupyterapp.shell.currentWidget;
            return widget && widget.context ? widget.context.path : null;
        }"""
    )


def run_all_cells(page):
    """Run every cell of the open notebook and wait until the last one has finished.

    The stored execution counts are cleared first: a cell counts as done once it has
    a new one. An error in a cell not tagged `raises-exception` fails at once (Lab
    stops running the cells below it, so they would never finish).
    """
    page.evaluate(
        """() => {
            const commands = window.jupyterapp.commands;
            commands.execute('notebook:clear-all-cell-outputs');
            // Not awaited: awaiting run-all once hung for minutes.
            commands.execute('notebook:run-all-cells');
        }"""
    )
    outcome = page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            // Lab does not run an empty cell, so it never gets a count.
            const code = panel.content.widgets.filter((cell) =>
                cell.model.type === 'code' && cell.model.sharedModel.getSource().trim() !== '');
            for (const cell of code) {
                const expected = (cell.model.getMetadata('tags') || []).includes('raises-exception');
                const outputs = cell.model.outputs.toJSON();
                const error = outputs.find((output) => output.output_type === 'error');
                if (error && !expected) {
                    return `cell [${cell.model.executionCount}] raised ${error.ename}: ${error.evalue}\n`
                        + cell.model.sharedModel.getSource();
                }
            }
            const kernel = panel.sessionContext.session.kernel;
            const done = code.every((cell) => cell.model.executionCount !== null);
            return kernel.status === 'idle' && done && 'done';
        }""",
        timeout=KERNEL_TIMEOUT_MS,
        polling=200,
    ).json_value()
    assert outcome == "done", outcome


def run_in_new_cell(page, source):
    """Add a cell at the end of the notebook and run it (typing into cells is unreliable)."""
    page.evaluate(
        """(source) => {
            const app = window.jupyterapp;
            const notebook = app.shell.currentWidget.content;
            notebook.activeCellIndex = notebook.widgets.length - 1;
            app.commands.execute('notebook:insert-cell-below');
            notebook.activeCell.model.sharedModel.setSource(source);
            app.commands.execute('notebook:run-cell');
        }""",
        source,
    )
