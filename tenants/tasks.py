"""Background jobs of the tenants app: thin, they take ids and call services.

Every job is acknowledged late (a worker killed mid-job leaves it to another) and safe to run
twice; retries are bounded and back off exponentially.

The e-mail outbox's jobs, ``deliver_notification`` and ``relay_pending_notifications``, sit with
the outbox in ``tenants/notifications.py`` under their names here; importing it registers them.
"""

from __future__ import annotations

from celery import shared_task

from . import events, notifications
from .services import applications, onboarding, outcomes, privacy

OUTBOX_JOBS = (notifications.deliver_notification, notifications.relay_pending_notifications)


@shared_task(acks_late=True)
def relay_domain_events() -> int:
    """Every minute: announce domain events (e.g. to partners' webhooks) that were not announced after commit."""
    return events.relay_unpublished_events()


@shared_task(acks_late=True)
def onboarding_reminders() -> int:
    """Daily: remind owners of overdue onboarding tasks (once per task per day)."""
    return onboarding.send_overdue_reminders()


@shared_task(acks_late=True)
def onboarding_escalations() -> int:
    """Daily: tell staff about tasks overdue for longer than ONBOARDING_ESCALATION_DAYS (once per task)."""
    return onboarding.escalate_overdue()


@shared_task(acks_late=True)
def draft_reminders() -> int:
    """Daily: one reminder for drafts left unfinished for DRAFT_REMINDER_DAYS."""
    return applications.remind_stale_drafts()


@shared_task(acks_late=True)
def compliance_checks() -> dict[str, int]:
    """Daily: remind residents of documents about to expire; tell staff of expired ones."""
    return onboarding.check_compliance_documents()


@shared_task(acks_late=True)
def outcome_surveys() -> int:
    """Yearly (OUTCOME_SURVEY_MONTH): ask every resident for the year's outcomes, once."""
    return outcomes.send_outcome_surveys()


@shared_task(acks_late=True)
def erase_expired() -> int:
    """Daily: erase rejected and withdrawn applications older than APPLICATION_RETENTION_DAYS."""
    return privacy.erase_expired()
