"""The residents' jobs (Celery registers this module); each job's function sits with its feature."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from .services import announcements, bookings, frontdesk, invoice_delivery, invoices, leases, reminders, requests


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


@shared_task(name="residents.tasks.service_request_escalations", acks_late=True)
def overdue_requests_escalate() -> int:
    """Every 15 minutes: tell campus staff of requests past a target (once per request and target)."""
    return requests.overdue_requests_escalate()


@shared_task(name="residents.tasks.service_request_closing", acks_late=True)
def resolved_requests_close() -> int:
    """Daily: close requests resolved longer ago than SERVICE_REQUEST_REOPEN_DAYS."""
    return requests.resolved_requests_close()


@shared_task(name="residents.tasks.leases_end_and_alert", acks_late=True)
def leases_end_and_alert() -> int:
    """Daily: close leases past their last day; alert staff and the company 90, 60 and 30 days before an end."""
    return leases.leases_end_and_alert()


@shared_task(name="residents.tasks.invoices_issue", acks_late=True)
def invoices_issue() -> int:
    """Daily: from each campus's billing day, publish batches of the month's leases to invoice."""
    return invoices.invoices_issue()


@shared_task(name="residents.tasks.invoices_issue_batch", acks_late=True)
def invoices_issue_batch(campus_id: int, period: str, lease_ids: list[int], today: str) -> int:
    """Issue the month's invoice of each of these leases that has none (once, however often it runs)."""
    return invoices.invoices_issue_batch(
        campus_id=campus_id,
        period=dt.date.fromisoformat(period),
        lease_ids=lease_ids,
        today=dt.date.fromisoformat(today),
    )


@shared_task(name="residents.tasks.invoice_deliver", acks_late=True)
def invoice_deliver(invoice_id: int) -> int:
    """After an invoice or credit note commits: make its PDF and e-mail it to the company, once."""
    return invoice_delivery.invoice_deliver(invoice_id)


@shared_task(name="residents.tasks.invoices_remind", acks_late=True)
def invoices_remind() -> int:
    """Daily: remind companies of invoices 7 and 14 days past due; tell finance staff at 30 (each once)."""
    return reminders.invoices_remind()


@shared_task(name="residents.tasks.booking_reminders_send", acks_late=True)
def booking_reminders_send() -> int:
    """Every 15 minutes: remind people of confirmed bookings starting within a day (once per booking)."""
    return bookings.booking_reminders_send()
