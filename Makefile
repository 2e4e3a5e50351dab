# Two commands do all set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench screenshots lock clean

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("viralscope needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/viralscope demo --if-empty
	$(BIN)/viralscope analyze
	$(BIN)/viralscope dashboard

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# Every page on the demo world and on the SemEval threads (when ../shared/eval holds them), English and Korean,
# into docs/screenshots (needs Chromium; Korean text needs a CJK font such as fonts-noto-cjk).
screenshots: $(STAMP)
	$(BIN)/python -m tests.dashboard_screenshots --out docs/screenshots

# Re-resolve the lock file from pyproject.toml's ranges (all extras) in a scratch environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet '.[pdf,spark,dev]'
	{ sed -n '1,4p' requirements.txt; .lock-venv/bin/python -m pip freeze | grep -iv '^viralscope'; } > requirements.lock.new
	mv requirements.lock.new requirements.txt && rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
