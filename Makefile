# The two commands a learner or teacher needs (see README):
#   make lab    set up (once) and open the course in JupyterLab
#   make test   set up (once) and run every test: unit, oracle, notebooks, browser
# Both are idempotent: the virtual environment is rebuilt only when pyproject.toml changes.

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed
# Lab opens the course index when it exists, else the notebooks folder.
INDEX   = $(if $(wildcard notebooks/00-index.ipynb),notebooks/00-index.ipynb,notebooks)

.PHONY: lab test bench setup chromium

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[course,test]'
	touch $(STAMP)

# The browser test drives Debian's chromium; browser downloads do not work here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(INDEX)

test: $(STAMP) chromium
	$(PY) -m pytest

bench: $(STAMP)
	@cd bench && for b in bench_*.py; do echo "== $$b"; ../$(PY) $$b || exit 1; done
