# Commonplace: `make run` serves the archive on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/commonplace serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check domain infra services tests
	$(BIN)/mypy

# One run, one machine: commands, HTTP, revisions and search (run), then media, pages and
# syndication on the same machine right after. Figures are recorded in docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks.run
	$(BIN)/python -m tests.benchmarks.media_bench
	$(BIN)/python -m tests.benchmarks.pages
	$(BIN)/python -m tests.benchmarks.syndication_bench

clean:
	rm -rf $(VENV) var
