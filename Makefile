# `make run` and `make test` bootstrap .venv themselves; nothing else to install by hand
# (the browser tests also need Debian's chromium: `.ci/run` installs it).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test rebuild bench clean

run: $(VENV)/.installed
	$(BIN)/timkiem serve --host $(HOST) --port $(PORT)

rebuild: $(VENV)/.installed
	$(BIN)/timkiem rebuild

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/relevance.py

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) index/CURRENT index/gen-* index/.rebuild.lock
