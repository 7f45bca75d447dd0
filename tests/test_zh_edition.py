"""The Chinese edition (scripts/zh_edition.py): every lesson has its twin NN-name.zh-CN.ipynb,
with the same cells in the same order, the same code but for the one line that selects the
language, every markdown cell translated from the English text the lesson has now, and
links to the twins of other lessons. Running a twin is checked as running a lesson is
(nbval, tests/test_notebooks_fresh.py, tests/test_notebook_parity.py).

Fix a failure by rebuilding the twins (`.venv/bin/python scripts/zh_edition.py`), importing a
new translation of a changed cell (`--import NN-name.json`), then refresh_notebooks.py."""
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import zh_edition  # noqa: E402

LESSONS = zh_edition.lessons()


def test_every_lesson_has_a_twin():
    missing = [p.name for p in LESSONS if not zh_edition.twin_path(p).exists()]
    assert not missing, f"lessons without a Chinese twin: {missing}"
    twins = {zh_edition.twin_path(p).name for p in LESSONS}
    strays = [p.name for p in zh_edition.NOTEBOOKS.glob("*.zh-CN.ipynb") if p.name not in twins]
    assert not strays, f"Chinese notebooks of no lesson: {strays}"


FIX = ("\nFix: .venv/bin/python scripts/zh_edition.py (rebuild; --template NN-name writes what to translate, "
       "--import NN-name.json takes it), then scripts/refresh_notebooks.py (notebooks/AUTHORING.md, 'Two editions')")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_the_twin_is_the_lesson_in_chinese(lesson):
    twin = nbformat.read(zh_edition.twin_path(lesson), as_version=4)
    found = zh_edition.problems(nbformat.read(lesson, as_version=4), twin)
    assert not found, "\n".join(found) + FIX
    code = [c for c in twin.cells if c.cell_type == "code"]
    assert not code or code[0].source.startswith(zh_edition.LANGUAGE_LINE + "\n")  # (the index has no code)


def _lesson():
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Lesson", id="m1"),
        nbformat.v4.new_code_cell("x = 1", id="c1"),
        nbformat.v4.new_markdown_cell("See [lesson 2](02-two.ipynb).", id="m2"),
        nbformat.v4.new_code_cell("x + 1", id="c2"),
    ])


def test_a_change_in_one_edition_only_is_caught():
    lesson = _lesson()
    twin = zh_edition.build(lesson, translations={"m1": "# 课", "m2": "见[第 2 课](02-two.zh-CN.ipynb)。"})
    assert zh_edition.problems(lesson, twin) == []
    assert [c.source for c in twin.cells if c.cell_type == "code"] == [zh_edition.LANGUAGE_LINE + "\nx = 1", "x + 1"]

    changed = _lesson()
    changed.cells[3].source = "x + 2"
    assert zh_edition.problems(changed, twin) == ["cell c2: the code differs from the English lesson's (rebuild the twin)"]
    changed.cells[0].source = "# A lesson"
    stale = "cell m1: the English has changed since it was translated (the twin keeps the old translation: update it)"
    assert stale in zh_edition.problems(changed, twin)
    rebuilt = zh_edition.build(changed, twin)  # the code follows; m1's old translation stays, as a draft
    assert zh_edition.problems(changed, rebuilt) == [stale]
    assert rebuilt.cells[0].source == "# 课" and rebuilt.cells[2].source == "见[第 2 课](02-two.zh-CN.ipynb)。"
    retranslated = zh_edition.build(changed, rebuilt, translations={"m1": "# 一课"})
    assert zh_edition.problems(changed, retranslated) == []

    added = _lesson()
    added.cells.append(nbformat.v4.new_markdown_cell("More.", id="m3"))
    assert zh_edition.problems(added, twin) == ["cells differ: only in English ['m3'], only in Chinese []"]
    assert zh_edition.problems(added, zh_edition.build(added, twin)) == ["cell m3: not translated yet"]
    english_link = zh_edition.build(lesson, translations={"m1": "# 课", "m2": "见[第 2 课](02-two.ipynb)。"})
    assert zh_edition.problems(lesson, english_link) == ["cell m2: links English lessons ['02-two.ipynb'], not their twins"]


def _figure_texts(description):
    """Every text a figure description holds (titles, labels, ticks, legends), recursively."""
    if isinstance(description, str):
        return [description]
    if isinstance(description, dict):
        return [t for key, value in description.items() if key != "pixels" for t in _figure_texts(value)]
    if isinstance(description, list):
        return [t for value in description for t in _figure_texts(value)]
    return []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem)
def test_the_twins_figures_need_no_chinese_font(lesson):
    """A twin's figures are its lesson's (the same code), so their texts are English and
    mathtext, drawn by matplotlib's default font: no Chinese glyph that a machine without a
    CJK font would show as a box. That font (DejaVu Sans) has the minus sign U+2212 that
    axes.unicode_minus draws, which CJK fonts lack; so the edition keeps both defaults."""
    from figure_data import FIGURE_DATA
    import matplotlib
    from matplotlib import font_manager

    twin = nbformat.read(zh_edition.twin_path(lesson), as_version=4)
    texts = [text for cell in twin.cells if cell.cell_type == "code" for output in cell.outputs
             for text in _figure_texts(output.get("metadata", {}).get(FIGURE_DATA, {}))]
    assert not [t for t in texts if any("\u2e80" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in t)]
    assert matplotlib.rcParams["axes.unicode_minus"] is True
    default = font_manager.findfont(matplotlib.rcParams["font.sans-serif"][0], fallback_to_default=True)
    assert "DejaVuSans" in default and 0x2212 in font_manager.get_font(default).get_charmap()
