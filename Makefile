# Two commands matter: `make run` (check the bundled specs) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# the bundled specs model real bugs, so violations (exit 1) are the expected result;
# an input or internal error (exit 2, 3) still fails
run: $(STAMP)
	$(BIN)/fito check specs/ || [ $$? -eq 1 ]

# every test, slow ones included (this is what CI runs)
test: $(STAMP)
	$(BIN)/python -m pytest tests

# quick loop while developing: skips tests marked slow
test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow"

# SPIN (Debian package `spin`) and gcc are needed for the twin runs
bench: $(STAMP)
	command -v spin >/dev/null || (apt-get update -qq && apt-get install -y -qq spin gcc)
	$(BIN)/python bench/parse_bench.py
	$(BIN)/python bench/run.py
	$(BIN)/python bench/fito_checks.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
