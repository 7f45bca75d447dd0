"""The Chinese edition in a Chinese JupyterLab, as its learner sees it.

JupyterLab runs with its zh-CN language pack selected (what `make lab-zh` does), so the
menus read as lesson 1 names them. Three Chinese lessons with widgets run top to bottom
(Run All); then, in each widget's picture, every text is measured by the browser (its
real glyph boxes, drawn with a Chinese font: `make chromium` installs one): no two texts
overlap, and none sticks out of its picture. Screenshots go to test-artifacts/zh-CN/.
"""
import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from lab import chromium_page, open_notebook, run_all_cells, running_lab

REPO = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS = REPO / "notebooks"
ARTIFACTS = REPO / "test-artifacts" / "zh-CN"
WIDGET_LESSONS = ["05-inside-a-tensor.zh-CN.ipynb", "06-slicing.zh-CN.ipynb", "10-autograd-basics.zh-CN.ipynb"]

# Every text of every widget picture that collides with another or leaves its picture.
COLLISIONS = """() => {
    const found = [];
    for (const svg of document.querySelectorAll('.tinytorch-canvas svg')) {
        const box = svg.getBoundingClientRect();
        const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim())
            .map((t) => ({text: t.textContent, r: t.getBoundingClientRect()}));
        for (const t of texts) {
            if (t.r.left < box.left - 1 || t.r.right > box.right + 1) found.push(`outside: ${t.text}`);
        }
        for (let i = 0; i < texts.length; i++) {
            for (let j = i + 1; j < texts.length; j++) {
                const a = texts[i].r, b = texts[j].r;
                const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
                const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (dx > 1 && dy > 1) found.push(`overlap: ${texts[i].text} | ${texts[j].text}`);
            }
        }
    }
    return found;
}"""


@pytest.fixture(scope="module")
def chinese_lab(tmp_path_factory):
    scratch = tmp_path_factory.mktemp("zh")
    settings = scratch / "_settings" / "@jupyterlab" / "translation-extension"
    settings.mkdir(parents=True)
    (settings / "plugin.jupyterlab-settings").write_text(json.dumps({"locale": "zh_CN"}))
    root = scratch / "notebooks"
    shutil.copytree(NOTEBOOKS / "exercises", root / "exercises", ignore=shutil.ignore_patterns("__pycache__"))
    for name in WIDGET_LESSONS:
        shutil.copy(NOTEBOOKS / name, root / name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with running_lab(scratch, root=root) as url, chromium_page() as page:
        yield url, page


@pytest.mark.parametrize("name", WIDGET_LESSONS)
def test_a_chinese_lesson_in_a_chinese_lab_lays_its_widgets_out(chinese_lab, name):
    url, page = chinese_lab
    open_notebook(page, f"{url}/lab/tree/{name}?reset")
    try:
        menus = page.locator(".lm-MenuBar-content").inner_text().split()
        assert menus[:5] == ["文件", "编辑", "查看", "运行", "内核"], menus  # lesson 1: 运行 > 运行所有单元格
        run_all_cells(page)
        page.locator(".tinytorch-canvas svg text").first.wait_for()
        pictures = page.locator(".tinytorch-canvas svg")
        assert pictures.count() >= 1
        chinese = page.evaluate("""() => [...document.querySelectorAll('.tinytorch-canvas svg text')]
            .filter((t) => /[\\u4e00-\\u9fff]/.test(t.textContent)).length""")
        assert chinese > 0, "no Chinese label in the widgets: was widgets.use_language(\"zh-CN\") run?"
        assert page.evaluate(COLLISIONS) == []
        for i in range(min(pictures.count(), 3)):  # the first widgets, as a Chinese learner sees them
            try:
                pictures.nth(i).scroll_into_view_if_needed()
                pictures.nth(i).screenshot(path=str(ARTIFACTS / name.replace(".ipynb", f"-widget{i}.png")))
            except PlaywrightError:
                # Lab draws only the cells near the view, and may swap a widget's node while
                # scrolling: a picture for people is not the test's claim (the checks above are).
                pass
    finally:
        page.screenshot(path=str(ARTIFACTS / name.replace(".ipynb", ".png")), full_page=True)
