"""Lesson 8's claims about checkpoints, checked with real torch and with tinytorch: loaded
views cover the cells exercise 8.2 expects of their shared storage, and a training run
resumed from its state dicts ends exactly where the uninterrupted run ends, while a
model-only checkpoint (which loses SGD's momentum buffers or Adam's running averages)
ends elsewhere."""
import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import tinytorch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "notebooks"))
from exercises import lesson08  # noqa: E402

LIBRARIES = [pytest.param(tinytorch, id="tinytorch"), pytest.param(torch, id="torch")]


def _covered(t):
    return {t.storage_offset() + k * t.stride(0) for k in range(t.shape[0])}


@pytest.mark.parametrize("lib", LIBRARIES)
def test_exercise_8_2_cells_are_those_of_the_loaded_storage(lib, tmp_path):
    """Loaded together, x[::2] and x[6:] share one storage of all 10 cells (the whole
    storage was saved); the cells both read and the cells neither reads are the solution's."""
    x = lib.arange(10.0)
    lib.save({"evens": x[::2], "tail": x[6:]}, tmp_path / "parts.pth")
    parts = lib.load(tmp_path / "parts.pth")
    evens, tail = parts["evens"], parts["tail"]
    assert evens.untyped_storage().data_ptr() == tail.untyped_storage().data_ptr()
    size = evens.untyped_storage().nbytes() // evens.element_size()
    both, neither = lesson08.shared_cells.solution()
    assert size == 10
    assert _covered(evens) & _covered(tail) == both
    assert set(range(size)) - _covered(evens) - _covered(tail) == neither
    assert lesson08.shared_cells((both, neither)).passed


def test_exercise_8_2_feedback_names_one_cell_at_a_time():
    """8.2's feedback on an answer listing every cell names one wrong cell and who reads it, so
    it does not give the two sets away by elimination."""
    both, neither = lesson08.shared_cells.solution()
    everything = set(range(10))
    for answer in ((everything, set()), (both, everything), (everything, everything)):
        feedback = lesson08.shared_cells(answer)
        named = set(re.findall(r"\b[Cc]ell (\d+)", feedback.message))
        assert not feedback.passed and len(named) == 1, feedback.message


def _run(lib, optimizer_class, **settings):
    """The lesson's small run: moons data, a 2-8-1 tanh network, random batches of 16."""
    rng = np.random.default_rng(0)
    angle, label = rng.uniform(0, np.pi, 64), rng.integers(0, 2, 64)
    points = np.stack([np.where(label == 0, np.cos(angle), 1 - np.cos(angle)),
                       np.where(label == 0, np.sin(angle), 0.5 - np.sin(angle))], axis=1)
    X = lib.from_numpy((points + rng.normal(0, 0.15, (64, 2))).astype(np.float32))
    y = lib.from_numpy(label.astype(np.float32))
    loss_function = lib.nn.BCEWithLogitsLoss()

    def new_run():
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Linear(2, 8), lib.nn.Tanh(), lib.nn.Linear(8, 1))
        return model, optimizer_class(model.parameters(), **settings)

    def train(model, optimizer, steps):
        for _ in range(steps):
            batch = lib.randperm(64)[:16]
            loss = loss_function(model(X[batch]).squeeze(1), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return new_run, train


@pytest.mark.parametrize("lib", LIBRARIES)
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_resuming_from_state_dicts_ends_where_the_uninterrupted_run_ends(lib, optimizer, tmp_path):
    settings = {"SGD": dict(lr=0.5, momentum=0.9), "Adam": dict(lr=0.01)}[optimizer]
    new_run, train = _run(lib, getattr(lib.optim, optimizer), **settings)
    model, opt = new_run()
    train(model, opt, 40)
    uninterrupted = [p.detach().clone() for p in model.parameters()]

    model, opt = new_run()
    train(model, opt, 20)
    lib.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "rng": lib.get_rng_state()},
             tmp_path / "checkpoint.pth")
    checkpoint = lib.load(tmp_path / "checkpoint.pth")
    kept = {"SGD": {"momentum_buffer"}, "Adam": {"step", "exp_avg", "exp_avg_sq"}}[optimizer]
    assert all(set(state) == kept for state in checkpoint["optimizer"]["state"].values())

    def resume(with_optimizer, with_rng):
        model, opt = new_run()
        model.load_state_dict(checkpoint["model"])
        if with_optimizer:
            opt.load_state_dict(checkpoint["optimizer"])
        if with_rng:
            lib.set_rng_state(checkpoint["rng"])
        train(model, opt, 20)
        return [lib.equal(p, q) for p, q in zip(model.parameters(), uninterrupted)]

    assert all(resume(with_optimizer=True, with_rng=True))
    assert not any(resume(with_optimizer=False, with_rng=True))  # the optimizer's state is lost
    assert not any(resume(with_optimizer=True, with_rng=False))  # other batches
