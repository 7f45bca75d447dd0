#!/usr/bin/env bash
# Every GPU check in one call, for a session that is lent a GPU machine
# (the device tool's `run`, from the repository root):
#     bash scripts/gpu_check.sh
# That machine's python3 already holds CuPy, NumPy, pytest, Hypothesis and a torch,
# and nothing can be installed there, so tinytorch runs from the source tree.
set -uo pipefail
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
python3 -c "import cupy, tinytorch; print('cupy', cupy.__version__, '| tinytorch sees a GPU:', tinytorch.cuda.is_available())"
# pyproject's pytest options ask for nbval and conftest for the torch 2.13 oracle; the
# device image has neither, and the GPU tests compare the GPU with CPU tinytorch instead.
python3 -m pytest -o addopts="" --noconftest -p no:cacheprovider -q -ra tests/test_gpu.py \
    "tests/test_layout_oracle.py::test_real_gpu_results_are_laid_out_as_in_torch"
tests=$?
(cd bench && python3 bench_gpu.py)
bench=$?
exit $(( tests || bench ))
