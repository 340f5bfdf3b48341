# Every target creates or updates what it needs itself: `make run` and `make test` are all a new
# machine needs. Python packages come from requirements.lock (exact versions with hashes, exported
# from uv's resolver by `make lock`); front-end assets from package-lock.json.
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
SYNCED := $(VENV)/.synced
ASSETS := node_modules/.package-lock.json
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: env run test test-fast wheel check bench bench-peers clean translations lock browser load-tool

CATALOG := locales/cy/LC_MESSAGES/dfr
env: $(SYNCED) $(ASSETS) $(CATALOG).mo

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set, every process (each
# test run, each `dfr` command) would otherwise compile Prefect and its dependencies again.
$(SYNCED): $(UV) pyproject.toml requirements.lock
	$(UV) pip install --no-config --python $(VENV)/bin/python --require-hashes --compile-bytecode \
		-r requirements.lock
	$(UV) pip install --no-config --python $(VENV)/bin/python --no-deps -e .
	touch $@

# The Welsh catalog, compiled (the .po is the source, kept in the repo).
$(CATALOG).mo: $(CATALOG).po $(SYNCED)
	$(VENV)/bin/pybabel compile --statistics -d locales -D dfr -l cy

$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund

# The browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || apt-get install -y chromium \
		|| (apt-get update && apt-get install -y chromium)

# The web benchmark's clients: wrk, a C load generator, so the clients do not compete with the
# server for the CPU as Python clients would.
load-tool:
	@command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)

# Re-resolve the dependencies after editing pyproject.toml; commit both lock files. The
# workflow engines the benchmark compares with (the bench-peers group) get a lock of their own,
# resolved with everything else, so that only `make bench` installs them.
lock: $(UV)
	$(UV) lock
	$(UV) export --frozen --format requirements-txt --all-groups --no-group bench-peers \
		--no-emit-project --no-header -o requirements.lock
	$(UV) export --frozen --format requirements-txt --only-group bench-peers \
		--no-emit-project --no-header -o requirements-bench.lock

run: env
	$(VENV)/bin/dfr init
	$(VENV)/bin/dfr run

test: env browser
	$(VENV)/bin/pytest

# The quick loop: on SQLite only, without the tests marked slow (the wheel, the production
# stack, a 500-line import), browser (Chromium) or prefect (a Prefect server).
test-fast: env
	$(VENV)/bin/pytest -m "not slow and not browser and not prefect and not postgres"

# dist/*.whl, with the files it reads at run time under dfr/_data/ (see hatch_build.py).
wheel: env
	$(UV) build --no-config --wheel

check: $(SYNCED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q tests/test_parity.py

BENCH_PEERS := $(VENV)/.bench-peers
$(BENCH_PEERS): $(SYNCED) requirements-bench.lock
	$(UV) pip install --no-config --python $(VENV)/bin/python --require-hashes --compile-bytecode \
		-r requirements-bench.lock
	touch $@

bench: env load-tool $(BENCH_PEERS)
	$(VENV)/bin/python -m bench

# Only dfr against the other workflow engines (bench/bench_peers.py); DFR_BENCH_PEERS_COUNT
# submissions (default 1,000), DFR_BENCH_PEERS_ROUNDS rounds (default 5).
bench-peers: env $(BENCH_PEERS)
	$(VENV)/bin/python -m bench.bench_peers

clean:
	rm -rf $(VENV) var node_modules

# Re-extract UI strings and merge them into the Welsh catalog; then fill in the new msgstr.
translations: $(SYNCED)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _ -k gettext -k both -k N_ -k _n:1,2 --no-location --sort-output \
		--project digital-first-review -o locales/dfr.pot .
	$(VENV)/bin/pybabel update -i locales/dfr.pot -d locales -D dfr -l cy --no-fuzzy-matching
