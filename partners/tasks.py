"""Background jobs of the partners app: thin, they take ids and call services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services
from .models import IdempotencyKey


@shared_task(acks_late=True)
def deliver_webhook(delivery_id: int) -> bool:
    """One attempt of a due delivery; the next one is scheduled in the database, not on the broker."""
    return services.delivery_attempt(delivery_id) is not None


@shared_task(acks_late=True)
def sweep_webhook_deliveries() -> int:
    """Every minute: publish the attempts that have come due."""
    due = services.deliveries_due()
    for delivery_id in due:
        deliver_webhook.apply_async(args=[delivery_id])
    return len(due)


@shared_task(acks_late=True)
def prune_idempotency_keys() -> int:
    """Hourly: forget keys older than IDEMPOTENCY_KEY_TTL_HOURS."""
    cutoff = timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
