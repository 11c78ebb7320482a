"""Settings for ``make bench``: the production settings served over plain HTTP on 127.0.0.1,
plus reference endpoints (``/bench/hello``, ``/bench/raw``) and a per-request query count header.

Nothing here is used by the product itself.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_THROTTLE_RATE", "100000000/minute")

from portal.settings.production import *  # noqa: F403
from portal.settings.production import MIDDLEWARE

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
# Counts the SQL statements of each request into the X-Queries response header (outermost).
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
WEBHOOKS_ALLOW_LOOPBACK = True
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
