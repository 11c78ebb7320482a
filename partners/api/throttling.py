"""Per-token request limits with an atomic counter (cache ``incr``: atomic on Redis and local memory)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from .auth import PartnerPrincipal

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def _parse(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().rstrip("s")]


class PartnerTokenThrottle(BaseThrottle):
    """API_THROTTLE_RATE per token in fixed windows; staff sessions are not limited here."""

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.user, PartnerPrincipal):
            return True
        limit, period = _parse(settings.API_THROTTLE_RATE)
        now = time.time()
        window = int(now // period)
        key = f"api-throttle:{request.user.token.pk}:{window}"
        try:
            count = cache.incr(key)  # the usual case: the window's counter exists
        except ValueError:  # first request of the window (or the counter just expired)
            count = 1 if cache.add(key, 1, timeout=period + 5) else cache.incr(key)
        self._wait = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float:
        return max(1.0, self._wait)
