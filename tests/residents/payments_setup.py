"""Invoices to pay, for the payments' tests: a company's lease billed month by month, as the job does."""

from __future__ import annotations

import datetime as dt

from residents.models import Invoice
from residents.services.invoices import invoices_issue_batch
from tests.residents.leases_setup import leased

#: One month of the lease ``leased()`` makes: 100 m² at 100 CNY rent (9% tax) and 20 CNY service (6%).
MONTH = 13020


def billed(campus):
    """The campus numbers its invoices ICW-YEAR-NUMBER, due 15 days after issue."""
    campus.invoice_prefix = "ICW"
    campus.payment_terms_days = 15
    campus.save()
    return campus


def issue(lease, month: int, year: int = 2026) -> Invoice:
    """The lease's invoice for ``month``, issued on the 5th (due on the 20th)."""
    invoices_issue_batch(
        campus_id=lease.campus_id, period=dt.date(year, month, 1), lease_ids=[lease.pk], today=dt.date(year, month, 5)
    )
    return Invoice.objects.get(lease=lease, period=dt.date(year, month, 1))


def leased_and_billed(company, *months: int, **terms):
    """A lease of ``company`` with its invoices for ``months``; returns (lease, invoices)."""
    lease = leased(company, **terms)
    return lease, [issue(lease, month) for month in months]
