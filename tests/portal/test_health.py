"""/healthz says the process lives; /readyz says whether its dependencies answer."""

from __future__ import annotations

import socket
import time

import pytest
from django.test import override_settings

from tests.caches import redis_caches


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
@pytest.mark.worker
def test_a_celery_worker_answers_on_the_broker():
    from portal.celery import app

    replies = app.control.ping(timeout=5)

    assert replies, "no Celery worker answered on REDIS_URL"


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_names_the_documents_folder_when_it_cannot_be_written(client, settings, tmp_path):
    assert client.get("/readyz").status_code == 200

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocker / "private"
    response = client.get("/readyz")

    assert response.status_code == 503 and response.json()["failing"] == ["documents"]


@pytest.mark.django_db
def test_readyz_names_the_cache_while_requests_are_served_from_memory(client, settings):
    from django.core.cache import cache

    settings.CACHES = redis_caches(f"redis://127.0.0.1:{_closed_port()}/0", timeout=0.5)
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello", "the cache answers from memory while Redis is down"

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


@pytest.fixture
def jobs_on_a_broker(settings, own_redis):
    """Jobs go through a broker (the test's own Redis), so a worker and beat are expected."""
    settings.CELERY_BROKER_URL = own_redis.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return own_redis


@pytest.mark.django_db
def test_readyz_names_a_missing_worker_and_beat_until_they_say_they_are_alive(client, jobs_on_a_broker):
    from portal.heartbeats import heartbeat_record

    missing = client.get("/readyz")
    assert missing.status_code == 503
    assert missing.json()["failing"] == ["worker", "beat"]

    heartbeat_record("worker")
    assert client.get("/readyz").json()["failing"] == ["beat"]

    heartbeat_record("beat")
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "documents": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
    }


@pytest.mark.django_db
def test_a_heartbeat_older_than_the_age_limit_counts_as_missing(client, jobs_on_a_broker, settings):
    from portal.heartbeats import heartbeat_record

    settings.HEARTBEAT_MAX_AGE_SECONDS = 1
    heartbeat_record("worker")
    heartbeat_record("beat")
    assert client.get("/readyz").status_code == 200

    jobs_on_a_broker.client().pexpire("portal:heartbeat:worker", 1)  # as if a second had passed
    time.sleep(0.05)

    assert client.get("/readyz").json()["failing"] == ["worker"]


@pytest.mark.django_db
def test_readyz_leaves_worker_and_beat_unknown_while_the_broker_is_down(client, jobs_on_a_broker):
    jobs_on_a_broker.kill()

    body = client.get("/readyz").json()

    assert body["failing"] == ["broker"]
    assert (body["checks"]["worker"], body["checks"]["beat"]) == ("unknown", "unknown")


@pytest.mark.django_db(transaction=True)  # the scheduler closes database connections as beat does
def test_every_tick_of_beat_records_its_heartbeat(jobs_on_a_broker):
    from portal.celery import app
    from portal.heartbeats import heartbeat_alive
    from portal.schedulers import BeatScheduler

    scheduler = BeatScheduler(app=app)
    assert not heartbeat_alive("beat")

    scheduler.tick()

    assert heartbeat_alive("beat")


def test_the_worker_records_its_heartbeat_when_ready_and_on_every_celery_heartbeat(jobs_on_a_broker):
    from celery import signals

    from portal.heartbeats import heartbeat_alive

    signals.worker_ready.send(sender=None)
    assert heartbeat_alive("worker")
    jobs_on_a_broker.client().delete("portal:heartbeat:worker")

    signals.heartbeat_sent.send(sender=None)
    assert heartbeat_alive("worker")


@pytest.mark.redis
@pytest.mark.worker
def test_the_running_worker_refreshes_its_heartbeat():
    from portal.heartbeats import heartbeat_alive

    # Each test starts by clearing the cache, which shares the worker's Redis database here.
    deadline = time.monotonic() + 10
    while not heartbeat_alive("worker") and time.monotonic() < deadline:
        time.sleep(0.2)

    assert heartbeat_alive("worker"), "no heartbeat from the Celery worker on REDIS_URL"
