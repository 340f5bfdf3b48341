# Every target creates or updates .venv itself: `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
SYNCED := $(VENV)/.synced
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: env run test check bench clean translations

env: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(SYNCED): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --inexact
	touch $@

run: $(SYNCED)
	$(VENV)/bin/dfr init
	$(VENV)/bin/dfr run

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

# Re-extract UI strings and merge them into the Welsh catalog; then fill in the new msgstr.
translations: $(SYNCED)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k gettext -k both -k N_ --no-location --sort-output \
		--project digital-first-review -o locales/dfr.pot .
	$(VENV)/bin/pybabel update -i locales/dfr.pot -d locales -D dfr -l cy --no-fuzzy-matching
