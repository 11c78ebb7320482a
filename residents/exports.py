"""Accounting exports of a campus for a period: the rows, for any spreadsheet writer.

- ``invoice_lines``: one row per line of each invoice and credit note issued in the period.
- ``payment_rows``: one row per allocation of each payment received in the period to an
  invoice, and one more for the part of the payment left unallocated (the company's credit).

Rows are read in chunks from one query (invoices) or two read side by side (payments), so a year
of 100,000 lines neither holds them all in memory nor asks the database once per row. Amounts are
``Decimal``, days ``date``; the number of a document is its ``display_number``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from campus.models import Campus

from .models import InvoiceLine, Payment, PaymentAllocation
from .rent import LineKind

CHUNK = 2000

INVOICE_COLUMNS = [
    _("Invoice number"),
    _("Document"),
    _("Company"),
    _("Issued on"),
    _("Due on"),
    _("Period"),
    _("Line"),
    _("Line kind"),
    _("Description"),
    _("Net"),
    _("Tax %"),
    _("Tax"),
    _("Gross"),
    _("Currency"),
    _("Corrects invoice"),
]

PAYMENT_COLUMNS = [
    _("Payment"),
    _("Received on"),
    _("Company"),
    _("Bank reference"),
    _("Source"),
    _("Payment amount"),
    _("Currency"),
    _("Row"),
    _("Invoice number"),
    _("Amount"),
]


def invoice_lines(campus: Campus, start: dt.date, end: dt.date) -> Iterator[list]:
    """Every line of the campus's invoices and credit notes issued from ``start`` to ``end``, in
    the order they were issued (the Company model holds no tax number, so none is exported)."""
    lines = (
        InvoiceLine.objects.filter(invoice__campus=campus, invoice__issued_on__range=(start, end))
        .select_related("invoice__campus", "invoice__company", "invoice__credits__campus")
        .only(
            *("position", "kind", "description", "net", "tax_percent", "tax", "invoice"),
            *("invoice__kind", "invoice__year", "invoice__number", "invoice__issued_on", "invoice__due_on"),
            *("invoice__period", "invoice__currency", "invoice__campus", "invoice__campus__invoice_prefix"),
            *("invoice__company", "invoice__company__name", "invoice__credits", "invoice__credits__year"),
            *("invoice__credits__number", "invoice__credits__campus", "invoice__credits__campus__invoice_prefix"),
        )
        .order_by("invoice__issued_on", "invoice__year", "invoice__number", "position")
    )
    kinds = dict(LineKind.choices)
    for line in lines.iterator(chunk_size=CHUNK):
        invoice = line.invoice
        yield [
            invoice.display_number,
            invoice.get_kind_display(),
            invoice.company.name,
            invoice.issued_on,
            invoice.due_on,
            invoice.period.strftime("%Y-%m") if invoice.period else "",
            line.position,
            kinds.get(line.kind, line.kind),
            line.description,
            line.net,
            line.tax_percent,
            line.tax,
            line.gross,
            invoice.currency,
            invoice.credits.display_number if invoice.credits_id else "",
        ]


def payment_rows(campus: Campus, start: dt.date, end: dt.date) -> Iterator[list]:
    """Each payment the campus received from ``start`` to ``end``: a row per invoice it settles,
    then a row for what is left unallocated, if anything."""
    order = ("payment__received_on", "payment_id", "pk")
    payments = (
        Payment.objects.filter(campus=campus, received_on__range=(start, end))
        .select_related("company")
        .only("received_on", "amount", "currency", "reference", "source", "company", "company__name")
        .order_by("received_on", "pk")
    )
    allocations = (
        PaymentAllocation.objects.filter(payment__campus=campus, payment__received_on__range=(start, end))
        .select_related("invoice__campus")
        .only(
            *("payment", "amount", "invoice", "invoice__year", "invoice__number"),
            *("invoice__campus", "invoice__campus__invoice_prefix"),
        )
        .order_by(*order)
        .iterator(chunk_size=CHUNK)
    )
    allocated, unallocated = _("Allocated"), _("Unallocated")
    waiting = next(allocations, None)  # both are in payment order: read them side by side
    for payment in payments.iterator(chunk_size=CHUNK):
        head = [
            payment.pk,
            payment.received_on,
            payment.company.name,
            payment.reference,
            payment.get_source_display(),
            payment.amount,
            payment.currency,
        ]
        left = payment.amount
        while waiting is not None and waiting.payment_id == payment.pk:
            yield [*head, allocated, waiting.invoice.display_number, waiting.amount]
            left -= waiting.amount
            waiting = next(allocations, None)
        if left > 0:
            yield [*head, unallocated, "", left]
