# I·Campus Portal — developer commands. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run test install install-dev lock migrate seed worker beat lint messages superuser clean bench serve screenshots

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Installs come from the lock files: every package, transitive ones too, at one version with its
# hashes (pip refuses anything else). requirements*.txt are what people edit; `make lock` follows.
$(VENV)/.installed: requirements.lock $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements.lock
	touch $@

AXE_VERSION := 4.11.0

$(VENV)/.installed-dev: requirements.lock requirements-dev.lock $(VENV)/bin/activate
	$(PIP) install --quiet --require-hashes -r requirements-dev.lock
	# axe-core (npm) for the accessibility tests; they skip where npm is missing.
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Rewrite the lock files from requirements.txt and requirements-dev.txt (run after editing them).
# Every pin already in a lock file is kept unless its input changed; to move on, name the package:
# `make lock LOCK_ARGS="--upgrade-package celery"`, or `LOCK_ARGS=--upgrade` for everything. The
# runtime lock is constrained by the dev one, so both always hold the same versions.
LOCK := $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock: install-dev
	$(LOCK) requirements-dev.txt -o requirements-dev.lock
	$(LOCK) requirements.txt --constraint requirements-dev.lock -o requirements.lock

# Development server: SQLite, in-process jobs, console e-mail, demo data. manage.py uses the
# development settings (portal/settings/development.py) unless DJANGO_SETTINGS_MODULE says otherwise.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

# -n auto: a test process per CPU, each with its own test database (and Redis database). Then the
# tests marked `worker`, in one process: they talk to the Celery worker CI starts, which reads the
# one test database test_<name> (tests/conftest.py); -n 0 after PYTEST_ARGS keeps them in one process.
# Exit status 5: that pass selected no test.
test: install-dev
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(VENV)/bin/pytest --worker-tests $(PYTEST_ARGS) -n 0 || [ $$? -eq 5 ]

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

migrate: install
	$(MANAGE) migrate --no-input

seed: install
	$(MANAGE) seed_demo

superuser: install
	$(MANAGE) createsuperuser

# Background jobs against REDIS_URL (see README, "Workers"), with the development settings
# (Celery on its own defaults to the production ones).
worker beat: export DJANGO_SETTINGS_MODULE ?= portal.settings.development
worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=INFO

# Production-like: gunicorn, a worker and beat against DATABASE_URL/REDIS_URL (see deploy/).
serve: install
	deploy/serve.sh

# Rebuild the translation catalogues after changing user-facing strings.
messages: install-dev
	$(MANAGE) makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'tests/*' --no-obsolete
	$(PY) -m portal.i18n_compile

clean:
	rm -rf $(VENV) .pytest_cache

# Load and query-plan measurements on PostgreSQL + Redis (see bench/README.md).
# The README's pictures, from a fresh demo campus in Debian's Chromium (docs/screenshots.py).
screenshots: install-dev
	$(PY) docs/screenshots.py

bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py $(BENCH_ARGS)
