"""The course's language: which words the exercises' feedback and the widgets' labels use.

A lesson of the Chinese edition starts with the line

    import widgets; widgets.use_language("zh-CN")

and every other notebook speaks English. The language belongs to the kernel, so to the
one notebook it runs.

Learner-visible text outside the notebooks lives in catalogs: one template per key and
language, side by side, so that a message cannot exist in one language only (a Catalog
with a key missing in a language refuses to be made, and tests/test_language.py checks
that each key's templates ask for the same fields).

    HINTS = Catalog(
        en={"sizes": "your shape has {count:size|sizes}"},
        zh_CN={"sizes": "你的形状有 {count} 个维度"},
    )
    HINTS("sizes", count=2)      # "your shape has 2 sizes" while the language is English

Templates are `str.format` templates. A number formatted as `{count:size|sizes}` is
written (with thousands separators) with the word after it in the right grammatical
number ("1 size", "2 sizes"):
English needs that, Chinese does not, and no template builds a plural by adding "s".
"""
import string

LANGUAGES = ("en", "zh-CN")
_language = "en"


def use_language(code):
    """Speak `code` ("en" or "zh-CN") from now on in this kernel."""
    global _language
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: the course speaks {', '.join(LANGUAGES)}")
    _language = code


def current_language():
    return _language


class _Formatter(string.Formatter):
    """str.format, plus `{n:word|words}`: the number and the word in its number."""

    def format_field(self, value, spec):
        if "|" in spec:
            singular, plural = spec.split("|")
            number = f"{value:,}" if isinstance(value, int) else value  # 1,000,000 elements
            return f"{number} {singular if value == 1 else plural}"
        return super().format_field(value, spec)


_FORMATTER = _Formatter()


class Catalog:
    """The templates of some learner-visible messages, one dict per language, same keys."""

    made = []  # every catalog, for tests/test_language.py

    def __init__(self, en, zh_CN):
        self.templates = {"en": dict(en), "zh-CN": dict(zh_CN)}
        keys = set(en) | set(zh_CN)
        missing = {language: sorted(keys - set(templates)) for language, templates in self.templates.items()
                   if keys - set(templates)}
        if missing:
            raise ValueError(f"messages missing in a language: {missing}")
        Catalog.made.append(self)

    def __call__(self, key, **fields):
        """The message `key` in the current language, with `fields` filled in."""
        return self.text(key, _language, **fields)

    def later(self, key, **fields):
        """The message `key` as a function of no arguments, read in the language current
        when it is called (a hint given when a lesson's module is imported)."""
        return lambda: self(key, **fields)

    def text(self, key, language, **fields):
        return _FORMATTER.format(self.templates[language][key], **fields)
