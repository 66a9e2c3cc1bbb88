# clusterscape — two commands: `make run` and `make test`.
# Every target sets up what it needs; running one twice does only what changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/clusterscape_bench
HOST   ?= 127.0.0.1:8000

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run superuser test lint format test-sqlite test-postgres data messages clean assets chromium gettext bench
.PHONY: collectstatic serve backup restore worker

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

# Front-end assets from npm (package-lock.json), copied and built into var/build/ by
# clusterscape/core/build_assets.py; redone only when the lock or the build script changes.
ASSETS := var/build/.assets
$(ASSETS): package.json package-lock.json clusterscape/core/build_assets.py data/states_de.csv | $(STAMP) var
	@command -v npm >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y npm)
	npm ci --no-audit --no-fund
	$(BIN)/python -m clusterscape.core.build_assets
	touch $(ASSETS)

assets: $(ASSETS)

# The browser tests drive Debian's chromium (never a browser download of Playwright's own).
chromium:
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# A test extracts every translatable string with makemessages, which needs GNU gettext.
gettext:
	@command -v xgettext >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y gettext)

data: $(STAMP) messages assets | var
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_shipped_data

# The background worker (e-mails, index rebuilds; `manage.py db_worker`) runs beside the
# development server and stops with it; DEBUG prints the e-mails it sends to the console.
# A task it was in the middle of when stopped runs again at the next start.
run: data
	@echo "clusterscape is served at http://$(HOST)/ (admin: http://$(HOST)/admin/, create a user with 'make superuser')"
	DEBUG=1 $(BIN)/python manage.py requeue_stalled_tasks --worker-id local
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --worker-id local & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

# Only the background worker, e.g. beside `make serve`.
worker: data
	DEBUG=1 $(BIN)/python manage.py requeue_stalled_tasks --worker-id local
	DEBUG=1 $(BIN)/python manage.py db_worker --no-reload --worker-id local

# Production serving on loopback: hashed and compressed static files (WhiteNoise) and gunicorn
# (gunicorn.conf.py; GUNICORN_WORKERS, GUNICORN_THREADS, ... from the environment). Without
# SECRET_KEY in the environment a random one is made for this run.
collectstatic: data
	DEBUG=1 STATIC_MANIFEST=1 $(BIN)/python manage.py collectstatic --no-input --verbosity 0

SERVE_SECRET_KEY = $(or $(SECRET_KEY),$(shell $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))'))
serve: collectstatic
	@echo "clusterscape (gunicorn, DEBUG off) is served at http://$(HOST)/"
	DEBUG=0 SECRET_KEY='$(SERVE_SECRET_KEY)' SECURE_COOKIES=0 SECURE_SSL_REDIRECT=0 \
		GUNICORN_BIND='$(HOST)' \
		ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		$(BIN)/gunicorn -c gunicorn.conf.py clusterscape.wsgi

# Backup and restore of the database in DATABASE_URL (default: the SQLite file), see
# deploy/backup.py: `make backup [FILE=...]`, `make restore FILE=...` (stop the app first).
backup: $(STAMP)
	$(BIN)/python deploy/backup.py backup $(FILE)

restore: $(STAMP)
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/<file>" >&2; exit 2)
	$(BIN)/python deploy/backup.py restore '$(FILE)'

superuser: data
	DEBUG=1 $(BIN)/python manage.py createsuperuser

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test-sqlite: $(STAMP) messages assets chromium gettext
	env -u DATABASE_URL $(BIN)/pytest -n 2 -q

test-postgres: $(STAMP) messages assets chromium gettext
	@$(BIN)/python -m clusterscape.core.check_database '$(PG_URL)'
	DATABASE_URL='$(PG_URL)' $(BIN)/pytest -n 2 -q

test: lint test-sqlite test-postgres

# Benchmarks in databases of their own (var/bench/, and the PostgreSQL database
# clusterscape_bench, created and dropped); results in bench/results/.
# - search: synthetic corpora, BENCH_ARGS=--full adds 1,000,000 documents;
# - site: 20,000 synthetic organisations, gunicorn on loopback under load from `hey`
#   (installed from Debian when missing), SITE_BENCH_ARGS e.g. --duration 30.
bench: $(STAMP) messages assets | var
	@command -v hey >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y hey)
	DEBUG=1 BENCH_PG_URL='$(BENCH_PG_URL)' $(BIN)/python bench/search_bench.py $(BENCH_ARGS)
	DEBUG=1 $(BIN)/python bench/match_bench.py
	DEBUG=1 $(BIN)/python bench/brokerage_bench.py
	BENCH_PG_URL='$(BENCH_PG_URL)' $(BIN)/python bench/site_bench.py $(SITE_BENCH_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3 var/build node_modules
