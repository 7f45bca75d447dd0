"""The suite's random-program differential test (tests/random_programs.py):
programs mixing views, ops, in-place writes, grad mode and backward, run under
tinytorch and torch from the same data and compared after every statement.

The default run replays a fixed list of seeds, so it is deterministic; `make fuzz`
explores new ones.
"""
import types

import torch

import random_programs
import tinytorch

SEEDS = range(800)  # the three tests take about 60 s on a 2-core machine


def mismatches(seeds, lib=tinytorch, reference=torch):
    """(seed, program, mismatch) for each seed whose program differs between the two, lazily."""
    for seed in seeds:
        program = random_programs.generate(seed)
        mismatch = random_programs.run(program, lib, reference)
        if mismatch:
            yield seed, program, mismatch


def test_torch_against_itself_reports_nothing():
    # The runner's own false alarms (a comparison that cannot hold, a tolerance too tight)
    # would show up here first; torch against torch must agree on every statement.
    assert list(mismatches(SEEDS, lib=torch)) == []


def test_random_programs_match_torch():
    found = list(mismatches(SEEDS))
    reports = [random_programs.report(seed, program, mismatch) for seed, program, mismatch in found[:3]]
    assert not found, f"{len(found)} of {len(SEEDS)} programs differ from torch; the first, shrunk:\n\n" + \
        "\n\n".join(reports)


def test_a_failure_shrinks_to_a_short_reproducer():
    # A stand-in for torch whose abs is off by one: every program that calls lib.abs
    # differs there, and the reproducer needs only that call and what makes its input.
    wrong = types.SimpleNamespace(**{**vars(torch), "abs": lambda t: torch.abs(t) + 1})
    seed, program, mismatch = next(mismatches(SEEDS, lib=wrong))
    small, found = random_programs.shrink(program, mismatch, lib=wrong)
    assert len(small) < len(program) // 2  # (how short depends on what made abs's input; minimal: below)
    assert "lib.abs(" in small[-1].source
    assert random_programs.run(small, lib=wrong) == found
    for i in range(len(small) - 1):  # minimal: every statement left is needed
        assert random_programs.run(small[:i] + small[i + 1:], lib=wrong) != found
    script = random_programs.reproducer(small, found)
    assert "import tinytorch as lib" in script and small[-1].source in script
