# Yumroad's two commands: `make run` serves the app, `make test` checks it. Both set everything up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format install clean

run: $(INSTALLED)
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(INSTALLED)
	$(BIN)/ruff check yumroad tests migrations/env.py
	$(BIN)/ruff format --check yumroad tests
	$(BIN)/pytest --cov --cov-report=term

lint: $(INSTALLED)
	$(BIN)/ruff check yumroad tests migrations/env.py

format: $(INSTALLED)
	$(BIN)/ruff check --fix yumroad tests
	$(BIN)/ruff format yumroad tests

install: $(INSTALLED)

# Reinstalled whenever requirements.txt changes.
$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
