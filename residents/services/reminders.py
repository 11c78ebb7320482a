"""Reminders of unpaid invoices: the company at 7 and 14 days past due, campus finance staff at 30.

Each reminder is an ``InvoiceReminder`` row (unique per invoice and threshold), written before its
e-mails in the same transaction, so the job run twice, or on two workers at once, sends it once.
An invoice found late (the job did not run for a while) gets only the nearest company reminder not
yet sent, never 7 and 14 on the same day; the escalation at 30 days has a row of its own.
An invoice with nothing left to pay gets nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.notifications import notify, notify_staff

from ..choices import ESCALATION_DAYS, REMINDER_DAYS, InvoiceKind, MemberRole
from ..models import Invoice, InvoiceReminder
from .members import people_of

logger = logging.getLogger(__name__)

#: The staff role that hears of invoices 30 days past due (portal.roles creates the group under
#: this English name); the campus's staff addresses when nobody holds it.
FINANCE_GROUP = "Finance"


def invoices_remind(today: dt.date | None = None) -> int:
    """Daily: remind companies of invoices 7 and 14 days past due, and tell campus finance staff
    of those 30 days past due, each once. Returns how many reminders were sent."""
    today = today or timezone.localdate()
    overdue = (
        Invoice.objects.with_settlement()
        .filter(kind=InvoiceKind.INVOICE, open_amount__gt=0, due_on__lte=today - dt.timedelta(days=min(REMINDER_DAYS)))
        .order_by("due_on", "pk")
        .values_list("pk", "due_on")
    )
    sent = 0
    for invoice_id, due_on in overdue:
        late = (today - due_on).days
        nearest = max(days for days in REMINDER_DAYS if days <= late)
        sent += _remind(invoice_id, nearest, today)
        if late >= ESCALATION_DAYS:
            sent += _remind(invoice_id, ESCALATION_DAYS, today)
    return sent


def _remind(invoice_id: int, days: int, today: dt.date) -> int:
    with transaction.atomic():
        invoice = (
            Invoice.objects.with_settlement()
            .select_related("campus", "company")
            .filter(pk=invoice_id, open_amount__gt=0)
            .first()
        )
        if invoice is None:  # paid since the list was read
            return 0
        already = set(invoice.reminders.values_list("days", flat=True))
        if days in already or (days in REMINDER_DAYS and any(d in already for d in REMINDER_DAYS if d > days)):
            return 0
        if not _reminder_row(invoice, days):
            return 0
        context = {"invoice": invoice, "open_amount": invoice.open_amount, "days_late": (today - invoice.due_on).days}
        if days == ESCALATION_DAYS:
            _tell_staff(invoice, context)
        else:
            _tell_company(invoice, context)
    return 1


def _reminder_row(invoice: Invoice, days: int) -> bool:
    try:
        with transaction.atomic():
            _row, created = InvoiceReminder.objects.get_or_create(
                invoice=invoice, days=days, defaults={"sent_at": timezone.now()}
            )
    except IntegrityError:  # another run wrote it first
        return False
    return created


def _tell_company(invoice: Invoice, context: dict) -> None:
    for membership in people_of(invoice.company, roles=(MemberRole.ADMIN, MemberRole.FINANCE)):
        notify(
            kind="invoice:reminder",
            recipient=membership.user.email,
            template="residents/email/invoice_reminder",
            context=context,
            company=invoice.company,
            language=membership.language,
        )


def _tell_staff(invoice: Invoice, context: dict) -> None:
    """The campus's finance staff (its staff addresses when nobody holds the role)."""
    notify_staff(
        campus=invoice.campus,
        role=FINANCE_GROUP,
        kind="invoice:escalation",
        template="residents/email/invoice_escalation",
        context=context,
        company=invoice.company,
    )
