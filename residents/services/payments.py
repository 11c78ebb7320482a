"""Payments: recording money a company paid, spreading it over its invoices, carrying what is left.

- ``payment_record`` writes a payment and its allocations: to the invoices staff name, or to the
  company's open invoices oldest due first. What no invoice needs stays on the payment as credit.
- ``credit_apply`` spends carried credit (the unallocated part of payments, oldest first) on open
  invoices. It also gives back, as credit, what an invoice was paid beyond what it still asks
  after a credit note. ``payment_record`` ends with it; issuing invoices or credit notes should
  call it too, so credit a company carries settles its next invoice.
- One company's ledger is written by one transaction at a time: each write first locks the
  company's row (``FOR NO KEY UPDATE``, which inserting its invoices and payments does not wait
  on), then the invoices it may touch, and reads what they still ask only after that, so two
  staff recording at once never allocate more than an invoice asks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Greatest, Round
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.actors import Actor, actor_label, actor_user
from tenants.models import Company

from ..choices import InvoiceKind, PaymentSource
from ..exceptions import BillingRefused, SentTwice
from ..models import Invoice, Lease, Payment, PaymentAllocation
from .ledger import ZERO

logger = logging.getLogger(__name__)

FEN = Decimal("0.01")

#: Invoices a payment is for: invoices (each settled up to what it still asks, oldest due first),
#: or (invoice, amount) pairs.
Targets = Sequence[Invoice | tuple[Invoice, Decimal]]


def _money(amount: Decimal, currency: str) -> str:
    return f"{formats.number_format(amount, 2, force_grouping=True)} {currency}"


def company_currency(company: Company) -> str:
    """The currency the company is billed in: its invoices', else its lease's, else the default."""
    invoiced = Invoice.objects.filter(company=company).order_by("-pk").values_list("currency", flat=True).first()
    if invoiced:
        return invoiced
    lease = Lease.objects.filter(company=company).order_by("-starts_on", "-pk").first()
    return lease.rent_rate.currency.code if lease else settings.DEFAULT_CURRENCY


# --- Checks ---------------------------------------------------------------------------------


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, TypeError, ValueError):
        raise BillingRefused(_("Enter the amount received as a number."), field="amount") from None
    if not amount.is_finite() or amount <= 0:
        raise BillingRefused(_("Enter an amount above zero."), field="amount")
    if amount != amount.quantize(FEN):
        raise BillingRefused(_("Enter the amount to the fen: at most two decimals."), field="amount")
    if amount >= Decimal("1e12"):
        raise BillingRefused(_("Enter the amount received as a number."), field="amount")
    return amount.quantize(FEN)


def _targets(company: Company, invoices: Targets | None) -> list[tuple[Invoice, Decimal | None]]:
    """``invoices`` as (invoice, amount or None) pairs, checked to be the company's invoices."""
    pairs = [item if isinstance(item, tuple) else (item, None) for item in invoices or ()]
    for invoice, _share in pairs:
        if invoice.company_id != company.pk:
            raise BillingRefused(
                _("Invoice %(number)s is another company's; a payment settles its own company's invoices.")
                % {"number": invoice.display_number},
                field="invoices",
            )
        if invoice.kind != InvoiceKind.INVOICE:
            raise BillingRefused(
                _("%(number)s is a credit note; a payment settles invoices.") % {"number": invoice.display_number},
                field="invoices",
            )
    if len({invoice.pk for invoice, _share in pairs}) != len(pairs):
        raise BillingRefused(_("Name each invoice once."), field="invoices")
    return [(invoice, None if share is None else _share_amount(invoice, share)) for invoice, share in pairs]


def _share_amount(invoice: Invoice, value) -> Decimal:
    try:
        return _amount(value)
    except BillingRefused:
        raise BillingRefused(
            _("Give invoice %(number)s an amount above zero, to the fen.") % {"number": invoice.display_number},
            field="invoices",
        ) from None


def payment_check(
    *,
    company: Company,
    amount,
    received_on,
    invoices: Targets | None = None,
    statement_key: str | None = None,
    submission_key: str | None = None,
) -> tuple[Decimal, list[tuple[Invoice, Decimal | None]]]:
    """Refuse a payment ``payment_record`` would refuse (forms check with it); returns the amount
    and the targets as (invoice, amount or None). What invoices still ask is checked again under lock."""
    if submission_key and Payment.objects.filter(submission_key=submission_key).exists():
        raise _sent_twice()
    amount = _amount(amount)
    if received_on is None or received_on > timezone.localdate():
        raise BillingRefused(_("Enter the day the money arrived, today or before."), field="received_on")
    pairs = _targets(company, invoices)
    named = sum((share for _invoice, share in pairs if share is not None), ZERO)
    if named > amount:
        raise BillingRefused(_("The amounts given to invoices add up to more than the payment."), field="invoices")
    if statement_key and Payment.objects.filter(statement_key=statement_key).exists():
        raise BillingRefused(_("This bank statement line is already imported."), field="statement_key")
    if pairs:
        _check_open(pairs, _settlement([invoice.pk for invoice, _share in pairs]))
    return amount, pairs


def _sent_twice() -> SentTwice:
    return SentTwice(
        _("This payment was recorded already: the form was sent twice, and it is recorded once."),
        field="submission",
    )


def _check_open(pairs, settled: dict[int, Invoice]) -> None:
    for invoice, share in pairs:
        left = settled[invoice.pk].open_amount
        if share is not None and share > left:
            raise BillingRefused(
                _("Invoice %(number)s asks only %(left)s more; allocate at most that.")
                % {"number": invoice.display_number, "left": _money(left, invoice.currency)},
                field="invoices",
            )


# --- The ledger lock --------------------------------------------------------------------------


def _settlement(ids: Iterable[int]) -> dict[int, Invoice]:
    """The invoices with what is paid, credited and still open, read now (after any lock taken)."""
    return {
        invoice.pk: invoice
        for invoice in Invoice.objects.with_settlement().filter(pk__in=list(ids)).select_related("campus")
    }


def ledger_lock(company_id: int) -> None:
    """Lock a company's ledger: its row, ``FOR NO KEY UPDATE``. Every write to the ledger takes it
    before any invoice's row, so two writers (a payment, a credit note) never wait on each other
    in opposite orders."""
    list(Company.objects.select_for_update(no_key=True).filter(pk=company_id).values_list("pk", flat=True))


def _lock(company: Company, extra: Iterable[int] = ()) -> dict[int, Invoice]:
    """Lock the company's ledger and the invoices not settled exactly (with ``extra``); returns
    them as they stand once locked."""
    ledger_lock(company.pk)
    unsettled = (
        Invoice.objects.with_settlement()
        .filter(company=company, kind=InvoiceKind.INVOICE)
        .exclude(open_amount=0)
        .values_list("pk", flat=True)
    )
    ids = sorted({*unsettled, *extra})
    list(Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    return _settlement(ids)


def _oldest_first(invoices: Iterable[Invoice]) -> list[Invoice]:
    return sorted(invoices, key=lambda invoice: (invoice.due_on, invoice.year, invoice.number))


# --- Recording --------------------------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    company: Company,
    amount,
    received_on,
    reference: str,
    actor: Actor,
    invoices: Targets | None = None,
    source: str = PaymentSource.MANUAL,
    statement_key: str | None = None,
    submission_key: str | None = None,
    note: str = "",
) -> Payment:
    """Record ``amount`` received from ``company`` and allocate it: to ``invoices`` (None: its open
    invoices, oldest due first); the rest is credit carried to its next invoices. A form's
    ``submission_key`` records it once however often the form is sent."""
    amount, pairs = payment_check(
        company=company,
        amount=amount,
        received_on=received_on,
        invoices=invoices,
        statement_key=statement_key,
        submission_key=submission_key,
    )
    settled = _lock(company, [invoice.pk for invoice, _share in pairs])
    _check_open(pairs, settled)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                campus_id=company.campus_id,
                company=company,
                received_on=received_on,
                amount=amount,
                currency=company_currency(company),
                reference=" ".join((reference or "").split())[:140],
                source=source,
                statement_key=statement_key or None,
                submission_key=submission_key or None,
                note=(note or "").strip(),
                recorded_by=actor_user(actor),
            )
    except IntegrityError:  # the same statement line, or the same form, recorded by another request a moment ago
        if submission_key and Payment.objects.filter(submission_key=submission_key).exists():
            raise _sent_twice() from None
        raise BillingRefused(_("This bank statement line is already imported."), field="statement_key") from None
    if invoices is None:
        plan = [(invoice, None) for invoice in _oldest_first(i for i in settled.values() if i.open_amount > 0)]
    else:
        named = [(settled[invoice.pk], share) for invoice, share in pairs if share is not None]
        plain = _oldest_first(settled[invoice.pk] for invoice, share in pairs if share is None)
        plan = named + [(invoice, None) for invoice in plain]
    left = amount
    for invoice, share in plan:
        part = min(left, invoice.open_amount if share is None else share)
        if part > 0:
            _allocate(payment, invoice, part)
            left -= part
    credit_apply(company, actor=actor, invoices=[invoice.pk for invoice, _share in plan])
    logger.info("Payment %s of company %s recorded by %s", payment.pk, company.pk, actor_label(actor) or "the portal")
    return payment


def _allocate(payment: Payment, invoice: Invoice, part: Decimal) -> None:
    """Add ``part`` of ``payment`` to ``invoice`` (one allocation row per payment and invoice)."""
    updated = PaymentAllocation.objects.filter(payment=payment, invoice=invoice).update(amount=F("amount") + part)
    if not updated:
        PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount=part)
    invoice.open_amount -= part


def payments_with_credit(company: Company | None = None):
    """The company's payments not wholly allocated, oldest first, with ``allocated`` and ``credit``
    (every company's with ``company`` None)."""
    payments = Payment.objects.all() if company is None else Payment.objects.filter(company=company)
    return (
        payments.annotate(allocated=Coalesce(Sum("allocations__amount"), ZERO))
        .annotate(credit=Round(F("amount") - F("allocated"), 2))  # to the fen: SQLite adds in floating point
        .filter(credit__gt=0)
        .order_by("received_on", "pk")
    )


@transaction.atomic
def credit_apply(company: Company, actor: Actor = None, invoices: Iterable[int] = ()) -> Decimal:
    """Spend the company's carried credit on its open invoices, oldest payment on oldest invoice;
    first give back as credit what invoices were paid beyond what they ask. Then store when each
    invoice it looked at (and ``invoices``, just paid or credited) was settled. Returns the amount allocated."""
    settled = _lock(company, invoices)
    for invoice in settled.values():
        if invoice.open_amount < 0:
            _release(invoice, -invoice.open_amount)
    owing = _oldest_first(invoice for invoice in settled.values() if invoice.open_amount > 0)
    spent = ZERO
    for payment in payments_with_credit(company):
        credit = payment.credit
        while credit > 0 and owing:
            part = min(credit, owing[0].open_amount)
            _allocate(payment, owing[0], part)
            credit, spent = credit - part, spent + part
            if owing[0].open_amount <= 0:
                owing.pop(0)
        if not owing:
            break
    settled_on_store(settled)
    if spent:
        logger.info("Allocated %s of carried credit of company %s (%s)", spent, company.pk, actor_label(actor) or "-")
    return spent


def settled_on_store(invoices: dict[int, Invoice]) -> None:
    """Store ``Invoice.settled_on`` of the invoices (as locked by ``_lock``, their ``open_amount``
    kept up to date by ``_allocate`` and ``_release``): the latest of the day it was issued, its
    payments' and its credit notes' days once nothing is owed, else empty. Reports find what may
    be owed on a day by it (``InvoiceQuerySet.unsettled``)."""
    if not invoices:
        return
    done = {pk for pk, invoice in invoices.items() if invoice.kind == InvoiceKind.INVOICE and invoice.open_amount <= 0}
    days = dict.fromkeys(invoices)
    if done:
        days |= dict(settled_on_of(Invoice.objects.filter(pk__in=done)).values_list("pk", "day"))
    by_day: dict = {}
    for pk, day in days.items():
        by_day.setdefault(day, []).append(pk)
    for day, ids in by_day.items():
        Invoice.objects.filter(pk__in=ids).exclude(settled_on=day).update(settled_on=day)


def settled_on_refresh(ids: Iterable[int]) -> None:
    """Store ``settled_on`` of these invoices from their ledger as it stands (for writers that
    set payments against invoices outside ``credit_apply``)."""
    settled_on_store(_settlement(ids))


def settled_on_of(invoices):
    """``invoices`` annotated ``day``: the latest of their issue, their payments' receipt and
    their credit notes' issue (the day they are settled, for invoices that are)."""
    return invoices.annotate(
        day=Greatest(
            "issued_on",
            Coalesce(Max("payment_allocations__payment__received_on"), "issued_on"),
            Coalesce(
                Subquery(
                    Invoice.objects.filter(credits=OuterRef("pk"))
                    .values("credits")
                    .annotate(last=Max("issued_on"))
                    .values("last")
                ),
                "issued_on",
            ),
        )
    )


def _release(invoice: Invoice, excess: Decimal) -> None:
    """Take ``excess`` off the invoice's allocations, the latest first: it becomes the payments' credit."""
    for allocation in invoice.payment_allocations.order_by("-created_at", "-pk"):
        part = min(allocation.amount, excess)
        if part == allocation.amount:
            allocation.delete()
        else:
            PaymentAllocation.objects.filter(pk=allocation.pk).update(amount=F("amount") - part)
        excess -= part
        invoice.open_amount += part
        if excess <= 0:
            return
