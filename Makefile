# Two commands a newcomer needs: `make demo` and `make test`. Both set themselves up.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.fazhi-installed

.PHONY: setup demo test lint bench clean

PORT    ?= 8000

# First run only: says what it does and lets pip show its progress (a few minutes on a fresh machine).
$(STAMP): pyproject.toml
	@echo "==> creating $(VENV)/ and installing fazhi with its dependencies (first run only; a few minutes)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> upgrading pip"
	$(BIN)/pip install --progress-bar on --upgrade pip
	@echo "==> installing fazhi and its dependencies into $(VENV)/"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $@
	@echo "==> installed: the command is $(CURDIR)/$(BIN)/fazhi"

setup: $(STAMP)

## The whole job on the built-in sample mirror, then serve the site on 127.0.0.1:$(PORT) (make demo PORT=8001).
demo: $(STAMP)
	$(BIN)/python -m fazhi_app.demo --port $(PORT)

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
