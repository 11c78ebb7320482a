"""Background jobs of the tenants app: thin, they take ids and call services.

Every job is acknowledged late (a worker killed mid-job leaves it to another) and safe to run
twice; retries are bounded and back off exponentially. Each job is named as the service it runs;
its registered name (``name=``) is the one schedule rows and messages on the broker carry, so it
stays as it is when a function is renamed.

The e-mail outbox's jobs, ``notifications_deliver`` and ``notifications_relay``, sit with the
outbox in ``tenants/notifications.py`` under their names here; importing it registers them.
"""

from __future__ import annotations

from celery import shared_task

from . import events, notifications
from .services import applications, onboarding, outcomes, privacy

OUTBOX_JOBS = (
    notifications.notifications_deliver,
    notifications.notification_deliver,
    notifications.notifications_relay,
)


@shared_task(name="tenants.tasks.relay_domain_events", acks_late=True)
def events_relay() -> int:
    """Every minute: announce domain events (e.g. to partners' webhooks) that were not announced after commit."""
    return events.events_relay()


@shared_task(name="tenants.tasks.onboarding_reminders", acks_late=True)
def overdue_tasks_remind() -> int:
    """Daily: remind owners of overdue onboarding tasks (once per task per day)."""
    return onboarding.overdue_tasks_remind()


@shared_task(name="tenants.tasks.onboarding_escalations", acks_late=True)
def overdue_tasks_escalate() -> int:
    """Daily: tell staff about tasks overdue for longer than ONBOARDING_ESCALATION_DAYS (once per task)."""
    return onboarding.overdue_tasks_escalate()


@shared_task(name="tenants.tasks.draft_reminders", acks_late=True)
def stale_drafts_remind() -> int:
    """Daily: one reminder for drafts left unfinished for DRAFT_REMINDER_DAYS."""
    return applications.stale_drafts_remind()


@shared_task(name="tenants.tasks.compliance_checks", acks_late=True)
def compliance_documents_check() -> dict[str, int]:
    """Daily: remind residents of documents about to expire; tell staff of expired ones."""
    return onboarding.compliance_documents_check()


@shared_task(name="tenants.tasks.outcome_surveys", acks_late=True)
def outcome_surveys_send() -> int:
    """Yearly (OUTCOME_SURVEY_MONTH): ask every resident for the year's outcomes, once."""
    return outcomes.outcome_surveys_send()


@shared_task(name="tenants.tasks.erase_expired", acks_late=True)
def expired_applications_erase() -> int:
    """Daily: erase rejected and withdrawn applications older than APPLICATION_RETENTION_DAYS."""
    return privacy.expired_applications_erase()
