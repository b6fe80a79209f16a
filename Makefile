# Two commands matter: `make run` (try it locally) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/regionalbuendnis
export REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: run install migrate seed messages lint format test worker beat bench clean backup-pg restore-pg

$(STAMP): pyproject.toml package.json package-lock.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

install: $(STAMP) messages

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore='.venv/*' --ignore='node_modules/*' -v0

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Local: SQLite, console e-mail, Celery tasks run eagerly in-process.
run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(BIN)/pytest --create-db $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Production-like processes against PostgreSQL/Redis from the environment.
worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-regionalbuendnis.settings.local} CELERY_TASK_ALWAYS_EAGER=false \
		$(BIN)/celery -A regionalbuendnis worker --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-regionalbuendnis.settings.local} \
		$(BIN)/celery -A regionalbuendnis beat --loglevel=INFO

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_TEST)} REDIS_URL=$${REDIS_URL:-$(REDIS_URL_TEST)} \
		$(PY) bench/run.py

# Backup of a PostgreSQL installation: custom-format dump of $DATABASE_URL and a tar of MEDIA_ROOT
# (default media/) in a dated directory under backups/. Copy that directory off the machine.
backup-pg:
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to the PostgreSQL database to back up." >&2; exit 1; }
	@set -euo pipefail; \
	dir=backups/$$(date +%Y-%m-%d_%H%M%S); media="$${MEDIA_ROOT:-media}"; \
	mkdir -p "$$dir" "$$media"; \
	pg_dump --format=custom --file="$$dir/database.dump" "$$DATABASE_URL"; \
	tar -czf "$$dir/media.tar.gz" -C "$$media" .; \
	echo "Backup written to $$dir"

# Restore such a directory into an EMPTY database (create it first, e.g. `createdb NAME`):
#   make restore-pg BACKUP=backups/2025-11-20_143000 DATABASE_URL=postgres://.../NAME
# One transaction: on any error nothing is restored. Media files are unpacked into MEDIA_ROOT.
restore-pg:
	@test -n "$(BACKUP)" && test -f "$(BACKUP)/database.dump" || { echo "Set BACKUP to a directory made by make backup-pg." >&2; exit 1; }
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to the empty target database." >&2; exit 1; }
	@set -euo pipefail; \
	tables=$$(psql "$$DATABASE_URL" -tAc "select count(*) from pg_tables where schemaname = 'public'"); \
	if [ "$$tables" != 0 ]; then echo "The target database is not empty ($$tables tables); restore needs an empty one." >&2; exit 1; fi; \
	pg_restore --single-transaction --exit-on-error --no-owner --dbname="$$DATABASE_URL" "$(BACKUP)/database.dump"; \
	media="$${MEDIA_ROOT:-media}"; mkdir -p "$$media"; tar -xzf "$(BACKUP)/media.tar.gz" -C "$$media"; \
	echo "Restored $(BACKUP) into the database; media files into $$media"

clean:
	rm -rf $(VENV) node_modules staticfiles
