"""/healthz says the process lives; /readyz says whether its dependencies answer."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_while_the_process_lives(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_cache_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_is_unreachable(client):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=caches):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert url not in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_the_broker_when_it_is_unreachable(client):
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    with override_settings(CELERY_BROKER_URL=url, READINESS_TIMEOUT_SECONDS=0.5):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_does_not_check_a_broker_when_jobs_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://"

    assert "broker" not in client.get("/readyz").json()["checks"]


@pytest.mark.redis
@pytest.mark.django_db
def test_readyz_checks_the_real_cache_and_broker(client):
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "documents": "ok", "broker": "ok"}


@pytest.mark.redis
def test_a_celery_worker_answers_on_the_broker():
    from portal.celery import app

    replies = app.control.ping(timeout=5)

    assert replies, "no Celery worker answered on REDIS_URL"


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_names_the_documents_folder_when_it_cannot_be_written(client, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert client.get("/readyz").status_code == 200

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocker / "private"
    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failing"] == ["documents"]
