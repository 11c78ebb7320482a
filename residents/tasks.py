"""The residents' jobs (Celery registers this module); each job's function sits with its feature."""

from __future__ import annotations

from celery import shared_task

from .services import announcements, frontdesk


@shared_task(name="residents.tasks.flagged_deliveries_escalate", acks_late=True)
def flagged_deliveries_escalate() -> int:
    """Every five minutes: remind the front desk and the company's admins of flagged deliveries
    waiting longer than FRONTDESK_FLAGGED_COLLECT_HOURS (once per delivery)."""
    return frontdesk.flagged_deliveries_escalate()


@shared_task(name="residents.tasks.announcement_email", acks_late=True)
def announcement_email(announcement_id: int) -> int:
    """After publication: e-mail each person of the announcement's audience once, in their language."""
    return announcements.announcement_email(announcement_id=announcement_id)


@shared_task(name="residents.tasks.due_announcements_email", acks_late=True)
def due_announcements_email() -> int:
    """Every five minutes: e-mail announcements published at a time set ahead, or whose job was lost."""
    return announcements.due_announcements_email()
