# Commonplace: `make run` serves the archive on embedded defaults; `make test` runs every test.
# `run` installs only what the server needs; `test`, `lint` and `bench` add the test extras.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench install clean

# The environment gets today's pip (it resolves twice as fast as the bundled one) and
# setuptools with setuptools-scm (they build this project, and bagit's source release, in place,
# so no isolated build environment is made; without setuptools-scm bagit 1.9 builds as 0.0.0).
# When $(PYTHON) has a pip, that pip installs them, uncompiled: far cheaper than ensurepip
# installing and compiling the bundled pip and then upgrading it (--upgrade-deps, the
# fallback).
$(BIN)/python:
	$(PYTHON) -m venv --without-pip $(VENV) && \
	  $(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check \
	    --no-compile --upgrade pip setuptools setuptools-scm || \
	  { rm -rf $(VENV) && $(PYTHON) -m venv --upgrade-deps $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile \
	  --no-build-isolation -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-build-isolation \
	  -e '.[test]'
	touch $(TEST_STAMP)

install: $(TEST_STAMP)

run: $(STAMP)
	$(BIN)/commonplace serve

# `make test` reports the coverage of the three packages (modules fully covered are left
# out of the table); the data file goes to var/, which git ignores.
COVERAGE := --cov=domain --cov=infra --cov=services --cov-report=term:skip-covered

test: $(TEST_STAMP)
	mkdir -p var && COVERAGE_FILE=var/.coverage $(BIN)/python -m pytest $(COVERAGE) $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check domain infra services tests
	$(BIN)/mypy

# One run, one machine: commands, HTTP, revisions and search (run), then media, pages,
# syndication and the 20-client mixed load on the same machine right after.
# Figures are recorded in docs/benchmarks.md.
bench: $(TEST_STAMP)
	$(BIN)/python -m tests.benchmarks.run
	$(BIN)/python -m tests.benchmarks.media_bench
	$(BIN)/python -m tests.benchmarks.pages
	$(BIN)/python -m tests.benchmarks.syndication_bench
	$(BIN)/python -m tests.benchmarks.load_bench
	$(BIN)/python -m tests.benchmarks.notice_bench
	$(BIN)/python -m tests.benchmarks.consent_bench

clean:
	rm -rf $(VENV) var
