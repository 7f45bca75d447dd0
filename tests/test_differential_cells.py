"""Cells in the spirit of the material learners bring (chapter 3 of 陈云's
《深度学习框架PyTorch：入门与实践》, the PyTorch basics tutorials), written for the
course in tests/differential_cells/, run cell by cell with real torch and with
tinytorch imported as torch (tests/differential.py): every cell must show the same."""
from pathlib import Path

import pytest

from differential import cells_from_file, compare

CELLS = sorted((Path(__file__).parent / "differential_cells").glob("*.py"))


@pytest.mark.parametrize("path", CELLS, ids=lambda p: p.stem)
def test_every_cell_shows_what_torch_shows(path):
    outcomes = compare(cells_from_file(path))
    assert len(outcomes) > 5
    differing = [o for o in outcomes if not o.same]
    assert not differing, "\n\n".join(
        f"{o.source}\n--- tinytorch:\n{o.tinytorch}\n--- torch:\n{o.torch}" for o in differing)
    assert all(len(o.skipped) > 10 for o in outcomes if o.skipped)  # a skipped cell says why
