"""The residents' jobs (Celery registers this module); each job's function sits with its feature."""

from __future__ import annotations

from celery import shared_task

from .services import frontdesk


@shared_task(name="residents.tasks.flagged_deliveries_escalate", acks_late=True)
def flagged_deliveries_escalate() -> int:
    """Every five minutes: remind the front desk and the company's admins of flagged deliveries
    waiting longer than FRONTDESK_FLAGGED_COLLECT_HOURS (once per delivery)."""
    return frontdesk.flagged_deliveries_escalate()
