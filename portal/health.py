"""Liveness and readiness probes for load balancers and orchestrators.

They name the failing dependency but never echo settings, hosts or error texts.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from common.storage import PROBE_FOLDER, private_storage

from .heartbeats import ROLES, heartbeat_alive

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is alive and serving requests."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    ping = getattr(cache, "ping", None)
    if ping is not None:
        # Redis itself: the cache would answer from this process's memory while Redis is down.
        ping()
        return
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def _check_broker() -> None:
    timeout = settings.READINESS_TIMEOUT_SECONDS
    with Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options={"socket_timeout": timeout}
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=timeout)


def _check_documents() -> None:
    """Documents can be written where they are kept (a full or read-only disk, or a bucket this
    machine cannot reach or write to, fails this)."""
    name = private_storage.save(f"{PROBE_FOLDER}/{uuid.uuid4().hex}", ContentFile(b"ok"))
    private_storage.delete(name)


def _check_heartbeat(role: str):
    def check() -> None:
        if not heartbeat_alive(role):
            raise RuntimeError(f"no {role} heartbeat within HEARTBEAT_MAX_AGE_SECONDS")

    return check


def readiness_checks() -> dict[str, object]:
    """The dependencies this deployment uses; the broker only when jobs go through one, and a
    worker and beat only when jobs do not run in-process."""
    checks = {"database": _check_database, "cache": _check_cache, "documents": _check_documents}
    if not settings.CELERY_BROKER_URL.startswith("memory://"):
        checks["broker"] = _check_broker
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            checks.update({role: _check_heartbeat(role) for role in ROLES})
    return checks


@never_cache
@require_GET
def readyz(request):
    """200 when every dependency answers, else 503 naming the ones that did not.

    Worker and beat heartbeats live on the broker: while it is down they are "unknown", not asked.
    """
    results = {}
    for name, check in readiness_checks().items():
        if name in ROLES and results.get("broker") == "fail":
            results[name] = "unknown"
            continue
        try:
            check()
        except Exception:
            logger.exception("Readiness check %s failed", name)
            results[name] = "fail"
        else:
            results[name] = "ok"
    failing = [name for name, result in results.items() if result == "fail"]
    body = {"status": "fail" if failing else "ok", "checks": results, "failing": failing}
    return JsonResponse(body, status=503 if failing else 200)
