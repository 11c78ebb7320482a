"""Invoices and payments for the demo: every month of the demo leases up to this one, issued by
the same batches the daily job publishes, each on the campus's billing day of its month (so the
numbers run in order and last months' invoices are past due). The campus invoices as ``ICW``
unless its staff chose a prefix.

Each company pays each invoice by bank transfer ten days after it was issued, quoting its number,
once that day has come; the last company (by name) stopped paying two months ago, so it is in
arrears and gets reminders. Issuing is once per lease and month and a payment is recorded once
per invoice (its reference), so running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from campus.models import Campus

from ..choices import InvoiceKind
from ..models import Invoice, Lease, Payment
from ..rent import add_months
from ..services.invoices import invoices_issue_batch, leases_to_bill
from ..services.payments import payment_record

PREFIX = "ICW"
#: Days after an invoice's date on which the demo companies pay it.
PAID_AFTER = dt.timedelta(days=10)
#: Months the company in arrears has not paid.
UNPAID_MONTHS = 2


def seed(campus: Campus, companies) -> int:
    """Issue each month's invoices of the companies' leases, from their first month to today's."""
    if campus.invoice_prefix == Campus._meta.get_field("invoice_prefix").default:
        campus.invoice_prefix = PREFIX
        campus.save(update_fields=["invoice_prefix"])
    today = timezone.localdate()
    first = (
        Lease.objects.filter(company__in=companies).order_by("starts_on").values_list("starts_on", flat=True).first()
    )
    if first is None:
        return 0
    issued, month = 0, first.replace(day=1)
    while month <= today:
        billing_day = month.replace(day=campus.billing_day)
        if billing_day <= today:
            ids = list(leases_to_bill(campus, month).filter(company__in=companies).values_list("pk", flat=True))
            issued += invoices_issue_batch(campus_id=campus.pk, period=month, lease_ids=ids, today=billing_day)
        month = add_months(month, 1)
    _mark_sent(campus, companies)
    _pay(campus, companies, today)
    return issued


def _mark_sent(campus: Campus, companies) -> None:
    """Record the demo invoices as sent on their day, as the daily job did: no company has anyone to
    e-mail them to yet, and their PDFs are made when first opened rather than all while seeding."""
    unsent = Invoice.objects.filter(campus=campus, company__in=companies, emailed_at__isnull=True)
    for pk, issued_on in unsent.values_list("pk", "issued_on"):
        sent_at = timezone.make_aware(dt.datetime.combine(issued_on, dt.time(9)))
        Invoice.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=sent_at)


def _pay(campus: Campus, companies, today: dt.date) -> None:
    """Each invoice paid ten days after its date, but the last company's of its last two months."""
    companies = sorted(companies, key=lambda company: company.name)
    in_arrears = companies[-1] if len(companies) > 1 else None
    stopped = add_months(today.replace(day=1), -(UNPAID_MONTHS - 1))
    paid = set(Payment.objects.filter(campus=campus).values_list("reference", flat=True))
    invoices = (
        Invoice.objects.filter(campus=campus, company__in=companies, kind=InvoiceKind.INVOICE)
        .select_related("campus", "company")
        .order_by("issued_on", "number")
    )
    for invoice in invoices:
        reference = invoice.display_number
        received_on = invoice.issued_on + PAID_AFTER
        if reference in paid or received_on > today:
            continue
        if invoice.company == in_arrears and invoice.period >= stopped:
            continue
        payment_record(
            company=invoice.company,
            amount=invoice.total,
            received_on=received_on,
            reference=reference,
            actor=None,
            invoices=[invoice],
            note="Demo data",
        )
