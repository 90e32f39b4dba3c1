# Two commands a newcomer needs: `make demo` and `make test`. Both set themselves up.
VENV    ?= .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.fazhi-installed
# axe-core for the browser accessibility tests, at the version pinned in tests/browser/package-lock.json.
AXE     := tests/browser/node_modules/axe-core/axe.min.js

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

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(AXE)

## The whole job on the built-in sample mirror, then serve the site on 127.0.0.1:$(PORT) (make demo PORT=8001).
demo: $(STAMP)
	$(BIN)/python -m fazhi_app.demo --port $(PORT)

## Lint and the whole test suite (browser tests skip with a reason when Chromium is absent).
test: $(STAMP) $(AXE)
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
	$(BIN)/python bench/search_load.py
	$(BIN)/python bench/nightly.py
	$(BIN)/python bench/content_files.py

clean:
	rm -rf var site public tests/artifacts tests/browser/node_modules .pytest_cache .ruff_cache
