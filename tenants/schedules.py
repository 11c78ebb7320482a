"""The periodic jobs, as django-celery-beat rows staff can see and change in the admin.

Created after every migrate when missing; a schedule staff changed or disabled is left alone.
"""

from __future__ import annotations

from django.conf import settings

from common.schedules import ensure_periodic_tasks

SCHEDULES = [
    # (name, task, crontab fields)
    ("Deliver pending e-mails (outbox relay)", "tenants.tasks.relay_pending_notifications", {"minute": "*"}),
    ("Announce unpublished domain events (outbox relay)", "tenants.tasks.relay_domain_events", {"minute": "*"}),
    ("Remind owners of overdue onboarding tasks", "tenants.tasks.onboarding_reminders", {"minute": "0", "hour": "9"}),
    ("Escalate long-overdue onboarding tasks", "tenants.tasks.onboarding_escalations", {"minute": "30", "hour": "9"}),
    ("Remind applicants of unfinished drafts", "tenants.tasks.draft_reminders", {"minute": "0", "hour": "10"}),
    ("Check compliance documents for expiry", "tenants.tasks.compliance_checks", {"minute": "0", "hour": "8"}),
    ("Erase applications past their retention period", "tenants.tasks.erase_expired", {"minute": "0", "hour": "3"}),
    (
        "Send the yearly outcome survey to residents",
        "tenants.tasks.outcome_surveys",
        {"minute": "0", "hour": "9", "day_of_month": "1", "month_of_year": str(settings.OUTCOME_SURVEY_MONTH)},
    ),
]


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> None:
    ensure_periodic_tasks(SCHEDULES, using)
