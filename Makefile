# Yumroad's two commands: `make run` serves the app, `make test` checks it. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
INSTALLED := $(VENV)/.installed

.PHONY: run test test-postgres test-e2e browser lint format install clean prod bench bench-search load scan

run: $(INSTALLED)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(INSTALLED) browser
	$(BIN)/ruff check yumroad tests bench migrations/env.py
	$(BIN)/ruff format --check yumroad tests bench
	$(BIN)/bandit -c bandit.yaml -r yumroad -q
	TEST_DATABASE_URL= $(BIN)/pytest --cov --cov-report=term  # SQLite, whatever the environment says

# The whole suite again on PostgreSQL: the tests make (and drop) a database of their own there.
TEST_DATABASE_URL ?= postgresql+psycopg://root@127.0.0.1:5432/postgres
test-postgres: $(INSTALLED) browser
	TEST_DATABASE_URL='$(TEST_DATABASE_URL)' $(BIN)/pytest

# Only the browser journeys (tests/e2e, also part of `make test`): Chromium driven by Playwright, every
# page checked with axe-core; screenshots in tests/e2e/screenshots/.
test-e2e: $(INSTALLED) browser
	TEST_DATABASE_URL= $(BIN)/pytest tests/e2e

# What the browser tests need beyond .venv: Debian's Chromium (Playwright's own download does not work
# here) and axe-core from npm, each installed only when missing.
export CHROMIUM_PATH ?= /usr/bin/chromium
AXE := tests/e2e/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser: $(CHROMIUM_PATH) $(AXE)

$(CHROMIUM_PATH):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q npm; }
	npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
	touch $@

# The production stack: migrations, then gunicorn (gunicorn.conf.py) and the RQ worker against
# DATABASE_URL and REDIS_URL; Ctrl-C stops both. See "Running the production stack" in README.md.
prod: $(INSTALLED)
	BIN=$(BIN) scripts/serve-production

lint: $(INSTALLED)
	$(BIN)/ruff check yumroad tests bench migrations/env.py

# The anonymous pages under load (wrk against gunicorn) on SQLite and PostgreSQL, with and without the
# page cache, next to a bare control page; writes bench/RESULTS.md. `make bench BENCH_FLAGS=--large` adds
# 100,000 products. Needs wrk (apt-get install wrk), PostgreSQL and Redis.
bench: $(INSTALLED)
	$(BIN)/python bench/serving.py $(BENCH_FLAGS)

# 64 visitors browse, sign up and buy for 60 s on gunicorn + RQ + PostgreSQL + Redis, once cleanly and
# once with the worker and PostgreSQL restarted mid-run; then checks no order was lost or doubled.
load: $(INSTALLED) .venv-load/.installed
	$(BIN)/python bench/load_test.py

.venv-load/.installed: bench/requirements-load.txt
	test -x .venv-load/bin/python || $(PYTHON) -m venv .venv-load
	.venv-load/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-load.txt
	touch $@

# sqlmap and wapiti against a demo marketplace on 127.0.0.1, logged out and logged in; findings go to
# bench/RESULTS.md.
scan: $(INSTALLED) .venv-scan/.installed
	$(BIN)/python bench/scan.py

.venv-scan/.installed: bench/requirements-scan.txt
	test -x .venv-scan/bin/python || $(PYTHON) -m venv .venv-scan
	.venv-scan/bin/python -m pip install --quiet --disable-pip-version-check -r bench/requirements-scan.txt
	touch $@

# Search and dashboard timings with 50 and 50,000 products; writes bench/RESULTS.md.
bench-search: $(INSTALLED)
	$(BIN)/python bench/search_and_dashboard.py

format: $(INSTALLED)
	$(BIN)/ruff check --fix yumroad tests bench
	$(BIN)/ruff format yumroad tests bench

install: $(INSTALLED)

# Reinstalled whenever a requirements file changes.
$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .venv-load .venv-scan .pytest_cache .ruff_cache .coverage htmlcov tests/e2e/node_modules tests/e2e/screenshots
