"""Domain events through an outbox: recorded with the change, announced after commit, relayed if not.

A change writes its ``DomainEvent`` row in its own transaction, so the event is as durable as the
change. After commit the event is announced (its signal is sent) and marked published. If the
process dies first, or a receiver fails, the row stays unpublished and the relay announces it
later. Receivers must therefore be idempotent: an event may be announced more than once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from .models import Application, Company, DomainEvent
from .signals import application_status_changed, company_became_resident, company_stage_changed

logger = logging.getLogger(__name__)

# Event type -> (signal, sender). The signal's kwargs are the event's payload and its id.
ANNOUNCERS = {
    "application.status_changed": (application_status_changed, Application),
    "company.became_resident": (company_became_resident, Company),
    "company.stage_changed": (company_stage_changed, Company),
}


def event_record(*, type: str, key: str, payload: dict, occurred_at: dt.datetime | None = None) -> DomainEvent:
    """Record an event in the current transaction and announce it after commit. The same key twice is one event."""
    event, created = DomainEvent.objects.get_or_create(
        key=key, defaults={"type": type, "payload": payload, "occurred_at": occurred_at or timezone.now()}
    )
    if created:
        transaction.on_commit(lambda: _publish_after_commit(event.pk))
    return event


def _publish_after_commit(event_id: int) -> None:
    # The change is committed: whatever goes wrong now must not turn it into an error page.
    try:
        event_publish(event_id)
    except Exception:
        logger.exception("Could not announce domain event %s; the relay announces it later", event_id)


@transaction.atomic
def event_publish(event_id: int) -> bool:
    """Announce one unpublished event to its receivers and mark it published; anything else is a no-op.

    The row is claimed with a lock that skips rows another relay holds, so two relays announce it
    once. If a receiver fails, the event stays unpublished for the relay to try again.
    """
    event = DomainEvent.objects.select_for_update(skip_locked=True).filter(pk=event_id, published_at=None).first()
    if event is None:
        return False
    signal, sender = ANNOUNCERS[event.type]
    failures = [
        (receiver, outcome)
        for receiver, outcome in signal.send_robust(sender=sender, **{**event.payload, "event_id": event.pk})
        if isinstance(outcome, Exception)
    ]
    for receiver, error in failures:
        logger.error(
            "Receiver %s failed on domain event %s (%s); it stays unpublished",
            getattr(receiver, "__qualname__", receiver),
            event.pk,
            event.type,
            exc_info=error,
        )
    if failures:
        return False
    DomainEvent.objects.filter(pk=event.pk).update(published_at=timezone.now())
    return True


def events_relay(older_than_seconds: int = 60, limit: int = 500) -> int:
    """Announce events whose announcement after commit never happened or failed. Returns how many were announced."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    pending = list(
        DomainEvent.objects.filter(published_at=None, occurred_at__lte=cutoff)
        .order_by("occurred_at")
        .values_list("pk", flat=True)[:limit]
    )
    announced = 0
    for event_id in pending:
        try:
            announced += event_publish(event_id)
        except Exception:
            logger.exception("Could not announce domain event %s; trying again on the next run", event_id)
    return announced
