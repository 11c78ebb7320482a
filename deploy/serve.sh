#!/usr/bin/env bash
# `make serve`: gunicorn (several workers), a Celery worker and beat, with production settings,
# against DATABASE_URL and REDIS_URL from the environment. A process that dies is restarted
# while the others keep running (deploy/supervise.sh); Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL (PostgreSQL)}" "${REDIS_URL:?set REDIS_URL}" "${SECRET_KEY:?set SECRET_KEY}"
export DJANGO_SETTINGS_MODULE=portal.settings.production
BIN=.venv/bin
$BIN/python manage.py migrate --no-input
$BIN/python manage.py collectstatic --no-input -v0
source deploy/supervise.sh
supervise web $BIN/gunicorn -c deploy/gunicorn.conf.py portal.wsgi --bind "${BIND:-127.0.0.1:8000}" --workers "${WEB_CONCURRENCY:-4}"
supervise worker $BIN/celery -A portal worker --loglevel=INFO
supervise beat $BIN/celery -A portal beat --loglevel=INFO
supervise_wait
