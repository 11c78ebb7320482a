"""``Idempotency-Key`` for POSTs, as Stripe and the IETF draft define it.

Keys belong to a token and live IDEMPOTENCY_KEY_TTL_HOURS. The same key and request replay the
first response byte for byte; "the same request" means the same method, path and JSON meaning
(keys in any order, any whitespace), so another value with the key gets 422; a key whose first
request is still running gets 409. The key row is claimed by a unique insert before any work, so two
concurrent requests with one key do the work once. That insert commits at once, so a repeat sees the
key while the first request runs; the response is stored in the transaction of the request's work,
so the work and its replay commit together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import orjson
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer

from ..models import IdempotencyKey
from .errors import error_response

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, at most 255 characters

# The header as the schema states it, so a client (or a fuzzer) knows the format the server checks.
KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": KEY_PATTERN.pattern, "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description=(
        "1 to 255 visible ASCII characters. A repeat within 24 hours with the same request (the same JSON,"
        " in any key order) replays the first response; with another request it gets 422."
    ),
)


def _fingerprint(request) -> str:
    """A hash of the request's meaning: method, path and the parsed JSON with its keys sorted."""
    canonical = orjson.dumps(request.data, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + canonical).hexdigest()


def _byte_fingerprint(request) -> str:
    """The hash of the raw body, which keys stored before fingerprints were canonical hold.

    Such a key is at most IDEMPOTENCY_KEY_TTL_HOURS old; its byte-identical repeat still replays.
    """
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + request.body).hexdigest()


def idempotent(request, token, handler):
    """Run ``handler()`` once per (token, key); replay its response for repeats."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return handler()
    if not KEY_PATTERN.match(key):
        return error_response(
            400,
            "Idempotency-Key must be 1 to 255 visible ASCII characters.",
            {"Idempotency-Key": ["Invalid format."]},
        )
    byte_fingerprint = _byte_fingerprint(request)  # before the parser consumes the body
    fingerprint = _fingerprint(request)
    claimed, record = _claim(token, key, request, fingerprint)
    if record is not None:
        if record.request_hash not in (fingerprint, byte_fingerprint):
            return error_response(422, "This Idempotency-Key was used with a different request.")
        if record.completed_at is None:
            response = error_response(409, "A request with this Idempotency-Key is still being processed.")
            response["Retry-After"] = "1"
            return response
        replay = HttpResponse(bytes(record.response_body), status=record.status_code, content_type="application/json")
        replay["Idempotent-Replayed"] = "true"
        return replay
    mine = IdempotencyKey.objects.filter(pk=claimed)
    try:
        with transaction.atomic():
            response = handler()
            if response.status_code >= 500:
                # A failure answered rather than raised: its writes go too, so a retry starts afresh.
                raise _Failed(response)
            # Rendered here, so the first response and every replay carry exactly the same bytes.
            body = JSONRenderer().render(response.data)
            mine.update(status_code=response.status_code, response_body=body, completed_at=timezone.now())
    except _Failed as failed:
        mine.delete()
        return failed.response
    except Exception:
        mine.delete()
        raise
    return HttpResponse(body, status=response.status_code, content_type="application/json")


class _Failed(Exception):
    """Rolls back the work of a request that answered with a server error."""

    def __init__(self, response):
        super().__init__(response.status_code)
        self.response = response


def _expired_before() -> dt.datetime:
    """Keys created before this moment have expired."""
    return timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_keys_prune() -> int:
    """Forget expired keys; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_expired_before()).delete()
    return deleted


def _claim(token, key, request, fingerprint) -> tuple[int | None, IdempotencyKey | None]:
    """Take the key: (its id, None) when this request owns it now, else (None, the earlier record)."""
    for _attempt in range(2):
        claimed = _insert_key(token, key, request, fingerprint)
        if claimed is not None:
            return claimed, None
        record = IdempotencyKey.objects.filter(token=token, key=key).first()
        if record is not None:
            return None, record
        # pruned, or let go by its failed request, between the two statements: take it again
    return None, IdempotencyKey.objects.get(token=token, key=key)


# The claim's row as PostgreSQL inserts it: its commit does not wait for the disk. The claim must be
# seen by a repeat at once, not outlive a crash by itself: the transaction that stores the response
# commits durably, and with it everything written before, the claim included. A claim lost in a
# crash belonged to a request that never answered, and its retry runs anew.
RELAXED_ROW = "SELECT %s, %s, %s, %s, %s, %s FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"


def _insert_key(token, key, request, fingerprint) -> int | None:
    """Insert the key, or take over its expired record, in one statement that never fails on the
    unique (token, key): the new id, or None when a live record holds the key.

    No exception means no savepoint, inside a transaction or not. The ORM's upsert cannot leave a
    live record alone, hence the SQL.
    """
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(IdempotencyKey._meta.db_table)
    # Relaxed only when the claim is its own transaction: inside another, the setting would hold
    # for that whole transaction's commit.
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    row = RELAXED_ROW if relaxed else "VALUES (%s, %s, %s, %s, %s, %s)"
    sql = (
        f"INSERT INTO {table} (token_id, key, method, path, request_hash, created_at) {row} "
        "ON CONFLICT (token_id, key) DO UPDATE SET method = excluded.method, path = excluded.path, "
        "request_hash = excluded.request_hash, status_code = NULL, response_body = NULL, "
        f"created_at = excluded.created_at, completed_at = NULL WHERE {table}.created_at < %s "
        "RETURNING id"
    )
    params = [token.pk, key, request.method, request.path[:255], fingerprint, adapt(timezone.now())]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, adapt(_expired_before())])
        inserted = cursor.fetchone()
    return None if inserted is None else inserted[0]
