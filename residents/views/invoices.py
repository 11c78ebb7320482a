"""The company's invoices, credit notes and payments in /my/: for its admins and finance people only.

Every invoice is looked up through ``request.membership.company``, so another company's invoice,
or its PDF, is a 404. Amounts are ``Money``, shown in the reader's language.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone
from django.views.decorators.http import require_GET
from djmoney.money import Money

from common.downloads import private_download
from tenants.models import Company

from ..access import resident_required
from ..models import Invoice, Payment, PaymentAllocation
from ..services.invoice_documents import invoice_document
from ..services.ledger import company_balance, invoice_status
from .leases import LEASE_READERS

PAGE_SIZE = 25
#: Who reads the company's money: those who read its lease.
BILLING_READERS = LEASE_READERS


def balance_shown(company: Company) -> dict:
    """The company's balance as its page says it: what it owes, or the credit it carries."""
    balance = company_balance(company)
    owed = balance.owed
    return {
        "owed": Money(owed, balance.currency) if owed > 0 else None,
        "credit": Money(-owed, balance.currency) if owed < 0 else None,
        "currency": balance.currency,
    }


def _describe(invoice: Invoice, today) -> Invoice:
    """Attach what a row shows: its status, days overdue and amounts as Money."""
    invoice.status = invoice_status(invoice, today=today)
    invoice.days_overdue = (today - invoice.due_on).days
    for field in ("net", "tax", "total", "paid", "open_amount"):
        setattr(invoice, f"{field}_shown", invoice.money(getattr(invoice, field)))
    invoice.credited_shown = invoice.money(-invoice.credited)
    return invoice


def _company_invoices(request):
    return (
        Invoice.objects.with_settlement()
        .filter(company=request.membership.company)
        .select_related("campus", "credits__campus")
    )


@resident_required(roles=BILLING_READERS)
@require_GET
def invoices(request):
    """The balance, then every invoice and credit note, the newest first."""
    today = timezone.localdate()
    rows = _company_invoices(request).order_by("-issued_on", "-year", "-number")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "balance": balance_shown(request.membership.company),
        "page": page,
        "rows": [_describe(invoice, today) for invoice in page.object_list],
    }
    return render(request, "residents/billing/invoices.html", context)


def _rate(rate: Decimal | None) -> str:
    """A rate per m² with the decimals it has (at least two), in the reader's format."""
    if rate is None:
        return ""
    places = max(2, -rate.normalize().as_tuple().exponent)
    return formats.number_format(rate, decimal_pos=places, use_l10n=True, force_grouping=True)


@resident_required(roles=BILLING_READERS)
def invoice(request, pk: int):
    """One invoice or credit note: its lines and totals, the credit notes and payments that settle it."""
    today = timezone.localdate()
    document = _describe(get_object_or_404(_company_invoices(request).select_related("lease"), pk=pk), today)
    lines = list(document.lines.all())
    for line in lines:
        line.rate_shown = _rate(line.rate)
        line.net_shown, line.tax_shown = document.money(line.net), document.money(line.tax)
    credit_notes = list(document.credit_notes.select_related("campus").order_by("issued_on", "number"))
    for note in credit_notes:
        note.total_shown = note.money(note.total)
    allocations = list(document.payment_allocations.select_related("payment").order_by("payment__received_on", "pk"))
    for allocation in allocations:
        allocation.amount_shown = document.money(allocation.amount)
    context = {"invoice": document, "lines": lines, "credit_notes": credit_notes, "allocations": allocations}
    return render(request, "residents/billing/invoice.html", context)


@resident_required(roles=BILLING_READERS)
def invoice_pdf(request, pk: int):
    """The invoice's PDF, named after its number."""
    document = get_object_or_404(Invoice.objects.select_related("campus"), pk=pk, company=request.membership.company)
    return private_download(invoice_document(document))


@resident_required(roles=BILLING_READERS)
@require_GET
def payments(request):
    """Payments received, the newest first: which invoices each settled and the credit it left."""
    allocations = PaymentAllocation.objects.select_related("invoice__campus").order_by("pk")
    rows = (
        Payment.objects.filter(company=request.membership.company)
        .prefetch_related(Prefetch("allocations", queryset=allocations))
        .order_by("-received_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    for payment in shown:
        settled = sum((allocation.amount for allocation in payment.allocations.all()), Decimal("0"))
        payment.credit_left = Money(payment.amount - settled, payment.currency)
        for allocation in payment.allocations.all():
            allocation.amount_shown = Money(allocation.amount, payment.currency)
    return render(request, "residents/billing/payments.html", {"page": page, "rows": shown})
