"""Invoices and payments for the tests: months issued as the daily job issues them, payments recorded as rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from residents.models import Invoice, Payment, PaymentAllocation
from residents.services.invoices import invoices_issue_batch
from residents.services.payments import settled_on_refresh
from tests.residents.leases_setup import leased

FAKE_PDF = b"%PDF-1.4 fake"


def invoiced(company, *, months: int = 1, first=dt.date(2026, 1, 1), **lease_terms) -> list[Invoice]:
    """A new lease of ``company`` and its invoices for ``months`` months from ``first``, each issued
    on the 5th of its month (due 15 days later, the campus's default terms)."""
    lease = leased(company, **lease_terms)
    for ahead in range(months):
        year, month = divmod(first.month - 1 + ahead, 12)
        period = dt.date(first.year + year, month + 1, 1)
        invoices_issue_batch(
            campus_id=company.campus_id, period=period, lease_ids=[lease.pk], today=period.replace(day=5)
        )
    return list(Invoice.objects.filter(lease=lease).order_by("period"))


def paid(company, amount, *, on=dt.date(2026, 1, 20), reference: str = "", settles=()) -> Payment:
    """A payment received from ``company``, set against ``settles``: (invoice, amount) pairs."""
    payment = Payment.objects.create(
        campus=company.campus, company=company, received_on=on, amount=Decimal(amount), reference=reference
    )
    for invoice, part in settles:
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=Decimal(part))
    settled_on_refresh(invoice.pk for invoice, _part in settles)
    return payment


def fake_renderer(monkeypatch, calls: list | None = None):
    """Render every invoice as a stand-in PDF (the real renderer is its own module)."""

    def render(invoice):
        if calls is not None:
            calls.append(invoice.pk)
        return FAKE_PDF

    monkeypatch.setattr("residents.services.invoice_documents.invoice_pdf_bytes", render)
