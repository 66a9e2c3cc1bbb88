# clusterscape — two commands: `make run` and `make test`.
# Every target sets up what it needs; running one twice does only what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST   ?= 127.0.0.1:8000

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run superuser test lint format test-sqlite test-postgres data messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "clusterscape needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

var:
	mkdir -p var

# Compiled message catalogues (.mo) are build output: made from the committed .po files.
messages: $(STAMP)
	$(BIN)/python -m clusterscape.core.compile_messages

data: $(STAMP) messages | var
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_shipped_data

run: data
	@echo "clusterscape is served at http://$(HOST)/ (admin: http://$(HOST)/admin/, create a user with 'make superuser')"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

superuser: data
	DEBUG=1 $(BIN)/python manage.py createsuperuser

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: $(STAMP) messages
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q

test-postgres: $(STAMP) messages
	@$(BIN)/python -m clusterscape.core.check_database '$(PG_URL)'
	DATABASE_URL='$(PG_URL)' $(BIN)/pytest -n 2 -q

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var/*.sqlite3
