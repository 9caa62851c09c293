# Two commands: `make serve` (the course site) and `make test` (every test).
# Each creates .venv on first use and reinstalls only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test test-fast build lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.site: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[site]'
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@ $(VENV)/.site

serve: $(VENV)/.site
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(VENV)/.site
	$(BIN)/mkdocs build --strict

# The learner-facing tests again as Windows would run them: the grader's portable ways, with the
# POSIX-only modules and functions taken away (tests/portable/posix_removed); no sandbox, as there.
PORTABLE := GRADER_PORTABLE=1 GRADER_NO_SANDBOX=1 PYTHONPATH=$(CURDIR)/tests/portable/posix_removed

# Tests run in parallel (pytest-xdist): a grading mostly waits for its kernel, so two per core.
# One test file per worker at a time (loadscope), so a module's costly fixture (a site or book
# build, a batch, a zygote) is made once. (loadgroup marks are not honoured with pytest 9.)
XDIST := -n 4 --dist loadscope

test: $(VENV)/.dev
	$(BIN)/ruff check grader tests benchmarks courselib
	$(BIN)/ruff format --check grader tests benchmarks courselib
	$(BIN)/mypy
	$(BIN)/pytest $(XDIST) --durations=15
	$(PORTABLE) $(BIN)/pytest $(XDIST) -m portable tests/learner tests/grader/test_behaviours.py

# The inner loop: everything but the whole-course builds and the browser.
test-fast: $(VENV)/.dev
	$(BIN)/pytest $(XDIST) -m "not slow and not browser"

lint: $(VENV)/.dev
	$(BIN)/ruff check grader tests benchmarks courselib
	$(BIN)/ruff format --check grader tests benchmarks courselib
	$(BIN)/mypy

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/bench_grade.py

clean:
	rm -rf $(VENV) site .cache build
