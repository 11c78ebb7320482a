"""The Celery worker and beat say they are alive, so /readyz can tell when one is missing.

Each refreshes a key on the broker's Redis that expires after HEARTBEAT_MAX_AGE_SECONDS: the
worker on Celery's own heartbeat (every 2 s while it is connected), beat on every tick of its
scheduler (at least every 5 s, see ``portal.schedulers``). A killed or hung process stops
refreshing its key, and /readyz names it until it is back. Where jobs run in-process there is
neither, and nothing is checked.
"""

from __future__ import annotations

import logging
import time

import redis
from celery import signals
from django.conf import settings

logger = logging.getLogger(__name__)

ROLES = ("worker", "beat")
_clients: dict[tuple[str, float], redis.Redis] = {}


def _key(role: str) -> str:
    return f"portal:heartbeat:{role}"


def _client(timeout: float) -> redis.Redis:
    url = settings.CELERY_BROKER_URL
    client = _clients.get((url, timeout))
    if client is None:
        client = _clients[(url, timeout)] = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout
        )
    return client


def heartbeat_record(role: str) -> None:
    """Say that ``role`` is alive now; a broker outage only costs this one heartbeat."""
    try:
        _client(1.0).set(_key(role), str(time.time()), ex=settings.HEARTBEAT_MAX_AGE_SECONDS)
    except redis.RedisError as error:
        logger.debug("Could not record the %s heartbeat: %s", role, type(error).__name__)


def heartbeat_alive(role: str) -> bool:
    """Whether ``role`` recorded a heartbeat within HEARTBEAT_MAX_AGE_SECONDS; raises when Redis does not answer."""
    return bool(_client(settings.READINESS_TIMEOUT_SECONDS).exists(_key(role)))


@signals.worker_ready.connect
@signals.heartbeat_sent.connect
def _worker_alive(**kwargs) -> None:
    heartbeat_record("worker")
