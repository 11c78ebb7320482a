"""The residents' periodic jobs, as django-celery-beat rows staff can see and change in the admin."""

from __future__ import annotations

from common.schedules import ensure_periodic_tasks

SCHEDULES: list[tuple[str, str, dict]] = [
    # (name, registered task name, crontab fields)
    (
        "Escalate flagged deliveries left at the front desk",
        "residents.tasks.flagged_deliveries_escalate",
        {"minute": "*/5"},
    ),
    ("E-mail announcements that are due", "residents.tasks.due_announcements_email", {"minute": "*/5"}),
]


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> None:
    ensure_periodic_tasks(SCHEDULES, using)
