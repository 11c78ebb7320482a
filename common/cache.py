"""Django's Redis cache, cheaper on hot paths and able to ride out a Redis outage.

- One ``redis.Redis`` client per connection pool, not one per operation (each costs a copy of
  redis-py's response callbacks).
- ``incr`` in one round trip (a server-side script), where Django checks the key exists first.
- When Redis cannot be reached, every operation is served from this process's own memory
  instead of failing: rate limits, API throttles and cached tokens keep working, counted per
  process. A warning is logged when that starts (and at most once a minute while it lasts), and
  Redis is left alone for a few seconds (``OUTAGE_RETRY_SECONDS`` in ``OPTIONS``) so requests do
  not each wait for a connection timeout. Once Redis answers again it is used again.

Behaviour is otherwise Django's own, including ``ValueError`` from ``incr`` on a missing key.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.dispatch import Signal
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Sent once Redis answers again after an outage (``cache``: the cache it serves): what this
#: process wrote meanwhile went to its own memory, and is gone; counters others read from Redis
#: did not move.
redis_back = Signal()

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
DELETIONS = {"delete", "delete_many", "clear"}
WARNING_INTERVAL_SECONDS = 60
# Rate-limit counters of many client addresses fit; Django's default of 300 would drop them.
FALLBACK_MAX_ENTRIES = 10_000

INCR_IF_EXISTS = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('incrby', KEYS[1], ARGV[1])
end
return false
"""


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}
        self._incr_scripts = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        client = self.get_client(key, write=True)
        script = self._incr_scripts.get(id(client))
        if script is None:
            script = self._incr_scripts[id(client)] = client.register_script(INCR_IF_EXISTS)
        value = script(keys=[key], args=[delta])
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


class Outage:
    """Whether one Redis location is usable, shared by every thread of the process (a circuit breaker)."""

    def __init__(self, retry_seconds: float):
        self.retry_seconds = retry_seconds
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._since: float | None = None
        self._warned_at = 0.0
        # Deletions Redis missed (e.g. a revoked token's cache entry): replayed once it answers,
        # so an entry cached before the outage cannot come back to life.
        self._missed_deletions: list[tuple[str, tuple]] = []

    def missed(self, operation: str, args: tuple) -> None:
        with self._lock:
            self._missed_deletions.append((operation, args))

    def take_missed(self) -> list[tuple[str, tuple]]:
        with self._lock:
            missed, self._missed_deletions = self._missed_deletions, []
        return missed

    def reachable(self) -> bool:
        return self._since is None

    def redis_allowed(self) -> bool:
        return time.monotonic() >= self._retry_at

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._retry_at = now + self.retry_seconds
            starting = self._since is None
            if starting:
                self._since = now
            warn = starting or now - self._warned_at >= WARNING_INTERVAL_SECONDS
            if warn:
                self._warned_at = now
            down_for = now - self._since
        if warn:
            logger.warning(
                "Redis cache unreachable for %.0f s (%s); rate limits and cached tokens are kept in this "
                "process's memory until it answers again",
                down_for,
                type(error).__name__,
            )

    def succeeded(self) -> bool:
        """Record that Redis answered; True when that ends an outage."""
        if self._since is None:
            return False
        with self._lock:
            ended, self._since, self._retry_at = self._since is not None, None, 0.0
        if ended:
            logger.info("Redis cache answers again; using it instead of this process's memory")
        return ended


_outages: dict[str, Outage] = {}
_outages_lock = threading.Lock()


def _outage_for(location: str, retry_seconds: float) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage(retry_seconds))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_seconds = float(options.pop("OUTAGE_RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = RedisCacheClient
        location = ",".join(self._servers)
        self._outage = _outage_for(location, retry_seconds)
        # Every thread's cache object shares this memory: LocMemCache keeps it per name.
        self._fallback = LocMemCache(
            f"redis-outage:{location}", {**params, "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}}
        )

    @property
    def reachable(self) -> bool:
        """False while Redis is down: what is kept now is this process's alone, and other
        processes' changes cannot reach it."""
        return self._outage.reachable()

    def ping(self) -> None:
        """Ask Redis itself, past the fallback; raises when it does not answer (readiness checks)."""
        self._cache.get_client(write=True).ping()

    def _call(self, operation: str, *args):
        if self._outage.redis_allowed():
            try:
                self._replay_missed_deletions()
                result = getattr(super(), operation)(*args)
            except UNREACHABLE as error:
                self._outage.failed(error)
            else:
                if self._outage.succeeded():
                    self._fallback.clear()  # what was counted meanwhile must not outlive the outage
                    redis_back.send(sender=type(self), cache=self)
                return result
        if operation in DELETIONS:
            self._outage.missed(operation, args)
        return getattr(self._fallback, operation)(*args)

    def _replay_missed_deletions(self) -> None:
        missed = self._outage.take_missed()
        for position, (operation, args) in enumerate(missed):
            try:
                getattr(super(), operation)(*args)
            except UNREACHABLE:
                for later in missed[position:]:
                    self._outage.missed(*later)
                raise

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
