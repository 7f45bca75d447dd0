"""Lesson 2's claims, in its text and in its exercises' feedback, computed with real torch
(and tinytorch) rather than trusted: the checks in notebooks/exercises/lesson02.py compute
their expected answers with tinytorch, so here torch must agree with them."""
import sys
from pathlib import Path

import pytest
import torch

import tinytorch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))
from exercises import lesson02  # noqa: E402

LIBS = [tinytorch, torch]
IDS = ["tinytorch", "torch"]


def _positions(view):
    offset, (s0, s1) = view.storage_offset(), view.stride()
    return [offset + i * s0 + j * s1 for i in range(view.shape[0]) for j in range(view.shape[1])]


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_expected_answers_are_torchs(lib):
    m = lib.arange(12).reshape(3, 4)
    assert tuple(m[1:, 2].shape) == lesson02.picked_shape.solution()
    grid = 10 * lib.arange(12).reshape(3, 4)
    assert _positions(grid[1:, 2:]) == lesson02.corner_cells.solution()
    pieces = [lib.zeros(2, 4) for _ in range(3)]
    assert (tuple(lib.cat(pieces).shape), tuple(lib.stack(pieces).shape)) == lesson02.joined_shapes.solution()
    assert tuple(lib.zeros(2, 3, 4).permute(1, 2, 0).shape) == lesson02.permuted_shape.solution()
    assert (lib.tensor([2, 4]) / 2).dtype == lib.float32


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_corner_feedback(lib):
    """2.3: the corner's cells are not one block (cells 8 and 9 hold grid[2, 0] and grid[2, 1]),
    and the values differ from the positions."""
    grid = 10 * lib.arange(12).reshape(3, 4)
    corner = grid[1:, 2:]
    cells = _positions(corner)
    assert cells != list(range(cells[0], cells[0] + 4))
    flat = grid.reshape(-1)
    assert flat[8].item() == grid[2, 0].item() and flat[9].item() == grid[2, 1].item()
    assert sorted(v for row in corner.tolist() for v in row) != sorted(cells)
    assert corner.storage_offset() == cells[0] == 6
    assert corner.untyped_storage().data_ptr() == grid.untyped_storage().data_ptr()


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_corner_positions_count_from_zero(lib):
    """2.3's feedback: "The strip numbers its cells from 0" goes to an answer whose every position
    is one too many (counted from 1), not to one with a single position past the end."""
    grid = 10 * lib.arange(12).reshape(3, 4)
    cells = _positions(grid[1:, 2:])
    assert grid.untyped_storage().nbytes() // grid.element_size() == 12  # positions 0 to 11
    counted_from_one = lesson02.corner_cells([p + 1 for p in cells])
    assert not counted_from_one.passed and "from 0" in counted_from_one.message
    one_past_the_end = lesson02.corner_cells(cells[:-1] + [12])
    assert not one_past_the_end.passed and "from 0" not in one_past_the_end.message


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_matmul_choices(lib):
    """2.4: X * W and X.T @ W raise, W @ X.T gives (2, 5), X @ W.T gives (5, 2)."""
    X, W = lib.ones(5, 3), lib.ones(2, 3)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        X @ W
    with pytest.raises(RuntimeError):
        X * W
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        X.T @ W
    assert tuple((W @ X.T).shape) == (2, 5)
    assert tuple((X @ W.T).shape) == (5, 2)
    assert tuple(lib.matmul(X, W.T).shape) == (5, 2)


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_matmul_does_not_promote(lib):
    """The lesson: unlike `*`, `@` needs both sides of one dtype."""
    ints = lib.arange(6).reshape(2, 3)
    assert (ints * lib.ones(2, 3)).dtype == lib.float32
    with pytest.raises(RuntimeError, match="dtype"):
        ints @ lib.ones(3, 2)
    with pytest.raises(RuntimeError, match="dtype"):
        ints @ lib.ones(3)
    assert (ints.float() @ lib.ones(3, 2)).dtype == lib.float32


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_join_feedback_shapes(lib):
    """2.5: the shapes the feedback names for cat(dim=1) and stack(dim=1), stack(dim=2)."""
    pieces = [lib.zeros(2, 4) for _ in range(3)]
    named = {tuple(lib.cat(pieces, dim=1).shape): "torch.cat(..., dim=1)",
             tuple(lib.stack(pieces, dim=1).shape): "torch.stack(..., dim=1)",
             tuple(lib.stack(pieces, dim=2).shape): "torch.stack(..., dim=2)"}
    assert named == lesson02._OTHER_JOINS
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        lib.stack([lib.zeros(2, 3), lib.zeros(3, 2)])


@pytest.mark.parametrize("lib", LIBS, ids=IDS)
def test_permute_copies_nothing_and_reorders_strides(lib):
    """The lesson: permute shares the memory; its strides are the old ones, reordered.
    2.6's feedback: the 'inverse' reading gives another shape."""
    image = lib.zeros(32, 48, 3)
    p = image.permute(2, 0, 1)
    assert p.data_ptr() == image.data_ptr()
    assert p.stride() == tuple(image.stride()[k] for k in (2, 0, 1))
    assert tuple(p.shape) == tuple(image.shape[k] for k in (2, 0, 1))
    cube = lib.zeros(2, 3, 4)
    assert tuple(cube.permute(2, 0, 1).shape) == lesson02._INVERSE != lesson02._PERMUTED
