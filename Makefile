# The two commands of the README: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export SAFERCITY_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test setup lint typecheck pytest chat clean browser test-rasa

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "SaferCity needs Python 3.11+"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## Set everything up and run the service on the embedded default (SQLite, embedded NLU).
run: setup
	$(BIN)/safercity serve

## Talk to the bot in the terminal.
chat: setup
	$(BIN)/safercity chat

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

## Debian's chromium for the staff UI's browser tests (`playwright install` cannot download here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

pytest: setup browser
	$(BIN)/pytest -m "not rasa"

## The Rasa 3.6 engine end to end: Python 3.10 env, training, server, evaluation, its tests.
test-rasa: setup
	bash scripts/ci-rasa.sh

## Set everything up and pass the tests (PostgreSQL at SAFERCITY_TEST_POSTGRES_URL included,
## the browser tests and the Rasa engine's path too).
test: lint typecheck pytest test-rasa

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
