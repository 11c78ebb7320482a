"""A company's ledger: what it was invoiced, credited and paid, and what it owes.

The balance is always the sum of the ledger, never a stored figure: invoices (positive) and
credit notes (negative) issued, less payments received. Positive: the company owes that much;
negative: it carries that much credit. One currency per company (the leases' currency).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from tenants.models import Company

from ..choices import InvoiceKind, InvoiceStatus
from ..models import Invoice, Payment

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    invoiced: Decimal  # invoices issued
    credited: Decimal  # credit notes issued (≤ 0)
    paid: Decimal  # payments received
    currency: str

    @property
    def owed(self) -> Decimal:
        """What the company owes (negative: credit it carries)."""
        return self.invoiced + self.credited - self.paid


def company_balance(company: Company, *, on: dt.date | None = None) -> Balance:
    """The company's balance from its ledger, up to and including ``on`` (None: everything)."""
    invoices = Invoice.objects.filter(company=company)
    payments = Payment.objects.filter(company=company)
    if on is not None:
        invoices, payments = invoices.filter(issued_on__lte=on), payments.filter(received_on__lte=on)
    totals = dict(invoices.values_list("kind").annotate(t=Sum("total")).order_by())
    currency = (
        invoices.values_list("currency", flat=True).first()
        or payments.values_list("currency", flat=True).first()
        or "CNY"
    )
    return Balance(
        invoiced=_fen(totals.get(InvoiceKind.INVOICE)),
        credited=_fen(totals.get(InvoiceKind.CREDIT_NOTE)),
        paid=_fen(payments.aggregate(s=Sum("amount"))["s"]),
        currency=currency,
    )


def _fen(total: Decimal | None) -> Decimal:
    """A sum to the fen: SQLite adds decimals as floating point numbers (exact on PostgreSQL)."""
    return ZERO if total is None else total.quantize(ZERO)


def open_invoices(company: Company):
    """The company's invoices still (partly) unpaid, oldest due first, with their settlement."""
    return (
        Invoice.objects.unsettled()
        .with_settlement()
        .filter(company=company, kind=InvoiceKind.INVOICE, open_amount__gt=0)
        .order_by("due_on", "year", "number")
    )


def invoice_status(invoice: Invoice, *, today: dt.date) -> str | None:
    """Where an invoice annotated ``with_settlement`` stands on ``today`` (None for a credit note):
    settled by credit notes alone is credited, otherwise settled is paid; still open past its due
    date is overdue, whatever was paid of it."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        return None
    if invoice.open_amount <= 0:
        return InvoiceStatus.CREDITED if invoice.paid == 0 and invoice.credited < 0 else InvoiceStatus.PAID
    if invoice.due_on < today:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.PARTLY_PAID if invoice.paid > 0 else InvoiceStatus.OPEN


def overdue_invoices(today: dt.date):
    """Invoices still (partly) unpaid after their due date. The candidates come by index from those
    not settled (``settled_on``, stored by ``residents.services.payments`` with every payment and
    credit note); their open amount, worked out from the ledger, decides, as on the invoice list."""
    return Invoice.objects.unsettled().filter(due_on__lt=today, total__gt=0).with_settlement().overdue(today)
