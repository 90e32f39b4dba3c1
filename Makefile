# Two commands a newcomer needs: `make demo` and `make test`. Both set themselves up.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.fazhi-installed

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(STAMP)

## The whole job on the built-in sample mirror, then serve the site on 127.0.0.1.
demo: $(STAMP)
	$(BIN)/python -m fazhi_app.demo

## Lint and the whole test suite (browser tests skip with a reason when Chromium is absent).
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## Benchmarks; results go to bench/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python bench/build.py
	$(BIN)/python bench/scrape.py
	$(BIN)/python bench/search_quality.py
	$(BIN)/python bench/search_speed.py
	$(BIN)/python bench/nightly.py

clean:
	rm -rf var site public tests/artifacts .pytest_cache .ruff_cache
