"""Test-wide set-up: the PyTorch oracle must be present, or the run fails loudly.

A missing oracle would otherwise turn the differential tests into errors one by
one, or tempt someone to skip them; neither says clearly what is wrong."""
import os
import platform

import pytest
from hypothesis import settings

# Locally, Hypothesis explores new examples on every run, which is how it finds
# bugs. CI replays a fixed sequence, so a submission is judged on the same
# examples it was tested with, and a new counterexample shows up locally first.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ORACLE_VERSION = "2.13.0"


def pytest_configure(config):
    try:
        import torch
    except ImportError as error:
        raise pytest.UsageError(
            f"The PyTorch oracle is missing ({error}). Install the test extra: pip install -e '.[test]' "
            f"(it pins torch=={ORACLE_VERSION}), or run `make test`, which does it for you."
        ) from None
    if not torch.__version__.startswith(ORACLE_VERSION):
        raise pytest.UsageError(
            f"The tests compare against torch {ORACLE_VERSION}, but torch {torch.__version__} is installed."
        )
    if platform.machine() in ("x86_64", "AMD64") and torch.backends.cpu.get_cpu_capability() == "DEFAULT":
        # tinytorch rounds as torch's vectorized loops do (add's alpha, arange, linspace:
        # tests/test_float_rounding_oracle.py, tests/test_creation_oracle.py); torch's
        # scalar fallback rounds differently, so bit-exact comparisons would fail by the dozen.
        raise pytest.UsageError(
            "torch runs its scalar kernels here (ATEN_CPU_CAPABILITY is 'default', or the CPU lacks AVX2), "
            "but the oracle tests compare with its vectorized ones (AVX2 or AVX-512, which give the same "
            "results). Unset ATEN_CPU_CAPABILITY, or run on a CPU with AVX2."
        )
