# I·Campus Portal — developer commands. Needs only Python 3.11 and make.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py

.PHONY: run test install install-dev migrate seed worker beat lint messages superuser clean bench serve

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements.txt
	touch $@

AXE_VERSION := 4.11.0

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements-dev.txt
	# axe-core (npm) for the accessibility tests; they skip where npm is missing.
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix $(VENV)/node axe-core@$(AXE_VERSION)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Development server: SQLite, in-process jobs, console e-mail, demo data. manage.py uses the
# development settings (portal/settings/development.py) unless DJANGO_SETTINGS_MODULE says otherwise.
run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:8000

test: install-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

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
bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) bench/run.py $(BENCH_ARGS)
