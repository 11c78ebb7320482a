"""Settings for every environment, read from the process environment in one place.

Unset variables fall back to the embedded defaults (SQLite file, in-process jobs,
local-memory cache, console e-mail). Any variable may instead be given as
``<NAME>_FILE`` pointing at a file that holds the value (container secrets).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# A developer's .env file, if any, has been read by the package (portal/settings/__init__.py).
env = environ.FileAwareEnv()


def _env_bool(name: str, default: bool) -> bool:
    """A strict boolean: refuse values that are neither true nor false words."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), not {raw!r}.")


def _env_addresses(name: str, default: str) -> list[str]:
    """Comma-separated IP addresses or networks (or ``*``), each checked as gunicorn checks them."""
    values = [value.strip() for value in env.str(name, default=default).split(",") if value.strip()]
    for value in values:
        if value == "*":
            continue
        try:
            ipaddress.ip_network(value)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (such as 10.0.0.5 or 10.0.0.0/24), not {value!r}."
            ) from None
    return values


DEBUG = _env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a random key kept in var/ so sessions survive the auto-reloader.
    _dev_key_file = BASE_DIR / "var" / "dev-secret-key"
    if not _dev_key_file.exists():
        _dev_key_file.parent.mkdir(parents=True, exist_ok=True)
        _dev_key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = _dev_key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before the admin: it registers the translated fields its forms show
    "portal.admin_site.PortalAdminConfig",  # the admin, with the second factor part of being staff
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's form templates, for PortalFormRenderer (below) to find
    "django_countries",
    "django_celery_beat",
    "simple_history",
    "import_export",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_guid",
    "djmoney",
    "campus",
    "tenants",
    "partners",
    "advisory",
    "residents",
    "portal",  # last: its post_migrate handler (staff roles) needs every app's permissions
]

MIDDLEWARE = [
    "portal.middleware.trusted_forwarded_headers",
    "portal.middleware.noindex_private_pages",
    "portal.middleware.refuse_trace",
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.RejectNullCharactersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.two_factor.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Forms render through the project's templates (templates/django/forms/ overrides Django's) with
# labels, lists and error summaries made for people (common/forms.py).
FORM_RENDERER = "common.forms.PortalFormRenderer"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.sso.context",
            ],
            # Tag libraries of common (not an installed app, so not found in a templatetags folder).
            "libraries": {"large_list": "common.large_list_tags"},
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASE_TRANSACTION_POOLING = _env_bool("DATABASE_TRANSACTION_POOLING", False)
# PostgreSQL's JIT compiles a query the planner costs high (a count over thousands of rows) before
# running it: tens of milliseconds, more than such a query of a page takes to run. Off for each new
# connection of the portal's (portal.database) unless DATABASE_JIT; through PgBouncer in transaction
# mode a session's setting would stay with whichever server connection ran it: there, on the role.
DATABASE_JIT = _env_bool("DATABASE_JIT", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock when a transaction starts, so a
    # check-then-insert inside one transaction (allocations) cannot interleave.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
elif DATABASE_TRANSACTION_POOLING:
    # Behind PgBouncer in transaction mode a connection is someone else's between transactions:
    # no server-side cursors (.iterator() would lose its cursor) and no prepared statements.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, throttles and Celery broker --------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            # Short timeouts: while Redis is down the cache serves from each process's memory
            # (common/cache.py), and a request should not wait long to find that out.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Without Redis, rate limits are counted per process: good enough for one development server.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Celery: a real broker when REDIS_URL is set; otherwise tasks run in-process (eagerly),
# and since they are enqueued with on_commit, still only after the transaction commits.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing gives up quickly when the broker is down; the work stays recorded in the
# database (e.g. an unsent Notification) and the relay publishes it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "socket_timeout": 5, "visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "portal.schedulers:BeatScheduler"
CELERY_TIMEZONE = "UTC"

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
# Seconds a mail-server operation may take before the send fails (and is retried). An e-mail job
# claims its row for 5 minutes (tenants.notifications.NOTIFICATION_CLAIM), well beyond this.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="I·Campus Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
# Sign-in: django-axes counts failures per user name and address (admin and reviewer sign-in
# alike) and locks that pair out for a while; success resets the count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# X-Forwarded-For/-Proto/-Host are believed only from these addresses (the TLS-terminating proxy);
# from anyone else they are dropped before any other code sees them. Gunicorn reads the same
# variable (deploy/gunicorn.conf.py), so the web server and the application trust the same peers.
FORWARDED_ALLOW_IPS = _env_addresses("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Behind that proxy, the client address (for lock-outs and rate limits) is the one the outermost
# of this many proxies saw in X-Forwarded-For; with 0, the direct peer's address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "common.proxy.client_ip"
RATELIMIT_IP_META_KEY = "common.proxy.client_ip"
# Single sign-on for staff through OpenID Connect (mozilla-django-oidc), on when OIDC_CLIENT_ID is
# set; existing active staff accounts are matched by verified e-mail address, none are created.
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_REDIRECT_URL_FAILURE = "/admin/login/?sso=failed"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("portal.sso.StaffOIDCBackend")
# Two-factor sign-in (TOTP, django-otp): optional for staff; required for campus managers when on.
TWO_FACTOR_REQUIRED_FOR_MANAGERS = _env_bool("TWO_FACTOR_REQUIRED_FOR_MANAGERS", False)
OTP_TOTP_ISSUER = "I·Campus Portal"
# Sessions end after SESSION_HOURS (8) of sign-in, and when the browser closes for staff pages.
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=8) * 3600

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
COUNTRIES_FIRST = ["CN", "HK"]
# Content in both languages (django-modeltranslation): each translated field has an _en and a
# _zh_hans column; a page shows its own language and falls back to the other one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en",), "en": ("zh-hans",)}
# Number and date formats per language; portal/formats/ changes only what Django's own lack.
FORMAT_MODULE_PATH = ["portal.formats"]
# Money (django-money): leases and invoices are in yuan unless a lease says otherwise.
CURRENCIES = ("CNY", "USD", "EUR", "HKD")
DEFAULT_CURRENCY = "CNY"

# --- Static files (served by the app itself through WhiteNoise) -----------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "common.static.StaticFilesStorage"
        )
    },
}
# Private documents (common.storage) never live below a public URL; views serve them after their
# permission checks. A local folder by default; with S3_BUCKET, an S3-compatible bucket that every
# web machine and worker shares. DOCUMENT_DOWNLOAD_REDIRECT hands a permitted download to the
# bucket as a presigned URL valid for DOCUMENT_URL_MAX_AGE_SECONDS (at most 60) instead of
# streaming it through the web process.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private")))
DOCUMENT_DOWNLOAD_REDIRECT = _env_bool("DOCUMENT_DOWNLOAD_REDIRECT", False)
DOCUMENT_URL_MAX_AGE_SECONDS = env.int("DOCUMENT_URL_MAX_AGE_SECONDS", default=30)
if not 1 <= DOCUMENT_URL_MAX_AGE_SECONDS <= 60:
    raise ImproperlyConfigured("DOCUMENT_URL_MAX_AGE_SECONDS must be between 1 and 60.")


def _s3_storage() -> dict:
    """The bucket stays private: objects are written with no ACL (the bucket's own, which must
    block public access), encrypted at rest by the server, never overwritten, and read only
    through URLs signed for DOCUMENT_URL_MAX_AGE_SECONDS."""
    encryption = {"ServerSideEncryption": env.str("S3_SERVER_SIDE_ENCRYPTION", default="AES256")}
    if kms_key := env.str("S3_KMS_KEY_ID", default=""):
        encryption["SSEKMSKeyId"] = kms_key
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            "location": env.str("S3_PREFIX", default="documents"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Unset keys leave boto3 its own chain: an instance role, AWS_* variables, ~/.aws.
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "object_parameters": encryption,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": DOCUMENT_URL_MAX_AGE_SECONDS,
            "signature_version": "s3v4",
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
        },
    }


STORAGES["private"] = (
    _s3_storage() if env.str("S3_BUCKET", default="") else {"BACKEND": "common.storage.LocalPrivateStorage"}
)

# --- Logging --------------------------------------------------------------------------
# Logs: one line per record, JSON in production (LOG_FORMAT=json) with the request id that
# django-guid takes from X-Request-ID (or makes) and hands on to the jobs the request publishes.
# Link and API tokens in messages are replaced by "[redacted]".
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "redact": {"()": "common.logging.RedactSecrets"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's request lines, redacted like every other line.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # a proxy's id is kept only when it is a UUID; anything else is replaced
    "RETURN_HEADER": True,
    # Jobs published during a request log under the request's id; workers use these log settings.
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# --- Security defaults (tightened further in production.py) ---------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from this site (no inline scripts, no eval);
# inline style attributes stay allowed. Framing is refused here as well as by X-Frame-Options.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Campus rules ----------------------------------------------------------------------
# Readiness checks wait at most this long for each dependency.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
# A Celery worker or beat that has not said it is alive for this long is named missing by /readyz.
HEARTBEAT_MAX_AGE_SECONDS = env.int("HEARTBEAT_MAX_AGE_SECONDS", default=60)
# Only the beat holding a lock on Redis sends scheduled jobs (portal.schedulers); a standby beat
# takes over this long after the one holding it stopped without releasing it.
BEAT_LOCK_SECONDS = env.int("BEAT_LOCK_SECONDS", default=30)

# --- Applications -----------------------------------------------------------------------
APPLICATION_UPLOAD_MAX_BYTES = env.int("APPLICATION_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Uploaded images are decoded in full and refused above this many pixels (decompression bombs);
# Word documents are refused when their parts unpack to more than this many bytes (zip bombs).
UPLOAD_IMAGE_MAX_PIXELS = env.int("UPLOAD_IMAGE_MAX_PIXELS", default=50_000_000)
UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES = env.int("UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024)
# A company's logo: the file as uploaded, and its pixels (it is redrawn at most 512 pixels a side).
LOGO_UPLOAD_MAX_BYTES = env.int("LOGO_UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
LOGO_MAX_PIXELS = env.int("LOGO_MAX_PIXELS", default=25_000_000)
# Django refuses request bodies above this before any view runs (files + form fields).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
APPLICATION_LINK_DAYS = env.int("APPLICATION_LINK_DAYS", default=30)
# Rejected and withdrawn applications lose their personal data and documents after this many days.
APPLICATION_RETENTION_DAYS = env.int("APPLICATION_RETENTION_DAYS", default=730)
# Decisions (approve/reject) need this many completed advisory reviews, unless overridden.
APPLICATION_MIN_REVIEWS = env.int("APPLICATION_MIN_REVIEWS", default=2)
# Staff who receive a notice for each submitted application.
CAMPUS_STAFF_EMAILS = env.list("CAMPUS_STAFF_EMAILS", default=[])
# Applicant-facing forms: attempts per client address.
APPLY_RATE = env.str("APPLY_RATE", default="20/h")
LINK_REQUEST_RATE = env.str("LINK_REQUEST_RATE", default="5/h")
# Opening e-mailed links (each GET or POST), so tokens cannot be guessed by brute force.
LINK_OPEN_RATE = env.str("LINK_OPEN_RATE", default="60/h")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# An e-mail that failed this many times is no longer retried; staff see it in the admin.
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=20)
# Onboarding and follow-up jobs.
ONBOARDING_ESCALATION_DAYS = env.int("ONBOARDING_ESCALATION_DAYS", default=7)
DRAFT_REMINDER_DAYS = env.int("DRAFT_REMINDER_DAYS", default=7)
COMPLIANCE_REMINDER_DAYS = env.int("COMPLIANCE_REMINDER_DAYS", default=30)
# Month of the year (1-12) in which residents are asked for their outcomes.
OUTCOME_SURVEY_MONTH = env.int("OUTCOME_SURVEY_MONTH", default=12)

# --- Partners API and webhooks ----------------------------------------------------------------
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1000/hour")
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_SECRET_OVERLAP_HOURS = env.int("WEBHOOK_SECRET_OVERLAP_HOURS", default=24)
# Only for tests and local development: lets webhooks go to 127.0.0.1 (over plain http, any port).
WEBHOOKS_ALLOW_LOOPBACK = _env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)


def _env_ports(name: str, default: list[int]) -> list[int]:
    """A strict comma-separated list of TCP port numbers."""
    raw = env.str(name, default="")
    if raw.strip() == "":
        return default
    try:
        ports = [int(item) for item in raw.split(",")]
    except ValueError:
        ports = []
    if not ports or not all(0 < port < 65536 for port in ports):
        raise ImproperlyConfigured(f"{name} must be comma-separated port numbers (1-65535), not {raw!r}.")
    return ports


# The ports webhook URLs may use; only HTTPS's 443 unless widened here (e.g. "443,8443").
WEBHOOK_ALLOWED_PORTS = _env_ports("WEBHOOK_ALLOWED_PORTS", [443])

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.api.auth.PartnerTokenAuthentication",
        "partners.api.auth.StaffSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["partners.api.throttling.PartnerTokenThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["partners.api.filtering.FilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["partners.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["partners.api.parsers.StrictJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "partners.api.negotiation.IgnoreUnknownFormat",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "partners.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "I·Campus Portal API",
    "DESCRIPTION": "For partner organisations: resident directory, available space, referrals and webhooks.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "ENUM_NAME_OVERRIDES": {
        "PlatformStageEnum": "campus.choices.PlatformStages",
        "ServiceRequestStateEnum": "residents.choices.RequestState",
        "ServiceRequestCategoryEnum": "residents.choices.RequestCategory",
        "LeaseStateEnum": "residents.choices.LeaseState",
        "InvoiceKindEnum": "residents.choices.InvoiceKind",
        "InvoiceStatusEnum": "residents.choices.InvoiceStatus",
        "InvoiceLineKindEnum": "residents.rent.LineKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partners.api.schema.postprocess",
    ],
}
# Reviewers whose scores on a criterion differ by this much are flagged as disagreeing.
ADVISORY_DISAGREEMENT_GAP = env.int("ADVISORY_DISAGREEMENT_GAP", default=3)
# Sign-in attempts to the reviewer area per client address and per user name.
ADVISORY_LOGIN_RATE = env.str("ADVISORY_LOGIN_RATE", default="10/15m")

# --- Residents ---------------------------------------------------------------------------
# Days an invitation to join a company's team works; residents' sign-in attempts per address and name.
RESIDENT_INVITATION_DAYS = env.int("RESIDENT_INVITATION_DAYS", default=14)
RESIDENT_LOGIN_RATE = env.str("RESIDENT_LOGIN_RATE", default="10/15m")
# Hours a cold-chain, biological or hazardous delivery may wait at the front desk before the desk and
# the company's admins are reminded (once per delivery).
FRONTDESK_FLAGGED_COLLECT_HOURS = env.int("FRONTDESK_FLAGGED_COLLECT_HOURS", default=2)

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _env_weekdays(name: str, default: str) -> list[int]:
    """Comma-separated day names (mon, tue, ...), as weekday numbers (Monday is 0)."""
    raw = env.str(name, default=default)
    names = [item.strip().lower() for item in raw.split(",") if item.strip()]
    if not names or any(day not in WEEKDAYS for day in names):
        raise ImproperlyConfigured(f"{name} must be comma-separated day names (mon, tue, ... sun), not {raw!r}.")
    return sorted({WEEKDAYS.index(day) for day in names})


def _env_hours(name: str, default: str) -> tuple[dt.time, dt.time]:
    """A span of the day, ``HH:MM-HH:MM``, whose start is before its end."""
    raw = env.str(name, default=default)
    try:
        start, end = (dt.time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        start = end = None
    if start is None or start >= end:
        raise ImproperlyConfigured(f"{name} must be a span of the day such as 09:00-18:00, not {raw!r}.")
    return start, end


# Service requests' response and resolution targets count working hours only: these days and
# hours in TIME_ZONE (the campuses' local time). Public holidays are not known to the portal.
SERVICE_WORKING_DAYS = _env_weekdays("SERVICE_WORKING_DAYS", "mon,tue,wed,thu,fri")
SERVICE_WORKING_HOURS = _env_hours("SERVICE_WORKING_HOURS", "09:00-18:00")
# Days after its resolution in which the company may reopen a request; then it is closed.
SERVICE_REQUEST_REOPEN_DAYS = env.int("SERVICE_REQUEST_REOPEN_DAYS", default=7)

# Spreadsheet exports and imports in the admin: CSV and Excel; exporting needs the "view"
# permission of the model, importing the "add" permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
from import_export.formats.base_formats import CSV, XLSX  # noqa: E402

IMPORT_EXPORT_FORMATS = [CSV, XLSX]
