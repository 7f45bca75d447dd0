"""The Chinese (zh-CN) edition: every lesson's twin, NN-name.zh-CN.ipynb, beside it.

    .venv/bin/python scripts/zh_edition.py                      # rebuild every twin from its lesson
    .venv/bin/python scripts/zh_edition.py --template NN-name    # NN-name.json: the English to translate
    .venv/bin/python scripts/zh_edition.py --import T.json ...   # take new translations, then rebuild
    .venv/bin/python scripts/refresh_notebooks.py               # then run the twins, as any lesson

A twin is its English lesson with the markdown in Chinese: the same cells, in the same
order, with the same ids. Its code cells are the lesson's, character for character, but
for one line before the first one's code, LANGUAGE_LINE, which makes the exercises'
feedback and the widgets' labels Chinese. So a twin computes what its lesson computes,
and every test of the lessons means the same for the twins.

The translation of a markdown cell is stored in the twin itself, with a hash of the
English text it translates (cell metadata "translates"). When the English cell changes,
the hash no longer matches: the twin keeps the old translation as a draft, `problems()`
names the cell, and tests/test_zh_edition.py fails until a new translation is imported. A translation
file (--import) is a JSON object {cell id: Chinese markdown}, for one lesson: its name
is the lesson's, NN-name.json.

The twins sit in the lessons' own folder so that `from exercises import ...`, the
pictures in images/ and the links to ../docs/ work from both editions alike.
"""
import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
SUFFIX = ".zh-CN"
LANGUAGE_LINE = 'import widgets; widgets.use_language("zh-CN")'
ENGLISH_INDEX = "00-index.ipynb"  # the one English page a twin may link: the way to the English edition


def lessons():
    """The English lessons (the index first), in course order."""
    return sorted(p for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb") if not p.stem.endswith(SUFFIX))


def twin_path(lesson):
    return lesson.with_name(lesson.stem + SUFFIX + ".ipynb")


def fingerprint(text):
    """What a translation records of the English text it translates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def twin_code(source, first):
    return f"{LANGUAGE_LINE}\n{source}" if first else source


def build(lesson, twin=None, translations=None):
    """The twin of `lesson` (a notebook): code from the lesson, markdown from
    `translations` ({id: text}) or else the old `twin`'s cell of that id (with the hash of
    the English it translated: if that English has changed, problems() asks for a new
    translation). A new cell keeps the English text and no "translates" record until
    translated. Outputs of unchanged code stay. Cells found only in the old twin are
    dropped: the twin follows its lesson (rebuild() says which)."""
    translations = translations or {}
    old = {cell.id: cell for cell in twin.cells} if twin is not None else {}
    cells, first_code = [], True
    for cell in lesson.cells:
        new = nbformat.from_dict(json.loads(json.dumps(cell)))  # a deep copy
        before = old.get(cell.id)
        if cell.cell_type == "code":
            new.source = twin_code(cell.source, first_code)
            first_code = False
            kept = before is not None and before.cell_type == "code" and before.source == new.source
            new.outputs = before.outputs if kept else []
            new.execution_count = before.execution_count if kept else None
        elif cell.cell_type == "markdown":
            if cell.id in translations:
                new.source = translations[cell.id]
                new.metadata["translates"] = fingerprint(cell.source)
            elif before is not None and before.metadata.get("translates"):
                # Kept, even when the English has changed since: the old translation is the
                # draft of the new one, and its old hash makes problems() ask for it.
                new.source = before.source
                new.metadata["translates"] = before.metadata["translates"]
        cells.append(new)
    result = nbformat.from_dict(json.loads(json.dumps(lesson)))
    result.cells = cells
    return result


def translation_state(cell, twin_cell):
    """"new" (never translated), "stale" (the English has changed since) or "current"."""
    translated = twin_cell.metadata.get("translates")
    return "new" if translated is None else "current" if translated == fingerprint(cell.source) else "stale"


def problems(lesson, twin):
    """What keeps `twin` from being `lesson`'s twin: cells added, removed or moved in one
    edition only, code that differs, markdown not translated (or translated from English
    that has changed since), links to an English lesson instead of its twin. Empty when
    all is well."""
    found = []
    ids, twin_ids = [c.id for c in lesson.cells], [c.id for c in twin.cells]
    if ids != twin_ids:
        only_en = [i for i in ids if i not in twin_ids]
        only_zh = [i for i in twin_ids if i not in ids]
        return [f"cells differ: only in English {only_en}, only in Chinese {only_zh}"
                + ("" if only_en or only_zh else ", or in another order")]
    first_code = True
    for cell, twin_cell in zip(lesson.cells, twin.cells):
        if cell.cell_type != twin_cell.cell_type:
            found.append(f"cell {cell.id}: {cell.cell_type} in English, {twin_cell.cell_type} in Chinese")
        elif cell.cell_type == "code":
            if twin_cell.source != twin_code(cell.source, first_code):
                found.append(f"cell {cell.id}: the code differs from the English lesson's (rebuild the twin)")
            if twin_cell.metadata.get("tags", []) != cell.metadata.get("tags", []):
                found.append(f"cell {cell.id}: tags differ")
            first_code = False
        elif cell.cell_type == "markdown":
            state = translation_state(cell, twin_cell)
            if state == "new":
                found.append(f"cell {cell.id}: not translated yet")
            elif state == "stale":
                found.append(f"cell {cell.id}: the English has changed since it was translated "
                             "(the twin keeps the old translation: update it)")
            english_links = [t for t in re.findall(r"\]\(([0-9][0-9]-[^)#\s]+\.ipynb)", twin_cell.source)
                             if not t.endswith(SUFFIX + ".ipynb") and t != ENGLISH_INDEX]
            if english_links:
                found.append(f"cell {cell.id}: links English lessons {english_links}, not their twins")
    return found


def rebuild(imports=()):
    """Rebuild every twin (after importing translation files); returns {twin name: problems}."""
    by_lesson = {}
    for path in imports:
        by_lesson.setdefault(Path(path).stem, {}).update(json.loads(Path(path).read_text(encoding="utf-8")))
    unknown = set(by_lesson) - {p.stem for p in lessons()}
    if unknown:
        raise SystemExit(f"translation files for no lesson: {sorted(unknown)}")
    report = {}
    for path in lessons():
        lesson = nbformat.read(path, as_version=4)
        twin_file = twin_path(path)
        twin = nbformat.read(twin_file, as_version=4) if twin_file.exists() else None
        translations = by_lesson.get(path.stem, {})
        stray = set(translations) - {c.id for c in lesson.cells if c.cell_type == "markdown"}
        if stray:
            raise SystemExit(f"{path.stem}: translations for no markdown cell: {sorted(stray)}")
        new = build(lesson, twin, translations)
        nbformat.write(new, twin_file)
        report[twin_file.name] = problems(lesson, new)
        dropped = [c.id for c in (twin.cells if twin is not None else []) if c.id not in {c.id for c in lesson.cells}]
        if dropped:
            print(f"{twin_file.name}: dropped cells that were only in the Chinese twin: {dropped} "
                  "(add cells to the English lesson, then translate them)")
    return report


def template(stem):
    """{cell id: English text} of the markdown cells of lesson `stem` that need a
    translation: the skeleton of its translation file (--template)."""
    path = NOTEBOOKS / f"{stem}.ipynb"
    lesson, twin = nbformat.read(path, as_version=4), nbformat.read(twin_path(path), as_version=4)
    twins = {c.id: c for c in twin.cells}
    return {c.id: c.source for c in lesson.cells if c.cell_type == "markdown"
            and (c.id not in twins or translation_state(c, twins[c.id]) != "current")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--import", dest="imports", nargs="*", default=(), metavar="NN-name.json",
                        help="translation files, {cell id: Chinese markdown}, one per lesson")
    parser.add_argument("--template", metavar="NN-name",
                        help="write NN-name.json: the English of the cells of that lesson that need a translation")
    args = parser.parse_args(argv)
    if args.template:
        Path(f"{args.template}.json").write_text(json.dumps(template(args.template), ensure_ascii=False, indent=1),
                                                 encoding="utf-8")
        print(f"wrote {args.template}.json: translate its texts, then --import it")
        return 0
    report = rebuild(args.imports)
    for name, found in report.items():
        print(f"{name}: " + ("ok" if not found else f"{len(found)} problem{'s' if len(found) > 1 else ''}"))
        for problem in found:
            print(f"    {problem}")
    if any(report.values()):
        print("next: `--template NN-name` writes NN-name.json with the English to translate; translate it and run "
              "`--import NN-name.json`; then scripts/refresh_notebooks.py on the lesson and its twin")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
