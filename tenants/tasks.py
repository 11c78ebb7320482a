"""Background jobs of the tenants app: thin, they take ids and call services.

Every job is acknowledged late (a worker killed mid-job leaves it to another) and safe to run
twice; retries are bounded and back off exponentially.
"""

from __future__ import annotations

import smtplib

from celery import shared_task

from . import events, onboarding, outcomes, privacy, services

TRANSIENT = (OSError, smtplib.SMTPException)


@shared_task(bind=True, max_retries=8, acks_late=True, reject_on_worker_lost=True)
def deliver_notification(self, notification_id: int) -> bool:
    """Send a pending e-mail; retried with backoff while the mail server fails, then left for the relay."""
    try:
        return services.deliver(notification_id)
    except TRANSIENT as exc:
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2**self.request.retries)) from exc


@shared_task(acks_late=True)
def relay_pending_notifications() -> int:
    """Every minute: publish e-mails whose job was lost (broker down when they were written)."""
    return onboarding.relay_pending_notifications()


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
    return onboarding.remind_stale_drafts()


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
