"""Settings come from the environment and refuse unsafe or malformed values at start-up."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings


def _run(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run(  # noqa: S603 - this Python, code from the tests
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def _import_settings(module: str = "portal.settings.base", **env) -> subprocess.CompletedProcess:
    return _run(f"import {module}", **env)


def test_secret_key_is_required_when_debug_is_off():
    result = _import_settings()

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_malformed_debug_names_the_variable():
    result = _import_settings(DEBUG="maybe", SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("k" * 50)

    result = _import_settings(SECRET_KEY_FILE=str(secret))

    assert result.returncode == 0, result.stderr


def test_debug_is_off_by_default():
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings.base as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER)"],
        env={**{k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL"}}, "SECRET_KEY": "k" * 50},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "True"]


def test_malformed_webhook_ports_name_the_variable():
    result = _import_settings(SECRET_KEY="x" * 50, WEBHOOK_ALLOWED_PORTS="443,https")

    assert result.returncode != 0
    assert "WEBHOOK_ALLOWED_PORTS must be comma-separated port numbers" in result.stderr


def _webhook_ports(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "REDIS_URL", "WEBHOOK_ALLOWED_PORTS"}}
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings.base as s; print(s.WEBHOOK_ALLOWED_PORTS)"],
        env={**clean, "SECRET_KEY": "k" * 50, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_webhooks_use_only_port_443_unless_widened():
    assert _webhook_ports() == "[443]"
    assert _webhook_ports(WEBHOOK_ALLOWED_PORTS="443, 8443") == "[443, 8443]"


@pytest.mark.parametrize("name", ["TWO_FACTOR_REQUIRED_FOR_MANAGERS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD"])
def test_a_misspelt_security_switch_stops_start_up_naming_the_variable(name):
    result = _import_settings("portal.settings.production", SECRET_KEY="x" * 50, **{name: "ture"})

    assert result.returncode != 0
    assert f"{name} must be a boolean" in result.stderr


def test_security_switches_accept_the_usual_words():
    code = "import portal.settings.production as s; print(s.TWO_FACTOR_REQUIRED_FOR_MANAGERS, s.SECURE_SSL_REDIRECT)"
    result = _run(code, SECRET_KEY="x" * 50, TWO_FACTOR_REQUIRED_FOR_MANAGERS="Yes", SECURE_SSL_REDIRECT="off")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_a_malformed_proxy_address_stops_start_up_naming_the_variable():
    result = _import_settings(SECRET_KEY="x" * 50, FORWARDED_ALLOW_IPS="10.0.0.1,proxy.internal")

    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS must list IP addresses or networks" in result.stderr


# --- Which settings each entry point uses ------------------------------------------------------

_DEPLOYMENT_VARIABLES = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}


def _fresh(*args: str, **env) -> subprocess.CompletedProcess:
    """This Python run as a person runs it in a fresh shell: no settings module, DEBUG or secret."""
    clean = {k: v for k, v in os.environ.items() if k not in _DEPLOYMENT_VARIABLES}
    return subprocess.run(  # noqa: S603 - this Python, arguments from the tests
        [sys.executable, *args],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["changepassword", "--help"],
        ["create_partner_token", "--help"],
        ["backup", "--help"],
        ["seed_demo", "--help"],
    ],
    ids=" ".join,
)
def test_manage_py_works_by_hand_without_debug_or_a_secret(command):
    result = _fresh("manage.py", *command)

    assert result.returncode == 0, result.stderr
    assert "SECRET_KEY" not in result.stderr


def test_manage_py_by_hand_runs_the_development_settings():
    result = _fresh("manage.py", "shell", "-c", "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)")

    assert result.returncode == 0, result.stderr
    debug, secret = result.stdout.split()[-2:]
    assert debug == "True"
    assert len(secret) >= 50  # the development-only random key kept in var/


def test_manage_py_with_debug_turned_off_still_needs_a_secret():
    result = _fresh("manage.py", "check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


_PRODUCTION_CHECK = (
    "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
)


@pytest.mark.parametrize(
    "entry_point",
    [
        "import portal.wsgi",
        "import portal.asgi",
        "import django, portal.celery; django.setup()",  # as a Celery worker or beat starts
    ],
    ids=["wsgi", "asgi", "celery"],
)
def test_production_entry_points_run_production_settings_and_refuse_to_start_without_a_secret(entry_point):
    refused = _fresh("-c", entry_point)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr

    started = _fresh("-c", f"{entry_point}; {_PRODUCTION_CHECK}", SECRET_KEY="p" * 50)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[-3:] == ["False", "True", "True"]


def test_every_deploy_file_names_the_production_settings():
    deploy = settings.BASE_DIR / "deploy"
    production = "DJANGO_SETTINGS_MODULE=portal.settings.production"
    processes = [line for line in (deploy / "Procfile").read_text().splitlines() if line.strip()]
    units = sorted((deploy / "systemd").glob("*.service"))

    assert {line.split(":")[0] for line in processes} >= {"web", "worker", "beat", "release"}
    for line in processes:
        assert production in line, line
    assert units
    for unit in units:
        assert f"Environment={production}" in unit.read_text(), unit.name
    assert production in (deploy / "Dockerfile").read_text()
    assert f"export {production}" in (deploy / "serve.sh").read_text()


@pytest.mark.parametrize("seconds", ["0", "61", "3600"])
def test_a_document_url_valid_for_more_than_a_minute_stops_start_up(seconds):
    result = _import_settings(SECRET_KEY="k" * 50, DOCUMENT_URL_MAX_AGE_SECONDS=seconds)

    assert result.returncode != 0
    assert "DOCUMENT_URL_MAX_AGE_SECONDS must be between 1 and 60." in result.stderr


def test_documents_go_to_the_bucket_only_when_one_is_named():
    show = "import portal.settings.base as s; print(s.STORAGES['private']['BACKEND'])"

    assert _run(show, SECRET_KEY="k" * 50).stdout.strip() == "common.storage.LocalPrivateStorage"
    assert _run(show, SECRET_KEY="k" * 50, S3_BUCKET="icampus-docs").stdout.strip() == "storages.backends.s3.S3Storage"


def test_transaction_pooling_turns_off_what_pgbouncer_cannot_keep():
    show = (
        "import portal.settings.base as s; d = s.DATABASES['default'];"
        "print(d.get('DISABLE_SERVER_SIDE_CURSORS'), d.get('OPTIONS', {}).get('prepare_threshold', 'default'))"
    )
    url = "postgres://portal@127.0.0.1:6432/portal"

    assert _run(show, SECRET_KEY="k" * 50, DATABASE_URL=url).stdout.split() == ["None", "default"]
    pooled = _run(show, SECRET_KEY="k" * 50, DATABASE_URL=url, DATABASE_TRANSACTION_POOLING="1")
    assert pooled.stdout.split() == ["True", "None"]


def test_a_malformed_jit_switch_names_the_variable():
    result = _import_settings(SECRET_KEY="k" * 50, DATABASE_JIT="sometimes")

    assert result.returncode != 0
    assert "DATABASE_JIT must be a boolean" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("jit", "pooling", "set_off"), [(False, False, True), (True, False, False), (False, True, False)]
)
def test_the_portals_postgresql_connections_run_without_jit_unless_asked_or_pooled(settings, jit, pooling, set_off):
    """Set on each new connection; otherwise (and through PgBouncer in transaction mode) the
    session keeps what the server, database or role says (``reset_val``)."""
    from django.db import connections

    settings.DATABASE_JIT, settings.DATABASE_TRANSACTION_POOLING = jit, pooling
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting, reset_val FROM pg_settings WHERE name = 'jit'")
            setting, at_start = cursor.fetchone()
    finally:
        connection.close()

    assert setting == ("off" if set_off else at_start)
