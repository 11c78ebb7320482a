"""Background jobs of the partners app: thin, they take ids and call services.

The webhook outbox's jobs, ``webhook_deliver`` and ``deliveries_sweep``, sit with the outbox in
``partners/deliveries.py`` under their names here; importing it registers them.
"""

from __future__ import annotations

from celery import shared_task

from . import deliveries
from .api import idempotency

OUTBOX_JOBS = (deliveries.webhook_deliver, deliveries.deliveries_sweep)


@shared_task(name="partners.tasks.prune_idempotency_keys", acks_late=True)
def idempotency_keys_prune() -> int:
    """Hourly: forget keys older than IDEMPOTENCY_KEY_TTL_HOURS."""
    return idempotency.idempotency_keys_prune()
