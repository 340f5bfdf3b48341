# Every target creates or updates .venv itself: `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
SYNCED := $(VENV)/.synced
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: env run test check bench demo clean

env: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(SYNCED): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact
	touch $@

run: $(SYNCED)
	$(VENV)/bin/dfr init
	$(VENV)/bin/dfr demo examples/submissions

test: $(SYNCED)
	$(VENV)/bin/pytest

check: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/pytest -q tests/test_parity.py

bench: $(SYNCED)
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) var
