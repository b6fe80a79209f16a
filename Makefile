# Two commands matter: `make run` (try it locally) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
export DATABASE_URL_TEST ?= postgres://postgres@127.0.0.1:5432/regionalbuendnis
export REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: run install migrate seed messages lint format test worker beat bench clean

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

clean:
	rm -rf $(VENV) node_modules staticfiles
