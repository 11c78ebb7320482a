"""Settings for a real deployment behind a TLS-terminating proxy."""

from .base import *  # noqa: F403
from .base import DATABASES, _env_bool, env

DEBUG = False
# Keep database connections between requests (a new PostgreSQL connection costs milliseconds),
# checked before reuse so a restarted database does not fail the first request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

# HSTS preloading is a commitment for the whole domain and its subdomains that the operator
# opts into with SECURE_HSTS_PRELOAD=1; it is off by default, so the reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
