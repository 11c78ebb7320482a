"""The portal's Redis cache (``common.cache.RedisCache``) at an address of a test's choosing."""

from __future__ import annotations


def redis_caches(location: str, *, timeout: float = 1, **options) -> dict:
    """``CACHES`` for Redis at ``location`` (a server of the test's own, or one nobody listens on)."""
    return {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout, **options},
        }
    }
