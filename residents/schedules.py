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
    ("Escalate service requests past their targets", "residents.tasks.service_request_escalations", {"minute": "*/15"}),
    (
        "Close resolved service requests after the reopening window",
        "residents.tasks.service_request_closing",
        {"minute": "0", "hour": "2"},
    ),
    (
        "Alert leases ending in 90, 60 and 30 days; close ended leases",
        "residents.tasks.leases_end_and_alert",
        {"minute": "30", "hour": "6"},
    ),
    ("Issue the month's invoices from the billing day", "residents.tasks.invoices_issue", {"minute": "0", "hour": "5"}),
    (
        "Remind companies of overdue invoices; tell finance staff at 30 days",
        "residents.tasks.invoices_remind",
        {"minute": "15", "hour": "9"},
    ),
    ("Remind people of their bookings a day ahead", "residents.tasks.booking_reminders_send", {"minute": "*/15"}),
]


def ensure_schedules(sender=None, using: str = "default", **kwargs) -> None:
    ensure_periodic_tasks(SCHEDULES, using)
