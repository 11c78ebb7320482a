"""Issuing invoices and credit notes.

- ``invoices_issue`` is the daily job: on or after each campus's billing day it issues the
  month's invoice of every lease in force that month which has none yet, in batches that
  workers take in parallel (``invoices_issue_batch``).
- An invoice is issued once per lease and month: the batch looks again under the numbering lock
  and ``residents_invoice_once_per_period`` refuses a second row, so the job run twice, or on
  two workers at once, issues nothing more.
- Numbers are gap-free per campus and year (``_numbers``): the sequence row is locked, moved
  and written in the transaction that writes the invoices, so a number is used only if its
  invoice commits. The lock is held only for the inserts; the amounts are worked out before.
- A company's confirmed bookings of priced resources that ended before the issue day go on the
  first of its invoices written, once (``booking_charges``, under the same lock).
- ``credit_note_issue`` corrects an issued invoice, never editing it.
- Each invoice or credit note is sent after it commits (``invoice_delivery``); the daily job
  publishes again those whose sending job was lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campus.models import Allocation, Campus
from common.actors import Actor, actor_user
from common.figures import figures_changed
from common.jobs import enqueue_on_commit
from tenants.models import Company

from ..choices import InvoiceKind
from ..exceptions import BillingRefused, SentTwice
from ..models import Invoice, InvoiceLine, InvoiceSequence, Lease
from ..rent import HUNDRED, LineKind, MonthLine, lease_month_amounts, month_bounds, to_fen
from ..selectors import leases_in_force
from .booking_charges import bookings_mark_billed, with_booking_lines
from .invoice_delivery import invoices_undelivered
from .payments import credit_apply, ledger_lock, payments_with_credit

logger = logging.getLogger(__name__)

#: Leases per batch: one transaction, one hold of the numbering lock.
BATCH_SIZE = 250


# --- Numbers -------------------------------------------------------------------------------


def _sequence(campus_id: int, year: int) -> InvoiceSequence:
    """The campus's numbering row for the year, locked until the transaction ends."""
    InvoiceSequence.objects.get_or_create(campus_id=campus_id, year=year)
    return InvoiceSequence.objects.select_for_update().get(campus_id=campus_id, year=year)


def _take(sequence: InvoiceSequence, count: int) -> range:
    """The next ``count`` numbers of a locked sequence, used only if the transaction commits."""
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return range(first, first + count)


def billing_period(campus: Campus, today: dt.date) -> dt.date | None:
    """The month whose invoices are due on ``today``: this month from the billing day on."""
    return today.replace(day=1) if today.day >= campus.billing_day else None


# --- Issuing -------------------------------------------------------------------------------


def leases_to_bill(campus: Campus, period: dt.date):
    """Leases that cover part of the month and have no invoice for it (ended or not)."""
    first, last = month_bounds(period)
    return leases_in_force(campus, first, last).exclude(invoices__kind=InvoiceKind.INVOICE, invoices__period=first)


def invoices_issue(today: dt.date | None = None) -> int:
    """Daily: for each campus on or past its billing day, publish batches of this month's leases
    to bill. Returns how many batches were published (each batch's job issues the invoices)."""
    from ..tasks import invoices_issue_batch as job

    today = today or timezone.localdate()
    published = 0
    for invoice_id in invoices_undelivered().values_list("pk", flat=True):
        enqueue_on_commit(_deliver_job(), invoice_id)
    for campus in Campus.objects.order_by("pk"):
        period = billing_period(campus, today)
        if period is None:
            continue
        ids = list(leases_to_bill(campus, period).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            try:
                job.delay(campus.pk, period.isoformat(), batch, today.isoformat())
            except Exception:  # the broker is down: issue here rather than lose the month
                logger.exception("Could not publish an invoice batch; issuing it in this process")
                invoices_issue_batch(campus_id=campus.pk, period=period, lease_ids=batch, today=today)
            published += 1
    return published


def invoices_issue_batch(*, campus_id: int, period: dt.date, lease_ids: Sequence[int], today: dt.date) -> int:
    """Issue the month's invoice of each lease in ``lease_ids`` that has none; returns how many."""
    campus = Campus.objects.get(pk=campus_id)
    first, _last = month_bounds(period)
    try:
        with transaction.atomic():
            issued = _issue(campus, first, lease_ids, today)
    except IntegrityError:
        # Another run wrote one of these between our look and our lock (not possible while the
        # lock is held, so this is a database without row locks, e.g. SQLite): try once more.
        with transaction.atomic():
            issued = _issue(campus, first, lease_ids, today)
    for invoice in issued:
        enqueue_on_commit(_deliver_job(), invoice.pk)
    _spend_credit({invoice.company_id for invoice in issued})
    logger.info("Issued %s invoices for %s on campus %s", len(issued), first, campus_id)
    return len(issued)


def _issue(campus: Campus, period: dt.date, lease_ids: Sequence[int], today: dt.date) -> list[Invoice]:
    """Read the leases as they stand under their locks, work out their month, write it."""
    # The leases' rows first, as ending or renewing a lease takes them: a lease ended meanwhile is
    # read as it ended (never billed for days it no longer runs), and neither waits on the other
    # holding a lock the other needs (the numbering lock is taken after, in _write).
    list(Lease.objects.select_for_update(no_key=True).filter(pk__in=lease_ids).order_by("pk").values_list("pk"))
    leases = list(
        leases_to_bill(campus, period)
        .filter(pk__in=lease_ids)
        .select_related("company")
        .prefetch_related(Prefetch("allocations", queryset=Allocation.objects.order_by("starts_on", "pk")), "subsidies")
        .order_by("pk")
    )
    drafts = [(lease, lease_month_amounts(lease, period)) for lease in leases]
    drafts = [(lease, lines) for lease, lines in drafts if lines]
    return _write(campus, period, drafts, today) if drafts else []


def _write(campus: Campus, period: dt.date, drafts: list, today: dt.date) -> list[Invoice]:
    sequence = _sequence(campus.pk, today.year)  # the lock first, then the look
    done = set(
        Invoice.objects.filter(
            kind=InvoiceKind.INVOICE, period=period, lease_id__in=[lease.pk for lease, _lines in drafts]
        ).values_list("lease_id", flat=True)
    )
    drafts = [(lease, lines) for lease, lines in drafts if lease.pk not in done]
    if not drafts:
        return []
    # Under the numbering lock, which every writer of the campus's invoices takes: a booking is
    # billed by the first invoice of its company written, and found billed by every later one.
    drafts, placed = with_booking_lines(campus, drafts, today)
    numbers = _take(sequence, len(drafts))
    due_on = today + dt.timedelta(days=campus.payment_terms_days)
    invoices = []
    for number, (lease, lines) in zip(numbers, drafts, strict=True):
        net = sum((line.net.amount for line in lines), Decimal("0"))
        tax = sum((line.tax.amount for line in lines), Decimal("0"))
        invoices.append(
            Invoice(
                campus=campus,
                company_id=lease.company_id,
                lease=lease,
                kind=InvoiceKind.INVOICE,
                period=period,
                prefix=campus.invoice_prefix,
                year=today.year,
                number=number,
                issued_on=today,
                due_on=due_on,
                currency=lease.rent_rate.currency.code,
                net=net,
                tax=tax,
                total=net + tax,
            )
        )
    Invoice.objects.bulk_create(invoices)
    figures_changed()  # bulk writes send no signals: the dashboard's figures are told here
    rows = InvoiceLine.objects.bulk_create(
        _line_row(invoice, position, line)
        for invoice, (_lease, lines) in zip(invoices, drafts, strict=True)
        for position, line in enumerate(lines, start=1)
    )
    if placed:
        index_of = {invoice.pk: index for index, invoice in enumerate(invoices)}
        bookings_mark_billed(placed, {(index_of[row.invoice_id], row.position): row.pk for row in rows})
    return invoices


def _spend_credit(company_ids: set[int]) -> None:
    """Settle new invoices from the credit their companies carry (overpayments), company by company."""
    carrying = payments_with_credit().filter(company_id__in=company_ids).values_list("company_id", flat=True)
    for company in Company.objects.filter(pk__in=set(carrying)).order_by("pk"):
        credit_apply(company)


def _deliver_job():
    from ..tasks import invoice_deliver  # the job module imports this one

    return invoice_deliver


def _line_row(invoice: Invoice, position: int, line: MonthLine) -> InvoiceLine:
    return InvoiceLine(
        invoice=invoice,
        position=position,
        kind=line.kind,
        description=line.description,
        first_day=line.first_day,
        last_day=line.last_day,
        days=line.days,
        days_in_month=line.days_in_month,
        area_m2=line.area_m2,
        rate=line.rate.amount.quantize(Decimal("0.000001")),
        percent=line.percent,
        net=line.net.amount,
        tax_percent=line.tax_percent,
        tax=line.tax.amount,
    )


# --- Credit notes --------------------------------------------------------------------------


def creditable(invoice: Invoice) -> Decimal:
    """What may still be credited on an invoice: its total less the credit notes against it."""
    credited = invoice.credit_notes.aggregate(s=Sum("total"))["s"] or Decimal("0")
    return invoice.total + credited


@transaction.atomic
def credit_note_issue(
    *,
    invoice: Invoice,
    reason: str,
    actor: Actor,
    amount: Decimal | None = None,
    tax_percent: Decimal | None = None,
    today: dt.date | None = None,
    submission_key: str | None = None,
) -> Invoice:
    """Correct ``invoice`` by a credit note: the whole of what is left (``amount`` None: every line
    reversed), or ``amount`` gross (tax included) at ``tax_percent``, as one correction line. A
    form's ``submission_key`` issues it once however often the form is sent."""
    today = today or timezone.localdate()
    ledger_lock(invoice.company_id)  # before the invoice's row, as payments take them
    locked = Invoice.objects.select_for_update().select_related("campus").get(pk=invoice.pk)
    # Under the invoice's lock: a second sending of the form waits for the first, then finds it.
    if submission_key and Invoice.objects.filter(submission_key=submission_key).exists():
        raise SentTwice(
            _("This credit note was issued already: the form was sent twice, and it is issued once."),
            field="submission",
        )
    if locked.kind != InvoiceKind.INVOICE:
        raise BillingRefused(_("Only an invoice can be corrected by a credit note."))
    if not reason.strip():
        raise BillingRefused(_("Say why the invoice is corrected."), field="reason")
    left = creditable(locked)
    if amount is None:
        if left != locked.total:
            raise BillingRefused(
                _("Part of this invoice is credited already; credit an amount of at most %(left)s.")
                % {"left": formats.number_format(left, 2, force_grouping=True)},
                field="amount",
            )
        lines = [
            InvoiceLine(
                position=line.position,
                kind=line.kind,
                description=line.description,
                first_day=line.first_day,
                last_day=line.last_day,
                days=line.days,
                days_in_month=line.days_in_month,
                area_m2=line.area_m2,
                rate=line.rate,
                percent=line.percent,
                net=-line.net,
                tax_percent=line.tax_percent,
                tax=-line.tax,
            )
            for line in locked.lines.all()
        ]
    else:
        lines = [_correction(locked, amount, tax_percent, left, reason)]
    if sum((line.net + line.tax for line in lines), Decimal("0")) >= 0:
        raise BillingRefused(_("A credit note must take something off the invoice."), field="amount")
    return _credit_note(
        locked, lines, reason=reason.strip(), actor=actor, today=today, submission_key=submission_key or None
    )


def _credit_note(
    invoice: Invoice,
    lines: list[InvoiceLine],
    *,
    reason: str,
    actor: Actor,
    today: dt.date,
    submission_key: str | None = None,
) -> Invoice:
    """Write a credit note of ``lines`` (negative) against ``invoice``, numbered in sequence."""
    net = sum((line.net for line in lines), Decimal("0"))
    tax = sum((line.tax for line in lines), Decimal("0"))
    (number,) = _take(_sequence(invoice.campus_id, today.year), 1)
    note = Invoice.objects.create(
        campus=invoice.campus,
        company_id=invoice.company_id,
        lease_id=invoice.lease_id,
        kind=InvoiceKind.CREDIT_NOTE,
        credits=invoice,
        period=invoice.period,
        prefix=invoice.campus.invoice_prefix,
        year=today.year,
        number=number,
        issued_on=today,
        due_on=today,
        currency=invoice.currency,
        net=net,
        tax=tax,
        total=net + tax,
        reason=reason,
        created_by=actor_user(actor),
        submission_key=submission_key,
    )
    for line in lines:
        line.invoice = note
    InvoiceLine.objects.bulk_create(lines)
    enqueue_on_commit(_deliver_job(), note.pk)
    # What was paid beyond what the invoice now asks becomes credit; the invoice may be settled now.
    credit_apply(invoice.company, invoices=[invoice.pk])
    return note


def _correction(invoice: Invoice, amount, tax_percent, left: Decimal, reason: str) -> InvoiceLine:
    try:
        gross = to_fen(Decimal(amount))
    except (ArithmeticError, TypeError, ValueError):
        raise BillingRefused(_("Enter the amount to credit as a number."), field="amount") from None
    if gross <= 0:
        raise BillingRefused(_("Enter an amount above zero."), field="amount")
    if gross > left:
        raise BillingRefused(
            _("At most %(left)s %(currency)s of this invoice can still be credited.")
            % {"left": formats.number_format(left, 2, force_grouping=True), "currency": invoice.currency},
            field="amount",
        )
    rates = {line.tax_percent for line in invoice.lines.all()}
    if tax_percent is None:
        if len(rates) != 1:
            raise BillingRefused(_("Choose the tax rate of the amount credited."), field="tax_percent")
        (tax_percent,) = rates
    if tax_percent not in rates:
        raise BillingRefused(_("The invoice has no line at that tax rate."), field="tax_percent")
    net = to_fen(gross * HUNDRED / (HUNDRED + tax_percent))
    return InvoiceLine(
        position=1,
        kind=LineKind.CORRECTION,
        description=reason.strip()[:300],
        net=-net,
        tax_percent=tax_percent,
        tax=-(gross - net),
    )


def overbilled_credit(*, lease: Lease, actor: Actor, reason: str, today: dt.date | None = None) -> list[Invoice]:
    """After a lease ends early: credit what its invoices billed past its new last day.

    Each invoice of a month from the last day's on, less the credit notes already against it, is
    compared with what the month costs now, tax rate by tax rate; what it still asks beyond that
    becomes one credit note per invoice, with a line per rate. An invoice credited before is never
    credited below what its days now cost, nor below zero.
    """
    today = today or timezone.localdate()
    first_month = lease.last_day.replace(day=1)
    notes = []
    ledger_lock(lease.company_id)
    invoices = Invoice.objects.filter(lease=lease, kind=InvoiceKind.INVOICE, period__gte=first_month)
    # Locked as credit_note_issue locks them, so a credit note issued meanwhile is counted here.
    invoices = invoices.select_for_update(of=("self",)).select_related("campus")
    for invoice in invoices.prefetch_related("lines", "credit_notes__lines").order_by("period"):
        # Booking lines bill hours used, not the lease's days: an earlier last day leaves them be.
        corrections = [line for note in invoice.credit_notes.all() for line in note.lines.all()]
        billed = _by_rate(line for line in [*invoice.lines.all(), *corrections] if line.kind != LineKind.BOOKING)
        now = _by_rate(lease_month_amounts(lease, invoice.period))
        lines = []
        for rate in sorted(billed):
            net = max(billed[rate][0] - now.get(rate, (0, 0))[0], 0)
            tax = max(billed[rate][1] - now.get(rate, (0, 0))[1], 0)
            if net or tax:
                lines.append(
                    InvoiceLine(
                        position=len(lines) + 1,
                        kind=LineKind.CORRECTION,
                        description=reason[:300],
                        net=-net,
                        tax_percent=rate,
                        tax=-tax,
                    )
                )
        if lines and sum(line.net + line.tax for line in lines) < 0:
            notes.append(_credit_note(invoice, lines, reason=reason, actor=actor, today=today))
    return notes


def _by_rate(lines) -> dict[Decimal, tuple[Decimal, Decimal]]:
    """Net and tax per tax rate of invoice lines or month lines."""
    totals: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for line in lines:
        net, tax = getattr(line.net, "amount", line.net), getattr(line.tax, "amount", line.tax)  # Money or Decimal
        was = totals.get(line.tax_percent, (Decimal("0"), Decimal("0")))
        totals[line.tax_percent] = (was[0] + net, was[1] + tax)
    return totals
