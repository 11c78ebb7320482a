"""Celery beat's scheduler (CELERY_BEAT_SCHEDULER): the schedules in the database, one beat at a time.

A deployment runs exactly one beat. If a second one starts by mistake (two machines both given
the beat role, a restart overlapping the old process), only the beat holding the lock on the
broker's Redis sends jobs; the other waits on standby and takes over within BEAT_LOCK_SECONDS of
the first one stopping. Every scheduled job is also idempotent within its period
(tests/portal/test_one_beat.py runs each one twice), so even a handover in the middle of a tick
sends nothing twice.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

from .heartbeats import heartbeat_record

logger = logging.getLogger(__name__)

LOCK_KEY = "portal:beat:lock"
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

# Take the lock when it is free, or keep it (renew its expiry) when this beat already holds it.
_HOLD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return 1
end
if not holder then
    redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
    return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0
"""


class BeatLock:
    """The right to send scheduled jobs, held by one beat at a time through a key on Redis."""

    def __init__(self, url: str, seconds: int):
        self.holder = uuid.uuid4().hex
        self.milliseconds = seconds * 1000
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1) if url else None
        self.held = False

    def hold(self) -> bool:
        """Take or renew the lock; False while another beat holds it or Redis does not answer."""
        if self.client is None:  # jobs run in-process: there is no beat to share with
            return True
        try:
            held = bool(self.client.eval(_HOLD, 1, LOCK_KEY, self.holder, self.milliseconds))
        except redis.RedisError as error:
            logger.warning("Beat cannot reach Redis for its lock (%s); sending nothing.", type(error).__name__)
            held = False
        if held != self.held:
            logger.info("Beat %s the scheduler lock.", "took" if held else "is on standby without")
        self.held = held
        return held

    def release(self) -> None:
        if self.client is None:
            return
        with contextlib.suppress(redis.RedisError):  # it expires by itself
            self.client.eval(_RELEASE, 1, LOCK_KEY, self.holder)
        self.held = False


class BeatScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, sending only while it holds the beat lock, with a heartbeat
    (see ``portal.heartbeats``) on every tick it leads."""

    def __init__(self, *args, **kwargs):
        broker = settings.CELERY_BROKER_URL
        self.lock = BeatLock(broker if broker.startswith(REDIS_SCHEMES) else "", settings.BEAT_LOCK_SECONDS)
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        if not self.lock.hold():
            return self.max_interval  # look again soon: the beat holding the lock may be gone
        heartbeat_record("beat")
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        self.lock.release()  # a restarted beat need not wait for the lock to expire
