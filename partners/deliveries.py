"""The webhook outbox: every delivery is a row written with its event, attempted by a job, swept if lost.

``delivery_create`` writes a ``WebhookDelivery`` in the transaction of the event it reports and
publishes ``webhook_deliver`` after commit; ``delivery_attempt`` claims the row, signs and sends it
(``webhooks.post``) with no transaction open, and records the attempt and the next due time;
``deliveries_sweep`` publishes every minute the attempts that have come due. Domain events
(``events.py``) and the actions of ``services.py`` (a ping, a replay) create deliveries here.

The jobs keep their registered names ``partners.tasks.*``: the beat schedule rows and any message
already on the broker name them so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.jobs import enqueue_on_commit
from tenants.notifications import notify_staff

from .choices import DeliveryState
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from .webhooks import AttemptResult, next_delay, post

logger = logging.getLogger(__name__)


def _event_id(key: str) -> str:
    """A stable message id for an event, so the same event is queued once per endpoint."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def delivery_create(
    *, endpoint: WebhookEndpoint, event_type: str, event_key: str, data: dict, replay_of=None
) -> WebhookDelivery:
    """Record a delivery due now and publish its job after commit. The same event twice is queued once."""
    event_id = _event_id(f"{endpoint.pk}:{event_key}")
    now = timezone.now()
    payload = {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}
    delivery, created = WebhookDelivery.objects.get_or_create(
        endpoint=endpoint,
        event_id=event_id,
        defaults={"event_type": event_type, "payload": payload, "next_attempt_at": now, "replay_of": replay_of},
    )
    if not created:
        return delivery  # the same event was queued for this endpoint already
    enqueue_on_commit(webhook_deliver, delivery.pk)
    return delivery


# How long an attempt owns its delivery: well beyond WEBHOOK_TIMEOUT_SECONDS. A worker that dies
# mid-attempt leaves the delivery due again after this, for the sweep to publish.
DELIVERY_CLAIM = dt.timedelta(seconds=60)


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the next attempt of a delivery that is due; anything else (done, not due, taken) is a no-op.

    Claim, send, record: the due time lives in the database, and a conditional update moving it
    forward by DELIVERY_CLAIM claims the delivery (a job delivered twice, or late, attempts once).
    The POST runs with no transaction open and no row locked; then the attempt and its outcome are
    recorded.
    """
    now = timezone.now()
    claimed_until = now + max(DELIVERY_CLAIM, dt.timedelta(seconds=3 * settings.WEBHOOK_TIMEOUT_SECONDS))
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=claimed_until)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at=claimed_until).update(
            state=DeliveryState.FAILED, next_attempt_at=None
        )
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, None
        return delivery
    body = json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False).encode()
    result = post(url=endpoint.url, msg_id=delivery.event_id, body=body, secrets=endpoint.signing_secrets())
    try:
        with transaction.atomic():
            _record_attempt(delivery, result, attempted_at=now, claimed_until=claimed_until)
    except Exception:
        # The answer could not be stored: log it, and keep the delivery on its retry schedule
        # rather than leave it to be sent again, unrecorded, every time its claim runs out.
        logger.exception("Could not record the attempt of webhook delivery %s", delivery.pk)
        unstored = AttemptResult(result.status_code, result.duration_ms, "", _("The answer could not be stored."))
        with transaction.atomic():
            _record_attempt(delivery, unstored, attempted_at=now, claimed_until=claimed_until, succeeded=False)
    return delivery


def _record_attempt(
    delivery: WebhookDelivery,
    result: AttemptResult,
    *,
    attempted_at: dt.datetime,
    claimed_until: dt.datetime,
    succeeded: bool | None = None,
) -> None:
    """Log the attempt and move the delivery on: succeeded, failed, or due again on the retry schedule."""
    WebhookAttempt.objects.create(
        delivery=delivery,
        attempted_at=attempted_at,
        status_code=result.status_code,
        duration_ms=result.duration_ms,
        response_excerpt=result.excerpt,
        error=result.error,
    )
    attempts, delivered_at, disable_because = delivery.attempts + 1, None, ""
    if result.succeeded if succeeded is None else succeeded:
        state, delivered_at, next_attempt_at = DeliveryState.SUCCEEDED, attempted_at, None
    elif result.status_code == 410:
        state, next_attempt_at = DeliveryState.FAILED, None
        disable_because = _("The endpoint answered 410 Gone.")
    elif (delay := next_delay(attempts)) is None:
        state, next_attempt_at = DeliveryState.FAILED, None
        disable_because = _("Deliveries kept failing for more than a day.")
    else:
        state, next_attempt_at = DeliveryState.PENDING, attempted_at + dt.timedelta(seconds=delay)
    # Only while the claim is ours: once it ran out, a later attempt owns the delivery's outcome.
    moved = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, next_attempt_at=claimed_until
    ).update(attempts=attempts, state=state, delivered_at=delivered_at, next_attempt_at=next_attempt_at)
    if not moved:
        logger.warning("Webhook delivery %s was claimed again before its attempt was recorded", delivery.pk)
        return
    if disable_because:
        _disable(delivery.endpoint, disable_because)
    delivery.attempts, delivery.state, delivery.delivered_at = attempts, state, delivered_at
    delivery.next_attempt_at = next_attempt_at


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    """Turn the endpoint off and tell the portal's staff, through the e-mail outbox."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    notify_staff(
        campus=None,
        kind="partners:webhook_disabled",
        template="partners/email/webhook_disabled",
        context={"partner": str(endpoint.partner), "url": endpoint.url, "reason": reason},
    )


def deliveries_due(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


# --- Jobs --------------------------------------------------------------------------------------


@shared_task(name="partners.tasks.deliver_webhook", acks_late=True)
def webhook_deliver(delivery_id: int) -> bool:
    """One attempt of a due delivery; the next one is scheduled in the database, not on the broker."""
    return delivery_attempt(delivery_id) is not None


@shared_task(name="partners.tasks.sweep_webhook_deliveries", acks_late=True)
def deliveries_sweep() -> int:
    """Every minute: publish the attempts that have come due."""
    due = deliveries_due()
    for delivery_id in due:
        webhook_deliver.apply_async(args=[delivery_id])
    return len(due)
