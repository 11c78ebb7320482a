"""Settings for the test suite: the base settings, made fast and deterministic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
if os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw") and os.environ.get("REDIS_URL"):
    # Test processes side by side (pytest -n) each get a Redis database of their own: every test
    # starts by emptying the cache (tests/conftest.py). The database named by REDIS_URL stays the
    # broker of the Celery worker CI starts, for the tests marked ``worker`` (run apart, Makefile).
    import urllib.parse

    _url = urllib.parse.urlsplit(os.environ["REDIS_URL"])
    _number = int(_url.path.strip("/") or 0) + 1 + int(os.environ["PYTEST_XDIST_WORKER"][2:])
    os.environ["REDIS_URL"] = urllib.parse.urlunsplit(_url._replace(path=f"/{_number % 16}"))

from .base import *  # noqa: F403
from .base import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("WORKER_EMAIL_DIR"):
    # A Celery worker started for the tests writes its mail where the tests can read it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["WORKER_EMAIL_DIR"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
# Jobs run in-process after commit, so tests can read the mail they send. Tests marked
# ``redis`` switch to the real broker and worker (see tests/conftest.py, ``celery_worker``).
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory, so tests with several threads get SQLite's real locking.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
