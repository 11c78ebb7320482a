"""Accounting exports of a campus for a period: the rows, for any spreadsheet writer.

- ``invoice_lines``: one row per line of each invoice and credit note issued in the period.
- ``payment_rows``: one row per allocation of each payment received in the period to an
  invoice, and one more for the part of the payment left unallocated (the company's credit).

Rows are read in chunks from one query (invoices) or two read side by side (payments), as plain
values rather than model instances, so a year of 100,000 lines neither holds them all in memory
nor asks the database once per row. Amounts are ``Decimal``, days ``date``; a document's number
is written as ``Invoice.display_number`` writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from campus.models import Campus

from .choices import InvoiceKind, PaymentSource
from .models import Invoice, InvoiceLine, Payment, PaymentAllocation
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
        .order_by("invoice__issued_on", "invoice__year", "invoice__number", "position")
        .values_list(
            *("invoice__prefix", "invoice__year", "invoice__number", "invoice__kind"),
            *("invoice__company__name", "invoice__issued_on", "invoice__due_on", "invoice__period"),
            *("position", "kind", "description", "net", "tax_percent", "tax", "invoice__currency"),
            *("invoice__credits__prefix", "invoice__credits__year", "invoice__credits__number"),
        )
    )
    documents, kinds = dict(InvoiceKind.choices), dict(LineKind.choices)
    for prefix, year, number, document, company, issued, due, period, *line, corrected in _with_corrected(lines):
        position, kind, description, net, tax_percent, tax, currency = line
        yield [
            *(Invoice.format_number(prefix, year, number), documents.get(document, document), company),
            *(issued, due, period.strftime("%Y-%m") if period else "", position, kinds.get(kind, kind)),
            *(description, net, tax_percent, tax, net + tax, currency, corrected),
        ]


def _with_corrected(lines) -> Iterator[tuple]:
    """The rows with the number of the invoice a credit note corrects in place of its parts."""
    for *row, prefix, year, number in lines.iterator(chunk_size=CHUNK):
        yield (*row, Invoice.format_number(prefix, year, number) if number else "")


def payment_rows(campus: Campus, start: dt.date, end: dt.date) -> Iterator[list]:
    """Each payment the campus received from ``start`` to ``end``: a row per invoice it settles,
    then a row for what is left unallocated, if anything."""
    payments = (
        Payment.objects.filter(campus=campus, received_on__range=(start, end))
        .order_by("received_on", "pk")
        .values_list("pk", "received_on", "company__name", "reference", "source", "amount", "currency")
        .iterator(chunk_size=CHUNK)
    )
    allocations = (
        PaymentAllocation.objects.filter(payment__campus=campus, payment__received_on__range=(start, end))
        .order_by("payment__received_on", "payment_id", "pk")
        .values_list("payment_id", "invoice__prefix", "invoice__year", "invoice__number", "amount")
        .iterator(chunk_size=CHUNK)
    )
    sources = dict(PaymentSource.choices)
    allocated, unallocated = _("Allocated"), _("Unallocated")
    waiting = next(allocations, None)  # both are in payment order: read them side by side
    for pk, received_on, company, reference, source, amount, currency in payments:
        head = [pk, received_on, company, reference, sources.get(source, source), amount, currency]
        left = amount
        while waiting is not None and waiting[0] == pk:
            _payment, prefix, year, number, part = waiting
            yield [*head, allocated, Invoice.format_number(prefix, year, number), part]
            left -= part
            waiting = next(allocations, None)
        if left > 0:
            yield [*head, unallocated, "", left]
