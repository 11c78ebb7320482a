"""Settings for the test suite: the base settings, made fast and deterministic."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    # Test processes side by side (pytest -n) each get a Redis database of their own, the ones after
    # REDIS_URL's (gw0 the next): every test starts by emptying the cache (tests/conftest.py). The
    # database REDIS_URL names stays the broker of the Celery worker CI starts, for the tests marked
    # ``worker``, run apart in one process (Makefile).
    from urllib.parse import urlsplit

    from django.core.exceptions import ImproperlyConfigured

    _url = urlsplit(os.environ["REDIS_URL"])
    _base = _url.path.strip("/") or "0"
    if _url.scheme not in {"redis", "rediss"} or not _base.isdigit() or "db=" in _url.query:
        raise ImproperlyConfigured(
            "REDIS_URL must name its database in the path (redis://host:port/N) for tests side by side (pytest -n)."
        )
    _number = int(_base) + 1 + int(_worker[2:])
    if _number > 15:
        raise ImproperlyConfigured(
            f"REDIS_URL names database {_base}; test process {_worker} would need database {_number} (at most 15): "
            "name a lower one, or run fewer test processes."
        )
    os.environ["REDIS_URL"] = _url._replace(path=f"/{_number}").geturl()

from .base import *  # noqa: E402, F403 - after REDIS_URL is settled above
from .base import STORAGES  # noqa: E402

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
