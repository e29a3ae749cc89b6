# Yumroad's two commands: `make run` serves the app, `make test` checks it. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format install clean bench-search prod

run: $(INSTALLED)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(INSTALLED)
	$(BIN)/ruff check yumroad tests bench migrations/env.py
	$(BIN)/ruff format --check yumroad tests bench
	$(BIN)/bandit -c bandit.yaml -r yumroad -q
	$(BIN)/pytest --cov --cov-report=term

# The production stack: migrations, then gunicorn (gunicorn.conf.py) and the RQ worker against
# DATABASE_URL and REDIS_URL; Ctrl-C stops both. See "Running the production stack" in README.md.
prod: $(INSTALLED)
	BIN=$(BIN) scripts/serve-production

lint: $(INSTALLED)
	$(BIN)/ruff check yumroad tests bench migrations/env.py

# Search and dashboard timings with 50 and 50,000 products; writes bench/RESULTS.md.
bench-search: $(INSTALLED)
	$(BIN)/python bench/search_and_dashboard.py

format: $(INSTALLED)
	$(BIN)/ruff check --fix yumroad tests bench
	$(BIN)/ruff format yumroad tests bench

install: $(INSTALLED)

# Reinstalled whenever requirements.txt changes.
$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
