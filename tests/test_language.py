"""widgets.language (the course's language and its message catalogs) and how the widgets
measure and wrap text in either language (widgets/svg.py).

Every catalog of learner-visible text must have each key in both languages, asking for
the same fields, and English plurals come from the `{n:word|words}` format only."""
import importlib
import pkgutil
import re
import string
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import widgets
from widgets import svg
from widgets.language import LANGUAGES, Catalog, current_language, use_language

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    use_language("en")


def all_catalogs():
    """Every catalog the widgets and the exercises make, once all their modules are imported."""
    for module in pkgutil.iter_modules(widgets.__path__):
        importlib.import_module(f"widgets.{module.name}")
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        import exercises
        for module in pkgutil.iter_modules(exercises.__path__):
            importlib.import_module(f"exercises.{module.name}")
    finally:
        sys.path.remove(str(NOTEBOOKS))
    return Catalog.made


def fields(template):
    return sorted({name for _, name, _, _ in string.Formatter().parse(template) if name})


def test_every_message_asks_for_the_same_fields_in_every_language():
    for catalog in all_catalogs():
        for key in catalog.templates["en"]:
            asked = {language: fields(catalog.templates[language][key]) for language in LANGUAGES}
            assert len({tuple(f) for f in asked.values()}) == 1, (key, asked)


def test_no_english_plural_is_built_by_adding_s():
    """`{count} size{'s' if ...}` style plurals are what the `word|words` format replaces."""
    for catalog in all_catalogs():
        for key, template in catalog.templates["en"].items():
            assert not re.search(r"\}s\b", template), (key, template)


def test_a_message_missing_in_one_language_is_refused():
    with pytest.raises(ValueError, match=r"messages missing in a language: \{'zh-CN': \['b'\]\}"):
        Catalog(en={"a": "A", "b": "B"}, zh_CN={"a": "甲"})


def test_the_language_is_chosen_per_kernel_and_checked():
    catalog = Catalog(en={"n": "{n:dim|dims}"}, zh_CN={"n": "{n} 维"})
    Catalog.made.remove(catalog)  # a test's own, not the course's
    assert current_language() == "en" and [catalog("n", n=k) for k in (1, 2)] == ["1 dim", "2 dims"]
    widgets.use_language("zh-CN")
    assert catalog("n", n=2) == "2 维"
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        use_language("fr")


@given(st.text(alphabet="ab 张量，。", max_size=40))
def test_text_is_measured_by_character_class(text):
    wide = sum(1 for c in text if c in "张量，。")
    exact = wide * 10 + (len(text) - wide) * 6.2  # a wide character is 1 em, another 0.62 em
    assert exact - 1e-9 <= svg.text_width(text, 10) < exact + 1


@given(st.text(alphabet="ab 张量，。", min_size=1, max_size=200), st.integers(10, 60))
def test_wrapped_lines_fit_and_lose_nothing(text, width):
    lines = svg.wrap(text, width)
    assert "".join(line.strip() for line in lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        pieces = line.strip()
        assert svg.text_width(line, 1) <= width * svg.CHAR_WIDTH + 1.0 or len(pieces.split()) == 1 or \
            pieces[-1] in svg.NO_BREAK_BEFORE
    assert not any(line.strip()[:1] in svg.NO_BREAK_BEFORE for line in lines[1:] if line.strip())
