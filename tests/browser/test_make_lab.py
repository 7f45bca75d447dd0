"""`make lab` opens the course index in JupyterLab; `make lab-zh` the Chinese index, in Chinese.

Runs the command the Makefile runs for `make lab` (read with `make -n`, so the test
follows the Makefile), adding only the flags that keep it headless and private
(lab.py), then loads the page the server would open in a browser: the
redirect file it writes into its runtime folder. The index notebook must be the
document Lab shows, with a kernel.
"""
import json
import shlex
import subprocess
import sys
from pathlib import Path

from lab import chromium_page, open_document_path, running_lab, wait_for_kernel

REPO = Path(__file__).resolve().parent.parent.parent
INDEX = REPO / "notebooks" / "00-index.ipynb"


def make_lines(target):
    """The lines `make <target>` runs for this virtual environment, without its set-up step (-o)."""
    venv = sys.prefix
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", f"{venv}/.installed", target, f"VENV={venv}"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    return printed.strip().splitlines()


def make_lab_command():
    """`make lab`'s command for this virtual environment, without its set-up step (-o)."""
    return shlex.split(make_lines("lab")[-1])


def test_make_lab_opens_the_course_index(tmp_path):
    command = make_lab_command()
    assert command[1:] == ["lab", "notebooks/00-index.ipynb"], command
    with running_lab(tmp_path, command=command, cwd=REPO) as url, chromium_page() as page:
        # `jupyter lab <file>` serves the file's folder and points the browser at the file.
        (redirect,) = (tmp_path / "_runtime").glob("jpserver-file-to-run-*-open.html")
        page.goto(redirect.as_uri())
        page.wait_for_url(f"{url}/lab/tree/00-index.ipynb")
        wait_for_kernel(page)
        assert open_document_path(page) == "00-index.ipynb"
        tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")
        assert tab.inner_text().strip() == "00-index.ipynb"
        # The index's title, as written in the file, is on the page.
        title = json.loads(INDEX.read_text())["cells"][0]["source"][0].strip().lstrip("# ")
        heading = page.locator(".jp-Notebook .jp-MarkdownOutput h1").first
        assert heading.inner_text().startswith(title), (heading.inner_text(), title)


def test_make_lab_zh_opens_the_chinese_index_in_a_chinese_lab(tmp_path):
    """`make lab-zh`: the zh extra (JupyterLab's Chinese language pack, which the test
    environment has), a settings folder of its own selecting Chinese, and Lab on the
    Chinese index, whose menus then read as lesson 1 names them."""
    install, *prepare, run = make_lines("lab-zh")
    assert install.endswith("-e '.[zh]'"), install
    for line in prepare:  # the settings folder (in the environment, as make lab-zh makes it)
        subprocess.run(line, shell=True, cwd=REPO, check=True)
    words = shlex.split(run)
    settings = words[0].removeprefix("JUPYTERLAB_SETTINGS_DIR=")
    assert words[0] != settings and words[2:] == ["lab", "notebooks/00-index.zh-CN.ipynb"], words
    with running_lab(tmp_path, command=words[1:], cwd=REPO, settings=settings) as url, chromium_page() as page:
        (redirect,) = (tmp_path / "_runtime").glob("jpserver-file-to-run-*-open.html")
        page.goto(redirect.as_uri())
        page.wait_for_url(f"{url}/lab/tree/00-index.zh-CN.ipynb")
        wait_for_kernel(page)
        assert page.locator(".lm-MenuBar-content").inner_text().split()[:5] == ["文件", "编辑", "查看", "运行", "内核"]
        title = json.loads((INDEX.with_name("00-index.zh-CN.ipynb")).read_text())["cells"][0]["source"][0]
        heading = page.locator(".jp-Notebook .jp-MarkdownOutput h1").first
        assert heading.inner_text().startswith(title.strip().lstrip("# ")), heading.inner_text()

