"""docs/api.md is generated from the code (scripts/api_docs.py) and must be current;
the differences it lists come from tinytorch/differences.py, and lesson 1 links to it."""
import json
import subprocess
import sys
from pathlib import Path

import tinytorch
from tinytorch.differences import KNOWN_DIFFERENCES

ROOT = Path(__file__).resolve().parents[1]


def test_the_api_page_is_current():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "api_docs.py"), "--check"], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_page_lists_what_the_code_has():
    text = (ROOT / "docs" / "api.md").read_text()
    for name in ("gather", "scatter_add", "einsum", "logsumexp", "repeat_interleave"):
        assert f"- `{name}(" in text
    for name in ("Linear", "CrossEntropyLoss", "Sequential"):
        assert f"- `{name}`" in text
    assert "- `SGD`" in text and "- `Adam`" in text
    assert all(area in text for area, _, _ in KNOWN_DIFFERENCES)


def test_every_difference_says_what_and_why():
    for entry in KNOWN_DIFFERENCES:
        assert len(entry) == 3 and all(isinstance(part, str) and len(part) > 20 for part in entry[1:]), entry
    assert len({area for area, _, _ in KNOWN_DIFFERENCES}) == len(KNOWN_DIFFERENCES)


def test_lesson_1_links_to_the_page():
    lesson = json.loads((ROOT / "notebooks" / "01-welcome.ipynb").read_text())
    text = "".join("".join(cell["source"]) for cell in lesson["cells"] if cell["cell_type"] == "markdown")
    assert "(../docs/api.md)" in text
    assert (ROOT / "notebooks" / "../docs/api.md").resolve().exists()
    assert tinytorch.__name__ == "tinytorch"
